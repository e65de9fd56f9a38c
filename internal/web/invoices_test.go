package web_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/testenv"

	"golang.org/x/net/html"
)

// invoiceWorld inserts, on the demo's active Calloway/Lexora engagement
// (billed as a disbursement), an hour and a half of Marcus's time and an
// approved vendor invoice costing 1,000.00 that stands for 3,000.00
// in-house; it returns the matter id.
func invoiceWorld(t *testing.T, db *sql.DB) int64 {
	t.Helper()
	var eid, mid, vid, marcus, anika int64
	if err := db.QueryRow(`SELECT e.id, e.matter_id, e.vendor_id FROM engagements e JOIN vendors v ON v.id = e.vendor_id
		JOIN matters m ON m.id = e.matter_id JOIN clients c ON c.id = m.client_id
		WHERE e.stage = 'active' AND v.name LIKE 'Lexora%' AND c.name LIKE 'Calloway%' ORDER BY e.id LIMIT 1`).Scan(&eid, &mid, &vid); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT (SELECT id FROM users WHERE name = 'Marcus Oyelaran'), (SELECT id FROM users WHERE email = 'anika.deshmukh@lexora.example')`).Scan(&marcus, &anika); err != nil {
		t.Fatal(err)
	}
	var vi int64
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`UPDATE engagements SET billing_mode = 'disbursement' WHERE id = $1`, []any{eid}},
		{`INSERT INTO firm_time_entries (matter_id, user_id, worked_on, tenths, purpose, task_code, activity_code, narrative, created_by, created_at)
			VALUES ($1, $2, '2026-02-02', 15, 'matter', 'L120', 'A101', 'Strategy call with the client', $2, 1)`, []any{mid, marcus}},
	} {
		if _, err := db.Exec(q.sql, q.args...); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.QueryRow(`INSERT INTO vendor_invoices (engagement_id, vendor_id, number, invoice_date, period_start, period_end, currency, total_minor,
		approved_minor, state, fx_rate, fx_on, firm_cost_minor, firm_currency, submitted_by, submitted_at, decided_by, decided_at)
		VALUES ($1, $2, 'WEB-TEST-1', '2026-02-20', '2026-02-01', '2026-02-20', 'INR', 8000000, 8000000, 'approved', '0.0125', '2026-02-20', 100000, 'USD', $3, 1, $4, 2) RETURNING id`,
		eid, vid, anika, marcus).Scan(&vi); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO vendor_invoice_lines (invoice_id, position, kind, user_id, classification, worked_on, quantity, rate_minor, amount_minor,
		task_code, activity_code, state, approved_minor, inhouse_minor) VALUES ($1, 1, 'hourly', $2, 'PARLGL', '2026-02-10', 2000, 400000, 8000000,
		'L320', 'A104', 'accepted', 8000000, 300000)`, vi, anika); err != nil {
		t.Fatal(err)
	}
	return mid
}

