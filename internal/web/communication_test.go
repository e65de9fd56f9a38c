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

// The Communication and Briefing tabs, through their forms: the gate card
// says what the engagement waits for; confirming needs the tick-box (the
// refusal points at it); the vendor's confirmation moves the engagement to
// briefing; on the Briefing tab the vendor's manager sees the published
// version and no draft, and a wrong typed name is refused at its field.
func TestCommunicationAndBriefingPages(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := newSite(t, e)
		var id int64
		if err := s.app.Store.DB().QueryRow(`SELECT e.id FROM engagements e JOIN matters m ON m.id = e.matter_id JOIN vendors v ON v.id = e.vendor_id
			WHERE m.number = '2026-0203' AND v.name LIKE 'Bayanihan%'`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		maria := s.signIn(t, "maria.santos@bayanihan.example", "192.0.2.31")
		priya := s.signIn(t, "priya.raman@hartwellcrane.example", "192.0.2.32")
		page := fmt.Sprintf("/engagements/%d/communication", id)
		rec := s.do(t, http.MethodGet, page, maria, nil)
		doc := parsePage(t, "Maria GET communication", rec)
		if rec.Code != http.StatusOK {
			t.Fatalf("status %d", rec.Code)
		}
		gate := byID(doc, "gate")
		if len(gate) != 1 || !strings.Contains(text(gate[0]), "Waiting for the vendor's manager") {
			t.Fatalf("gate card: %q", text(gate[0]))
		}
		if c := byID(doc, "firm-confirmation"); len(c) != 1 || !strings.Contains(text(c[0]), "Priya Raman") {
			t.Errorf("the firm's confirmation is not shown")
		}
		confirmBox := func(doc *html.Node) []*html.Node {
			return elements(doc, func(n *html.Node) bool { return n.Data == "input" && attrOf(n, "name") == "confirm" })
		}
		if len(confirmBox(doc)) != 1 {
			t.Fatal("Maria has no confirmation form")
		}
		rec = s.do(t, http.MethodPost, fmt.Sprintf("/engagements/%d/kickoff/confirm", id), maria, url.Values{})
		doc = parsePage(t, "confirm without the box", rec)
		if rec.Code != http.StatusUnprocessableEntity || len(byID(doc, "comm-error")) != 1 {
			t.Fatalf("confirm without the box: %d", rec.Code)
		}
		if b := confirmBox(doc); len(b) != 1 || attrOf(b[0], "aria-invalid") != "true" {
			t.Error("the refusal does not point at the tick-box")
		}
		rec = s.do(t, http.MethodPost, fmt.Sprintf("/engagements/%d/kickoff/confirm", id), maria, url.Values{"confirm": {"yes"}})
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("confirm: %d %.300s", rec.Code, rec.Body.String())
		}
		doc = parsePage(t, "Priya GET communication", s.do(t, http.MethodGet, page, priya, nil))
		if g := byID(doc, "gate"); len(g) != 1 || !strings.Contains(text(g[0]), "Passed") {
			t.Errorf("after both confirmed, the gate card says %q", text(g[0]))
		}
		if len(confirmBox(doc)) != 0 {
			t.Error("a confirmation form after the gate passed")
		}

		// The Briefing tab of the demo's research engagement (version 1
		// published, Meera Iyer waiting).
		var research int64
		if err := s.app.Store.DB().QueryRow(`SELECT id FROM engagements WHERE description LIKE 'Research memo%'`).Scan(&research); err != nil {
			t.Fatal(err)
		}
		anika := s.signIn(t, "anika.deshmukh@lexora.example", "192.0.2.33")
		bpage := fmt.Sprintf("/engagements/%d/briefing", research)
		doc = parsePage(t, "Anika GET briefing", s.do(t, http.MethodGet, bpage, anika, nil))
		if len(byID(doc, "current")) != 1 || len(byID(doc, "draft")) != 0 || len(byID(doc, "strategy")) != 0 {
			t.Error("the vendor's manager should see the published version, and neither a draft nor the strategy notes")
		}
		if rows := elements(doc, func(n *html.Node) bool { return n.Data == "tr" && attrOf(n, "data-member") != "" }); len(rows) != 2 ||
			!strings.Contains(text(rows[0])+text(rows[1]), "Not acknowledged") {
			t.Errorf("acknowledgement rows: %d", len(rows))
		}
		marcus := s.signIn(t, "marcus.oyelaran@hartwellcrane.example", "192.0.2.34")
		doc = parsePage(t, "Marcus GET briefing", s.do(t, http.MethodGet, bpage, marcus, nil))
		if len(byID(doc, "draft")) != 1 || len(byID(doc, "strategy")) != 1 {
			t.Error("the supervising attorney should see the draft form and the strategy notes")
		}
		helen := s.signIn(t, "helen.calloway@callowayfreight.example", "192.0.2.35")
		if rec := s.do(t, http.MethodGet, bpage, helen, nil); rec.Code != http.StatusNotFound {
			t.Errorf("the client reading the briefing: %d", rec.Code)
		}
	})
}
