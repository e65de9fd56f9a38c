package domain

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Sample sizes for quality audits (DOMAIN.md, "Sampling for quality
// audits"). Pure functions: every surface and the command line compute the
// same numbers here. Intervals are in sampling_intervals.go, seeded draws
// in sampling_draw.go.

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
//
// MethodProportion is Krejcie & Morgan's (1970) formula
// s = X²·N·P(1−P) / (d²·(N−1) + X²·P(1−P)), with X² the chi-square critical
// value for 1 d.f. at the confidence (z², z the two-sided normal quantile)
// rounded to 3 decimals as printed tables give it (3.841 at 95%), and s
// rounded to the nearest integer (halves up). This rule reproduces every row
// of their published table (testdata/krejcie_morgan_1970.csv); the unrounded
// X² = 3.8415 would give 381 instead of 380 at N = 40,000. The expected
// proportion P is 0.5 when zero. The size is at least 1 and at most N.
//
// MethodZeroDefect is n = ⌈ln(1−C)/ln(1−p)⌉, the smallest n for which n
// error-free items show with confidence C that the error rate is below p
// (a quotient within a relative 1e-9 of an integer counts as that integer,
// so float error never adds an item); capped at N when N > 0 (N = 0: no
// population given, uncapped).
//
// MethodZ14 looks up the ISO 2859-1 / ANSI Z1.4 code letter of the lot size
// at the general inspection level and its sample size (inspect all when
// that reaches the lot). The firm's acceptance number must satisfy
// 0 ≤ Ac < n (the letter's n) and the rejection number, when given, must be
// Ac + 1 (single sampling); it is set to Ac + 1 when not given.
func SampleSize(spec SampleSpec) (SampleSizeResult, error) {
	if !(spec.Confidence > 0 && spec.Confidence < 1) {
		return SampleSizeResult{}, Invalid("confidence", "the confidence must be between 0 and 1 (exclusive), such as 0.95; got %s", num(spec.Confidence))
	}
	switch spec.Method {
	case MethodProportion:
		return proportionSize(spec)
	case MethodZeroDefect:
		return zeroDefectSize(spec)
	case MethodZ14:
		return z14Size(spec)
	}
	return SampleSizeResult{}, Invalid("method", "%q is not a sampling method (proportion, zero_defect or z14)", spec.Method)
}

func proportionSize(spec SampleSpec) (SampleSizeResult, error) {
	N := spec.Population
	if N < 1 {
		return SampleSizeResult{}, Invalid("population", "the population must have at least 1 item; got %d", N)
	}
	if !(spec.Margin > 0 && spec.Margin < 1) {
		return SampleSizeResult{}, Invalid("margin", "the margin of error must be between 0 and 1 (exclusive), such as 0.05; got %s", num(spec.Margin))
	}
	if !(spec.Expected >= 0 && spec.Expected <= 1) {
		return SampleSizeResult{}, Invalid("expected", "the expected proportion must be from 0 to 1, such as 0.5; got %s", num(spec.Expected))
	}
	if spec.Expected == 0 {
		spec.Expected = 0.5
	}
	z := NormalQuantile(1 - (1-spec.Confidence)/2)
	x2 := math.Round(z*z*1000) / 1000
	P, d, n := spec.Expected, spec.Margin, float64(N)
	s := x2 * n * P * (1 - P) / (d*d*(n-1) + x2*P*(1-P))
	size := int64(math.Floor(s + 0.5))
	size = max(size, 1)
	res := SampleSizeResult{Spec: spec, Uncapped: s, ChiSquare: x2}
	res.Size, res.InspectAll = capped(size, N)
	res.Formula = fmt.Sprintf("s = X²·N·P(1−P) / (d²·(N−1) + X²·P(1−P)) (Krejcie & Morgan, 1970) with X² = %s (chi-square, 1 d.f., %s%% confidence, to 3 decimals), N = %d, P = %s, d = %s: s = %.2f, rounded to the nearest whole item",
		num(x2), num(spec.Confidence*100), N, num(P), num(d), s)
	return res, nil
}

func zeroDefectSize(spec SampleSpec) (SampleSizeResult, error) {
	N, p := spec.Population, spec.MaxErrorRate
	if N < 0 {
		return SampleSizeResult{}, Invalid("population", "the population cannot be negative; got %d", N)
	}
	if !(p > 0 && p < 1) {
		return SampleSizeResult{}, Invalid("max_error_rate", "the error rate to exclude must be between 0 and 1 (exclusive), such as 0.02; got %s", num(p))
	}
	v := math.Log1p(-spec.Confidence) / math.Log1p(-p)
	size := int64(math.Ceil(v))
	if r := math.Round(v); math.Abs(v-r) <= 1e-9*r {
		size = int64(r) // an exact integer computed a hair high must not cost an extra item
	}
	size = max(size, 1)
	res := SampleSizeResult{Spec: spec, Uncapped: v, Size: int(min(size, math.MaxInt32))}
	if N > 0 {
		res.Size, res.InspectAll = capped(size, N)
	}
	res.Formula = fmt.Sprintf("n = ⌈ln(1−C) / ln(1−p)⌉ with C = %s, p = %s: %.2f, rounded up: accept when none of the n items is in error",
		num(spec.Confidence), num(p), v)
	return res, nil
}

func z14Size(spec SampleSpec) (SampleSizeResult, error) {
	N := spec.Population
	if N < 1 {
		return SampleSizeResult{}, Invalid("population", "the lot must have at least 1 item; got %d", N)
	}
	level := strings.ToUpper(strings.TrimSpace(spec.Level))
	letter, err := Z14CodeLetter(max(N, 2), level)
	if err != nil {
		return SampleSizeResult{}, err
	}
	n, _ := Z14SampleSize(letter)
	spec.Level = level
	if spec.Accept < 0 || spec.Accept >= n {
		return SampleSizeResult{}, Invalid("accept", "the acceptance number must be from 0 to %d (below the sample size %d of code letter %s); got %d", n-1, n, letter, spec.Accept)
	}
	if spec.Reject == 0 {
		spec.Reject = spec.Accept + 1
	}
	if spec.Reject != spec.Accept+1 {
		return SampleSizeResult{}, Invalid("reject", "in single sampling the rejection number is the acceptance number plus 1 (%d); got %d", spec.Accept+1, spec.Reject)
	}
	res := SampleSizeResult{Spec: spec, Uncapped: float64(n), CodeLetter: letter}
	res.Size, res.InspectAll = capped(int64(n), N)
	res.Formula = fmt.Sprintf("ISO 2859-1 / ANSI Z1.4 general inspection level %s: lot %d → code letter %s → sample size %d; accept with at most %d errors, reject with %d or more",
		level, N, letter, n, spec.Accept, spec.Reject)
	if res.InspectAll {
		res.Formula += "; the sample reaches the lot, so every item is inspected"
	}
	return res, nil
}

// capped returns min(size, N) and whether it reached N.
func capped(size, N int64) (int, bool) {
	if size >= N {
		return int(N), true
	}
	return int(size), false
}

// num formats a parameter without trailing zeros (0.95, 3.841, 95).
func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// z14Lots are the upper bounds of the lot-size ranges of ISO 2859-1 /
// ANSI Z1.4 Table I; the last range is open.
var z14Lots = []int64{8, 15, 25, 50, 90, 150, 280, 500, 1200, 3200, 10000, 35000, 150000, 500000, math.MaxInt64}

// z14Letters are the code letters of Table I by lot range, for general
// inspection levels I, II and III. Level I and III are not simply one letter
// off level II (lots 2–8: A A B; 51–90: C E F); I and O are not used.
var z14Letters = map[string]string{
	"I":   "AABCCDEFGHJKLMN",
	"II":  "ABCDEFGHJKLMNPQ",
	"III": "BCDEFGHJKLMNPQR",
}

// z14Sizes are the sample sizes by code letter (Table II-A).
var z14Sizes = map[string]int{"A": 2, "B": 3, "C": 5, "D": 8, "E": 13, "F": 20, "G": 32, "H": 50, "J": 80, "K": 125, "L": 200, "M": 315, "N": 500, "P": 800, "Q": 1250, "R": 2000}

// Z14CodeLetter returns the ISO 2859-1 / ANSI Z1.4 sample size code letter
// for a lot size at general inspection level I, II or III.
func Z14CodeLetter(lot int64, level string) (string, error) {
	letters, ok := z14Letters[strings.ToUpper(strings.TrimSpace(level))]
	if !ok {
		return "", Invalid("level", "%q is not a general inspection level (I, II or III)", level)
	}
	if lot < 2 {
		return "", Invalid("population", "the standard's lots start at 2 items; got %d", lot)
	}
	for i, hi := range z14Lots {
		if lot <= hi {
			return letters[i : i+1], nil
		}
	}
	return "", Invalid("population", "lot size %d is out of range", lot) // unreachable: the last range is open
}

// Z14SampleSize returns the sample size of a code letter (A 2 … R 2000).
func Z14SampleSize(letter string) (int, error) {
	n, ok := z14Sizes[strings.ToUpper(strings.TrimSpace(letter))]
	if !ok {
		return 0, Invalid("code_letter", "%q is not a sample size code letter (A–R, without I and O)", letter)
	}
	return n, nil
}
