package domain

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// The communication plan: the first gate after an engagement opens. The
// firm and the vendor agree who talks to whom, over which channels, how
// often, in which hours and language, and to whom problems go; then they
// hold a kickoff meeting that both sides confirm.

// Channel is a way the firm and the vendor talk.
type Channel string

// Channels.
const (
	ChannelProbity Channel = "probity" // messages inside the engagement
	ChannelEmail   Channel = "email"
	ChannelVideo   Channel = "video"
	ChannelPhone   Channel = "phone"
)

// Channels lists every channel in display order.
var Channels = []Channel{ChannelProbity, ChannelEmail, ChannelVideo, ChannelPhone}

// Label names the channel.
func (c Channel) Label() string {
	switch c {
	case ChannelProbity:
		return "Probity messages"
	case ChannelEmail:
		return "Email"
	case ChannelVideo:
		return "Video calls"
	case ChannelPhone:
		return "Phone"
	}
	return string(c)
}

// Cadence is how often the two teams meet.
type Cadence string

// Cadences.
const (
	CadenceDaily       Cadence = "daily"
	CadenceTwiceWeekly Cadence = "twice_weekly"
	CadenceWeekly      Cadence = "weekly"
	CadenceFortnightly Cadence = "fortnightly"
	CadenceMonthly     Cadence = "monthly"
)

// Cadences lists every cadence, most frequent first.
var Cadences = []Cadence{CadenceDaily, CadenceTwiceWeekly, CadenceWeekly, CadenceFortnightly, CadenceMonthly}

// Label names the cadence.
func (c Cadence) Label() string {
	switch c {
	case CadenceDaily:
		return "Daily"
	case CadenceTwiceWeekly:
		return "Twice a week"
	case CadenceWeekly:
		return "Weekly"
	case CadenceFortnightly:
		return "Every two weeks"
	case CadenceMonthly:
		return "Monthly"
	}
	return string(c)
}

// WorkingHours is one side's working day: from Start to End ("HH:MM") in
// the IANA time zone TimeZone. An End at or before Start is a shift that
// ends the next morning.
type WorkingHours struct {
	TimeZone string
	Start    string
	End      string
}

// IsZero reports whether nothing was entered.
func (h WorkingHours) IsZero() bool { return h.TimeZone == "" && h.Start == "" && h.End == "" }

// String is "09:00–18:00 America/New_York".
func (h WorkingHours) String() string {
	if h.IsZero() {
		return ""
	}
	return h.Start + "–" + h.End + " " + h.TimeZone
}

// clock parses "HH:MM" into minutes after midnight.
func clock(s string) (int, bool) {
	t, err := time.Parse("15:04", s)
	if err != nil || len(s) != 5 {
		return 0, false
	}
	return t.Hour()*60 + t.Minute(), true
}

// validate checks the hours; prefix names the side's fields ("firm", "vendor").
func (h WorkingHours) validate(prefix string) error {
	if h.IsZero() {
		return nil
	}
	if strings.TrimSpace(h.TimeZone) == "" {
		return Invalid(prefix+"_time_zone", "give the time zone, e.g. America/New_York or Asia/Manila")
	}
	if _, err := time.LoadLocation(h.TimeZone); err != nil || h.TimeZone == "Local" {
		return Invalid(prefix+"_time_zone", "%q is not an IANA time zone; use a name such as America/New_York or Asia/Manila", h.TimeZone)
	}
	s, ok := clock(h.Start)
	if !ok {
		return Invalid(prefix+"_hours_start", "give the start of the working day as HH:MM, e.g. 09:00")
	}
	e, ok := clock(h.End)
	if !ok {
		return Invalid(prefix+"_hours_end", "give the end of the working day as HH:MM, e.g. 18:00")
	}
	if s == e {
		return Invalid(prefix+"_hours_end", "the working day must not start and end at the same time")
	}
	return nil
}

// window is the working day that starts on date d, as an instant interval.
func (h WorkingHours) window(y int, m time.Month, d int, loc *time.Location) (time.Time, time.Time) {
	s, _ := clock(h.Start)
	e, _ := clock(h.End)
	start := time.Date(y, m, d, s/60, s%60, 0, 0, loc)
	endDay := d
	if e <= s {
		endDay++
	}
	return start, time.Date(y, m, endDay, e/60, e%60, 0, 0, loc)
}

