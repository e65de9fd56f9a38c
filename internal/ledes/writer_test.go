package ledes

import (
	"bytes"
	"errors"
	"fmt"
	"iter"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/probity/probity/internal/domain"
)

func usd(minor int64) domain.Money { return domain.NewMoney(minor, "USD") }

// sampleInvoice is sample_valid.txt as the model.
func sampleInvoice() (Invoice, []Line) {
	inv := Invoice{Date: "1999-02-25", Number: "96542", ClientID: "00711", LawFirmMatterID: "0528", ClientMatterID: "423-987",
		Start: "1999-01-01", End: "1999-01-31", Description: "For services rendered", LawFirmID: "24-6437381", Total: usd(168445)}
	lines := []Line{
		{Number: 1, Type: TypeFee, Units: 200, Adjustment: usd(-7000), Total: usd(63000), UnitCost: usd(35000), Date: "1999-01-15",
			TaskCode: "L510", ActivityCode: "A102", TimekeeperID: "22547", Description: "Research Attorney's fees, Set off claim",
			TimekeeperName: "Arnsley, Robert", TimekeeperClassification: "PARTNR"},
		{Number: 2, Type: TypeFee, Units: 350, Total: usd(87500), UnitCost: usd(25000), Date: "1999-01-20",
			TaskCode: "L520", ActivityCode: "A103", TimekeeperID: "22547", Description: "Draft appellate brief",
			TimekeeperName: "Arnsley, Robert", TimekeeperClassification: "PARTNR"},
		{Number: 3, Type: TypeExpense, Units: 100, Total: usd(17945), UnitCost: usd(17945), Date: "1999-01-22", ExpenseCode: "E106"},
	}
	return inv, lines
}

func seqOf(lines []Line) iter.Seq2[Line, error] {
	return func(yield func(Line, error) bool) {
		for _, l := range lines {
			if !yield(l, nil) {
				return
			}
		}
	}
}

// TestWriteSample writes the sample invoice and compares it byte for byte
// with sample_valid.txt, whose amounts the writer renders with 2 decimals.
func TestWriteSample(t *testing.T) {
	inv, lines := sampleInvoice()
	var buf bytes.Buffer
	w := NewWriter(&buf)
	if err := w.WriteInvoice(inv, seqOf(lines)); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := strings.NewReplacer("|-70|630|", "|-70.00|630.00|", "|350|", "|350.00|").Replace(readSample(t, "sample_valid.txt"))
	if buf.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", buf.String(), want)
	}
}

