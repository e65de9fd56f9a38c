package web

import (
	"net/http"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
)

type signInView struct {
	Email string
	Next  string
	Error string
	Field string
	OIDC  bool // offer the firm's identity provider
}

func (h *Handler) signInPage(w http.ResponseWriter, r *http.Request) {
	if _, ok := httpx.User(r); ok {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	h.render(w, r, "signin", "Sign in", signInView{Next: r.URL.Query().Get("next"), OIDC: h.app.OIDCEnabled()})
}

func (h *Handler) signIn(w http.ResponseWriter, r *http.Request) {
	email, password, next := r.PostFormValue("email"), r.PostFormValue("password"), r.PostFormValue("next")
	res, err := h.app.StartSignIn(r.Context(), app.SignInRequest{Email: email, Password: password,
		Address: httpx.ClientAddress(r), UserAgent: r.UserAgent()})
	if err != nil {
		httpx.LogIfInternal(r, err)
		code := domain.ErrorCode(err)
		if code == domain.EInternal || code == domain.EUnavailable {
			h.Error(w, r, err)
			return
		}
		h.renderStatus(w, r, httpx.Status(code), "signin", "Sign in", signInView{Email: email, Next: next,
			Error: domain.ErrorMessage(err), Field: domain.ErrorField(err), OIDC: h.app.OIDCEnabled()})
		return
	}
	// A new session gets a new CSRF token too.
	old := httpx.SessionToken(r)
	if old != "" {
		_ = h.app.SignOut(r.Context(), old)
	}
	h.cookies.Set(w, httpx.SessionCookie, res.Token, 0)
	h.cookies.NewCSRF(w, r)
	stepRedirect(w, r, res.Step, next)
}

func (h *Handler) signOut(w http.ResponseWriter, r *http.Request) {
	if err := h.app.SignOut(r.Context(), httpx.SessionToken(r)); err != nil {
		h.Error(w, r, err)
		return
	}
	h.cookies.Set(w, httpx.SessionCookie, "", -1)
	h.cookies.NewCSRF(w, r)
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
}
