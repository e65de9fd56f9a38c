package app_test

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/auth"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

var t0 = time.Date(2026, 3, 17, 9, 30, 0, 0, time.UTC)

const (
	goodPassword = "correct horse battery staple"
	home         = "198.51.100.1"
)

// clock is the fake time the App reads.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time          { return c.now }
func (c *clock) Advance(d time.Duration) { c.now = c.now.Add(d) }

// fixture is an App on a fresh store, with a fake clock and a few users.
type fixture struct {
	a      *app.App
	clock  *clock
	vendor domain.Vendor
	client domain.Client
	admin  domain.User
	marcus domain.User // attorney, password goodPassword
	staff  domain.User
}

func testConfig() app.Config {
	cfg := app.DefaultConfig()
	cfg.Password = auth.Params{MemoryKiB: 64, Time: 1, Threads: 1}
	cfg.MaxFailsAccount = 3
	cfg.MaxFailsAddress = 5
	return cfg
}

func newFixture(tb testing.TB, e testenv.Engine) *fixture {
	tb.Helper()
	s := testenv.OpenStore(tb, e)
	f := &fixture{a: app.New(s, testConfig(), slog.New(slog.DiscardHandler)), clock: &clock{now: t0}}
	f.a.Now = f.clock.Now
	ctx := context.Background()
	f.vendor = domain.Vendor{Name: "Lexora", Country: "IN", Currency: "INR", Diligence: domain.DiligenceApproved}
	f.client = domain.Client{Number: "CFS-0711", Name: "Calloway"}
	if err := s.Write(ctx, func(tx *store.Tx) error {
		if err := tx.CreateVendor(ctx, &f.vendor, t0); err != nil {
			return err
		}
		return tx.CreateClient(ctx, &f.client, t0)
	}); err != nil {
		tb.Fatal(err)
	}
	f.admin = f.createUser(tb, app.NewUser{Email: "eleanor@firm.example", Name: "Eleanor", Role: domain.RoleFirmAdmin, Password: goodPassword})
	f.marcus = f.createUser(tb, app.NewUser{Email: "marcus@firm.example", Name: "Marcus", Role: domain.RoleAttorney, Password: goodPassword})
	f.staff = f.createUser(tb, app.NewUser{Email: "daniel@firm.example", Name: "Daniel", Role: domain.RoleStaff, Password: goodPassword})
	return f
}

func (f *fixture) createUser(tb testing.TB, in app.NewUser) domain.User {
	tb.Helper()
	u, err := f.a.CreateUser(context.Background(), app.Operator, in)
	if err != nil {
		tb.Fatalf("CreateUser %s: %v", in.Email, err)
	}
	return u
}

func (f *fixture) signIn(email, password, address string) (string, domain.User, error) {
	return f.a.SignIn(context.Background(), app.SignInRequest{Email: email, Password: password, Address: address, UserAgent: "test-agent"})
}

// mustSignIn signs in and fails the test unless it works.
func (f *fixture) mustSignIn(tb testing.TB, email, password, address string) string {
	tb.Helper()
	token, u, err := f.signIn(email, password, address)
	if err != nil || token == "" || u.ID == 0 {
		tb.Fatalf("SignIn(%s) = %q, %+v, %v; want a session", email, token, u, err)
	}
	return token
}

// sessionExists reports whether the session behind token is stored.
func (f *fixture) sessionExists(tb testing.TB, token string) bool {
	tb.Helper()
	ctx := context.Background()
	err := f.a.Store.Read(ctx, func(tx *store.Tx) error { _, _, err := tx.SessionByHash(ctx, auth.HashToken(token)); return err })
	switch domain.ErrorCode(err) {
	case "":
		return true
	case domain.ENotFound:
		return false
	}
	tb.Fatalf("SessionByHash: %v", err)
	return false
}

