package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/demo"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store/engine"
	"github.com/probity/probity/internal/testenv"
)

// tokenPattern is the whole of what `token create` prints.
var tokenPattern = regexp.MustCompile(`^prb_[A-Za-z0-9_-]{43}\n$`)

// runCLIAt runs a command line through Main with its clock at now.
func runCLIAt(tb testing.TB, now time.Time, args ...string) (stdout, stderr string, err error) {
	tb.Helper()
	m, out, errb := testMain(nil)
	m.Now = func() time.Time { return now }
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	err = m.Run(ctx, args)
	return out.String(), errb.String(), err
}

// tokenCLI runs `probity token …` against a running server's database.
func (r *running) tokenCLI(tb testing.TB, args ...string) (stdout, stderr string, err error) {
	tb.Helper()
	return runCLIAt(tb, time.Now().UTC(), append(append([]string{"token"}, args...), engineArgs(r.DB, r.Data)...)...)
}

// createToken runs `probity token create` and returns the token it printed.
func (r *running) createToken(tb testing.TB, email, name, scope string, extra ...string) string {
	tb.Helper()
	out, errOut, err := r.tokenCLI(tb, append([]string{"create", "--user", email, "--name", name, "--scope", scope}, extra...)...)
	if err != nil {
		tb.Fatalf("token create: %v\n%s", err, errOut)
	}
	if !tokenPattern.MatchString(out) {
		tb.Fatalf("token create printed %q on stdout, want the token alone", out)
	}
	secret := strings.TrimSpace(out)
	if strings.Contains(errOut, secret) || strings.Contains(errOut, secret[12:]) {
		tb.Fatalf("token create printed the token on stderr too: %q", errOut)
	}
	return secret
}

// bearerClient is an HTTP client that keeps no cookies and follows no redirects.
func bearerClient(tb testing.TB) *http.Client {
	tb.Helper()
	c := httpClient(tb)
	c.Jar = nil
	return c
}

// apiCall sends a JSON request with a bearer token ("" for none) and extra headers.
func apiCall(tb testing.TB, c *http.Client, method, u, token, body string, hdr http.Header) httpReply {
	tb.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, vs := range hdr {
		req.Header[k] = vs
	}
	resp, err := c.Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	if _, err := b.ReadFrom(resp.Body); err != nil {
		tb.Fatal(err)
	}
	return httpReply{Response: resp, body: b.Bytes()}
}

type apiErrorBody struct {
	Error struct {
		Code      string `json:"code"`
		Message   string `json:"message"`
		Field     string `json:"field"`
		RequestID string `json:"request_id"`
	} `json:"error"`
}

