package web

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
)

// Conflict hits: the "Conflicts" card of the engagement page (its data is
// app.EngagementView.Conflicts), "Check now", one hit's page and the
// resolution form. Hits are for the firm's people only.

// percentOf writes a score in [0,1] as a whole percentage.
func percentOf(s float64) string { return fmt.Sprintf("%.0f%%", s*100) }

// hitStatusClass is the badge class of a hit's status.
func hitStatusClass(s domain.HitStatus) string {
	switch s {
	case domain.HitCleared:
		return "ok"
	case domain.HitWaived:
		return "wait"
	case domain.HitBlocked:
		return "bad"
	}
	return "wait"
}

// checkConflicts runs the conflict check of an engagement now.
func (h *Handler) checkConflicts(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	if err == nil {
		_, err = h.app.CheckEngagementConflicts(r.Context(), u, id)
	}
	if err != nil {
		h.Error(w, r, err)
		return
	}
	http.Redirect(w, r, "/engagements/"+strconv.FormatInt(id, 10)+"#conflicts", http.StatusSeeOther)
}

// resolveForm is what the resolution form holds.
type resolveForm struct {
	Status, Reason, ConsentBy, ConsentOn, ConsentEvidence string
}

// resolveArgs is what the "resolve-form" template needs.
type resolveArgs struct {
	Hit   domain.ConflictHit
	CSRF  string
	Today domain.Date
	Form  resolveForm
	Error string
	Field string
}

// resolving gives the resolution form of a hit, empty.
func resolving(h domain.ConflictHit, csrf string) resolveArgs {
	return resolveArgs{Hit: h, CSRF: csrf, Today: domain.DateOf(time.Now())}
}

// hitPage is one conflict hit with the resolution form.
type hitPage struct {
	app.HitView
	Resolve resolveArgs
}

// conflictHit shows one hit.
func (h *Handler) conflictHit(w http.ResponseWriter, r *http.Request) {
	h.renderHit(w, r, http.StatusOK, resolveForm{}, nil)
}

func (h *Handler) renderHit(w http.ResponseWriter, r *http.Request, status int, f resolveForm, formErr error) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	var v hitPage
	if err == nil {
		v.HitView, err = h.app.ConflictHit(r.Context(), u, id)
	}
	if err != nil {
		h.Error(w, r, err)
		return
	}
	v.Resolve = resolveArgs{Hit: v.Hit, CSRF: httpx.CSRFToken(r), Today: domain.DateOf(h.app.Now()), Form: f}
	if formErr != nil {
		v.Resolve.Error, v.Resolve.Field = domain.ErrorMessage(formErr), domain.ErrorField(formErr)
	}
	h.renderStatus(w, r, status, "conflict-hit", "Conflict hit: "+v.Hit.PartyName, v)
}

// resolveHit records an attorney's decision on a hit and returns to the
// engagement; a mistake is shown on the hit's page next to its field.
func (h *Handler) resolveHit(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	if err != nil {
		h.Error(w, r, err)
		return
	}
	f := resolveForm{Status: r.PostFormValue("status"), Reason: r.PostFormValue("reason"), ConsentBy: r.PostFormValue("consent_by"),
		ConsentOn: r.PostFormValue("consent_on"), ConsentEvidence: r.PostFormValue("consent_evidence")}
	res := domain.Resolution{Status: domain.HitStatus(f.Status), Reason: f.Reason,
		Consent: domain.ConsentRecord{By: f.ConsentBy, On: domain.Date(f.ConsentOn), Evidence: f.ConsentEvidence}}
	_, err = h.app.ResolveConflictHit(r.Context(), u, id, res)
	switch code := domain.ErrorCode(err); code {
	case "":
		v, err := h.app.ConflictHit(r.Context(), u, id)
		switch {
		case err != nil:
			h.Error(w, r, err)
		case v.EngagementID != 0:
			http.Redirect(w, r, fmt.Sprintf("/engagements/%d#hit-%d", v.EngagementID, id), http.StatusSeeOther)
		default:
			http.Redirect(w, r, fmt.Sprintf("/conflict-hits/%d", id), http.StatusSeeOther)
		}
	case domain.EInvalid, domain.EConflict:
		h.renderHit(w, r, httpx.Status(code), f, err)
	default:
		h.Error(w, r, err)
	}
}
