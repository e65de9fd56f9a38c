package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// withID returns the elements whose id attribute is id.
func withID(doc *html.Node, id string) []*html.Node {
	return elements(doc, func(n *html.Node) bool { return attrOf(n, "id") == id })
}

// conflictIDs are the demo objects the conflict pages are tried with.
type conflictIDs struct {
	calloway, ardent   int64 // matters
	lexora, meridian   int64 // vendors
	meridianOnCalloway int64 // engagement
	hit                int64 // Meridian's open hit on Tidewater Logistics Holdings
	brightwater        int64 // a party on Calloway
}

func findConflictIDs(t *testing.T, s *site) conflictIDs {
	t.Helper()
	ctx := app.WithMeta(context.Background(), app.Meta{MFA: true})
	var c conflictIDs
	ms, err := s.app.Matters(ctx, app.Operator, store.MatterFilter{Page: store.Page{Limit: store.MaxPageSize}})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		switch m.Number {
		case "2026-0142":
			c.calloway = m.ID
		case "2026-0177":
			c.ardent = m.ID
		}
	}
	es, err := s.app.Engagements(ctx, app.Operator, store.EngagementFilter{Page: store.Page{Limit: store.MaxPageSize}})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if e.MatterID == c.calloway && strings.HasPrefix(e.VendorName, "Meridian") {
			c.meridianOnCalloway, c.meridian = e.ID, e.VendorID
		}
		if strings.HasPrefix(e.VendorName, "Lexora") {
			c.lexora = e.VendorID
		}
	}
	v, err := s.app.EngagementConflicts(ctx, app.Operator, c.meridianOnCalloway)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range v.Hits {
		if h.PartyName == "Tidewater Logistics Holdings" {
			c.hit = h.ID
		}
	}
	mv, err := s.app.Matter(ctx, app.Operator, c.calloway)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range mv.Parties {
		if p.Name == "Brightwater Insurance Company" {
			c.brightwater = p.ID
		}
	}
	if c.calloway == 0 || c.ardent == 0 || c.lexora == 0 || c.meridian == 0 || c.meridianOnCalloway == 0 || c.hit == 0 || c.brightwater == 0 {
		t.Fatalf("demo objects missing: %+v", c)
	}
	return c
}

func TestConflictsCardAndResolution(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := newSite(t, e)
		ids := findConflictIDs(t, s)
		marcus := s.signIn(t, "marcus.oyelaran@hartwellcrane.example", "192.0.2.30")
		oliver := s.signIn(t, "oliver.bennett@meridiandiscovery.example", "192.0.2.31")
		page := fmt.Sprintf("/engagements/%d", ids.meridianOnCalloway)

		rec := s.do(t, http.MethodGet, page, marcus, nil)
		doc := parsePage(t, "engagement as Marcus", rec)
		card := withID(doc, "conflicts")
		if len(card) != 1 {
			t.Fatalf("no Conflicts card:\n%.400s", rec.Body.String())
		}
		row := withID(card[0], fmt.Sprintf("hit-%d", ids.hit))
		if len(row) != 1 {
			t.Fatalf("no row for the demo hit in %q", text(card[0]))
		}
		cells := elements(row[0], func(n *html.Node) bool { return n.Data == "td" })
		if len(cells) != 5 || !strings.Contains(text(cells[0]), "Tidewater Logistics Holdings") || !strings.Contains(text(cells[1]), "Tide Water Logistics Holding Ltd") ||
			!strings.HasSuffix(text(cells[2]), "%") || len(elements(cells[3], func(n *html.Node) bool { return n.Data == "li" })) == 0 {
			t.Fatalf("the hit's row does not show both names, the score and the reasons: %q", text(row[0]))
		}
		if len(withID(card[0], fmt.Sprintf("resolve-%d", ids.hit))) != 1 || len(withID(card[0], "check-now")) != 1 {
			t.Fatal("the attorney has no resolve form or Check now")
		}

		// The vendor sees its engagement but not the card, nor any party name.
		rec = s.do(t, http.MethodGet, page, oliver, nil)
		doc = parsePage(t, "engagement as Oliver", rec)
		if len(withID(doc, "conflicts")) != 0 || strings.Contains(rec.Body.String(), "Tidewater Logistics Holdings") {
			t.Fatal("the vendor sees the conflict hits")
		}
		if rec := s.do(t, http.MethodGet, fmt.Sprintf("/conflict-hits/%d", ids.hit), oliver, nil); rec.Code != http.StatusNotFound {
			t.Fatalf("the vendor opened a hit: %d", rec.Code)
		}
		if rec := s.do(t, http.MethodPost, fmt.Sprintf("/conflict-hits/%d/resolve", ids.hit), oliver, url.Values{"status": {"cleared"}, "reason": {"ours"}}); rec.Code != http.StatusNotFound {
			t.Fatalf("the vendor resolved a hit: %d", rec.Code)
		}

		// A waiver without the client's consent: the error beside the field.
		target := fmt.Sprintf("/conflict-hits/%d/resolve", ids.hit)
		rec = s.do(t, http.MethodPost, target, marcus, url.Values{"status": {"waived"}, "reason": {"The client agreed"}})
		if rec.Code != http.StatusUnprocessableEntity {
			t.Fatalf("waiver without consent: %d", rec.Code)
		}
		doc = parsePage(t, "refused waiver", rec)
		by := withID(doc, fmt.Sprintf("consent-by-%d", ids.hit))
		if len(by) != 1 || attrOf(by[0], "aria-invalid") != "true" || len(withID(doc, fmt.Sprintf("resolve-error-%d", ids.hit))) != 1 {
			t.Fatal("the refused waiver does not mark the consent field")
		}
		if reason := withID(doc, fmt.Sprintf("reason-%d", ids.hit)); len(reason) != 1 || text(reason[0]) != "The client agreed" {
			t.Fatal("the refused form lost its input")
		}

		rec = s.do(t, http.MethodPost, target, marcus, url.Values{"status": {"cleared"}, "reason": {"Different company: Tide Water is a UK freight forwarder"}})
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != fmt.Sprintf("%s#hit-%d", page, ids.hit) {
			t.Fatalf("clearing: %d %s", rec.Code, rec.Header().Get("Location"))
		}
		doc = parsePage(t, "engagement after clearing", s.do(t, http.MethodGet, page, marcus, nil))
		row = withID(doc, fmt.Sprintf("hit-%d", ids.hit))
		if len(row) != 1 || !strings.Contains(text(row[0]), "Cleared") || !strings.Contains(text(row[0]), "UK freight forwarder") {
			t.Fatalf("the cleared hit: %q", text(row[0]))
		}

		// Check now.
		rec = s.do(t, http.MethodPost, page+"/conflicts/check", marcus, url.Values{})
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != page+"#conflicts" {
			t.Fatalf("check now: %d %s", rec.Code, rec.Header().Get("Location"))
		}
	})
}

