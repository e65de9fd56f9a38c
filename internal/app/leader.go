package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/probity/probity/internal/store"
)

// JobsLease is the lease whose holder runs the periodic jobs: approval
// reminders and the audit schedule, notification digests, the pause check
// and mail delivery. Of several servers on one database exactly one holds it.
const JobsLease = "jobs"

// DefaultLeaseTTL is how long a taken lease lasts without renewal; the holder
// renews it every third of that, so a server that dies hands over within it.
const DefaultLeaseTTL = 30 * time.Second

// Leader takes and keeps a lease in the database for one serve process and
// runs work only while it holds it. The zero value is not usable: see
// NewLeader.
type Leader struct {
	app     *App
	name    string
	holder  string
	ttl     time.Duration
	renew   time.Duration
	leading atomic.Bool
}

// NewLeader returns a Leader for lease `name` with a random holder id; ttl 0
// means DefaultLeaseTTL. It renews every ttl/3.
func NewLeader(a *App, name string, ttl time.Duration) *Leader {
	if ttl <= 0 {
		ttl = DefaultLeaseTTL
	}
	var b [12]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return &Leader{app: a, name: name, holder: hex.EncodeToString(b[:]), ttl: ttl, renew: ttl / 3}
}

// Holder is this process's random holder id (not a secret: it only names
// the server in the lease and the log).
func (l *Leader) Holder() string { return l.holder }

// Leading reports whether this process holds the lease now.
func (l *Leader) Leading() bool { return l.leading.Load() }

// Run tries to take or renew the lease every ttl/3 until ctx ends. While it
// holds the lease, jobs runs with a context that is cancelled as soon as a
// renewal fails or another holder has the lease; jobs must return promptly
// once its context ends. When ctx ends Run stops jobs, releases the lease
// (so another server takes over at once) and returns.
func (l *Leader) Run(ctx context.Context, jobs func(context.Context)) {
	log := l.app.Log.With(slog.String("lease", l.name), slog.String("holder", l.holder))
	var cancel context.CancelFunc
	var done chan struct{}
	stop := func() {
		if cancel != nil {
			cancel()
			<-done
			cancel = nil
		}
		l.leading.Store(false)
	}
	t := time.NewTicker(l.renew)
	defer t.Stop()
	for {
		held, err := l.acquire(ctx)
		switch {
		case ctx.Err() != nil:
		case err != nil:
			// Unsure whether we still hold it: stop the jobs rather than risk
			// running them beside the next holder.
			if cancel != nil {
				stop()
				log.Warn("leadership lost: the lease could not be renewed; background jobs stopped", slog.Any("err", err))
			} else {
				log.Error("lease", slog.Any("err", err))
			}
		case held && cancel == nil:
			var jctx context.Context
			jctx, cancel = context.WithCancel(ctx)
			done = make(chan struct{})
			l.leading.Store(true)
			go func() {
				defer close(done)
				jobs(jctx)
			}()
			log.Info("leadership taken: this server runs the background jobs", slog.Duration("ttl", l.ttl))
		case !held && cancel != nil:
			stop()
			log.Info("leadership lost: another server holds the lease; background jobs stopped")
		}
		select {
		case <-ctx.Done():
			wasLeading := cancel != nil
			stop()
			if wasLeading {
				rctx, rcancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
				err := l.app.Store.Write(rctx, func(tx *store.Tx) error { return tx.ReleaseLease(rctx, l.name, l.holder) })
				rcancel()
				if err != nil {
					log.Error("leadership: could not release the lease; another server takes it when it expires", slog.Any("err", err))
				} else {
					log.Info("leadership released")
				}
			}
			return
		case <-t.C:
		}
	}
}

// acquire takes or renews the lease in one statement.
func (l *Leader) acquire(ctx context.Context) (bool, error) {
	var held bool
	err := l.app.Store.Write(ctx, func(tx *store.Tx) (err error) {
		held, err = tx.AcquireLease(ctx, l.name, l.holder, l.app.Now(), l.ttl)
		return err
	})
	return held, err
}
