package app

import (
	"context"
	"fmt"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// auditObligation is the compliance record's account of an engagement's
// quality audits (Rule 5.3's monitoring): the plan, each completed audit
// with its verdict and statement, audits due or overdue, and the
// corrective actions raised. Met when audits were completed and nothing is
// overdue or open; attention when an audit is overdue, the latest failed,
// or a corrective action is open; a gap when no audit was ever completed.
// The client's copy counts the corrective actions without their text.
func auditObligation(ctx context.Context, tx *store.Tx, e domain.Engagement, today domain.Date, forClient bool) (Obligation, error) {
	o := Obligation{Key: "audits", Name: "Quality audits"}
	plan, err := tx.AuditPlan(ctx, e.ID)
	switch {
	case err == nil:
		o.Facts = append(o.Facts, Fact{What: fmt.Sprintf("Audit plan: %s, %s sampling at %s%% confidence", plan.Cadence, plan.Sampling.Method, pctNum(plan.Sampling.Confidence)),
			On: day(plan.UpdatedAt)})
	case domain.ErrorCode(err) != domain.ENotFound:
		return o, err
	}
	audits, err := tx.Audits(ctx, e.ID)
	if err != nil {
		return o, err
	}
	overdue(audits, today)
	completed, failedLast, late := 0, false, 0
	for i := len(audits) - 1; i >= 0; i-- { // oldest first
		au := audits[i]
		switch {
		case au.State == domain.AuditCompleted:
			completed++
			failedLast = au.Verdict == domain.VerdictFail
			st, _, err := domain.AuditStatement(au, au.Errors, au.SampleSize)
			if err != nil {
				return o, err
			}
			o.Facts = append(o.Facts, Fact{What: fmt.Sprintf("Audit %s: %s, %d errors in %d sampled of %d (seed %s). %s",
				au.Period, au.Verdict, au.Errors, au.SampleSize, au.Population, au.Seed, st), On: day(au.CompletedAt), By: au.AuditorName})
		case au.Overdue:
			late++
			o.Facts = append(o.Facts, Fact{What: fmt.Sprintf("Audit %s: OVERDUE since %s", au.Period, au.DueOn)})
		default:
			o.Facts = append(o.Facts, Fact{What: fmt.Sprintf("Audit %s: due %s (%s)", au.Period, au.DueOn, au.State)})
		}
	}
	cas, err := tx.CorrectiveActions(ctx, e.ID)
	if err != nil {
		return o, err
	}
	open, onTime := 0, 0
	for _, c := range cas {
		if c.State != domain.CorrectiveClosed {
			open++
		} else if !c.DueOn.Before(domain.DateOf(c.ClosedAt)) {
			onTime++
		}
		if !forClient {
			o.Facts = append(o.Facts, Fact{What: fmt.Sprintf("Corrective action (%s, due %s): %s", c.State, c.DueOn, c.Description), On: day(c.RaisedAt), By: c.RaisedName})
		}
	}
	if forClient && len(cas) > 0 {
		o.Facts = append(o.Facts, Fact{What: fmt.Sprintf("%d corrective actions raised with the vendor: %d closed on time, %d open", len(cas), onTime, open)})
	}
	switch {
	case completed == 0:
		o.State, o.Status = ObligationGap, NotRecorded
		if len(o.Facts) == 0 {
			o.Facts = []Fact{{What: "No quality audit of the vendor's work has been completed on this engagement yet."}}
		}
	case late > 0 || failedLast || open > 0:
		latest := "passed"
		if failedLast {
			latest = "failed"
		}
		o.State, o.Status = ObligationAttention, fmt.Sprintf("%d completed; %d overdue, %d corrective actions open, the latest %s", completed, late, open, latest)
	default:
		o.State, o.Status = ObligationMet, fmt.Sprintf("%d completed, the latest passed; no corrective action open", completed)
	}
	return o, nil
}

// pctNum writes a proportion as a percentage number (0.95 → 95).
func pctNum(x float64) string { return fmt.Sprintf("%g", x*100) }
