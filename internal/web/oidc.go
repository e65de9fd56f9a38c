package web

import (
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"strings"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/auth"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
)

// oidcCookie keeps state, nonce, PKCE verifier and where to go afterwards
// while the browser is at the identity provider: HttpOnly, ten minutes, and
// sent only to the callback. SameSite=Lax lets it come back with the
// provider's top-level redirect.
const (
	oidcCookie     = "probity_oidc"
	oidcCookiePath = "/auth/oidc/"
	oidcCookieAge  = 600
)

// oidcStart sends the browser to the firm's identity provider.
func (h *Handler) oidcStart(w http.ResponseWriter, r *http.Request) {
	f := auth.NewOIDCFlow()
	u, err := h.app.OIDCAuthURL(r.Context(), f)
	if err != nil {
		h.Error(w, r, err)
		return
	}
	next := safeNext(r.URL.Query().Get("next"))
	val := strings.Join([]string{f.State, f.Nonce, f.Verifier, base64.RawURLEncoding.EncodeToString([]byte(next))}, "|")
	http.SetCookie(w, &http.Cookie{Name: oidcCookie, Value: val, Path: oidcCookiePath, MaxAge: oidcCookieAge,
		HttpOnly: true, Secure: h.cookies.Secure, SameSite: http.SameSiteLaxMode})
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, u, http.StatusSeeOther)
}

// oidcCallback finishes signing in when the provider sends the browser back.
func (h *Handler) oidcCallback(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	http.SetCookie(w, &http.Cookie{Name: oidcCookie, Value: "", Path: oidcCookiePath, MaxAge: -1, HttpOnly: true, Secure: h.cookies.Secure, SameSite: http.SameSiteLaxMode})
	fail := func(status int, msg string) {
		h.renderStatus(w, r, status, "signin", "Sign in", signInView{Error: msg, OIDC: h.app.OIDCEnabled()})
	}
	ck, err := r.Cookie(oidcCookie)
	parts := []string{}
	if err == nil {
		parts = strings.SplitN(ck.Value, "|", 4)
	}
	q := r.URL.Query()
	if len(parts) != 4 || q.Get("state") == "" || subtle.ConstantTimeCompare([]byte(parts[0]), []byte(q.Get("state"))) != 1 {
		fail(http.StatusBadRequest, "This sign-in did not start here, or took too long. Start again with the button below.")
		return
	}
	if e := q.Get("error"); e != "" {
		fail(http.StatusUnauthorized, "Your identity provider did not sign you in ("+trimTo(e, 60)+"). Try again, or sign in with your email and password.")
		return
	}
	res, err := h.app.SignInWithOIDC(r.Context(), app.OIDCSignIn{Code: q.Get("code"), Flow: auth.OIDCFlow{State: parts[0], Nonce: parts[1], Verifier: parts[2]},
		Address: httpx.ClientAddress(r), UserAgent: r.UserAgent()})
	if err != nil {
		httpx.LogIfInternal(r, err)
		code := domain.ErrorCode(err)
		if code == domain.EInternal {
			h.Error(w, r, err)
			return
		}
		fail(httpx.Status(code), domain.ErrorMessage(err))
		return
	}
	if old := httpx.SessionToken(r); old != "" {
		_ = h.app.SignOut(r.Context(), old)
	}
	h.cookies.Set(w, httpx.SessionCookie, res.Token, 0)
	h.cookies.NewCSRF(w, r)
	next, _ := base64.RawURLEncoding.DecodeString(parts[3])
	stepRedirect(w, r, res.Step, string(next))
}

func trimTo(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
	if len(s) > n {
		return s[:n]
	}
	return s
}
