package ledes

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/probity/probity/internal/domain"
)

// FuzzValidate: no input makes Validate panic or hang, and the report is
// consistent (the list capped, the count at least the list, a valid file
// has a record and invoices whose totals are their sums).
func FuzzValidate(f *testing.F) {
	for _, name := range []string{"sample_valid.txt", "sample_record_only.txt", "sample_two_invoices_crlf.txt"} {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(Magic + "\n" + Header + "\n|||||||||||||||||||||||[]\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		rep, err := Validate(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("Validate on a bytes.Reader: %v", err)
		}
		if len(rep.Problems) > MaxProblems || rep.ProblemCount < len(rep.Problems) {
			t.Fatalf("listed %d, counted %d", len(rep.Problems), rep.ProblemCount)
		}
		if rep.Lines > bytes.Count(data, []byte("\n"))+1 {
			t.Fatalf("%d lines read from %d newlines", rep.Lines, bytes.Count(data, []byte("\n")))
		}
		if rep.Valid() {
			if rep.Records == 0 {
				t.Fatal("a valid file without records")
			}
			for _, inv := range rep.Invoices {
				if inv.Total != inv.Sum {
					t.Fatalf("valid, but invoice %+v", inv)
				}
			}
		}
	})
}

// FuzzWriteValidate: whatever the writer accepts, the validator finds valid,
// with the totals the writer wrote.
func FuzzWriteValidate(f *testing.F) {
	f.Add("96542", "For services rendered", "Research", int64(200), int64(35000), int64(-7000), "F", "L510", "A102", "USD")
	f.Add("INV-1", "Copies", "Copying", int64(12100), int64(50), int64(0), "E", "", "E101", "EUR")
	f.Add("INV-2", "Discount", "Volume discount", int64(0), int64(0), int64(-12500), "IF", "", "", "INR")
	f.Add("X|Y", "a[]b", "line\nbreak", int64(-1), int64(1), int64(0), "Z", "L999", "A999", "JPY")
	f.Fuzz(func(t *testing.T, number, invDesc, lineDesc string, units, cost, adj int64, typ, code1, code2, cur string) {
		c := domain.Currency(cur)
		l := Line{Number: 1, Type: typ, Units: units, UnitCost: domain.NewMoney(cost, c), Adjustment: domain.NewMoney(adj, c),
			Date: "2026-01-15", Description: lineDesc, TimekeeperID: "T1", TimekeeperName: "Name", TimekeeperClassification: "PARALEGAL"}
		switch typ {
		case TypeFee:
			l.TaskCode, l.ActivityCode = code1, code2
		case TypeExpense:
			l.TaskCode, l.ExpenseCode = code1, code2
		default:
			l.TaskCode, l.ExpenseCode = code1, code2
		}
		amount, err := domain.LineAmount(units, l.UnitCost)
		if err == nil {
			l.Total, err = amount.Add(l.Adjustment)
		}
		if err != nil {
			return
		}
		second := l
		second.Number = 2
		total, err := l.Total.Add(second.Total)
		if err != nil {
			return
		}
		inv := Invoice{Date: "2026-02-01", Number: number, ClientID: "C1", LawFirmMatterID: "M1", Start: "2026-01-01", End: "2026-01-31",
			Description: invDesc, LawFirmID: "12-3456789", Total: total}
		var buf bytes.Buffer
		w := NewWriter(&buf)
		if err := w.WriteInvoice(inv, seqOf([]Line{l, second})); err != nil {
			if domain.ErrorCode(err) != domain.EInvalid || domain.ErrorField(err) == "" {
				t.Fatalf("refusal without a field: %v", err)
			}
			return
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		rep, err := Validate(strings.NewReader(buf.String()))
		if err != nil {
			t.Fatal(err)
		}
		if !rep.Valid() {
			t.Fatalf("written but invalid: %v\n%s", rep.Problems, buf.String())
		}
		if len(rep.Invoices) != 1 || rep.Invoices[0].Total != total.Minor || rep.Invoices[0].Sum != total.Minor || rep.Records != 2 {
			t.Fatalf("report %+v, total %v", rep, total)
		}
	})
}
