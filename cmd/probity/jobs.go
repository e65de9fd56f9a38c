package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/probity/probity/internal/app"
)

// How often the lease holder runs each periodic job (each also runs as soon
// as the server takes the lease).
const (
	reminderPoll    = time.Hour      // approval-lapse reminders, audits come due, digests due
	pauseCheckEvery = time.Hour      // engagements of vendors whose approval lapsed are paused
	blobSweepEvery  = 6 * time.Hour  // stored documents no row names, older than a day, are removed
	statisticsEvery = 24 * time.Hour // the query planner's statistics (store/statistics.go)
)

// startJobs starts serve's background work until ctx ends and returns a func
// that stops it and waits. Each server warms its own cache of the
// administrators' home figures (home_cache.go), so that the first home page
// after a start does not wait for the sums. The periodic jobs — approval
// reminders and the audit schedule, the pause check, digests, the orphaned
// document sweep and, with an SMTP server, mail delivery (deliver, nil
// without one) — run only while this server holds the jobs lease in the
// database, so of several servers on one database exactly one runs them
// (app/leader.go). A new periodic job belongs in the list below.
func (m *Main) startJobs(ctx context.Context, a *app.App, leader *app.Leader, deliver func(context.Context), log *slog.Logger) func() {
	jctx, cancel := context.WithCancel(ctx)
	warmed, led := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(warmed)
		if err := a.WarmHomeFigures(jctx); err != nil && jctx.Err() == nil {
			log.Error("home figures", slog.Any("err", err))
		}
	}()
	go func() {
		defer close(led)
		leader.Run(jctx, func(lctx context.Context) {
			jobs := []func(context.Context){
				func(ctx context.Context) { remind(ctx, a, log) },
				func(ctx context.Context) { a.RunPauseCheck(ctx, pauseCheckEvery) },
				func(ctx context.Context) { a.RunDigests(ctx, reminderPoll) }, // claimed per person: sent once
				func(ctx context.Context) { a.RunBlobSweep(ctx, blobSweepEvery) },
				func(ctx context.Context) { refreshStatistics(ctx, a, log) },
			}
			if deliver != nil {
				jobs = append(jobs, deliver) // mail.go: the outbox
			}
			var wg sync.WaitGroup
			for _, job := range jobs {
				wg.Go(func() { job(lctx) }) // each returns when the lease ends
			}
			wg.Wait()
		})
	}()
	return func() { cancel(); <-led; <-warmed }
}

// refreshStatistics brings the query planner's statistics up to date at
// once and every statisticsEvery until ctx ends.
func refreshStatistics(ctx context.Context, a *app.App, log *slog.Logger) {
	t := time.NewTicker(statisticsEvery)
	defer t.Stop()
	for {
		if err := a.Store.RefreshStatistics(ctx); err != nil && ctx.Err() == nil {
			log.Error("query planner statistics", slog.Any("err", err))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// remind sends approval-lapse reminders and creates the quality audits that
// came due (app.ScheduleAudits) at once and every reminderPoll until ctx
// ends.
func remind(ctx context.Context, a *app.App, log *slog.Logger) {
	t := time.NewTicker(reminderPoll)
	defer t.Stop()
	for {
		if n, err := a.SendApprovalReminders(ctx); err != nil && ctx.Err() == nil {
			log.Error("approval reminders", slog.Any("err", err))
		} else if n > 0 {
			log.Info("approval reminders queued", slog.Int("emails", n))
		}
		if n, err := a.ScheduleAudits(ctx); err != nil && ctx.Err() == nil {
			log.Error("quality audit schedule", slog.Any("err", err))
		} else if n > 0 {
			log.Info("quality audits came due", slog.Int("audits", n))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// checkLeaseTTL refuses a --lease-ttl too short to renew reliably or so
// long that a dead leader's jobs wait for hours.
func checkLeaseTTL(ttl time.Duration) error {
	if ttl < time.Second || ttl > 10*time.Minute {
		return usageError("--lease-ttl must be between 1s and 10m, e.g. 30s")
	}
	return nil
}
