package domain

import (
	"strings"
	"unicode/utf8"
)

// The firm's own time (issue 8 part 5): a firm timekeeper records time on a
// matter, for ordinary work (matter), for supervising an engagement's
// vendor work (supervision) or for redoing it (rework). Matter and
// supervision time is billed on client invoices; rework is recorded only to
// be counted against the saving, and never billed. An entry billed on a
// client invoice (ClientInvoiceID set) never changes.

// ParseTimePurpose validates a purpose (matter, supervision, rework).
func ParseTimePurpose(field, s string) (TimePurpose, error) {
	switch p := TimePurpose(strings.ToLower(strings.TrimSpace(s))); p {
	case PurposeMatter, PurposeSupervision, PurposeRework:
		return p, nil
	case "":
		return "", Invalid(field, "choose what the time was for: matter, supervision or rework")
	}
	return "", Invalid(field, "%q is not a purpose: choose matter, supervision or rework", s)
}

// Label names the purpose in words.
func (p TimePurpose) Label() string {
	switch p {
	case PurposeMatter:
		return "Work on the matter"
	case PurposeSupervision:
		return "Supervising vendor work"
	case PurposeRework:
		return "Redoing vendor work (never billed)"
	}
	return string(p)
}

// Billable reports whether time of this purpose is billed to the client.
func (p TimePurpose) Billable() bool { return p == PurposeMatter || p == PurposeSupervision }

// Billed reports whether a client invoice bills the entry (it is then final).
func (t FirmTimeEntry) Billed() bool { return t.ClientInvoiceID != 0 }

// FirmTimeRules is what a firm time entry is checked against.
type FirmTimeRules struct {
	Today    Date   // in the person's time zone
	DayTotal Tenths // what the person already recorded that day on every matter, without this entry
	// EngagementMatterID is the matter of the engagement the entry names (0
	// when it names none or the engagement is not found).
	EngagementMatterID int64
}

// Validate checks an entry and normalises its codes and narrative.
func (t *FirmTimeEntry) Validate(r FirmTimeRules) error {
	t.Narrative = strings.TrimSpace(t.Narrative)
	if t.MatterID == 0 {
		return Invalid("matter", "choose the matter the time was spent on")
	}
	if t.WorkedOn == "" {
		return Invalid("date", "give the day the work was done (YYYY-MM-DD)")
	}
	if r.Today.Before(t.WorkedOn) {
		return Invalid("date", "%s is in the future: record time only for work already done (today is %s)", t.WorkedOn, r.Today)
	}
	if t.Hours <= 0 {
		return Invalid("hours", "give the hours worked, more than 0, in tenths (such as 1.5)")
	}
	if r.DayTotal+t.Hours > MaxTenthsPerDay {
		return Invalid("hours", "%s hours on %s would make %s hours that day across all matters; no one records more than 24 hours in a day",
			t.Hours, t.WorkedOn, r.DayTotal+t.Hours)
	}
	var err error
	if t.Purpose, err = ParseTimePurpose("purpose", string(t.Purpose)); err != nil {
		return err
	}
	switch {
	case t.Purpose == PurposeMatter && t.EngagementID != 0:
		return Invalid("engagement", "time on the matter itself names no engagement; choose supervision or rework for time on vendor work")
	case t.Purpose != PurposeMatter && t.EngagementID == 0:
		return Invalid("engagement", "%s time names the engagement whose vendor work it was", t.Purpose)
	case t.Purpose != PurposeMatter && r.EngagementMatterID != t.MatterID:
		return Invalid("engagement", "engagement %d is not an engagement of this matter", t.EngagementID)
	}
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
