package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/blob"
	"github.com/probity/probity/internal/progress"
)

// `probity keys`: the key-encryption key of stored documents.
//
//	keys status                       which keys the documents need, and whether this configuration has them
//	keys generate --out FILE          write a new random key file (0600)
//	keys rotate --new-key-file FILE   rewrap every document's data key under FILE's key (content untouched; resumable)
//	keys verify                       open and check every stored document with the configured keys

const keysUsage = `Usage:
  probity keys status [flags]                        which keys the stored documents need
  probity keys generate --out FILE                   write a new key-encryption key file (mode 0600)
  probity keys rotate --new-key-file FILE [--batch N] rewrap every document's data key under FILE's key
  probity keys verify [flags]                        read every stored document and check it
Rotate and verify show progress on standard error (--quiet: none). Ctrl-C
stops them safely: a rotation between batches (every document stays readable
with both keys configured; run it again to continue), a verification at once.
`

var errKeysMissing = errors.New("some documents need a key this configuration does not have")

func (m *Main) keys(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(m.Stderr, keysUsage)
		return usageError("keys needs a subcommand: status, generate, rotate or verify")
	}
	switch args[0] {
	case "status":
		return m.keysStatus(ctx, args[1:])
	case "generate":
		return m.keysGenerate(args[1:])
	case "rotate":
		return m.keysRotate(ctx, args[1:])
	case "verify":
		return m.keysVerify(ctx, args[1:])
	case "help", "-h", "--help":
		fmt.Fprint(m.Stderr, keysUsage)
		return nil
	}
	fmt.Fprint(m.Stderr, keysUsage)
	return usageError("unknown keys subcommand " + args[0])
}

func (m *Main) keysApp(ctx context.Context, c *Config) (*app.App, func(), error) {
	s, err := m.openCurrent(ctx, c)
	if err != nil {
		return nil, nil, err
	}
	blobs, err := m.openBlobs(c, m.logger(c))
	if err != nil {
		s.Close()
		return nil, nil, err
	}
	a := m.newApp(s, c)
	a.Blobs = blobs
	return a, func() { s.Close() }, nil
}

func (m *Main) keysStatus(ctx context.Context, args []string) error {
	c, _, err := m.parse("keys status", "keys status [flags]", args, nil)
	if err != nil {
		return err
	}
	a, done, err := m.keysApp(ctx, c)
	if err != nil {
		return err
	}
	defer done()
	st, err := a.KeyStatus(ctx)
	if err != nil {
		return err
	}
	m.printKeyStatus(st)
	if missing := st.Missing(); len(missing) > 0 {
		fmt.Fprintf(m.Stdout, "MISSING: documents are wrapped by %s, which this configuration lacks: add the key file to --retired-key-files.\n", strings.Join(missing, ", "))
		return errKeysMissing
	}
	return nil
}

func (m *Main) printKeyStatus(st app.KeyStatus) {
	fmt.Fprintf(m.Stdout, "Current key: %s\n", st.Current)
	if len(st.Retired) > 0 {
		fmt.Fprintf(m.Stdout, "Retired keys: %s\n", strings.Join(st.Retired, ", "))
	}
	ids := make([]string, 0, len(st.ByKEK))
	for id := range st.ByKEK {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		what := ""
		switch {
		case id == st.Current:
			what = " (current)"
		case id == "none":
			what = " (recorded without a stored file)"
		}
		fmt.Fprintf(m.Stdout, "  %-22s %d documents%s\n", id, st.ByKEK[id], what)
	}
	for _, r := range st.Retired {
		if st.ByKEK[r] == 0 {
			fmt.Fprintf(m.Stdout, "Retired key %s wraps no document any more: it is no longer needed.\n", r)
		}
	}
}

func (m *Main) keysGenerate(args []string) error {
	var out string
	_, _, err := m.parse("keys generate", "keys generate --out FILE", args, func(fs *flag.FlagSet) {
		fs.StringVar(&out, "out", "", "the new key file (must not exist; written 0600)")
	})
	if err != nil {
		return err
	}
	if out == "" {
		return usageError("keys generate needs --out FILE")
	}
	k, err := blob.CreateKEKFile(out)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "Wrote a new key-encryption key to %s (id %s). Back it up before rotating to it.\n", out, k.ID())
	return nil
}

