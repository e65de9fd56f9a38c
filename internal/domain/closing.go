package domain

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Closing an engagement, pausing and resuming it by hand, the vendor's
// certificate of return or destruction of the matter's data, and the
// attorney's evaluation that feeds the vendor scorecard.

// PauseManual is the pause cause of a pause by the supervising attorney or
// a firm administrator (see PauseVendorLapsed, PauseConsent).
const PauseManual = "manual"

// FinalAuditDays is how many days after closing the final quality audit is due.
const FinalAuditDays = 30

// PauseEvent is a manual pause or resumption with its reason.
type PauseEvent struct {
	ID           int64
	EngagementID int64
	Action       string // pause, resume
	Reason       string
	By           int64
	ByName       string
	At           time.Time
}

// ValidateReason checks the required reason of a pause or resumption.
func ValidateReason(reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return "", Invalid("reason", "give a reason: it is recorded and shown to both sides")
	}
	if utf8.RuneCountInString(reason) > 1000 {
		return "", Invalid("reason", "the reason must be at most 1,000 characters")
	}
	return reason, nil
}

// CertificateMethod is how the vendor disposed of the matter's data.
type CertificateMethod string

// Certificate methods.
const (
	CertReturned  CertificateMethod = "returned"
	CertDestroyed CertificateMethod = "destroyed"
	CertBoth      CertificateMethod = "both"
)

// Label names a method for people.
func (m CertificateMethod) Label() string {
	switch m {
	case CertReturned:
		return "Returned to the firm"
	case CertDestroyed:
		return "Destroyed"
	case CertBoth:
		return "Returned and remaining copies destroyed"
	}
	return string(m)
}

// Certificate is the vendor manager's certificate of return or destruction.
type Certificate struct {
	ID            int64
	EngagementID  int64
	Method        CertificateMethod
	CertifiedOn   Date
	Statement     string
	CertifiedBy   int64
	CertifierName string
	CreatedAt     time.Time
}

// Validate checks a certificate on day today: a method, a date not in the
// future and not before the close, and a statement.
func (c *Certificate) Validate(today, closedOn Date) error {
	c.Statement = strings.TrimSpace(c.Statement)
	switch c.Method {
	case CertReturned, CertDestroyed, CertBoth:
	default:
		return Invalid("method", "choose returned, destroyed or both")
	}
	if c.CertifiedOn == "" {
		c.CertifiedOn = today
	}
	if _, err := ParseDate("date", string(c.CertifiedOn)); err != nil {
		return err
	}
	if today.Before(c.CertifiedOn) {
		return Invalid("date", "the date of return or destruction cannot be in the future")
	}
	if closedOn != "" && c.CertifiedOn.Before(closedOn) {
		return Invalid("date", "the date cannot be before the engagement closed (%s)", closedOn)
	}
	if c.Statement == "" {
		return Invalid("statement", "state what was returned or destroyed, and how")
	}
	if utf8.RuneCountInString(c.Statement) > 4000 {
		return Invalid("statement", "the statement must be at most 4,000 characters")
	}
	return nil
}

// Evaluation is the attorney's evaluation of the vendor's work at close.
type Evaluation struct {
	ID            int64
	EngagementID  int64
	VendorID      int64
	Quality       int
	Timeliness    int
	Communication int
	Compliance    int
	Comments      string
	EvaluatedBy   int64
	EvaluatorName string
	CreatedAt     time.Time
}

// Average is the mean of the four scores.
func (e Evaluation) Average() float64 {
	return float64(e.Quality+e.Timeliness+e.Communication+e.Compliance) / 4
}

// Validate checks an evaluation: each score 1 to 5.
func (e *Evaluation) Validate() error {
	e.Comments = strings.TrimSpace(e.Comments)
	for _, s := range []struct {
		field string
		v     int
	}{{"quality", e.Quality}, {"timeliness", e.Timeliness}, {"communication", e.Communication}, {"compliance", e.Compliance}} {
		if s.v < 1 || s.v > 5 {
			return Invalid(s.field, "score %s from 1 (poor) to 5 (excellent)", s.field)
		}
	}
	if utf8.RuneCountInString(e.Comments) > 4000 {
		return Invalid("comments", "the comments must be at most 4,000 characters")
	}
	return nil
}

// FinalAudit is the final quality audit due after close (the audits issue
// carries it out).
type FinalAudit struct {
	EngagementID int64
	DueOn        Date
	CompletedAt  time.Time
}
