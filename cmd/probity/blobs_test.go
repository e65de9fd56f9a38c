package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/testenv"
)

// `probity blobs sweep` on the demo firm's document directory: a stored file
// no document names and a temporary file of an interrupted upload, both two
// days old, are reported by --dry-run and removed by the sweep; a fresh
// orphan is kept; every demo document still opens and verifies; a second
// sweep removes nothing; bad flags change nothing.
func TestBlobsSweepCommand(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		dbURL, data := e.URL(t)
		base := engineArgs(dbURL, data)
		if _, errOut, err := runCLI(t, nil, "", append([]string{"demo"}, base...)...); err != nil {
			t.Fatalf("demo: %v\n%s", err, errOut)
		}
		objects := filepath.Join(data, "blobs", "objects")
		sealed := strings.Count(treeBytes(t, objects), objects)
		if sealed < 4 {
			t.Fatalf("%d sealed demo documents, want at least 4", sealed)
		}
		plant := func(path string, size int, age time.Duration) string {
			t.Helper()
			if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, make([]byte, size), 0o600); err != nil {
				t.Fatal(err)
			}
			at := time.Now().Add(-age)
			if err := os.Chtimes(path, at, at); err != nil {
				t.Fatal(err)
			}
			return path
		}
		orphan := plant(filepath.Join(objects, "fe", "fe"+strings.Repeat("0", 30)), 2048, 48*time.Hour)
		temp := plant(filepath.Join(data, "blobs", "tmp", "put-123456"), 1000, 48*time.Hour)
		young := plant(filepath.Join(objects, "fd", "fd"+strings.Repeat("1", 30)), 10, 0)
		exists := func(p string) bool { _, err := os.Stat(p); return err == nil }

		out, errOut, err := runCLI(t, nil, "", append([]string{"blobs", "sweep", "--dry-run"}, base...)...)
		if err != nil || !strings.Contains(out, "Dry run: would remove 1 stored file no document names and 1 leftover of interrupted uploads, older than 24h0m0s: 3.0 KiB freed.") ||
			!strings.Contains(out, "Kept "+strconv.Itoa(sealed)+" files that documents name, 1 unnamed file") {
			t.Fatalf("dry run: %v\n%s\n%s", err, out, errOut)
		}
		if !exists(orphan) || !exists(temp) || !exists(young) {
			t.Fatal("the dry run removed a file")
		}
		out, errOut, err = runCLI(t, nil, "", append([]string{"blobs", "sweep"}, base...)...)
		if err != nil || !strings.HasPrefix(out, "Removed 1 stored file no document names and 1 leftover of interrupted uploads") {
			t.Fatalf("sweep: %v\n%s\n%s", err, out, errOut)
		}
		if exists(orphan) || exists(temp) || !exists(young) {
			t.Fatalf("after the sweep: orphan %v, temporary file %v, young orphan %v; want only the young one", exists(orphan), exists(temp), exists(young))
		}
		out, _, err = runCLI(t, nil, "", append([]string{"keys", "verify"}, base...)...)
		if err != nil || !strings.Contains(out, "All "+strconv.Itoa(sealed)+" stored documents open and verify") {
			t.Fatalf("verify after the sweep: %v\n%s", err, out)
		}
		out, _, err = runCLI(t, nil, "", append([]string{"blobs", "sweep"}, base...)...)
		if err != nil || !strings.HasPrefix(out, "Removed 0 stored files no document names and 0 leftovers") {
			t.Fatalf("second sweep: %v\n%s", err, out)
		}
		for _, bad := range [][]string{{"--older-than", "-1h"}, {"--older-than", "soon"}, {"extra"}} {
			if _, _, err := runCLI(t, nil, "", append(append([]string{"blobs", "sweep"}, bad...), base...)...); err == nil {
				t.Errorf("blobs sweep %v was accepted", bad)
			}
		}
		if !exists(young) {
			t.Fatal("a refused sweep removed the young orphan")
		}
	})
}

// checkSweep (run by TestCrashSafetyUnderSIGKILL after its last kill, with
// no server running): `probity blobs sweep --older-than 0s` removes exactly
// the blobs the kills left without a row and their temporary files, and
// afterwards every recorded document still opens and verifies.
func (h *crashHarness) checkSweep(t *testing.T) {
	t.Helper()
	db := h.openDB(t)
	named := map[string]bool{}
	rows, err := db.Query(`SELECT storage_key FROM documents`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			t.Fatal(err)
		}
		named[k] = true
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	objects, _ := filepath.Glob(filepath.Join(h.data, "blobs", "objects", "*", "*"))
	temps, _ := filepath.Glob(filepath.Join(h.data, "blobs", "tmp", "put-*"))
	orphans := 0
	for _, o := range objects {
		if !named[filepath.Base(o)] {
			orphans++
		}
	}
	args := engineArgs(h.db, h.data)
	out, errOut, err := runCLI(t, nil, "", append([]string{"blobs", "sweep", "--older-than", "0s"}, args...)...)
	want := "Removed " + count(orphans, "stored file", "stored files") + " no document names and " + count(len(temps), "leftover", "leftovers")
	if err != nil || !strings.HasPrefix(out, want) {
		t.Fatalf("sweep after the kills: %v\n%s\n%s\nwant %q", err, out, errOut, want)
	}
	after, _ := filepath.Glob(filepath.Join(h.data, "blobs", "objects", "*", "*"))
	left, _ := filepath.Glob(filepath.Join(h.data, "blobs", "tmp", "*"))
	if len(after) != len(objects)-orphans || len(left) != 0 {
		t.Fatalf("after the sweep: %d blobs (want %d), %d temporary files", len(after), len(objects)-orphans, len(left))
	}
	out, errOut, err = runCLI(t, nil, "", append([]string{"keys", "verify", "--quiet"}, args...)...)
	if err != nil || !strings.Contains(out, "stored documents open and verify") {
		t.Fatalf("keys verify after the sweep: %v\n%s\n%s", err, out, errOut)
	}
	t.Logf("sweep after the kills removed %d orphaned blobs and %d temporary files; %d blobs kept, all verified", orphans, len(temps), len(after))
}
