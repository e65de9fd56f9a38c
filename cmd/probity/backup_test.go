package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/backup"
	"github.com/probity/probity/internal/blob"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/progress"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// sqliteEngine is the embedded engine of testenv.Engines (always first).
func sqliteEngine(t *testing.T) testenv.Engine {
	t.Helper()
	e := testenv.Engines(t)[0]
	if e.Name != "sqlite" {
		t.Fatalf("the first engine is %s", e.Name)
	}
	return e
}

// restoredChecks opens a restored data directory and requires SQLite's
// integrity check and the audit chain to pass; it returns the store.
func restoredChecks(t *testing.T, dir string) *store.Store {
	t.Helper()
	s := openTestStore(t, "", dir)
	var check string
	if err := s.DB().QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check of the restored database: %q %v", check, err)
	}
	a := app.New(s, app.DefaultConfig(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	res, err := a.VerifyAudit(context.Background(), nil)
	if err != nil || res.Break != nil || res.Events == 0 {
		t.Fatalf("audit verify of the restored database: %+v %v", res, err)
	}
	return s
}

// TestBackupRestoreRoundTrip backs up the demo firm with one uploaded
// document, restores it into a new data directory and finds the same rows,
// an intact audit chain and, once the key file is copied over, the
// document reading back byte for byte; the archive never holds the key.
func TestBackupRestoreRoundTrip(t *testing.T) {
	w := newCLIWorld(t, sqliteEngine(t))
	data := w.db[1]
	content := "Custodian interview notes.\n" + strings.Repeat("privileged; withheld; custodian B\n", 3000)
	if out, errOut, code := w.run(t, "document", "upload", "--engagement", w.id, "--file", w.file(t, "interviews.csv", content), "--as", cwMarcus); code != 0 {
		t.Fatalf("upload: exit %d\n%s%s", code, out, errOut)
	}
	var docID int64
	if err := w.s.DB().QueryRow(`SELECT ed.id FROM engagement_documents ed JOIN documents d ON d.id = ed.document_id WHERE d.filename = 'interviews.csv'`).Scan(&docID); err != nil {
		t.Fatal(err)
	}
	archive := filepath.Join(t.TempDir(), "probity-backup.tar.gz")
	out, errOut, code := w.run(t, "backup", "--out", archive, "--quiet")
	if code != 0 || !strings.Contains(out, "Not included: the key-encryption key") {
		t.Fatalf("backup: exit %d\n%s%s", code, out, errOut)
	}
	if _, err := os.Stat(archive + ".partial"); err == nil {
		t.Error("the partial file was left behind")
	}
	// The archive holds the database, the documents and the manifest, and
	// not one byte sequence of the key file.
	kek, err := os.ReadFile(filepath.Join(data, "keys", "probity.kek"))
	if err != nil {
		t.Fatal(err)
	}
	names, raw := readArchive(t, archive)
	if names[0] != backup.DatabaseName || names[len(names)-1] != backup.ManifestName || len(names) < 3 {
		t.Errorf("archive entries %v", names)
	}
	for _, n := range names {
		if strings.Contains(n, "keys") || strings.HasSuffix(n, ".kek") {
			t.Errorf("the archive holds %s", n)
		}
	}
	if bytes.Contains(raw, bytes.TrimSpace(kek)) {
		t.Fatal("the archive contains the key-encryption key")
	}

	// Restore into a new directory: counts match, the chain verifies.
	restored := filepath.Join(t.TempDir(), "restored")
	m, rout, rerr := testMain(nil)
	if err := m.Run(context.Background(), []string{"restore", archive, "--data", restored, "--quiet"}); err != nil {
		t.Fatalf("restore: %v\n%s%s", err, rout, rerr)
	}
	if !strings.Contains(rout.String(), "The audit trail verifies") || !strings.Contains(rout.String(), filepath.Join(restored, "keys", "probity.kek")) {
		t.Errorf("restore said:\n%s", rout)
	}
	s2 := restoredChecks(t, restored)
	for _, table := range []string{"users", "matters", "engagements", "documents", "engagement_documents", "audit_events", "time_entries"} {
		if a, b := countTableRows(t, w.s, table), countTableRows(t, s2, table); a != b {
			t.Errorf("%s: %d rows, restored %d", table, a, b)
		}
	}
	// Without the key the documents do not open; with it copied, the upload
	// reads back identical.
	dl := []string{"document", "download", "--engagement", w.id, "--document", strconv.FormatInt(docID, 10), "--as", cwMarcus, "--data", restored, "--key-file", filepath.Join(restored, "keys", "probity.kek")}
	if _, _, err := runCLI(t, nil, "", dl...); err == nil {
		t.Fatal("a document opened without the key-encryption key")
	}
	if err := os.WriteFile(filepath.Join(restored, "keys", "probity.kek"), kek, 0o600); err != nil {
		t.Fatal(err)
	}
	got, errOut, err := runCLI(t, nil, "", dl...)
	if err != nil || got != content {
		t.Fatalf("download after restore: %v, %d bytes of %d\n%s", err, len(got), len(content), errOut)
	}
	if out, errOut, err := runCLI(t, nil, "", "audit", "verify", "--quiet", "--data", restored); err != nil || !strings.Contains(out, "verifies") {
		t.Fatalf("audit verify after restore: %v\n%s%s", err, out, errOut)
	}
}

// readArchive lists an archive's entries and returns its uncompressed bytes.
func readArchive(t *testing.T, archive string) ([]string, []byte) {
	t.Helper()
	f, err := os.Open(archive)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(gz)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	tr := tar.NewReader(bytes.NewReader(raw))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
	}
	return names, raw
}

