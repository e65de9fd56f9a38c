package app_test

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/ledes"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// xpInvoice describes a client invoice the export tests insert with SQL by
// the schema of 0018_billing.sql (part C's use cases are not needed): n
// fee lines of 1.50 hours at USD 200.00 (USD 300.00 each) and, when
// outsourced, one expense line passing on a vendor's work (E118, USD
// 1,234.56 charged for a cost of USD 1,000.00 that would have cost USD
// 3,000.00 in-house).
type xpInvoice struct {
	Number     string
	Kind       domain.InvoiceKind
	Credits    int64
	MatterID   int64
	State      domain.InvoiceState
	CreatedBy  int64
	Lines      int64
	Outsourced bool
	BadTotal   bool // store a total that is not the sum of the lines
}

const (
	xpFeeLine       = 30000  // LineAmount(150, 20000)
	xpOutsourced    = 123456 // charged
	xpVendorCost    = 100000
	xpInHouse       = 300000
	xpTimekeeperTag = "HC-MO"
)

// insertXPInvoice inserts the invoice and its lines in two statements (the
// fee lines from a recursive sequence) and returns its id.
func insertXPInvoice(tb testing.TB, db *sql.DB, x xpInvoice) int64 {
	tb.Helper()
	if x.Kind == "" {
		x.Kind = domain.KindInvoice
	}
	fees := x.Lines * xpFeeLine
	var expenses, lines, vc, ih, ch int64 = 0, x.Lines, 0, 0, 0
	if x.Outsourced {
		expenses, vc, ih, ch = xpOutsourced, xpVendorCost, xpInHouse, xpOutsourced
		lines++
	}
	total := fees + expenses
	if x.BadTotal {
		total++
	}
	credits := "NULL"
	if x.Credits != 0 {
		credits = fmt.Sprint(x.Credits)
	}
	var client int64
	if err := db.QueryRow(`SELECT client_id FROM matters WHERE id = $1`, x.MatterID).Scan(&client); err != nil {
		tb.Fatal(err)
	}
	var id int64
	err := db.QueryRow(fmt.Sprintf(`INSERT INTO client_invoices (number, kind, credits_invoice_id, matter_id, client_id, currency, invoice_date,
		period_start, period_end, description, state, fees_minor, expenses_minor, total_minor, line_count,
		vendor_cost_minor, overhead_minor, inhouse_minor, charged_minor, created_by, created_at)
		VALUES ($1, $2, %s, $3, $4, 'USD', '2026-03-31', '2026-03-01', '2026-03-31', 'Professional services, March 2026', $5,
		$6, $7, $8, $9, $10, 0, $11, $12, $13, 1) RETURNING id`, credits),
		x.Number, string(x.Kind), x.MatterID, client, string(x.State), fees, expenses, total, lines, vc, ih, ch, x.CreatedBy).Scan(&id)
	if err != nil {
		tb.Fatal(err)
	}
	if x.Lines > 0 {
		_, err = db.Exec(fmt.Sprintf(`INSERT INTO client_invoice_lines (invoice_id, position, type, source, line_date, units, unit_cost_minor,
			adjustment_minor, total_minor, task_code, activity_code, timekeeper_id, timekeeper_name, classification, description)
			WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < %d)
			SELECT %d, i, 'F', 'firm_time', '2026-03-02', 150, 20000, 0, %d, 'L110', 'A104', '%s', 'Oyelaran, Marcus', 'PARTNR',
			'Reviewed the production protocol' FROM seq`, x.Lines, id, xpFeeLine, xpTimekeeperTag))
		if err != nil {
			tb.Fatal(err)
		}
	}
	if x.Outsourced {
		_, err = db.Exec(`INSERT INTO client_invoice_lines (invoice_id, position, type, source, line_date, units, unit_cost_minor,
			adjustment_minor, total_minor, expense_code, description, vendor_cost_minor, inhouse_minor)
			VALUES ($1, $2, 'E', 'outsourced', '2026-03-31', 100, $3, 0, $3, 'E118', 'Lexora document review, invoice LX-77, at cost plus 23.4% overhead', $4, $5)`,
			id, x.Lines+1, xpOutsourced, xpVendorCost, xpInHouse)
		if err != nil {
			tb.Fatal(err)
		}
	}
	return id
}

