package ledes

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/probity/probity/internal/domain"
)

// MaxProblems is the number of problems a Report lists; ProblemCount counts all.
const MaxProblems = 100

// tooLongMsg is the problem of an id over MaxIDLength.
var tooLongMsg = fmt.Sprintf("is longer than %d characters", MaxIDLength)

// maxRecord is the longest record the validator reads (bytes, line end included).
const maxRecord = 64 << 10

// Problem is one thing wrong with a file: its line (1-based), the field at
// fault ("" for the record as a whole) and what is wrong.
type Problem struct {
	Line    int
	Field   string
	Message string
}

// String renders `line 7, field LINE_ITEM_DATE: "20261301" is not a date YYYYMMDD`.
func (p Problem) String() string {
	if p.Field == "" {
		return fmt.Sprintf("line %d: %s", p.Line, p.Message)
	}
	return fmt.Sprintf("line %d, field %s: %s", p.Line, p.Field, p.Message)
}

// InvoiceSummary is what the validator found of one invoice. Amounts are in
// hundredths of the file's (unnamed) currency.
type InvoiceSummary struct {
	Number    string
	FirstLine int   // the line of its first record
	Lines     int   // its records
	Total     int64 // INVOICE_TOTAL as stated (0 when unreadable)
	Sum       int64 // Σ LINE_ITEM_TOTAL of its readable records
}

// Report is the result of Validate.
type Report struct {
	Lines        int // lines read, the two header lines included
	Records      int // line item records
	Invoices     []InvoiceSummary
	Problems     []Problem // the first MaxProblems, in file order (invoice totals last)
	ProblemCount int       // all problems found
}

// Valid reports whether the file had no problem.
func (r *Report) Valid() bool { return r.ProblemCount == 0 }

// Total is Σ INVOICE_TOTAL over the invoices, in hundredths, and false if it
// overflows.
func (r *Report) Total() (int64, bool) {
	var t int64
	for _, inv := range r.Invoices {
		s := t + inv.Total
		if (inv.Total > 0 && s < t) || (inv.Total < 0 && s > t) {
			return 0, false
		}
		t = s
	}
	return t, true
}

// FormatAmount renders an amount in hundredths as LEDES writes it ("1684.45").
func FormatAmount(v int64) string { return formatCents(v) }

// invoiceState is what the validator keeps per invoice number: its
// invoice-level fields (to compare the later records with), the running sum
// and the line item numbers seen.
type invoiceState struct {
	idx        int
	fields     [NumFields]string // invoice-level fields of its first record
	totalOK    bool
	incomplete bool // a line total was unreadable or the sum overflowed
	seen       lineSet
}

type validator struct {
	rep      Report
	invoices map[string]*invoiceState
	fields   [NumFields][]byte
}

func (v *validator) problem(line int, field, format string, args ...any) {
	v.rep.ProblemCount++
	if len(v.rep.Problems) < MaxProblems {
		v.rep.Problems = append(v.rep.Problems, Problem{Line: line, Field: field, Message: fmt.Sprintf(format, args...)})
	}
}

// Validate reads a LEDES 1998B file and reports every problem it finds (up to
// MaxProblems, all counted), naming line and field: line 1 exactly
// "LEDES1998B[]", line 2 exactly the header, 24 fields and a "[]" terminator
// on every record, each field's type and format, the type codes, the UTBMS
// codes, id lengths, line totals = units × unit cost + adjustment to the cent,
// unique line item numbers per invoice, invoice-level fields equal on all
// records of one invoice, and each invoice total = Σ its line totals.
//
// Amounts may carry 0, 1 or 2 decimals (the public sample writes "-70");
// more is a problem. A line total is accepted if it is the exact product
// units × unit cost rounded to the cent half to even, or, at an exact tie,
// the other neighbour (half up), since other systems round that way.
//
// It streams: memory is a record buffer plus a small state per invoice. The
// error is only for a failure to read r; problems of the file are in Report.
func Validate(r io.Reader) (Report, error) {
	v := &validator{invoices: map[string]*invoiceState{}}
	br := bufio.NewReaderSize(r, maxRecord)
	for {
		line, err := br.ReadSlice('\n')
		tooLong := false
		for errors.Is(err, bufio.ErrBufferFull) { // skip the rest of an overlong line
			tooLong = true
			_, err = br.ReadSlice('\n')
		}
		if len(line) == 0 && err == io.EOF && !tooLong {
			break
		}
		if err != nil && err != io.EOF {
			return v.rep, fmt.Errorf("ledes: reading line %d: %w", v.rep.Lines+1, err)
		}
		v.rep.Lines++
		n := v.rep.Lines
		if tooLong {
			v.problem(n, "", "the line is longer than %d bytes", maxRecord)
		} else {
			line = bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte("\r"))
			switch n {
			case 1:
				if string(line) != Magic {
					v.problem(n, "", "line 1 must be exactly %q; found %s", Magic, quote(line))
				}
			case 2:
				v.header(line)
			default:
				v.record(n, line)
			}
		}
		if err == io.EOF {
			break
		}
	}
	v.finish()
	return v.rep, nil
}

