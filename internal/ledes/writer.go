package ledes

import (
	"bufio"
	"fmt"
	"io"
	"iter"
	"strconv"

	"github.com/probity/probity/internal/domain"
)

// Writer streams LEDES 1998B invoices to an io.Writer, one record at a time.
//
// The invoice total stands on every record, the first included, so it must
// be known before the first line is written. Rather than holding the lines in
// memory (or reading them twice), the caller passes the total up front in
// Invoice.Total, as it already holds it (an invoice is the sum of its approved
// entries); the writer adds up the line totals as they pass and, after the
// last line, returns an error if the sum differs. Any error from the writer
// means the output is not a valid LEDES file: the caller must discard it
// (write to a temporary file and rename it only on success, or buffer an HTTP
// response until success). After an error the Writer refuses further use.
//
// Records end in "\n". Call Flush after the last invoice.
type Writer struct {
	bw      *bufio.Writer
	buf     []byte
	started bool
	written map[string]struct{} // invoice numbers already in the file
	err     error               // sticky: set by the first failure
}

// NewWriter returns a Writer on w. Nothing is written before the first invoice.
func NewWriter(w io.Writer) *Writer {
	return &Writer{bw: bufio.NewWriterSize(w, 64<<10), written: map[string]struct{}{}}
}

// Flush writes any buffered records to the underlying writer.
func (w *Writer) Flush() error {
	if w.err != nil {
		return w.err
	}
	if err := w.bw.Flush(); err != nil {
		w.err = err
	}
	return w.err
}

// WriteInvoice writes one invoice: a record per line of lines, in order. It
// checks every field (errors are domain.Invalid naming the LEDES field) and,
// at the end, that inv.Total is the sum of the line totals. On any error the
// output so far must be discarded (see Writer). A file may hold several
// invoices; their numbers must differ.
func (w *Writer) WriteInvoice(inv Invoice, lines iter.Seq2[Line, error]) error {
	if w.err != nil {
		return w.err
	}
	if err := w.writeInvoice(inv, lines); err != nil {
		w.err = err
		return err
	}
	return nil
}

func (w *Writer) writeInvoice(inv Invoice, lines iter.Seq2[Line, error]) error {
	if err := checkInvoice(inv); err != nil {
		return err
	}
	if _, dup := w.written[inv.Number]; dup {
		return domain.Invalid(FInvoiceNumber, "invoice %s is already in this file", inv.Number)
	}
	w.written[inv.Number] = struct{}{}
	if !w.started {
		w.started = true
		if _, err := w.bw.WriteString(Magic + "\n" + Header + "\n"); err != nil {
			return err
		}
	}
	cur := inv.Total.Currency
	prefix := appendInvoicePrefix(nil, inv)
	sum := domain.NewMoney(0, cur)
	var seen lineSet
	n := 0
	for line, err := range lines {
		if err != nil {
			return fmt.Errorf("ledes: invoice %s: reading line %d: %w", inv.Number, n+1, err)
		}
		n++
		if err := checkLine(inv, cur, line, &seen); err != nil {
			return err
		}
		var err2 error
		if sum, err2 = sum.Add(line.Total); err2 != nil {
			return domain.Invalid(FInvoiceTotal, "invoice %s: the sum of the lines is too large", inv.Number)
		}
		w.buf = appendRecord(w.buf[:0], prefix, inv, line)
		if _, err := w.bw.Write(w.buf); err != nil {
			return err
		}
	}
	if n == 0 {
		return domain.Invalid(FLineItemNumber, "invoice %s has no lines; a LEDES invoice is its line items", inv.Number)
	}
	if sum.Minor != inv.Total.Minor {
		return domain.Invalid(FInvoiceTotal, "invoice %s: the total given, %s, is not the sum of its lines, %s; discard the output",
			inv.Number, inv.Total.Decimal(), sum.Decimal())
	}
	return nil
}

// checkInvoice checks the invoice-level fields.
func checkInvoice(inv Invoice) error {
	c := inv.Total.Currency
	if parsed, err := domain.ParseCurrency(string(c)); err != nil || parsed != c {
		return domain.Invalid(FInvoiceTotal, "%q is not a supported currency", string(c))
	}
	if c.MinorUnits() != 2 {
		return domain.Invalid(FInvoiceTotal, "LEDES 1998B has no currency field and writes amounts with 2 decimals; %s has %d (use LEDES 1998BI)", c, c.MinorUnits())
	}
	if inv.Total.Minor > maxAmount || inv.Total.Minor < -maxAmount {
		return domain.Invalid(FInvoiceTotal, "%s is too large for LEDES (at most 15 digits before the point)", inv.Total.Decimal())
	}
	for _, d := range []struct {
		field string
		v     domain.Date
	}{{FInvoiceDate, inv.Date}, {FBillingStartDate, inv.Start}, {FBillingEndDate, inv.End}} {
		if !domainDateOK(d.v) {
			return domain.Invalid(d.field, "%q is not a date (YYYY-MM-DD)", string(d.v))
		}
	}
	if inv.End < inv.Start {
		return domain.Invalid(FBillingEndDate, "the billing period ends (%s) before it starts (%s)", inv.End, inv.Start)
	}
	for _, f := range []struct {
		field, v string
		id, req  bool
	}{
		{FInvoiceNumber, inv.Number, true, true}, {FClientID, inv.ClientID, true, true},
		{FLawFirmMatterID, inv.LawFirmMatterID, true, true}, {FClientMatterID, inv.ClientMatterID, true, false},
		{FInvoiceDescription, inv.Description, false, false}, {FLawFirmID, inv.LawFirmID, false, true},
	} {
		if err := checkText(f.field, f.v, f.req, f.id); err != nil {
			return err
		}
	}
	return nil
}

