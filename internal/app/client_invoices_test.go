package app_test

import (
	"strings"
	"testing"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/testenv"
)

// invoiceFixture is the rates fixture (Calloway/Lexora, timekeepers
// cleared) with no billing rows, Marcus a PARTNR at 500.00 and Priya an
// ASSOC at 300.00 from 2026-01-01, and helpers inserting firm time and
// approved vendor invoices by the schema's meaning.
type invoiceFixture struct {
	*rateFixture
	matterID, vendorID int64
	sam                domain.User
}

func newInvoiceFixture(tb testing.TB, e testenv.Engine) *invoiceFixture {
	tb.Helper()
	f := &invoiceFixture{rateFixture: newRateFixture(tb, e)}
	db := f.a.Store.DB()
	for _, q := range []string{`UPDATE firm_time_entries SET client_invoice_id = NULL`, `UPDATE vendor_invoices SET client_invoice_id = NULL`,
		`DELETE FROM client_invoice_lines`, `DELETE FROM client_invoices`, `DELETE FROM vendor_invoice_messages`, `DELETE FROM vendor_invoice_lines`,
		`DELETE FROM vendor_invoices`, `DELETE FROM firm_time_entries`} {
		if _, err := db.Exec(q); err != nil {
			tb.Fatal(q, err)
		}
	}
	if err := db.QueryRow(`SELECT matter_id, vendor_id FROM engagements WHERE id = $1`, f.eid).Scan(&f.matterID, &f.vendorID); err != nil {
		tb.Fatal(err)
	}
	f.sam = f.people[emSam]
	for _, tk := range []app.TimekeeperInput{{UserID: f.marcus.ID, LEDESID: "HC-MO", Classification: "PARTNR", Rate: "500", From: "2026-01-01"},
		{UserID: f.priya.ID, LEDESID: "HC-PR", Classification: "ASSOC", Rate: "300", From: "2026-01-01"}} {
		if _, err := f.a.SetTimekeeper(f.ctx, f.admin, tk); err != nil {
			tb.Fatal(err)
		}
	}
	return f
}

func (f *invoiceFixture) exec(tb testing.TB, q string, args ...any) {
	tb.Helper()
	if _, err := f.a.Store.DB().Exec(q, args...); err != nil {
		tb.Fatal(q, err)
	}
}

// firmTime inserts a firm time entry on the fixture's matter.
func (f *invoiceFixture) firmTime(tb testing.TB, u domain.User, day string, tenths int, purpose string) {
	tb.Helper()
	eng := any(nil)
	if purpose != "matter" {
		eng = f.eid
	}
	f.exec(tb, `INSERT INTO firm_time_entries (matter_id, engagement_id, user_id, worked_on, tenths, purpose, task_code, activity_code, narrative, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, 'L120', 'A101', 'Strategy with the client', $3, 1)`, f.matterID, eng, u.ID, day, tenths, purpose)
}

// vendorInvoice inserts an approved vendor invoice of the engagement for
// the period ending end, costing the firm cost (USD minor units), whose
// two hourly lines stand for inHouse in-house.
func (f *invoiceFixture) vendorInvoice(tb testing.TB, number, end string, cost, inHouse int64) {
	tb.Helper()
	var id int64
	err := f.a.Store.DB().QueryRow(`INSERT INTO vendor_invoices (engagement_id, vendor_id, number, invoice_date, period_start, period_end, currency, total_minor,
		approved_minor, state, fx_rate, fx_on, firm_cost_minor, firm_currency, submitted_by, submitted_at, decided_by, decided_at)
		VALUES ($1, $2, $3, $4, '2026-02-01', $4, 'INR', 8000000, 8000000, 'approved', '0.0120', $4, $5, 'USD', $6, 1, $7, 2) RETURNING id`,
		f.eid, f.vendorID, number, end, cost, f.anika.ID, f.marcus.ID).Scan(&id)
	if err != nil {
		tb.Fatal(err)
	}
	for i, u := range []domain.User{f.anika, f.rohan} {
		f.exec(tb, `INSERT INTO vendor_invoice_lines (invoice_id, position, kind, user_id, classification, worked_on, quantity, rate_minor, amount_minor,
			task_code, activity_code, description, state, approved_minor, inhouse_minor) VALUES ($1, $2, 'hourly', $3, 'PARLGL', '2026-02-10', 1000, 400000, 4000000,
			'L320', 'A104', 'First-level review', 'accepted', 4000000, $4)`, id, i+1, u.ID, inHouse/2+int64(i)*(inHouse%2))
	}
}

