package domain

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// ConflictThreshold is the score (0–1) at which a party's name and a
// vendor's disclosure are reported as a possible conflict, and at which the
// party search answers. It is the threshold the labelled name pairs of
// internal/conflicts are measured at (recall and precision).
const ConflictThreshold = 0.85

// DisclosureKind says what a vendor's disclosure is about.
type DisclosureKind string

// Disclosure kinds.
const (
	DisclosureClient      DisclosureKind = "client"        // the vendor works for this party
	DisclosureAdverse     DisclosureKind = "adverse_party" // the vendor works against this party (another firm's matter included)
	DisclosureAffiliation DisclosureKind = "affiliation"   // one of the vendor's people is connected to this party
)

// DisclosureKinds lists the kinds in display order.
var DisclosureKinds = []DisclosureKind{DisclosureClient, DisclosureAdverse, DisclosureAffiliation}

// Label names the kind in plain words.
func (k DisclosureKind) Label() string {
	switch k {
	case DisclosureClient:
		return "Client of the vendor"
	case DisclosureAdverse:
		return "Adverse party"
	case DisclosureAffiliation:
		return "Personnel affiliation"
	}
	return string(k)
}

// ParseDisclosureKind reads a kind as people write it: "client",
// "adverse_party" (or "adverse", "adverse party"), "affiliation".
func ParseDisclosureKind(field, s string) (DisclosureKind, error) {
	switch strings.Join(strings.FieldsFunc(strings.ToLower(strings.TrimSpace(s)), func(r rune) bool { return r == ' ' || r == '_' || r == '-' }), "_") {
	case "client":
		return DisclosureClient, nil
	case "adverse_party", "adverse":
		return DisclosureAdverse, nil
	case "affiliation", "personnel_affiliation":
		return DisclosureAffiliation, nil
	}
	return "", Invalid(field, "%q is not a kind of disclosure (client, adverse_party or affiliation)", s)
}

// Disclosure is one name a vendor discloses for conflict checks: a client it
// works for, a party it works against, or a personnel affiliation.
type Disclosure struct {
	ID       int64
	VendorID int64
	Name     string
	Kind     DisclosureKind
	UserID   int64  // for an affiliation: the vendor person concerned (optional)
	UserName string // filled in on reading
	Details  string // the other firm or matter, the person's role, …
	// CreatedBy is the user who disclosed it (0 for loaded data).
	CreatedBy int64
	CreatedAt time.Time
	RemovedAt time.Time // zero while the disclosure stands
}

// Validate checks a disclosure before it is stored.
func (d *Disclosure) Validate() error {
	name, err := PartyName("name", d.Name)
	if err != nil {
		return err
	}
	d.Name = name
	k, err := ParseDisclosureKind("kind", string(d.Kind))
	if err != nil {
		return err
	}
	d.Kind = k
	d.Details = strings.TrimSpace(d.Details)
	if utf8.RuneCountInString(d.Details) > 1000 || strings.ContainsFunc(d.Details, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }) {
		return Invalid("details", "details are at most 1000 characters of text")
	}
	if d.UserID != 0 && d.Kind != DisclosureAffiliation {
		return Invalid("user", "only a personnel affiliation names one of the vendor's people")
	}
	return nil
}

// PartyName checks a party name, an alias or a disclosed name: one line of
// text, 1–300 characters, with at least one letter or digit. It returns the
// name trimmed.
func PartyName(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" || utf8.RuneCountInString(s) > 300 || !utf8.ValidString(s) {
		return "", Invalid(field, "a name is required (at most 300 characters)")
	}
	if strings.ContainsFunc(s, unicode.IsControl) {
		return "", Invalid(field, "a name is one line of text")
	}
	if !strings.ContainsFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
		return "", Invalid(field, "a name needs at least one letter or digit")
	}
	return s, nil
}

// HitStatus is where a conflict hit stands.
type HitStatus string

