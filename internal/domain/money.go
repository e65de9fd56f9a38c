package domain

import (
	"fmt"
	"strconv"
	"strings"
)

// Currency is an ISO 4217 alphabetic code.
type Currency string

// minorUnits lists the ISO 4217 currencies Probity accepts and their minor-unit
// exponent. Extend it rather than guessing: an unknown currency is invalid.
var minorUnits = map[Currency]int{
	"USD": 2, "EUR": 2, "GBP": 2, "INR": 2, "PHP": 2, "CAD": 2, "AUD": 2,
	"NZD": 2, "SGD": 2, "HKD": 2, "CHF": 2, "ZAR": 2, "MXN": 2, "BRL": 2,
	"PLN": 2, "SEK": 2, "NOK": 2, "DKK": 2, "CNY": 2, "LKR": 2, "MYR": 2,
	"AED": 2, "ILS": 2, "KES": 2, "NGN": 2, "EGP": 2, "ARS": 2, "COP": 2,
	"JPY": 0, "KRW": 0, "VND": 0, "CLP": 0, "ISK": 0,
	"KWD": 3, "BHD": 3, "OMR": 3, "JOD": 3, "TND": 3,
}

// ParseCurrency validates an ISO 4217 code (case-insensitive).
func ParseCurrency(s string) (Currency, error) {
	c := Currency(strings.ToUpper(strings.TrimSpace(s)))
	if _, ok := minorUnits[c]; !ok {
		return "", Invalid("currency", "%q is not a supported ISO 4217 currency code", s)
	}
	return c, nil
}

// MinorUnits is the number of decimal places of the currency (2 for USD, 0 for JPY).
func (c Currency) MinorUnits() int { return minorUnits[c] }

// Money is an exact amount in integer minor units (cents, paise) of a currency.
// It is never a float.
type Money struct {
	Minor    int64
	Currency Currency
}

// NewMoney returns minor units of currency c.
func NewMoney(minor int64, c Currency) Money { return Money{Minor: minor, Currency: c} }

// Add returns m+o; the currencies must match and the sum must fit in int64
// (an exact amount never wraps around).
func (m Money) Add(o Money) (Money, error) {
	if m.Currency != o.Currency {
		return Money{}, Errorf(EInvalid, "cannot add %s to %s", o.Currency, m.Currency)
	}
	sum := m.Minor + o.Minor
	if (o.Minor > 0 && sum < m.Minor) || (o.Minor < 0 && sum > m.Minor) {
		return Money{}, Errorf(EInvalid, "%s plus %s is too large", m, o)
	}
	return Money{Minor: sum, Currency: m.Currency}, nil
}

// Decimal renders the amount with the currency's decimals and no grouping ("1234.50").
func (m Money) Decimal() string {
	d := m.Currency.MinorUnits()
	neg := m.Minor < 0
	v := uint64(m.Minor)
	if neg {
		v = -v // two's complement: exact even for math.MinInt64
	}
	s := strconv.FormatUint(v, 10)
	if d > 0 {
		for len(s) <= d {
			s = "0" + s
		}
		s = s[:len(s)-d] + "." + s[len(s)-d:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// String renders "USD 1,234.50".
func (m Money) String() string {
	dec := m.Decimal()
	sign := ""
	if strings.HasPrefix(dec, "-") {
		sign, dec = "-", dec[1:]
	}
	intPart, frac, _ := strings.Cut(dec, ".")
	var b strings.Builder
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteString("." + frac)
	}
	return fmt.Sprintf("%s %s%s", m.Currency, sign, b.String())
}

// ParseMoney reads a decimal amount ("1234.5", "-12", "1,234.56") in currency c
// exactly; more decimals than the currency has is an error, never a rounding.
func ParseMoney(s string, c Currency) (Money, error) {
	if _, ok := minorUnits[c]; !ok {
		return Money{}, Invalid("currency", "%q is not a supported ISO 4217 currency code", string(c))
	}
	t := strings.TrimSpace(s)
	neg := strings.HasPrefix(t, "-")
	t = strings.TrimPrefix(t, "-")
	intPart, frac, hasDot := strings.Cut(t, ".")
	d := c.MinorUnits()
	if !thousandsGrouped(intPart) {
		return Money{}, Invalid("amount", "%q is not an amount in %s (commas may only group thousands)", s, c)
	}
	intPart = strings.ReplaceAll(intPart, ",", "")
	if intPart == "" || (hasDot && frac == "") || len(frac) > d || !allDigits(intPart) || !allDigits(frac) {
		return Money{}, Invalid("amount", "%q is not an amount in %s (use up to %d decimals)", s, c, d)
	}
	for len(frac) < d {
		frac += "0"
	}
	v, err := strconv.ParseInt(intPart+frac, 10, 64)
	if err != nil || len(intPart) > 15 {
		return Money{}, Invalid("amount", "%q is too large", s)
	}
	if neg {
		v = -v
	}
	return Money{Minor: v, Currency: c}, nil
}

// thousandsGrouped reports whether the commas in an integer part, if any,
// separate groups of three digits ("1,234,567"); "1,23" is not an amount.
func thousandsGrouped(s string) bool {
	groups := strings.Split(s, ",")
	if len(groups) == 1 {
		return true
	}
	if len(groups[0]) == 0 || len(groups[0]) > 3 {
		return false
	}
	for _, g := range groups[1:] {
		if len(g) != 3 {
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
