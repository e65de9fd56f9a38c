package app_test

import (
	"bytes"
	"context"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/auth"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/mail"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/engine"
	"github.com/probity/probity/internal/testenv"
)

// outbox returns every queued message with its body, oldest first.
func outbox(tb testing.TB, f *fixture) []store.OutboxMessage {
	tb.Helper()
	ctx := context.Background()
	var out []store.OutboxMessage
	if err := f.a.Store.Read(ctx, func(tx *store.Tx) error {
		ms, err := tx.ListOutbox(ctx, store.OutboxFilter{Limit: store.MaxPageSize})
		for i := len(ms) - 1; i >= 0; i-- {
			out = append(out, ms[i])
		}
		return err
	}); err != nil {
		tb.Fatal(err)
	}
	return out
}

var tokenIn = regexp.MustCompile(`/(invitations|password/reset)/([A-Za-z0-9_-]{43})\b`)

// linkToken is the token of the one link of kind ("invitations" or
// "password/reset") in body.
func linkToken(tb testing.TB, body, kind string) string {
	tb.Helper()
	var found []string
	for _, m := range tokenIn.FindAllStringSubmatch(body, -1) {
		if m[1] == kind {
			found = append(found, m[2])
		}
	}
	if len(found) != 1 {
		tb.Fatalf("want exactly one /%s/ link in the email, found %d:\n%s", kind, len(found), body)
	}
	return found[0]
}

// lastMail is the newest message, which must be to `to`.
func lastMail(tb testing.TB, f *fixture, to string) store.OutboxMessage {
	tb.Helper()
	ms := outbox(tb, f)
	if len(ms) == 0 {
		tb.Fatalf("the outbox is empty; want a message to %s", to)
	}
	m := ms[len(ms)-1]
	if m.To != to {
		tb.Fatalf("the newest message is to %s, want %s", m.To, to)
	}
	return m
}

func auditActions(tb testing.TB, f *fixture) []string {
	tb.Helper()
	evs, err := f.a.AuditEvents(context.Background(), f.admin, store.AuditFilter{Limit: store.MaxPageSize})
	if err != nil {
		tb.Fatal(err)
	}
	var out []string
	for _, e := range evs {
		out = append(out, e.Action)
	}
	return out
}

func hasAction(actions []string, a string) bool {
	for _, x := range actions {
		if x == a {
			return true
		}
	}
	return false
}

