package app_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// savingsFixture is a small hand-built billing data set (firm currency
// USD), written with SQL by the schema's meaning, beside the demo firm:
//
//	matter M1 (Calloway, Helen's client): engagement A with Lexora (INR,
//	fee) and engagement B with Keystone (USD, disbursement); matter M2
//	(another client) with engagement C (Keystone).
//
// Every figure the tests assert is worked out by hand in the comments.
type savingsFixture struct {
	a                             *app.App
	ctx                           context.Context
	people                        map[string]domain.User
	admin, marcus, priya, daniel  domain.User
	helen                         domain.User
	m1, m2, ea, eb, ec            int64
	supA, matterEntry, reworkA    int64 // firm time entries
	lineB                         int64 // INV1's outsourced line of B (credited by CN1)
	inv1                          int64
	itemA1, itemB1, itemB2, itemC int64
}

func newSavingsFixture(tb testing.TB, e testenv.Engine) *savingsFixture {
	tb.Helper()
	a, people, matters := demoApp(tb, e)
	f := &savingsFixture{a: a, people: people, admin: people[emEleanor], marcus: people[emMarcus], priya: people[emPriya], daniel: people[emDaniel],
		helen: people[emHelen], ctx: app.WithMeta(context.Background(), app.Meta{Address: "192.0.2.80", RequestID: "savings-test", MFA: true})}
	db := a.Store.DB()
	ins := func(q string, args ...any) int64 {
		tb.Helper()
		var id int64
		if err := db.QueryRow(fmt.Sprintf(q, args...) + " RETURNING id").Scan(&id); err != nil {
			tb.Fatalf("%s: %v", fmt.Sprintf(q, args...), err)
		}
		return id
	}
	exec := func(q string, args ...any) {
		tb.Helper()
		if _, err := db.Exec(fmt.Sprintf(q, args...)); err != nil {
			tb.Fatalf("%s: %v", fmt.Sprintf(q, args...), err)
		}
	}
	var lexora, keystone int64
	if err := db.QueryRow(`SELECT (SELECT id FROM vendors WHERE currency = 'INR' ORDER BY id LIMIT 1), (SELECT id FROM vendors WHERE currency = 'USD' ORDER BY id LIMIT 1)`).Scan(&lexora, &keystone); err != nil {
		tb.Fatal(err)
	}
	_ = matters
	marcus := f.marcus.ID
	other := ins(`INSERT INTO clients (number, name, country, created_at) VALUES ('SV-OTHER', 'Other Savings Client', 'US', 1)`)
	f.m1 = ins(`INSERT INTO matters (client_id, number, title, sensitivity, responsible_attorney_id, status, opened_on, created_at)
		VALUES (%d, 'SV-0001', 'Savings test matter', 'standard', %d, 'open', '2026-01-05', 1)`, f.helen.ClientID, marcus)
	f.m2 = ins(`INSERT INTO matters (client_id, number, title, sensitivity, responsible_attorney_id, status, opened_on, created_at)
		VALUES (%d, 'SV-0002', 'Other client matter', 'standard', %d, 'open', '2026-01-05', 1)`, other, marcus)
	eng := func(matter, vendor int64, mode, cur string) int64 {
		return ins(`INSERT INTO engagements (matter_id, vendor_id, supervising_attorney_id, service, description, stage, billing_mode,
			estimated_cost_currency, inhouse_estimate_currency, opened_on, created_at) VALUES (%d, %d, %d, 'document_review', 'savings test', 'active', '%s', '%s', 'USD', '2026-01-05', 1)`,
			matter, vendor, marcus, mode, cur)
	}
	f.ea, f.eb, f.ec = eng(f.m1, lexora, "fee", "INR"), eng(f.m1, keystone, "disbursement", "USD"), eng(f.m2, keystone, "disbursement", "USD")
	versions := map[int64]int64{}
	item := func(e int64, cur, pricing, unit string, estimate, baseline int64) int64 {
		v := versions[e]
		if v == 0 {
			v = ins(`INSERT INTO sow_versions (engagement_id, version, drafted_by, drafted_at, approved_at, approved_on) VALUES (%d, 1, %d, 1, 1, '2026-01-06')`, e, marcus)
			versions[e] = v
		}
		return ins(`INSERT INTO sow_items (engagement_id, sow_version_id, position, service, title, estimate_tenths, estimate_unit, baseline_tenths,
			baseline_rate_minor, baseline_rate_currency, pricing, price_minor, price_currency, task_code, activity_code)
			VALUES (%d, %d, 1, 'document_review', 'item', %d, '%s', %d, 30000, 'USD', '%s', 100, '%s', 'L110', 'A104')`, e, v, estimate, unit, baseline, pricing, cur)
	}
	// A1: hourly, estimate 10 h, baseline 20 h at USD 300: each vendor hour
	// stands for 2 in-house hours.
	f.itemA1 = item(f.ea, "INR", "hourly", "hours", 100, 200)
	f.itemB1 = item(f.eb, "USD", "unit", "documents", 100, 50)
	f.itemB2 = item(f.eb, "USD", "fixed", "hours", 100, 50)
	f.itemC = item(f.ec, "USD", "hourly", "hours", 100, 200)
	anika := people[emAnika].ID
	te := func(e, it int64, day string, tenths int, state string) int64 {
		return ins(`INSERT INTO time_entries (engagement_id, sow_item_id, user_id, worked_on, tenths, task_code, activity_code, narrative, state, created_at, updated_at)
			VALUES (%d, %d, %d, '%s', %d, 'L110', 'A104', 'review', '%s', 1, 1)`, e, it, anika, day, tenths, state)
	}
	t1 := te(f.ea, f.itemA1, "2026-03-03", 15, "approved") // on approved vendor invoice VA1
	te(f.ea, f.itemA1, "2026-03-03", 15, "approved")       // accrued
	te(f.ea, f.itemA1, "2026-03-10", 20, "approved")       // accrued
	te(f.ea, f.itemA1, "2026-03-10", 50, "draft")          // never counted
	te(f.ec, f.itemC, "2026-03-04", 10, "approved")        // M2: other client
	vi := func(e, vendor int64, num, cur, state, fx, fxOn string, firmCost int64) int64 {
		return ins(`INSERT INTO vendor_invoices (engagement_id, vendor_id, number, invoice_date, period_start, period_end, currency, total_minor, approved_minor,
			state, fx_rate, fx_on, firm_cost_minor, firm_currency, submitted_by, submitted_at) VALUES (%d, %d, '%s', '2026-03-06', '2026-03-01', '2026-03-31', '%s', 1, 1, '%s', '%s', '%s', %d, 'USD', %d, 1)`,
			e, vendor, num, cur, state, fx, fxOn, firmCost, anika)
	}
	// Only this fixture's approved foreign invoice carries an INR rate.
	exec(`UPDATE vendor_invoices SET fx_rate = '' WHERE currency = 'INR'`)
	va1 := vi(f.ea, lexora, "SV-A1", "INR", "approved", "0.0120", "2026-03-06", 100000)
	vb1 := vi(f.eb, keystone, "SV-B1", "USD", "approved", "", "", 40000)
	vb2 := vi(f.eb, keystone, "SV-B2", "USD", "submitted", "", "", 0)
	vline := func(inv int64, pos int, kind string, entry, it int64, day, state string, baseline int64) {
		entryCol := "NULL"
		if entry != 0 {
			entryCol = fmt.Sprint(entry)
		}
		ins(`INSERT INTO vendor_invoice_lines (invoice_id, position, kind, time_entry_id, work_item_id, worked_on, quantity, rate_minor, amount_minor, state, baseline_hundredths)
			VALUES (%d, %d, '%s', %s, %d, '%s', 100, 100, 100, '%s', %d)`, inv, pos, kind, entryCol, it, day, state, baseline)
	}
	vline(va1, 1, "hourly", t1, f.itemA1, "2026-03-03", "accepted", 300) // hourly: its baseline comes from the time entry, not the line
	vline(vb1, 1, "per_unit", 0, f.itemB1, "2026-03-04", "accepted", 450)
	vline(vb1, 2, "fixed", 0, f.itemB2, "2026-03-11", "adjusted", 250)
	vline(vb1, 3, "fixed", 0, f.itemB2, "2026-03-11", "removed", 999) // removed: not counted
	vline(vb2, 1, "per_unit", 0, f.itemB1, "2026-03-04", "open", 777) // not approved: not counted
	// Rate card of A: two hourly classifications, the higher INR 3,000.00.
	for _, c := range []struct {
		class string
		minor int64
	}{{"PARLGL", 200000}, {"ASSOC", 300000}} {
		ins(`INSERT INTO rate_card_lines (engagement_id, kind, classification, amount_minor, currency, effective_on, set_by, set_at) VALUES (%d, 'hourly', '%s', %d, 'INR', '2026-01-01', %d, 1)`,
			f.ea, c.class, c.minor, marcus)
	}
	// The firm's own time.
	err := a.Store.Write(context.Background(), func(tx *store.Tx) error {
		for _, t := range []struct {
			id      *int64
			matter  int64
			eng     int64
			day     domain.Date
			tenths  domain.Tenths
			purpose domain.TimePurpose
		}{
			{&f.supA, f.m1, f.ea, "2026-03-03", 10, domain.PurposeSupervision},
			{&f.reworkA, f.m1, f.ea, "2026-03-10", 5, domain.PurposeRework},
			{new(int64), f.m1, f.eb, "2026-03-11", 5, domain.PurposeSupervision},
			{&f.matterEntry, f.m1, 0, "2026-03-04", 20, domain.PurposeMatter},
			{new(int64), f.m2, f.ec, "2026-03-04", 3, domain.PurposeSupervision},
		} {
			e := domain.FirmTimeEntry{MatterID: t.matter, EngagementID: t.eng, UserID: marcus, WorkedOn: t.day, Hours: t.tenths, Purpose: t.purpose,
				TaskCode: "L110", ActivityCode: "A104", Narrative: "test", CreatedAt: t0}
			if err := tx.InsertFirmTime(context.Background(), &e); err != nil {
				return err
			}
			*t.id = e.ID
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	ci := func(num, kind string, matter, client int64, state string, total int64, credits string) int64 {
		return ins(`INSERT INTO client_invoices (number, kind, credits_invoice_id, matter_id, client_id, currency, invoice_date, period_start, period_end, state, total_minor, created_by, created_at)
			VALUES ('%s', '%s', %s, %d, %d, 'USD', '2026-03-12', '2026-03-01', '2026-03-31', '%s', %d, %d, 1)`, num, kind, credits, matter, client, state, total, marcus)
	}
	cl := func(inv int64, pos int, typ, source, day string, eng, firmTime, credited, vc, ih, total int64) int64 {
		n := func(v int64) string {
			if v == 0 {
				return "NULL"
			}
			return fmt.Sprint(v)
		}
		return ins(`INSERT INTO client_invoice_lines (invoice_id, position, type, source, line_date, units, unit_cost_minor, total_minor, firm_time_id, engagement_id,
			credited_line_id, vendor_cost_minor, inhouse_minor) VALUES (%d, %d, '%s', '%s', '%s', 100, 0, %d, %s, %s, %s, %d, %d)`,
			inv, pos, typ, source, day, total, n(firmTime), n(eng), n(credited), vc, ih)
	}
	// INV1 (sent): 150,000 + 55,000 + 30,000 + 60,000 = 295,000.
	f.inv1 = ci("SV-2026-0001", "invoice", f.m1, f.helen.ClientID, "sent", 295000, "NULL")
	cl(f.inv1, 1, "F", "outsourced", "2026-03-05", f.ea, 0, 0, 100000, 180000, 150000)
	f.lineB = cl(f.inv1, 2, "E", "outsourced", "2026-03-11", f.eb, 0, 0, 50000, 90000, 55000)
	supLine := cl(f.inv1, 3, "F", "firm_time", "2026-03-03", f.ea, f.supA, 0, 0, 0, 30000)
	cl(f.inv1, 4, "F", "firm_time", "2026-03-04", 0, f.matterEntry, 0, 0, 0, 60000)
	exec(`UPDATE firm_time_entries SET client_invoice_id = %d WHERE id IN (%d, %d)`, f.inv1, f.supA, f.matterEntry)
	// INV2 is a draft: nothing of it counts.
	inv2 := ci("SV-2026-0002", "invoice", f.m1, f.helen.ClientID, "draft", 99999, "NULL")
	cl(inv2, 1, "F", "outsourced", "2026-03-05", f.ea, 0, 0, 11111, 22222, 99999)
	// CN1 (sent) credits 50.00 of B's line and 100.00 of the supervision line.
	cn1 := ci("SV-CN-0001", "credit_note", f.m1, f.helen.ClientID, "sent", -15000, fmt.Sprint(f.inv1))
	cl(cn1, 1, "IE", "credit", "2026-03-13", f.eb, 0, f.lineB, 0, 0, -5000)
	cl(cn1, 2, "IF", "credit", "2026-03-13", f.ea, 0, supLine, 0, 0, -10000)
	// M2's invoice (the other client).
	inv3 := ci("SV-2026-0003", "invoice", f.m2, other, "paid", 12000, "NULL")
	cl(inv3, 1, "E", "outsourced", "2026-03-05", f.ec, 0, 0, 10000, 20000, 12000)
	return f
}

func money(minor int64) domain.Money { return domain.NewMoney(minor, "USD") }

// The figures of the hand-built data set, per ISO week and month, exactly.
func TestSavingsFigures(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newSavingsFixture(t, e)
		v, err := f.a.Savings(f.ctx, f.admin, app.SavingsQuery{By: "week", From: "2026-03-02", To: "2026-03-15", MatterID: f.m1})
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Periods) != 2 || v.Periods[0].Label != "2026-W10" || v.Periods[1].Label != "2026-W11" || v.Periods[0].Start != "2026-03-02" {
			t.Fatalf("periods: %+v", v.Periods)
		}
		w10, w11 := v.Periods[0], v.Periods[1]
		// W10 (2–8 March): baseline = BaselineShare(A1, 300) = 600 (3 h of
		// vendor time × 2) + B's per-unit line 450 = 1,050; supervision 1.0 h
		// = 100; freed 950; vendor hours 300 (the draft never counts).
		// W11 (9–15 March): 400 (2 h × 2) + B's fixed line 250 (the removed
		// line and the submitted invoice's never count) = 650; supervision
		// 50 (B), rework 50 (A); freed 550; vendor hours 200.
		check := func(name string, got, want int64) {
			t.Helper()
			if got != want {
				t.Errorf("%s = %d, want %d", name, got, want)
			}
		}
		check("W10 baseline", w10.BaselineHours, 1050)
		check("W10 supervision", w10.SupervisionHours, 100)
		check("W10 rework", w10.ReworkHours, 0)
		check("W10 freed", w10.HoursFreed(), 950)
		check("W10 vendor hours", w10.VendorHours, 300)
		check("W11 baseline", w11.BaselineHours, 650)
		check("W11 supervision", w11.SupervisionHours, 50)
		check("W11 rework", w11.ReworkHours, 50)
		check("W11 freed", w11.HoursFreed(), 550)
		check("W11 vendor hours", w11.VendorHours, 200)
		// Money (INV1 sent; INV2 a draft, left out; CN1 sent): W10 A's line
		// 1,000.00 cost, 1,800.00 in-house, 1,500.00 charged: firm saving
		// 800.00, client saving 300.00, share 300/800 = 37.5% = 3,750 bp;
		// supervision billed 300.00; blended (1,500 + 300) ÷ (3.00 + 1.00) h
		// = USD 450.00. W11: B's line 500.00 / 900.00 / 550.00 less the
		// credit 50.00 = 500.00 charged: firm 400.00, client 400.00, 100%;
		// supervision billed −100.00 (CN1 credits it on 13 March); blended
		// (500.00 − 100.00) ÷ (2.00 + 0.50) = 160.00.
		check("W10 vendor cost", w10.VendorCost.Minor, 100000)
		check("W10 in-house", w10.InHouse.Minor, 180000)
		check("W10 charged", w10.Charged.Minor, 150000)
		check("W10 firm saving", w10.FirmSaving().Minor, 80000)
		check("W10 client saving", w10.ClientSaving().Minor, 30000)
		check("W10 supervision billed", w10.SupervisionBilled.Minor, 30000)
		check("W11 charged", w11.Charged.Minor, 50000)
		check("W11 firm saving", w11.FirmSaving().Minor, 40000)
		check("W11 client saving", w11.ClientSaving().Minor, 40000)
		if bp, ok := w10.SharePassedBP(); !ok || bp != 3750 {
			t.Errorf("W10 share = %d %v, want 3750", bp, ok)
		}
		if bp, ok := w11.SharePassedBP(); !ok || bp != 10000 {
			t.Errorf("W11 share = %d %v, want 10000", bp, ok)
		}
		if r, ok := w10.BlendedRate(); !ok || r != money(45000) {
			t.Errorf("W10 blended = %v, want USD 450.00", r)
		}
		check("W11 supervision billed", w11.SupervisionBilled.Minor, -10000)
		if r, ok := w11.BlendedRate(); !ok || r != money(16000) {
			t.Errorf("W11 blended = %v, want USD 160.00", r)
		}
		// Total: firm 1,200.00, client 700.00, share 7,000,000 ÷ 1,200 =
		// 5,833.33… → 5,833 bp; blended (2,000 + 300 − 100) ÷ 6.50 h =
		// 338.4615… → USD 338.46 (half to even, once).
		if bp, _ := v.Total.SharePassedBP(); bp != 5833 {
			t.Errorf("total share = %d, want 5833", bp)
		}
		if r, _ := v.Total.BlendedRate(); r != money(33846) {
			t.Errorf("total blended = %v, want USD 338.46", r)
		}
		// By month, the same figures fall in March.
		m, err := f.a.Savings(f.ctx, f.admin, app.SavingsQuery{By: "month", From: "2026-03-01", To: "2026-03-31", MatterID: f.m1})
		if err != nil {
			t.Fatal(err)
		}
		if len(m.Periods) != 1 || m.Periods[0].Label != "2026-03" || m.Periods[0].HoursFreed() != 1500 || m.Periods[0].ClientSaving() != money(70000) {
			t.Fatalf("month: %+v", m.Periods)
		}
		// Breakdown per vendor: Lexora (A) 950 − 50 = 900 freed... A: 600 +
		// 400 baseline − 100 supervision − 50 rework = 850; B: 450 + 250 − 50
		// = 650.
		freed := map[int64]int64{}
		for _, b := range m.Breakdown {
			if b.Kind == "vendor" {
				freed[b.ID] = b.HoursFreed()
			}
		}
		if len(freed) != 2 {
			t.Fatalf("vendor breakdown: %+v", m.Breakdown)
		}
		sum := int64(0)
		for _, h := range freed {
			sum += h
			if h != 850 && h != 650 {
				t.Errorf("vendor hours freed %d, want 850 and 650", h)
			}
		}
		if sum != 1500 {
			t.Errorf("breakdown sums to %d", sum)
		}
	})
}