func TestWriterRefuses(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(*Invoice, []Line) []Line
		field string
		msg   string
	}{
		{"yen", func(i *Invoice, l []Line) []Line { i.Total = domain.NewMoney(1000, "JPY"); return l }, FInvoiceTotal, "JPY has 0"},
		{"dinar", func(i *Invoice, l []Line) []Line { i.Total = domain.NewMoney(1000, "KWD"); return l }, FInvoiceTotal, "KWD has 3"},
		{"no currency", func(i *Invoice, l []Line) []Line { i.Total = domain.Money{Minor: 5}; return l }, FInvoiceTotal, "not a supported currency"},
		{"long number", func(i *Invoice, l []Line) []Line { i.Number = strings.Repeat("9", 21); return l }, FInvoiceNumber, "longer than 20"},
		{"long client id", func(i *Invoice, l []Line) []Line { i.ClientID = strings.Repeat("c", 21); return l }, FClientID, "longer than 20"},
		{"long client matter id", func(i *Invoice, l []Line) []Line { i.ClientMatterID = strings.Repeat("m", 21); return l }, FClientMatterID, "longer than 20"},
		{"no matter id", func(i *Invoice, l []Line) []Line { i.LawFirmMatterID = ""; return l }, FLawFirmMatterID, "is required"},
		{"pipe", func(i *Invoice, l []Line) []Line { i.Description = "a|b"; return l }, FInvoiceDescription, `"|"`},
		{"terminator", func(i *Invoice, l []Line) []Line { l[1].Description = "a[]b"; return l }, FLineItemDescription, `"[]"`},
		{"newline", func(i *Invoice, l []Line) []Line { l[0].TimekeeperName = "Arnsley,\nRobert"; return l }, FTimekeeperName, "line break"},
		{"non-ASCII", func(i *Invoice, l []Line) []Line { l[0].TimekeeperName = "Arnsléy"; return l }, FTimekeeperName, "non-ASCII"},
		{"bad date", func(i *Invoice, l []Line) []Line { i.Date = "1999-02-30"; return l }, FInvoiceDate, "not a date"},
		{"bad line date", func(i *Invoice, l []Line) []Line { l[2].Date = "19990122"; return l }, FLineItemDate, "not a date"},
		{"period backwards", func(i *Invoice, l []Line) []Line { i.Start = "1999-02-01"; return l }, FBillingEndDate, "before it starts"},
		{"unknown type", func(i *Invoice, l []Line) []Line { l[0].Type = "X"; return l }, FType, "not a line type"},
		{"line total", func(i *Invoice, l []Line) []Line { l[0].Total = usd(63001); return l }, FLineItemTotal, "630.01 is not units × unit cost + adjustment = 2.00 × 350.00 + -70.00 = 630.00"},
		{"currency mix", func(i *Invoice, l []Line) []Line { l[0].UnitCost = domain.NewMoney(35000, "EUR"); return l }, FUnitCost, "in EUR, the invoice in USD"},
		{"unknown task", func(i *Invoice, l []Line) []Line { l[0].TaskCode = "L999"; return l }, FTaskCode, "not a UTBMS task code"},
		{"fee without activity", func(i *Invoice, l []Line) []Line { l[0].ActivityCode = ""; return l }, FActivityCode, "needs a UTBMS activity code"},
		{"expense without code", func(i *Invoice, l []Line) []Line { l[2].ExpenseCode = ""; return l }, FExpenseCode, "needs a UTBMS expense code"},
		{"lower-case code", func(i *Invoice, l []Line) []Line { l[2].ExpenseCode = "e106"; return l }, FExpenseCode, "not a UTBMS expense code"},
		{"fee without timekeeper", func(i *Invoice, l []Line) []Line { l[1].TimekeeperID = ""; return l }, FTimekeeperID, "required on a fee line"},
		{"duplicate line number", func(i *Invoice, l []Line) []Line { l[2].Number = 1; return l }, FLineItemNumber, "used twice"},
		{"line number zero", func(i *Invoice, l []Line) []Line { l[2].Number = 0; return l }, FLineItemNumber, "start at 1"},
		{"negative units", func(i *Invoice, l []Line) []Line { l[2].Units = -100; return l }, FUnits, "negative"},
		{"total up front wrong", func(i *Invoice, l []Line) []Line { i.Total = usd(168446); return l }, FInvoiceTotal, "1684.46, is not the sum of its lines, 1684.45; discard the output"},
		{"amount too large", func(i *Invoice, l []Line) []Line { l[2].UnitCost = usd(1e17); return l }, FUnitCost, "too large for LEDES"},
		{"no lines", func(i *Invoice, l []Line) []Line { return nil }, FLineItemNumber, "has no lines"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			inv, lines := sampleInvoice()
			lines = c.edit(&inv, lines)
			w := NewWriter(&bytes.Buffer{})
			err := w.WriteInvoice(inv, seqOf(lines))
			if domain.ErrorCode(err) != domain.EInvalid || domain.ErrorField(err) != c.field || !strings.Contains(domain.ErrorMessage(err), c.msg) {
				t.Fatalf("err = %v; want invalid %s containing %q", err, c.field, c.msg)
			}
			// The writer is spent: a valid invoice is refused after an error.
			inv2, lines2 := sampleInvoice()
			inv2.Number = "other"
			if err2 := w.WriteInvoice(inv2, seqOf(lines2)); !errors.Is(err2, err) {
				t.Fatalf("after an error: %v", err2)
			}
		})
	}
}

