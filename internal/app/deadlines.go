package app

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// Deadlines and the engagement's work page (issue 6 part 5). Deadlines open
// at the briefing stage: a title, a due date not before today, an owner who
// is a firm or vendor person on the engagement, optionally a work item.
// Overdue is computed from today in the viewer's time zone (else the
// firm's). The approved work items' due dates are shown as deadlines too.

// WorkView is what the engagement's work page shows.
type WorkView struct {
	Header store.EngagementSummary
	Today  domain.Date
	// FirmTimeZone is the zone a deadline's day belongs to: a deadline ends
	// at midnight there, and each viewer sees that moment in their own zone.
	FirmTimeZone string
	Deadlines    []domain.Deadline // rows and work-item due dates, by due date
	Items        []domain.WorkItem // the approved statement's work items
	Entries      []domain.TimeEntry
	// DayTotals is, per person and day shown, the hours recorded that day
	// across all engagements (key "userID/date").
	DayTotals map[string]domain.Tenths
	Owners    []domain.User // who may own a deadline
	// Why deadlines or time are closed ("" when open).
	DeadlinesClosed string
	TimeClosed      string
	CanAddDeadline  bool
	CanRecordTime   bool
	CanDecideTime   bool
	ViewerID        int64
}

// DayTotal is the hours userID recorded on day across all engagements.
func (v WorkView) DayTotal(userID int64, day domain.Date) domain.Tenths {
	return v.DayTotals[fmt.Sprintf("%d/%s", userID, day)]
}

// WorkOf reads an engagement's deadlines and time entries. Vendor
// professionals see their own time; the firm and the vendor manager see all.
func (a *App) WorkOf(ctx context.Context, actor domain.User, engagementID int64) (WorkView, error) {
	var v WorkView
	if actor.Role.IsClient() {
		return v, domain.NotFound("engagement")
	}
	v.ViewerID = actor.ID
	err := a.Store.Read(ctx, func(tx *store.Tx) error {
		h, err := a.engagementHeader(ctx, tx, actor, engagementID)
		if err != nil {
			return err
		}
		v.Header = h
		if v.Today, err = a.todayFor(ctx, tx, actor); err != nil {
			return err
		}
		if v.FirmTimeZone, _, err = tx.Setting(ctx, SettingFirmTimeZone); err != nil {
			return err
		}
		if v.Deadlines, err = tx.Deadlines(ctx, engagementID); err != nil {
			return err
		}
		if v.Items, err = tx.WorkItems(ctx, engagementID); err != nil {
			return err
		}
		for _, w := range v.Items {
			if w.DueOn != "" {
				v.Deadlines = append(v.Deadlines, domain.Deadline{EngagementID: engagementID, Title: "Due: " + w.Title, DueOn: w.DueOn,
					WorkItemID: w.ID, WorkItem: w.Title, FromWorkItem: true})
			}
		}
		slices.SortStableFunc(v.Deadlines, func(x, y domain.Deadline) int { return strings.Compare(string(x.DueOn), string(y.DueOn)) })
		own := int64(0)
		if actor.Role == domain.RoleVendorProfessional {
			own = actor.ID
		}
		if v.Entries, err = tx.TimeEntries(ctx, engagementID, own); err != nil {
			return err
		}
		v.DayTotals = map[string]domain.Tenths{}
		for _, t := range v.Entries {
			k := fmt.Sprintf("%d/%s", t.UserID, t.WorkedOn)
			if _, ok := v.DayTotals[k]; !ok {
				if v.DayTotals[k], err = tx.DayTotal(ctx, t.UserID, t.WorkedOn, 0); err != nil {
					return err
				}
			}
		}
		if err := domain.StageAllows(h.Stage, domain.ActivityDeadline); err != nil {
			v.DeadlinesClosed = domain.ErrorMessage(err)
		} else if Can(actor, SuperviseEngagements) || Can(actor, LeadVendorTeam) {
			v.CanAddDeadline = true
			if v.Owners, err = a.deadlineOwners(ctx, tx, engagementID); err != nil {
				return err
			}
		}
		if err := domain.StageAllows(h.Stage, domain.ActivityTime); err != nil {
			v.TimeClosed = domain.ErrorMessage(err)
		} else {
			v.CanRecordTime = Can(actor, RecordTime) && len(v.Items) > 0
			v.CanDecideTime = Can(actor, LeadVendorTeam)
		}
		return nil
	})
	return v, err
}

