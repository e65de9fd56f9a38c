package domain

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Rates (issue 8 part 1): the firm's timekeepers with their LEDES
// timekeeper id, classification and dated hourly rates, and each
// engagement's vendor rate card in the vendor's currency. A rate never
// changes in place: a new rate with a later (or earlier) effective date
// supersedes it from that day, so an invoice for past work keeps the rate
// that was in force when the work was done.

// Classification is a LEDES timekeeper classification, the code LEDES 1998B
// carries in TIMEKEEPER_CLASSIFICATION.
type Classification string

// The timekeeper classifications commonly used in LEDES 1998B invoices (the
// public 1998B sample record bills a PARTNR).
const (
	ClassPartner        Classification = "PARTNR"
	ClassAssociate      Classification = "ASSOC"
	ClassOfCounsel      Classification = "OFCOUN"
	ClassParalegal      Classification = "PARLGL"
	ClassLegalAssistant Classification = "LEGAST"
	ClassSecretary      Classification = "SECRET"
	ClassClerk          Classification = "CLERK"
	ClassLibrarian      Classification = "LIBRAR"
	ClassOther          Classification = "OTHER"
)

// Classifications lists the accepted classifications in display order.
var Classifications = []Classification{ClassPartner, ClassOfCounsel, ClassAssociate, ClassParalegal, ClassLegalAssistant,
	ClassSecretary, ClassClerk, ClassLibrarian, ClassOther}

var classificationLabel = map[Classification]string{
	ClassPartner: "Partner", ClassAssociate: "Associate", ClassOfCounsel: "Of counsel", ClassParalegal: "Paralegal",
	ClassLegalAssistant: "Legal assistant", ClassSecretary: "Secretary", ClassClerk: "Clerk", ClassLibrarian: "Librarian",
	ClassOther: "Other timekeeper",
}

// ParseClassification validates a classification code (case-insensitive).
func ParseClassification(field, s string) (Classification, error) {
	c := Classification(strings.ToUpper(strings.TrimSpace(s)))
	if _, ok := classificationLabel[c]; !ok {
		codes := make([]string, len(Classifications))
		for i, x := range Classifications {
			codes[i] = string(x)
		}
		return "", Invalid(field, "%q is not a LEDES timekeeper classification (use one of %s)", s, strings.Join(codes, ", "))
	}
	return c, nil
}

// Label names the classification ("Partner").
func (c Classification) Label() string {
	if l, ok := classificationLabel[c]; ok {
		return l
	}
	return string(c)
}

// Rate is a timekeeper's hourly rate from its effective day on, until a
// later rate takes over.
type Rate struct {
	ID        int64
	Effective Date
	Amount    Money
	SetBy     int64
	SetByName string
	SetAt     time.Time
}

// Validate checks a rate in the firm's currency.
func (r Rate) Validate(firm Currency) error {
	if r.Effective == "" {
		return Invalid("from", "say from which day the rate applies (YYYY-MM-DD)")
	}
	if r.Amount.Currency != firm {
		return Invalid("currency", "timekeeper rates are in the firm's currency, %s; got %s", firm, r.Amount.Currency)
	}
	if r.Amount.Minor <= 0 {
		return Invalid("rate", "a rate must be more than zero; got %s", r.Amount.Decimal())
	}
	return nil
}

// Timekeeper is a firm user who bills time: their LEDES timekeeper id,
// classification and rates, newest effective date first.
type Timekeeper struct {
	UserID         int64
	Name           string
	Email          string
	LEDESID        string
	Classification Classification
	Rates          []Rate
	UpdatedAt      time.Time
}

// Validate checks the LEDES id (1–20 of A–Z, a–z, 0–9, '-', '_', '.') and
// the classification.
func (t Timekeeper) Validate() error {
	if t.UserID == 0 {
		return Invalid("user", "choose the firm user who is the timekeeper")
	}
	if t.LEDESID == "" || len(t.LEDESID) > 20 || strings.IndexFunc(t.LEDESID, func(r rune) bool { return !ledesIDRune(r) }) >= 0 {
		return Invalid("ledes_id", "a LEDES timekeeper id is 1–20 letters, digits, '-', '_' or '.'; got %q", t.LEDESID)
	}
	_, err := ParseClassification("classification", string(t.Classification))
	return err
}

func ledesIDRune(r rune) bool {
	return r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.'
}

// RateOn is the rate in force on day: the one with the latest effective
// day not after it, whatever order rates is in. Before the first rate
// there is none, an error naming the timekeeper and the day.
func RateOn(who string, rates []Rate, day Date) (Rate, error) {
	var best Rate
	found := false
	for _, r := range rates {
		if r.Effective <= day && (!found || r.Effective > best.Effective) {
			best, found = r, true
		}
	}
	if !found {
		return best, Errorf(ENotFound, "%s has no rate in force on %s", who, day)
	}
	return best, nil
}