func (f *fixture) count(tb testing.TB, table string) int {
	tb.Helper()
	var n int
	if err := f.a.Store.DB().QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

func wantCode(tb testing.TB, err error, code, what string) {
	tb.Helper()
	if got := domain.ErrorCode(err); got != code {
		tb.Fatalf("%s: error %v has code %q, want %q", what, err, got, code)
	}
}

func TestSignInAndAuthenticate(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		f := newFixture(t, e)
		token, u, err := f.signIn("  Marcus@Firm.Example ", goodPassword, home)
		if err != nil || token == "" || u != f.marcus {
			t.Fatalf("SignIn = %q, %+v, %v; want a token and %+v", token, u, err, f.marcus)
		}
		got, err := f.a.Authenticate(ctx, token)
		if err != nil || got != f.marcus {
			t.Fatalf("Authenticate = %+v, %v; want %+v", got, err, f.marcus)
		}
		// Only the token's hash is stored.
		var sess store.Session
		if err := f.a.Store.Read(ctx, func(tx *store.Tx) (err error) {
			sess, _, err = tx.SessionByHash(ctx, auth.HashToken(token))
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if sess.UserID != f.marcus.ID || sess.Address != home || sess.UserAgent != "test-agent" ||
			!sess.CreatedAt.Equal(t0) || !sess.ExpiresAt.Equal(t0.Add(testConfig().SessionAbsolute)) {
			t.Fatalf("stored session = %+v", sess)
		}
		err = f.a.Store.Read(ctx, func(tx *store.Tx) error { _, _, err := tx.SessionByHash(ctx, token); return err })
		wantCode(t, err, domain.ENotFound, "session looked up by the raw token")

		// Every sign-in starts a new session with a new token.
		token2 := f.mustSignIn(t, "marcus@firm.example", goodPassword, home)
		if token2 == token {
			t.Fatal("a second sign-in reused the token")
		}
		if _, err := f.a.Authenticate(ctx, token); err != nil {
			t.Fatalf("first session ended by the second sign-in: %v", err)
		}
		for _, bad := range []string{"", "not-a-token", token + "x", string(make([]byte, 101))} {
			_, err := f.a.Authenticate(ctx, bad)
			wantCode(t, err, domain.EUnauthorized, "Authenticate("+bad+")")
		}
	})
}

func TestSignInBadCredentials(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newFixture(t, e)
		f.createUser(t, app.NewUser{Email: "nopass@firm.example", Name: "No Password", Role: domain.RoleStaff})

		_, _, wrong := f.signIn("marcus@firm.example", "wrong password entirely", home)
		wantCode(t, wrong, domain.EUnauthorized, "wrong password")
		_, _, unknown := f.signIn("nobody@firm.example", goodPassword, home)
		wantCode(t, unknown, domain.EUnauthorized, "unknown email")
		_, _, nopass := f.signIn("nopass@firm.example", goodPassword, home)
		wantCode(t, nopass, domain.EUnauthorized, "account without a password")
		if domain.ErrorMessage(wrong) != domain.ErrorMessage(unknown) || domain.ErrorMessage(wrong) != domain.ErrorMessage(nopass) {
			t.Fatalf("messages differ, revealing which accounts exist: %q / %q / %q",
				domain.ErrorMessage(wrong), domain.ErrorMessage(unknown), domain.ErrorMessage(nopass))
		}

		_, _, err := f.signIn("not an email", goodPassword, home)
		wantCode(t, err, domain.EInvalid, "malformed email")
		_, _, err = f.signIn("marcus@firm.example", "", home)
		wantCode(t, err, domain.EInvalid, "empty password")

		if n := f.count(t, "sessions"); n != 0 {
			t.Fatalf("%d sessions after failed sign-ins", n)
		}
		if n := f.count(t, "sign_in_attempts"); n != 3 {
			t.Fatalf("%d sign-in attempts recorded, want 3 (malformed requests are not attempts)", n)
		}
	})
}

