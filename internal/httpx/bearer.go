package httpx

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/probity/probity/internal/domain"
)

type apiTokenKey struct{}

// APIToken returns the API token the request authenticated with, if it did.
func APIToken(r *http.Request) (domain.APIToken, bool) {
	t, ok := r.Context().Value(apiTokenKey{}).(domain.APIToken)
	return t, ok
}

// TokenAuthenticator resolves an API token to its user and the token.
type TokenAuthenticator func(ctx context.Context, token string) (domain.User, domain.APIToken, error)

// bearerToken returns what follows the Bearer scheme (case-insensitive, as
// RFC 6750 has it) of the Authorization header; ok is false for any other
// scheme or no header.
func bearerToken(r *http.Request) (token string, ok bool) {
	scheme, rest, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	return strings.TrimSpace(rest), true
}

// hasCookies reports whether the request carries any Cookie header.
func hasCookies(r *http.Request) bool {
	_, ok := r.Header["Cookie"]
	return ok
}

// errCookieAndBearer refuses a request that carries both cookies and a bearer
// token: which of the two it means to authenticate with is ambiguous, and
// cookies would put it under the browser's rules (CSRF).
var errCookieAndBearer = domain.Errorf(domain.EUnauthorized,
	"This request carries both cookies and an Authorization: Bearer token. Send the API token without cookies (or sign in with the browser session alone).")

// errNotBearer refuses an Authorization header the API does not accept.
var errNotBearer = domain.Errorf(domain.EUnauthorized,
	"The API accepts one Authorization header, with the Bearer scheme and an API token: Authorization: Bearer prb_…")

// authorizationMistake explains why a request that carries an Authorization
// header failed the CSRF check, which it only can when it is no clean bearer
// request; nil when it carries no such header.
func authorizationMistake(w http.ResponseWriter, r *http.Request) error {
	if len(r.Header.Values("Authorization")) == 0 {
		return nil
	}
	if _, ok := bearerToken(r); ok && hasCookies(r) {
		return errCookieAndBearer
	}
	w.Header().Set("WWW-Authenticate", `Bearer realm="probity"`)
	return errNotBearer
}

// Bearer authenticates API requests under prefix that carry an
// `Authorization: Bearer <token>` header. Elsewhere (the HTML pages) the
// header is ignored, so a token can never act in the web UI.
//
// It refuses, in the API's JSON error shape: a request with cookies as well
// (401); a header with another scheme or more than one Authorization header
// (401); a token that authenticate refuses (401, one message whatever the
// reason); more requests than perToken allows (429 with Retry-After); and an
// unsafe method with a read-only token (403). Otherwise the token's user is
// the request's user, and APIToken returns the token.
func Bearer(prefix string, authenticate TokenAuthenticator, perToken *Limiter) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			values := r.Header.Values("Authorization")
			if len(values) == 0 || !strings.HasPrefix(r.URL.Path, prefix) {
				next.ServeHTTP(w, r)
				return
			}
			w.Header().Set("Cache-Control", "no-store")
			if hasCookies(r) {
				WriteJSONError(w, r, errCookieAndBearer)
				return
			}
			token, ok := bearerToken(r)
			if !ok || len(values) > 1 {
				w.Header().Set("WWW-Authenticate", `Bearer realm="probity"`)
				WriteJSONError(w, r, errNotBearer)
				return
			}
			u, t, err := authenticate(r.Context(), token)
			if err != nil {
				if domain.ErrorCode(err) == domain.EUnauthorized {
					w.Header().Set("WWW-Authenticate", `Bearer realm="probity", error="invalid_token"`)
				}
				WriteJSONError(w, r, err)
				return
			}
			if ok, wait := perToken.Allow("token:" + strconv.FormatInt(t.ID, 10)); !ok {
				TooMany(w, r, wait, "with this API token")
				return
			}
			if t.Scope != domain.TokenWrite && unsafeMethod(r.Method) {
				w.Header().Set("WWW-Authenticate", `Bearer realm="probity", error="insufficient_scope"`)
				WriteJSONError(w, r, domain.Errorf(domain.EForbidden, "this token is read-only: it may only read (GET). Create a token with the write scope to make changes."))
				return
			}
			ctx := context.WithValue(WithUser(r.Context(), u), apiTokenKey{}, t)
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}
