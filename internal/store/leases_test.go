package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// acquire tries to take or renew the lease in its own transaction.
func acquire(tb testing.TB, s *store.Store, name, holder string, now time.Time, ttl time.Duration) bool {
	tb.Helper()
	var ok bool
	write(tb, s, func(ctx context.Context, tx *store.Tx) error {
		var err error
		ok, err = tx.AcquireLease(ctx, name, holder, now, ttl)
		return err
	})
	return ok
}

func TestLeases(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := testenv.OpenStore(t, e)
		const ttl = 30 * time.Second

		t.Run("racing holders: exactly one wins each round", func(t *testing.T) {
			for round := range 5 {
				name := fmt.Sprintf("race-%d", round)
				const racers = 8
				var wg sync.WaitGroup
				won := make([]bool, racers)
				errs := make([]error, racers)
				start := make(chan struct{})
				for i := range racers {
					wg.Add(1)
					go func() {
						defer wg.Done()
						<-start
						errs[i] = s.Write(context.Background(), func(tx *store.Tx) error {
							var err error
							won[i], err = tx.AcquireLease(context.Background(), name, fmt.Sprintf("server-%d", i), t0, ttl)
							return err
						})
					}()
				}
				close(start)
				wg.Wait()
				winner := -1
				for i := range racers {
					if errs[i] != nil {
						t.Fatalf("round %d: racer %d: %v", round, i, errs[i])
					}
					if won[i] {
						if winner >= 0 {
							t.Fatalf("round %d: racers %d and %d both hold %s", round, winner, i, name)
						}
						winner = i
					}
				}
				if winner < 0 {
					t.Fatalf("round %d: nobody took a free lease", round)
				}
				read(t, s, func(ctx context.Context, tx *store.Tx) error {
					l, err := tx.LeaseByName(ctx, name)
					if err != nil || l.Holder != fmt.Sprintf("server-%d", winner) || !l.ExpiresAt.Equal(t0.Add(ttl)) {
						t.Errorf("round %d: stored lease = %+v, %v; want server-%d until %v", round, l, err, winner, t0.Add(ttl))
					}
					return nil
				})
			}
		})

		t.Run("the holder renews; others wait until it expires", func(t *testing.T) {
			if !acquire(t, s, "jobs", "a", t0, ttl) {
				t.Fatal("a could not take a free lease")
			}
			if acquire(t, s, "jobs", "b", t0.Add(ttl-time.Microsecond), ttl) {
				t.Fatal("b took a lease a still holds")
			}
			if !acquire(t, s, "jobs", "a", t0.Add(10*time.Second), ttl) {
				t.Fatal("a could not renew its own lease")
			}
			// The renewal moved the expiry: at the first expiry b still loses.
			if acquire(t, s, "jobs", "b", t0.Add(ttl), ttl) {
				t.Fatal("b took the lease at its old expiry, after a renewed it")
			}
			later := t0.Add(10*time.Second + ttl)
			if !acquire(t, s, "jobs", "b", later, ttl) {
				t.Fatal("b could not take the lease once a's expired")
			}
			if acquire(t, s, "jobs", "a", later, ttl) {
				t.Fatal("a renewed a lease it had lost to b")
			}
			read(t, s, func(ctx context.Context, tx *store.Tx) error {
				l, err := tx.LeaseByName(ctx, "jobs")
				if err != nil || l.Holder != "b" || !l.ExpiresAt.Equal(later.Add(ttl)) {
					t.Errorf("lease = %+v, %v; want b until %v", l, err, later.Add(ttl))
				}
				return nil
			})
		})

		t.Run("release frees the lease only for its holder", func(t *testing.T) {
			if !acquire(t, s, "release", "a", t0, ttl) {
				t.Fatal("a could not take a free lease")
			}
			write(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.ReleaseLease(ctx, "release", "b") })
			if acquire(t, s, "release", "b", t0.Add(time.Second), ttl) {
				t.Fatal("b's release freed a's lease")
			}
			write(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.ReleaseLease(ctx, "release", "a") })
			read(t, s, func(ctx context.Context, tx *store.Tx) error {
				_, err := tx.LeaseByName(ctx, "release")
				wantCode(t, err, domain.ENotFound, "LeaseByName after release")
				return nil
			})
			if !acquire(t, s, "release", "b", t0.Add(time.Second), ttl) {
				t.Fatal("b could not take the lease a released, before its expiry")
			}
		})
	})
}
