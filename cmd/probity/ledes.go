package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/probity/probity/internal/ledes"
)

// errLEDESInvalid makes `ledes validate` exit 1 after printing the problems.
var errLEDESInvalid = errors.New("the file is not valid LEDES 1998B")

// ledesListedInvoices is how many invoices' totals `ledes validate` names.
const ledesListedInvoices = 10

const ledesUsage = "Usage:\n  probity ledes validate FILE|-   check a LEDES 1998B invoice file strictly (- reads standard input)\n" +
	"  probity ledes export --invoice NUMBER [--out FILE] --as EMAIL   write a client invoice as LEDES 1998B\n"

// ledes is `probity ledes`: LEDES 1998B electronic invoices. validate needs
// no database; export (ledes_export.go) reads a client invoice from it.
func (m *Main) ledes(ctx context.Context, args []string) error {
	if len(args) > 0 && args[0] == "export" {
		return m.ledesExport(ctx, args[1:])
	}
	if len(args) == 0 || args[0] != "validate" {
		fmt.Fprint(m.Stderr, ledesUsage)
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
			return nil
		}
		return usageError("ledes needs a subcommand: validate or export")
	}
	return m.ledesValidate(ctx, args[1:])
}

// ledesValidate is `probity ledes validate FILE`: it prints a one-line
// summary and exits 0 for a valid file, or prints every problem
// (FILE:LINE: FIELD: message) and exits 1.
func (m *Main) ledesValidate(_ context.Context, args []string) error {
	fs, err := m.parseFlags("ledes validate", "ledes validate FILE|-", args, func(*flag.FlagSet) {})
	if err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError("ledes validate takes one file (or - for standard input)")
	}
	name := fs.Arg(0)
	var r io.Reader = m.Stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return fmt.Errorf("ledes validate: %w", err)
		}
		defer f.Close()
		r = f
	} else {
		name = "stdin"
	}
	rep, err := ledes.Validate(r)
	if err != nil {
		return err
	}
	if !rep.Valid() {
		for _, p := range rep.Problems {
			if p.Field != "" {
				fmt.Fprintf(m.Stdout, "%s:%d: %s: %s\n", name, p.Line, p.Field, p.Message)
			} else {
				fmt.Fprintf(m.Stdout, "%s:%d: %s\n", name, p.Line, p.Message)
			}
		}
		if more := rep.ProblemCount - len(rep.Problems); more > 0 {
			fmt.Fprintf(m.Stdout, "%s: %d more problems not listed (%d in all)\n", name, more, rep.ProblemCount)
		}
		return errLEDESInvalid
	}
	var totals []string
	for i, inv := range rep.Invoices {
		if i == ledesListedInvoices {
			totals = append(totals, fmt.Sprintf("and %d more", len(rep.Invoices)-i))
			break
		}
		totals = append(totals, inv.Number+" "+ledes.FormatAmount(inv.Total))
	}
	sum := "too large to add up"
	if t, ok := rep.Total(); ok {
		sum = ledes.FormatAmount(t)
	}
	fmt.Fprintf(m.Stdout, "%s: valid LEDES 1998B: %d invoices, %d lines, totals %s (%s)\n",
		name, len(rep.Invoices), rep.Records, sum, strings.Join(totals, ", "))
	return nil
}
