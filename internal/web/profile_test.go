package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// TestProfilePage: a failed save keeps what was typed and points at the
// field; a good one changes how the next pages write money and dates.
func TestProfilePage(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := newSite(t, e)
		marcus := s.signIn(t, "marcus.oyelaran@hartwellcrane.example", "192.0.2.70")
		doc := parsePage(t, "profile", s.do(t, http.MethodGet, "/account/profile", marcus, nil))
		if v := attrOf(ogOne(t, "time zone", doc, ogID("p-tz")), "value"); v != "America/New_York" {
			t.Fatalf("time zone field: %q", v)
		}
		crumbs := ogOne(t, "breadcrumbs", doc, func(n *html.Node) bool { return n.Data == "nav" && attrOf(n, "aria-label") == "Breadcrumb" })
		if cur := elements(crumbs, func(n *html.Node) bool { return attrOf(n, "aria-current") == "page" }); len(cur) != 1 {
			t.Fatalf("breadcrumbs: %d current steps, want 1", len(cur))
		}

		rec := s.do(t, http.MethodPost, "/account/profile", marcus, url.Values{"name": {"Marcus A. Oyelaran"}, "time_zone": {"Mars/Olympus"}, "locale": {"de-DE"}})
		if rec.Code != http.StatusUnprocessableEntity {
			t.Fatalf("bad zone: status %d", rec.Code)
		}
		doc = parsePage(t, "profile with an error", rec)
		tz := ogOne(t, "time zone", doc, ogID("p-tz"))
		if attrOf(tz, "aria-invalid") != "true" || !strings.Contains(attrOf(tz, "aria-describedby"), "profile-error") || attrOf(tz, "value") != "Mars/Olympus" {
			t.Fatalf("the zone field does not point at its error or lost its value: %v", tz.Attr)
		}
		if attrOf(ogOne(t, "name", doc, ogID("p-name")), "value") != "Marcus A. Oyelaran" {
			t.Fatal("the name typed was lost")
		}
		ogOne(t, "error message", doc, ogID("profile-error"))
		sel := ogOne(t, "locale", doc, ogID("p-locale"))
		if got := attrOf(ogOne(t, "selected locale", sel, func(n *html.Node) bool { return n.Data == "option" && hasAttr(n, "selected") }), "value"); got != "de-DE" {
			t.Fatalf("selected locale after the error: %q", got)
		}
		ctx := context.Background()
		var u struct{ name, locale string }
		if err := s.app.Store.DB().QueryRowContext(ctx, `SELECT name, locale FROM users WHERE email = 'marcus.oyelaran@hartwellcrane.example'`).Scan(&u.name, &u.locale); err != nil || u.locale != "en-US" || u.name != "Marcus Oyelaran" {
			t.Fatalf("a failed save changed the user: %+v %v", u, err)
		}

		admin := s.signIn(t, "eleanor.hartwell@hartwellcrane.example", "192.0.2.73")
		before := text(ogOne(t, "timekeepers", parsePage(t, "timekeepers", s.do(t, http.MethodGet, "/admin/timekeepers", admin, nil)), ogID("timekeepers")))
		rec = s.do(t, http.MethodPost, "/account/profile", admin, url.Values{"name": {"Eleanor Hartwell"}, "time_zone": {"Europe/Berlin"}, "locale": {"de-DE"}})
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/account/profile?saved=1" {
			t.Fatalf("save: %d %s", rec.Code, rec.Header().Get("Location"))
		}
		after := text(ogOne(t, "timekeepers", parsePage(t, "timekeepers in de-DE", s.do(t, http.MethodGet, "/admin/timekeepers", admin, nil)), ogID("timekeepers")))
		if !strings.Contains(before, "$1,050.00") || !strings.Contains(before, "Jan 1, 2025") {
			t.Fatalf("en-US rates: %.400s", before)
		}
		// text() folds the no-break space before the sign into a space.
		if !strings.Contains(after, "1.050,00 $") || !strings.Contains(after, "01.01.2025") {
			t.Fatalf("rates are not written the German way: %.400s", after)
		}
	})
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

// TestDeadlineInEachViewersZone: a deadline is stored as a firm calendar day;
// an attorney in New York and a vendor manager in Manila both see when it
// ends, each in their own zone with its abbreviation.
func TestDeadlineInEachViewersZone(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := newSite(t, e)
		ctx := context.Background()
		if err := s.app.Store.Write(ctx, func(tx *store.Tx) error {
			return tx.SetSetting(ctx, app.SettingFirmTimeZone, "America/New_York", time.Now())
		}); err != nil {
			t.Fatal(err)
		}
		var engagementID, deadlineID int64
		var due string
		if err := s.app.Store.DB().QueryRowContext(ctx, `SELECT engagement_id, id, due_on FROM deadlines WHERE title = 'Batch 14 coding complete'`).Scan(&engagementID, &deadlineID, &due); err != nil {
			t.Fatal(err)
		}
		marcus := s.signIn(t, "marcus.oyelaran@hartwellcrane.example", "192.0.2.71")
		anika := s.signIn(t, "anika.deshmukh@lexora.example", "192.0.2.72")
		if rec := s.do(t, http.MethodPost, "/account/profile", anika, url.Values{"name": {"Anika Deshmukh"}, "time_zone": {"Asia/Manila"}, "locale": {"en-US"}}); rec.Code != http.StatusSeeOther {
			t.Fatalf("Anika's profile: %d", rec.Code)
		}
		day, err := time.Parse("2006-01-02", due)
		if err != nil {
			t.Fatal(err)
		}
		ny, _ := time.LoadLocation("America/New_York")
		manila, _ := time.LoadLocation("Asia/Manila")
		ends := time.Date(day.Year(), day.Month(), day.Day()+1, 0, 0, 0, 0, ny).Add(-time.Minute)
		for _, c := range []struct {
			who, session string
			zone         *time.Location
		}{{"Marcus", marcus, ny}, {"Anika", anika, manila}} {
			doc := parsePage(t, c.who+"'s deadlines", s.do(t, http.MethodGet, "/engagements/"+strconv.FormatInt(engagementID, 10)+"/work", c.session, nil))
			row := ogOne(t, "deadline row", doc, ogID("deadline-"+strconv.FormatInt(deadlineID, 10)))
			local := ogOne(t, "deadline in the viewer's zone", row, func(n *html.Node) bool { return hasClass(n, "deadline-local") })
			want := ends.In(c.zone).Format("Jan 2, 2006, 3:04 PM MST")
			if got := text(local); !strings.Contains(got, want) {
				t.Errorf("%s sees %q, want %q", c.who, got, want)
			}
		}
	})
}
