package demo_test

import (
	"context"
	"testing"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// TestConsentStories: the demo shows a client's consent in each state the
// gate knows — given, pending, declined and stale after a material change —
// read through the application as the engagement page reads it.
func TestConsentStories(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		a := loaded(t, e)
		all, err := a.Engagements(ctx, app.Operator, store.EngagementFilter{})
		if err != nil {
			t.Fatal(err)
		}
		admin := user(t, a, "eleanor.hartwell@hartwellcrane.example")
		mctx := app.WithMeta(ctx, app.Meta{MFA: true})
		states := map[string]domain.ConsentState{}
		for _, en := range all {
			v, err := a.ConsentOf(mctx, admin, en.ID)
			if err != nil {
				t.Fatalf("consent of %s/%s: %v", en.VendorName, en.MatterNumber, err)
			}
			states[en.MatterNumber+" "+en.VendorName] = v.State()
		}
		want := map[string]domain.ConsentState{
			"2026-0142 Lexora Legal Services Pvt. Ltd.":     domain.ConsentGiven,
			"2026-0177 Bayanihan Legal Process Center Inc.": domain.ConsentPending,
			"2026-0203 Bayanihan Legal Process Center Inc.": domain.ConsentStale,
			"2026-0177 Meridian Discovery Partners Ltd":     domain.ConsentDeclined,
			"2026-0203 Keystone Review LLC":                 domain.ConsentGiven,
		}
		for k, st := range want {
			if states[k] != st {
				t.Errorf("%s: consent %q, want %q (all: %v)", k, states[k], st, states)
			}
		}
	})
}