func (f *invoiceFixture) mode(tb testing.TB, mode domain.BillingMode) {
	f.exec(tb, `UPDATE engagements SET billing_mode = $1 WHERE id = $2`, string(mode), f.eid)
}

// billingRows counts invoices, lines, billed firm time, billed vendor
// invoices and audit events.
func (f *invoiceFixture) billingRows(tb testing.TB) [5]int {
	tb.Helper()
	var n [5]int
	err := f.a.Store.DB().QueryRow(`SELECT (SELECT COUNT(*) FROM client_invoices), (SELECT COUNT(*) FROM client_invoice_lines),
		(SELECT COUNT(*) FROM firm_time_entries WHERE client_invoice_id IS NOT NULL), (SELECT COUNT(*) FROM vendor_invoices WHERE client_invoice_id IS NOT NULL),
		(SELECT COUNT(*) FROM audit_events)`).Scan(&n[0], &n[1], &n[2], &n[3], &n[4])
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

func wantInvoiceCode(tb testing.TB, what string, err error, code string) {
	tb.Helper()
	if domain.ErrorCode(err) != code {
		tb.Fatalf("%s: got %v, want %s", what, err, code)
	}
}

func TestClientInvoiceLifecycle(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newInvoiceFixture(t, e)
		ctx := f.ctx
		f.mode(t, domain.BillingDisbursement)
		f.firmTime(t, f.marcus, "2026-02-02", 15, "matter")
		f.firmTime(t, f.priya, "2026-02-03", 10, "supervision")
		f.firmTime(t, f.marcus, "2026-02-04", 10, "rework")
		f.vendorInvoice(t, "LX-1", "2026-02-20", 100000, 300000)
		in := app.ClientInvoiceInput{MatterID: f.matterID, Date: "2026-03-01", Start: "2026-02-01", End: "2026-02-28", OverheadPercent: "5"}
		inv, err := f.a.DraftClientInvoice(ctx, f.rosa, in)
		if err != nil {
			t.Fatal(err)
		}
		// 1.5 h × 500 + 1.0 h × 300 + (1,000.00 + 5%) = 750 + 300 + 1,050.
		if inv.Number != "INV-2026-0001" || inv.State != domain.InvoiceDraft || inv.Total.Minor != 210000 || inv.Fees.Minor != 105000 || inv.LineCount != 3 || len(inv.Flags) != 0 {
			t.Fatalf("draft: %+v", inv)
		}
		if tr := inv.Transparency; tr.VendorCost.Minor != 100000 || tr.Overhead.Minor != 5000 || tr.InHouse.Minor != 300000 || tr.ClientSaving.Minor != 195000 {
			t.Fatalf("transparency: %+v", tr)
		}
		if n := f.billingRows(t); n[2] != 2 || n[3] != 1 {
			t.Fatalf("billed marks: %v (rework stays unbilled)", n)
		}
		// Nothing left: a second draft is refused and changes nothing.
		before := f.billingRows(t)
		_, err = f.a.DraftClientInvoice(ctx, f.rosa, in)
		if domain.ErrorField(err) != "period" || f.billingRows(t) != before {
			t.Fatalf("second draft: %v", err)
		}
		// Clients never see a draft.
		if _, err := f.a.ClientInvoice(ctx, f.helen, inv.ID); domain.ErrorCode(err) != domain.ENotFound {
			t.Fatalf("helen sees the draft: %v", err)
		}
		if list, err := f.a.ClientInvoices(ctx, f.helen, app.ClientInvoiceFilter{}); err != nil || len(list) != 0 {
			t.Fatalf("helen's list: %v %v", list, err)
		}
		_, err = f.a.ApproveClientInvoice(ctx, f.rosa, inv.ID)
		wantInvoiceCode(t, "staff approves", err, domain.EForbidden)
		_, err = f.a.SendClientInvoice(ctx, f.rosa, inv.ID)
		wantInvoiceCode(t, "send a draft", err, domain.EConflict)
		if _, err := f.a.ApproveClientInvoice(ctx, f.marcus, inv.ID); err != nil {
			t.Fatal(err)
		}
		if inv, err = f.a.SendClientInvoice(ctx, f.rosa, inv.ID); err != nil || inv.State != domain.InvoiceSent {
			t.Fatalf("send: %v %v", inv.State, err)
		}
		v, err := f.a.ClientInvoice(ctx, f.helen, inv.ID)
		if err != nil || len(v.Lines) != 3 || v.Internal {
			t.Fatalf("helen's view: %+v %v", v, err)
		}
		if _, err := f.a.ClientInvoice(ctx, f.sam, inv.ID); domain.ErrorCode(err) != domain.ENotFound {
			t.Fatalf("another client sees it: %v", err)
		}
		if inv, err = f.a.MarkClientInvoicePaid(ctx, f.rosa, inv.ID, "2026-03-20"); err != nil || inv.State != domain.InvoicePaid || inv.PaidOn != "2026-03-20" {
			t.Fatalf("paid: %+v %v", inv, err)
		}
		// Immutable once sent: every change is a conflict and changes nothing.
		before = f.billingRows(t)
		_, err = f.a.RecomputeClientInvoice(ctx, f.rosa, inv.ID)
		wantInvoiceCode(t, "recompute paid", err, domain.EConflict)
		wantInvoiceCode(t, "discard paid", f.a.DiscardClientInvoice(ctx, f.rosa, inv.ID), domain.EConflict)
		_, err = f.a.ApproveClientInvoice(ctx, f.marcus, inv.ID)
		wantInvoiceCode(t, "approve paid", err, domain.EConflict)
		_, err = f.a.OverrideClientInvoice(ctx, f.marcus, inv.ID, "a reason long enough to pass the check")
		wantInvoiceCode(t, "override paid", err, domain.EConflict)
		if f.billingRows(t) != before {
			t.Fatal("a refused change changed rows")
		}
		list, err := f.a.ClientInvoices(ctx, f.helen, app.ClientInvoiceFilter{})
		if err != nil || len(list) != 1 || list[0].Number != "INV-2026-0001" {
			t.Fatalf("helen's list: %v %v", list, err)
		}
	})
}

