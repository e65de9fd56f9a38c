package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/probity/probity/internal/auth"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

func TestAPITokens(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := testenv.OpenStore(t, e)
		var ann, bob domain.User
		write(t, s, func(ctx context.Context, tx *store.Tx) error {
			ann = domain.User{Email: "ann@firm.example", Name: "Ann", Role: domain.RoleAttorney, TimeZone: "UTC"}
			bob = domain.User{Email: "bob@firm.example", Name: "Bob", Role: domain.RoleStaff, TimeZone: "UTC"}
			if err := tx.CreateUser(ctx, &ann, "", t0); err != nil {
				return err
			}
			return tx.CreateUser(ctx, &bob, "", t0)
		})
		type issued struct {
			tok    domain.APIToken
			secret string
			hash   string
		}
		issue := func(u domain.User, name string, scope domain.TokenScope, at time.Time, life time.Duration) issued {
			t.Helper()
			secret, hash, prefix := auth.NewAPIToken()
			tok := domain.APIToken{UserID: u.ID, Name: name, Scope: scope, Prefix: prefix, CreatedAt: at, ExpiresAt: at.Add(life)}
			write(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.CreateAPIToken(ctx, &tok, hash) })
			if tok.ID == 0 {
				t.Fatal("CreateAPIToken set no id")
			}
			return issued{tok, secret, hash}
		}
		a1 := issue(ann, "reports", domain.TokenRead, t0, 90*24*time.Hour)
		a2 := issue(ann, "sync", domain.TokenWrite, t0.Add(time.Minute), time.Hour)
		b1 := issue(bob, "export", domain.TokenRead, t0.Add(2*time.Minute), 30*24*time.Hour)

		t.Run("by hash, with the user", func(t *testing.T) {
			read(t, s, func(ctx context.Context, tx *store.Tx) error {
				got, u, err := tx.APITokenByHash(ctx, a2.hash)
				if err != nil {
					return err
				}
				if got != a2.tok || u.ID != ann.ID || u.Email != ann.Email || u.Role != ann.Role {
					t.Errorf("APITokenByHash = %+v, %+v; want %+v of %s", got, u, a2.tok, ann.Email)
				}
				if !got.LastUsedAt.IsZero() || !got.RevokedAt.IsZero() {
					t.Errorf("a new token has last-used %v, revoked %v; want zero times", got.LastUsedAt, got.RevokedAt)
				}
				_, _, err = tx.APITokenByHash(ctx, auth.HashToken(a2.secret+"x"))
				wantCode(t, err, domain.ENotFound, "unknown hash")
				_, _, err = tx.APITokenByHash(ctx, a2.secret)
				wantCode(t, err, domain.ENotFound, "the secret itself as the hash")
				return nil
			})
		})

		t.Run("a hash is unique", func(t *testing.T) {
			dup := domain.APIToken{UserID: bob.ID, Name: "dup", Scope: domain.TokenRead, Prefix: "prb_x", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}
			err := s.Write(context.Background(), func(tx *store.Tx) error { return tx.CreateAPIToken(context.Background(), &dup, a1.hash) })
			wantCode(t, err, domain.EConflict, "a second token with the same hash")
		})

		t.Run("the secret is never stored", func(t *testing.T) {
			for _, it := range []issued{a1, a2, b1} {
				var n int
				if err := s.DB().QueryRow(`SELECT COUNT(*) FROM api_tokens WHERE token_hash = $1 OR prefix = $1 OR name = $1`, it.secret).Scan(&n); err != nil {
					t.Fatal(err)
				}
				if n != 0 {
					t.Errorf("the secret of %q is stored", it.tok.Name)
				}
			}
		})

		t.Run("lists", func(t *testing.T) {
			ids := func(f store.APITokenFilter) []int64 {
				var out []int64
				read(t, s, func(ctx context.Context, tx *store.Tx) error {
					ts, err := tx.ListAPITokens(ctx, f)
					for _, x := range ts {
						out = append(out, x.ID)
						if x.UserEmail == "" || x.UserName == "" {
							t.Errorf("token %d listed without its user", x.ID)
						}
					}
					return err
				})
				return out
			}
			for _, tc := range []struct {
				name string
				f    store.APITokenFilter
				want []int64
			}{
				{"everyone's", store.APITokenFilter{}, []int64{a1.tok.ID, a2.tok.ID, b1.tok.ID}},
				{"one user's", store.APITokenFilter{UserID: ann.ID}, []int64{a1.tok.ID, a2.tok.ID}},
				{"newest first", store.APITokenFilter{NewestFirst: true}, []int64{b1.tok.ID, a2.tok.ID, a1.tok.ID}},
				{"newest first, paged", store.APITokenFilter{NewestFirst: true, Page: store.Page{AfterID: b1.tok.ID, Limit: 1}}, []int64{a2.tok.ID}},
				{"paged", store.APITokenFilter{Page: store.Page{AfterID: a1.tok.ID, Limit: 1}}, []int64{a2.tok.ID}},
				{"active two hours on", store.APITokenFilter{ActiveAt: t0.Add(2 * time.Hour)}, []int64{a1.tok.ID, b1.tok.ID}},
			} {
				if got := ids(tc.f); !equalIDs(got, tc.want) {
					t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
				}
			}
			read(t, s, func(ctx context.Context, tx *store.Tx) error {
				n, err := tx.CountActiveAPITokens(ctx, ann.ID, t0.Add(2*time.Hour))
				if n != 1 {
					t.Errorf("ann holds %d active tokens two hours on, want 1", n)
				}
				return err
			})
		})

		t.Run("touch, revoke, revoke all of a user's", func(t *testing.T) {
			used := t0.Add(5 * time.Minute)
			write(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.TouchAPIToken(ctx, a1.tok.ID, used) })
			first := t0.Add(10 * time.Minute)
			write(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.RevokeAPIToken(ctx, a1.tok.ID, first) })
			write(t, s, func(ctx context.Context, tx *store.Tx) error {
				return tx.RevokeAPIToken(ctx, a1.tok.ID, first.Add(time.Hour))
			})
			read(t, s, func(ctx context.Context, tx *store.Tx) error {
				got, err := tx.APIToken(ctx, a1.tok.ID)
				if !got.LastUsedAt.Equal(used) || !got.RevokedAt.Equal(first) || got.UserEmail != ann.Email {
					t.Errorf("after touch and two revocations: %+v; want last used %v, revoked %v (the first)", got, used, first)
				}
				if got.Status(first) != domain.TokenRevoked {
					t.Errorf("status %s, want revoked", got.Status(first))
				}
				_, err2 := tx.APIToken(ctx, 987654)
				wantCode(t, err2, domain.ENotFound, "unknown id")
				return err
			})
			all := t0.Add(20 * time.Minute)
			write(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.RevokeUserTokens(ctx, ann.ID, all) })
			read(t, s, func(ctx context.Context, tx *store.Tx) error {
				for _, it := range []issued{a1, a2, b1} {
					got, err := tx.APIToken(ctx, it.tok.ID)
					if err != nil {
						return err
					}
					switch it {
					case a1:
						if !got.RevokedAt.Equal(first) {
							t.Errorf("revoking all moved an earlier revocation to %v", got.RevokedAt)
						}
					case a2:
						if !got.RevokedAt.Equal(all) {
							t.Errorf("ann's other token revoked at %v, want %v", got.RevokedAt, all)
						}
					case b1:
						if !got.RevokedAt.IsZero() {
							t.Errorf("bob's token was revoked with ann's")
						}
					}
				}
				return nil
			})
		})
	})
}

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