func TestInvitationJourney(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		f := newFixture(t, e)
		inv, err := f.a.Invite(ctx, f.admin, app.NewInvitation{Email: " Sunita@Lexora.Example ", Name: "Sunita Rao", Role: domain.RoleVendorProfessional, VendorID: f.vendor.ID})
		if err != nil {
			t.Fatalf("Invite: %v", err)
		}
		if inv.Email != "sunita@lexora.example" || inv.InviterName != f.admin.Name || inv.VendorName != f.vendor.Name || !inv.ExpiresAt.Equal(t0.Add(7*24*time.Hour)) {
			t.Errorf("invitation = %+v", inv)
		}
		m := lastMail(t, f, "sunita@lexora.example")
		if !strings.Contains(m.Subject, f.admin.Name) || !strings.Contains(m.Subject, f.vendor.Name) {
			t.Errorf("subject %q does not say who invited them for which organisation", m.Subject)
		}
		token := linkToken(t, m.Body, "invitations")
		if f.count(t, "users WHERE email = 'sunita@lexora.example'") != 0 {
			t.Fatal("inviting created the account before acceptance")
		}
		// Only the token's hash is stored.
		var stored string
		if err := f.a.Store.DB().QueryRow(`SELECT token_hash FROM invitations WHERE id = $1`, inv.ID).Scan(&stored); err != nil || stored != auth.HashToken(token) {
			t.Errorf("stored token_hash %q (%v), want the SHA-256 of the emailed token", stored, err)
		}

		opened, firm, err := f.a.OpenInvitation(ctx, token)
		if err != nil || opened.ID != inv.ID || opened.InviterName != f.admin.Name || opened.VendorName != f.vendor.Name || firm.Name == "" {
			t.Fatalf("OpenInvitation = %+v, %+v, %v", opened, firm, err)
		}
		_, err = f.a.AcceptInvitation(ctx, token, app.Acceptance{Password: "too short"})
		wantCode(t, err, domain.EInvalid, "accept with a short password")
		_, err = f.a.AcceptInvitation(ctx, token, app.Acceptance{Password: goodPassword, TimeZone: "Mars/Olympus"})
		wantCode(t, err, domain.EInvalid, "accept with a bad time zone")
		if f.count(t, "users WHERE email = 'sunita@lexora.example'") != 0 {
			t.Fatal("a refused acceptance created the account")
		}

		u, err := f.a.AcceptInvitation(ctx, token, app.Acceptance{Password: goodPassword, TimeZone: "Asia/Kolkata"})
		if err != nil {
			t.Fatalf("AcceptInvitation: %v", err)
		}
		if u.Email != "sunita@lexora.example" || u.Role != domain.RoleVendorProfessional || u.VendorID != f.vendor.ID || u.TimeZone != "Asia/Kolkata" || u.Disabled {
			t.Errorf("account = %+v", u)
		}
		f.mustSignIn(t, "sunita@lexora.example", goodPassword, home)
		if !hasAction(auditActions(t, f), "invitation.accept") || !hasAction(auditActions(t, f), "invitation.create") {
			t.Errorf("audit trail lacks invitation.create or invitation.accept: %v", auditActions(t, f))
		}

		// Single use.
		_, _, err = f.a.OpenInvitation(ctx, token)
		wantCode(t, err, domain.EConflict, "open a used invitation")
		_, err = f.a.AcceptInvitation(ctx, token, app.Acceptance{Password: "another good password"})
		wantCode(t, err, domain.EConflict, "accept a used invitation")
		list, err := f.a.Invitations(ctx, f.admin, store.InvitationFilter{})
		if err != nil || len(list) != 1 || list[0].StateAt(f.clock.now) != domain.InvitationAccepted || list[0].UserID != u.ID {
			t.Errorf("Invitations = %+v, %v; want one accepted by %d", list, err, u.ID)
		}
	})
}

