package domain

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The statement of work: versions of work items agreed by the firm and the
// vendor. Version 1 is the statement; each later version is a change order
// with a reason. A version is a draft until both the firm (the supervising
// attorney or a firm administrator) and the vendor manager approve the same
// revision; a change to the draft withdraws both approvals. Approval
// freezes the version and records the SHA-256 of its canonical text.

// Tenths is a quantity in integer tenths (of an hour, or of a unit): 15 is 1.5.
type Tenths int64

// ParseTenths reads a quantity with at most one decimal ("1.5", "2", "0.1");
// more decimals is an error, never a rounding.
func ParseTenths(field, s string) (Tenths, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, Invalid(field, "give a number, such as 1.5")
	}
	whole, frac, dot := strings.Cut(t, ".")
	if whole == "" {
		whole = "0"
	}
	if (dot && frac == "") || len(frac) > 1 || !allDigits(whole) || !allDigits(frac) || len(whole) > 9 {
		return 0, Invalid(field, "%q is not a number with at most one decimal, such as 1.5", s)
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, Invalid(field, "%q is not a number", s)
	}
	v := w * 10
	if frac != "" {
		v += int64(frac[0] - '0')
	}
	return Tenths(v), nil
}

// String renders "1.5", "2", "0.1".
func (t Tenths) String() string {
	if t%10 == 0 {
		return strconv.FormatInt(int64(t)/10, 10)
	}
	sign := ""
	v := int64(t)
	if v < 0 {
		sign, v = "-", -v
	}
	return fmt.Sprintf("%s%d.%d", sign, v/10, v%10)
}

// Pricing is how a work item is priced by the vendor.
type Pricing string

// Pricings.
const (
	PricingHourly Pricing = "hourly" // the price is per hour of the estimate
	PricingFixed  Pricing = "fixed"  // the price is for the whole item
	PricingUnit   Pricing = "unit"   // the price is per unit of the estimate
)

// ParsePricing validates a pricing.
func ParsePricing(field, s string) (Pricing, error) {
	switch p := Pricing(strings.TrimSpace(s)); p {
	case PricingHourly, PricingFixed, PricingUnit:
		return p, nil
	}
	return "", Invalid(field, "%q is not a pricing: choose hourly, fixed or unit", s)
}

// Label names the pricing.
func (p Pricing) Label() string {
	switch p {
	case PricingHourly:
		return "Hourly rate"
	case PricingFixed:
		return "Fixed price"
	case PricingUnit:
		return "Per-unit price"
	}
	return string(p)
}

// UnitHours is the estimate unit of an hourly or fixed estimate.
const UnitHours = "hours"

// WorkItem is one item of a statement-of-work version. Deliverables (issue 6
// part 7) and time entries reference it by ID.
type WorkItem struct {
	ID           int64
	EngagementID int64
	VersionID    int64
	Position     int
	Service      Service
	Title        string
	Description  string
	Deliverable  string
	Acceptance   string // acceptance criteria
	DueOn        Date
	// The vendor's estimate: a quantity of EstimateUnit ("hours", or a unit
	// name such as "documents").
	Estimate     Tenths
	EstimateUnit string
	// The in-house baseline: hours and the firm's rate, in the firm's currency.
	BaselineHours Tenths
	BaselineRate  Money
	Pricing       Pricing
	Price         Money // in the vendor's currency
	TaskCode      string
	ActivityCode  string
}

// ItemRules is what a work item is checked against.
type ItemRules struct {
	Today          Date
	FirmCurrency   Currency
	VendorCurrency Currency
}

