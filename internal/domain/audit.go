package domain

import "time"

// Quality audits of vendor output (Model Rule 5.3: monitoring and review).
// An engagement has one audit plan: how often audits come due (cadence),
// what is audited (the population: deliverable versions, or the items of an
// imported batch), how the sample size is chosen (sampling.go) and the
// rubric the auditor scores each sampled item against. An audit draws its
// sample uniformly at random without replacement from a recorded seed, so
// anyone can reproduce which items were drawn; the auditor (an attorney or
// a firm reviewer, never the vendor) scores each item; the results
// (audit_results.go) give the error rate with Wilson and Clopper–Pearson
// intervals and pass or fail against the plan. Findings can raise
// corrective actions to the vendor. Consecutive results switch the plan
// between normal, tightened and reduced sampling (audit_switch.go).

// AuditCadence is how often an engagement's audits come due.
type AuditCadence string

// Audit cadences.
const (
	AuditWeekly      AuditCadence = "weekly"
	AuditFortnightly AuditCadence = "fortnightly"
	AuditMonthly     AuditCadence = "monthly"
	AuditEveryN      AuditCadence = "every_n_deliverables" // every N submitted deliverable versions (AuditPlan.EveryN)
	AuditEveryBatch  AuditCadence = "every_batch"          // every imported batch of items
)

// AuditCadences lists the cadences in display order.
var AuditCadences = []AuditCadence{AuditWeekly, AuditFortnightly, AuditMonthly, AuditEveryN, AuditEveryBatch}

// Population is what an audit samples from.
type Population string

// Populations.
const (
	PopulationDeliverables Population = "deliverables" // the engagement's submitted deliverable versions
	PopulationBatchItems   Population = "batch_items"  // the items of an imported batch (documents coded, contracts abstracted, entries drafted)
)

// SamplingMethod is how an audit's sample size is chosen (sampling.go).
type SamplingMethod string

// Sampling methods.
const (
	MethodProportion SamplingMethod = "proportion"  // margin of error for a proportion (Krejcie & Morgan; Cochran with finite-population correction)
	MethodZeroDefect SamplingMethod = "zero_defect" // accept if no error in n: n = ⌈ln(1−C)/ln(1−p)⌉
	MethodZ14        SamplingMethod = "z14"         // ISO 2859-1 / ANSI Z1.4 general inspection level, with the firm's Ac/Re
)

// Weight is how much a failed rubric criterion weighs. An item is in
// error when it fails any critical or major criterion (or, in a document
// review, its decision was wrong); minor findings are reported but do not
// make the item an error.
type Weight string

// Weights, most severe first.
const (
	WeightCritical Weight = "critical"
	WeightMajor    Weight = "major"
	WeightMinor    Weight = "minor"
)

// Criterion is one line of an audit rubric.
type Criterion struct {
	Key         string `json:"key"`  // short stable name: accuracy, completeness, ...
	Name        string `json:"name"` // as shown
	Weight      Weight `json:"weight"`
	Description string `json:"description,omitempty"`
}

// DefaultRubric is the rubric a new plan starts with.
var DefaultRubric = []Criterion{
	{Key: "accuracy", Name: "Accuracy", Weight: WeightCritical, Description: "The work is correct: facts, law, coding and citations."},
	{Key: "completeness", Name: "Completeness", Weight: WeightMajor, Description: "Nothing asked for is missing."},
	{Key: "jurisdiction", Name: "Jurisdictional compliance", Weight: WeightCritical, Description: "The briefing's jurisdictions and rules were followed."},
	{Key: "client_requirements", Name: "Client requirements", Weight: WeightMajor, Description: "The client's instructions in the briefing were followed."},
	{Key: "format", Name: "Format", Weight: WeightMinor, Description: "The agreed template and style."},
	{Key: "timeliness", Name: "Timeliness", Weight: WeightMinor, Description: "Delivered by its deadline."},
}

// SwitchState is the plan's current severity of sampling (audit_switch.go).
type SwitchState string

// Switch states.
const (
	SwitchNormal    SwitchState = "normal"
	SwitchTightened SwitchState = "tightened" // larger samples after failures
	SwitchReduced   SwitchState = "reduced"   // smaller samples after a run of passes, when the plan allows it
)

// AuditPlan is an engagement's audit plan.
type AuditPlan struct {
	ID           int64
	EngagementID int64
	Cadence      AuditCadence
	EveryN       int // AuditEveryN: audit every N submitted deliverable versions
	Population   Population
	Sampling     SampleSpec // method and its parameters; Sampling.Population is filled per audit
	// MaxErrorRate is the plan's threshold (proportion and zero-defect
	// methods): an audit passes when the one-sided Clopper–Pearson upper
	// bound of the error rate at Sampling.Confidence is at most this.
	MaxErrorRate  float64
	Stratify      bool   // draw per person (vendor professional) so individual error rates can be estimated
	PositiveLabel string // document review: the decision counted as positive (default "responsive")
	Criteria      []Criterion
	AuditorID     int64 // who is notified when an audit comes due (0: the supervising attorney)
	AuditorName   string
	AllowRelax    bool        // consecutive passes may reduce the sample
	PauseAfter    int         // pause the engagement after this many consecutive failed audits (0: never)
	Switch        SwitchState // current state, moved by completed audits
	UpdatedBy     int64
	UpdatedAt     time.Time
}

