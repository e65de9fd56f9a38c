package domain

// An audit's results from its scored sample.

// AuditResults are the computed results of a scored audit.
type AuditResults struct {
	Scored     int               `json:"scored"`
	Errors     int               `json:"errors"`
	Wilson     Interval          `json:"wilson"`
	Exact      Interval          `json:"clopper_pearson"`
	UpperBound float64           `json:"upper_bound"` // one-sided Clopper–Pearson at the plan's confidence
	Verdict    string            `json:"verdict"`     // pass or fail ("" while items remain unscored)
	Statement  string            `json:"statement"`   // e.g. "With 95% confidence the error rate is below 1.9%."
	Criteria   []CriterionResult `json:"criteria"`
	People     []PersonResult    `json:"people,omitempty"`
	Review     *ReviewMetrics    `json:"review,omitempty"` // document review batches
}

// CriterionResult is one rubric criterion across the sample.
type CriterionResult struct {
	Criterion
	Failed int     `json:"failed"`
	Rate   float64 `json:"rate"`
}

// PersonResult is one vendor professional's (stratum's) error rate.
type PersonResult struct {
	Person string   `json:"person"`
	Rate   Interval `json:"rate"` // with its Wilson interval
}

// ReviewMetrics are document-review quality measures, with the vendor's
// decision as the prediction and the auditor's correct decision as truth
// (positive: the plan's PositiveLabel).
type ReviewMetrics struct {
	TruePositive  int     `json:"true_positive"`
	FalsePositive int     `json:"false_positive"`
	FalseNegative int     `json:"false_negative"`
	TrueNegative  int     `json:"true_negative"`
	Accuracy      float64 `json:"accuracy"`
	Precision     float64 `json:"precision"`
	Recall        float64 `json:"recall"`
	Elusion       float64 `json:"elusion"` // responsive items among the vendor's discards
}

// Evaluate computes the results of an audit from its sampled items (scored
// or not) under the audit's frozen spec, threshold and rubric. An item is
// in error when it failed a critical or major criterion or, when a correct
// decision is given, its decision differs. The verdict: z14 passes when the
// errors are at most Spec.Accept; the other methods pass when UpperBound is
// at most the audit's MaxErrorRate.
func Evaluate(a Audit, items []SampleItem, positiveLabel string) (AuditResults, error) {
	return AuditResults{}, errTodo
}
