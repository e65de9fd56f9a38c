package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
)

const importUsage = `Usage:
  probity import matters FILE --as EMAIL [--dry-run] [flags]
  probity import parties FILE --as EMAIL [--dry-run] [flags]

Imports a CSV file (UTF-8, a byte-order mark is accepted, at most 5 MiB), all
or nothing, acting as the attorney or firm administrator given by --as.
  matters: number, client_number, title, practice_area, sensitivity,
           responsible_attorney_email, court, governing_law, performance
  parties: matter_number, name, role, aliases
Lists hold several values separated by semicolons. Each problem is printed
with its line number (the header is line 1); when there is any, nothing is
imported and the exit status is 1. --dry-run only checks the file.
Progress is shown on standard error (--quiet: none). Ctrl-C stops the
import and nothing is written.
`

func (m *Main) importCSV(ctx context.Context, args []string) error {
	if len(args) == 0 || (args[0] != "matters" && args[0] != "parties") {
		fmt.Fprint(m.Stderr, importUsage)
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
			return nil
		}
		return usageError("import needs a kind: matters or parties")
	}
	kind := domain.ImportKind(args[0])
	rest := args[1:]
	file := ""
	if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		file, rest = rest[0], rest[1:]
	}
	var as string
	var dry, quiet bool
	c, fs, err := m.parse("import "+string(kind), "import "+string(kind)+" FILE --as EMAIL [--dry-run] [--quiet] [flags]", rest, func(fs *flag.FlagSet) {
		fs.StringVar(&as, "as", "", "email of the attorney or firm administrator to act as")
		fs.BoolVar(&dry, "dry-run", false, "check the file and print what would be imported, writing nothing")
		quietFlag(fs, &quiet)
	})
	if err != nil {
		return err
	}
	if file == "" && fs.NArg() > 0 {
		file = fs.Arg(0)
	}
	switch {
	case file == "":
		return usageError("import " + string(kind) + " needs FILE, the CSV file to import")
	case strings.TrimSpace(as) == "":
		return usageError("import " + string(kind) + " needs --as EMAIL: the attorney or firm administrator to act as")
	}
	data, err := readImportFile(file)
	if err != nil {
		return err
	}
	a, actor, done, ctx, err := m.cliActor(ctx, c, as)
	if err != nil {
		return err
	}
	defer done()
	ctx, finish := m.withBar(ctx, quiet)
	p, err := a.ImportCSV(ctx, actor, kind, data, dry)
	finish()
	err = interrupted(ctx, err, "nothing was imported from "+file+" (the import is one transaction, rolled back)")
	var ie *app.ImportError
	if err != nil && !errors.As(err, &ie) {
		return err
	}
	for _, pr := range p.Problems {
		if pr.Line > 0 {
			fmt.Fprintf(m.Stdout, "%s:%d: %s\n", file, pr.Line, pr.Message)
		} else {
			fmt.Fprintf(m.Stdout, "%s: %s\n", file, pr.Message)
		}
	}
	noun := map[domain.ImportKind][2]string{domain.ImportMatters: {"matter", "matters"}, domain.ImportParties: {"party", "parties"}}[kind]
	n := len(p.Rows)
	what := fmt.Sprintf("%d %s", n, noun[1])
	if n == 1 {
		what = "1 " + noun[0]
	}
	switch {
	case len(p.Problems) > 0:
		return fmt.Errorf("nothing was imported: %d problem(s) to fix in %s", len(p.Problems), file)
	case p.Committed:
		fmt.Fprintf(m.Stdout, "Imported %s from %s.\n", what, file)
	default:
		fmt.Fprintf(m.Stdout, "%s is valid: %s would be imported (dry run, nothing written).\n", file, what)
	}
	return nil
}

// readImportFile reads at most MaxImportBytes of a file, refusing a larger one.
func readImportFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, domain.MaxImportBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > domain.MaxImportBytes {
		return nil, fmt.Errorf("%s is larger than %d MiB: split it into smaller files", name, domain.MaxImportBytes>>20)
	}
	return data, nil
}