func TestSignInThrottlesAnAccount(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newFixture(t, e)
		cfg := testConfig()
		// Failures from different addresses, so only the account count applies.
		for i := range cfg.MaxFailsAccount {
			_, _, err := f.signIn("marcus@firm.example", "wrong password entirely", fmt.Sprintf("192.0.2.%d", i+1))
			wantCode(t, err, domain.EUnauthorized, "failure below the limit")
		}
		_, _, err := f.signIn("marcus@firm.example", goodPassword, home)
		wantCode(t, err, domain.ETooMany, "right password on a locked account")
		if n := f.count(t, "sessions"); n != 0 {
			t.Fatalf("a throttled sign-in created a session")
		}
		// Other accounts from the same address are unaffected.
		f.mustSignIn(t, "daniel@firm.example", goodPassword, home)

		// Not yet: one second before the window has passed.
		f.clock.Advance(cfg.ThrottleWindow - time.Second)
		_, _, err = f.signIn("marcus@firm.example", goodPassword, home)
		wantCode(t, err, domain.ETooMany, "still inside the window")
		f.clock.Advance(2 * time.Second)
		f.mustSignIn(t, "marcus@firm.example", goodPassword, home)
	})
}

func TestSignInSuccessResetsTheAccountCount(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newFixture(t, e)
		fail := func() {
			t.Helper()
			f.clock.Advance(time.Second)
			_, _, err := f.signIn("marcus@firm.example", "wrong password entirely", home)
			wantCode(t, err, domain.EUnauthorized, "wrong password")
		}
		for range testConfig().MaxFailsAccount - 1 {
			fail()
		}
		f.clock.Advance(time.Second)
		f.mustSignIn(t, "marcus@firm.example", goodPassword, home)
		for range testConfig().MaxFailsAccount - 1 {
			fail()
		}
		f.clock.Advance(time.Second)
		f.mustSignIn(t, "marcus@firm.example", goodPassword, home)
	})
}

func TestSignInThrottlesAnAddress(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newFixture(t, e)
		const attacker = "203.0.113.66"
		// Spread over many accounts, so no one account reaches its limit.
		for i := range testConfig().MaxFailsAddress {
			email := []string{"marcus@firm.example", "daniel@firm.example", "eleanor@firm.example", "ghost1@firm.example", "ghost2@firm.example"}[i%5]
			_, _, err := f.signIn(email, "wrong password entirely", attacker)
			wantCode(t, err, domain.EUnauthorized, "failure below the address limit")
		}
		_, _, err := f.signIn("daniel@firm.example", goodPassword, attacker)
		wantCode(t, err, domain.ETooMany, "right password from a throttled address")
		f.mustSignIn(t, "daniel@firm.example", goodPassword, home)

		f.clock.Advance(testConfig().ThrottleWindow + time.Second)
		f.mustSignIn(t, "daniel@firm.example", goodPassword, attacker)
	})
}

func TestDisabledUser(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		f := newFixture(t, e)
		hash, err := auth.HashPassword(goodPassword, testConfig().Password)
		if err != nil {
			t.Fatal(err)
		}
		gone := domain.User{Email: "gone@firm.example", Name: "Gone", Role: domain.RoleStaff, TimeZone: "UTC", Disabled: true}
		if err := f.a.Store.Write(ctx, func(tx *store.Tx) error { return tx.CreateUser(ctx, &gone, hash, t0) }); err != nil {
			t.Fatal(err)
		}
		_, _, err = f.signIn("gone@firm.example", goodPassword, home)
		wantCode(t, err, domain.EUnauthorized, "disabled user with the right password")
		_, _, unknown := f.signIn("nobody@firm.example", goodPassword, home)
		if domain.ErrorMessage(err) != domain.ErrorMessage(unknown) {
			t.Fatalf("a disabled account answers %q, an unknown one %q", domain.ErrorMessage(err), domain.ErrorMessage(unknown))
		}

		// Disabling a signed-in user ends the session at the next request.
		token := f.mustSignIn(t, "daniel@firm.example", goodPassword, home)
		if _, err := f.a.Store.DB().Exec(`UPDATE users SET disabled = TRUE WHERE id = $1`, f.staff.ID); err != nil {
			t.Fatal(err)
		}
		_, err = f.a.Authenticate(ctx, token)
		wantCode(t, err, domain.EUnauthorized, "session of a disabled user")
		if f.sessionExists(t, token) {
			t.Fatal("the disabled user's session is still stored")
		}
	})
}