func TestClientInvoiceDiscardRecomputeAndBadInput(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newInvoiceFixture(t, e)
		ctx := f.ctx
		f.firmTime(t, f.marcus, "2026-02-02", 15, "matter")
		in := app.ClientInvoiceInput{MatterID: f.matterID, Date: "2026-03-01", Start: "2026-02-01", End: "2026-02-28"}
		before := f.billingRows(t)
		for _, c := range []struct {
			field string
			in    app.ClientInvoiceInput
		}{
			{"start", app.ClientInvoiceInput{MatterID: f.matterID, Start: "2026-02-30", End: "2026-02-28"}},
			{"end", app.ClientInvoiceInput{MatterID: f.matterID, Start: "2026-02-10", End: "2026-02-01"}},
			{"overhead_percent", app.ClientInvoiceInput{MatterID: f.matterID, Start: "2026-02-01", End: "2026-02-28", OverheadPercent: "60"}},
			{"markup_percent", app.ClientInvoiceInput{MatterID: f.matterID, Start: "2026-02-01", End: "2026-02-28", MarkupPercent: "10.125"}},
			{"matter", app.ClientInvoiceInput{Start: "2026-02-01", End: "2026-02-28"}},
		} {
			if _, err := f.a.DraftClientInvoice(ctx, f.rosa, c.in); domain.ErrorField(err) != c.field {
				t.Errorf("%s: got %v", c.field, err)
			}
		}
		_, err := f.a.DraftClientInvoice(ctx, f.rosa, app.ClientInvoiceInput{MatterID: 999999, Start: "2026-02-01", End: "2026-02-28"})
		wantInvoiceCode(t, "unknown matter", err, domain.ENotFound)
		_, err = f.a.DraftClientInvoice(ctx, f.helen, in)
		wantInvoiceCode(t, "client drafts", err, domain.EForbidden)
		if f.billingRows(t) != before {
			t.Fatal("refused drafts changed rows")
		}
		inv, err := f.a.DraftClientInvoice(ctx, f.rosa, in)
		if err != nil || inv.LineCount != 1 {
			t.Fatalf("draft: %+v %v", inv, err)
		}
		f.firmTime(t, f.priya, "2026-02-05", 20, "matter")
		if inv, err = f.a.RecomputeClientInvoice(ctx, f.rosa, inv.ID); err != nil || inv.LineCount != 2 || inv.Total.Minor != 75000+60000 {
			t.Fatalf("recompute: %+v %v", inv, err)
		}
		if err := f.a.DiscardClientInvoice(ctx, f.rosa, inv.ID); err != nil {
			t.Fatal(err)
		}
		if n := f.billingRows(t); n[0] != 0 || n[1] != 0 || n[2] != 0 {
			t.Fatalf("after discard: %v", n)
		}
		// A timekeeper without a rate that day: a clear error, nothing saved.
		f.firmTime(t, f.daniel, "2026-02-06", 5, "matter")
		before = f.billingRows(t)
		_, err = f.a.DraftClientInvoice(ctx, f.rosa, in)
		if domain.ErrorField(err) != "timekeeper" || !strings.Contains(err.Error(), f.daniel.Name) || f.billingRows(t) != before {
			t.Fatalf("no timekeeper: %v", err)
		}
	})
}

