package api_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/probity/probity/internal/ledes"
	"github.com/probity/probity/internal/testenv"
)

// The API's invoice downloads: the LEDES file and the PDF as attachments
// for the firm and the invoice's client once sent; JSON errors otherwise
// (a draft 409, another client's 404, a vendor 403), never half a file.
func TestInvoiceExportAPI(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newFixture(t, e)
		db := f.app.Store.DB()
		ids := map[string]int64{}
		for _, inv := range []struct {
			number, state string
			total         int
		}{{"INV-2019-0001", "sent", 60000}, {"INV-2019-0002", "draft", 60000}, {"INV-2019-0003", "sent", 60001}} {
			var id int64
			err := db.QueryRow(`INSERT INTO client_invoices (number, kind, matter_id, client_id, currency, invoice_date, period_start, period_end,
				description, state, fees_minor, total_minor, line_count, created_by, created_at)
				SELECT $1, 'invoice', m.id, m.client_id, 'USD', '2026-03-31', '2026-03-01', '2026-03-31', 'March 2026', $2, 60000, $3, 2, m.responsible_attorney_id, 1
				FROM matters m WHERE m.number = '2026-0142' RETURNING id`, inv.number, inv.state, inv.total).Scan(&id)
			if err != nil {
				t.Fatal(err)
			}
			_, err = db.Exec(`INSERT INTO client_invoice_lines (invoice_id, position, type, source, line_date, units, unit_cost_minor, total_minor,
				task_code, activity_code, timekeeper_id, timekeeper_name, classification, description)
				SELECT $1, p.n, 'F', 'firm_time', '2026-03-02', 150, 20000, 30000, 'L110', 'A104', 'HC-0107', 'Oyelaran, Marcus', 'PARTNR', 'Review'
				FROM (SELECT 1 AS n UNION ALL SELECT 2) p`, id)
			if err != nil {
				t.Fatal(err)
			}
			ids[inv.state+fmt.Sprint(inv.total)] = id
		}
		sent, draft, bad := ids["sent60000"], ids["draft60000"], ids["sent60001"]
		marcus, helen := f.as(emailOf(t, "Marcus Oyelaran")), f.as(emailOf(t, "Helen Calloway"))
		sam, anika := f.as(emailOf(t, "Sam Okafor")), f.as(emailOf(t, "Anika Deshmukh"))

		r := helen.send(t, http.MethodGet, fmt.Sprintf("/api/v1/invoices/%d/ledes", sent), nil, false)
		if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/plain") ||
			r.header.Get("Content-Disposition") != "attachment; filename=INV-2019-0001.ledes" {
			t.Fatalf("LEDES: %d %v\n%s", r.status, r.header, r.body)
		}
		if rep, err := ledes.Validate(bytes.NewReader(r.body)); err != nil || !rep.Valid() || rep.Invoices[0].Total != 60000 {
			t.Fatalf("LEDES report %+v %v", rep, err)
		}
		r = marcus.send(t, http.MethodGet, fmt.Sprintf("/api/v1/invoices/%d/pdf", sent), nil, false)
		if r.status != http.StatusOK || r.header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(r.body, []byte("%PDF-")) {
			t.Fatalf("PDF: %d %v", r.status, r.header)
		}
		wantError(t, marcus.send(t, http.MethodGet, fmt.Sprintf("/api/v1/invoices/%d/ledes", draft), nil, false), http.StatusConflict, "conflict")
		wantError(t, helen.send(t, http.MethodGet, fmt.Sprintf("/api/v1/invoices/%d/ledes", draft), nil, false), http.StatusNotFound, "not_found")
		wantError(t, helen.send(t, http.MethodGet, fmt.Sprintf("/api/v1/invoices/%d/pdf", draft), nil, false), http.StatusNotFound, "not_found")
		wantError(t, sam.send(t, http.MethodGet, fmt.Sprintf("/api/v1/invoices/%d/ledes", sent), nil, false), http.StatusNotFound, "not_found")
		wantError(t, anika.send(t, http.MethodGet, fmt.Sprintf("/api/v1/invoices/%d/pdf", sent), nil, false), http.StatusForbidden, "forbidden")
		wantError(t, marcus.send(t, http.MethodGet, fmt.Sprintf("/api/v1/invoices/%d/ledes", bad), nil, false), http.StatusUnprocessableEntity, "invalid")
	})
}