func TestInvitationRefusals(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		f := newFixture(t, e)
		invite := func(email string) (app.Invitation, string) {
			t.Helper()
			inv, err := f.a.Invite(ctx, f.admin, app.NewInvitation{Email: email, Name: "Invitee", Role: domain.RoleClientContact, ClientID: f.client.ID})
			if err != nil {
				t.Fatalf("Invite %s: %v", email, err)
			}
			return inv, linkToken(t, lastMail(t, f, email).Body, "invitations")
		}

		t.Run("malformed and unknown tokens", func(t *testing.T) {
			for _, tok := range []string{"", "abc", strings.Repeat("A", 42) + "!", strings.Repeat("A", 43), "../../etc/passwd"} {
				_, _, err := f.a.OpenInvitation(ctx, tok)
				wantCode(t, err, domain.ENotFound, "open "+tok)
				_, err = f.a.AcceptInvitation(ctx, tok, app.Acceptance{Password: goodPassword})
				wantCode(t, err, domain.ENotFound, "accept "+tok)
			}
		})

		t.Run("expired", func(t *testing.T) {
			_, token := invite("late@calloway.example")
			f.clock.Advance(7*24*time.Hour - time.Second)
			if _, _, err := f.a.OpenInvitation(ctx, token); err != nil {
				t.Fatalf("a second before expiry: %v", err)
			}
			f.clock.Advance(time.Second)
			_, _, err := f.a.OpenInvitation(ctx, token)
			wantCode(t, err, domain.EConflict, "open at expiry")
			if !strings.Contains(domain.ErrorMessage(err), "expired") {
				t.Errorf("message %q does not say it expired", domain.ErrorMessage(err))
			}
			_, err = f.a.AcceptInvitation(ctx, token, app.Acceptance{Password: goodPassword})
			wantCode(t, err, domain.EConflict, "accept after expiry")
			if f.count(t, "users WHERE email = 'late@calloway.example'") != 0 {
				t.Fatal("an expired invitation created an account")
			}
		})

		t.Run("revoked", func(t *testing.T) {
			inv, token := invite("withdrawn@calloway.example")
			if _, err := f.a.RevokeInvitation(ctx, f.staff, inv.ID); domain.ErrorCode(err) != domain.EForbidden {
				t.Errorf("staff revoking: %v, want forbidden", err)
			}
			got, err := f.a.RevokeInvitation(ctx, f.admin, inv.ID)
			if err != nil || got.StateAt(f.clock.now) != domain.InvitationRevoked {
				t.Fatalf("RevokeInvitation = %+v, %v", got, err)
			}
			_, err = f.a.AcceptInvitation(ctx, token, app.Acceptance{Password: goodPassword})
			wantCode(t, err, domain.EConflict, "accept a revoked invitation")
			_, err = f.a.RevokeInvitation(ctx, f.admin, inv.ID)
			wantCode(t, err, domain.EConflict, "revoke twice")
			if !hasAction(auditActions(t, f), "invitation.revoke") {
				t.Error("no invitation.revoke event")
			}
		})

		t.Run("a new invitation replaces the open one", func(t *testing.T) {
			_, first := invite("twice@calloway.example")
			_, second := invite("twice@calloway.example")
			_, err := f.a.AcceptInvitation(ctx, first, app.Acceptance{Password: goodPassword})
			wantCode(t, err, domain.EConflict, "accept the replaced invitation")
			if _, err := f.a.AcceptInvitation(ctx, second, app.Acceptance{Password: goodPassword}); err != nil {
				t.Fatalf("accept the newer invitation: %v", err)
			}
		})

		t.Run("an address with an account cannot be invited", func(t *testing.T) {
			before := len(outbox(t, f))
			_, err := f.a.Invite(ctx, f.admin, app.NewInvitation{Email: "Marcus@Firm.Example", Name: "Marcus again", Role: domain.RoleAttorney})
			wantCode(t, err, domain.EConflict, "invite an existing account")
			if domain.ErrorField(err) != "email" || !strings.Contains(domain.ErrorMessage(err), "already has an account") {
				t.Errorf("error %v should name the email field and say the account exists", err)
			}
			if len(outbox(t, f)) != before {
				t.Error("a refused invitation queued mail")
			}
		})

		t.Run("firm users may be invited; the rest is checked", func(t *testing.T) {
			if _, err := f.a.Invite(ctx, f.admin, app.NewInvitation{Email: "new.associate@firm.example", Name: "New Associate", Role: domain.RoleAttorney}); err != nil {
				t.Errorf("invite an attorney: %v", err)
			}
			_, err := f.a.Invite(ctx, f.admin, app.NewInvitation{Email: "v@lexora.example", Name: "V", Role: domain.RoleVendorManager})
			wantCode(t, err, domain.EInvalid, "vendor role without a vendor")
			_, err = f.a.Invite(ctx, f.admin, app.NewInvitation{Email: "v@lexora.example", Name: "V", Role: domain.RoleVendorManager, VendorID: 9999})
			wantCode(t, err, domain.EInvalid, "unknown vendor")
			_, err = f.a.Invite(ctx, f.staff, app.NewInvitation{Email: "v@lexora.example", Name: "V", Role: domain.RoleStaff})
			wantCode(t, err, domain.EForbidden, "staff inviting")
		})

		t.Run("the expiry is a firm setting", func(t *testing.T) {
			wantCode(t, f.a.SetInvitationExpiry(ctx, f.admin, 0), domain.EInvalid, "0 days")
			wantCode(t, f.a.SetInvitationExpiry(ctx, f.admin, 31), domain.EInvalid, "31 days")
			wantCode(t, f.a.SetInvitationExpiry(ctx, f.staff, 2), domain.EForbidden, "staff setting")
			if err := f.a.SetInvitationExpiry(ctx, f.admin, 2); err != nil {
				t.Fatal(err)
			}
			inv, _ := invite("soon@calloway.example")
			if want := f.clock.now.Add(48 * time.Hour); !inv.ExpiresAt.Equal(want) {
				t.Errorf("expires %v, want %v", inv.ExpiresAt, want)
			}
			if d, err := f.a.InvitationExpiry(ctx, f.admin); err != nil || d != 48*time.Hour {
				t.Errorf("InvitationExpiry = %v, %v", d, err)
			}
		})
	})
}

