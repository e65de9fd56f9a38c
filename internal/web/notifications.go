package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
)

// notificationsView is the /notifications page: a page of the person's
// notifications, newest first.
type notificationsView struct {
	Items    []domain.Notification
	Unread   int
	Next     int64 // ?before= for the next (older) page
	Marked   string
	TimeZone string
}

func (h *Handler) notifications(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	p, err := h.app.Notifications(r.Context(), u, before, 25, false)
	if err != nil {
		h.Error(w, r, err)
		return
	}
	v := notificationsView{Items: p.Items, Unread: p.Unread, Next: p.NextBefore, TimeZone: u.TimeZone}
	switch r.URL.Query().Get("marked") {
	case "all":
		v.Marked = "Every notification is marked read."
	case "one":
		v.Marked = "Marked read."
	}
	h.render(w, r, "notifications", "Notifications", v)
}

// openNotification marks the notification read and goes to its link.
func (h *Handler) openNotification(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	if err != nil {
		h.Error(w, r, err)
		return
	}
	link, err := h.app.OpenNotification(r.Context(), u, id)
	if err != nil {
		h.Error(w, r, err)
		return
	}
	http.Redirect(w, r, link, http.StatusSeeOther)
}

func (h *Handler) readNotification(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	if err != nil {
		h.Error(w, r, err)
		return
	}
	if err := h.app.MarkNotificationRead(r.Context(), u, id); err != nil {
		h.Error(w, r, err)
		return
	}
	http.Redirect(w, r, "/notifications?marked=one", http.StatusSeeOther)
}

func (h *Handler) readAllNotifications(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	if _, err := h.app.MarkAllNotificationsRead(r.Context(), u); err != nil {
		h.Error(w, r, err)
		return
	}
	http.Redirect(w, r, "/notifications?marked=all", http.StatusSeeOther)
}

// notificationPrefsView is the /account/notifications page.
type notificationPrefsView struct {
	Mode     domain.EmailMode
	Modes    []domain.EmailMode
	Kinds    []kindChoice
	Saved    bool
	Error    string
	Field    string
	DigestAt time.Time // when the last digest went (zero: never)
}

type kindChoice struct {
	Kind  domain.NotificationKind
	Muted bool
}

func (h *Handler) notificationPrefs(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	p, err := h.app.NotificationPrefs(r.Context(), u)
	if err != nil {
		h.Error(w, r, err)
		return
	}
	h.renderPrefs(w, r, http.StatusOK, p, r.URL.Query().Get("saved") == "1", nil)
}

func (h *Handler) renderPrefs(w http.ResponseWriter, r *http.Request, status int, p domain.NotificationPrefs, saved bool, err error) {
	v := notificationPrefsView{Mode: p.EmailMode, Modes: domain.EmailModes, Saved: saved, DigestAt: p.DigestSentAt}
	for _, k := range domain.NotificationKinds {
		v.Kinds = append(v.Kinds, kindChoice{Kind: k, Muted: p.IsMuted(k)})
	}
	if err != nil {
		v.Error, v.Field = domain.ErrorMessage(err), domain.ErrorField(err)
	}
	h.renderStatus(w, r, status, "account-notifications", "Notification settings", v)
}

func (h *Handler) saveNotificationPrefs(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	if err := r.ParseForm(); err != nil {
		h.Error(w, r, domain.Invalid("form", "the form could not be read"))
		return
	}
	p, err := h.app.SetNotificationPrefs(r.Context(), u, r.PostForm.Get("email_mode"), r.PostForm["muted"])
	if domain.ErrorCode(err) == domain.EInvalid {
		h.renderPrefs(w, r, http.StatusUnprocessableEntity, p, false, err)
		return
	}
	if err != nil {
		h.Error(w, r, err)
		return
	}
	http.Redirect(w, r, "/account/notifications?saved=1", http.StatusSeeOther)
}
