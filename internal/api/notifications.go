package api

import (
	"net/http"
	"time"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
)

type notificationJSON struct {
	ID           int64      `json:"id"`
	Kind         string     `json:"kind"`
	KindLabel    string     `json:"kind_label"`
	Subject      string     `json:"subject"`
	Body         string     `json:"body"`
	Link         string     `json:"link"`
	EngagementID *int64     `json:"engagement_id"`
	Email        string     `json:"email"`
	CreatedAt    time.Time  `json:"created_at"`
	ReadAt       *time.Time `json:"read_at"`
}

func notificationOut(n domain.Notification) notificationJSON {
	j := notificationJSON{ID: n.ID, Kind: string(n.Kind), KindLabel: n.Kind.Label(), Subject: n.Subject, Body: n.Body, Link: n.Link,
		Email: string(n.Email), CreatedAt: n.CreatedAt, ReadAt: tokenTime(n.ReadAt)}
	if n.EngagementID != 0 {
		id := n.EngagementID
		j.EngagementID = &id
	}
	return j
}

// notificationPage is a page of the caller's notifications, newest first;
// next_before is the cursor of the next (older) page, null on the last.
type notificationPage struct {
	Items      []notificationJSON `json:"items"`
	Unread     int                `json:"unread"`
	NextBefore *int64             `json:"next_before"`
}

// listNotifications lists the caller's own notifications, newest first.
func (h *Handler) listNotifications(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	before, err := queryInt(r, "before")
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	limit, err := queryInt(r, "limit")
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	unread := false
	switch r.URL.Query().Get("unread") {
	case "", "false":
	case "true":
		unread = true
	default:
		httpx.WriteJSONError(w, r, domain.Invalid("unread", "unread must be true or false"))
		return
	}
	p, err := h.app.Notifications(r.Context(), u, before, int(limit), unread)
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	out := notificationPage{Items: make([]notificationJSON, 0, len(p.Items)), Unread: p.Unread}
	for _, n := range p.Items {
		out.Items = append(out.Items, notificationOut(n))
	}
	if p.NextBefore != 0 {
		out.NextBefore = &p.NextBefore
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

// readNotification marks one of the caller's notifications read.
func (h *Handler) readNotification(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	if err == nil {
		err = h.app.MarkNotificationRead(r.Context(), u, id)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// readAllNotifications marks every unread notification of the caller read.
func (h *Handler) readAllNotifications(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	n, err := h.app.MarkAllNotificationsRead(r.Context(), u)
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]int{"marked": n})
}

type notificationPrefsJSON struct {
	EmailMode    string     `json:"email_mode"`
	Muted        []string   `json:"muted"`
	DigestSentAt *time.Time `json:"digest_sent_at,omitempty"`
}

func prefsOut(p domain.NotificationPrefs) notificationPrefsJSON {
	j := notificationPrefsJSON{EmailMode: string(p.EmailMode), Muted: make([]string, 0, len(p.Muted)), DigestSentAt: tokenTime(p.DigestSentAt)}
	for _, k := range p.Muted {
		j.Muted = append(j.Muted, string(k))
	}
	return j
}

// getNotificationPrefs returns the caller's notification email preference.
func (h *Handler) getNotificationPrefs(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	p, err := h.app.NotificationPrefs(r.Context(), u)
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, prefsOut(p))
}

// putNotificationPrefs replaces the caller's notification email preference.
func (h *Handler) putNotificationPrefs(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	var in notificationPrefsJSON
	if err := decode(w, r, &in); err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	p, err := h.app.SetNotificationPrefs(r.Context(), u, in.EmailMode, in.Muted)
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, prefsOut(p))
}
