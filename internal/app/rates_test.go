package app_test

import (
	"strings"
	"testing"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/testenv"
)

const emRosa = "rosa.jimenez@hartwellcrane.example"

// rateFixture is the deliverables fixture (Calloway/Lexora, active, Marcus
// supervising) with no timekeepers or rate card lines, whatever the demo
// holds, so the counts below are exact.
type rateFixture struct {
	*delivFixture
	marcus, priya, daniel, admin, rosa, anika, rohan, helen domain.User
}

func newRateFixture(tb testing.TB, e testenv.Engine) *rateFixture {
	tb.Helper()
	f := &rateFixture{delivFixture: newDelivFixture(tb, e)}
	for _, q := range []string{`DELETE FROM rate_card_lines`, `DELETE FROM timekeeper_rates`, `DELETE FROM timekeepers`} {
		if _, err := f.a.Store.DB().Exec(q); err != nil {
			tb.Fatal(err)
		}
	}
	p := f.people
	f.marcus, f.priya, f.daniel, f.admin, f.rosa = p[emMarcus], p[emPriya], p[emDaniel], p[emEleanor], p[emRosa]
	f.anika, f.rohan, f.helen = p[emAnika], p[dvRohan], p[emHelen]
	return f
}

// rateRows counts what a refused request must leave unchanged.
func (f *rateFixture) rateRows(tb testing.TB) [4]int {
	tb.Helper()
	var n [4]int
	err := f.a.Store.DB().QueryRow(`SELECT (SELECT COUNT(*) FROM timekeepers), (SELECT COUNT(*) FROM timekeeper_rates),
		(SELECT COUNT(*) FROM rate_card_lines), (SELECT COUNT(*) FROM audit_events)`).Scan(&n[0], &n[1], &n[2], &n[3])
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

// Firm administrators keep timekeepers and dated rates; a new rate
// supersedes without changing the old; refusals change nothing.
func TestTimekeepers(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newRateFixture(t, e)
		ctx := f.ctx
		before := f.rateRows(t)
		tk, err := f.a.SetTimekeeper(ctx, f.admin, app.TimekeeperInput{UserID: f.marcus.ID, LEDESID: "HC-MO", Classification: "partnr", Rate: "875.00", From: "2025-01-01"})
		if err != nil {
			t.Fatal(err)
		}
		if tk.Classification != domain.ClassPartner || len(tk.Rates) != 1 || tk.Rates[0].Amount != domain.NewMoney(87500, "USD") {
			t.Fatalf("set timekeeper: %+v", tk)
		}
		if _, err := f.a.AddTimekeeperRate(ctx, f.admin, f.marcus.ID, "950", "", "2026-01-01"); err != nil {
			t.Fatal(err)
		}
		// An earlier-dated rate is history, and allowed.
		if _, err := f.a.SetTimekeeper(ctx, f.admin, app.TimekeeperInput{UserID: f.marcus.ID, Rate: "800", From: "2024-01-01"}); err != nil {
			t.Fatal(err)
		}
		tk, err = f.a.Timekeeper(ctx, f.admin, f.marcus.ID)
		if err != nil || len(tk.Rates) != 3 || tk.LEDESID != "HC-MO" {
			t.Fatalf("timekeeper: %+v %v", tk, err)
		}
		for day, want := range map[domain.Date]int64{"2024-06-01": 80000, "2025-12-31": 87500, "2026-03-17": 95000} {
			if r, err := tk.RateOn(day); err != nil || r.Amount.Minor != want {
				t.Errorf("rate on %s: %v %v, want %d", day, r.Amount, err, want)
			}
		}
		if n := f.rateRows(t); n[0] != before[0]+1 || n[1] != before[1]+3 || n[3] != before[3]+4 {
			t.Errorf("rows after setting: %v (before %v): want 1 timekeeper, 3 rates, 4 audit events", n, before)
		}
		if _, err := f.a.SetTimekeeper(ctx, f.admin, app.TimekeeperInput{UserID: f.priya.ID, LEDESID: "HC-PR", Classification: "ASSOC"}); err != nil {
			t.Fatal(err)
		}
		list, err := f.a.Timekeepers(ctx, f.admin)
		if err != nil || len(list) != 2 {
			t.Fatalf("list: %v %v", list, err)
		}

		settled := f.rateRows(t)
		refusals := []struct {
			name string
			who  domain.User
			in   app.TimekeeperInput
			code string
			says string
		}{
			{"same effective day twice", f.admin, app.TimekeeperInput{UserID: f.marcus.ID, Rate: "999", From: "2026-01-01"}, domain.EConflict, "already has a rate from 2026-01-01"},
			{"duplicate LEDES id", f.admin, app.TimekeeperInput{UserID: f.daniel.ID, LEDESID: "hc-mo", Classification: "PARLGL"}, domain.EConflict, "already Marcus"},
			{"unknown classification", f.admin, app.TimekeeperInput{UserID: f.daniel.ID, LEDESID: "HC-DB", Classification: "BOSS", Rate: "200", From: "2026-01-01"}, domain.EInvalid, "not a LEDES timekeeper classification"},
			{"bad LEDES id", f.admin, app.TimekeeperInput{UserID: f.daniel.ID, LEDESID: "HC DB", Classification: "PARLGL"}, domain.EInvalid, "LEDES timekeeper id"},
			{"zero rate", f.admin, app.TimekeeperInput{UserID: f.daniel.ID, LEDESID: "HC-DB", Classification: "PARLGL", Rate: "0", From: "2026-01-01"}, domain.EInvalid, "more than zero"},
			{"negative rate", f.admin, app.TimekeeperInput{UserID: f.daniel.ID, LEDESID: "HC-DB", Classification: "PARLGL", Rate: "-200", From: "2026-01-01"}, domain.EInvalid, "more than zero"},
			{"wrong currency", f.admin, app.TimekeeperInput{UserID: f.daniel.ID, LEDESID: "HC-DB", Classification: "PARLGL", Rate: "200", Currency: "EUR", From: "2026-01-01"}, domain.EInvalid, "firm's currency, USD; got EUR"},
			{"rate without a day", f.admin, app.TimekeeperInput{UserID: f.daniel.ID, LEDESID: "HC-DB", Classification: "PARLGL", Rate: "200"}, domain.EInvalid, "from which day"},
			{"vendor user", f.admin, app.TimekeeperInput{UserID: f.rohan.ID, LEDESID: "LX-RK", Classification: "ASSOC"}, domain.EInvalid, "not one of the firm's people"},
			{"no such user", f.admin, app.TimekeeperInput{UserID: 987654321, LEDESID: "X1", Classification: "OTHER"}, domain.ENotFound, ""},
			{"no user chosen", f.admin, app.TimekeeperInput{LEDESID: "X1", Classification: "OTHER"}, domain.EInvalid, "choose the firm user"},
			{"nothing to change", f.admin, app.TimekeeperInput{UserID: f.priya.ID}, domain.EInvalid, "nothing to change"},
			{"attorney", f.marcus, app.TimekeeperInput{UserID: f.daniel.ID, LEDESID: "HC-DB", Classification: "PARLGL"}, domain.EForbidden, ""},
			{"billing manager (staff)", f.rosa, app.TimekeeperInput{UserID: f.daniel.ID, LEDESID: "HC-DB", Classification: "PARLGL"}, domain.EForbidden, ""},
			{"vendor manager", f.anika, app.TimekeeperInput{UserID: f.daniel.ID, LEDESID: "HC-DB", Classification: "PARLGL"}, domain.EForbidden, ""},
		}
		for _, c := range refusals {
			_, err := f.a.SetTimekeeper(ctx, c.who, c.in)
			if domain.ErrorCode(err) != c.code || !strings.Contains(domain.ErrorMessage(err), c.says) {
				t.Errorf("%s: %v, want %s saying %q", c.name, err, c.code, c.says)
			}
		}
		if _, err := f.a.Timekeepers(ctx, f.rosa); domain.ErrorCode(err) != domain.EForbidden {
			t.Errorf("staff listing timekeepers: %v", err)
		}
		if got := f.rateRows(t); got != settled {
			t.Errorf("refusals changed rows: %v, want %v", got, settled)
		}
	})
}

