package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// Supervision, which cannot be skipped or handed over: every submitted
// deliverable version waits in the supervising attorney's review queue
// until that attorney approves it or requests changes (with a comment).
// Only the engagement's supervising attorney reviews, and only if an
// attorney: never a vendor user, never staff or a firm administrator who is
// not an attorney, never the person who submitted the work. Review time is
// recorded from the attorney's first opening of the version (its page or
// its file) to the decision; the attorney may also state the minutes spent.
// Release (to the client portal, or marked as used in the matter) is only of
// an approved, current version, by the supervising attorney.

// supervisor returns nil when actor is the engagement's supervising attorney.
func supervisor(actor domain.User, e domain.Engagement, what string) error {
	if actor.ID != e.SupervisingAttorneyID {
		return domain.Errorf(domain.EForbidden, "only the engagement's supervising attorney %s", what)
	}
	return nil
}

// versionOf loads version id of the engagement into v.
func versionOf(ctx context.Context, tx *store.Tx, id int64, v *domain.DeliverableVersion) func(domain.Engagement) error {
	return func(e domain.Engagement) (err error) {
		*v, err = tx.DeliverableVersion(ctx, e.ID, id)
		return err
	}
}

// ReviewView is one version as its reviewer sees it.
type ReviewView struct {
	Header      store.EngagementSummary
	Deliverable domain.Deliverable
	Version     domain.DeliverableVersion
	WorkItem    domain.WorkItem
	CanReview   bool // the supervising attorney, on a current version awaiting review
	CanRelease  bool // the supervising attorney, on an approved current version not yet released
}

// ReviewVersionOf shows a deliverable version for review. The supervising
// attorney's first opening of a version awaiting review starts its review
// time (recorded, not audited: the decision is).
func (a *App) ReviewVersionOf(ctx context.Context, actor domain.User, engagementID, versionID int64) (ReviewView, error) {
	var rv ReviewView
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		h, v, err := a.deliverablesAccess(ctx, tx, actor, engagementID, versionID)
		if err != nil {
			return err
		}
		if actor.Role.IsClient() {
			return domain.NotFound("deliverable version")
		}
		e := h.Engagement
		rv.Header, rv.Version = h, v
		if rv.Deliverable, err = tx.Deliverable(ctx, engagementID, rv.Version.DeliverableID); err != nil {
			return err
		}
		items, err := tx.WorkItems(ctx, engagementID)
		if err != nil {
			return err
		}
		for _, it := range items {
			if it.ID == rv.Deliverable.WorkItemID {
				rv.WorkItem = it
			}
		}
		isSup := Can(actor, ReviewDeliverables) && actor.ID == e.SupervisingAttorneyID && actor.ID != rv.Version.SubmittedBy
		rv.CanReview = isSup && domain.CanReview(rv.Version) == nil && domain.StageAllows(e.Stage, domain.ActivityReview) == nil
		rv.CanRelease = Can(actor, SuperviseEngagements) && actor.ID == e.SupervisingAttorneyID &&
			domain.CanRelease(rv.Version, domain.ReleaseToClient) == nil && domain.StageAllows(e.Stage, domain.ActivityRelease) == nil
		if rv.CanReview && rv.Version.OpenedAt.IsZero() {
			if err := tx.MarkVersionOpened(ctx, rv.Version.ID, a.Now()); err != nil {
				return err
			}
			rv.Version.OpenedAt = a.Now()
		}
		return nil
	})
	return rv, err
}