func TestSessionIdleTimeout(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		f := newFixture(t, e)
		idle := testConfig().SessionIdle
		unused := f.mustSignIn(t, "marcus@firm.example", goodPassword, home)
		used := f.mustSignIn(t, "marcus@firm.example", goodPassword, home)

		// Activity within a minute is not written (no write per request).
		f.clock.Advance(30 * time.Second)
		if _, err := f.a.Authenticate(ctx, used); err != nil {
			t.Fatal(err)
		}
		var sess store.Session
		if err := f.a.Store.Read(ctx, func(tx *store.Tx) (err error) { sess, _, err = tx.SessionByHash(ctx, auth.HashToken(used)); return err }); err != nil {
			t.Fatal(err)
		}
		if !sess.LastSeenAt.Equal(t0) {
			t.Fatalf("last seen moved to %v after 30s", sess.LastSeenAt)
		}

		// Used an hour in: its idle clock restarts.
		f.clock.Advance(time.Hour - 30*time.Second)
		if _, err := f.a.Authenticate(ctx, used); err != nil {
			t.Fatal(err)
		}
		// At t0+idle the unused session has been idle for the whole limit;
		// the used one only since its use an hour ago.
		f.clock.Advance(idle - time.Hour)
		_, err := f.a.Authenticate(ctx, unused)
		wantCode(t, err, domain.EUnauthorized, "session idle for the whole idle limit")
		if f.sessionExists(t, unused) {
			t.Fatal("the idle session is still stored")
		}
		if _, err := f.a.Authenticate(ctx, used); err != nil {
			t.Fatalf("the session used an hour ago ended: %v", err)
		}
		// Now idle for the limit since that last use.
		f.clock.Advance(idle)
		_, err = f.a.Authenticate(ctx, used)
		wantCode(t, err, domain.EUnauthorized, "session idle after its last use")
		if f.sessionExists(t, used) {
			t.Fatal("the idle session is still stored")
		}
	})
}

func TestSessionIdleLimitIsExact(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		f := newFixture(t, e)
		idle := testConfig().SessionIdle
		a := f.mustSignIn(t, "marcus@firm.example", goodPassword, home)
		b := f.mustSignIn(t, "marcus@firm.example", goodPassword, home)
		f.clock.Advance(idle - time.Second)
		if _, err := f.a.Authenticate(ctx, a); err != nil {
			t.Fatalf("one second before the idle limit: %v", err)
		}
		f.clock.Advance(time.Second)
		_, err := f.a.Authenticate(ctx, b)
		wantCode(t, err, domain.EUnauthorized, "at the idle limit")
	})
}

func TestSessionAbsoluteTimeout(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		f := newFixture(t, e)
		abs := testConfig().SessionAbsolute
		token := f.mustSignIn(t, "marcus@firm.example", goodPassword, home)
		// Used every hour, never idle, until the absolute limit.
		for elapsed := time.Hour; elapsed < abs; elapsed += time.Hour {
			f.clock.Advance(time.Hour)
			if _, err := f.a.Authenticate(ctx, token); err != nil {
				t.Fatalf("after %v of use: %v", elapsed, err)
			}
		}
		f.clock.Advance(time.Hour)
		_, err := f.a.Authenticate(ctx, token)
		wantCode(t, err, domain.EUnauthorized, "past the absolute limit")
		if f.sessionExists(t, token) {
			t.Fatal("the expired session is still stored")
		}
	})
}