// checkText checks a text value: required, at most MaxIDLength for ids, and
// free of separators, terminators, line breaks and non-ASCII characters.
func checkText(field, v string, required, id bool) error {
	if required && v == "" {
		return domain.Invalid(field, "is required")
	}
	if id && len(v) > MaxIDLength {
		return domain.Invalid(field, "%q is longer than %d characters", v, MaxIDLength)
	}
	if p := textProblem(v); p != "" {
		return domain.Invalid(field, "%q %s", v, p)
	}
	return nil
}

// checkLine checks one line of invoice inv in currency cur.
func checkLine(inv Invoice, cur domain.Currency, l Line, seen *lineSet) error {
	at := func(field, format string, args ...any) error {
		return domain.Invalid(field, "invoice %s line item %d: %s", inv.Number, l.Number, fmt.Sprintf(format, args...))
	}
	if l.Number < 1 {
		return at(FLineItemNumber, "line item numbers start at 1")
	}
	if !seen.add(int64(l.Number)) {
		return at(FLineItemNumber, "the number is used twice")
	}
	if !validType(l.Type) {
		return at(FType, "%q is not a line type (F, E, IF or IE)", l.Type)
	}
	if l.Units < 0 {
		return at(FUnits, "units must not be negative")
	}
	if l.Units > maxAmount {
		return at(FUnits, "%s units is too large for LEDES (at most 15 digits before the point)", domain.FormatUnits(l.Units))
	}
	var ok bool
	if l.Adjustment, ok = inCurrency(l.Adjustment, cur); !ok {
		return at(FAdjustment, "the amount is in %s, the invoice in %s", l.Adjustment.Currency, cur)
	}
	if l.UnitCost, ok = inCurrency(l.UnitCost, cur); !ok {
		return at(FUnitCost, "the amount is in %s, the invoice in %s", l.UnitCost.Currency, cur)
	}
	if l.Total, ok = inCurrency(l.Total, cur); !ok {
		return at(FLineItemTotal, "the amount is in %s, the invoice in %s", l.Total.Currency, cur)
	}
	for _, a := range [...]struct {
		field string
		v     int64
	}{{FAdjustment, l.Adjustment.Minor}, {FUnitCost, l.UnitCost.Minor}, {FLineItemTotal, l.Total.Minor}} {
		if a.v > maxAmount || a.v < -maxAmount {
			return at(a.field, "%s is too large for LEDES (at most 15 digits before the point)", formatCents(a.v))
		}
	}
	amount, err := domain.LineAmount(l.Units, l.UnitCost)
	if err != nil {
		return at(FLineItemTotal, "%s", domain.ErrorMessage(err))
	}
	want, err := amount.Add(l.Adjustment)
	if err != nil {
		return at(FLineItemTotal, "%s", domain.ErrorMessage(err))
	}
	if want.Minor != l.Total.Minor {
		return at(FLineItemTotal, "%s is not units × unit cost + adjustment = %s × %s + %s = %s",
			l.Total.Decimal(), domain.FormatUnits(l.Units), l.UnitCost.Decimal(), l.Adjustment.Decimal(), want.Decimal())
	}
	if !domainDateOK(l.Date) {
		return at(FLineItemDate, "%q is not a date (YYYY-MM-DD)", string(l.Date))
	}
	if msg, field := codeProblem(l.Type, l.TaskCode, l.ExpenseCode, l.ActivityCode); msg != "" {
		return at(field, "%s", msg)
	}
	fee := l.Type == TypeFee
	for _, f := range []struct {
		field, v string
		req      bool
	}{
		{FTimekeeperID, l.TimekeeperID, fee}, {FLineItemDescription, l.Description, false},
		{FTimekeeperName, l.TimekeeperName, fee}, {FTimekeeperClassification, l.TimekeeperClassification, fee},
	} {
		if f.req && f.v == "" {
			return at(f.field, "is required on a fee line")
		}
		if p := textProblem(f.v); p != "" {
			return at(f.field, "%q %s", f.v, p)
		}
	}
	return nil
}