// Overlap is how long the firm's working day on date on (in the firm's
// zone) overlaps the vendor's working days around it: the hours both teams
// are at work. Each zone's offset is taken on that date, so daylight saving
// time counts.
func Overlap(on Date, firm, vendor WorkingHours) (time.Duration, error) {
	if firm.IsZero() || vendor.IsZero() {
		return 0, Invalid("working_hours", "both sides' working hours are needed to compute the overlap")
	}
	if err := firm.validate("firm"); err != nil {
		return 0, err
	}
	if err := vendor.validate("vendor"); err != nil {
		return 0, err
	}
	fl, _ := time.LoadLocation(firm.TimeZone)
	vl, _ := time.LoadLocation(vendor.TimeZone)
	t := on.Time()
	fs, fe := firm.window(t.Year(), t.Month(), t.Day(), fl)
	var total time.Duration
	// The vendor's working days that could touch the firm's: the day
	// before, the same calendar day and the day after.
	for off := -1; off <= 1; off++ {
		vd := t.AddDate(0, 0, off)
		vs, ve := vendor.window(vd.Year(), vd.Month(), vd.Day(), vl)
		s, e := fs, fe
		if vs.After(s) {
			s = vs
		}
		if ve.Before(e) {
			e = ve
		}
		if e.After(s) {
			total += e.Sub(s)
		}
	}
	return total, nil
}

// EscalationStep is one rung of the escalation path: who (a person or a
// role) and how quickly they answer.
type EscalationStep struct {
	Who           string `json:"who"`
	ResponseHours int    `json:"response_hours"`
}

// CommunicationPlan is how the firm and the vendor work together on one
// engagement.
type CommunicationPlan struct {
	EngagementID   int64
	FirmContacts   []int64 // users of the firm on the engagement's matter
	VendorContacts []int64 // vendor members of the engagement
	Channels       []Channel
	Cadence        Cadence
	Firm           WorkingHours
	Vendor         WorkingHours
	Escalation     []EscalationStep
	Language       string
	UpdatedBy      int64
	UpdatedAt      time.Time
}

// HasChannel reports whether the plan uses c.
func (p CommunicationPlan) HasChannel(c Channel) bool { return slices.Contains(p.Channels, c) }

// ParseChannels reads a set of channels, refusing unknown ones.
func ParseChannels(in []string) ([]Channel, error) {
	var out []Channel
	for _, s := range in {
		c := Channel(strings.TrimSpace(s))
		if c == "" {
			continue
		}
		if !slices.Contains(Channels, c) {
			return nil, Invalid("channels", "%q is not a channel: use probity, email, video or phone", s)
		}
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b Channel) int { return slices.Index(Channels, a) - slices.Index(Channels, b) })
	return out, nil
}

// Validate checks what was entered, naming the field at fault. A plan may
// be saved incomplete; Complete says what a confirmation still needs.
func (p CommunicationPlan) Validate() error {
	if _, err := ParseChannels(channelStrings(p.Channels)); err != nil {
		return err
	}
	if p.Cadence != "" && !slices.Contains(Cadences, p.Cadence) {
		return Invalid("cadence", "choose a meeting cadence: daily, twice_weekly, weekly, fortnightly or monthly")
	}
	if err := p.Firm.validate("firm"); err != nil {
		return err
	}
	if err := p.Vendor.validate("vendor"); err != nil {
		return err
	}
	if len(p.Escalation) > 10 {
		return Invalid("escalation", "an escalation path has at most 10 steps")
	}
	for i, s := range p.Escalation {
		if strings.TrimSpace(s.Who) == "" || utf8.RuneCountInString(s.Who) > 200 {
			return Invalid("escalation", "step %d: name the person or role (up to 200 characters)", i+1)
		}
		if s.ResponseHours < 1 || s.ResponseHours > 168 {
			return Invalid("escalation", "step %d (%s): give a response time between 1 and 168 hours", i+1, s.Who)
		}
	}
	if l := strings.TrimSpace(p.Language); utf8.RuneCountInString(l) > 60 {
		return Invalid("language", "name the working language in up to 60 characters, e.g. English")
	}
	return nil
}

func channelStrings(cs []Channel) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = string(c)
	}
	return out
}

// Missing lists, in plain words, what the plan still lacks before a side
// may confirm the kickoff (empty when complete).
func (p CommunicationPlan) Missing() []string {
	var out []string
	if len(p.FirmContacts) == 0 {
		out = append(out, "a point of contact at the firm")
	}
	if len(p.VendorContacts) == 0 {
		out = append(out, "a point of contact at the vendor")
	}
	if len(p.Channels) == 0 {
		out = append(out, "at least one channel")
	}
	if p.Cadence == "" {
		out = append(out, "a meeting cadence")
	}
	if p.Firm.IsZero() {
		out = append(out, "the firm's working hours and time zone")
	}
	if p.Vendor.IsZero() {
		out = append(out, "the vendor team's working hours and time zone")
	}
	if len(p.Escalation) == 0 {
		out = append(out, "an escalation path")
	}
	if strings.TrimSpace(p.Language) == "" {
		out = append(out, "a working language")
	}
	return out
}

