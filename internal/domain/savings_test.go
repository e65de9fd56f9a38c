package domain

import "testing"

func TestPeriodStartAndLabel(t *testing.T) {
	for _, c := range []struct {
		by    SavingsBy
		day   Date
		start Date
		label string
	}{
		{ByWeek, "2026-03-02", "2026-03-02", "2026-W10"}, // a Monday
		{ByWeek, "2026-03-08", "2026-03-02", "2026-W10"}, // its Sunday
		{ByWeek, "2026-01-01", "2025-12-29", "2026-W01"}, // ISO week 1 starts in December
		{ByWeek, "2027-01-01", "2026-12-28", "2026-W53"}, // 2026 has 53 ISO weeks
		{ByMonth, "2026-02-28", "2026-02-01", "2026-02"},
	} {
		if got := c.by.PeriodStart(c.day); got != c.start {
			t.Errorf("%s %s: start %s, want %s", c.by, c.day, got, c.start)
		}
		if got := c.by.PeriodLabel(c.by.PeriodStart(c.day)); got != c.label {
			t.Errorf("%s %s: label %s, want %s", c.by, c.day, got, c.label)
		}
	}
	if _, err := ParseSavingsBy("year"); ErrorField(err) != "by" {
		t.Errorf("by=year: %v", err)
	}
}

func TestAggregateSavings(t *testing.T) {
	// Item: 10 h estimate, 20 h baseline: BaselineShare(150) = 300.
	item := WorkItem{Pricing: PricingHourly, EstimateUnit: UnitHours, Estimate: 100, BaselineHours: 200, BaselineRate: NewMoney(30000, "USD")}
	rows := []SavingsRow{
		{Source: SavingsVendorTime, Day: "2026-03-03", MatterID: 1, VendorID: 7, ClientID: 9, Item: item, Hundredths: 150},
		{Source: SavingsVendorTime, Day: "2026-03-03", MatterID: 1, VendorID: 7, ClientID: 9, Item: WorkItem{Pricing: PricingFixed}, Hundredths: 100}, // hours, no baseline
		{Source: SavingsVendorLine, Day: "2026-03-16", MatterID: 1, VendorID: 7, ClientID: 9, Hundredths: 40},
		{Source: SavingsFirmTime, Day: "2026-03-04", MatterID: 1, VendorID: 7, ClientID: 9, Purpose: PurposeSupervision, Hundredths: 50},
		{Source: SavingsFirmTime, Day: "2026-03-17", MatterID: 1, VendorID: 7, ClientID: 9, Purpose: PurposeRework, Hundredths: 100},
		{Source: SavingsOutsourced, Day: "2026-03-05", MatterID: 1, VendorID: 7, ClientID: 9, VendorCost: 1000, InHouse: 3000, Charged: 2000},
		{Source: SavingsOutsourced, Day: "2026-04-01", MatterID: 1, VendorID: 7, ClientID: 9, VendorCost: 1, InHouse: 1, Charged: 1}, // outside the range
	}
	rep, err := AggregateSavings(rows, ByWeek, "2026-03-02", "2026-03-22", "USD")
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Periods) != 3 {
		t.Fatalf("periods: %+v", rep.Periods)
	}
	w := rep.Periods[0]
	// 300 baseline − 50 supervision = 250 freed; vendor hours 150 + 100.
	if w.BaselineHours != 300 || w.HoursFreed() != 250 || w.VendorHours != 250 {
		t.Errorf("W10: %+v", w)
	}
	// W12: 40 baseline − 100 rework = −60 (rework took longer).
	if got := rep.Periods[2].HoursFreed(); got != -60 {
		t.Errorf("W12 freed %d, want -60", got)
	}
	// Firm 20.00, client 10.00: 50%.
	if bp, ok := rep.Total.SharePassedBP(); !ok || bp != 5000 || rep.Total.SharePassed() != "50%" {
		t.Errorf("share %d %v", bp, ok)
	}
	// No firm saving: no share.
	if _, ok := (SavingsFigures{VendorCost: NewMoney(5, "USD"), InHouse: NewMoney(5, "USD")}).SharePassedBP(); ok {
		t.Error("a share of nothing")
	}
	if len(rep.Breakdown) != 3 || rep.Breakdown[0].Kind != "matter" {
		t.Errorf("breakdown: %+v", rep.Breakdown)
	}
	if _, err := AggregateSavings(nil, ByWeek, "2026-03-22", "2026-03-02", "USD"); ErrorField(err) != "from" {
		t.Errorf("an empty range: %v", err)
	}
}

func TestAccrueTime(t *testing.T) {
	card := []RateCardLine{
		{Kind: RateHourly, Classification: "PARLGL", Amount: NewMoney(200000, "INR"), Effective: "2026-01-01"},
		{Kind: RateHourly, Classification: "ASSOC", Amount: NewMoney(300000, "INR"), Effective: "2026-03-01"},
	}
	// 2026-02-10: only PARLGL, 1.5 h × 2,000 = 3,000.00; 2026-03-10: both,
	// the higher 3,000 × 0.25 h = 750.00; 2025-12-01: no rate.
	got, notes, err := AccrueTime([]AccrualEntry{{"2026-02-10", 150}, {"2026-03-10", 25}, {"2025-12-01", 100}}, card, "INR")
	if err != nil {
		t.Fatal(err)
	}
	if got != NewMoney(375000, "INR") || len(notes) != 2 {
		t.Errorf("accrued %v, notes %q", got, notes)
	}
}

func TestBudgetValidate(t *testing.T) {
	for _, c := range []struct {
		b     Budget
		field string
	}{
		{Budget{MatterID: 1, Amount: NewMoney(100, "EUR")}, "amount"},
		{Budget{MatterID: 1, Amount: NewMoney(0, "USD")}, "amount"},
		{Budget{Amount: NewMoney(1, "USD")}, "matter"},
		{Budget{MatterID: 1, Amount: NewMoney(1, "USD")}, ""},
	} {
		if got := ErrorField(c.b.Validate("USD")); got != c.field {
			t.Errorf("%+v: field %q, want %q", c.b, got, c.field)
		}
	}
	s := BudgetStatus{Budget: Budget{Amount: NewMoney(30000, "USD")}, Actual: NewMoney(10000, "USD"), Accrued: NewMoney(10001, "USD")}
	// 20,001 / 30,000 = 66.67% (6,667 bp, half to even).
	if s.UsedBP() != 6667 || s.Over() || s.Remaining() != NewMoney(9999, "USD") {
		t.Errorf("status: %d %v", s.UsedBP(), s.Remaining())
	}
}
