package app_test

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/auth"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// codeAt is what an authenticator app holding secret shows at t.
func codeAt(tb testing.TB, secret string, t time.Time) string {
	tb.Helper()
	c, err := totp.GenerateCode(secret, t)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// step returns the session's step, failing the test if it cannot be read.
func (f *fixture) step(tb testing.TB, token string) domain.SignInStep {
	tb.Helper()
	s, err := f.a.ResolveSession(context.Background(), token)
	if err != nil {
		tb.Fatalf("ResolveSession: %v", err)
	}
	return s.Step
}

// enrol sets up an authenticator for the user of token and returns its secret
// and recovery codes.
func (f *fixture) enrol(tb testing.TB, token string) (string, []string) {
	tb.Helper()
	ctx := context.Background()
	e, err := f.a.BeginEnrolment(ctx, token)
	if err != nil {
		tb.Fatalf("BeginEnrolment: %v", err)
	}
	codes, err := f.a.ConfirmEnrolment(ctx, token, codeAt(tb, e.Secret, f.clock.Now()))
	if err != nil {
		tb.Fatalf("ConfirmEnrolment: %v", err)
	}
	f.clock.Advance(30 * time.Second) // the enrolment code's step is spent
	return e.Secret, codes
}

func (f *fixture) audits(tb testing.TB, action string) int {
	tb.Helper()
	evs, err := f.a.AuditEvents(context.Background(), app.Operator, store.AuditFilter{Action: action, Limit: store.MaxPageSize})
	if err != nil {
		tb.Fatal(err)
	}
	return len(evs)
}

var recoveryForm = regexp.MustCompile(`^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$`)

func TestEnrolment(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		f := newFixture(t, e)
		token := f.mustSignIn(t, "marcus@firm.example", goodPassword, home)
		if st := f.step(t, token); st != domain.StepNone {
			t.Fatalf("an attorney without an authenticator owes %q, want nothing (not required of attorneys)", st)
		}

		en, err := f.a.BeginEnrolment(ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		if !auth.ValidTOTPSecret(en.Secret) || len(en.Secret) != 32 {
			t.Errorf("secret %q is not 160 bits of base32", en.Secret)
		}
		if !strings.HasPrefix(en.URI, "otpauth://totp/Probity:marcus@firm.example?") || !strings.Contains(en.URI, "secret="+en.Secret) ||
			!strings.Contains(en.URI, "period=30") || !strings.Contains(en.URI, "digits=6") || !strings.Contains(en.URI, "algorithm=SHA1") {
			t.Errorf("URI %q", en.URI)
		}
		if len(en.QRCode) < 100 || string(en.QRCode[1:4]) != "PNG" {
			t.Errorf("QR code is not a PNG (%d bytes)", len(en.QRCode))
		}
		again, err := f.a.BeginEnrolment(ctx, token)
		if err != nil || again.Secret != en.Secret {
			t.Errorf("reloading the set-up page changed the key: %v", err)
		}
		if st, _ := f.a.MFAStatus(ctx, f.marcus); st.Enabled || !st.Enrolling {
			t.Errorf("status before confirming = %+v, want enrolling only", st)
		}

		t.Run("malformed codes are refused and change nothing", func(t *testing.T) {
			fails := f.audits(t, "mfa.enrol_failed")
			for _, bad := range []string{"", "   ", "abcdef", "12345", "1234567", "12 34 5", strings.Repeat("9", 5000), "12345\x00", "１２３４５６"} {
				_, err := f.a.ConfirmEnrolment(ctx, token, bad)
				wantCode(t, err, domain.EInvalid, "ConfirmEnrolment("+bad[:min(len(bad), 12)]+")")
				if domain.ErrorField(err) != "code" || domain.ErrorMessage(err) == "" {
					t.Errorf("%q: field %q message %q", bad, domain.ErrorField(err), domain.ErrorMessage(err))
				}
			}
			if n := f.audits(t, "mfa.enrol_failed"); n != fails {
				t.Errorf("malformed codes were counted as attempts: %d audit events", n-fails)
			}
			if st, _ := f.a.MFAStatus(ctx, f.marcus); st.Enabled {
				t.Errorf("a malformed code turned MFA on")
			}
		})

		t.Run("a wrong code does not turn it on", func(t *testing.T) {
			wrong := codeAt(t, en.Secret, f.clock.Now().Add(-10*time.Minute))
			_, err := f.a.ConfirmEnrolment(ctx, token, wrong)
			wantCode(t, err, domain.EInvalid, "ConfirmEnrolment(wrong)")
			if st, _ := f.a.MFAStatus(ctx, f.marcus); st.Enabled {
				t.Errorf("a wrong code turned MFA on")
			}
			if f.audits(t, "mfa.enrol_failed") != 1 {
				t.Errorf("the wrong code is not audited")
			}
		})

		codes, err := f.a.ConfirmEnrolment(ctx, token, codeAt(t, en.Secret, f.clock.Now()))
		if err != nil {
			t.Fatalf("ConfirmEnrolment: %v", err)
		}
		if len(codes) != 10 {
			t.Fatalf("%d recovery codes, want 10", len(codes))
		}
		for _, c := range codes {
			if !recoveryForm.MatchString(c) {
				t.Errorf("recovery code %q is not like xxxx-xxxx-xxxx", c)
			}
		}
		if distinct := slices.Compact(slices.Sorted(slices.Values(codes))); len(distinct) != 10 {
			t.Errorf("recovery codes repeat: %v", codes)
		}
		// Stored only as hashes.
		var stored []string
		rows, err := f.a.Store.DB().Query(`SELECT code_hash FROM recovery_codes WHERE user_id = $1`, f.marcus.ID)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var h string
			_ = rows.Scan(&h)
			stored = append(stored, h)
		}
		rows.Close()
		if len(stored) != 10 {
			t.Fatalf("%d stored recovery codes", len(stored))
		}
		for _, h := range stored {
			for _, c := range codes {
				if strings.Contains(h, strings.ReplaceAll(c, "-", "")) || strings.Contains(h, c) {
					t.Errorf("recovery code %s stored in the clear", c)
				}
			}
			if len(h) != 64 {
				t.Errorf("stored recovery code %q is not a SHA-256 hex digest", h)
			}
		}
		s, _ := f.a.ResolveSession(ctx, token)
		if !s.MFA() {
			t.Errorf("confirming the set-up did not count the session as having passed its second factor")
		}
		if _, err := f.a.BeginEnrolment(ctx, token); domain.ErrorCode(err) != domain.EConflict {
			t.Errorf("BeginEnrolment when already on: %v, want conflict", err)
		}
		if f.audits(t, "mfa.enrol") != 1 {
			t.Errorf("enrolment not audited")
		}
		// No secret or code ever reaches the audit trail.
		evs, err := f.a.AuditEvents(ctx, app.Operator, store.AuditFilter{Limit: store.MaxPageSize})
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range evs {
			for _, secret := range append([]string{en.Secret}, codes...) {
				if strings.Contains(ev.Summary, secret) {
					t.Errorf("audit event %s carries a secret: %s", ev.Action, ev.Summary)
				}
			}
		}
	})
}

