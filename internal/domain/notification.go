package domain

import (
	"strings"
	"time"
	"unicode/utf8"
)

// NotificationKind is what a notification is about. Each kind goes to the
// people who must act on it or be told of it, chosen by role and scope in
// the app; a vendor's notification never carries client-only content.
type NotificationKind string

// Notification kinds.
const (
	NotifyReviewRequested  NotificationKind = "review_requested"  // a deliverable version awaits the supervising attorney
	NotifyChangesRequested NotificationKind = "changes_requested" // the attorney asked the vendor for changes
	NotifyApproved         NotificationKind = "approved"          // the attorney approved or released a deliverable
	NotifyBriefingUpdated  NotificationKind = "briefing_updated"  // a briefing version was published: acknowledge it
	NotifyAuditDue         NotificationKind = "audit_due"         // a quality audit came due
	NotifyCorrectiveAction NotificationKind = "corrective_action" // a corrective action was raised or answered
	NotifyConsentRequested NotificationKind = "consent_requested" // a disclosure awaits the client's consent
	NotifyConsentGiven     NotificationKind = "consent_given"     // the client answered a disclosure
	NotifyInvoiceFlagged   NotificationKind = "invoice_flagged"   // a vendor invoice needs the firm's or the vendor's attention, or a client invoice is held by the billing policy
	NotifyApprovalExpiring NotificationKind = "approval_expiring" // a vendor's approval nears its end or lapsed
)

// NotificationKinds lists every kind, in the order preference pages show them.
var NotificationKinds = []NotificationKind{NotifyReviewRequested, NotifyChangesRequested, NotifyApproved, NotifyBriefingUpdated,
	NotifyAuditDue, NotifyCorrectiveAction, NotifyConsentRequested, NotifyConsentGiven, NotifyInvoiceFlagged, NotifyApprovalExpiring}

// Label is the kind in words.
func (k NotificationKind) Label() string {
	switch k {
	case NotifyReviewRequested:
		return "Review requested"
	case NotifyChangesRequested:
		return "Changes requested"
	case NotifyApproved:
		return "Approved or released"
	case NotifyBriefingUpdated:
		return "Briefing updated"
	case NotifyAuditDue:
		return "Quality audit due"
	case NotifyCorrectiveAction:
		return "Corrective action"
	case NotifyConsentRequested:
		return "Consent requested"
	case NotifyConsentGiven:
		return "Consent answered"
	case NotifyInvoiceFlagged:
		return "Invoice needs attention"
	case NotifyApprovalExpiring:
		return "Vendor approval expiring"
	}
	return string(k)
}

// Valid reports whether k is a known kind.
func (k NotificationKind) Valid() bool {
	for _, x := range NotificationKinds {
		if x == k {
			return true
		}
	}
	return false
}

// EmailMode is how a person wants notifications by email.
type EmailMode string

// Email modes.
const (
	EmailImmediate EmailMode = "immediate" // each notification by email as it happens
	EmailDigest    EmailMode = "digest"    // one email a day listing them
	EmailOff       EmailMode = "off"       // never by email (the bell only)
)

// EmailModes lists the modes in the order pages offer them.
var EmailModes = []EmailMode{EmailImmediate, EmailDigest, EmailOff}

// Label is the mode in words.
func (m EmailMode) Label() string {
	switch m {
	case EmailImmediate:
		return "Email each notification as it happens"
	case EmailDigest:
		return "One email a day listing them (daily digest)"
	case EmailOff:
		return "No email: the bell in Probity only"
	}
	return string(m)
}

// NotificationEmail is what became of a notification's email.
type NotificationEmail string

// Email states of a notification.
const (
	EmailQueued   NotificationEmail = "queued"   // sent at once through the outbox
	EmailPending  NotificationEmail = "digest"   // waiting for the daily digest
	EmailDigested NotificationEmail = "digested" // sent in a digest
	EmailNone     NotificationEmail = "none"     // not emailed (preference off, kind muted, no address)
)

// Notification is one thing a person is told, in the app and perhaps by
// email. Its subject and body are plain text written for the recipient.
type Notification struct {
	ID           int64
	UserID       int64
	Kind         NotificationKind
	Subject      string
	Body         string
	Link         string // a site path ("/engagements/7/deliverables")
	EngagementID int64  // 0: none
	Email        NotificationEmail
	CreatedAt    time.Time
	ReadAt       time.Time // zero while unread
}

// Unread reports whether the recipient has not read it yet.
func (n Notification) Unread() bool { return n.ReadAt.IsZero() }

// NotificationPrefs is a person's email preference for notifications.
type NotificationPrefs struct {
	UserID       int64
	EmailMode    EmailMode
	Muted        []NotificationKind // never emailed (still shown in the bell)
	DigestSentAt time.Time          // zero: never
	UpdatedAt    time.Time
}

// DefaultNotificationPrefs is what a person without saved preferences gets:
// every notification emailed at once.
func DefaultNotificationPrefs(userID int64) NotificationPrefs {
	return NotificationPrefs{UserID: userID, EmailMode: EmailImmediate}
}

// IsMuted reports whether kind k is never emailed.
func (p NotificationPrefs) IsMuted(k NotificationKind) bool {
	for _, m := range p.Muted {
		if m == k {
			return true
		}
	}
	return false
}

// EmailFor is what becomes of the email of a notification of kind k under
// these preferences.
func (p NotificationPrefs) EmailFor(k NotificationKind) NotificationEmail {
	if p.IsMuted(k) {
		return EmailNone
	}
	switch p.EmailMode {
	case EmailImmediate:
		return EmailQueued
	case EmailDigest:
		return EmailPending
	}
	return EmailNone
}

// ParseNotificationPrefs validates a preference change: a known mode and
// known kinds (duplicates dropped).
func ParseNotificationPrefs(userID int64, mode string, muted []string) (NotificationPrefs, error) {
	p := NotificationPrefs{UserID: userID, EmailMode: EmailMode(strings.TrimSpace(mode))}
	switch p.EmailMode {
	case EmailImmediate, EmailDigest, EmailOff:
	default:
		return p, Invalid("email_mode", "choose immediate, digest or off")
	}
	for _, m := range muted {
		k := NotificationKind(strings.TrimSpace(m))
		if !k.Valid() {
			return p, Invalid("muted", "%q is not a notification kind", clipText(m, 40))
		}
		if !p.IsMuted(k) {
			p.Muted = append(p.Muted, k)
		}
	}
	return p, nil
}

func clipText(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// DigestDue reports whether a person's daily digest may go at now: never
// sent, or the last went at least 23 hours ago (an hour's slack so a
// digest sent a little late one day does not push the next a day on).
func (p NotificationPrefs) DigestDue(now time.Time) bool {
	return p.DigestSentAt.IsZero() || now.Sub(p.DigestSentAt) >= 23*time.Hour
}
