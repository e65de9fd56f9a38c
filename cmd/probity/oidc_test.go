package main

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/probity/probity/internal/demo"
	"github.com/probity/probity/internal/testenv"
)

// idpUser is who signs in at the test identity provider next, and what its
// ID token will say. Zero values mean a well-formed token.
type idpUser struct {
	sub      string
	email    string
	verified bool
	amr      []string
	aud      string        // override the audience
	nonce    string        // override the nonce
	expires  time.Duration // lifetime from now; 0 means an hour
}

// testIdP is a real, small OpenID Connect provider: discovery, a JWKS with an
// RSA key, an authorisation endpoint that signs in whoever is set next and
// redirects back with a code, and a token endpoint that checks the client's
// secret and PKCE verifier and returns an RS256 ID token.
type testIdP struct {
	srv      *httptest.Server
	key      *rsa.PrivateKey
	clientID string
	secret   string

	mu     sync.Mutex
	next   idpUser
	grants map[string]idpGrant
}

type idpGrant struct {
	user      idpUser
	nonce     string
	challenge string
	redirect  string
}

func newTestIdP(tb testing.TB) *testIdP {
	tb.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		tb.Fatal(err)
	}
	p := &testIdP{key: key, clientID: "probity-test", secret: "idp-client-secret-" + strings.Repeat("x", 8), grants: map[string]idpGrant{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", p.discovery)
	mux.HandleFunc("GET /jwks", p.jwks)
	mux.HandleFunc("GET /authorize", p.authorize)
	mux.HandleFunc("POST /token", p.token)
	p.srv = httptest.NewServer(mux)
	tb.Cleanup(p.srv.Close)
	return p
}

func (p *testIdP) signInNext(u idpUser) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.next = u
}

func (p *testIdP) discovery(w http.ResponseWriter, r *http.Request) {
	u := p.srv.URL
	_ = json.NewEncoder(w).Encode(map[string]any{
		"issuer": u, "authorization_endpoint": u + "/authorize", "token_endpoint": u + "/token", "jwks_uri": u + "/jwks",
		"response_types_supported": []string{"code"}, "subject_types_supported": []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"}, "code_challenge_methods_supported": []string{"S256"},
	})
}

func (p *testIdP) jwks(w http.ResponseWriter, r *http.Request) {
	_ = json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &p.key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
}

func (p *testIdP) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("client_id") != p.clientID || q.Get("response_type") != "code" || q.Get("state") == "" || q.Get("nonce") == "" ||
		q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || !strings.Contains(q.Get("scope"), "openid") {
		http.Error(w, "bad authorisation request: "+r.URL.RawQuery, http.StatusBadRequest)
		return
	}
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	code := base64.RawURLEncoding.EncodeToString(b)
	p.mu.Lock()
	p.grants[code] = idpGrant{user: p.next, nonce: q.Get("nonce"), challenge: q.Get("code_challenge"), redirect: q.Get("redirect_uri")}
	p.mu.Unlock()
	back, _ := url.Parse(q.Get("redirect_uri"))
	v := url.Values{"code": {code}, "state": {q.Get("state")}}
	back.RawQuery = v.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