// header checks line 2, naming the first field that differs.
func (v *validator) header(line []byte) {
	if string(line) == Header {
		return
	}
	body, ok := bytes.CutSuffix(line, []byte("[]"))
	if !ok {
		v.problem(2, "", "the header must end with \"[]\"")
	}
	names := bytes.Split(body, []byte("|"))
	for i, want := range Fields {
		if i >= len(names) {
			v.problem(2, "", "the header has %d fields, not %d; it must be exactly %q", len(names), NumFields, Header)
			return
		}
		if string(names[i]) != want {
			v.problem(2, "", "header field %d is %s, not %q; the header must be exactly %q", i+1, quote(names[i]), want, Header)
			return
		}
	}
	if len(names) != NumFields {
		v.problem(2, "", "the header has %d fields, not %d; it must be exactly %q", len(names), NumFields, Header)
	} else if ok {
		v.problem(2, "", "the header must be exactly %q", Header)
	}
}

// record checks one line item record.
func (v *validator) record(n int, line []byte) {
	if len(line) == 0 {
		v.problem(n, "", "empty line; every line after the header is a record")
		return
	}
	body, ok := bytes.CutSuffix(line, []byte("[]"))
	if !ok {
		v.problem(n, "", "the record does not end with \"[]\"")
	}
	if c := bytes.Count(body, []byte("|")) + 1; c != NumFields {
		v.problem(n, "", "the record has %d fields, not %d", c, NumFields)
		return
	}
	v.rep.Records++
	f := &v.fields
	for i := range NumFields {
		j := bytes.IndexByte(body, '|')
		if j < 0 {
			j = len(body)
		}
		f[i] = body[:j]
		if j < len(body) {
			body = body[j+1:]
		}
	}
	var bad [NumFields]bool // fields already reported
	for i := range NumFields {
		if p := textProblem(f[i]); p != "" {
			v.problem(n, Fields[i], "%s %s", quote(f[i]), p)
			bad[i] = true
		}
	}
	// check reports field i as "<value> msg" (or msg alone when the value is
	// empty) unless ok; it formats nothing when ok, keeping the hot path free
	// of allocations.
	check := func(i int, ok bool, msg string) bool {
		if bad[i] {
			return false
		}
		if !ok {
			if len(f[i]) == 0 {
				v.problem(n, Fields[i], "%s", msg)
			} else {
				v.problem(n, Fields[i], "%s %s", quote(f[i]), msg)
			}
			bad[i] = true
		}
		return ok
	}
	for _, i := range [...]int{iInvoiceDate, iBillingStart, iBillingEnd, iLineItemDate} {
		check(i, dateOK(f[i]), "is not a date YYYYMMDD")
	}
	if !bad[iBillingStart] && !bad[iBillingEnd] {
		if string(f[iBillingEnd]) < string(f[iBillingStart]) {
			v.problem(n, FBillingEndDate, "the billing period ends (%s) before it starts (%s)", f[iBillingEnd], f[iBillingStart])
			bad[iBillingEnd] = true
		}
	}
	for _, i := range [...]int{iInvoiceNumber, iClientID, iLawFirmMatterID, iClientMatterID} {
		if check(i, len(f[i]) > 0 || i == iClientMatterID, "is required") {
			check(i, len(f[i]) <= MaxIDLength, tooLongMsg)
		}
	}
	check(iLawFirmID, len(f[iLawFirmID]) > 0, "is required")
	typ := lineType(f[iType])
	check(iType, typ != "", "is not a line type (F, E, IF or IE)")
	adjustmentLine := typ == TypeFeeAdjustment || typ == TypeExpenseAdjustment
	itemNo, itemOK := parseItemNumber(f[iLineItemNumber])
	check(iLineItemNumber, itemOK, "is not a line item number (a whole number from 1)")
	invTotal, invTotalOK := parseAmount(f[iInvoiceTotal], false)
	check(iInvoiceTotal, invTotalOK, "is not an amount (such as 1684.45)")
	units, unitsOK := parseUnits(f[iUnits], adjustmentLine)
	check(iUnits, unitsOK, "is not a number of units (not negative, up to 2 decimals, such as 2.00)")
	adj, adjOK := parseAmount(f[iAdjustment], true)
	check(iAdjustment, adjOK, "is not an amount (such as -70.00, or empty)")
	total, totalOK := parseAmount(f[iLineItemTotal], false)
	check(iLineItemTotal, totalOK, "is not an amount (such as 630.00)")
	cost, costOK := parseAmount(f[iUnitCost], adjustmentLine)
	check(iUnitCost, costOK, "is not an amount (such as 350.00)")
	if typ != "" && !bad[iTaskCode] && !bad[iExpenseCode] && !bad[iActivityCode] {
		if msg, field := codeProblem(typ, f[iTaskCode], f[iExpenseCode], f[iActivityCode]); msg != "" {
			v.problem(n, field, "%s", msg)
		}
	}
	if typ == TypeFee {
		for _, i := range [...]int{iTimekeeperID, iTimekeeperName, iTimekeeperClassification} {
			check(i, len(f[i]) > 0, "is required on a fee line")
		}
	}
	lineOK := unitsOK && adjOK && totalOK && costOK && !bad[iUnits] && !bad[iAdjustment] && !bad[iLineItemTotal] && !bad[iUnitCost]
	if lineOK {
		lineOK = v.lineArithmetic(n, units, cost, adj, total)
	}
	v.invoice(n, itemNo, itemOK && !bad[iLineItemNumber], total, lineOK, invTotal, invTotalOK && !bad[iInvoiceTotal], &bad)
}

