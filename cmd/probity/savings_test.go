package main

import (
	"encoding/csv"
	"strings"
	"testing"

	"github.com/probity/probity/internal/testenv"
)

// TestFirmTimeBudgetSavingsCommands: `probity firm-time` refuses a future
// day and supervision without an engagement (nothing saved) and records
// and lists time; `probity budget` refuses another currency (naming the
// firm's) and a staff member, sets and lists; `probity savings` prints the
// week's figures and the same numbers as CSV.
func TestFirmTimeBudgetSavingsCommands(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		dbURL, dir := e.URL(t)
		db := engineArgs(dbURL, dir)
		if _, errOut, err := runCLI(t, nil, "", append([]string{"demo"}, db...)...); err != nil {
			t.Fatalf("demo: %v\n%s", err, errOut)
		}
		s := openTestStore(t, dbURL, dir)
		const marcus, daniel = "marcus.oyelaran@hartwellcrane.example", "daniel.brooks@hartwellcrane.example"
		var eng, matter string
		if err := s.DB().QueryRow(`SELECT CAST(e.id AS TEXT), m.number FROM engagements e JOIN vendors v ON v.id = e.vendor_id JOIN matters m ON m.id = e.matter_id
			WHERE e.stage = 'active' AND v.name LIKE 'Lexora%'`).Scan(&eng, &matter); err != nil {
			t.Fatal(err)
		}
		run := func(args ...string) (string, error) {
			out, errOut, err := runCLI(t, nil, "", append(args, db...)...)
			if err != nil {
				errOut += err.Error()
			}
			return out + errOut, err
		}
		count := func(table string) int {
			var n int
			if err := s.DB().QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		entries := count("firm_time_entries")
		add := []string{"firm-time", "add", "--matter", matter, "--date", "2026-03-03", "--hours", "1.5", "--purpose", "supervision", "--engagement", eng,
			"--task", "L110", "--activity", "A104", "--narrative", "Checked privilege calls", "--as", marcus}
		bad := append([]string{}, add...)
		bad[5] = "2099-01-01"
		if out, err := run(bad...); exitStatus(err) != 1 || !strings.Contains(out, "in the future") {
			t.Fatalf("a future day: %v\n%s", err, out)
		}
		bad = append([]string{}, add...)
		bad[11] = "0"
		if out, err := run(bad...); exitStatus(err) != 1 || !strings.Contains(out, "names the engagement") {
			t.Fatalf("supervision without an engagement: %v\n%s", err, out)
		}
		if count("firm_time_entries") != entries {
			t.Fatal("a refused entry was saved")
		}
		if out, err := run(add...); err != nil || !strings.Contains(out, "1.5 hours of supervision") {
			t.Fatalf("add: %v\n%s", err, out)
		}
		if out, err := run("firm-time", "list", "--matter", matter, "--from", "2026-03-01", "--to", "2026-03-31", "--as", marcus); err != nil ||
			!strings.Contains(out, "Checked privilege calls") || !strings.Contains(out, "unbilled") {
			t.Fatalf("list: %v\n%s", err, out)
		}

		budgets := count("budgets")
		if out, err := run("budget", "set", "--matter", matter, "--amount", "250000", "--currency", "EUR", "--as", marcus); exitStatus(err) != 1 || !strings.Contains(out, "USD") {
			t.Fatalf("a budget in EUR: %v\n%s", err, out)
		}
		if out, err := run("budget", "set", "--matter", matter, "--amount", "250000", "--as", daniel); exitStatus(err) != 1 {
			t.Fatalf("staff set a budget: %v\n%s", err, out)
		}
		if count("budgets") != budgets {
			t.Fatal("a refused budget was saved")
		}
		if out, err := run("budget", "set", "--matter", matter, "--amount", "250000", "--as", marcus); err != nil || !strings.Contains(out, "USD 250,000.00") {
			t.Fatalf("budget set: %v\n%s", err, out)
		}

		out, err := run("savings", "--by", "week", "--from", "2026-03-02", "--to", "2026-03-08", "--matter", matter, "--as", marcus)
		if err != nil || !strings.Contains(out, "2026-W10") || !strings.Contains(out, "-1.50") {
			t.Fatalf("savings: %v\n%s", err, out)
		}
		out, err = run("savings", "--by", "week", "--from", "2026-03-02", "--to", "2026-03-08", "--matter", matter, "--csv", "--as", marcus)
		if err != nil {
			t.Fatalf("savings --csv: %v\n%s", err, out)
		}
		rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil || len(rows) < 2 || rows[1][0] != "2026-W10" || rows[1][6] != "1.50" || rows[1][8] != "-1.50" {
			t.Fatalf("csv: %v %q", err, rows)
		}
	})
}