func (p *testIdP) token(w http.ResponseWriter, r *http.Request) {
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostFormValue("client_id"), r.PostFormValue("client_secret")
	}
	if id != p.clientID || secret != p.secret {
		http.Error(w, `{"error":"invalid_client"}`, http.StatusUnauthorized)
		return
	}
	p.mu.Lock()
	g, found := p.grants[r.PostFormValue("code")]
	delete(p.grants, r.PostFormValue("code"))
	p.mu.Unlock()
	sum := sha256.Sum256([]byte(r.PostFormValue("code_verifier")))
	if !found || r.PostFormValue("grant_type") != "authorization_code" || r.PostFormValue("redirect_uri") != g.redirect ||
		base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge {
		http.Error(w, `{"error":"invalid_grant"}`, http.StatusBadRequest)
		return
	}
	u := g.user
	now := time.Now()
	life := u.expires
	if life == 0 {
		life = time.Hour
	}
	claims := map[string]any{"iss": p.srv.URL, "sub": u.sub, "aud": p.clientID, "iat": now.Add(-2 * time.Hour).Unix(), "exp": now.Add(life).Unix(),
		"nonce": g.nonce, "email": u.email, "email_verified": u.verified}
	if u.aud != "" {
		claims["aud"] = u.aud
	}
	if u.nonce != "" {
		claims["nonce"] = u.nonce
	}
	if u.amr != nil {
		claims["amr"] = u.amr
	}
	payload, _ := json.Marshal(claims)
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: p.key, KeyID: "k1", Algorithm: "RS256", Use: "sig"}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	idToken, _ := jws.CompactSerialize()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"access_token": "at-" + u.sub, "token_type": "Bearer", "expires_in": 3600, "id_token": idToken})
}

// publicURL stands for the address people reach Probity at; the test plays
// the reverse proxy in front of it, passing the provider's redirect on to
// the server it started.
const publicURL = "https://probity.example.test"

// oidcSignIn goes through the whole flow as a browser would and returns the
// callback's reply.
func oidcSignIn(tb testing.TB, c *http.Client, base, next string) httpReply {
	tb.Helper()
	start := base + "/auth/oidc/start"
	if next != "" {
		start += "?next=" + url.QueryEscape(next)
	}
	r := httpGet(tb, c, start)
	requireStatus(tb, r, http.StatusSeeOther)
	ck := setCookieNamed(r, "probity_oidc")
	if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.MaxAge <= 0 || ck.MaxAge > 900 || ck.Path != "/auth/oidc/" {
		tb.Fatalf("the flow cookie is %+v, want HttpOnly, SameSite=Lax, short-lived, for /auth/oidc/ only", ck)
	}
	// The provider is not Probity: its answers are not held to Probity's headers.
	atIdP := httpGet(tb, newClient(tb), r.Header.Get("Location"))
	if atIdP.StatusCode != http.StatusFound {
		tb.Fatalf("the provider refused the request: %d %s", atIdP.StatusCode, atIdP.body)
	}
	back, err := url.Parse(atIdP.Header.Get("Location"))
	if err != nil || !strings.HasPrefix(back.String(), publicURL+"/auth/oidc/callback?") {
		tb.Fatalf("the provider sends the browser to %s, want %s/auth/oidc/callback", back, publicURL)
	}
	return httpGet(tb, c, base+back.RequestURI())
}

