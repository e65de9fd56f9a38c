package domain

import "errors"

// Sample sizes, seeded draws and intervals for quality audits (DOMAIN.md,
// "Sampling for quality audits"). Pure functions: every surface and the
// command line compute the same numbers here.

// errTodo marks the parts of the audit contract still being written.
var errTodo = errors.New("domain: not implemented yet")

// SampleSpec is a sampling method and its parameters.
type SampleSpec struct {
	Method     SamplingMethod `json:"method"`
	Population int64          `json:"population"` // N, the lot or population size
	Confidence float64        `json:"confidence"` // C in (0,1), e.g. 0.95
	// MethodProportion: the margin of error d and the expected proportion P
	// (0.5 when unknown, the most conservative).
	Margin   float64 `json:"margin,omitempty"`
	Expected float64 `json:"expected,omitempty"`
	// MethodZeroDefect: the error rate p to exclude with confidence C.
	MaxErrorRate float64 `json:"max_error_rate,omitempty"`
	// MethodZ14: the general inspection level (I, II, III) and the firm's
	// acceptance and rejection numbers (the standard's Ac/Re tables are
	// licensed, so the firm enters them).
	Level  string `json:"level,omitempty"`
	Accept int    `json:"accept,omitempty"`
	Reject int    `json:"reject,omitempty"`
}

// SampleSizeResult is a computed sample size and how it was reached.
type SampleSizeResult struct {
	Spec       SampleSpec `json:"spec"`
	Size       int        `json:"size"`                  // n, at most the population
	Uncapped   float64    `json:"uncapped"`              // the formula's value before rounding and capping
	ChiSquare  float64    `json:"chi_square,omitempty"`  // proportion: X² used (1 d.f.)
	CodeLetter string     `json:"code_letter,omitempty"` // z14
	InspectAll bool       `json:"inspect_all"`           // n reached the population
	Formula    string     `json:"formula"`               // the formula in words, for the screen and --json
}

// SampleSize computes the sample size for spec, or an EInvalid error naming
// the field at fault (an empty population, a confidence outside (0,1), a
// margin or error rate outside (0,1), an unknown level...).
func SampleSize(spec SampleSpec) (SampleSizeResult, error) { return SampleSizeResult{}, errTodo }

// Z14CodeLetter returns the ISO 2859-1 / ANSI Z1.4 sample size code letter
// for a lot size at general inspection level I, II or III.
func Z14CodeLetter(lot int64, level string) (string, error) { return "", errTodo }

// Z14SampleSize returns the sample size of a code letter (A 2 … R 2000).
func Z14SampleSize(letter string) (int, error) { return 0, errTodo }

// Interval is a proportion with a confidence interval.
type Interval struct {
	X          int     `json:"x"` // events (errors)
	N          int     `json:"n"` // trials (items scored)
	Rate       float64 `json:"rate"`
	Low        float64 `json:"low"`
	High       float64 `json:"high"`
	Confidence float64 `json:"confidence"`
}

// Wilson returns the two-sided Wilson score interval for x events in n at confidence c.
func Wilson(x, n int, c float64) (Interval, error) { return Interval{}, errTodo }

// ClopperPearson returns the two-sided Clopper–Pearson exact interval
// (beta quantiles) for x events in n at confidence c.
func ClopperPearson(x, n int, c float64) (Interval, error) { return Interval{}, errTodo }

// UpperBound returns the one-sided Clopper–Pearson upper bound at
// confidence c: "with confidence c the error rate is below this".
func UpperBound(x, n int, c float64) (float64, error) { return 0, errTodo }

// Stratum is one group of a stratified draw.
type Stratum struct {
	Name  string  `json:"name"`
	Size  int64   `json:"size"` // items in the stratum
	N     int     `json:"n"`    // drawn
	Drawn []int64 `json:"drawn,omitempty"`
}

// DrawSample draws n distinct positions from 1..population uniformly at
// random without replacement, reproducibly from seed: the same seed,
// population and n always give the same positions in the same order.
// It refuses an empty population, n < 1 and n > population.
func DrawSample(seed string, population int64, n int) ([]int64, error) { return nil, errTodo }

// NewSeed returns a fresh random seed to record on an audit.
func NewSeed() string { return "" }
