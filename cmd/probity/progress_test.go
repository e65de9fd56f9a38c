package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/progress"
	"github.com/probity/probity/internal/testenv"
)

// runCancelling runs one command line whose context is cancelled (as Ctrl-C
// cancels it) once the job reports reaching stage (a prefix) at done.
func runCancelling(t *testing.T, stage string, done int64, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	m, out, errb := testMain(nil)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	reached := false
	ctx = progress.WithFunc(ctx, func(s string, d, _ int64) {
		if strings.HasPrefix(s, stage) && d >= done {
			reached = true
			cancel()
		}
	})
	err = m.Run(ctx, args)
	if !reached {
		t.Fatalf("%v never reached %q %d: %v\n%s", args, stage, done, err, errb.String())
	}
	return out.String(), errb.String(), err
}

// TestLongCommandsShowProgressAndStopCleanly: import and ledes export draw
// their progress on standard error (none with --quiet); interrupted, the
// import writes nothing and the export leaves no file, and both exit 130
// saying so.
func TestLongCommandsShowProgressAndStopCleanly(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		dbURL, dir := e.URL(t)
		db := engineArgs(dbURL, dir)
		if _, errOut, err := runCLI(t, nil, "", append([]string{"demo", "--quiet"}, db...)...); err != nil || strings.Contains(errOut, "Loading the demo firm") {
			t.Fatalf("demo --quiet: %v, stderr %q", err, errOut)
		}
		s := openTestStore(t, dbURL, dir)
		const marcus = "marcus.oyelaran@hartwellcrane.example"
		count := func(table string) int {
			var n int
			if err := s.DB().QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}

		csv := filepath.Join(t.TempDir(), "matters.csv")
		var b strings.Builder
		b.WriteString("number,client_number,title,practice_area,sensitivity,responsible_attorney_email,court,governing_law,performance\n")
		for i := range 30 {
			fmt.Fprintf(&b, "2026-%04d,CFS-0711,Progress matter %d,Litigation,standard,%s,,,\n", 7000+i, i, marcus)
		}
		if err := os.WriteFile(csv, []byte(b.String()), 0o600); err != nil {
			t.Fatal(err)
		}
		matters := count("matters")
		_, errOut, err := runCancelling(t, "Importing matters", 10, append([]string{"import", "matters", csv, "--as", marcus}, db...)...)
		if exitStatus(err) != 130 || !strings.Contains(describe(err), "nothing was imported") {
			t.Fatalf("interrupted import: exit %d, %v\n%s", exitStatus(err), err, errOut)
		}
		if !strings.Contains(errOut, "Checking matters  [") || !strings.Contains(errOut, "30/30") {
			t.Errorf("no progress on stderr:\n%s", errOut)
		}
		if n := count("matters"); n != matters {
			t.Fatalf("an interrupted import wrote %d matters", n-matters)
		}
		out, errOut, err := runCLI(t, nil, "", append([]string{"import", "matters", csv, "--as", marcus}, db...)...)
		if err != nil || !strings.Contains(out, "Imported 30 matters") || !strings.Contains(errOut, "Importing matters  [") {
			t.Fatalf("import: %v\n%s\n%s", err, out, errOut)
		}
		if n := count("matters"); n != matters+30 {
			t.Fatalf("matters %d → %d, want +30", matters, n)
		}

		// A sent invoice of 2,500 lines, exported to a file and interrupted
		// after its first thousand lines.
		_, err = s.DB().Exec(`INSERT INTO client_invoices (number, kind, matter_id, client_id, currency, invoice_date, period_start, period_end,
			description, state, fees_minor, total_minor, line_count, created_by, created_at)
			SELECT 'INV-2019-0100', 'invoice', m.id, m.client_id, 'USD', '2026-03-31', '2026-03-01', '2026-03-31', 'March 2026', 'sent', 75000000, 75000000, 2500, m.responsible_attorney_id, 1
			FROM matters m WHERE m.number = '2026-0142'`)
		if err != nil {
			t.Fatal(err)
		}
		for i := 1; i <= 2500; i++ {
			_, err = s.DB().Exec(`INSERT INTO client_invoice_lines (invoice_id, position, type, source, line_date, units, unit_cost_minor, total_minor,
				task_code, activity_code, timekeeper_id, timekeeper_name, classification, description)
				SELECT ci.id, $1, 'F', 'firm_time', '2026-03-02', 150, 20000, 30000, 'L110', 'A104', 'HC-0107', 'Oyelaran, Marcus', 'PARTNR', 'Review'
				FROM client_invoices ci WHERE ci.number = 'INV-2019-0100'`, i)
			if err != nil {
				t.Fatal(err)
			}
		}
		outDir := t.TempDir()
		file := filepath.Join(outDir, "march.ledes")
		args := append([]string{"ledes", "export", "--invoice", "INV-2019-0100", "--out", file, "--as", marcus}, db...)
		_, errOut, err = runCancelling(t, "Exporting INV-2019-0100", 1000, args...)
		if exitStatus(err) != 130 || !strings.Contains(describe(err), "no file was written") {
			t.Fatalf("interrupted export: exit %d, %v\n%s", exitStatus(err), err, errOut)
		}
		if entries, _ := os.ReadDir(outDir); len(entries) != 0 {
			t.Fatalf("an interrupted export left %v behind", entries)
		}
		if _, errOut, err = runCLI(t, nil, "", args...); err != nil || !strings.Contains(errOut, "2,500/2,500") {
			t.Fatalf("export: %v\n%s", err, errOut)
		}
		if st, err := os.Stat(file); err != nil || st.Size() == 0 {
			t.Fatalf("export wrote no file: %v", err)
		}
		if _, errOut, err = runCLI(t, nil, "", append(args, "--quiet")...); err != nil || strings.Contains(errOut, "Exporting") {
			t.Fatalf("export --quiet: %v, stderr %q", err, errOut)
		}
	})
}

