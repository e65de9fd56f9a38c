package app

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/probity/probity/internal/demo"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// consentCurrent, the check later stages (vendor document access) call,
// reads the demo's consent story: current for Lexora's and Meridian's work
// for Calloway (given), not current for Bayanihan's on Ardent (pending) and
// on Greenfield (stale since Bayanihan added Singapore), and current for all
// once the firm stops requiring consent. A changed billing mode makes a
// given consent stale.
func TestConsentCurrentReadsTheDemo(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		t0 := time.Date(2026, 3, 17, 9, 30, 0, 0, time.UTC)
		s := testenv.OpenStore(t, e)
		if err := demo.Load(ctx, s, t0); err != nil {
			t.Fatal(err)
		}
		a := New(s, DefaultConfig(), slog.New(slog.DiscardHandler))
		a.Now = func() time.Time { return t0 }
		ids := map[string]int64{}
		err := s.Read(ctx, func(tx *store.Tx) error {
			es, err := tx.ListEngagements(ctx, store.Scope{All: true}, store.EngagementFilter{Page: store.Page{Limit: store.MaxPageSize}})
			for _, e := range es {
				ids[e.VendorName[:4]+" "+e.MatterNumber] = e.ID
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		check := func(key string) error {
			t.Helper()
			id, ok := ids[key]
			if !ok {
				t.Fatalf("no demo engagement %q in %v", key, ids)
			}
			var got error
			if err := s.Read(ctx, func(tx *store.Tx) error { got = a.consentCurrent(ctx, tx, id); return nil }); err != nil {
				t.Fatal(err)
			}
			return got
		}
		for key, current := range map[string]bool{"Lexo 2026-0142": true, "Meri 2026-0142": true, "Baya 2026-0177": false, "Baya 2026-0203": false} {
			if err := check(key); current != (err == nil) || err != nil && domain.ErrorCode(err) != domain.EGateClosed {
				t.Errorf("%s: consentCurrent = %v, want current %v", key, err, current)
			}
		}
		// A billing mode no longer the one the disclosure was written about.
		if _, err := s.DB().ExecContext(ctx, fmt.Sprintf(`UPDATE engagements SET billing_mode = 'fee' WHERE id = %d`, ids["Lexo 2026-0142"])); err != nil {
			t.Fatal(err)
		}
		if err := check("Lexo 2026-0142"); domain.ErrorCode(err) != domain.EGateClosed {
			t.Errorf("after a billing change: %v, want the consent stale", err)
		}
		if err := a.SetConsentRequired(ctx, domain.User{ID: 1, Name: "Eleanor Hartwell", Role: domain.RoleFirmAdmin}, false); err != nil {
			t.Fatal(err)
		}
		for key := range map[string]bool{"Lexo 2026-0142": true, "Baya 2026-0177": true, "Baya 2026-0203": true} {
			if err := check(key); err != nil {
				t.Errorf("%s with consent not required: %v", key, err)
			}
		}
	})
}
