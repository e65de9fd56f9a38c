package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/probity/probity/internal/testenv"
)

// The vendor-invoice API: the vendor's manager submits (a refusal names the
// line's field and saves nothing), the firm disputes, resolves and approves
// with the exchange rate; the vendor cannot approve; the client sees nothing.
func TestVendorInvoiceAPI(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newFixture(t, e)
		db := f.app.Store.DB()
		for _, q := range []string{`DELETE FROM vendor_invoice_messages`, `DELETE FROM vendor_invoice_lines`, `DELETE FROM vendor_invoices`} {
			if _, err := db.Exec(q); err != nil {
				t.Fatal(err)
			}
		}
		var eid, entry int64
		var day string
		if err := db.QueryRow(`SELECT e.id, t.id, t.worked_on FROM engagements e JOIN matters m ON m.id = e.matter_id JOIN vendors v ON v.id = e.vendor_id
			JOIN time_entries t ON t.engagement_id = e.id WHERE m.number = '2026-0142' AND v.name LIKE 'Lexora%' AND e.stage = 'active' AND t.state = 'approved'
			ORDER BY t.id LIMIT 1`).Scan(&eid, &entry, &day); err != nil {
			t.Fatal(err)
		}
		anika, marcus, helen := f.as(emailOf(t, "Anika Deshmukh")), f.as(emailOf(t, "Marcus Oyelaran")), f.as(emailOf(t, "Helen Calloway"))
		path := fmt.Sprintf("/api/v1/engagements/%d/vendor-invoices", eid)
		count := func() int {
			var n int
			if err := db.QueryRow(`SELECT COUNT(*) FROM vendor_invoices`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		body := func(rate string) []byte {
			return []byte(fmt.Sprintf(`{"number":"LX-API-1","period_start":"2025-01-01","period_end":%q,"lines":[{"kind":"hourly","time_entry_id":%d,"classification":"ASSOC","rate":%q}]}`,
				day, entry, rate))
		}
		if e := wantError(t, anika.send(t, http.MethodPost, path, body("-5"), false), http.StatusUnprocessableEntity, "invalid"); e.Error.Field != "lines[0].rate" {
			t.Errorf("a negative rate: field %q", e.Error.Field)
		}
		wantError(t, marcus.send(t, http.MethodPost, path, body("1650"), false), http.StatusForbidden, "forbidden")
		wantError(t, helen.send(t, http.MethodPost, path, body("1650"), false), http.StatusNotFound, "not_found")
		if n := count(); n != 0 {
			t.Fatalf("refusals saved %d invoices", n)
		}
		r := anika.send(t, http.MethodPost, path, body("1650"), false)
		if r.status != http.StatusCreated {
			t.Fatalf("submit: %d %s", r.status, r.body)
		}
		var v struct {
			ID    int64 `json:"id"`
			State string
			Total struct {
				Minor    int64
				Currency string
			}
			Approved struct{ Minor int64 }
			FirmCost *struct {
				Minor    int64
				Currency string
			} `json:"firm_cost"`
			Lines []struct {
				ID     int64
				Amount struct{ Minor int64 }
				Flags  []struct{ Code, Message string }
			}
		}
		if err := json.Unmarshal(r.body, &v); err != nil || len(v.Lines) != 1 || v.Total.Currency != "INR" || v.Total.Minor != v.Lines[0].Amount.Minor {
			t.Fatalf("submitted: %+v %v\n%s", v, err, r.body)
		}
		inv := fmt.Sprintf("/api/v1/vendor-invoices/%d", v.ID)
		wantError(t, helen.get(t, inv), http.StatusNotFound, "not_found")
		wantError(t, anika.send(t, http.MethodPost, inv+"/approve", []byte(`{"fx_rate":"0.012","fx_date":"2025-06-01"}`), false), http.StatusForbidden, "forbidden")
		line := fmt.Sprintf("%s/lines/%d", inv, v.Lines[0].ID)
		if r := marcus.send(t, http.MethodPost, line+"/dispute", []byte(`{"message":"Which batch?"}`), false); r.status != http.StatusOK {
			t.Fatalf("dispute: %d %s", r.status, r.body)
		}
		if r := anika.send(t, http.MethodPost, line+"/reply", []byte(`{"message":"Batch 12."}`), false); r.status != http.StatusOK {
			t.Fatalf("reply: %d %s", r.status, r.body)
		}
		if r := marcus.send(t, http.MethodPost, line+"/resolve", []byte(`{"action":"accept"}`), false); r.status != http.StatusOK {
			t.Fatalf("resolve: %d %s", r.status, r.body)
		}
		if e := wantError(t, marcus.send(t, http.MethodPost, inv+"/approve", []byte(`{}`), false), http.StatusUnprocessableEntity, "invalid"); e.Error.Field != "fx_rate" {
			t.Errorf("approve without a rate: field %q", e.Error.Field)
		}
		r = marcus.send(t, http.MethodPost, inv+"/approve", []byte(`{"fx_rate":"0.0120","fx_date":"2025-06-01"}`), false)
		if r.status != http.StatusOK {
			t.Fatalf("approve: %d %s", r.status, r.body)
		}
		if err := json.Unmarshal(r.body, &v); err != nil || v.State != "approved" || v.Approved.Minor != v.Total.Minor || v.FirmCost == nil ||
			v.FirmCost.Currency != "USD" || v.FirmCost.Minor != (v.Total.Minor*12+500)/1000 {
			t.Errorf("approved: %+v %v", v, err)
		}
		var list struct {
			Invoices []struct{ ID int64 } `json:"vendor_invoices"`
		}
		anika.getJSON(t, "/api/v1/vendor-invoices?state=approved", &list)
		if len(list.Invoices) != 1 || list.Invoices[0].ID != v.ID {
			t.Errorf("the vendor's approved invoices: %+v", list)
		}
		wantError(t, marcus.send(t, http.MethodPost, inv+"/reject", []byte(`{"reason":"late"}`), false), http.StatusConflict, "conflict")
	})
}
