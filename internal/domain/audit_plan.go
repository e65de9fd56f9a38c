package domain

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// Validation of an engagement's audit plan.

// Audit plan limits.
const (
	MaxCriteria  = 20
	MaxEveryN    = 10000
	nominalAudit = 1_000_000 // the population a plan's sampling spec is checked against when it names none
)

var criterionKey = regexp.MustCompile(`^[a-z0-9_]{1,40}$`)

// ValidatePlan checks every field of an audit plan and returns it
// normalised, or an EInvalid error naming the field at fault:
//   - cadence one of AuditCadences; every_n from 1 to MaxEveryN for
//     every_n_deliverables (0 otherwise); every_batch needs the batch_items
//     population and every_n_deliverables the deliverables population;
//   - the sampling spec valid under SampleSize (checked against its own
//     population, or a nominal 1,000,000 when it has none), its proportions
//     rounded to parts per million as they are stored;
//   - max_error_rate in (0,1) for the proportion and zero-defect methods
//     (zero-defect: the spec's error rate when not given);
//   - stratify only with the batch_items population (persons are named
//     per item);
//   - 1 to MaxCriteria criteria with unique keys of 1–40 lower-case
//     letters, digits and underscores, a name (at most 100 characters), a
//     known weight, a description of at most 500 characters;
//   - positive_label at most 100 characters (DefaultPositiveLabel when
//     empty); pause_after from 0 to MaxPauseAfter; switch state known
//     (normal when empty).
func ValidatePlan(p AuditPlan) (AuditPlan, error) {
	if !slices.Contains(AuditCadences, p.Cadence) {
		return p, Invalid("cadence", "%q is not a cadence (weekly, fortnightly, monthly, every_n_deliverables or every_batch)", p.Cadence)
	}
	if p.Population != PopulationDeliverables && p.Population != PopulationBatchItems {
		return p, Invalid("population", "%q is not a population (deliverables or batch_items)", p.Population)
	}
	switch p.Cadence {
	case AuditEveryN:
		if p.EveryN < 1 || p.EveryN > MaxEveryN {
			return p, Invalid("every_n", "audit every N deliverables needs N from 1 to %d; got %d", MaxEveryN, p.EveryN)
		}
		if p.Population != PopulationDeliverables {
			return p, Invalid("population", "audits every N deliverables sample the deliverables")
		}
	case AuditEveryBatch:
		p.EveryN = 0
		if p.Population != PopulationBatchItems {
			return p, Invalid("population", "audits of every batch sample the batch's items (batch_items)")
		}
	default:
		p.EveryN = 0
	}
	s := p.Sampling
	s.Confidence, s.Margin, s.Expected, s.MaxErrorRate = ppm(s.Confidence), ppm(s.Margin), ppm(s.Expected), ppm(s.MaxErrorRate)
	p.MaxErrorRate = ppm(p.MaxErrorRate)
	check := s
	if check.Population <= 0 {
		check.Population = nominalAudit
	}
	res, err := SampleSize(check)
	if err != nil {
		return p, err
	}
	s.Level, s.Reject = res.Spec.Level, res.Spec.Reject
	switch s.Method {
	case MethodProportion:
		s.MaxErrorRate, s.Level, s.Accept, s.Reject = 0, "", 0, 0
	case MethodZeroDefect:
		s.Margin, s.Expected, s.Level, s.Accept, s.Reject = 0, 0, "", 0, 0
		if p.MaxErrorRate == 0 {
			p.MaxErrorRate = s.MaxErrorRate
		}
	case MethodZ14:
		s.Margin, s.Expected, s.MaxErrorRate = 0, 0, 0
		p.MaxErrorRate = 0
	}
	p.Sampling = s
	if s.Method != MethodZ14 && !(p.MaxErrorRate > 0 && p.MaxErrorRate < 1) {
		return p, Invalid("max_error_rate", "the largest acceptable error rate must be between 0 and 1 (exclusive), such as 0.02; got %s", num(p.MaxErrorRate))
	}
	if p.Stratify && p.Population != PopulationBatchItems {
		return p, Invalid("stratify", "stratified sampling needs the batch_items population, whose items name the person who did them")
	}
	if err := validateCriteria(p.Criteria); err != nil {
		return p, err
	}
	p.Criteria = normaliseCriteria(p.Criteria)
	p.PositiveLabel = strings.TrimSpace(p.PositiveLabel)
	if p.PositiveLabel == "" {
		p.PositiveLabel = DefaultPositiveLabel
	}
	if !utf8.ValidString(p.PositiveLabel) || utf8.RuneCountInString(p.PositiveLabel) > 100 {
		return p, Invalid("positive_label", "the positive decision must be text of at most 100 characters")
	}
	if p.PauseAfter < 0 || p.PauseAfter > MaxPauseAfter {
		return p, Invalid("pause_after", "pause after must be from 0 (never) to %d consecutive failed audits; got %d", MaxPauseAfter, p.PauseAfter)
	}
	switch p.Switch {
	case "":
		p.Switch = SwitchNormal
	case SwitchNormal, SwitchTightened, SwitchReduced:
	default:
		return p, Invalid("switch", "%q is not a switch state (normal, tightened or reduced)", p.Switch)
	}
	return p, nil
}