// The supervising attorney and firm administrators set the vendor rate
// card in the vendor's currency; vendor managers read it, clients never
// see it; refusals change nothing.
func TestRateCard(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newRateFixture(t, e)
		ctx := f.ctx
		before := f.rateRows(t)
		add := func(who domain.User, in app.RateCardLineInput) (domain.RateCardLine, error) {
			return f.a.AddRateCardLine(ctx, who, f.eid, in)
		}
		if _, err := add(f.marcus, app.RateCardLineInput{Kind: "hourly", Classification: "ASSOC", Description: "Reviewer", Amount: "2000", From: "2025-01-01"}); err != nil {
			t.Fatal(err)
		}
		if _, err := add(f.admin, app.RateCardLineInput{Kind: "hourly", Classification: "ASSOC", Description: "Reviewer", Amount: "2200", Currency: "inr", From: "2026-01-01"}); err != nil {
			t.Fatal(err)
		}
		if _, err := add(f.marcus, app.RateCardLineInput{Kind: "per_unit", Unit: "document", Amount: "45.00", From: "2026-01-01"}); err != nil {
			t.Fatal(err)
		}
		fixed, err := add(f.marcus, app.RateCardLineInput{Kind: "fixed", WorkItemID: f.items[0].ID, Amount: "150000", From: "2026-01-01"})
		if err != nil || fixed.WorkItemTitle != f.items[0].Title {
			t.Fatalf("fixed fee: %+v %v", fixed, err)
		}
		if n := f.rateRows(t); n[2] != before[2]+4 || n[3] != before[3]+4 {
			t.Errorf("rows after adding: %v (before %v): want 4 lines and 4 audit events", n, before)
		}
		v, err := f.a.RateCardOf(ctx, f.anika, f.eid)
		if err != nil || len(v.Lines) != 4 || len(v.Current) != 3 || v.Currency != "INR" || v.CanSet {
			t.Fatalf("vendor manager's view: %+v %v", v, err)
		}
		for _, l := range v.Current {
			if l.Kind == domain.RateHourly && l.Amount.Minor != 220000 {
				t.Errorf("hourly rate in force: %v, want INR 2,200.00", l.Amount)
			}
		}
		if v, err := f.a.RateCardOf(ctx, f.marcus, f.eid); err != nil || !v.CanSet || len(v.Items) == 0 {
			t.Errorf("supervising attorney's view: CanSet %v items %d %v", v.CanSet, len(v.Items), err)
		}
		if v, err := f.a.RateCardOf(ctx, f.priya, f.eid); err == nil && v.CanSet {
			t.Error("an attorney not supervising may set the card")
		}
		if _, err := f.a.RateCardOf(ctx, f.helen, f.eid); domain.ErrorCode(err) != domain.ENotFound {
			t.Errorf("client reading the rate card: %v, want not found", err)
		}
		if _, err := f.a.RateCardOf(ctx, f.rohan, f.eid); domain.ErrorCode(err) != domain.EForbidden {
			t.Errorf("vendor professional reading the rate card: %v, want forbidden", err)
		}

		settled := f.rateRows(t)
		refusals := []struct {
			name string
			who  domain.User
			in   app.RateCardLineInput
			code string
			says string
		}{
			{"wrong currency", f.marcus, app.RateCardLineInput{Kind: "hourly", Classification: "OFCOUN", Amount: "50", Currency: "USD", From: "2026-01-01"}, domain.EInvalid,
				"the rate card is in INR, Lexora Legal Services Pvt. Ltd.'s currency; got USD"},
			{"unknown classification", f.marcus, app.RateCardLineInput{Kind: "hourly", Classification: "LEAD", Amount: "3500", From: "2026-01-01"}, domain.EInvalid, "not a LEDES timekeeper classification"},
			{"unknown kind", f.marcus, app.RateCardLineInput{Kind: "daily", Amount: "3500", From: "2026-01-01"}, domain.EInvalid, "not a rate kind"},
			{"zero", f.marcus, app.RateCardLineInput{Kind: "per_unit", Unit: "page", Amount: "0", From: "2026-01-01"}, domain.EInvalid, "more than zero"},
			{"negative", f.marcus, app.RateCardLineInput{Kind: "per_unit", Unit: "page", Amount: "-3", From: "2026-01-01"}, domain.EInvalid, "more than zero"},
			{"same day twice", f.admin, app.RateCardLineInput{Kind: "per_unit", Unit: "Document", Amount: "50", From: "2026-01-01"}, domain.EConflict, "already priced from 2026-01-01"},
			{"work item not in the SOW", f.marcus, app.RateCardLineInput{Kind: "fixed", WorkItemID: 999999, Amount: "50", From: "2026-02-01"}, domain.EInvalid, "approved statement of work"},
			{"not the supervising attorney", f.priya, app.RateCardLineInput{Kind: "per_unit", Unit: "page", Amount: "3", From: "2026-01-01"}, domain.EForbidden, "supervising attorney"},
			{"billing manager (staff)", f.rosa, app.RateCardLineInput{Kind: "per_unit", Unit: "page", Amount: "3", From: "2026-01-01"}, domain.EForbidden, ""},
			{"vendor manager", f.anika, app.RateCardLineInput{Kind: "per_unit", Unit: "page", Amount: "3", From: "2026-01-01"}, domain.EForbidden, ""},
			{"client", f.helen, app.RateCardLineInput{Kind: "per_unit", Unit: "page", Amount: "3", From: "2026-01-01"}, domain.ENotFound, ""},
		}
		for _, c := range refusals {
			_, err := add(c.who, c.in)
			if domain.ErrorCode(err) != c.code || !strings.Contains(domain.ErrorMessage(err), c.says) {
				t.Errorf("%s: %v, want %s saying %q", c.name, err, c.code, c.says)
			}
		}
		// Before the SOW stage the gate is closed, after "forbidden": the
		// Greenfield/Bayanihan engagement is still at communication.
		var early int64
		if err := f.a.Store.DB().QueryRow(`SELECT e.id FROM engagements e JOIN vendors v ON v.id = e.vendor_id
			WHERE v.currency = 'PHP' AND e.stage = 'communication'`).Scan(&early); err != nil {
			t.Fatal(err)
		}
		_, err = f.a.AddRateCardLine(ctx, f.priya, early, app.RateCardLineInput{Kind: "per_unit", Unit: "contract", Amount: "900", From: "2026-01-01"})
		if domain.ErrorCode(err) != domain.EGateClosed || !strings.Contains(domain.ErrorMessage(err), "rate card") {
			t.Errorf("rate card during communication: %v, want the gate named", err)
		}
		if _, err := f.a.AddRateCardLine(ctx, f.marcus, early, app.RateCardLineInput{Kind: "per_unit", Unit: "contract", Amount: "900", From: "2026-01-01"}); domain.ErrorCode(err) != domain.EForbidden {
			t.Errorf("a non-supervising attorney at a closed gate: %v, want forbidden first", err)
		}
		if v, err := f.a.RateCardOf(ctx, f.priya, early); err != nil || v.CanSet || v.Closed == "" || v.Currency != "PHP" {
			t.Errorf("the early engagement's card: CanSet %v Closed %q %v", v.CanSet, v.Closed, err)
		}
		if got := f.rateRows(t); got != settled {
			t.Errorf("refusals changed rows: %v, want %v", got, settled)
		}
	})
}
