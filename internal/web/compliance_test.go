package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/probity/probity/internal/testenv"
)

func TestComplianceRecordPages(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := newSite(t, e)
		c := findConflictIDs(t, s)
		marcus := s.signIn(t, "marcus.oyelaran@hartwellcrane.example", "198.51.100.30")
		helen := s.signIn(t, "helen.calloway@callowayfreight.example", "198.51.100.31")
		victor := s.signIn(t, "victor.lin@ardentbio.example", "198.51.100.32")
		oliver := s.signIn(t, "oliver.bennett@meridiandiscovery.example", "198.51.100.33")
		base := fmt.Sprintf("/matters/%d/compliance", c.calloway)

		// The matter page links to the record, for the firm and the client, not for the vendor.
		for who, session := range map[string]string{"firm": marcus, "client": helen} {
			doc := parsePage(t, "matter page", s.do(t, http.MethodGet, fmt.Sprintf("/matters/%d", c.calloway), session, nil))
			if len(elements(doc, func(n *html.Node) bool { return n.Data == "a" && attrOf(n, "href") == base })) != 1 {
				t.Errorf("%s: the matter page does not link to the compliance record", who)
			}
		}
		if rec := s.do(t, http.MethodGet, fmt.Sprintf("/matters/%d", c.calloway), oliver, nil); strings.Contains(rec.Body.String(), base) {
			t.Error("the vendor's matter page links to the compliance record")
		}

		// The page: each vendor, the gaps as red "Not recorded" badges, the PDF link.
		rec := s.do(t, http.MethodGet, base, marcus, nil)
		if rec.Code != http.StatusOK {
			t.Fatalf("page: %d", rec.Code)
		}
		doc := parsePage(t, "compliance record", rec)
		body := text(doc)
		for _, want := range []string{"2026-0142", "Lexora Legal Services Pvt. Ltd.", "Meridian Discovery Partners Ltd", "Tide Water Logistics Holding Ltd"} {
			if !strings.Contains(body, want) {
				t.Errorf("page lacks %q", want)
			}
		}
		gaps := elements(doc, func(n *html.Node) bool {
			return n.Data == "span" && hasClass(n, "badge") && hasClass(n, "bad") && strings.TrimSpace(text(n)) == "Not recorded"
		})
		if len(gaps) < 8 {
			t.Errorf("%d red Not recorded badges, want at least 8 (4 per engagement)", len(gaps))
		}
		billing := elements(doc, func(n *html.Node) bool { return n.Data == "tr" && attrOf(n, "data-obligation") == "billing" })
		if n := countRows(t, s, `SELECT COUNT(*) FROM engagements WHERE matter_id = $1`, c.calloway); len(billing) != n || !strings.Contains(text(billing[0]), "Not recorded") {
			t.Errorf("billing rows: %d, want one per engagement on the matter (%d)", len(billing), n)
		}
		if len(elements(doc, func(n *html.Node) bool { return n.Data == "a" && attrOf(n, "href") == base+".pdf" })) != 1 {
			t.Error("no PDF link")
		}

		// The client reads their copy, without the names behind the conflict hits.
		rec = s.do(t, http.MethodGet, base, helen, nil)
		if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), "Tide Water") {
			t.Errorf("client page: %d, hit names shown: %v", rec.Code, strings.Contains(rec.Body.String(), "Tide Water"))
		}

		// The PDF: an attachment, read back.
		rec = s.do(t, http.MethodGet, base+".pdf", marcus, nil)
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/pdf" ||
			!strings.HasPrefix(rec.Header().Get("Content-Disposition"), "attachment") {
			t.Fatalf("PDF: %d %q %q", rec.Code, rec.Header().Get("Content-Type"), rec.Header().Get("Content-Disposition"))
		}
		pt := testenv.PdfToText(t, rec.Body.Bytes())
		for _, want := range []string{"2026-0142", "Lexora Legal Services Pvt. Ltd.", "Meridian Discovery Partners Ltd", "Not recorded"} {
			if !strings.Contains(pt, want) {
				t.Errorf("PDF text lacks %q", want)
			}
		}

		// Another client's contact and a vendor's user: not found, page and PDF.
		for who, session := range map[string]string{"other client": victor, "vendor": oliver} {
			for _, path := range []string{base, base + ".pdf"} {
				if rec := s.do(t, http.MethodGet, path, session, nil); rec.Code != http.StatusNotFound {
					t.Errorf("%s %s: %d, want 404", who, path, rec.Code)
				}
			}
		}
	})
}
