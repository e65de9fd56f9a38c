package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
	"golang.org/x/net/html"
)

// engagementAt is the demo's Lexora engagement at stage st.
func engagementAt(t *testing.T, s *site, st domain.Stage) int64 {
	t.Helper()
	es, err := s.app.Engagements(context.Background(), app.Operator, store.EngagementFilter{Stage: st, Page: store.Page{Limit: store.MaxPageSize}})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if strings.HasPrefix(e.VendorName, "Lexora") {
			return e.ID
		}
	}
	t.Fatalf("no Lexora engagement at %s", st)
	return 0
}

func sowByID(doc *html.Node, id string) *html.Node {
	if l := elements(doc, func(n *html.Node) bool { return attrOf(n, "id") == id }); len(l) > 0 {
		return l[0]
	}
	return nil
}

// The statement-of-work and work pages drive the same use cases: the vendor
// manager approves the demo draft from its form (the engagement becomes
// active), a reviewer's time in the future is refused at the field and a
// good one is listed with the day's total, a deadline before today is
// refused, and the calendar feed URL shown once serves RFC 5545 text to
// anyone holding it, and nothing to a wrong token.
func TestSOWAndWorkPages(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := newSite(t, e)
		id := engagementAt(t, s, domain.StageSOW)
		base := fmt.Sprintf("/engagements/%d", id)
		anika := s.signIn(t, "anika.deshmukh@lexora.example", "192.0.2.70")
		rohan := s.signIn(t, "rohan.kulkarni@lexora.example", "192.0.2.71")
		marcus := s.signIn(t, "marcus.oyelaran@hartwellcrane.example", "192.0.2.72")

		doc := parsePage(t, "sow page", s.do(t, "GET", base+"/sow", anika, nil))
		form := sowByID(doc, "approve-form")
		if form == nil || sowByID(doc, "vendor-approval") == nil || !strings.Contains(text(sowByID(doc, "firm-approval")), "Approved") {
			t.Fatalf("the vendor manager sees no approval form")
		}
		var rev string
		for _, in := range elements(form, func(n *html.Node) bool { return n.Data == "input" && attrOf(n, "name") == "revision" }) {
			rev = attrOf(in, "value")
		}
		rec := s.do(t, "POST", attrOf(form, "action"), anika, url.Values{"revision": {rev}})
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("approve: %d %s", rec.Code, rec.Body.String())
		}
		doc = parsePage(t, "sow page after", s.do(t, "GET", base+"/sow", marcus, nil))
		if sowByID(doc, "current") == nil || sowByID(doc, "change-order") == nil || len(text(sowByID(doc, "current-sha"))) != 64 {
			t.Fatalf("the approved statement is not shown in force")
		}

		// A change order from the page, then an edit of its copy of the item: a
		// bad code is refused with the error shown, a good edit is saved.
		if rec := s.do(t, "POST", base+"/sow/change-orders", marcus, url.Values{"reason": {"Add the reply brief"}}); rec.Code != http.StatusSeeOther {
			t.Fatalf("change order: %d %s", rec.Code, rec.Body.String())
		}
		doc = parsePage(t, "sow page with a change order", s.do(t, "GET", base+"/sow", marcus, nil))
		var edit *html.Node
		for _, f := range elements(sowByID(doc, "draft"), func(n *html.Node) bool { return n.Data == "form" }) {
			if a := attrOf(f, "action"); strings.Contains(a, "/sow/items/") && !strings.HasSuffix(a, "/remove") {
				edit = f
			}
		}
		if edit == nil {
			t.Fatalf("no edit form on the change order's draft")
		}
		vals := url.Values{}
		for _, in := range elements(edit, func(n *html.Node) bool { return n.Data == "input" || n.Data == "textarea" }) {
			if name := attrOf(in, "name"); name != "" && name != "csrf_token" {
				v := attrOf(in, "value")
				if in.Data == "textarea" {
					v = text(in)
				}
				vals.Set(name, v)
			}
		}
		vals.Set("task_code", "L999")
		rec = s.do(t, "POST", attrOf(edit, "action"), marcus, vals)
		if rec.Code != http.StatusUnprocessableEntity || sowByID(parsePage(t, "bad edit", rec), "sow-error") == nil {
			t.Fatalf("a bad edit: %d", rec.Code)
		}
		vals.Set("task_code", "L250")
		vals.Set("title", "Draft the motion and the reply")
		if rec := s.do(t, "POST", attrOf(edit, "action"), marcus, vals); rec.Code != http.StatusSeeOther {
			t.Fatalf("edit: %d %s", rec.Code, rec.Body.String())
		}
		if !strings.Contains(text(sowByID(parsePage(t, "edited", s.do(t, "GET", base+"/sow", marcus, nil)), "draft")), "Draft the motion and the reply") {
			t.Fatalf("the edit is not in the draft")
		}

		// Time: a future day is refused at the field, nothing written.
		doc = parsePage(t, "work page", s.do(t, "GET", base+"/work", rohan, nil))
		sel := sowByID(doc, "t-item")
		if sel == nil {
			t.Fatalf("no time form for a reviewer on an active engagement")
		}
		item := attrOf(elements(sel, func(n *html.Node) bool { return n.Data == "option" })[0], "value")
		tomorrow := time.Now().In(mustZone(t, "Asia/Kolkata")).AddDate(0, 0, 1).Format(time.DateOnly)
		rec = s.do(t, "POST", base+"/time-entries", rohan, url.Values{"item": {item}, "date": {tomorrow}, "hours": {"2"}, "narrative": {"Drafting"}})
		doc = parsePage(t, "refused time", rec)
		if rec.Code != http.StatusUnprocessableEntity && rec.Code != http.StatusBadRequest || sowByID(doc, "work-error") == nil ||
			attrOf(sowByID(doc, "t-date"), "aria-invalid") != "true" {
			t.Fatalf("future time: %d", rec.Code)
		}
		if sowByID(doc, "time-empty") == nil {
			t.Fatalf("a refused entry was written")
		}
		today := time.Now().In(mustZone(t, "Asia/Kolkata")).Format(time.DateOnly)
		rec = s.do(t, "POST", base+"/time-entries", rohan, url.Values{"item": {item}, "date": {today}, "hours": {"2.5"}, "narrative": {"Drafted the motion"}, "submit": {"1"}})
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("time: %d %s", rec.Code, rec.Body.String())
		}
		doc = parsePage(t, "work page with time", s.do(t, "GET", base+"/work", rohan, nil))
		rows := elements(doc, func(n *html.Node) bool { return n.Data == "tr" && strings.HasPrefix(attrOf(n, "id"), "time-") })
		if len(rows) != 1 || !strings.Contains(text(rows[0]), "Submitted") || !strings.Contains(text(rows[0]), "2.5") {
			t.Fatalf("time rows: %d", len(rows))
		}

		// Deadlines: before today refused.
		rec = s.do(t, "POST", base+"/deadlines", marcus, url.Values{"title": {"Late"}, "due_on": {"2020-01-01"}, "owner": {"1"}})
		doc = parsePage(t, "refused deadline", rec)
		if attrOf(sowByID(doc, "d-due"), "aria-invalid") != "true" {
			t.Fatalf("a deadline before today: %d", rec.Code)
		}

		// The calendar feed.
		doc = parsePage(t, "feed made", s.do(t, "POST", base+"/work/calendar", rohan, url.Values{}))
		feed := attrOf(sowByID(doc, "feed-url"), "value")
		u, err := url.Parse(feed)
		if err != nil || !strings.HasPrefix(u.Path, "/calendar/pcal_") {
			t.Fatalf("feed URL %q", feed)
		}
		rec = s.do(t, "GET", u.Path, "", nil)
		body := rec.Body.String()
		if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/calendar") || !strings.HasPrefix(body, "BEGIN:VCALENDAR\r\n") ||
			!strings.Contains(body, "BEGIN:VEVENT\r\n") {
			t.Fatalf("feed: %d %q", rec.Code, body)
		}
		if rec := s.do(t, "GET", "/calendar/pcal_wrong.ics", "", nil); rec.Code != http.StatusNotFound {
			t.Fatalf("a wrong token: %d", rec.Code)
		}
	})
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	l, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return l
}
