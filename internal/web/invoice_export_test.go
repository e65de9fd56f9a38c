package web_test

import (
	"bytes"
	"database/sql"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/probity/probity/internal/ledes"
	"github.com/probity/probity/internal/testenv"
)

// insertExportInvoices inserts, by the schema, three invoices of Calloway's
// matter with two fee lines each (USD 600.00): sent, draft, and sent with a
// total that is not the sum of its lines; it returns their ids.
func insertExportInvoices(t *testing.T, db *sql.DB) (sent, draft, bad int64) {
	t.Helper()
	ids := make([]int64, 3)
	for i, inv := range []struct {
		number, state string
		total         int
	}{{"INV-2019-0001", "sent", 60000}, {"INV-2019-0002", "draft", 60000}, {"INV-2019-0003", "sent", 60001}} {
		err := db.QueryRow(`INSERT INTO client_invoices (number, kind, matter_id, client_id, currency, invoice_date, period_start, period_end,
			description, state, fees_minor, total_minor, line_count, created_by, created_at)
			SELECT $1, 'invoice', m.id, m.client_id, 'USD', '2026-03-31', '2026-03-01', '2026-03-31', 'March 2026', $2, 60000, $3, 2, m.responsible_attorney_id, 1
			FROM matters m WHERE m.number = '2026-0142' RETURNING id`, inv.number, inv.state, inv.total).Scan(&ids[i])
		if err != nil {
			t.Fatal(err)
		}
		_, err = db.Exec(`INSERT INTO client_invoice_lines (invoice_id, position, type, source, line_date, units, unit_cost_minor, total_minor,
			task_code, activity_code, timekeeper_id, timekeeper_name, classification, description)
			SELECT $1, p.n, 'F', 'firm_time', '2026-03-02', 150, 20000, 30000, 'L110', 'A104', 'HC-0107', 'Oyelaran, Marcus', 'PARTNR', 'Review'
			FROM (SELECT 1 AS n UNION ALL SELECT 2) p`, ids[i])
		if err != nil {
			t.Fatal(err)
		}
	}
	return ids[0], ids[1], ids[2]
}

// The download routes: a complete LEDES attachment or an error page, never
// half a file; the PDF for the same people.
func TestInvoiceDownloads(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := newSite(t, e)
		sent, draft, bad := insertExportInvoices(t, s.app.Store.DB())
		marcus := s.signIn(t, "marcus.oyelaran@hartwellcrane.example", "198.51.100.30")
		helen := s.signIn(t, "helen.calloway@callowayfreight.example", "198.51.100.31")
		sam := s.signIn(t, "sam.okafor@greenfieldcu.example", "198.51.100.32")

		// The invoice page links to both downloads; a draft's to the PDF only.
		for _, c := range []struct {
			id      int64
			session string
			ledes   bool
		}{{sent, helen, true}, {sent, marcus, true}, {draft, marcus, false}} {
			page := s.do(t, http.MethodGet, fmt.Sprintf("/invoices/%d", c.id), c.session, nil)
			body := page.Body.String()
			if page.Code != http.StatusOK || !strings.Contains(body, fmt.Sprintf(`href="/invoices/%d/pdf"`, c.id)) ||
				strings.Contains(body, fmt.Sprintf(`href="/invoices/%d/ledes"`, c.id)) != c.ledes {
				t.Errorf("invoice page %d: %d, links to the PDF and (%v) the LEDES file expected", c.id, page.Code, c.ledes)
			}
		}

		rec := s.do(t, http.MethodGet, fmt.Sprintf("/invoices/%d/ledes", sent), helen, nil)
		if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/plain") ||
			rec.Header().Get("Content-Disposition") != `attachment; filename=INV-2019-0001.ledes` {
			t.Fatalf("LEDES: %d %q %q", rec.Code, rec.Header().Get("Content-Type"), rec.Header().Get("Content-Disposition"))
		}
		rep, err := ledes.Validate(bytes.NewReader(rec.Body.Bytes()))
		if err != nil || !rep.Valid() || rep.Records != 2 || rep.Invoices[0].Total != 60000 {
			t.Fatalf("LEDES report %+v %v", rep, err)
		}
		if got := rec.Header().Get("Content-Length"); got != fmt.Sprint(rec.Body.Len()) {
			t.Errorf("Content-Length %s for %d bytes", got, rec.Body.Len())
		}

		for _, c := range []struct {
			what, path, session string
			code                int
		}{
			{"a draft", fmt.Sprintf("/invoices/%d/ledes", draft), marcus, http.StatusConflict},
			{"a draft to the client", fmt.Sprintf("/invoices/%d/ledes", draft), helen, http.StatusNotFound},
			{"another client's", fmt.Sprintf("/invoices/%d/ledes", sent), sam, http.StatusNotFound},
			{"a total that does not add up", fmt.Sprintf("/invoices/%d/ledes", bad), marcus, http.StatusUnprocessableEntity},
			{"a PDF of another client's", fmt.Sprintf("/invoices/%d/pdf", sent), sam, http.StatusNotFound},
			{"no such invoice", "/invoices/987654321/pdf", marcus, http.StatusNotFound},
		} {
			rec := s.do(t, http.MethodGet, c.path, c.session, nil)
			if rec.Code != c.code || strings.Contains(rec.Body.String(), "LEDES1998B[]") || rec.Header().Get("Content-Disposition") != "" {
				t.Errorf("%s: %d (%q), want %d and an error page", c.what, rec.Code, rec.Header().Get("Content-Disposition"), c.code)
			}
		}

		rec = s.do(t, http.MethodGet, fmt.Sprintf("/invoices/%d/pdf", sent), helen, nil)
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/pdf" ||
			rec.Header().Get("Content-Disposition") != `attachment; filename=INV-2019-0001.pdf` {
			t.Fatalf("PDF: %d %q %q", rec.Code, rec.Header().Get("Content-Type"), rec.Header().Get("Content-Disposition"))
		}
		if pt := testenv.PdfToText(t, rec.Body.Bytes()); !strings.Contains(pt, "INV-2019-0001") || !strings.Contains(pt, "USD 600.00") {
			t.Errorf("PDF text:\n%s", pt)
		}
	})
}
