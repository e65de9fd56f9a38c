package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/probity/probity/internal/testenv"
)

// TestRatesPages: the firm administrator sees the demo timekeepers with the
// rate in force and its history; a refused timekeeper form answers 422 with
// the field marked and saves nothing; an attorney is refused. On the
// Statement of work tab the supervising attorney sees the rate card and its
// form, a line in the wrong currency is refused there, and a good line is
// added; the vendor manager sees the card without the form.
func TestRatesPages(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := newSite(t, e)
		db := s.app.Store.DB()
		admin := s.signIn(t, "eleanor.hartwell@hartwellcrane.example", "192.0.2.90")
		marcus := s.signIn(t, "marcus.oyelaran@hartwellcrane.example", "192.0.2.91")
		anika := s.signIn(t, "anika.deshmukh@lexora.example", "192.0.2.92")
		count := func(table string) int {
			var n int
			if err := db.QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		page := parsePage(t, "timekeepers", s.do(t, http.MethodGet, "/admin/timekeepers", admin, nil))
		tk := text(ogOne(t, "timekeepers", page, ogID("timekeepers")))
		for _, want := range []string{"Marcus Oyelaran", "HC-0107", "PARTNR", "$950.00", "$875.00", "Daniel Brooks", "PARLGL"} {
			if !strings.Contains(tk, want) {
				t.Errorf("the timekeepers table lacks %q:\n%s", want, tk)
			}
		}
		if rec := s.do(t, http.MethodGet, "/admin/timekeepers", marcus, nil); rec.Code != http.StatusForbidden {
			t.Errorf("an attorney on the timekeepers page: %d, want 403", rec.Code)
		}
		var rosa int64
		if err := db.QueryRow(`SELECT id FROM users WHERE name = 'Rosa Jimenez'`).Scan(&rosa); err != nil {
			t.Fatal(err)
		}
		tks := count("timekeepers")
		rec := s.do(t, http.MethodPost, "/admin/timekeepers", admin, url.Values{"user_id": {fmt.Sprint(rosa)}, "ledes_id": {"HC 0400"}, "classification": {"OTHER"}})
		if rec.Code != http.StatusUnprocessableEntity {
			t.Fatalf("a bad LEDES id: %d, want 422", rec.Code)
		}
		field := ogOne(t, "LEDES id field", parsePage(t, "refused", rec), ogID("tk-id"))
		if attrOf(field, "aria-invalid") != "true" || attrOf(field, "value") != "HC 0400" {
			t.Errorf("the refused field is not marked or lost its value")
		}
		if count("timekeepers") != tks {
			t.Fatal("a refused timekeeper was saved")
		}
		rec = s.do(t, http.MethodPost, "/admin/timekeepers", admin, url.Values{"user_id": {fmt.Sprint(rosa)}, "ledes_id": {"HC-0400"}, "classification": {"OTHER"},
			"rate": {"150"}, "from": {"2026-01-01"}})
		if rec.Code != http.StatusSeeOther || count("timekeepers") != tks+1 {
			t.Fatalf("set Rosa: %d", rec.Code)
		}

		var id int64
		if err := db.QueryRow(`SELECT e.id FROM engagements e JOIN vendors v ON v.id = e.vendor_id WHERE e.stage = 'active' AND v.name LIKE 'Lexora%'`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		sow := fmt.Sprintf("/engagements/%d/sow", id)
		card := ogOne(t, "rate card", parsePage(t, "sow", s.do(t, http.MethodGet, sow, marcus, nil)), ogID("rate-card"))
		if c := text(card); !strings.Contains(c, "₹1,650.00") || !strings.Contains(c, "per document") {
			t.Errorf("the rate card lacks the demo's rates:\n%s", c)
		}
		ogOne(t, "rate card form", card, ogID("rate-card-form"))
		vendorCard := ogOne(t, "vendor's rate card", parsePage(t, "sow", s.do(t, http.MethodGet, sow, anika, nil)), ogID("rate-card"))
		if len(elements(vendorCard, ogID("rate-card-form"))) != 0 {
			t.Error("the vendor manager is offered the rate card form")
		}
		lines := count("rate_card_lines")
		rec = s.do(t, http.MethodPost, sow[:len(sow)-len("/sow")]+"/rate-card", marcus, url.Values{"kind": {"per_unit"}, "unit": {"page"}, "amount": {"4"},
			"currency": {"USD"}, "from": {"2026-03-01"}})
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "the rate card is in INR") {
			t.Fatalf("wrong currency: %d", rec.Code)
		}
		if count("rate_card_lines") != lines {
			t.Fatal("a refused line was saved")
		}
		rec = s.do(t, http.MethodPost, sow[:len(sow)-len("/sow")]+"/rate-card", marcus, url.Values{"kind": {"per_unit"}, "unit": {"page"}, "amount": {"4"},
			"currency": {"INR"}, "from": {"2026-03-01"}})
		if rec.Code != http.StatusSeeOther || count("rate_card_lines") != lines+1 {
			t.Fatalf("add a line: %d", rec.Code)
		}
	})
}
