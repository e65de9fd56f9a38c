package httpx

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/domain"
)

const (
	readToken  = "prb_rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr"
	writeToken = "prb_wwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwww"
)

// fakeTokens authenticates the two tokens above and nothing else.
func fakeTokens(calls *int) TokenAuthenticator {
	return func(ctx context.Context, token string) (domain.User, domain.APIToken, error) {
		*calls++
		switch token {
		case readToken:
			return domain.User{ID: 7, Name: "Reader"}, domain.APIToken{ID: 1, UserID: 7, Scope: domain.TokenRead}, nil
		case writeToken:
			return domain.User{ID: 8, Name: "Writer"}, domain.APIToken{ID: 2, UserID: 8, Scope: domain.TokenWrite}, nil
		}
		return domain.User{}, domain.APIToken{}, domain.Errorf(domain.EUnauthorized, "The API token is not valid.")
	}
}

// bearerStack is CSRF, then Bearer, then a handler that reports who it saw.
func bearerStack(calls *int, perToken *Limiter) http.Handler {
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, ok := User(r)
		t, viaToken := APIToken(r)
		WriteJSON(w, http.StatusOK, map[string]any{"user": u.ID, "signed_in": ok, "token": t.ID, "via_token": viaToken})
	})
	onFail := func(w http.ResponseWriter, r *http.Request, err error) { WriteJSONError(w, r, err) }
	return Chain(inner, CSRF(Cookies{}, onFail), Bearer("/api/v1/", fakeTokens(calls), perToken))
}

type seen struct {
	User     int64 `json:"user"`
	SignedIn bool  `json:"signed_in"`
	Token    int64 `json:"token"`
	ViaToken bool  `json:"via_token"`
}

func serve(h http.Handler, method, path string, header http.Header) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, path, nil)
	for k, v := range header {
		r.Header[k] = v
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func errorOf(t *testing.T, w *httptest.ResponseRecorder) ErrorBody {
	t.Helper()
	var b ErrorBody
	if err := json.Unmarshal(w.Body.Bytes(), &b); err != nil || b.Error.Code == "" || b.Error.Message == "" {
		t.Fatalf("not the JSON error shape: %s (%v)", w.Body, err)
	}
	return b
}

func TestBearerAuthenticates(t *testing.T) {
	calls := 0
	h := bearerStack(&calls, nil)
	for _, tc := range []struct {
		method, token string
		user          int64
	}{
		{http.MethodGet, readToken, 7},
		{http.MethodHead, readToken, 7},
		{http.MethodGet, writeToken, 8},
		{http.MethodPost, writeToken, 8},
		{http.MethodDelete, writeToken, 8},
	} {
		w := serve(h, tc.method, "/api/v1/me", http.Header{"Authorization": {"Bearer " + tc.token}})
		if w.Code != http.StatusOK {
			t.Fatalf("%s with a good token: %d %s", tc.method, w.Code, w.Body)
		}
		if tc.method == http.MethodHead {
			continue
		}
		var s seen
		_ = json.Unmarshal(w.Body.Bytes(), &s)
		if s.User != tc.user || !s.ViaToken {
			t.Errorf("%s: handler saw %+v, want user %d via a token", tc.method, s, tc.user)
		}
		if len(w.Result().Cookies()) != 0 {
			t.Errorf("%s: a bearer request was given cookies %v", tc.method, w.Result().Cookies())
		}
	}
	// The scheme is case-insensitive (RFC 6750).
	if w := serve(h, http.MethodPost, "/api/v1/users", http.Header{"Authorization": {"bearer " + writeToken}}); w.Code != http.StatusOK {
		t.Errorf("lower-case scheme: %d %s", w.Code, w.Body)
	}
}

func TestBearerReadOnly(t *testing.T) {
	calls := 0
	h := bearerStack(&calls, nil)
	for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		w := serve(h, m, "/api/v1/users", http.Header{"Authorization": {"Bearer " + readToken}})
		if w.Code != http.StatusForbidden {
			t.Fatalf("%s with a read token: %d, want 403", m, w.Code)
		}
		if e := errorOf(t, w); e.Error.Code != "forbidden" || !strings.Contains(e.Error.Message, "read-only") {
			t.Errorf("%s: %+v", m, e.Error)
		}
	}
}

func TestBearerRefusals(t *testing.T) {
	calls := 0
	h := bearerStack(&calls, nil)
	bad := []http.Header{
		{"Authorization": {"Bearer"}},
		{"Authorization": {"Bearer "}},
		{"Authorization": {"Bearer x"}},
		{"Authorization": {"Bearer prb_unknownunknownunknownunknownunknownunknown"}},
		{"Authorization": {"Bearer " + strings.Repeat("A", 10<<10)}},
		{"Authorization": {"Basic dXNlcjpwYXNz"}},
		{"Authorization": {"Token " + writeToken}},
		{"Authorization": {"Bearer " + writeToken, "Bearer " + readToken}},
	}
	for _, hdr := range bad {
		for _, m := range []string{http.MethodGet, http.MethodPost} {
			w := serve(h, m, "/api/v1/me", hdr)
			if w.Code != http.StatusUnauthorized {
				t.Errorf("%s %.40q: %d, want 401", m, hdr["Authorization"], w.Code)
				continue
			}
			if e := errorOf(t, w); e.Error.Code != "unauthorized" {
				t.Errorf("%s %.40q: code %q", m, hdr["Authorization"], e.Error.Code)
			}
			if !strings.HasPrefix(w.Header().Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("%s %.40q: WWW-Authenticate %q", m, hdr["Authorization"], w.Header().Get("WWW-Authenticate"))
			}
		}
	}
}