func TestPasswordReset(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		f := newFixture(t, e)
		request := func(email, address string) {
			t.Helper()
			if err := f.a.RequestPasswordReset(ctx, app.ResetRequest{Email: email, Address: address}); err != nil {
				t.Fatalf("RequestPasswordReset(%s): %v", email, err)
			}
		}

		t.Run("journey", func(t *testing.T) {
			old1 := f.mustSignIn(t, f.marcus.Email, goodPassword, home)
			old2 := f.mustSignIn(t, f.marcus.Email, goodPassword, "203.0.113.9")
			request("MARCUS@firm.example", home)
			m := lastMail(t, f, f.marcus.Email)
			if m.Subject != app.ResetSubject {
				t.Errorf("subject %q", m.Subject)
			}
			token := linkToken(t, m.Body, "password/reset")
			if u, err := f.a.OpenPasswordReset(ctx, token); err != nil || u.ID != f.marcus.ID {
				t.Fatalf("OpenPasswordReset = %+v, %v", u, err)
			}
			_, err := f.a.ResetPassword(ctx, token, "short")
			wantCode(t, err, domain.EInvalid, "short password")
			if !f.sessionExists(t, old1) {
				t.Fatal("a refused reset ended sessions")
			}
			if _, err := f.a.ResetPassword(ctx, token, "a brand new passphrase"); err != nil {
				t.Fatalf("ResetPassword: %v", err)
			}
			if f.sessionExists(t, old1) || f.sessionExists(t, old2) {
				t.Error("sessions survived the reset")
			}
			if _, err := f.a.Authenticate(ctx, old1); domain.ErrorCode(err) != domain.EUnauthorized {
				t.Errorf("old session after reset: %v", err)
			}
			if _, _, err := f.signIn(f.marcus.Email, goodPassword, home); err == nil {
				t.Error("the old password still works")
			}
			f.mustSignIn(t, f.marcus.Email, "a brand new passphrase", home)
			_, err = f.a.ResetPassword(ctx, token, "yet another passphrase")
			wantCode(t, err, domain.EConflict, "reuse a reset link")
			if n := lastMail(t, f, f.marcus.Email); n.Subject != "Your Probity password was changed" || tokenIn.MatchString(n.Body) {
				t.Errorf("after a reset the user should be told, without a link: %q\n%s", n.Subject, n.Body)
			}
			acts := auditActions(t, f)
			if !hasAction(acts, "password.reset_requested") || !hasAction(acts, "password.reset") {
				t.Errorf("audit lacks the reset events: %v", acts)
			}
		})

		t.Run("no enumeration", func(t *testing.T) {
			resetsBefore := f.count(t, "password_resets")
			before := len(outbox(t, f))
			request("nobody@nowhere.example", "198.51.100.7")
			ms := outbox(t, f)
			if len(ms) != before+1 {
				t.Fatalf("outbox grew by %d for an unknown address, want 1 (the same as for a known one)", len(ms)-before)
			}
			m := ms[len(ms)-1]
			if m.To != "nobody@nowhere.example" || m.Subject != app.ResetSubject || tokenIn.MatchString(m.Body) {
				t.Errorf("unknown address got %q to %s:\n%s", m.Subject, m.To, m.Body)
			}
			if f.count(t, "password_resets") != resetsBefore {
				t.Error("a reset was stored for an unknown address")
			}
			err := f.a.RequestPasswordReset(ctx, app.ResetRequest{Email: "not an email", Address: home})
			wantCode(t, err, domain.EInvalid, "malformed email")
		})

		t.Run("expiry", func(t *testing.T) {
			request(f.staff.Email, "198.51.100.8")
			token := linkToken(t, lastMail(t, f, f.staff.Email).Body, "password/reset")
			f.clock.Advance(time.Hour)
			_, err := f.a.OpenPasswordReset(ctx, token)
			wantCode(t, err, domain.EConflict, "open an expired link")
			_, err = f.a.ResetPassword(ctx, token, "a brand new passphrase")
			wantCode(t, err, domain.EConflict, "use an expired link")
			f.mustSignIn(t, f.staff.Email, goodPassword, home)
		})

		t.Run("malformed and unknown links", func(t *testing.T) {
			for _, tok := range []string{"", "x", strings.Repeat("B", 43)} {
				_, err := f.a.OpenPasswordReset(ctx, tok)
				wantCode(t, err, domain.ENotFound, "open "+tok)
				_, err = f.a.ResetPassword(ctx, tok, "a brand new passphrase")
				wantCode(t, err, domain.ENotFound, "use "+tok)
			}
		})

		t.Run("throttled per email, silently", func(t *testing.T) {
			f.clock.Advance(2 * time.Hour)
			for i := 0; i < 3; i++ {
				request(f.admin.Email, "198.51.100.20")
			}
			before := len(outbox(t, f))
			request(f.admin.Email, "198.51.100.21") // same answer, nothing sent
			if len(outbox(t, f)) != before {
				t.Error("a fourth request within the hour sent mail")
			}
			if !hasAction(auditActions(t, f), "password.reset_throttled") {
				t.Error("no password.reset_throttled event")
			}
			f.clock.Advance(time.Hour + time.Second)
			request(f.admin.Email, "198.51.100.21")
			if len(outbox(t, f)) != before+1 {
				t.Error("requests were still refused after the window")
			}
		})

		t.Run("throttled per client address", func(t *testing.T) {
			f.clock.Advance(2 * time.Hour)
			const addr = "192.0.2.99"
			for i := 0; i < 20; i++ {
				request("stranger"+string(rune('a'+i))+"@nowhere.example", addr)
			}
			before := len(outbox(t, f))
			request("one-more@nowhere.example", addr)
			if len(outbox(t, f)) != before {
				t.Error("the 21st request from one address within the hour sent mail")
			}
		})

		t.Run("disabled users get no reset", func(t *testing.T) {
			f.clock.Advance(2 * time.Hour)
			v := f.createUser(t, app.NewUser{Email: "leaver@firm.example", Name: "Leaver", Role: domain.RoleStaff, Password: goodPassword})
			request(v.Email, "198.51.100.30")
			token := linkToken(t, lastMail(t, f, v.Email).Body, "password/reset")
			if _, err := f.a.DisableUser(ctx, f.admin, v.ID); err != nil {
				t.Fatal(err)
			}
			_, err := f.a.ResetPassword(ctx, token, "a brand new passphrase")
			if code := domain.ErrorCode(err); code != domain.EForbidden && code != domain.EConflict {
				t.Errorf("reset of a disabled user: %v", err)
			}
			resets := f.count(t, "password_resets")
			request(v.Email, "198.51.100.30")
			if m := lastMail(t, f, v.Email); tokenIn.MatchString(m.Body) {
				t.Errorf("a disabled user was sent a reset link:\n%s", m.Body)
			}
			if f.count(t, "password_resets") != resets {
				t.Error("a reset was stored for a disabled user")
			}
		})
	})
}