func TestClientInvoiceHeldByPolicy(t *testing.T) {
	for _, c := range []struct {
		name          string
		mode          domain.BillingMode
		markup        string
		cost, inHouse int64
		flag          domain.PolicyFlagCode
	}{
		{"disbursement markup", domain.BillingDisbursement, "10", 100000, 300000, domain.FlagDisbursementMarkup},
		{"fee markup above cap", domain.BillingFee, "30", 100000, 300000, domain.FlagFeeMarkupAboveCap},
		{"saving not passed on", domain.BillingFee, "20", 100000, 130000, domain.FlagSavingNotPassedOn},
	} {
		t.Run(c.name, func(t *testing.T) {
			testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
				f := newInvoiceFixture(t, e)
				ctx := f.ctx
				f.mode(t, c.mode)
				f.vendorInvoice(t, "LX-9", "2026-02-20", c.cost, c.inHouse)
				inv, err := f.a.DraftClientInvoice(ctx, f.rosa, app.ClientInvoiceInput{MatterID: f.matterID, Date: "2026-03-01", Start: "2026-02-01", End: "2026-02-28", MarkupPercent: c.markup})
				if err != nil {
					t.Fatal(err)
				}
				found := false
				for _, fl := range inv.Flags {
					found = found || fl.Code == c.flag
				}
				if !found || !inv.Held() {
					t.Fatalf("flags: %+v", inv.Flags)
				}
				if _, err := f.a.ApproveClientInvoice(ctx, f.marcus, inv.ID); err != nil {
					t.Fatal(err)
				}
				before := f.billingRows(t)
				_, err = f.a.SendClientInvoice(ctx, f.rosa, inv.ID)
				if domain.ErrorCode(err) != domain.EGateClosed || !strings.Contains(err.Error(), "billing partner must override") || !strings.Contains(err.Error(), inv.Flags[0].Message) {
					t.Fatalf("send held: %v", err)
				}
				_, err = f.a.OverrideClientInvoice(ctx, f.priya, inv.ID, "The client agreed to this in the engagement letter.")
				if domain.ErrorCode(err) != domain.EForbidden || !strings.Contains(err.Error(), "billing partner") {
					t.Fatalf("priya overrides: %v", err)
				}
				_, err = f.a.OverrideClientInvoice(ctx, f.marcus, inv.ID, "too short")
				if domain.ErrorField(err) != "reason" {
					t.Fatalf("short reason: %v", err)
				}
				if f.billingRows(t) != before {
					t.Fatal("refusals changed rows")
				}
				reason := "The client agreed to this markup in the engagement letter of 2 January."
				if inv, err = f.a.OverrideClientInvoice(ctx, f.marcus, inv.ID, reason); err != nil || inv.Held() || inv.OverrideReason != reason {
					t.Fatalf("override: %+v %v", inv, err)
				}
				var summary string
				if err := f.a.Store.DB().QueryRow(`SELECT summary FROM audit_events WHERE action = 'client_invoice.override' AND object_id = $1`, inv.ID).Scan(&summary); err != nil ||
					!strings.Contains(summary, reason) || !strings.Contains(summary, string(c.flag)) {
					t.Fatalf("audit: %q %v", summary, err)
				}
				if inv, err = f.a.SendClientInvoice(ctx, f.rosa, inv.ID); err != nil || inv.State != domain.InvoiceSent {
					t.Fatalf("send after override: %v", err)
				}
			})
		})
	}
}

