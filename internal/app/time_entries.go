package app

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// Vendor time entries (issue 6 part 5). A vendor user records time against
// a work item of the approved statement of work: a day not in the future
// (in their time zone) and not before the statement was first approved,
// hours in tenths, never more than 24 hours a day across all engagements,
// UTBMS task and activity codes (defaulting to the work item's) and a
// narrative. Entries go draft → submitted → approved by the vendor manager
// (never their own) or returned with a reason.

// TimeEntryInput is a time entry as a form, request or command gives it.
type TimeEntryInput struct {
	WorkItemID   int64 // 0: the only work item, when the statement has one
	Date         string
	Hours        string
	TaskCode     string // default: the work item's
	ActivityCode string // default: the work item's
	Narrative    string
	Submit       bool // submit at once rather than keep a draft
}

// AddTimeEntry records a vendor user's time.
func (a *App) AddTimeEntry(ctx context.Context, actor domain.User, engagementID int64, in TimeEntryInput) (domain.TimeEntry, error) {
	var t domain.TimeEntry
	if err := require(actor, RecordTime); err != nil {
		return t, err
	}
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		ref, err := a.workEngagement(ctx, tx, actor, engagementID, domain.ActivityTime)
		if err != nil {
			return err
		}
		if t, err = a.checkTimeEntry(ctx, tx, actor, engagementID, 0, in); err != nil {
			return err
		}
		t.State = domain.TimeDraft
		if in.Submit {
			t.State = domain.TimeSubmitted
		}
		if err := tx.CreateTimeEntry(ctx, &t, a.Now()); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, Record{Action: "time.record", ObjectType: "time_entry", ObjectID: t.ID, MatterID: ref.Matter.ID,
			Summary: fmt.Sprintf("%s hours on %s recorded on work item %q (%s/%s), %s", t.Hours, t.WorkedOn, t.WorkItem, t.TaskCode, t.ActivityCode, t.State)})
	})
	return t, err
}

// checkTimeEntry parses and validates an entry of actor's (exceptID: the
// entry being corrected).
func (a *App) checkTimeEntry(ctx context.Context, tx *store.Tx, actor domain.User, engagementID, exceptID int64, in TimeEntryInput) (domain.TimeEntry, error) {
	t := domain.TimeEntry{EngagementID: engagementID, UserID: actor.ID, WorkItemID: in.WorkItemID, TaskCode: in.TaskCode, ActivityCode: in.ActivityCode,
		Narrative: in.Narrative}
	var rules domain.TimeRules
	items, err := tx.WorkItems(ctx, engagementID)
	if err != nil {
		return t, err
	}
	if in.WorkItemID == 0 && len(items) == 1 {
		t.WorkItemID, in.WorkItemID = items[0].ID, items[0].ID // the only work item there is
	}
	for _, w := range items {
		if w.ID == in.WorkItemID {
			rules.ItemExists = true
			t.WorkItem = w.Title
			if strings.TrimSpace(t.TaskCode) == "" {
				t.TaskCode = w.TaskCode
			}
			if strings.TrimSpace(t.ActivityCode) == "" {
				t.ActivityCode = w.ActivityCode
			}
		}
	}
	if t.WorkedOn, err = domain.ParseDate("date", strings.TrimSpace(in.Date)); err != nil {
		return t, err
	}
	if t.Hours, err = domain.ParseTenths("hours", in.Hours); err != nil {
		return t, err
	}
	if rules.Today, err = a.todayFor(ctx, tx, actor); err != nil {
		return t, err
	}
	if rules.SOWOn, err = tx.FirstSOWApproval(ctx, engagementID); err != nil {
		return t, err
	}
	if t.WorkedOn != "" {
		if rules.DayTotal, err = tx.DayTotal(ctx, actor.ID, t.WorkedOn, exceptID); err != nil {
			return t, err
		}
	}
	return t, t.Validate(rules)
}