// apiError requires status and the API's one error shape with code.
func apiError(tb testing.TB, r httpReply, status int, code string) apiErrorBody {
	tb.Helper()
	if r.StatusCode != status {
		tb.Fatalf("%s %s: %d, want %d\n%s", r.Request.Method, r.Request.URL.Path, r.StatusCode, status, clipBody(r.body))
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		tb.Errorf("error Content-Type %q", ct)
	}
	var e apiErrorBody
	dec := json.NewDecoder(bytes.NewReader(r.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil || e.Error.Code != code || e.Error.Message == "" || e.Error.RequestID != r.Header.Get("X-Request-Id") {
		tb.Errorf("error body %s (%v): want code %q, a message and the request id", r.body, err, code)
	}
	return e
}

func TestAPITokensEndToEnd(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		r := startServer(t, e, "--demo", "--log-level", "debug")
		base := r.URL
		admin := demoAccountFor(t, domain.RoleFirmAdmin)
		marcus := demoAccountNamed(t, "Marcus Oyelaran")
		daniel := demoAccountNamed(t, "Daniel Brooks")
		c := bearerClient(t)
		var secrets []string
		keep := func(s string) string { secrets = append(secrets, s); return s }

		adminWrite := keep(r.createToken(t, admin.Email, "user provisioning", "write"))
		marcusRead := keep(r.createToken(t, marcus.Email, "matter report", "read"))
		marcusWrite := keep(r.createToken(t, marcus.Email, "sync", "write", "--expires-in", "36h"))

		var invalidMessage string
		t.Run("a token signs in to the API as its user, and gets no cookies", func(t *testing.T) {
			for tok, email := range map[string]string{adminWrite: admin.Email, marcusRead: marcus.Email} {
				var me struct{ Email string }
				resp := apiCall(t, c, http.MethodGet, base+"/api/v1/me", tok, "", nil)
				requireStatus(t, resp, http.StatusOK)
				if err := json.Unmarshal(resp.body, &me); err != nil || me.Email != email {
					t.Errorf("me = %+v (%v), want %s", me, err, email)
				}
				if len(resp.Cookies()) != 0 {
					t.Errorf("a bearer request was given cookies: %v", resp.Cookies())
				}
			}
		})

		newUser := func(email string) string {
			return `{"email":"` + email + `","name":"Token Made","role":"staff","time_zone":"UTC"}`
		}
		t.Run("a read token can GET but not POST", func(t *testing.T) {
			requireStatus(t, apiCall(t, c, http.MethodGet, base+"/api/v1/matters", marcusRead, "", nil), http.StatusOK)
			e := apiError(t, apiCall(t, c, http.MethodPost, base+"/api/v1/users", marcusRead, newUser("ro@hartwellcrane.example"), nil), http.StatusForbidden, "forbidden")
			if !strings.Contains(e.Error.Message, "read-only") {
				t.Errorf("message %q does not say the token is read-only", e.Error.Message)
			}
			apiError(t, apiCall(t, c, http.MethodDelete, base+"/api/v1/me/tokens/1", marcusRead, "", nil), http.StatusForbidden, "forbidden")
		})

		t.Run("a write token can do what its user's role allows, and no more", func(t *testing.T) {
			resp := apiCall(t, c, http.MethodPost, base+"/api/v1/users", adminWrite, newUser("grace.token@hartwellcrane.example"), nil)
			requireStatus(t, resp, http.StatusCreated)
			apiError(t, apiCall(t, c, http.MethodPost, base+"/api/v1/users", marcusWrite, newUser("no.admin@hartwellcrane.example"), nil), http.StatusForbidden, "forbidden")
			var l struct{ Items []struct{ Email string } }
			getJSON(t, bearerAuth(c, adminWrite), base+"/api/v1/users?limit=500", &l)
			found := 0
			for _, u := range l.Items {
				if u.Email == "grace.token@hartwellcrane.example" {
					found++
				}
				if u.Email == "no.admin@hartwellcrane.example" || u.Email == "ro@hartwellcrane.example" {
					t.Errorf("a refused request created %s", u.Email)
				}
			}
			if found != 1 {
				t.Errorf("the user created with the token is listed %d times", found)
			}
		})

		t.Run("a token cannot create tokens", func(t *testing.T) {
			e := apiError(t, apiCall(t, c, http.MethodPost, base+"/api/v1/me/tokens", adminWrite, `{"name":"child"}`, nil), http.StatusForbidden, "forbidden")
			if !strings.Contains(e.Error.Message, "cannot create") {
				t.Errorf("message %q", e.Error.Message)
			}
		})

		t.Run("malformed, unknown, expired and revoked tokens answer 401 alike", func(t *testing.T) {
			expiredOut, errOut, err := runCLIAt(t, time.Now().UTC().Add(-48*time.Hour), append([]string{"token", "create", "--user", marcus.Email, "--name", "old", "--expires-in", "1d"}, engineArgs(r.DB, r.Data)...)...)
			if err != nil || !tokenPattern.MatchString(expiredOut) {
				t.Fatalf("create a token two days ago: %q %v\n%s", expiredOut, err, errOut)
			}
			expired := keep(strings.TrimSpace(expiredOut))

			revoked := keep(r.createToken(t, marcus.Email, "to revoke", "read"))
			var mine struct {
				Items []struct {
					ID     int64
					Name   string
					Prefix string
					Status string
				}
			}
			getJSON(t, bearerAuth(c, revoked), base+"/api/v1/me/tokens", &mine)
			var id int64
			for _, it := range mine.Items {
				if it.Name == "to revoke" {
					id = it.ID
					if it.Prefix != revoked[:12] || it.Status != "active" {
						t.Errorf("listed as %+v", it)
					}
				}
			}
			if id == 0 {
				t.Fatalf("the token is not in its own user's list: %+v", mine)
			}
			out, errOut, err := r.tokenCLI(t, "revoke", "--id", strconv.FormatInt(id, 10))
			if err != nil || !strings.Contains(out, "Revoked API token") {
				t.Fatalf("token revoke: %q %v\n%s", out, err, errOut)
			}

			unknown := "prb_" + strings.Repeat("Z", 43)
			for _, tc := range []struct{ name, header string }{
				{"no token", "Bearer"},
				{"empty token", "Bearer "},
				{"short", "Bearer x"},
				{"wrong prefix", "Bearer prx_" + marcusRead[4:]},
				{"10 KB", "Bearer " + strings.Repeat("A", 10<<10)},
				{"unknown", "Bearer " + unknown},
				{"expired", "Bearer " + expired},
				{"revoked", "Bearer " + revoked},
			} {
				for _, m := range []string{http.MethodGet, http.MethodPost} {
					resp := apiCall(t, c, m, base+"/api/v1/me", "", "", http.Header{"Authorization": {tc.header}})
					e := apiError(t, resp, http.StatusUnauthorized, "unauthorized")
					if !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer") {
						t.Errorf("%s: WWW-Authenticate %q", tc.name, resp.Header.Get("WWW-Authenticate"))
					}
					if invalidMessage == "" {
						invalidMessage = e.Error.Message
					} else if e.Error.Message != invalidMessage {
						t.Errorf("%s %s: message %q differs from %q: the reason must not show", m, tc.name, e.Error.Message, invalidMessage)
					}
				}
			}
		})

		t.Run("revoking a token through the API stops it at once", func(t *testing.T) {
			tok := keep(r.createToken(t, daniel.Email, "self-revoking", "write"))
			var mine struct{ Items []struct{ ID int64 } }
			getJSON(t, bearerAuth(c, tok), base+"/api/v1/me/tokens", &mine)
			if len(mine.Items) != 1 {
				t.Fatalf("daniel's tokens: %+v", mine)
			}
			path := base + "/api/v1/me/tokens/" + strconv.FormatInt(mine.Items[0].ID, 10)
			// Someone else's token is not found, not forbidden.
			apiError(t, apiCall(t, c, http.MethodDelete, path, marcusWrite, "", nil), http.StatusNotFound, "not_found")
			apiError(t, apiCall(t, c, http.MethodDelete, path, adminWrite, "", nil), http.StatusNotFound, "not_found")
			resp := apiCall(t, c, http.MethodDelete, path, tok, "", nil)
			requireStatus(t, resp, http.StatusOK)
			var got struct{ Status string }
			if err := json.Unmarshal(resp.body, &got); err != nil || got.Status != "revoked" {
				t.Errorf("DELETE answered %s", resp.body)
			}
			apiError(t, apiCall(t, c, http.MethodGet, base+"/api/v1/me", tok, "", nil), http.StatusUnauthorized, "unauthorized")
		})

		t.Run("a disabled user's token stops working", func(t *testing.T) {
			rosa := demoAccountNamed(t, "Rosa Jimenez")
			tok := keep(r.createToken(t, rosa.Email, "billing export", "read"))
			requireStatus(t, apiCall(t, c, http.MethodGet, base+"/api/v1/me", tok, "", nil), http.StatusOK)
			s := openTestStore(t, r.DB, r.Data)
			if _, err := s.DB().Exec(`UPDATE users SET disabled = TRUE WHERE email = $1`, rosa.Email); err != nil {
				t.Fatal(err)
			}
			apiError(t, apiCall(t, c, http.MethodGet, base+"/api/v1/me", tok, "", nil), http.StatusUnauthorized, "unauthorized")
		})

		t.Run("cookies and a bearer token together are refused", func(t *testing.T) {
			jar := httpClient(t)
			formSignInOK(t, jar, base, marcus.Email)
			csrf := jarValue(t, jar, base, "probity_csrf")
			for _, m := range []string{http.MethodGet, http.MethodPost} {
				resp := apiCall(t, jar, m, base+"/api/v1/users", marcusWrite, newUser("both@hartwellcrane.example"), http.Header{"X-CSRF-Token": {csrf}})
				e := apiError(t, resp, http.StatusUnauthorized, "unauthorized")
				if !strings.Contains(e.Error.Message, "both cookies and an Authorization: Bearer token") {
					t.Errorf("%s: message %q does not say why", m, e.Error.Message)
				}
			}
			// Without the CSRF header it is not treated as a bearer request either.
			resp := apiCall(t, jar, http.MethodPost, base+"/api/v1/users", marcusWrite, newUser("both2@hartwellcrane.example"), nil)
			apiError(t, resp, http.StatusUnauthorized, "unauthorized")
			// The session alone still works.
			requireStatus(t, apiCall(t, jar, http.MethodGet, base+"/api/v1/me", "", "", nil), http.StatusOK)
		})

		t.Run("a bearer token is ignored by the HTML pages", func(t *testing.T) {
			for _, p := range []string{"/home", "/account/tokens", "/admin/users"} {
				resp := apiCall(t, c, http.MethodGet, base+p, adminWrite, "", nil)
				if loc := redirectTarget(t, resp); loc.Path != "/signin" {
					t.Errorf("GET %s with a bearer token went to %s, want the sign-in page", p, loc)
				}
			}
			resp := apiCall(t, c, http.MethodPost, base+"/account/tokens", adminWrite, "", nil)
			if loc := redirectTarget(t, resp); loc.Path != "/signin" {
				t.Errorf("POST /account/tokens with a bearer token went to %s", loc)
			}
		})

		t.Run("the web page shows a new token once, and revokes it", func(t *testing.T) {
			jar := httpClient(t)
			formSignInOK(t, jar, base, daniel.Email)
			page := httpGet(t, jar, base+"/account/tokens")
			requireStatus(t, page, http.StatusOK)
			doc := htmlOf(t, page)
			htmlQueryOne(t, doc, "header .who a[href=/account/tokens]")
			csrf := htmlAttr(htmlQueryOne(t, doc, "form[action=/account/tokens] input[name=csrf_token]"), "value")
			form := url.Values{"csrf_token": {csrf}, "name": {"  spreadsheet  "}, "scope": {"read"}, "expires_in_days": {"30"}}

			bad := url.Values{"csrf_token": {csrf}, "name": {"x"}, "scope": {"read"}, "expires_in_days": {"400"}}
			resp := httpPost(t, jar, base+"/account/tokens", bad)
			requireStatus(t, resp, http.StatusUnprocessableEntity)
			htmlQueryOne(t, htmlOf(t, resp), "input#t-days[aria-invalid=true]")

			resp = httpPost(t, jar, base+"/account/tokens", form)
			requireStatus(t, resp, http.StatusOK)
			if resp.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("the page with the token has Cache-Control %q, want no-store", resp.Header.Get("Cache-Control"))
			}
			doc = htmlOf(t, resp)
			secret := keep(htmlAttr(htmlQueryOne(t, doc, "input#new-token[readonly]"), "value"))
			if !tokenPattern.MatchString(secret + "\n") {
				t.Fatalf("the page shows %q as the new token", secret)
			}
			var me struct{ Email string }
			getJSON(t, bearerAuth(c, secret), base+"/api/v1/me", &me)
			if me.Email != daniel.Email {
				t.Errorf("the new token is %s's, want %s's", me.Email, daniel.Email)
			}

			again := httpGet(t, jar, base+"/account/tokens")
			requireStatus(t, again, http.StatusOK)
			if bytes.Contains(again.body, []byte(secret)) || bytes.Contains(again.body, []byte(secret[12:])) {
				t.Fatal("the token is shown again")
			}
			doc = htmlOf(t, again)
			if n := len(htmlQueryAll(t, doc, "input#new-token")); n != 0 {
				t.Errorf("the page shows a new-token field on a plain visit")
			}
			var rowID string
			for _, tr := range htmlQueryAll(t, doc, "table tbody tr") {
				if strings.Contains(htmlText(tr), "spreadsheet") {
					if !strings.Contains(htmlText(tr), secret[:12]) || !strings.Contains(htmlText(tr), "Read only") || strings.Contains(htmlText(tr), "Never") {
						t.Errorf("row %q: want the prefix, the scope and a last use (it was used above)", htmlText(tr))
					}
					f := htmlQueryOne(t, tr, "form[method=post]")
					rowID = strings.TrimSuffix(strings.TrimPrefix(htmlAttr(f, "action"), "/account/tokens/"), "/revoke")
				}
			}
			if rowID == "" {
				t.Fatal("no row with a revoke button for the new token")
			}
			// Another user cannot revoke it: not found.
			other := httpClient(t)
			formSignInOK(t, other, base, marcus.Email)
			otherCSRF := jarValue(t, other, base, "probity_csrf")
			resp = httpPost(t, other, base+"/account/tokens/"+rowID+"/revoke", url.Values{"csrf_token": {otherCSRF}})
			requireStatus(t, resp, http.StatusNotFound)
			requireStatus(t, apiCall(t, c, http.MethodGet, base+"/api/v1/me", secret, "", nil), http.StatusOK)
			// Without the CSRF token nothing happens.
			resp = httpPost(t, jar, base+"/account/tokens/"+rowID+"/revoke", url.Values{})
			requireStatus(t, resp, http.StatusForbidden)
			requireStatus(t, apiCall(t, c, http.MethodGet, base+"/api/v1/me", secret, "", nil), http.StatusOK)

			resp = httpPost(t, jar, base+"/account/tokens/"+rowID+"/revoke", url.Values{"csrf_token": {csrf}})
			if loc := redirectTarget(t, resp); loc.Path != "/account/tokens" || loc.Query().Get("revoked") != "spreadsheet" {
				t.Errorf("revoke redirected to %s", loc)
			}
			apiError(t, apiCall(t, c, http.MethodGet, base+"/api/v1/me", secret, "", nil), http.StatusUnauthorized, "unauthorized")
			doc = htmlOf(t, httpGet(t, jar, base+"/account/tokens?revoked=spreadsheet"))
			htmlQueryOne(t, doc, ".alert.ok")
			for _, tr := range htmlQueryAll(t, doc, "table tbody tr") {
				if strings.Contains(htmlText(tr), "spreadsheet") && (!strings.Contains(htmlText(tr), "Revoked") || len(htmlQueryAll(t, tr, "form")) != 0) {
					t.Errorf("revoked row %q: want Revoked and no button", htmlText(tr))
				}
			}
		})

		t.Run("an administrator sees and revokes everyone's active tokens on the page", func(t *testing.T) {
			victim := keep(r.createToken(t, marcus.Email, "leaked laptop", "read"))
			requireStatus(t, apiCall(t, c, http.MethodGet, base+"/api/v1/me", victim, "", nil), http.StatusOK)
			jar := httpClient(t)
			signInWithCode(t, jar, base, admin)
			doc := htmlOf(t, httpGet(t, jar, base+"/account/tokens"))
			var action string
			for _, tr := range htmlQueryAll(t, doc, "section[aria-labelledby=others-h] tbody tr") {
				if strings.Contains(htmlText(tr), "leaked laptop") {
					if htmlAttr(htmlQueryOne(t, tr, "td[data-label=Person]"), "title") != marcus.Email || !strings.Contains(htmlText(tr), marcus.Name) ||
						!strings.Contains(htmlText(tr), victim[:12]) {
						t.Errorf("row %q: want the owner and the prefix", htmlText(tr))
					}
					action = htmlAttr(htmlQueryOne(t, tr, "form"), "action")
				}
				if htmlAttr(htmlQueryOne(t, tr, "td[data-label=Person]"), "title") == admin.Email {
					t.Errorf("the administrator's own token is listed among everyone else's")
				}
			}
			if action == "" {
				t.Fatal("marcus's token is not in the administrator's table")
			}
			resp := httpPost(t, jar, base+action, url.Values{"csrf_token": {jarValue(t, jar, base, "probity_csrf")}})
			requireStatus(t, resp, http.StatusSeeOther)
			apiError(t, apiCall(t, c, http.MethodGet, base+"/api/v1/me", victim, "", nil), http.StatusUnauthorized, "unauthorized")
			// Non-administrators have no such table.
			other := httpClient(t)
			formSignInOK(t, other, base, marcus.Email)
			if n := len(htmlQueryAll(t, htmlOf(t, httpGet(t, other, base+"/account/tokens")), "section[aria-labelledby=others-h]")); n != 0 {
				t.Errorf("an attorney sees everyone's tokens")
			}
		})

		t.Run("the session API creates a token and returns it once", func(t *testing.T) {
			jar := httpClient(t)
			formSignInOK(t, jar, base, marcus.Email)
			csrf := jarValue(t, jar, base, "probity_csrf")
			resp := apiCall(t, jar, http.MethodPost, base+"/api/v1/me/tokens", "", `{"name":"from the API","scope":"write","expires_in_days":7}`, http.Header{"X-CSRF-Token": {csrf}})
			requireStatus(t, resp, http.StatusCreated)
			var created struct {
				Token     string
				Scope     string
				ExpiresAt time.Time `json:"expires_at"`
				CreatedAt time.Time `json:"created_at"`
			}
			if err := json.Unmarshal(resp.body, &created); err != nil || !tokenPattern.MatchString(created.Token+"\n") || created.Scope != "write" ||
				created.ExpiresAt.Sub(created.CreatedAt) != 7*24*time.Hour {
				t.Fatalf("created %s (%v)", resp.body, err)
			}
			keep(created.Token)
			list := apiCall(t, jar, http.MethodGet, base+"/api/v1/me/tokens", "", "", nil)
			requireStatus(t, list, http.StatusOK)
			if bytes.Contains(list.body, []byte(created.Token)) || bytes.Contains(list.body, []byte(`"token"`)) {
				t.Errorf("the list shows a secret: %s", list.body)
			}
			apiError(t, apiCall(t, jar, http.MethodPost, base+"/api/v1/me/tokens", "", `{"name":"x","expires_in_days":400}`, http.Header{"X-CSRF-Token": {csrf}}), http.StatusUnprocessableEntity, "invalid")
			apiError(t, apiCall(t, jar, http.MethodPost, base+"/api/v1/me/tokens", "", `{"name":"x","scope":"admin"}`, http.Header{"X-CSRF-Token": {csrf}}), http.StatusUnprocessableEntity, "invalid")
			// Administrators' lists are theirs alone.
			apiError(t, apiCall(t, c, http.MethodGet, base+"/api/v1/tokens", marcusRead, "", nil), http.StatusForbidden, "forbidden")
			var all struct {
				Items []struct {
					UserEmail string `json:"user_email"`
				}
			}
			getJSON(t, bearerAuth(c, adminWrite), base+"/api/v1/tokens?status=active&limit=500", &all)
			seen := map[string]bool{}
			for _, it := range all.Items {
				seen[it.UserEmail] = true
			}
			if !seen[marcus.Email] || !seen[admin.Email] {
				t.Errorf("the administrator's list covers %v", seen)
			}
		})

		t.Run("token list prints prefixes, never tokens", func(t *testing.T) {
			out, errOut, err := r.tokenCLI(t, "list", "--user", marcus.Email)
			if err != nil || !strings.Contains(out, "matter report") || !strings.Contains(out, marcusRead[:12]) || !strings.Contains(out, "revoked") || !strings.Contains(out, "expired") {
				t.Errorf("token list: %v\n%s\n%s", err, out, errOut)
			}
			out, _, err = r.tokenCLI(t, "list", "--user", marcus.Email, "--json")
			var lines []struct {
				Name   string
				Status string
			}
			if err != nil || json.Unmarshal([]byte(out), &lines) != nil || len(lines) < 4 {
				t.Errorf("token list --json: %v\n%s", err, out)
			}
			for _, s := range secrets {
				if strings.Contains(out, s) {
					t.Errorf("token list shows a token")
				}
			}
		})

		t.Run("tokens are stored only as hashes and never logged", func(t *testing.T) {
			s := openTestStore(t, r.DB, r.Data)
			rows, err := s.DB().Query(`SELECT name, scope, token_hash, prefix FROM api_tokens`)
			if err != nil {
				t.Fatal(err)
			}
			var stored []string
			for rows.Next() {
				var a, b, h, p string
				if err := rows.Scan(&a, &b, &h, &p); err != nil {
					t.Fatal(err)
				}
				stored = append(stored, a, b, h, p)
			}
			rows.Close()
			var summaries []string
			arows, err := s.DB().Query(`SELECT summary FROM audit_events WHERE action LIKE 'token.%'`)
			if err != nil {
				t.Fatal(err)
			}
			for arows.Next() {
				var sum string
				if err := arows.Scan(&sum); err != nil {
					t.Fatal(err)
				}
				summaries = append(summaries, sum)
			}
			arows.Close()
			if len(summaries) < len(secrets) {
				t.Errorf("%d token audit events for %d tokens", len(summaries), len(secrets))
			}
			var files [][]byte
			if r.DB == "" {
				for _, name := range []string{engine.SQLiteFile, engine.SQLiteFile + "-wal"} {
					b, err := os.ReadFile(filepath.Join(r.Data, name))
					if err != nil && !errors.Is(err, os.ErrNotExist) {
						t.Fatal(err)
					}
					files = append(files, b)
				}
				if len(files[0])+len(files[1]) == 0 {
					t.Fatal("no database file to scan")
				}
			}
			logs := r.Stderr.String() + r.Stdout.String()
			if !strings.Contains(logs, "level=DEBUG") && !strings.Contains(logs, "level=INFO") {
				t.Fatalf("the server logged nothing at info level; the check would prove nothing:\n%s", logs)
			}
			for _, secret := range secrets {
				body := secret[4:] // the random part, with or without prb_
				for _, v := range append(stored, summaries...) {
					if strings.Contains(v, body) {
						t.Errorf("a token is stored in clear: %q", v)
					}
				}
				for _, b := range files {
					if bytes.Contains(b, []byte(body)) {
						t.Errorf("a token is in the SQLite files")
					}
				}
				if strings.Contains(logs, body) {
					t.Errorf("a token is in the server's logs")
				}
			}
		})
	})
}

