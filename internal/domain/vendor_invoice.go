package domain

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Vendor invoice rules (issue 8 part 2): what a submitted invoice must be,
// the review flags computed from the engagement's facts, the firm's
// resolution of a disputed line, and the exchange rate of an approval. The
// types are in invoice.go.

// MaxVendorInvoiceLines bounds one invoice.
const MaxVendorInvoiceLines = 2000

// VendorInvoiceRules is what a submitted invoice is checked against.
type VendorInvoiceRules struct {
	Vendor Vendor // the engagement's vendor: its currency is the invoice's
	Today  Date   // the submitter's today: an invoice is not dated after it
}

// lineField names a field of line i (0-based, as in the submitted list).
func lineField(i int, f string) string { return fmt.Sprintf("lines[%d].%s", i, f) }

// Validate checks the invoice and its lines (number, dates, the period, the
// vendor's currency, positive quantities, non-negative rates, dates inside
// the period, UTBMS codes) and computes each line's amount with LineAmount
// and the total as their sum. Fields at fault are named, a line's as
// "lines[3].quantity".
func (v *VendorInvoice) Validate(r VendorInvoiceRules) error {
	v.Number = strings.TrimSpace(v.Number)
	v.Note = strings.TrimSpace(v.Note)
	cur := r.Vendor.Currency
	switch {
	case v.Number == "":
		return Invalid("number", "give the vendor's own invoice number")
	case utf8.RuneCountInString(v.Number) > 40:
		return Invalid("number", "keep the invoice number under 40 characters (got %d)", utf8.RuneCountInString(v.Number))
	case v.Date == "":
		return Invalid("date", "give the invoice date (YYYY-MM-DD)")
	case r.Today != "" && r.Today.Before(v.Date):
		return Invalid("date", "the invoice date %s is after today (%s)", v.Date, r.Today)
	case v.Start == "" || v.End == "":
		return Invalid("period", "give the period the invoice covers, first and last day")
	case v.End.Before(v.Start):
		return Invalid("period", "the period ends (%s) before it starts (%s)", v.End, v.Start)
	case utf8.RuneCountInString(v.Note) > 4000:
		return Invalid("note", "keep the note under 4,000 characters")
	case len(v.Lines) == 0:
		return Invalid("lines", "an invoice needs at least one line")
	case len(v.Lines) > MaxVendorInvoiceLines:
		return Invalid("lines", "an invoice has at most %d lines (got %d)", MaxVendorInvoiceLines, len(v.Lines))
	}
	total := Money{Currency: cur}
	for i := range v.Lines {
		l := &v.Lines[i]
		l.Position = i + 1
		l.Description = strings.TrimSpace(l.Description)
		if _, err := ParseRateKind(string(l.Kind)); err != nil {
			return Invalid(lineField(i, "kind"), "%s", ErrorMessage(err))
		}
		if l.Rate.Currency != cur {
			return Invalid(lineField(i, "rate"), "the invoice is in %s, %s's currency; got %s", cur, r.Vendor.Name, orNone(l.Rate.Currency))
		}
		if l.Quantity <= 0 {
			return Invalid(lineField(i, "quantity"), "a quantity must be more than zero (got %s)", FormatUnits(l.Quantity))
		}
		if l.Rate.Minor < 0 {
			return Invalid(lineField(i, "rate"), "a rate cannot be negative (got %s)", l.Rate)
		}
		if l.WorkedOn == "" {
			return Invalid(lineField(i, "date"), "give the day of the work (YYYY-MM-DD)")
		}
		if l.WorkedOn.Before(v.Start) || v.End.Before(l.WorkedOn) {
			return Invalid(lineField(i, "date"), "%s is outside the invoice's period %s to %s", l.WorkedOn, v.Start, v.End)
		}
		if utf8.RuneCountInString(l.Description) > 4000 {
			return Invalid(lineField(i, "description"), "keep the description under 4,000 characters")
		}
		var err error
		switch l.Kind {
		case RateHourly:
			if l.TimeEntryID == 0 || l.UserID == 0 {
				return Invalid(lineField(i, "time_entry"), "an hourly line bills an approved time entry")
			}
			if l.Classification, err = ParseClassification(lineField(i, "classification"), string(l.Classification)); err != nil {
				return err
			}
		case RateFixed:
			if l.WorkItemID == 0 {
				return Invalid(lineField(i, "work_item"), "a fixed fee line names the work item of the statement of work it bills")
			}
			if l.Quantity > 100 {
				return Invalid(lineField(i, "quantity"), "a fixed fee line bills at most the whole item (1.00); got %s", FormatUnits(l.Quantity))
			}
		case RatePerUnit:
			l.Unit = strings.TrimSpace(l.Unit)
			if l.Unit == "" || utf8.RuneCountInString(l.Unit) > 40 {
				return Invalid(lineField(i, "unit"), "name the unit billed (such as document), up to 40 characters")
			}
			if l.WorkItemID == 0 {
				return Invalid(lineField(i, "work_item"), "a per-unit line names the work item of the statement of work it bills")
			}
		}
		if l.TaskCode != "" {
			if l.TaskCode, err = ParseTaskCode(lineField(i, "task_code"), l.TaskCode); err != nil {
				return err
			}
		}
		if l.ActivityCode != "" {
			if l.ActivityCode, err = ParseActivityCode(lineField(i, "activity_code"), l.ActivityCode); err != nil {
				return err
			}
		}
		if l.Amount, err = LineAmount(l.Quantity, l.Rate); err != nil {
			return Invalid(lineField(i, "quantity"), "%s", ErrorMessage(err))
		}
		if total, err = total.Add(l.Amount); err != nil {
			return Invalid("lines", "the invoice total is too large")
		}
		if l.State == "" {
			l.State = LineOpen
		}
	}
	v.Total = total
	if v.State == "" {
		v.State = VendorInvoiceSubmitted
	}
	return nil
}