// Validate checks an item and normalises its codes and unit.
func (w *WorkItem) Validate(r ItemRules) error {
	w.Title = strings.TrimSpace(w.Title)
	w.Description, w.Deliverable, w.Acceptance = strings.TrimSpace(w.Description), strings.TrimSpace(w.Deliverable), strings.TrimSpace(w.Acceptance)
	w.EstimateUnit = strings.TrimSpace(w.EstimateUnit)
	if _, err := ParseService("type", string(w.Service)); err != nil {
		return err
	}
	switch {
	case w.Title == "":
		return Invalid("title", "give the work item a title")
	case utf8.RuneCountInString(w.Title) > 200:
		return Invalid("title", "keep the title under 200 characters")
	case utf8.RuneCountInString(w.Description) > 4000 || utf8.RuneCountInString(w.Deliverable) > 4000 || utf8.RuneCountInString(w.Acceptance) > 4000:
		return Invalid("description", "keep the description, deliverable and acceptance criteria under 4,000 characters each")
	case w.DueOn != "" && w.DueOn.Before(r.Today):
		return Invalid("due_on", "the due date %s is before today (%s)", w.DueOn, r.Today)
	case w.Estimate < 0 || w.BaselineHours < 0:
		return Invalid("estimate", "estimates cannot be negative")
	case w.BaselineRate.Minor < 0 || w.Price.Minor < 0:
		return Invalid("price", "prices and rates cannot be negative")
	}
	if _, err := ParsePricing("pricing", string(w.Pricing)); err != nil {
		return err
	}
	if w.EstimateUnit == "" {
		w.EstimateUnit = UnitHours
	}
	if w.Pricing == PricingHourly && w.EstimateUnit != UnitHours {
		return Invalid("estimate_unit", "an hourly price needs an estimate in hours")
	}
	if w.Pricing == PricingUnit && w.EstimateUnit == UnitHours {
		return Invalid("estimate_unit", "a per-unit price needs the unit's name, such as documents")
	}
	if utf8.RuneCountInString(w.EstimateUnit) > 40 {
		return Invalid("estimate_unit", "keep the unit's name short")
	}
	if w.Price.Currency == "" {
		w.Price.Currency = r.VendorCurrency
	}
	if w.BaselineRate.Currency == "" {
		w.BaselineRate.Currency = r.FirmCurrency
	}
	if w.Price.Currency != r.VendorCurrency {
		return Invalid("price", "price the item in the vendor's currency, %s", r.VendorCurrency)
	}
	if w.BaselineRate.Currency != r.FirmCurrency {
		return Invalid("baseline_rate", "give the in-house rate in the firm's currency, %s", r.FirmCurrency)
	}
	var err error
	if w.TaskCode, err = ParseTaskCode("task_code", w.TaskCode); err != nil {
		return err
	}
	if w.ActivityCode, err = ParseActivityCode("activity_code", w.ActivityCode); err != nil {
		return err
	}
	if _, err := w.VendorCost(); err != nil {
		return err
	}
	if _, err := w.BaselineCost(); err != nil {
		return err
	}
	return nil
}

// mulTenths returns m × t, t in tenths, rounded once where every amount
// is (LineAmount: half to even), refusing overflow.
func mulTenths(m Money, t Tenths) (Money, error) {
	v, err := LineAmount(int64(t)*10, m)
	if err != nil {
		return Money{}, Invalid("price", "%s × %s is too large", m, t)
	}
	return v, nil
}

// VendorCost is what the vendor's estimate costs, in the vendor's currency:
// rate × hours, the fixed price, or unit price × units (to the minor unit,
// halves rounded up).
func (w WorkItem) VendorCost() (Money, error) {
	if w.Pricing == PricingFixed {
		return w.Price, nil
	}
	return mulTenths(w.Price, w.Estimate)
}

// BaselineCost is what the item would cost in-house: the firm's rate × the
// baseline hours, in the firm's currency.
func (w WorkItem) BaselineCost() (Money, error) { return mulTenths(w.BaselineRate, w.BaselineHours) }

