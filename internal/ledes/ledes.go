// Package ledes writes and strictly validates LEDES 1998B electronic invoices
// (the LEDES Oversight Committee's 1998B specification): an ASCII file of pipe-delimited
// records of 24 fields, line 1 exactly "LEDES1998B[]", line 2 exactly the
// header, every record ending "[]", one record per line item with the
// invoice-level fields repeated on each, several invoices per file allowed.
//
// Both directions stream: the writer holds one record at a time and the
// validator holds a running sum per invoice, so a file of a million lines is
// written or checked in constant memory. Records end in "\n" (DOMAIN.md
// speaks of lines and names no terminator); the validator accepts "\n" and
// "\r\n". Amounts are exact: a line's total is units × unit cost, rounded
// once by domain.LineAmount (half to even), plus the adjustment.
//
// LEDES 1998B has no currency field: amounts are written with exactly two
// decimals, so only a currency with two minor digits can be written (JPY and
// KWD are refused; LEDES 1998BI is the international variant).
package ledes

import (
	"strings"

	"github.com/probity/probity/internal/domain"
)

// Magic is line 1 of every LEDES 1998B file.
const Magic = "LEDES1998B[]"

// Field names, in record order. They name the field at fault in every error
// and problem.
const (
	FInvoiceDate              = "INVOICE_DATE"
	FInvoiceNumber            = "INVOICE_NUMBER"
	FClientID                 = "CLIENT_ID"
	FLawFirmMatterID          = "LAW_FIRM_MATTER_ID"
	FInvoiceTotal             = "INVOICE_TOTAL"
	FBillingStartDate         = "BILLING_START_DATE"
	FBillingEndDate           = "BILLING_END_DATE"
	FInvoiceDescription       = "INVOICE_DESCRIPTION"
	FLineItemNumber           = "LINE_ITEM_NUMBER"
	FType                     = "EXP/FEE/INV_ADJ_TYPE"
	FUnits                    = "LINE_ITEM_NUMBER_OF_UNITS"
	FAdjustment               = "LINE_ITEM_ADJUSTMENT_AMOUNT"
	FLineItemTotal            = "LINE_ITEM_TOTAL"
	FLineItemDate             = "LINE_ITEM_DATE"
	FTaskCode                 = "LINE_ITEM_TASK_CODE"
	FExpenseCode              = "LINE_ITEM_EXPENSE_CODE"
	FActivityCode             = "LINE_ITEM_ACTIVITY_CODE"
	FTimekeeperID             = "TIMEKEEPER_ID"
	FLineItemDescription      = "LINE_ITEM_DESCRIPTION"
	FLawFirmID                = "LAW_FIRM_ID"
	FUnitCost                 = "LINE_ITEM_UNIT_COST"
	FTimekeeperName           = "TIMEKEEPER_NAME"
	FTimekeeperClassification = "TIMEKEEPER_CLASSIFICATION"
	FClientMatterID           = "CLIENT_MATTER_ID"
)

// Fields lists the 24 field names in record order.
var Fields = [NumFields]string{
	FInvoiceDate, FInvoiceNumber, FClientID, FLawFirmMatterID, FInvoiceTotal, FBillingStartDate,
	FBillingEndDate, FInvoiceDescription, FLineItemNumber, FType, FUnits, FAdjustment,
	FLineItemTotal, FLineItemDate, FTaskCode, FExpenseCode, FActivityCode, FTimekeeperID,
	FLineItemDescription, FLawFirmID, FUnitCost, FTimekeeperName, FTimekeeperClassification, FClientMatterID,
}

// NumFields is the number of fields of every record.
const NumFields = 24

// Field indexes, in record order.
const (
	iInvoiceDate = iota
	iInvoiceNumber
	iClientID
	iLawFirmMatterID
	iInvoiceTotal
	iBillingStart
	iBillingEnd
	iInvoiceDescription
	iLineItemNumber
	iType
	iUnits
	iAdjustment
	iLineItemTotal
	iLineItemDate
	iTaskCode
	iExpenseCode
	iActivityCode
	iTimekeeperID
	iLineItemDescription
	iLawFirmID
	iUnitCost
	iTimekeeperName
	iTimekeeperClassification
	iClientMatterID
)

// invoiceLevel lists the fields that must be equal on every record of one invoice.
var invoiceLevel = []int{iInvoiceDate, iInvoiceNumber, iClientID, iLawFirmMatterID, iInvoiceTotal,
	iBillingStart, iBillingEnd, iInvoiceDescription, iLawFirmID, iClientMatterID}

// Header is line 2 of every LEDES 1998B file: the field names joined by "|",
// ending "[]".
var Header = strings.Join(Fields[:], "|") + "[]"

// maxAmount is the largest amount or number of units, in hundredths, either
// side reads or writes: 15 digits before the point, so sums stay exact in int64.
const maxAmount = 1e17 - 1

// MaxIDLength is the longest invoice number, client id or matter id allowed.
const MaxIDLength = 20

