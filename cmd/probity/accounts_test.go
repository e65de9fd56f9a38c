package main

import (
	"encoding/json"
	"golang.org/x/net/html"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/probity/probity/internal/mail/smtptest"
	"github.com/probity/probity/internal/testenv"
)

// The accounts journeys: invitations, password resets and offboarding,
// through the real binary's Main, delivering mail to a real SMTP server
// (STARTTLS with a certificate the test made, AUTH PLAIN).

var linkPattern = regexp.MustCompile(`https?://[^\s]+/(invitations|password/reset)/([A-Za-z0-9_-]{43})`)

// mailLink is the one link of kind in a delivered message, and its token.
func mailLink(tb testing.TB, m smtptest.Message, kind string) (link, token string) {
	tb.Helper()
	found := linkPattern.FindAllStringSubmatch(m.Body, -1)
	if len(found) != 1 || found[0][1] != kind {
		tb.Fatalf("want exactly one /%s/ link in %q, found %v:\n%s", kind, m.Subject, found, m.Body)
	}
	return found[0][0], found[0][2]
}

// formFields loads a page and returns the hidden fields of its form posting to action.
func formFields(tb testing.TB, c *http.Client, base, page, action string) url.Values {
	tb.Helper()
	r := httpGet(tb, c, base+page)
	requireStatus(tb, r, http.StatusOK)
	form := url.Values{}
	for _, in := range htmlQueryAll(tb, htmlOf(tb, r), "form[action="+action+"] input[type=hidden]") {
		form.Set(htmlAttr(in, "name"), htmlAttr(in, "value"))
	}
	if form.Get("csrf_token") == "" {
		tb.Fatalf("%s has no form posting to %s with a csrf_token", page, action)
	}
	return form
}

// apiJSON calls the API with the session of c, sending the CSRF header on
// unsafe methods, and decodes the reply into v (when not nil).
func apiJSON(tb testing.TB, c *http.Client, base, method, path string, body any, v any) int {
	tb.Helper()
	var rd *strings.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = strings.NewReader(string(b))
	} else {
		rd = strings.NewReader("")
	}
	req, err := http.NewRequest(method, base+path, rd)
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", jarValue(tb, c, base, "probity_csrf"))
	resp, err := c.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	if v != nil {
		if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
			tb.Fatalf("%s %s: %v", method, path, err)
		}
	}
	return resp.StatusCode
}

// idOfClient finds a client's id by name through the API.
func idOfClient(tb testing.TB, c *http.Client, base, name string) int64 {
	tb.Helper()
	var l struct {
		Items []struct {
			ID   int64  `json:"id"`
			Name string `json:"name"`
		} `json:"items"`
	}
	getJSON(tb, c, base+"/api/v1/clients?limit=500", &l)
	for _, x := range l.Items {
		if strings.Contains(x.Name, name) {
			return x.ID
		}
	}
	tb.Fatalf("no client named %s in %+v", name, l.Items)
	return 0
}

func idOfVendor(tb testing.TB, c *http.Client, base, name string) int64 {
	tb.Helper()
	var l struct {
		Items []struct {
			ID   int64  `json:"id"`
			Name string `json:"name"`
		} `json:"items"`
	}
	getJSON(tb, c, base+"/api/v1/vendors?limit=500", &l)
	for _, x := range l.Items {
		if strings.Contains(x.Name, name) {
			return x.ID
		}
	}
	tb.Fatalf("no vendor named %s", name)
	return 0
}

