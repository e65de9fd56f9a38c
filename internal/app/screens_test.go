package app_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/demo"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// demoApp is the demo firm behind an App, with its people by email.
func demoApp(tb testing.TB, e testenv.Engine) (*app.App, map[string]domain.User, map[string]int64) {
	tb.Helper()
	s := testenv.OpenStore(tb, e)
	ctx := context.Background()
	if err := demo.Load(ctx, s, t0); err != nil {
		tb.Fatal(err)
	}
	a := app.New(s, testConfig(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	a.Now = func() time.Time { return t0 }
	people := map[string]domain.User{}
	matters := map[string]int64{}
	err := s.Read(ctx, func(tx *store.Tx) error {
		us, err := tx.ListUsers(ctx, store.UserFilter{Page: store.Page{Limit: store.MaxPageSize}})
		for _, u := range us {
			people[u.Email] = u
		}
		if err != nil {
			return err
		}
		ms, err := tx.ListMatters(ctx, store.Scope{All: true}, store.MatterFilter{Page: store.Page{Limit: store.MaxPageSize}})
		for _, m := range ms {
			matters[m.Number] = m.ID
		}
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return a, people, matters
}

func auditCount(tb testing.TB, a *app.App, action string, matterID int64) int {
	tb.Helper()
	evs, err := a.AuditEvents(context.Background(), app.Operator, store.AuditFilter{Action: action, MatterID: matterID, Limit: store.MaxPageSize})
	if err != nil {
		tb.Fatal(err)
	}
	return len(evs)
}

func TestEthicalScreens(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		a, p, m := demoApp(t, e)
		marcus := p["marcus.oyelaran@hartwellcrane.example"]
		daniel := p["daniel.brooks@hartwellcrane.example"]
		priya := p["priya.raman@hartwellcrane.example"]
		eleanor := p["eleanor.hartwell@hartwellcrane.example"]
		anika := p["anika.deshmukh@lexora.example"]
		calloway := m["2026-0142"]

		if _, err := a.Matter(ctx, daniel, calloway); err != nil {
			t.Fatalf("before the screen Daniel should see the matter: %v", err)
		}
		before := auditCount(t, a, "matter.screen", calloway)
		refusals := []struct {
			name   string
			actor  domain.User
			matter int64
			user   int64
			reason string
			code   string
		}{
			{"no reason", marcus, calloway, daniel.ID, "  ", domain.EInvalid},
			{"an administrator", marcus, calloway, eleanor.ID, "x", domain.EInvalid},
			{"oneself", marcus, calloway, marcus.ID, "x", domain.EInvalid},
			{"a vendor user", marcus, calloway, anika.ID, "x", domain.EInvalid},
			{"no such user", marcus, calloway, 999999, "x", domain.EInvalid},
			{"the responsible attorney", eleanor, calloway, marcus.ID, "x", domain.EInvalid},
			{"by staff", daniel, calloway, priya.ID, "x", domain.EForbidden},
			{"by a vendor on the matter", anika, calloway, daniel.ID, "x", domain.EForbidden},
			{"on a matter the actor is screened from", priya, m["2026-0177"], daniel.ID, "x", domain.ENotFound},
		}
		for _, r := range refusals {
			err := a.ScreenUser(ctx, r.actor, r.matter, r.user, r.reason)
			if domain.ErrorCode(err) != r.code {
				t.Errorf("screen %s: err = %v, want %s", r.name, err, r.code)
			}
		}
		if got := auditCount(t, a, "matter.screen", calloway); got != before {
			t.Fatalf("refused screens wrote %d audit events", got-before)
		}

		if err := a.ScreenUser(ctx, marcus, calloway, daniel.ID, "Daniel's spouse works for Tidewater"); err != nil {
			t.Fatal(err)
		}
		if err := a.ScreenUser(ctx, marcus, calloway, daniel.ID, "again"); domain.ErrorCode(err) != domain.EConflict {
			t.Fatalf("second screen: %v, want conflict", err)
		}
		if _, err := a.Matter(ctx, daniel, calloway); domain.ErrorCode(err) != domain.ENotFound {
			t.Fatalf("screened Daniel opened the matter: %v", err)
		}
		ms, err := a.Matters(ctx, daniel, store.MatterFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range ms {
			if x.ID == calloway {
				t.Fatal("screened Daniel sees the matter in his list")
			}
		}
		es, err := a.Engagements(ctx, daniel, store.EngagementFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range es {
			if x.MatterID == calloway {
				t.Fatal("screened Daniel sees an engagement on the matter")
			}
		}
		v, err := a.Matter(ctx, marcus, calloway)
		if err != nil {
			t.Fatal(err)
		}
		for _, tm := range v.Team {
			if tm.User.ID == daniel.ID {
				t.Fatal("screened Daniel is still on the team")
			}
		}
		ss, err := a.Screens(ctx, marcus, calloway)
		if err != nil || len(ss) != 1 || ss[0].User.ID != daniel.ID || ss[0].CreatedBy != marcus.Name {
			t.Fatalf("screens = %+v, %v", ss, err)
		}
		if got := auditCount(t, a, "matter.screen", calloway); got != before+1 {
			t.Fatalf("audit events for the screen: %d, want 1", got-before)
		}
		if _, err := a.Screens(ctx, daniel, calloway); domain.ErrorCode(err) != domain.ENotFound {
			t.Fatalf("screened user read the screen list: %v", err)
		}

		if err := a.Unscreen(ctx, marcus, calloway, daniel.ID, ""); domain.ErrorCode(err) != domain.EInvalid {
			t.Fatalf("unscreen without a reason: %v", err)
		}
		if err := a.Unscreen(ctx, marcus, calloway, daniel.ID, "Conflict resolved: spouse left Tidewater"); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Matter(ctx, daniel, calloway); err != nil {
			t.Fatalf("after the screen is lifted Daniel should see the matter: %v", err)
		}
		if err := a.Unscreen(ctx, marcus, calloway, daniel.ID, "again"); domain.ErrorCode(err) != domain.ENotFound {
			t.Fatalf("lifting a screen that is not there: %v", err)
		}
	})
}
