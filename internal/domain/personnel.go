package domain

import (
	"fmt"
	"strings"
	"time"
)

// Personnel is what the firm knows of one vendor professional (ABA Formal
// Op. 08-451: know the provider's people): their place on the team, their
// background, and the NDA and training that let them do engagement work.
// It is keyed by the vendor user's id.
type Personnel struct {
	UserID          int64
	Position        string // role on the vendor's team: "Senior reviewer"
	Education       string
	ExperienceYears int
	BackgroundCheck Date // when the background check was completed
	NDASigned       Date
	NDAExpires      Date // optional: an NDA without an end date
	// Confidentiality and ethics training: when completed, and when it
	// must be renewed.
	ConfidentialityDone    Date
	ConfidentialityExpires Date
	EthicsDone             Date
	EthicsExpires          Date
	BarAdmissions          []BarAdmission
	UpdatedAt              time.Time
}

// Bar admission statuses.
var barStatuses = []string{"active", "inactive", "suspended"}

// Validate checks a personnel record before it is stored: lengths, years of
// experience, dates that are dates, nothing completed after today, expiries
// after what they follow, and bar admissions with a jurisdiction each.
func (p *Personnel) Validate(today Date) error {
	var err error
	if p.Position, err = text("position", p.Position, false, 100, "the position"); err != nil {
		return err
	}
	if p.Education, err = text("education", p.Education, false, 500, "the education"); err != nil {
		return err
	}
	if p.ExperienceYears < 0 || p.ExperienceYears > 70 {
		return Invalid("experience_years", "years of experience must be between 0 and 70")
	}
	dates := []struct {
		field string
		d     *Date
		past  bool
	}{
		{"background_check_on", &p.BackgroundCheck, true},
		{"nda_signed_on", &p.NDASigned, true},
		{"nda_expires_on", &p.NDAExpires, false},
		{"confidentiality_completed_on", &p.ConfidentialityDone, true},
		{"confidentiality_expires_on", &p.ConfidentialityExpires, false},
		{"ethics_completed_on", &p.EthicsDone, true},
		{"ethics_expires_on", &p.EthicsExpires, false},
	}
	for _, x := range dates {
		d, err := ParseDate(x.field, strings.TrimSpace(string(*x.d)))
		if err != nil {
			return err
		}
		if x.past && d != "" && d > today {
			return Invalid(x.field, "%s is in the future", d)
		}
		*x.d = d
	}
	pairs := []struct {
		field       string
		start, end  Date
		what, needs string
	}{
		{"nda_expires_on", p.NDASigned, p.NDAExpires, "the NDA's end", "the date it was signed"},
		{"confidentiality_expires_on", p.ConfidentialityDone, p.ConfidentialityExpires, "the confidentiality training's renewal", "its completion"},
		{"ethics_expires_on", p.EthicsDone, p.EthicsExpires, "the ethics training's renewal", "its completion"},
	}
	for _, x := range pairs {
		if x.end != "" && x.start == "" {
			return Invalid(x.field, "%s needs %s first", x.what, x.needs)
		}
		if x.end != "" && x.end <= x.start {
			return Invalid(x.field, "%s must come after %s", x.what, x.needs)
		}
	}
	if p.ConfidentialityDone != "" && p.ConfidentialityExpires == "" {
		return Invalid("confidentiality_expires_on", "say when the confidentiality training must be renewed")
	}
	if p.EthicsDone != "" && p.EthicsExpires == "" {
		return Invalid("ethics_expires_on", "say when the ethics training must be renewed")
	}
	if len(p.BarAdmissions) > 20 {
		return Invalid("bar_admissions", "at most 20 bar admissions")
	}
	seen := map[string]bool{}
	for i := range p.BarAdmissions {
		b := &p.BarAdmissions[i]
		f := fmt.Sprintf("bar_admissions.%d.", i+1)
		if b.Jurisdiction, err = text(f+"jurisdiction", b.Jurisdiction, true, 100, "the jurisdiction"); err != nil {
			return err
		}
		if seen[strings.ToLower(b.Jurisdiction)] {
			return Invalid(f+"jurisdiction", "%s is listed twice", b.Jurisdiction)
		}
		seen[strings.ToLower(b.Jurisdiction)] = true
		if b.Number, err = text(f+"number", b.Number, false, 50, "the bar number"); err != nil {
			return err
		}
		if b.Status == "" {
			b.Status = "active"
		}
		ok := false
		for _, s := range barStatuses {
			ok = ok || b.Status == s
		}
		if !ok {
			return Invalid(f+"status", "%q is not a bar status (active, inactive or suspended)", b.Status)
		}
		if b.AdmittedOn, err = ParseDate(f+"admitted_on", string(b.AdmittedOn)); err != nil {
			return err
		}
		if b.AdmittedOn > today {
			return Invalid(f+"admitted_on", "%s is in the future", b.AdmittedOn)
		}
	}
	return nil
}

// PersonnelState is whether a person may do engagement work today.
type PersonnelState string

// Personnel states.
const (
	PersonnelClear    PersonnelState = "clear"
	PersonnelExpiring PersonnelState = "expiring" // clear, but something lapses within ExpiryWarningDays
	PersonnelBlocked  PersonnelState = "blocked"
)

// Label says the state in plain words.
func (s PersonnelState) Label() string {
	switch s {
	case PersonnelBlocked:
		return "Blocked from engagement work"
	case PersonnelExpiring:
		return "Renewal due soon"
	}
	return "Clear"
}

// PersonnelStatus is a person's standing on a day, with the reasons: what
// blocks them (Blocks) and what lapses soon (Warnings).
type PersonnelStatus struct {
	State    PersonnelState
	Blocks   []string
	Warnings []string
}

// PersonnelStatus applies the rule: an NDA not signed or expired, or
// confidentiality or ethics training missing or expired, blocks the person
// from engagement work until renewed; any of them lapsing within
// ExpiryWarningDays is a warning.
func (p Personnel) PersonnelStatus(today Date) PersonnelStatus {
	var st PersonnelStatus
	check := func(what string, done, expires Date, missing string) {
		switch {
		case done == "":
			st.Blocks = append(st.Blocks, missing)
		case ExpiryOn(expires, today) == DateExpired:
			st.Blocks = append(st.Blocks, fmt.Sprintf("%s expired on %s", what, expires))
		case ExpiryOn(expires, today) == DateExpiring:
			st.Warnings = append(st.Warnings, fmt.Sprintf("%s expires on %s", what, expires))
		}
	}
	check("the NDA", p.NDASigned, p.NDAExpires, "no signed NDA is on record")
	check("confidentiality training", p.ConfidentialityDone, p.ConfidentialityExpires, "confidentiality training has not been completed")
	check("ethics training", p.EthicsDone, p.EthicsExpires, "ethics training has not been completed")
	switch {
	case len(st.Blocks) > 0:
		st.State = PersonnelBlocked
	case len(st.Warnings) > 0:
		st.State = PersonnelExpiring
	default:
		st.State = PersonnelClear
	}
	return st
}

// Reason joins the blocks, or the warnings when nothing blocks.
func (s PersonnelStatus) Reason() string {
	if len(s.Blocks) > 0 {
		return strings.Join(s.Blocks, "; ")
	}
	return strings.Join(s.Warnings, "; ")
}
