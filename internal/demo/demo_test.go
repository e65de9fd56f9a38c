package demo_test

import (
	"context"
	"errors"
	"log/slog"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/demo"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// t0 is a Tuesday morning.
var t0 = time.Date(2026, 3, 17, 9, 30, 0, 0, time.UTC)

var tables = []string{"firm", "vendors", "clients", "users", "bar_admissions", "matters", "matter_jurisdictions", "matter_team",
	"matter_screens", "parties", "party_aliases", "engagements", "engagement_members", "sessions", "sign_in_attempts",
	"personnel", "vendor_subcontractors", "vendor_changes"}

// loaded returns an App over a fresh store holding the demo firm.
func loaded(tb testing.TB, e testenv.Engine) *app.App {
	tb.Helper()
	s := testenv.OpenStore(tb, e)
	if err := demo.Load(context.Background(), s, t0); err != nil {
		tb.Fatalf("Load: %v", err)
	}
	a := app.New(s, app.DefaultConfig(), slog.New(slog.DiscardHandler))
	a.Now = func() time.Time { return t0.Add(time.Hour) }
	return a
}

func counts(tb testing.TB, s *store.Store) map[string]int {
	tb.Helper()
	out := map[string]int{}
	for _, t := range tables {
		var n int
		if err := s.DB().QueryRow(`SELECT COUNT(*) FROM ` + t).Scan(&n); err != nil {
			tb.Fatalf("count %s: %v", t, err)
		}
		out[t] = n
	}
	return out
}

// user loads a demo user by email.
func user(tb testing.TB, a *app.App, email string) domain.User {
	tb.Helper()
	ctx := context.Background()
	var u domain.User
	if err := a.Store.Read(ctx, func(tx *store.Tx) (err error) { u, _, err = tx.UserByEmail(ctx, email); return err }); err != nil {
		tb.Fatalf("user %s: %v", email, err)
	}
	return u
}

// matterByNumber finds a demo matter, whoever may see it.
func matterByNumber(tb testing.TB, a *app.App, number string) domain.Matter {
	tb.Helper()
	ms, err := a.Matters(context.Background(), app.Operator, store.MatterFilter{Query: number})
	if err != nil || len(ms) != 1 {
		tb.Fatalf("matter %s: %+v, %v", number, ms, err)
	}
	return ms[0].Matter
}

func TestLoad(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		a := loaded(t, e)
		got := counts(t, a.Store)
		want := map[string]int{"firm": 1, "vendors": 4, "clients": 3, "users": len(demo.Accounts()), "matters": 4, "matter_screens": 1,
			"engagements": 9, "bar_admissions": 5, "sessions": 0, "sign_in_attempts": 0,
			// the vendor registry: a personnel record per vendor user, one hosting subcontractor, one change to acknowledge
			"personnel": 7, "vendor_subcontractors": 1, "vendor_changes": 1}
		for table, n := range want {
			if got[table] != n {
				t.Errorf("%s has %d rows, want %d", table, got[table], n)
			}
		}
		firm, err := a.Firm(ctx)
		if err != nil || firm.Name != demo.FirmName || firm.Currency != "USD" {
			t.Fatalf("Firm = %+v, %v", firm, err)
		}

		// Dates are relative to the day of loading.
		vs, err := a.Vendors(ctx, app.Operator, store.Page{})
		if err != nil {
			t.Fatal(err)
		}
		today := domain.DateOf(t0)
		states := map[string]domain.Diligence{}
		for _, v := range vs {
			states[v.Name] = v.DiligenceOn(today)
		}
		if states["Keystone Review LLC"] != domain.DiligenceExpired || states["Lexora Legal Services Pvt. Ltd."] != domain.DiligenceApproved ||
			states["Meridian Discovery Partners Ltd"] != domain.DiligencePending {
			t.Fatalf("vendor diligence on %s: %v", today, states)
		}

		// Loading again is refused and changes nothing.
		err = demo.Load(ctx, a.Store, t0.Add(24*time.Hour))
		if !errors.Is(err, demo.ErrNotEmpty) || domain.ErrorCode(err) != domain.EConflict {
			t.Fatalf("second Load = %v, want ErrNotEmpty", err)
		}
		if again := counts(t, a.Store); !maps.Equal(again, got) {
			t.Fatalf("row counts changed by a refused Load:\nbefore %v\nafter  %v", got, again)
		}
	})
}

