package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

func TestSecondFactorStorage(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := testenv.OpenStore(t, e)
		u := mustCreateUser(t, s, domain.User{Email: "eleanor@firm.example", Name: "Eleanor", Role: domain.RoleFirmAdmin})
		other := mustCreateUser(t, s, domain.User{Email: "marcus@firm.example", Name: "Marcus", Role: domain.RoleAttorney})

		t.Run("TOTP: pending, enabled, each step once, cleared", func(t *testing.T) {
			write(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.SetTOTP(ctx, u.ID, "SECRET", time.Time{}) })
			read(t, s, func(ctx context.Context, tx *store.Tx) error {
				got, err := tx.UserTOTP(ctx, u.ID)
				if err != nil || got.Secret != "SECRET" || got.Enabled() || got.LastStep != 0 {
					t.Errorf("pending TOTP = %+v, %v", got, err)
				}
				return nil
			})
			write(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.EnableTOTP(ctx, u.ID, t0) })
			for _, c := range []struct {
				step int64
				want bool
			}{{100, true}, {100, false}, {99, false}, {101, true}} {
				write(t, s, func(ctx context.Context, tx *store.Tx) error {
					ok, err := tx.AcceptTOTPStep(ctx, u.ID, c.step)
					if err != nil || ok != c.want {
						t.Errorf("AcceptTOTPStep(%d) = %v, %v; want %v", c.step, ok, err, c.want)
					}
					return nil
				})
			}
			read(t, s, func(ctx context.Context, tx *store.Tx) error {
				got, err := tx.UserTOTP(ctx, u.ID)
				if err != nil || !got.Enabled() || !got.EnabledAt.Equal(t0) || got.LastStep != 101 {
					t.Errorf("enabled TOTP = %+v, %v", got, err)
				}
				if o, _ := tx.UserTOTP(ctx, other.ID); o.Secret != "" || o.Enabled() {
					t.Errorf("another user's TOTP changed: %+v", o)
				}
				_, err = tx.UserTOTP(ctx, 987654)
				wantCode(t, err, domain.ENotFound, "UserTOTP(unknown)")
				return nil
			})
		})

		t.Run("recovery codes are used once and replaced whole", func(t *testing.T) {
			write(t, s, func(ctx context.Context, tx *store.Tx) error {
				return tx.ReplaceRecoveryCodes(ctx, u.ID, []string{"h1", "h2", "h3"})
			})
			write(t, s, func(ctx context.Context, tx *store.Tx) error {
				for _, c := range []struct {
					user int64
					hash string
					want bool
				}{{u.ID, "h1", true}, {u.ID, "h1", false}, {other.ID, "h2", false}, {u.ID, "nope", false}} {
					if ok, err := tx.UseRecoveryCode(ctx, c.user, c.hash, t0); err != nil || ok != c.want {
						t.Errorf("UseRecoveryCode(%d, %s) = %v, %v", c.user, c.hash, ok, err)
					}
				}
				if n, err := tx.RecoveryCodesLeft(ctx, u.ID); err != nil || n != 2 {
					t.Errorf("left = %d, %v", n, err)
				}
				return tx.ReplaceRecoveryCodes(ctx, u.ID, []string{"h4"})
			})
			write(t, s, func(ctx context.Context, tx *store.Tx) error {
				if ok, _ := tx.UseRecoveryCode(ctx, u.ID, "h2", t0); ok {
					t.Errorf("a replaced code still works")
				}
				if err := tx.ClearTOTP(ctx, u.ID); err != nil {
					return err
				}
				got, _ := tx.UserTOTP(ctx, u.ID)
				n, _ := tx.RecoveryCodesLeft(ctx, u.ID)
				if got.Secret != "" || got.Enabled() || got.LastStep != 0 || n != 0 {
					t.Errorf("after ClearTOTP: %+v, %d codes", got, n)
				}
				return nil
			})
		})

		t.Run("settings", func(t *testing.T) {
			read(t, s, func(ctx context.Context, tx *store.Tx) error {
				if v, ok, err := tx.Setting(ctx, "mfa_required_roles"); err != nil || ok || v != "" {
					t.Errorf("unset setting = %q, %v, %v", v, ok, err)
				}
				return nil
			})
			write(t, s, func(ctx context.Context, tx *store.Tx) error {
				return tx.SetSetting(ctx, "mfa_required_roles", "firm_admin", t0)
			})
			write(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.SetSetting(ctx, "mfa_required_roles", "", t0) })
			read(t, s, func(ctx context.Context, tx *store.Tx) error {
				if v, ok, err := tx.Setting(ctx, "mfa_required_roles"); err != nil || !ok || v != "" {
					t.Errorf("setting set to empty = %q, %v, %v", v, ok, err)
				}
				return nil
			})
		})

		t.Run("identities", func(t *testing.T) {
			write(t, s, func(ctx context.Context, tx *store.Tx) error {
				return tx.LinkOIDCIdentity(ctx, "https://idp.example", "sub-1", u.ID, t0)
			})
			err := s.Write(context.Background(), func(tx *store.Tx) error {
				return tx.LinkOIDCIdentity(context.Background(), "https://idp.example", "sub-1", other.ID, t0)
			})
			wantCode(t, err, domain.EConflict, "linking one subject twice")
			read(t, s, func(ctx context.Context, tx *store.Tx) error {
				if id, ok, err := tx.OIDCIdentityUser(ctx, "https://idp.example", "sub-1"); err != nil || !ok || id != u.ID {
					t.Errorf("linked = %d, %v, %v", id, ok, err)
				}
				if _, ok, err := tx.OIDCIdentityUser(ctx, "https://other.example", "sub-1"); err != nil || ok {
					t.Errorf("another issuer's subject matched: %v %v", ok, err)
				}
				return nil
			})
		})

		t.Run("sessions: second factor, handles", func(t *testing.T) {
			hash := "abcdef0123456789" + "ffffffffffffffffffffffffffffffffffffffffffffffff"
			write(t, s, func(ctx context.Context, tx *store.Tx) error {
				return tx.CreateSession(ctx, store.Session{IDHash: hash, UserID: u.ID, CreatedAt: t0, LastSeenAt: t0, ExpiresAt: t0.Add(time.Hour), PendingMFA: true, Method: domain.MethodOIDC})
			})
			read(t, s, func(ctx context.Context, tx *store.Tx) error {
				got, _, err := tx.SessionByHash(ctx, hash)
				if err != nil || !got.PendingMFA || !got.MFAAt.IsZero() || got.Method != domain.MethodOIDC || got.Handle() != "abcdef0123456789" {
					t.Errorf("session = %+v, %v", got, err)
				}
				return nil
			})
			write(t, s, func(ctx context.Context, tx *store.Tx) error {
				return tx.PassSecondFactor(ctx, hash, t0.Add(time.Minute))
			})
			read(t, s, func(ctx context.Context, tx *store.Tx) error {
				ss, err := tx.UserSessions(ctx, u.ID)
				if err != nil || len(ss) != 1 || ss[0].PendingMFA || !ss[0].MFAAt.Equal(t0.Add(time.Minute)) {
					t.Errorf("UserSessions = %+v, %v", ss, err)
				}
				return nil
			})
			err := s.Write(context.Background(), func(tx *store.Tx) error {
				return tx.DeleteUserSessionByHandle(context.Background(), other.ID, "abcdef0123456789")
			})
			wantCode(t, err, domain.ENotFound, "ending another user's session by handle")
			write(t, s, func(ctx context.Context, tx *store.Tx) error {
				return tx.DeleteUserSessionByHandle(ctx, u.ID, "abcdef0123456789")
			})
			read(t, s, func(ctx context.Context, tx *store.Tx) error {
				_, _, err := tx.SessionByHash(ctx, hash)
				wantCode(t, err, domain.ENotFound, "the ended session")
				return nil
			})
		})
	})
}
