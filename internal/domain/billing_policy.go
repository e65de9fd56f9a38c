package domain

import (
	"fmt"
	"strconv"
	"strings"
)

// The firm's rules for billing outsourced work (ABA Formal Op. 08-451,
// following 93-379 and 00-420), and the arithmetic every invoice carrying
// outsourced work shows the client: the transparency block.

// BillingPolicy is the firm's billing policy for outsourced work, every
// figure in basis points (1% = 100).
type BillingPolicy struct {
	// OverheadCapBP caps the disclosed overhead share a disbursement may add
	// to the vendor's cost, as a share of that cost.
	OverheadCapBP int
	// MarkupCapBP caps the markup outsourced work billed as a fee may carry,
	// as a share of the vendor's cost.
	MarkupCapBP int
	// MinSavingSharedBP is the least share of the firm's saving (in-house
	// equivalent minus vendor cost) that must reach the client.
	MinSavingSharedBP int
	// DayHoursFlag is how many hours a vendor timekeeper may bill in one
	// day before the vendor invoice line is flagged (day_hours), in tenths.
	DayHoursFlag Tenths
}

// Bounds and default of the day-hours figure: a working day is flagged past
// 10 hours by default; the firm may set anything from 1 to 24 hours.
const (
	DefaultDayHoursFlag Tenths = 100
	MinDayHoursFlag     Tenths = 10
	MaxDayHoursFlag     Tenths = 240
)

// Maxima of the policy's figures. Under 08-451 a disbursement is the actual
// cost plus at most a reasonable allocation of overhead, never a profit: an
// overhead share above half the cost is no longer an allocation. A markup
// above the cost itself (100%) could hardly leave the total a reasonable
// fee. A share of the saving is at most all of it.
const (
	MaxOverheadCapBP     = 5000
	MaxMarkupCapBP       = 10000
	MaxMinSavingSharedBP = 10000
)

// DefaultBillingPolicy is the policy until the firm sets its own. Under
// ABA Formal Op. 08-451 a disbursement is the actual cost plus at most a
// reasonable allocation of overhead: 10% of the cost covers supervision and
// administration without becoming a hidden markup. Billed as a fee, a
// surcharge is allowed if the total stays a reasonable fee: 25% is a common
// ceiling for a disclosed markup. The cost advantage of outsourcing is to be
// passed on to the client fairly and reasonably: at least half of the
// firm's saving, an even split, is the floor Probity starts from; a firm may
// require more.
func DefaultBillingPolicy() BillingPolicy {
	return BillingPolicy{OverheadCapBP: 1000, MarkupCapBP: 2500, MinSavingSharedBP: 5000, DayHoursFlag: DefaultDayHoursFlag}
}

// Validate checks each figure is within 0 and its maximum, naming the field
// at fault (overhead_cap, markup_cap, min_saving_shared), and the day
// hours between 1 and 24 (day_hours).
func (p BillingPolicy) Validate() error {
	if err := p.validateCaps(); err != nil {
		return err
	}
	if p.DayHoursFlag < MinDayHoursFlag || p.DayHoursFlag > MaxDayHoursFlag {
		return Invalid("day_hours", "the hours a vendor timekeeper may bill in one day before the line is flagged must be between %s and %s (got %s)",
			MinDayHoursFlag, MaxDayHoursFlag, p.DayHoursFlag)
	}
	return nil
}

// validateCaps checks the figures outsourced charges are judged by.
func (p BillingPolicy) validateCaps() error {
	for _, f := range []struct {
		field, what string
		bp, max     int
	}{
		{"overhead_cap", "the overhead cap", p.OverheadCapBP, MaxOverheadCapBP},
		{"markup_cap", "the markup cap", p.MarkupCapBP, MaxMarkupCapBP},
		{"min_saving_shared", "the minimum share of the saving passed on", p.MinSavingSharedBP, MaxMinSavingSharedBP},
	} {
		if f.bp < 0 || f.bp > f.max {
			return Invalid(f.field, "%s must be between 0%% and %s (got %s)", f.what, FormatBP(f.max), FormatBP(f.bp))
		}
	}
	return nil
}

// FormatBP renders basis points as a percentage with only the decimals it
// needs: 1000 → "10%", 1250 → "12.5%", -5 → "-0.05%".
func FormatBP(bp int) string { return PercentBP(bp) + "%" }

// PercentBP renders basis points as a bare percentage for a form or a flag
// (1250 → "12.5"); ParsePercentBP reads it back.
func PercentBP(bp int) string {
	sign := ""
	v := int64(bp)
	if v < 0 {
		sign, v = "-", -v
	}
	s := sign + strconv.FormatInt(v/100, 10)
	if frac := v % 100; frac != 0 {
		s += strings.TrimRight(fmt.Sprintf(".%02d", frac), "0")
	}
	return s
}