// signInWithCode signs in through the forms, entering a code from the
// account's authenticator when the second step asks for one.
func signInWithCode(tb testing.TB, c *http.Client, base string, acct demo.Account) {
	tb.Helper()
	loc := redirectTarget(tb, formSignIn(tb, c, base, acct.Email, demo.Password))
	if loc.Path == "/signin/mfa" {
		if acct.TOTPSecret == "" {
			tb.Fatalf("%s is asked for a code but has no authenticator", acct.Email)
		}
		doc := htmlOf(tb, httpGet(tb, c, base+loc.RequestURI()))
		form := url.Values{}
		for _, in := range htmlQueryAll(tb, doc, "form[action=/signin/mfa] input[type=hidden]") {
			form.Set(htmlAttr(in, "name"), htmlAttr(in, "value"))
		}
		form.Set("code", testenv.NewTOTP().Code(tb, acct.TOTPSecret))
		loc = redirectTarget(tb, httpPost(tb, c, base+"/signin/mfa", form))
	}
	if loc.Path != "/home" {
		tb.Fatalf("sign-in as %s ended at %s, want /home", acct.Email, loc)
	}
}

// bearerAuth is c sending token on every request.
func bearerAuth(c *http.Client, token string) *http.Client {
	cc := *c
	cc.Transport = bearerTransport{base: c.Transport, token: token}
	return &cc
}