func TestPartyEditingOnTheMatterPage(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := newSite(t, e)
		ids := findConflictIDs(t, s)
		marcus := s.signIn(t, "marcus.oyelaran@hartwellcrane.example", "192.0.2.32")
		daniel := s.signIn(t, "daniel.brooks@hartwellcrane.example", "192.0.2.33")
		page := fmt.Sprintf("/matters/%d", ids.calloway)

		doc := parsePage(t, "matter as Daniel", s.do(t, http.MethodGet, page, daniel, nil))
		if len(withID(doc, "parties")) != 1 || len(withID(doc, "add-party")) != 0 {
			t.Fatal("staff should see the parties but not edit them")
		}
		rec := s.do(t, http.MethodPost, page+"/parties", daniel, url.Values{"name": {"Harbor Crane Services"}, "role": {"witness"}})
		if rec.Code != http.StatusForbidden {
			t.Fatalf("staff added a party: %d", rec.Code)
		}

		rec = s.do(t, http.MethodPost, page+"/parties", marcus, url.Values{"name": {"  "}, "role": {"witness"}})
		if rec.Code != http.StatusUnprocessableEntity {
			t.Fatalf("a party without a name: %d", rec.Code)
		}
		doc = parsePage(t, "refused party", rec)
		if in := withID(doc, "party-name"); len(in) != 1 || attrOf(in[0], "aria-invalid") != "true" {
			t.Fatal("the name field is not marked")
		}
		rec = s.do(t, http.MethodPost, page+"/parties", marcus, url.Values{"name": {"Harbor Crane Services"}, "role": {"witness"}, "aliases": {"HCS\r\nHarbour Crane"}})
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != page+"#parties" {
			t.Fatalf("adding a party: %d %s", rec.Code, rec.Header().Get("Location"))
		}
		doc = parsePage(t, "matter", s.do(t, http.MethodGet, page, marcus, nil))
		if card := withID(doc, "parties"); len(card) != 1 || !strings.Contains(text(card[0]), "Harbor Crane Services") || !strings.Contains(text(card[0]), "Harbour Crane") {
			t.Fatal("the new party and its aliases are not listed")
		}

		// Alias forms on /parties/{id}/… come back to the matter page.
		alias := fmt.Sprintf("/parties/%d/aliases", ids.brightwater)
		rec = s.do(t, http.MethodPost, alias, marcus, url.Values{"alias": {"Brightwater Insurance"}})
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != page+"#parties" {
			t.Fatalf("adding an alias: %d %s", rec.Code, rec.Header().Get("Location"))
		}
		rec = s.do(t, http.MethodPost, alias, marcus, url.Values{"alias": {"brightwater insurance"}})
		if rec.Code != http.StatusConflict {
			t.Fatalf("a repeated alias: %d", rec.Code)
		}
		doc = parsePage(t, "repeated alias", rec)
		if in := withID(doc, fmt.Sprintf("alias-%d", ids.brightwater)); len(in) != 1 || attrOf(in[0], "aria-invalid") != "true" {
			t.Fatal("the alias field is not marked")
		}
		rec = s.do(t, http.MethodPost, alias+"/remove", marcus, url.Values{"alias": {"Brightwater Insurance"}})
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("removing the alias: %d", rec.Code)
		}
		rec = s.do(t, http.MethodPost, fmt.Sprintf("/parties/%d/remove", ids.brightwater), marcus, url.Values{"reason": {""}})
		if rec.Code != http.StatusUnprocessableEntity {
			t.Fatalf("removing a party without a reason: %d", rec.Code)
		}
		doc = parsePage(t, "refused removal", rec)
		if in := withID(doc, fmt.Sprintf("remove-party-%d", ids.brightwater)); len(in) != 1 || attrOf(in[0], "aria-invalid") != "true" {
			t.Fatal("the reason field is not marked")
		}
	})
}

