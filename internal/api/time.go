package api

import (
	"net/http"
	"time"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
)

// Deadlines, time entries and the calendar feed URL.

type deadlineJSON struct {
	ID           int64      `json:"id,omitempty"` // absent for a work item's due date
	Title        string     `json:"title"`
	DueOn        string     `json:"due_on"`
	OwnerID      int64      `json:"owner_id,omitempty"`
	Owner        string     `json:"owner,omitempty"`
	WorkItemID   int64      `json:"work_item_id,omitempty"`
	FromWorkItem bool       `json:"from_work_item"`
	Done         bool       `json:"done"`
	DoneAt       *time.Time `json:"done_at,omitempty"`
	Overdue      bool       `json:"overdue"`
}

type deadlinesJSON struct {
	EngagementID int64          `json:"engagement_id"`
	Today        string         `json:"today"` // in the viewer's time zone, else the firm's
	Closed       string         `json:"closed,omitempty"`
	Deadlines    []deadlineJSON `json:"deadlines"`
}

func (h *Handler) listDeadlines(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	h.writeDeadlines(w, r, u, id, http.StatusOK)
}

func (h *Handler) writeDeadlines(w http.ResponseWriter, r *http.Request, u domain.User, id int64, status int) {
	v, err := h.app.WorkOf(r.Context(), u, id)
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	out := deadlinesJSON{EngagementID: id, Today: string(v.Today), Closed: v.DeadlinesClosed, Deadlines: []deadlineJSON{}}
	for _, d := range v.Deadlines {
		out.Deadlines = append(out.Deadlines, deadlineJSON{ID: d.ID, Title: d.Title, DueOn: string(d.DueOn), OwnerID: d.OwnerID, Owner: d.OwnerName,
			WorkItemID: d.WorkItemID, FromWorkItem: d.FromWorkItem, Done: d.Done(), DoneAt: timePtr(d.DoneAt), Overdue: d.Overdue(v.Today)})
	}
	httpx.WriteJSON(w, status, out)
}

