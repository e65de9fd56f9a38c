package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/probity/probity/internal/blob"
	"github.com/probity/probity/internal/testenv"
)

// `probity keys rotate`: the demo's sealed documents are rewrapped under a
// new key; afterwards they verify with the new key alone (given as a file
// or as PROBITY_KEK), the old key opens none of them, and the stored
// ciphertext is unchanged.
func TestKeysRotate(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		dbURL, data := e.URL(t)
		base := engineArgs(dbURL, data)
		if _, errOut, err := runCLI(t, nil, "", append([]string{"demo"}, base...)...); err != nil {
			t.Fatalf("demo: %v\n%s", err, errOut)
		}
		oldPath := filepath.Join(data, "keys", "probity.kek")
		oldKEK, err := blob.LoadKEKFile(oldPath)
		if err != nil {
			t.Fatal(err)
		}
		before := treeBytes(t, filepath.Join(data, "blobs", "objects"))
		sealed := strings.Count(before, filepath.Join(data, "blobs", "objects")) // one stored file per sealed document
		if sealed < 4 {
			t.Fatalf("%d sealed demo documents, want at least 4", sealed)
		}
		n := strconv.Itoa(sealed)
		newPath := filepath.Join(t.TempDir(), "next.kek")
		if out, _, err := runCLI(t, nil, "", "keys", "generate", "--out", newPath); err != nil || !strings.Contains(out, "kek-") {
			t.Fatalf("generate: %v %s", err, out)
		}
		newKEK, err := blob.LoadKEKFile(newPath)
		if err != nil {
			t.Fatal(err)
		}
		out, errOut, err := runCLI(t, nil, "", append([]string{"keys", "rotate", "--new-key-file", newPath, "--batch", "1"}, base...)...)
		if err != nil || !strings.Contains(out, "Rewrapped "+n+" documents under "+newKEK.ID()) {
			t.Fatalf("rotate: %v\n%s\n%s", err, out, errOut)
		}
		// A second run finds nothing left to do (resumable, idempotent).
		if out, _, err := runCLI(t, nil, "", append([]string{"keys", "rotate", "--new-key-file", newPath}, base...)...); err != nil || !strings.Contains(out, "Rewrapped 0 documents") {
			t.Fatalf("rotate again: %v\n%s", err, out)
		}
		if after := treeBytes(t, filepath.Join(data, "blobs", "objects")); after != before {
			t.Fatal("rotation changed stored ciphertext")
		}
		// The new key alone opens everything; the old key is no longer needed.
		out, _, err = runCLI(t, nil, "", append([]string{"keys", "verify", "--key-file", newPath}, base...)...)
		if err != nil || !strings.Contains(out, "All "+n+" stored documents open and verify") {
			t.Fatalf("verify with the new key: %v\n%s", err, out)
		}
		out, _, err = runCLI(t, nil, "", append([]string{"keys", "status", "--key-file", newPath, "--retired-key-files", oldPath}, base...)...)
		if err != nil || !strings.Contains(out, "Retired key "+oldKEK.ID()+" wraps no document any more") {
			t.Fatalf("status: %v\n%s", err, out)
		}
		raw, _ := os.ReadFile(newPath)
		out, errOut, err = runCLI(t, map[string]string{"PROBITY_KEK": strings.TrimSpace(string(raw))}, "", append([]string{"keys", "verify"}, base...)...)
		if err != nil || strings.Contains(out+errOut, strings.TrimSpace(string(raw))) {
			t.Fatalf("verify with PROBITY_KEK: %v (or the key was printed)\n%s", err, out)
		}
		// The old key opens none of them now.
		out, _, err = runCLI(t, nil, "", append([]string{"keys", "verify"}, base...)...)
		if err == nil || !strings.Contains(out, "was sealed with key "+newKEK.ID()) {
			t.Fatalf("verify with the old key: %v\n%s", err, out)
		}
		if _, _, err := runCLI(t, nil, "", append([]string{"keys", "status"}, base...)...); err == nil {
			t.Fatal("status with only the old key did not report the missing key")
		}
	})
}

func treeBytes(t *testing.T, root string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		c, err := os.ReadFile(p)
		b.WriteString(p)
		b.Write(c)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}