func TestDisclosurePages(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := newSite(t, e)
		ids := findConflictIDs(t, s)
		anika := s.signIn(t, "anika.deshmukh@lexora.example", "192.0.2.34")
		oliver := s.signIn(t, "oliver.bennett@meridiandiscovery.example", "192.0.2.35")
		daniel := s.signIn(t, "daniel.brooks@hartwellcrane.example", "192.0.2.36")
		page := fmt.Sprintf("/vendors/%d/disclosures", ids.lexora)
		rows := func(doc *html.Node) int {
			return len(elements(doc, func(n *html.Node) bool { return n.Data == "tr" && strings.HasPrefix(attrOf(n, "id"), "disclosure-") }))
		}

		doc := parsePage(t, "disclosures as Anika", s.do(t, http.MethodGet, page, anika, nil))
		n0 := rows(doc)
		if n0 == 0 || len(withID(doc, "add-disclosure")) != 1 || len(withID(doc, "import-disclosures")) != 1 {
			t.Fatalf("Anika's disclosures page: %d rows, forms missing?", n0)
		}
		doc = parsePage(t, "disclosures as Daniel", s.do(t, http.MethodGet, page, daniel, nil))
		if rows(doc) != n0 || len(withID(doc, "add-disclosure")) != 0 {
			t.Fatal("the firm should read the disclosures without forms")
		}
		if rec := s.do(t, http.MethodGet, page, oliver, nil); rec.Code != http.StatusNotFound {
			t.Fatalf("another vendor read Lexora's disclosures: %d", rec.Code)
		}
		if rec := s.do(t, http.MethodPost, page, daniel, url.Values{"name": {"Daniel's pick"}, "kind": {"client"}}); rec.Code != http.StatusForbidden {
			t.Fatalf("the firm added a vendor's disclosure: %d", rec.Code)
		}

		// One bad line: nothing imported, the line named.
		rec := s.do(t, http.MethodPost, page+"/import", anika, url.Values{"text": {"Alpha Textiles Ltd\nBeta Foods,vendor\nGamma Ports Ltd,client"}, "default_kind": {"client"}})
		if rec.Code != http.StatusUnprocessableEntity {
			t.Fatalf("import with a bad line: %d", rec.Code)
		}
		doc = parsePage(t, "refused import", rec)
		errs := elements(doc, func(n *html.Node) bool {
			return n.Data == "li" && n.Parent != nil && hasClass(n.Parent, "import-errors")
		})
		if len(errs) != 1 || !strings.Contains(text(errs[0]), "Line 2") || rows(doc) != n0 {
			t.Fatalf("refused import: %d errors, %d rows (want 1, %d)", len(errs), rows(doc), n0)
		}
		if ta := withID(doc, "d-text"); len(ta) != 1 || !strings.Contains(text(ta[0]), "Gamma Ports") {
			t.Fatal("the refused paste was lost")
		}
		rec = s.do(t, http.MethodPost, page+"/import", anika, url.Values{"text": {"Alpha Textiles Ltd\nBeta Foods,adverse_party\nGamma Ports Ltd,client"}, "default_kind": {"client"}})
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("import: %d", rec.Code)
		}
		doc = parsePage(t, "after import", s.do(t, http.MethodGet, rec.Header().Get("Location"), anika, nil))
		if rows(doc) != n0+3 || len(withID(doc, "imported")) != 1 {
			t.Fatalf("%d rows after importing 3 onto %d", rows(doc), n0)
		}

		// One at a time, and a removal that needs a reason.
		rec = s.do(t, http.MethodPost, page, anika, url.Values{"name": {""}, "kind": {"client"}})
		if rec.Code != http.StatusUnprocessableEntity {
			t.Fatalf("a disclosure without a name: %d", rec.Code)
		}
		if in := withID(parsePage(t, "refused disclosure", rec), "d-name"); len(in) != 1 || attrOf(in[0], "aria-invalid") != "true" {
			t.Fatal("the name field is not marked")
		}
		v, err := s.app.Disclosures(context.Background(), app.Operator, ids.lexora)
		if err != nil {
			t.Fatal(err)
		}
		first := v.Disclosures[0].ID
		rec = s.do(t, http.MethodPost, fmt.Sprintf("/disclosures/%d/remove", first), anika, url.Values{"reason": {""}})
		if rec.Code != http.StatusUnprocessableEntity {
			t.Fatalf("removal without a reason: %d", rec.Code)
		}
		if in := withID(parsePage(t, "refused removal", rec), fmt.Sprintf("remove-%d", first)); len(in) != 1 || attrOf(in[0], "aria-invalid") != "true" {
			t.Fatal("the reason field is not marked")
		}
		if rec := s.do(t, http.MethodPost, fmt.Sprintf("/disclosures/%d/remove", first), oliver, url.Values{"reason": {"not ours"}}); rec.Code != http.StatusNotFound {
			t.Fatalf("another vendor removed a disclosure: %d", rec.Code)
		}
		rec = s.do(t, http.MethodPost, fmt.Sprintf("/disclosures/%d/remove", first), anika, url.Values{"reason": {"The engagement ended in 2025"}})
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("removal: %d", rec.Code)
		}
	})
}