// VendorFlagFacts is what the review flags of an invoice's lines are
// computed from, all gathered in the submission's transaction.
type VendorFlagFacts struct {
	Items        []WorkItem // the approved statement of work's items (current version)
	SOWApproved  Date       // the day the first statement of work was approved ("" when none)
	Members      map[int64]bool
	Card         []RateCardLine // every dated line of the engagement's rate card
	DayHoursFlag Tenths         // the billing policy's day figure
	// What other non-rejected invoices of the engagement already bill: the
	// quantity per work item of the item's own pricing (hundredths), and
	// each person's hours per day across the vendor's invoices.
	PriorByItem   map[int64]int64
	PriorDayHours map[PersonDay]int64
}

// PersonDay keys a person's billed hours on one day.
type PersonDay struct {
	UserID int64
	Day    Date
}

// CountPriorItem adds a line of another non-rejected invoice of the
// engagement to the quantities billed per work item.
func (f *VendorFlagFacts) CountPriorItem(l VendorInvoiceLine) {
	if w, ok := SOWItemFor(f.Items, l.WorkItemID, l.WorkItem); ok && itemCounts(l.Kind, w.Pricing) {
		if f.PriorByItem == nil {
			f.PriorByItem = map[int64]int64{}
		}
		f.PriorByItem[w.ID] += l.Quantity
	}
}

// CountPriorHours adds an hourly line of the person's other non-rejected
// invoices to their billed hours per day.
func (f *VendorFlagFacts) CountPriorHours(l VendorInvoiceLine) {
	if l.Kind != RateHourly {
		return
	}
	if f.PriorDayHours == nil {
		f.PriorDayHours = map[PersonDay]int64{}
	}
	f.PriorDayHours[PersonDay{l.UserID, l.WorkedOn}] += l.Quantity
}

// InHouseShare is what line l of work item w stands for in-house
// (BaselineShare): hourly lines of an item estimated in hours, per-unit
// lines of an item priced per unit, fixed lines of a fixed-price item by
// their share; any other line stands for nothing.
func InHouseShare(w WorkItem, l VendorInvoiceLine) (hours int64, inHouse Money, err error) {
	if !itemCounts(l.Kind, w.Pricing) {
		return 0, Money{Currency: w.BaselineRate.Currency}, nil
	}
	return BaselineShare(w, l.Quantity)
}

// SOWItemFor finds the approved statement of work's item that line work item
// id stands for: the same item, or the same title in a later version (items
// are copied into each change order with new ids).
func SOWItemFor(items []WorkItem, id int64, title string) (WorkItem, bool) {
	for _, w := range items {
		if w.ID == id {
			return w, true
		}
	}
	if title != "" {
		for _, w := range items {
			if strings.EqualFold(w.Title, title) {
				return w, true
			}
		}
	}
	return WorkItem{}, false
}

// itemCounts reports whether a line of kind k counts against the estimate
// of an item priced p.
func itemCounts(k RateKind, p Pricing) bool {
	switch p {
	case PricingHourly:
		return k == RateHourly
	case PricingFixed:
		return k == RateFixed
	case PricingUnit:
		return k == RatePerUnit
	}
	return false
}

