package domain

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Firm is the one law firm a deployment serves.
type Firm struct {
	ID       int64
	Name     string
	TaxID    string // LEDES LAW_FIRM_ID
	Currency Currency
}

// Vendor is a legal process outsourcing provider, an organisation outside the firm.
type Vendor struct {
	ID            int64
	Name          string
	LegalName     string
	Country       string // ISO 3166-1 alpha-2 of its head office
	Currency      Currency
	Diligence     Diligence
	ApprovedUntil Date // when the current approval lapses
	CreatedAt     time.Time
}

// Diligence is the due-diligence decision recorded on a vendor.
type Diligence string

// Due-diligence decisions. Expiry is not stored: it is read from ApprovedUntil.
const (
	DiligencePending     Diligence = "pending"
	DiligenceApproved    Diligence = "approved"
	DiligenceConditional Diligence = "conditional"
	DiligenceRejected    Diligence = "rejected"
	DiligenceExpired     Diligence = "expired" // derived, never stored
)

// DiligenceOn returns the vendor's effective state on a day: an approval past
// its ApprovedUntil date has expired.
func (v Vendor) DiligenceOn(today Date) Diligence {
	if (v.Diligence == DiligenceApproved || v.Diligence == DiligenceConditional) && v.ApprovedUntil != "" && v.ApprovedUntil < today {
		return DiligenceExpired
	}
	return v.Diligence
}

// Label says the state in plain words.
func (d Diligence) Label() string {
	switch d {
	case DiligencePending:
		return "Assessment pending"
	case DiligenceApproved:
		return "Approved"
	case DiligenceConditional:
		return "Conditionally approved"
	case DiligenceRejected:
		return "Rejected"
	case DiligenceExpired:
		return "Approval expired"
	}
	return string(d)
}

// Client is an organisation the firm acts for.
type Client struct {
	ID        int64
	Number    string // the firm's client number; LEDES CLIENT_ID (at most 20 characters)
	Name      string
	Country   string
	CreatedAt time.Time
}

// Validate checks a client before it is stored.
func (c *Client) Validate() error {
	c.Name = strings.TrimSpace(c.Name)
	c.Number = strings.TrimSpace(c.Number)
	if c.Name == "" || utf8.RuneCountInString(c.Name) > 200 {
		return Invalid("name", "client name is required (at most 200 characters)")
	}
	if err := validateLEDESID("number", c.Number); err != nil {
		return err
	}
	return nil
}

// Validate checks a vendor before it is stored.
func (v *Vendor) Validate() error {
	v.Name = strings.TrimSpace(v.Name)
	if v.Name == "" || utf8.RuneCountInString(v.Name) > 200 {
		return Invalid("name", "vendor name is required (at most 200 characters)")
	}
	if len(v.Country) != 2 {
		return Invalid("country", "country must be an ISO 3166-1 alpha-2 code, such as IN or US")
	}
	v.Country = strings.ToUpper(v.Country)
	c, err := ParseCurrency(string(v.Currency))
	if err != nil {
		return err
	}
	v.Currency = c
	switch v.Diligence {
	case DiligencePending, DiligenceApproved, DiligenceConditional, DiligenceRejected:
	case "":
		v.Diligence = DiligencePending
	default:
		return Invalid("diligence", "%q is not a due-diligence decision", v.Diligence)
	}
	return nil
}

// validateLEDESID checks an identifier that LEDES 1998B carries: 1–20
// characters, none of them '|', '[', ']' or a line break.
func validateLEDESID(field, s string) error {
	if s == "" || len(s) > 20 || strings.ContainsAny(s, "|[]\r\n") {
		return Invalid(field, "%s must be 1–20 characters without | [ ] or line breaks", field)
	}
	return nil
}