func TestCreditNoteAndWriteOff(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newInvoiceFixture(t, e)
		ctx := f.ctx
		f.firmTime(t, f.marcus, "2026-02-02", 15, "matter")
		f.firmTime(t, f.priya, "2026-02-03", 10, "matter")
		inv, err := f.a.DraftClientInvoice(ctx, f.rosa, app.ClientInvoiceInput{MatterID: f.matterID, Date: "2026-03-01", Start: "2026-02-01", End: "2026-02-28"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.a.CreditNote(ctx, f.rosa, inv.ID, "wrong rate", nil)
		wantInvoiceCode(t, "credit a draft", err, domain.EConflict)
		if _, err := f.a.ApproveClientInvoice(ctx, f.marcus, inv.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.SendClientInvoice(ctx, f.rosa, inv.ID); err != nil {
			t.Fatal(err)
		}
		cn, err := f.a.CreditNote(ctx, f.rosa, inv.ID, "Priya's hour was billed twice", []int64{2})
		if err != nil || cn.Kind != domain.KindCreditNote || cn.Number != "CN-2026-0001" || cn.Total.Minor != -30000 || cn.CreditsInvoiceID != inv.ID {
			t.Fatalf("credit note: %+v %v", cn, err)
		}
		v, err := f.a.ClientInvoice(ctx, f.rosa, cn.ID)
		if err != nil || len(v.Lines) != 1 || v.Lines[0].Type != "IF" || v.Lines[0].Units != 0 || v.Lines[0].Adjustment.Minor != -30000 || v.Lines[0].CreditedLineID == 0 {
			t.Fatalf("credit lines: %+v %v", v.Lines, err)
		}
		before := f.billingRows(t)
		for _, pos := range [][]int64{{2}, {7}} {
			if _, err := f.a.CreditNote(ctx, f.rosa, inv.ID, "again, by mistake", pos); domain.ErrorField(err) != "lines" {
				t.Fatalf("credit %v: %v", pos, err)
			}
		}
		if f.billingRows(t) != before {
			t.Fatal("refused credit notes changed rows")
		}
		if _, err := f.a.ApproveClientInvoice(ctx, f.marcus, cn.ID); err != nil {
			t.Fatal(err)
		}
		if cn, err = f.a.SendClientInvoice(ctx, f.rosa, cn.ID); err != nil || cn.State != domain.InvoiceSent {
			t.Fatalf("send credit note: %v", err)
		}
		_, err = f.a.WriteOffClientInvoice(ctx, f.rosa, inv.ID, "The client is insolvent.")
		wantInvoiceCode(t, "staff writes off", err, domain.EForbidden)
		if inv, err = f.a.WriteOffClientInvoice(ctx, f.marcus, inv.ID, "The client is insolvent."); err != nil || inv.State != domain.InvoiceWrittenOff || inv.CloseReason == "" {
			t.Fatalf("write off: %+v %v", inv, err)
		}
		n := 0
		for l, err := range f.a.ClientInvoiceLines(ctx, f.rosa, inv.ID) {
			if err != nil {
				t.Fatal(err)
			}
			n += int(l.Units)
		}
		if n != 250 {
			t.Fatalf("streamed units: %d", n)
		}
	})
}