// Complete returns nil when the plan has everything a kickoff confirmation
// needs, else an EGateClosed error listing what is missing.
func (p CommunicationPlan) Complete() error {
	if m := p.Missing(); len(m) > 0 {
		return Errorf(EGateClosed, "The communication plan is not complete: it still needs %s.", strings.Join(m, ", "))
	}
	return nil
}

// Kickoff is the kickoff meeting of an engagement and each side's
// confirmation of it.
type Kickoff struct {
	EngagementID        int64
	HeldAt              time.Time
	Attendees           string
	Notes               string
	RecordedBy          int64
	RecordedByName      string
	RecordedAt          time.Time
	FirmConfirmedBy     int64
	FirmConfirmedName   string
	FirmConfirmedAt     time.Time
	VendorConfirmedBy   int64
	VendorConfirmedName string
	VendorConfirmedAt   time.Time
}

// Recorded reports whether a kickoff meeting was recorded.
func (k Kickoff) Recorded() bool { return !k.HeldAt.IsZero() }

// Confirmed reports whether both sides confirmed it.
func (k Kickoff) Confirmed() bool { return k.FirmConfirmedBy != 0 && k.VendorConfirmedBy != 0 }

// Validate checks a kickoff being recorded at now.
func (k Kickoff) Validate(now time.Time) error {
	if k.HeldAt.IsZero() {
		return Invalid("held_at", "give the date and time the kickoff meeting was held")
	}
	if k.HeldAt.After(now.Add(time.Hour)) {
		return Invalid("held_at", "record the kickoff after it was held: %s is in the future", k.HeldAt.Format("2006-01-02 15:04"))
	}
	if strings.TrimSpace(k.Attendees) == "" {
		return Invalid("attendees", "list who attended, from both sides")
	}
	if utf8.RuneCountInString(k.Attendees) > 2000 {
		return Invalid("attendees", "the attendee list is too long (up to 2,000 characters)")
	}
	if utf8.RuneCountInString(k.Notes) > 20000 {
		return Invalid("notes", "the notes are too long (up to 20,000 characters)")
	}
	return nil
}

// Responsibility is one row of the responsibility allocation: who at the
// firm supervises a work area and who at the vendor leads it.
type Responsibility struct {
	ID             int64
	EngagementID   int64
	WorkArea       string
	AttorneyID     int64
	AttorneyName   string
	VendorPersonID int64
	VendorName     string
}

// Validate checks one row (i counts from 1 in messages).
func (r Responsibility) Validate(i int) error {
	if strings.TrimSpace(r.WorkArea) == "" || utf8.RuneCountInString(r.WorkArea) > 200 {
		return Invalid("work_area", "row %d: name the work area (up to 200 characters)", i)
	}
	if r.AttorneyID <= 0 {
		return Invalid("attorney", "row %d (%s): choose the supervising firm attorney", i, r.WorkArea)
	}
	if r.VendorPersonID <= 0 {
		return Invalid("vendor_person", "row %d (%s): choose the vendor's person who leads it", i, r.WorkArea)
	}
	return nil
}

// Member roles on an engagement.
const (
	MemberSupervisor = "supervisor"
	MemberVendorLead = "vendor_lead"
	MemberReviewer   = "reviewer"
	MemberAnalyst    = "analyst"
)

// VendorMemberRoles are the roles a vendor user may hold on an engagement.
var VendorMemberRoles = []string{MemberVendorLead, MemberReviewer, MemberAnalyst}

// MemberRoleLabel names a member role.
func MemberRoleLabel(r string) string {
	switch r {
	case MemberSupervisor:
		return "Supervising attorney"
	case MemberVendorLead:
		return "Vendor lead"
	case MemberReviewer:
		return "Reviewer"
	case MemberAnalyst:
		return "Analyst"
	}
	return r
}

// ParseMemberRole reads a vendor member's role.
func ParseMemberRole(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return MemberReviewer, nil
	}
	if !slices.Contains(VendorMemberRoles, s) {
		return "", Invalid("role", "%q is not a team role: use vendor_lead, reviewer or analyst", s)
	}
	return s, nil
}

// OverlapLabel says an overlap in hours and minutes ("3 h 30 min", "none").
func OverlapLabel(d time.Duration) string {
	if d <= 0 {
		return "no overlap"
	}
	h, m := int(d.Hours()), int(d.Minutes())%60
	if m == 0 {
		return fmt.Sprintf("%d h", h)
	}
	return fmt.Sprintf("%d h %d min", h, m)
}