// TestOIDCSignIn signs firm users in with a real (test) OpenID Connect
// provider, and refuses every answer it should: the wrong audience, a nonce
// from elsewhere, an expired token, an email nobody has, a vendor's or an
// unverified email, and a state that did not start here.
func TestOIDCSignIn(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		idp := newTestIdP(t)
		srv := startServer(t, e, "--demo", "--log-level", "debug", "--oidc-issuer", idp.srv.URL, "--oidc-client-id", idp.clientID,
			"--oidc-client-secret", idp.secret, "--public-url", publicURL)
		base := srv.URL
		marcus := demoAccountNamed(t, "Marcus Oyelaran")
		eleanor := demoAccountNamed(t, "Eleanor Hartwell")

		t.Run("the sign-in page offers it", func(t *testing.T) {
			r := httpGet(t, httpClient(t), base+"/signin?next=/matters")
			requireStatus(t, r, http.StatusOK)
			a := htmlQueryOne(t, htmlOf(t, r), "a#sso")
			if href := htmlAttr(a, "href"); href != "/auth/oidc/start?next=%2fmatters" && href != "/auth/oidc/start?next=%2Fmatters" {
				t.Errorf("SSO link %q", href)
			}
		})

		t.Run("a firm user, first by verified email, then by subject", func(t *testing.T) {
			c := httpClient(t)
			idp.signInNext(idpUser{sub: "marcus-1", email: strings.ToUpper(marcus.Email), verified: true})
			r := oidcSignIn(t, c, base, "/matters")
			if loc := redirectTarget(t, r); loc.String() != "/matters" {
				t.Fatalf("after the provider: %s, want /matters", loc)
			}
			ck := setCookieNamed(r, "probity_session")
			if ck == nil || !ck.HttpOnly {
				t.Fatalf("no session cookie")
			}
			var me struct{ Email string }
			getJSON(t, c, base+"/api/v1/me", &me)
			if me.Email != marcus.Email {
				t.Errorf("signed in as %s", me.Email)
			}
			var ss struct {
				Items []struct {
					Method  string
					MFA     bool
					Current bool
				}
			}
			getJSON(t, c, base+"/api/v1/me/sessions", &ss)
			for _, s := range ss.Items {
				if s.Current && (s.Method != "oidc" || s.MFA) {
					t.Errorf("session %+v, want method oidc without a second factor", s)
				}
			}
			// Linked now: the same subject signs in even with another email.
			c2 := httpClient(t)
			idp.signInNext(idpUser{sub: "marcus-1", email: "m.oyelaran@elsewhere.example", verified: false})
			if loc := redirectTarget(t, oidcSignIn(t, c2, base, "")); loc.Path != "/home" {
				t.Fatalf("linked subject: %s", loc)
			}
			getJSON(t, c2, base+"/api/v1/me", &me)
			if me.Email != marcus.Email {
				t.Errorf("linked subject signed in as %s", me.Email)
			}
			// A session token is new at every sign-in.
			if setCookieNamed(r, "probity_session").Value == jarValue(t, c2, base, "probity_session") {
				t.Errorf("two sign-ins share a session token")
			}
		})

		t.Run("an authenticator still asks for its code, unless the provider did MFA", func(t *testing.T) {
			c := httpClient(t)
			idp.signInNext(idpUser{sub: "eleanor-1", email: eleanor.Email, verified: true, amr: []string{"pwd"}})
			loc := redirectTarget(t, oidcSignIn(t, c, base, ""))
			if loc.Path != "/signin/mfa" {
				t.Fatalf("without MFA at the provider: %s, want /signin/mfa", loc)
			}
			requireStatus(t, httpGet(t, c, base+"/api/v1/me"), http.StatusUnauthorized)
			if got := redirectTarget(t, formSecondFactor(t, c, base, loc.RequestURI(), totpCode(t, base, eleanor.TOTPSecret))); got.Path != "/home" {
				t.Fatalf("after the code: %s", got)
			}
			c2 := httpClient(t)
			idp.signInNext(idpUser{sub: "eleanor-1", email: eleanor.Email, verified: true, amr: []string{"pwd", "mfa"}})
			if loc := redirectTarget(t, oidcSignIn(t, c2, base, "")); loc.Path != "/home" {
				t.Fatalf("with MFA at the provider: %s, want /home", loc)
			}
			ardent := matterIDByNumber(t, c2, base, "2026-0177")
			requireStatus(t, httpGet(t, c2, base+"/api/v1/matters/"+strconv.FormatInt(ardent, 10)), http.StatusOK)
		})

		for _, tc := range []struct {
			name   string
			user   idpUser
			status int
			says   string
		}{
			{"wrong audience", idpUser{sub: "m", email: marcus.Email, verified: true, aud: "some-other-app"}, 401, "could not be verified"},
			{"nonce from another sign-in", idpUser{sub: "m", email: marcus.Email, verified: true, nonce: "not-the-nonce"}, 401, "could not be verified"},
			{"expired token", idpUser{sub: "m", email: marcus.Email, verified: true, expires: -time.Minute}, 401, "could not be verified"},
			{"unknown email", idpUser{sub: "stranger", email: "stranger@hartwellcrane.example", verified: true}, 401, "No Probity account uses stranger@hartwellcrane.example"},
			{"a vendor's email", idpUser{sub: "anika", email: demoAccountNamed(t, "Anika Deshmukh").Email, verified: true, amr: []string{"mfa"}}, 401, "only for the firm's own people"},
			{"a client's email", idpUser{sub: "victor", email: demoAccountNamed(t, "Victor Lin").Email, verified: true}, 401, "only for the firm's own people"},
			{"an unverified email", idpUser{sub: "priya-x", email: demoAccountNamed(t, "Priya Raman").Email, verified: false}, 401, "not verified"},
		} {
			t.Run("refused: "+tc.name, func(t *testing.T) {
				c := httpClient(t)
				idp.signInNext(tc.user)
				r := oidcSignIn(t, c, base, "")
				requireStatus(t, r, tc.status)
				if msg := htmlText(htmlQueryOne(t, htmlOf(t, r), "#signin-error[role=alert]")); !strings.Contains(msg, tc.says) {
					t.Errorf("message %q, want it to say %q", msg, tc.says)
				}
				if ck := setCookieNamed(r, "probity_session"); ck != nil && ck.Value != "" {
					t.Errorf("a refused sign-in set a session cookie")
				}
				if loc := redirectTarget(t, httpGet(t, c, base+"/home")); loc.Path != "/signin" {
					t.Errorf("/home after a refused sign-in: %s", loc)
				}
			})
		}

		t.Run("refused: a state that did not start here", func(t *testing.T) {
			c := httpClient(t)
			idp.signInNext(idpUser{sub: "marcus-1", email: marcus.Email, verified: true})
			r := httpGet(t, c, base+"/auth/oidc/start")
			requireStatus(t, r, http.StatusSeeOther)
			back, _ := url.Parse(httpGet(t, newClient(t), r.Header.Get("Location")).Header.Get("Location"))
			q := back.Query()
			q.Set("state", "forged")
			r = httpGet(t, c, base+"/auth/oidc/callback?"+q.Encode())
			requireStatus(t, r, http.StatusBadRequest)
			// Nor without the browser's cookie (another browser got the link).
			other := httpClient(t)
			r = httpGet(t, other, base+back.RequestURI())
			requireStatus(t, r, http.StatusBadRequest)
			requireStatus(t, httpGet(t, other, base+"/api/v1/me"), http.StatusUnauthorized)
		})

		t.Run("nothing secret in the log", func(t *testing.T) {
			if err := srv.Stop(); err != nil {
				t.Fatal(err)
			}
			logs := srv.Stderr.String()
			for _, s := range []string{idp.secret, demo.Password, eleanor.TOTPSecret} {
				if strings.Contains(logs, s) {
					t.Errorf("the log contains %q", s)
				}
			}
			if strings.Contains(logs, "code=") {
				t.Errorf("the log contains an authorisation code parameter")
			}
		})
	})
}