// VendorInvoiceFlags computes the review flags of each line of lines (in
// order) from the facts, each with a message naming the numbers. A flag
// explains; it never refuses. Lines are those of the invoice being
// submitted; the facts hold what other invoices already bill.
func VendorInvoiceFlags(lines []VendorInvoiceLine, f VendorFlagFacts) [][]VendorFlag {
	out := make([][]VendorFlag, len(lines))
	byItem := map[int64]int64{}
	for k, q := range f.PriorByItem {
		byItem[k] = q
	}
	day := map[PersonDay]int64{}
	for k, q := range f.PriorDayHours {
		day[k] = q
	}
	for _, l := range lines {
		if w, ok := SOWItemFor(f.Items, l.WorkItemID, l.WorkItem); ok && itemCounts(l.Kind, w.Pricing) {
			byItem[w.ID] += l.Quantity
		}
		if l.Kind == RateHourly {
			day[PersonDay{l.UserID, l.WorkedOn}] += l.Quantity
		}
	}
	limit := int64(f.DayHoursFlag) * 10
	for i, l := range lines {
		var fl []VendorFlag
		add := func(c VendorFlagCode, format string, args ...any) {
			fl = append(fl, VendorFlag{Code: c, Message: fmt.Sprintf(format, args...)})
		}
		who := l.UserName
		if who == "" {
			who = "The timekeeper"
		}
		w, inSOW := SOWItemFor(f.Items, l.WorkItemID, l.WorkItem)
		title := l.WorkItem
		if inSOW {
			title = w.Title
		}
		if l.WorkItemID != 0 && !inSOW {
			add(VFlagNotInSOW, "%q is not a work item of the approved statement of work.", title)
		}
		if inSOW && itemCounts(l.Kind, w.Pricing) {
			q := byItem[w.ID]
			if w.Pricing == PricingFixed {
				if q > 100 {
					add(VFlagOverEstimate, "%q is a fixed fee; the invoices bill %s of it in all, more than the whole item (1.00).", title, FormatUnits(q))
				}
			} else if est := int64(w.Estimate) * 10; q > est {
				add(VFlagOverEstimate, "%q is estimated at %s %s; the invoices bill %s in all, %s over.", title, w.Estimate, w.EstimateUnit,
					FormatUnits(q), FormatUnits(q-est))
			}
		}
		if l.Kind == RateHourly {
			if limit > 0 {
				if q := day[PersonDay{l.UserID, l.WorkedOn}]; q > limit {
					add(VFlagDayHours, "%s bills %s hours on %s; the firm flags more than %s hours a day.", who, trimUnits(q), l.WorkedOn, f.DayHoursFlag)
				}
			}
			if !f.Members[l.UserID] {
				add(VFlagNotOnEngagement, "%s is not a member of the engagement's vendor team.", who)
			}
		}
		if f.SOWApproved == "" {
			add(VFlagBeforeSOW, "The work on %s is billed before any statement of work was approved.", l.WorkedOn)
		} else if l.WorkedOn.Before(f.SOWApproved) {
			add(VFlagBeforeSOW, "The work on %s is dated before the statement of work was approved on %s.", l.WorkedOn, f.SOWApproved)
		}
		if card, what, ok := cardRate(f.Card, l, w, inSOW); !ok {
			add(VFlagAboveCard, "The rate card in force on %s has no rate for %s; %s is billed.", l.WorkedOn, what, l.Rate)
		} else if l.Rate.Minor > card.Minor {
			add(VFlagAboveCard, "%s is billed for %s on %s; the rate card in force then says %s.", l.Rate, what, l.WorkedOn, card)
		}
		out[i] = fl
	}
	return out
}