// xpFixture is the demo firm with Calloway's matter and the people who
// export (or may not).
type xpFixture struct {
	a                                  *app.App
	ctx                                context.Context
	db                                 *sql.DB
	calloway, greenfield               int64
	marcus, rosa, helen, sam, anika    domain.User
	sent, draft, approved, paid, other int64 // invoice ids
}

func newXPFixture(tb testing.TB, e testenv.Engine) *xpFixture {
	tb.Helper()
	a, people, matters := demoApp(tb, e)
	f := &xpFixture{a: a, db: a.Store.DB(), calloway: matters[callNo], greenfield: matters[greenNo],
		ctx:    app.WithMeta(context.Background(), app.Meta{Address: "192.0.2.44", RequestID: "export-test", MFA: true}),
		marcus: people[emMarcus], rosa: people[emRosa], helen: people[emHelen], sam: people[emSam], anika: people[emAnika]}
	mk := func(number string, s domain.InvoiceState, matter int64) int64 {
		return insertXPInvoice(tb, f.db, xpInvoice{Number: number, MatterID: matter, State: s, CreatedBy: f.rosa.ID, Lines: 3, Outsourced: true})
	}
	f.sent = mk("INV-2019-0001", domain.InvoiceSent, f.calloway)
	f.draft = mk("INV-2019-0002", domain.InvoiceDraft, f.calloway)
	f.approved = mk("INV-2019-0003", domain.InvoiceApproved, f.calloway)
	f.paid = mk("INV-2019-0004", domain.InvoicePaid, f.calloway)
	f.other = mk("INV-2019-0005", domain.InvoiceSent, f.greenfield)
	return f
}