// TestOperatorCommandsShowProgress: demo, audit verify, keys verify and
// keys rotate report on standard error; keys verify and keys rotate
// interrupted exit 130 and leave every document readable.
func TestOperatorCommandsShowProgress(t *testing.T) {
	// The commands' storage behaviour is tested on both engines in
	// internal/app; here SQLite shows what the operator sees.
	db := engineArgs("", t.TempDir())
	run := func(args ...string) (string, string, error) { return runCLI(t, nil, "", append(args, db...)...) }
	if _, errOut, err := run("demo"); err != nil || !strings.Contains(errOut, "Loading the demo firm  [") || !strings.Contains(errOut, "100%") {
		t.Fatalf("demo: %v\n%s", err, errOut)
	}
	if out, errOut, err := run("audit", "verify"); err != nil || !strings.Contains(errOut, "Verifying the audit trail") || !strings.Contains(out, "verifies") {
		t.Fatalf("audit verify: %v\n%s\n%s", err, out, errOut)
	}
	out, errOut, err := run("keys", "verify")
	if err != nil || !strings.Contains(errOut, "Verifying documents  [") {
		t.Fatalf("keys verify: %v\n%s\n%s", err, out, errOut)
	}
	_, errOut, err = runCancelling(t, "Verifying documents", 1, append([]string{"keys", "verify"}, db...)...)
	if exitStatus(err) != 130 || !strings.Contains(describe(err), "changes nothing") {
		t.Fatalf("interrupted keys verify: exit %d, %v\n%s", exitStatus(err), err, errOut)
	}
	key := filepath.Join(t.TempDir(), "new.kek")
	if _, errOut, err := run("keys", "generate", "--out", key); err != nil {
		t.Fatalf("keys generate: %v\n%s", err, errOut)
	}
	_, errOut, err = runCancelling(t, "Rewrapping document keys", 1, append([]string{"keys", "rotate", "--new-key-file", key, "--batch", "1"}, db...)...)
	if exitStatus(err) != 130 || !strings.Contains(describe(err), "every document is readable while both keys are configured") {
		t.Fatalf("interrupted keys rotate: exit %d, %v\n%s", exitStatus(err), err, errOut)
	}
	// With both keys configured (the new one retired until the rotation
	// ends), every document still opens; rerun, the rotation completes.
	if out, errOut, err := run("keys", "verify", "--retired-key-files", key); err != nil {
		t.Fatalf("keys verify after an interrupted rotation: %v\n%s\n%s", err, out, errOut)
	}
	if out, errOut, err := run("keys", "rotate", "--new-key-file", key); err != nil || !strings.Contains(errOut, "Rewrapping document keys  [") {
		t.Fatalf("keys rotate: %v\n%s\n%s", err, out, errOut)
	}
}
