package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/probity/probity/internal/demo"
	"github.com/probity/probity/internal/testenv"
)

// secretsSeen collects every secret and code a test sends, to check the
// server never logs one.
type secretsSeen struct {
	mu sync.Mutex
	s  []string
}

func (s *secretsSeen) add(v ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.s = append(s.s, v...)
}

func (s *secretsSeen) all() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.s...)
}

// passwordStep posts the sign-in form and returns where it sends the browser.
func passwordStep(tb testing.TB, c *http.Client, base, email string) *url.URL {
	tb.Helper()
	return redirectTarget(tb, formSignIn(tb, c, base, email, demo.Password))
}

// sfAPIError reads the API's error shape.
func sfAPIError(tb testing.TB, r httpReply) (code, message string) {
	tb.Helper()
	var b struct {
		Error struct{ Code, Message string }
	}
	if err := json.Unmarshal(r.body, &b); err != nil {
		tb.Fatalf("%s: not the API error shape: %v\n%s", r.Request.URL, err, clipBody(r.body))
	}
	return b.Error.Code, b.Error.Message
}

// enrolByForm sets up an authenticator through /account/mfa and returns its
// key and the recovery codes the page shows once.
func enrolByForm(tb testing.TB, c *http.Client, base string, seen *secretsSeen) (string, []string) {
	tb.Helper()
	r := httpGet(tb, c, base+"/account/mfa")
	requireStatus(tb, r, http.StatusOK)
	doc := htmlOf(tb, r)
	secret := htmlText(htmlQueryOne(tb, doc, "#totp-secret"))
	uri := htmlText(htmlQueryOne(tb, doc, "#totp-uri"))
	if !strings.HasPrefix(uri, "otpauth://totp/") || !strings.Contains(uri, "secret="+secret) {
		tb.Fatalf("set-up link %q does not carry the key %q", uri, secret)
	}
	if src := htmlAttr(htmlQueryOne(tb, doc, "figure.qr img"), "src"); !strings.HasPrefix(src, "data:image/png;base64,") {
		tb.Errorf("QR code src %.40q, want an inline PNG made by the server", src)
	}
	form := url.Values{}
	for _, in := range htmlQueryAll(tb, doc, "form[action=/account/mfa] input[type=hidden]") {
		form.Set(htmlAttr(in, "name"), htmlAttr(in, "value"))
	}
	code := totpCode(tb, base, secret)
	seen.add(secret, code)
	form.Set("code", code)
	r = httpPost(tb, c, base+"/account/mfa", form)
	requireStatus(tb, r, http.StatusOK)
	var codes []string
	for _, li := range htmlQueryAll(tb, htmlOf(tb, r), "#recovery-codes li") {
		codes = append(codes, htmlText(li))
	}
	if len(codes) != 10 {
		tb.Fatalf("the page shows %d recovery codes, want 10", len(codes))
	}
	seen.add(codes...)
	// Shown once: the page does not show them again.
	if n := len(htmlQueryAll(tb, htmlOf(tb, httpGet(tb, c, base+"/account/mfa")), "#recovery-codes li")); n != 0 {
		tb.Errorf("the recovery codes are shown again (%d)", n)
	}
	return secret, codes
}