func TestDisableUser(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		f := newFixture(t, e)
		session := f.mustSignIn(t, f.marcus.Email, goodPassword, home)
		secret, _, err := f.a.CreateToken(ctx, f.marcus, app.TokenRequest{Name: "export"})
		if err != nil {
			t.Fatalf("CreateToken: %v", err)
		}
		if _, _, err := f.a.AuthenticateToken(ctx, secret); err != nil {
			t.Fatalf("the token does not work before: %v", err)
		}

		_, err = f.a.DisableUser(ctx, f.staff, f.marcus.ID)
		wantCode(t, err, domain.EForbidden, "staff disabling")
		_, err = f.a.DisableUser(ctx, f.admin, f.admin.ID)
		wantCode(t, err, domain.EForbidden, "disable oneself")
		_, err = f.a.DisableUser(ctx, f.admin, 9999)
		wantCode(t, err, domain.ENotFound, "disable nobody")

		u, err := f.a.DisableUser(ctx, f.admin, f.marcus.ID)
		if err != nil || !u.Disabled {
			t.Fatalf("DisableUser = %+v, %v", u, err)
		}
		if f.sessionExists(t, session) {
			t.Error("the session survived")
		}
		if _, err := f.a.Authenticate(ctx, session); domain.ErrorCode(err) != domain.EUnauthorized {
			t.Errorf("Authenticate after disable: %v", err)
		}
		if _, _, err := f.a.AuthenticateToken(ctx, secret); err == nil {
			t.Error("the API token still works")
		}
		var revoked int64
		if err := f.a.Store.DB().QueryRow(`SELECT revoked_at FROM api_tokens WHERE user_id = $1`, f.marcus.ID).Scan(&revoked); err != nil || revoked == 0 {
			t.Errorf("api token revoked_at = %d (%v)", revoked, err)
		}
		if _, _, err := f.signIn(f.marcus.Email, goodPassword, home); err == nil {
			t.Error("a disabled user signed in")
		}
		_, err = f.a.DisableUser(ctx, f.admin, f.marcus.ID)
		wantCode(t, err, domain.EConflict, "disable twice")
		_, err = f.a.Invite(ctx, f.admin, app.NewInvitation{Email: f.marcus.Email, Name: "Marcus", Role: domain.RoleAttorney})
		wantCode(t, err, domain.EConflict, "invite a disabled user")
		if !hasAction(auditActions(t, f), "user.disable") {
			t.Error("no user.disable event")
		}

		if u, err := f.a.EnableUser(ctx, f.admin, f.marcus.ID); err != nil || u.Disabled {
			t.Fatalf("EnableUser = %+v, %v", u, err)
		}
		f.mustSignIn(t, f.marcus.Email, goodPassword, home)
		if _, _, err := f.a.AuthenticateToken(ctx, secret); err == nil {
			t.Error("enabling brought a revoked token back")
		}
	})
}