func (f *xpFixture) audits(tb testing.TB) int {
	tb.Helper()
	var n int
	if err := f.db.QueryRow(`SELECT COUNT(*) FROM audit_events`).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

// checkLEDES validates a LEDES file and checks that every record states the
// invoice's total and that there are want records.
func checkLEDES(tb testing.TB, b []byte, number string, total int64, want int) {
	tb.Helper()
	rep, err := ledes.Validate(bytes.NewReader(b))
	if err != nil {
		tb.Fatal(err)
	}
	if !rep.Valid() {
		tb.Fatalf("invalid LEDES: %+v", rep.Problems)
	}
	if len(rep.Invoices) != 1 || rep.Invoices[0].Number != number || rep.Invoices[0].Total != total || rep.Invoices[0].Sum != total || rep.Records != want {
		tb.Fatalf("report %+v, want %s total %d in %d records", rep, number, total, want)
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	n := 0
	wantTotal := ledes.FormatAmount(total)
	for sc.Scan() {
		n++
		if n <= 2 {
			continue
		}
		fields := strings.Split(strings.TrimSuffix(sc.Text(), "[]"), "|")
		if fields[4] != wantTotal {
			tb.Fatalf("record %d: INVOICE_TOTAL %s, want %s", n, fields[4], wantTotal)
		}
	}
}

// The LEDES export: valid 1998B with the invoice's identifiers and total on
// every record, for firm users and the client once sent; drafts refused,
// other clients' and unsent invoices not found, refusals audited nowhere.
func TestExportLEDES(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newXPFixture(t, e)
		ctx := f.ctx
		before := f.audits(t)
		var buf bytes.Buffer
		name, err := f.a.LEDESDownload(ctx, f.marcus, f.sent, &buf)
		if err != nil {
			t.Fatal(err)
		}
		if name != "INV-2019-0001.ledes" {
			t.Errorf("file name %q", name)
		}
		total := 3*xpFeeLine + xpOutsourced
		checkLEDES(t, buf.Bytes(), "INV-2019-0001", int64(total), 4)
		out := buf.String()
		for _, s := range []string{"|13-4567890|", "|" + callNo + "|", "|" + xpTimekeeperTag + "|", "|E118|", "20260331|INV-2019-0001|"} {
			if !strings.Contains(out, s) {
				t.Errorf("%q missing from\n%s", s, out)
			}
		}
		if got := f.audits(t); got != before+1 {
			t.Errorf("%d audit events, want 1", got-before)
		}
		if n := auditCount(t, f.a, "client_invoice.ledes_export", f.calloway); n != 1 {
			t.Errorf("ledes_export audited %d times", n)
		}

		// The client of the invoice once sent or paid; and an approved invoice for the firm.
		for _, c := range []struct {
			who domain.User
			id  int64
		}{{f.helen, f.sent}, {f.helen, f.paid}, {f.rosa, f.approved}, {f.sam, f.other}} {
			buf.Reset()
			if err := f.a.ExportLEDES(ctx, c.who, c.id, &buf); err != nil {
				t.Errorf("%s exporting %d: %v", c.who.Name, c.id, err)
			}
		}

		// Refusals: nothing written, nothing audited.
		before = f.audits(t)
		for _, c := range []struct {
			who  domain.User
			id   int64
			code string
		}{
			{f.marcus, f.draft, domain.EConflict},   // a draft is never exported as LEDES
			{f.helen, f.draft, domain.ENotFound},    // nor seen by the client
			{f.helen, f.approved, domain.ENotFound}, // not sent yet
			{f.helen, f.other, domain.ENotFound},    // another client's
			{f.sam, f.sent, domain.ENotFound},
			{f.anika, f.sent, domain.EForbidden}, // vendors never read client invoices
			{f.marcus, 987654321, domain.ENotFound},
		} {
			buf.Reset()
			err := f.a.ExportLEDES(ctx, c.who, c.id, &buf)
			if domain.ErrorCode(err) != c.code {
				t.Errorf("%s exporting %d: %v, want %s", c.who.Name, c.id, err, c.code)
			}
			if c.code != domain.EConflict && buf.Len() != 0 {
				t.Errorf("%s exporting %d: %d bytes written", c.who.Name, c.id, buf.Len())
			}
		}
		if err := f.a.ExportLEDES(ctx, f.marcus, f.draft, &buf); err == nil || !strings.Contains(err.Error(), "approve it first") {
			t.Errorf("draft: %v", err)
		}
		if got := f.audits(t); got != before {
			t.Errorf("refusals audited %d events", got-before)
		}

		// A total that is not the sum of the lines is caught by the writer.
		bad := insertXPInvoice(t, f.db, xpInvoice{Number: "INV-2019-0099", MatterID: f.calloway, State: domain.InvoiceSent, CreatedBy: f.rosa.ID, Lines: 2, BadTotal: true})
		if err := f.a.ExportLEDES(ctx, f.marcus, bad, &buf); domain.ErrorCode(err) != domain.EInvalid || !strings.Contains(err.Error(), "not the sum") {
			t.Errorf("bad total: %v", err)
		}
		if got := f.audits(t); got != before {
			t.Error("a failed export was audited")
		}

		// The number resolves within the scope only.
		if id, err := f.a.ExportInvoiceID(ctx, f.marcus, "INV-2019-0004"); err != nil || id != f.paid {
			t.Errorf("resolve: %d %v", id, err)
		}
		if _, err := f.a.ExportInvoiceID(ctx, f.helen, "INV-2019-0005"); domain.ErrorCode(err) != domain.ENotFound {
			t.Errorf("resolve another client's: %v", err)
		}
		if _, err := f.a.ExportInvoiceID(ctx, f.marcus, "INV-1999-0001"); domain.ErrorCode(err) != domain.ENotFound || !strings.Contains(err.Error(), "INV-1999-0001") {
			t.Errorf("resolve unknown: %v", err)
		}
	})
}