// rewriteArchive copies an archive, changing one entry's content with edit.
func rewriteArchive(t *testing.T, from, to string, edit func(name string, b []byte) []byte) {
	t.Helper()
	f, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		b = edit(h.Name, b)
		h.Size = int64(len(b))
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestRestoreRefusals: a non-empty data directory, a document or database
// changed inside the archive, a truncated archive, a missing manifest and
// an existing --out are refused with a reason, and nothing is written.
func TestRestoreRefusals(t *testing.T) {
	data := t.TempDir()
	if _, errOut, err := runCLI(t, nil, "", "demo", "--quiet", "--data", data); err != nil {
		t.Fatalf("demo: %v\n%s", err, errOut)
	}
	dir := t.TempDir()
	archive := filepath.Join(dir, "good.tar.gz")
	if out, errOut, err := runCLI(t, nil, "", "backup", "--quiet", "--data", data, "--out", archive); err != nil {
		t.Fatalf("backup: %v\n%s%s", err, out, errOut)
	}
	if _, errOut, err := runCLI(t, nil, "", "backup", "--quiet", "--data", data, "--out", archive); exitStatus(err) != 1 || !strings.Contains(errOut+err.Error(), "already exists") {
		t.Errorf("a backup over an existing file: %v\n%s", err, errOut)
	}

	// A non-empty data directory is left exactly as it was.
	busy := t.TempDir()
	if err := os.WriteFile(filepath.Join(busy, "notes.txt"), []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, errOut, err := runCLI(t, nil, "", "restore", archive, "--quiet", "--data", busy); exitStatus(err) != 1 || !strings.Contains(describe(err), "not empty") {
		t.Errorf("restore into a non-empty directory: %v\n%s", err, errOut)
	}
	if entries, _ := os.ReadDir(busy); len(entries) != 1 {
		t.Errorf("the non-empty directory changed: %d entries", len(entries))
	}

	flipped := func(target func(string) bool) func(string, []byte) []byte {
		return func(name string, b []byte) []byte {
			if target(name) {
				b = append([]byte{}, b...)
				b[len(b)/2] ^= 0x01
			}
			return b
		}
	}
	damagedDoc := filepath.Join(dir, "doc.tar.gz")
	rewriteArchive(t, archive, damagedDoc, flipped(func(n string) bool { return strings.HasPrefix(n, backup.BlobPrefix) }))
	damagedDB := filepath.Join(dir, "db.tar.gz")
	rewriteArchive(t, archive, damagedDB, flipped(func(n string) bool { return n == backup.DatabaseName }))
	noManifest := filepath.Join(dir, "nomanifest.tar.gz")
	rewriteArchive(t, archive, noManifest, func(n string, b []byte) []byte {
		if n == backup.ManifestName {
			return []byte("{}")
		}
		return b
	})
	whole, err := os.ReadFile(archive)
	if err != nil {
		t.Fatal(err)
	}
	truncated := filepath.Join(dir, "truncated.tar.gz")
	if err := os.WriteFile(truncated, whole[:len(whole)/2], 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ file, want string }{
		{damagedDoc, "does not match its SHA-256"},
		{damagedDB, "does not match its SHA-256"},
		{noManifest, "damaged"},
		{truncated, "damaged"},
		{filepath.Join(dir, "missing.tar.gz"), "cannot open"},
	} {
		parent := t.TempDir()
		target := filepath.Join(parent, "restored")
		_, errOut, err := runCLI(t, nil, "", "restore", c.file, "--quiet", "--data", target)
		if exitStatus(err) != 1 || !strings.Contains(describe(err), c.want) {
			t.Errorf("%s: %v, want %q\n%s", filepath.Base(c.file), err, c.want, errOut)
		}
		if entries, _ := os.ReadDir(parent); len(entries) != 0 {
			t.Errorf("%s: the refused restore left %s", filepath.Base(c.file), entries[0].Name())
		}
	}
	// The good archive still restores.
	restored := filepath.Join(t.TempDir(), "restored")
	if out, errOut, err := runCLI(t, nil, "", "restore", archive, "--quiet", "--data", restored); err != nil {
		t.Fatalf("restore: %v\n%s%s", err, out, errOut)
	}
	restoredChecks(t, restored)
}

// TestBackupWhileWriting takes a backup while another connection uploads
// documents and records their audit events, during the database snapshot
// and the copy of the documents: the restored database passes its
// integrity check and audit verification, and every document it names is
// in the restored blob directory and opens.
func TestBackupWhileWriting(t *testing.T) {
	w := newCLIWorld(t, sqliteEngine(t))
	data := w.db[1]
	ctx := context.Background()
	kek, err := blob.LoadKEKFile(filepath.Join(data, "keys", "probity.kek"))
	if err != nil {
		t.Fatal(err)
	}
	dirb, err := blob.NewDir(filepath.Join(data, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	a := app.New(w.s, app.DefaultConfig(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	a.Blobs = blob.New(dirb, kek)
	var u domain.User
	if err := w.s.Read(ctx, func(tx *store.Tx) error {
		var err error
		u, _, err = tx.UserByEmail(ctx, cwMarcus)
		return err
	}); err != nil {
		t.Fatal(err)
	}

	// The writer uploads until told to stop, telling commits of each.
	commits := make(chan struct{}, 64)
	stop := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			body := fmt.Sprintf("Batch %d review notes.\n%s", i, strings.Repeat("reviewed; responsive\n", 200+i))
			if _, err := a.UploadEngagementDocument(ctx, u, w.eid, app.DocumentUpload{Filename: fmt.Sprintf("batch-%d.txt", i), Body: strings.NewReader(body)}); err != nil {
				done <- err
				return
			}
			select {
			case commits <- struct{}{}:
			default:
			}
		}
	}()
	// waitFor blocks the backup until the writer has committed n more.
	waitFor := func(n int) {
		for drained := false; !drained; {
			select {
			case <-commits:
			default:
				drained = true
			}
		}
		for range n {
			select {
			case <-commits:
			case err := <-done:
				t.Errorf("the writer stopped: %v", err)
				done <- err
				return
			}
		}
	}
	seen := map[string]bool{}
	bctx := progress.WithFunc(ctx, func(stage string, d, total int64) {
		if !seen[stage] {
			seen[stage] = true
			waitFor(2) // writes while the snapshot starts, and while the documents are copied
		}
	})
	archive := filepath.Join(t.TempDir(), "busy.tar.gz")
	m, out, errb := testMain(nil)
	err = m.Run(bctx, append([]string{"backup", "--out", archive, "--quiet"}, w.db...))
	close(stop)
	if werr := <-done; werr != nil {
		t.Fatalf("writer: %v", werr)
	}
	if err != nil {
		t.Fatalf("backup: %v\n%s%s", err, out, errb)
	}
	if !seen["Copying the database"] || !seen["Copying the documents"] {
		t.Fatalf("the backup reported %v", seen)
	}
	restored := filepath.Join(t.TempDir(), "restored")
	if out, errOut, err := runCLI(t, nil, "", "restore", archive, "--quiet", "--data", restored); err != nil {
		t.Fatalf("restore: %v\n%s%s", err, out, errOut)
	}
	s2 := restoredChecks(t, restored)
	if got, all := countTableRows(t, s2, "documents"), countTableRows(t, w.s, "documents"); got >= all || got < 9 {
		t.Errorf("restored %d documents of %d: the snapshot should hold some of the concurrent uploads, not all", got, all)
	}
	if err := os.WriteFile(filepath.Join(restored, "keys", "probity.kek"), mustRead(t, filepath.Join(data, "keys", "probity.kek")), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, errOut, err := runCLI(t, nil, "", "keys", "verify", "--quiet", "--data", restored); err != nil {
		t.Fatalf("keys verify after restore: %v\n%s%s", err, out, errOut)
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestBackupRefusals: on PostgreSQL backup and restore refuse and point at
// pg_dump in docs/OPERATIONS.md, writing nothing; on SQLite a data
// directory without a database is refused rather than backed up empty.
func TestBackupRefusals(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		dbURL, data := e.URL(t)
		out := filepath.Join(t.TempDir(), "b.tar.gz")
		_, errOut, err := runCLI(t, nil, "", append([]string{"backup", "--out", out, "--quiet"}, engineArgs(dbURL, data)...)...)
		want := "there is no Probity database"
		if e.Name == "postgres" {
			want = "pg_dump"
			if !strings.Contains(describe(err), "docs/OPERATIONS.md") {
				t.Errorf("the refusal does not point at the documentation: %v", err)
			}
		}
		if exitStatus(err) != 1 || !strings.Contains(describe(err), want) {
			t.Errorf("backup: %v, want %q\n%s", err, want, errOut)
		}
		if entries, _ := os.ReadDir(filepath.Dir(out)); len(entries) != 0 {
			t.Errorf("a refused backup wrote %s", entries[0].Name())
		}
		if e.Name == "postgres" {
			target := filepath.Join(t.TempDir(), "r")
			if _, _, err := runCLI(t, nil, "", "restore", out, "--quiet", "--data", target, "--database", dbURL); exitStatus(err) != 1 || !strings.Contains(describe(err), "pg_dump") {
				t.Errorf("restore on PostgreSQL: %v", err)
			}
			if _, err := os.Stat(target); err == nil {
				t.Error("a refused restore created the data directory")
			}
		}
	})
}
