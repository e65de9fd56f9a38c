package web_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/testenv"
)

// The scorecard pages on the demo: the comparison lists every vendor with
// the app's figures and downloads as CSV; the vendor page shows the
// scorecard and its chart to the firm and the vendor's own manager, and
// not to the vendor's professionals.
func TestScorecardPages(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := newSite(t, e)
		ctx := context.Background()
		marcus := s.signIn(t, "marcus.oyelaran@hartwellcrane.example", "192.0.2.80")
		cards, err := s.app.Scorecards(ctx, app.Operator)
		if err != nil {
			t.Fatal(err)
		}
		rec := s.do(t, http.MethodGet, "/vendors/scorecards", marcus, nil)
		if rec.Code != http.StatusOK {
			t.Fatalf("GET /vendors/scorecards: %d", rec.Code)
		}
		doc := parsePage(t, "GET /vendors/scorecards", rec)
		rows := elements(doc, func(n *html.Node) bool { return n.Data == "tr" && attrOf(n, "data-vendor") != "" })
		if len(rows) != len(cards) {
			t.Fatalf("%d rows, want one per vendor (%d)", len(rows), len(cards))
		}
		var lexora int64
		for i, c := range cards {
			if attrOf(rows[i], "data-vendor") != strconv.FormatInt(c.VendorID, 10) {
				t.Errorf("row %d is not %s", i, c.VendorName)
			}
			if strings.HasPrefix(c.VendorName, "Lexora") {
				lexora = c.VendorID
				pass := elements(rows[i], func(n *html.Node) bool { return hasClass(n, "sc-pass") })
				want := strconv.Itoa(c.Passed) + " of " + strconv.Itoa(c.Audits)
				if c.Audits == 0 || len(pass) != 1 || !strings.HasPrefix(text(pass[0]), want) {
					t.Errorf("Lexora's pass rate cell does not say %q", want)
				}
			}
		}
		if lexora == 0 {
			t.Fatal("no Lexora in the comparison")
		}

		rec = s.do(t, http.MethodGet, "/vendors/scorecards.csv", marcus, nil)
		if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") {
			t.Fatalf("GET /vendors/scorecards.csv: %d %s", rec.Code, rec.Header().Get("Content-Type"))
		}
		recs, err := csv.NewReader(rec.Body).ReadAll()
		if err != nil || len(recs) != len(cards)+1 || recs[0][0] != "vendor_id" {
			t.Fatalf("CSV: %d records, %v", len(recs), err)
		}
		for i, c := range cards {
			if recs[i+1][1] != c.VendorName || recs[i+1][2] != strconv.Itoa(c.Audits) || recs[i+1][6] != strconv.Itoa(c.Errors) {
				t.Errorf("CSV row %v does not match %s's scorecard", recs[i+1], c.VendorName)
			}
		}

		vendorPage := "/vendors/" + strconv.FormatInt(lexora, 10)
		for _, who := range []struct {
			email string
			sees  bool
		}{{"marcus.oyelaran@hartwellcrane.example", true}, {"anika.deshmukh@lexora.example", true}, {"rohan.kulkarni@lexora.example", false}} {
			rec := s.do(t, http.MethodGet, vendorPage, s.signIn(t, who.email, "192.0.2.81"), nil)
			doc := parsePage(t, who.email+" GET "+vendorPage, rec)
			card := elements(doc, func(n *html.Node) bool { return attrOf(n, "id") == "scorecard" })
			if (len(card) == 1) != who.sees {
				t.Errorf("%s sees the scorecard: %v, want %v", who.email, len(card) == 1, who.sees)
				continue
			}
			if !who.sees {
				continue
			}
			svg := elements(card[0], func(n *html.Node) bool { return n.Data == "svg" && attrOf(n, "role") == "img" })
			table := elements(card[0], func(n *html.Node) bool { return n.Data == "table" && hasClass(n, "chart-data") })
			if len(svg) != 1 || len(table) != 1 {
				t.Errorf("%s: the scorecard has %d charts and %d data tables, want 1 and 1", who.email, len(svg), len(table))
			}
		}
	})
}