// TestSecondFactors drives sign-in with second factors through the real
// server: the code step, replay, throttling, recovery codes, enrolment forced
// by the firm's policy, an administrator's reset, highly confidential
// matters, the sessions screen and its API, and the server's log.
func TestSecondFactors(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		srv := startServer(t, e, "--demo", "--log-level", "debug")
		base := srv.URL
		seen := &secretsSeen{}
		for _, a := range demo.Accounts() {
			seen.add(a.TOTPSecret)
		}
		eleanor := demoAccountNamed(t, "Eleanor Hartwell")

		t.Run("password, then code", func(t *testing.T) {
			c := httpClient(t)
			loc := passwordStep(t, c, base, eleanor.Email)
			if loc.Path != "/signin/mfa" {
				t.Fatalf("after the password: %s, want /signin/mfa", loc)
			}
			// Half signed in reaches nothing else.
			for _, p := range []string{"/home", "/matters", "/admin/users", "/account/sessions", "/account/mfa"} {
				got := redirectTarget(t, httpGet(t, c, base+p))
				if got.Path != "/signin/mfa" || got.Query().Get("next") != p {
					t.Errorf("GET %s while owing a code: %s, want /signin/mfa?next=%s", p, got, p)
				}
			}
			for _, p := range []string{"/api/v1/me", "/api/v1/matters", "/api/v1/me/sessions"} {
				r := httpGet(t, c, base+p)
				requireStatus(t, r, http.StatusUnauthorized)
				if code, msg := sfAPIError(t, r); code != "unauthorized" || !strings.Contains(msg, "second factor") {
					t.Errorf("GET %s while owing a code: %s %q", p, code, msg)
				}
			}
			tok := jarValue(t, c, base, "probity_csrf")
			r := httpDo(t, c, http.MethodDelete, base+"/api/v1/me/sessions/0000000000000000", nil, http.Header{"X-CSRF-Token": {tok}})
			requireStatus(t, r, http.StatusUnauthorized)

			// Malformed and wrong codes come back with a message.
			for _, bad := range []struct {
				code   string
				status int
			}{{"abcdef", 422}, {"1234567", 422}, {"", 422}, {strings.Repeat("1", 50000), 422}, {"000000", 401}} {
				r := formSecondFactor(t, c, base, "/signin/mfa", bad.code)
				requireStatus(t, r, bad.status)
				if msg := htmlText(htmlQueryOne(t, htmlOf(t, r), "#code-error[role=alert]")); msg == "" {
					t.Errorf("code %.10q: no message", bad.code)
				}
			}
			code := totpCode(t, base, eleanor.TOTPSecret)
			seen.add(code)
			if got := redirectTarget(t, formSecondFactor(t, c, base, "/signin/mfa?next=/matters", code)); got.String() != "/matters" {
				t.Errorf("after the code: %s, want /matters", got)
			}
			requireStatus(t, httpGet(t, c, base+"/home"), http.StatusOK)

			// The same code in another browser is refused.
			thief := httpClient(t)
			passwordStep(t, thief, base, eleanor.Email)
			r = formSecondFactor(t, thief, base, "/signin/mfa", code)
			requireStatus(t, r, http.StatusUnauthorized)
			if loc := redirectTarget(t, httpGet(t, thief, base+"/home")); loc.Path != "/signin/mfa" {
				t.Errorf("a replayed code let the session in: %s", loc)
			}
		})

		t.Run("wrong codes are throttled", func(t *testing.T) {
			oliver := demoAccountNamed(t, "Oliver Bennett")
			c := httpClient(t)
			passwordStep(t, c, base, oliver.Email)
			for range 5 {
				requireStatus(t, formSecondFactor(t, c, base, "/signin/mfa", "000000"), http.StatusUnauthorized)
			}
			code := totpCode(t, base, oliver.TOTPSecret)
			seen.add(code)
			r := formSecondFactor(t, c, base, "/signin/mfa", code)
			requireStatus(t, r, http.StatusTooManyRequests)
			if msg := htmlText(htmlQueryOne(t, htmlOf(t, r), "#code-error")); !strings.Contains(msg, "Too many") {
				t.Errorf("throttled message %q", msg)
			}
		})

		t.Run("set-up, recovery codes, sessions", func(t *testing.T) {
			marcus := demoAccountNamed(t, "Marcus Oyelaran")
			desk := httpClient(t)
			formSignInOK(t, desk, base, marcus.Email) // no second factor yet: straight in
			secret, codes := enrolByForm(t, desk, base, seen)
			_ = secret

			laptop := httpClient(t)
			if loc := passwordStep(t, laptop, base, marcus.Email); loc.Path != "/signin/mfa" {
				t.Fatalf("with an authenticator, sign-in leads to %s", loc)
			}
			if got := redirectTarget(t, formSecondFactor(t, laptop, base, "/signin/mfa", strings.ToUpper(codes[0]))); got.Path != "/home" {
				t.Fatalf("recovery code: %s", got)
			}
			phone := httpClient(t)
			passwordStep(t, phone, base, marcus.Email)
			requireStatus(t, formSecondFactor(t, phone, base, "/signin/mfa", codes[0]), http.StatusUnauthorized)
			requireStatus(t, formSecondFactor(t, phone, base, "/signin/mfa", codes[1]), http.StatusSeeOther)

			// With the second factor passed at set-up, Ardent opens.
			ardent := matterIDByNumber(t, desk, base, "2026-0177")
			requireStatus(t, httpGet(t, desk, base+"/matters/"+strconv.FormatInt(ardent, 10)), http.StatusOK)
			requireStatus(t, httpGet(t, desk, base+"/api/v1/matters/"+strconv.FormatInt(ardent, 10)), http.StatusOK)

			// The sessions screen lists all three; ending one signs that browser out.
			r := httpGet(t, desk, base+"/account/sessions")
			requireStatus(t, r, http.StatusOK)
			doc := htmlOf(t, r)
			rows := htmlQueryAll(t, doc, "table.sessions tbody tr")
			if len(rows) != 3 {
				t.Fatalf("%d sessions listed, want 3", len(rows))
			}
			cur := htmlQueryAll(t, doc, "table.sessions tr.current")
			if len(cur) != 1 {
				t.Fatalf("%d rows marked as this session", len(cur))
			}
			var sessions struct {
				Items []struct {
					ID      string
					Method  string
					MFA     bool
					Current bool
				}
			}
			getJSON(t, laptop, base+"/api/v1/me/sessions", &sessions)
			var laptopID, phoneID string
			for _, s := range sessions.Items {
				if s.Current {
					laptopID = s.ID
				}
				if !s.MFA || s.Method != "password" {
					t.Errorf("session %+v, want password with a second factor", s)
				}
			}
			for _, row := range rows {
				if id := htmlAttr(row, "data-session"); id != laptopID && id != htmlAttr(cur[0], "data-session") {
					phoneID = id
				}
			}
			if laptopID == "" || phoneID == "" || len(laptopID) != 16 {
				t.Fatalf("session ids: laptop %q phone %q", laptopID, phoneID)
			}
			form := url.Values{"csrf_token": {signOutCSRF(t, doc)}}
			if got := redirectTarget(t, httpPost(t, desk, base+"/account/sessions/"+phoneID+"/end", form)); got.Path != "/account/sessions" {
				t.Errorf("after ending a session: %s", got)
			}
			if loc := redirectTarget(t, httpGet(t, phone, base+"/home")); loc.Path != "/signin" {
				t.Errorf("the ended session still works: %s", loc)
			}
			// And through the API.
			csrf := jarValue(t, desk, base, "probity_csrf")
			r = httpDo(t, desk, http.MethodDelete, base+"/api/v1/me/sessions/"+laptopID, nil, http.Header{"X-CSRF-Token": {csrf}})
			requireStatus(t, r, http.StatusNoContent)
			requireStatus(t, httpGet(t, laptop, base+"/api/v1/me"), http.StatusUnauthorized)
			r = httpDo(t, desk, http.MethodDelete, base+"/api/v1/me/sessions/not-a-session", nil, http.Header{"X-CSRF-Token": {csrf}})
			requireStatus(t, r, http.StatusUnprocessableEntity)
			requireStatus(t, httpGet(t, desk, base+"/home"), http.StatusOK)
		})

		t.Run("the firm's policy forces set-up; an administrator resets it", func(t *testing.T) {
			meera := demoAccountNamed(t, "Meera Iyer")
			c := httpClient(t)
			if loc := passwordStep(t, c, base, meera.Email); loc.Path != "/account/mfa" {
				t.Fatalf("a vendor without an authenticator is sent to %s, want /account/mfa", loc)
			}
			if loc := redirectTarget(t, httpGet(t, c, base+"/engagements")); loc.Path != "/account/mfa" {
				t.Errorf("GET /engagements before set-up: %s", loc)
			}
			requireStatus(t, httpGet(t, c, base+"/api/v1/me"), http.StatusUnauthorized)
			r := httpGet(t, c, base+"/account/mfa")
			requireStatus(t, r, http.StatusOK)
			if len(htmlQueryAll(t, htmlOf(t, r), "nav#primary-nav")) != 0 {
				t.Errorf("the set-up page offers navigation before set-up")
			}
			enrolByForm(t, c, base, seen)
			requireStatus(t, httpGet(t, c, base+"/engagements"), http.StatusOK)

			admin := httpClient(t)
			formSignInOK(t, admin, base, eleanor.Email)
			var users struct {
				Items []struct {
					ID    int64
					Email string
				}
			}
			getJSON(t, admin, base+"/api/v1/users?limit=500", &users)
			var id int64
			for _, u := range users.Items {
				if u.Email == meera.Email {
					id = u.ID
				}
			}
			r = httpGet(t, admin, base+"/admin/users/"+strconv.FormatInt(id, 10)+"/sessions")
			requireStatus(t, r, http.StatusOK)
			doc := htmlOf(t, r)
			if n := len(htmlQueryAll(t, doc, "table.sessions tbody tr")); n != 1 {
				t.Errorf("administrator sees %d sessions of Meera, want 1", n)
			}
			form := url.Values{"csrf_token": {signOutCSRF(t, doc)}}
			requireStatus(t, httpPost(t, admin, base+"/admin/users/"+strconv.FormatInt(id, 10)+"/mfa/reset", form), http.StatusSeeOther)
			if loc := redirectTarget(t, httpGet(t, c, base+"/engagements")); loc.Path != "/signin" {
				t.Errorf("Meera's session survived the reset: %s", loc)
			}
			if loc := passwordStep(t, c, base, meera.Email); loc.Path != "/account/mfa" {
				t.Errorf("after the reset Meera is sent to %s, want set-up again", loc)
			}
			// Not for everyone: a vendor cannot reach the administrator's pages.
			anika := httpClient(t)
			formSignInOK(t, anika, base, demoAccountNamed(t, "Anika Deshmukh").Email)
			r = httpPost(t, anika, base+"/admin/users/"+strconv.FormatInt(id, 10)+"/mfa/reset", url.Values{"csrf_token": {jarValue(t, anika, base, "probity_csrf")}})
			requireStatus(t, r, http.StatusForbidden)
			requireStatus(t, httpGet(t, anika, base+"/admin/settings"), http.StatusForbidden)
		})

		t.Run("the administrator sets the policy", func(t *testing.T) {
			admin := httpClient(t)
			formSignInOK(t, admin, base, eleanor.Email)
			r := httpGet(t, admin, base+"/admin/settings")
			requireStatus(t, r, http.StatusOK)
			doc := htmlOf(t, r)
			checked := map[string]bool{}
			for _, in := range htmlQueryAll(t, doc, "input[name=mfa_role]") {
				_, on := htmlLookupAttr(in, "checked")
				checked[htmlAttr(in, "value")] = on
			}
			if !checked["firm_admin"] || !checked["vendor_manager"] || !checked["vendor_professional"] || checked["attorney"] {
				t.Errorf("default roles shown as %v", checked)
			}
			form := url.Values{"csrf_token": {signOutCSRF(t, doc)}, "mfa_role": {"firm_admin", "vendor_manager", "vendor_professional", "staff"}, "mfa_highly_confidential": {"on"}}
			requireStatus(t, httpPost(t, admin, base+"/admin/settings", form), http.StatusSeeOther)
			rosa := httpClient(t)
			if loc := passwordStep(t, rosa, base, demoAccountNamed(t, "Rosa Jimenez").Email); loc.Path != "/account/mfa" {
				t.Errorf("staff after the change are sent to %s, want set-up", loc)
			}
			form.Set("mfa_role", "nobody")
			requireStatus(t, httpPost(t, admin, base+"/admin/settings", form), http.StatusUnprocessableEntity)
			var p struct {
				RequiredRoles []string `json:"required_roles"`
			}
			getJSON(t, admin, base+"/api/v1/settings/mfa", &p)
			if strings.Join(p.RequiredRoles, ",") != "firm_admin,staff,vendor_manager,vendor_professional" {
				t.Errorf("policy after a refused change: %v", p.RequiredRoles)
			}
		})

		t.Run("no secret or code in the log", func(t *testing.T) {
			if err := srv.Stop(); err != nil {
				t.Fatal(err)
			}
			logs := srv.Stderr.String() + srv.Stdout.String()
			if !strings.Contains(logs, "level=DEBUG") && !strings.Contains(logs, "level=INFO") {
				t.Fatalf("the server logged nothing at debug level; the check below would prove nothing:\n%.500s", logs)
			}
			for _, s := range seen.all() {
				if s == "" {
					continue
				}
				if strings.Contains(srv.Stderr.String(), s) {
					t.Errorf("the server's log contains the secret or code %q", s)
				}
			}
		})
	})
}
