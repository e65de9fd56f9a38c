package app

import (
	"context"
	"fmt"
	"time"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// The audit schedule: each active engagement's plan makes an audit due
// per period of its cadence (an ISO week, a fortnight of ISO weeks, a
// month, every N submitted deliverable versions counted from the last
// audit due by deliverables, every imported batch),
// and each closed engagement's final audit becomes an audit of kind final.
// An audit is created exactly once per engagement and period, however many
// servers run the schedule at the same time: audits are unique on
// (engagement, period), inserted with ON CONFLICT DO NOTHING, and the
// auditor is emailed only by the transaction that created the row.

// auditScheduler is the actor of audits coming due in the audit trail.
var auditScheduler = domain.User{Name: "Probity (scheduled audits)", Role: domain.RoleFirmAdmin}

// auditDueDays is how long an audit due by deliverables or a batch has.
const auditDueDays = 7

// duePeriod is an audit a plan makes due now.
type duePeriod struct {
	Period  string
	DueOn   domain.Date
	BatchID int64
}

// endOfISOWeek is the Sunday ending day's ISO week.
func endOfISOWeek(day time.Time) time.Time {
	wd := int(day.Weekday())
	if wd == 0 {
		wd = 7
	}
	return day.AddDate(0, 0, 7-wd)
}

// calendarPeriod is the period of today under a calendar cadence and its
// last day: weekly "2026-W48" (Sunday), fortnightly "2026-F24" (ISO weeks
// 47 and 48; the end of week 48, or of week 53 alone), monthly "2026-11"
// (the last day of the month).
func calendarPeriod(c domain.AuditCadence, today domain.Date) (duePeriod, bool) {
	day := today.Time()
	year, week := day.ISOWeek()
	switch c {
	case domain.AuditWeekly:
		return duePeriod{Period: fmt.Sprintf("%d-W%02d", year, week), DueOn: domain.DateOf(endOfISOWeek(day))}, true
	case domain.AuditFortnightly:
		end := endOfISOWeek(day)
		if _, last := time.Date(year, 12, 28, 0, 0, 0, 0, time.UTC).ISOWeek(); week%2 == 1 && week < last {
			end = end.AddDate(0, 0, 7)
		}
		return duePeriod{Period: fmt.Sprintf("%d-F%02d", year, (week+1)/2), DueOn: domain.DateOf(end)}, true
	case domain.AuditMonthly:
		first := time.Date(day.Year(), day.Month(), 1, 0, 0, 0, 0, time.UTC)
		return duePeriod{Period: day.Format("2006-01"), DueOn: domain.DateOf(first.AddDate(0, 1, -1))}, true
	}
	return duePeriod{}, false
}

// duePeriods lists the audits plan p makes due today (some may exist).
func (a *App) duePeriods(ctx context.Context, tx *store.Tx, p domain.AuditPlan, today domain.Date) ([]duePeriod, error) {
	if d, ok := calendarPeriod(p.Cadence, today); ok {
		return []duePeriod{d}, nil
	}
	due := domain.DateOf(today.Time().AddDate(0, 0, auditDueDays))
	switch p.Cadence {
	case domain.AuditEveryN:
		if p.EveryN < 1 {
			return nil, nil
		}
		last, err := tx.LastDeliverablesAudit(ctx, p.EngagementID)
		if err != nil {
			return nil, err
		}
		total, err := tx.CountSubmittedVersions(ctx, p.EngagementID)
		if err != nil || total-last < p.EveryN {
			return nil, err
		}
		return []duePeriod{{Period: fmt.Sprintf("deliverables:%d", total), DueOn: due}}, nil
	case domain.AuditEveryBatch:
		bs, err := tx.AuditBatches(ctx, p.EngagementID)
		if err != nil {
			return nil, err
		}
		var out []duePeriod
		for i := len(bs) - 1; i >= 0; i-- { // oldest first
			out = append(out, duePeriod{Period: fmt.Sprintf("batch:%d", bs[i].ID), DueOn: due, BatchID: bs[i].ID})
		}
		return out, nil
	}
	return nil, nil
}

// ScheduleAudits creates the audits that have come due by each plan's
// cadence (and the final audits of closed engagements), exactly once per
// engagement and period, and emails each auditor. serve runs it
// periodically; it returns how many audits it created.
func (a *App) ScheduleAudits(ctx context.Context) (int, error) {
	var plans []domain.AuditPlan
	var finals []store.DueFinalAudit
	var today domain.Date
	if err := a.Store.Read(ctx, func(tx *store.Tx) (err error) {
		firmTZ, _, err := tx.Setting(ctx, SettingFirmTimeZone)
		if err != nil {
			return err
		}
		today = domain.TodayIn(a.Now(), "", firmTZ)
		if plans, err = tx.ActiveAuditPlans(ctx); err != nil {
			return err
		}
		finals, err = tx.FinalAuditsWithoutAudit(ctx)
		return err
	}); err != nil {
		return 0, err
	}
	created := 0
	for _, p := range plans {
		var mails []email
		n := 0
		err := a.Store.Write(ctx, func(tx *store.Tx) error {
			mails, n = nil, 0
			e, err := tx.Engagement(ctx, store.Scope{All: true}, p.EngagementID)
			if err != nil || e.Stage != domain.StageActive {
				return err // changed meanwhile: the next run sees it
			}
			due, err := a.duePeriods(ctx, tx, p, today)
			if err != nil {
				return err
			}
			for _, d := range due {
				au := domain.Audit{EngagementID: e.ID, Kind: domain.AuditScheduled, Period: d.Period, DueOn: d.DueOn, BatchID: d.BatchID,
					Switch: p.Switch, Criteria: p.Criteria, CreatedAt: a.Now()}
				m, ok, err := a.createDueAudit(ctx, tx, e, p.AuditorID, &au)
				if err != nil {
					return err
				}
				if ok {
					n++
					mails = append(mails, m...)
				}
			}
			return nil
		})
		if err != nil {
			return created, fmt.Errorf("scheduling audits of engagement %d: %w", p.EngagementID, err)
		}
		a.mailQueued(mails...)
		created += n
	}
	for _, f := range finals {
		var mails []email
		ok := false
		err := a.Store.Write(ctx, func(tx *store.Tx) error {
			e, err := tx.Engagement(ctx, store.Scope{All: true}, f.EngagementID)
			if err != nil {
				return err
			}
			auditor := int64(0)
			au := domain.Audit{EngagementID: e.ID, Kind: domain.AuditFinal, Period: "final", DueOn: f.DueOn, CreatedAt: a.Now()}
			switch p, err := tx.AuditPlan(ctx, e.ID); {
			case err == nil:
				auditor, au.Switch, au.Criteria = p.AuditorID, p.Switch, p.Criteria
			case domain.ErrorCode(err) != domain.ENotFound:
				return err
			}
			mails, ok, err = a.createDueAudit(ctx, tx, e, auditor, &au)
			return err
		})
		if err != nil {
			return created, fmt.Errorf("scheduling the final audit of engagement %d: %w", f.EngagementID, err)
		}
		if ok {
			a.mailQueued(mails...)
			created++
		}
	}
	return created, nil
}

// createDueAudit records au unless its period exists, and for a new audit
// emails its auditor (the plan's, else the supervising attorney), records
// the notice and the event. ok reports whether au was created.
func (a *App) createDueAudit(ctx context.Context, tx *store.Tx, e domain.Engagement, auditorID int64, au *domain.Audit) ([]email, bool, error) {
	if auditorID == 0 {
		auditorID = e.SupervisingAttorneyID
	}
	au.AuditorID = auditorID
	ok, err := tx.CreateAudit(ctx, au)
	if err != nil || !ok {
		return nil, false, err
	}
	m, err := tx.Matter(ctx, store.Scope{All: true}, e.MatterID)
	if err != nil {
		return nil, false, err
	}
	var mails []email
	u, err := tx.User(ctx, auditorID)
	if err != nil {
		return nil, false, err
	}
	if !u.Disabled {
		kind := "A quality audit"
		if au.Kind == domain.AuditFinal {
			kind = "The final quality audit"
		}
		mails, err = a.notify(ctx, tx, notice{Kind: domain.NotifyAuditDue, EngagementID: e.ID,
			Subject: fmt.Sprintf("Quality audit due on %s by %s", m.Number, au.DueOn),
			Body:    fmt.Sprintf("%s of the vendor's work on %s (%s) is due by %s. Draw the sample and score it in Probity.", kind, m.Number, au.Period, au.DueOn),
			Link:    fmt.Sprintf("/engagements/%d/audits/%d", e.ID, au.ID)}, u)
		if err != nil {
			return nil, false, err
		}
		if err := tx.MarkAuditNotified(ctx, au.ID, a.Now()); err != nil {
			return nil, false, err
		}
	}
	return mails, true, a.audit(ctx, tx, auditScheduler, Record{Action: "audit.due", ObjectType: "engagement", ObjectID: e.ID, MatterID: m.ID,
		Summary: fmt.Sprintf("%s audit %d (%s) on %s came due by %s; auditor %s notified", au.Kind, au.ID, au.Period, m.Number, au.DueOn, u.Name)})
}

// MyAudits lists the audits due or being scored that actor is the auditor
// of (or supervises), oldest due first, overdue flagged: the home page and /audits.
func (a *App) MyAudits(ctx context.Context, actor domain.User) ([]domain.Audit, error) {
	if !actor.Role.IsFirm() || actor.Disabled {
		return nil, domain.Errorf(domain.EForbidden, "quality audits are the firm's work")
	}
	var out []domain.Audit
	err := a.Store.Read(ctx, func(tx *store.Tx) error {
		firmTZ, _, err := tx.Setting(ctx, SettingFirmTimeZone)
		if err != nil {
			return err
		}
		today := domain.TodayIn(a.Now(), "", firmTZ)
		// Screens hold here too: an engagement out of the actor's scope is left out.
		if out, err = tx.MyAudits(ctx, ScopeFor(actor), actor.ID); err != nil {
			return err
		}
		overdue(out, today)
		return nil
	})
	return out, err
}