// ReviewDeliverable records the supervising attorney's decision on the
// current version of a deliverable. Refusals change nothing.
func (a *App) ReviewDeliverable(ctx context.Context, actor domain.User, engagementID, versionID int64, in domain.ReviewInput) (domain.DeliverableVersion, error) {
	var v domain.DeliverableVersion
	var mails []email
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		ref, err := a.onEngagement(ctx, tx, actor, engagementID, domain.ActivityReview, versionOf(ctx, tx, versionID, &v), func(e domain.Engagement) error {
			if err := require(actor, ReviewDeliverables); err != nil {
				return domain.Errorf(domain.EForbidden, "only an attorney reviews deliverables: the supervision of the work cannot be handed to anyone else")
			}
			return supervisor(actor, e, "reviews its deliverables")
		})
		if err != nil {
			return err
		}
		if v.SubmittedBy == actor.ID {
			return domain.Errorf(domain.EForbidden, "you submitted this version: no one approves their own work")
		}
		if err := in.Validate(); err != nil {
			return err
		}
		if err := domain.CanReview(v); err != nil {
			return err
		}
		d, err := tx.Deliverable(ctx, engagementID, v.DeliverableID)
		if err != nil {
			return err
		}
		now := a.Now()
		if v.OpenedAt.IsZero() {
			v.OpenedAt = now
		}
		v.Decision, v.ReviewComment, v.StatedMinutes = in.Decision, in.Comment, in.StatedMinutes
		v.ReviewedBy, v.ReviewerName, v.ReviewedAt = actor.ID, actor.Name, now
		v.ReviewSeconds = int64(now.Sub(v.OpenedAt).Seconds())
		if err := tx.ReviewVersion(ctx, v); err != nil {
			return err
		}
		what := "approved"
		if in.Decision == domain.ReviewChangesRequested {
			what = "requested changes to"
		}
		if mails, err = a.notifyReviewed(ctx, tx, actor, ref, d.Title, v); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, Record{Action: "deliverable.review", ObjectType: "engagement", ObjectID: engagementID, MatterID: ref.Matter.ID,
			Summary: fmt.Sprintf("%s deliverable %q version %d after %d minutes of review", what, d.Title, v.Version, v.ReviewMinutes())})
	})
	if err != nil {
		return domain.DeliverableVersion{}, err
	}
	a.mailQueued(mails...)
	return v, nil
}

// ReleaseDeliverable releases an approved, current version to the client
// portal (ReleaseToClient) or marks it as used in the matter. Refusals
// (not approved, changes requested, superseded, already released, not the
// supervising attorney) change nothing.
func (a *App) ReleaseDeliverable(ctx context.Context, actor domain.User, engagementID, versionID int64, kind domain.ReleaseKind) (domain.DeliverableVersion, error) {
	var v domain.DeliverableVersion
	var mails []email
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		ref, err := a.onEngagement(ctx, tx, actor, engagementID, domain.ActivityRelease, versionOf(ctx, tx, versionID, &v), func(e domain.Engagement) error {
			if err := require(actor, SuperviseEngagements); err != nil {
				return err
			}
			return supervisor(actor, e, "releases its work")
		})
		if err != nil {
			return err
		}
		if err := domain.CanRelease(v, kind); err != nil {
			return err
		}
		d, err := tx.Deliverable(ctx, engagementID, v.DeliverableID)
		if err != nil {
			return err
		}
		now := a.Now()
		if err := tx.ReleaseVersion(ctx, v.ID, kind, actor.ID, now); err != nil {
			return err
		}
		v.ReleaseKind, v.ReleasedBy, v.ReleaserName, v.ReleasedAt = kind, actor.ID, actor.Name, now
		if mails, err = a.notifyReleased(ctx, tx, ref, d.Title, v); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, Record{Action: "deliverable.release", ObjectType: "engagement", ObjectID: engagementID, MatterID: ref.Matter.ID,
			Summary: fmt.Sprintf("%s: deliverable %q version %d (approved %s)", strings.ToLower(kind.Label()), d.Title, v.Version, domain.DateOf(v.ReviewedAt))})
	})
	if err != nil {
		return domain.DeliverableVersion{}, err
	}
	a.mailQueued(mails...)
	return v, nil
}

// ReviewQueueItem is one version awaiting the attorney's review.
type ReviewQueueItem struct {
	store.PendingReview
	AgeDays int
	DueOn   domain.Date // the work item's due date, if any
	PastDue bool        // the work item's due date has passed
	Overdue bool        // the review waited more than domain.ReviewDays, or the work item is past due
}

