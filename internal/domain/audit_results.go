package domain

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode/utf8"
)

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

// Verdicts of a completed audit.
const (
	VerdictPass = "pass"
	VerdictFail = "fail"
)

// DefaultPositiveLabel is the decision counted as positive in a document
// review when the plan names none.
const DefaultPositiveLabel = "responsive"

// MaxScoreNote is the longest note on a score, in characters.
const MaxScoreNote = 2000

// Evaluate computes the results of an audit from its sampled items (scored
// or not) under the audit's frozen spec, threshold and rubric. An item is
// in error when it failed a critical or major criterion or, when a correct
// decision is given, its decision differs. The verdict: z14 passes when the
// errors are at most Spec.Accept; the other methods pass when UpperBound is
// at most the audit's MaxErrorRate.
//
// Only scored items count. The intervals are at Spec.Confidence (left zero
// while nothing is scored); the verdict is given only when every item is
// scored. People lists each person (stratum) with a scored item, sorted by
// name, with the Wilson interval of their error rate. Review is computed
// over the scored items with a correct decision, when there are any:
// positive means a decision equal to positiveLabel (case-insensitive;
// DefaultPositiveLabel when empty); accuracy = (TP+TN)/all,
// precision = TP/(TP+FP), recall = TP/(TP+FN), elusion = FN/(FN+TN), each
// 0 when its denominator is 0.
func Evaluate(a Audit, items []SampleItem, positiveLabel string) (AuditResults, error) {
	c := a.Spec.Confidence
	if !(c > 0 && c < 1) {
		return AuditResults{}, Invalid("confidence", "the audit's confidence must be between 0 and 1 (exclusive); got %s", num(c))
	}
	if positiveLabel = strings.TrimSpace(positiveLabel); positiveLabel == "" {
		positiveLabel = DefaultPositiveLabel
	}
	res := AuditResults{Criteria: make([]CriterionResult, len(a.Criteria))}
	index := make(map[string]int, len(a.Criteria))
	for i, cr := range a.Criteria {
		res.Criteria[i] = CriterionResult{Criterion: cr}
		index[cr.Key] = i
	}
	type tally struct{ scored, errors int }
	people := map[string]*tally{}
	var review ReviewMetrics
	reviewed := 0
	for _, it := range items {
		if it.Score == nil {
			continue
		}
		res.Scored++
		inError := false
		for _, k := range it.Score.Failed {
			i, ok := index[k]
			if !ok {
				return AuditResults{}, Invalid("failed", "item %d: %q is not a criterion of this audit's rubric", it.Draw, k)
			}
			res.Criteria[i].Failed++
			if w := a.Criteria[i].Weight; w == WeightCritical || w == WeightMajor {
				inError = true
			}
		}
		decision := strings.TrimSpace(it.Decision)
		if cd := strings.TrimSpace(it.Score.CorrectDecision); cd != "" {
			if !strings.EqualFold(cd, decision) {
				inError = true
			}
			reviewed++
			predicted, actual := strings.EqualFold(decision, positiveLabel), strings.EqualFold(cd, positiveLabel)
			switch {
			case predicted && actual:
				review.TruePositive++
			case predicted:
				review.FalsePositive++
			case actual:
				review.FalseNegative++
			default:
				review.TrueNegative++
			}
		}
		if inError {
			res.Errors++
		}
		if it.Person != "" {
			t := people[it.Person]
			if t == nil {
				t = &tally{}
				people[it.Person] = t
			}
			t.scored++
			if inError {
				t.errors++
			}
		}
	}
	for i := range res.Criteria {
		res.Criteria[i].Rate = ratio(res.Criteria[i].Failed, res.Scored)
	}
	if reviewed > 0 {
		r := &review
		r.Accuracy = ratio(r.TruePositive+r.TrueNegative, reviewed)
		r.Precision = ratio(r.TruePositive, r.TruePositive+r.FalsePositive)
		r.Recall = ratio(r.TruePositive, r.TruePositive+r.FalseNegative)
		r.Elusion = ratio(r.FalseNegative, r.FalseNegative+r.TrueNegative)
		res.Review = r
	}
	names := make([]string, 0, len(people))
	for p := range people {
		names = append(names, p)
	}
	slices.Sort(names)
	for _, p := range names {
		iv, err := Wilson(people[p].errors, people[p].scored, c)
		if err != nil {
			return AuditResults{}, err
		}
		res.People = append(res.People, PersonResult{Person: p, Rate: iv})
	}
	if res.Scored == 0 {
		res.Statement = fmt.Sprintf("No item is scored yet (%d in the sample).", len(items))
		return res, nil
	}
	var err error
	if res.Wilson, err = Wilson(res.Errors, res.Scored, c); err != nil {
		return AuditResults{}, err
	}
	if res.Exact, err = ClopperPearson(res.Errors, res.Scored, c); err != nil {
		return AuditResults{}, err
	}
	if res.UpperBound, err = UpperBound(res.Errors, res.Scored, c); err != nil {
		return AuditResults{}, err
	}
	complete := res.Scored == len(items)
	var pass bool
	if res.Statement, pass, err = AuditStatement(a, res.Errors, res.Scored); err != nil {
		return AuditResults{}, err
	}
	if complete {
		res.Verdict = verdict(pass)
	} else {
		res.Statement = fmt.Sprintf("So far (%d of %d items scored): %s", res.Scored, len(items), res.Statement)
	}
	return res, nil
}