func TestSecondFactorSignIn(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		f := newFixture(t, e)
		first := f.mustSignIn(t, "marcus@firm.example", goodPassword, home)
		secret, recovery := f.enrol(t, first)

		signIn := func(t *testing.T) string {
			t.Helper()
			res, err := f.a.StartSignIn(ctx, app.SignInRequest{Email: "marcus@firm.example", Password: goodPassword, Address: home})
			if err != nil {
				t.Fatal(err)
			}
			if res.Step != domain.StepCode {
				t.Fatalf("sign-in with an authenticator owes %q, want a code", res.Step)
			}
			return res.Token
		}

		t.Run("a pending session is not signed in until the code", func(t *testing.T) {
			token := signIn(t)
			_, err := f.a.Authenticate(ctx, token)
			wantCode(t, err, domain.EUnauthorized, "Authenticate(pending)")
			u, err := f.a.VerifySecondFactor(ctx, token, codeAt(t, secret, f.clock.Now()))
			if err != nil || u.ID != f.marcus.ID {
				t.Fatalf("VerifySecondFactor = %+v, %v", u, err)
			}
			if got, err := f.a.Authenticate(ctx, token); err != nil || got.ID != f.marcus.ID {
				t.Fatalf("Authenticate after the code = %+v, %v", got, err)
			}
			if s, _ := f.a.ResolveSession(ctx, token); !s.MFA() || s.Step != domain.StepNone {
				t.Errorf("session after the code: %+v", s)
			}
		})

		t.Run("a code works once", func(t *testing.T) {
			f.clock.Advance(30 * time.Second)
			code := codeAt(t, secret, f.clock.Now())
			a, b := signIn(t), signIn(t)
			if _, err := f.a.VerifySecondFactor(ctx, a, code); err != nil {
				t.Fatal(err)
			}
			_, err := f.a.VerifySecondFactor(ctx, b, code)
			wantCode(t, err, domain.EUnauthorized, "the same code again")
			// Nor does the code of the step before (still within the skew).
			_, err = f.a.VerifySecondFactor(ctx, b, codeAt(t, secret, f.clock.Now().Add(-30*time.Second)))
			wantCode(t, err, domain.EUnauthorized, "an older code")
			// The next step's code (one step of skew) works.
			if _, err := f.a.VerifySecondFactor(ctx, b, codeAt(t, secret, f.clock.Now().Add(30*time.Second))); err != nil {
				t.Fatalf("the next step's code: %v", err)
			}
			// Two steps ahead is outside the skew.
			c := signIn(t)
			_, err = f.a.VerifySecondFactor(ctx, c, codeAt(t, secret, f.clock.Now().Add(90*time.Second)))
			wantCode(t, err, domain.EUnauthorized, "a code two steps ahead")
			if n := f.audits(t, "auth.mfa_failed"); n != 3 {
				t.Errorf("%d auth.mfa_failed events, want 3", n)
			}
			f.clock.Advance(time.Hour) // past the throttle window
		})

		t.Run("a session owing its code ends after half an hour", func(t *testing.T) {
			token := signIn(t)
			f.clock.Advance(29 * time.Minute)
			if st := f.step(t, token); st != domain.StepCode {
				t.Fatalf("step %q", st)
			}
			f.clock.Advance(time.Minute)
			_, err := f.a.ResolveSession(ctx, token)
			wantCode(t, err, domain.EUnauthorized, "a pending session after 30 minutes")
			_, err = f.a.VerifySecondFactor(ctx, token, codeAt(t, secret, f.clock.Now()))
			wantCode(t, err, domain.EUnauthorized, "a code for an ended session")
			f.clock.Advance(30 * time.Second)
		})

		t.Run("malformed codes are refused and change nothing", func(t *testing.T) {
			token := signIn(t)
			before := f.audits(t, "auth.mfa_failed")
			for _, bad := range []string{"", "abcdef", "1234567", "12345", strings.Repeat("7", 100000), "abcd-efgh", "abcd-efgh-jkmn-pqrs", "12-34-56", "ab1d-efgh-jkmn"} {
				_, err := f.a.VerifySecondFactor(ctx, token, bad)
				wantCode(t, err, domain.EInvalid, "VerifySecondFactor(malformed)")
				if domain.ErrorField(err) != "code" {
					t.Errorf("%.20q: field %q", bad, domain.ErrorField(err))
				}
			}
			if n := f.audits(t, "auth.mfa_failed"); n != before {
				t.Errorf("malformed codes were counted: %d", n-before)
			}
			if st := f.step(t, token); st != domain.StepCode {
				t.Errorf("a malformed code changed the session to %q", st)
			}
		})

		t.Run("wrong codes are throttled", func(t *testing.T) {
			token := signIn(t)
			wrong := codeAt(t, secret, f.clock.Now().Add(-time.Hour))
			for i := range f.a.Config.MaxFailsMFA {
				_, err := f.a.VerifySecondFactor(ctx, token, wrong)
				wantCode(t, err, domain.EUnauthorized, "wrong code "+string(rune('1'+i)))
			}
			_, err := f.a.VerifySecondFactor(ctx, token, codeAt(t, secret, f.clock.Now()))
			wantCode(t, err, domain.ETooMany, "the right code after five wrong ones")
			_, err = f.a.VerifySecondFactor(ctx, token, recovery[0])
			wantCode(t, err, domain.ETooMany, "a recovery code after five wrong ones")
			if f.audits(t, "auth.mfa_throttled") != 2 {
				t.Errorf("throttled attempts not audited")
			}
			if st := f.step(t, token); st != domain.StepCode {
				t.Errorf("a throttled attempt changed the session to %q", st)
			}
			f.clock.Advance(f.a.Config.ThrottleWindow + time.Second)
			if _, err := f.a.VerifySecondFactor(ctx, token, codeAt(t, secret, f.clock.Now())); err != nil {
				t.Fatalf("after the window: %v", err)
			}
		})

		t.Run("a recovery code works once", func(t *testing.T) {
			a, b := signIn(t), signIn(t)
			typed := strings.ToUpper(strings.ReplaceAll(recovery[1], "-", " "))
			if _, err := f.a.VerifySecondFactor(ctx, a, typed); err != nil {
				t.Fatalf("recovery code %q: %v", typed, err)
			}
			_, err := f.a.VerifySecondFactor(ctx, b, recovery[1])
			wantCode(t, err, domain.EUnauthorized, "the same recovery code again")
			if st, _ := f.a.MFAStatus(ctx, f.marcus); st.RecoveryLeft != 9 {
				t.Errorf("%d recovery codes left, want 9", st.RecoveryLeft)
			}
			f.clock.Advance(time.Hour)
		})

		t.Run("new recovery codes replace the old", func(t *testing.T) {
			token := signIn(t)
			f.clock.Advance(30 * time.Second)
			if _, err := f.a.VerifySecondFactor(ctx, token, codeAt(t, secret, f.clock.Now())); err != nil {
				t.Fatal(err)
			}
			f.clock.Advance(30 * time.Second)
			fresh, err := f.a.RenewRecoveryCodes(ctx, token, codeAt(t, secret, f.clock.Now()))
			if err != nil || len(fresh) != 10 {
				t.Fatalf("RenewRecoveryCodes = %d codes, %v", len(fresh), err)
			}
			other := signIn(t)
			_, err = f.a.VerifySecondFactor(ctx, other, recovery[2])
			wantCode(t, err, domain.EUnauthorized, "an old recovery code")
			if _, err := f.a.VerifySecondFactor(ctx, other, fresh[0]); err != nil {
				t.Errorf("a new recovery code: %v", err)
			}
			f.clock.Advance(time.Hour)
		})

		t.Run("resetting your own needs a code", func(t *testing.T) {
			token := signIn(t)
			f.clock.Advance(30 * time.Second)
			if _, err := f.a.VerifySecondFactor(ctx, token, codeAt(t, secret, f.clock.Now())); err != nil {
				t.Fatal(err)
			}
			err := f.a.ResetOwnMFA(ctx, token, "000000")
			wantCode(t, err, domain.EUnauthorized, "ResetOwnMFA(wrong)")
			f.clock.Advance(30 * time.Second)
			if err := f.a.ResetOwnMFA(ctx, token, codeAt(t, secret, f.clock.Now())); err != nil {
				t.Fatal(err)
			}
			if st, _ := f.a.MFAStatus(ctx, f.marcus); st.Enabled || st.RecoveryLeft != 0 {
				t.Errorf("after the reset: %+v", st)
			}
			if st := f.step(t, f.mustSignIn(t, "marcus@firm.example", goodPassword, home)); st != domain.StepNone {
				t.Errorf("after the reset sign-in owes %q", st)
			}
		})
	})
}

