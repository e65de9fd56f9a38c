package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/auth"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// tokenEvents returns the summaries of the audit events with action.
func tokenEvents(tb testing.TB, a *app.App, action string) []string {
	tb.Helper()
	evs, err := a.AuditEvents(context.Background(), app.Operator, store.AuditFilter{Action: action, Limit: store.MaxPageSize})
	if err != nil {
		tb.Fatal(err)
	}
	var out []string
	for _, e := range evs {
		out = append(out, e.Summary)
	}
	return out
}

func TestCreateToken(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		f := newFixture(t, e)

		secret, tok, err := f.a.CreateToken(ctx, f.marcus, app.TokenRequest{Name: "  nightly report ", Scope: domain.TokenWrite})
		if err != nil {
			t.Fatalf("CreateToken: %v", err)
		}
		if !auth.WellFormedAPIToken(secret) || tok.Prefix != secret[:12] || tok.UserID != f.marcus.ID || tok.Name != "nightly report" ||
			tok.Scope != domain.TokenWrite || !tok.CreatedAt.Equal(t0) || !tok.ExpiresAt.Equal(t0.Add(domain.DefaultTokenLifetime)) {
			t.Errorf("CreateToken = %q, %+v", secret, tok)
		}
		if got := tokenEvents(t, f.a, "token.create"); len(got) != 1 || !strings.Contains(got[0], "nightly report") ||
			!strings.Contains(got[0], tok.Prefix) || strings.Contains(got[0], secret) || strings.Contains(got[0], secret[12:20]) {
			t.Errorf("token.create events %q: want one naming the token and its prefix, never the secret", got)
		}

		_, read, err := f.a.CreateToken(ctx, f.staff, app.TokenRequest{Name: "export", Lifetime: 36 * time.Hour})
		if err != nil || read.Scope != domain.TokenRead || !read.ExpiresAt.Equal(t0.Add(36*time.Hour)) {
			t.Errorf("default scope and a lifetime: %+v, %v; want read, expiring in 36h", read, err)
		}

		for _, tc := range []struct {
			name  string
			actor domain.User
			in    app.TokenRequest
			code  string
			field string
		}{
			{"no name", f.marcus, app.TokenRequest{Name: "  "}, domain.EInvalid, "name"},
			{"long name", f.marcus, app.TokenRequest{Name: strings.Repeat("n", 101)}, domain.EInvalid, "name"},
			{"control characters", f.marcus, app.TokenRequest{Name: "a\nb"}, domain.EInvalid, "name"},
			{"bad scope", f.marcus, app.TokenRequest{Name: "x", Scope: "admin"}, domain.EInvalid, "scope"},
			{"too long", f.marcus, app.TokenRequest{Name: "x", Lifetime: 366 * 24 * time.Hour}, domain.EInvalid, "expires_in"},
			{"too short", f.marcus, app.TokenRequest{Name: "x", Lifetime: time.Minute}, domain.EInvalid, "expires_in"},
			{"negative", f.marcus, app.TokenRequest{Name: "x", Lifetime: -time.Hour}, domain.EInvalid, "expires_in"},
			{"for someone else", f.marcus, app.TokenRequest{Name: "x", UserEmail: f.staff.Email}, domain.EForbidden, ""},
			{"an administrator for someone else", f.admin, app.TokenRequest{Name: "x", UserEmail: f.marcus.Email}, domain.EForbidden, ""},
			{"for an unknown address", f.marcus, app.TokenRequest{Name: "x", UserEmail: "nobody@firm.example"}, domain.EForbidden, ""},
			{"the operator for nobody", app.Operator, app.TokenRequest{Name: "x"}, domain.EInvalid, "user"},
			{"the operator for an unknown user", app.Operator, app.TokenRequest{Name: "x", UserEmail: "nobody@firm.example"}, domain.ENotFound, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := f.count(t, "api_tokens")
				_, _, err := f.a.CreateToken(ctx, tc.actor, tc.in)
				wantCode(t, err, tc.code, tc.name)
				if domain.ErrorField(err) != tc.field {
					t.Errorf("field %q, want %q", domain.ErrorField(err), tc.field)
				}
				if f.count(t, "api_tokens") != before {
					t.Errorf("a refused request stored a token")
				}
			})
		}

		// The operator may create one for anyone; it acts as that user.
		_, forStaff, err := f.a.CreateToken(ctx, app.Operator, app.TokenRequest{Name: "ci", UserEmail: " Daniel@Firm.Example "})
		if err != nil || forStaff.UserID != f.staff.ID {
			t.Errorf("operator for staff: %+v, %v", forStaff, err)
		}
		// A user may name themselves.
		if _, _, err := f.a.CreateToken(ctx, f.marcus, app.TokenRequest{Name: "mine", UserEmail: f.marcus.Email}); err != nil {
			t.Errorf("naming oneself: %v", err)
		}

		// Disabled users hold no tokens.
		disable(t, f, f.staff.ID)
		_, _, err = f.a.CreateToken(ctx, app.Operator, app.TokenRequest{Name: "ci2", UserEmail: f.staff.Email})
		wantCode(t, err, domain.EConflict, "a token for a disabled user")

		// A cap on active tokens.
		for i := f.activeTokens(t, f.admin.ID); i < app.MaxActiveTokens; i++ {
			if _, _, err := f.a.CreateToken(ctx, f.admin, app.TokenRequest{Name: "bulk"}); err != nil {
				t.Fatalf("token %d: %v", i+1, err)
			}
		}
		_, _, err = f.a.CreateToken(ctx, f.admin, app.TokenRequest{Name: "one too many"})
		wantCode(t, err, domain.EConflict, "beyond the cap")
	})
}

