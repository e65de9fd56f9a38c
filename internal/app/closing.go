package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// Pausing and resuming by hand, closing, and what follows the close: the
// vendor manager's certificate of return or destruction of the matter's
// data, the final quality audit due (a row the audits issue acts on) and
// the attorney's evaluation that feeds the vendor scorecard. Closing sets
// the stage to closed and closed_on in one transaction: from then on
// domain.StageAllows refuses every piece of work but the certificate, so
// vendor access ends at once.

// steward returns nil when actor may pause, resume and close the engagement:
// its supervising attorney or a firm administrator.
func steward(actor domain.User, e domain.Engagement) error {
	if err := require(actor, SuperviseEngagements); err != nil {
		return err
	}
	if actor.Role != domain.RoleFirmAdmin && actor.ID != e.SupervisingAttorneyID {
		return domain.Errorf(domain.EForbidden, "only the engagement's supervising attorney or a firm administrator may do this")
	}
	return nil
}

func stewardOf(actor domain.User) func(domain.Engagement) error {
	return func(e domain.Engagement) error { return steward(actor, e) }
}

// PauseEngagement pauses an open engagement by hand, with a required reason.
func (a *App) PauseEngagement(ctx context.Context, actor domain.User, id int64, reason string) error {
	return a.Store.Write(ctx, func(tx *store.Tx) error {
		// Pausing is open wherever closing is (ActivityClose), and only from a working stage.
		ref, err := a.onEngagement(ctx, tx, actor, id, domain.ActivityClose, nil, stewardOf(actor))
		if err != nil {
			return err
		}
		e := ref.Engagement
		if !domain.Pausable(e.Stage) {
			return domain.Errorf(domain.EConflict, "the engagement is already paused")
		}
		if reason, err = domain.ValidateReason(reason); err != nil {
			return err
		}
		ok, err := tx.PauseEngagement(ctx, id, e.Stage, domain.PauseManual, reason, a.Now())
		if err != nil {
			return err
		}
		if !ok {
			return domain.Errorf(domain.EConflict, "the engagement changed meanwhile; reload the page")
		}
		if err := tx.AddPauseEvent(ctx, &domain.PauseEvent{EngagementID: id, Action: "pause", Reason: reason, By: actor.ID, At: a.Now()}); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, Record{Action: "engagement.pause", ObjectType: "engagement", ObjectID: id, MatterID: ref.Matter.ID,
			Summary: fmt.Sprintf("paused the engagement on %s (was: %s): %s", ref.Matter.Number, strings.ToLower(e.Stage.Label()), reason)})
	})
}

// ResumeEngagement resumes an engagement paused by hand, with a required
// reason. An engagement paused because consent was revoked or the vendor
// lapsed resumes only when that is resolved.
func (a *App) ResumeEngagement(ctx context.Context, actor domain.User, id int64, reason string) error {
	return a.Store.Write(ctx, func(tx *store.Tx) error {
		ref, err := a.onEngagement(ctx, tx, actor, id, domain.ActivityClose, nil, stewardOf(actor))
		if err != nil {
			return err
		}
		e := ref.Engagement
		if e.Stage != domain.StagePaused {
			return domain.Errorf(domain.EConflict, "the engagement is not paused")
		}
		if reason, err = domain.ValidateReason(reason); err != nil {
			return err
		}
		ok, err := tx.ResumeEngagement(ctx, id, domain.PauseManual)
		if err == nil && !ok { // a pause after failed quality audits is also resumed by hand
			ok, err = tx.ResumeEngagement(ctx, id, domain.PauseAudit)
		}
		if err != nil {
			return err
		}
		if !ok {
			return domain.Errorf(domain.EConflict, "the engagement was not paused by hand, so it cannot be resumed by hand: %s", e.PausedReason)
		}
		if err := tx.AddPauseEvent(ctx, &domain.PauseEvent{EngagementID: id, Action: "resume", Reason: reason, By: actor.ID, At: a.Now()}); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, Record{Action: "engagement.resume", ObjectType: "engagement", ObjectID: id, MatterID: ref.Matter.ID,
			Summary: fmt.Sprintf("resumed the engagement on %s where it stood (%s): %s", ref.Matter.Number, strings.ToLower(e.PausedFrom.Label()), reason)})
	})
}

// CloseInput is the request to close an engagement.
type CloseInput struct {
	Confirm bool // close even with deliverable versions still awaiting review
}