// ppm rounds a proportion to parts per million, as the store keeps it.
func ppm(f float64) float64 {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return f
	}
	return math.Round(f*1e6) / 1e6
}

func validateCriteria(cs []Criterion) error {
	if len(cs) < 1 || len(cs) > MaxCriteria {
		return Invalid("criteria", "the rubric needs 1 to %d criteria; got %d", MaxCriteria, len(cs))
	}
	seen := map[string]bool{}
	for i, c := range normaliseCriteria(cs) {
		at := fmt.Sprintf("criterion %d", i+1)
		if !criterionKey.MatchString(c.Key) {
			return Invalid("criteria", "%s: the key %q must be 1–40 lower-case letters, digits or underscores", at, c.Key)
		}
		if seen[c.Key] {
			return Invalid("criteria", "%s: the key %q is used twice", at, c.Key)
		}
		seen[c.Key] = true
		if c.Name == "" || !utf8.ValidString(c.Name) || utf8.RuneCountInString(c.Name) > 100 {
			return Invalid("criteria", "%s (%s): the name is required, at most 100 characters", at, c.Key)
		}
		if c.Weight != WeightCritical && c.Weight != WeightMajor && c.Weight != WeightMinor {
			return Invalid("criteria", "%s (%s): %q is not a weight (critical, major or minor)", at, c.Key, c.Weight)
		}
		if !utf8.ValidString(c.Description) || utf8.RuneCountInString(c.Description) > 500 {
			return Invalid("criteria", "%s (%s): the description must be text of at most 500 characters", at, c.Key)
		}
	}
	return nil
}

// normaliseCriteria trims every field and lower-cases keys and weights.
func normaliseCriteria(cs []Criterion) []Criterion {
	out := make([]Criterion, len(cs))
	for i, c := range cs {
		out[i] = Criterion{
			Key:         strings.ToLower(strings.TrimSpace(c.Key)),
			Name:        strings.TrimSpace(c.Name),
			Weight:      Weight(strings.ToLower(strings.TrimSpace(string(c.Weight)))),
			Description: strings.TrimSpace(c.Description),
		}
	}
	return out
}

// Freeze fixes on au what its sample is drawn under, so later changes to
// the plan never change a drawn audit: the method and its parameters, the
// threshold, the rubric, the switch state and the seed.
func (p AuditPlan) Freeze(au *Audit, seed string) {
	au.Seed, au.Switch, au.Criteria, au.MaxErrorRate, au.Spec = seed, p.Switch, p.Criteria, p.MaxErrorRate, p.Sampling
}

// SampleSizeFor is the sample size for a population (or stratum) of n items
// under the plan's method and its current switch state, at most n.
func (p AuditPlan) SampleSizeFor(n int64) (int, error) {
	spec := p.Sampling
	spec.Population = n
	r, err := SampleSize(spec)
	if err != nil {
		return 0, err
	}
	return int(min(int64(SwitchedSize(r.Size, n, p.Switch)), n)), nil
}