func TestBearerWithCookiesIsRefused(t *testing.T) {
	calls := 0
	h := bearerStack(&calls, nil)
	csrf := strings.Repeat("c", 64)
	for _, tc := range []struct {
		name   string
		method string
		header http.Header
	}{
		{"GET with a session cookie", http.MethodGet, http.Header{"Cookie": {SessionCookie + "=abc"}}},
		{"GET with only the CSRF cookie", http.MethodGet, http.Header{"Cookie": {CSRFCookie + "=" + csrf}}},
		{"POST with cookies and no CSRF token", http.MethodPost, http.Header{"Cookie": {SessionCookie + "=abc; " + CSRFCookie + "=" + csrf}}},
		{"POST with cookies and a good CSRF token", http.MethodPost, http.Header{"Cookie": {SessionCookie + "=abc; " + CSRFCookie + "=" + csrf}, CSRFHeader: {csrf}}},
		{"POST with an empty Cookie header", http.MethodPost, http.Header{"Cookie": {""}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.header.Set("Authorization", "Bearer "+writeToken)
			before := calls
			w := serve(h, tc.method, "/api/v1/users", tc.header)
			if w.Code != http.StatusUnauthorized {
				t.Fatalf("%d, want 401: %s", w.Code, w.Body)
			}
			if e := errorOf(t, w); !strings.Contains(e.Error.Message, "both cookies and an Authorization: Bearer token") {
				t.Errorf("message %q does not say why", e.Error.Message)
			}
			if calls != before {
				t.Errorf("the token was looked up although the request was refused")
			}
		})
	}
}

func TestBearerCSRFExemption(t *testing.T) {
	r := httptest.NewRequest(http.MethodPost, "/api/v1/users", nil)
	r.Header.Set("Authorization", "Bearer "+writeToken)
	if !bearer(r) {
		t.Error("a bearer request without cookies is not exempt from CSRF")
	}
	r.Header.Set("Cookie", CSRFCookie+"="+strings.Repeat("c", 64))
	if bearer(r) {
		t.Error("a bearer request with cookies is exempt from CSRF")
	}
	r.Header["Cookie"] = []string{""}
	if bearer(r) {
		t.Error("a bearer request with an empty Cookie header is exempt from CSRF")
	}
	r = httptest.NewRequest(http.MethodPost, "/api/v1/users", nil)
	r.Header.Set("Authorization", "Basic dXNlcjpwYXNz")
	if bearer(r) {
		t.Error("Basic credentials (which browsers send by themselves) are exempt from CSRF")
	}
}

func TestBearerIgnoredOutsideTheAPI(t *testing.T) {
	calls := 0
	h := bearerStack(&calls, nil)
	for _, path := range []string{"/home", "/account/tokens", "/api/v2/me", "/api/v1"} {
		w := serve(h, http.MethodGet, path, http.Header{"Authorization": {"Bearer " + writeToken}})
		var s seen
		_ = json.Unmarshal(w.Body.Bytes(), &s)
		if w.Code != http.StatusOK || s.SignedIn || s.ViaToken {
			t.Errorf("GET %s with a bearer token: %d, handler saw %+v; want no user", path, w.Code, s)
		}
	}
	if calls != 0 {
		t.Errorf("tokens were looked up %d times outside the API", calls)
	}
}

func TestBearerPerTokenLimit(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 3, 17, 9, 0, 0, 0, time.UTC)}
	calls := 0
	h := bearerStack(&calls, NewLimiter(Rate{PerSecond: 0.5, Burst: 2}, clock.now))
	get := func(token string) *httptest.ResponseRecorder {
		return serve(h, http.MethodGet, "/api/v1/me", http.Header{"Authorization": {"Bearer " + token}})
	}
	for range 2 {
		if w := get(readToken); w.Code != http.StatusOK {
			t.Fatalf("within the burst: %d", w.Code)
		}
	}
	w := get(readToken)
	if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") != "2" {
		t.Fatalf("after the burst: %d Retry-After %q, want 429 and 2", w.Code, w.Header().Get("Retry-After"))
	}
	if e := errorOf(t, w); e.Error.Code != "too_many" {
		t.Errorf("code %q", e.Error.Code)
	}
	if w := get(writeToken); w.Code != http.StatusOK {
		t.Errorf("another token was limited: %d", w.Code)
	}
	clock.t = clock.t.Add(2 * time.Second)
	if w := get(readToken); w.Code != http.StatusOK {
		t.Errorf("not recovered after Retry-After: %d", w.Code)
	}
}
