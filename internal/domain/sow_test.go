package domain

import (
	"strings"
	"testing"
	"time"
)

func TestParseTenths(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Tenths
		ok   bool
	}{{"1.5", 15, true}, {"2", 20, true}, {".1", 1, true}, {"0", 0, true}, {"1.25", 0, false}, {"-1", 0, false}, {"abc", 0, false}, {"", 0, false}, {"1.", 0, false}} {
		got, err := ParseTenths("hours", c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("ParseTenths(%q) = %d, %v", c.in, got, err)
		}
	}
	if Tenths(15).String() != "1.5" || Tenths(20).String() != "2" {
		t.Errorf("Tenths.String")
	}
}

func TestUTBMSCodes(t *testing.T) {
	for _, c := range []string{"L110", "l320", " L530 ", "L601", "L609"} {
		if _, err := ParseTaskCode("task_code", c); err != nil {
			t.Errorf("%q: %v", c, err)
		}
	}
	for _, c := range []string{"L100", "L999", "A101", "", "E118"} {
		if _, err := ParseTaskCode("task_code", c); ErrorCode(err) != EInvalid {
			t.Errorf("%q accepted as a task code", c)
		}
	}
	if _, err := ParseActivityCode("activity_code", "A112"); ErrorCode(err) != EInvalid {
		t.Errorf("A112 accepted")
	}
	if c, err := ParseExpenseCode("expense_code", "e118"); err != nil || c != "E118" {
		t.Errorf("E118: %q %v", c, err)
	}
	if len(Activities) != 11 || len(Expenses) != 24 || CodeName("L320") != "Document Production" {
		t.Errorf("code tables: %d activities, %d expenses", len(Activities), len(Expenses))
	}
}

func item() WorkItem {
	return WorkItem{Service: ServiceDocumentReview, Title: "First-level review", EstimateUnit: "hours", Estimate: 125, Pricing: PricingHourly,
		Price: NewMoney(4_500, "USD"), BaselineHours: 100, BaselineRate: NewMoney(22_500, "USD"), TaskCode: "L320", ActivityCode: "A104"}
}

func TestWorkItemValidate(t *testing.T) {
	r := ItemRules{Today: "2026-03-17", FirmCurrency: "USD", VendorCurrency: "USD"}
	for name, c := range map[string]struct {
		mod   func(*WorkItem)
		field string
	}{
		"ok":           {func(*WorkItem) {}, ""},
		"no title":     {func(w *WorkItem) { w.Title = " " }, "title"},
		"past due":     {func(w *WorkItem) { w.DueOn = "2026-03-16" }, "due_on"},
		"due today":    {func(w *WorkItem) { w.DueOn = "2026-03-17" }, ""},
		"bad task":     {func(w *WorkItem) { w.TaskCode = "L999" }, "task_code"},
		"no activity":  {func(w *WorkItem) { w.ActivityCode = "" }, "activity_code"},
		"bad service":  {func(w *WorkItem) { w.Service = "juggling" }, "type"},
		"unit hourly":  {func(w *WorkItem) { w.EstimateUnit = "documents" }, "estimate_unit"},
		"per unit":     {func(w *WorkItem) { w.Pricing, w.EstimateUnit = PricingUnit, "documents" }, ""},
		"wrong curr":   {func(w *WorkItem) { w.Price.Currency = "EUR" }, "price"},
		"firm curr":    {func(w *WorkItem) { w.BaselineRate.Currency = "INR" }, "baseline_rate"},
		"bad pricing":  {func(w *WorkItem) { w.Pricing = "barter" }, "pricing"},
		"neg estimate": {func(w *WorkItem) { w.Estimate = -1 }, "estimate"},
	} {
		w := item()
		c.mod(&w)
		err := w.Validate(r)
		if c.field == "" && err != nil || c.field != "" && ErrorField(err) != c.field {
			t.Errorf("%s: %v (field %q)", name, err, ErrorField(err))
		}
	}
}

