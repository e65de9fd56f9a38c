package domain

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

func TestLineAmountExamples(t *testing.T) {
	usd := func(m int64) Money { return NewMoney(m, "USD") }
	cases := []struct {
		units int64
		cost  Money
		want  int64
	}{
		{200, usd(35000), 70000},           // 2.00 × 350.00
		{250, usd(10000), 25000},           // 2.50 × 100.00
		{25, usd(50), 12},                  // 0.25 × 0.50 = 0.125 → 0.12 (tie to even)
		{25, usd(54), 14},                  // 0.25 × 0.54 = 0.135 → 0.14 (tie to even)
		{25, usd(-50), -12},                // −0.125 → −0.12
		{25, usd(-54), -14},                // −0.135 → −0.14
		{33, usd(1), 0},                    // 0.0033 → 0.00
		{151, usd(1), 2},                   // 0.0151 → 0.02
		{0, usd(99999), 0},                 // nothing
		{100, NewMoney(1000, "JPY"), 1000}, // 1.00 × ¥1000
		{150, NewMoney(1001, "KWD"), 1502}, // 1.50 × 1.001 = 1.5015 → 1.502 (tie to even)
	}
	for _, c := range cases {
		got, err := LineAmount(c.units, c.cost)
		if err != nil {
			t.Fatalf("LineAmount(%d, %v): %v", c.units, c.cost, err)
		}
		if got.Minor != c.want || got.Currency != c.cost.Currency {
			t.Errorf("LineAmount(%d, %v) = %v, want %d %s", c.units, c.cost, got, c.want, c.cost.Currency)
		}
	}
}

func TestLineAmountRefusesOverflowAndUnknownCurrency(t *testing.T) {
	if _, err := LineAmount(math.MaxInt64, NewMoney(1000, "USD")); err == nil || ErrorCode(err) != EInvalid {
		t.Errorf("overflow: err = %v, want invalid", err)
	}
	if _, err := LineAmount(200, NewMoney(math.MinInt64, "USD")); err == nil {
		t.Error("overflow of a negative amount accepted")
	}
	if _, err := LineAmount(100, NewMoney(1, "XXX")); ErrorCode(err) != EInvalid {
		t.Errorf("unknown currency: err = %v", err)
	}
	// The largest exact results still fit.
	got, err := LineAmount(100, NewMoney(math.MinInt64, "USD"))
	if err != nil || got.Minor != math.MinInt64 {
		t.Errorf("1.00 × MinInt64 = %v, %v", got, err)
	}
}

// refLineAmount is the reference: exact rational arithmetic, then half-even.
func refLineAmount(units, cost int64) *big.Int {
	r := new(big.Rat).SetFrac(new(big.Int).Mul(big.NewInt(units), big.NewInt(cost)), big.NewInt(100))
	fl := new(big.Int).Div(r.Num(), r.Denom()) // Euclidean: floor for a positive denominator
	rem := new(big.Rat).Sub(r, new(big.Rat).SetInt(fl))
	half := big.NewRat(1, 2)
	switch rem.Cmp(half) {
	case 1:
		fl.Add(fl, big.NewInt(1))
	case 0:
		if fl.Bit(0) == 1 {
			fl.Add(fl, big.NewInt(1))
		}
	}
	return fl
}

// TestLineAmountProperties checks, on seeded random inputs, that the rounding
// agrees with an exact rational reference rounding half to even, is exact
// when the product is a whole number of minor units, is odd-symmetric, and
// never drifts: the rounded sum of ties stays within one unit of the exact sum.
func TestLineAmountProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 1998))
	for i := 0; i < 20000; i++ {
		units := rng.Int64N(1_000_000) - 500_000
		cost := rng.Int64N(10_000_000_000) - 5_000_000_000
		got, err := LineAmount(units, NewMoney(cost, "USD"))
		if err != nil {
			t.Fatalf("LineAmount(%d, %d): %v", units, cost, err)
		}
		if want := refLineAmount(units, cost); want.Int64() != got.Minor {
			t.Fatalf("LineAmount(%d, %d) = %d, want %s", units, cost, got.Minor, want)
		}
		if neg, _ := LineAmount(-units, NewMoney(cost, "USD")); neg.Minor != -got.Minor {
			t.Fatalf("not symmetric: %d vs %d", neg.Minor, got.Minor)
		}
		whole := units * 100 // an integral number of units: exact
		if ex, err := LineAmount(whole, NewMoney(cost%1_000_000, "USD")); err != nil || ex.Minor != units*(cost%1_000_000) {
			t.Fatalf("integral %d × %d = %v, %v", units, cost%1_000_000, ex, err)
		}
	}
	// Drift: 0.50 × odd cents are all exact ties (x.5 cents); half-even sends
	// half of them up and half down, so the rounded sum stays at the exact sum.
	var exact2, rounded int64 // exact2 in half-cents
	for c := int64(1); c <= 20001; c += 2 {
		m, _ := LineAmount(50, NewMoney(c, "USD"))
		exact2 += c
		rounded += m.Minor
	}
	if d := rounded*2 - exact2; d < -2 || d > 2 {
		t.Errorf("rounded sum of ties drifts by %d half-cents", d)
	}
}