// A client contact sees only their own client's figures; a screened
// attorney never sees the screened matter's.
func TestSavingsScope(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newSavingsFixture(t, e)
		q := app.SavingsQuery{By: "month", From: "2026-03-01", To: "2026-03-31"}
		has := func(v app.SavingsView, matter int64) bool {
			for _, b := range v.Breakdown {
				if b.Kind == "matter" && b.ID == matter {
					return true
				}
			}
			return false
		}
		admin, err := f.a.Savings(f.ctx, f.admin, q)
		if err != nil {
			t.Fatal(err)
		}
		if !has(admin, f.m1) || !has(admin, f.m2) {
			t.Fatalf("the administrator sees both matters: %+v", admin.Breakdown)
		}
		helen, err := f.a.Savings(f.ctx, f.helen, q)
		if err != nil {
			t.Fatal(err)
		}
		if !has(helen, f.m1) || has(helen, f.m2) {
			t.Fatalf("Helen sees her client's matter only: %+v", helen.Breakdown)
		}
		for _, b := range helen.Breakdown {
			if b.Kind == "client" && b.ID != f.helen.ClientID {
				t.Fatalf("Helen sees another client: %+v", b)
			}
		}
		// Asking for the other client's matter or the other client is not found.
		if _, err := f.a.Savings(f.ctx, f.helen, app.SavingsQuery{MatterID: f.m2}); domain.ErrorCode(err) != domain.ENotFound {
			t.Fatalf("Helen asks for M2: %v", err)
		}
		mine, err := f.a.Savings(f.ctx, f.helen, app.SavingsQuery{By: "month", From: "2026-03-01", To: "2026-03-31", MatterID: f.m1})
		if err != nil || mine.Total.ClientSaving() != money(70000) {
			t.Fatalf("Helen's M1 saving: %v %v", mine.Total.ClientSaving(), err)
		}
		// Screen Priya from M1.
		if _, err := f.a.Store.DB().Exec(fmt.Sprintf(`INSERT INTO matter_screens (matter_id, user_id, reason, created_by, created_at) VALUES (%d, %d, 'conflict', %d, 1)`,
			f.m1, f.priya.ID, f.admin.ID)); err != nil {
			t.Fatal(err)
		}
		priya, err := f.a.Savings(f.ctx, f.priya, q)
		if err != nil {
			t.Fatal(err)
		}
		if has(priya, f.m1) || !has(priya, f.m2) {
			t.Fatalf("Priya is screened from M1: %+v", priya.Breakdown)
		}
		if _, err := f.a.Savings(f.ctx, f.priya, app.SavingsQuery{MatterID: f.m1}); domain.ErrorCode(err) != domain.ENotFound {
			t.Fatalf("Priya asks for M1: %v", err)
		}
		home, err := f.a.Home(f.ctx, f.helen)
		if err != nil || home.Savings.Year == nil || home.Savings.Weeks != nil {
			t.Fatalf("Helen's home: %+v %v", home.Savings, err)
		}
		home, err = f.a.Home(f.ctx, f.admin)
		if err != nil || home.Savings.Weeks == nil || len(home.Savings.Weeks.Periods) != 12 || len(home.Savings.Months.Periods) != 6 {
			t.Fatalf("admin home: %+v %v", home.Savings, err)
		}
		if _, err := f.a.Savings(f.ctx, f.people[emAnika], q); domain.ErrorCode(err) != domain.EForbidden {
			t.Fatalf("a vendor manager: %v", err)
		}
	})
}

