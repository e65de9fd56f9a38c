package api_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/probity/probity/internal/server/servertest"

	"github.com/probity/probity/internal/api"
	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/demo"
	"github.com/probity/probity/internal/httpx"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// openAPIDoc fetches the embedded document through the API's own route.
func openAPIDoc(t *testing.T) map[string]any {
	t.Helper()
	mux := http.NewServeMux()
	api.New(nil).Register(mux)
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, api.Prefix+"/openapi.json", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET openapi.json: %d", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("openapi.json Content-Type %q", ct)
	}
	var doc map[string]any
	dec := json.NewDecoder(rec.Body)
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("openapi.json is not a JSON object: %v", err)
	}
	if dec.More() {
		t.Fatalf("openapi.json holds more than one JSON value")
	}
	return doc
}

var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// pathParams are the {name} segments of a path template.
var pathParams = regexp.MustCompile(`\{([^}/]+)\}`)

// routePath turns a ServeMux pattern path into an OpenAPI path template.
func routePath(p string) string {
	p = strings.TrimSuffix(p, "{$}")
	return strings.ReplaceAll(p, "...}", "}")
}

// resolve follows a local JSON pointer ("#/components/...") in doc.
func resolve(doc map[string]any, ref string) (any, bool) {
	if !strings.HasPrefix(ref, "#/") {
		return nil, false
	}
	var cur any = doc
	for _, tok := range strings.Split(ref[2:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[tok]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// deref resolves v if it is a {"$ref": ...} object.
func deref(doc map[string]any, v any) map[string]any {
	m, _ := v.(map[string]any)
	if ref, ok := m["$ref"].(string); ok {
		r, _ := resolve(doc, ref)
		m, _ = r.(map[string]any)
	}
	return m
}

func TestOpenAPIDescribesExactlyTheRoutes(t *testing.T) {
	doc := openAPIDoc(t)
	if doc["openapi"] != "3.1.0" {
		t.Errorf("openapi = %v, want 3.1.0", doc["openapi"])
	}
	servers, _ := doc["servers"].([]any)
	if len(servers) != 1 || deref(doc, servers[0])["url"] != api.Prefix {
		t.Fatalf("servers = %v, want exactly [{url: %s}] (the paths below are relative to it)", doc["servers"], api.Prefix)
	}
	paths, ok := doc["paths"].(map[string]any)
	if !ok || len(paths) == 0 {
		t.Fatalf("no paths")
	}

	documented := map[string]bool{}
	opIDs := map[string]string{}
	for p, item := range paths {
		pi, ok := item.(map[string]any)
		if !ok {
			t.Errorf("path %s is not an object", p)
			continue
		}
		for _, method := range httpMethods {
			raw, ok := pi[method]
			if !ok {
				continue
			}
			key := strings.ToUpper(method) + " " + api.Prefix + p
			documented[key] = true
			op, _ := raw.(map[string]any)
			id, _ := op["operationId"].(string)
			if id == "" {
				t.Errorf("%s has no operationId", key)
			} else if other, dup := opIDs[id]; dup {
				t.Errorf("operationId %s is used by %s and %s", id, other, key)
			}
			opIDs[id] = key
			responses, _ := op["responses"].(map[string]any)
			if len(responses) == 0 {
				t.Errorf("%s documents no responses", key)
			}
			for code, r := range responses {
				if deref(doc, r)["description"] == nil {
					t.Errorf("%s response %s has no description", key, code)
				}
			}
			// Every {param} of the path is declared as a required path parameter.
			declared := map[string]bool{}
			params, _ := pi["parameters"].([]any)
			opParams, _ := op["parameters"].([]any)
			for _, prm := range append(slices.Clone(params), opParams...) {
				pm := deref(doc, prm)
				if pm["in"] == "path" && pm["required"] == true {
					name, _ := pm["name"].(string)
					declared[name] = true
				}
			}
			for _, m := range pathParams.FindAllStringSubmatch(p, -1) {
				if !declared[m[1]] {
					t.Errorf("%s does not declare the required path parameter %s", key, m[1])
				}
			}
		}
	}

	routed := map[string]bool{}
	for _, rt := range api.New(nil).Routes() {
		if rt.Pattern == "/api/" {
			continue // the catch-all that answers JSON 404s
		}
		method, path, ok := strings.Cut(rt.Pattern, " ")
		if !ok || !strings.HasPrefix(path, api.Prefix+"/") {
			t.Errorf("route %q has no method or is outside %s", rt.Pattern, api.Prefix)
			continue
		}
		routed[method+" "+routePath(path)] = true
	}
	for _, k := range slices.Sorted(maps.Keys(routed)) {
		if !documented[k] {
			t.Errorf("route %s is not documented in openapi.json", k)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(documented)) {
		if !routed[k] {
			t.Errorf("openapi.json documents %s, which no route serves", k)
		}
	}

	// Every local $ref resolves.
	var check func(v any, at string)
	check = func(v any, at string) {
		switch x := v.(type) {
		case map[string]any:
			if ref, ok := x["$ref"].(string); ok {
				if _, ok := resolve(doc, ref); !ok {
					t.Errorf("%s: $ref %s does not resolve", at, ref)
				}
			}
			for k, c := range x {
				check(c, at+"/"+k)
			}
		case []any:
			for i, c := range x {
				check(c, at+"/"+strconv.Itoa(i))
			}
		}
	}
	check(doc, "#")
}

// fixture is the whole HTTP surface over a demo firm on one engine.
type fixture struct {
	t    *testing.T
	url  string
	app  *app.App
	totp *testenv.TOTP
}

func newFixture(t *testing.T, e testenv.Engine) *fixture {
	t.Helper()
	d := servertest.StartDemo(t, e)
	return &fixture{t: t, url: d.URL, app: d.App, totp: testenv.NewTOTP()}
}

// session is an API caller: a session cookie and the CSRF cookie it echoes.
type session struct {
	f          *fixture
	cookie     string // "" when not signed in
	csrf       string // the CSRF cookie
	csrfHeader string // what X-CSRF-Token sends, when not csrf
}

func (f *fixture) anonymous() *session {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return &session{f: f, csrf: hex.EncodeToString(b)}
}

// as signs in a demo account through the app and returns its session.
func (f *fixture) as(email string) *session {
	f.t.Helper()
	token, _, err := f.app.SignIn(context.Background(), app.SignInRequest{Email: email, Password: demo.Password, Address: "192.0.2.10"})
	if err != nil {
		f.t.Fatalf("sign in %s: %v", email, err)
	}
	for _, acc := range demo.Accounts() {
		if acc.Email == email && acc.TOTPSecret != "" {
			if _, err := f.app.VerifySecondFactor(context.Background(), token, f.totp.Code(f.t, acc.TOTPSecret)); err != nil {
				f.t.Fatalf("second factor of %s: %v", email, err)
			}
		}
	}
	s := f.anonymous()
	s.cookie = token
	return s
}

type response struct {
	status int
	header http.Header
	body   []byte
}

// send makes a request; unsafe methods echo the CSRF token unless noCSRF.
func (s *session) send(t *testing.T, method, path string, body []byte, noCSRF bool) response {
	t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, s.f.url+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.AddCookie(&http.Cookie{Name: httpx.CSRFCookie, Value: s.csrf})
	if s.cookie != "" {
		req.AddCookie(&http.Cookie{Name: httpx.SessionCookie, Value: s.cookie})
	}
	if method != http.MethodGet && !noCSRF {
		h := s.csrf
		if s.csrfHeader != "" {
			h = s.csrfHeader
		}
		req.Header.Set(httpx.CSRFHeader, h)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	if resp.Header.Get("X-Request-Id") == "" {
		t.Errorf("%s %s: no X-Request-Id", method, path)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

func (s *session) get(t *testing.T, path string) response {
	t.Helper()
	return s.send(t, http.MethodGet, path, nil, false)
}

// getJSON requires 200 and decodes the body into v.
func (s *session) getJSON(t *testing.T, path string, v any) {
	t.Helper()
	r := s.get(t, path)
	if r.status != http.StatusOK {
		t.Fatalf("GET %s: %d\n%s", path, r.status, r.body)
	}
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("GET %s: %v\n%s", path, err, r.body)
	}
}

type apiError struct {
	Error struct {
		Code      string `json:"code"`
		Message   string `json:"message"`
		Field     string `json:"field"`
		RequestID string `json:"request_id"`
	} `json:"error"`
}

// wantError requires the one JSON error shape with status and code.
func wantError(t *testing.T, r response, status int, code string) apiError {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d\n%s", r.status, status, r.body)
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("error Content-Type %q, want JSON", ct)
	}
	var e apiError
	dec := json.NewDecoder(bytes.NewReader(r.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		t.Fatalf("error body is not {error:{code,message,field,request_id}}: %v\n%s", err, r.body)
	}
	if e.Error.Code != code {
		t.Errorf("error code %q, want %q", e.Error.Code, code)
	}
	if e.Error.Message == "" {
		t.Errorf("error has no message")
	}
	if e.Error.RequestID == "" || e.Error.RequestID != r.header.Get("X-Request-Id") {
		t.Errorf("error request_id %q, response X-Request-Id %q", e.Error.RequestID, r.header.Get("X-Request-Id"))
	}
	return e
}

type listPage struct {
	Items     []map[string]any `json:"items"`
	NextAfter *int64           `json:"next_after"`
}

func idOf(t *testing.T, item map[string]any) int64 {
	t.Helper()
	f, ok := item["id"].(float64)
	if !ok || f <= 0 {
		t.Fatalf("item without a positive id: %v", item)
	}
	return int64(f)
}

// findID returns the id of the only item of a list whose field equals value.
func findID(t *testing.T, s *session, path, field, value string) int64 {
	t.Helper()
	var l listPage
	s.getJSON(t, path, &l)
	var ids []int64
	for _, it := range l.Items {
		if it[field] == value {
			ids = append(ids, idOf(t, it))
		}
	}
	if len(ids) != 1 {
		t.Fatalf("%s: %d items with %s=%s, want 1", path, len(ids), field, value)
	}
	return ids[0]
}

func (f *fixture) countUsers(t *testing.T) int {
	t.Helper()
	var n int
	if err := f.app.Store.Read(context.Background(), func(tx *store.Tx) error {
		us, err := tx.ListUsers(context.Background(), store.UserFilter{Page: store.Page{Limit: store.MaxPageSize}})
		n = len(us)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return n
}

func emailOf(t *testing.T, name string) string {
	t.Helper()
	for _, a := range demo.Accounts() {
		if a.Name == name {
			return a.Email
		}
	}
	t.Fatalf("no demo account %s", name)
	return ""
}

func TestAPI(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newFixture(t, e)
		admin := f.as(emailOf(t, "Eleanor Hartwell"))
		marcus := f.as(emailOf(t, "Marcus Oyelaran"))
		priya := f.as(emailOf(t, "Priya Raman"))
		helen := f.as(emailOf(t, "Helen Calloway"))
		anika := f.as(emailOf(t, "Anika Deshmukh"))

		ardent := findID(t, marcus, "/api/v1/matters?q=2026-0177", "number", "2026-0177")
		calloway := findID(t, marcus, "/api/v1/matters?q=2026-0142", "number", "2026-0142")
		keystone := findID(t, marcus, "/api/v1/engagements?limit=500", "vendor_name", "Keystone Review LLC")

		t.Run("the document is served to anyone", func(t *testing.T) {
			r := f.anonymous().get(t, "/api/v1/openapi.json")
			var doc struct{ OpenAPI string }
			if r.status != http.StatusOK || json.Unmarshal(r.body, &doc) != nil || doc.OpenAPI != "3.1.0" {
				t.Errorf("GET openapi.json anonymously: %d %.200s", r.status, r.body)
			}
		})

		t.Run("401 without a session", func(t *testing.T) {
			for _, p := range []string{"/api/v1/me", "/api/v1/matters", "/api/v1/matters/" + strconv.FormatInt(ardent, 10)} {
				wantError(t, f.anonymous().get(t, p), http.StatusUnauthorized, "unauthorized")
			}
			expired := f.anonymous()
			expired.cookie = "not-a-session-token"
			wantError(t, expired.get(t, "/api/v1/me"), http.StatusUnauthorized, "unauthorized")
		})

		t.Run("me", func(t *testing.T) {
			var me struct {
				Email    string
				Role     string
				VendorID *int64 `json:"vendor_id"`
			}
			anika.getJSON(t, "/api/v1/me", &me)
			if me.Email != emailOf(t, "Anika Deshmukh") || me.Role != "vendor_manager" || me.VendorID == nil {
				t.Errorf("me = %+v", me)
			}
		})

		t.Run("404 looks the same for unknown and out-of-scope ids", func(t *testing.T) {
			for _, tc := range []struct {
				who        *session
				hidden     string
				whoCanSee  *session
				resourceOf string
			}{
				// Ardent is highly confidential: its owner opens it with a second factor.
				{priya, "/api/v1/matters/" + strconv.FormatInt(ardent, 10), admin, "/api/v1/matters/"},
				{helen, "/api/v1/matters/" + strconv.FormatInt(ardent, 10), admin, "/api/v1/matters/"},
				{anika, "/api/v1/engagements/" + strconv.FormatInt(keystone, 10), marcus, "/api/v1/engagements/"},
			} {
				if r := tc.whoCanSee.get(t, tc.hidden); r.status != http.StatusOK {
					t.Fatalf("%s is not visible to its owner: %d", tc.hidden, r.status)
				}
				hidden := wantError(t, tc.who.get(t, tc.hidden), http.StatusNotFound, "not_found")
				unknown := wantError(t, tc.who.get(t, tc.resourceOf+"987654321"), http.StatusNotFound, "not_found")
				hidden.Error.RequestID, unknown.Error.RequestID = "", ""
				if hidden != unknown {
					t.Errorf("out-of-scope %s answers %+v, an unknown id %+v: they must not differ", tc.hidden, hidden, unknown)
				}
				wantError(t, tc.who.get(t, tc.resourceOf+"abc"), http.StatusNotFound, "not_found")
			}
		})

		t.Run("422 for an invalid query", func(t *testing.T) {
			for _, tc := range []struct{ query, field string }{
				{"/api/v1/matters?limit=-1", "limit"},
				{"/api/v1/matters?limit=999", "limit"},
				{"/api/v1/matters?after=x", "after"},
				{"/api/v1/engagements?after=-5", "after"},
				{"/api/v1/vendors?limit=1.5", "limit"},
				{"/api/v1/matters?status=archived", "status"},
				{"/api/v1/engagements?stage=bogus", "stage"},
			} {
				e := wantError(t, marcus.get(t, tc.query), http.StatusUnprocessableEntity, "invalid")
				if e.Error.Field != tc.field {
					t.Errorf("%s: field %q, want %q", tc.query, e.Error.Field, tc.field)
				}
			}
		})

		t.Run("unknown endpoint is a JSON 404", func(t *testing.T) {
			wantError(t, marcus.get(t, "/api/v1/nope"), http.StatusNotFound, "not_found")
			wantError(t, f.anonymous().get(t, "/api/v1/nope"), http.StatusNotFound, "not_found")
			wantError(t, marcus.get(t, "/api/v2/matters"), http.StatusNotFound, "not_found")
		})

		t.Run("pagination walks every item once", func(t *testing.T) {
			for _, tc := range []struct {
				path  string
				limit int
			}{{"/api/v1/matters", 2}, {"/api/v1/engagements", 4}, {"/api/v1/users", 5}, {"/api/v1/vendors", 1}} {
				var all listPage
				admin.getJSON(t, tc.path+"?limit=500", &all)
				if all.NextAfter != nil {
					t.Errorf("%s?limit=500: next_after %d on a page that is not full", tc.path, *all.NextAfter)
				}
				if len(all.Items) <= tc.limit {
					t.Fatalf("%s has %d items; the walk needs more than %d", tc.path, len(all.Items), tc.limit)
				}
				seen := map[int64]bool{}
				var walked []int64
				after := int64(0)
				for pages := 0; ; pages++ {
					if pages > len(all.Items)+1 {
						t.Fatalf("%s: the walk does not end", tc.path)
					}
					var p listPage
					admin.getJSON(t, tc.path+"?limit="+strconv.Itoa(tc.limit)+"&after="+strconv.FormatInt(after, 10), &p)
					if len(p.Items) > tc.limit {
						t.Fatalf("%s: a page of %d items with limit %d", tc.path, len(p.Items), tc.limit)
					}
					for _, it := range p.Items {
						id := idOf(t, it)
						if seen[id] {
							t.Errorf("%s: id %d appears twice", tc.path, id)
						}
						seen[id] = true
						walked = append(walked, id)
					}
					if p.NextAfter == nil {
						break
					}
					if len(p.Items) == 0 || *p.NextAfter != walked[len(walked)-1] {
						t.Fatalf("%s: next_after %d does not continue from the page's last item", tc.path, *p.NextAfter)
					}
					after = *p.NextAfter
				}
				var want []int64
				for _, it := range all.Items {
					want = append(want, idOf(t, it))
				}
				if !slices.Equal(walked, want) {
					t.Errorf("%s walked %v, want %v", tc.path, walked, want)
				}
			}
		})

		t.Run("create a user", func(t *testing.T) {
			before := f.countUsers(t)
			body := []byte(`{"email":"  Grace.Liu@HartwellCrane.example","name":"Grace Liu","role":"attorney","title":"Associate","time_zone":"America/New_York","password":"a-long-password-2026"}`)

			wantError(t, marcus.send(t, http.MethodPost, "/api/v1/users", body, false), http.StatusForbidden, "forbidden")
			wantError(t, admin.send(t, http.MethodPost, "/api/v1/users", body, true), http.StatusForbidden, "forbidden")
			wrong := *admin
			wrong.csrfHeader = strings.Repeat("f", 64)
			wantError(t, wrong.send(t, http.MethodPost, "/api/v1/users", body, false), http.StatusForbidden, "forbidden")
			if got := f.countUsers(t); got != before {
				t.Fatalf("refused requests created users: %d, want %d", got, before)
			}

			r := admin.send(t, http.MethodPost, "/api/v1/users", body, false)
			if r.status != http.StatusCreated {
				t.Fatalf("POST /api/v1/users as admin: %d\n%s", r.status, r.body)
			}
			var u struct {
				ID    int64
				Email string
				Role  string
				Name  string
			}
			if err := json.Unmarshal(r.body, &u); err != nil || u.ID <= 0 || u.Email != "grace.liu@hartwellcrane.example" || u.Role != "attorney" {
				t.Errorf("created %+v (%v)", u, err)
			}
			if got := f.countUsers(t); got != before+1 {
				t.Errorf("%d users after create, want %d", got, before+1)
			}
			if got := findID(t, admin, "/api/v1/users?limit=500", "email", "grace.liu@hartwellcrane.example"); got != u.ID {
				t.Errorf("listed id %d, created %d", got, u.ID)
			}
			if _, _, err := f.app.SignIn(context.Background(), app.SignInRequest{Email: u.Email, Password: "a-long-password-2026", Address: "192.0.2.20"}); err != nil {
				t.Errorf("the created user cannot sign in: %v", err)
			}
			wantError(t, admin.send(t, http.MethodPost, "/api/v1/users", body, false), http.StatusConflict, "conflict")
		})

		t.Run("bad bodies are refused and create nothing", func(t *testing.T) {
			before := f.countUsers(t)
			valid := `{"email":"x@hartwellcrane.example","name":"X","role":"staff","password":"a-long-password-2026"}`
			huge := `{"email":"y@hartwellcrane.example","name":"Y","role":"staff","title":"` + strings.Repeat("a", 1<<20) + `"}`
			for _, tc := range []struct {
				name, body, field, mention string
			}{
				{"malformed", `{"email": "x@hartwellcrane.example",`, "body", ""},
				{"not an object", `[1,2,3]`, "body", ""},
				{"empty", ``, "body", ""},
				{"unknown field", `{"emial":"x@hartwellcrane.example","name":"X","role":"staff"}`, "", "emial"},
				{"two objects", valid + valid, "body", ""},
				{"trailing garbage", valid + ` x`, "body", ""},
				{"wrong type", `{"email":"x@hartwellcrane.example","name":"X","role":"staff","vendor_id":"seven"}`, "vendor_id", ""},
				{"oversize", huge, "body", "bytes"},
				{"bad role", `{"email":"x@hartwellcrane.example","name":"X","role":"wizard"}`, "role", ""},
			} {
				t.Run(tc.name, func(t *testing.T) {
					e := wantError(t, admin.send(t, http.MethodPost, "/api/v1/users", []byte(tc.body), false), http.StatusUnprocessableEntity, "invalid")
					if e.Error.Field == "" {
						t.Errorf("no field named: %+v", e.Error)
					}
					if tc.field != "" && e.Error.Field != tc.field {
						t.Errorf("field %q, want %q", e.Error.Field, tc.field)
					}
					if tc.mention != "" && !strings.Contains(e.Error.Message, tc.mention) && e.Error.Field != tc.mention {
						t.Errorf("message %q does not name %q", e.Error.Message, tc.mention)
					}
					if got := f.countUsers(t); got != before {
						t.Errorf("%d users after a refused body, want %d", got, before)
					}
				})
			}
		})

		t.Run("clients never see the vendor's price", func(t *testing.T) {
			var l listPage
			helen.getJSON(t, "/api/v1/engagements", &l)
			if len(l.Items) == 0 {
				t.Fatalf("the client contact sees no engagements; the check would prove nothing")
			}
			check := func(where string, en map[string]any) {
				if _, ok := en["estimated_cost"]; ok {
					t.Errorf("%s: client sees estimated_cost %v", where, en["estimated_cost"])
				}
				if _, ok := en["inhouse_estimate"]; !ok {
					t.Errorf("%s: no inhouse_estimate", where)
				}
			}
			for _, en := range l.Items {
				check("list", en)
				var one map[string]any
				helen.getJSON(t, "/api/v1/engagements/"+strconv.FormatInt(idOf(t, en), 10), &one)
				check("engagement", one)
			}
			var m struct{ Engagements []map[string]any }
			helen.getJSON(t, "/api/v1/matters/"+strconv.FormatInt(calloway, 10), &m)
			if len(m.Engagements) == 0 {
				t.Errorf("the client's matter shows no engagements")
			}
			for _, en := range m.Engagements {
				check("matter", en)
			}
			// The firm does see it.
			var ml listPage
			marcus.getJSON(t, "/api/v1/engagements", &ml)
			if len(ml.Items) == 0 {
				t.Fatal("the attorney sees no engagements")
			}
			for _, en := range ml.Items {
				if _, ok := en["estimated_cost"]; !ok {
					t.Errorf("the attorney does not see estimated_cost of engagement %v", en["id"])
				}
			}
		})
	})
}