func TestMFAPolicy(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		f := newFixture(t, e)

		p, err := f.a.MFAPolicy(ctx)
		if err != nil || !slices.Equal(p.RequiredRoles, domain.DefaultMFAPolicy().RequiredRoles) || !p.HighlyConfidential {
			t.Fatalf("default policy = %+v, %v", p, err)
		}

		// A firm administrator must set up a second factor before anything else.
		token := f.mustSignIn(t, "eleanor@firm.example", goodPassword, home)
		if st := f.step(t, token); st != domain.StepEnrol {
			t.Fatalf("an administrator without an authenticator owes %q, want set-up", st)
		}
		_, err = f.a.Authenticate(ctx, token)
		wantCode(t, err, domain.EUnauthorized, "Authenticate before set-up")
		_, err = f.a.VerifySecondFactor(ctx, token, "123456")
		wantCode(t, err, domain.EConflict, "a code with nothing set up")
		f.enrol(t, token)
		if st := f.step(t, token); st != domain.StepNone {
			t.Fatalf("after set-up the session owes %q", st)
		}

		t.Run("only administrators change it, with valid roles", func(t *testing.T) {
			err := f.a.SetMFAPolicy(ctx, f.marcus, domain.MFAPolicy{})
			wantCode(t, err, domain.EForbidden, "SetMFAPolicy by an attorney")
			err = f.a.SetMFAPolicy(ctx, f.admin, domain.MFAPolicy{RequiredRoles: []domain.Role{"janitor"}})
			wantCode(t, err, domain.EInvalid, "SetMFAPolicy with a bad role")
			if p, _ := f.a.MFAPolicy(ctx); !p.Requires(domain.RoleFirmAdmin) {
				t.Errorf("a refused change changed the policy: %+v", p)
			}
		})

		t.Run("requiring attorneys sends them to set-up; dropping staff does not", func(t *testing.T) {
			before := f.audits(t, "settings.mfa_policy")
			if err := f.a.SetMFAPolicy(ctx, f.admin, domain.MFAPolicy{RequiredRoles: []domain.Role{domain.RoleAttorney}, HighlyConfidential: false}); err != nil {
				t.Fatal(err)
			}
			p, _ := f.a.MFAPolicy(ctx)
			if !slices.Equal(p.RequiredRoles, []domain.Role{domain.RoleAttorney}) || p.HighlyConfidential {
				t.Errorf("saved policy = %+v", p)
			}
			if f.audits(t, "settings.mfa_policy") != before+1 {
				t.Errorf("the change is not audited")
			}
			if st := f.step(t, f.mustSignIn(t, "marcus@firm.example", goodPassword, home)); st != domain.StepEnrol {
				t.Errorf("attorney owes %q, want set-up", st)
			}
			if st := f.step(t, f.mustSignIn(t, "daniel@firm.example", goodPassword, home)); st != domain.StepNone {
				t.Errorf("staff owes %q, want nothing", st)
			}
			// No role at all is a valid policy.
			if err := f.a.SetMFAPolicy(ctx, f.admin, domain.MFAPolicy{}); err != nil {
				t.Fatal(err)
			}
			if p, _ := f.a.MFAPolicy(ctx); len(p.RequiredRoles) != 0 || p.HighlyConfidential {
				t.Errorf("empty policy read back as %+v", p)
			}
		})
	})
}

