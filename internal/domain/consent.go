package domain

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Client consent to outsourcing (ABA Formal Op. 08-451, Model Rule 1.6):
// before a vendor works on a matter the firm tells the client, in plain
// words, who will do what, where, with which information, under which
// safeguards and supervision, and how it is billed; the client consents or
// declines, and may revoke. The text the client answered is frozen and
// hashed, so the record shows exactly what was agreed to.

// ConsentState is where a client's consent to an engagement stands.
type ConsentState string

// Consent states. ConsentNone means no disclosure has been issued yet.
const (
	ConsentNone     ConsentState = ""
	ConsentPending  ConsentState = "pending"  // issued, waiting for the client
	ConsentGiven    ConsentState = "given"    // the client consented to the issued text
	ConsentDeclined ConsentState = "declined" // the client declined
	ConsentRevoked  ConsentState = "revoked"  // the client consented, then withdrew it
	ConsentStale    ConsentState = "stale"    // a material change since: issue it again
)

// Label says the state in plain words, for a badge.
func (s ConsentState) Label() string {
	switch s {
	case ConsentPending:
		return "Waiting for the client"
	case ConsentGiven:
		return "Consent given"
	case ConsentDeclined:
		return "Declined"
	case ConsentRevoked:
		return "Revoked"
	case ConsentStale:
		return "Needs consent again"
	}
	return "Not asked yet"
}

// Tone is the badge tone of the state: ok, wait or bad.
func (s ConsentState) Tone() string {
	switch s {
	case ConsentGiven:
		return "ok"
	case ConsentDeclined, ConsentRevoked:
		return "bad"
	}
	return "wait"
}

// ClientDisclosure is one version of the outsourcing disclosure of an
// engagement: a draft while IssuedAt is zero, frozen and hashed once issued.
type ClientDisclosure struct {
	ID           int64
	EngagementID int64
	Version      int
	Body         string
	VendorID     int64       // the vendor it was written about
	BillingMode  BillingMode // the billing mode it was written about
	DraftedBy    int64
	DraftedAt    time.Time
	SHA256       string // hex SHA-256 of Body, set when issued
	IssuedBy     int64
	IssuedByName string
	IssuedAt     time.Time
}

// Issued reports whether the version was issued (frozen).
func (d ClientDisclosure) Issued() bool { return !d.IssuedAt.IsZero() }

// Consent is the client's answer to one issued disclosure version.
type Consent struct {
	ID               int64
	EngagementID     int64
	DisclosureID     int64
	DisclosureSHA256 string
	Version          int
	State            ConsentState
	ClientUserID     int64 // the client contact who answered in Probity
	ClientName       string
	RecordedBy       int64 // the attorney who recorded an answer given outside Probity
	RecordedByName   string
	Evidence         string
	// EvidenceDocumentID is the attached evidence of an answer recorded
	// outside Probity (0: described only); EvidenceFilename its name.
	EvidenceDocumentID int64
	EvidenceFilename   string
	TypedName          string
	Address            string
	AnsweredAt         time.Time
	RevokedAt          time.Time
	StaleReason        string
	UpdatedAt          time.Time
}

// HashDisclosure is the hex SHA-256 of a disclosure's text.
func HashDisclosure(body string) string {
	h := sha256.Sum256([]byte(body))
	return hex.EncodeToString(h[:])
}

// MaxDisclosureLength bounds a disclosure's text, in characters.
const MaxDisclosureLength = 20000

// ValidateDisclosureBody checks an attorney's wording.
func ValidateDisclosureBody(body string) (string, error) {
	body = strings.TrimSpace(strings.ReplaceAll(body, "\r\n", "\n"))
	if body == "" {
		return "", Invalid("body", "write the disclosure the client will read")
	}
	if utf8.RuneCountInString(body) > MaxDisclosureLength {
		return "", Invalid("body", "the disclosure can be at most %d characters", MaxDisclosureLength)
	}
	return body, nil
}

// TypedNameMatches reports whether the name a client typed to sign is their
// own name, case and surrounding spaces aside.
func TypedNameMatches(typed, name string) bool {
	norm := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	return norm(typed) != "" && strings.EqualFold(norm(typed), norm(name))
}

// DisclosureFacts is what a generated disclosure is written from.
type DisclosureFacts struct {
	FirmName             string
	ClientName           string
	MatterNumber         string
	MatterTitle          string
	VendorName           string
	VendorCountry        string // head office, ISO 3166-1 alpha-2
	PerformanceCountries []string
	StorageCountries     []string
	Subcontractors       []Subcontractor
	Service              Service
	Description          string
	// Safeguards, from the vendor's latest decided assessment.
	Assessed  bool
	Score     int
	Certified bool
	MFA       bool
	// Supervision and billing.
	Supervisor      string
	BillingMode     BillingMode
	EstimatedCost   Money
	InHouseEstimate Money
}

// countryList names countries in words ("India, Singapore").
func countryList(cs []string) string {
	if len(cs) == 0 {
		return "not yet recorded"
	}
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = CountryName(c)
	}
	return strings.Join(names, ", ")
}