// AuditStatement states the result of errors found in scored items under
// the audit's frozen method and threshold, and whether that passes: Z1.4
// against the acceptance number; the other methods by the one-sided
// Clopper–Pearson upper bound (rounded up in the sentence, so it stays
// true) against the maximum error rate, which the sentence names. The
// auditor's results and the client's summary both say it here.
func AuditStatement(a Audit, errors, scored int) (string, bool, error) {
	if a.Spec.Method == MethodZ14 {
		pass := errors <= a.Spec.Accept
		within := fmt.Sprintf("within the acceptance number %d", a.Spec.Accept)
		if !pass {
			within = fmt.Sprintf("above the acceptance number %d", a.Spec.Accept)
		}
		return fmt.Sprintf("%d error%s in %d items: %s.", errors, plural(errors), scored, within), pass, nil
	}
	c := a.Spec.Confidence
	ub, err := UpperBound(errors, scored, c)
	if err != nil {
		return "", false, err
	}
	pass := ub <= a.MaxErrorRate
	limit := "within"
	if !pass {
		limit = "above"
	}
	return fmt.Sprintf("With %s%% confidence the error rate is below %s%%: %s the plan's limit of %s%%.", num(c*100), percentUp(ub), limit, num(a.MaxErrorRate*100)), pass, nil
}

func verdict(pass bool) string {
	if pass {
		return VerdictPass
	}
	return VerdictFail
}

// ratio is a/b, or 0 when b is 0.
func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// percentUp formats a rate as a percentage rounded up to one decimal, so
// "below" stays true (0.01862 → "1.9").
func percentUp(rate float64) string {
	v := math.Ceil(rate*1000-1e-9) / 10
	return num(math.Round(v*10) / 10)
}

// ValidateScore checks and normalises an auditor's score of a sampled item:
// failed keys trimmed, lower-cased, known to the audit's rubric, each once,
// and put in rubric order; the correct decision trimmed (at most 200
// characters); the note trimmed, valid text of at most MaxScoreNote
// characters. SampleID is set to the item's.
func ValidateScore(a Audit, item SampleItem, s ItemScore) (ItemScore, error) {
	seen := map[string]bool{}
	for _, k := range s.Failed {
		k = strings.ToLower(strings.TrimSpace(k))
		if !slices.ContainsFunc(a.Criteria, func(c Criterion) bool { return c.Key == k }) {
			return ItemScore{}, Invalid("failed", "%q is not a criterion of this audit's rubric", k)
		}
		if seen[k] {
			return ItemScore{}, Invalid("failed", "criterion %q is listed twice", k)
		}
		seen[k] = true
	}
	out := s
	out.SampleID = item.ID
	out.Failed = make([]string, 0, len(seen))
	for _, c := range a.Criteria {
		if seen[c.Key] {
			out.Failed = append(out.Failed, c.Key)
		}
	}
	out.CorrectDecision = strings.TrimSpace(s.CorrectDecision)
	if !utf8.ValidString(out.CorrectDecision) || utf8.RuneCountInString(out.CorrectDecision) > 200 {
		return ItemScore{}, Invalid("correct_decision", "the correct decision must be text of at most 200 characters")
	}
	out.Note = strings.TrimSpace(s.Note)
	if !utf8.ValidString(out.Note) {
		return ItemScore{}, Invalid("note", "the note is not valid text")
	}
	if n := utf8.RuneCountInString(out.Note); n > MaxScoreNote {
		return ItemScore{}, Invalid("note", "the note is %d characters; at most %d", n, MaxScoreNote)
	}
	return out, nil
}