// deadlineOwners are the people on the engagement, firm and vendor, enabled.
func (a *App) deadlineOwners(ctx context.Context, tx *store.Tx, engagementID int64) ([]domain.User, error) {
	ms, err := tx.EngagementMembers(ctx, engagementID)
	if err != nil {
		return nil, err
	}
	var out []domain.User
	for _, m := range ms {
		u, err := tx.User(ctx, m.UserID)
		if err != nil {
			return nil, err
		}
		if !u.Disabled && !u.Role.IsClient() && !slices.ContainsFunc(out, func(x domain.User) bool { return x.ID == u.ID }) {
			out = append(out, u)
		}
	}
	return out, nil
}

// DeadlineInput is a new deadline as a form, request or command gives it.
type DeadlineInput struct {
	Title      string
	DueOn      string
	OwnerID    int64 // 0: the supervising attorney
	WorkItemID int64
}

// AddDeadline sets a deadline: the firm side (attorneys, firm
// administrators) or the vendor manager.
func (a *App) AddDeadline(ctx context.Context, actor domain.User, engagementID int64, in DeadlineInput) (domain.Deadline, error) {
	var d domain.Deadline
	if !Can(actor, SuperviseEngagements) && !Can(actor, LeadVendorTeam) {
		return d, domain.Errorf(domain.EForbidden, "deadlines are set by the supervising attorney's side or the vendor manager")
	}
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		ref, err := a.workEngagement(ctx, tx, actor, engagementID, domain.ActivityDeadline)
		if err != nil {
			return err
		}
		if in.OwnerID == 0 {
			in.OwnerID = ref.Engagement.SupervisingAttorneyID
		}
		d = domain.Deadline{EngagementID: engagementID, Title: in.Title, OwnerID: in.OwnerID, WorkItemID: in.WorkItemID, CreatedBy: actor.ID}
		if d.DueOn, err = domain.ParseDate("due_on", strings.TrimSpace(in.DueOn)); err != nil {
			return err
		}
		today, err := a.todayFor(ctx, tx, actor)
		if err != nil {
			return err
		}
		if err := d.ValidateNew(today); err != nil {
			return err
		}
		owners, err := a.deadlineOwners(ctx, tx, engagementID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(owners, func(u domain.User) bool { return u.ID == in.OwnerID })
		if i < 0 {
			return domain.Invalid("owner", "the owner must be a person on this engagement")
		}
		d.OwnerName = owners[i].Name
		if in.WorkItemID != 0 {
			w, err := tx.WorkItem(ctx, engagementID, in.WorkItemID)
			if domain.ErrorCode(err) == domain.ENotFound {
				return domain.Invalid("item", "choose a work item of this engagement")
			} else if err != nil {
				return err
			}
			d.WorkItem = w.Title
		}
		if err := tx.CreateDeadline(ctx, &d, a.Now()); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, Record{Action: "deadline.set", ObjectType: "deadline", ObjectID: d.ID, MatterID: ref.Matter.ID,
			Summary: fmt.Sprintf("deadline %q due %s, owned by %s", d.Title, d.DueOn, d.OwnerName)})
	})
	return d, err
}

// SetDeadlineDone marks a deadline done or open again: its owner, the firm
// side or the vendor manager.
func (a *App) SetDeadlineDone(ctx context.Context, actor domain.User, engagementID, id int64, done bool) error {
	if !Can(actor, WorkOnEngagements) {
		return domain.Errorf(domain.EForbidden, "only people on the engagement mark deadlines done")
	}
	return a.Store.Write(ctx, func(tx *store.Tx) error {
		ref, gate, err := a.workEngagementLater(ctx, tx, actor, engagementID, domain.ActivityDeadline)
		if err != nil {
			return err
		}
		d, err := tx.Deadline(ctx, engagementID, id)
		if err != nil {
			return err
		}
		if d.OwnerID != actor.ID && !Can(actor, SuperviseEngagements) && !Can(actor, LeadVendorTeam) {
			return domain.Errorf(domain.EForbidden, "only the deadline's owner, the supervising side or the vendor manager marks it")
		}
		if gate != nil {
			return gate
		}
		by, say := actor.ID, "done"
		if !done {
			by, say = 0, "open again"
		}
		ok, err := tx.SetDeadlineDone(ctx, id, by, a.Now())
		if err != nil || !ok {
			return err
		}
		return a.audit(ctx, tx, actor, Record{Action: "deadline.done", ObjectType: "deadline", ObjectID: id, MatterID: ref.Matter.ID,
			Summary: fmt.Sprintf("deadline %q marked %s", d.Title, say)})
	})
}
