package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/probity/probity/internal/testenv"
	"golang.org/x/net/html"
)

// TestNotificationPages: the bell in the header carries the unread count
// in its accessible name; /notifications lists them newest first with an
// open link each; opening one marks it read and goes to its link, for its
// recipient only (another person's is not found); "mark all read" empties
// the bell; the settings page refuses an unknown mode (422, nothing saved)
// and saves a good choice.
func TestNotificationPages(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := newSite(t, e)
		db := s.app.Store.DB()
		marcus := s.signIn(t, "marcus.oyelaran@hartwellcrane.example", "192.0.2.120")
		helen := s.signIn(t, "helen.calloway@callowayfreight.example", "192.0.2.121")
		var unread int
		if err := db.QueryRow(`SELECT COUNT(*) FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.email = 'marcus.oyelaran@hartwellcrane.example' AND n.read_at = 0`).Scan(&unread); err != nil || unread == 0 {
			t.Fatalf("the demo gives Marcus no unread notifications: %d %v", unread, err)
		}
		bell := func(session string) string {
			t.Helper()
			page := parsePage(t, "home", s.do(t, http.MethodGet, "/home", session, nil))
			return attrOf(ogOne(t, "bell", page, ogID("notification-bell")), "aria-label")
		}
		if got, want := bell(marcus), fmt.Sprintf("Notifications, %d unread", unread); got != want {
			t.Fatalf("bell %q, want %q", got, want)
		}

		page := parsePage(t, "notifications", s.do(t, http.MethodGet, "/notifications", marcus, nil))
		var opens []string
		for _, a := range elements(page, func(n *html.Node) bool {
			return n.Type == html.ElementNode && n.Data == "a" && strings.HasSuffix(attrOf(n, "href"), "/open")
		}) {
			opens = append(opens, attrOf(a, "href"))
		}
		if len(opens) < unread {
			t.Fatalf("%d open links for %d unread notifications", len(opens), unread)
		}
		var newest, link string
		if err := db.QueryRow(`SELECT '/notifications/' || CAST(n.id AS TEXT) || '/open', n.link FROM notifications n JOIN users u ON u.id = n.user_id
			WHERE u.email = 'marcus.oyelaran@hartwellcrane.example' ORDER BY n.id DESC LIMIT 1`).Scan(&newest, &link); err != nil {
			t.Fatal(err)
		}
		if opens[0] != newest {
			t.Errorf("first listed %s, want the newest %s", opens[0], newest)
		}

		// Another person's: not found, and still unread.
		if rec := s.do(t, http.MethodGet, newest, helen, nil); rec.Code != http.StatusNotFound {
			t.Errorf("Helen opening Marcus's notification: %d, want 404", rec.Code)
		}
		if rec := s.do(t, http.MethodPost, strings.TrimSuffix(newest, "/open")+"/read", helen, url.Values{}); rec.Code != http.StatusNotFound {
			t.Errorf("Helen marking Marcus's notification read: %d, want 404", rec.Code)
		}
		rec := s.do(t, http.MethodGet, newest, marcus, nil)
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != link {
			t.Fatalf("open: %d to %q, want 303 to %q", rec.Code, rec.Header().Get("Location"), link)
		}
		if got, want := bell(marcus), fmt.Sprintf("Notifications, %d unread", unread-1); got != want {
			t.Errorf("after opening one: bell %q, want %q", got, want)
		}
		if rec := s.do(t, http.MethodPost, "/notifications/read-all", marcus, url.Values{}); rec.Code != http.StatusSeeOther {
			t.Fatalf("mark all read: %d", rec.Code)
		}
		if got := bell(marcus); got != "Notifications, 0 unread" {
			t.Errorf("after mark all read: bell %q", got)
		}

		// Settings.
		prefs := func() string {
			var mode string
			err := db.QueryRow(`SELECT COALESCE((SELECT p.email_mode FROM notification_prefs p JOIN users u ON u.id = p.user_id WHERE u.email = 'marcus.oyelaran@hartwellcrane.example'), 'none')`).Scan(&mode)
			if err != nil {
				t.Fatal(err)
			}
			return mode
		}
		settings := parsePage(t, "settings", s.do(t, http.MethodGet, "/account/notifications", marcus, nil))
		if n := len(elements(settings, func(n *html.Node) bool { return n.Data == "input" && attrOf(n, "name") == "muted" })); n != 10 {
			t.Errorf("%d kinds offered to mute, want 10", n)
		}
		rec = s.do(t, http.MethodPost, "/account/notifications", marcus, url.Values{"email_mode": {"weekly"}})
		if rec.Code != http.StatusUnprocessableEntity || prefs() != "none" {
			t.Fatalf("unknown mode: %d, saved %q", rec.Code, prefs())
		}
		if alert := ogOne(t, "error", parsePage(t, "refused", rec), ogID("form-error")); !strings.Contains(text(alert), "immediate, digest or off") {
			t.Errorf("the refusal says %q", text(alert))
		}
		rec = s.do(t, http.MethodPost, "/account/notifications", marcus, url.Values{"email_mode": {"digest"}, "muted": {"audit_due"}})
		if rec.Code != http.StatusSeeOther || prefs() != "digest" {
			t.Fatalf("save: %d, saved %q", rec.Code, prefs())
		}
		settings = parsePage(t, "settings", s.do(t, http.MethodGet, "/account/notifications?saved=1", marcus, nil))
		for _, in := range elements(settings, func(n *html.Node) bool { return n.Data == "input" }) {
			v := attrOf(in, "value")
			_, checked := attrMap(in)["checked"]
			if want := v == "digest" || v == "audit_due"; (attrOf(in, "name") == "email_mode" || attrOf(in, "name") == "muted") && checked != want {
				t.Errorf("input %s=%s checked %v, want %v", attrOf(in, "name"), v, checked, want)
			}
		}
	})
}