func TestWriterDuplicateInvoiceAndIteratorError(t *testing.T) {
	inv, lines := sampleInvoice()
	w := NewWriter(&bytes.Buffer{})
	if err := w.WriteInvoice(inv, seqOf(lines)); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteInvoice(inv, seqOf(lines)); domain.ErrorField(err) != FInvoiceNumber || !strings.Contains(err.Error(), "already in this file") {
		t.Fatalf("duplicate invoice: %v", err)
	}
	boom := errors.New("database gone")
	w = NewWriter(&bytes.Buffer{})
	err := w.WriteInvoice(inv, func(yield func(Line, error) bool) {
		if yield(lines[0], nil) {
			yield(Line{}, boom)
		}
	})
	if !errors.Is(err, boom) {
		t.Fatalf("iterator error: %v", err)
	}
}

// randomInvoice builds a seeded random valid invoice with n lines.
func randomInvoice(rng *rand.Rand, k, n int) (Invoice, []Line) {
	inv := Invoice{Date: "2026-02-03", Number: fmt.Sprintf("INV-%d-%d", k, rng.IntN(1e6)), ClientID: fmt.Sprintf("C%d", rng.IntN(1e9)),
		LawFirmMatterID: fmt.Sprintf("M-%d", rng.IntN(1e6)), ClientMatterID: []string{"", "CM-1"}[rng.IntN(2)],
		Start: "2026-01-01", End: "2026-01-31", Description: "Outsourced review", LawFirmID: "12-3456789"}
	cur := domain.Currency([]string{"USD", "EUR", "INR", "GBP"}[rng.IntN(4)])
	tasks, acts, exps := sortedKeys(domain.LitigationTasks), sortedKeys(domain.Activities), sortedKeys(domain.Expenses)
	sum := domain.NewMoney(0, cur)
	lines := make([]Line, 0, n)
	for i := range n {
		l := Line{Number: i + 1, Units: rng.Int64N(100_000), UnitCost: domain.NewMoney(rng.Int64N(1_000_000)-10_000, cur),
			Adjustment: domain.NewMoney(-rng.Int64N(5_000), cur), Date: domain.Date(fmt.Sprintf("2026-01-%02d", 1+rng.IntN(31))),
			Description: "work " + fmt.Sprint(rng.Int())}
		switch rng.IntN(4) {
		case 0, 1:
			l.Type, l.TaskCode, l.ActivityCode = TypeFee, tasks[rng.IntN(len(tasks))], acts[rng.IntN(len(acts))]
			l.TimekeeperID, l.TimekeeperName, l.TimekeeperClassification = "VP-7", "Rao, Priya", "PARALEGAL"
		case 2:
			l.Type, l.ExpenseCode = TypeExpense, exps[rng.IntN(len(exps))]
		default:
			l.Type, l.Units, l.UnitCost = []string{TypeFeeAdjustment, TypeExpenseAdjustment}[rng.IntN(2)], 0, domain.Money{}
		}
		amount, _ := domain.LineAmount(l.Units, domain.NewMoney(l.UnitCost.Minor, cur))
		l.Total, _ = amount.Add(l.Adjustment)
		sum, _ = sum.Add(l.Total)
		lines = append(lines, l)
	}
	inv.Total = sum
	return inv, lines
}

func sortedKeys(m map[string]string) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// TestWriteValidateProperty: seeded random files of several invoices, written
// and validated, have no problem, and the validator's totals are the sums.
func TestWriteValidateProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(1998, 8))
	for round := range 200 {
		var buf bytes.Buffer
		w := NewWriter(&buf)
		k := 1 + rng.IntN(4)
		var want []InvoiceSummary
		records := 0
		for i := range k {
			inv, lines := randomInvoice(rng, i, 1+rng.IntN(30))
			if err := w.WriteInvoice(inv, seqOf(lines)); err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
			records += len(lines)
			want = append(want, InvoiceSummary{Number: inv.Number, Lines: len(lines), Total: inv.Total.Minor, Sum: inv.Total.Minor})
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		rep := validate(t, buf.String())
		if !rep.Valid() {
			t.Fatalf("round %d: %v\n%s", round, rep.Problems, buf.String())
		}
		if rep.Records != records || len(rep.Invoices) != k {
			t.Fatalf("round %d: %d records, %d invoices", round, rep.Records, len(rep.Invoices))
		}
		for i, inv := range rep.Invoices {
			inv.FirstLine = 0
			if inv != want[i] {
				t.Fatalf("round %d: invoice %+v, want %+v", round, inv, want[i])
			}
		}
	}
}