// recorder is a mail.Sender that keeps what it was asked to send.
type recorder struct {
	mu   sync.Mutex
	sent []string // recipients
	fail error
	slow time.Duration
}

func (r *recorder) Send(ctx context.Context, m mail.Message) error {
	if r.slow > 0 {
		time.Sleep(r.slow)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return r.fail
	}
	r.sent = append(r.sent, m.To)
	return nil
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.sent)
}

func TestDevelopmentOutboxLogsLinksOnlyWithoutDelivery(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		for _, delivery := range []bool{false, true} {
			f := newFixture(t, e)
			var logs bytes.Buffer
			f.a.Log = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			f.a.Config.Mail.Delivery = delivery
			f.a.Config.Mail.BaseURL = "https://probity.firm.example"
			if _, err := f.a.Invite(ctx, f.admin, app.NewInvitation{Email: "dev@lexora.example", Name: "Dev", Role: domain.RoleVendorManager, VendorID: f.vendor.ID}); err != nil {
				t.Fatal(err)
			}
			if err := f.a.RequestPasswordReset(ctx, app.ResetRequest{Email: f.marcus.Email, Address: home}); err != nil {
				t.Fatal(err)
			}
			ms := outbox(t, f)
			inviteToken := linkToken(t, ms[len(ms)-2].Body, "invitations")
			resetToken := linkToken(t, ms[len(ms)-1].Body, "password/reset")
			if !strings.Contains(ms[len(ms)-2].Body, "https://probity.firm.example/invitations/"+inviteToken) {
				t.Errorf("the link does not start with the base URL:\n%s", ms[len(ms)-2].Body)
			}
			if delivery {
				// Deliver too, so the sender's logging is covered.
				if _, err := f.a.DeliverMail(ctx, &recorder{}); err != nil {
					t.Fatal(err)
				}
			}
			out := logs.String()
			for _, tok := range []string{inviteToken, resetToken} {
				if got := strings.Contains(out, tok); got == delivery {
					t.Errorf("delivery=%v: token in the log = %v\n%s", delivery, got, out)
				}
			}
			if got := strings.Contains(out, "mail queued (development outbox)"); got == delivery {
				t.Errorf("delivery=%v: development-outbox line logged = %v", delivery, got)
			}
			// Administrators read the body; with delivery on, the links are hidden from them too.
			v, err := f.a.OutboxMessage(ctx, f.admin, ms[len(ms)-1].ID)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Contains(v.Body, resetToken); got == delivery {
				t.Errorf("delivery=%v: token shown to the administrator = %v\n%s", delivery, got, v.Body)
			}
			if _, err := f.a.OutboxMessage(ctx, f.staff, ms[0].ID); domain.ErrorCode(err) != domain.EForbidden {
				t.Errorf("staff reading the outbox: %v", err)
			}
			if !hasAction(auditActions(t, f), "outbox.view") {
				t.Error("reading a message body was not audited")
			}
		}
	})
}

