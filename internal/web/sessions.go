package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
)

type sessionsView struct {
	app.AccountSecurity
	Own      bool   // the viewer's own sessions
	Action   string // where the end buttons post: …/sessions/{handle}/end
	TimeZone string // the viewer's
	CSRF     string // for the end buttons
	Ended    bool
	Reset    bool
}

// accountSessions lists the viewer's own active sessions.
func (h *Handler) accountSessions(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	h.showSessions(w, r, u, u.ID, "/account/sessions")
}

// userSessions is an administrator's view of someone's sessions and second factor.
func (h *Handler) userSessions(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	if err != nil {
		h.Error(w, r, err)
		return
	}
	h.showSessions(w, r, u, id, "/admin/users/"+r.PathValue("id")+"/sessions")
}

func (h *Handler) showSessions(w http.ResponseWriter, r *http.Request, viewer domain.User, userID int64, base string) {
	cur, _ := httpx.Session(r)
	sec, err := h.app.Security(r.Context(), viewer, userID, cur.Handle)
	if err != nil {
		h.Error(w, r, err)
		return
	}
	v := sessionsView{AccountSecurity: sec, Own: userID == viewer.ID, Action: base, TimeZone: viewer.TimeZone, CSRF: httpx.CSRFToken(r),
		Ended: r.URL.Query().Get("ended") == "1", Reset: r.URL.Query().Get("reset") == "1"}
	title := "Sessions"
	if !v.Own {
		title = sec.User.Name + ": sign-in security"
	}
	h.render(w, r, "sessions", title, v)
}

// endOwnSession ends one of the viewer's sessions; ending the current one signs out.
func (h *Handler) endOwnSession(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	h.endSession(w, r, u, u.ID, "/account/sessions")
}

// endUserSession is an administrator ending someone's session.
func (h *Handler) endUserSession(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	if err != nil {
		h.Error(w, r, err)
		return
	}
	h.endSession(w, r, u, id, "/admin/users/"+r.PathValue("id")+"/sessions")
}

func (h *Handler) endSession(w http.ResponseWriter, r *http.Request, actor domain.User, userID int64, back string) {
	handle := r.PathValue("sid")
	if err := h.app.EndSession(r.Context(), actor, userID, handle); err != nil {
		h.Error(w, r, err)
		return
	}
	if cur, ok := httpx.Session(r); ok && cur.Handle == handle && userID == actor.ID {
		h.cookies.Set(w, httpx.SessionCookie, "", -1)
		h.cookies.NewCSRF(w, r)
		http.Redirect(w, r, "/signin", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, back+"?ended=1", http.StatusSeeOther)
}

// resetUserMFA is an administrator removing someone's authenticator (a lost
// phone); it ends all their sessions.
func (h *Handler) resetUserMFA(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	if err != nil {
		h.Error(w, r, err)
		return
	}
	if err := h.app.ResetMFA(r.Context(), u, id); err != nil {
		h.Error(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/users/"+url.PathEscape(r.PathValue("id"))+"/sessions?reset=1", http.StatusSeeOther)
}

// browserOf names a browser and its system from a User-Agent, as people
// would ("Chrome on Linux"); the full string stays in the page's title.
func browserOf(ua string) string {
	if ua == "" {
		return "—"
	}
	name := ""
	for _, b := range []struct{ token, name string }{{"Edg/", "Edge"}, {"OPR/", "Opera"}, {"Firefox/", "Firefox"}, {"Chrome/", "Chrome"},
		{"Safari/", "Safari"}, {"curl/", "curl"}, {"Go-http-client", "a Go program"}} {
		if strings.Contains(ua, b.token) {
			name = b.name
			break
		}
	}
	if strings.Contains(ua, "HeadlessChrome/") {
		name = "Headless Chrome"
	}
	sys := ""
	for _, s := range []struct{ token, name string }{{"iPhone", "iPhone"}, {"iPad", "iPad"}, {"Android", "Android"}, {"Windows", "Windows"},
		{"Mac OS X", "macOS"}, {"CrOS", "ChromeOS"}, {"Linux", "Linux"}} {
		if strings.Contains(ua, s.token) {
			sys = s.name
			break
		}
	}
	switch {
	case name == "" && sys == "":
		if len(ua) > 40 {
			return ua[:40] + "…"
		}
		return ua
	case sys == "":
		return name
	case name == "":
		return "a browser on " + sys
	}
	return name + " on " + sys
}