// AuditBatch is an imported batch of items to audit.
type AuditBatch struct {
	ID           int64
	EngagementID int64
	Name         string
	Items        int64
	People       int // distinct persons named in the batch
	ImportedBy   int64
	ImportedName string
	ImportedAt   time.Time
}

// PopulationItem is one item of an imported batch: the vendor's decision
// or output on it, and who at the vendor did it.
type PopulationItem struct {
	Position int64  // 1-based order in the batch
	Key      string // the item id as the vendor gave it (unique in the batch)
	Decision string // the vendor's decision or output, e.g. "responsive"
	Person   string // the vendor professional who did it (stratum)
	Metadata string // other columns, as JSON
}

// AuditKind is why an audit exists.
type AuditKind string

// Audit kinds.
const (
	AuditScheduled AuditKind = "scheduled" // came due by the plan's cadence
	AuditManual    AuditKind = "manual"    // started by the auditor
	AuditFinal     AuditKind = "final"     // the final audit at engagement close
)

// AuditState is where an audit is.
type AuditState string

// Audit states.
const (
	AuditDue       AuditState = "due"       // come due, sample not drawn yet
	AuditScoring   AuditState = "scoring"   // sample drawn, being scored
	AuditCompleted AuditState = "completed" // all items scored, verdict recorded
)

// Audit is one quality audit.
type Audit struct {
	ID           int64
	EngagementID int64
	Kind         AuditKind
	Period       string // what made it due, unique per engagement: "2026-W48", "2026-11", "batch:12", "deliverables:30", "final", "manual:<id>"
	DueOn        Date
	State        AuditState
	AuditorID    int64
	AuditorName  string
	BatchID      int64 // population batch_items: the batch sampled
	Population   int64 // population size when the sample was drawn
	SampleSize   int
	Seed         string     // the recorded seed (sampling.go: DrawSample)
	Spec         SampleSpec // the method and parameters used
	MaxErrorRate float64
	Switch       SwitchState // the switch state the sample was drawn under
	Criteria     []Criterion // the rubric, frozen when the sample was drawn
	Stratified   bool
	Scored       int    // items scored so far
	Errors       int    // items in error (completed audits)
	Verdict      string // "", "pass", "fail"
	Overdue      bool   // computed: due and not completed after DueOn
	StartedAt    time.Time
	CompletedAt  time.Time
	CreatedAt    time.Time
	// Matter and vendor names, filled by listings across engagements.
	MatterNumber string
	VendorName   string
}

// SampleItem is one drawn item and its score.
type SampleItem struct {
	ID                   int64
	AuditID              int64
	Draw                 int   // order drawn (1-based)
	Position             int64 // 1-based position in the population
	Key                  string
	DeliverableVersionID int64
	Decision             string // the vendor's decision (batch items)
	Person               string // stratum
	Score                *ItemScore
}

// ItemScore is the auditor's score of one sampled item.
type ItemScore struct {
	SampleID        int64
	Failed          []string // keys of the criteria the item failed
	CorrectDecision string   // document review: what the decision should have been ("" when not a review)
	Note            string
	ScoredBy        int64
	ScoredName      string
	ScoredAt        time.Time
}

// AuditFinding is a failed criterion of a scored item.
type AuditFinding struct {
	ID        int64
	AuditID   int64
	SampleID  int64
	ItemKey   string
	Criterion string
	Weight    Weight
	Note      string
}

// CorrectiveState is where a corrective action is.
type CorrectiveState string

// Corrective action states.
const (
	CorrectiveOpen      CorrectiveState = "open"      // raised, waiting for the vendor's response (or reopened)
	CorrectiveResponded CorrectiveState = "responded" // the vendor responded; the attorney verifies
	CorrectiveClosed    CorrectiveState = "closed"    // verified and closed by the attorney
)

// CorrectiveAction is a corrective-action request to the vendor.
type CorrectiveAction struct {
	ID           int64
	AuditID      int64
	EngagementID int64
	VendorID     int64
	FindingID    int64  // 0: raised on the audit as a whole
	Criterion    string // the finding's criterion key (with FindingID)
	ItemKey      string // the finding's item (with FindingID)
	Description  string
	DueOn        Date
	State        CorrectiveState
	RaisedBy     int64
	RaisedName   string
	RaisedAt     time.Time
	Response     string
	RespondedBy  int64
	RespondedAt  time.Time
	VerifyNote   string
	ClosedBy     int64
	ClosedAt     time.Time
	Overdue      bool // computed: not closed after DueOn
}

// Scorecard is a vendor's quality record, comparable across vendors.
type Scorecard struct {
	VendorID          int64
	VendorName        string
	Audits            int
	Passed            int
	Sampled           int // items scored across completed audits
	Errors            int
	ErrorRate         Interval // pooled error rate with its Wilson interval (95%)
	Months            []ScorecardMonth
	CorrectiveOpen    int
	CorrectiveClosed  int
	ClosedOnTime      int
	ReviewedVersions  int
	ChangesRequested  int     // rework: versions sent back
	ReviewTurnaround  float64 // median hours from submission to the attorney's decision
	EvaluationAverage float64 // attorneys' evaluations at close (1–5), 0 when none
	Evaluations       int
}

// ScorecardMonth is one month of a vendor's audits.
type ScorecardMonth struct {
	Month   string // YYYY-MM
	Audits  int
	Passed  int
	Sampled int
	Errors  int
	Rate    Interval
}