// A credit note exports with its negative adjustment lines.
func TestExportLEDESCreditNote(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newXPFixture(t, e)
		var id int64
		err := f.db.QueryRow(`INSERT INTO client_invoices (number, kind, credits_invoice_id, matter_id, client_id, currency, invoice_date,
			period_start, period_end, description, state, fees_minor, expenses_minor, total_minor, line_count, created_by, created_at)
			SELECT 'CN-2019-0001', 'credit_note', id, matter_id, client_id, 'USD', '2026-04-02', period_start, period_end, 'Credit for INV-2019-0001',
			'sent', -30000, 0, -30000, 1, created_by, 2 FROM client_invoices WHERE id = $1 RETURNING id`, f.sent).Scan(&id)
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.db.Exec(`INSERT INTO client_invoice_lines (invoice_id, position, type, source, line_date, units, unit_cost_minor,
			adjustment_minor, total_minor, task_code, activity_code, timekeeper_id, timekeeper_name, classification, description, credited_line_id)
			SELECT $1, 1, 'IF', 'credit', '2026-04-02', 0, 0, -30000, -30000, task_code, activity_code, timekeeper_id, timekeeper_name, classification,
			'Credit: duplicate entry', id FROM client_invoice_lines WHERE invoice_id = $2 AND position = 1`, id, f.sent)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := f.a.ExportLEDES(f.ctx, f.helen, id, &buf); err != nil {
			t.Fatal(err)
		}
		checkLEDES(t, buf.Bytes(), "CN-2019-0001", -30000, 1)
		if !strings.Contains(buf.String(), "|IF|0.00|-300.00|-300.00|") {
			t.Errorf("credit line:\n%s", buf.String())
		}
	})
}

// The line reader streams in position order across chunk boundaries and
// may be stopped early, on both engines.
func TestExportInvoiceLinesChunks(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newXPFixture(t, e)
		n := int64(2*store.ExportLineChunk + 3)
		id := insertXPInvoice(t, f.db, xpInvoice{Number: "INV-2019-0100", MatterID: f.calloway, State: domain.InvoiceApproved, CreatedBy: f.rosa.ID, Lines: n, Outsourced: true})
		err := f.a.Store.Read(f.ctx, func(tx *store.Tx) error {
			var want int64 = 1
			var sum int64
			for l, err := range tx.ExportInvoiceLines(f.ctx, id, "USD") {
				if err != nil {
					return err
				}
				if l.Position != want || l.Total.Currency != "USD" {
					return fmt.Errorf("line %d at %d (%s)", l.Position, want, l.Total.Currency)
				}
				want++
				sum += l.Total.Minor
			}
			if want != n+2 || sum != n*xpFeeLine+xpOutsourced {
				return fmt.Errorf("read %d lines summing %d", want-1, sum)
			}
			seen := 0
			for _, err := range tx.ExportInvoiceLines(f.ctx, id, "USD") {
				if err != nil {
					return err
				}
				if seen++; seen == 10 {
					break
				}
			}
			// The transaction is still usable after stopping early.
			_, err := tx.ExportInvoice(f.ctx, store.Scope{All: true}, id)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := f.a.ExportLEDES(f.ctx, f.marcus, id, &buf); err != nil {
			t.Fatal(err)
		}
		checkLEDES(t, buf.Bytes(), "INV-2019-0100", n*xpFeeLine+xpOutsourced, int(n+1))
	})
}

