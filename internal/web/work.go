package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
)

// The engagement's Deadlines and time tab: deadlines with overdue flags,
// time entries with each person's daily total, their forms, and the
// viewer's calendar feed.

// workPage is the page's view.
type workPage struct {
	app.WorkView
	Error      string
	Field      string
	Time       app.TimeEntryInput // the time form's values, kept on error
	Deadline   app.DeadlineInput
	FeedURL    string    // shown once, right after it was made
	FeedMadeAt time.Time // zero: no feed yet
	Tasks      []domain.UTBMSCode
	Acts       []domain.UTBMSCode
}

func (h *Handler) work(w http.ResponseWriter, r *http.Request) {
	h.renderWork(w, r, http.StatusOK, nil, workPage{})
}

func (h *Handler) renderWork(w http.ResponseWriter, r *http.Request, status int, err error, p workPage) {
	u, _ := httpx.User(r)
	id, perr := pathID(r, "id")
	if perr != nil {
		h.Error(w, r, perr)
		return
	}
	v, verr := h.app.WorkOf(r.Context(), u, id)
	if verr != nil {
		h.Error(w, r, verr)
		return
	}
	p.WorkView, p.Tasks, p.Acts = v, domain.TaskCodes(), domain.ActivityCodes()
	if p.Time.Date == "" {
		p.Time.Date = string(v.Today)
	}
	if err != nil {
		p.Error, p.Field = domain.ErrorMessage(err), domain.ErrorField(err)
	}
	if p.FeedMadeAt, verr = h.app.CalendarFeedCreated(r.Context(), u); verr != nil {
		h.Error(w, r, verr)
		return
	}
	h.renderStatus(w, r, status, "engagement-work", "Deadlines and time: "+v.Header.MatterNumber, p)
}

// workAction runs a use case from a form (see sowAction).
func (h *Handler) workAction(w http.ResponseWriter, r *http.Request, keep workPage, anchor string, call func(u domain.User, id int64) error) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	if err == nil {
		err = call(u, id)
	}
	switch domain.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/engagements/"+strconv.FormatInt(id, 10)+"/work#"+anchor, http.StatusSeeOther)
	case domain.EInvalid, domain.EConflict, domain.EGateClosed:
		h.renderWork(w, r, httpx.Status(domain.ErrorCode(err)), err, keep)
	default:
		h.Error(w, r, err)
	}
}

func formInt(r *http.Request, name string) int64 {
	n, _ := strconv.ParseInt(strings.TrimSpace(r.PostFormValue(name)), 10, 64)
	return n
}

func (h *Handler) addDeadline(w http.ResponseWriter, r *http.Request) {
	in := app.DeadlineInput{Title: r.PostFormValue("title"), DueOn: r.PostFormValue("due_on"), OwnerID: formInt(r, "owner"), WorkItemID: formInt(r, "item")}
	h.workAction(w, r, workPage{Deadline: in}, "deadlines", func(u domain.User, id int64) error {
		_, err := h.app.AddDeadline(r.Context(), u, id, in)
		return err
	})
}

func (h *Handler) markDeadline(w http.ResponseWriter, r *http.Request) {
	done := r.PostFormValue("done")
	h.workAction(w, r, workPage{}, "deadlines", func(u domain.User, id int64) error {
		did, err := pathID(r, "did")
		if err != nil {
			return err
		}
		if done != "1" && done != "0" {
			if _, err := h.app.WorkOf(r.Context(), u, id); err != nil {
				return err // out of scope answers not found, whatever the input
			}
			return domain.Invalid("done", "say whether the deadline is done (1) or open again (0)")
		}
		return h.app.SetDeadlineDone(r.Context(), u, id, did, done == "1")
	})
}

func (h *Handler) addTimeEntry(w http.ResponseWriter, r *http.Request) {
	in := app.TimeEntryInput{WorkItemID: formInt(r, "item"), Date: r.PostFormValue("date"), Hours: r.PostFormValue("hours"),
		TaskCode: r.PostFormValue("task_code"), ActivityCode: r.PostFormValue("activity_code"), Narrative: r.PostFormValue("narrative"),
		Submit: r.PostFormValue("submit") == "1"}
	h.workAction(w, r, workPage{Time: in}, "time", func(u domain.User, id int64) error {
		_, err := h.app.AddTimeEntry(r.Context(), u, id, in)
		return err
	})
}

func (h *Handler) submitTimeEntry(w http.ResponseWriter, r *http.Request) {
	h.workAction(w, r, workPage{}, "time", func(u domain.User, id int64) error {
		tid, err := pathID(r, "tid")
		if err != nil {
			return err
		}
		return h.app.SubmitTimeEntry(r.Context(), u, id, tid)
	})
}

func (h *Handler) decideTimeEntry(w http.ResponseWriter, r *http.Request) {
	approve, reason := r.PostFormValue("decision") == "approve", r.PostFormValue("reason")
	h.workAction(w, r, workPage{}, "time", func(u domain.User, id int64) error {
		tid, err := pathID(r, "tid")
		if err != nil {
			return err
		}
		return h.app.DecideTimeEntry(r.Context(), u, id, tid, approve, reason)
	})
}
