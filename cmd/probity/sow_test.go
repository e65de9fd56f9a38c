package main

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/testenv"
)

// TestSOWTimeAndDeadlineCommands: `probity sow` shows the demo draft and
// approves it for the vendor side (the engagement becomes active) while a
// reviewer's approval is refused; `probity time add` refuses a future day
// and an unknown code, changing nothing, and records a good entry, which the
// vendor manager approves; `probity deadline add` refuses a day before today
// and sets a good one, which `deadline list` shows.
func TestSOWTimeAndDeadlineCommands(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		dbURL, dir := e.URL(t)
		db := engineArgs(dbURL, dir)
		if _, errOut, err := runCLI(t, nil, "", append([]string{"demo"}, db...)...); err != nil {
			t.Fatalf("demo: %v\n%s", err, errOut)
		}
		s := openTestStore(t, dbURL, dir)
		const anika, rohan, marcus = "anika.deshmukh@lexora.example", "rohan.kulkarni@lexora.example", "marcus.oyelaran@hartwellcrane.example"
		var id string
		if err := s.DB().QueryRow(`SELECT e.id FROM engagements e JOIN vendors v ON v.id = e.vendor_id WHERE e.stage = 'sow' AND v.name LIKE 'Lexora%'`).Scan(&id); err != nil {
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
		out, err := run("sow", "show", id, "--as", anika)
		if err != nil || !strings.Contains(out, "Draft version 1") || !strings.Contains(out, "Firm: approved by Marcus Oyelaran. Vendor: waiting.") {
			t.Fatalf("sow show: %v\n%s", err, out)
		}
		if out, err := run("sow", "approve", id, "--as", rohan); exitStatus(err) != 1 || !strings.Contains(out, "approve") {
			t.Fatalf("a reviewer approving: %v\n%s", err, out)
		}
		out, err = run("sow", "approve", id, "--as", anika)
		if err != nil || !strings.Contains(out, "the engagement is now active") || !regexp.MustCompile(`SHA-256 [0-9a-f]{64}`).MatchString(out) {
			t.Fatalf("sow approve: %v\n%s", err, out)
		}
		var stage string
		s.DB().QueryRow(`SELECT stage FROM engagements WHERE id = ` + id).Scan(&stage)
		if stage != "active" {
			t.Fatalf("stage after both approvals: %s", stage)
		}

		entries := count("time_entries")
		tomorrow := time.Now().UTC().AddDate(0, 0, 2).Format(time.DateOnly)
		if out, err := run("time", "add", "--engagement", id, "--date", tomorrow, "--hours", "2", "--narrative", "Drafting", "--as", rohan); exitStatus(err) != 1 ||
			!strings.Contains(out, "future") {
			t.Fatalf("time in the future: %v\n%s", err, out)
		}
		today := time.Now().UTC().Format(time.DateOnly)
		if out, err := run("time", "add", "--engagement", id, "--date", today, "--hours", "2", "--task", "L999", "--narrative", "Drafting", "--as", rohan); exitStatus(err) != 1 ||
			!strings.Contains(out, "L999") {
			t.Fatalf("an unknown code: %v\n%s", err, out)
		}
		if count("time_entries") != entries {
			t.Fatalf("refused time was written")
		}
		out, err = run("time", "add", "--engagement", id, "--date", today, "--hours", "2.5", "--narrative", "Drafted the opposition", "--submit", "--as", rohan)
		m := regexp.MustCompile(`Recorded entry (\d+): 2.5 hours`).FindStringSubmatch(out)
		if err != nil || m == nil || !strings.Contains(out, "submitted") {
			t.Fatalf("time add: %v\n%s", err, out)
		}
		if out, err := run("time", "approve", "--engagement", id, "--entry", m[1], "--as", anika); err != nil || !strings.Contains(out, "approved") {
			t.Fatalf("time approve: %v\n%s", err, out)
		}
		if out, err := run("time", "list", "--engagement", id, "--as", anika); err != nil || !strings.Contains(out, "approved: Drafted the opposition") {
			t.Fatalf("time list: %v\n%s", err, out)
		}

		if out, err := run("deadline", "add", "--engagement", id, "--title", "Late", "--due", "2020-01-01", "--as", marcus); exitStatus(err) != 1 || !strings.Contains(out, "before today") {
			t.Fatalf("a deadline before today: %v\n%s", err, out)
		}
		due := time.Now().UTC().AddDate(0, 0, 3).Format(time.DateOnly)
		if out, err := run("deadline", "add", "--engagement", id, "--title", "Opposition draft to Marcus", "--due", due, "--owner", rohan, "--as", marcus); err != nil ||
			!strings.Contains(out, "owned by Rohan Kulkarni") {
			t.Fatalf("deadline add: %v\n%s", err, out)
		}
		if out, err := run("deadline", "list", "--engagement", id, "--as", rohan); err != nil || !strings.Contains(out, due+" open      Opposition draft to Marcus") {
			t.Fatalf("deadline list: %v\n%s", err, out)
		}
	})
}