// GenerateDisclosure writes the plain-language disclosure of an engagement
// from its facts. The attorney may edit it before issuing it.
func GenerateDisclosure(f DisclosureFacts) string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...); b.WriteString("\n\n") }
	p("%s proposes to use an outside service provider for part of its work on your matter %s (%s). We need your informed consent before the provider starts. Please read this and tell us whether you agree.",
		f.FirmName, f.MatterNumber, f.MatterTitle)
	p("Who will do the work: %s, based in %s.", f.VendorName, CountryName(f.VendorCountry))
	p("What they will do: %s — %s.", f.Service.Label(), strings.TrimSuffix(f.Description, "."))
	p("Where the work is performed: %s. Where your information is stored: %s.", countryList(f.PerformanceCountries), countryList(f.StorageCountries))
	if len(f.Subcontractors) > 0 {
		var subs []string
		for _, s := range f.Subcontractors {
			subs = append(subs, fmt.Sprintf("%s (%s, %s)", s.Name, CountryName(s.Country), s.Work))
		}
		p("The provider passes some work or data to: %s.", strings.Join(subs, "; "))
	} else {
		p("The provider uses no other companies (subcontractors) for this work.")
	}
	p("What confidential information will be shared: only the documents and information needed for this work. Nothing else from your matter is shared, and the provider sees nothing until its team has been briefed and has agreed to keep it confidential.")
	switch {
	case !f.Assessed:
		p("Safeguards: the provider's security assessment has not been decided yet; we will not share anything until it is approved.")
	default:
		var s []string
		s = append(s, fmt.Sprintf("the provider passed our security assessment with a score of %d out of 100", f.Score))
		if f.Certified {
			s = append(s, "it holds an independent security certification (SOC 2 Type II or ISO 27001)")
		} else {
			s = append(s, "it holds no independent security certification (SOC 2 Type II or ISO 27001)")
		}
		if f.MFA {
			s = append(s, "access to your information requires multi-factor sign-in")
		} else {
			s = append(s, "its assessment does not show multi-factor sign-in on access to your information")
		}
		p("Safeguards: %s.", strings.Join(s, "; "))
	}
	p("Supervision: %s, an attorney at %s, supervises the work and reviews everything the provider produces before it is used.", f.Supervisor, f.FirmName)
	if f.BillingMode == BillingFee {
		p("How it is billed: as part of our fees, with any markup disclosed to you.")
	} else {
		p("How it is billed: passed on to you at cost, with no markup.")
	}
	switch {
	case f.EstimatedCost.Minor > 0 && f.InHouseEstimate.Minor > 0 && f.EstimatedCost.Currency == f.InHouseEstimate.Currency:
		line := fmt.Sprintf("Estimated cost: %s, against about %s if we did the work ourselves", f.EstimatedCost, f.InHouseEstimate)
		if save := f.InHouseEstimate.Minor - f.EstimatedCost.Minor; save > 0 {
			line += fmt.Sprintf(" — an estimated saving of %s (%d%%)", NewMoney(save, f.InHouseEstimate.Currency), save*100/f.InHouseEstimate.Minor)
		}
		p("%s.", line)
	case f.EstimatedCost.Minor > 0 && f.InHouseEstimate.Minor > 0:
		p("Estimated cost: %s, against about %s if we did the work ourselves (the two are in different currencies, so we do not state a saving here).", f.EstimatedCost, f.InHouseEstimate)
	case f.EstimatedCost.Minor > 0:
		p("Estimated cost: %s.", f.EstimatedCost)
	default:
		p("Estimated cost: not estimated yet; we will tell you before any cost is incurred.")
	}
	b.WriteString("You may decline, and you may withdraw your consent at any time; if you do, the provider's work stops at once. If anything above changes materially — the provider, where the work is done or your information is stored, the companies it uses, or how it is billed — we will ask you again.")
	return b.String()
}

// ConsentFacts is what the consent gate needs: whether the firm requires
// consent, the state of the engagement's current consent, and, when it is
// stale, why.
type ConsentFacts struct {
	Required    bool
	Proposed    bool // the engagement exists (a vendor not yet proposed has no consent to ask)
	State       ConsentState
	StaleReason string
}

// GateConsent is the key of the client-consent gate.
const GateConsent = "consent"

// consentGate decides the client-consent gate: met when consent is given to
// the current disclosure or the firm does not require consent; waiting when
// nothing has been issued, the client has not answered or the consent is
// stale; blocked when the client declined or revoked it.
func consentGate(c ConsentFacts) Gate {
	g := Gate{Key: GateConsent, Name: "Client consent"}
	switch {
	case !c.Required:
		g.Met = true
		g.Why = "The firm does not require the client's consent before outsourcing."
	case c.State == ConsentGiven:
		g.Met = true
		g.Why = "The client consented to the current disclosure."
	case c.State == ConsentDeclined:
		g.Blocked = true
		g.Why = "The client declined the outsourcing: an attorney must revise and issue the disclosure again."
	case c.State == ConsentRevoked:
		g.Blocked = true
		g.Why = "The client withdrew their consent: an attorney must issue the disclosure again and the client consent anew."
	case c.State == ConsentStale:
		g.Why = "The client's consent no longer covers the engagement"
		if c.StaleReason != "" {
			g.Why += " (" + strings.TrimSuffix(c.StaleReason, ".") + ")"
		}
		g.Why += ": an attorney must issue the updated disclosure and the client consent again."
	case c.State == ConsentPending:
		g.Why = "Waiting for the client to review the disclosure and consent."
	case !c.Proposed:
		g.Why = "The client is asked for consent once the vendor is proposed."
	default:
		g.Why = "Waiting for an attorney to issue the outsourcing disclosure to the client."
	}
	return g
}

// ConsentCurrent returns nil when the facts show current consent (or none is
// required), else an EGateClosed error saying why.
func ConsentCurrent(c ConsentFacts) error {
	g := consentGate(c)
	if g.Met {
		return nil
	}
	return Errorf(EGateClosed, "%s: %s", g.Name, g.Why)
}