func TestSignOut(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		f := newFixture(t, e)
		mine := f.mustSignIn(t, "marcus@firm.example", goodPassword, home)
		other := f.mustSignIn(t, "marcus@firm.example", goodPassword, "192.0.2.44")
		if err := f.a.SignOut(ctx, mine); err != nil {
			t.Fatal(err)
		}
		_, err := f.a.Authenticate(ctx, mine)
		wantCode(t, err, domain.EUnauthorized, "signed-out session")
		if f.sessionExists(t, mine) {
			t.Fatal("the signed-out session is still stored")
		}
		if _, err := f.a.Authenticate(ctx, other); err != nil {
			t.Fatalf("signing out one browser ended another: %v", err)
		}
		if err := f.a.SignOut(ctx, ""); err != nil {
			t.Fatalf("SignOut without a token: %v", err)
		}
		if err := f.a.SignOut(ctx, mine); err != nil {
			t.Fatalf("signing out twice: %v", err)
		}
	})
}

func TestSetPassword(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		f := newFixture(t, e)
		const newPassword = "a brand new passphrase"
		s1 := f.mustSignIn(t, "marcus@firm.example", goodPassword, home)
		s2 := f.mustSignIn(t, "marcus@firm.example", goodPassword, "192.0.2.44")
		daniel := f.mustSignIn(t, "daniel@firm.example", goodPassword, home)

		err := f.a.SetPassword(ctx, f.marcus, "marcus@firm.example", "too short")
		wantCode(t, err, domain.EInvalid, "short password")
		err = f.a.SetPassword(ctx, f.marcus, "daniel@firm.example", newPassword)
		wantCode(t, err, domain.EForbidden, "an attorney setting someone else's password")
		// Whether or not the account exists, a non-administrator hears the same.
		err = f.a.SetPassword(ctx, f.marcus, "nobody@firm.example", newPassword)
		wantCode(t, err, domain.EForbidden, "an attorney setting an unknown account's password")
		if _, err := f.a.Authenticate(ctx, daniel); err != nil {
			t.Fatalf("a refused SetPassword ended sessions: %v", err)
		}

		if err := f.a.SetPassword(ctx, f.marcus, "Marcus@Firm.example", newPassword); err != nil {
			t.Fatal(err)
		}
		for _, tok := range []string{s1, s2} {
			_, err := f.a.Authenticate(ctx, tok)
			wantCode(t, err, domain.EUnauthorized, "session from before the password change")
		}
		if _, err := f.a.Authenticate(ctx, daniel); err != nil {
			t.Fatalf("another user's session ended: %v", err)
		}
		_, _, err = f.signIn("marcus@firm.example", goodPassword, home)
		wantCode(t, err, domain.EUnauthorized, "the old password")
		f.mustSignIn(t, "marcus@firm.example", newPassword, home)

		// Administrators, and the operator, may set anyone's.
		if err := f.a.SetPassword(ctx, f.admin, "daniel@firm.example", newPassword); err != nil {
			t.Fatal(err)
		}
		f.mustSignIn(t, "daniel@firm.example", newPassword, home)
		if err := f.a.SetPassword(ctx, app.Operator, "daniel@firm.example", goodPassword); err != nil {
			t.Fatal(err)
		}
		f.mustSignIn(t, "daniel@firm.example", goodPassword, home)
		err = f.a.SetPassword(ctx, f.admin, "nobody@firm.example", newPassword)
		wantCode(t, err, domain.ENotFound, "unknown user")
	})
}

