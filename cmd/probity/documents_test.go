package main

import (
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/probity/probity/internal/blob"
	"github.com/probity/probity/internal/testenv"
)

// The key-encryption key: generated once at the default place (0600 in a
// 0700 directory), logged as a fingerprint with a warning to back it up
// but never shown; an explicitly named key file must exist; the demo's
// evidence is stored encrypted with it.
func TestDocumentKeyFile(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		dbURL, data := e.URL(t)
		args := append([]string{"demo"}, engineArgs(dbURL, data)...)
		out, errOut, err := runCLI(t, nil, "", args...)
		if err != nil {
			t.Fatalf("demo: %v\n%s", err, errOut)
		}
		keyPath := filepath.Join(data, "keys", "probity.kek")
		fi, err := os.Stat(keyPath)
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("key file %s: %v, mode %v; want 0600", keyPath, err, fi.Mode().Perm())
		}
		if di, _ := os.Stat(filepath.Dir(keyPath)); di.Mode().Perm() != 0o700 {
			t.Fatalf("key directory mode %v, want 0700", di.Mode().Perm())
		}
		raw, _ := os.ReadFile(keyPath)
		key := strings.TrimSpace(string(raw))
		kek, err := blob.ParseKEK(raw)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(errOut, "back it up") || !strings.Contains(errOut, kek.ID()) {
			t.Errorf("generating the key did not say to back it up, with its id:\n%s", errOut)
		}
		// The demo's evidence files are sealed in the blob directory; none
		// holds its plaintext.
		var files int
		_ = filepath.WalkDir(filepath.Join(data, "blobs", "objects"), func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				files++
				b, _ := os.ReadFile(p)
				if strings.Contains(string(b), "%PDF") || strings.Contains(string(b), "SOC 2") || strings.Contains(string(b), "review protocol") || strings.Contains(string(b), "CAL-000001") {
					t.Errorf("%s holds plaintext", p)
				}
			}
			return nil
		})
		if files < 4 {
			t.Errorf("%d files in the blob directory, want at least the demo's 2 evidence files and 2 engagement documents", files)
		}
		// Run again: the same key is used, not a new one.
		if _, errOut, err := runCLI(t, nil, "", args...); err != nil || strings.Contains(errOut, "generated a new key") {
			t.Fatalf("demo again: %v\n%s", err, errOut)
		}
		if again, _ := os.ReadFile(keyPath); string(again) != string(raw) {
			t.Fatal("the key file changed")
		}
		// config shows where the key is, never the key.
		cfgOut, _, err := runCLI(t, nil, "", append([]string{"config"}, engineArgs(dbURL, data)...)...)
		if err != nil || !strings.Contains(cfgOut, keyPath) || !strings.Contains(cfgOut, filepath.Join(data, "blobs")) {
			t.Fatalf("config: %v\n%s", err, cfgOut)
		}
		for _, s := range []string{out, errOut, cfgOut} {
			if strings.Contains(s, key) || strings.Contains(s, hex.EncodeToString([]byte(key))) {
				t.Fatal("the key was printed")
			}
		}
		// A named key file that does not exist is refused, not created.
		missing := filepath.Join(t.TempDir(), "nope.kek")
		_, _, err = runCLI(t, nil, "", append([]string{"demo", "--key-file", missing}, engineArgs(dbURL, data)...)...)
		if err == nil || !strings.Contains(describe(err), "does not exist") {
			t.Fatalf("a missing --key-file: %v", err)
		}
		if _, err := os.Stat(missing); err == nil {
			t.Fatal("a key was created at the named path")
		}
	})
}
