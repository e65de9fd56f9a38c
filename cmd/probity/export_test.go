package main

import (
	"archive/zip"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/progress"
	"github.com/probity/probity/internal/testenv"
)

// TestExportCommand: `probity export` run through Main on the demo firm
// writes a ZIP of matter 2026-0142 holding matter.json, README.txt,
// SHA256SUMS and the decrypted documents, with nothing else left in the
// directory and no sign of the key-encryption key; it refuses to overwrite
// an existing file (left unchanged), an unknown matter and a person
// without the right (no file created); and Ctrl-C (the context cancelled
// while documents are written) leaves no file and no temporary file.
func TestExportCommand(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		dbURL, dir := e.URL(t)
		db := engineArgs(dbURL, dir)
		if _, errOut, err := runCLI(t, nil, "", append([]string{"demo"}, db...)...); err != nil {
			t.Fatalf("demo: %v\n%s", err, errOut)
		}
		const marcus, priya = "marcus.oyelaran@hartwellcrane.example", "priya.raman@hartwellcrane.example"
		run := func(args ...string) (string, error) {
			_, errOut, err := runCLI(t, nil, "", append(append([]string{"export"}, args...), db...)...)
			return errOut, err
		}
		outDir := t.TempDir()
		file := filepath.Join(outDir, "calloway.zip")
		errOut, err := run("--matter", "2026-0142", "--out", file, "--as", marcus)
		if err != nil || !strings.Contains(errOut, "wrote matter 2026-0142 to "+file) {
			t.Fatalf("export: %v\n%s", err, errOut)
		}
		zr, err := zip.OpenReader(file)
		if err != nil {
			t.Fatalf("the archive is not a ZIP: %v", err)
		}
		names := map[string]bool{}
		docs := 0
		for _, f := range zr.File {
			names[f.Name] = true
			if strings.HasPrefix(f.Name, "documents/") {
				docs++
			}
		}
		zr.Close()
		if !names["matter.json"] || !names["README.txt"] || !names["SHA256SUMS"] || docs < 2 {
			t.Errorf("archive holds %v", names)
		}
		kek, err := os.ReadFile(filepath.Join(dir, "keys", "probity.kek"))
		if err != nil {
			t.Fatalf("the data directory's key file: %v", err)
		}
		raw, _ := os.ReadFile(file)
		if k := strings.TrimSpace(string(kek)); len(k) < 32 || strings.Contains(string(raw), k) {
			t.Errorf("the key-encryption key (%d characters) is in the archive", len(k))
		}
		before, _ := os.ReadFile(file)
		if errOut, err := run("--matter", "2026-0142", "--out", file, "--as", marcus); err == nil || !strings.Contains(err.Error(), "already exists") {
			t.Errorf("overwrite: %v\n%s", err, errOut)
		}
		if after, _ := os.ReadFile(file); string(after) != string(before) {
			t.Error("a refused export changed the existing file")
		}
		for _, c := range []struct{ matter, as, want string }{
			{"2099-9999", marcus, "no matter numbered"},
			{"2026-0142", priya, "responsible attorney"},
		} {
			other := filepath.Join(outDir, "other.zip")
			if errOut, err := run("--matter", c.matter, "--out", other, "--as", c.as); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s as %s: %v, want %q\n%s", c.matter, c.as, err, c.want, errOut)
			}
		}
		// Ctrl-C while the documents are written.
		m, _, _ := testMain(nil)
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		ctx = progress.WithFunc(ctx, func(stage string, done, _ int64) {
			if strings.HasPrefix(stage, "Exporting matter") && done > 0 {
				cancel()
			}
		})
		err = m.Run(ctx, append([]string{"export", "--matter", "2026-0142", "--out", filepath.Join(outDir, "stopped.zip"), "--as", marcus, "--quiet"}, db...))
		if _, ok := err.(interruptedError); !ok {
			t.Errorf("cancelled export: %v, want an interruption", err)
		}
		left, _ := os.ReadDir(outDir)
		if len(left) != 1 || left[0].Name() != "calloway.zip" {
			var ns []string
			for _, l := range left {
				ns = append(ns, l.Name())
			}
			t.Errorf("the directory holds %v, want only calloway.zip", ns)
		}
	})
}
