package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/probity/probity/internal/testenv"
)

// The client invoices API: a refused draft saves nothing; a draft with a
// markup on a disbursement is held, sending it is refused until Marcus (a
// PARTNR) overrides with a reason; then the client contact reads it
// without the firm's flags, and a credit note credits a line once.
func TestClientInvoicesAPI(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newFixture(t, e)
		db := f.app.Store.DB()
		var eid, mid, vid, marcusID, anikaID, vi int64
		if err := db.QueryRow(`SELECT e.id, e.matter_id, e.vendor_id, e.supervising_attorney_id FROM engagements e JOIN matters m ON m.id = e.matter_id
			JOIN vendors v ON v.id = e.vendor_id WHERE m.number = '2026-0142' AND v.name LIKE 'Lexora%' AND e.stage = 'active'`).Scan(&eid, &mid, &vid, &marcusID); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow(`SELECT id FROM users WHERE email = $1`, emailOf(t, "Anika Deshmukh")).Scan(&anikaID); err != nil {
			t.Fatal(err)
		}
		exec := func(q string, args ...any) {
			if _, err := db.Exec(q, args...); err != nil {
				t.Fatal(q, err)
			}
		}
		exec(`UPDATE engagements SET billing_mode = 'disbursement' WHERE id = $1`, eid)
		if err := db.QueryRow(`INSERT INTO vendor_invoices (engagement_id, vendor_id, number, invoice_date, period_start, period_end, currency, total_minor,
			approved_minor, state, firm_cost_minor, firm_currency, submitted_by, submitted_at, decided_by, decided_at)
			VALUES ($1, $2, 'API-TEST-1', '2026-02-20', '2026-02-01', '2026-02-20', 'INR', 8000000, 8000000, 'approved', 100000, 'USD', $3, 1, $4, 2) RETURNING id`,
			eid, vid, anikaID, marcusID).Scan(&vi); err != nil {
			t.Fatal(err)
		}
		exec(`INSERT INTO vendor_invoice_lines (invoice_id, position, kind, user_id, classification, worked_on, quantity, rate_minor, amount_minor,
			task_code, activity_code, state, approved_minor, inhouse_minor) VALUES ($1, 1, 'hourly', $2, 'PARLGL', '2026-02-10', 2000, 400000, 8000000,
			'L320', 'A104', 'accepted', 8000000, 300000)`, vi, anikaID)
		count := func() int {
			var n int
			if err := db.QueryRow(`SELECT COUNT(*) FROM client_invoices`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		var marcusEmail string
		if err := db.QueryRow(`SELECT email FROM users WHERE id = $1`, marcusID).Scan(&marcusEmail); err != nil {
			t.Fatal(err)
		}
		rosa, marcus, helen := f.as(emailOf(t, "Rosa Jimenez")), f.as(marcusEmail), f.as(emailOf(t, "Helen Calloway"))

		before := count()
		wantError(t, rosa.send(t, http.MethodPost, "/api/v1/invoices", []byte(fmt.Sprintf(`{"matter_id":%d,"start":"2026-02-01","end":"2026-01-01"}`, mid)), false), http.StatusUnprocessableEntity, "invalid")
		wantError(t, helen.send(t, http.MethodPost, "/api/v1/invoices", []byte(fmt.Sprintf(`{"matter_id":%d,"start":"2026-02-01","end":"2026-02-28"}`, mid)), false), http.StatusForbidden, "forbidden")
		if count() != before {
			t.Fatal("a refused draft was saved")
		}
		r := rosa.send(t, http.MethodPost, "/api/v1/invoices", []byte(fmt.Sprintf(`{"matter_id":%d,"start":"2026-02-01","end":"2026-02-28","date":"2026-03-01","markup_percent":"10"}`, mid)), false)
		var inv struct {
			ID           int64                   `json:"id"`
			Number       string                  `json:"number"`
			State        string                  `json:"state"`
			Held         bool                    `json:"held"`
			Flags        []struct{ Code string } `json:"flags"`
			Transparency *struct {
				InHouse struct{ Minor int64 } `json:"in_house"`
			} `json:"transparency"`
			Lines []struct {
				Position int64  `json:"position"`
				Type     string `json:"type"`
			} `json:"lines"`
		}
		if r.status != http.StatusCreated || json.Unmarshal(r.body, &inv) != nil || !inv.Held || len(inv.Flags) == 0 || inv.Flags[0].Code != "disbursement_markup" ||
			inv.Transparency == nil || inv.Transparency.InHouse.Minor != 300000 {
			t.Fatalf("draft: %d %s", r.status, r.body)
		}
		at := fmt.Sprintf("/api/v1/invoices/%d", inv.ID)
		if r := marcus.send(t, http.MethodPost, at+"/approve", nil, false); r.status != http.StatusOK {
			t.Fatalf("approve: %d %s", r.status, r.body)
		}
		wantError(t, rosa.send(t, http.MethodPost, at+"/send", nil, false), http.StatusConflict, "gate_closed")
		wantError(t, helen.send(t, http.MethodGet, at, nil, false), http.StatusNotFound, "not_found")
		wantError(t, marcus.send(t, http.MethodPost, at+"/override", []byte(`{"reason":"short"}`), false), http.StatusUnprocessableEntity, "invalid")
		if r := marcus.send(t, http.MethodPost, at+"/override", []byte(`{"reason":"The client agreed to the markup in writing on 2 January."}`), false); r.status != http.StatusOK {
			t.Fatalf("override: %d %s", r.status, r.body)
		}
		if r := rosa.send(t, http.MethodPost, at+"/send", nil, false); r.status != http.StatusOK {
			t.Fatalf("send: %d %s", r.status, r.body)
		}
		r = helen.send(t, http.MethodGet, at, nil, false)
		var seen map[string]any
		if r.status != http.StatusOK || json.Unmarshal(r.body, &seen) != nil || seen["flags"] != nil || seen["override_reason"] != nil {
			t.Fatalf("client's view: %d %s", r.status, r.body)
		}
		r = rosa.send(t, http.MethodPost, at+"/credit-note", []byte(`{"reason":"The vendor refunded the review","lines":[1]}`), false)
		var cn struct{ Number string }
		if r.status != http.StatusCreated || json.Unmarshal(r.body, &cn) != nil || cn.Number == "" {
			t.Fatalf("credit note: %d %s", r.status, r.body)
		}
		wantError(t, rosa.send(t, http.MethodPost, at+"/credit-note", []byte(`{"reason":"The vendor refunded the review","lines":[1]}`), false), http.StatusUnprocessableEntity, "invalid")
		r = helen.send(t, http.MethodGet, "/api/v1/invoices", nil, false)
		var list struct {
			Invoices []struct{ Number string } `json:"invoices"`
		}
		// The demo's own sent invoices are listed too: look for these two.
		seenNumbers := map[string]bool{}
		if r.status == http.StatusOK && json.Unmarshal(r.body, &list) == nil {
			for _, i := range list.Invoices {
				seenNumbers[i.Number] = true
			}
		}
		if !seenNumbers[inv.Number] || seenNumbers[cn.Number] {
			t.Fatalf("client's list (the credit note %s is a draft): %d %s", cn.Number, r.status, r.body)
		}
	})
}
