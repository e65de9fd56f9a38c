package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/probity/probity/internal/testenv"
)

func TestSearchPage(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := newSite(t, e)
		eleanor := s.signIn(t, "eleanor.hartwell@hartwellcrane.example", "192.0.2.61")
		priya := s.signIn(t, "priya.raman@hartwellcrane.example", "192.0.2.62")
		helen := s.signIn(t, "helen.calloway@callowayfreight.example", "192.0.2.63")
		anika := s.signIn(t, "anika.deshmukh@lexora.example", "192.0.2.64")
		marks := func(doc *html.Node) []string {
			var out []string
			for _, m := range elements(doc, func(n *html.Node) bool { return n.Type == html.ElementNode && n.Data == "mark" }) {
				out = append(out, text(m))
			}
			return out
		}
		hrefs := func(doc *html.Node, prefix string) int {
			return len(elements(doc, func(n *html.Node) bool { return n.Data == "a" && strings.HasPrefix(attrOf(n, "href"), prefix) }))
		}

		// The box is in every signed-in header.
		for _, who := range []string{eleanor, priya, helen, anika} {
			if doc := parsePage(t, "home", s.do(t, http.MethodGet, "/home", who, nil)); len(withID(doc, "nav-search")) != 1 || len(withID(doc, "nav-q")) != 1 {
				t.Fatal("no search box in the header")
			}
		}

		// Eleanor finds Ardent, highlighted; Priya, screened, sees no trace of it.
		doc := parsePage(t, "Eleanor", s.do(t, http.MethodGet, "/search?q=solace", eleanor, nil))
		if len(withID(doc, "results-matters")) != 1 || len(marks(doc)) == 0 || !strings.EqualFold(marks(doc)[0], "solace") {
			t.Fatalf("Eleanor's results: %v", marks(doc))
		}
		rec := s.do(t, http.MethodGet, "/search?q=solace", priya, nil)
		doc = parsePage(t, "Priya", rec)
		if rec.Code != http.StatusOK || strings.Contains(text(doc), "2026-0177") || len(marks(doc)) != 0 || len(withID(doc, "search-gated")) != 0 {
			t.Fatalf("Priya learns of Ardent: %d %q", rec.Code, text(doc))
		}
		if len(withID(doc, "party-search-link")) != 1 {
			t.Fatal("no way from the search to the party search for the firm")
		}
		// A client sees her own matter and no party search.
		doc = parsePage(t, "Helen", s.do(t, http.MethodGet, "/search?q=calloway", helen, nil))
		if hrefs(doc, "/matters/") == 0 || len(withID(doc, "party-search-link")) != 0 || len(withID(doc, "results-parties")) != 0 || len(withID(doc, "results-messages")) != 0 {
			t.Fatal("Helen's results")
		}
		if doc := parsePage(t, "Helen", s.do(t, http.MethodGet, "/search?q=solace", helen, nil)); strings.Contains(text(doc), "2026-0177") {
			t.Fatal("Helen learns of another client's matter")
		}

		// Markup in the data and in the term is text, never HTML.
		if _, err := s.app.Store.DB().Exec(`UPDATE matters SET title = title || ' <b>bold</b> & co' WHERE number = '2026-0142'`); err != nil {
			t.Fatal(err)
		}
		rec = s.do(t, http.MethodGet, "/search?q="+url.QueryEscape("<b>bold"), eleanor, nil)
		doc = parsePage(t, "markup", rec)
		if m := marks(doc); len(m) != 1 || m[0] != "<b>bold" {
			t.Fatalf("marks %q", m)
		}
		if strings.Contains(rec.Body.String(), "<b>bold</b>") || len(elements(doc, func(n *html.Node) bool { return n.Data == "b" })) != 0 {
			t.Fatal("data rendered as HTML")
		}

		// Too short, empty: a clear message on the field, nothing searched.
		for _, q := range []string{"", "x", " y "} {
			rec := s.do(t, http.MethodGet, "/search?q="+url.QueryEscape(q), eleanor, nil)
			doc := parsePage(t, "short", rec)
			if rec.Code != http.StatusUnprocessableEntity || len(withID(doc, "search-q-error")) != 1 || attrOf(withID(doc, "search-q")[0], "aria-invalid") != "true" {
				t.Fatalf("%q: %d", q, rec.Code)
			}
		}
		if rec := s.do(t, http.MethodGet, "/search", eleanor, nil); rec.Code != http.StatusOK || len(withID(parsePage(t, "blank", rec), "search-hint")) != 1 {
			t.Fatalf("the blank page: %d", rec.Code)
		}
		if rec := s.do(t, http.MethodGet, "/search?q=calloway&kind=parties", helen, nil); rec.Code != http.StatusUnprocessableEntity {
			t.Fatalf("a client asking for parties: %d", rec.Code)
		}

		// "More": a group with more than it shows links to all of it.
		doc = parsePage(t, "more", s.do(t, http.MethodGet, "/search?q=re", eleanor, nil))
		more := elements(doc, func(n *html.Node) bool { return strings.HasPrefix(attrOf(n, "id"), "more-") })
		if len(more) == 0 {
			t.Fatal("no group links to more of itself")
		}
		kind := strings.TrimPrefix(attrOf(more[0], "id"), "more-")
		shown := len(elements(withID(doc, "results-"+kind)[0], func(n *html.Node) bool { return n.Data == "li" }))
		doc = parsePage(t, "all of a group", s.do(t, http.MethodGet, attrOf(more[0], "href"), eleanor, nil))
		if len(withID(doc, "search-all")) != 1 || len(withID(doc, "results-"+kind)) != 1 ||
			len(elements(withID(doc, "results-"+kind)[0], func(n *html.Node) bool { return n.Data == "li" })) <= shown {
			t.Fatalf("all of %s: not more than the %d first", kind, shown)
		}
		if s.do(t, http.MethodGet, "/search?q=solace", "", nil).Code != http.StatusSeeOther {
			t.Fatal("signed out")
		}
	})
}
