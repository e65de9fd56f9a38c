package app_test

import (
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// viFixture is the demo's active Calloway/Lexora engagement with a rate
// card (ASSOC at INR 1,650.00 an hour, INR 950.00 a document), Meera off
// the vendor team, and two more approved entries of Rohan's: 4 hours on
// 2026-03-14 (11.5 hours that day with the demo's 7.5) and 1 hour before
// the first statement of work was approved.
type viFixture struct {
	*rateFixture
	extra, early int64 // the two added entries
	demo         []domain.TimeEntry
	sowOn        domain.Date
}

func newVIFixture(tb testing.TB, e testenv.Engine) *viFixture {
	tb.Helper()
	f := &viFixture{rateFixture: newRateFixture(tb, e)}
	ctx := f.ctx
	err := f.a.Store.Write(ctx, func(tx *store.Tx) error {
		for _, l := range []domain.RateCardLine{
			{EngagementID: f.eid, Kind: domain.RateHourly, Classification: domain.ClassAssociate, Amount: domain.NewMoney(165000, "INR"), Effective: "2025-01-01"},
			{EngagementID: f.eid, Kind: domain.RatePerUnit, Unit: "documents", Amount: domain.NewMoney(95000, "INR"), Effective: "2025-01-01"},
		} {
			l.SetBy, l.SetAt = f.marcus.ID, t0
			if err := tx.AddRateCardLine(ctx, &l); err != nil {
				return err
			}
		}
		_ = tx.RemoveEngagementMember(ctx, f.eid, f.people[emMeera].ID)
		var err error
		if f.sowOn, err = tx.FirstSOWApproval(ctx, f.eid); err != nil {
			return err
		}
		add := func(day domain.Date, h domain.Tenths) (int64, error) {
			te := domain.TimeEntry{EngagementID: f.eid, WorkItemID: f.items[0].ID, UserID: f.rohan.ID, WorkedOn: day, Hours: h, TaskCode: "L320",
				ActivityCode: "A104", Narrative: "Responsiveness review", State: domain.TimeApproved}
			err := tx.CreateTimeEntry(ctx, &te, t0)
			return te.ID, err
		}
		if f.extra, err = add("2026-03-14", 40); err != nil {
			return err
		}
		if f.early, err = add(domain.DateOf(f.sowOn.Time().AddDate(0, 0, -5)), 10); err != nil {
			return err
		}
		f.demo, err = tx.TimeEntries(ctx, f.eid, 0)
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return f
}

// entry finds the demo entry of who on day.
func (f *viFixture) entry(tb testing.TB, who string, day domain.Date, state domain.TimeState) int64 {
	tb.Helper()
	for _, t := range f.demo {
		if t.UserID == f.people[who].ID && t.WorkedOn == day && t.State == state && t.ID != f.extra {
			return t.ID
		}
	}
	tb.Fatalf("no %s entry of %s on %s", state, who, day)
	return 0
}

// viRows counts what a refused request must leave unchanged.
func (f *viFixture) viRows(tb testing.TB) [5]int {
	tb.Helper()
	var n [5]int
	err := f.a.Store.DB().QueryRow(`SELECT (SELECT COUNT(*) FROM vendor_invoices), (SELECT COUNT(*) FROM vendor_invoice_lines),
		(SELECT COUNT(*) FROM vendor_invoice_messages), (SELECT COUNT(*) FROM audit_events),
		(SELECT COUNT(*) FROM vendor_invoice_lines WHERE state <> 'open')`).Scan(&n[0], &n[1], &n[2], &n[3], &n[4])
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

func (f *viFixture) input(number string, lines ...app.VendorLineInput) app.VendorInvoiceInput {
	return app.VendorInvoiceInput{Number: number, Date: "2026-03-17", Start: string(f.sowOn.Time().AddDate(0, 0, -10).Format(time.DateOnly)), End: "2026-03-17",
		Lines: lines}
}

func flagCodes(l domain.VendorInvoiceLine) string { return domain.FlagCodes(l.Flags) }

// Submission from approved entries: exact amounts and total, each flag
// with its numbers (and none on a line in order), the in-house equivalent.
func TestSubmitVendorInvoice(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newVIFixture(t, e)
		ctx := f.ctx
		rohan1 := f.entry(t, dvRohan, "2026-03-14", domain.TimeApproved)
		rohan2 := f.entry(t, dvRohan, "2026-03-15", domain.TimeApproved)
		meera := f.entry(t, emMeera, "2026-03-14", domain.TimeApproved)
		before := f.viRows(t)
		v, err := f.a.SubmitVendorInvoice(ctx, f.anika, f.eid, f.input("LX-2026-031",
			app.VendorLineInput{Kind: "hourly", TimeEntryID: rohan1},
			app.VendorLineInput{Kind: "hourly", TimeEntryID: rohan2, Classification: "assoc"},
			app.VendorLineInput{Kind: "hourly", TimeEntryID: meera, Rate: "1800"},
			app.VendorLineInput{Kind: "hourly", TimeEntryID: f.extra},
			app.VendorLineInput{Kind: "hourly", TimeEntryID: f.early},
			app.VendorLineInput{Kind: "per_unit", WorkItemID: f.items[2].ID, Quantity: "1600", Date: "2026-03-16"},
		))
		if err != nil {
			t.Fatal(err)
		}
		wantAmounts := []int64{1237500, 1320000, 1260000, 660000, 165000, 152000000}
		for i, l := range v.Lines {
			if l.Amount != domain.NewMoney(wantAmounts[i], "INR") {
				t.Errorf("line %d: %s, want %d", i+1, l.Amount, wantAmounts[i])
			}
		}
		if v.Total != domain.NewMoney(156642500, "INR") || v.State != domain.VendorInvoiceSubmitted {
			t.Fatalf("total %s %s, want INR 1,566,425.00 submitted", v.Total, v.State)
		}
		got, err := f.a.VendorInvoice(ctx, f.marcus, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		wantFlags := []string{"day_hours", "", "not_on_engagement,above_card", "day_hours", "before_sow", "over_estimate"}
		for i, l := range got.Invoice.Lines {
			if flagCodes(l) != wantFlags[i] {
				t.Errorf("line %d flags %q, want %q", i+1, flagCodes(l), wantFlags[i])
			}
		}
		l := got.Invoice.Lines
		if msg := l[0].Flags[0].Message; msg != "Rohan Kulkarni bills 11.5 hours on 2026-03-14; the firm flags more than 10 hours a day." {
			t.Errorf("day_hours message: %q", msg)
		}
		if msg := l[2].Flags[1].Message; !strings.Contains(msg, "INR 1,800.00") || !strings.Contains(msg, "INR 1,650.00") {
			t.Errorf("above_card message: %q", msg)
		}
		if msg := l[5].Flags[0].Message; !strings.Contains(msg, "150 documents") || !strings.Contains(msg, "1600.00") || !strings.Contains(msg, "1450.00 over") {
			t.Errorf("over_estimate message: %q", msg)
		}
		if !strings.Contains(l[4].Flags[0].Message, string(f.sowOn)) {
			t.Errorf("before_sow message: %q", l[4].Flags[0].Message)
		}
		if got.Flags != 6 || l[0].Classification != domain.ClassAssociate || l[0].Quantity != 750 || l[0].TaskCode != "L320" {
			t.Errorf("flags %d, line 1 %+v", got.Flags, l[0])
		}
		// 7.5 of the item's 2,400 estimated hours stand for 3.00 of its 960
		// in-house hours at USD 185.00: USD 555.00.
		if l[0].InHouse != domain.NewMoney(55500, "USD") || l[0].BaselineHours != 300 {
			t.Errorf("in-house of line 1: %s, %d hundredths", l[0].InHouse, l[0].BaselineHours)
		}
		if n := f.viRows(t); n[0] != before[0]+1 || n[1] != before[1]+6 || n[3] != before[3]+1 {
			t.Errorf("rows %v → %v: want one invoice, six lines, one audit event", before, n)
		}
		// A flagged invoice: the supervising attorney and the firm's staff
		// are told, nobody else.
		var attorneys, staff, others int
		if err := f.a.Store.DB().QueryRow(`SELECT
				COALESCE(SUM(CASE WHEN u.role = 'attorney' THEN 1 ELSE 0 END), 0),
				COALESCE(SUM(CASE WHEN u.role = 'staff' THEN 1 ELSE 0 END), 0),
				COALESCE(SUM(CASE WHEN u.role NOT IN ('attorney', 'staff') THEN 1 ELSE 0 END), 0)
			FROM outbox o JOIN users u ON u.email = o.to_addr WHERE o.subject LIKE '%LX-2026-031%'`).Scan(&attorneys, &staff, &others); err != nil ||
			attorneys != 1 || staff == 0 || others != 0 {
			t.Errorf("mail of the flagged invoice: %d attorneys, %d staff, %d others (%v); want the supervising attorney and the staff", attorneys, staff, others, err)
		}

		// A second invoice bills the rest of the item's documents: the
		// estimate now counts the first invoice too.
		v2, err := f.a.SubmitVendorInvoice(ctx, f.anika, f.eid, f.input("LX-2026-032",
			app.VendorLineInput{Kind: "per_unit", WorkItemID: f.items[2].ID, Unit: "documents", Quantity: "10", Date: "2026-03-17"}))
		if err != nil {
			t.Fatal(err)
		}
		if flagCodes(v2.Lines[0]) != "over_estimate" || !strings.Contains(v2.Lines[0].Flags[0].Message, "1610.00 in all") {
			t.Errorf("second invoice flags: %+v", v2.Lines[0].Flags)
		}
	})
}

// Bad input of each kind is refused naming the field, and nothing is saved;
// entries are invoiced once, and again after a rejection.
func TestSubmitVendorInvoiceRefusals(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newVIFixture(t, e)
		ctx := f.ctx
		rohan1 := f.entry(t, dvRohan, "2026-03-14", domain.TimeApproved)
		submitted := f.entry(t, dvRohan, "2026-03-16", domain.TimeSubmitted)
		unit := func(q, date string) app.VendorLineInput {
			return app.VendorLineInput{Kind: "per_unit", WorkItemID: f.items[2].ID, Quantity: q, Date: date}
		}
		before := f.viRows(t)
		for _, c := range []struct {
			name  string
			in    app.VendorInvoiceInput
			field string
		}{
			{"another currency", func() app.VendorInvoiceInput {
				in := f.input("X1", unit("1", "2026-03-16"))
				in.Currency = "USD"
				return in
			}(), "currency"},
			{"zero quantity", f.input("X1", unit("0", "2026-03-16")), "lines[0].quantity"},
			{"negative quantity", f.input("X1", unit("1", "2026-03-16"), unit("-2", "2026-03-16")), "lines[1].quantity"},
			{"unknown work item", f.input("X1", app.VendorLineInput{Kind: "per_unit", WorkItemID: 999999, Quantity: "1", Date: "2026-03-16"}), "lines[0].work_item"},
			{"unknown task code", f.input("X1", app.VendorLineInput{Kind: "per_unit", WorkItemID: f.items[2].ID, Quantity: "1", Date: "2026-03-16", TaskCode: "L999"}), "lines[0].task_code"},
			{"date outside the period", f.input("X1", unit("1", "2026-04-02")), "lines[0].date"},
			{"entry not approved", f.input("X1", app.VendorLineInput{Kind: "hourly", TimeEntryID: submitted}), "lines[0].time_entry"},
			{"entry of no such engagement", f.input("X1", app.VendorLineInput{Kind: "hourly", TimeEntryID: 999999}), "lines[0].time_entry"},
			{"entry twice", f.input("X1", app.VendorLineInput{Kind: "hourly", TimeEntryID: rohan1}, app.VendorLineInput{Kind: "hourly", TimeEntryID: rohan1}), "lines[1].time_entry"},
			{"no number", f.input("", unit("1", "2026-03-16")), "number"},
			{"no lines", f.input("X1"), "lines"},
		} {
			_, err := f.a.SubmitVendorInvoice(ctx, f.anika, f.eid, c.in)
			if domain.ErrorCode(err) != domain.EInvalid || domain.ErrorField(err) != c.field {
				t.Errorf("%s: %v (field %q), want invalid %s", c.name, err, domain.ErrorField(err), c.field)
			}
		}
		// Only the vendor's manager submits; others are refused.
		_, err := f.a.SubmitVendorInvoice(ctx, f.marcus, f.eid, f.input("X1", unit("1", "2026-03-16")))
		wantCode(t, err, domain.EForbidden, "an attorney submitting")
		_, err = f.a.SubmitVendorInvoice(ctx, f.rohan, f.eid, f.input("X1", unit("1", "2026-03-16")))
		wantCode(t, err, domain.EForbidden, "a vendor professional submitting")
		_, err = f.a.SubmitVendorInvoice(ctx, f.people[emMaria], f.eid, f.input("X1", unit("1", "2026-03-16")))
		wantCode(t, err, domain.ENotFound, "another vendor's manager submitting")
		_, err = f.a.SubmitVendorInvoice(ctx, f.helen, f.eid, f.input("X1", unit("1", "2026-03-16")))
		wantCode(t, err, domain.ENotFound, "a client contact submitting")
		if n := f.viRows(t); n != before {
			t.Fatalf("refusals wrote: %v → %v", before, n)
		}

		a, err := f.a.SubmitVendorInvoice(ctx, f.anika, f.eid, f.input("LX-1", app.VendorLineInput{Kind: "hourly", TimeEntryID: rohan1}))
		if err != nil {
			t.Fatal(err)
		}
		mid := f.viRows(t)
		_, err = f.a.SubmitVendorInvoice(ctx, f.anika, f.eid, f.input("LX-1", unit("1", "2026-03-16")))
		wantCode(t, err, domain.EConflict, "a duplicate number")
		_, err = f.a.SubmitVendorInvoice(ctx, f.anika, f.eid, f.input("LX-2", app.VendorLineInput{Kind: "hourly", TimeEntryID: rohan1}))
		if domain.ErrorField(err) != "lines[0].time_entry" || !strings.Contains(domain.ErrorMessage(err), "already on another invoice") {
			t.Errorf("an entry invoiced twice: %v", err)
		}
		if n := f.viRows(t); n != mid {
			t.Fatalf("refusals wrote: %v → %v", mid, n)
		}
		if err := f.a.RejectVendorInvoice(ctx, f.marcus, a.ID, ""); domain.ErrorField(err) != "reason" {
			t.Errorf("a rejection without a reason: %v", err)
		}
		if err := f.a.RejectVendorInvoice(ctx, f.marcus, a.ID, "Bill the batch with its QC report"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.SubmitVendorInvoice(ctx, f.anika, f.eid, f.input("LX-2", app.VendorLineInput{Kind: "hourly", TimeEntryID: rohan1})); err != nil {
			t.Errorf("an entry of a rejected invoice is invoiceable again: %v", err)
		}
	})
}

// The firm's review: dispute, answer, resolve each way, approve with the
// exchange rate; who may do what; approved invoices are final.
func TestVendorInvoiceReview(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newVIFixture(t, e)
		ctx := f.ctx
		rohan1 := f.entry(t, dvRohan, "2026-03-14", domain.TimeApproved)
		rohan2 := f.entry(t, dvRohan, "2026-03-15", domain.TimeApproved)
		meera := f.entry(t, emMeera, "2026-03-14", domain.TimeApproved)
		v, err := f.a.SubmitVendorInvoice(ctx, f.anika, f.eid, f.input("LX-7",
			app.VendorLineInput{Kind: "hourly", TimeEntryID: rohan1},
			app.VendorLineInput{Kind: "hourly", TimeEntryID: rohan2},
			app.VendorLineInput{Kind: "hourly", TimeEntryID: meera},
		)) // 12,375.00 + 13,200.00 + 11,550.00 = INR 37,125.00
		if err != nil {
			t.Fatal(err)
		}
		l1, l2, l3 := v.Lines[0].ID, v.Lines[1].ID, v.Lines[2].ID
		before := f.viRows(t)
		wantCode(t, f.a.DisputeVendorLine(ctx, f.anika, v.ID, l1, "why?"), domain.EForbidden, "the vendor disputing")
		wantCode(t, f.a.DisputeVendorLine(ctx, f.people[emMaria], v.ID, l1, "why?"), domain.ENotFound, "another vendor disputing")
		wantCode(t, f.a.DisputeVendorLine(ctx, f.helen, v.ID, l1, "why?"), domain.ENotFound, "a client disputing")
		wantCode(t, f.a.DisputeVendorLine(ctx, f.marcus, v.ID, 999999, "why?"), domain.ENotFound, "a dispute on no such line")
		wantCode(t, f.a.DisputeVendorLine(ctx, f.marcus, v.ID, l1, " "), domain.EInvalid, "a dispute without a message")
		_, err = f.a.ApproveVendorInvoice(ctx, f.anika, v.ID, "0.012", "2026-03-16")
		wantCode(t, err, domain.EForbidden, "the vendor approving")
		for _, u := range []domain.User{f.people[emMaria], f.helen} {
			_, err := f.a.VendorInvoice(ctx, u, v.ID)
			wantCode(t, err, domain.ENotFound, u.Name+" reading the invoice")
			list, err := f.a.VendorInvoices(ctx, u, store.VendorInvoiceFilter{})
			if len(list) != 0 {
				t.Errorf("%s lists %d invoices (%v)", u.Name, len(list), err)
			}
		}
		if n := f.viRows(t); n != before {
			t.Fatalf("refusals wrote: %v → %v", before, n)
		}

		for _, l := range []int64{l1, l2, l3} {
			if err := f.a.DisputeVendorLine(ctx, f.rosa, v.ID, l, "Please show the batch report for this day."); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.a.ReplyVendorLine(ctx, f.anika, v.ID, l1, "Batch report attached to the deliverable."); err != nil {
			t.Fatal(err)
		}
		wantCode(t, f.a.ReplyVendorLine(ctx, f.marcus, v.ID, l1, "no"), domain.EForbidden, "the firm answering as the vendor")
		_, err = f.a.ApproveVendorInvoice(ctx, f.marcus, v.ID, "0.0120", "2026-03-16")
		wantCode(t, err, domain.EConflict, "approving while a line is disputed")
		if err := f.a.ResolveVendorLine(ctx, f.marcus, v.ID, l1, "accept", "", ""); err != nil {
			t.Fatal(err)
		}
		for _, amt := range []string{"13200", "-1", "", "12000.001"} {
			if err := f.a.ResolveVendorLine(ctx, f.marcus, v.ID, l2, "adjust", amt, ""); domain.ErrorField(err) != "amount" {
				t.Errorf("adjust to %q: %v", amt, err)
			}
		}
		if err := f.a.ResolveVendorLine(ctx, f.marcus, v.ID, l2, "adjust", "12000", "Batch 13 was partly rework."); err != nil {
			t.Fatal(err)
		}
		if got, _ := f.a.VendorInvoice(ctx, f.marcus, v.ID); got.Invoice.State != domain.VendorInvoiceDisputed {
			t.Errorf("with a line still disputed the invoice is %s", got.Invoice.State)
		}
		if err := f.a.ResolveVendorLine(ctx, f.marcus, v.ID, l3, "remove", "", "Meera is not on the team."); err != nil {
			t.Fatal(err)
		}
		got, err := f.a.VendorInvoice(ctx, f.anika, v.ID)
		if err != nil || got.Invoice.State != domain.VendorInvoiceSubmitted || len(got.Invoice.Lines[0].Messages) != 3 {
			t.Fatalf("after resolving: %+v %v", got.Invoice, err)
		}
		if m := got.Invoice.Lines[1].Messages[1]; m.Resolution != domain.ResolveAdjust || m.Amount != domain.NewMoney(1200000, "INR") {
			t.Errorf("adjust message %+v", m)
		}

		for _, c := range []struct{ rate, date, field string }{{"", "2026-03-16", "fx_rate"}, {"0", "2026-03-16", "fx_rate"}, {"0.00000000001", "2026-03-16", "fx_rate"},
			{"abc", "2026-03-16", "fx_rate"}, {"0.012", "", "fx_date"}, {"0.012", "2026-03-18", "fx_date"}} {
			_, err := f.a.ApproveVendorInvoice(ctx, f.marcus, v.ID, c.rate, c.date)
			if domain.ErrorField(err) != c.field {
				t.Errorf("approve at %q on %q: %v, want %s", c.rate, c.date, err, c.field)
			}
		}
		mid := f.viRows(t)
		ap, err := f.a.ApproveVendorInvoice(ctx, f.marcus, v.ID, "0.0120", "2026-03-16")
		if err != nil {
			t.Fatal(err)
		}
		// 12,375.00 + 12,000.00 = INR 24,375.00 × 0.012 = USD 292.50.
		if ap.ApprovedTotal != domain.NewMoney(2437500, "INR") || ap.FirmCost != domain.NewMoney(29250, "USD") || ap.FXRate != "0.0120" {
			t.Errorf("approved %s, firm cost %s at %q", ap.ApprovedTotal, ap.FirmCost, ap.FXRate)
		}
		got, _ = f.a.VendorInvoice(ctx, f.marcus, v.ID)
		if got.Invoice.State != domain.VendorInvoiceApproved || got.Invoice.FirmCost != ap.FirmCost || got.Invoice.FXOn != "2026-03-16" || got.CanReview {
			t.Errorf("stored approval %+v", got.Invoice)
		}
		var firmCur string
		if err := f.a.Store.DB().QueryRow(`SELECT firm_currency FROM vendor_invoices WHERE id = $1`, v.ID).Scan(&firmCur); err != nil || firmCur != "USD" {
			t.Errorf("firm_currency %q %v", firmCur, err)
		}
		if n := f.viRows(t); n[3] != mid[3]+1 {
			t.Errorf("approval audit events: %v → %v", mid, n)
		}

		// Final: nothing changes any more.
		final := f.viRows(t)
		wantCode(t, f.a.DisputeVendorLine(ctx, f.marcus, v.ID, l1, "again"), domain.EConflict, "disputing an approved invoice")
		wantCode(t, f.a.ResolveVendorLine(ctx, f.marcus, v.ID, l1, "remove", "", ""), domain.EConflict, "resolving on an approved invoice")
		wantCode(t, f.a.RejectVendorInvoice(ctx, f.marcus, v.ID, "changed my mind"), domain.EConflict, "rejecting an approved invoice")
		_, err = f.a.ApproveVendorInvoice(ctx, f.marcus, v.ID, "0.013", "2026-03-16")
		wantCode(t, err, domain.EConflict, "approving twice")
		wantCode(t, f.a.ReplyVendorLine(ctx, f.anika, v.ID, l1, "late"), domain.EConflict, "answering on an approved invoice")
		if n := f.viRows(t); n != final {
			t.Fatalf("changes to a final invoice wrote: %v → %v", final, n)
		}
		// The demo's own approved invoices are listed too: this one is the newest.
		list, err := f.a.VendorInvoices(ctx, f.anika, store.VendorInvoiceFilter{State: domain.VendorInvoiceApproved})
		if err != nil || len(list) == 0 || list[0].ID != v.ID || list[0].Flags != v.FlagCount() {
			t.Errorf("the vendor's approved invoices: %+v %v", list, err)
		}
	})
}