func TestPartySearchPage(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := newSite(t, e)
		ids := findConflictIDs(t, s)
		eleanor := s.signIn(t, "eleanor.hartwell@hartwellcrane.example", "192.0.2.37")
		priya := s.signIn(t, "priya.raman@hartwellcrane.example", "192.0.2.38")
		marcus := s.signIn(t, "marcus.oyelaran@hartwellcrane.example", "192.0.2.39")
		oliver := s.signIn(t, "oliver.bennett@meridiandiscovery.example", "192.0.2.40")
		search := "/parties/search?q=" + url.QueryEscape("Solace Pharmaceuticals Inc")
		ardent := fmt.Sprintf("/matters/%d#parties", ids.ardent)
		links := func(doc *html.Node, href string) int {
			return len(elements(doc, func(n *html.Node) bool { return n.Data == "a" && attrOf(n, "href") == href }))
		}

		doc := parsePage(t, "search as Eleanor", s.do(t, http.MethodGet, search, eleanor, nil))
		if links(doc, ardent) == 0 {
			t.Fatal("Eleanor does not find Solace on Ardent")
		}
		doc = parsePage(t, "search as Priya", s.do(t, http.MethodGet, search, priya, nil))
		if links(doc, ardent) != 0 || len(withID(doc, "gated")) != 0 || strings.Contains(text(doc), "2026-0177") {
			t.Fatal("Priya, screened from Ardent, learns of it from the search")
		}
		doc = parsePage(t, "search as Marcus", s.do(t, http.MethodGet, search, marcus, nil))
		if links(doc, ardent) != 0 || len(withID(doc, "gated")) != 1 {
			t.Fatal("without a second factor Marcus should be told of a withheld match, not shown it")
		}
		if len(withID(doc, "nav-search")) != 1 {
			t.Fatal("no search box in the navigation")
		}
		if doc := parsePage(t, "search as Marcus", s.do(t, http.MethodGet, "/search?q=Solace", marcus, nil)); len(withID(doc, "party-search-link")) != 1 {
			t.Fatal("the general search does not lead the firm to the party search")
		}
		if rec := s.do(t, http.MethodGet, search, oliver, nil); rec.Code != http.StatusForbidden {
			t.Fatalf("a vendor searched parties: %d", rec.Code)
		}
		if doc := parsePage(t, "search as Oliver", s.do(t, http.MethodGet, "/search?q=Solace", oliver, nil)); len(withID(doc, "party-search-link")) != 0 {
			t.Fatal("a vendor is offered the party search")
		}
		long := "/parties/search?q=" + strings.Repeat("x", 301)
		if rec := s.do(t, http.MethodGet, long, eleanor, nil); rec.Code != http.StatusUnprocessableEntity {
			t.Fatalf("an overlong search: %d", rec.Code)
		}
	})
}
