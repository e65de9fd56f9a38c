package domain

import (
	"math/big"
	"time"
)

// Billing (issue 8 parts 2–6): the firm's own time, vendor invoices (the
// firm's cost), client invoices and credit notes (what the client pays,
// with the transparency block), and budgets. Quantities are hundredths
// (2.50 hours = 250, as LEDES and LineAmount count them); amounts are Money.
// The rules live beside these types: vendor_invoice.go, client_invoice.go,
// savings.go.

// TimePurpose is why a firm timekeeper spent the time.
type TimePurpose string

// Purposes of firm time.
const (
	PurposeMatter      TimePurpose = "matter"      // ordinary work on the matter
	PurposeSupervision TimePurpose = "supervision" // supervising an engagement's vendor work
	PurposeRework      TimePurpose = "rework"      // redoing vendor work: counted against the saving, never billed
)

// FirmTimeEntry is a firm timekeeper's own time on a matter, in tenths of an
// hour; supervision and rework name the engagement.
type FirmTimeEntry struct {
	ID              int64
	MatterID        int64
	MatterNumber    string
	EngagementID    int64 // required for supervision and rework
	UserID          int64
	UserName        string
	WorkedOn        Date
	Hours           Tenths
	Purpose         TimePurpose
	TaskCode        string
	ActivityCode    string
	Narrative       string
	ClientInvoiceID int64 // the invoice that bills it; 0 while unbilled
	CreatedBy       int64
	CreatedAt       time.Time
}

// VendorInvoiceState is where a vendor invoice is in the firm's review.
type VendorInvoiceState string

// Vendor invoice states.
const (
	VendorInvoiceSubmitted VendorInvoiceState = "submitted" // waiting on the firm's review
	VendorInvoiceDisputed  VendorInvoiceState = "disputed"  // a line is disputed; approval waits until every dispute is resolved
	VendorInvoiceApproved  VendorInvoiceState = "approved"  // the firm's cost, ready to pass on to the client
	VendorInvoiceRejected  VendorInvoiceState = "rejected"  // refused as a whole, with a reason; its time entries may be invoiced again
)

// VendorFlagCode names something the firm's review of a vendor invoice line
// should look at. A flag explains; it does not refuse the line.
type VendorFlagCode string

// Vendor invoice review flags.
const (
	VFlagOverEstimate    VendorFlagCode = "over_estimate"     // the work item's invoiced quantity passes the SOW estimate
	VFlagDayHours        VendorFlagCode = "day_hours"         // the person bills more than the policy's hours in one day
	VFlagNotOnEngagement VendorFlagCode = "not_on_engagement" // the timekeeper is not on the engagement's team
	VFlagNotInSOW        VendorFlagCode = "not_in_sow"        // the work item is not in the approved statement of work
	VFlagBeforeSOW       VendorFlagCode = "before_sow"        // the work is dated before the SOW was approved
	VFlagAboveCard       VendorFlagCode = "above_card"        // the rate is above the rate card's (or the card has none)
)

// VendorFlag is one review flag with its explanation naming the numbers.
type VendorFlag struct {
	Code    VendorFlagCode
	Message string
}

// VendorLineState is where a vendor invoice line is in the review.
type VendorLineState string

// Vendor invoice line states.
const (
	LineOpen     VendorLineState = "open"
	LineDisputed VendorLineState = "disputed"
	LineAccepted VendorLineState = "accepted" // at its amount
	LineAdjusted VendorLineState = "adjusted" // at ApprovedAmount instead
	LineRemoved  VendorLineState = "removed"  // not paid
)

