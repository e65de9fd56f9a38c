package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/probity/probity/internal/testenv"
)

// The rates API: timekeepers set by a firm administrator (refusals save
// nothing), and the engagement's rate card added to by the supervising
// attorney in the vendor's currency, read by the vendor manager, never by
// the client.
func TestRatesAPI(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newFixture(t, e)
		db := f.app.Store.DB()
		var id int64
		var supervisor string
		if err := db.QueryRow(`SELECT e.id, u.email FROM engagements e JOIN matters m ON m.id = e.matter_id JOIN vendors v ON v.id = e.vendor_id
			JOIN users u ON u.id = e.supervising_attorney_id WHERE m.number = '2026-0142' AND v.name LIKE 'Lexora%' AND e.stage = 'active'`).Scan(&id, &supervisor); err != nil {
			t.Fatal(err)
		}
		count := func(table string) int {
			var n int
			if err := db.QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		var rosaID int64
		if err := db.QueryRow(`SELECT id FROM users WHERE name = 'Rosa Jimenez'`).Scan(&rosaID); err != nil {
			t.Fatal(err)
		}
		admin, marcus, rosa := f.as(emailOf(t, "Eleanor Hartwell")), f.as(supervisor), f.as(emailOf(t, "Rosa Jimenez"))
		anika, helen := f.as(emailOf(t, "Anika Deshmukh")), f.as(emailOf(t, "Helen Calloway"))

		tk := fmt.Sprintf("/api/v1/users/%d/timekeeper", rosaID)
		tks, rates := count("timekeepers"), count("timekeeper_rates")
		wantError(t, admin.send(t, http.MethodPut, tk, []byte(`{"ledes_id":"HC-RJ","classification":"BOSS"}`), false), http.StatusUnprocessableEntity, "invalid")
		wantError(t, admin.send(t, http.MethodPut, tk, []byte(`{"ledes_id":"HC-RJ","classification":"OTHER","rate":"-5","from":"2026-01-01"}`), false), http.StatusUnprocessableEntity, "invalid")
		wantError(t, rosa.send(t, http.MethodPut, tk, []byte(`{"ledes_id":"HC-RJ","classification":"OTHER"}`), false), http.StatusForbidden, "forbidden")
		wantError(t, marcus.send(t, http.MethodGet, "/api/v1/timekeepers", nil, false), http.StatusForbidden, "forbidden")
		if count("timekeepers") != tks || count("timekeeper_rates") != rates {
			t.Fatal("a refused timekeeper was saved")
		}
		r := admin.send(t, http.MethodPut, tk, []byte(`{"ledes_id":"HC-RJ","classification":"other","rate":"150.00","from":"2026-01-01"}`), false)
		var got struct {
			LEDESID        string `json:"ledes_id"`
			Classification string `json:"classification"`
			Rates          []struct {
				From string `json:"from"`
				Rate struct {
					Minor    int64  `json:"minor"`
					Currency string `json:"currency"`
				} `json:"rate"`
				InForce bool `json:"in_force"`
			} `json:"rates"`
		}
		if r.status != http.StatusOK || json.Unmarshal(r.body, &got) != nil || got.LEDESID != "HC-RJ" || got.Classification != "OTHER" ||
			len(got.Rates) != 1 || got.Rates[0].Rate.Minor != 15000 || got.Rates[0].Rate.Currency != "USD" || !got.Rates[0].InForce {
			t.Fatalf("set timekeeper: %d %s", r.status, r.body)
		}
		wantError(t, admin.send(t, http.MethodPut, tk, []byte(`{"rate":"175.00","from":"2026-01-01"}`), false), http.StatusConflict, "conflict")

		card := fmt.Sprintf("/api/v1/engagements/%d/rate-card", id)
		lines := count("rate_card_lines")
		e1 := wantError(t, marcus.send(t, http.MethodPost, card, []byte(`{"kind":"per_unit","unit":"page","amount":"1.00","currency":"USD","from":"2026-03-01"}`), false),
			http.StatusUnprocessableEntity, "invalid")
		if e1.Error.Field != "currency" {
			t.Errorf("wrong currency names field %q", e1.Error.Field)
		}
		wantError(t, anika.send(t, http.MethodPost, card, []byte(`{"kind":"per_unit","unit":"page","amount":"1.00","from":"2026-03-01"}`), false), http.StatusForbidden, "forbidden")
		wantError(t, helen.send(t, http.MethodPost, card, []byte(`{"kind":"per_unit","unit":"page","amount":"1.00","from":"2026-03-01"}`), false), http.StatusNotFound, "not_found")
		if count("rate_card_lines") != lines {
			t.Fatal("a refused rate card line was saved")
		}
		r = marcus.send(t, http.MethodPost, card, []byte(`{"kind":"per_unit","unit":"page","amount":"12.50","from":"2026-03-01"}`), false)
		if r.status != http.StatusCreated {
			t.Fatalf("add line: %d %s", r.status, r.body)
		}
		var view struct {
			Currency string `json:"currency"`
			Lines    []struct {
				Unit   string `json:"unit"`
				Amount struct {
					Minor int64 `json:"minor"`
				} `json:"amount"`
			} `json:"lines"`
			CanSet bool `json:"can_set"`
		}
		anika.getJSON(t, card, &view)
		found := false
		for _, l := range view.Lines {
			found = found || l.Unit == "page" && l.Amount.Minor == 1250
		}
		var onEngagement int
		if err := db.QueryRow(`SELECT COUNT(*) FROM rate_card_lines WHERE engagement_id = $1`, id).Scan(&onEngagement); err != nil {
			t.Fatal(err)
		}
		if view.Currency != "INR" || !found || view.CanSet || len(view.Lines) != onEngagement {
			t.Errorf("the vendor manager's view: %+v", view)
		}
		wantError(t, helen.send(t, http.MethodGet, card, nil, false), http.StatusNotFound, "not_found")
	})
}