// Hit statuses. Open and blocked hits keep an engagement from opening.
const (
	HitOpen    HitStatus = "open"    // awaiting an attorney's decision
	HitCleared HitStatus = "cleared" // not a conflict, with a reason
	HitWaived  HitStatus = "waived"  // a conflict the client consented to
	HitBlocked HitStatus = "blocked" // a conflict: the vendor cannot work on the matter
)

// Label says the status in plain words.
func (s HitStatus) Label() string {
	switch s {
	case HitOpen:
		return "Waiting for an attorney"
	case HitCleared:
		return "Cleared"
	case HitWaived:
		return "Waived with client consent"
	case HitBlocked:
		return "Blocked"
	}
	return string(s)
}

// Stands reports whether a hit with this status keeps an engagement from
// opening.
func (s HitStatus) Stands() bool { return s == HitOpen || s == HitBlocked }

// ConsentRecord is the client's informed consent to a waived conflict: who
// consented, on which day, and what evidences it (a letter, an email).
type ConsentRecord struct {
	By       string
	On       Date
	Evidence string
}

// ConflictHit is one pair of names that matched: a name of a matter's party
// (its name or an alias) and a vendor's disclosure, with the score, the
// reasons, and the attorney's resolution.
type ConflictHit struct {
	ID             int64
	MatterID       int64
	VendorID       int64
	PartyID        int64
	PartyName      string    // the party-side name that matched (the party's name or an alias)
	PartyLabel     string    // the party's own name, when PartyName is an alias
	PartyRole      PartyRole // the party's role on the matter
	DisclosureID   int64
	DisclosedName  string
	DisclosureKind DisclosureKind
	Score          float64 // 0–1
	Reasons        []string
	Status         HitStatus
	Resolution     string // why it was cleared, waived or blocked
	Consent        ConsentRecord
	ResolvedBy     int64
	ResolvedByName string
	ResolvedAt     time.Time
	FoundAt        time.Time
	ObsoleteAt     time.Time // when the pair stopped matching; zero while it stands
}

// Current reports whether the pair still matches.
func (h ConflictHit) Current() bool { return h.ObsoleteAt.IsZero() }

// Resolution is an attorney's decision on a hit.
type Resolution struct {
	Status  HitStatus
	Reason  string
	Consent ConsentRecord // for a waiver
}

// Validate checks a resolution: cleared and blocked need a reason; waived
// needs the client's consent (who, a day not after today, and the evidence).
func (r *Resolution) Validate(today Date) error {
	r.Reason = strings.TrimSpace(r.Reason)
	switch r.Status {
	case HitCleared, HitWaived, HitBlocked:
	default:
		return Invalid("status", "choose cleared, waived or blocked")
	}
	if r.Reason == "" || utf8.RuneCountInString(r.Reason) > 2000 {
		return Invalid("reason", "say why (at most 2000 characters); it is kept in the audit trail")
	}
	if r.Status != HitWaived {
		r.Consent = ConsentRecord{}
		return nil
	}
	r.Consent.By = strings.TrimSpace(r.Consent.By)
	r.Consent.Evidence = strings.TrimSpace(r.Consent.Evidence)
	if r.Consent.By == "" || utf8.RuneCountInString(r.Consent.By) > 300 {
		return Invalid("consent_by", "a waiver needs the client's consent: name who consented")
	}
	if r.Consent.On == "" {
		return Invalid("consent_on", "a waiver needs the day the client consented")
	}
	if _, err := ParseDate("consent_on", string(r.Consent.On)); err != nil {
		return err
	}
	if today.Before(r.Consent.On) {
		return Invalid("consent_on", "the consent cannot be dated after today")
	}
	if r.Consent.Evidence == "" || utf8.RuneCountInString(r.Consent.Evidence) > 2000 {
		return Invalid("consent_evidence", "say what evidences the consent (a signed letter, an email), at most 2000 characters")
	}
	return nil
}
