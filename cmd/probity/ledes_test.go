package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/probity/probity/internal/ledes"
)

// runLedes runs one command line through Main, without a data directory,
// with stdin as given.
func runLedes(t *testing.T, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	m, out, errb := testMain(nil)
	m.Stdin = strings.NewReader(stdin)
	err = m.Run(context.Background(), args)
	return out.String(), errb.String(), err
}

func ledesSample(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "internal", "ledes", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestLedesValidateCLIValid(t *testing.T) {
	path := filepath.Join(t.TempDir(), "invoice.txt")
	if err := os.WriteFile(path, []byte(ledesSample(t, "sample_two_invoices_crlf.txt")), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errs, err := runLedes(t, "", "ledes", "validate", path)
	if err != nil {
		t.Fatalf("err %v (%s)", err, errs)
	}
	want := path + ": valid LEDES 1998B: 2 invoices, 4 lines, totals 1210.50 (INV-2026-001 1150.00, INV-2026-002 60.50)\n"
	if out != want {
		t.Fatalf("stdout %q\nwant   %q", out, want)
	}

	out, _, err = runLedes(t, ledesSample(t, "sample_valid.txt"), "ledes", "validate", "-")
	if err != nil || out != "stdin: valid LEDES 1998B: 1 invoices, 3 lines, totals 1684.45 (96542 1684.45)\n" {
		t.Fatalf("stdin: %q, %v", out, err)
	}
}

func TestLedesValidateCLIProblems(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.txt")
	bad := strings.Replace(ledesSample(t, "sample_valid.txt"), "|19990122|", "|19991301|", 1)
	if err := os.WriteFile(path, []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	out, _, err := runLedes(t, "", "ledes", "validate", path)
	if !errors.Is(err, errLEDESInvalid) || exitCode(err) != 1 {
		t.Fatalf("err %v (exit %d), want errLEDESInvalid and exit 1", err, exitCode(err))
	}
	if want := path + `:5: LINE_ITEM_DATE: "19991301" is not a date YYYYMMDD` + "\n"; out != want {
		t.Fatalf("stdout %q\nwant   %q", out, want)
	}

	// The sample record alone: its invoice total is that of a longer invoice.
	out, _, err = runLedes(t, ledesSample(t, "sample_record_only.txt"), "ledes", "validate", "-")
	if exitCode(err) != 1 || out != "stdin:3: INVOICE_TOTAL: invoice 96542: invoice total 1684.45 ≠ sum of lines 630.00\n" {
		t.Fatalf("record alone: %q, %v", out, err)
	}

	// Problems past the cap are counted, not listed.
	var b strings.Builder
	b.WriteString("LEDES1998B\n" + ledes.Header + "\n") // one problem: line 1
	for range 150 {
		b.WriteString("x[]\n") // one problem each: 1 field, not 24
	}
	out, _, err = runLedes(t, b.String(), "ledes", "validate", "-")
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if exitCode(err) != 1 || len(lines) != 101 || !strings.HasPrefix(lines[0], "stdin:1: line 1 must be exactly") ||
		lines[100] != "stdin: 51 more problems not listed (151 in all)" {
		t.Fatalf("capped: %d lines, first %q, last %q", len(lines), lines[0], lines[len(lines)-1])
	}
}

func TestLedesValidateCLIUsage(t *testing.T) {
	for _, args := range [][]string{
		{"ledes"},
		{"ledes", "export"},
		{"ledes", "validate"},
		{"ledes", "validate", "a", "b"},
		{"ledes", "validate", "--bogus", "a"},
	} {
		if _, _, err := runLedes(t, "", args...); exitCode(err) != 2 {
			t.Errorf("%v: err %v (exit %d), want a usage error", args, err, exitCode(err))
		}
	}
	_, _, err := runLedes(t, "", "ledes", "validate", filepath.Join(t.TempDir(), "missing.txt"))
	if err == nil || exitCode(err) != 1 || !strings.Contains(describe(err), "no such file") {
		t.Errorf("missing file: %v", err)
	}
	if _, errs, err := runLedes(t, "", "ledes", "--help"); err != nil || !strings.Contains(errs, "probity ledes validate FILE|-") {
		t.Errorf("--help: %v %q", err, errs)
	}
}