func TestCreateUser(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		f := newFixture(t, e)
		vendorUser := f.createUser(t, app.NewUser{Email: "rohan@lexora.example", Name: "Rohan", Role: domain.RoleVendorProfessional, VendorID: f.vendor.ID, Password: goodPassword})
		clientUser := f.createUser(t, app.NewUser{Email: "helen@calloway.example", Name: "Helen", Role: domain.RoleClientContact, ClientID: f.client.ID})
		if vendorUser.ID == 0 || vendorUser.VendorID != f.vendor.ID || clientUser.ClientID != f.client.ID || clientUser.TimeZone != "UTC" {
			t.Fatalf("created %+v and %+v", vendorUser, clientUser)
		}
		users := f.count(t, "users")

		disabledAdmin := f.admin
		disabledAdmin.Disabled = true
		in := app.NewUser{Email: "new@firm.example", Name: "New", Role: domain.RoleStaff, Password: goodPassword}
		for _, actor := range []domain.User{f.marcus, f.staff, vendorUser, clientUser, disabledAdmin, {}} {
			_, err := f.a.CreateUser(ctx, actor, in)
			wantCode(t, err, domain.EForbidden, "CreateUser by "+string(actor.Role))
			_, err = f.a.Users(ctx, actor, store.UserFilter{})
			wantCode(t, err, domain.EForbidden, "Users by "+string(actor.Role))
		}

		invalid := []struct {
			name  string
			in    app.NewUser
			field string
		}{
			{"bad email", app.NewUser{Email: "new", Name: "New", Role: domain.RoleStaff}, "email"},
			{"no name", app.NewUser{Email: "new@firm.example", Role: domain.RoleStaff}, "name"},
			{"unknown role", app.NewUser{Email: "new@firm.example", Name: "New", Role: "partner"}, "role"},
			{"vendor role without vendor", app.NewUser{Email: "new@v.example", Name: "New", Role: domain.RoleVendorManager}, "vendor"},
			{"vendor that does not exist", app.NewUser{Email: "new@v.example", Name: "New", Role: domain.RoleVendorManager, VendorID: f.vendor.ID + 100}, "vendor"},
			{"client that does not exist", app.NewUser{Email: "new@c.example", Name: "New", Role: domain.RoleClientContact, ClientID: f.client.ID + 100}, "client"},
			{"short password", app.NewUser{Email: "new@firm.example", Name: "New", Role: domain.RoleStaff, Password: "short"}, "password"},
			{"bad time zone", app.NewUser{Email: "new@firm.example", Name: "New", Role: domain.RoleStaff, TimeZone: "Nowhere/Else"}, "time_zone"},
		}
		for _, tt := range invalid {
			_, err := f.a.CreateUser(ctx, f.admin, tt.in)
			if domain.ErrorCode(err) != domain.EInvalid || domain.ErrorField(err) != tt.field {
				t.Errorf("%s: CreateUser = %v, want invalid %s", tt.name, err, tt.field)
			}
		}
		_, err := f.a.CreateUser(ctx, f.admin, app.NewUser{Email: " MARCUS@firm.example", Name: "Marcus again", Role: domain.RoleStaff})
		wantCode(t, err, domain.EConflict, "duplicate email in another case")
		if n := f.count(t, "users"); n != users {
			t.Fatalf("users went from %d to %d after refused creations", users, n)
		}

		// A firm administrator (not only the operator) may create users.
		u, err := f.a.CreateUser(ctx, f.admin, in)
		if err != nil || u.ID == 0 || u.Email != "new@firm.example" {
			t.Fatalf("CreateUser by an administrator = %+v, %v", u, err)
		}
		f.mustSignIn(t, "new@firm.example", goodPassword, home)
		list, err := f.a.Users(ctx, f.admin, store.UserFilter{Role: domain.RoleStaff})
		if err != nil || len(list) != 2 || list[1].ID != u.ID {
			t.Fatalf("Users(staff) = %+v, %v", list, err)
		}
		// A user created without a password cannot sign in until one is set.
		_, _, err = f.signIn("helen@calloway.example", goodPassword, home)
		wantCode(t, err, domain.EUnauthorized, "user without a password")
	})
}