// VendorInvoiceLine is one line of a vendor invoice, in the vendor's currency.
type VendorInvoiceLine struct {
	ID             int64
	InvoiceID      int64
	Position       int
	Kind           RateKind // hourly, fixed, per_unit
	TimeEntryID    int64    // hourly: the approved time entry billed
	WorkItemID     int64
	WorkItem       string
	UserID         int64 // hourly: the vendor timekeeper
	UserName       string
	Classification Classification // hourly: as billed
	Unit           string         // per_unit
	WorkedOn       Date
	Quantity       int64 // hundredths of hours or units
	Rate           Money
	Amount         Money // LineAmount(Quantity, Rate)
	TaskCode       string
	ActivityCode   string
	Description    string
	Flags          []VendorFlag
	State          VendorLineState
	ApprovedAmount Money // what the firm accepted (accepted: Amount; removed: 0)
	// What the same work would have cost and taken in-house: the work
	// item's baseline, pro rata, in the firm's currency and in hundredths
	// of an hour.
	InHouse       Money
	BaselineHours int64
	Messages      []VendorLineMessage
}

// VendorLineResolution is how the firm settles a disputed line.
type VendorLineResolution string

// Resolutions of a disputed line ("" is a message that resolves nothing).
const (
	ResolveAccept VendorLineResolution = "accept"
	ResolveAdjust VendorLineResolution = "adjust"
	ResolveRemove VendorLineResolution = "remove"
)

// VendorLineMessage is one message of a line's dispute thread.
type VendorLineMessage struct {
	ID         int64
	LineID     int64
	AuthorID   int64
	AuthorName string
	Body       string
	Resolution VendorLineResolution
	Amount     Money // adjust: the amount accepted
	CreatedAt  time.Time
}

// VendorInvoice is what a vendor bills the firm for one engagement.
type VendorInvoice struct {
	ID            int64
	EngagementID  int64
	VendorID      int64
	VendorName    string
	MatterID      int64
	MatterNumber  string
	Number        string // the vendor's own
	Date          Date
	Start, End    Date
	Total         Money // as submitted, the vendor's currency
	ApprovedTotal Money // after disputes
	State         VendorInvoiceState
	Note          string
	// On approval of an invoice in a currency other than the firm's: the
	// exchange rate used (firm currency per unit of the vendor's, as a
	// decimal such as "0.0120"), the day it was taken, and the approved
	// total in the firm's currency.
	FXRate          string
	FXOn            Date
	FirmCost        Money
	ClientInvoiceID int64
	SubmittedBy     int64
	SubmittedByName string
	SubmittedAt     time.Time
	DecidedBy       int64
	DecidedByName   string
	DecidedAt       time.Time
	DecisionReason  string
	Lines           []VendorInvoiceLine
}

// InvoiceKind says whether a client invoice bills or credits.
type InvoiceKind string

// Client invoice kinds.
const (
	KindInvoice    InvoiceKind = "invoice"
	KindCreditNote InvoiceKind = "credit_note"
)

// InvoiceState is where a client invoice is. Sent, paid and written off are
// final for its content: a correction is a credit note.
type InvoiceState string

// Client invoice states.
const (
	InvoiceDraft      InvoiceState = "draft"
	InvoiceApproved   InvoiceState = "approved"
	InvoiceSent       InvoiceState = "sent"
	InvoicePaid       InvoiceState = "paid"
	InvoiceWrittenOff InvoiceState = "written_off"
)

// LineSource says where a client invoice line comes from.
type LineSource string

// Client invoice line sources.
const (
	SourceFirmTime   LineSource = "firm_time"
	SourceOutsourced LineSource = "outsourced"
	SourceCredit     LineSource = "credit"
)

// ClientInvoiceLine is one LEDES line item of a client invoice, in the
// firm's currency. Units are hundredths; Total is LineAmount(Units,
// UnitCost) + Adjustment.
type ClientInvoiceLine struct {
	ID              int64
	InvoiceID       int64
	Position        int64  // LINE_ITEM_NUMBER
	Type            string // F, E, IF, IE (ledes.TypeFee …)
	Source          LineSource
	Date            Date
	Units           int64
	UnitCost        Money
	Adjustment      Money
	Total           Money
	TaskCode        string
	ExpenseCode     string
	ActivityCode    string
	TimekeeperID    string
	TimekeeperName  string
	Classification  Classification
	Description     string
	FirmTimeID      int64
	EngagementID    int64
	VendorInvoiceID int64
	VendorCost      Money // outsourced: the vendor's cost in the firm's currency
	InHouse         Money // outsourced: the in-house equivalent
	CreditedLineID  int64
}