// Line types (EXP/FEE/INV_ADJ_TYPE).
const (
	TypeFee               = "F"  // a fee: time of a timekeeper
	TypeExpense           = "E"  // an expense (disbursement)
	TypeFeeAdjustment     = "IF" // an invoice-level adjustment on fees
	TypeExpenseAdjustment = "IE" // an invoice-level adjustment on expenses
)

// Invoice holds the invoice-level fields, repeated on every record. Total is
// given up front (see Writer) and fixes the invoice's currency.
type Invoice struct {
	Date            domain.Date // INVOICE_DATE
	Number          string      // INVOICE_NUMBER, at most 20 characters
	ClientID        string      // CLIENT_ID, at most 20 characters
	LawFirmMatterID string      // LAW_FIRM_MATTER_ID, at most 20 characters
	ClientMatterID  string      // CLIENT_MATTER_ID, at most 20 characters, may be empty
	Start, End      domain.Date // BILLING_START_DATE, BILLING_END_DATE
	Description     string      // INVOICE_DESCRIPTION
	LawFirmID       string      // LAW_FIRM_ID: the firm's tax id
	Total           domain.Money
}

// Line is one line item (one record). Units are in hundredths (2.50 hours =
// 250). Total must equal domain.LineAmount(Units, UnitCost) + Adjustment.
type Line struct {
	Number                   int    // LINE_ITEM_NUMBER, unique within the invoice, from 1
	Type                     string // TypeFee, TypeExpense, TypeFeeAdjustment or TypeExpenseAdjustment
	Units                    int64  // hundredths
	Adjustment               domain.Money
	Total                    domain.Money
	UnitCost                 domain.Money
	Date                     domain.Date
	TaskCode                 string // UTBMS task code: required for F, optional otherwise
	ExpenseCode              string // UTBMS expense code: required for E, empty for F
	ActivityCode             string // UTBMS activity code: required for F, empty for E
	TimekeeperID             string // required for F
	Description              string
	TimekeeperName           string // required for F
	TimekeeperClassification string // required for F
}

// validType reports whether t is a known line type.
func validType(t string) bool {
	return t == TypeFee || t == TypeExpense || t == TypeFeeAdjustment || t == TypeExpenseAdjustment
}

// textProblem describes why a value cannot stand in a field ("" when it can):
// only printable ASCII, and neither "|" nor "[]".
func textProblem[S string | []byte](v S) string {
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '|':
			return "contains \"|\", the field separator"
		case c == '\r' || c == '\n':
			return "contains a line break"
		case c == '[' && i+1 < len(v) && v[i+1] == ']':
			return "contains \"[]\", the record terminator"
		case c < 0x20 || c == 0x7f:
			return "contains a control character"
		case c >= 0x80:
			return "contains a non-ASCII character (LEDES 1998B is ASCII)"
		}
	}
	return ""
}

// taskCodeKnown, activityCodeKnown and expenseCodeKnown check a code exactly
// as written against the UTBMS tables of internal/domain.
func taskCodeKnown(c string) bool {
	_, ok := domain.LitigationTasks[c]
	if !ok {
		_, ok = domain.EDiscoveryTasks[c]
	}
	return ok
}

func activityCodeKnown(c string) bool { _, ok := domain.Activities[c]; return ok }

func expenseCodeKnown(c string) bool { _, ok := domain.Expenses[c]; return ok }

// lineSet records the line item numbers seen in one invoice: a bitset for
// the dense numbers (1…n, the usual case: n/8 bytes) and a map for the rare
// sparse large ones.
type lineSet struct {
	bits   []uint64
	sparse map[int64]struct{}
}

const maxDenseLine = 1 << 24 // 2 MiB of bits per invoice at most

// add records n and reports whether it was new.
func (s *lineSet) add(n int64) bool {
	if n >= 0 && n < maxDenseLine {
		w := int(n >> 6)
		if w >= len(s.bits) {
			s.bits = append(s.bits, make([]uint64, w+1-len(s.bits))...)
		}
		m := uint64(1) << (n & 63)
		if s.bits[w]&m != 0 {
			return false
		}
		s.bits[w] |= m
		return true
	}
	if s.sparse == nil {
		s.sparse = map[int64]struct{}{}
	}
	if _, ok := s.sparse[n]; ok {
		return false
	}
	s.sparse[n] = struct{}{}
	return true
}

// dateOK reports whether b is a valid calendar date YYYYMMDD.
func dateOK[S string | []byte](b S) bool {
	if len(b) != 8 {
		return false
	}
	for i := 0; i < 8; i++ {
		if b[i] < '0' || b[i] > '9' {
			return false
		}
	}
	y := int(b[0]-'0')*1000 + int(b[1]-'0')*100 + int(b[2]-'0')*10 + int(b[3]-'0')
	m := int(b[4]-'0')*10 + int(b[5]-'0')
	d := int(b[6]-'0')*10 + int(b[7]-'0')
	if y == 0 || m < 1 || m > 12 || d < 1 {
		return false
	}
	days := [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[m]
	if m == 2 && y%4 == 0 && (y%100 != 0 || y%400 == 0) {
		days = 29
	}
	return d <= days
}

// formatCents renders an amount in hundredths with two decimals ("-70.00").
func formatCents(v int64) string { return domain.NewMoney(v, "USD").Decimal() }
