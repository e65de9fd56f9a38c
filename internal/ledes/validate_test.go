package ledes

import (
	"os"
	"strings"
	"testing"
)

// domainHeader is the header line as the 1998B specification gives it.
const domainHeader = "INVOICE_DATE|INVOICE_NUMBER|CLIENT_ID|LAW_FIRM_MATTER_ID|INVOICE_TOTAL|BILLING_START_DATE|BILLING_END_DATE|INVOICE_DESCRIPTION|LINE_ITEM_NUMBER|EXP/FEE/INV_ADJ_TYPE|LINE_ITEM_NUMBER_OF_UNITS|LINE_ITEM_ADJUSTMENT_AMOUNT|LINE_ITEM_TOTAL|LINE_ITEM_DATE|LINE_ITEM_TASK_CODE|LINE_ITEM_EXPENSE_CODE|LINE_ITEM_ACTIVITY_CODE|TIMEKEEPER_ID|LINE_ITEM_DESCRIPTION|LAW_FIRM_ID|LINE_ITEM_UNIT_COST|TIMEKEEPER_NAME|TIMEKEEPER_CLASSIFICATION|CLIENT_MATTER_ID[]"

// sampleRecord is the public sample record of DOMAIN.md.
const sampleRecord = "19990225|96542|00711|0528|1684.45|19990101|19990131|For services rendered|1|F|2.00|-70|630|19990115|L510||A102|22547|Research Attorney's fees, Set off claim|24-6437381|350|Arnsley, Robert|PARTNR|423-987[]"

func TestHeaderIsTheSpecs(t *testing.T) {
	if Header != domainHeader {
		t.Fatalf("Header = %q\nwant     %q", Header, domainHeader)
	}
	if len(Fields) != 24 {
		t.Fatalf("%d fields", len(Fields))
	}
}

