package app_test

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// jobCounter stands in for the periodic jobs: it counts how many run at
// once (never more than one across leaders) and how often each started.
type jobCounter struct {
	active, max atomic.Int32
	started     sync.Map // holder -> *atomic.Int32
}

func (c *jobCounter) jobs(holder string) func(context.Context) {
	return func(ctx context.Context) {
		n := c.active.Add(1)
		for m := c.max.Load(); n > m && !c.max.CompareAndSwap(m, n); m = c.max.Load() {
		}
		v, _ := c.started.LoadOrStore(holder, new(atomic.Int32))
		v.(*atomic.Int32).Add(1)
		<-ctx.Done()
		c.active.Add(-1)
	}
}

// leaseNow reads the stored lease; a zero Lease when nobody holds it.
func leaseNow(tb testing.TB, s *store.Store) store.Lease {
	tb.Helper()
	var l store.Lease
	err := s.Read(context.Background(), func(tx *store.Tx) (err error) {
		l, err = tx.LeaseByName(context.Background(), app.JobsLease)
		return err
	})
	if err != nil && domain.ErrorCode(err) != domain.ENotFound {
		tb.Fatal(err)
	}
	return l
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out waiting: %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Two servers' leaders on one database: one runs the jobs, the other waits;
// the leader's clean stop releases the lease and the other takes over before
// it would have expired; a leader that finds another holder stops its jobs.
func TestLeaderRunsJobsOnOneServer(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := testenv.OpenStore(t, e)
		log := slog.New(slog.DiscardHandler)
		const ttl = 600 * time.Millisecond
		var c jobCounter
		a, b := app.NewLeader(app.New(s, app.DefaultConfig(), log), app.JobsLease, ttl), app.NewLeader(app.New(s, app.DefaultConfig(), log), app.JobsLease, ttl)
		if a.Holder() == b.Holder() || len(a.Holder()) < 16 {
			t.Fatalf("holder ids %q and %q: want distinct random ids", a.Holder(), b.Holder())
		}
		run := func(l *app.Leader) (stop func()) {
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan struct{})
			go func() { defer close(done); l.Run(ctx, c.jobs(l.Holder())) }()
			return func() { cancel(); <-done }
		}
		stopA := run(a)
		waitFor(t, "a takes the free lease", a.Leading)
		stopB := run(b)
		defer stopB()
		// Let a renew three times while b keeps trying.
		first := leaseNow(t, s).ExpiresAt
		waitFor(t, "a renews", func() bool { return leaseNow(t, s).ExpiresAt.After(first.Add(2 * ttl / 3)) })
		if b.Leading() || leaseNow(t, s).Holder != a.Holder() {
			t.Fatalf("b leads (%v) or holds the lease (%+v) while a renews it", b.Leading(), leaseNow(t, s))
		}

		stopA()
		released := time.Now()
		if a.Leading() {
			t.Error("a still reports leading after it stopped")
		}
		if l := leaseNow(t, s); l.Holder == a.Holder() {
			t.Fatalf("a stopped cleanly but the lease is still its own: %+v", l)
		}
		waitFor(t, "b takes over", b.Leading)
		if took := time.Since(released); took > 5*time.Second {
			t.Errorf("b took %v to take over a released lease", took)
		}

		// Someone else takes b's lease (as if b's renewals had stalled past
		// the expiry): b notices at its next renewal and stops its jobs.
		if err := s.Write(context.Background(), func(tx *store.Tx) error {
			if err := tx.ReleaseLease(context.Background(), app.JobsLease, b.Holder()); err != nil {
				return err
			}
			ok, err := tx.AcquireLease(context.Background(), app.JobsLease, "intruder", time.Now(), time.Hour)
			if !ok && err == nil {
				err = errors.New("intruder could not take a released lease")
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "b stops its jobs", func() bool { return !b.Leading() && c.active.Load() == 0 })

		if m := c.max.Load(); m != 1 {
			t.Errorf("at most %d job runs at once; want exactly 1", m)
		}
		for _, l := range []*app.Leader{a, b} {
			if v, ok := c.started.Load(l.Holder()); !ok || v.(*atomic.Int32).Load() != 1 {
				t.Errorf("jobs of %s started %v times; want once", l.Holder(), v)
			}
		}
	})
}
