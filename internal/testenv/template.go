package testenv

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/engine"
)

// A test database at the latest schema is a copy of a template migrated
// once: running every migration costs about 0.1 s on SQLite and 0.7 s on
// PostgreSQL, copying a few milliseconds and 0.15 s. The template's name
// carries a digest of the migrations, so a changed migration builds a new
// one, and concurrent test processes (go test -p) share it safely: each
// builds under a name of its own and renames it into place.

// migrationsDigest is the first 12 hex digits of the SHA-256 of the engine's
// migrations, as s would apply them.
func migrationsDigest(s *store.Store) (string, error) {
	ms, err := s.Migrations()
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, m := range ms {
		fmt.Fprintf(h, "%d %s\n%s\n", m.Version, m.Name, m.SQL)
	}
	return hex.EncodeToString(h.Sum(nil))[:12], nil
}

func randomSuffix() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

var sqliteTemplate struct {
	once sync.Once
	path string
	err  error
}

// sqliteMigrated returns a fresh data directory holding a migrated SQLite
// database copied from the template.
func sqliteMigrated(tb testing.TB) (string, string) {
	tb.Helper()
	sqliteTemplate.once.Do(func() { sqliteTemplate.path, sqliteTemplate.err = buildSQLiteTemplate() })
	if sqliteTemplate.err != nil {
		tb.Fatalf("the migrated SQLite template: %v", sqliteTemplate.err)
	}
	dir := tb.TempDir()
	if err := CopyFile(sqliteTemplate.path, filepath.Join(dir, engine.SQLiteFile)); err != nil {
		tb.Fatalf("copy the SQLite template: %v", err)
	}
	return "", dir
}

func buildSQLiteTemplate() (string, error) {
	ctx := context.Background()
	work, err := os.MkdirTemp("", "probity-test-template-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(work)
	s, err := engine.Open(ctx, "", work)
	if err != nil {
		return "", err
	}
	defer s.Close()
	digest, err := migrationsDigest(s)
	if err != nil {
		return "", err
	}
	final := filepath.Join(os.TempDir(), "probity-test-template-sqlite-"+digest+".db")
	if _, err := os.Stat(final); err == nil {
		return final, nil
	}
	if _, err := s.Migrate(ctx, time.Now()); err != nil {
		return "", err
	}
	// VACUUM INTO writes one self-contained file (no write-ahead log).
	tmp := final + "." + randomSuffix()
	if _, err := s.DB().ExecContext(ctx, `VACUUM INTO '`+tmp+`'`); err != nil {
		return "", err
	}
	return final, os.Rename(tmp, final)
}

// CopyFile copies src to dst through dst.partial, renamed into place when
// complete, so a reader never sees half a file.
func CopyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst + ".partial")
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		_ = out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	return os.Rename(dst+".partial", dst)
}

var postgresTemplate struct {
	once sync.Once
	name string
	err  error
}

// postgresMigrated creates a database copied from the migrated template
// and returns its URL; the database is dropped at cleanup.
func postgresMigrated(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv("PROBITY_TEST_POSTGRES")
	if base == "" {
		Missing(tb, "PostgreSQL ($PROBITY_TEST_POSTGRES)")
	}
	postgresTemplate.once.Do(func() { postgresTemplate.name, postgresTemplate.err = buildPostgresTemplate(base) })
	if postgresTemplate.err != nil {
		tb.Fatalf("the migrated PostgreSQL template: %v", postgresTemplate.err)
	}
	name := "probity_t_" + randomSuffix()
	// WAL_LOG (the default) copies a small template in a fraction of the
	// time FILE_COPY takes, which forces a checkpoint.
	onServer(tb, base, `CREATE DATABASE `+name+` TEMPLATE `+postgresTemplate.name+` STRATEGY WAL_LOG`,
		`DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
	u, err := databaseURL(base, name)
	if err != nil {
		tb.Fatal(err)
	}
	return u
}

// databaseURL is base naming database name instead.
func databaseURL(base, name string) (string, error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	return u.String(), nil
}

func buildPostgresTemplate(base string) (string, error) {
	ctx := context.Background()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return "", err
	}
	defer admin.Close()
	probe, err := engine.Open(ctx, base, "")
	if err != nil {
		return "", err
	}
	digest, err := migrationsDigest(probe)
	_ = probe.Close()
	if err != nil {
		return "", err
	}
	final := "probity_test_tmpl_" + digest
	var n int
	if err := admin.QueryRowContext(ctx, `SELECT COUNT(*) FROM pg_database WHERE datname = $1`, final).Scan(&n); err != nil {
		return "", err
	}
	if n > 0 {
		return final, nil
	}
	// Templates of earlier migrations are no longer wanted.
	rows, err := admin.QueryContext(ctx, `SELECT datname FROM pg_database WHERE datname LIKE 'probity\_test\_tmpl\_%' AND datname <> $1`, final)
	if err != nil {
		return "", err
	}
	var stale []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			_ = rows.Close()
			return "", err
		}
		if !strings.Contains(name, "_build_") {
			stale = append(stale, name)
		}
	}
	_ = rows.Close()
	for _, name := range stale {
		_, _ = admin.ExecContext(ctx, `DROP DATABASE IF EXISTS `+name)
	}
	building := final + "_build_" + randomSuffix()
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+building); err != nil {
		return "", err
	}
	drop := func() { _, _ = admin.ExecContext(ctx, `DROP DATABASE IF EXISTS `+building+` WITH (FORCE)`) }
	u, err := databaseURL(base, building)
	if err != nil {
		drop()
		return "", err
	}
	s, err := engine.Open(ctx, u, "")
	if err != nil {
		drop()
		return "", err
	}
	_, err = s.Migrate(ctx, time.Now())
	_ = s.Close()
	if err != nil {
		drop()
		return "", err
	}
	if _, err := admin.ExecContext(ctx, `ALTER DATABASE `+building+` RENAME TO `+final); err != nil {
		drop()
		// Another test process renamed its own into place first.
		if err := admin.QueryRowContext(ctx, `SELECT COUNT(*) FROM pg_database WHERE datname = $1`, final).Scan(&n); err == nil && n > 0 {
			return final, nil
		}
		return "", err
	}
	return final, nil
}