// CorrectTimeEntry rewrites one's own draft or returned entry.
func (a *App) CorrectTimeEntry(ctx context.Context, actor domain.User, engagementID, id int64, in TimeEntryInput) (domain.TimeEntry, error) {
	var t domain.TimeEntry
	if err := require(actor, RecordTime); err != nil {
		return t, err
	}
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		ref, gate, err := a.workEngagementLater(ctx, tx, actor, engagementID, domain.ActivityTime)
		if err != nil {
			return err
		}
		old, err := tx.TimeEntry(ctx, engagementID, id)
		if err != nil {
			return err
		}
		if old.UserID != actor.ID {
			return domain.Errorf(domain.EForbidden, "only the person who recorded the time corrects it")
		}
		if gate != nil {
			return gate
		}
		if t, err = a.checkTimeEntry(ctx, tx, actor, engagementID, id, in); err != nil {
			return err
		}
		t.ID, t.State = id, domain.TimeDraft
		if in.Submit {
			t.State = domain.TimeSubmitted
		}
		if err := tx.UpdateTimeEntry(ctx, t, a.Now()); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, Record{Action: "time.correct", ObjectType: "time_entry", ObjectID: id, MatterID: ref.Matter.ID,
			Summary: fmt.Sprintf("time entry corrected: %s hours on %s, %s", t.Hours, t.WorkedOn, t.State)})
	})
	return t, err
}

// SubmitTimeEntry submits one's own draft or returned entry for approval.
func (a *App) SubmitTimeEntry(ctx context.Context, actor domain.User, engagementID, id int64) error {
	if err := require(actor, RecordTime); err != nil {
		return err
	}
	return a.Store.Write(ctx, func(tx *store.Tx) error {
		ref, gate, err := a.workEngagementLater(ctx, tx, actor, engagementID, domain.ActivityTime)
		if err != nil {
			return err
		}
		t, err := tx.TimeEntry(ctx, engagementID, id)
		if err != nil {
			return err
		}
		if t.UserID != actor.ID {
			return domain.Errorf(domain.EForbidden, "only the person who recorded the time submits it")
		}
		if gate != nil {
			return gate
		}
		if err := tx.SubmitTimeEntry(ctx, id, a.Now()); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, Record{Action: "time.submit", ObjectType: "time_entry", ObjectID: id, MatterID: ref.Matter.ID,
			Summary: fmt.Sprintf("%s hours on %s submitted for approval", t.Hours, t.WorkedOn)})
	})
}

// DecideTimeEntry approves a submitted entry, or returns it with a reason.
// The vendor manager, never for their own time.
func (a *App) DecideTimeEntry(ctx context.Context, actor domain.User, engagementID, id int64, approve bool, reason string) error {
	if err := require(actor, LeadVendorTeam); err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	return a.Store.Write(ctx, func(tx *store.Tx) error {
		ref, gate, err := a.workEngagementLater(ctx, tx, actor, engagementID, domain.ActivityTime)
		if err != nil {
			return err
		}
		t, err := tx.TimeEntry(ctx, engagementID, id)
		if err != nil {
			return err
		}
		switch {
		case t.UserID == actor.ID:
			return domain.Errorf(domain.EForbidden, "no one approves their own time: another manager of the vendor decides it")
		case gate != nil:
			return gate
		case t.State != domain.TimeSubmitted:
			return domain.Errorf(domain.EConflict, "the time entry is %s, not waiting for a decision", t.State)
		case !approve && reason == "":
			return domain.Invalid("reason", "say why the time entry is returned")
		case utf8.RuneCountInString(reason) > 2000:
			return domain.Invalid("reason", "keep the reason under 2,000 characters")
		}
		to, say := domain.TimeApproved, "approved"
		if !approve {
			to, say = domain.TimeReturned, "returned: "+reason
		} else {
			reason = ""
		}
		if err := tx.DecideTimeEntry(ctx, id, to, reason, actor.ID, a.Now()); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, Record{Action: "time.decide", ObjectType: "time_entry", ObjectID: id, MatterID: ref.Matter.ID,
			Summary: fmt.Sprintf("%s's %s hours on %s %s", t.UserName, t.Hours, t.WorkedOn, say)})
	})
}
