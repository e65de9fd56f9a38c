package domain

import (
	"testing"
	"time"
)

func TestCanRelease(t *testing.T) {
	now := time.Date(2026, 3, 17, 9, 0, 0, 0, time.UTC)
	approved := DeliverableVersion{Version: 2, Decision: ReviewApproved, ReviewedAt: now}
	for _, c := range []struct {
		name string
		v    DeliverableVersion
		kind ReleaseKind
		code string
	}{
		{"approved, to the client", approved, ReleaseToClient, ""},
		{"approved, used in the matter", approved, ReleaseInMatter, ""},
		{"unknown release", approved, "press", EInvalid},
		{"awaiting review", DeliverableVersion{Version: 1, Decision: ReviewPending}, ReleaseToClient, EConflict},
		{"changes requested", DeliverableVersion{Version: 1, Decision: ReviewChangesRequested, ReviewedAt: now}, ReleaseToClient, EConflict},
		{"superseded", DeliverableVersion{Version: 1, Decision: ReviewApproved, ReviewedAt: now, SupersededAt: now}, ReleaseToClient, EConflict},
		{"already released", DeliverableVersion{Version: 1, Decision: ReviewApproved, ReleaseKind: ReleaseToClient, ReleasedAt: now}, ReleaseInMatter, EConflict},
	} {
		if got := ErrorCode(CanRelease(c.v, c.kind)); got != c.code {
			t.Errorf("%s: %q, want %q", c.name, got, c.code)
		}
	}
}

func TestReviewInputValidate(t *testing.T) {
	for _, c := range []struct {
		in    ReviewInput
		field string
	}{
		{ReviewInput{Decision: ReviewApproved}, ""},
		{ReviewInput{Decision: ReviewChangesRequested, Comment: "Fix the dates"}, ""},
		{ReviewInput{Decision: ReviewChangesRequested, Comment: "  "}, "comment"},
		{ReviewInput{Decision: "maybe"}, "decision"},
		{ReviewInput{Decision: ReviewPending}, "decision"},
		{ReviewInput{Decision: ReviewApproved, StatedMinutes: -1}, "minutes"},
		{ReviewInput{Decision: ReviewApproved, StatedMinutes: 1441}, "minutes"},
	} {
		if got := ErrorField(c.in.Validate()); got != c.field {
			t.Errorf("%+v: field %q, want %q", c.in, got, c.field)
		}
	}
}

func TestReviewMinutesAndAge(t *testing.T) {
	if m := (DeliverableVersion{ReviewSeconds: 61}).ReviewMinutes(); m != 2 {
		t.Errorf("61 seconds: %d minutes, want 2 (rounded up)", m)
	}
	if m := (DeliverableVersion{ReviewSeconds: 61, StatedMinutes: 30}).ReviewMinutes(); m != 30 {
		t.Errorf("stated minutes win: %d", m)
	}
	sub := time.Date(2026, 3, 9, 23, 0, 0, 0, time.UTC)
	if a := ReviewAge(sub, "2026-03-17"); a != 8 {
		t.Errorf("age %d, want 8", a)
	}
	if a := ReviewAge(sub, "2026-03-01"); a != 0 {
		t.Errorf("age before submission %d, want 0", a)
	}
}

func TestCertificateAndEvaluationValidate(t *testing.T) {
	today, closed := Date("2026-03-17"), Date("2026-03-10")
	for _, c := range []struct {
		c     Certificate
		field string
	}{
		{Certificate{Method: CertDestroyed, Statement: "wiped"}, ""},
		{Certificate{Method: "burnt", Statement: "x"}, "method"},
		{Certificate{Method: CertBoth, Statement: " "}, "statement"},
		{Certificate{Method: CertBoth, Statement: "x", CertifiedOn: "2026-03-18"}, "date"},
		{Certificate{Method: CertBoth, Statement: "x", CertifiedOn: "2026-03-09"}, "date"},
		{Certificate{Method: CertBoth, Statement: "x", CertifiedOn: "17/03/2026"}, "date"},
	} {
		if got := ErrorField(c.c.Validate(today, closed)); got != c.field {
			t.Errorf("%+v: field %q, want %q", c.c, got, c.field)
		}
	}
	c := Certificate{Method: CertReturned, Statement: "sent back"}
	if err := c.Validate(today, closed); err != nil || c.CertifiedOn != today {
		t.Errorf("default date: %q %v", c.CertifiedOn, err)
	}
	ev := Evaluation{Quality: 5, Timeliness: 4, Communication: 3, Compliance: 4}
	if err := ev.Validate(); err != nil || ev.Average() != 4 {
		t.Errorf("evaluation: %v %v", ev.Average(), err)
	}
	ev.Compliance = 0
	if ErrorField(ev.Validate()) != "compliance" {
		t.Errorf("a zero score was accepted")
	}
	if _, err := ValidateReason("  "); ErrorField(err) != "reason" {
		t.Errorf("an empty reason was accepted")
	}
}