// CloseEngagement closes an engagement: stage closed and closed_on today,
// the vendor's access revoked at once, the final audit due in
// domain.FinalAuditDays days. With versions still awaiting review it is
// refused unless confirmed.
func (a *App) CloseEngagement(ctx context.Context, actor domain.User, id int64, in CloseInput) error {
	return a.Store.Write(ctx, func(tx *store.Tx) error {
		ref, err := a.onEngagement(ctx, tx, actor, id, domain.ActivityClose, nil, stewardOf(actor))
		if err != nil {
			return err
		}
		pending, err := tx.CountPendingReviews(ctx, id)
		if err != nil {
			return err
		}
		if pending > 0 && !in.Confirm {
			return domain.Invalid("confirm", "%d deliverable version(s) still await the supervising attorney's review; confirm to close anyway", pending)
		}
		now := a.Now()
		today := domain.DateOf(now)
		due := domain.DateOf(now.AddDate(0, 0, domain.FinalAuditDays))
		if err := tx.CloseEngagement(ctx, id, ref.Engagement.Stage, today, due, now); err != nil {
			return err
		}
		note := ""
		if pending > 0 {
			note = fmt.Sprintf(", with %d version(s) left unreviewed (confirmed)", pending)
		}
		return a.audit(ctx, tx, actor, Record{Action: "engagement.close", ObjectType: "engagement", ObjectID: id, MatterID: ref.Matter.ID,
			Summary: fmt.Sprintf("closed the engagement on %s%s: vendor access revoked; return or destruction to be certified; final audit due %s", ref.Matter.Number, note, due)})
	})
}

// CertifyReturn records the vendor manager's certificate of return or
// destruction of the matter's data, once, after close.
func (a *App) CertifyReturn(ctx context.Context, actor domain.User, id int64, c domain.Certificate) (domain.Certificate, error) {
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		ref, err := a.onEngagement(ctx, tx, actor, id, domain.ActivityCertify, nil, func(e domain.Engagement) error {
			if err := require(actor, LeadVendorTeam); err != nil {
				return err
			}
			if actor.VendorID != e.VendorID {
				return domain.NotFound("engagement")
			}
			return nil
		})
		if err != nil {
			return err
		}
		if _, err := tx.Certificate(ctx, id); err == nil {
			return domain.Errorf(domain.EConflict, "return or destruction was already certified for this engagement")
		} else if domain.ErrorCode(err) != domain.ENotFound {
			return err
		}
		if err := c.Validate(domain.DateOf(a.Now()), ref.Engagement.ClosedOn); err != nil {
			return err
		}
		c.EngagementID, c.CertifiedBy, c.CertifierName, c.CreatedAt = id, actor.ID, actor.Name, a.Now()
		if err := tx.CreateCertificate(ctx, &c); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, Record{Action: "engagement.certify", ObjectType: "engagement", ObjectID: id, MatterID: ref.Matter.ID,
			Summary: fmt.Sprintf("certified the matter's data %s on %s", strings.ToLower(c.Method.Label()), c.CertifiedOn)})
	})
	return c, err
}

// EvaluateVendor records the attorney's evaluation of the vendor's work on
// a closed engagement, once; it feeds the vendor's scorecard.
func (a *App) EvaluateVendor(ctx context.Context, actor domain.User, id int64, ev domain.Evaluation) (domain.Evaluation, error) {
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		// The evaluation, like the certificate, is the work left after close.
		ref, err := a.onEngagement(ctx, tx, actor, id, domain.ActivityCertify, nil, stewardOf(actor))
		if err != nil {
			return err
		}
		if _, err := tx.Evaluation(ctx, id); err == nil {
			return domain.Errorf(domain.EConflict, "the vendor's work on this engagement was already evaluated")
		} else if domain.ErrorCode(err) != domain.ENotFound {
			return err
		}
		if err := ev.Validate(); err != nil {
			return err
		}
		ev.EngagementID, ev.VendorID, ev.EvaluatedBy, ev.EvaluatorName, ev.CreatedAt = id, ref.Engagement.VendorID, actor.ID, actor.Name, a.Now()
		if err := tx.CreateEvaluation(ctx, &ev); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, Record{Action: "engagement.evaluate", ObjectType: "engagement", ObjectID: id, MatterID: ref.Matter.ID,
			Summary: fmt.Sprintf("evaluated the vendor's work: quality %d, timeliness %d, communication %d, compliance %d (average %.1f)",
				ev.Quality, ev.Timeliness, ev.Communication, ev.Compliance, ev.Average())})
	})
	return ev, err
}

// ClosingView is the engagement's close page: pause history, close, and
// what follows it.
type ClosingView struct {
	Header      store.EngagementSummary
	Pending     int // versions awaiting review
	Pauses      []domain.PauseEvent
	Certificate *domain.Certificate
	Evaluation  *domain.Evaluation
	FinalAudit  *domain.FinalAudit
	PausedCause string // while paused: manual, audit, consent or vendor
	CanPause    bool
	CanResume   bool
	CanClose    bool
	CanCertify  bool
	CanEvaluate bool
}

// Closed reports whether the engagement is closed.
func (v ClosingView) Closed() bool { return v.Header.Stage == domain.StageClosed }