func (h *Handler) addDeadline(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	var in struct {
		Title      string `json:"title"`
		DueOn      string `json:"due_on"`
		OwnerID    int64  `json:"owner_id"`
		WorkItemID int64  `json:"work_item_id"`
	}
	id, err := pathID(r)
	if err == nil {
		err = decode(w, r, &in)
	}
	if err == nil {
		_, err = h.app.AddDeadline(r.Context(), u, id, app.DeadlineInput(in))
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	h.writeDeadlines(w, r, u, id, http.StatusCreated)
}

func (h *Handler) markDeadline(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	var in struct {
		Done *bool `json:"done"`
	}
	id, err := pathID(r)
	var did int64
	if err == nil {
		did, err = httpx.PathID(r, "did")
	}
	if err == nil {
		err = decode(w, r, &in)
	}
	if err == nil && in.Done == nil {
		if _, err = h.app.WorkOf(r.Context(), u, id); err == nil { // out of scope answers not found, whatever the input
			err = domain.Invalid("done", "say whether the deadline is done (true) or open again (false)")
		}
	}
	if err == nil {
		err = h.app.SetDeadlineDone(r.Context(), u, id, did, *in.Done)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	h.writeDeadlines(w, r, u, id, http.StatusOK)
}

type timeEntryJSON struct {
	ID           int64      `json:"id"`
	WorkItemID   int64      `json:"work_item_id"`
	WorkItem     string     `json:"work_item"`
	UserID       int64      `json:"user_id"`
	Person       string     `json:"person"`
	Date         string     `json:"date"`
	Hours        string     `json:"hours"`
	DayTotal     string     `json:"day_total"` // the person's hours that day, across all engagements
	TaskCode     string     `json:"task_code"`
	ActivityCode string     `json:"activity_code"`
	Narrative    string     `json:"narrative"`
	State        string     `json:"state"`
	ReturnReason string     `json:"return_reason,omitempty"`
	DecidedAt    *time.Time `json:"decided_at,omitempty"`
}

type timeEntriesJSON struct {
	EngagementID int64           `json:"engagement_id"`
	Closed       string          `json:"closed,omitempty"`
	Entries      []timeEntryJSON `json:"entries"`
}

func (h *Handler) listTimeEntries(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	h.writeTimeEntries(w, r, u, id, http.StatusOK)
}

func (h *Handler) writeTimeEntries(w http.ResponseWriter, r *http.Request, u domain.User, id int64, status int) {
	v, err := h.app.WorkOf(r.Context(), u, id)
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	out := timeEntriesJSON{EngagementID: id, Closed: v.TimeClosed, Entries: []timeEntryJSON{}}
	for _, t := range v.Entries {
		out.Entries = append(out.Entries, timeEntryJSON{ID: t.ID, WorkItemID: t.WorkItemID, WorkItem: t.WorkItem, UserID: t.UserID, Person: t.UserName,
			Date: string(t.WorkedOn), Hours: t.Hours.String(), DayTotal: v.DayTotal(t.UserID, t.WorkedOn).String(), TaskCode: t.TaskCode,
			ActivityCode: t.ActivityCode, Narrative: t.Narrative, State: string(t.State), ReturnReason: t.ReturnReason, DecidedAt: timePtr(t.DecidedAt)})
	}
	httpx.WriteJSON(w, status, out)
}

type timeEntryIn struct {
	WorkItemID   int64  `json:"work_item_id"`
	Date         string `json:"date"`
	Hours        string `json:"hours"`
	TaskCode     string `json:"task_code"`
	ActivityCode string `json:"activity_code"`
	Narrative    string `json:"narrative"`
	Submit       bool   `json:"submit"`
}

// timeCall decodes in (if any), runs a use case on the engagement in the
// path and answers with its time entries.
func (h *Handler) timeCall(w http.ResponseWriter, r *http.Request, status int, in any, call func(u domain.User, id int64) error) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	if err == nil && in != nil {
		err = decode(w, r, in)
	}
	if err == nil {
		err = call(u, id)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	h.writeTimeEntries(w, r, u, id, status)
}

func (h *Handler) addTimeEntry(w http.ResponseWriter, r *http.Request) {
	var in timeEntryIn
	h.timeCall(w, r, http.StatusCreated, &in, func(u domain.User, id int64) error {
		_, err := h.app.AddTimeEntry(r.Context(), u, id, app.TimeEntryInput(in))
		return err
	})
}

func (h *Handler) correctTimeEntry(w http.ResponseWriter, r *http.Request) {
	var in timeEntryIn
	h.timeCall(w, r, http.StatusOK, &in, func(u domain.User, id int64) error {
		tid, err := httpx.PathID(r, "tid")
		if err != nil {
			return err
		}
		_, err = h.app.CorrectTimeEntry(r.Context(), u, id, tid, app.TimeEntryInput(in))
		return err
	})
}

func (h *Handler) submitTimeEntry(w http.ResponseWriter, r *http.Request) {
	h.timeCall(w, r, http.StatusOK, nil, func(u domain.User, id int64) error {
		tid, err := httpx.PathID(r, "tid")
		if err != nil {
			return err
		}
		return h.app.SubmitTimeEntry(r.Context(), u, id, tid)
	})
}

func (h *Handler) decideTimeEntry(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Decision string `json:"decision"` // approve or return
		Reason   string `json:"reason"`
	}
	h.timeCall(w, r, http.StatusOK, &in, func(u domain.User, id int64) error {
		tid, err := httpx.PathID(r, "tid")
		if err != nil {
			return err
		}
		return h.app.DecideTimeEntry(r.Context(), u, id, tid, in.Decision == "approve", in.Reason)
	})
}

type calendarFeedJSON struct {
	URL       string     `json:"url,omitempty"` // only in the answer that made it
	CreatedAt *time.Time `json:"created_at,omitempty"`
}

func (h *Handler) getMyCalendar(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	at, err := h.app.CalendarFeedCreated(r.Context(), u)
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, calendarFeedJSON{CreatedAt: timePtr(at)})
}

func (h *Handler) rotateMyCalendar(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	token, err := h.app.RotateCalendarFeed(r.Context(), u)
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	base := h.app.SiteURL()
	if base == "" {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		base = scheme + "://" + r.Host
	}
	now := h.app.Now()
	httpx.WriteJSON(w, http.StatusCreated, calendarFeedJSON{URL: base + app.CalendarFeedPath(token), CreatedAt: &now})
}
