package domain

import "errors"

// Rounding of amounts: the one place it happens (being written).

var errRoundTodo = errors.New("domain: not implemented yet")

// LineAmount is units × unit cost, units in hundredths (2.50 hours = 250),
// rounded to the currency's minor unit half to even.
func LineAmount(unitsHundredths int64, unitCost Money) (Money, error) {
	return Money{}, errRoundTodo
}

// ScaleAmount is m × num ÷ den (a rate, a share, an exchange rate given as
// a fraction), rounded to the minor unit of currency to, half to even.
func ScaleAmount(m Money, num, den int64, to Currency) (Money, error) {
	return Money{}, errRoundTodo
}