// ReviewQueue is the deliverable versions awaiting actor's review as the
// supervising attorney, oldest first, with their age in days and the work
// item's due date. A review is overdue when it waited more than
// domain.ReviewDays days or the work item is past its due date. Attorneys
// only; its length (and its overdue items) are the counts dashboards show.
func (a *App) ReviewQueue(ctx context.Context, actor domain.User) ([]ReviewQueueItem, error) {
	if err := require(actor, ReviewDeliverables); err != nil {
		return nil, err
	}
	var out []ReviewQueueItem
	err := a.Store.Read(ctx, func(tx *store.Tx) error {
		ps, err := tx.PendingReviews(ctx, actor.ID)
		if err != nil {
			return err
		}
		today := domain.DateOf(a.Now())
		due := map[int64]domain.Date{}
		seen := map[int64]bool{}
		visible := map[int64]bool{}
		for _, p := range ps {
			if !seen[p.EngagementID] {
				seen[p.EngagementID] = true
				if _, err := tx.Engagement(ctx, ScopeFor(actor), p.EngagementID); err == nil {
					visible[p.EngagementID] = true
				} else if domain.ErrorCode(err) != domain.ENotFound {
					return err
				}
				items, err := tx.WorkItems(ctx, p.EngagementID)
				if err != nil {
					return err
				}
				for _, it := range items {
					due[it.ID] = it.DueOn
				}
			}
			if !visible[p.EngagementID] {
				continue
			}
			it := ReviewQueueItem{PendingReview: p, AgeDays: domain.ReviewAge(p.SubmittedAt, today), DueOn: due[p.WorkItemID]}
			it.PastDue = it.DueOn != "" && it.DueOn.Before(today)
			it.Overdue = it.PastDue || it.AgeDays > domain.ReviewDays
			out = append(out, it)
		}
		return nil
	})
	return out, err
}

// supervisionObligation is the compliance record's evidence of supervision
// on engagement e: each deliverable version with its reviewer, decision,
// date and review time, and each release. A version awaiting review needs
// attention; a release without approval (which the schema makes
// impossible) would be a gap; no version at all is "not recorded". The
// client's copy names no vendor personnel and quotes no review comment.
func supervisionObligation(ctx context.Context, tx *store.Tx, e domain.Engagement) (Obligation, error) {
	o := Obligation{Key: "supervision", Name: "Supervision reviews"}
	ds, err := tx.Deliverables(ctx, e.ID)
	if err != nil {
		return o, err
	}
	pending, reviewed, released := 0, 0, 0
	for _, d := range ds {
		for _, v := range d.Versions {
			name := fmt.Sprintf("%q version %d", d.Title, v.Version)
			switch {
			case v.Decision == domain.ReviewPending && !v.Superseded():
				pending++
				o.Facts = append(o.Facts, Fact{What: name + ": awaiting the supervising attorney's review", On: day(v.SubmittedAt)})
			case v.Decision != domain.ReviewPending:
				reviewed++
				o.Facts = append(o.Facts, Fact{What: fmt.Sprintf("%s: %s after %d minutes of review", name, strings.ToLower(v.Decision.Label()), v.ReviewMinutes()),
					On: day(v.ReviewedAt), By: v.ReviewerName})
			}
			if v.Released() {
				released++
				what := fmt.Sprintf("%s: %s", name, strings.ToLower(v.ReleaseKind.Label()))
				if v.Decision != domain.ReviewApproved {
					o.State = ObligationGap
					what += " WITHOUT the supervising attorney's approval"
				}
				o.Facts = append(o.Facts, Fact{What: what, On: day(v.ReleasedAt), By: v.ReleaserName})
			}
		}
	}
	switch {
	case o.State == ObligationGap:
		o.Status = "Work released without approval"
	case reviewed == 0 && pending == 0:
		return Obligation{Key: o.Key, Name: o.Name, State: ObligationGap, Status: NotRecorded,
			Facts: []Fact{{What: "No deliverable has been submitted for the supervising attorney's review on this engagement yet."}}}, nil
	case pending > 0:
		o.State, o.Status = ObligationAttention, fmt.Sprintf("%d reviewed, %d awaiting review, %d released", reviewed, pending, released)
	default:
		o.State, o.Status = ObligationMet, fmt.Sprintf("%d reviewed, %d released, all after approval", reviewed, released)
	}
	return o, nil
}
