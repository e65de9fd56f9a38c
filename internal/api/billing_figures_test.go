package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/probity/probity/internal/testenv"
)

// The billing figures API: firm time recorded (a future day refused, nothing
// saved), listed and deleted; a budget set in the firm's currency (another
// refused) and read with its figures; savings per week for the firm, and
// for a client contact their own; refused to a vendor.
func TestBillingFiguresAPI(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newFixture(t, e)
		db := f.app.Store.DB()
		var eng, matter int64
		if err := db.QueryRow(`SELECT e.id, e.matter_id FROM engagements e JOIN vendors v ON v.id = e.vendor_id WHERE e.stage = 'active' AND v.name LIKE 'Lexora%'`).Scan(&eng, &matter); err != nil {
			t.Fatal(err)
		}
		count := func(table string) int {
			var n int
			if err := db.QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		marcus, daniel := f.as(emailOf(t, "Marcus Oyelaran")), f.as(emailOf(t, "Daniel Brooks"))
		helen, anika := f.as(emailOf(t, "Helen Calloway")), f.as(emailOf(t, "Anika Deshmukh"))
		entries := count("firm_time_entries")
		body := func(day string) []byte {
			return []byte(fmt.Sprintf(`{"matter_id":%d,"engagement_id":%d,"date":"%s","hours":"1.5","purpose":"rework","task_code":"L110","activity_code":"A104","narrative":"Redid two privilege calls"}`,
				matter, eng, day))
		}
		if e := wantError(t, marcus.send(t, http.MethodPost, "/api/v1/firm-time", body("2099-01-01"), false), http.StatusUnprocessableEntity, "invalid"); e.Error.Field != "date" {
			t.Errorf("field %q, want date", e.Error.Field)
		}
		if count("firm_time_entries") != entries {
			t.Fatal("a refused entry was saved")
		}
		r := marcus.send(t, http.MethodPost, "/api/v1/firm-time", body("2026-03-03"), false)
		if r.status != http.StatusCreated {
			t.Fatalf("record: %d\n%s", r.status, r.body)
		}
		var entry struct {
			ID      int64  `json:"id"`
			Hours   string `json:"hours"`
			Purpose string `json:"purpose"`
		}
		if err := json.Unmarshal(r.body, &entry); err != nil || entry.Hours != "1.5" || entry.Purpose != "rework" {
			t.Fatalf("entry: %v %s", err, r.body)
		}
		var list struct {
			Total   string `json:"total_hours"`
			Entries []struct {
				ID int64 `json:"id"`
			} `json:"entries"`
		}
		marcus.getJSON(t, fmt.Sprintf("/api/v1/firm-time?matter=%d&from=2026-03-01&to=2026-03-31", matter), &list)
		if len(list.Entries) == 0 || list.Entries[0].ID != entry.ID {
			t.Fatalf("list: %+v", list)
		}

		var week struct {
			Periods []struct {
				Period      string `json:"period"`
				ReworkHours string `json:"rework_hours"`
				HoursFreed  string `json:"hours_freed"`
			} `json:"periods"`
		}
		marcus.getJSON(t, fmt.Sprintf("/api/v1/savings?by=week&from=2026-03-02&to=2026-03-08&matter=%d", matter), &week)
		if len(week.Periods) != 1 || week.Periods[0].Period != "2026-W10" || week.Periods[0].ReworkHours != "1.50" || week.Periods[0].HoursFreed != "-1.50" {
			t.Fatalf("savings: %+v", week)
		}
		helen.getJSON(t, "/api/v1/savings?by=month", &week)
		wantError(t, anika.send(t, http.MethodGet, "/api/v1/savings", nil, false), http.StatusForbidden, "forbidden")

		wantError(t, daniel.send(t, http.MethodDelete, fmt.Sprintf("/api/v1/firm-time/%d", entry.ID), nil, false), http.StatusForbidden, "forbidden")
		if r := marcus.send(t, http.MethodDelete, fmt.Sprintf("/api/v1/firm-time/%d", entry.ID), nil, false); r.status != http.StatusNoContent || count("firm_time_entries") != entries {
			t.Fatalf("delete: %d %s", r.status, r.body)
		}

		budgets := count("budgets")
		if e := wantError(t, marcus.send(t, http.MethodPut, "/api/v1/budgets", []byte(fmt.Sprintf(`{"matter_id":%d,"amount":"1000","currency":"INR"}`, matter)), false),
			http.StatusUnprocessableEntity, "invalid"); e.Error.Field != "currency" {
			t.Errorf("field %q, want currency", e.Error.Field)
		}
		wantError(t, daniel.send(t, http.MethodPut, "/api/v1/budgets", []byte(fmt.Sprintf(`{"matter_id":%d,"amount":"1000"}`, matter)), false), http.StatusForbidden, "forbidden")
		if count("budgets") != budgets {
			t.Fatal("a refused budget was saved")
		}
		r = marcus.send(t, http.MethodPut, "/api/v1/budgets", []byte(fmt.Sprintf(`{"matter_id":%d,"engagement_id":%d,"amount":"1000"}`, matter, eng)), false)
		var b struct {
			Amount struct {
				Minor    int64  `json:"minor"`
				Currency string `json:"currency"`
			} `json:"amount"`
			EngagementID int64 `json:"engagement_id"`
		}
		if r.status != http.StatusOK || json.Unmarshal(r.body, &b) != nil || b.Amount.Minor != 100000 || b.Amount.Currency != "USD" || b.EngagementID != eng {
			t.Fatalf("put budget: %d %s", r.status, r.body)
		}
		var all struct {
			Budgets []json.RawMessage `json:"budgets"`
		}
		daniel.getJSON(t, "/api/v1/budgets", &all)
		// The demo may already budget this engagement: setting it again replaces it.
		if n := count("budgets"); len(all.Budgets) != n || (n != budgets && n != budgets+1) {
			t.Fatalf("budgets: %d listed, %d stored, %d before", len(all.Budgets), n, budgets)
		}
		wantError(t, helen.send(t, http.MethodGet, "/api/v1/budgets", nil, false), http.StatusForbidden, "forbidden")
	})
}