// ParsePercentBP reads a percentage with at most two decimals ("10",
// "7.5", "12.25%") as basis points, exactly; the error names field.
func ParsePercentBP(field, s string) (int, error) {
	t := strings.TrimSuffix(strings.TrimSpace(s), "%")
	t = strings.TrimSpace(t)
	neg := strings.HasPrefix(t, "-")
	whole, frac, dot := strings.Cut(strings.TrimPrefix(t, "-"), ".")
	if whole == "" || (dot && frac == "") || len(frac) > 2 || len(whole) > 7 || !allDigits(whole) || !allDigits(frac) {
		return 0, Invalid(field, "%q is not a percentage: give a number such as 10 or 7.5, with at most two decimals", s)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	bp, _ := strconv.Atoi(whole + frac)
	if neg {
		bp = -bp
	}
	return bp, nil
}

// OutsourcedCharge is what one piece of outsourced work cost the firm and
// what the client is charged for it, all in the firm's currency (convert
// foreign costs first, with ScaleAmount).
type OutsourcedCharge struct {
	VendorCost Money // what the vendor invoiced, in the firm's currency
	Overhead   Money // disbursement only: the disclosed overhead share added to the cost
	Charged    Money // what the client is charged for the work, overhead included
	InHouse    Money // what the same work would have cost the client done in-house
}

// Transparency is the block every invoice carrying outsourced work shows
// the client.
type Transparency struct {
	VendorCost   Money
	Overhead     Money // disbursement: the disclosed overhead share included in Charged
	InHouse      Money
	Charged      Money
	ClientSaving Money // InHouse − Charged; negative when the client pays more than in-house
	// SavingPercentBP is ClientSaving as a share of InHouse.
	SavingPercentBP int
	// SavingSharedBP is the share of the firm's saving (InHouse − VendorCost)
	// that reached the client (ClientSaving ÷ firm saving); 0 when the firm
	// saved nothing, for then there is no cost advantage to pass on.
	SavingSharedBP int
}

// FirmSaving is what outsourcing saved against the in-house equivalent
// (InHouse − VendorCost), before anything is passed on.
func (t Transparency) FirmSaving() Money {
	return Money{Minor: t.InHouse.Minor - t.VendorCost.Minor, Currency: t.InHouse.Currency}
}

// PolicyFlagCode names a billing-policy breach.
type PolicyFlagCode string

// Billing-policy flags.
const (
	FlagDisbursementMarkup PolicyFlagCode = "disbursement_markup"  // charged more than cost plus the disclosed overhead
	FlagOverheadAboveCap   PolicyFlagCode = "overhead_above_cap"   // overhead share above the firm's cap
	FlagFeeMarkupAboveCap  PolicyFlagCode = "fee_markup_above_cap" // fee markup above the firm's cap
	FlagFeeAboveInHouse    PolicyFlagCode = "fee_above_in_house"   // fee above the in-house equivalent
	FlagSavingNotPassedOn  PolicyFlagCode = "saving_not_passed_on" // less of the saving passed on than policy demands
)

// PolicyFlag is one breach of the billing policy, with a message in plain
// words naming the numbers. An invoice carrying one is held until a billing
// partner overrides it with a written reason.
type PolicyFlag struct {
	Code    PolicyFlagCode
	Message string
}

// CheckOutsourcedCharge computes the transparency block of charge c billed
// in mode and checks it against policy p, returning every breach (none when
// the charge is in order). Amounts exactly at a cap pass. Caps and shares
// are turned into money with ScaleAmount, so rounding (half to even)
// happens in one place. Amounts in different currencies, negative amounts,
// no in-house equivalent, or an overhead on a fee are refused.
func CheckOutsourcedCharge(mode BillingMode, p BillingPolicy, c OutsourcedCharge) (Transparency, []PolicyFlag, error) {
	var t Transparency
	if mode != BillingFee && mode != BillingDisbursement {
		return t, nil, Invalid("billing_mode", "%q is not a billing mode (fee or disbursement)", string(mode))
	}
	if err := p.validateCaps(); err != nil {
		return t, nil, err
	}
	if err := c.validate(mode); err != nil {
		return t, nil, err
	}
	cur := c.InHouse.Currency
	t = Transparency{VendorCost: c.VendorCost, Overhead: Money{Minor: c.Overhead.Minor, Currency: cur}, InHouse: c.InHouse, Charged: c.Charged,
		ClientSaving: Money{Minor: c.InHouse.Minor - c.Charged.Minor, Currency: cur}}
	pct, err := ScaleAmount(t.ClientSaving, 10000, c.InHouse.Minor, cur)
	if err != nil {
		return Transparency{}, nil, err
	}
	t.SavingPercentBP = int(pct.Minor)
	firm := t.FirmSaving()
	if firm.Minor > 0 {
		share, err := ScaleAmount(t.ClientSaving, 10000, firm.Minor, cur)
		if err != nil {
			return Transparency{}, nil, err
		}
		t.SavingSharedBP = int(share.Minor)
	}

	var flags []PolicyFlag
	flag := func(code PolicyFlagCode, format string, args ...any) {
		flags = append(flags, PolicyFlag{Code: code, Message: fmt.Sprintf(format, args...)})
	}
	switch mode {
	case BillingDisbursement:
		capped, err := ScaleAmount(c.VendorCost, int64(p.OverheadCapBP), 10000, cur)
		if err != nil {
			return Transparency{}, nil, err
		}
		if c.Overhead.Minor > capped.Minor {
			flag(FlagOverheadAboveCap, "The overhead share of %s is above the firm's cap of %s of the vendor's cost of %s (at most %s).",
				c.Overhead, FormatBP(p.OverheadCapBP), c.VendorCost, capped)
		}
		if at := c.VendorCost.Minor + c.Overhead.Minor; c.Charged.Minor > at {
			flag(FlagDisbursementMarkup, "Billed as a disbursement, outsourced work is charged at cost: the vendor's cost of %s plus the disclosed overhead of %s is %s, but %s is charged, a markup of %s that ABA Op. 08-451 does not allow.",
				c.VendorCost, c.Overhead, Money{Minor: at, Currency: cur}, c.Charged, Money{Minor: c.Charged.Minor - at, Currency: cur})
		}
	case BillingFee:
		markup, err := ScaleAmount(c.VendorCost, int64(p.MarkupCapBP), 10000, cur)
		if err != nil {
			return Transparency{}, nil, err
		}
		if most := c.VendorCost.Minor + markup.Minor; c.Charged.Minor > most {
			up := Money{Minor: c.Charged.Minor - c.VendorCost.Minor, Currency: cur}
			by := up.String()
			if c.VendorCost.Minor > 0 {
				share, err := ScaleAmount(up, 10000, c.VendorCost.Minor, cur)
				if err != nil {
					return Transparency{}, nil, err
				}
				by += " (" + FormatBP(int(share.Minor)) + ")"
			}
			flag(FlagFeeMarkupAboveCap, "The fee of %s marks the vendor's cost of %s up by %s, above the firm's cap of %s (at most %s in all).",
				c.Charged, c.VendorCost, by, FormatBP(p.MarkupCapBP), Money{Minor: most, Currency: cur})
		}
		if c.Charged.Minor > c.InHouse.Minor {
			flag(FlagFeeAboveInHouse, "The fee of %s is %s more than the same work would have cost in-house (%s).",
				c.Charged, Money{Minor: c.Charged.Minor - c.InHouse.Minor, Currency: cur}, c.InHouse)
		}
	}
	if firm.Minor > 0 {
		least, err := ScaleAmount(firm, int64(p.MinSavingSharedBP), 10000, cur)
		if err != nil {
			return Transparency{}, nil, err
		}
		if t.ClientSaving.Minor < least.Minor {
			flag(FlagSavingNotPassedOn, "Outsourcing saved %s against the in-house cost of %s; the client saves %s (%s of it), less than the %s (%s) the firm's policy passes on.",
				firm, c.InHouse, t.ClientSaving, FormatBP(t.SavingSharedBP), least, FormatBP(p.MinSavingSharedBP))
		}
	}
	return t, flags, nil
}

// MaxOutsourcedMinor bounds each amount of an OutsourcedCharge (a trillion
// dollars in cents), so that sums and shares in basis points stay exact in
// 64 bits.
const MaxOutsourcedMinor = 100_000_000_000_000

// validate refuses amounts that cannot be compared: different currencies,
// negative amounts, no in-house equivalent, an overhead on a fee.
func (c OutsourcedCharge) validate(mode BillingMode) error {
	cur := c.InHouse.Currency
	if _, ok := minorUnits[cur]; !ok {
		return Invalid("in_house", "the in-house equivalent needs a supported currency (got %q)", string(cur))
	}
	for _, f := range []struct {
		field, what string
		m           Money
	}{
		{"vendor_cost", "the vendor's cost", c.VendorCost},
		{"overhead", "the overhead share", c.Overhead},
		{"charged", "the amount charged", c.Charged},
		{"in_house", "the in-house equivalent", c.InHouse},
	} {
		if f.m.Currency != cur && !(f.field == "overhead" && f.m.Minor == 0 && f.m.Currency == "") {
			return Invalid(f.field, "%s is in %s but the in-house equivalent is in %s: convert to the firm's currency first", f.what, orNone(f.m.Currency), cur)
		}
		if f.m.Minor < 0 {
			return Invalid(f.field, "%s cannot be negative (got %s)", f.what, f.m)
		}
		if f.m.Minor > MaxOutsourcedMinor {
			return Invalid(f.field, "%s of %s is too large to check", f.what, f.m)
		}
	}
	if c.InHouse.Minor == 0 {
		return Invalid("in_house", "give what the same work would have cost in-house: the client's saving is measured against it")
	}
	if mode == BillingFee && c.Overhead.Minor != 0 {
		return Invalid("overhead", "an overhead share is disclosed on disbursements only; billed as a fee, any surcharge is the markup")
	}
	return nil
}

func orNone(c Currency) string {
	if c == "" {
		return "no currency"
	}
	return string(c)
}
