package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// ledesExport is `probity ledes export --invoice NUMBER [--out FILE] --as
// EMAIL`: a client invoice or credit note as a LEDES 1998B file, on
// standard output or into FILE. With --out the file is written beside FILE
// under a temporary name and renamed only on success, so a failure leaves
// nothing behind (and an existing FILE unchanged); so does Ctrl-C, which
// cancels the export between lines.
func (m *Main) ledesExport(ctx context.Context, args []string) error {
	var as, number, out string
	var quiet bool
	c, fs, err := m.parse("ledes export", "ledes export --invoice NUMBER [--out FILE] --as EMAIL [--quiet]", args, func(fs *flag.FlagSet) {
		fs.StringVar(&as, "as", "", "email of the user to act as")
		fs.StringVar(&number, "invoice", "", "the invoice or credit note number (INV-2026-0001)")
		fs.StringVar(&out, "out", "", "write the file here instead of standard output")
		quietFlag(fs, &quiet)
	})
	if err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return usageError(fmt.Sprintf("unexpected argument %q", fs.Arg(0)))
	case strings.TrimSpace(as) == "":
		return usageError("ledes export needs --as EMAIL: the user to act as")
	case strings.TrimSpace(number) == "":
		return usageError("ledes export needs --invoice NUMBER")
	}
	a, actor, done, ctx, err := m.cliActor(ctx, c, as)
	if err != nil {
		return err
	}
	defer done()
	id, err := a.ExportInvoiceID(ctx, actor, strings.TrimSpace(number))
	if err != nil {
		return err
	}
	ctx, finish := m.withBar(ctx, quiet)
	defer finish()
	if out == "" {
		return interrupted(ctx, a.ExportLEDES(ctx, actor, id, m.Stdout), "the export stopped part-way: what reached standard output is not a complete file")
	}
	tmp, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".*.tmp")
	if err != nil {
		return fmt.Errorf("ledes export: %w", err)
	}
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := a.ExportLEDES(ctx, actor, id, tmp); err != nil {
		return interrupted(ctx, err, "the export stopped; no file was written to "+out)
	}
	if err := errors.Join(tmp.Sync(), tmp.Close()); err != nil {
		return fmt.Errorf("ledes export: %w", err)
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return fmt.Errorf("ledes export: %w", err)
	}
	ok = true
	finish()
	fmt.Fprintf(m.Stderr, "wrote invoice %s to %s\n", number, out)
	return nil
}
