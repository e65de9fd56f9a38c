package domain

import (
	"testing"
	"time"
)

func TestNotificationEmailFor(t *testing.T) {
	for _, c := range []struct {
		mode  EmailMode
		muted []NotificationKind
		kind  NotificationKind
		want  NotificationEmail
	}{
		{EmailImmediate, nil, NotifyReviewRequested, EmailQueued},
		{EmailDigest, nil, NotifyReviewRequested, EmailPending},
		{EmailOff, nil, NotifyReviewRequested, EmailNone},
		{EmailImmediate, []NotificationKind{NotifyAuditDue}, NotifyAuditDue, EmailNone},
		{EmailDigest, []NotificationKind{NotifyAuditDue}, NotifyAuditDue, EmailNone},
		{EmailDigest, []NotificationKind{NotifyAuditDue}, NotifyConsentGiven, EmailPending},
	} {
		p := NotificationPrefs{EmailMode: c.mode, Muted: c.muted}
		if got := p.EmailFor(c.kind); got != c.want {
			t.Errorf("%s, muted %v, %s: %s, want %s", c.mode, c.muted, c.kind, got, c.want)
		}
	}
	if DefaultNotificationPrefs(7).EmailFor(NotifyApprovalExpiring) != EmailQueued {
		t.Error("the default is not to email at once")
	}
}

func TestParseNotificationPrefs(t *testing.T) {
	p, err := ParseNotificationPrefs(3, " digest ", []string{"audit_due", "audit_due", " consent_given"})
	if err != nil || p.EmailMode != EmailDigest || len(p.Muted) != 2 || p.Muted[1] != NotifyConsentGiven || p.UserID != 3 {
		t.Fatalf("%+v %v", p, err)
	}
	for _, c := range []struct {
		mode  string
		muted []string
		field string
	}{{"", nil, "email_mode"}, {"weekly", nil, "email_mode"}, {"off", []string{"gossip"}, "muted"}, {"off", []string{""}, "muted"}} {
		if _, err := ParseNotificationPrefs(3, c.mode, c.muted); ErrorCode(err) != EInvalid || ErrorField(err) != c.field {
			t.Errorf("%q %q: %v, want invalid %s", c.mode, c.muted, err, c.field)
		}
	}
	for _, k := range NotificationKinds {
		if !k.Valid() || k.Label() == string(k) {
			t.Errorf("kind %s has no label", k)
		}
	}
}

func TestDigestDue(t *testing.T) {
	t0 := time.Date(2026, 3, 3, 7, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		last time.Time
		now  time.Time
		want bool
	}{
		{time.Time{}, t0, true},
		{t0, t0.Add(22 * time.Hour), false},
		{t0, t0.Add(23 * time.Hour), true},
		{t0, t0.Add(25 * time.Hour), true},
	} {
		if got := (NotificationPrefs{DigestSentAt: c.last}).DigestDue(c.now); got != c.want {
			t.Errorf("last %v, now %v: %v, want %v", c.last, c.now, got, c.want)
		}
	}
}
