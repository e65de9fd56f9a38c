package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/auditlog"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/progress"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/engine"
	"github.com/probity/probity/internal/store/postgres"
)

// migrateEngine moves a SQLite installation to an empty PostgreSQL database
// (store.CopyEngine): every row in one transaction, checked (row counts,
// audit chain) before it commits. Documents stay where they are: their
// encrypted files are in the blob store, independent of the engine, and
// their wrapped keys travel in the rows; they are checked afterwards when
// the key-encryption key is at hand.
func (m *Main) migrateEngine(ctx context.Context, args []string) error {
	var to string
	var quiet bool
	c, _, err := m.parse("migrate-engine", "migrate-engine --to postgres://… [--data DIR] [--quiet] [flags]", args, func(fs *flag.FlagSet) {
		fs.StringVar(&to, "to", "", "the empty PostgreSQL database to move to: postgres://user@host:5432/db (the password is better given in PGPASSWORD or ~/.pgpass)")
		quietFlag(fs, &quiet)
	})
	if err != nil {
		return err
	}
	switch {
	case to == "":
		return usageError("migrate-engine needs --to postgres://… (an empty PostgreSQL database)")
	case !engine.IsPostgres(to):
		return usageError("--to must be a postgres:// or postgresql:// URL naming the empty PostgreSQL database to move to")
	case engine.IsPostgres(c.Database):
		return usageError("migrate-engine reads the SQLite database of --data DIR (or --database sqlite:FILE); --database names PostgreSQL")
	}
	if _, err := url.Parse(to); err != nil {
		return usageError("--to is not a valid URL (" + Masked(to) + ")")
	}
	file := filepath.Join(c.Data, engine.SQLiteFile)
	if strings.HasPrefix(c.Database, "sqlite:") {
		file = strings.TrimPrefix(c.Database, "sqlite:")
	}
	if _, err := os.Stat(file); err != nil {
		return domain.Errorf(domain.ENotFound, "there is no Probity SQLite database at %s (give --data DIR)", file)
	}
	src, err := engine.Open(ctx, c.Database, c.Data)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := postgres.Open(ctx, to)
	if err != nil {
		return hidePassword(err, to)
	}
	defer dst.Close()

	bctx, finish := m.withBar(ctx, quiet)
	rep, err := store.CopyEngine(bctx, src, dst, m.Now())
	finish()
	if err != nil {
		err = hidePassword(err, to)
		return interrupted(ctx, err, "nothing was committed: the PostgreSQL database holds no rows (it may hold Probity's empty schema); run migrate-engine again")
	}
	m.printCopy(rep, file, to)

	// The check `probity audit verify` runs, now on PostgreSQL.
	a := m.newApp(dst, c)
	vctx, finish := m.withBar(ctx, quiet)
	res, err := a.VerifyAudit(vctx, func(done, total int64) { progress.Report(vctx, "Verifying the audit trail", done, total) })
	finish()
	if err != nil {
		return interrupted(ctx, err, "the rows are on PostgreSQL; run `probity audit verify --database …` to check the audit trail")
	}
	if res.Break != nil {
		fmt.Fprintf(m.Stdout, "BROKEN: audit event %d: %s\n", res.Break.Seq, res.Break.Reason)
		return errChainBroken
	}
	fmt.Fprintf(m.Stdout, "The audit trail verifies on PostgreSQL: %d events, head %s (event %d), as on SQLite.\n", res.Events, auditlog.Hex(res.Head), res.Seq)

	if err := m.checkMovedDocuments(ctx, c, a, quiet); err != nil {
		return err
	}
	next := fmt.Sprintf("probity serve --database '%s' --data %s", Masked(to), c.Data)
	if c.BlobDir != "" {
		next += " --blob-dir " + c.BlobDir
	}
	if c.BlobStore != "" {
		next += " --blob-store '" + c.BlobStore + "'"
	}
	if c.KeyFile != "" {
		next += " --key-file " + c.KeyFile
	}
	fmt.Fprintf(m.Stdout, "\nNext: start the server on PostgreSQL with the same data directory (documents and the key-encryption key stay there):\n  %s\n", next)
	fmt.Fprintf(m.Stdout, "The SQLite database %s is unchanged; keep it until you have checked the new installation, and do not start serve on it again (its writes would not reach PostgreSQL).\n", file)
	return nil
}

// printCopy reports the per-table row counts of a finished copy.
func (m *Main) printCopy(rep store.CopyReport, file, to string) {
	fmt.Fprintf(m.Stdout, "Moved %s rows in %d tables from %s to %s (schema version %d), in one transaction:\n",
		progress.Thousands(rep.Rows), len(rep.Tables), file, Masked(to), rep.SchemaVersion)
	tables := append([]store.TableCount(nil), rep.Tables...)
	sort.Slice(tables, func(i, j int) bool { return tables[i].Table < tables[j].Table })
	for _, t := range tables {
		fmt.Fprintf(m.Stdout, "  %-32s %12s on SQLite %12s on PostgreSQL\n", t.Table, progress.Thousands(t.Source), progress.Thousands(t.Target))
	}
	fmt.Fprintf(m.Stdout, "Every table's row count agrees; %d id sequences now continue after the copied ids.\n", rep.Sequences)
}

// checkMovedDocuments opens every stored document through the PostgreSQL
// installation (as `keys verify` does) when the key-encryption key is at
// hand; without it, it says so and checks nothing (it never generates one).
func (m *Main) checkMovedDocuments(ctx context.Context, c *Config, a *app.App, quiet bool) error {
	fmt.Fprintf(m.Stdout, "Documents were not moved: their encrypted files stay in %s and their wrapped keys moved with the rows.\n", blobPlace(c))
	if path, _ := kekFile(c); c.KEK == "" {
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			fmt.Fprintf(m.Stdout, "The key-encryption key (%s) is not here, so the documents were not opened: run `probity keys verify` with the PostgreSQL URL and the key before serving.\n", path)
			return nil
		}
	}
	blobs, err := m.openBlobs(c, m.logger(c))
	if err != nil {
		return fmt.Errorf("open the documents to check them: %w", err)
	}
	a.Blobs = blobs
	vctx, finish := m.withBar(ctx, quiet)
	n, failed, err := a.VerifyDocuments(vctx, func(n int) { progress.Report(vctx, "Opening documents", int64(n), 0) })
	finish()
	if err != nil {
		return interrupted(ctx, err, fmt.Sprintf("the rows are on PostgreSQL; the document check stopped after %d documents: run `probity keys verify` with the PostgreSQL URL", n))
	}
	if len(failed) > 0 {
		m.printFailedDocuments(failed)
		return fmt.Errorf("the rows are on PostgreSQL, but %d of %d documents do not open with the configured keys (as on SQLite: the files and keys were not touched)", len(failed), n)
	}
	fmt.Fprintf(m.Stdout, "All %d stored documents open and verify (size and SHA-256) through the PostgreSQL installation.\n", n)
	return nil
}

// hidePassword removes the target URL's password from an error's text.
func hidePassword(err error, to string) error {
	u, perr := url.Parse(to)
	if perr != nil || err == nil {
		return err
	}
	msg := describe(err)
	pw, _ := u.User.Password()
	for _, secret := range []string{pw, u.Query().Get("password")} {
		if secret != "" {
			msg = strings.ReplaceAll(msg, secret, "*****")
		}
	}
	if msg == describe(err) {
		return err
	}
	return errors.New(msg)
}