// RateOn is the timekeeper's rate in force on day.
func (t Timekeeper) RateOn(day Date) (Rate, error) {
	who := t.Name
	if who == "" {
		who = "timekeeper " + t.LEDESID
	}
	return RateOn(who, t.Rates, day)
}

// RateKind is how a rate card line charges.
type RateKind string

// Rate card kinds.
const (
	RateHourly  RateKind = "hourly"   // per hour of a vendor timekeeper of a classification
	RateFixed   RateKind = "fixed"    // a fixed fee, for a work item of the approved SOW or the engagement
	RatePerUnit RateKind = "per_unit" // per unit of work ("document", "contract")
)

// ParseRateKind validates a rate kind.
func ParseRateKind(s string) (RateKind, error) {
	switch k := RateKind(strings.TrimSpace(s)); k {
	case RateHourly, RateFixed, RatePerUnit:
		return k, nil
	}
	return "", Invalid("kind", "%q is not a rate kind (hourly, fixed or per_unit)", s)
}

// Label names the kind ("Per unit").
func (k RateKind) Label() string {
	switch k {
	case RateHourly:
		return "Hourly"
	case RateFixed:
		return "Fixed fee"
	case RatePerUnit:
		return "Per unit"
	}
	return string(k)
}

// RateCardLine is one dated rate of an engagement's vendor rate card.
type RateCardLine struct {
	ID             int64
	EngagementID   int64
	Kind           RateKind
	Classification Classification // hourly: the vendor timekeeper's classification
	WorkItemID     int64          // fixed: a work item of the approved SOW (0: the engagement)
	WorkItemTitle  string
	Unit           string // per_unit: "document", "contract"
	Description    string
	Amount         Money
	Effective      Date
	SetBy          int64
	SetByName      string
	SetAt          time.Time
}

// Key identifies what the line prices; a later line with the same key
// supersedes it from its effective day.
func (l RateCardLine) Key() string {
	return string(l.Kind) + "|" + string(l.Classification) + "|" + strconv.FormatInt(l.WorkItemID, 10) + "|" + strings.ToLower(l.Unit)
}

// Validate checks a line against the vendor, whose currency the card is in.
func (l RateCardLine) Validate(v Vendor) error {
	if _, err := ParseRateKind(string(l.Kind)); err != nil {
		return err
	}
	switch l.Kind {
	case RateHourly:
		if _, err := ParseClassification("classification", string(l.Classification)); err != nil {
			return err
		}
		if l.WorkItemID != 0 || l.Unit != "" {
			return Invalid("kind", "an hourly rate names a classification, not a work item or a unit")
		}
	case RateFixed:
		if l.Classification != "" || l.Unit != "" {
			return Invalid("kind", "a fixed fee names a work item (or none), not a classification or a unit")
		}
	case RatePerUnit:
		if u := strings.TrimSpace(l.Unit); u == "" || utf8.RuneCountInString(u) > 40 || u != l.Unit {
			return Invalid("unit", "name the unit priced (such as document or contract), up to 40 characters")
		}
		if l.Classification != "" || l.WorkItemID != 0 {
			return Invalid("kind", "a per-unit rate names a unit, not a classification or a work item")
		}
	}
	if utf8.RuneCountInString(l.Description) > 200 {
		return Invalid("description", "keep the description under 200 characters")
	}
	if l.Effective == "" {
		return Invalid("from", "say from which day the rate applies (YYYY-MM-DD)")
	}
	if l.Amount.Currency != v.Currency {
		return Invalid("currency", "the rate card is in %s, %s's currency; got %s", v.Currency, v.Name, l.Amount.Currency)
	}
	if l.Amount.Minor <= 0 {
		return Invalid("amount", "a rate must be more than zero; got %s", l.Amount.Decimal())
	}
	return nil
}

// CardOn is the rate card in force on day: for each key, the line with the
// latest effective day not after it, in the order of lines' first
// appearance by key.
func CardOn(lines []RateCardLine, day Date) []RateCardLine {
	best := map[string]RateCardLine{}
	var keys []string
	for _, l := range lines {
		if l.Effective > day {
			continue
		}
		k := l.Key()
		cur, ok := best[k]
		if !ok {
			keys = append(keys, k)
		}
		if !ok || l.Effective > cur.Effective {
			best[k] = l
		}
	}
	out := make([]RateCardLine, 0, len(keys))
	for _, k := range keys {
		out = append(out, best[k])
	}
	slices.SortStableFunc(out, func(a, b RateCardLine) int { return strings.Compare(string(a.Kind), string(b.Kind)) })
	return out
}
