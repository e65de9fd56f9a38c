package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/probity/probity/internal/demo"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/testenv"
)

// httpReply is a response with its body read.
type httpReply struct {
	*http.Response
	body []byte
}

// headerCheckingTransport checks the headers every response must carry.
type headerCheckingTransport struct {
	tb   testing.TB
	base http.RoundTripper
}

func (c headerCheckingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.base.RoundTrip(r)
	if err == nil {
		checkResponseHeaders(c.tb, r, resp)
	}
	return resp, err
}

// checkResponseHeaders asserts the request id and security headers of a plain-HTTP response.
func checkResponseHeaders(tb testing.TB, r *http.Request, resp *http.Response) {
	tb.Helper()
	what := r.Method + " " + r.URL.RequestURI()
	h := resp.Header
	if h.Get("X-Request-Id") == "" {
		tb.Errorf("%s: no X-Request-Id", what)
	}
	csp := h.Get("Content-Security-Policy")
	if csp == "" || strings.Contains(csp, "'unsafe-inline'") || strings.Contains(csp, "'unsafe-eval'") {
		tb.Errorf("%s: Content-Security-Policy = %q, want a policy without unsafe-inline", what, csp)
	}
	if got := h.Get("X-Frame-Options"); got != "DENY" {
		tb.Errorf("%s: X-Frame-Options = %q, want DENY", what, got)
	}
	if got := h.Get("X-Content-Type-Options"); got != "nosniff" {
		tb.Errorf("%s: X-Content-Type-Options = %q, want nosniff", what, got)
	}
	if got := h.Get("Referrer-Policy"); got == "" {
		tb.Errorf("%s: no Referrer-Policy", what)
	}
	if got := h.Get("Strict-Transport-Security"); got != "" {
		tb.Errorf("%s: Strict-Transport-Security %q sent without TLS", what, got)
	}
}

// client is a cookie-keeping, non-redirecting client whose every response is
// checked for the common headers.
func httpClient(tb testing.TB) *http.Client {
	tb.Helper()
	c := newClient(tb)
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tb.Cleanup(tr.CloseIdleConnections)
	c.Transport = headerCheckingTransport{tb: tb, base: tr}
	return c
}

func httpDo(tb testing.TB, c *http.Client, method, u string, form url.Values, hdr http.Header) httpReply {
	tb.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		tb.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, vs := range hdr {
		req.Header[k] = vs
	}
	resp, err := c.Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatalf("%s %s: read body: %v", method, u, err)
	}
	return httpReply{Response: resp, body: b}
}

func httpGet(tb testing.TB, c *http.Client, u string) httpReply {
	tb.Helper()
	return httpDo(tb, c, http.MethodGet, u, nil, nil)
}

func httpPost(tb testing.TB, c *http.Client, u string, form url.Values) httpReply {
	tb.Helper()
	return httpDo(tb, c, http.MethodPost, u, form, nil)
}

func requireStatus(tb testing.TB, r httpReply, want int) {
	tb.Helper()
	if r.StatusCode != want {
		tb.Fatalf("%s %s: status %d, want %d\n%s", r.Request.Method, r.Request.URL.RequestURI(), r.StatusCode, want, clipBody(r.body))
	}
}

func clipBody(b []byte) string {
	if len(b) > 2000 {
		return string(b[:2000]) + "…"
	}
	return string(b)
}

// page parses an HTML httpReply.
func htmlOf(tb testing.TB, r httpReply) *html.Node {
	tb.Helper()
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		tb.Fatalf("%s: Content-Type %q, want text/html", r.Request.URL.RequestURI(), ct)
	}
	return htmlDoc(tb, r.body)
}

// location is the redirect target of a 303, relative to the server.
func redirectTarget(tb testing.TB, r httpReply) *url.URL {
	tb.Helper()
	requireStatus(tb, r, http.StatusSeeOther)
	u, err := url.Parse(r.Header.Get("Location"))
	if err != nil {
		tb.Fatalf("Location %q: %v", r.Header.Get("Location"), err)
	}
	return u
}

