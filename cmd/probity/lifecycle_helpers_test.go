package main

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/probity/probity/internal/store"
)

// The machinery of TestEngagementLifecycle: one running server, a web
// session and an API token per person, the CLI against the server's
// database, and what each surface's answer means (done, or refused).

const (
	lcPriya = "priya.raman@hartwellcrane.example" // the supervising attorney
	lcAnika = "anika.deshmukh@lexora.example"     // Lexora's vendor manager
	lcRohan = "rohan.kulkarni@lexora.example"     // a Lexora professional
)

// lcEnv is the server and everyone's way into it.
type lcEnv struct {
	r      *running
	s      *store.Store
	web    map[string]*http.Client
	tokens map[string]string
	ids    map[string]int64
	api    *http.Client
	dir    string // files the CLI uploads
}

// lcOutcome is what a surface answered: ok when the action happened, else
// the status (HTTP, or the CLI's exit status) and the text shown.
type lcOutcome struct {
	ok     bool
	status int
	text   string
}

func (o lcOutcome) String() string {
	s := o.text
	if len(s) > 600 {
		s = s[:600] + "…"
	}
	return fmt.Sprintf("ok=%v status=%d %q", o.ok, o.status, s)
}

// brief is the outcome with the text cut to the refusal's message where
// it can be found (an HTML page's error paragraph is in its body).
func (o lcOutcome) brief() string {
	s := o.text
	if i := strings.Index(s, `role="alert"`); i > 0 {
		s = s[i:]
	} else if i := strings.Index(s, "cannot"); i > 0 {
		s = s[max(0, i-80):]
	}
	if len(s) > 240 {
		s = s[:240]
	}
	return fmt.Sprintf("%d %q", o.status, s)
}

// refused reports whether the outcome is a refusal as the brief counts them:
// HTTP 403/404/409/422, or the CLI's exit 1.
func (o lcOutcome) refused(cli bool) bool {
	if o.ok {
		return false
	}
	if cli {
		return o.status == 1
	}
	switch o.status {
	case http.StatusForbidden, http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity:
		return true
	}
	return false
}

// ---- the web UI

func (x *lcEnv) webReply(r httpReply, get bool) lcOutcome {
	o := lcOutcome{status: r.StatusCode, text: string(r.body)}
	if get {
		o.ok = r.StatusCode == http.StatusOK
	} else {
		o.ok = r.StatusCode == http.StatusSeeOther
	}
	return o
}

func (x *lcEnv) webPost(tb testing.TB, who, path string, form url.Values) lcOutcome {
	tb.Helper()
	c := x.web[who]
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf_token", jarValue(tb, c, x.r.URL, "probity_csrf"))
	return x.webReply(httpPost(tb, c, x.r.URL+path, form), false)
}

func (x *lcEnv) webGet(tb testing.TB, who, path string) lcOutcome {
	tb.Helper()
	return x.webReply(httpGet(tb, x.web[who], x.r.URL+path), true)
}

// multipartBody is a form with the CSRF token first, then fields, then the file.
func multipartBody(tb testing.TB, csrf string, fields [][2]string, filename, content string) (string, *bytes.Buffer) {
	tb.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	if csrf != "" {
		_ = w.WriteField("csrf_token", csrf)
	}
	for _, f := range fields {
		_ = w.WriteField(f[0], f[1])
	}
	fw, err := w.CreateFormFile("file", filename)
	if err != nil {
		tb.Fatal(err)
	}
	_, _ = fw.Write([]byte(content))
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	return w.FormDataContentType(), &b
}

func (x *lcEnv) webUpload(tb testing.TB, who, path string, fields [][2]string, filename, content string) lcOutcome {
	tb.Helper()
	c := x.web[who]
	csrf := jarValue(tb, c, x.r.URL, "probity_csrf")
	ct, body := multipartBody(tb, csrf, fields, filename, content)
	hdr := http.Header{"Content-Type": {ct}, "X-Csrf-Token": {csrf}}
	req, err := http.NewRequest(http.MethodPost, x.r.URL+path, body)
	if err != nil {
		tb.Fatal(err)
	}
	req.Header = hdr
	resp, err := c.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	var out bytes.Buffer
	_, _ = out.ReadFrom(resp.Body)
	return x.webReply(httpReply{Response: resp, body: out.Bytes()}, false)
}

// ---- the JSON API

func (x *lcEnv) apiDo(tb testing.TB, who, method, path, body string, hdr http.Header) lcOutcome {
	tb.Helper()
	if hdr == nil && body != "" {
		hdr = http.Header{"Content-Type": {"application/json"}}
	}
	r := apiCall(tb, x.api, method, x.r.URL+"/api/v1"+path, x.tokens[who], body, hdr)
	return lcOutcome{ok: r.StatusCode >= 200 && r.StatusCode < 300, status: r.StatusCode, text: string(r.body)}
}

func (x *lcEnv) apiJSON(tb testing.TB, who, method, path string, v any) lcOutcome {
	tb.Helper()
	body := ""
	switch v := v.(type) {
	case nil:
	case string:
		body = v
	default:
		panic("apiJSON takes a JSON string")
	}
	return x.apiDo(tb, who, method, path, body, nil)
}

// ---- the CLI, on the running server's database

func (x *lcEnv) cli(tb testing.TB, args ...string) lcOutcome {
	tb.Helper()
	out, errOut, err := runCLI(tb, nil, "", append(args, engineArgs(x.r.DB, x.r.Data)...)...)
	text := out + errOut
	if err != nil {
		text += err.Error()
	}
	return lcOutcome{ok: err == nil, status: exitStatus(err), text: text}
}

func (x *lcEnv) file(tb testing.TB, name, content string) string {
	tb.Helper()
	p := filepath.Join(x.dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		tb.Fatal(err)
	}
	return p
}

// ---- reading the database

func (x *lcEnv) int(tb testing.TB, q string, args ...any) int64 {
	tb.Helper()
	var n *int64
	if err := x.s.DB().QueryRow(q, args...).Scan(&n); err != nil {
		tb.Fatalf("%s: %v", q, err)
	}
	if n == nil {
		return 0
	}
	return *n
}

func (x *lcEnv) stage(tb testing.TB, id int64) string {
	tb.Helper()
	return string(gatesStage(tb, x.s, id))
}

// lcTables are the tables engagement work writes; a refusal changes none.
var lcTables = []string{"communication_plans", "kickoffs", "briefings", "briefing_acknowledgements", "sow_versions", "sow_items",
	"deadlines", "time_entries", "engagement_documents", "documents", "message_threads", "messages", "deliverables",
	"deliverable_versions", "engagement_pauses", "destruction_certificates", "engagement_members", "audit_events"}

func (x *lcEnv) counts(tb testing.TB) map[string]int64 {
	tb.Helper()
	m := map[string]int64{}
	for _, t := range lcTables {
		m[t] = x.int(tb, `SELECT COUNT(*) FROM `+t)
	}
	return m
}

func i64(n int64) string { return strconv.FormatInt(n, 10) }

func lcContains(text string, want ...string) bool {
	for _, w := range want {
		found := false
		for _, alt := range strings.Split(w, "|") { // alternatives
			found = found || strings.Contains(text, alt)
		}
		if !found {
			return false
		}
	}
	return true
}