// lineArithmetic checks total = units × cost + adj and reports whether it holds.
func (v *validator) lineArithmetic(n int, units, cost, adj, total int64) bool {
	amount, err := domain.LineAmount(units, domain.NewMoney(cost, "USD"))
	var want domain.Money
	if err == nil {
		want, err = amount.Add(domain.NewMoney(adj, "USD"))
	}
	if err != nil {
		v.problem(n, FLineItemTotal, "units × unit cost + adjustment is too large")
		return false
	}
	if total == want.Minor {
		return true
	}
	// An exact tie (the product ends in half a cent) may be rounded either way.
	if tie := (absU(units) % 100 * (absU(cost) % 100)) % 100; tie == 50 {
		if other, ok := otherNeighbour(units, cost, amount.Minor); ok && total-adj == other {
			return true
		}
	}
	v.problem(n, FLineItemTotal, "%s ≠ units × unit cost + adjustment = %s × %s + %s = %s",
		formatCents(total), formatCents(units), formatCents(cost), formatCents(adj), formatCents(want.Minor))
	return false
}

// otherNeighbour is the rounding of a tie product units × cost ÷ 100 that
// half-even did not choose: the two neighbours of an exact half add up to
// twice the exact value, which LineAmount of twice the units gives exactly.
func otherNeighbour(units, cost, chosen int64) (int64, bool) {
	twice, err := domain.LineAmount(units*2, domain.NewMoney(cost, "USD"))
	if err != nil {
		return 0, false
	}
	return twice.Minor - chosen, true
}

