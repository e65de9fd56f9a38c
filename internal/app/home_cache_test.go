package app_test

import (
	"context"
	"log/slog"
	"reflect"
	"testing"
	"time"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/demo"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// Two app servers on one database each keep an attorney's home figures. A
// screen added on one server must not leave the other showing totals over
// the matter the attorney may no longer see: the very next home page on the
// other server shows what a server with no kept figures would show.
func TestKeptHomeFiguresFollowAccessChangedElsewhere(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		s := testenv.OpenStore(t, e)
		now := time.Now().UTC()
		if err := demo.Load(ctx, s, now); err != nil {
			t.Fatal(err)
		}
		server := func() *app.App { return app.New(s, app.DefaultConfig(), slog.New(slog.DiscardHandler)) }
		a, b := server(), server()
		user := func(email string) domain.User {
			var u domain.User
			if err := s.Read(ctx, func(tx *store.Tx) (err error) { u, _, err = tx.UserByEmail(ctx, email); return err }); err != nil {
				t.Fatal(err)
			}
			return u
		}
		admin, marcus := user("eleanor.hartwell@hartwellcrane.example"), user("marcus.oyelaran@hartwellcrane.example")
		savings := func(srv *app.App) app.HomeSavings {
			h, err := srv.Home(ctx, marcus)
			if err != nil {
				t.Fatal(err)
			}
			return h.Savings
		}
		before := savings(b) // b keeps Marcus's figures
		if before.Weeks == nil && before.Months == nil {
			t.Fatal("the attorney's home has no savings cards to keep")
		}
		matters, err := a.Matters(ctx, admin, store.MatterFilter{})
		if err != nil {
			t.Fatal(err)
		}
		changed := false
		for _, m := range matters {
			// Screening is refused for the matters Marcus runs; the others
			// are screened one by one until one held savings he saw.
			if err := a.ScreenUser(ctx, admin, m.ID, marcus.ID, "acted for the other side"); err != nil {
				continue
			}
			fresh := savings(server())
			if reflect.DeepEqual(fresh, before) {
				continue
			}
			changed = true
			if got := savings(b); !reflect.DeepEqual(got, fresh) {
				t.Fatalf("after the screen on matter %d, the other server's home shows the kept figures %+v; want the fresh %+v", m.ID, got, fresh)
			}
			break
		}
		if !changed {
			t.Fatal("no screen changed Marcus's savings cards: the demo gives this test nothing to prove")
		}
	})
}
