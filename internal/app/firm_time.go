package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// The firm's own time (issue 8 part 5). A firm timekeeper (a timekeeper
// record, kept by firm administrators on /admin/timekeepers) records time
// on a matter they can see: ordinary work, supervision of an engagement's
// vendor work, or rework of it (never billed, counted against the saving).
// An entry is changed or deleted only while no client invoice bills it, by
// its author or a firm administrator. Every change is audited.

// FirmTimeInput is a firm time entry as a form, request or command gives it.
type FirmTimeInput struct {
	MatterID     int64
	MatterNumber string // when MatterID is 0
	EngagementID int64
	Date         string
	Hours        string
	Purpose      string
	TaskCode     string
	ActivityCode string
	Narrative    string
}

// FirmTimeQuery narrows the firm time list.
type FirmTimeQuery struct {
	UserID   int64 // firm administrators: anyone's (0: everyone's); others: their own always
	MatterID int64
	From, To string // default: this month
}

// FirmTimeView is the firm time page.
type FirmTimeView struct {
	Entries      []domain.FirmTimeEntry
	Total        domain.Tenths
	From, To     domain.Date
	Today        domain.Date
	UserID       int64
	MatterID     int64
	IsTimekeeper bool
	CanFilterAll bool // a firm administrator may see everyone's
	People       []domain.Timekeeper
	Matters      []store.MatterSummary
	Engagements  []store.EngagementSummary
}

// notTimekeeper is the error for a firm user without a timekeeper record.
func notTimekeeper(u domain.User) error {
	return domain.Errorf(domain.EForbidden, "%s is not a timekeeper yet: a firm administrator must make them one on /admin/timekeepers before they record time", u.Name)
}

// FirmTime lists firm time entries: one's own this month, or for a firm
// administrator anyone's.
func (a *App) FirmTime(ctx context.Context, actor domain.User, q FirmTimeQuery) (FirmTimeView, error) {
	var v FirmTimeView
	if err := require(actor, RecordFirmTime); err != nil {
		return v, err
	}
	err := a.Store.Read(ctx, func(tx *store.Tx) error {
		s := ScopeFor(actor)
		var err error
		if v.Today, err = a.todayFor(ctx, tx, actor); err != nil {
			return err
		}
		if v.From, err = domain.ParseDate("from", strings.TrimSpace(q.From)); err != nil {
			return err
		}
		if v.To, err = domain.ParseDate("to", strings.TrimSpace(q.To)); err != nil {
			return err
		}
		if v.From == "" {
			v.From = domain.ByMonth.PeriodStart(v.Today)
		}
		if v.To == "" {
			v.To = v.Today
		}
		v.CanFilterAll = actor.Role == domain.RoleFirmAdmin
		v.UserID, v.MatterID = actor.ID, q.MatterID
		if v.CanFilterAll {
			v.UserID = q.UserID
			if v.People, err = tx.Timekeepers(ctx); err != nil {
				return err
			}
		}
		if _, err := tx.Timekeeper(ctx, actor.ID); err == nil {
			v.IsTimekeeper = true
		} else if domain.ErrorCode(err) != domain.ENotFound {
			return err
		}
		if v.Entries, err = tx.FirmTimeEntries(ctx, s, store.FirmTimeFilter{UserID: v.UserID, MatterID: q.MatterID, From: v.From, To: v.To}); err != nil {
			return err
		}
		for _, e := range v.Entries {
			v.Total += e.Hours
		}
		if v.Matters, err = tx.ListMatters(ctx, s, store.MatterFilter{Status: "open", Page: store.Page{Limit: store.MaxPageSize}}); err != nil {
			return err
		}
		v.Engagements, err = tx.ListEngagements(ctx, s, store.EngagementFilter{Page: store.Page{Limit: store.MaxPageSize}})
		return err
	})
	return v, err
}

// checkFirmTime parses and validates an entry of owner's (exceptID: the
// entry being changed).
func (a *App) checkFirmTime(ctx context.Context, tx *store.Tx, actor, owner domain.User, exceptID int64, in FirmTimeInput) (domain.FirmTimeEntry, error) {
	t := domain.FirmTimeEntry{MatterID: in.MatterID, EngagementID: in.EngagementID, UserID: owner.ID, UserName: owner.Name,
		Purpose: domain.TimePurpose(in.Purpose), TaskCode: in.TaskCode, ActivityCode: in.ActivityCode, Narrative: in.Narrative}
	s := ScopeFor(actor)
	if t.MatterID == 0 && strings.TrimSpace(in.MatterNumber) != "" {
		id, err := tx.MatterIDByNumber(ctx, strings.TrimSpace(in.MatterNumber))
		if err != nil {
			return t, err
		}
		if id == 0 {
			return t, domain.NotFound("matter")
		}
		t.MatterID = id
	}
	if t.MatterID == 0 {
		return t, domain.Invalid("matter", "choose the matter the time was spent on")
	}
	m, err := tx.Matter(ctx, s, t.MatterID)
	if err != nil {
		return t, err
	}
	if err := a.confidentialGate(ctx, tx, actor, m); err != nil {
		return t, err
	}
	t.MatterNumber = m.Number
	var rules domain.FirmTimeRules
	if t.EngagementID != 0 {
		e, err := tx.Engagement(ctx, s, t.EngagementID)
		if err != nil && domain.ErrorCode(err) != domain.ENotFound {
			return t, err
		}
		rules.EngagementMatterID = e.MatterID
	}
	if t.WorkedOn, err = domain.ParseDate("date", strings.TrimSpace(in.Date)); err != nil {
		return t, err
	}
	if t.Hours, err = domain.ParseTenths("hours", in.Hours); err != nil {
		return t, err
	}
	if rules.Today, err = a.todayFor(ctx, tx, owner); err != nil {
		return t, err
	}
	if t.WorkedOn != "" {
		if rules.DayTotal, err = tx.FirmDayTotal(ctx, owner.ID, t.WorkedOn, exceptID); err != nil {
			return t, err
		}
	}
	return t, t.Validate(rules)
}