func TestAdminResetsMFA(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		f := newFixture(t, e)
		adminToken := f.mustSignIn(t, "eleanor@firm.example", goodPassword, home)
		f.enrol(t, adminToken)
		marcus := f.mustSignIn(t, "marcus@firm.example", goodPassword, home)
		f.enrol(t, marcus)
		other := f.mustSignIn(t, "marcus@firm.example", goodPassword, "192.0.2.9")

		err := f.a.ResetMFA(ctx, f.staff, f.marcus.ID)
		wantCode(t, err, domain.EForbidden, "ResetMFA by staff")
		err = f.a.ResetMFA(ctx, f.admin, f.admin.ID)
		wantCode(t, err, domain.EForbidden, "ResetMFA of oneself")
		err = f.a.ResetMFA(ctx, f.admin, 987654)
		wantCode(t, err, domain.ENotFound, "ResetMFA of nobody")
		if !f.sessionExists(t, marcus) {
			t.Fatal("a refused reset ended sessions")
		}

		if err := f.a.ResetMFA(ctx, f.admin, f.marcus.ID); err != nil {
			t.Fatal(err)
		}
		for _, tok := range []string{marcus, other} {
			if f.sessionExists(t, tok) {
				t.Errorf("a session of Marcus survived the reset")
			}
		}
		if st, _ := f.a.MFAStatus(ctx, f.marcus); st.Enabled || st.RecoveryLeft != 0 || st.Enrolling {
			t.Errorf("after the reset: %+v", st)
		}
		if !f.sessionExists(t, adminToken) {
			t.Errorf("the administrator's own session ended")
		}
		evs, err := f.a.AuditEvents(ctx, app.Operator, store.AuditFilter{Action: "mfa.reset", Limit: 10})
		if err != nil || len(evs) != 1 || evs[0].ActorID != f.admin.ID || evs[0].ObjectID != f.marcus.ID {
			t.Errorf("mfa.reset audit = %+v, %v", evs, err)
		}
		// The operator (command line) may reset anyone, by email.
		if err := f.a.ResetMFAByEmail(ctx, app.Operator, "Eleanor@Firm.example"); err != nil {
			t.Fatal(err)
		}
		if f.sessionExists(t, adminToken) {
			t.Errorf("the operator's reset left the administrator's session")
		}
	})
}