func TestEveryAccountSignsIn(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		a := loaded(t, e)
		accounts := demo.Accounts()
		if len(accounts) != 15 {
			t.Fatalf("Accounts() has %d entries", len(accounts))
		}
		roles := map[domain.Role]bool{}
		for _, acc := range accounts {
			if acc.Password != demo.Password || acc.Org == "" {
				t.Errorf("account %s: password %q, organisation %q", acc.Email, acc.Password, acc.Org)
			}
			token, u, err := a.SignIn(ctx, app.SignInRequest{Email: acc.Email, Password: demo.Password, Address: "127.0.0.1"})
			if err != nil {
				t.Errorf("%s cannot sign in: %v", acc.Email, err)
				continue
			}
			if u.Email != acc.Email || u.Role != acc.Role || u.Name != acc.Name {
				t.Errorf("%s signed in as %+v", acc.Email, u)
			}
			// Accounts with an authenticator owe a code; those whose role
			// requires one but have none owe its set-up.
			sess, err := a.ResolveSession(ctx, token)
			wantStep := domain.StepNone
			switch {
			case acc.TOTPSecret != "":
				wantStep = domain.StepCode
			case domain.DefaultMFAPolicy().Requires(acc.Role):
				wantStep = domain.StepEnrol
			}
			if err != nil || sess.Step != wantStep {
				t.Errorf("%s: session step %q (%v), want %q", acc.Email, sess.Step, err, wantStep)
			}
			if acc.TOTPSecret != "" {
				code, err := totp.GenerateCode(acc.TOTPSecret, a.Now())
				if err != nil {
					t.Fatal(err)
				}
				if _, err := a.VerifySecondFactor(ctx, token, code); err != nil {
					t.Errorf("%s: second factor with the printed key: %v", acc.Email, err)
				}
			}
			got, err := a.Authenticate(ctx, token)
			switch {
			case wantStep == domain.StepEnrol:
				if domain.ErrorCode(err) != domain.EUnauthorized {
					t.Errorf("%s: Authenticate before setting up a second factor = %+v, %v; want unauthorized", acc.Email, got, err)
				}
			case err != nil || got.ID != u.ID:
				t.Errorf("%s: Authenticate = %+v, %v", acc.Email, got, err)
			}
			roles[acc.Role] = true
		}
		for _, r := range domain.Roles {
			if !roles[r] {
				t.Errorf("no demo account has the role %s", r)
			}
		}
	})
}

func TestScreenedAttorney(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		a := loaded(t, e)
		ardent := matterByNumber(t, a, "2026-0177")
		priya := user(t, a, "priya.raman@hartwellcrane.example")
		marcus := user(t, a, "marcus.oyelaran@hartwellcrane.example")

		_, err := a.Matter(ctx, priya, ardent.ID)
		if domain.ErrorCode(err) != domain.ENotFound {
			t.Fatalf("Priya opening 2026-0177: %v, want not_found", err)
		}
		ms, err := a.Matters(ctx, priya, store.MatterFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if slices.Contains(numbers(ms), "2026-0177") || len(ms) != 3 {
			t.Fatalf("Priya's matters = %v; want the three others", numbers(ms))
		}
		es, err := a.Engagements(ctx, priya, store.EngagementFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range es {
			if x.MatterID == ardent.ID {
				t.Fatalf("Priya sees engagement %d on the matter she is screened from", x.ID)
			}
		}
		if len(es) != 7 {
			t.Fatalf("Priya sees %d engagements, want 7", len(es))
		}

		// Highly confidential: only with a second factor (the firm's policy).
		if _, err := a.Matter(ctx, marcus, ardent.ID); !errors.Is(err, app.ErrSecondFactorRequired) {
			t.Fatalf("Marcus opening 2026-0177 without a second factor: %v, want it refused", err)
		}
		v, err := a.Matter(app.WithMeta(ctx, app.Meta{MFA: true}), marcus, ardent.ID)
		if err != nil || v.Matter.Number != "2026-0177" || len(v.Parties) != 2 || len(v.Team) != 2 || len(v.Engagements) != 2 {
			t.Fatalf("Marcus opening 2026-0177 = %+v, %v", v, err)
		}
		ms, err = a.Matters(ctx, marcus, store.MatterFilter{})
		if err != nil || len(ms) != 4 {
			t.Fatalf("Marcus's matters = %v, %v; want all four", numbers(ms), err)
		}
	})
}