type bearerTransport struct {
	base  http.RoundTripper
	token string
}

func (b bearerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return b.base.RoundTrip(r)
}

func TestAPIRateLimits(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		t.Run("per token", func(t *testing.T) {
			r := startServer(t, e, "--demo", "--api-token-rate", "1,3", "--api-address-rate", "0")
			c := bearerClient(t)
			one := r.createToken(t, demoAccountNamed(t, "Marcus Oyelaran").Email, "busy", "read")
			two := r.createToken(t, demoAccountNamed(t, "Marcus Oyelaran").Email, "quiet", "read")
			me := r.URL + "/api/v1/me"
			for i := range 3 {
				if resp := apiCall(t, c, http.MethodGet, me, one, "", nil); resp.StatusCode != http.StatusOK {
					t.Fatalf("request %d of the burst: %d", i+1, resp.StatusCode)
				}
			}
			resp := apiCall(t, c, http.MethodGet, me, one, "", nil)
			apiError(t, resp, http.StatusTooManyRequests, "too_many")
			wait, err := strconv.Atoi(resp.Header.Get("Retry-After"))
			if err != nil || wait < 1 || wait > 2 {
				t.Fatalf("Retry-After %q, want 1 or 2 seconds at 1 a second", resp.Header.Get("Retry-After"))
			}
			requireStatus(t, apiCall(t, c, http.MethodGet, me, two, "", nil), http.StatusOK)
			// Recovers once the bucket refills: wait as long as the server says, then retry.
			deadline := time.Now().Add(10 * time.Second)
			for {
				time.Sleep(time.Duration(wait) * time.Second)
				resp = apiCall(t, c, http.MethodGet, me, one, "", nil)
				if resp.StatusCode == http.StatusOK {
					break
				}
				if resp.StatusCode != http.StatusTooManyRequests || time.Now().After(deadline) {
					t.Fatalf("not recovered: %d", resp.StatusCode)
				}
				wait, _ = strconv.Atoi(resp.Header.Get("Retry-After"))
			}
		})
		t.Run("per address", func(t *testing.T) {
			r := startServer(t, e, "--api-address-rate", "1,4")
			c := bearerClient(t)
			for i := range 4 {
				if resp := apiCall(t, c, http.MethodGet, r.URL+"/api/v1/openapi.json", "", "", nil); resp.StatusCode != http.StatusOK {
					t.Fatalf("request %d of the burst: %d", i+1, resp.StatusCode)
				}
			}
			// Unknown tokens count too, so guessing is as slow as anything else.
			resp := apiCall(t, c, http.MethodGet, r.URL+"/api/v1/me", "prb_"+strings.Repeat("Q", 43), "", nil)
			apiError(t, resp, http.StatusTooManyRequests, "too_many")
			if resp.Header.Get("Retry-After") == "" {
				t.Error("429 without Retry-After")
			}
			// The HTML pages are not limited.
			requireStatus(t, httpGet(t, c, r.URL+"/signin"), http.StatusOK)
		})
	})
}