// setCookieNamed returns the named cookie a response set, if any.
func setCookieNamed(r httpReply, name string) *http.Cookie {
	for _, c := range r.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// jarValue returns the value the client's jar holds for name at base.
func jarValue(tb testing.TB, c *http.Client, base, name string) string {
	tb.Helper()
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatal(err)
	}
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

// loadSignInForm loads the sign-in page (getting the CSRF cookie) and returns
// the form's hidden fields.
func loadSignInForm(tb testing.TB, c *http.Client, base, path string) url.Values {
	tb.Helper()
	r := httpGet(tb, c, base+path)
	requireStatus(tb, r, http.StatusOK)
	doc := htmlOf(tb, r)
	form := url.Values{}
	for _, in := range htmlQueryAll(tb, doc, "form[action=/signin] input[type=hidden]") {
		form.Set(htmlAttr(in, "name"), htmlAttr(in, "value"))
	}
	if form.Get("csrf_token") == "" {
		tb.Fatalf("the sign-in form has no csrf_token")
	}
	if got := jarValue(tb, c, base, "probity_csrf"); got != form.Get("csrf_token") {
		tb.Fatalf("csrf_token field %q does not echo the probity_csrf cookie %q", form.Get("csrf_token"), got)
	}
	htmlQueryOne(tb, doc, "form[action=/signin] input#email[name=email]")
	htmlQueryOne(tb, doc, "form[action=/signin] input#password[name=password][type=password]")
	return form
}

// signIn goes through the real form: GET /signin, then POST it.
func formSignIn(tb testing.TB, c *http.Client, base, email, password string) httpReply {
	tb.Helper()
	form := loadSignInForm(tb, c, base, "/signin")
	form.Set("email", email)
	form.Set("password", password)
	return httpPost(tb, c, base+"/signin", form)
}

// formSignInOK signs in, with the account's authenticator code when it has
// one, and requires the redirect to /home. It returns the password step's reply.
func formSignInOK(tb testing.TB, c *http.Client, base, email string) httpReply {
	tb.Helper()
	r := formSignIn(tb, c, base, email, demo.Password)
	loc := redirectTarget(tb, r)
	if secret := demoSecret(email); secret != "" && loc.Path == "/signin/mfa" {
		loc = redirectTarget(tb, formSecondFactor(tb, c, base, loc.RequestURI(), totpCode(tb, base, secret)))
	}
	if loc.Path != "/home" {
		tb.Fatalf("sign-in as %s redirected to %s, want /home", email, loc)
	}
	return r
}

// formSecondFactor loads the second-factor page at path and posts code.
func formSecondFactor(tb testing.TB, c *http.Client, base, path, code string) httpReply {
	tb.Helper()
	r := httpGet(tb, c, base+path)
	requireStatus(tb, r, http.StatusOK)
	form := url.Values{}
	for _, in := range htmlQueryAll(tb, htmlOf(tb, r), "form[action=/signin/mfa] input[type=hidden]") {
		form.Set(htmlAttr(in, "name"), htmlAttr(in, "value"))
	}
	form.Set("code", code)
	return httpPost(tb, c, base+"/signin/mfa", form)
}

// signOutCSRF reads the CSRF token of the header's sign-out form.
func signOutCSRF(tb testing.TB, doc *html.Node) string {
	tb.Helper()
	tok := htmlAttr(htmlQueryOne(tb, doc, "header form[action=/signout] input[name=csrf_token]"), "value")
	if tok == "" {
		tb.Fatal("the sign-out form has an empty csrf_token")
	}
	return tok
}

// getJSON fetches JSON from the API into v.
func getJSON(tb testing.TB, c *http.Client, u string, v any) {
	tb.Helper()
	r := httpGet(tb, c, u)
	requireStatus(tb, r, http.StatusOK)
	if err := json.Unmarshal(r.body, v); err != nil {
		tb.Fatalf("GET %s: %v\n%s", u, err, r.body)
	}
}

type apiMatterRef struct {
	ID     int64  `json:"id"`
	Number string `json:"number"`
}

type apiEngagementRef struct {
	ID           int64  `json:"id"`
	MatterNumber string `json:"matter_number"`
	VendorName   string `json:"vendor_name"`
}

// matterIDByNumber finds a matter's id by number through the API, as c sees it.
func matterIDByNumber(tb testing.TB, c *http.Client, base, number string) int64 {
	tb.Helper()
	var l struct{ Items []apiMatterRef }
	getJSON(tb, c, base+"/api/v1/matters?q="+url.QueryEscape(number), &l)
	if len(l.Items) != 1 || l.Items[0].Number != number {
		tb.Fatalf("matters?q=%s = %+v, want exactly that matter", number, l.Items)
	}
	return l.Items[0].ID
}

// demoAccountFor is the first demo account of a role.
func demoAccountFor(tb testing.TB, role domain.Role) demo.Account {
	tb.Helper()
	for _, a := range demo.Accounts() {
		if a.Role == role {
			return a
		}
	}
	tb.Fatalf("no demo account with role %s", role)
	return demo.Account{}
}

func demoAccountNamed(tb testing.TB, name string) demo.Account {
	tb.Helper()
	for _, a := range demo.Accounts() {
		if a.Name == name {
			return a
		}
	}
	tb.Fatalf("no demo account named %s", name)
	return demo.Account{}
}

// nav returns the primary navigation as label -> href.
func primaryNav(tb testing.TB, doc *html.Node) map[string]string {
	tb.Helper()
	out := map[string]string{}
	for _, a := range htmlQueryAll(tb, doc, "nav#primary-nav a") {
		out[htmlText(a)] = htmlAttr(a, "href")
	}
	return out
}

func navHrefs(m map[string]string) map[string]bool {
	out := map[string]bool{}
	for _, h := range m {
		out[h] = true
	}
	return out
}

func TestServe(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		srv := startServer(t, e, "--demo")
		base := srv.URL

		t.Run("prints the URL and the demo accounts", func(t *testing.T) {
			out := srv.Stdout.String()
			if !strings.Contains(out, "Probity is ready at "+base) {
				t.Errorf("stdout does not announce %s:\n%s", base, out)
			}
			if !strings.Contains(out, demo.Password) {
				t.Errorf("stdout does not give the demo password:\n%s", out)
			}
			for _, a := range demo.Accounts() {
				if !strings.Contains(out, a.Email) {
					t.Errorf("stdout does not list %s:\n%s", a.Email, out)
				}
			}
		})

		t.Run("healthz", func(t *testing.T) {
			r := httpGet(t, httpClient(t), base+"/healthz")
			requireStatus(t, r, http.StatusOK)
			var body struct{ Status string }
			if err := json.Unmarshal(r.body, &body); err != nil || body.Status != "ok" {
				t.Errorf("healthz body %s (%v), want status ok", r.body, err)
			}
			if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("healthz Content-Type %q", ct)
			}
		})

		t.Run("readyz", func(t *testing.T) {
			r := httpGet(t, httpClient(t), base+"/readyz")
			requireStatus(t, r, http.StatusOK)
			var body struct{ Status, Database string }
			if err := json.Unmarshal(r.body, &body); err != nil || body.Status != "ready" {
				t.Errorf("readyz body %s (%v), want status ready", r.body, err)
			}
			if body.Database != e.Name {
				t.Errorf("readyz database = %q, want %q", body.Database, e.Name)
			}
		})

		t.Run("metrics", func(t *testing.T) {
			c := httpClient(t)
			requireStatus(t, httpGet(t, c, base+"/readyz"), http.StatusOK)
			r := httpGet(t, c, base+"/metrics")
			requireStatus(t, r, http.StatusOK)
			var readyz float64
			goroutines := false
			for _, line := range strings.Split(string(r.body), "\n") {
				if strings.HasPrefix(line, "probity_http_requests_total{") && strings.Contains(line, `route="GET /readyz"`) &&
					strings.Contains(line, `code="200"`) && strings.Contains(line, `method="GET"`) {
					f := strings.Fields(line)
					v, err := strconv.ParseFloat(f[len(f)-1], 64)
					if err != nil {
						t.Fatalf("metric line %q: %v", line, err)
					}
					readyz += v
				}
				if strings.HasPrefix(line, "go_goroutines ") {
					goroutines = true
				}
				if strings.HasPrefix(line, "probity_http_requests_total{") && strings.Contains(line, `route="/readyz`) {
					t.Errorf("a route label carries a raw path: %s", line)
				}
			}
			if readyz < 1 {
				t.Errorf("no probity_http_requests_total{route=\"GET /readyz\",code=\"200\"} >= 1 in /metrics")
			}
			if !goroutines {
				t.Errorf("no go_goroutines in /metrics")
			}
		})

		t.Run("request id kept when sane, replaced when not", func(t *testing.T) {
			c := httpClient(t)
			r := httpDo(t, c, http.MethodGet, base+"/healthz", nil, http.Header{"X-Request-Id": {"trace-123.a_b"}})
			if got := r.Header.Get("X-Request-Id"); got != "trace-123.a_b" {
				t.Errorf("sane X-Request-Id echoed as %q", got)
			}
			r = httpDo(t, c, http.MethodGet, base+"/healthz", nil, http.Header{"X-Request-Id": {"<script>"}})
			if got := r.Header.Get("X-Request-Id"); got == "<script>" || got == "" {
				t.Errorf("unsafe X-Request-Id echoed as %q", got)
			}
		})

		t.Run("each role signs in and lands on its home", func(t *testing.T) {
			for _, role := range domain.Roles {
				acct := demoAccountFor(t, role)
				t.Run(string(role), func(t *testing.T) {
					c := httpClient(t)
					r := formSignInOK(t, c, base, acct.Email)
					ck := setCookieNamed(r, "probity_session")
					if ck == nil || ck.Value == "" {
						t.Fatalf("sign-in set no session cookie")
					}
					if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode {
						t.Errorf("session cookie HttpOnly=%v SameSite=%v, want HttpOnly and Lax", ck.HttpOnly, ck.SameSite)
					}
					if ck.Path != "/" {
						t.Errorf("session cookie path %q, want /", ck.Path)
					}
					if csrf := setCookieNamed(r, "probity_csrf"); csrf == nil || !csrf.HttpOnly || csrf.SameSite != http.SameSiteLaxMode {
						t.Errorf("sign-in did not rotate the CSRF cookie with HttpOnly and Lax: %+v", csrf)
					}
					home := httpGet(t, c, base+"/home")
					requireStatus(t, home, http.StatusOK)
					doc := htmlOf(t, home)
					if got := htmlText(htmlQueryOne(t, doc, "header .who .who-name")); got != acct.Name {
						t.Errorf(".who-name = %q, want %q", got, acct.Name)
					}
					if got := htmlText(htmlQueryOne(t, doc, "header .who .role")); got != role.Label() {
						t.Errorf(".role = %q, want %q", got, role.Label())
					}
					signOutCSRF(t, doc)
					n := primaryNav(t, doc)
					hs := navHrefs(n)
					if n["Home"] != "/home" {
						t.Errorf("nav %v has no Home link", n)
					}
					switch role {
					case domain.RoleFirmAdmin:
						for _, h := range []string{"/matters", "/engagements", "/vendors", "/clients", "/admin/users"} {
							if !hs[h] {
								t.Errorf("firm admin nav %v lacks %s", n, h)
							}
						}
					case domain.RoleAttorney, domain.RoleStaff:
						for _, h := range []string{"/matters", "/engagements", "/vendors", "/clients"} {
							if !hs[h] {
								t.Errorf("%s nav %v lacks %s", role, n, h)
							}
						}
						if hs["/admin/users"] {
							t.Errorf("%s nav %v offers /admin/users", role, n)
						}
					case domain.RoleVendorManager, domain.RoleVendorProfessional:
						if n["Engagements"] != "/engagements" {
							t.Errorf("vendor nav %v lacks Engagements -> /engagements", n)
						}
						if org := n["Our organisation"]; !strings.HasPrefix(org, "/vendors/") || org == "/vendors/0" {
							t.Errorf("vendor nav %v lacks Our organisation -> /vendors/{id}", n)
						}
						for _, h := range []string{"/matters", "/clients", "/vendors", "/admin/users"} {
							if hs[h] {
								t.Errorf("vendor nav %v offers %s", n, h)
							}
						}
					case domain.RoleClientContact:
						if n["Matters"] != "/matters" || n["Outsourcing"] != "/engagements" {
							t.Errorf("client nav %v lacks Matters -> /matters and Outsourcing -> /engagements", n)
						}
						for _, h := range []string{"/clients", "/vendors", "/admin/users"} {
							if hs[h] {
								t.Errorf("client nav %v offers %s", n, h)
							}
						}
					default:
						t.Fatalf("role %s has no expectation", role)
					}
				})
			}
		})

		t.Run("sign-in without the CSRF token is refused and starts no session", func(t *testing.T) {
			c := httpClient(t)
			form := loadSignInForm(t, c, base, "/signin")
			form.Del("csrf_token")
			acct := demoAccountFor(t, domain.RoleFirmAdmin)
			form.Set("email", acct.Email)
			form.Set("password", demo.Password)
			r := httpPost(t, c, base+"/signin", form)
			requireStatus(t, r, http.StatusForbidden)
			if ck := setCookieNamed(r, "probity_session"); ck != nil && ck.Value != "" {
				t.Errorf("a refused sign-in set a session cookie")
			}
			if v := jarValue(t, c, base, "probity_session"); v != "" {
				t.Errorf("the client holds a session after a refused sign-in")
			}
			if loc := redirectTarget(t, httpGet(t, c, base+"/home")); loc.Path != "/signin" {
				t.Errorf("/home after a refused sign-in redirects to %s, want /signin", loc)
			}
			// A token from somewhere else is refused too.
			form.Set("csrf_token", strings.Repeat("ab", 32))
			requireStatus(t, httpPost(t, c, base+"/signin", form), http.StatusForbidden)
		})

		t.Run("sign-out with a wrong token is refused and the session stays", func(t *testing.T) {
			c := httpClient(t)
			formSignInOK(t, c, base, demoAccountFor(t, domain.RoleAttorney).Email)
			r := httpPost(t, c, base+"/signout", url.Values{"csrf_token": {strings.Repeat("0", 64)}})
			requireStatus(t, r, http.StatusForbidden)
			htmlOf(t, r)
			requireStatus(t, httpGet(t, c, base+"/home"), http.StatusOK)
			r = httpPost(t, c, base+"/signout", url.Values{})
			requireStatus(t, r, http.StatusForbidden)
			home := httpGet(t, c, base+"/home")
			requireStatus(t, home, http.StatusOK)
			htmlQueryOne(t, htmlOf(t, home), ".who-name")
		})

		t.Run("wrong password", func(t *testing.T) {
			c := httpClient(t)
			acct := demoAccountNamed(t, "Meera Iyer")
			r := formSignIn(t, c, base, "  "+strings.ToUpper(acct.Email[:1])+acct.Email[1:], "not-the-password")
			requireStatus(t, r, http.StatusUnauthorized)
			doc := htmlOf(t, r)
			if msg := htmlText(htmlQueryOne(t, doc, "#signin-error[role=alert]")); msg == "" {
				t.Errorf("no error message shown")
			}
			email := htmlQueryOne(t, doc, "form[action=/signin] input#email")
			if got := strings.TrimSpace(htmlAttr(email, "value")); !strings.EqualFold(got, acct.Email) {
				t.Errorf("email field = %q, want the typed %q kept", got, acct.Email)
			}
			if htmlAttr(htmlQueryOne(t, doc, "form[action=/signin] input#password"), "value") != "" {
				t.Errorf("the password was echoed back into the form")
			}
			if ck := setCookieNamed(r, "probity_session"); ck != nil && ck.Value != "" {
				t.Errorf("a failed sign-in set a session cookie")
			}
		})

		t.Run("five failures throttle the account", func(t *testing.T) {
			c := httpClient(t)
			acct := demoAccountNamed(t, "Rosa Jimenez")
			for i := range 5 {
				r := formSignIn(t, c, base, acct.Email, "wrong-password-"+strconv.Itoa(i))
				requireStatus(t, r, http.StatusUnauthorized)
			}
			r := formSignIn(t, c, base, acct.Email, demo.Password)
			requireStatus(t, r, http.StatusTooManyRequests)
			if msg := htmlText(htmlQueryOne(t, htmlOf(t, r), "#signin-error")); msg == "" {
				t.Errorf("the throttled sign-in shows no message")
			}
			if v := jarValue(t, c, base, "probity_session"); v != "" {
				t.Errorf("a throttled sign-in started a session")
			}
		})

		t.Run("sign-out ends the session", func(t *testing.T) {
			c := httpClient(t)
			formSignInOK(t, c, base, demoAccountNamed(t, "Victor Lin").Email)
			old := jarValue(t, c, base, "probity_session")
			home := httpGet(t, c, base+"/home")
			requireStatus(t, home, http.StatusOK)
			tok := signOutCSRF(t, htmlOf(t, home))
			r := httpPost(t, c, base+"/signout", url.Values{"csrf_token": {tok}})
			if loc := redirectTarget(t, r); loc.Path != "/signin" {
				t.Errorf("sign-out redirected to %s, want /signin", loc)
			}
			if ck := setCookieNamed(r, "probity_session"); ck == nil || ck.MaxAge >= 0 {
				t.Errorf("sign-out did not delete the session cookie: %+v", ck)
			}
			if loc := redirectTarget(t, httpGet(t, c, base+"/home")); loc.Path != "/signin" {
				t.Errorf("/home after sign-out redirects to %s, want /signin", loc)
			}
			// The old cookie, replayed by someone who kept it, no longer works.
			thief := httpClient(t)
			u, _ := url.Parse(base)
			thief.Jar.SetCookies(u, []*http.Cookie{{Name: "probity_session", Value: old, Path: "/"}})
			if loc := redirectTarget(t, httpGet(t, thief, base+"/home")); loc.Path != "/signin" {
				t.Errorf("/home with the old session cookie redirects to %s, want /signin", loc)
			}
			r = httpGet(t, thief, base+"/api/v1/me")
			requireStatus(t, r, http.StatusUnauthorized)
		})

		t.Run("protected page while signed out goes to sign-in and back", func(t *testing.T) {
			c := httpClient(t)
			loc := redirectTarget(t, httpGet(t, c, base+"/matters?q=2026"))
			if loc.Path != "/signin" || loc.Query().Get("next") != "/matters?q=2026" {
				t.Fatalf("redirected to %s, want /signin?next=/matters?q=2026", loc)
			}
			form := loadSignInForm(t, c, base, loc.RequestURI())
			if form.Get("next") != "/matters?q=2026" {
				t.Errorf("the sign-in form's next = %q", form.Get("next"))
			}
			form.Set("email", demoAccountNamed(t, "Marcus Oyelaran").Email)
			form.Set("password", demo.Password)
			if got := redirectTarget(t, httpPost(t, c, base+"/signin", form)); got.String() != "/matters?q=2026" {
				t.Errorf("after sign-in redirected to %s, want /matters?q=2026", got)
			}
		})

		t.Run("sign-in never redirects off the site", func(t *testing.T) {
			for _, next := range []string{"//evil.example", "https://evil.example/x", "/\\evil.example", "/\t/evil.example"} {
				c := httpClient(t)
				form := loadSignInForm(t, c, base, "/signin")
				form.Set("email", demoAccountNamed(t, "Daniel Brooks").Email)
				form.Set("password", demo.Password)
				form.Set("next", next)
				r := httpPost(t, c, base+"/signin", form)
				requireStatus(t, r, http.StatusSeeOther)
				if got := r.Header.Get("Location"); got != "/home" {
					t.Errorf("next=%q redirected to %q, want /home", next, got)
				}
			}
		})

		t.Run("unknown page is a 404 page", func(t *testing.T) {
			for _, signedIn := range []bool{false, true} {
				c := httpClient(t)
				if signedIn {
					formSignInOK(t, c, base, demoAccountNamed(t, "Daniel Brooks").Email)
				}
				r := httpGet(t, c, base+"/no/such/page")
				requireStatus(t, r, http.StatusNotFound)
				doc := htmlOf(t, r)
				htmlQueryOne(t, doc, "main h1#err-h")
				if got := htmlText(htmlQueryOne(t, doc, "main .status")); got != "Error 404" {
					t.Errorf("status line %q, want Error 404", got)
				}
				if got := len(htmlQueryAll(t, doc, "header .who-name")); (got == 1) != signedIn {
					t.Errorf("signed in=%v but the 404 page shows %d .who-name", signedIn, got)
				}
			}
		})

		t.Run("scoping", func(t *testing.T) {
			marcus := httpClient(t)
			formSignInOK(t, marcus, base, demoAccountNamed(t, "Marcus Oyelaran").Email)
			ardent := matterIDByNumber(t, marcus, base, "2026-0177")
			greenfield := matterIDByNumber(t, marcus, base, "2026-0203")
			var engs struct{ Items []apiEngagementRef }
			getJSON(t, marcus, base+"/api/v1/engagements?limit=500", &engs)
			var keystone, lexora int64
			for _, en := range engs.Items {
				switch {
				case en.VendorName == "Keystone Review LLC":
					keystone = en.ID
				case strings.HasPrefix(en.VendorName, "Lexora") && en.MatterNumber == "2026-0142" && lexora == 0: // the document review, the first
					lexora = en.ID
				}
			}
			if keystone == 0 || lexora == 0 {
				t.Fatalf("demo engagements not found: %+v", engs.Items)
			}

			// Ardent is highly confidential: Marcus, without a second factor,
			// is told so and offered the way forward; Eleanor, with one, opens it.
			r := httpGet(t, marcus, base+"/matters/"+strconv.FormatInt(ardent, 10))
			requireStatus(t, r, http.StatusForbidden)
			doc := htmlOf(t, r)
			if got := htmlText(htmlQueryOne(t, doc, "main .error-page")); !strings.Contains(got, "This matter is highly confidential: sign in with your second factor to open it") {
				t.Errorf("Ardent refusal says %q", got)
			}
			if href := htmlAttr(htmlQueryOne(t, doc, "a#err-action"), "href"); !strings.HasPrefix(href, "/account/mfa?next=") {
				t.Errorf("the refusal offers %q, want setting up a second factor", href)
			}
			eleanor := httpClient(t)
			formSignInOK(t, eleanor, base, demoAccountNamed(t, "Eleanor Hartwell").Email)
			r = httpGet(t, eleanor, base+"/matters/"+strconv.FormatInt(ardent, 10))
			requireStatus(t, r, http.StatusOK)
			if got := htmlText(htmlQueryOne(t, htmlOf(t, r), "main h1")); !strings.Contains(got, "Ardent") {
				t.Errorf("Ardent matter page h1 = %q", got)
			}

			priya := httpClient(t)
			formSignInOK(t, priya, base, demoAccountNamed(t, "Priya Raman").Email)
			r = httpGet(t, priya, base+"/matters/"+strconv.FormatInt(ardent, 10))
			requireStatus(t, r, http.StatusNotFound)
			htmlQueryOne(t, htmlOf(t, r), "h1#err-h")
			requireStatus(t, httpGet(t, priya, base+"/matters/"+strconv.FormatInt(greenfield, 10)), http.StatusOK)

			helen := httpClient(t)
			formSignInOK(t, helen, base, demoAccountNamed(t, "Helen Calloway").Email)
			r = httpGet(t, helen, base+"/matters/"+strconv.FormatInt(greenfield, 10))
			requireStatus(t, r, http.StatusNotFound)
			htmlOf(t, r)
			r = httpGet(t, helen, base+"/clients")
			if r.StatusCode != http.StatusForbidden && r.StatusCode != http.StatusNotFound {
				t.Errorf("client contact on /clients: %d, want 403 or 404", r.StatusCode)
			}
			htmlQueryOne(t, htmlOf(t, r), "h1#err-h")

			anika := httpClient(t)
			formSignInOK(t, anika, base, demoAccountNamed(t, "Anika Deshmukh").Email)
			r = httpGet(t, anika, base+"/engagements/"+strconv.FormatInt(keystone, 10))
			requireStatus(t, r, http.StatusNotFound)
			htmlOf(t, r)
			r = httpGet(t, anika, base+"/engagements/"+strconv.FormatInt(lexora, 10))
			requireStatus(t, r, http.StatusOK)
			if got := htmlText(htmlQueryOne(t, htmlOf(t, r), "main h1")); !strings.Contains(got, "Lexora") {
				t.Errorf("own engagement page h1 = %q", got)
			}
		})

		t.Run("graceful shutdown", func(t *testing.T) {
			u, err := url.Parse(base)
			if err != nil {
				t.Fatal(err)
			}
			if err := srv.Stop(); err != nil {
				t.Fatalf("Stop: %v", err)
			}
			conn, err := net.DialTimeout("tcp", u.Host, 5*time.Second)
			if err == nil {
				conn.Close()
				t.Fatalf("%s still accepts connections after Stop", u.Host)
			}
			if strings.Contains(srv.Stderr.String(), "level=ERROR") {
				t.Errorf("the server logged errors:\n%s", srv.Stderr.String())
			}
		})
	})
}

// TestServeRefusesUnmigratedSchema: with --migrate=false a fresh database is
// refused before the server listens.
func TestServeRefusesUnmigratedSchema(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		dbURL, dataDir := e.URL(t)
		m, out, errb := testMain(nil)
		m.Ready = func(url string) { t.Errorf("serve became ready at %s on an unmigrated database", url) }
		args := []string{"serve", "--addr", "127.0.0.1:0", "--data", dataDir, "--migrate=false", "--log-level", "warn"}
		if dbURL != "" {
			args = append(args, "--database", dbURL)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		err := m.Run(ctx, args)
		if err == nil {
			t.Fatalf("serve --migrate=false on a fresh database succeeded\nstdout:\n%s", out.String())
		}
		if errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("serve did not fail by itself: %v", err)
		}
		if !strings.Contains(strings.ToLower(describe(err)), "migrat") {
			t.Errorf("error %q does not name migration", describe(err))
		}
		if exitStatus(err) == 0 {
			t.Errorf("exit code 0 for %v", err)
		}
		if strings.Contains(out.String(), "ready") {
			t.Errorf("stdout announces readiness:\n%s\nstderr:\n%s", out.String(), errb.String())
		}
	})
}
