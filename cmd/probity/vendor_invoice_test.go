package main

import (
	"strconv"
	"strings"
	"testing"

	"github.com/probity/probity/internal/testenv"
)

// TestVendorInvoiceCommands: the vendor's manager submits the engagement's
// approved time from the command line; the firm disputes, resolves and
// approves with the exchange rate; the vendor approving and a bad period are
// refused, changing nothing.
func TestVendorInvoiceCommands(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		dbURL, dir := e.URL(t)
		db := engineArgs(dbURL, dir)
		if _, errOut, err := runCLI(t, nil, "", append([]string{"demo"}, db...)...); err != nil {
			t.Fatalf("demo: %v\n%s", err, errOut)
		}
		s := openTestStore(t, dbURL, dir)
		for _, q := range []string{`DELETE FROM vendor_invoice_messages`, `DELETE FROM vendor_invoice_lines`, `DELETE FROM vendor_invoices`} {
			if _, err := s.DB().Exec(q); err != nil {
				t.Fatal(err)
			}
		}
		var eid int64
		var first, last string
		if err := s.DB().QueryRow(`SELECT e.id, MIN(t.worked_on), MAX(t.worked_on) FROM engagements e JOIN matters m ON m.id = e.matter_id
			JOIN vendors v ON v.id = e.vendor_id JOIN time_entries t ON t.engagement_id = e.id
			WHERE m.number = '2026-0142' AND v.name LIKE 'Lexora%' AND e.stage = 'active' AND t.state = 'approved' GROUP BY e.id`).Scan(&eid, &first, &last); err != nil {
			t.Fatal(err)
		}
		const anika, marcus = "anika.deshmukh@lexora.example", "marcus.oyelaran@hartwellcrane.example"
		run := func(args ...string) (string, error) {
			out, errOut, err := runCLI(t, nil, "", append(args, db...)...)
			if err != nil {
				errOut += err.Error()
			}
			return out + errOut, err
		}
		eng := strconv.FormatInt(eid, 10)
		if out, err := run("vendor-invoice", "submit", "--engagement", eng, "--number", "LX-CLI-1", "--period", first, "--as", anika); exitStatus(err) != 1 ||
			!strings.Contains(out, "FROM..TO") {
			t.Errorf("a bad period: exit %d\n%s", exitStatus(err), out)
		}
		if n := countTableRows(t, s, "vendor_invoices"); n != 0 {
			t.Fatalf("a refused submission saved %d invoices", n)
		}
		out, err := run("vendor-invoice", "submit", "--engagement", eng, "--number", "LX-CLI-1", "--period", first+".."+last, "--rate", "ASSOC=1650",
			"--classification", "rohan.kulkarni@lexora.example=ASSOC", "--classification", "meera.iyer@lexora.example=ASSOC", "--as", anika)
		if err != nil || !strings.Contains(out, "Submitted invoice LX-CLI-1") {
			t.Fatalf("submit: %v\n%s", err, out)
		}
		var id int64
		if err := s.DB().QueryRow(`SELECT id FROM vendor_invoices WHERE number = 'LX-CLI-1'`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		inv := strconv.FormatInt(id, 10)
		if out, err := run("vendor-invoice", "approve", "--id", inv, "--fx-rate", "0.012", "--fx-date", first, "--as", anika); exitStatus(err) != 1 || !strings.Contains(out, "not allow") {
			t.Errorf("the vendor approving: exit %d\n%s", exitStatus(err), out)
		}
		for _, args := range [][]string{
			{"dispute", "--id", inv, "--line", "1", "--message", "Which batch?", "--as", marcus},
			{"reply", "--id", inv, "--line", "1", "--message", "Batch 12.", "--as", anika},
			{"resolve", "--id", inv, "--line", "1", "--action", "accept", "--as", marcus},
		} {
			if out, err := run(append([]string{"vendor-invoice"}, args...)...); err != nil {
				t.Fatalf("%v: %v\n%s", args, err, out)
			}
		}
		out, err = run("vendor-invoice", "approve", "--id", inv, "--fx-rate", "0.0120", "--fx-date", first, "--as", marcus)
		if err != nil || !strings.Contains(out, "Approved invoice LX-CLI-1") || !strings.Contains(out, "USD") {
			t.Fatalf("approve: %v\n%s", err, out)
		}
		out, err = run("vendor-invoice", "show", "--id", inv, "--as", marcus)
		if err != nil || !strings.Contains(out, "approved") || !strings.Contains(out, "Batch 12.") {
			t.Errorf("show: %v\n%s", err, out)
		}
		if out, err := run("vendor-invoice", "list", "--as", anika); err != nil || !strings.Contains(out, "LX-CLI-1") {
			t.Errorf("list: %v\n%s", err, out)
		}
	})
}
