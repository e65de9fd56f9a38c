package domain

import (
	"encoding/csv"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
)

// readTestCSV reads a testdata CSV, skipping '#' comment lines and the header.
func readTestCSV(tb testing.TB, name string) [][]string {
	tb.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comment = '#'
	rows, err := r.ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	return rows[1:]
}

func atoi(tb testing.TB, s string) int64 {
	tb.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

// TestKrejcieMorganTable reproduces every row of the published table.
func TestKrejcieMorganTable(t *testing.T) {
	rows := readTestCSV(t, "krejcie_morgan_1970.csv")
	if len(rows) != 90 {
		t.Fatalf("the table has %d rows, want 90", len(rows))
	}
	for _, row := range rows {
		N, S := atoi(t, row[0]), int(atoi(t, row[1]))
		res, err := SampleSize(SampleSpec{Method: MethodProportion, Population: N, Confidence: 0.95, Margin: 0.05})
		if err != nil {
			t.Fatalf("N=%d: %v", N, err)
		}
		if res.Size != S {
			t.Errorf("N=%d: size %d (%.3f), the table says %d", N, res.Size, res.Uncapped, S)
		}
		if res.ChiSquare != 3.841 || res.Spec.Expected != 0.5 {
			t.Errorf("N=%d: X² %v, P %v; want 3.841 and 0.5", N, res.ChiSquare, res.Spec.Expected)
		}
		if res.InspectAll != (S == int(N)) {
			t.Errorf("N=%d: inspect all %v", N, res.InspectAll)
		}
	}
	// The unrounded X² (3.8415) misses a row: why the printed 3 decimals are used.
	x2 := NormalQuantile(0.975) * NormalQuantile(0.975)
	if s := x2 * 40000 * 0.25 / (0.0025*39999 + x2*0.25); math.Floor(s+0.5) == 380 {
		t.Errorf("the unrounded X² gives %.3f at N=40000; expected it to miss the table's 380", s)
	}
}

func TestSampleSizeProportion(t *testing.T) {
	res, err := SampleSize(SampleSpec{Method: MethodProportion, Population: 1000, Confidence: 0.99, Margin: 0.05, Expected: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	// X² at 99% is 2.5758² = 6.6349 → 6.635; s = 6.635·1000·0.09 / (0.0025·999 + 6.635·0.09).
	want := 6.635 * 1000 * 0.09 / (0.0025*999 + 6.635*0.09)
	if res.ChiSquare != 6.635 || math.Abs(res.Uncapped-want) > 1e-9 || res.Size != int(math.Floor(want+0.5)) {
		t.Errorf("got %+v, want X² 6.635, s %.4f", res, want)
	}
	if !strings.Contains(res.Formula, "Krejcie") || !strings.Contains(res.Formula, "6.635") {
		t.Errorf("formula %q", res.Formula)
	}
	// A population of 1 is inspected whole.
	res, err = SampleSize(SampleSpec{Method: MethodProportion, Population: 1, Confidence: 0.95, Margin: 0.05})
	if err != nil || res.Size != 1 || !res.InspectAll {
		t.Errorf("N=1: %+v, %v", res, err)
	}
}

func TestSampleSizeZeroDefect(t *testing.T) {
	for _, c := range []struct {
		conf, p float64
		N       int64
		want    int
		all     bool
	}{
		{0.95, 0.05, 0, 59, false}, // 58.4 → 59
		{0.95, 0.02, 0, 149, false},
		{0.95, 0.01, 0, 299, false},
		{0.99, 0.01, 0, 459, false},
		{0.95, 0.02, 100, 100, true}, // capped at the population
		{0.95, 0.02, 10000, 149, false},
		// Exact integers must not round up by one through float error.
		{0.75, 0.5, 0, 2, false},
		{0.875, 0.5, 0, 3, false},
		{0.9375, 0.5, 0, 4, false},
		{0.99, 0.9, 0, 2, false},
		{0.999, 0.9, 0, 3, false},
		{0.96, 0.8, 0, 2, false},
		{0.999, 0.99, 0, 2, false},
		// These compute a hair above the integer (e.g. 0.51, 0.3: 2.0000000000000004).
		{0.51, 0.3, 0, 2, false},
		{0.657, 0.3, 0, 3, false},
		{0.67232, 0.2, 0, 5, false},
		{0.9720064, 0.4, 0, 7, false},
		{0.999271, 0.7, 0, 6, false},
		{0.578125, 0.25, 0, 3, false},
	} {
		res, err := SampleSize(SampleSpec{Method: MethodZeroDefect, Population: c.N, Confidence: c.conf, MaxErrorRate: c.p})
		if err != nil {
			t.Fatalf("%+v: %v", c, err)
		}
		if res.Size != c.want || res.InspectAll != c.all {
			t.Errorf("C=%v p=%v N=%d: size %d (%.17g) inspect all %v; want %d, %v", c.conf, c.p, c.N, res.Size, res.Uncapped, res.InspectAll, c.want, c.all)
		}
	}
	// The tolerance is tiny: a quotient just above an integer still rounds up.
	if res, _ := SampleSize(SampleSpec{Method: MethodZeroDefect, Confidence: 0.7501, MaxErrorRate: 0.5}); res.Size != 3 {
		t.Errorf("C=0.7501 p=0.5: size %d, want 3", res.Size)
	}
}

func TestZ14CodeLetters(t *testing.T) {
	rows := readTestCSV(t, "z14_code_letters.csv")
	if len(rows) != 15 {
		t.Fatalf("%d rows", len(rows))
	}
	for _, row := range rows {
		lo, hi := atoi(t, row[0]), atoi(t, row[1])
		lots := []int64{lo, (lo + max(hi, lo)) / 2, hi}
		if hi == 0 {
			lots = []int64{lo, 10_000_000, math.MaxInt64}
		}
		for li, level := range []string{"I", "II", "III"} {
			for _, lot := range lots {
				got, err := Z14CodeLetter(lot, level)
				if err != nil || got != row[2+li] {
					t.Errorf("lot %d level %s: %q, %v; want %s", lot, level, got, err, row[2+li])
				}
			}
		}
	}
	want := map[string]int{"A": 2, "B": 3, "C": 5, "D": 8, "E": 13, "F": 20, "G": 32, "H": 50, "J": 80, "K": 125, "L": 200, "M": 315, "N": 500, "P": 800, "Q": 1250, "R": 2000}
	for l, n := range want {
		if got, err := Z14SampleSize(l); err != nil || got != n {
			t.Errorf("letter %s: %d, %v; want %d", l, got, err, n)
		}
	}
	for _, bad := range []string{"I", "O", "S", ""} {
		if _, err := Z14SampleSize(bad); ErrorCode(err) != EInvalid {
			t.Errorf("letter %q accepted", bad)
		}
	}
	if _, err := Z14CodeLetter(100, "IV"); ErrorField(err) != "level" {
		t.Errorf("level IV: %v", err)
	}
}

func TestZ14SampleSize(t *testing.T) {
	res, err := SampleSize(SampleSpec{Method: MethodZ14, Population: 1000, Confidence: 0.95, Level: "ii", Accept: 5})
	if err != nil {
		t.Fatal(err)
	}
	if res.CodeLetter != "J" || res.Size != 80 || res.InspectAll || res.Spec.Reject != 6 || res.Spec.Level != "II" {
		t.Errorf("lot 1000 level II: %+v", res)
	}
	// Lot 51–90 at level III is F (20); a lot of 10 at level III is C (5).
	if res, _ := SampleSize(SampleSpec{Method: MethodZ14, Population: 60, Confidence: 0.95, Level: "III"}); res.CodeLetter != "F" || res.Size != 20 {
		t.Errorf("lot 60 level III: %+v", res)
	}
	// n ≥ lot: inspect all.
	res, err = SampleSize(SampleSpec{Method: MethodZ14, Population: 2, Confidence: 0.95, Level: "III"})
	if err != nil || res.Size != 2 || !res.InspectAll || res.CodeLetter != "B" {
		t.Errorf("lot 2 level III: %+v %v", res, err)
	}
	res, err = SampleSize(SampleSpec{Method: MethodZ14, Population: 1, Confidence: 0.95, Level: "I"})
	if err != nil || res.Size != 1 || !res.InspectAll {
		t.Errorf("lot 1: %+v %v", res, err)
	}
}

func TestSampleSizeRefusals(t *testing.T) {
	for _, c := range []struct {
		spec  SampleSpec
		field string
	}{
		{SampleSpec{Method: MethodProportion, Population: 0, Confidence: 0.95, Margin: 0.05}, "population"},
		{SampleSpec{Method: MethodProportion, Population: 100, Confidence: 1.5, Margin: 0.05}, "confidence"},
		{SampleSpec{Method: MethodProportion, Population: 100, Confidence: 0, Margin: 0.05}, "confidence"},
		{SampleSpec{Method: MethodProportion, Population: 100, Confidence: 1, Margin: 0.05}, "confidence"},
		{SampleSpec{Method: MethodProportion, Population: 100, Confidence: math.NaN(), Margin: 0.05}, "confidence"},
		{SampleSpec{Method: MethodProportion, Population: 100, Confidence: 0.95, Margin: 0}, "margin"},
		{SampleSpec{Method: MethodProportion, Population: 100, Confidence: 0.95, Margin: 1}, "margin"},
		{SampleSpec{Method: MethodProportion, Population: 100, Confidence: 0.95, Margin: 0.05, Expected: 1.2}, "expected"},
		{SampleSpec{Method: MethodProportion, Population: 100, Confidence: 0.95, Margin: 0.05, Expected: -0.1}, "expected"},
		{SampleSpec{Method: MethodZeroDefect, Confidence: 0.95, MaxErrorRate: 0}, "max_error_rate"},
		{SampleSpec{Method: MethodZeroDefect, Confidence: 0.95, MaxErrorRate: 1}, "max_error_rate"},
		{SampleSpec{Method: MethodZeroDefect, Population: -1, Confidence: 0.95, MaxErrorRate: 0.02}, "population"},
		{SampleSpec{Method: MethodZ14, Population: 0, Confidence: 0.95, Level: "II"}, "population"},
		{SampleSpec{Method: MethodZ14, Population: 100, Confidence: 0.95, Level: "IV"}, "level"},
		{SampleSpec{Method: MethodZ14, Population: 100, Confidence: 0.95, Level: "II", Accept: -1}, "accept"},
		{SampleSpec{Method: MethodZ14, Population: 100, Confidence: 0.95, Level: "II", Accept: 20}, "accept"}, // F: n = 20
		{SampleSpec{Method: MethodZ14, Population: 100, Confidence: 0.95, Level: "II", Accept: 2, Reject: 4}, "reject"},
		{SampleSpec{Method: "hunch", Population: 100, Confidence: 0.95}, "method"},
	} {
		_, err := SampleSize(c.spec)
		if ErrorCode(err) != EInvalid || ErrorField(err) != c.field {
			t.Errorf("%+v: %v; want invalid %s", c.spec, err, c.field)
		}
	}
}
