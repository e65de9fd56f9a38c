package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// The firm's billing policy: administrators read and change it (audited,
// with what changed); other roles cannot; refused figures change nothing.
func TestBillingPolicySetting(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		f := newFixture(t, e)
		for _, u := range []domain.User{f.marcus, f.staff} {
			_, err := f.a.BillingPolicy(ctx, u)
			wantCode(t, err, domain.EForbidden, u.Role.Label()+" reading the billing policy")
			wantCode(t, f.a.SetBillingPolicy(ctx, u, domain.BillingPolicy{}), domain.EForbidden, u.Role.Label()+" setting the billing policy")
		}
		p, err := f.a.BillingPolicy(ctx, f.admin)
		if err != nil || p != domain.DefaultBillingPolicy() {
			t.Fatalf("before any change: %+v %v, want the default %+v", p, err, domain.DefaultBillingPolicy())
		}

		settings0, audit0 := f.count(t, "settings"), f.count(t, "audit_events")
		for _, c := range []struct {
			p     domain.BillingPolicy
			field string
		}{
			{domain.BillingPolicy{OverheadCapBP: -1, MarkupCapBP: 2500, MinSavingSharedBP: 5000}, "overhead_cap"},
			{domain.BillingPolicy{OverheadCapBP: 1000, MarkupCapBP: domain.MaxMarkupCapBP + 1, MinSavingSharedBP: 5000}, "markup_cap"},
			{domain.BillingPolicy{OverheadCapBP: 1000, MarkupCapBP: 2500, MinSavingSharedBP: 10001}, "min_saving_shared"},
			{domain.BillingPolicy{OverheadCapBP: 1000, MarkupCapBP: 2500, MinSavingSharedBP: 5000, DayHoursFlag: 5}, "day_hours"},
			{domain.BillingPolicy{OverheadCapBP: 1000, MarkupCapBP: 2500, MinSavingSharedBP: 5000, DayHoursFlag: 250}, "day_hours"},
		} {
			err := f.a.SetBillingPolicy(ctx, f.admin, c.p)
			wantCode(t, err, domain.EInvalid, c.field)
			if domain.ErrorField(err) != c.field {
				t.Errorf("%+v: field %q, want %q", c.p, domain.ErrorField(err), c.field)
			}
		}
		if s, a := f.count(t, "settings"), f.count(t, "audit_events"); s != settings0 || a != audit0 {
			t.Fatalf("refused policies wrote: settings %d → %d, audit events %d → %d", settings0, s, audit0, a)
		}
		if p, _ := f.a.BillingPolicy(ctx, f.admin); p != domain.DefaultBillingPolicy() {
			t.Fatalf("after refusals: %+v", p)
		}

		want := domain.BillingPolicy{OverheadCapBP: 750, MarkupCapBP: 2500, MinSavingSharedBP: 6000, DayHoursFlag: 100}
		if err := f.a.SetBillingPolicy(ctx, f.admin, want); err != nil {
			t.Fatal(err)
		}
		if got, err := f.a.BillingPolicy(ctx, f.admin); err != nil || got != want {
			t.Fatalf("stored %+v %v, want %+v", got, err, want)
		}
		evs, err := f.a.AuditEvents(ctx, app.Operator, store.AuditFilter{Action: "settings.billing_policy", Limit: 10})
		const summary = "billing policy: overhead cap on disbursements 7.5% (was 10%); minimum share of the saving passed to the client 60% (was 50%)"
		if err != nil || len(evs) != 1 || evs[0].Summary != summary || evs[0].ActorID != f.admin.ID {
			t.Fatalf("audit of the change: %+v %v, want one by %d saying %q", evs, err, f.admin.ID, summary)
		}

		// Saving the same policy again changes nothing and records nothing.
		if err := f.a.SetBillingPolicy(ctx, f.admin, want); err != nil {
			t.Fatal(err)
		}
		if evs, _ := f.a.AuditEvents(ctx, app.Operator, store.AuditFilter{Action: "settings.billing_policy", Limit: 10}); len(evs) != 1 {
			t.Errorf("an unchanged policy was audited: %d events", len(evs))
		}

		// Zero caps are a policy too (no overhead, no markup, nothing
		// demanded), distinct from "never set"; the day figure reads back.
		zero := domain.BillingPolicy{DayHoursFlag: 105}
		if err := f.a.SetBillingPolicy(ctx, f.admin, zero); err != nil {
			t.Fatal(err)
		}
		if got, _ := f.a.BillingPolicy(ctx, f.admin); got != zero {
			t.Errorf("the zero policy read back as %+v", got)
		}

		// A policy stored before the day figure existed reads it as the default.
		if err := f.a.Store.Write(ctx, func(tx *store.Tx) error {
			return tx.SetSetting(ctx, app.SettingBillingPolicy, `{"overhead_cap_bp":500,"markup_cap_bp":2000,"min_saving_shared_bp":5000}`, time.Now())
		}); err != nil {
			t.Fatal(err)
		}
		if got, _ := f.a.BillingPolicy(ctx, f.admin); got.DayHoursFlag != domain.DefaultDayHoursFlag || got.OverheadCapBP != 500 {
			t.Errorf("an old stored policy read back as %+v", got)
		}
	})
}