// trimUnits renders hundredths without trailing zeros ("11.5", "10").
func trimUnits(q int64) string {
	s := FormatUnits(q)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// cardRate is the rate card's rate for what line l bills on its day, and
// what that is in words; ok is false when the card has none.
func cardRate(card []RateCardLine, l VendorInvoiceLine, w WorkItem, inSOW bool) (Money, string, bool) {
	on := CardOn(card, l.WorkedOn)
	var what string
	match := func(c RateCardLine) bool { return false }
	switch l.Kind {
	case RateHourly:
		what = "an hour of " + string(l.Classification)
		match = func(c RateCardLine) bool { return c.Kind == RateHourly && c.Classification == l.Classification }
	case RateFixed:
		what = fmt.Sprintf("the fixed fee of %q", l.WorkItem)
		match = func(c RateCardLine) bool {
			return c.Kind == RateFixed && (c.WorkItemID == l.WorkItemID || inSOW && c.WorkItemID == w.ID ||
				c.WorkItemTitle != "" && strings.EqualFold(c.WorkItemTitle, l.WorkItem))
		}
	case RatePerUnit:
		what = "a " + l.Unit
		match = func(c RateCardLine) bool { return c.Kind == RatePerUnit && strings.EqualFold(c.Unit, l.Unit) }
	}
	for _, c := range on {
		if match(c) {
			return c.Amount, what, true
		}
	}
	return Money{}, what, false
}

// FlagCodes joins flags' codes as stored ("over_estimate,day_hours").
func FlagCodes(fl []VendorFlag) string {
	c := make([]string, len(fl))
	for i, f := range fl {
		c[i] = string(f.Code)
	}
	return strings.Join(c, ",")
}

// FlagCount is how many flags an invoice's lines carry.
func (v VendorInvoice) FlagCount() int {
	n := 0
	for _, l := range v.Lines {
		n += len(l.Flags)
	}
	return n
}

// Final reports whether the invoice is decided (approved or rejected):
// nothing of it changes any more.
func (v VendorInvoice) Final() bool {
	return v.State == VendorInvoiceApproved || v.State == VendorInvoiceRejected
}

// Disputed reports whether any line is disputed.
func (v VendorInvoice) Disputed() bool {
	for _, l := range v.Lines {
		if l.State == LineDisputed {
			return true
		}
	}
	return false
}

// ResolveLine applies the firm's resolution to a disputed line: accept at
// its amount, adjust to amount (at least zero, below the line's amount, in
// the invoice's currency), or remove (nothing paid).
func ResolveLine(l *VendorInvoiceLine, res VendorLineResolution, amount Money) error {
	if l.State != LineDisputed {
		return Errorf(EConflict, "line %d is %s, not disputed: only a disputed line is resolved", l.Position, l.State)
	}
	switch res {
	case ResolveAccept:
		l.State, l.ApprovedAmount = LineAccepted, l.Amount
	case ResolveRemove:
		l.State, l.ApprovedAmount = LineRemoved, Money{Currency: l.Amount.Currency}
	case ResolveAdjust:
		if amount.Currency != l.Amount.Currency {
			return Invalid("amount", "the adjusted amount is in %s, the invoice's currency; got %s", l.Amount.Currency, orNone(amount.Currency))
		}
		if amount.Minor < 0 || amount.Minor >= l.Amount.Minor {
			return Invalid("amount", "an adjusted amount is at least zero and below the line's %s (got %s)", l.Amount, amount)
		}
		l.State, l.ApprovedAmount = LineAdjusted, amount
	default:
		return Invalid("action", "%q is not a resolution: accept, adjust or remove", string(res))
	}
	return nil
}

// ParseResolution reads accept, adjust or remove.
func ParseResolution(s string) (VendorLineResolution, error) {
	switch r := VendorLineResolution(strings.ToLower(strings.TrimSpace(s))); r {
	case ResolveAccept, ResolveAdjust, ResolveRemove:
		return r, nil
	}
	return "", Invalid("action", "%q is not a resolution: accept, adjust or remove", s)
}

// ApproveLines accepts every open line at its amount and returns the
// approved total: accepted and adjusted amounts. A disputed line refuses.
func ApproveLines(lines []VendorInvoiceLine, cur Currency) (Money, error) {
	total := Money{Currency: cur}
	for i := range lines {
		l := &lines[i]
		switch l.State {
		case LineDisputed:
			return total, Errorf(EConflict, "line %d is still disputed: resolve every dispute before approving", l.Position)
		case LineOpen:
			l.State, l.ApprovedAmount = LineAccepted, l.Amount
		}
		if l.State == LineAccepted || l.State == LineAdjusted {
			var err error
			if total, err = total.Add(l.ApprovedAmount); err != nil {
				return total, err
			}
		}
	}
	return total, nil
}

// MaxFXDecimals is how many decimals an exchange rate may have.
const MaxFXDecimals = 10

// ParseFXRate reads an exchange rate (firm currency per one unit of the
// vendor's, such as "0.0120") as an exact fraction num/den: more than zero,
// at most MaxFXDecimals decimals. Errors name fx_rate.
func ParseFXRate(s string) (num, den int64, err error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, 0, Invalid("fx_rate", "give the exchange rate: %s", "the firm's currency per one unit of the vendor's, such as 0.0120")
	}
	whole, frac, dot := strings.Cut(t, ".")
	if whole == "" {
		whole = "0"
	}
	if (dot && frac == "") || len(frac) > MaxFXDecimals || len(whole) > 8 || !allDigits(whole) || !allDigits(frac) {
		return 0, 0, Invalid("fx_rate", "%q is not an exchange rate: give a number more than zero with at most %d decimals, such as 0.0120", s, MaxFXDecimals)
	}
	n, _ := strconv.ParseInt(whole+frac, 10, 64)
	if n <= 0 {
		return 0, 0, Invalid("fx_rate", "an exchange rate must be more than zero (got %q)", s)
	}
	den = 1
	for range len(frac) {
		den *= 10
	}
	return n, den, nil
}

// FirmCost converts an approved total into the firm's currency at rate
// num/den (ScaleAmount: rounded once, half to even).
func FirmCost(approved Money, num, den int64, firm Currency) (Money, error) {
	return ScaleAmount(approved, num, den, firm)
}
