package main

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/probity/probity/internal/testenv"
)

// TestPostgresDumpRestoreRoundTrip follows docs/OPERATIONS.md, "Backups",
// on PostgreSQL: pg_dump of the demo firm's database, then the blob
// directory; pg_restore into a new database, the blobs and the key file
// copied back: every row is there, the audit trail verifies and every
// document opens.
func TestPostgresDumpRestoreRoundTrip(t *testing.T) {
	var pg *testenv.Engine
	for _, e := range testenv.Engines(t) {
		if e.Name == "postgres" {
			pg = &e
		}
	}
	if pg == nil {
		testenv.Missing(t, "PostgreSQL ($PROBITY_TEST_POSTGRES)")
	}
	for _, tool := range []string{"pg_dump", "pg_restore"} {
		if _, err := exec.LookPath(tool); err != nil {
			testenv.Missing(t, tool)
		}
	}
	dbURL, data := pg.URL(t)
	if _, errOut, err := runCLI(t, nil, "", "demo", "--quiet", "--database", dbURL, "--data", data); err != nil {
		t.Fatalf("demo: %v\n%s", err, errOut)
	}
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	schema := u.Query().Get("search_path")
	base := *u
	q := base.Query()
	q.Del("search_path")
	base.RawQuery = q.Encode()

	dump := filepath.Join(t.TempDir(), "probity.dump")
	if out, err := exec.Command("pg_dump", "--format=custom", "--schema="+schema, "--file="+dump, base.String()).CombinedOutput(); err != nil {
		t.Fatalf("pg_dump: %v\n%s", err, out)
	}
	restoredData := t.TempDir()
	if err := os.CopyFS(filepath.Join(restoredData, "blobs"), os.DirFS(filepath.Join(data, "blobs"))); err != nil {
		t.Fatal(err)
	}

	// A new, empty database to restore into.
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "probity_restore_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base.String())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE DATABASE ` + name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`) })
	target := base
	target.Path = "/" + name
	// The dump is of Probity's schema alone: the extension its search
	// indexes use (pg_trgm, in public) is created first, as
	// docs/OPERATIONS.md says to when restoring one schema.
	tdb, err := sql.Open("pgx", target.String())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tdb.Exec(`CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public`); err != nil {
		t.Fatal(err)
	}
	_ = tdb.Close()
	if out, err := exec.Command("pg_restore", "--no-owner", "--dbname="+target.String(), dump).CombinedOutput(); err != nil {
		t.Fatalf("pg_restore: %v\n%s", err, out)
	}
	tq := target.Query()
	tq.Set("search_path", schema)
	target.RawQuery = tq.Encode()
	restoredURL := target.String()

	src, dst := openTestStore(t, dbURL, data), openTestStore(t, restoredURL, restoredData)
	for _, table := range []string{"users", "matters", "engagements", "documents", "audit_events", "time_entries"} {
		if a, b := countTableRows(t, src, table), countTableRows(t, dst, table); a != b || a == 0 && table != "time_entries" {
			t.Errorf("%s: %d rows, restored %d", table, a, b)
		}
	}
	restoredArgs := []string{"--quiet", "--database", restoredURL, "--data", restoredData, "--key-file", filepath.Join(data, "keys", "probity.kek")}
	if out, errOut, err := runCLI(t, nil, "", append([]string{"audit", "verify"}, restoredArgs...)...); err != nil || !strings.Contains(out, "verifies") {
		t.Fatalf("audit verify after pg_restore: %v\n%s%s", err, out, errOut)
	}
	if out, errOut, err := runCLI(t, nil, "", append([]string{"keys", "verify"}, restoredArgs...)...); err != nil {
		t.Fatalf("keys verify after pg_restore: %v\n%s%s", err, out, errOut)
	}
}