// Budgets: actual, accrued (rate card, FX), remaining, used, over.
func TestBudgets(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newSavingsFixture(t, e)
		count := func() (n int) {
			if err := f.a.Store.DB().QueryRow(`SELECT (SELECT COUNT(*) FROM budgets) * 1000000 + (SELECT COUNT(*) FROM audit_events)`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		before := count()
		for _, bad := range []struct {
			in    app.BudgetInput
			field string
		}{
			{app.BudgetInput{MatterID: f.m1, Amount: "5000", Currency: "EUR"}, "currency"},
			{app.BudgetInput{MatterID: f.m1, Amount: "-5"}, "amount"},
			{app.BudgetInput{MatterID: f.m1, Amount: "0"}, "amount"},
			{app.BudgetInput{MatterID: f.m1, EngagementID: f.ec, Amount: "10"}, "engagement"},
			{app.BudgetInput{Amount: "10"}, "matter"},
		} {
			_, err := f.a.SetBudget(f.ctx, f.admin, bad.in)
			if domain.ErrorCode(err) != domain.EInvalid || domain.ErrorField(err) != bad.field {
				t.Errorf("%+v: %v (field %q)", bad.in, err, domain.ErrorField(err))
			}
		}
		if _, err := f.a.SetBudget(f.ctx, f.admin, app.BudgetInput{MatterID: f.m1, Amount: "5000", Currency: "EUR"}); err == nil ||
			!contains(domain.ErrorMessage(err), "USD") {
			t.Errorf("the wrong currency names the firm's: %v", err)
		}
		if _, err := f.a.SetBudget(f.ctx, f.daniel, app.BudgetInput{MatterID: f.m1, Amount: "10"}); domain.ErrorCode(err) != domain.EForbidden {
			t.Errorf("staff set a budget: %v", err)
		}
		if count() != before {
			t.Fatal("a refused budget changed something")
		}
		for _, in := range []app.BudgetInput{
			{MatterID: f.m1, Amount: "4000"}, {MatterID: f.m1, Amount: "5000.00"}, // set again: replaced
			{MatterID: f.m1, EngagementID: f.ea, Amount: "1000"}, {MatterID: f.m1, EngagementID: f.eb, Amount: "500"},
		} {
			if _, err := f.a.SetBudget(f.ctx, f.marcus, in); err != nil {
				t.Fatal(err)
			}
		}
		v, err := f.a.Budgets(f.ctx, f.daniel, f.m1)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Budgets) != 3 {
			t.Fatalf("budgets: %+v", v.Budgets)
		}
		m, a, b := v.Budgets[0], v.Budgets[1], v.Budgets[2]
		if a.EngagementID != f.ea {
			a, b = b, a
		}
		// M1: INV1 2,950.00 − CN1 150.00 (INV2 a draft) = 2,800.00 of
		// 5,000.00: remaining 2,200.00, 56%.
		if m.EngagementID != 0 || m.Actual != money(280000) || m.Remaining() != money(220000) || m.UsedBP() != 5600 || m.Over() {
			t.Errorf("matter budget: %+v remaining %v used %d", m, m.Remaining(), m.UsedBP())
		}
		// A: actual = VA1's firm cost 1,000.00. Accrued: the two approved
		// entries on no invoice, 1.5 h + 2.0 h at the higher hourly rate INR
		// 3,000.00 = INR 10,500.00, × 0.0120 = USD 126.00. Remaining
		// 1,000 − 1,000 − 126 = −126.00: over, 112.6% used.
		if a.Actual != money(100000) || a.Accrued != money(12600) || !a.AccruedConverted || a.AccruedForeign != domain.NewMoney(1050000, "INR") ||
			a.Remaining() != money(-12600) || !a.Over() || a.UsedBP() != 11260 || len(a.AccrualNotes) < 2 {
			t.Errorf("engagement A: %+v", a)
		}
		// B: VB1 400.00 of 500.00, nothing accrued.
		if b.Actual != money(40000) || b.Accrued != money(0) || b.Remaining() != money(10000) || b.UsedBP() != 8000 {
			t.Errorf("engagement B: %+v", b)
		}
		// Without a recorded exchange rate the accrual stays in INR.
		if _, err := f.a.Store.DB().Exec(`UPDATE vendor_invoices SET fx_rate = '' WHERE currency = 'INR'`); err != nil {
			t.Fatal(err)
		}
		v, err = f.a.Budgets(f.ctx, f.admin, f.m1)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range v.Budgets {
			if x.EngagementID == f.ea && (x.AccruedConverted || x.AccruedForeign != domain.NewMoney(1050000, "INR") || x.Remaining() != money(0)) {
				t.Errorf("no rate: %+v", x)
			}
		}
		if _, err := f.a.Budgets(f.ctx, f.helen, 0); domain.ErrorCode(err) != domain.EForbidden {
			t.Errorf("a client reads budgets: %v", err)
		}
	})
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