// TestOIDCConfiguration: the client secret is never printed, may come from a
// file, and a half-configured provider is refused with a clear message.
func TestOIDCConfiguration(t *testing.T) {
	const secret = "oidc-client-secret-never-shown"
	file := t.TempDir() + "/oidc-secret"
	if err := os.WriteFile(file, []byte(secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	full := []string{"--oidc-issuer", "https://login.example.com/tenant", "--oidc-client-id", "probity", "--public-url", "https://probity.example.com"}
	for _, tc := range []struct {
		name   string
		env    map[string]string
		args   []string
		source string
	}{
		{"flag", nil, append(slices.Clone(full), "--oidc-client-secret", secret), "flag --oidc-client-secret"},
		{"env", map[string]string{"PROBITY_OIDC_CLIENT_SECRET": secret}, full, "env PROBITY_OIDC_CLIENT_SECRET"},
		{"file", map[string]string{"PROBITY_OIDC_CLIENT_SECRET_FILE": file}, full, "file PROBITY_OIDC_CLIENT_SECRET_FILE"},
	} {
		t.Run("secret masked from "+tc.name, func(t *testing.T) {
			out, errOut, err := runCLI(t, tc.env, "", append([]string{"config"}, tc.args...)...)
			if err != nil {
				t.Fatalf("config: %v\n%s", err, errOut)
			}
			if strings.Contains(out+errOut, secret) {
				t.Fatalf("config printed the client secret:\n%s", out)
			}
			got := parseConfig(t, out)
			if s := got["oidc-client-secret"]; s.value != "*****" || s.source != tc.source {
				t.Errorf("oidc-client-secret = %+v, want ***** from %s", s, tc.source)
			}
			if got["oidc-issuer"].value != "https://login.example.com/tenant" || got["public-url"].value != "https://probity.example.com" {
				t.Errorf("issuer %q public URL %q", got["oidc-issuer"].value, got["public-url"].value)
			}
		})
	}
	for _, tc := range []struct {
		args []string
		says string
	}{
		{[]string{"--oidc-issuer", "https://login.example.com"}, "--oidc-client-id"},
		{[]string{"--oidc-client-id", "probity"}, "--oidc-issuer"},
		{[]string{"--oidc-issuer", "https://login.example.com", "--oidc-client-id", "probity"}, "--public-url"},
		{[]string{"--oidc-issuer", "http://login.example.com", "--oidc-client-id", "probity", "--public-url", "https://p.example.com"}, "https://"},
		{[]string{"--public-url", "probity.example.com"}, "--public-url"},
	} {
		_, errOut, err := runCLI(t, nil, "", append([]string{"config"}, tc.args...)...)
		if err == nil || exitStatus(err) != 2 || !strings.Contains(describe(err), tc.says) {
			t.Errorf("config %v: %v (exit %d) %s, want a usage error naming %s", tc.args, err, exitStatus(err), errOut, tc.says)
		}
	}
}

// TestDemoPrintsAuthenticatorKeys: `probity demo` gives the fixed keys of the
// accounts that use an authenticator, in JSON and in the table.
func TestDemoPrintsAuthenticatorKeys(t *testing.T) {
	dir := t.TempDir()
	out, errOut, err := runCLI(t, nil, "", "demo", "--json", "--data", dir)
	if err != nil {
		t.Fatalf("demo --json: %v\n%s", err, errOut)
	}
	var accounts []struct {
		Name       string
		Role       string
		TOTPSecret string `json:"totp_secret"`
	}
	if err := json.Unmarshal([]byte(out), &accounts); err != nil {
		t.Fatal(err)
	}
	with := map[string]bool{}
	for _, a := range accounts {
		if a.TOTPSecret != "" {
			with[a.Name] = true
			if len(a.TOTPSecret) != 32 {
				t.Errorf("%s: key %q", a.Name, a.TOTPSecret)
			}
		}
		if (a.Role == "firm_admin" || a.Role == "vendor_manager") && a.TOTPSecret == "" {
			t.Errorf("%s (%s) has no authenticator key; the default policy requires one", a.Name, a.Role)
		}
	}
	for _, n := range []string{"Eleanor Hartwell", "Anika Deshmukh", "Rohan Kulkarni", "Victor Lin", "Oliver Bennett", "Maria Santos", "Jose Reyes", "Thomas Walsh"} {
		if !with[n] {
			t.Errorf("%s has no authenticator key", n)
		}
	}
	if with["Marcus Oyelaran"] || with["Meera Iyer"] {
		t.Errorf("Marcus and Meera should have none (Meera shows setting one up)")
	}
	table, _, err := runCLI(t, nil, "", "demo", "--data", dir)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(table, "AUTHENTICATOR KEY") || !strings.Contains(table, demoSecret("victor.lin@ardentbio.example")) {
		t.Errorf("the table does not show the keys:\n%s", table)
	}
}