func TestDeliverMailRetriesWithBackoff(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		f := newFixture(t, e)
		f.a.Config.Mail.Delivery = true
		if err := f.a.RequestPasswordReset(ctx, app.ResetRequest{Email: f.marcus.Email, Address: home}); err != nil {
			t.Fatal(err)
		}
		down := &recorder{fail: errString("451 4.3.0 mail server busy")}
		if n, err := f.a.DeliverMail(ctx, down); err != nil || n != 1 {
			t.Fatalf("DeliverMail = %d, %v", n, err)
		}
		m := lastMail(t, f, f.marcus.Email)
		if m.Attempts != 1 || !m.SentAt.IsZero() || !strings.Contains(m.LastError, "busy") {
			t.Fatalf("after a failure: %+v", m)
		}
		// Not due again until the next slot.
		f.clock.Advance(2 * time.Minute)
		if n, _ := f.a.DeliverMail(ctx, down); n != 0 {
			t.Errorf("retried after 2 minutes; the next slot is at 3")
		}
		f.clock.Advance(time.Minute)
		up := &recorder{}
		if n, err := f.a.DeliverMail(ctx, up); err != nil || n != 1 || up.count() != 1 {
			t.Fatalf("DeliverMail at the next slot = %d, %v (sent %d)", n, err, up.count())
		}
		m = lastMail(t, f, f.marcus.Email)
		if m.Attempts != 2 || m.SentAt.IsZero() || m.LastError != "" {
			t.Errorf("after delivery: %+v", m)
		}
		f.clock.Advance(48 * time.Hour)
		if n, _ := f.a.DeliverMail(ctx, up); n != 0 || up.count() != 1 {
			t.Error("a sent message was sent again")
		}

		// A message whose every slot fails is given up, and says so.
		if err := f.a.RequestPasswordReset(ctx, app.ResetRequest{Email: f.staff.Email, Address: home}); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 40; i++ {
			if _, err := f.a.DeliverMail(ctx, down); err != nil {
				t.Fatal(err)
			}
			f.clock.Advance(time.Hour)
		}
		m = lastMail(t, f, f.staff.Email)
		views, err := f.a.Outbox(ctx, f.admin, store.OutboxFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if m.Attempts > len(f.a.Config.Mail.Schedule) || !views[0].GivenUp || views[0].Status(true) != "Failed" || views[0].Body != "" {
			t.Errorf("after every slot failed: attempts %d, view %+v", m.Attempts, views[0])
		}
	})
}

func TestOutboxIsNotDoubleSentByTwoServers(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		dbURL, dir := e.URL(t)
		open := func() *store.Store {
			s, err := engine.Open(ctx, dbURL, dir)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = s.Close() })
			return s
		}
		s1 := open()
		if _, err := s1.Migrate(ctx, t0); err != nil {
			t.Fatal(err)
		}
		s2 := open()
		const n = 30
		if err := s1.Write(ctx, func(tx *store.Tx) error {
			for i := 0; i < n; i++ {
				m := store.OutboxMessage{To: "x" + string(rune('a'+i%26)) + "@example.com", Subject: "s", Body: "b", CreatedAt: t0}
				if err := tx.QueueMail(ctx, &m); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		cfg := testConfig()
		cfg.Mail.Delivery = true
		cfg.Mail.Batch = n
		var servers []*app.App
		for _, s := range []*store.Store{s1, s2, s1, s2} {
			a := app.New(s, cfg, slog.New(slog.DiscardHandler))
			a.Now = func() time.Time { return t0.Add(time.Second) }
			servers = append(servers, a)
		}
		// Each server sends through its own sender; every message must go
		// out through exactly one of them.
		senders := make([]*recorder, len(servers))
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i, a := range servers {
			senders[i] = &recorder{slow: time.Millisecond}
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				for k := 0; k < 3; k++ {
					if _, err := a.DeliverMail(ctx, senders[i]); err != nil {
						t.Errorf("server %d: %v", i, err)
						return
					}
				}
			}()
		}
		close(start)
		wg.Wait()
		total := 0
		for _, r := range senders {
			total += r.count()
		}
		if total != n {
			t.Errorf("%d sends for %d messages", total, n)
		}
		var unsent int
		if err := s1.DB().QueryRow(`SELECT COUNT(*) FROM outbox WHERE sent_at = 0`).Scan(&unsent); err != nil || unsent != 0 {
			t.Errorf("%d unsent (%v)", unsent, err)
		}
	})
}

type errString string

func (e errString) Error() string { return string(e) }