func TestSessionsScreen(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		f := newFixture(t, e)
		mine := f.mustSignIn(t, "marcus@firm.example", goodPassword, home)
		f.clock.Advance(time.Minute)
		laptop := f.mustSignIn(t, "marcus@firm.example", goodPassword, "192.0.2.44")
		cur, _ := f.a.ResolveSession(ctx, mine)

		ss, err := f.a.Sessions(ctx, f.marcus, f.marcus.ID, cur.Handle)
		if err != nil || len(ss) != 2 {
			t.Fatalf("Sessions = %+v, %v", ss, err)
		}
		var current, lap domain.Session
		for _, s := range ss {
			if !domain.ValidSessionHandle(s.Handle) {
				t.Errorf("handle %q", s.Handle)
			}
			if s.Current {
				current = s
			} else {
				lap = s
			}
		}
		if current.Handle != cur.Handle || lap.Address != "192.0.2.44" || lap.Method != domain.MethodPassword || lap.UserAgent != "test-agent" || lap.MFA() {
			t.Errorf("sessions: current %+v, other %+v", current, lap)
		}
		if strings.HasPrefix(auth.HashToken(laptop), lap.Handle) == false {
			t.Errorf("handle %s is not the start of the token's hash", lap.Handle)
		}

		_, err = f.a.Sessions(ctx, f.staff, f.marcus.ID, "")
		wantCode(t, err, domain.EForbidden, "Sessions of someone else, by staff")
		err = f.a.EndSession(ctx, f.staff, f.marcus.ID, lap.Handle)
		wantCode(t, err, domain.EForbidden, "EndSession of someone else, by staff")
		for _, bad := range []string{"", "xyz", strings.Repeat("g", 16), strings.ToUpper(lap.Handle), lap.Handle + "0"} {
			err = f.a.EndSession(ctx, f.marcus, f.marcus.ID, bad)
			wantCode(t, err, domain.EInvalid, "EndSession("+bad+")")
		}
		err = f.a.EndSession(ctx, f.marcus, f.marcus.ID, "0000000000000000")
		wantCode(t, err, domain.ENotFound, "EndSession of an unknown handle")
		// Daniel cannot end Marcus's session by naming it as his own.
		err = f.a.EndSession(ctx, f.staff, f.staff.ID, lap.Handle)
		wantCode(t, err, domain.ENotFound, "EndSession of someone else's handle as one's own")
		if !f.sessionExists(t, laptop) {
			t.Fatal("a refused EndSession ended the session")
		}

		if err := f.a.EndSession(ctx, f.marcus, f.marcus.ID, lap.Handle); err != nil {
			t.Fatal(err)
		}
		_, err = f.a.Authenticate(ctx, laptop)
		wantCode(t, err, domain.EUnauthorized, "the ended session")
		if _, err := f.a.Authenticate(ctx, mine); err != nil {
			t.Errorf("the other session ended too: %v", err)
		}
		// An administrator sees and ends anyone's.
		ss, err = f.a.Sessions(ctx, f.admin, f.marcus.ID, "")
		if err != nil || len(ss) != 1 || ss[0].Current {
			t.Fatalf("admin's view = %+v, %v", ss, err)
		}
		if err := f.a.EndSession(ctx, f.admin, f.marcus.ID, ss[0].Handle); err != nil {
			t.Fatal(err)
		}
		if f.sessionExists(t, mine) {
			t.Errorf("the administrator did not end the session")
		}
		if n := f.audits(t, "session.end"); n != 2 {
			t.Errorf("%d session.end events, want 2", n)
		}
	})
}

