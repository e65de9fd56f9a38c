package web

import (
	"net/http"
	"strconv"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
)

// The engagement's Briefing tab: the firm writes and publishes versions;
// each vendor member reads the current version and acknowledges it; both
// see who has acknowledged which version and what the next stage waits on.

// briefingPage is the page's view.
type briefingPage struct {
	app.BriefingView
	Error string
	Field string
	// Form holds the draft's sections as shown in the form (kept on error).
	Form domain.BriefingSections
}

func (h *Handler) briefing(w http.ResponseWriter, r *http.Request) {
	h.renderBriefing(w, r, http.StatusOK, nil, nil)
}

func (h *Handler) renderBriefing(w http.ResponseWriter, r *http.Request, status int, err error, form *domain.BriefingSections) {
	u, _ := httpx.User(r)
	id, perr := pathID(r, "id")
	if perr != nil {
		h.Error(w, r, perr)
		return
	}
	v, verr := h.app.BriefingOf(r.Context(), u, id)
	if verr != nil {
		h.Error(w, r, verr)
		return
	}
	p := briefingPage{BriefingView: v, Form: v.Draft.Sections}
	if form != nil {
		p.Form = *form
	}
	if err != nil {
		p.Error, p.Field = domain.ErrorMessage(err), domain.ErrorField(err)
	}
	h.renderStatus(w, r, status, "engagement-briefing", "Briefing: "+v.Header.MatterNumber, p)
}

// briefingAction runs a briefing use case from a form.
func (h *Handler) briefingAction(w http.ResponseWriter, r *http.Request, form *domain.BriefingSections, call func(u domain.User, id int64) error) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	if err == nil {
		err = call(u, id)
	}
	switch domain.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/engagements/"+strconv.FormatInt(id, 10)+"/briefing", http.StatusSeeOther)
	case domain.EInvalid, domain.EConflict, domain.EGateClosed:
		h.renderBriefing(w, r, httpx.Status(domain.ErrorCode(err)), err, form)
	default:
		h.Error(w, r, err)
	}
}

func (h *Handler) saveBriefing(w http.ResponseWriter, r *http.Request) {
	s := domain.BriefingSections{JurisdictionRules: r.PostFormValue("jurisdiction_rules"), LocalRules: r.PostFormValue("local_rules"),
		ClientGuidelines: r.PostFormValue("client_guidelines"), Formatting: r.PostFormValue("formatting"), PrivilegeHandling: r.PostFormValue("privilege_handling"),
		StrategyFit: r.PostFormValue("strategy_fit"), Confidentiality: r.PostFormValue("confidentiality")}
	h.briefingAction(w, r, &s, func(u domain.User, id int64) error {
		_, err := h.app.SaveBriefingDraft(r.Context(), u, id, s)
		return err
	})
}

func (h *Handler) publishBriefing(w http.ResponseWriter, r *http.Request) {
	h.briefingAction(w, r, nil, func(u domain.User, id int64) error {
		_, err := h.app.PublishBriefing(r.Context(), u, id)
		return err
	})
}

func (h *Handler) acknowledgeBriefing(w http.ResponseWriter, r *http.Request) {
	h.briefingAction(w, r, nil, func(u domain.User, id int64) error {
		_, err := h.app.AcknowledgeBriefing(r.Context(), u, id, r.PostFormValue("typed_name"))
		return err
	})
}