// ClosingOf is the close page for firm users and the engagement's vendor
// users (who certify there after close); not for client contacts.
func (a *App) ClosingOf(ctx context.Context, actor domain.User, id int64) (ClosingView, error) {
	var v ClosingView
	err := a.Store.Read(ctx, func(tx *store.Tx) error {
		h, err := a.engagementHeader(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if actor.Role.IsClient() {
			return domain.NotFound("engagement")
		}
		v.Header = h
		if v.Pending, err = tx.CountPendingReviews(ctx, id); err != nil {
			return err
		}
		if v.Pauses, err = tx.PauseEvents(ctx, id); err != nil {
			return err
		}
		if c, err := tx.Certificate(ctx, id); err == nil {
			v.Certificate = &c
		} else if domain.ErrorCode(err) != domain.ENotFound {
			return err
		}
		if e, err := tx.Evaluation(ctx, id); err == nil {
			v.Evaluation = &e
		} else if domain.ErrorCode(err) != domain.ENotFound {
			return err
		}
		if f, err := tx.FinalAudit(ctx, id); err == nil {
			v.FinalAudit = &f
		} else if domain.ErrorCode(err) != domain.ENotFound {
			return err
		}
		if h.Stage == domain.StagePaused {
			if v.PausedCause, err = tx.PausedCause(ctx, id); err != nil {
				return err
			}
		}
		st := steward(actor, h.Engagement) == nil
		closeOK := domain.StageAllows(h.Stage, domain.ActivityClose) == nil
		v.CanPause = st && closeOK && domain.Pausable(h.Stage)
		v.CanResume = st && h.Stage == domain.StagePaused && (v.PausedCause == domain.PauseManual || v.PausedCause == domain.PauseAudit)
		v.CanClose = st && closeOK
		certOK := domain.StageAllows(h.Stage, domain.ActivityCertify) == nil
		v.CanCertify = certOK && Can(actor, LeadVendorTeam) && actor.VendorID == h.VendorID && v.Certificate == nil
		v.CanEvaluate = certOK && st && v.Evaluation == nil
		return nil
	})
	return v, err
}

// VendorScoreView is a vendor's average evaluation as its page shows it.
type VendorScoreView struct{ store.VendorScore }

// Format writes a score with one decimal.
func (VendorScoreView) Format(f float64) string { return fmt.Sprintf("%.1f", f) }

// VendorScore is a vendor's average evaluation, for its page (firm users).
func (a *App) VendorScore(ctx context.Context, actor domain.User, vendorID int64) (store.VendorScore, error) {
	var s store.VendorScore
	if !actor.Role.IsFirm() || actor.Disabled {
		return s, domain.Errorf(domain.EForbidden, "only the firm sees vendor evaluations")
	}
	err := a.Store.Read(ctx, func(tx *store.Tx) (err error) {
		s, err = tx.VendorEvaluations(ctx, vendorID)
		return err
	})
	return s, err
}

// closingObligation is the compliance record's evidence of a closed
// engagement's close: the vendor's certificate of return or destruction
// (its absence is a gap), the final audit and the evaluation.
func closingObligation(ctx context.Context, tx *store.Tx, e domain.Engagement, forClient bool) (Obligation, error) {
	o := Obligation{Key: "close", Name: "Close and return or destruction of data", State: ObligationMet}
	o.Facts = append(o.Facts, Fact{What: "Engagement closed; the vendor's access revoked", On: string(e.ClosedOn)})
	c, err := tx.Certificate(ctx, e.ID)
	switch {
	case err == nil:
		by := c.CertifierName
		if forClient {
			by = ""
		}
		o.Facts = append(o.Facts, Fact{What: "Certified: " + c.Method.Label(), On: string(c.CertifiedOn), By: by})
	case domain.ErrorCode(err) == domain.ENotFound:
		o.State, o.Status = ObligationGap, "No certificate of return or destruction"
		o.Facts = append(o.Facts, Fact{What: "The vendor has not certified the return or destruction of the matter's data."})
	default:
		return o, err
	}
	if f, err := tx.FinalAudit(ctx, e.ID); err == nil {
		fa, err := tx.AuditByPeriod(ctx, e.ID, "final") // the audit the schedule made of it, if any
		if err != nil && domain.ErrorCode(err) != domain.ENotFound {
			return o, err
		}
		if f.CompletedAt.IsZero() {
			what := "Final quality audit due"
			if fa.State == domain.AuditScoring {
				what = fmt.Sprintf("Final quality audit being scored (%d of %d items)", fa.Scored, fa.SampleSize)
			}
			o.Facts = append(o.Facts, Fact{What: what, On: string(f.DueOn)})
			if o.State == ObligationMet {
				o.State, o.Status = ObligationAttention, "Final audit due by "+string(f.DueOn)
			}
		} else {
			what := "Final quality audit done"
			if fa.Verdict != "" {
				what = fmt.Sprintf("Final quality audit done: %s, %d errors in %d items", fa.Verdict, fa.Errors, fa.SampleSize)
			}
			o.Facts = append(o.Facts, Fact{What: what, On: day(f.CompletedAt)})
		}
	} else if domain.ErrorCode(err) != domain.ENotFound {
		return o, err
	}
	if ev, err := tx.Evaluation(ctx, e.ID); err == nil {
		o.Facts = append(o.Facts, Fact{What: fmt.Sprintf("Vendor evaluated: %.1f of 5", ev.Average()), On: day(ev.CreatedAt), By: ev.EvaluatorName})
	} else if domain.ErrorCode(err) != domain.ENotFound {
		return o, err
	}
	if o.Status == "" {
		o.Status = "Data return or destruction certified"
	}
	return o, nil
}
