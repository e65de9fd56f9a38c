package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/probity/probity/internal/progress"
)

// export is `probity export --matter NUMBER --out FILE --as EMAIL`: the
// portable archive of one matter for a client who leaves (a ZIP of
// matter.json, the decrypted documents, README.txt and SHA256SUMS; see
// app.ExportMatter). Who may export is decided in app: a firm
// administrator or the matter's responsible attorney. The archive is
// written beside FILE as FILE.tmp-* and appears under FILE only when
// complete; an existing FILE is never overwritten, and an error, Ctrl-C or
// SIGTERM leaves nothing behind.
func (m *Main) export(ctx context.Context, args []string) error {
	var as, number, out string
	var quiet bool
	c, fset, err := m.parse("export", "export --matter NUMBER --out FILE --as EMAIL [--quiet]", args, func(fs *flag.FlagSet) {
		fs.StringVar(&as, "as", "", "email of the user to act as: a firm administrator or the matter's responsible attorney")
		fs.StringVar(&number, "matter", "", "the matter number (2026-0142)")
		fs.StringVar(&out, "out", "", "the archive to write (a .zip file that must not exist yet)")
		quietFlag(fs, &quiet)
	})
	if err != nil {
		return err
	}
	switch {
	case fset.NArg() > 0:
		return usageError(fmt.Sprintf("unexpected argument %q", fset.Arg(0)))
	case strings.TrimSpace(as) == "":
		return usageError("export needs --as EMAIL: a firm administrator or the matter's responsible attorney")
	case strings.TrimSpace(number) == "":
		return usageError("export needs --matter NUMBER")
	case strings.TrimSpace(out) == "":
		return usageError("export needs --out FILE: where to write the archive")
	}
	if _, err := os.Lstat(out); err == nil {
		return fmt.Errorf("export: %s already exists; choose another --out (an archive is never overwritten)", out)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("export: %w", err)
	}
	a, actor, done, ctx, err := m.cliActor(ctx, c, as)
	if err != nil {
		return err
	}
	defer done()
	if a.Blobs, err = m.openBlobs(c, m.logger(c)); err != nil { // documents.go
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(out), filepath.Base(out)+".tmp-*")
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	ctx, finish := m.withBar(ctx, quiet)
	defer finish()
	res, err := a.ExportMatter(ctx, actor, number, tmp)
	if err != nil {
		return interrupted(ctx, err, "the export stopped; no file was written to "+out)
	}
	if err := errors.Join(tmp.Sync(), tmp.Close()); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	// A hard link fails if out appeared meanwhile, so a file created since
	// the check above is not replaced either; a file system without hard
	// links gets a rename.
	switch err := os.Link(tmp.Name(), out); {
	case errors.Is(err, fs.ErrExist):
		return fmt.Errorf("export: %s appeared while the archive was written; it was left alone", out)
	case err != nil:
		if err := os.Rename(tmp.Name(), out); err != nil {
			return fmt.Errorf("export: %w", err)
		}
	default:
		os.Remove(tmp.Name())
	}
	ok = true
	finish()
	fmt.Fprintf(m.Stderr, "wrote matter %s to %s: %d documents (%s bytes), %d audit events\n",
		res.Matter, out, res.Documents, progress.Thousands(res.Bytes), res.Events)
	return nil
}
