package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/probity/probity/internal/domain"
)

// maxPopulationFile is the most items `audit sample` reads from a CSV file.
const maxPopulationFile = 10_000_000

// methodFlags are the sampling method flags `sample-size` and `audit
// sample` share.
type methodFlags struct {
	method                 string
	confidence, margin     float64
	expected, maxErrorRate float64
	level                  string
	accept, reject         int
	population             int64 // sample-size
	populationArg, seed    string
	size                   int
	asJSON, stratify       bool
	sizeGiven              bool
}

func (f *methodFlags) define(fs *flag.FlagSet) {
	fs.StringVar(&f.method, "method", "proportion", "how the sample size is chosen: proportion (margin of error, Krejcie & Morgan), zero-defect, or z14 (ISO 2859-1 / ANSI Z1.4)")
	fs.Float64Var(&f.confidence, "confidence", 0.95, "confidence level C, between 0 and 1")
	fs.Float64Var(&f.margin, "margin", 0.05, "proportion: margin of error d, between 0 and 1")
	fs.Float64Var(&f.expected, "expected", 0, "proportion: expected proportion P (0: 0.5, the most conservative)")
	fs.Float64Var(&f.maxErrorRate, "max-error-rate", 0, "zero-defect: the error rate p to exclude with confidence C")
	fs.StringVar(&f.level, "level", "II", "z14: general inspection level I, II or III")
	fs.IntVar(&f.accept, "accept", 0, "z14: the acceptance number Ac the firm sets")
	fs.IntVar(&f.reject, "reject", 0, "z14: the rejection number Re (Ac + 1 when omitted)")
}

// spec is the sampling spec the flags describe, for a population of n.
func (f *methodFlags) spec(n int64) (domain.SampleSpec, error) {
	method := domain.SamplingMethod(strings.ReplaceAll(strings.ToLower(strings.TrimSpace(f.method)), "-", "_"))
	s := domain.SampleSpec{Method: method, Population: n, Confidence: f.confidence}
	switch method {
	case domain.MethodProportion:
		s.Margin, s.Expected = f.margin, f.expected
	case domain.MethodZeroDefect:
		s.MaxErrorRate = f.maxErrorRate
	case domain.MethodZ14:
		s.Level, s.Accept, s.Reject = f.level, f.accept, f.reject
	default:
		return s, usageError(fmt.Sprintf("--method must be proportion, zero-defect or z14; got %q", f.method))
	}
	return s, nil
}

// sampleSize is `probity sample-size`: the sample size as a bare integer
// (--json: the details), computed by domain.SampleSize.
func (m *Main) sampleSize(ctx context.Context, args []string) error {
	var f methodFlags
	fs, err := m.parseFlags("sample-size", "sample-size --population N [--confidence 0.95] [--margin 0.05] [--expected 0.5] | --method zero-defect --max-error-rate 0.02 [--population N] | --method z14 --level II --population N [--accept Ac] [--json]", args, func(fs *flag.FlagSet) {
		f.define(fs)
		fs.Int64Var(&f.population, "population", 0, "N, the population or lot size (zero-defect: optional, caps the size)")
		fs.BoolVar(&f.asJSON, "json", false, "print the details as JSON")
	})
	if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("sample-size takes no arguments; got " + strings.Join(fs.Args(), " "))
	}
	spec, err := f.spec(f.population)
	if err != nil {
		return err
	}
	res, err := domain.SampleSize(spec)
	if err != nil {
		return err
	}
	if f.asJSON {
		b, err := json.MarshalIndent(res, "", "  ")
		if err != nil {
			return err
		}
		fmt.Fprintln(m.Stdout, string(b))
		return nil
	}
	fmt.Fprintln(m.Stdout, res.Size)
	return nil
}