// ClientInvoice is an invoice or credit note to a client for one matter.
type ClientInvoice struct {
	ID               int64
	Number           string
	Kind             InvoiceKind
	CreditsInvoiceID int64
	MatterID         int64
	MatterNumber     string
	MatterTitle      string
	ClientID         int64
	ClientName       string
	Currency         Currency
	Date             Date
	Start, End       Date
	Description      string
	State            InvoiceState
	// OverheadBP is the disclosed overhead share added to outsourced work
	// billed as a disbursement; MarkupBP the markup on outsourced work (a
	// fee's surcharge, or a disbursement's forbidden markup, which is
	// flagged). Basis points of the vendor's cost.
	OverheadBP     int
	MarkupBP       int
	Fees           Money
	Expenses       Money
	Total          Money
	LineCount      int64
	Transparency   Transparency // over the outsourced lines; zero when none
	Flags          []PolicyFlag
	OverrideBy     int64
	OverrideByName string
	OverrideReason string
	OverrideAt     time.Time
	CreatedBy      int64
	CreatedAt      time.Time
	ApprovedBy     int64
	ApprovedAt     time.Time
	SentBy         int64
	SentAt         time.Time
	PaidOn         Date
	ClosedBy       int64 // paid or written off by
	ClosedAt       time.Time
	CloseReason    string // written off: why
}

// Held reports whether a policy flag holds the invoice: it has flags and no
// billing partner's override.
func (c ClientInvoice) Held() bool { return len(c.Flags) > 0 && c.OverrideBy == 0 }

// Budget is a matter's budget (EngagementID 0) or an engagement's, in the
// firm's currency.
type Budget struct {
	ID           int64
	MatterID     int64
	EngagementID int64
	Amount       Money
	Note         string
	SetBy        int64
	SetByName    string
	SetAt        time.Time
}

// BaselineShare is the part of work item w's in-house baseline that
// quantity of its work stands for: hundredths of an hour in-house, and what
// those would have cost (the same share of BaselineCost). For an hourly or
// per-unit item quantity is in hundredths of the estimate's unit, and the
// share is quantity ÷ the estimate; for a fixed-price item quantity is the
// share of the whole item in hundredths (100 is all of it). Each figure is
// rounded once, half to even. An item without an estimate or a baseline
// stands for nothing.
func BaselineShare(w WorkItem, quantity int64) (hours int64, inHouse Money, err error) {
	inHouse = Money{Currency: w.BaselineRate.Currency}
	den := int64(w.Estimate) * 10
	if w.Pricing == PricingFixed {
		den = 100
	}
	if den <= 0 || w.BaselineHours <= 0 || quantity <= 0 {
		return 0, inHouse, nil
	}
	cost, err := w.BaselineCost()
	if err != nil {
		return 0, inHouse, err
	}
	q := divRoundHalfEven(new(big.Int).Mul(big.NewInt(int64(w.BaselineHours)*10), big.NewInt(quantity)), big.NewInt(den))
	if !q.IsInt64() {
		return 0, inHouse, Invalid("quantity", "%d hundredths of %s is too large", quantity, w.Title)
	}
	inHouse, err = ScaleAmount(cost, quantity, den, cost.Currency)
	return q.Int64(), inHouse, err
}

// Label is the state in words for a badge ("written off").
func (s InvoiceState) Label() string {
	if s == InvoiceWrittenOff {
		return "written off"
	}
	return string(s)
}