func TestScopeFor(t *testing.T) {
	tests := []struct {
		name string
		u    domain.User
		want store.Scope
	}{
		{"firm admin sees everything", domain.User{ID: 1, Role: domain.RoleFirmAdmin}, store.Scope{All: true, UserID: 1}},
		{"attorney", domain.User{ID: 2, Role: domain.RoleAttorney}, store.Scope{UserID: 2}},
		{"staff", domain.User{ID: 3, Role: domain.RoleStaff}, store.Scope{UserID: 3}},
		{"vendor manager", domain.User{ID: 4, Role: domain.RoleVendorManager, VendorID: 7}, store.Scope{UserID: 4, VendorID: 7}},
		{"vendor professional", domain.User{ID: 5, Role: domain.RoleVendorProfessional, VendorID: 7}, store.Scope{UserID: 5, VendorID: 7}},
		{"client contact", domain.User{ID: 6, Role: domain.RoleClientContact, ClientID: 9}, store.Scope{UserID: 6, ClientID: 9}},
		{"disabled admin sees nothing", domain.User{ID: 1, Role: domain.RoleFirmAdmin, Disabled: true}, store.Scope{UserID: -1, VendorID: -1, ClientID: -1}},
		{"disabled attorney sees nothing", domain.User{ID: 2, Role: domain.RoleAttorney, Disabled: true}, store.Scope{UserID: -1, VendorID: -1, ClientID: -1}},
		{"unknown role sees nothing", domain.User{ID: 8, Role: "partner"}, store.Scope{UserID: -1, VendorID: -1, ClientID: -1}},
		{"no role sees nothing", domain.User{ID: 8}, store.Scope{UserID: -1, VendorID: -1, ClientID: -1}},
		// Without its organisation a vendor or client user must not fall
		// through to the firm's view.
		{"vendor user without a vendor sees nothing", domain.User{ID: 4, Role: domain.RoleVendorManager}, store.Scope{UserID: -1, VendorID: -1, ClientID: -1}},
		{"client contact without a client sees nothing", domain.User{ID: 6, Role: domain.RoleClientContact}, store.Scope{UserID: -1, VendorID: -1, ClientID: -1}},
	}
	for _, tt := range tests {
		if got := app.ScopeFor(tt.u); got != tt.want {
			t.Errorf("%s: ScopeFor = %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

func TestCan(t *testing.T) {
	type row struct{ manageUsers, viewClients, viewVendors, viewFirmCounts bool }
	tests := []struct {
		u    domain.User
		want row
	}{
		{domain.User{Role: domain.RoleFirmAdmin}, row{true, true, true, true}},
		{domain.User{Role: domain.RoleAttorney}, row{false, true, true, true}},
		{domain.User{Role: domain.RoleStaff}, row{false, true, true, true}},
		{domain.User{Role: domain.RoleVendorManager, VendorID: 1}, row{false, false, true, false}},
		{domain.User{Role: domain.RoleVendorProfessional, VendorID: 1}, row{false, false, true, false}},
		{domain.User{Role: domain.RoleClientContact, ClientID: 1}, row{false, false, false, false}},
		{domain.User{Role: domain.RoleFirmAdmin, Disabled: true}, row{false, false, false, false}},
		{domain.User{Role: domain.RoleAttorney, Disabled: true}, row{false, false, false, false}},
		{domain.User{}, row{false, false, false, false}},
		{app.Operator, row{true, true, true, true}},
	}
	for _, tt := range tests {
		got := row{app.Can(tt.u, app.ManageUsers), app.Can(tt.u, app.ViewClients), app.Can(tt.u, app.ViewVendors), app.Can(tt.u, app.ViewFirmCounts)}
		if got != tt.want {
			t.Errorf("Can(%s, disabled=%v) = %+v, want %+v", tt.u.Role, tt.u.Disabled, got, tt.want)
		}
		if app.Can(tt.u, "launch_missiles") {
			t.Errorf("Can(%s) allows an unknown action", tt.u.Role)
		}
	}
}