func (m *Main) keysRotate(ctx context.Context, args []string) error {
	var newFile string
	var batch int
	var quiet bool
	c, _, err := m.parse("keys rotate", "keys rotate --new-key-file FILE [--batch N] [--quiet] [flags]", args, func(fs *flag.FlagSet) {
		fs.StringVar(&newFile, "new-key-file", "", "the key to rewrap every document's data key under (create it with keys generate)")
		fs.IntVar(&batch, "batch", 500, "documents rewrapped per transaction")
		quietFlag(fs, &quiet)
	})
	if err != nil {
		return err
	}
	if newFile == "" {
		return usageError("keys rotate needs --new-key-file FILE (create one with: probity keys generate --out FILE)")
	}
	to, err := blob.LoadKEKFile(newFile)
	if err != nil {
		return usageError("--new-key-file: " + err.Error())
	}
	a, done, err := m.keysApp(ctx, c)
	if err != nil {
		return err
	}
	defer done()
	st, err := a.KeyStatus(ctx)
	if err != nil {
		return err
	}
	ctx, finish := m.withBar(ctx, quiet)
	total := sealedNotUnder(st, to.ID())
	progress.Report(ctx, "Rewrapping document keys", 0, total)
	res, err := a.RotateKeys(ctx, app.Operator, to, batch, func(n int) { progress.Report(ctx, "Rewrapping document keys", int64(n), total) })
	finish()
	if err != nil {
		if err = interrupted(ctx, err, "the rotation stopped between batches (each batch is one transaction): documents already rewrapped open with "+to.ID()+", the rest with their old key, so every document is readable while both keys are configured; run keys rotate again to continue"); errors.As(err, new(interruptedError)) {
			return err
		}
		return fmt.Errorf("rotation stopped (run it again to resume): %w", err)
	}
	fmt.Fprintf(m.Stdout, "Rewrapped %d documents under %s in %d batches", res.Rewrapped, to.ID(), res.Batches)
	if res.Skipped > 0 {
		fmt.Fprintf(m.Stdout, " (%d recorded without a stored file skipped)", res.Skipped)
	}
	fmt.Fprintln(m.Stdout, ".")
	fmt.Fprintf(m.Stdout, "Next: configure --key-file %s (the old key file may stay in --retired-key-files), restart, run `probity keys verify`; then the old key can be removed.\n", newFile)
	return nil
}

// sealedNotUnder counts the documents with a stored file whose key is not
// yet wrapped by kek: the work of a rotation to it.
func sealedNotUnder(st app.KeyStatus, kek string) int64 {
	var n int64
	for id, c := range st.ByKEK {
		if id != kek && id != "none" {
			n += c
		}
	}
	return n
}

func (m *Main) keysVerify(ctx context.Context, args []string) error {
	var quiet bool
	c, _, err := m.parse("keys verify", "keys verify [--quiet] [flags]", args, func(fs *flag.FlagSet) { quietFlag(fs, &quiet) })
	if err != nil {
		return err
	}
	a, done, err := m.keysApp(ctx, c)
	if err != nil {
		return err
	}
	defer done()
	st, err := a.KeyStatus(ctx)
	if err != nil {
		return err
	}
	ctx, finish := m.withBar(ctx, quiet)
	total := sealedNotUnder(st, "")
	progress.Report(ctx, "Verifying documents", 0, total)
	n, failed, err := a.VerifyDocuments(ctx, func(n int) { progress.Report(ctx, "Verifying documents", int64(n), total) })
	finish()
	if err != nil {
		return interrupted(ctx, err, fmt.Sprintf("verification stopped after %d documents (%d failed so far); it changes nothing, run it again to check them all", n, len(failed)))
	}
	if len(failed) > 0 {
		m.printFailedDocuments(failed)
		return fmt.Errorf("%d of %d documents failed", len(failed), n)
	}
	fmt.Fprintf(m.Stdout, "All %d stored documents open and verify with the configured keys.\n", n)
	return nil
}

// printFailedDocuments lists the documents that did not open or verify, by
// id, with why.
func (m *Main) printFailedDocuments(failed map[int64]error) {
	for _, id := range slices.Sorted(maps.Keys(failed)) {
		fmt.Fprintf(m.Stdout, "document %d: %v\n", id, failed[id])
	}
}
