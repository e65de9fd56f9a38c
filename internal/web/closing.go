package web

import (
	"net/http"
	"strconv"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
)

// The engagement's close page: manual pause and resume with a reason, the
// close (confirmed when deliverables still await review), and after it the
// vendor's certificate of return or destruction, the final audit due and
// the attorney's evaluation.

type closingPage struct {
	app.ClosingView
	Error string
	Field string
	Form  string // pause, resume, close, certificate, evaluation
	Today domain.Date
}

// ErrorAside reports whether the page's error belongs to a form the page
// does not show (certifying before the engagement is closed, pausing as
// someone who may not): it is then shown above the forms, so a refusal is
// never silent.
func (p closingPage) ErrorAside() bool {
	if p.Error == "" {
		return false
	}
	switch p.Form {
	case "certificate":
		return !(p.Closed() && p.CanCertify)
	case "evaluation":
		return !(p.Closed() && p.CanEvaluate)
	case "pause":
		return p.Closed() || !p.CanPause
	case "resume":
		return p.Closed() || !p.CanResume
	case "close":
		return p.Closed() || !p.CanClose
	}
	return true
}

func (h *Handler) renderClosing(w http.ResponseWriter, r *http.Request, status int, id int64, p closingPage) {
	u, _ := httpx.User(r)
	v, err := h.app.ClosingOf(r.Context(), u, id)
	if err != nil {
		h.Error(w, r, err)
		return
	}
	p.ClosingView, p.Today = v, domain.DateOf(h.app.Now())
	h.renderStatus(w, r, status, "engagement-close", "Close · "+v.Header.MatterNumber, p)
}

func (h *Handler) engagementClose(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.Error(w, r, err)
		return
	}
	h.renderClosing(w, r, http.StatusOK, id, closingPage{})
}

func (h *Handler) closingAction(w http.ResponseWriter, r *http.Request, form string, call func(u domain.User, id int64) error) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	if err != nil {
		h.Error(w, r, err)
		return
	}
	err = call(u, id)
	switch domain.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/engagements/"+strconv.FormatInt(id, 10)+"/close", http.StatusSeeOther)
	case domain.EInvalid, domain.EConflict, domain.EGateClosed:
		h.renderClosing(w, r, httpx.Status(domain.ErrorCode(err)), id, closingPage{Error: domain.ErrorMessage(err), Field: domain.ErrorField(err), Form: form})
	default:
		h.Error(w, r, err)
	}
}

func (h *Handler) pauseEngagement(w http.ResponseWriter, r *http.Request) {
	h.closingAction(w, r, "pause", func(u domain.User, id int64) error {
		return h.app.PauseEngagement(r.Context(), u, id, r.PostFormValue("reason"))
	})
}

func (h *Handler) resumeEngagement(w http.ResponseWriter, r *http.Request) {
	h.closingAction(w, r, "resume", func(u domain.User, id int64) error {
		return h.app.ResumeEngagement(r.Context(), u, id, r.PostFormValue("reason"))
	})
}

func (h *Handler) closeEngagement(w http.ResponseWriter, r *http.Request) {
	h.closingAction(w, r, "close", func(u domain.User, id int64) error {
		c := r.PostFormValue("confirm")
		if c != "" && c != "yes" {
			return domain.Invalid("confirm", "tick the box to confirm, or leave it empty")
		}
		return h.app.CloseEngagement(r.Context(), u, id, app.CloseInput{Confirm: c == "yes"})
	})
}

func (h *Handler) certifyReturn(w http.ResponseWriter, r *http.Request) {
	h.closingAction(w, r, "certificate", func(u domain.User, id int64) error {
		_, err := h.app.CertifyReturn(r.Context(), u, id, domain.Certificate{Method: domain.CertificateMethod(r.PostFormValue("method")),
			CertifiedOn: domain.Date(r.PostFormValue("date")), Statement: r.PostFormValue("statement")})
		return err
	})
}

func (h *Handler) evaluateVendor(w http.ResponseWriter, r *http.Request) {
	h.closingAction(w, r, "evaluation", func(u domain.User, id int64) error {
		score := func(k string) int { n, _ := strconv.Atoi(r.PostFormValue(k)); return n }
		_, err := h.app.EvaluateVendor(r.Context(), u, id, domain.Evaluation{Quality: score("quality"), Timeliness: score("timeliness"),
			Communication: score("communication"), Compliance: score("compliance"), Comments: r.PostFormValue("comments")})
		return err
	})
}
