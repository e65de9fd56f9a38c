package web

import (
	"net/http"
	"strconv"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/httpx"
	"github.com/probity/probity/internal/store"
)

// outboxRow is one message with its status in words and as a badge class.
type outboxRow struct {
	app.OutboxView
	Status      string
	StatusClass string
}

// outboxView is the outbox page: the list, or one message with its body.
type outboxView struct {
	Rows     []outboxRow
	Next     int64 // ?before= for the next (older) page
	Message  *outboxRow
	Delivery bool
	TimeZone string
}

func (h *Handler) outboxRow(m app.OutboxView) outboxRow {
	st := m.Status(h.app.Config.Mail.Delivery)
	class := "wait"
	switch {
	case !m.SentAt.IsZero():
		class = "ok"
	case m.GivenUp || (m.LastError != "" && h.app.Config.Mail.Delivery):
		class = "bad"
	case !h.app.Config.Mail.Delivery:
		class = "muted"
	}
	return outboxRow{OutboxView: m, Status: st, StatusClass: class}
}

func (h *Handler) outbox(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	const limit = 100
	ms, err := h.app.Outbox(r.Context(), u, store.OutboxFilter{BeforeID: before, Limit: limit})
	if err != nil {
		h.Error(w, r, err)
		return
	}
	v := outboxView{Delivery: h.app.Config.Mail.Delivery, TimeZone: u.TimeZone}
	for _, m := range ms {
		v.Rows = append(v.Rows, h.outboxRow(m))
	}
	if len(ms) == limit {
		v.Next = ms[len(ms)-1].ID
	}
	h.render(w, r, "outbox", "Email outbox", v)
}

func (h *Handler) outboxMessage(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	var m app.OutboxView
	if err == nil {
		m, err = h.app.OutboxMessage(r.Context(), u, id)
	}
	if err != nil {
		h.Error(w, r, err)
		return
	}
	// In the development outbox the body holds live links: keep it out of caches.
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	row := h.outboxRow(m)
	h.render(w, r, "outbox", m.Subject, outboxView{Message: &row, Delivery: h.app.Config.Mail.Delivery, TimeZone: u.TimeZone})
}
