package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/probity/probity/internal/testenv"
)

// TestLedesExportCommand: `probity ledes export` writes a valid LEDES file
// of a client invoice to standard output or, through a temporary file
// renamed on success, to --out; the file passes `probity ledes validate`.
// An unknown number, a draft, another client's invoice and a total that is
// not the sum of the lines are clear errors that leave no file behind and
// an existing file unchanged.
func TestLedesExportCommand(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		dbURL, dir := e.URL(t)
		db := engineArgs(dbURL, dir)
		if _, errOut, err := runCLI(t, nil, "", append([]string{"demo"}, db...)...); err != nil {
			t.Fatalf("demo: %v\n%s", err, errOut)
		}
		s := openTestStore(t, dbURL, dir)
		const marcus, helen, sam = "marcus.oyelaran@hartwellcrane.example", "helen.calloway@callowayfreight.example", "sam.okafor@greenfieldcu.example"
		// Three invoices of Calloway's matter by the schema: sent, draft, and
		// sent with a total that is not the sum of its lines.
		for _, inv := range []struct {
			number, state string
			total         int
		}{{"INV-2019-0001", "sent", 60000}, {"INV-2019-0002", "draft", 60000}, {"INV-2019-0003", "sent", 60001}} {
			_, err := s.DB().Exec(`INSERT INTO client_invoices (number, kind, matter_id, client_id, currency, invoice_date, period_start, period_end,
				description, state, fees_minor, total_minor, line_count, created_by, created_at)
				SELECT $1, 'invoice', m.id, m.client_id, 'USD', '2026-03-31', '2026-03-01', '2026-03-31', 'March 2026', $2, 60000, $3, 2, m.responsible_attorney_id, 1
				FROM matters m WHERE m.number = '2026-0142'`, inv.number, inv.state, inv.total)
			if err != nil {
				t.Fatal(err)
			}
			_, err = s.DB().Exec(`INSERT INTO client_invoice_lines (invoice_id, position, type, source, line_date, units, unit_cost_minor, total_minor,
				task_code, activity_code, timekeeper_id, timekeeper_name, classification, description)
				SELECT ci.id, p.n, 'F', 'firm_time', '2026-03-0' || p.n, 150, 20000, 30000, 'L110', 'A104', 'HC-0107', 'Oyelaran, Marcus', 'PARTNR', 'Review'
				FROM client_invoices ci, (SELECT 1 AS n UNION ALL SELECT 2) p WHERE ci.number = $1`, inv.number)
			if err != nil {
				t.Fatal(err)
			}
		}
		run := func(args ...string) (string, string, error) {
			return runCLI(t, nil, "", append(args, db...)...)
		}
		out, errOut, err := run("ledes", "export", "--invoice", "INV-2019-0001", "--as", helen)
		if err != nil || !strings.HasPrefix(out, "LEDES1998B[]\n") || strings.Count(out, "|INV-2019-0001|") != 2 || !strings.Contains(out, "|600.00|") {
			t.Fatalf("stdout export: %v %s\n%s", err, errOut, out)
		}
		file := filepath.Join(t.TempDir(), "march.ledes")
		if _, errOut, err := run("ledes", "export", "--invoice", "INV-2019-0001", "--out", file, "--as", marcus); err != nil {
			t.Fatalf("--out: %v %s", err, errOut)
		}
		if b, err := os.ReadFile(file); err != nil || string(b) != out {
			t.Fatalf("--out wrote %q (%v), want the stdout export", b, err)
		}
		vout, _, err := runLedes(t, "", "ledes", "validate", file)
		if err != nil || !strings.Contains(vout, "valid LEDES 1998B: 1 invoices, 2 lines, totals 600.00") {
			t.Fatalf("validate: %v\n%s", err, vout)
		}

		for _, c := range []struct {
			number, as, want string
		}{
			{"INV-1999-0404", marcus, `no invoice numbered "INV-1999-0404"`},
			{"INV-2019-0002", marcus, "approve it first"},
			{"INV-2019-0002", helen, "not found"},
			{"INV-2019-0001", sam, `no invoice numbered "INV-2019-0001"`}, // outside the scope: as if it did not exist
			{"INV-2019-0003", marcus, "not the sum of its lines"},
		} {
			for _, target := range []string{file, filepath.Join(filepath.Dir(file), "new.ledes")} {
				_, errOut, err := run("ledes", "export", "--invoice", c.number, "--out", target, "--as", c.as)
				if exitStatus(err) != 1 || !strings.Contains(errOut+describe(err), c.want) {
					t.Errorf("%s as %s: %v %s, want %q", c.number, c.as, err, errOut, c.want)
				}
			}
			entries, _ := os.ReadDir(filepath.Dir(file))
			if len(entries) != 1 {
				t.Errorf("%s: files left behind: %v", c.number, entries)
			}
			if b, _ := os.ReadFile(file); string(b) != out {
				t.Errorf("%s: the existing file changed", c.number)
			}
		}
		if _, _, err := run("ledes", "export", "--invoice", "INV-2019-0001"); exitStatus(err) != 2 {
			t.Errorf("no --as: %v, want a usage error", err)
		}
	})
}
