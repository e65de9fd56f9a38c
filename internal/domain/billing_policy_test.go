package domain

import (
	"math/big"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func usd(minor int64) Money { return NewMoney(minor, "USD") }

func TestBillingPolicyValidate(t *testing.T) {
	if err := DefaultBillingPolicy().Validate(); err != nil {
		t.Fatalf("the default policy is refused: %v", err)
	}
	for _, c := range []struct {
		p     BillingPolicy
		field string // "" when valid
	}{
		{BillingPolicy{DayHoursFlag: 10}, ""},
		{BillingPolicy{OverheadCapBP: MaxOverheadCapBP, MarkupCapBP: MaxMarkupCapBP, MinSavingSharedBP: MaxMinSavingSharedBP, DayHoursFlag: 240}, ""},
		{BillingPolicy{OverheadCapBP: -1, DayHoursFlag: 100}, "overhead_cap"},
		{BillingPolicy{OverheadCapBP: MaxOverheadCapBP + 1, DayHoursFlag: 100}, "overhead_cap"},
		{BillingPolicy{MarkupCapBP: -1, DayHoursFlag: 100}, "markup_cap"},
		{BillingPolicy{MarkupCapBP: MaxMarkupCapBP + 1, DayHoursFlag: 100}, "markup_cap"},
		{BillingPolicy{MinSavingSharedBP: -1, DayHoursFlag: 100}, "min_saving_shared"},
		{BillingPolicy{MinSavingSharedBP: 10001, DayHoursFlag: 100}, "min_saving_shared"},
		{BillingPolicy{}, "day_hours"},
		{BillingPolicy{DayHoursFlag: 9}, "day_hours"},
		{BillingPolicy{DayHoursFlag: 241}, "day_hours"},
	} {
		err := c.p.Validate()
		if c.field == "" {
			if err != nil {
				t.Errorf("%+v refused: %v", c.p, err)
			}
			continue
		}
		if ErrorCode(err) != EInvalid || ErrorField(err) != c.field {
			t.Errorf("%+v: %v, want invalid %s", c.p, err, c.field)
		}
	}
}

func TestFormatBP(t *testing.T) {
	for bp, want := range map[int]string{0: "0%", 1000: "10%", 1250: "12.5%", 1234: "12.34%", 5: "0.05%", -5: "-0.05%", -12345: "-123.45%", 10000: "100%"} {
		if got := FormatBP(bp); got != want {
			t.Errorf("FormatBP(%d) = %q, want %q", bp, got, want)
		}
	}
}

func TestParsePercentBP(t *testing.T) {
	for in, want := range map[string]int{"10": 1000, "7.5": 750, "12.25": 1225, " 25% ": 2500, "0": 0, "100": 10000, "-1": -100, "0.05": 5} {
		if got, err := ParsePercentBP("markup_cap", in); err != nil || got != want {
			t.Errorf("ParsePercentBP(%q) = %d, %v; want %d", in, got, err, want)
		}
		if back, _ := ParsePercentBP("markup_cap", PercentBP(want)); back != want {
			t.Errorf("PercentBP(%d) = %q reads back as %d", want, PercentBP(want), back)
		}
	}
	for _, in := range []string{"", "ten", "1.234", "1.", ".5", "1e3", "12345678", "--1", "1,5"} {
		if _, err := ParsePercentBP("markup_cap", in); ErrorCode(err) != EInvalid || ErrorField(err) != "markup_cap" {
			t.Errorf("ParsePercentBP(%q): %v, want invalid markup_cap", in, err)
		}
	}
}

// Each flag, and its boundary: exactly at a cap passes, a minor unit over
// is flagged.
func TestCheckOutsourcedChargeFlags(t *testing.T) {
	def := DefaultBillingPolicy() // overhead 10%, markup 25%, saving passed on 50%
	noShare := def
	noShare.MinSavingSharedBP = 0
	for _, c := range []struct {
		name   string
		mode   BillingMode
		p      BillingPolicy
		c      OutsourcedCharge
		flags  []PolicyFlagCode
		saving int64
		pct    int
		shared int
		// words the first flag's message must contain
		words []string
	}{
		{"disbursement at cost", BillingDisbursement, def,
			OutsourcedCharge{usd(100000), usd(0), usd(100000), usd(200000)}, nil, 100000, 5000, 10000, nil},
		{"overhead exactly at the cap", BillingDisbursement, def,
			OutsourcedCharge{usd(100000), usd(10000), usd(110000), usd(200000)}, nil, 90000, 4500, 9000, nil},
		{"overhead a cent above the cap", BillingDisbursement, def,
			OutsourcedCharge{usd(100000), usd(10001), usd(110001), usd(200000)}, []PolicyFlagCode{FlagOverheadAboveCap}, 89999, 4500, 9000,
			[]string{"USD 100.01", "10%", "USD 1,000.00", "at most USD 100.00"}},
		{"a cent of markup on a disbursement", BillingDisbursement, def,
			OutsourcedCharge{usd(100000), usd(0), usd(100001), usd(200000)}, []PolicyFlagCode{FlagDisbursementMarkup}, 99999, 5000, 10000,
			[]string{"USD 1,000.00", "USD 1,000.01", "markup of USD 0.01", "08-451"}},
		{"markup beyond the disclosed overhead", BillingDisbursement, def,
			OutsourcedCharge{usd(100000), usd(5000), usd(120000), usd(300000)}, []PolicyFlagCode{FlagDisbursementMarkup}, 180000, 6000, 9000,
			[]string{"USD 1,050.00", "USD 1,200.00", "markup of USD 150.00"}},
		{"half the saving passed on, exactly", BillingDisbursement, def,
			OutsourcedCharge{usd(100000), usd(10000), usd(110000), usd(120000)}, nil, 10000, 833, 5000, nil},
		{"less than half the saving passed on", BillingDisbursement, def,
			OutsourcedCharge{usd(100000), usd(10000), usd(110000), usd(119999)}, []PolicyFlagCode{FlagSavingNotPassedOn}, 9999, 833, 5000,
			[]string{"saved USD 199.99", "client saves USD 99.99", "USD 100.00 (50%)"}},
		{"fee exactly at the markup cap", BillingFee, def,
			OutsourcedCharge{usd(100000), Money{}, usd(125000), usd(300000)}, nil, 175000, 5833, 8750, nil},
		{"fee a cent above the markup cap", BillingFee, def,
			OutsourcedCharge{usd(100000), Money{}, usd(125001), usd(300000)}, []PolicyFlagCode{FlagFeeMarkupAboveCap}, 174999, 5833, 8750,
			[]string{"USD 1,250.01", "up by USD 250.01", "25%", "at most USD 1,250.00"}},
		{"fee equal to the in-house cost", BillingFee, noShare,
			OutsourcedCharge{usd(100000), Money{}, usd(120000), usd(120000)}, nil, 0, 0, 0, nil},
		{"fee a cent above the in-house cost", BillingFee, noShare,
			OutsourcedCharge{usd(100000), Money{}, usd(120001), usd(120000)}, []PolicyFlagCode{FlagFeeAboveInHouse, FlagSavingNotPassedOn}, -1, 0, 0,
			[]string{"USD 1,200.01", "USD 0.01 more", "USD 1,200.00"}},
		{"vendor dearer than in-house: no saving to pass on", BillingFee, def,
			OutsourcedCharge{usd(100000), Money{}, usd(100000), usd(90000)}, []PolicyFlagCode{FlagFeeAboveInHouse}, -10000, -1111, 0, nil},
		{"fee: markup and saving both out of policy", BillingFee, def,
			OutsourcedCharge{usd(100000), Money{}, usd(140000), usd(150000)}, []PolicyFlagCode{FlagFeeMarkupAboveCap, FlagSavingNotPassedOn}, 10000, 667, 2000, nil},
		// Caps in money round half to even: 10% of 5 cents is 0.5 → 0.
		{"cap rounds half to even (down)", BillingDisbursement, def,
			OutsourcedCharge{usd(5), usd(1), usd(6), usd(1000)}, []PolicyFlagCode{FlagOverheadAboveCap}, 994, 9940, 9990, nil},
		// 10% of 15 cents is 1.5 → 2.
		{"cap rounds half to even (up)", BillingDisbursement, def,
			OutsourcedCharge{usd(15), usd(2), usd(17), usd(1000)}, nil, 983, 9830, 9980, nil},
		{"yen", BillingFee, def,
			OutsourcedCharge{NewMoney(80000, "JPY"), Money{}, NewMoney(100000, "JPY"), NewMoney(150000, "JPY")}, nil, 50000, 3333, 7143, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			tr, flags, err := CheckOutsourcedCharge(c.mode, c.p, c.c)
			if err != nil {
				t.Fatal(err)
			}
			var codes []PolicyFlagCode
			for _, f := range flags {
				codes = append(codes, f.Code)
				if f.Message == "" {
					t.Errorf("flag %s has no message", f.Code)
				}
			}
			if !slices.Equal(codes, c.flags) {
				t.Errorf("flags %v, want %v (%+v)", codes, c.flags, flags)
			}
			if tr.ClientSaving.Minor != c.saving || tr.SavingPercentBP != c.pct || tr.SavingSharedBP != c.shared {
				t.Errorf("saving %d (%d bp, %d bp shared), want %d (%d bp, %d bp shared)", tr.ClientSaving.Minor, tr.SavingPercentBP, tr.SavingSharedBP, c.saving, c.pct, c.shared)
			}
			if tr.VendorCost != c.c.VendorCost || tr.Charged != c.c.Charged || tr.InHouse != c.c.InHouse || tr.ClientSaving.Currency != c.c.InHouse.Currency ||
				tr.Overhead != NewMoney(c.c.Overhead.Minor, c.c.InHouse.Currency) {
				t.Errorf("transparency %+v does not carry the charge %+v", tr, c.c)
			}
			for _, w := range c.words {
				if !strings.Contains(flags[0].Message, w) {
					t.Errorf("message %q does not name %q", flags[0].Message, w)
				}
			}
		})
	}
}