// auditSample is `probity audit sample`: the positions (or, with a CSV
// population file, the item ids) a seeded draw selects, one per line.
// --population is a number of items or a CSV file (domain.ParsePopulationCSV);
// the size is --size, or else comes from the method flags applied to the
// population. --stratify draws each person's items on their own
// (domain.DrawStratified, persons in name order, positions within a person
// counting their items in file order) and prints "person<TAB>item".
func (m *Main) auditSample(ctx context.Context, args []string) error {
	var f methodFlags
	fs, err := m.parseFlags("audit sample", "audit sample --seed S --population N|FILE.csv [--size n | method flags] [--stratify]", args, func(fs *flag.FlagSet) {
		f.define(fs)
		fs.StringVar(&f.seed, "seed", "", "the seed recorded on the audit (required)")
		fs.StringVar(&f.populationArg, "population", "", "the population: a number of items (positions 1..N), or a CSV file of items (item_id, decision, person, ...)")
		fs.IntVar(&f.size, "size", 0, "the sample size (default: from the method flags)")
		fs.BoolVar(&f.stratify, "stratify", false, "with a CSV file: draw each person's items on their own; prints person<TAB>item")
	})
	if err != nil {
		return err
	}
	fs.Visit(func(fl *flag.Flag) { f.sizeGiven = f.sizeGiven || fl.Name == "size" })
	switch {
	case fs.NArg() > 0:
		return usageError("audit sample takes no arguments; got " + strings.Join(fs.Args(), " "))
	case f.seed == "":
		return usageError("audit sample needs --seed, the seed recorded on the audit")
	case f.populationArg == "":
		return usageError("audit sample needs --population: a number of items or a CSV file")
	}
	var items []domain.PopulationItem
	n, err := strconv.ParseInt(f.populationArg, 10, 64)
	if err != nil {
		if items, err = readPopulation(f.populationArg); err != nil {
			return err
		}
		n = int64(len(items))
	}
	size := func(stratum int64) (int, error) {
		if f.sizeGiven {
			return f.size, nil
		}
		spec, err := f.spec(stratum)
		if err != nil {
			return 0, err
		}
		res, err := domain.SampleSize(spec)
		return res.Size, err
	}
	var out strings.Builder
	if f.stratify {
		if items == nil {
			return usageError("--stratify needs --population FILE.csv, whose items name their person")
		}
		if err := m.drawStratified(&out, f, items, size); err != nil {
			return err
		}
	} else {
		k, err := size(n)
		if err != nil {
			return err
		}
		drawn, err := domain.DrawSample(f.seed, n, k)
		if err != nil {
			return err
		}
		for _, p := range drawn {
			if items != nil {
				out.WriteString(items[p-1].Key + "\n")
			} else {
				out.WriteString(strconv.FormatInt(p, 10) + "\n")
			}
		}
	}
	_, err = fmt.Fprint(m.Stdout, out.String())
	return err
}

// drawStratified writes "person<TAB>item" for a stratified draw.
func (m *Main) drawStratified(out *strings.Builder, f methodFlags, items []domain.PopulationItem, size func(int64) (int, error)) error {
	byPerson := map[string][]domain.PopulationItem{}
	for _, it := range items {
		byPerson[it.Person] = append(byPerson[it.Person], it)
	}
	names := make([]string, 0, len(byPerson))
	for p := range byPerson {
		names = append(names, p)
	}
	slices.Sort(names)
	strata := make([]domain.Stratum, len(names))
	for i, p := range names {
		strata[i] = domain.Stratum{Name: p, Size: int64(len(byPerson[p]))}
	}
	var sizeErr error
	drawn, err := domain.DrawStratified(f.seed, strata, func(n int64) int {
		k, err := size(n)
		if err != nil && sizeErr == nil {
			sizeErr = err
		}
		return k
	})
	if sizeErr != nil {
		return sizeErr
	}
	if err != nil {
		return err
	}
	for _, s := range drawn {
		for _, p := range s.Drawn {
			out.WriteString(s.Name + "\t" + byPerson[s.Name][p-1].Key + "\n")
		}
	}
	return nil
}

// readPopulation reads a population CSV file.
func readPopulation(path string) ([]domain.PopulationItem, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, usageError(fmt.Sprintf("--population %s is neither a number of items nor a readable CSV file: %v", path, err))
	}
	defer file.Close()
	items, err := domain.ParsePopulationCSV(file, maxPopulationFile)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return items, nil
}
