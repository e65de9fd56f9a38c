package web

import (
	"net/http"
	"strconv"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
)

// The supervising attorney's review: the queue at /reviews, a version
// opened for review on the deliverables page (its first opening starts the
// review time), the decision and the release.

func (h *Handler) reviewQueue(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	q, err := h.app.ReviewQueue(r.Context(), u)
	if err != nil {
		h.Error(w, r, err)
		return
	}
	overdue := 0
	for _, it := range q {
		if it.Overdue {
			overdue++
		}
	}
	h.render(w, r, "reviews", "Review queue", struct {
		Items   []app.ReviewQueueItem
		Overdue int
		Days    int
	}{q, overdue, domain.ReviewDays})
}

func (h *Handler) reviewVersionPage(w http.ResponseWriter, r *http.Request) {
	h.showReview(w, r, http.StatusOK, deliverablesPage{})
}

func (h *Handler) showReview(w http.ResponseWriter, r *http.Request, status int, p deliverablesPage) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	var vid int64
	if err == nil {
		vid, err = pathID(r, "ver")
	}
	if err != nil {
		h.Error(w, r, err)
		return
	}
	rv, err := h.app.ReviewVersionOf(r.Context(), u, id, vid)
	if err != nil {
		h.Error(w, r, err)
		return
	}
	p.Review = &rv
	h.renderDeliverables(w, r, status, id, p)
}

// reviewResult goes back to the version on success and shows the error
// beside its form on a refusal.
func (h *Handler) reviewResult(w http.ResponseWriter, r *http.Request, form string, err error) {
	id, _ := pathID(r, "id")
	vid, _ := pathID(r, "ver")
	switch domain.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/engagements/"+strconv.FormatInt(id, 10)+"/deliverables/versions/"+strconv.FormatInt(vid, 10), http.StatusSeeOther)
	case domain.EInvalid, domain.EConflict, domain.EGateClosed:
		h.showReview(w, r, httpx.Status(domain.ErrorCode(err)), deliverablesPage{Error: domain.ErrorMessage(err), Field: domain.ErrorField(err), Form: form})
	default:
		h.Error(w, r, err)
	}
}

func (h *Handler) reviewDeliverable(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	var vid int64
	if err == nil {
		vid, err = pathID(r, "ver")
	}
	if err == nil {
		in := domain.ReviewInput{Decision: domain.ReviewDecision(r.PostFormValue("decision")), Comment: r.PostFormValue("comment")}
		if m := r.PostFormValue("minutes"); m != "" {
			if in.StatedMinutes, err = strconv.Atoi(m); err != nil {
				err = domain.Invalid("minutes", "give the minutes spent as a whole number")
			}
		}
		if err == nil {
			_, err = h.app.ReviewDeliverable(r.Context(), u, id, vid, in)
		}
	}
	h.reviewResult(w, r, "review", err)
}

func (h *Handler) releaseDeliverable(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	var vid int64
	if err == nil {
		vid, err = pathID(r, "ver")
	}
	if err == nil {
		_, err = h.app.ReleaseDeliverable(r.Context(), u, id, vid, domain.ReleaseKind(r.PostFormValue("kind")))
	}
	h.reviewResult(w, r, "release", err)
}
