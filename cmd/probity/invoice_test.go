package main

import (
	"strings"
	"testing"

	"github.com/probity/probity/internal/testenv"
)

// TestInvoiceCommands: `probity invoice` refuses a draft without --matter
// (exit 2) and with bad dates (exit 1, nothing saved), drafts Marcus's
// time on the Calloway matter, approves, sends, shows it (with "never
// billed"), records payment and issues a credit note for line 1; a second
// credit of the same line is refused.
func TestInvoiceCommands(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		dbURL, dir := e.URL(t)
		db := engineArgs(dbURL, dir)
		if _, errOut, err := runCLI(t, nil, "", append([]string{"demo"}, db...)...); err != nil {
			t.Fatalf("demo: %v\n%s", err, errOut)
		}
		s := openTestStore(t, dbURL, dir)
		const marcus, rosa = "marcus.oyelaran@hartwellcrane.example", "rosa.jimenez@hartwellcrane.example"
		var mid, uid int64
		var matter string
		if err := s.DB().QueryRow(`SELECT m.id, m.number, u.id FROM matters m, users u WHERE m.number = '2026-0142' AND u.email = $1`, marcus).Scan(&mid, &matter, &uid); err != nil {
			t.Fatal(err)
		}
		if _, err := s.DB().Exec(`INSERT INTO firm_time_entries (matter_id, user_id, worked_on, tenths, purpose, task_code, activity_code, narrative, created_by, created_at)
			VALUES ($1, $2, '2026-02-02', 15, 'matter', 'L120', 'A101', 'Strategy call', $2, 1)`, mid, uid); err != nil {
			t.Fatal(err)
		}
		run := func(args ...string) (string, error) {
			out, errOut, err := runCLI(t, nil, "", append(args, db...)...)
			if err != nil {
				errOut += err.Error()
			}
			return out + errOut, err
		}
		count := func() int {
			var n int
			if err := s.DB().QueryRow(`SELECT COUNT(*) FROM client_invoices`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if _, err := run("invoice", "draft", "--from", "2026-02-01", "--to", "2026-02-28", "--as", rosa); exitStatus(err) != 2 {
			t.Fatalf("draft without --matter: %v", err)
		}
		before := count()
		if out, err := run("invoice", "draft", "--matter", matter, "--from", "2026-02-28", "--to", "2026-02-01", "--as", rosa); exitStatus(err) != 1 || !strings.Contains(out, "before it starts") || count() != before {
			t.Fatalf("bad period: %v\n%s", err, out)
		}
		out, err := run("invoice", "draft", "--matter", matter, "--from", "2026-02-01", "--to", "2026-02-28", "--date", "2026-03-01", "--as", rosa)
		if err != nil || !strings.Contains(out, "Drafted INV-2026-") {
			t.Fatalf("draft: %v\n%s", err, out)
		}
		var number string
		if err := s.DB().QueryRow(`SELECT number FROM client_invoices ORDER BY id DESC LIMIT 1`).Scan(&number); err != nil {
			t.Fatal(err)
		}
		for _, step := range [][]string{{"approve", "--as", marcus}, {"send", "--as", rosa}, {"paid", "--on", "2026-03-20", "--as", rosa}} {
			if out, err := run(append([]string{"invoice", step[0], "--invoice", number}, step[1:]...)...); err != nil {
				t.Fatalf("%s: %v\n%s", step[0], err, out)
			}
		}
		if out, err := run("invoice", "show", "--invoice", number, "--as", rosa); err != nil || !strings.Contains(out, "paid") || !strings.Contains(out, "never billed") || !strings.Contains(out, "USD 1,425.00") {
			t.Fatalf("show: %v\n%s", err, out)
		}
		if out, err := run("invoice", "credit", "--invoice", number, "--reason", "Billed at the wrong rate", "--lines", "1", "--as", rosa); err != nil || !strings.Contains(out, "CN-2026-") {
			t.Fatalf("credit: %v\n%s", err, out)
		}
		before = count()
		if out, err := run("invoice", "credit", "--invoice", number, "--reason", "Billed at the wrong rate", "--lines", "1", "--as", rosa); exitStatus(err) != 1 || !strings.Contains(out, "already credited") || count() != before {
			t.Fatalf("credit twice: %v\n%s", err, out)
		}
		if out, err := run("invoice", "list", "--state", "paid", "--as", rosa); err != nil || !strings.Contains(out, number) {
			t.Fatalf("list: %v\n%s", err, out)
		}
	})
}