func disable(tb testing.TB, f *fixture, userID int64) {
	tb.Helper()
	if _, err := f.a.Store.DB().Exec(`UPDATE users SET disabled = TRUE WHERE id = $1`, userID); err != nil {
		tb.Fatal(err)
	}
}

func (f *fixture) activeTokens(tb testing.TB, userID int64) int {
	tb.Helper()
	var n int
	if err := f.a.Store.Read(context.Background(), func(tx *store.Tx) (err error) {
		n, err = tx.CountActiveAPITokens(context.Background(), userID, f.clock.now)
		return err
	}); err != nil {
		tb.Fatal(err)
	}
	return n
}

func TestAuthenticateToken(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		f := newFixture(t, e)
		secret, tok, err := f.a.CreateToken(ctx, f.marcus, app.TokenRequest{Name: "sync", Scope: domain.TokenWrite, Lifetime: 2 * time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		lastUsed := func() time.Time {
			var got store.APITokenSummary
			if err := f.a.Store.Read(ctx, func(tx *store.Tx) (err error) { got, err = tx.APIToken(ctx, tok.ID); return err }); err != nil {
				t.Fatal(err)
			}
			return got.LastUsedAt
		}

		u, got, err := f.a.AuthenticateToken(ctx, secret)
		if err != nil || u != f.marcus || got.ID != tok.ID || got.Scope != domain.TokenWrite {
			t.Fatalf("AuthenticateToken = %+v, %+v, %v", u, got, err)
		}
		if !lastUsed().Equal(t0) {
			t.Errorf("last used %v, want %v", lastUsed(), t0)
		}
		f.clock.Advance(30 * time.Second)
		if _, _, err := f.a.AuthenticateToken(ctx, secret); err != nil {
			t.Fatal(err)
		}
		if !lastUsed().Equal(t0) {
			t.Errorf("last used rewritten within a minute: %v", lastUsed())
		}
		f.clock.Advance(31 * time.Second)
		if _, _, err := f.a.AuthenticateToken(ctx, secret); err != nil {
			t.Fatal(err)
		}
		if !lastUsed().Equal(f.clock.now) {
			t.Errorf("last used %v after a minute, want %v", lastUsed(), f.clock.now)
		}

		// Every refusal is the same error.
		_, _, want := f.a.AuthenticateToken(ctx, "")
		wantCode(t, want, domain.EUnauthorized, "empty")
		refused := func(what, token string) {
			t.Helper()
			_, _, err := f.a.AuthenticateToken(ctx, token)
			wantCode(t, err, domain.EUnauthorized, what)
			if domain.ErrorMessage(err) != domain.ErrorMessage(want) {
				t.Errorf("%s: message %q differs from %q", what, domain.ErrorMessage(err), domain.ErrorMessage(want))
			}
		}
		refused("malformed", "x")
		refused("wrong prefix", "prx_"+secret[4:])
		other := "A"
		if secret[46] == 'A' {
			other = "B"
		}
		refused("unknown", secret[:46]+other)
		refused("the hash", auth.HashToken(secret))

		// Expired.
		f.clock.Advance(2 * time.Hour)
		refused("expired", secret)
		f.clock.now = t0.Add(time.Minute)

		// Disabled user.
		disable(t, f, f.marcus.ID)
		refused("disabled user", secret)
		if _, err := f.a.Store.DB().Exec(`UPDATE users SET disabled = FALSE WHERE id = $1`, f.marcus.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.a.AuthenticateToken(ctx, secret); err != nil {
			t.Fatalf("re-enabled: %v", err)
		}

		// Revoked.
		if _, err := f.a.RevokeToken(ctx, f.marcus, tok.ID); err != nil {
			t.Fatal(err)
		}
		refused("revoked", secret)
	})
}

func TestListAndRevokeTokens(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		f := newFixture(t, e)
		vendorUser := f.createUser(t, app.NewUser{Email: "vp@lexora.example", Name: "Vendor Pro", Role: domain.RoleVendorProfessional, VendorID: f.vendor.ID})
		mk := func(u domain.User, name string) domain.APIToken {
			t.Helper()
			_, tok, err := f.a.CreateToken(ctx, u, app.TokenRequest{Name: name})
			if err != nil {
				t.Fatal(err)
			}
			return tok
		}
		m1, m2 := mk(f.marcus, "m1"), mk(f.marcus, "m2")
		s1 := mk(f.staff, "s1")
		v1 := mk(vendorUser, "v1")

		names := func(ts []store.APITokenSummary) string {
			var out []string
			for _, x := range ts {
				out = append(out, x.Name)
			}
			return strings.Join(out, ",")
		}
		list := func(actor domain.User, filt app.TokenFilter) (string, error) {
			ts, err := f.a.ListTokens(ctx, actor, filt)
			return names(ts), err
		}
		for _, tc := range []struct {
			name  string
			actor domain.User
			f     app.TokenFilter
			want  string
			code  string
		}{
			{"own", f.marcus, app.TokenFilter{}, "m1,m2", ""},
			{"own by email", f.marcus, app.TokenFilter{UserEmail: "MARCUS@firm.example"}, "m1,m2", ""},
			{"own, newest first", f.marcus, app.TokenFilter{NewestFirst: true}, "m2,m1", ""},
			{"a vendor user's own", vendorUser, app.TokenFilter{}, "v1", ""},
			{"someone else's", f.marcus, app.TokenFilter{UserEmail: f.staff.Email}, "", domain.EForbidden},
			{"everyone's", f.marcus, app.TokenFilter{AllUsers: true}, "", domain.EForbidden},
			{"admin: someone's", f.admin, app.TokenFilter{UserEmail: f.staff.Email}, "s1", ""},
			{"admin: everyone's", f.admin, app.TokenFilter{AllUsers: true}, "m1,m2,s1,v1", ""},
			{"admin: unknown user", f.admin, app.TokenFilter{UserEmail: "nobody@firm.example"}, "", domain.ENotFound},
			{"operator: someone's", app.Operator, app.TokenFilter{UserEmail: vendorUser.Email}, "v1", ""},
			{"operator: nobody named", app.Operator, app.TokenFilter{}, "", domain.EInvalid},
		} {
			got, err := list(tc.actor, tc.f)
			if domain.ErrorCode(err) != tc.code || got != tc.want {
				t.Errorf("%s: %q, %v; want %q, code %q", tc.name, got, err, tc.want, tc.code)
			}
		}

		// Someone else's token is not found, not forbidden.
		_, err := f.a.RevokeToken(ctx, f.staff, m1.ID)
		wantCode(t, err, domain.ENotFound, "staff revoking marcus's token")
		_, err = f.a.RevokeToken(ctx, vendorUser, m1.ID)
		wantCode(t, err, domain.ENotFound, "a vendor revoking marcus's token")
		_, err = f.a.RevokeToken(ctx, f.marcus, 987654)
		wantCode(t, err, domain.ENotFound, "an unknown token")
		_, err = f.a.RevokeOwnToken(ctx, f.admin, s1.ID)
		wantCode(t, err, domain.ENotFound, "an administrator revoking someone's token as their own")

		got, err := f.a.RevokeToken(ctx, f.marcus, m1.ID)
		if err != nil || !got.RevokedAt.Equal(t0) || got.UserEmail != f.marcus.Email {
			t.Fatalf("revoke own: %+v, %v", got, err)
		}
		f.clock.Advance(time.Hour)
		again, err := f.a.RevokeOwnToken(ctx, f.marcus, m1.ID)
		if err != nil || !again.RevokedAt.Equal(t0) {
			t.Errorf("revoking twice: %+v, %v; want the first revocation kept, no error", again, err)
		}
		if _, err := f.a.RevokeToken(ctx, f.admin, s1.ID); err != nil {
			t.Errorf("admin revoking staff's token: %v", err)
		}
		if _, err := f.a.RevokeToken(ctx, app.Operator, v1.ID); err != nil {
			t.Errorf("operator revoking a vendor's token: %v", err)
		}
		evs := tokenEvents(t, f.a, "token.revoke")
		if len(evs) != 3 {
			t.Errorf("token.revoke events %q, want 3 (revoking twice records once)", evs)
		}
		if active, _ := list(f.admin, app.TokenFilter{AllUsers: true, ActiveOnly: true}); active != m2.Name {
			t.Errorf("active tokens %q, want %q", active, m2.Name)
		}
	})
}