// The PDF invoice: the number, the parties, the totals, the transparency
// block's figures and the sentence on time saved; a credit note names the
// invoice it credits; a large invoice lists its first lines and says how
// many more are in the LEDES file.
func TestInvoicePDF(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newXPFixture(t, e)
		ctx := f.ctx
		if err := f.a.Store.Write(ctx, func(tx *store.Tx) error {
			return tx.SetSetting(ctx, app.FirmAddressSetting, "500 Fifth Avenue, New York, NY 10110", t0)
		}); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		name, err := f.a.PDFDownload(ctx, f.helen, f.sent, &buf)
		if err != nil {
			t.Fatal(err)
		}
		if name != "INV-2019-0001.pdf" || !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
			t.Fatalf("%q, %.20q", name, buf.String())
		}
		if n := auditCount(t, f.a, "client_invoice.pdf_export", f.calloway); n != 1 {
			t.Errorf("pdf_export audited %d times", n)
		}
		// Saving 3,000.00 − 1,234.56 = 1,765.44 = 58.85% of the in-house cost;
		// of the firm's saving of 2,000.00 the client gets 88.27%.
		tr, err := app.InvoiceTransparency(domain.Transparency{VendorCost: domain.NewMoney(xpVendorCost, "USD"), InHouse: domain.NewMoney(xpInHouse, "USD"), Charged: domain.NewMoney(xpOutsourced, "USD")})
		if err != nil || tr.ClientSaving.Minor != 176544 || tr.SavingPercentBP != 5885 || tr.SavingSharedBP != 8827 {
			t.Fatalf("transparency %+v %v", tr, err)
		}
		text := testenv.PdfToText(t, buf.Bytes())
		for _, s := range []string{"INV-2019-0001", "Hartwell", "500 Fifth Avenue", "Calloway", callNo, "31 March 2026", "Sent",
			"USD 900.00", "USD 1,234.56", "USD 2,134.56", "USD 1,000.00", "USD 3,000.00", "USD 1,765.44", "58.85%", "88.27%",
			"Reviewed the production protocol", "E118", app.NeverBilled, "Page 1 of"} {
			if !strings.Contains(text, s) {
				t.Errorf("%q missing from the PDF text:\n%s", s, text)
			}
		}

		// Refusals as for the LEDES file, except that the firm may print a draft.
		if err := f.a.InvoicePDF(ctx, f.marcus, f.draft, &buf); err != nil {
			t.Errorf("draft PDF for the firm: %v", err)
		}
		for _, c := range []struct {
			who  domain.User
			id   int64
			code string
		}{{f.helen, f.draft, domain.ENotFound}, {f.sam, f.sent, domain.ENotFound}, {f.anika, f.sent, domain.EForbidden}} {
			buf.Reset()
			if err := f.a.InvoicePDF(ctx, c.who, c.id, &buf); domain.ErrorCode(err) != c.code || buf.Len() != 0 {
				t.Errorf("%s PDF of %d: %v (%d bytes), want %s", c.who.Name, c.id, err, buf.Len(), c.code)
			}
		}

		// A large invoice lists the first 1,000 lines.
		big := insertXPInvoice(t, f.db, xpInvoice{Number: "INV-2019-0200", MatterID: f.calloway, State: domain.InvoiceSent, CreatedBy: f.rosa.ID, Lines: 1200})
		buf.Reset()
		if err := f.a.InvoicePDF(ctx, f.marcus, big, &buf); err != nil {
			t.Fatal(err)
		}
		text = testenv.PdfToText(t, buf.Bytes())
		if !strings.Contains(text, "first 1000 of the invoice's 1200 lines; the 200 more are in its LEDES file") {
			t.Errorf("large invoice: no note of the lines left out")
		}
		if strings.Contains(text, "Outsourced work") {
			t.Errorf("a transparency block on an invoice without outsourced work")
		}

		// A credit note names the invoice it credits.
		cn := insertXPInvoice(t, f.db, xpInvoice{Number: "CN-2019-0001", Kind: domain.KindCreditNote, Credits: f.sent, MatterID: f.calloway, State: domain.InvoiceSent, CreatedBy: f.rosa.ID, Lines: 1})
		buf.Reset()
		if err := f.a.InvoicePDF(ctx, f.helen, cn, &buf); err != nil {
			t.Fatal(err)
		}
		if text = testenv.PdfToText(t, buf.Bytes()); !strings.Contains(text, "Credit note CN-2019-0001") || !strings.Contains(text, "correcting invoice INV-2019-0001") {
			t.Errorf("credit note:\n%s", text)
		}
	})
}
