package web

import (
	"net/http"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
)

type forgotView struct {
	Email string
	Sent  bool
	Error string
}

func (h *Handler) forgotPage(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, "password-forgot", "Forgot your password?", forgotView{Sent: r.URL.Query().Get("sent") == "1"})
}

// forgot answers every well-formed address the same way, so the page never
// tells whether an account exists.
func (h *Handler) forgot(w http.ResponseWriter, r *http.Request) {
	email := r.PostFormValue("email")
	err := h.app.RequestPasswordReset(r.Context(), app.ResetRequest{Email: email, Address: httpx.ClientAddress(r)})
	switch domain.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/password/forgot?sent=1", http.StatusSeeOther)
	case domain.EInvalid:
		h.renderStatus(w, r, http.StatusUnprocessableEntity, "password-forgot", "Forgot your password?", forgotView{Email: email, Error: domain.ErrorMessage(err)})
	default:
		h.Error(w, r, err)
	}
}

type resetView struct {
	Email   string
	Problem string // why the link cannot be used
	Error   string // a mistake in the form
	Field   string
	Done    bool
}

func (h *Handler) resetPage(w http.ResponseWriter, r *http.Request) {
	secretPage(w)
	u, err := h.app.OpenPasswordReset(r.Context(), r.PathValue("token"))
	h.renderReset(w, r, resetView{Email: u.Email}, err)
}

func (h *Handler) renderReset(w http.ResponseWriter, r *http.Request, v resetView, err error) {
	status := http.StatusOK
	if err != nil {
		code := domain.ErrorCode(err)
		switch code {
		case domain.EInvalid:
			v.Error, v.Field = domain.ErrorMessage(err), domain.ErrorField(err)
		case domain.ENotFound, domain.EConflict, domain.EForbidden:
			v.Problem = domain.ErrorMessage(err)
		default:
			h.Error(w, r, err)
			return
		}
		status = httpx.Status(code)
	}
	title := "Choose a new password"
	switch {
	case v.Problem != "":
		title = "This link cannot be used"
	case v.Done:
		title = "Your password has been changed"
	}
	h.renderStatus(w, r, status, "password-reset", title, v)
}

func (h *Handler) reset(w http.ResponseWriter, r *http.Request) {
	secretPage(w)
	token, password := r.PathValue("token"), r.PostFormValue("password")
	err := passwordsMatch(password, r.PostFormValue("password_again"))
	var u domain.User
	if err == nil {
		u, err = h.app.ResetPassword(r.Context(), token, password)
	}
	if err != nil {
		owner, openErr := h.app.OpenPasswordReset(r.Context(), token)
		if openErr != nil {
			err = openErr
		}
		h.renderReset(w, r, resetView{Email: owner.Email}, err)
		return
	}
	// Every session of the user has ended, this browser's too if it had one.
	if cur, signedIn := httpx.User(r); signedIn && cur.ID == u.ID {
		h.cookies.Set(w, httpx.SessionCookie, "", -1)
		r = r.WithContext(httpx.WithoutUser(r.Context()))
	}
	h.renderReset(w, r, resetView{Email: u.Email, Done: true}, nil)
}
