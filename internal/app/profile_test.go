package app_test

import (
	"context"
	"testing"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

func TestUpdateProfile(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		f := newFixture(t, e)
		if f.marcus.Locale != domain.DefaultLocale || f.marcus.TimeZone != "UTC" {
			t.Fatalf("new user: locale %q zone %q, want en-US and UTC", f.marcus.Locale, f.marcus.TimeZone)
		}
		u, err := f.a.UpdateProfile(ctx, f.marcus, app.Profile{Name: " Marcus Oyelaran ", TimeZone: "America/New_York", Locale: "en-GB"})
		if err != nil {
			t.Fatal(err)
		}
		if u.Name != "Marcus Oyelaran" || u.TimeZone != "America/New_York" || u.Locale != "en-GB" {
			t.Fatalf("after update: %+v", u)
		}
		var stored domain.User
		if err := f.a.Store.Read(ctx, func(tx *store.Tx) error { stored, err = tx.User(ctx, f.marcus.ID); return err }); err != nil {
			t.Fatal(err)
		}
		if stored.Locale != "en-GB" || stored.TimeZone != "America/New_York" {
			t.Fatalf("stored: %+v", stored)
		}
		if n := auditCount(t, f.a, "user.profile", 0); n != 1 {
			t.Fatalf("audit events: %d, want 1", n)
		}
		// Bad input names the field and changes nothing.
		for _, c := range []struct {
			in    app.Profile
			field string
		}{
			{app.Profile{Name: "", TimeZone: "UTC", Locale: "en-US"}, "name"},
			{app.Profile{Name: "M", TimeZone: "Mars/Olympus", Locale: "en-US"}, "time_zone"},
			{app.Profile{Name: "M", TimeZone: "Local", Locale: "en-US"}, "time_zone"},
			{app.Profile{Name: "M", TimeZone: "UTC", Locale: "tlh-QO"}, "locale"},
		} {
			if _, err := f.a.UpdateProfile(ctx, f.marcus, c.in); domain.ErrorField(err) != c.field {
				t.Errorf("%+v: error %v, want field %s", c.in, err, c.field)
			}
		}
		if err := f.a.Store.Read(ctx, func(tx *store.Tx) error { stored, err = tx.User(ctx, f.marcus.ID); return err }); err != nil || stored.Name != "Marcus Oyelaran" || stored.Locale != "en-GB" {
			t.Fatalf("after bad input: %+v %v", stored, err)
		}
		// The operator has no profile of its own.
		if _, err := f.a.UpdateProfile(ctx, app.Operator, app.Profile{Name: "x", TimeZone: "UTC"}); domain.ErrorCode(err) != domain.EForbidden {
			t.Fatalf("operator: %v", err)
		}
	})
}
