package domain

import (
	"math"
	"math/big"
	"math/bits"
	"strings"
)

// Rounding of amounts: the one place it happens. Every amount Probity derives
// (a line's units × unit cost, a rate, a share, a conversion between
// currencies) is computed exactly and rounded once, here, to the minor unit of
// its currency with round half to even ("banker's rounding"): the exact result
// is rounded to the nearest minor unit, and an exact tie (…5 in the first
// dropped place with nothing after it) goes to the even neighbour, so 0.125 →
// 0.12, 0.135 → 0.14, −0.125 → −0.12. Ties go up as often as down, so sums of
// rounded amounts do not drift. A result that does not fit int64 minor units
// is refused with an error; it never wraps around.

// LineAmount is units × unit cost, units in hundredths (2.50 hours = 250),
// rounded to the minor unit of the unit cost's currency half to even. The
// result is in the unit cost's currency; one that does not fit in int64 minor
// units is an error.
func LineAmount(unitsHundredths int64, unitCost Money) (Money, error) {
	if _, ok := minorUnits[unitCost.Currency]; !ok {
		return Money{}, Invalid("currency", "%q is not a supported ISO 4217 currency code", string(unitCost.Currency))
	}
	neg := (unitsHundredths < 0) != (unitCost.Minor < 0)
	hi, lo := bits.Mul64(absU64(unitsHundredths), absU64(unitCost.Minor))
	const den = 100
	if hi >= den { // the quotient would not fit 64 bits
		return Money{}, Errorf(EInvalid, "%s units × %s is too large", formatHundredths(unitsHundredths), unitCost)
	}
	q, r := bits.Div64(hi, lo, den)
	if r*2 > den || (r*2 == den && q&1 == 1) {
		q++
	}
	v, ok := signedFromU64(q, neg)
	if !ok {
		return Money{}, Errorf(EInvalid, "%s units × %s is too large", formatHundredths(unitsHundredths), unitCost)
	}
	return Money{Minor: v, Currency: unitCost.Currency}, nil
}

// ScaleAmount is m × num ÷ den (a rate, a share, an exchange rate given as
// a fraction), rounded to the minor unit of currency to, half to even. The
// fraction relates major units: an exchange rate 1 INR = 0.012 USD is
// ScaleAmount(inr, 12, 1000, "USD"), and the difference in minor digits
// between m's currency and to (INR 2, JPY 0, KWD 3) is accounted for exactly
// before the single rounding. den must not be zero; a negative fraction is
// allowed (a credit).
func ScaleAmount(m Money, num, den int64, to Currency) (Money, error) {
	if _, ok := minorUnits[m.Currency]; !ok {
		return Money{}, Invalid("currency", "%q is not a supported ISO 4217 currency code", string(m.Currency))
	}
	if _, ok := minorUnits[to]; !ok {
		return Money{}, Invalid("currency", "%q is not a supported ISO 4217 currency code", string(to))
	}
	if den == 0 {
		return Money{}, Invalid("rate", "the denominator of a rate must not be zero")
	}
	n := new(big.Int).Mul(big.NewInt(m.Minor), big.NewInt(num))
	d := big.NewInt(den)
	shift := to.MinorUnits() - m.Currency.MinorUnits()
	if shift > 0 {
		n.Mul(n, pow10(shift))
	} else if shift < 0 {
		d.Mul(d, pow10(-shift))
	}
	q := divRoundHalfEven(n, d)
	if !q.IsInt64() {
		return Money{}, Errorf(EInvalid, "%s × %d/%d is too large", m, num, den)
	}
	return Money{Minor: q.Int64(), Currency: to}, nil
}

// divRoundHalfEven returns n ÷ d rounded to the nearest integer, ties to even.
func divRoundHalfEven(n, d *big.Int) *big.Int {
	if d.Sign() < 0 {
		n, d = new(big.Int).Neg(n), new(big.Int).Neg(d)
	}
	q, r := new(big.Int).QuoRem(n, d, new(big.Int)) // truncated toward zero; r has n's sign
	twice := new(big.Int).Abs(r)
	twice.Lsh(twice, 1)
	c := twice.Cmp(d)
	if c > 0 || (c == 0 && q.Bit(0) == 1) {
		if n.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return q
}

func pow10(k int) *big.Int { return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(k)), nil) }

// absU64 is |v| as uint64, exact even for math.MinInt64.
func absU64(v int64) uint64 {
	if v < 0 {
		return -uint64(v)
	}
	return uint64(v)
}

// signedFromU64 applies a sign to a magnitude, reporting whether it fits int64.
func signedFromU64(q uint64, neg bool) (int64, bool) {
	if neg {
		if q > uint64(math.MaxInt64)+1 {
			return 0, false
		}
		return -int64(q), true // q == 2^63 wraps to MinInt64 exactly
	}
	if q > math.MaxInt64 {
		return 0, false
	}
	return int64(q), true
}

// formatHundredths renders units in hundredths as a decimal ("2.50").
func formatHundredths(v int64) string {
	return Money{Minor: v, Currency: "USD"}.Decimal()
}

// FormatUnits renders units in hundredths with two decimals ("2.50").
func FormatUnits(unitsHundredths int64) string { return formatHundredths(unitsHundredths) }

// ParseUnits reads a non-negative number of units (hours, pages, items) with
// at most two decimals ("2.5" → 250 hundredths). More decimals, a sign,
// exponents, "NaN" and anything but digits and one point are refused.
func ParseUnits(s string) (int64, error) {
	t := strings.TrimSpace(s)
	intPart, frac, hasDot := strings.Cut(t, ".")
	if intPart == "" || (hasDot && frac == "") || len(frac) > 2 || !allDigits(intPart) || !allDigits(frac) {
		return 0, Invalid("units", "%q is not a number of units (a non-negative number with up to 2 decimals, such as 2.5)", s)
	}
	if len(intPart) > 15 {
		return 0, Invalid("units", "%q is too large", s)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	var v int64
	for _, c := range intPart + frac {
		v = v*10 + int64(c-'0')
	}
	return v, nil
}
