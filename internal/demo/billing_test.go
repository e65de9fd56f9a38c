package demo_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/demo"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/ledes"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// TestBillingStory checks the demo's billing data tells a whole, consistent
// story: every client invoice state and a credit note, both billing modes,
// one held invoice, vendor invoices approved (with the exchange rate),
// disputed and pending with a flag, totals that add up, LEDES files that
// validate, savings that rise, and budgets within bounds.
func TestBillingStory(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		checkBilling(t, loaded(t, e))
	})
}

// TestBillingAnyDay loads the demo on days that stress its calendar (the
// first and last days of months and years, a leap day, weekends) and checks
// the same story holds: the dates are relative to the day of loading.
func TestBillingAnyDay(t *testing.T) {
	for _, d := range []string{"2026-01-01", "2026-01-04", "2026-03-01", "2026-04-01", "2026-04-05", "2026-07-04", "2026-12-31", "2028-02-29", "2026-11-26"} {
		t.Run(d, func(t *testing.T) {
			day, err := time.Parse(time.DateOnly, d)
			if err != nil {
				t.Fatal(err)
			}
			now := day.Add(9*time.Hour + 30*time.Minute)
			s := testenv.OpenStore(t, testenv.Engines(t)[0]) // SQLite
			if err := demo.Load(context.Background(), s, now); err != nil {
				t.Fatalf("Load on %s: %v", d, err)
			}
			a := app.New(s, app.DefaultConfig(), slog.New(slog.DiscardHandler))
			a.Now = func() time.Time { return now.Add(time.Hour) }
			checkBilling(t, a)
		})
	}
}