// inCurrency returns m, an unset amount (zero, no currency) as zero in cur,
// and whether m is in cur.
func inCurrency(m domain.Money, cur domain.Currency) (domain.Money, bool) {
	if m.Currency == "" && m.Minor == 0 {
		return domain.NewMoney(0, cur), true
	}
	return m, m.Currency == cur
}

// codeProblem checks the UTBMS codes of a line of type typ: a fee takes a
// task and an activity code and no expense code; an expense takes an expense
// code, may take a task code, and takes no activity code; an invoice-level
// adjustment may take any, each known. It returns the message and field.
func codeProblem[S string | []byte](typ string, task, expense, activity S) (string, string) {
	switch {
	case typ == TypeFee && len(task) == 0:
		return "a fee line needs a UTBMS task code", FTaskCode
	case typ == TypeFee && len(activity) == 0:
		return "a fee line needs a UTBMS activity code", FActivityCode
	case typ == TypeFee && len(expense) != 0:
		return fmt.Sprintf("%q: a fee line takes no expense code", expense), FExpenseCode
	case typ == TypeExpense && len(expense) == 0:
		return "an expense line needs a UTBMS expense code", FExpenseCode
	case typ == TypeExpense && len(activity) != 0:
		return fmt.Sprintf("%q: an expense line takes no activity code", activity), FActivityCode
	}
	if len(task) != 0 && !taskCodeKnown(string(task)) {
		return fmt.Sprintf("%q is not a UTBMS task code (litigation L110–L530 or e-discovery L6xx)", task), FTaskCode
	}
	if len(expense) != 0 && !expenseCodeKnown(string(expense)) {
		return fmt.Sprintf("%q is not a UTBMS expense code (E101–E124)", expense), FExpenseCode
	}
	if len(activity) != 0 && !activityCodeKnown(string(activity)) {
		return fmt.Sprintf("%q is not a UTBMS activity code (A101–A111)", activity), FActivityCode
	}
	return "", ""
}

// domainDateOK reports whether d is a valid "YYYY-MM-DD".
func domainDateOK(d domain.Date) bool {
	s := string(d)
	return len(s) == 10 && s[4] == '-' && s[7] == '-' && dateOK(s[:4]+s[5:7]+s[8:])
}

// appendDate appends a "YYYY-MM-DD" date as YYYYMMDD.
func appendDate(b []byte, d domain.Date) []byte {
	s := string(d)
	return append(append(append(b, s[:4]...), s[5:7]...), s[8:]...)
}

// appendCents appends an amount in hundredths with exactly two decimals.
func appendCents(b []byte, v int64) []byte {
	var u uint64
	if v < 0 {
		b = append(b, '-')
		u = -uint64(v)
	} else {
		u = uint64(v)
	}
	b = strconv.AppendUint(b, u/100, 10)
	r := u % 100
	return append(b, '.', byte('0'+r/10), byte('0'+r%10))
}

// appendInvoicePrefix appends fields 1–8 (invoice date to invoice
// description) and the separator after them.
func appendInvoicePrefix(b []byte, inv Invoice) []byte {
	b = appendDate(b, inv.Date)
	b = append(append(b, '|'), inv.Number...)
	b = append(append(b, '|'), inv.ClientID...)
	b = append(append(b, '|'), inv.LawFirmMatterID...)
	b = appendCents(append(b, '|'), inv.Total.Minor)
	b = appendDate(append(b, '|'), inv.Start)
	b = appendDate(append(b, '|'), inv.End)
	b = append(append(b, '|'), inv.Description...)
	return append(b, '|')
}

// appendRecord appends one whole record, terminator and newline included.
func appendRecord(b, prefix []byte, inv Invoice, l Line) []byte {
	b = append(b, prefix...)
	b = strconv.AppendInt(b, int64(l.Number), 10)
	b = append(append(b, '|'), l.Type...)
	b = appendCents(append(b, '|'), l.Units)
	b = appendCents(append(b, '|'), l.Adjustment.Minor)
	b = appendCents(append(b, '|'), l.Total.Minor)
	b = appendDate(append(b, '|'), l.Date)
	b = append(append(b, '|'), l.TaskCode...)
	b = append(append(b, '|'), l.ExpenseCode...)
	b = append(append(b, '|'), l.ActivityCode...)
	b = append(append(b, '|'), l.TimekeeperID...)
	b = append(append(b, '|'), l.Description...)
	b = append(append(b, '|'), inv.LawFirmID...)
	b = appendCents(append(b, '|'), l.UnitCost.Minor)
	b = append(append(b, '|'), l.TimekeeperName...)
	b = append(append(b, '|'), l.TimekeeperClassification...)
	b = append(append(b, '|'), inv.ClientMatterID...)
	return append(b, "[]\n"...)
}