// SOWVersion is one version of an engagement's statement of work.
type SOWVersion struct {
	ID               int64
	EngagementID     int64
	Version          int
	Reason           string // why this change order (versions after the first)
	DraftedBy        int64
	DraftedAt        time.Time
	Revision         int // counts changes to the draft
	FirmApprovedBy   int64
	FirmApproverName string
	FirmApprovedAt   time.Time
	VendorApprovedBy int64
	VendorApprover   string
	VendorApprovedAt time.Time
	ApprovedAt       time.Time
	ApprovedOn       Date
	SHA256           string
	Items            []WorkItem
}

// Draft reports whether the version is still being agreed.
func (v SOWVersion) Draft() bool { return v.ApprovedAt.IsZero() }

// ChangeOrder reports whether the version changes an approved statement.
func (v SOWVersion) ChangeOrder() bool { return v.Version > 1 }

// State says where the version is, in plain words.
func (v SOWVersion) State() string {
	switch {
	case !v.Draft():
		return "approved"
	case v.FirmApprovedBy != 0 && v.VendorApprovedBy == 0:
		return "awaiting the vendor manager"
	case v.FirmApprovedBy == 0 && v.VendorApprovedBy != 0:
		return "awaiting the attorney"
	}
	return "draft"
}

// CanonicalText is the version's content as hashed when it is approved: one
// line per field, items in order, amounts in minor units.
func (v SOWVersion) CanonicalText() string {
	var b strings.Builder
	fmt.Fprintf(&b, "engagement %d\nversion %d\nreason %q\n", v.EngagementID, v.Version, v.Reason)
	for _, w := range v.Items {
		fmt.Fprintf(&b, "item %d\nservice %s\ntitle %q\ndescription %q\ndeliverable %q\nacceptance %q\ndue %s\nestimate %d %q\nbaseline %d %d %s\npricing %s %d %s\ncodes %s %s\n",
			w.Position, w.Service, w.Title, w.Description, w.Deliverable, w.Acceptance, w.DueOn, w.Estimate, w.EstimateUnit,
			w.BaselineHours, w.BaselineRate.Minor, w.BaselineRate.Currency, w.Pricing, w.Price.Minor, w.Price.Currency, w.TaskCode, w.ActivityCode)
	}
	return b.String()
}

// Hash is the hex SHA-256 of CanonicalText.
func (v SOWVersion) Hash() string {
	h := sha256.Sum256([]byte(v.CanonicalText()))
	return hex.EncodeToString(h[:])
}

// SOWTotals are a version's sums, one amount per currency: what the vendor's
// estimates cost, what the same work would cost in-house, and the expected
// saving where the two are in one currency. Amounts are never converted.
type SOWTotals struct {
	VendorCost   []Money
	BaselineCost []Money
	// Saving is baseline − vendor cost when both are in one currency; it is
	// unset (SavingKnown false) when they differ.
	Saving      Money
	SavingKnown bool
}

// Totals sums the items exactly.
func (v SOWVersion) Totals() (SOWTotals, error) {
	var t SOWTotals
	add := func(list []Money, m Money) ([]Money, error) {
		for i := range list {
			if list[i].Currency == m.Currency {
				s, err := list[i].Add(m)
				list[i] = s
				return list, err
			}
		}
		return append(list, m), nil
	}
	for _, w := range v.Items {
		c, err := w.VendorCost()
		if err != nil {
			return t, err
		}
		if t.VendorCost, err = add(t.VendorCost, c); err != nil {
			return t, err
		}
		b, err := w.BaselineCost()
		if err != nil {
			return t, err
		}
		if t.BaselineCost, err = add(t.BaselineCost, b); err != nil {
			return t, err
		}
	}
	if len(t.VendorCost) == 1 && len(t.BaselineCost) == 1 && t.VendorCost[0].Currency == t.BaselineCost[0].Currency {
		neg := t.VendorCost[0]
		neg.Minor = -neg.Minor
		s, err := t.BaselineCost[0].Add(neg)
		if err != nil {
			return t, err
		}
		t.Saving, t.SavingKnown = s, true
	}
	return t, nil
}
