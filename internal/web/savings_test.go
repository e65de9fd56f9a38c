package web_test

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/probity/probity/internal/testenv"
)

// TestFirmTimeBudgetsSavingsPages: the firm's time page records and
// refuses (422, the field marked, input kept, nothing saved) and deletes;
// the budgets page refuses a budget in another currency and saves a good
// one; the savings page draws both charts with their tables, and its CSV
// has the same numbers; the home pages carry the chart cards by role.
func TestFirmTimeBudgetsSavingsPages(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := newSite(t, e)
		db := s.app.Store.DB()
		admin := s.signIn(t, "eleanor.hartwell@hartwellcrane.example", "192.0.2.110")
		marcus := s.signIn(t, "marcus.oyelaran@hartwellcrane.example", "192.0.2.111")
		daniel := s.signIn(t, "daniel.brooks@hartwellcrane.example", "192.0.2.112")
		helen := s.signIn(t, "helen.calloway@callowayfreight.example", "192.0.2.113")
		count := func(table string) int {
			var n int
			if err := db.QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		var eng, matter int64
		if err := db.QueryRow(`SELECT e.id, e.matter_id FROM engagements e JOIN vendors v ON v.id = e.vendor_id WHERE e.stage = 'active' AND v.name LIKE 'Lexora%'`).Scan(&eng, &matter); err != nil {
			t.Fatal(err)
		}

		page := parsePage(t, "time", s.do(t, http.MethodGet, "/time", marcus, nil))
		ogOne(t, "record form", page, ogID("record"))
		if !strings.Contains(text(page), "never billed") {
			t.Error("the form does not say rework is never billed")
		}
		entries := count("firm_time_entries")
		form := url.Values{"matter_id": {fmt.Sprint(matter)}, "engagement_id": {fmt.Sprint(eng)}, "date": {"2026-03-03"}, "hours": {"-1"}, "purpose": {"supervision"},
			"task_code": {"L110"}, "activity_code": {"A104"}, "narrative": {"Checked the vendor's privilege calls"}}
		rec := s.do(t, http.MethodPost, "/time", marcus, form)
		if rec.Code != http.StatusUnprocessableEntity {
			t.Fatalf("negative hours: %d, want 422", rec.Code)
		}
		refused := parsePage(t, "refused", rec)
		if f := ogOne(t, "hours field", refused, ogID("rt-hours")); attrOf(f, "aria-invalid") != "true" || attrOf(f, "value") != "-1" {
			t.Error("the refused hours are not marked or lost their value")
		}
		if count("firm_time_entries") != entries {
			t.Fatal("a refused entry was saved")
		}
		form.Set("hours", "1.5")
		if rec := s.do(t, http.MethodPost, "/time", marcus, form); rec.Code != http.StatusSeeOther || count("firm_time_entries") != entries+1 {
			t.Fatalf("record: %d", rec.Code)
		}
		var id int64
		if err := db.QueryRow(`SELECT MAX(id) FROM firm_time_entries`).Scan(&id); err != nil {
			t.Fatal(err)
		}

		// Savings: the supervision hour and a half is 1.50 hours against the
		// week of 2 March, with no vendor work: −1.50 freed.
		q := "?by=week&from=2026-03-02&to=2026-03-15&matter=" + fmt.Sprint(matter)
		sp := parsePage(t, "savings", s.do(t, http.MethodGet, "/savings"+q, admin, nil))
		ogOne(t, "hours chart", sp, ogID("savings-hours"))
		ogOne(t, "passed chart", sp, ogID("savings-passed"))
		periods := text(ogOne(t, "periods", sp, ogID("savings-periods")))
		if !strings.Contains(periods, "2026-W10") || !strings.Contains(periods, "-1.50") {
			t.Errorf("the periods table lacks the week's figures:\n%s", periods)
		}
		rec = s.do(t, http.MethodGet, "/savings.csv"+q, admin, nil)
		if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") {
			t.Fatalf("csv: %d %s", rec.Code, rec.Header().Get("Content-Type"))
		}
		rows, err := csv.NewReader(strings.NewReader(rec.Body.String())).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) < 3 || rows[0][8] != "hours_freed" || rows[1][0] != "2026-W10" || rows[1][2] != "all" || rows[1][6] != "1.50" || rows[1][8] != "-1.50" {
			t.Fatalf("csv rows: %q", rows[:min(3, len(rows))])
		}
		if rec := s.do(t, http.MethodGet, "/savings", helen, nil); rec.Code != http.StatusOK {
			t.Errorf("Helen's savings: %d", rec.Code)
		}
		if rec := s.do(t, http.MethodPost, fmt.Sprintf("/time/%d/delete", id), daniel, url.Values{}); rec.Code != http.StatusForbidden {
			t.Errorf("Daniel deletes Marcus's time: %d, want 403", rec.Code)
		}
		if rec := s.do(t, http.MethodPost, fmt.Sprintf("/time/%d/delete", id), marcus, url.Values{}); rec.Code != http.StatusSeeOther || count("firm_time_entries") != entries {
			t.Fatalf("delete: %d", rec.Code)
		}

		budgets := count("budgets")
		rec = s.do(t, http.MethodPost, "/budgets", marcus, url.Values{"matter_id": {fmt.Sprint(matter)}, "amount": {"250000"}, "currency": {"EUR"}})
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "USD") || count("budgets") != budgets {
			t.Fatalf("a budget in EUR: %d", rec.Code)
		}
		if rec := s.do(t, http.MethodPost, "/budgets", marcus, url.Values{"matter_id": {fmt.Sprint(matter)}, "amount": {"250000"}}); rec.Code != http.StatusSeeOther {
			t.Fatalf("a budget: %d", rec.Code)
		}
		bp := parsePage(t, "budgets", s.do(t, http.MethodGet, fmt.Sprintf("/budgets?matter=%d", matter), daniel, nil))
		if b := text(ogOne(t, "budgets", bp, ogID("budgets"))); !strings.Contains(b, "$250,000.00") {
			t.Errorf("the budget is not listed:\n%s", b)
		}
		if len(elements(bp, ogID("set-budget"))) != 0 {
			t.Error("staff are offered the budget form")
		}
		if rec := s.do(t, http.MethodGet, "/budgets", helen, nil); rec.Code != http.StatusForbidden {
			t.Errorf("a client on budgets: %d, want 403", rec.Code)
		}

		home := parsePage(t, "home", s.do(t, http.MethodGet, "/home", admin, nil))
		ogOne(t, "hours card", home, ogID("home-hours-saved"))
		ogOne(t, "passed card", home, ogID("home-savings-passed"))
		ogOne(t, "client card", parsePage(t, "home", s.do(t, http.MethodGet, "/home", helen, nil)), ogID("home-client-savings"))
		if staff := parsePage(t, "home", s.do(t, http.MethodGet, "/home", daniel, nil)); len(elements(staff, ogID("home-hours-saved"))) != 0 {
			t.Error("staff see the savings cards")
		}
	})
}
