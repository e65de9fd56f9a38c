package main

import (
	"strings"
	"testing"

	"github.com/probity/probity/internal/testenv"
)

// TestRateCommands: `probity rate timekeeper` lists the demo timekeepers,
// refuses an unknown classification and a duplicate LEDES id (nothing
// saved) and sets Rosa as a timekeeper with a dated rate; `probity rate
// card` refuses a line in the wrong currency and from a vendor manager
// (nothing saved), adds one in the vendor's currency, and shows it.
func TestRateCommands(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		dbURL, dir := e.URL(t)
		db := engineArgs(dbURL, dir)
		if _, errOut, err := runCLI(t, nil, "", append([]string{"demo"}, db...)...); err != nil {
			t.Fatalf("demo: %v\n%s", err, errOut)
		}
		s := openTestStore(t, dbURL, dir)
		const eleanor, marcus, anika = "eleanor.hartwell@hartwellcrane.example", "marcus.oyelaran@hartwellcrane.example", "anika.deshmukh@lexora.example"
		const rosa = "rosa.jimenez@hartwellcrane.example"
		var id string
		if err := s.DB().QueryRow(`SELECT e.id FROM engagements e JOIN vendors v ON v.id = e.vendor_id WHERE e.stage = 'active' AND v.name LIKE 'Lexora%'`).Scan(&id); err != nil {
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
		out, err := run("rate", "timekeeper", "list", "--as", eleanor)
		if err != nil || !strings.Contains(out, "HC-0107") || !strings.Contains(out, "PARTNR") || !strings.Contains(out, "USD 950.00 an hour") {
			t.Fatalf("timekeeper list: %v\n%s", err, out)
		}
		tks, rates := count("timekeepers"), count("timekeeper_rates")
		if out, err := run("rate", "timekeeper", "set", "--user", rosa, "--ledes-id", "HC-0400", "--classification", "BILLER", "--as", eleanor); exitStatus(err) != 1 ||
			!strings.Contains(out, "not a LEDES timekeeper classification") {
			t.Fatalf("unknown classification: %v\n%s", err, out)
		}
		if out, err := run("rate", "timekeeper", "set", "--user", rosa, "--ledes-id", "HC-0107", "--classification", "OTHER", "--as", eleanor); exitStatus(err) != 1 ||
			!strings.Contains(out, "already Marcus Oyelaran's") {
			t.Fatalf("duplicate LEDES id: %v\n%s", err, out)
		}
		if out, err := run("rate", "timekeeper", "set", "--user", rosa, "--ledes-id", "HC-0400", "--classification", "OTHER", "--as", marcus); exitStatus(err) != 1 {
			t.Fatalf("an attorney setting a timekeeper: %v\n%s", err, out)
		}
		if count("timekeepers") != tks || count("timekeeper_rates") != rates {
			t.Fatal("a refused timekeeper was saved")
		}
		out, err = run("rate", "timekeeper", "set", "--user", rosa, "--ledes-id", "HC-0400", "--classification", "other", "--rate", "150.00", "--from", "2026-01-01", "--as", eleanor)
		if err != nil || !strings.Contains(out, "Rosa Jimenez is timekeeper HC-0400 (OTHER)") || !strings.Contains(out, "USD 150.00 an hour from 2026-01-01") {
			t.Fatalf("timekeeper set: %v\n%s", err, out)
		}

		lines := count("rate_card_lines")
		if out, err := run("rate", "card", "add", "--engagement", id, "--kind", "hourly", "--classification", "ASSOC", "--amount", "20", "--currency", "USD",
			"--from", "2026-03-01", "--as", marcus); exitStatus(err) != 1 || !strings.Contains(out, "the rate card is in INR") || !strings.Contains(out, "got USD") {
			t.Fatalf("wrong currency: %v\n%s", err, out)
		}
		if out, err := run("rate", "card", "add", "--engagement", id, "--kind", "per_unit", "--unit", "page", "--amount", "4", "--from", "2026-03-01", "--as", anika); exitStatus(err) != 1 {
			t.Fatalf("a vendor manager adding a line: %v\n%s", err, out)
		}
		if count("rate_card_lines") != lines {
			t.Fatal("a refused rate card line was saved")
		}
		out, err = run("rate", "card", "add", "--engagement", id, "--kind", "per_unit", "--unit", "page", "--amount", "4.50", "--from", "2026-03-01", "--as", marcus)
		if err != nil || !strings.Contains(out, "per page at INR 4.50") {
			t.Fatalf("card add: %v\n%s", err, out)
		}
		out, err = run("rate", "card", "show", "--engagement", id, "--as", anika)
		if err != nil || !strings.Contains(out, "in INR") || !strings.Contains(out, "hourly ASSOC") || !strings.Contains(out, "per page") || !strings.Contains(out, "INR 1,650.00") {
			t.Fatalf("card show: %v\n%s", err, out)
		}
		if out, err := run("rate", "bogus"); exitStatus(err) != 2 || !strings.Contains(out, "probity rate timekeeper set") {
			t.Fatalf("usage: %v\n%s", err, out)
		}
	})
}