// RecordFirmTimeEntry records the actor's own time.
func (a *App) RecordFirmTimeEntry(ctx context.Context, actor domain.User, in FirmTimeInput) (domain.FirmTimeEntry, error) {
	var t domain.FirmTimeEntry
	if err := require(actor, RecordFirmTime); err != nil {
		return t, err
	}
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.Timekeeper(ctx, actor.ID); domain.ErrorCode(err) == domain.ENotFound {
			return notTimekeeper(actor)
		} else if err != nil {
			return err
		}
		var err error
		if t, err = a.checkFirmTime(ctx, tx, actor, actor, 0, in); err != nil {
			return err
		}
		t.CreatedBy, t.CreatedAt = actor.ID, a.Now()
		if err := tx.InsertFirmTime(ctx, &t); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, Record{Action: "firm_time.record", ObjectType: "firm_time", ObjectID: t.ID, MatterID: t.MatterID,
			Summary: firmTimeSummary("recorded", t)})
	})
	return t, err
}

func firmTimeSummary(verb string, t domain.FirmTimeEntry) string {
	s := fmt.Sprintf("%s hours of %s time on %s %s on matter %s (%s/%s)", t.Hours, t.Purpose, t.WorkedOn, verb, t.MatterNumber, t.TaskCode, t.ActivityCode)
	if t.EngagementID != 0 {
		s += fmt.Sprintf(", engagement %d", t.EngagementID)
	}
	return s
}

// ownFirmTime loads an entry the actor may change: their own, or anyone's
// for a firm administrator; billed entries never change.
func (a *App) ownFirmTime(ctx context.Context, tx *store.Tx, actor domain.User, id int64) (domain.FirmTimeEntry, error) {
	s := ScopeFor(actor)
	t, err := tx.FirmTimeEntry(ctx, s, id)
	if err != nil {
		return t, err
	}
	m, err := tx.Matter(ctx, s, t.MatterID)
	if err != nil {
		return t, err
	}
	if err := a.confidentialGate(ctx, tx, actor, m); err != nil {
		return t, err
	}
	if t.UserID != actor.ID && actor.Role != domain.RoleFirmAdmin {
		return t, domain.Errorf(domain.EForbidden, "only the person who recorded the time, or a firm administrator, changes it")
	}
	if t.Billed() {
		return t, domain.Errorf(domain.EConflict, "the time entry is billed on a client invoice and no longer changes")
	}
	return t, nil
}

// EditFirmTime rewrites an unbilled entry (its author, or a firm administrator).
func (a *App) EditFirmTime(ctx context.Context, actor domain.User, id int64, in FirmTimeInput) (domain.FirmTimeEntry, error) {
	var t domain.FirmTimeEntry
	if err := require(actor, RecordFirmTime); err != nil {
		return t, err
	}
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		old, err := a.ownFirmTime(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		owner, err := tx.User(ctx, old.UserID)
		if err != nil {
			return err
		}
		if t, err = a.checkFirmTime(ctx, tx, actor, owner, id, in); err != nil {
			return err
		}
		t.ID, t.CreatedBy, t.CreatedAt, t.UserID = id, old.CreatedBy, old.CreatedAt, old.UserID
		if err := tx.UpdateFirmTime(ctx, t); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, Record{Action: "firm_time.edit", ObjectType: "firm_time", ObjectID: id, MatterID: t.MatterID,
			Summary: firmTimeSummary("corrected to", t)})
	})
	return t, err
}

// DeleteFirmTime removes an unbilled entry (its author, or a firm administrator).
func (a *App) DeleteFirmTime(ctx context.Context, actor domain.User, id int64) error {
	if err := require(actor, RecordFirmTime); err != nil {
		return err
	}
	return a.Store.Write(ctx, func(tx *store.Tx) error {
		t, err := a.ownFirmTime(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if err := tx.DeleteFirmTime(ctx, id); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, Record{Action: "firm_time.delete", ObjectType: "firm_time", ObjectID: id, MatterID: t.MatterID,
			Summary: fmt.Sprintf("%s's %s", t.UserName, firmTimeSummary("deleted", t))})
	})
}
