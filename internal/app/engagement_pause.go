package app

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// lapseCheck is the actor of the periodic lapsed-vendor check in the audit
// trail: no role, so it can do nothing but what PauseLapsedVendors does.
var lapseCheck = domain.User{Name: "Probity (scheduled check)"}

// resumeVendorEngagements returns the vendor's paused engagements to the
// stage they were paused from, once the vendor is approved again. Called by
// the assessment decision in the same transaction. Only engagements paused
// because the vendor lapsed are resumed, and only while the vendor's
// approval is current; anything else paused stays paused.
func (a *App) resumeVendorEngagements(ctx context.Context, tx *store.Tx, actor domain.User, vendorID int64) error {
	v, err := tx.Vendor(ctx, store.Scope{All: true}, vendorID)
	if err != nil {
		return err
	}
	if !approvedToday(v, a.Now()) {
		return nil
	}
	ps, err := tx.PausedEngagements(ctx, vendorID)
	if err != nil {
		return err
	}
	for _, p := range ps {
		if p.Cause != domain.PauseVendorLapsed {
			continue
		}
		ok, err := tx.ResumeEngagement(ctx, p.ID, domain.PauseVendorLapsed)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		if err := a.audit(ctx, tx, actor, Record{Action: "engagement.resume", ObjectType: "engagement", ObjectID: p.ID, MatterID: p.MatterID,
			Summary: fmt.Sprintf("resumed %s's engagement on %s where it stood (%s): %s is approved again", v.Name, p.MatterNumber,
				strings.ToLower(p.From.Label()), v.Name)}); err != nil {
			return err
		}
	}
	return nil
}

// pauseVendorEngagements pauses the vendor's open engagements (no new work,
// no document access) because its approval lapsed or was rejected. Called by
// the assessment decision in the same transaction.
func (a *App) pauseVendorEngagements(ctx context.Context, tx *store.Tx, actor domain.User, vendorID int64, why string) error {
	v, err := tx.Vendor(ctx, store.Scope{All: true}, vendorID)
	if err != nil {
		return err
	}
	_, err = a.pauseVendor(ctx, tx, actor, v, why)
	return err
}

// pauseVendor pauses every engagement of v at a pausable stage, each
// remembering its stage, with one audit event per engagement (each names
// its matter, for the matter's compliance record). It returns how many it
// paused.
func (a *App) pauseVendor(ctx context.Context, tx *store.Tx, actor domain.User, v domain.Vendor, why string) (int, error) {
	why = strings.TrimSpace(why)
	if why == "" {
		why = lapseReason(v, domain.DateOf(a.Now()))
	}
	var open []store.EngagementSummary
	p := store.Page{Limit: store.MaxPageSize}
	for {
		es, err := tx.ListEngagements(ctx, store.Scope{All: true}, store.EngagementFilter{VendorID: v.ID, Page: p})
		if err != nil {
			return 0, err
		}
		for _, e := range es {
			if domain.Pausable(e.Stage) {
				open = append(open, e)
			}
		}
		if len(es) < p.Limit {
			break
		}
		p.AfterID = es[len(es)-1].ID
	}
	n := 0
	now := a.Now()
	for _, e := range open {
		ok, err := tx.PauseEngagement(ctx, e.ID, e.Stage, domain.PauseVendorLapsed, why, now)
		if err != nil {
			return n, err
		}
		if !ok {
			continue
		}
		n++
		if err := a.audit(ctx, tx, actor, Record{Action: "engagement.pause", ObjectType: "engagement", ObjectID: e.ID, MatterID: e.MatterID,
			Summary: fmt.Sprintf("paused %s's engagement on %s (was: %s): %s", v.Name, e.MatterNumber, strings.ToLower(e.Stage.Label()), why)}); err != nil {
			return n, err
		}
	}
	return n, nil
}

// approvedToday reports whether v's approval stands on the day of now.
func approvedToday(v domain.Vendor, now time.Time) bool {
	d := v.DiligenceOn(domain.DateOf(now))
	return d == domain.DiligenceApproved || d == domain.DiligenceConditional
}

// lapseReason says why a vendor without a current approval pauses its work.
func lapseReason(v domain.Vendor, today domain.Date) string {
	switch v.DiligenceOn(today) {
	case domain.DiligenceExpired:
		return fmt.Sprintf("%s's approval expired on %s; work resumes when the firm approves it again", v.Name, v.ApprovedUntil)
	case domain.DiligenceRejected:
		return fmt.Sprintf("the firm rejected %s after its security assessment; work resumes only if a new assessment is approved", v.Name)
	}
	return fmt.Sprintf("%s has no current approval; work resumes when the firm approves it", v.Name)
}

// PauseLapsedVendors pauses the open engagements of every vendor whose
// approval is not current today (expired, rejected or never given), in one
// transaction, and returns how many it paused. `probity serve` runs it
// periodically (RunPauseCheck); it reads the App's clock.
func (a *App) PauseLapsedVendors(ctx context.Context) (int, error) {
	n := 0
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		n = 0
		p := store.Page{Limit: store.MaxPageSize}
		for {
			vs, err := tx.ListVendors(ctx, store.Scope{All: true}, p)
			if err != nil {
				return err
			}
			for _, v := range vs {
				if approvedToday(v, a.Now()) {
					continue
				}
				k, err := a.pauseVendor(ctx, tx, lapseCheck, v, "")
				if err != nil {
					return err
				}
				n += k
			}
			if len(vs) < p.Limit {
				return nil
			}
			p.AfterID = vs[len(vs)-1].ID
		}
	})
	return n, err
}

// RunPauseCheck runs PauseLapsedVendors at once and then every interval
// until ctx ends. Several servers may run it together: a pause changes a row
// only if it is still at the stage it was read at.
func (a *App) RunPauseCheck(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		n, err := a.PauseLapsedVendors(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			a.Log.Error("pause engagements of lapsed vendors", slog.Any("err", err))
		case n > 0:
			a.Log.Info("paused engagements of vendors whose approval lapsed", slog.Int("engagements", n))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