func TestLexoraUsersSeeOnlyTheirEngagements(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		a := loaded(t, e)
		all, err := a.Engagements(ctx, app.Operator, store.EngagementFilter{})
		if err != nil || len(all) != 9 {
			t.Fatalf("all engagements: %d, %v", len(all), err)
		}
		lexora := all[0].VendorID
		if all[0].VendorName != "Lexora Legal Services Pvt. Ltd." {
			t.Fatalf("first engagement's vendor is %q", all[0].VendorName)
		}
		members := map[int64][]int64{} // engagement -> user ids
		if err := a.Store.Read(ctx, func(tx *store.Tx) error {
			for _, x := range all {
				ms, err := tx.EngagementMembers(ctx, x.ID)
				if err != nil {
					return err
				}
				for _, m := range ms {
					members[x.ID] = append(members[x.ID], m.UserID)
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		wantCount := map[string]int{"anika.deshmukh@lexora.example": 4, "rohan.kulkarni@lexora.example": 2, "meera.iyer@lexora.example": 2}
		for email, n := range wantCount {
			u := user(t, a, email)
			var want []int64
			for _, x := range all {
				if x.VendorID == lexora && slices.Contains(members[x.ID], u.ID) {
					want = append(want, x.ID)
				}
			}
			got, err := a.Engagements(ctx, u, store.EngagementFilter{})
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, x := range got {
				ids = append(ids, x.ID)
				if x.VendorID != lexora {
					t.Errorf("%s sees engagement %d of %s", email, x.ID, x.VendorName)
				}
			}
			if !slices.Equal(ids, want) || len(ids) != n {
				t.Errorf("%s sees engagements %v, want %v (%d)", email, ids, want, n)
			}
			for _, x := range all {
				_, err := a.Engagement(ctx, u, x.ID)
				if visible := slices.Contains(want, x.ID); visible != (err == nil) ||
					(!visible && domain.ErrorCode(err) != domain.ENotFound) {
					t.Errorf("%s opening engagement %d: %v (visible %v)", email, x.ID, err, visible)
				}
			}
			if _, err := a.Clients(ctx, u, store.Page{}); domain.ErrorCode(err) != domain.EForbidden {
				t.Errorf("%s listing clients: %v, want forbidden", email, err)
			}
			vs, err := a.Vendors(ctx, u, store.Page{})
			if err != nil || len(vs) != 1 || vs[0].ID != lexora {
				t.Errorf("%s's vendors = %+v, %v; want only Lexora", email, vs, err)
			}
			ms, err := a.Matters(ctx, u, store.MatterFilter{})
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range ms {
				if !slices.ContainsFunc(got, func(x store.EngagementSummary) bool { return x.MatterID == m.ID }) {
					t.Errorf("%s sees matter %s without an engagement on it", email, m.Number)
				}
			}
		}
	})
}

func TestClientContactSeesOnlyItsMatters(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		a := loaded(t, e)
		helen := user(t, a, "helen.calloway@callowayfreight.example")
		ms, err := a.Matters(ctx, helen, store.MatterFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if got := numbers(ms); !slices.Equal(got, []string{"2026-0142", "2025-0311"}) {
			t.Fatalf("Helen's matters = %v, want Calloway's two", got)
		}
		for _, m := range ms {
			if m.ClientID != helen.ClientID {
				t.Errorf("Helen sees matter %s of client %s", m.Number, m.ClientName)
			}
		}
		for _, number := range []string{"2026-0177", "2026-0203"} {
			_, err := a.Matter(ctx, helen, matterByNumber(t, a, number).ID)
			if domain.ErrorCode(err) != domain.ENotFound {
				t.Errorf("Helen opening %s: %v, want not_found", number, err)
			}
		}
		v, err := a.Matter(ctx, helen, ms[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if v.Parties != nil || v.Team != nil || len(v.Engagements) != 4 {
			t.Fatalf("Helen's view of %s: %d parties, %d team, %d engagements; want no parties or team, 4 engagements",
				v.Matter.Number, len(v.Parties), len(v.Team), len(v.Engagements))
		}
		es, err := a.Engagements(ctx, helen, store.EngagementFilter{})
		if err != nil || len(es) != 5 {
			t.Fatalf("Helen's engagements = %d, %v; want 5", len(es), err)
		}
		for _, x := range es {
			if x.ClientName != "Calloway Freight Systems, Inc." {
				t.Errorf("Helen sees engagement %d for %s", x.ID, x.ClientName)
			}
		}
		if _, err := a.Clients(ctx, helen, store.Page{}); domain.ErrorCode(err) != domain.EForbidden {
			t.Errorf("Helen listing clients: %v, want forbidden", err)
		}
	})
}

func TestHome(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		a := loaded(t, e)
		eleanor := user(t, a, "eleanor.hartwell@hartwellcrane.example")
		h, err := a.Home(ctx, eleanor)
		if err != nil {
			t.Fatal(err)
		}
		attention := map[string]domain.Diligence{}
		for _, v := range h.Attention {
			attention[v.Vendor.Name] = v.Diligence
		}
		want := map[string]domain.Diligence{"Keystone Review LLC": domain.DiligenceExpired,
			"Bayanihan Legal Process Center Inc.": domain.DiligenceConditional, "Meridian Discovery Partners Ltd": domain.DiligencePending}
		if !maps.Equal(attention, want) {
			t.Fatalf("vendors needing attention = %v, want %v", attention, want)
		}
		if h.Counts.Matters != 4 || h.Counts.OpenEngagements != 8 || len(h.Stages) != len(domain.Stages) || len(h.Matters) != 3 {
			t.Fatalf("Eleanor's home: counts %+v, %d stages, %d open matters", h.Counts, len(h.Stages), len(h.Matters))
		}

		priya := user(t, a, "priya.raman@hartwellcrane.example")
		h, err = a.Home(ctx, priya)
		if err != nil {
			t.Fatal(err)
		}
		if len(h.Engagements) != 2 {
			t.Fatalf("Priya supervises %d engagements on her home, want 2", len(h.Engagements))
		}
		for _, x := range h.Engagements {
			if x.SupervisingAttorneyID != priya.ID {
				t.Errorf("Priya's home lists engagement %d supervised by %s", x.ID, x.SupervisorName)
			}
		}

		rohan := user(t, a, "rohan.kulkarni@lexora.example")
		h, err = a.Home(ctx, rohan)
		if err != nil {
			t.Fatal(err)
		}
		if h.Attention != nil || h.Counts.Matters != 1 || len(h.Engagements) != 2 || h.Counts.Clients != 0 {
			t.Fatalf("Rohan's home: %d vendors flagged, counts %+v, %d engagements", len(h.Attention), h.Counts, len(h.Engagements))
		}
	})
}

func numbers(ms []store.MatterSummary) []string {
	out := []string{}
	for _, m := range ms {
		out = append(out, m.Number)
	}
	return out
}
