package domain

import (
	"strings"
	"time"
	"unicode/utf8"
)

// TimeState is where a time entry is: draft, submitted, approved by the
// vendor manager (issue 8 invoices approved entries) or returned with a
// reason to be corrected and submitted again.
type TimeState string

// Time entry states.
const (
	TimeDraft     TimeState = "draft"
	TimeSubmitted TimeState = "submitted"
	TimeApproved  TimeState = "approved"
	TimeReturned  TimeState = "returned"
)

// MaxTenthsPerDay is 24 hours: no person records more in one day, across
// all engagements.
const MaxTenthsPerDay Tenths = 240

// TimeEntry is a vendor user's time on a work item of the approved
// statement of work, in tenths of an hour.
type TimeEntry struct {
	ID           int64
	EngagementID int64
	WorkItemID   int64
	WorkItem     string // the item's title, for lists
	UserID       int64
	UserName     string
	WorkedOn     Date
	Hours        Tenths
	TaskCode     string
	ActivityCode string
	Narrative    string
	State        TimeState
	ReturnReason string
	DecidedBy    int64
	DecidedAt    time.Time
	CreatedAt    time.Time
}

// TimeRules is what a time entry is checked against.
type TimeRules struct {
	Today      Date // in the person's time zone
	SOWOn      Date // the day the statement of work was approved
	DayTotal   Tenths
	MaxPerDay  Tenths // MaxTenthsPerDay unless a test says otherwise
	ItemExists bool
}

// Validate checks a time entry against the rules; DayTotal is what the
// person already recorded that day on every engagement, without this entry.
func (t *TimeEntry) Validate(r TimeRules) error {
	t.Narrative = strings.TrimSpace(t.Narrative)
	if !r.ItemExists || t.WorkItemID == 0 {
		return Invalid("item", "choose a work item of the approved statement of work")
	}
	if t.WorkedOn == "" {
		return Invalid("date", "give the day the work was done (YYYY-MM-DD)")
	}
	if r.Today.Before(t.WorkedOn) {
		return Invalid("date", "%s is in the future: record time only for work already done (today is %s)", t.WorkedOn, r.Today)
	}
	if t.WorkedOn.Before(r.SOWOn) {
		return Invalid("date", "%s is before the statement of work was approved (%s): no time is recorded before it", t.WorkedOn, r.SOWOn)
	}
	if t.Hours <= 0 {
		return Invalid("hours", "give the hours worked, more than 0, in tenths (such as 1.5)")
	}
	max := r.MaxPerDay
	if max == 0 {
		max = MaxTenthsPerDay
	}
	if r.DayTotal+t.Hours > max {
		return Invalid("hours", "%s hours on %s would make %s hours that day across all engagements; no one records more than 24 hours in a day",
			t.Hours, t.WorkedOn, r.DayTotal+t.Hours)
	}
	var err error
	if t.TaskCode, err = ParseTaskCode("task_code", t.TaskCode); err != nil {
		return err
	}
	if t.ActivityCode, err = ParseActivityCode("activity_code", t.ActivityCode); err != nil {
		return err
	}
	switch {
	case t.Narrative == "":
		return Invalid("narrative", "describe the work done")
	case utf8.RuneCountInString(t.Narrative) > 2000:
		return Invalid("narrative", "keep the narrative under 2,000 characters")
	}
	return nil
}

// Deadline is a task with a due date on an engagement, owned by a firm or
// vendor person on it; it may be tied to a work item.
type Deadline struct {
	ID           int64
	EngagementID int64
	Title        string
	DueOn        Date
	OwnerID      int64
	OwnerName    string
	WorkItemID   int64
	WorkItem     string
	CreatedBy    int64
	CreatedAt    time.Time
	DoneBy       int64
	DoneAt       time.Time
	// FromWorkItem marks a work item's due date shown as a deadline (not a
	// row of its own: it cannot be marked done).
	FromWorkItem bool
}

// Done reports whether the deadline is done.
func (d Deadline) Done() bool { return !d.DoneAt.IsZero() }

// Overdue reports whether the deadline is open and its day is before today
// (today in the viewer's time zone).
func (d Deadline) Overdue(today Date) bool { return !d.Done() && d.DueOn.Before(today) }

// DueToday reports whether the deadline is open and due today.
func (d Deadline) DueToday(today Date) bool { return !d.Done() && d.DueOn == today }

// ValidateNew checks a new deadline: a title, a due date not before today.
func (d *Deadline) ValidateNew(today Date) error {
	d.Title = strings.TrimSpace(d.Title)
	switch {
	case d.Title == "":
		return Invalid("title", "say what is due")
	case utf8.RuneCountInString(d.Title) > 200:
		return Invalid("title", "keep the title under 200 characters")
	case d.DueOn == "":
		return Invalid("due_on", "give the due date (YYYY-MM-DD)")
	case d.DueOn.Before(today):
		return Invalid("due_on", "the due date %s is before today (%s)", d.DueOn, today)
	case d.OwnerID == 0:
		return Invalid("owner", "choose who owns the deadline")
	}
	return nil
}

// TodayIn returns the calendar day of t in the named IANA zone, falling back
// to fallback and then UTC when a zone is empty or unknown.
func TodayIn(t time.Time, zone, fallback string) Date {
	for _, z := range []string{zone, fallback} {
		if z == "" {
			continue
		}
		if loc, err := time.LoadLocation(z); err == nil {
			return Date(t.In(loc).Format(time.DateOnly))
		}
	}
	return DateOf(t)
}
