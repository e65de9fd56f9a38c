package domain

import (
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Security assessments: a vendor answers a versioned questionnaire of
// controls, attaching evidence; the firm scores it, records findings and
// decides. The rules here are pure: what a well-formed control is, what a
// well-typed answer is, whether an answer passes, the score, and which
// decisions the answers allow.

// AnswerType is the kind of answer a control takes.
type AnswerType string

// Answer types.
const (
	AnswerYesNo  AnswerType = "yes_no"
	AnswerNumber AnswerType = "number"
	AnswerChoice AnswerType = "choice"
	AnswerText   AnswerType = "text"
	AnswerDate   AnswerType = "date"
)

// AnswerTypes lists the answer types in display order.
var AnswerTypes = []AnswerType{AnswerYesNo, AnswerNumber, AnswerChoice, AnswerText, AnswerDate}

// Label names an answer type in plain words.
func (t AnswerType) Label() string {
	switch t {
	case AnswerYesNo:
		return "Yes or no"
	case AnswerNumber:
		return "Number"
	case AnswerChoice:
		return "One of a list"
	case AnswerText:
		return "Text"
	case AnswerDate:
		return "Date"
	}
	return string(t)
}

// EvidenceKind is the kind of document a control asks for.
type EvidenceKind string

// Evidence kinds. SOC 2 Type II reports and ISO/IEC 27001 certificates are
// what the sensitivity rules call certification.
const (
	EvidenceNone     EvidenceKind = ""
	EvidenceSOC2     EvidenceKind = "soc2_type2"
	EvidenceISO27001 EvidenceKind = "iso27001"
	EvidenceOther    EvidenceKind = "other"
)

// Label names an evidence kind.
func (k EvidenceKind) Label() string {
	switch k {
	case EvidenceSOC2:
		return "SOC 2 Type II report"
	case EvidenceISO27001:
		return "ISO/IEC 27001 certificate"
	case EvidenceOther:
		return "Supporting document"
	}
	return "None"
}

// Certifies reports whether accepted evidence of this kind counts as
// certification (SOC 2 Type II or ISO/IEC 27001).
func (k EvidenceKind) Certifies() bool { return k == EvidenceSOC2 || k == EvidenceISO27001 }

// PassRule says when an answer passes. Op is one of:
//
//	""               no rule: the control informs but does not score
//	"yes", "no"      a yes/no answer must be that
//	"max", "min"     a number must be at most / at least Arg
//	"within_months"  a date must be in the last Arg months (and not in the future)
//	"in"             a choice must be one of Options
//	"given"          a text answer must be given
type PassRule struct {
	Op      string
	Arg     float64
	Options []string
}

// String encodes the rule as stored ("max:72", "in:A|B", "yes").
func (r PassRule) String() string {
	switch r.Op {
	case "max", "min", "within_months":
		return r.Op + ":" + strconv.FormatFloat(r.Arg, 'f', -1, 64)
	case "in":
		return "in:" + strings.Join(r.Options, "|")
	}
	return r.Op
}

// ParsePassRule decodes a stored rule.
func ParsePassRule(s string) (PassRule, error) {
	op, arg, _ := strings.Cut(strings.TrimSpace(s), ":")
	r := PassRule{Op: op}
	switch op {
	case "", "yes", "no", "given":
		if arg != "" {
			return r, Invalid("pass_rule", "the rule %q takes no value", op)
		}
	case "max", "min", "within_months":
		v, err := strconv.ParseFloat(arg, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return r, Invalid("pass_rule", "the rule %q needs a number, as in %s:72", op, op)
		}
		r.Arg = v
	case "in":
		for o := range strings.SplitSeq(arg, "|") {
			if o = strings.TrimSpace(o); o != "" {
				r.Options = append(r.Options, o)
			}
		}
		if len(r.Options) == 0 {
			return r, Invalid("pass_rule", "the rule \"in\" needs the options that pass, as in in:A|B")
		}
	default:
		return r, Invalid("pass_rule", "%q is not a pass rule (yes, no, max:N, min:N, within_months:N, in:A|B, given, or none)", op)
	}
	return r, nil
}

// Describe says the rule in plain words.
func (r PassRule) Describe() string {
	n := strconv.FormatFloat(r.Arg, 'f', -1, 64)
	switch r.Op {
	case "yes":
		return "passes when answered yes"
	case "no":
		return "passes when answered no"
	case "max":
		return "passes at " + n + " or less"
	case "min":
		return "passes at " + n + " or more"
	case "within_months":
		return "passes when within the last " + n + " months"
	case "in":
		return "passes with: " + strings.Join(r.Options, "; ")
	case "given":
		return "passes when answered"
	}
	return "not scored"
}

// Control is one question of a questionnaire.
type Control struct {
	Key      string // stable identifier, e.g. "mfa_production"
	Area     string // the control area, e.g. "Access"
	Question string
	Type     AnswerType
	Options  []string // for choice controls
	Weight   int      // 1–10: its share of the score
	Critical bool     // failing it blocks unconditional approval
	Rule     PassRule
	Evidence EvidenceKind // what the vendor is asked to attach, if anything
}

// ControlMFA is the key of the control on multi-factor authentication for
// production access, which the sensitivity rules read.
const ControlMFA = "mfa_production"

var controlKeyRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// Validate checks a control and tidies its text.
func (c *Control) Validate() error {
	c.Key = strings.TrimSpace(c.Key)
	c.Area = strings.TrimSpace(c.Area)
	c.Question = strings.TrimSpace(c.Question)
	if !controlKeyRE.MatchString(c.Key) {
		return Invalid("key", "control key %q must be 1–40 lower-case letters, digits or underscores, starting with a letter", c.Key)
	}
	if c.Area == "" || utf8.RuneCountInString(c.Area) > 80 {
		return Invalid("area", "%s: the control area is required (at most 80 characters)", c.Key)
	}
	if c.Question == "" || utf8.RuneCountInString(c.Question) > 500 {
		return Invalid("question", "%s: the question is required (at most 500 characters)", c.Key)
	}
	if c.Weight < 1 || c.Weight > 10 {
		return Invalid("weight", "%s: the weight must be a whole number from 1 to 10", c.Key)
	}
	switch c.Evidence {
	case EvidenceNone, EvidenceSOC2, EvidenceISO27001, EvidenceOther:
	default:
		return Invalid("evidence", "%s: %q is not an evidence kind (soc2_type2, iso27001, other or none)", c.Key, c.Evidence)
	}
	opts := c.Options[:0:0]
	for _, o := range c.Options {
		if o = strings.TrimSpace(o); o != "" {
			opts = append(opts, o)
		}
	}
	c.Options = opts
	if c.Type == AnswerChoice {
		if len(c.Options) < 2 || len(c.Options) > 12 {
			return Invalid("options", "%s: a choice needs 2 to 12 options", c.Key)
		}
		seen := map[string]bool{}
		for _, o := range c.Options {
			if strings.ContainsAny(o, "|\r\n") || utf8.RuneCountInString(o) > 120 || !utf8.ValidString(o) {
				return Invalid("options", "%s: option %q must be UTF-8 text of at most 120 characters, without | or line breaks", c.Key, o)
			}
			if seen[strings.ToLower(o)] {
				return Invalid("options", "%s: option %q is listed twice", c.Key, o)
			}
			seen[strings.ToLower(o)] = true
		}
	} else if len(c.Options) > 0 {
		return Invalid("options", "%s: only choice controls have options", c.Key)
	}
	ok := map[AnswerType][]string{AnswerYesNo: {"", "yes", "no"}, AnswerNumber: {"", "max", "min"}, AnswerChoice: {"", "in"},
		AnswerText: {"", "given"}, AnswerDate: {"", "within_months"}}
	allowed, known := ok[c.Type]
	if !known {
		return Invalid("type", "%s: %q is not an answer type (yes_no, number, choice, text, date)", c.Key, c.Type)
	}
	if !slices.Contains(allowed, c.Rule.Op) {
		return Invalid("pass_rule", "%s: the rule %q does not fit a %s answer", c.Key, c.Rule.String(), c.Type.Label())
	}
	if c.Rule.Op == "within_months" && (c.Rule.Arg < 1 || c.Rule.Arg > 120 || c.Rule.Arg != math.Trunc(c.Rule.Arg)) {
		return Invalid("pass_rule", "%s: within_months takes a whole number of months from 1 to 120", c.Key)
	}
	if c.Rule.Op == "in" {
		for i, o := range c.Rule.Options {
			j := slices.IndexFunc(c.Options, func(x string) bool { return strings.EqualFold(x, o) })
			if j < 0 {
				return Invalid("pass_rule", "%s: the passing option %q is not one of the options", c.Key, o)
			}
			c.Rule.Options[i] = c.Options[j]
		}
	}
	return nil
}

// Scored reports whether the control counts towards the score.
func (c Control) Scored() bool { return c.Rule.Op != "" }

// ParseAnswer checks a raw answer (as typed in a form) against the
// control's type and returns its stored form: "yes"/"no", a plain decimal
// number, the option as offered, trimmed text, or YYYY-MM-DD. An empty
// answer is refused here: callers treat "" as "not answered".
func (c Control) ParseAnswer(raw string) (string, error) {
	s := strings.TrimSpace(raw)
	field := "answers." + c.Key
	switch c.Type {
	case AnswerYesNo:
		switch strings.ToLower(s) {
		case "yes":
			return "yes", nil
		case "no":
			return "no", nil
		}
		return "", Invalid(field, "answer yes or no, not %q", clip(s))
	case AnswerNumber:
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || strings.ContainsAny(s, "xXeEpP_") {
			return "", Invalid(field, "must be a number, such as 72, not %q", clip(s))
		}
		if v < 0 || v > 1e12 {
			return "", Invalid(field, "must be a number from 0 upwards")
		}
		return strconv.FormatFloat(v, 'f', -1, 64), nil
	case AnswerChoice:
		for _, o := range c.Options {
			// EqualFold reads any invalid byte as U+FFFD: "\xad" would
			// match an option "\xe2" without the checks.
			if utf8.ValidString(s) && utf8.ValidString(o) && strings.EqualFold(o, s) {
				return o, nil
			}
		}
		return "", Invalid(field, "%q is not one of the options offered: %s", clip(s), strings.Join(c.Options, "; "))
	case AnswerText:
		if utf8.RuneCountInString(s) > 4000 || !utf8.ValidString(s) {
			return "", Invalid(field, "must be at most 4000 characters")
		}
		return s, nil
	case AnswerDate:
		if _, err := time.Parse(time.DateOnly, s); err != nil {
			return "", Invalid(field, "%q is not a date: write it as YYYY-MM-DD, such as 2026-01-31", clip(s))
		}
		return s, nil
	}
	return "", Invalid(field, "the control has an unknown answer type")
}

func clip(s string) string {
	if utf8.RuneCountInString(s) > 40 {
		return string([]rune(s)[:40]) + "…"
	}
	return s
}

// Passes reports whether a stored answer passes the control's rule on a
// day. An unanswered control ("") never passes a scored rule.
func (c Control) Passes(value string, today Date) bool {
	if value == "" {
		return false
	}
	r := c.Rule
	switch r.Op {
	case "":
		return true
	case "yes", "no":
		return value == r.Op
	case "max", "min":
		v, err := strconv.ParseFloat(value, 64)
		if err != nil {
			return false
		}
		if r.Op == "max" {
			return v <= r.Arg
		}
		return v >= r.Arg
	case "within_months":
		d := Date(value)
		from := DateOf(today.Time().AddDate(0, -int(r.Arg), 0))
		return d <= today && d >= from
	case "in":
		return slices.Contains(r.Options, value)
	case "given":
		return strings.TrimSpace(value) != ""
	}
	return false
}

// Score is what the answers earn: the weighted share of passing scored
// controls, 0–100, and the controls that fail.
type Score struct {
	Value           int // 0–100, rounded half up
	Passing, Total  int // weights
	Failing         []Control
	FailingCritical []Control
}

// ScoreAnswers scores answers (control key → stored value) against controls
// on a day. Unanswered scored controls fail.
func ScoreAnswers(controls []Control, answers map[string]string, today Date) Score {
	var s Score
	for _, c := range controls {
		if !c.Scored() {
			continue
		}
		s.Total += c.Weight
		if c.Passes(answers[c.Key], today) {
			s.Passing += c.Weight
			continue
		}
		s.Failing = append(s.Failing, c)
		if c.Critical {
			s.FailingCritical = append(s.FailingCritical, c)
		}
	}
	if s.Total > 0 {
		s.Value = (200*s.Passing + s.Total) / (2 * s.Total)
	}
	return s
}

// QuestionnaireStatus is where a questionnaire version stands.
type QuestionnaireStatus string

// Questionnaire statuses: a draft is edited; a published version is frozen.
const (
	QuestionnaireDraft     QuestionnaireStatus = "draft"
	QuestionnairePublished QuestionnaireStatus = "published"
)

// Questionnaire is one version of a questionnaire template.
type Questionnaire struct {
	ID          int64
	Name        string
	Version     int
	Status      QuestionnaireStatus
	BasedOn     int64 // the version it was copied from
	Builtin     bool
	Controls    []Control
	CreatedAt   time.Time
	PublishedAt time.Time
}

// MaxControls bounds a questionnaire.
const MaxControls = 100

// Validate checks a questionnaire's name and controls.
func (q *Questionnaire) Validate() error {
	q.Name = strings.TrimSpace(q.Name)
	if q.Name == "" || utf8.RuneCountInString(q.Name) > 120 {
		return Invalid("name", "the questionnaire needs a name (at most 120 characters)")
	}
	if len(q.Controls) == 0 || len(q.Controls) > MaxControls {
		return Invalid("controls", "a questionnaire has 1 to %d controls", MaxControls)
	}
	seen := map[string]bool{}
	scored := false
	for i := range q.Controls {
		if err := q.Controls[i].Validate(); err != nil {
			return err
		}
		k := q.Controls[i].Key
		if seen[k] {
			return Invalid("key", "the control key %q is used twice", k)
		}
		seen[k] = true
		scored = scored || q.Controls[i].Scored()
	}
	if !scored {
		return Invalid("controls", "at least one control needs a pass rule, or nothing can be scored")
	}
	return nil
}

// Control finds a control by key.
func (q Questionnaire) Control(key string) (Control, bool) {
	for _, c := range q.Controls {
		if c.Key == key {
			return c, true
		}
	}
	return Control{}, false
}

// AssessmentStatus is where an assessment stands.
type AssessmentStatus string

// Assessment statuses.
const (
	AssessmentInProgress AssessmentStatus = "in_progress" // the vendor is answering
	AssessmentSubmitted  AssessmentStatus = "submitted"   // waiting for the firm's review
	AssessmentDecided    AssessmentStatus = "decided"
)

// Label says the status in plain words.
func (s AssessmentStatus) Label() string {
	switch s {
	case AssessmentInProgress:
		return "Waiting for the vendor's answers"
	case AssessmentSubmitted:
		return "Waiting for the firm's review"
	case AssessmentDecided:
		return "Decided"
	}
	return string(s)
}

// Decision is the firm's verdict on an assessment.
type Decision string

// Decisions.
const (
	DecisionApproved    Decision = "approved"
	DecisionConditional Decision = "conditional"
	DecisionRejected    Decision = "rejected"
)

// ParseDecision validates a decision.
func ParseDecision(s string) (Decision, error) {
	switch d := Decision(strings.TrimSpace(s)); d {
	case DecisionApproved, DecisionConditional, DecisionRejected:
		return d, nil
	}
	return "", Invalid("decision", "choose approved, conditional or rejected")
}

// Label names a decision.
func (d Decision) Label() string {
	switch d {
	case DecisionApproved:
		return "Approved"
	case DecisionConditional:
		return "Conditionally approved"
	case DecisionRejected:
		return "Rejected"
	}
	return "Not decided"
}

// Diligence is the vendor's due-diligence state a decision sets.
func (d Decision) Diligence() Diligence {
	switch d {
	case DecisionApproved:
		return DiligenceApproved
	case DecisionConditional:
		return DiligenceConditional
	}
	return DiligenceRejected
}

// Assessment is one security assessment of a vendor, pinned to the
// questionnaire version it was started on.
type Assessment struct {
	ID                   int64
	VendorID             int64
	VendorName           string
	QuestionnaireID      int64
	QuestionnaireName    string
	QuestionnaireVersion int
	Status               AssessmentStatus
	StartedBy            int64
	StartedByName        string
	StartedAt            time.Time
	SubmittedAt          time.Time
	SubmittedByName      string
	AutoScore            int  // the automatic score, fixed at the decision
	Overridden           bool // the reviewer set the score
	OverrideScore        int
	OverrideReason       string
	Decision             Decision
	DecisionNote         string
	DecidedByName        string
	DecidedAt            time.Time
	ApprovedUntil        Date
}

// FinalScore is the override if set, else the automatic score.
func (a Assessment) FinalScore() int {
	if a.Overridden {
		return a.OverrideScore
	}
	return a.AutoScore
}

// StatusLabel says where the assessment stands, decision included.
func (a Assessment) StatusLabel() string {
	if a.Status == AssessmentDecided {
		return a.Decision.Label()
	}
	return a.Status.Label()
}

// Answer is a vendor's answer to one control.
type Answer struct {
	Key        string
	Value      string
	Comment    string
	AnsweredBy int64
	AnsweredAt time.Time
}

// Severity grades a finding.
type Severity string

// Severities.
const (
	SeverityLow      Severity = "low"
	SeverityMedium   Severity = "medium"
	SeverityHigh     Severity = "high"
	SeverityCritical Severity = "critical"
)

// Severities lists them in order.
var Severities = []Severity{SeverityLow, SeverityMedium, SeverityHigh, SeverityCritical}

// ParseSeverity validates a severity.
func ParseSeverity(s string) (Severity, error) {
	for _, v := range Severities {
		if string(v) == strings.TrimSpace(s) {
			return v, nil
		}
	}
	return "", Invalid("severity", "choose low, medium, high or critical")
}

// Label names a severity.
func (s Severity) Label() string {
	if s == "" {
		return ""
	}
	return strings.ToUpper(string(s[:1])) + string(s[1:])
}

// Finding is what the reviewer found. Findings are shared with the vendor.
type Finding struct {
	ID           int64
	AssessmentID int64
	Severity     Severity
	ControlKey   string
	Text         string
	CreatedBy    string
	CreatedAt    time.Time
}

// RemediationItem is something a conditionally approved vendor must fix by a date.
type RemediationItem struct {
	ID           int64
	AssessmentID int64
	ControlKey   string // the control it remedies, if any
	Text         string
	DueOn        Date
	DoneAt       time.Time
	DoneBy       string
}

// Done reports whether the firm marked the item done.
func (r RemediationItem) Done() bool { return !r.DoneAt.IsZero() }

// Overdue reports whether the item is open past its date.
func (r RemediationItem) Overdue(today Date) bool { return !r.Done() && r.DueOn < today }

// Validate checks an item as the firm records it.
func (r *RemediationItem) Validate(today Date) error {
	r.Text = strings.TrimSpace(r.Text)
	if r.Text == "" || utf8.RuneCountInString(r.Text) > 500 {
		return Invalid("remediation", "each remediation item needs a description (at most 500 characters)")
	}
	if _, err := ParseDate("remediation", string(r.DueOn)); err != nil || r.DueOn == "" {
		return Invalid("remediation", "remediation item %q needs a deadline (YYYY-MM-DD)", clip(r.Text))
	}
	if r.DueOn < today {
		return Invalid("remediation", "the deadline of %q is in the past", clip(r.Text))
	}
	return nil
}

// EvidenceStatus is the reviewer's view of an evidence file.
type EvidenceStatus string

// Evidence statuses.
const (
	EvidencePending  EvidenceStatus = "pending"
	EvidenceAccepted EvidenceStatus = "accepted"
	EvidenceRejected EvidenceStatus = "rejected"
)

// Label names an evidence status.
func (s EvidenceStatus) Label() string {
	switch s {
	case EvidenceAccepted:
		return "Accepted"
	case EvidenceRejected:
		return "Not accepted"
	}
	return "Waiting for review"
}

// Evidence is a document attached to a control of an assessment.
type Evidence struct {
	ID           int64
	AssessmentID int64
	ControlKey   string
	Kind         EvidenceKind
	Status       EvidenceStatus
	ReviewNote   string
	Document     Document
}

// Document is a stored, encrypted file: what the database records of it.
// The content lives in the blob store, sealed with a data key that only
// WrappedKey (opened by the firm's key-encryption key) gives back.
type Document struct {
	ID           int64
	Kind         string // what it belongs to: "evidence" (matter documents later)
	Filename     string
	ContentType  string // sniffed from the content, never taken from the client
	Size         int64
	SHA256       string
	StorageKey   string
	WrappedKey   []byte
	KEKID        string
	UploadedBy   int64
	UploaderName string
	CreatedAt    time.Time
}

// DecisionInput is what the reviewer decides.
type DecisionInput struct {
	Decision      Decision
	Note          string
	ApprovedUntil Date // approvals only; default twelve months on
	Remediation   []RemediationItem
}

// CheckDecision applies the decision rules to a scored assessment on a day:
// a failing critical control rules out unconditional approval; a
// conditional approval needs remediation items, one for every failing
// critical control; a rejection needs a reason; an approval lasts until a
// day after today and at most three years.
func CheckDecision(in *DecisionInput, s Score, today Date) error {
	in.Note = strings.TrimSpace(in.Note)
	if utf8.RuneCountInString(in.Note) > 4000 {
		return Invalid("note", "the note must be at most 4000 characters")
	}
	if in.Decision != DecisionConditional && len(in.Remediation) > 0 {
		return Invalid("remediation", "remediation items go with a conditional approval")
	}
	switch in.Decision {
	case DecisionApproved:
		if len(s.FailingCritical) > 0 {
			return Invalid("decision", "it fails the critical control “%s”, so it cannot be approved unconditionally: approve it conditionally with a remediation item for that control, or reject it",
				s.FailingCritical[0].Question)
		}
	case DecisionConditional:
		if len(in.Remediation) == 0 {
			return Invalid("remediation", "a conditional approval needs at least one remediation item with a deadline")
		}
		for i := range in.Remediation {
			if err := in.Remediation[i].Validate(today); err != nil {
				return err
			}
		}
		for _, c := range s.FailingCritical {
			if !slices.ContainsFunc(in.Remediation, func(r RemediationItem) bool { return r.ControlKey == c.Key }) {
				return Invalid("remediation", "the critical control “%s” fails: add a remediation item for it (control %s)", c.Question, c.Key)
			}
		}
	case DecisionRejected:
		if in.Note == "" {
			return Invalid("note", "say why the vendor is rejected; the vendor sees this")
		}
		in.ApprovedUntil = ""
		return nil
	default:
		return Invalid("decision", "choose approved, conditional or rejected")
	}
	if in.ApprovedUntil == "" {
		in.ApprovedUntil = DateOf(today.Time().AddDate(1, 0, 0))
	}
	if _, err := ParseDate("approved_until", string(in.ApprovedUntil)); err != nil {
		return err
	}
	if in.ApprovedUntil <= today {
		return Invalid("approved_until", "the approval must last until a day after today")
	}
	if in.ApprovedUntil > DateOf(today.Time().AddDate(3, 0, 0)) {
		return Invalid("approved_until", "an approval lasts at most three years; reassess the vendor before then")
	}
	return nil
}

// ReminderThreshold is a point before (or at) an approval's lapse when the
// firm and the vendor are reminded.
type ReminderThreshold struct {
	Name     string // "60d", "30d", "7d", "lapsed"
	DaysLeft int    // remind once this few days are left (-1: the day after the last approved day)
}

// ReminderThresholds are the reminders of an approval, earliest first.
var ReminderThresholds = []ReminderThreshold{{"60d", 60}, {"30d", 30}, {"7d", 7}, {"lapsed", -1}}

// DaysBetween counts the calendar days from a to b (negative when b is earlier).
func DaysBetween(a, b Date) int {
	return int(math.Round(b.Time().Sub(a.Time()).Hours() / 24))
}

// DueReminders lists the thresholds an approval valid until `until` has
// reached on `today`, earliest first.
func DueReminders(until, today Date) []ReminderThreshold {
	if until == "" {
		return nil
	}
	left := DaysBetween(today, until)
	var out []ReminderThreshold
	for _, t := range ReminderThresholds {
		if left <= t.DaysLeft {
			out = append(out, t)
		}
	}
	return out
}