// Amounts that cannot be compared are refused, naming the field.
func TestCheckOutsourcedChargeRefuses(t *testing.T) {
	ok := OutsourcedCharge{usd(100000), usd(0), usd(100000), usd(200000)}
	for _, c := range []struct {
		name  string
		mode  BillingMode
		p     BillingPolicy
		edit  func(*OutsourcedCharge)
		field string
		words string
	}{
		{"mixed currencies", BillingDisbursement, DefaultBillingPolicy(), func(c *OutsourcedCharge) { c.VendorCost = NewMoney(100000, "INR") }, "vendor_cost", "INR"},
		{"charged in another currency", BillingFee, DefaultBillingPolicy(), func(c *OutsourcedCharge) { c.Charged = NewMoney(100000, "EUR") }, "charged", "convert"},
		{"negative cost", BillingDisbursement, DefaultBillingPolicy(), func(c *OutsourcedCharge) { c.VendorCost = usd(-1) }, "vendor_cost", "negative"},
		{"negative overhead", BillingDisbursement, DefaultBillingPolicy(), func(c *OutsourcedCharge) { c.Overhead = usd(-1) }, "overhead", "negative"},
		{"no in-house equivalent", BillingFee, DefaultBillingPolicy(), func(c *OutsourcedCharge) { c.InHouse = usd(0) }, "in_house", "in-house"},
		{"no currency", BillingFee, DefaultBillingPolicy(), func(c *OutsourcedCharge) { c.InHouse = Money{Minor: 5} }, "in_house", "currency"},
		{"overhead on a fee", BillingFee, DefaultBillingPolicy(), func(c *OutsourcedCharge) { c.Overhead = usd(100) }, "overhead", "disbursements only"},
		{"too large", BillingFee, DefaultBillingPolicy(), func(c *OutsourcedCharge) { c.Charged = usd(MaxOutsourcedMinor + 1) }, "charged", "too large"},
		{"unknown mode", "retainer", DefaultBillingPolicy(), func(*OutsourcedCharge) {}, "billing_mode", "retainer"},
		{"bad policy", BillingFee, BillingPolicy{MarkupCapBP: 20000}, func(*OutsourcedCharge) {}, "markup_cap", "200%"},
	} {
		ch := ok
		c.edit(&ch)
		tr, flags, err := CheckOutsourcedCharge(c.mode, c.p, ch)
		if ErrorCode(err) != EInvalid || ErrorField(err) != c.field || !strings.Contains(ErrorMessage(err), c.words) {
			t.Errorf("%s: %v, want invalid %s naming %q", c.name, err, c.field, c.words)
		}
		if tr != (Transparency{}) || flags != nil {
			t.Errorf("%s: a refused charge returned %+v %v", c.name, tr, flags)
		}
	}
	// A disbursement with no overhead may leave it the zero Money.
	if _, flags, err := CheckOutsourcedCharge(BillingDisbursement, DefaultBillingPolicy(), OutsourcedCharge{VendorCost: usd(5), Charged: usd(5), InHouse: usd(9)}); err != nil || flags != nil {
		t.Errorf("zero overhead without a currency: %v %v", flags, err)
	}
}

