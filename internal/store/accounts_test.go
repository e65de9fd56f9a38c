package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// The compare-and-set statements behind single-use links and mail delivery:
// each succeeds once, and only under its conditions.

func TestOutboxClaims(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := testenv.OpenStore(t, e)
		m := store.OutboxMessage{To: "a@b.example", Subject: "Hello", Body: "line one\nline two — ünïcode", CreatedAt: t0}
		write(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.QueueMail(ctx, &m) })
		schedule := []time.Duration{0, 3 * time.Minute, time.Hour}
		due := func(now time.Time) []store.OutboxMessage {
			var out []store.OutboxMessage
			read(t, s, func(ctx context.Context, tx *store.Tx) (err error) {
				out, err = tx.DueMail(ctx, now, schedule, 10)
				return err
			})
			return out
		}
		if got := due(t0); len(got) != 1 || got[0].Body != m.Body || !got[0].CreatedAt.Equal(t0) || !got[0].SentAt.IsZero() {
			t.Fatalf("DueMail = %+v", got)
		}
		claim := func(attempts, slot int) bool {
			var ok bool
			write(t, s, func(ctx context.Context, tx *store.Tx) (err error) {
				ok, err = tx.ClaimMail(ctx, m.ID, attempts, slot)
				return err
			})
			return ok
		}
		if !claim(0, 0) || claim(0, 0) {
			t.Fatal("slot 0 was not claimed exactly once")
		}
		write(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.MarkMailFailed(ctx, m.ID, 1, "451 busy") })
		if got := due(t0.Add(2 * time.Minute)); len(got) != 0 {
			t.Errorf("due before its next slot: %+v", got)
		}
		if got := due(t0.Add(3 * time.Minute)); len(got) != 1 || got[0].Attempts != 1 || got[0].LastError != "451 busy" {
			t.Fatalf("at the next slot: %+v", got)
		}
		if !claim(1, 1) {
			t.Fatal("slot 1 not claimed")
		}
		write(t, s, func(ctx context.Context, tx *store.Tx) error {
			return tx.MarkMailSent(ctx, m.ID, 2, t0.Add(4*time.Minute))
		})
		if claim(2, 2) || len(due(t0.Add(48*time.Hour))) != 0 {
			t.Error("a sent message can still be claimed")
		}
		read(t, s, func(ctx context.Context, tx *store.Tx) error {
			got, err := tx.OutboxMessage(ctx, m.ID)
			if err != nil || !got.SentAt.Equal(t0.Add(4*time.Minute)) || got.LastError != "" {
				t.Errorf("OutboxMessage = %+v, %v", got, err)
			}
			if n, err := tx.CountMailTo(ctx, "a@b.example", "Hello", t0.Add(-time.Minute)); err != nil || n != 1 {
				t.Errorf("CountMailTo = %d, %v", n, err)
			}
			_, err = tx.OutboxMessage(ctx, m.ID+1)
			wantCode(t, err, domain.ENotFound, "OutboxMessage of nothing")
			return nil
		})
	})
}

func TestInvitationsAndResetsAreSingleUse(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := testenv.OpenStore(t, e)
		admin := mustCreateUser(t, s, domain.User{Email: "admin@firm.example", Name: "Admin", Role: domain.RoleFirmAdmin, TimeZone: "UTC"})
		inv := domain.Invitation{Email: "new@firm.example", Name: "New", Role: domain.RoleStaff, InvitedBy: admin.ID, CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}
		write(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.CreateInvitation(ctx, &inv, "hash-1") })
		newcomer := mustCreateUser(t, s, domain.User{Email: "new@firm.example", Name: "New", Role: domain.RoleStaff, TimeZone: "UTC"})
		accept := func(at time.Time) bool {
			var ok bool
			write(t, s, func(ctx context.Context, tx *store.Tx) (err error) {
				ok, err = tx.AcceptInvitation(ctx, inv.ID, newcomer.ID, at)
				return err
			})
			return ok
		}
		if accept(t0.Add(time.Hour)) {
			t.Error("accepted at its expiry")
		}
		if !accept(t0.Add(time.Minute)) || accept(t0.Add(2*time.Minute)) {
			t.Error("not accepted exactly once")
		}
		read(t, s, func(ctx context.Context, tx *store.Tx) error {
			got, err := tx.InvitationByTokenHash(ctx, "hash-1")
			if err != nil || got.InviterName != "Admin" || got.UserID != newcomer.ID || got.StateAt(t0.Add(time.Minute)) != domain.InvitationAccepted {
				t.Errorf("InvitationByTokenHash = %+v, %v", got, err)
			}
			return nil
		})
		write(t, s, func(ctx context.Context, tx *store.Tx) error {
			if ok, err := tx.RevokeInvitation(ctx, inv.ID, t0); ok || err != nil {
				t.Errorf("revoked an accepted invitation: %v %v", ok, err)
			}
			return nil
		})

		p := store.PasswordReset{TokenHash: "reset-1", UserID: newcomer.ID, CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}
		write(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.CreatePasswordReset(ctx, p) })
		use := func(hash string, at time.Time) bool {
			var ok bool
			write(t, s, func(ctx context.Context, tx *store.Tx) (err error) {
				ok, err = tx.UsePasswordReset(ctx, hash, at)
				return err
			})
			return ok
		}
		if use("reset-1", t0.Add(time.Hour)) || !use("reset-1", t0) || use("reset-1", t0) {
			t.Error("the reset was not used exactly once, before expiry")
		}
		write(t, s, func(ctx context.Context, tx *store.Tx) error {
			return tx.CreatePasswordReset(ctx, store.PasswordReset{TokenHash: "reset-2", UserID: newcomer.ID, CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)})
		})
		write(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.EndPasswordResets(ctx, newcomer.ID, t0) })
		if use("reset-2", t0) {
			t.Error("a voided reset was used")
		}

		for _, step := range []struct {
			disable, changed bool
		}{{true, true}, {true, false}, {false, true}, {false, false}} {
			write(t, s, func(ctx context.Context, tx *store.Tx) error {
				changed, err := tx.SetUserDisabled(ctx, newcomer.ID, step.disable, t0)
				if err != nil || changed != step.changed {
					t.Errorf("SetUserDisabled(%v) = %v, %v; want %v", step.disable, changed, err, step.changed)
				}
				u, err := tx.User(ctx, newcomer.ID)
				if err != nil || u.Disabled != step.disable {
					t.Errorf("after SetUserDisabled(%v): %+v, %v", step.disable, u, err)
				}
				return nil
			})
		}
	})
}