func readSample(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func validate(t testing.TB, s string) Report {
	t.Helper()
	rep, err := Validate(strings.NewReader(s))
	if err != nil {
		t.Fatalf("Validate: %v", err)
	}
	if len(rep.Problems) > MaxProblems || rep.ProblemCount < len(rep.Problems) {
		t.Fatalf("problems %d listed, %d counted", len(rep.Problems), rep.ProblemCount)
	}
	return rep
}

func TestValidateSampleFiles(t *testing.T) {
	valid := readSample(t, "sample_valid.txt")
	if !strings.Contains(valid, "\n"+sampleRecord+"\n") {
		t.Fatal("sample_valid.txt does not hold the public sample record")
	}
	rep := validate(t, valid)
	if !rep.Valid() {
		t.Fatalf("sample_valid.txt: %v", rep.Problems)
	}
	if rep.Records != 3 || rep.Lines != 5 || len(rep.Invoices) != 1 {
		t.Fatalf("report %+v", rep)
	}
	if inv := rep.Invoices[0]; inv.Number != "96542" || inv.Total != 168445 || inv.Sum != 168445 || inv.Lines != 3 || inv.FirstLine != 3 {
		t.Fatalf("invoice %+v", inv)
	}

	rep = validate(t, readSample(t, "sample_two_invoices_crlf.txt"))
	if !rep.Valid() {
		t.Fatalf("sample_two_invoices_crlf.txt: %v", rep.Problems)
	}
	if len(rep.Invoices) != 2 || rep.Records != 4 {
		t.Fatalf("report %+v", rep)
	}
	if a, b := rep.Invoices[0], rep.Invoices[1]; a.Sum != 115000 || a.Lines != 3 || b.Sum != 6050 || b.Lines != 1 {
		t.Fatalf("invoices %+v", rep.Invoices)
	}
	if total, ok := rep.Total(); !ok || FormatAmount(total) != "1210.50" {
		t.Fatalf("Total = %d %v", total, ok)
	}
}

// TestValidateSampleRecordAlone: the sample record's line arithmetic holds
// (2.00 × 350 − 70 = 630) but its invoice total is that of a longer invoice.
func TestValidateSampleRecordAlone(t *testing.T) {
	s := readSample(t, "sample_record_only.txt")
	if s != Magic+"\n"+domainHeader+"\n"+sampleRecord+"\n" {
		t.Fatal("sample_record_only.txt is not the sample record alone")
	}
	rep := validate(t, s)
	if rep.ProblemCount != 1 {
		t.Fatalf("problems %v", rep.Problems)
	}
	p := rep.Problems[0]
	if p.Line != 3 || p.Field != FInvoiceTotal || !strings.Contains(p.Message, "invoice total 1684.45 ≠ sum of lines 630.00") {
		t.Fatalf("problem %v", p)
	}
	if got := p.String(); got != "line 3, field INVOICE_TOTAL: invoice 96542: invoice total 1684.45 ≠ sum of lines 630.00" {
		t.Fatalf("String() = %q", got)
	}
}

// withLine applies f to line n (1-based) of s.
func withLine(s string, n int, f func(string) string) string {
	lines := strings.Split(s, "\n")
	lines[n-1] = f(lines[n-1])
	return strings.Join(lines, "\n")
}

func replaceIn(n int, old, new string) func(string) string {
	return func(s string) string {
		return withLine(s, n, func(l string) string {
			if !strings.Contains(l, old) {
				panic("line " + l + " lacks " + old)
			}
			return strings.Replace(l, old, new, 1)
		})
	}
}

func TestValidateBrokenFiles(t *testing.T) {
	valid := readSample(t, "sample_valid.txt")
	cases := []struct {
		name   string
		break_ func(string) string
		line   int
		field  string
		msg    string
	}{
		{"wrong first line", replaceIn(1, "LEDES1998B[]", "LEDES1998BI[]"), 1, "", `line 1 must be exactly "LEDES1998B[]"`},
		{"wrong header", replaceIn(2, "|LINE_ITEM_TOTAL|", "|LINE_TOTAL|"), 2, "", `header field 13 is "LINE_TOTAL", not "LINE_ITEM_TOTAL"`},
		{"header without terminator", replaceIn(2, "CLIENT_MATTER_ID[]", "CLIENT_MATTER_ID"), 2, "", `must end with "[]"`},
		{"missing terminator", replaceIn(4, "423-987[]", "423-987"), 4, "", `does not end with "[]"`},
		{"bad date", replaceIn(5, "|19990122|", "|19991301|"), 5, FLineItemDate, `"19991301" is not a date YYYYMMDD`},
		{"dashed date", replaceIn(3, "19990225|", "1999-02-25|"), 3, FInvoiceDate, `"1999-02-25" is not a date YYYYMMDD`},
		{"february 30", replaceIn(5, "|19990122|", "|19990230|"), 5, FLineItemDate, "is not a date"},
		{"line total wrong", replaceIn(4, "|875.00|", "|875.01|"), 4, FLineItemTotal, "875.01 ≠ units × unit cost + adjustment = 3.50 × 250.00 + 0.00 = 875.00"},
		{"invoice total wrong", replaceIn(5, "|1.00|0.00|179.45|19990122||E106||||24-6437381|179.45|", "|1.00|0.00|179.46|19990122||E106||||24-6437381|179.46|"),
			3, FInvoiceTotal, "invoice total 1684.45 ≠ sum of lines 1684.46"},
		{"pipe inside a description", replaceIn(4, "Draft appellate brief", "Draft | brief"), 4, "", "the record has 25 fields, not 24"},
		{"terminator inside a description", replaceIn(4, "Draft appellate brief", "Draft [] brief"), 4, FLineItemDescription, `contains "[]"`},
		{"too few fields", replaceIn(4, "|PARTNR|", "|"), 4, "", "the record has 23 fields, not 24"},
		{"unknown type code", replaceIn(4, "|2|F|", "|2|X|"), 4, FType, `"X" is not a line type`},
		{"lower-case type code", replaceIn(4, "|2|F|", "|2|f|"), 4, FType, `"f" is not a line type`},
		{"too-long invoice number", strings.NewReplacer("|96542|", "|INV-000000000000096542|").Replace, 3, FInvoiceNumber, "is longer than 20 characters"},
		{"too-long client matter id", strings.NewReplacer("|423-987[]", "|423-987-000000000000000[]").Replace, 3, FClientMatterID, "is longer than 20 characters"},
		{"unknown task code", replaceIn(4, "|L520|", "|L999|"), 4, FTaskCode, `"L999" is not a UTBMS task code`},
		{"unknown activity code", replaceIn(4, "|A103|", "|A199|"), 4, FActivityCode, `"A199" is not a UTBMS activity code`},
		{"unknown expense code", replaceIn(5, "|E106|", "|E199|"), 5, FExpenseCode, `"E199" is not a UTBMS expense code`},
		{"fee without activity", replaceIn(4, "|A103|", "||"), 4, FActivityCode, "a fee line needs a UTBMS activity code"},
		{"expense without code", replaceIn(5, "|E106|", "||"), 5, FExpenseCode, "an expense line needs a UTBMS expense code"},
		{"fee without timekeeper", replaceIn(4, "|Arnsley, Robert|", "||"), 4, FTimekeeperName, "is required on a fee line"},
		{"duplicate line item number", replaceIn(5, "|3|E|", "|2|E|"), 5, FLineItemNumber, "line item number 2 is used twice in invoice 96542"},
		{"line item number zero", replaceIn(5, "|3|E|", "|0|E|"), 5, FLineItemNumber, "is not a line item number"},
		{"invoice-level field differs", replaceIn(4, "|00711|", "|00712|"), 4, FClientID, `"00712" differs from "00711" on line 3`},
		{"three decimals", replaceIn(5, "|179.45|19990122", "|179.450|19990122"), 5, FLineItemTotal, `"179.450" is not an amount`},
		{"negative units", replaceIn(4, "|3.50|", "|-3.50|"), 4, FUnits, "is not a number of units"},
		{"period ends before it starts", strings.NewReplacer("|19990101|19990131|", "|19990201|19990131|").Replace, 3, FBillingEndDate, "ends (19990131) before it starts (19990201)"},
		{"non-ASCII", replaceIn(4, "Draft appellate brief", "Draft appellate brief – fees"), 4, FLineItemDescription, "non-ASCII"},
		{"empty line", replaceIn(5, "19990225|", "\n19990225|"), 5, "", "empty line"},
		{"missing law firm id", replaceIn(5, "|24-6437381|", "||"), 5, FLawFirmID, "is required"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			broken := c.break_(valid)
			if broken == valid {
				t.Fatal("the mutation changed nothing")
			}
			rep := validate(t, broken)
			if rep.Valid() {
				t.Fatal("reported valid")
			}
			for _, p := range rep.Problems {
				if p.Line == c.line && p.Field == c.field && strings.Contains(p.Message, c.msg) {
					return
				}
			}
			t.Fatalf("no problem at line %d field %q containing %q; got %v", c.line, c.field, c.msg, rep.Problems)
		})
	}
}