func checkBilling(t *testing.T, a *app.App) {
	t.Helper()
	{
		ctx := context.Background()
		rosa := user(t, a, "rosa.jimenez@hartwellcrane.example")
		marcus := user(t, a, "marcus.oyelaran@hartwellcrane.example")
		calloway := matterByNumber(t, a, "2026-0142")

		var invs []domain.ClientInvoice
		lines := map[int64][]domain.ClientInvoiceLine{}
		var vis []domain.VendorInvoice
		err := a.Store.Read(ctx, func(tx *store.Tx) error {
			var err error
			if invs, err = tx.ClientInvoices(ctx, store.Scope{All: true}, store.ClientInvoiceFilter{Page: store.Page{Limit: store.MaxPageSize}}); err != nil {
				return err
			}
			for _, inv := range invs {
				if lines[inv.ID], err = tx.ClientInvoiceLines(ctx, inv.ID, inv.Currency); err != nil {
					return err
				}
			}
			sums, err := tx.VendorInvoices(ctx, store.Scope{All: true}, store.VendorInvoiceFilter{})
			if err != nil {
				return err
			}
			for _, s := range sums {
				v, err := tx.VendorInvoice(ctx, store.Scope{All: true}, s.ID)
				if err != nil {
					return err
				}
				vis = append(vis, v)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}

		// Every client invoice state, a sent credit note, one held invoice.
		states := map[domain.InvoiceState]int{}
		var credits, held int
		for _, inv := range invs {
			if inv.Kind == domain.KindCreditNote {
				if inv.State == domain.InvoiceSent && inv.CreditsInvoiceID != 0 && inv.Total.Minor < 0 {
					credits++
				}
				continue
			}
			states[inv.State]++
			if inv.Held() {
				held++
				if inv.State != domain.InvoiceApproved || len(inv.Flags) != 1 || inv.Flags[0].Code != "fee_markup_above_cap" || inv.OverrideBy != 0 {
					t.Errorf("held invoice %s: state %s, flags %+v, override by %d", inv.Number, inv.State, inv.Flags, inv.OverrideBy)
				}
			}
		}
		for _, s := range []domain.InvoiceState{domain.InvoiceDraft, domain.InvoiceApproved, domain.InvoiceSent, domain.InvoicePaid, domain.InvoiceWrittenOff} {
			if states[s] == 0 {
				t.Errorf("no client invoice is %s: %v", s, states)
			}
		}
		if credits != 1 || held != 1 {
			t.Errorf("%d sent credit notes and %d held invoices, want 1 and 1", credits, held)
		}

		// Both billing modes, each total the sum of its lines.
		types := map[string]bool{}
		for _, inv := range invs {
			var sum int64
			for _, l := range lines[inv.ID] {
				sum += l.Total.Minor
				if l.Source == domain.SourceOutsourced {
					types[l.Type] = true
				}
			}
			if sum != inv.Total.Minor || int64(len(lines[inv.ID])) != inv.LineCount || len(lines[inv.ID]) == 0 {
				t.Errorf("%s: total %d, lines sum to %d (%d lines, count %d)", inv.Number, inv.Total.Minor, sum, len(lines[inv.ID]), inv.LineCount)
			}
		}
		if !types["E"] || !types["F"] {
			t.Errorf("outsourced line types %v: want disbursements (E) and fees (F)", types)
		}

		// Vendor invoices: approved with an exchange rate, disputed with a
		// thread, pending with a day-hours flag.
		vstates := map[domain.VendorInvoiceState]int{}
		firmCost := map[int64]int64{} // per client invoice billing them
		for _, v := range vis {
			vstates[v.State]++
			switch v.State {
			case domain.VendorInvoiceApproved:
				if v.Total.Currency == "INR" && (v.FXRate == "" || v.FXOn == "" || v.FirmCost.Currency != "USD" || v.FirmCost.Minor <= 0) {
					t.Errorf("approved INR invoice %s: fx %q on %q, firm cost %v", v.Number, v.FXRate, v.FXOn, v.FirmCost)
				}
				firmCost[v.ClientInvoiceID] += v.FirmCost.Minor
			case domain.VendorInvoiceDisputed:
				var thread int
				for _, l := range v.Lines {
					if l.State == domain.LineDisputed {
						thread += len(l.Messages)
					}
				}
				if thread < 2 {
					t.Errorf("disputed invoice %s: %d messages on disputed lines", v.Number, thread)
				}
			case domain.VendorInvoiceSubmitted:
				var dayHours bool
				for _, l := range v.Lines {
					for _, f := range l.Flags {
						dayHours = dayHours || (f.Code == domain.VFlagDayHours && strings.Contains(f.Message, "11"))
					}
				}
				if !dayHours {
					t.Errorf("pending invoice %s has no day-hours flag naming 11 hours", v.Number)
				}
			}
		}
		if vstates[domain.VendorInvoiceApproved] < 2 || vstates[domain.VendorInvoiceDisputed] != 1 || vstates[domain.VendorInvoiceSubmitted] != 1 {
			t.Errorf("vendor invoice states %v", vstates)
		}

		// Σ outsourced vendor cost on Calloway's invoices = Σ firm cost of
		// the vendor invoices they bill.
		var callowayCost, billedCost int64
		for _, inv := range invs {
			if inv.MatterID != calloway.ID || inv.Kind != domain.KindInvoice {
				continue
			}
			for _, l := range lines[inv.ID] {
				if l.Source == domain.SourceOutsourced {
					callowayCost += l.VendorCost.Minor
				}
			}
			billedCost += firmCost[inv.ID]
		}
		if callowayCost == 0 || callowayCost != billedCost {
			t.Errorf("Calloway's invoices bill vendor cost %d; the vendor invoices they bill cost %d", callowayCost, billedCost)
		}

		// Every non-draft client invoice exports as a valid LEDES file.
		for _, inv := range invs {
			if inv.State == domain.InvoiceDraft {
				continue
			}
			var buf bytes.Buffer
			if err := a.ExportLEDES(ctx, rosa, inv.ID, &buf); err != nil {
				t.Errorf("export %s: %v", inv.Number, err)
				continue
			}
			rep, err := ledes.Validate(&buf)
			if err != nil || !rep.Valid() {
				t.Errorf("%s does not validate: %v %+v", inv.Number, err, rep.Problems)
			}
		}

		// Hours freed rise over the last 12 weeks; savings passed on in at
		// least three months of the last twelve.
		weeks, err := a.Savings(ctx, marcus, app.SavingsQuery{By: "week"})
		if err != nil {
			t.Fatal(err)
		}
		var nonZero int
		var first, last int64
		for i, p := range weeks.Periods {
			if p.HoursFreed() > 0 {
				nonZero++
			}
			if i < 4 {
				first += p.HoursFreed()
			}
			if i >= len(weeks.Periods)-4 {
				last += p.HoursFreed()
			}
		}
		if len(weeks.Periods) < 12 || nonZero < 10 || first <= 0 || last <= first {
			t.Errorf("%d weeks, %d with hours freed; first month %d, last month %d hundredths", len(weeks.Periods), nonZero, first, last)
		}
		months, err := a.Savings(ctx, marcus, app.SavingsQuery{By: "month"})
		if err != nil {
			t.Fatal(err)
		}
		var passed int
		for _, p := range months.Periods {
			if p.ClientSaving().Minor > 0 {
				passed++
			}
		}
		if passed < 3 || months.Total.ClientSaving().Minor <= 0 {
			t.Errorf("savings passed on in %d months (total %v)", passed, months.Total.ClientSaving())
		}

		// Budgets: the matters and engagements, with actual figures, none over.
		bv, err := a.Budgets(ctx, marcus, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(bv.Budgets) != 4 {
			t.Errorf("%d budgets, want 4", len(bv.Budgets))
		}
		for _, b := range bv.Budgets {
			if b.Actual.Minor <= 0 || b.Over() {
				t.Errorf("budget %s %s: actual %v, accrued %v of %v", b.MatterNumber, b.Engagement, b.Actual, b.Accrued, b.Amount)
			}
		}

		// The fee-mode engagement's disclosure says so.
		var mode string
		if err := a.Store.DB().QueryRow(`SELECT d.billing_mode FROM client_disclosures d JOIN engagements e ON e.id = d.engagement_id
			WHERE e.description = 'Regulatory review of 4,000 loan files'`).Scan(&mode); err != nil || mode != string(domain.BillingFee) {
			t.Errorf("Keystone's disclosure billing mode %q, %v", mode, err)
		}
	}
}
