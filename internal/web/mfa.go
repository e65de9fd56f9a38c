package web

import (
	"encoding/base64"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
)

// StepURL is the page of a sign-in step.
func StepURL(s domain.SignInStep) string {
	if s == domain.StepEnrol {
		return "/account/mfa"
	}
	return "/signin/mfa"
}

// AllowedWhileSigningIn reports whether a session that still owes a sign-in
// step may reach r: the page of its step, signing out or in afresh, and the
// static files those pages use. Everything else sends it to its step.
func (h *Handler) AllowedWhileSigningIn(r *http.Request) bool {
	s, _ := httpx.Session(r)
	p := r.URL.Path
	switch {
	case strings.HasPrefix(p, "/static/"):
		return true
	case r.Method == http.MethodPost && (p == "/signout" || p == "/signin"):
		return true
	case strings.HasPrefix(p, "/auth/oidc/"):
		return true
	case s.Step == domain.StepCode:
		return p == "/signin/mfa"
	case s.Step == domain.StepEnrol:
		return p == "/account/mfa"
	}
	return false
}

// stepRedirect sends the browser to the step a new session owes, or on.
func stepRedirect(w http.ResponseWriter, r *http.Request, step domain.SignInStep, next string) {
	if step == domain.StepNone {
		http.Redirect(w, r, safeNext(next), http.StatusSeeOther)
		return
	}
	target := StepURL(step)
	if n := safeNext(next); n != "/home" {
		target += "?next=" + url.QueryEscape(n)
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

type codeView struct {
	Name    string // who is signing in
	Next    string
	Error   string
	StepUp  bool // already signed in; proving the second factor for something that needs it
	Enrol   bool // the user has no authenticator yet
	Pending bool
}

// signInCodePage asks for the second factor: the step after the password, or
// a step up for a session that has not passed one.
func (h *Handler) signInCodePage(w http.ResponseWriter, r *http.Request) {
	s, ok := httpx.Session(r)
	if !ok {
		http.Redirect(w, r, "/signin", http.StatusSeeOther)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	next := r.URL.Query().Get("next")
	if s.Step == domain.StepNone && s.MFA() {
		http.Redirect(w, r, safeNext(next), http.StatusSeeOther)
		return
	}
	st, err := h.app.MFAStatus(r.Context(), s.User)
	if err != nil {
		h.Error(w, r, err)
		return
	}
	if !st.Enabled {
		target := "/account/mfa"
		if next != "" {
			target += "?next=" + url.QueryEscape(safeNext(next))
		}
		http.Redirect(w, r, target, http.StatusSeeOther)
		return
	}
	h.render(w, r, "signin-mfa", "Second factor", codeView{Name: s.User.Name, Next: next, StepUp: s.Step == domain.StepNone, Pending: s.Step != domain.StepNone})
}

func (h *Handler) signInCode(w http.ResponseWriter, r *http.Request) {
	s, ok := httpx.Session(r)
	if !ok {
		http.Redirect(w, r, "/signin", http.StatusSeeOther)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	next := r.PostFormValue("next")
	_, err := h.app.VerifySecondFactor(r.Context(), httpx.SessionToken(r), r.PostFormValue("code"))
	if err != nil {
		code := domain.ErrorCode(err)
		if code != domain.EInvalid && code != domain.ETooMany && !(code == domain.EUnauthorized && domain.ErrorField(err) == "code") {
			h.Error(w, r, err)
			return
		}
		h.renderStatus(w, r, httpx.Status(code), "signin-mfa", "Second factor",
			codeView{Name: s.User.Name, Next: next, Error: domain.ErrorMessage(err), StepUp: s.Step == domain.StepNone, Pending: s.Step != domain.StepNone})
		return
	}
	if s.Step != domain.StepNone {
		// Fully signed in now: a fresh CSRF token, as at every sign-in.
		h.cookies.NewCSRF(w, r)
	}
	http.Redirect(w, r, safeNext(next), http.StatusSeeOther)
}

type mfaView struct {
	Status     app.MFAStatus
	Enrolment  *app.Enrolment
	QR         template.URL // data: URI of the PNG
	Codes      []string     // recovery codes, shown once
	Pending    bool         // the session may reach nothing else until this is done
	Next       string
	Error      string
	Field      string
	Form       string // which form the error belongs to: "confirm", "reset", "codes"
	ResetDone  bool
	EnrolledAt string
}

// accountMFA is the second-factor page: set-up for those without one, and
// status, new recovery codes and reset for those with one.
func (h *Handler) accountMFA(w http.ResponseWriter, r *http.Request) {
	s, ok := httpx.Session(r)
	if !ok {
		http.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	v := mfaView{Pending: s.Step == domain.StepEnrol, Next: r.URL.Query().Get("next"), ResetDone: r.URL.Query().Get("reset") == "1"}
	h.renderMFA(w, r, s, http.StatusOK, v)
}

func (h *Handler) renderMFA(w http.ResponseWriter, r *http.Request, s domain.Session, status int, v mfaView) {
	w.Header().Set("Cache-Control", "no-store")
	var err error
	if v.Status, err = h.app.MFAStatus(r.Context(), s.User); err != nil {
		h.Error(w, r, err)
		return
	}
	if !v.Status.Enabled && v.Codes == nil {
		e, err := h.app.BeginEnrolment(r.Context(), httpx.SessionToken(r))
		if err != nil {
			h.Error(w, r, err)
			return
		}
		v.Enrolment = &e
		v.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(e.QRCode))
	}
	h.renderStatus(w, r, status, "mfa", "Second factor", v)
}

// confirmMFA finishes set-up with a code from the app, then shows the
// recovery codes once.
func (h *Handler) confirmMFA(w http.ResponseWriter, r *http.Request) {
	s, ok := httpx.Session(r)
	if !ok {
		http.Redirect(w, r, "/signin", http.StatusSeeOther)
		return
	}
	v := mfaView{Pending: s.Step == domain.StepEnrol, Next: r.PostFormValue("next")}
	codes, err := h.app.ConfirmEnrolment(r.Context(), httpx.SessionToken(r), r.PostFormValue("code"))
	if err != nil {
		code := domain.ErrorCode(err)
		if code != domain.EInvalid && code != domain.ETooMany && code != domain.EConflict {
			h.Error(w, r, err)
			return
		}
		v.Error, v.Field, v.Form = domain.ErrorMessage(err), domain.ErrorField(err), "confirm"
		h.renderMFA(w, r, s, httpx.Status(code), v)
		return
	}
	if s.Step != domain.StepNone {
		h.cookies.NewCSRF(w, r)
		// This request still carries the pending session; the page below is
		// drawn for the fully signed-in one it has become.
		s.Step = domain.StepNone
		r = r.WithContext(httpx.WithUser(r.Context(), s.User))
	}
	v.Pending, v.Codes = false, codes
	h.renderMFA(w, r, s, http.StatusOK, v)
}

// resetOwnMFA removes the user's own authenticator after one more code.
func (h *Handler) resetOwnMFA(w http.ResponseWriter, r *http.Request) {
	s, _ := httpx.Session(r)
	err := h.app.ResetOwnMFA(r.Context(), httpx.SessionToken(r), r.PostFormValue("code"))
	if err != nil {
		h.mfaFormError(w, r, s, err, "reset")
		return
	}
	http.Redirect(w, r, "/account/mfa?reset=1", http.StatusSeeOther)
}

// renewRecoveryCodes issues ten new recovery codes after a code from the app.
func (h *Handler) renewRecoveryCodes(w http.ResponseWriter, r *http.Request) {
	s, _ := httpx.Session(r)
	codes, err := h.app.RenewRecoveryCodes(r.Context(), httpx.SessionToken(r), r.PostFormValue("code"))
	if err != nil {
		h.mfaFormError(w, r, s, err, "codes")
		return
	}
	h.renderMFA(w, r, s, http.StatusOK, mfaView{Codes: codes})
}

func (h *Handler) mfaFormError(w http.ResponseWriter, r *http.Request, s domain.Session, err error, form string) {
	code := domain.ErrorCode(err)
	if code != domain.EInvalid && code != domain.ETooMany && code != domain.EConflict && !(code == domain.EUnauthorized && domain.ErrorField(err) == "code") {
		h.Error(w, r, err)
		return
	}
	h.renderMFA(w, r, s, httpx.Status(code), mfaView{Error: domain.ErrorMessage(err), Field: domain.ErrorField(err), Form: form})
}

// needsSecondFactor renders the refusal of a highly confidential matter with
// the way forward: a code, or setting up an authenticator first.
func (h *Handler) needsSecondFactor(w http.ResponseWriter, r *http.Request, err error) bool {
	if !errors.Is(err, app.ErrSecondFactorRequired) {
		return false
	}
	v := errorView{Status: http.StatusForbidden, Heading: "A second factor is needed here", Message: domain.ErrorMessage(err), Request: httpx.RequestID(r)}
	next := url.QueryEscape(r.URL.RequestURI())
	v.ActionHref, v.ActionLabel = "/signin/mfa?next="+next, "Enter a code from your authenticator app"
	if u, ok := httpx.User(r); ok {
		if st, serr := h.app.MFAStatus(r.Context(), u); serr == nil && !st.Enabled {
			v.ActionHref, v.ActionLabel = "/account/mfa?next="+next, "Set up an authenticator app"
		}
	}
	h.renderStatus(w, r, v.Status, "error", v.Heading, v)
	return true
}