func TestValidateEdgeFiles(t *testing.T) {
	for name, c := range map[string]struct {
		in   string
		want string
	}{
		"empty file":     {"", "the file is empty"},
		"only the magic": {Magic + "\n", "the header line is missing"},
		"no records":     {Magic + "\n" + Header + "\n", "no line item record"},
		"overlong line":  {Magic + "\n" + Header + "\n" + strings.Repeat("x", 3*maxRecord) + "\n", "longer than"},
	} {
		rep := validate(t, c.in)
		found := false
		for _, p := range rep.Problems {
			found = found || strings.Contains(p.Message, c.want)
		}
		if !found {
			t.Errorf("%s: want a problem %q, got %v", name, c.want, rep.Problems)
		}
	}
	// No final newline is fine.
	valid := strings.TrimSuffix(readSample(t, "sample_valid.txt"), "\n")
	if rep := validate(t, valid); !rep.Valid() || rep.Records != 3 {
		t.Errorf("without a final newline: %+v", rep)
	}
}

func TestValidateCapsProblems(t *testing.T) {
	var b strings.Builder
	b.WriteString(Magic + "\n" + Header + "\n")
	for range 500 {
		b.WriteString("not a record[]\n")
	}
	rep := validate(t, b.String())
	if len(rep.Problems) != MaxProblems || rep.ProblemCount != 500 {
		t.Fatalf("listed %d, counted %d", len(rep.Problems), rep.ProblemCount)
	}
}

// TestValidateAcceptsEitherRoundingOfATie: 0.25 × 0.50 = 0.125 is 0.12 half
// to even and 0.13 half up; both are "to the cent"; 0.14 is not.
func TestValidateAcceptsEitherRoundingOfATie(t *testing.T) {
	file := func(total string) string {
		rec := "20260131|T1|C|M|" + total + "|20260101|20260131|x|1|E|0.25|0|" + total + "|20260105||E101||||LF|0.50|||[]"
		return Magic + "\n" + Header + "\n" + rec + "\n"
	}
	for total, ok := range map[string]bool{"0.12": true, "0.13": true, "0.14": false, "0.11": false} {
		if rep := validate(t, file(total)); rep.Valid() != ok {
			t.Errorf("total %s: valid %v, want %v (%v)", total, rep.Valid(), ok, rep.Problems)
		}
	}
}