func TestTokenCommandUsage(t *testing.T) {
	dbURL, dir := testenv.Engines(t)[0].URL(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"token"}, "subcommand"},
		{[]string{"token", "create", "--name", "x"}, "--user"},
		{[]string{"token", "create", "--user", "a@b.example"}, "--name"},
		{[]string{"token", "create", "--user", "a@b.example", "--name", "x", "--expires-in", "soon"}, "--expires-in"},
		{[]string{"token", "list"}, "--user"},
		{[]string{"token", "revoke"}, "--id"},
		{[]string{"serve", "--api-token-rate", "fast"}, "--api-token-rate"},
		{[]string{"config", "--api-address-rate", "-1"}, "--api-address-rate"},
	} {
		out, errOut, err := runCLI(t, nil, "", append(tc.args, engineArgs(dbURL, dir)...)...)
		if exitStatus(err) != 2 || !strings.Contains(err.Error()+errOut, tc.want) || out != "" {
			t.Errorf("%v: exit %d, err %v, stdout %q; want exit 2 naming %s", tc.args, exitStatus(err), err, out, tc.want)
		}
	}
	for _, tc := range []struct {
		in   string
		want time.Duration
	}{{"90d", 90 * 24 * time.Hour}, {"1d", 24 * time.Hour}, {"36h", 36 * time.Hour}} {
		if got, err := parseLifetime(tc.in); err != nil || got != tc.want {
			t.Errorf("parseLifetime(%q) = %v, %v", tc.in, got, err)
		}
	}
	for _, bad := range []string{"0d", "-1d", "d", "1.5d", "0", "-3h", "x"} {
		if _, err := parseLifetime(bad); err == nil {
			t.Errorf("parseLifetime(%q) accepted", bad)
		}
	}
}