// halfEven is num ÷ den rounded half to even, computed independently of
// ScaleAmount with exact rationals.
func halfEven(num, den int64) int64 {
	r := new(big.Rat).SetFrac(big.NewInt(num), big.NewInt(den))
	q, m := new(big.Int).QuoRem(r.Num(), r.Denom(), new(big.Int))
	// q truncates toward zero; compare 2|m| with the denominator.
	twice := new(big.Int).Mul(new(big.Int).Abs(m), big.NewInt(2))
	switch c := twice.Cmp(r.Denom()); {
	case c > 0, c == 0 && q.Bit(0) == 1:
		if r.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return q.Int64()
}

// For random charges: the saving is in-house minus charged exactly, the
// percentages are ScaleAmount's half-even rounding of the exact ratios, and
// a disbursement at cost with no overhead is never flagged.
func TestCheckOutsourcedChargeProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 451))
	currencies := []Currency{"USD", "JPY", "KWD", "EUR"}
	amount := func(max int64) int64 {
		// Mix small amounts (where rounding bites) with large ones.
		if rng.IntN(3) == 0 {
			return rng.Int64N(1000)
		}
		return rng.Int64N(max)
	}
	for i := range 5000 {
		cur := currencies[rng.IntN(len(currencies))]
		p := BillingPolicy{OverheadCapBP: rng.IntN(MaxOverheadCapBP + 1), MarkupCapBP: rng.IntN(MaxMarkupCapBP + 1), MinSavingSharedBP: rng.IntN(MaxMinSavingSharedBP + 1)}
		mode := BillingFee
		c := OutsourcedCharge{VendorCost: NewMoney(amount(1e12), cur), Charged: NewMoney(amount(1e12), cur), InHouse: NewMoney(1+amount(1e12), cur)}
		if rng.IntN(2) == 0 {
			mode = BillingDisbursement
			c.Overhead = NewMoney(amount(1e9), cur)
		}
		tr, flags, err := CheckOutsourcedCharge(mode, p, c)
		if err != nil {
			t.Fatalf("#%d %s %+v: %v", i, mode, c, err)
		}
		if want := c.InHouse.Minor - c.Charged.Minor; tr.ClientSaving != NewMoney(want, cur) {
			t.Fatalf("#%d: saving %v, want %d %s", i, tr.ClientSaving, want, cur)
		}
		if want := halfEven(tr.ClientSaving.Minor*10000, c.InHouse.Minor); int64(tr.SavingPercentBP) != want {
			t.Fatalf("#%d: %d bp saved of %v, want %d", i, tr.SavingPercentBP, c.InHouse, want)
		}
		if s, err := ScaleAmount(tr.ClientSaving, 10000, c.InHouse.Minor, cur); err != nil || s.Minor != int64(tr.SavingPercentBP) {
			t.Fatalf("#%d: ScaleAmount says %v %v, the block %d bp", i, s, err, tr.SavingPercentBP)
		}
		firm := c.InHouse.Minor - c.VendorCost.Minor
		wantShared := int64(0)
		if firm > 0 {
			wantShared = halfEven(tr.ClientSaving.Minor*10000, firm)
		}
		if int64(tr.SavingSharedBP) != wantShared || tr.FirmSaving() != NewMoney(firm, cur) {
			t.Fatalf("#%d: %d bp of the saving %v shared, want %d", i, tr.SavingSharedBP, tr.FirmSaving(), wantShared)
		}
		markup := mode == BillingDisbursement && c.Charged.Minor > c.VendorCost.Minor+c.Overhead.Minor
		if hasFlag(flags, FlagDisbursementMarkup) != markup {
			t.Fatalf("#%d: markup flagged %v, want %v (%+v)", i, !markup, markup, c)
		}
		if above := mode == BillingFee && c.Charged.Minor > c.InHouse.Minor; hasFlag(flags, FlagFeeAboveInHouse) != above {
			t.Fatalf("#%d: above in-house flagged %v, want %v (%+v)", i, !above, above, c)
		}

		// At cost, no overhead: in order whatever the policy.
		at := OutsourcedCharge{VendorCost: c.VendorCost, Charged: c.VendorCost, InHouse: c.InHouse}
		if tr, flags, err := CheckOutsourcedCharge(BillingDisbursement, p, at); err != nil || len(flags) != 0 {
			t.Fatalf("#%d: at cost %+v under %+v: %v %v", i, at, p, flags, err)
		} else if firm > 0 && tr.SavingSharedBP != 10000 {
			t.Fatalf("#%d: at cost passes on %d bp of the saving, want all", i, tr.SavingSharedBP)
		}
	}
}

func hasFlag(flags []PolicyFlag, code PolicyFlagCode) bool {
	return slices.ContainsFunc(flags, func(f PolicyFlag) bool { return f.Code == code })
}

// TestFeeMarkupFlagNamesThePercentage: the flag says how far above cost the
// fee is as a percentage, beside the cap, so the billing partner reading it
// sees 35% against 25% at once.
func TestFeeMarkupFlagNamesThePercentage(t *testing.T) {
	usd := func(v int64) Money { return NewMoney(v, "USD") }
	_, flags, err := CheckOutsourcedCharge(BillingFee, DefaultBillingPolicy(), OutsourcedCharge{VendorCost: usd(195000), Charged: usd(263250), InHouse: usd(393750)})
	if err != nil || len(flags) != 1 || flags[0].Code != FlagFeeMarkupAboveCap {
		t.Fatalf("flags %+v, %v", flags, err)
	}
	if !strings.Contains(flags[0].Message, "USD 682.50 (35%)") || !strings.Contains(flags[0].Message, "cap of 25%") {
		t.Errorf("message %q does not name 35%% against the 25%% cap", flags[0].Message)
	}
}