type apiUser struct {
	ID       int64  `json:"id"`
	Email    string `json:"email"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	Disabled bool   `json:"disabled"`
}

func idOfUser(tb testing.TB, c *http.Client, base, email string) int64 {
	tb.Helper()
	var l struct{ Items []apiUser }
	getJSON(tb, c, base+"/api/v1/users?limit=500", &l)
	for _, u := range l.Items {
		if u.Email == email {
			return u.ID
		}
	}
	tb.Fatalf("no user %s", email)
	return 0
}

// invite sends an invitation through the administrators' form.
func invite(tb testing.TB, admin *http.Client, base string, fields url.Values) httpReply {
	tb.Helper()
	form := formFields(tb, admin, base, "/admin/invitations", "/admin/invitations")
	for k, vs := range fields {
		form[k] = vs
	}
	return httpPost(tb, admin, base+"/admin/invitations", form)
}

// smtpArgs are the serve flags that deliver to srv with its credentials.
func smtpArgs(srv *smtptest.Server) []string {
	return []string{"--smtp-url", "smtp://probity:mail-pa55word@127.0.0.1:" + srv.Port(), "--mail-from", "Probity <probity@hartwellcrane.example>",
		"--smtp-ca", srv.CAFile, "--log-level", "debug"}
}

func TestInvitationAndResetJourneysOverSMTP(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		smtp := smtptest.Start(t, smtptest.Options{STARTTLS: true, User: "probity", Password: "mail-pa55word"})
		srv := startServer(t, e, append([]string{"--demo"}, smtpArgs(smtp)...)...)
		base := srv.URL
		admin := httpClient(t)
		eleanor := demoAccountFor(t, "firm_admin")
		formSignInOK(t, admin, base, eleanor.Email)
		calloway := idOfClient(t, admin, base, "Calloway")
		var tokens []string // every secret token mailed, none of which may be logged
		delivered := 0
		next := func(to string) smtptest.Message {
			t.Helper()
			delivered++
			m := smtp.Wait(t, delivered, 30*time.Second)[delivered-1]
			if len(m.To) != 1 || m.To[0] != to {
				t.Fatalf("message %d went to %v, want %s", delivered, m.To, to)
			}
			if !m.TLS || m.AuthUser != "probity" {
				t.Errorf("message %d: TLS %v, authenticated as %q", delivered, m.TLS, m.AuthUser)
			}
			return m
		}

		const invitee = "grace.calloway@callowayfoods.example"
		var link, token string
		t.Run("admin invites a client contact; the email carries the link", func(t *testing.T) {
			r := invite(t, admin, base, url.Values{"name": {"Grace Calloway"}, "email": {invitee}, "role": {"client_contact"}, "client_id": {strconv.FormatInt(calloway, 10)}})
			if loc := redirectTarget(t, r); loc.Path != "/admin/invitations" || loc.Query().Get("sent") != invitee {
				t.Fatalf("invite redirected to %s", loc)
			}
			m := next(invitee)
			if !strings.Contains(m.Subject, eleanor.Name) {
				t.Errorf("subject %q does not name the inviter", m.Subject)
			}
			link, token = mailLink(t, m, "invitations")
			tokens = append(tokens, token)
			if !strings.HasPrefix(link, base+"/invitations/") {
				t.Errorf("link %s does not point at this server (%s)", link, base)
			}
			doc := htmlOf(t, httpGet(t, admin, base+"/admin/invitations"))
			row := htmlText(htmlQueryOne(t, doc, "table.invitations tbody tr"))
			if !strings.Contains(row, invitee) || !strings.Contains(row, "Waiting") {
				t.Errorf("the invitations table shows %q", row)
			}
		})

		invitee1 := httpClient(t)
		t.Run("the invitee sees who invited them, sets a password and is signed in", func(t *testing.T) {
			r := httpGet(t, invitee1, link)
			requireStatus(t, r, http.StatusOK)
			if cc := r.Header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("the invitation page is cacheable: %q", cc)
			}
			doc := htmlOf(t, r)
			if lead := htmlText(htmlQueryOne(t, doc, "p.lead")); !strings.Contains(lead, eleanor.Name) {
				t.Errorf("the page does not say who invited them: %q", lead)
			}
			if org := htmlText(htmlQueryOne(t, doc, "#inv-org")); !strings.Contains(org, "Calloway") {
				t.Errorf("organisation shown: %q", org)
			}
			action := "/invitations/" + token
			form := formFields(t, invitee1, base, action, action)
			form.Set("password", "grace's own passphrase")
			form.Set("password_again", "not the same")
			requireStatus(t, httpPost(t, invitee1, base+action, form), http.StatusUnprocessableEntity)
			form.Set("password_again", "grace's own passphrase")
			form.Set("time_zone", "America/Chicago")
			r = httpPost(t, invitee1, base+action, form)
			if loc := redirectTarget(t, r); loc.Path != "/home" {
				t.Fatalf("accepting redirected to %s, want /home", loc)
			}
			home := httpGet(t, invitee1, base+"/home")
			requireStatus(t, home, http.StatusOK)
			if who := htmlText(htmlQueryOne(t, htmlOf(t, home), ".who-name")); who != "Grace Calloway" {
				t.Errorf("signed in as %q", who)
			}
		})

		t.Run("the link works once; junk links change nothing", func(t *testing.T) {
			r := httpGet(t, httpClient(t), link)
			requireStatus(t, r, http.StatusConflict)
			if p := htmlText(htmlQueryOne(t, htmlOf(t, r), "#problem")); !strings.Contains(p, "already been used") {
				t.Errorf("used link says %q", p)
			}
			c := httpClient(t)
			for _, bad := range []string{"/invitations/not-a-token", "/invitations/" + strings.Repeat("A", 43)} {
				r := httpGet(t, c, base+bad)
				requireStatus(t, r, http.StatusNotFound)
				htmlQueryOne(t, htmlOf(t, r), "#problem")
			}
			// Posting to a junk link creates nothing either.
			form := formFields(t, c, base, "/password/forgot", "/password/forgot")
			form.Set("password", "a perfectly fine passphrase")
			form.Set("password_again", "a perfectly fine passphrase")
			requireStatus(t, httpPost(t, c, base+"/invitations/"+strings.Repeat("B", 43), form), http.StatusNotFound)
		})

		t.Run("an address with an account cannot be invited", func(t *testing.T) {
			r := invite(t, admin, base, url.Values{"name": {"Grace again"}, "email": {invitee}, "role": {"client_contact"}, "client_id": {strconv.FormatInt(calloway, 10)}})
			requireStatus(t, r, http.StatusConflict)
			if msg := htmlText(htmlQueryOne(t, htmlOf(t, r), "#form-error")); !strings.Contains(msg, "already has an account") {
				t.Errorf("error says %q", msg)
			}
		})

		t.Run("a revoked invitation's link stops working", func(t *testing.T) {
			var inv struct {
				ID    int64  `json:"id"`
				State string `json:"state"`
			}
			if code := apiJSON(t, admin, base, http.MethodPost, "/api/v1/invitations", map[string]any{"email": "temp@callowayfoods.example", "name": "Temp", "role": "client_contact", "client_id": calloway}, &inv); code != http.StatusCreated || inv.State != "pending" {
				t.Fatalf("POST /api/v1/invitations: %d %+v", code, inv)
			}
			_, tok := mailLink(t, next("temp@callowayfoods.example"), "invitations")
			tokens = append(tokens, tok)
			form := formFields(t, admin, base, "/admin/invitations", "/admin/invitations/"+strconv.FormatInt(inv.ID, 10)+"/revoke")
			if loc := redirectTarget(t, httpPost(t, admin, base+"/admin/invitations/"+strconv.FormatInt(inv.ID, 10)+"/revoke", form)); loc.Path != "/admin/invitations" {
				t.Errorf("revoke redirected to %s", loc)
			}
			r := httpGet(t, httpClient(t), base+"/invitations/"+tok)
			requireStatus(t, r, http.StatusConflict)
			if p := htmlText(htmlQueryOne(t, htmlOf(t, r), "#problem")); !strings.Contains(p, "withdrawn") {
				t.Errorf("revoked link says %q", p)
			}
		})

		t.Run("a vendor invitee must set up a second factor first", func(t *testing.T) {
			lexora := idOfVendor(t, admin, base, "Lexora")
			r := invite(t, admin, base, url.Values{"name": {"Priya Nair"}, "email": {"priya.nair@lexora.example"}, "role": {"vendor_professional"}, "vendor_id": {strconv.FormatInt(lexora, 10)}})
			redirectTarget(t, r)
			_, tok := mailLink(t, next("priya.nair@lexora.example"), "invitations")
			tokens = append(tokens, tok)
			c := httpClient(t)
			action := "/invitations/" + tok
			form := formFields(t, c, base, action, action)
			form.Set("password", "priya's own passphrase")
			form.Set("password_again", "priya's own passphrase")
			if loc := redirectTarget(t, httpPost(t, c, base+action, form)); loc.Path != "/account/mfa" {
				t.Errorf("a vendor professional was sent to %s, want the second-factor set-up /account/mfa", loc)
			}
		})

		t.Run("password reset: same answer for unknown addresses, single use, sessions end", func(t *testing.T) {
			anon := httpClient(t)
			ask := func(email string) httpReply {
				form := formFields(t, anon, base, "/password/forgot", "/password/forgot")
				form.Set("email", email)
				return httpPost(t, anon, base+"/password/forgot", form)
			}
			known, unknown := ask(invitee), ask("nobody@nowhere.example")
			if known.StatusCode != unknown.StatusCode || known.Header.Get("Location") != unknown.Header.Get("Location") || string(known.body) != string(unknown.body) {
				t.Errorf("the answers differ: %d %q vs %d %q", known.StatusCode, known.Header.Get("Location"), unknown.StatusCode, unknown.Header.Get("Location"))
			}
			sent := htmlOf(t, httpGet(t, anon, base+redirectTarget(t, known).RequestURI()))
			if msg := htmlText(htmlQueryOne(t, sent, "#sent")); !strings.Contains(msg, "If an account exists") {
				t.Errorf("the answer says %q", msg)
			}
			resetMail := next(invitee)
			notice := next("nobody@nowhere.example")
			if resetMail.Subject != notice.Subject || linkPattern.MatchString(notice.Body) {
				t.Errorf("the unknown address got %q (want the same subject as %q, without a link)", notice.Subject, resetMail.Subject)
			}
			link, tok := mailLink(t, resetMail, "password/reset")
			tokens = append(tokens, tok)

			r := httpGet(t, anon, link)
			requireStatus(t, r, http.StatusOK)
			if got := htmlText(htmlQueryOne(t, htmlOf(t, r), "#reset-email")); got != invitee {
				t.Errorf("the reset page is for %q", got)
			}
			action := "/password/reset/" + tok
			form := formFields(t, anon, base, action, action)
			form.Set("password", "a brand new passphrase")
			form.Set("password_again", "a brand new passphrase")
			r = httpPost(t, anon, base+action, form)
			requireStatus(t, r, http.StatusOK)
			htmlQueryOne(t, htmlOf(t, r), "#done")
			// Grace's session from accepting the invitation has ended.
			if loc := redirectTarget(t, httpGet(t, invitee1, base+"/home")); loc.Path != "/signin" {
				t.Errorf("the old session still opens /home (redirect %s)", loc)
			}
			requireStatus(t, httpPost(t, anon, base+action, form), http.StatusConflict)
			if loc := redirectTarget(t, formSignIn(t, httpClient(t), base, invitee, "a brand new passphrase")); loc.Path != "/home" {
				t.Errorf("the new password does not sign in: %s", loc)
			}
			if changed := next(invitee); changed.Subject != "Your Probity password was changed" {
				t.Errorf("after the reset Grace got %q", changed.Subject)
			}
		})

		t.Run("disabling ends sessions at once and blocks sign-in", func(t *testing.T) {
			grace := httpClient(t)
			if loc := redirectTarget(t, formSignIn(t, grace, base, invitee, "a brand new passphrase")); loc.Path != "/home" {
				t.Fatalf("sign in: %s", loc)
			}
			id := idOfUser(t, admin, base, invitee)
			page := "/admin/users/" + strconv.FormatInt(id, 10)
			form := formFields(t, admin, base, page, page+"/disable")
			if loc := redirectTarget(t, httpPost(t, admin, base+page+"/disable", form)); loc.Path != page || loc.Query().Get("done") != "disabled" {
				t.Errorf("disable redirected to %s", loc)
			}
			doc := htmlOf(t, httpGet(t, admin, base+page))
			if st := htmlText(htmlQueryOne(t, doc, "#status")); st != "Disabled" {
				t.Errorf("status shows %q", st)
			}
			htmlQueryOne(t, doc, "form[action="+page+"/enable] button")
			// The very next request with the old cookie is refused.
			if loc := redirectTarget(t, httpGet(t, grace, base+"/home")); loc.Path != "/signin" {
				t.Errorf("the disabled user's session still works (redirect %s)", loc)
			}
			if r := formSignIn(t, httpClient(t), base, invitee, "a brand new passphrase"); r.StatusCode != http.StatusUnauthorized {
				t.Errorf("a disabled user signing in: %d", r.StatusCode)
			}
			// No reset for a disabled account: the same answer, a notice without a link.
			anon := httpClient(t)
			f := formFields(t, anon, base, "/password/forgot", "/password/forgot")
			f.Set("email", invitee)
			redirectTarget(t, httpPost(t, anon, base+"/password/forgot", f))
			if m := next(invitee); linkPattern.MatchString(m.Body) {
				t.Errorf("a disabled user was mailed a link:\n%s", m.Body)
			}
			// The API: an administrator cannot disable themselves; enabling works.
			var me apiUser
			getJSON(t, admin, base+"/api/v1/me", &me)
			var errBody map[string]any
			if code := apiJSON(t, admin, base, http.MethodPost, "/api/v1/users/"+strconv.FormatInt(me.ID, 10)+"/disable", nil, &errBody); code != http.StatusForbidden {
				t.Errorf("self-disable via the API: %d", code)
			}
			var got apiUser
			if code := apiJSON(t, admin, base, http.MethodPost, "/api/v1/users/"+strconv.FormatInt(id, 10)+"/enable", nil, &got); code != http.StatusOK || got.Disabled {
				t.Errorf("enable via the API: %d %+v", code, got)
			}
			if code := apiJSON(t, admin, base, http.MethodPost, "/api/v1/users/"+strconv.FormatInt(id, 10)+"/disable", nil, &got); code != http.StatusOK || !got.Disabled {
				t.Errorf("disable via the API: %d %+v", code, got)
			}
		})

		t.Run("the outbox shows what was sent, without the secret links", func(t *testing.T) {
			// The SMTP server has every message; the mailer marks a row sent
			// just after the server accepts it, so wait for that condition.
			var rows []*html.Node
			for deadline := time.Now().Add(30 * time.Second); ; {
				doc := htmlOf(t, httpGet(t, admin, base+"/admin/outbox"))
				rows = htmlQueryAll(t, doc, "table.outbox tbody tr")
				allSent := len(rows) == delivered
				for _, row := range rows {
					allSent = allSent && htmlText(htmlQueryOne(t, row, "span.badge")) == "Sent"
				}
				if allSent || time.Now().After(deadline) {
					break
				}
				runtime.Gosched()
			}
			if len(rows) != delivered {
				t.Errorf("the outbox lists %d messages, %d were delivered", len(rows), delivered)
			}
			for _, row := range rows {
				if st := htmlText(htmlQueryOne(t, row, "span.badge")); st != "Sent" {
					t.Errorf("a delivered message shows %q", st)
				}
			}
			first := htmlAttr(htmlQueryOne(t, rows[len(rows)-1], "a"), "href")
			body := htmlText(htmlQueryOne(t, htmlOf(t, httpGet(t, admin, base+first)), "#body"))
			if !strings.Contains(body, "/invitations/[hidden") || strings.Contains(body, tokens[0]) {
				t.Errorf("the administrator sees the invitation link:\n%s", body)
			}
		})

		t.Run("no secret token reaches the log", func(t *testing.T) {
			logs := srv.Stderr.String() + srv.Stdout.String()
			if !strings.Contains(logs, "mail sent") {
				t.Errorf("the log does not show deliveries (is it at debug level?)")
			}
			if strings.Contains(logs, "development outbox") && strings.Contains(logs, "mail queued") {
				t.Error("the development-outbox line was logged with SMTP configured")
			}
			for _, tok := range tokens {
				if strings.Contains(logs, tok) {
					t.Errorf("token %s… is in the log", tok[:8])
				}
			}
			if strings.Contains(logs, "mail-pa55word") {
				t.Error("the SMTP password is in the log")
			}
		})
	})
}

// clock is a time the test moves.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestDevelopmentOutboxAndExpiry(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		clock := &testClock{now: time.Now().UTC()}
		srv := startServerAt(t, e, clock.Now, "--demo", "--log-level", "info")
		base := srv.URL
		admin := httpClient(t)
		formSignInOK(t, admin, base, demoAccountFor(t, "firm_admin").Email)
		r := invite(t, admin, base, url.Values{"name": {"Dev Invitee"}, "email": {"dev.invitee@hartwellcrane.example"}, "role": {"staff"}})
		redirectTarget(t, r)

		// Without SMTP the link is in the log and in the outbox, for whoever runs the server.
		logs := srv.Stderr.String()
		if !strings.Contains(logs, "mail queued (development outbox)") {
			t.Fatalf("no development-outbox line in the log:\n%s", logs)
		}
		m := linkPattern.FindStringSubmatch(logs)
		if m == nil || m[1] != "invitations" {
			t.Fatalf("the log does not carry the invitation link:\n%s", logs)
		}
		doc := htmlOf(t, httpGet(t, admin, base+"/admin/outbox"))
		row := htmlQueryOne(t, doc, "table.outbox tbody tr")
		if st := htmlText(htmlQueryOne(t, row, "span.badge")); !strings.Contains(st, "development outbox") {
			t.Errorf("status %q", st)
		}
		body := htmlText(htmlQueryOne(t, htmlOf(t, httpGet(t, admin, base+htmlAttr(htmlQueryOne(t, row, "a"), "href"))), "#body"))
		if !strings.Contains(body, m[0]) {
			t.Errorf("the outbox body lacks the link %s:\n%s", m[0], body)
		}

		// A reset link expires after an hour.
		anon := httpClient(t)
		form := formFields(t, anon, base, "/password/forgot", "/password/forgot")
		form.Set("email", "dev.invitee@hartwellcrane.example") // no account yet: a notice, no link
		redirectTarget(t, httpPost(t, anon, base+"/password/forgot", form))
		staff := demoAccountFor(t, "staff")
		form.Set("email", staff.Email)
		redirectTarget(t, httpPost(t, anon, base+"/password/forgot", form))
		var resetToken string
		for _, x := range linkPattern.FindAllStringSubmatch(srv.Stderr.String(), -1) {
			if x[1] == "password/reset" {
				resetToken = x[2]
			}
		}
		if resetToken == "" {
			t.Fatal("no reset link in the development log")
		}
		requireStatus(t, httpGet(t, anon, base+"/password/reset/"+resetToken), http.StatusOK)
		clock.Advance(time.Hour)
		r = httpGet(t, anon, base+"/password/reset/"+resetToken)
		requireStatus(t, r, http.StatusConflict)
		if p := htmlText(htmlQueryOne(t, htmlOf(t, r), "#problem")); !strings.Contains(p, "expired") {
			t.Errorf("expired link says %q", p)
		}

		// An invitation expires after the firm's setting (7 days by default).
		clock.Advance(7*24*time.Hour - time.Hour - time.Minute) // an hour has passed already
		requireStatus(t, httpGet(t, anon, m[0]), http.StatusOK)
		clock.Advance(2 * time.Minute)
		r = httpGet(t, anon, m[0])
		requireStatus(t, r, http.StatusConflict)
		if p := htmlText(htmlQueryOne(t, htmlOf(t, r), "#problem")); !strings.Contains(p, "expired") {
			t.Errorf("expired invitation says %q", p)
		}
	})
}

func TestMailConfiguration(t *testing.T) {
	const secret = "smtp-s3cret-pw"
	file := t.TempDir() + "/smtp-url"
	if err := os.WriteFile(file, []byte("smtp://probity:"+secret+"@mail.example:587\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		src  string
	}{
		{"flag", nil, []string{"--smtp-url", "smtp://probity:" + secret + "@mail.example:587", "--mail-from", "probity@firm.example"}, "flag --smtp-url"},
		{"file", map[string]string{"PROBITY_SMTP_URL_FILE": file, "PROBITY_MAIL_FROM": "probity@firm.example"}, nil, "file PROBITY_SMTP_URL_FILE"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, err := runCLI(t, tc.env, "", append([]string{"config"}, tc.args...)...)
			if err != nil {
				t.Fatalf("config: %v\n%s", err, errOut)
			}
			if strings.Contains(out+errOut, secret) {
				t.Fatalf("config printed the SMTP password:\n%s", out)
			}
			got := parseConfig(t, out)
			if got["smtp-url"].value != "smtp://probity:*****@mail.example:587" || got["smtp-url"].source != tc.src {
				t.Errorf("smtp-url = %+v", got["smtp-url"])
			}
		})
	}
	// Bad mail settings stop every command at once, naming the setting, never the password.
	for _, args := range [][]string{
		{"--smtp-url", "smtp://probity:" + secret + "@mail.example:587"},                                           // no --mail-from
		{"--smtp-url", "http://mail.example", "--mail-from", "p@firm.example"},                                     // not smtp
		{"--smtp-url", "smtp://u:" + secret + "@127.0.0.1:25", "--mail-from", "p@firm.example", "--smtp-insecure"}, // credentials in plaintext
		{"--smtp-url", "smtp://mail.example:25", "--mail-from", "p@firm.example", "--smtp-insecure"},               // not loopback
		{"--smtp-insecure"}, // without a server
		{"--smtp-url", "smtp://mail.example", "--mail-from", "p@firm.example", "--smtp-ca", "/nonexistent/ca.pem"},
	} {
		_, errOut, err := runCLI(t, nil, "", append([]string{"serve", "--addr", "127.0.0.1:0", "--data", t.TempDir()}, args...)...)
		if exitStatus(err) != 2 {
			t.Errorf("serve %v: exit %d (%v), want 2", args, exitStatus(err), err)
		}
		if strings.Contains(errOut+describe(err), secret) {
			t.Errorf("serve %v repeated the password: %v", args, err)
		}
	}
}