func TestHighlyConfidentialNeedsSecondFactor(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		a, p, m := demoApp(t, e)
		marcus := p["marcus.oyelaran@hartwellcrane.example"]
		priya := p["priya.raman@hartwellcrane.example"]
		maria := p["maria.santos@bayanihan.example"]
		eleanor := p["eleanor.hartwell@hartwellcrane.example"]
		ardent, calloway := m["2026-0177"], m["2026-0142"]
		withMFA := app.WithMeta(ctx, app.Meta{MFA: true})
		es, err := a.Engagements(ctx, app.Operator, store.EngagementFilter{MatterID: ardent, VendorID: maria.VendorID})
		if err != nil || len(es) != 1 {
			t.Fatalf("Bayanihan's engagements on Ardent: %v, %v", es, err)
		}
		eng := es[0].ID

		_, err = a.Matter(ctx, marcus, ardent)
		if !errors.Is(err, app.ErrSecondFactorRequired) || domain.ErrorCode(err) != domain.EForbidden ||
			!strings.Contains(domain.ErrorMessage(err), "highly confidential") {
			t.Fatalf("Marcus opening Ardent without a second factor: %v", err)
		}
		_, err = a.Engagement(ctx, maria, eng)
		if !errors.Is(err, app.ErrSecondFactorRequired) {
			t.Fatalf("Maria opening Ardent's engagement without a second factor: %v", err)
		}
		// Out of scope stays not-found: the gate says nothing about what one cannot see.
		_, err = a.Matter(ctx, priya, ardent)
		wantCode(t, err, domain.ENotFound, "Priya (screened) opening Ardent")
		// Other matters need nothing.
		if _, err := a.Matter(ctx, marcus, calloway); err != nil {
			t.Fatalf("Calloway (confidential) without a second factor: %v", err)
		}
		// With a second factor they open.
		if v, err := a.Matter(withMFA, marcus, ardent); err != nil || v.Matter.ID != ardent {
			t.Fatalf("Marcus with a second factor: %v", err)
		}
		if _, err := a.Engagement(withMFA, maria, eng); err != nil {
			t.Fatalf("Maria with a second factor: %v", err)
		}
		// The listing still shows the matter (its name is not the secret).
		ms, err := a.Matters(ctx, marcus, store.MatterFilter{})
		if err != nil || !slices.ContainsFunc(ms, func(s store.MatterSummary) bool { return s.ID == ardent }) {
			t.Errorf("Ardent missing from Marcus's list: %v", err)
		}
		// The firm may turn the gate off.
		if err := a.SetMFAPolicy(ctx, eleanor, domain.MFAPolicy{RequiredRoles: domain.DefaultMFAPolicy().RequiredRoles}); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Matter(ctx, marcus, ardent); err != nil {
			t.Fatalf("with the gate off: %v", err)
		}
	})
}