func TestSOWTotalsExact(t *testing.T) {
	a := item() // 12.5 h × 45.00 = 562.50; baseline 10 h × 225.00 = 2,250.00
	b := item()
	b.Pricing, b.Price = PricingFixed, NewMoney(100_000, "USD") // 1,000.00
	c := item()
	c.Pricing, c.EstimateUnit, c.Estimate, c.Price = PricingUnit, "documents", 33, NewMoney(5, "USD") // 3.3 × 0.05 = 0.165 -> 0.16 (half to even, as every amount)
	v := SOWVersion{Items: []WorkItem{a, b, c}}
	tot, err := v.Totals()
	if err != nil {
		t.Fatal(err)
	}
	if len(tot.VendorCost) != 1 || tot.VendorCost[0] != NewMoney(56_250+100_000+16, "USD") {
		t.Errorf("vendor cost %v", tot.VendorCost)
	}
	if tot.BaselineCost[0] != NewMoney(3*225_000, "USD") || !tot.SavingKnown || tot.Saving != NewMoney(675_000-156_266, "USD") {
		t.Errorf("baseline %v saving %v", tot.BaselineCost, tot.Saving)
	}
	// Different currencies: shown apart, no saving computed.
	for i := range v.Items {
		v.Items[i].Price.Currency = "INR"
	}
	tot, _ = v.Totals()
	if tot.SavingKnown || tot.VendorCost[0].Currency != "INR" || tot.BaselineCost[0].Currency != "USD" {
		t.Errorf("mixed currencies: %+v", tot)
	}
	h1 := v.Hash()
	v.Items[0].Title += "!"
	if v.Hash() == h1 || !strings.Contains(v.CanonicalText(), "First-level review!") {
		t.Errorf("hash does not cover the items")
	}
}

func TestTimeEntryValidate(t *testing.T) {
	r := TimeRules{Today: "2026-03-17", SOWOn: "2026-03-01", ItemExists: true}
	ok := func() TimeEntry {
		return TimeEntry{WorkItemID: 1, WorkedOn: "2026-03-16", Hours: 75, TaskCode: "L320", ActivityCode: "A104", Narrative: "Reviewed batch 12"}
	}
	for name, c := range map[string]struct {
		mod   func(*TimeEntry, *TimeRules)
		field string
	}{
		"ok":           {func(*TimeEntry, *TimeRules) {}, ""},
		"future":       {func(e *TimeEntry, _ *TimeRules) { e.WorkedOn = "2026-03-18" }, "date"},
		"today":        {func(e *TimeEntry, _ *TimeRules) { e.WorkedOn = "2026-03-17" }, ""},
		"before sow":   {func(e *TimeEntry, _ *TimeRules) { e.WorkedOn = "2026-02-28" }, "date"},
		"zero":         {func(e *TimeEntry, _ *TimeRules) { e.Hours = 0 }, "hours"},
		"24h exactly":  {func(e *TimeEntry, r *TimeRules) { r.DayTotal = 165 }, ""},
		"over 24h":     {func(e *TimeEntry, r *TimeRules) { r.DayTotal = 166 }, "hours"},
		"no task":      {func(e *TimeEntry, _ *TimeRules) { e.TaskCode = "" }, "task_code"},
		"unknown code": {func(e *TimeEntry, _ *TimeRules) { e.ActivityCode = "A999" }, "activity_code"},
		"narrative":    {func(e *TimeEntry, _ *TimeRules) { e.Narrative = "  " }, "narrative"},
		"no item":      {func(e *TimeEntry, r *TimeRules) { r.ItemExists = false }, "item"},
	} {
		e, rr := ok(), r
		c.mod(&e, &rr)
		err := e.Validate(rr)
		if c.field == "" && err != nil || c.field != "" && ErrorField(err) != c.field {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestDeadlineRules(t *testing.T) {
	d := Deadline{Title: "Privilege log", DueOn: "2026-03-16", OwnerID: 3}
	if err := d.ValidateNew("2026-03-17"); ErrorField(err) != "due_on" {
		t.Errorf("a deadline before today: %v", err)
	}
	d.DueOn = "2026-03-17"
	if err := d.ValidateNew("2026-03-17"); err != nil {
		t.Errorf("today: %v", err)
	}
	if !d.DueToday("2026-03-17") || d.Overdue("2026-03-17") || !d.Overdue("2026-03-18") {
		t.Errorf("overdue flags")
	}
	// The same instant is a different day in Kolkata and New York.
	at := mustTime("2026-03-17T20:00:00Z")
	if TodayIn(at, "Asia/Kolkata", "") != "2026-03-18" || TodayIn(at, "America/New_York", "") != "2026-03-17" || TodayIn(at, "", "Asia/Tokyo") != "2026-03-18" {
		t.Errorf("TodayIn")
	}
}

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}
