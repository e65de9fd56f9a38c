package web

import (
	"net/http"
	"strings"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
)

// The iCalendar feed: the public GET /calendar/{token}.ics, authenticated
// by the token alone, and the button that makes or rotates one's own feed
// URL (shown once, on the work page it was pressed on).

// calendarFeed serves a feed. Any failure is a plain 404: a wrong token
// says nothing about which tokens exist.
func (h *Handler) calendarFeed(w http.ResponseWriter, r *http.Request) {
	token, ok := strings.CutSuffix(r.PathValue("file"), ".ics")
	if !ok {
		http.NotFound(w, r)
		return
	}
	cal, err := h.app.CalendarFeed(r.Context(), token, siteURL(h.app, r))
	if err != nil {
		if domain.ErrorCode(err) != domain.ENotFound {
			h.app.Log.Error("calendar feed", "err", err)
		}
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	_, _ = w.Write([]byte(cal))
}

// siteURL is the configured site address, else this request's.
func siteURL(a *app.App, r *http.Request) string {
	if s := a.SiteURL(); s != "" {
		return s
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// rotateCalendarFeed makes a new feed URL for the viewer and shows it once
// on the engagement's work page.
func (h *Handler) rotateCalendarFeed(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	if err == nil {
		_, err = h.app.WorkOf(r.Context(), u, id) // the page it is shown on: in scope first
	}
	if err != nil {
		h.Error(w, r, err)
		return
	}
	token, err := h.app.RotateCalendarFeed(r.Context(), u)
	if err != nil {
		h.Error(w, r, err)
		return
	}
	h.renderWork(w, r, http.StatusOK, nil, workPage{FeedURL: siteURL(h.app, r) + app.CalendarFeedPath(token)})
}