// TestInvoicePages: a refused draft answers 422 with the field marked and
// saves nothing; a draft with a markup on a disbursement shows the
// transparency block and the flag; sending it is refused until Marcus (a
// PARTNR) overrides; then the client contact sees it without the firm's
// flags, and the CSV lists it.
func TestInvoicePages(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := newSite(t, e)
		db := s.app.Store.DB()
		mid := invoiceWorld(t, db)
		rosa := s.signIn(t, "rosa.jimenez@hartwellcrane.example", "192.0.2.80")
		marcus := s.signIn(t, "marcus.oyelaran@hartwellcrane.example", "192.0.2.81")
		helen := s.signIn(t, "helen.calloway@callowayfreight.example", "192.0.2.82")
		count := func() int {
			var n int
			if err := db.QueryRow(`SELECT COUNT(*) FROM client_invoices`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		list := parsePage(t, "invoices", s.do(t, http.MethodGet, "/invoices", rosa, nil))
		ogOne(t, "new invoice form", list, ogID("new-invoice"))
		before := count()
		form := url.Values{"matter_id": {fmt.Sprint(mid)}, "start": {"2026-02-01"}, "end": {"2026-02-28"}, "date": {"2026-03-01"}, "markup_percent": {"10.125"}}
		rec := s.do(t, http.MethodPost, "/invoices", rosa, form)
		if rec.Code != http.StatusUnprocessableEntity || count() != before {
			t.Fatalf("bad markup: %d", rec.Code)
		}
		field := ogOne(t, "markup field", parsePage(t, "refused", rec), ogID("n-markup"))
		if attrOf(field, "aria-invalid") != "true" || attrOf(field, "value") != "10.125" {
			t.Error("the refused field is not marked or lost its value")
		}
		form.Set("markup_percent", "10")
		rec = s.do(t, http.MethodPost, "/invoices", rosa, form)
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("draft: %d %s", rec.Code, rec.Body.String())
		}
		at := rec.Header().Get("Location")
		page := parsePage(t, "invoice", s.do(t, http.MethodGet, at, rosa, nil))
		tr := text(ogOne(t, "transparency", page, ogID("transparency")))
		for _, want := range []string{"$1,000.00", "$1,100.00", "$3,000.00", "$1,900.00"} {
			if !strings.Contains(tr, want) {
				t.Errorf("the transparency block lacks %q:\n%s", want, tr)
			}
		}
		ogOne(t, "never billed", page, ogID("never-billed"))
		if fl := text(ogOne(t, "flags", page, ogID("policy-flags"))); !strings.Contains(fl, "disbursement_markup") {
			t.Errorf("flags: %s", fl)
		}
		if rec := s.do(t, http.MethodPost, at+"/approve", marcus, url.Values{}); rec.Code != http.StatusSeeOther {
			t.Fatalf("approve: %d", rec.Code)
		}
		// The billing manager is not offered Send on a held invoice: the page
		// says who must release it. A send posted anyway is refused.
		held := parsePage(t, "held invoice", s.do(t, http.MethodGet, at, rosa, nil))
		ogOne(t, "held note", held, ogID("held-note"))
		if n := len(elements(held, func(n *html.Node) bool { return n.Data == "form" && strings.HasSuffix(attrOf(n, "action"), "/send") })); n != 0 {
			t.Errorf("a held invoice offers Send (%d forms)", n)
		}
		rec = s.do(t, http.MethodPost, at+"/send", rosa, url.Values{})
		if rec.Code != http.StatusConflict || !strings.Contains(text(ogOne(t, "error", parsePage(t, "held", rec), ogID("form-error"))), "billing partner must override") {
			t.Fatalf("send held: %d", rec.Code)
		}
		if rec := s.do(t, http.MethodGet, at, helen, nil); rec.Code != http.StatusNotFound {
			t.Fatal("the client sees an approved invoice")
		}
		ogOne(t, "override form", parsePage(t, "invoice", s.do(t, http.MethodGet, at, marcus, nil)), ogID("override-form"))
		rec = s.do(t, http.MethodPost, at+"/override", marcus, url.Values{"reason": {"short"}})
		if rec.Code != http.StatusUnprocessableEntity {
			t.Fatalf("short reason: %d", rec.Code)
		}
		if rec = s.do(t, http.MethodPost, at+"/override", marcus, url.Values{"reason": {"The client agreed to the markup in writing on 2 January."}}); rec.Code != http.StatusSeeOther {
			t.Fatalf("override: %d", rec.Code)
		}
		if rec = s.do(t, http.MethodPost, at+"/send", rosa, url.Values{}); rec.Code != http.StatusSeeOther {
			t.Fatalf("send: %d", rec.Code)
		}
		client := parsePage(t, "client invoice", s.do(t, http.MethodGet, at, helen, nil))
		ogOne(t, "client transparency", client, ogID("transparency"))
		if len(elements(client, ogID("policy-flags"))) != 0 || len(elements(client, ogID("actions"))) != 0 {
			t.Error("the client sees the firm's flags or actions")
		}
		if !strings.Contains(text(ogOne(t, "client list", parsePage(t, "invoices", s.do(t, http.MethodGet, "/invoices", helen, nil)), ogID("invoices"))), "INV-2026-") {
			t.Error("the client's list lacks the sent invoice")
		}
		csv := s.do(t, http.MethodGet, "/invoices.csv?state=sent", rosa, nil)
		if csv.Code != http.StatusOK || !strings.Contains(csv.Body.String(), "INV-2026-") || !strings.HasPrefix(csv.Body.String(), "number,kind,state") {
			t.Fatalf("csv: %d %s", csv.Code, csv.Body.String())
		}
		var number string // the demo has drafts of its own: look for this invoice's number
		if err := db.QueryRow(`SELECT number FROM client_invoices WHERE state = 'sent' ORDER BY id DESC LIMIT 1`).Scan(&number); err != nil || !strings.Contains(csv.Body.String(), number) {
			t.Fatalf("the sent CSV lacks the sent invoice %q: %v", number, err)
		}
		if csv := s.do(t, http.MethodGet, "/invoices.csv?state=draft", rosa, nil); strings.Contains(csv.Body.String(), number) {
			t.Error("the CSV ignores the state filter")
		}
	})
}

// clientInvoiceIDs lists the client invoices' ids for the every-page test,
// drafting one (invoiceWorld) when the demo holds none.
func clientInvoiceIDs(t *testing.T, s *site, admin domain.User) []int64 {
	t.Helper()
	db := s.app.Store.DB()
	var ids []int64
	read := func() {
		rows, err := db.Query(`SELECT id FROM client_invoices ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
	}
	read()
	if len(ids) == 0 {
		mid := invoiceWorld(t, db)
		if _, err := s.app.DraftClientInvoice(context.Background(), admin, app.ClientInvoiceInput{MatterID: mid, Start: "2026-02-01", End: "2026-02-28", Date: "2026-03-01"}); err != nil {
			t.Fatal(err)
		}
		read()
	}
	return ids
}
