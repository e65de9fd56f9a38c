package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/probity/probity/internal/auditlog"
	"github.com/probity/probity/internal/backup"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/progress"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/engine"
	"github.com/probity/probity/internal/store/sqlite"
)

// errPostgresBackup is the refusal of backup and restore on PostgreSQL.
var errPostgresBackup = domain.Errorf(domain.EInvalid, "backup and restore copy the embedded SQLite engine; on PostgreSQL back up with pg_dump "+
	"and copy the blob store (and keep the key-encryption key apart): see docs/OPERATIONS.md, \"Backups\"")

// backup writes a consistent online backup of a SQLite installation
// (internal/backup): it may run while serve does.
func (m *Main) backup(ctx context.Context, args []string) error {
	var out string
	var quiet bool
	c, _, err := m.parse("backup", "backup --out FILE [--quiet] [flags]", args, func(fs *flag.FlagSet) {
		fs.StringVar(&out, "out", "", "the archive to write (tar.gz); it must not exist yet")
		quietFlag(fs, &quiet)
	})
	if err != nil {
		return err
	}
	if out == "" {
		return usageError("backup needs --out FILE")
	}
	if engine.IsPostgres(c.Database) {
		return errPostgresBackup
	}
	if c.BlobStore != "" {
		return domain.Errorf(domain.EInvalid, "documents are kept in the S3-compatible store %s: back up its bucket with the store's own tools (versioning or replication) and the database with `probity backup` only when documents are kept in a directory; see docs/OPERATIONS.md, \"Backups\"", blobPlace(c))
	}
	if _, err := os.Stat(filepath.Join(c.Data, engine.SQLiteFile)); c.Database == "" && err != nil {
		return domain.Errorf(domain.ENotFound, "there is no Probity database in %s (give --data DIR)", c.Data)
	}
	s, err := engine.Open(ctx, c.Database, c.Data)
	if err != nil {
		return err
	}
	defer s.Close()
	bctx, finish := m.withBar(ctx, quiet)
	man, err := backup.Create(bctx, backup.Options{Store: s, BlobDir: blobDir(c), Out: out, Version: Version(), Now: m.Now()})
	finish()
	if err != nil {
		return interrupted(ctx, err, "no backup was written (the partial file was removed)")
	}
	var size int64
	if fi, err := os.Stat(out); err == nil {
		size = fi.Size()
	}
	kek, _ := kekFile(c)
	if c.KEK != "" {
		kek = "PROBITY_KEK"
	}
	fmt.Fprintf(m.Stdout, "Wrote %s (%s bytes): the database at schema version %d and %d encrypted document files; %d documents with their wrapped keys.\n",
		out, progress.Thousands(size), man.SchemaVersion, len(man.Files)-1, man.Documents)
	fmt.Fprintf(m.Stdout, "Not included: the key-encryption key (%s). Back it up separately; without it no document in this backup can be read.\n", kek)
	if len(man.KEKIDs) > 0 {
		fmt.Fprintf(m.Stdout, "The documents need the key-encryption key with id %s.\n", strings.Join(man.KEKIDs, ", "))
	}
	return nil
}

// restore writes a backup into an empty data directory, after checking
// every file against the manifest, and then verifies the audit trail.
func (m *Main) restore(ctx context.Context, args []string) error {
	var file string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		file, args = args[0], args[1:]
	}
	var quiet bool
	c, fs, err := m.parse("restore", "restore FILE --data DIR [--quiet] [flags]", args, func(fs *flag.FlagSet) {
		quietFlag(fs, &quiet)
	})
	if err != nil {
		return err
	}
	if file == "" && fs.NArg() == 1 {
		file = fs.Arg(0)
	}
	if file == "" || fs.NArg() > 1 || (fs.NArg() == 1 && fs.Arg(0) != file) {
		return usageError("restore needs exactly one backup FILE, and --data DIR for the new installation")
	}
	if engine.IsPostgres(c.Database) {
		return errPostgresBackup
	}
	if c.Database != "" || c.BlobDir != "" || c.BlobStore != "" {
		return usageError("restore writes the database and the documents into --data DIR (probity.db and blobs/): leave --database, --blob-dir and --blob-store unset")
	}
	latest, err := latestSchema()
	if err != nil {
		return err
	}
	bctx, finish := m.withBar(ctx, quiet)
	man, err := backup.Restore(bctx, file, c.Data, func(man backup.Manifest) error {
		if man.SchemaVersion > latest {
			return domain.Errorf(domain.EConflict, "the backup's schema is at version %d, newer than this probity binary knows (%d): restore it with a newer probity (nothing was restored)", man.SchemaVersion, latest)
		}
		return nil
	})
	finish()
	if err != nil {
		return interrupted(ctx, err, "nothing was restored: the data directory is as it was")
	}
	fmt.Fprintf(m.Stdout, "Restored the backup of %s (probity %s, schema version %d) into %s: %d files, every SHA-256 checked.\n",
		man.CreatedAt.Format("2006-01-02 15:04:05 UTC"), man.Probity, man.SchemaVersion, c.Data, len(man.Files))
	if man.SchemaVersion < latest {
		fmt.Fprintf(m.Stdout, "Its schema needs migrating to version %d: run `probity migrate --data %s` before serve.\n", latest, c.Data)
	}
	// The audit trail must verify, as `probity audit verify` checks it.
	s, err := engine.Open(ctx, "", c.Data)
	if err != nil {
		return err
	}
	defer s.Close()
	vctx, finish := m.withBar(ctx, quiet)
	res, err := m.newApp(s, c).VerifyAudit(vctx, func(done, total int64) {
		progress.Report(vctx, "Verifying the audit trail", done, total)
	})
	finish()
	if err != nil {
		return interrupted(ctx, err, "the files are restored; the audit trail was not fully checked: run `probity audit verify`")
	}
	if res.Break != nil {
		fmt.Fprintf(m.Stdout, "BROKEN: audit event %d: %s\n", res.Break.Seq, res.Break.Reason)
		return errChainBroken
	}
	fmt.Fprintf(m.Stdout, "The audit trail verifies: %d events, head %s.\n", res.Events, auditlog.Hex(res.Head))
	kek, _ := kekFile(c)
	if man.Documents > 0 {
		fmt.Fprintf(m.Stdout, "The %d documents open only with the key-encryption key (id %s), which backups never hold: copy its key file to %s (chmod 600) before serve, or serve would generate a new key that opens none of them.\n",
			man.Documents, strings.Join(man.KEKIDs, ", "), kek)
	}
	return nil
}

// latestSchema is the newest schema version this binary knows.
func latestSchema() (int, error) {
	ms, err := store.New(nil, nil, sqlite.Dialect{}).Migrations()
	return len(ms), err
}