func TestScaleAmount(t *testing.T) {
	cases := []struct {
		m        Money
		num, den int64
		to       Currency
		want     int64
	}{
		{NewMoney(100000, "INR"), 12, 1000, "USD", 1200}, // ₹1000.00 × 0.012 = $12.00
		{NewMoney(12345, "INR"), 12, 1000, "USD", 148},   // ₹123.45 × 0.012 = 1.4814 → 1.48
		{NewMoney(1000, "USD"), 15000, 100, "JPY", 1500}, // $10.00 × 150 = ¥1500
		{NewMoney(1, "USD"), 1, 2, "JPY", 0},             // $0.005 → ¥0.005 → 0
		{NewMoney(1500, "JPY"), 1, 150, "USD", 1000},     // ¥1500 / 150 = $10.00
		{NewMoney(1, "JPY"), 1, 1, "KWD", 1000},          // 1 → 1.000
		{NewMoney(1005, "KWD"), 1, 1, "USD", 100},        // 1.005 → 1.00 (tie to even)
		{NewMoney(1015, "KWD"), 1, 1, "USD", 102},        // 1.015 → 1.02 (tie to even)
		{NewMoney(-1015, "KWD"), 1, 1, "USD", -102},      // symmetric
		{NewMoney(1000, "USD"), 1, -3, "USD", -333},      // negative denominator
		{NewMoney(25, "USD"), 1, 10, "USD", 2},           // 0.025 → 0.02
		{NewMoney(35, "USD"), 1, 10, "USD", 4},           // 0.035 → 0.04
	}
	for _, c := range cases {
		got, err := ScaleAmount(c.m, c.num, c.den, c.to)
		if err != nil {
			t.Fatalf("ScaleAmount(%v, %d/%d, %s): %v", c.m, c.num, c.den, c.to, err)
		}
		if got.Minor != c.want || got.Currency != c.to {
			t.Errorf("ScaleAmount(%v, %d/%d, %s) = %d %s, want %d", c.m, c.num, c.den, c.to, got.Minor, got.Currency, c.want)
		}
	}
	if _, err := ScaleAmount(NewMoney(1, "USD"), 1, 0, "USD"); ErrorCode(err) != EInvalid {
		t.Errorf("zero denominator: %v", err)
	}
	if _, err := ScaleAmount(NewMoney(math.MaxInt64, "USD"), 2, 1, "USD"); ErrorCode(err) != EInvalid {
		t.Errorf("overflow: %v", err)
	}
	if _, err := ScaleAmount(NewMoney(1, "USD"), 1, 1, "ZZZ"); ErrorCode(err) != EInvalid {
		t.Errorf("unknown currency: %v", err)
	}
}

// TestScaleAmountAgreesWithLineAmount: a rate of units/100 is a line amount.
func TestScaleAmountAgreesWithLineAmount(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 8))
	for i := 0; i < 5000; i++ {
		units := rng.Int64N(100_000) - 50_000
		cost := NewMoney(rng.Int64N(1_000_000)-500_000, "EUR")
		a, err1 := LineAmount(units, cost)
		b, err2 := ScaleAmount(cost, units, 100, "EUR")
		if err1 != nil || err2 != nil || a != b {
			t.Fatalf("units %d cost %v: LineAmount %v (%v), ScaleAmount %v (%v)", units, cost, a, err1, b, err2)
		}
	}
}

func TestParseUnits(t *testing.T) {
	good := map[string]int64{"2.5": 250, "2.50": 250, "0": 0, "0.01": 1, "10": 1000, " 3.25 ": 325, "1000000": 100000000}
	for s, want := range good {
		got, err := ParseUnits(s)
		if err != nil || got != want {
			t.Errorf("ParseUnits(%q) = %d, %v; want %d", s, got, err, want)
		}
	}
	for _, s := range []string{"", "2.555", "-1", "+1", "NaN", "Inf", "1e3", "2.", ".5", "1,5", "1.2.3", "1234567890123456"} {
		if _, err := ParseUnits(s); ErrorCode(err) != EInvalid || ErrorField(err) != "units" {
			t.Errorf("ParseUnits(%q) err = %v, want invalid units", s, err)
		}
	}
	if FormatUnits(250) != "2.50" || FormatUnits(5) != "0.05" {
		t.Errorf("FormatUnits: %q %q", FormatUnits(250), FormatUnits(5))
	}
}

// TestBaselineShare checks the in-house share of part of a work item: 12.5
// of 50 estimated hours of an item whose baseline is 20 hours at $400 is a
// quarter, 5 hours and $2,000; a fixed item's half is half its baseline; an
// item without an estimate stands for nothing.
func TestBaselineShare(t *testing.T) {
	item := WorkItem{Title: "review", Pricing: PricingHourly, Estimate: 500, EstimateUnit: UnitHours, BaselineHours: 200, BaselineRate: NewMoney(40000, "USD")}
	h, m, err := BaselineShare(item, 1250)
	if err != nil || h != 500 || m != NewMoney(200000, "USD") {
		t.Errorf("hourly quarter: %d hundredths, %v, %v; want 500, USD 2000.00", h, m, err)
	}
	fixed := item
	fixed.Pricing = PricingFixed
	if h, m, err := BaselineShare(fixed, 50); err != nil || h != 1000 || m != NewMoney(400000, "USD") {
		t.Errorf("fixed half: %d, %v, %v; want 1000, USD 4000.00", h, m, err)
	}
	none := item
	none.Estimate = 0
	if h, m, err := BaselineShare(none, 1250); err != nil || h != 0 || m.Minor != 0 {
		t.Errorf("no estimate: %d, %v, %v; want nothing", h, m, err)
	}
	// One third of 1 hour is 33.33 hundredths: rounded once, half to even.
	third := WorkItem{Pricing: PricingHourly, Estimate: 30, BaselineHours: 10, BaselineRate: NewMoney(100, "USD")}
	if h, m, _ := BaselineShare(third, 100); h != 33 || m.Minor != 33 {
		t.Errorf("a third: %d, %v; want 33, 0.33", h, m)
	}
}