// invoice accounts a record to its invoice.
func (v *validator) invoice(n int, itemNo int64, itemOK bool, total int64, totalOK bool, invTotal int64, invTotalOK bool, bad *[NumFields]bool) {
	f := &v.fields
	if len(f[iInvoiceNumber]) == 0 || textProblem(f[iInvoiceNumber]) != "" {
		return // no usable key; the problem is reported
	}
	st := v.invoices[string(f[iInvoiceNumber])]
	if st == nil {
		st = &invoiceState{idx: len(v.rep.Invoices), totalOK: invTotalOK}
		for _, i := range invoiceLevel {
			st.fields[i] = string(f[i])
		}
		v.invoices[st.fields[iInvoiceNumber]] = st
		v.rep.Invoices = append(v.rep.Invoices, InvoiceSummary{Number: st.fields[iInvoiceNumber], FirstLine: n, Total: invTotal})
	} else {
		first := v.rep.Invoices[st.idx].FirstLine
		for _, i := range invoiceLevel {
			if !bad[i] && string(f[i]) != st.fields[i] {
				v.problem(n, Fields[i], "%s differs from %q on line %d, the first record of invoice %s; invoice-level fields repeat unchanged",
					quote(f[i]), clip(st.fields[i]), first, clip(st.fields[iInvoiceNumber]))
			}
		}
	}
	sum := &v.rep.Invoices[st.idx]
	sum.Lines++
	if itemOK && !st.seen.add(itemNo) {
		v.problem(n, FLineItemNumber, "line item number %d is used twice in invoice %s", itemNo, clip(st.fields[iInvoiceNumber]))
	}
	if !totalOK {
		st.incomplete = true
		return
	}
	s := sum.Sum + total
	if (total > 0 && s < sum.Sum) || (total < 0 && s > sum.Sum) {
		v.problem(n, FLineItemTotal, "the sum of the line totals of invoice %s overflows", clip(st.fields[iInvoiceNumber]))
		st.incomplete = true
		return
	}
	sum.Sum = s
}

// finish checks each invoice's total against its lines and that there was a record.
func (v *validator) finish() {
	if v.rep.Lines < 2 {
		if v.rep.Lines == 0 {
			v.problem(1, "", "the file is empty; line 1 must be exactly %q", Magic)
		}
		v.problem(2, "", "the header line is missing")
	}
	if v.rep.Lines <= 2 {
		v.problem(3, "", "the file holds no line item record")
	}
	for _, inv := range v.rep.Invoices {
		st := v.invoices[inv.Number]
		if st.totalOK && !st.incomplete && inv.Sum != inv.Total {
			v.problem(inv.FirstLine, FInvoiceTotal, "invoice %s: invoice total %s ≠ sum of lines %s",
				clip(inv.Number), formatCents(inv.Total), formatCents(inv.Sum))
		}
	}
}

// lineType returns the line type constant b spells, or "".
func lineType(b []byte) string {
	switch string(b) {
	case TypeFee:
		return TypeFee
	case TypeExpense:
		return TypeExpense
	case TypeFeeAdjustment:
		return TypeFeeAdjustment
	case TypeExpenseAdjustment:
		return TypeExpenseAdjustment
	}
	return ""
}

// parseItemNumber reads a line item number: 1 to 9 digits, not zero.
func parseItemNumber(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 9 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, n >= 1
}

// parseAmount reads an amount in hundredths: an optional "-", 1 to 15
// digits, and optionally "." and 1 or 2 digits. Empty is 0 when allowed.
func parseAmount(b []byte, emptyOK bool) (int64, bool) {
	if len(b) == 0 {
		return 0, emptyOK
	}
	neg := b[0] == '-'
	if neg {
		b = b[1:]
	}
	v, ok := parseDecimal(b)
	if neg {
		v = -v
	}
	return v, ok
}

// parseUnits reads a number of units in hundredths (no sign). Empty is 0
// when allowed.
func parseUnits(b []byte, emptyOK bool) (int64, bool) {
	if len(b) == 0 {
		return 0, emptyOK
	}
	return parseDecimal(b)
}

// parseDecimal reads 1 to 15 digits, optionally "." and 1 or 2 digits, in hundredths.
func parseDecimal(b []byte) (int64, bool) {
	ip, frac, dot := bytes.Cut(b, []byte("."))
	if len(ip) == 0 || len(ip) > 15 || (dot && (len(frac) == 0 || len(frac) > 2)) {
		return 0, false
	}
	var v int64
	for _, c := range ip {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	for k := 0; k < 2; k++ {
		v *= 10
		if k < len(frac) {
			c := frac[k]
			if c < '0' || c > '9' {
				return 0, false
			}
			v += int64(c - '0')
		}
	}
	return v, true
}

func absU(v int64) uint64 {
	if v < 0 {
		return -uint64(v)
	}
	return uint64(v)
}

// quote renders a value for a message, clipped to 60 bytes.
func quote(b []byte) string { return fmt.Sprintf("%q", clip(string(b))) }

func clip(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}