// Firm time: recorded by timekeepers only, validated, and immutable once billed.
func TestFirmTime(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newSavingsFixture(t, e)
		ctx := f.ctx
		for _, who := range []domain.User{f.marcus, f.priya} {
			if _, err := f.a.SetTimekeeper(ctx, f.admin, app.TimekeeperInput{UserID: who.ID, LEDESID: fmt.Sprintf("SV-%d", who.ID), Classification: "ASSOC"}); err != nil &&
				domain.ErrorCode(err) != domain.EInvalid {
				t.Fatal(err)
			}
		}
		if _, err := f.a.Store.DB().Exec(fmt.Sprintf(`DELETE FROM timekeeper_rates WHERE user_id = %d`, f.daniel.ID)); err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.Store.DB().Exec(fmt.Sprintf(`DELETE FROM timekeepers WHERE user_id = %d`, f.daniel.ID)); err != nil {
			t.Fatal(err)
		}
		count := func() (n int) {
			if err := f.a.Store.DB().QueryRow(`SELECT (SELECT COUNT(*) FROM firm_time_entries) * 1000000 + (SELECT COUNT(*) FROM audit_events)`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		good := app.FirmTimeInput{MatterID: f.m1, EngagementID: f.ea, Date: "2026-03-16", Hours: "1.5", Purpose: "supervision", TaskCode: "l110", ActivityCode: "A104",
			Narrative: "Reviewed the vendor's privilege calls"}
		before := count()
		with := func(change func(*app.FirmTimeInput)) app.FirmTimeInput { in := good; change(&in); return in }
		for _, bad := range []struct {
			name  string
			in    app.FirmTimeInput
			field string
		}{
			{"negative hours", with(func(i *app.FirmTimeInput) { i.Hours = "-1" }), "hours"},
			{"zero hours", with(func(i *app.FirmTimeInput) { i.Hours = "0" }), "hours"},
			{"future", with(func(i *app.FirmTimeInput) { i.Date = "2026-03-18" }), "date"},
			{"unknown task", with(func(i *app.FirmTimeInput) { i.TaskCode = "L999" }), "task_code"},
			{"unknown activity", with(func(i *app.FirmTimeInput) { i.ActivityCode = "Z1" }), "activity_code"},
			{"supervision without engagement", with(func(i *app.FirmTimeInput) { i.EngagementID = 0 }), "engagement"},
			{"engagement of another matter", with(func(i *app.FirmTimeInput) { i.EngagementID = f.ec }), "engagement"},
			{"no narrative", with(func(i *app.FirmTimeInput) { i.Narrative = " " }), "narrative"},
			{"bad purpose", with(func(i *app.FirmTimeInput) { i.Purpose = "lunch" }), "purpose"},
			{"over 24 hours", with(func(i *app.FirmTimeInput) { i.Hours = "24.1" }), "hours"},
		} {
			_, err := f.a.RecordFirmTimeEntry(ctx, f.marcus, bad.in)
			if domain.ErrorCode(err) != domain.EInvalid || domain.ErrorField(err) != bad.field {
				t.Errorf("%s: %v (field %q)", bad.name, err, domain.ErrorField(err))
			}
		}
		if _, err := f.a.RecordFirmTimeEntry(ctx, f.daniel, good); domain.ErrorCode(err) != domain.EForbidden || !contains(domain.ErrorMessage(err), "/admin/timekeepers") {
			t.Errorf("not a timekeeper: %v", err)
		}
		if _, err := f.a.RecordFirmTimeEntry(ctx, f.helen, good); domain.ErrorCode(err) != domain.EForbidden {
			t.Errorf("a client: %v", err)
		}
		if count() != before {
			t.Fatal("a refused entry changed something")
		}
		got, err := f.a.RecordFirmTimeEntry(ctx, f.marcus, good)
		if err != nil {
			t.Fatal(err)
		}
		if got.Hours != 15 || got.TaskCode != "L110" || got.MatterNumber != "SV-0001" {
			t.Fatalf("recorded: %+v", got)
		}
		// 22.5 more hours that day would make 24.0: allowed; then 0.1 more is not.
		if _, err := f.a.RecordFirmTimeEntry(ctx, f.marcus, with(func(i *app.FirmTimeInput) { i.Hours = "22.5"; i.Purpose = "matter"; i.EngagementID = 0 })); err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.RecordFirmTimeEntry(ctx, f.marcus, with(func(i *app.FirmTimeInput) { i.Hours = "0.1" })); domain.ErrorField(err) != "hours" {
			t.Fatalf("a 24.1-hour day: %v", err)
		}
		// Priya may not change Marcus's entry; the administrator may.
		if _, err := f.a.EditFirmTime(ctx, f.priya, got.ID, good); domain.ErrorCode(err) != domain.EForbidden {
			t.Errorf("someone else's entry: %v", err)
		}
		edited, err := f.a.EditFirmTime(ctx, f.admin, got.ID, with(func(i *app.FirmTimeInput) { i.Hours = "1.0"; i.Purpose = "rework" }))
		if err != nil || edited.Hours != 10 || edited.Purpose != domain.PurposeRework || edited.UserID != f.marcus.ID {
			t.Fatalf("admin edit: %+v %v", edited, err)
		}
		// A billed entry is immutable.
		before = count()
		if _, err := f.a.EditFirmTime(ctx, f.marcus, f.supA, good); domain.ErrorCode(err) != domain.EConflict {
			t.Errorf("editing a billed entry: %v", err)
		}
		if err := f.a.DeleteFirmTime(ctx, f.marcus, f.supA); domain.ErrorCode(err) != domain.EConflict {
			t.Errorf("deleting a billed entry: %v", err)
		}
		if count() != before {
			t.Fatal("a refused change to a billed entry changed something")
		}
		if err := f.a.DeleteFirmTime(ctx, f.marcus, got.ID); err != nil {
			t.Fatal(err)
		}
		v, err := f.a.FirmTime(ctx, f.marcus, app.FirmTimeQuery{From: "2026-03-01", To: "2026-03-31", MatterID: f.m1})
		if err != nil {
			t.Fatal(err)
		}
		// Marcus's own entries on M1 in March: the fixture's four (1.0 + 0.5
		// + 0.5 + 2.0) and the 22.5 just recorded = 26.5 h.
		if len(v.Entries) != 5 || v.Total != 265 {
			t.Fatalf("list: %d entries, %s hours", len(v.Entries), v.Total)
		}
		_ = time.Second
	})
}
