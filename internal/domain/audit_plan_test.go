package domain

import (
	"slices"
	"strings"
	"testing"
)

func goodPlan() AuditPlan {
	return AuditPlan{Cadence: AuditMonthly, Population: PopulationDeliverables,
		Sampling:     SampleSpec{Method: MethodProportion, Confidence: 0.95, Margin: 0.05},
		MaxErrorRate: 0.05, Criteria: slices.Clone(DefaultRubric)}
}

func TestSamplingPlanValidation(t *testing.T) {
	p, err := ValidatePlan(goodPlan())
	if err != nil {
		t.Fatal(err)
	}
	if p.PositiveLabel != "responsive" || p.Switch != SwitchNormal || p.EveryN != 0 {
		t.Errorf("normalised %+v", p)
	}
	in := goodPlan()
	in.Cadence, in.Population, in.Stratify = AuditEveryBatch, PopulationBatchItems, true
	in.Sampling = SampleSpec{Method: MethodZeroDefect, Confidence: 0.9500000001, MaxErrorRate: 0.02}
	in.MaxErrorRate = 0
	in.EveryN = 7
	in.Criteria = []Criterion{{Key: " Coding ", Name: " Coding ", Weight: "Critical"}}
	p, err = ValidatePlan(in)
	if err != nil {
		t.Fatal(err)
	}
	if p.MaxErrorRate != 0.02 || p.Sampling.Confidence != 0.95 || p.EveryN != 0 || p.Criteria[0] != (Criterion{Key: "coding", Name: "Coding", Weight: WeightCritical}) {
		t.Errorf("zero-defect plan normalised to %+v", p)
	}
	in = goodPlan()
	in.Sampling = SampleSpec{Method: MethodZ14, Confidence: 0.95, Level: "iii", Accept: 3}
	in.MaxErrorRate = 0
	if p, err = ValidatePlan(in); err != nil || p.Sampling.Reject != 4 || p.Sampling.Level != "III" {
		t.Errorf("z14 plan: %+v %v", p.Sampling, err)
	}

	many := make([]Criterion, 21)
	for i := range many {
		many[i] = Criterion{Key: "k" + itoaTest(i), Name: "K", Weight: WeightMinor}
	}
	for _, c := range []struct {
		field string
		edit  func(p *AuditPlan)
	}{
		{"cadence", func(p *AuditPlan) { p.Cadence = "daily" }},
		{"population", func(p *AuditPlan) { p.Population = "emails" }},
		{"every_n", func(p *AuditPlan) { p.Cadence = AuditEveryN }},
		{"every_n", func(p *AuditPlan) { p.Cadence, p.EveryN = AuditEveryN, 10001 }},
		{"population", func(p *AuditPlan) { p.Cadence, p.EveryN, p.Population = AuditEveryN, 5, PopulationBatchItems }},
		{"population", func(p *AuditPlan) { p.Cadence = AuditEveryBatch }},
		{"method", func(p *AuditPlan) { p.Sampling.Method = "" }},
		{"confidence", func(p *AuditPlan) { p.Sampling.Confidence = 1 }},
		{"margin", func(p *AuditPlan) { p.Sampling.Margin = 0 }},
		{"expected", func(p *AuditPlan) { p.Sampling.Expected = 2 }},
		{"max_error_rate", func(p *AuditPlan) { p.MaxErrorRate = 0 }},
		{"max_error_rate", func(p *AuditPlan) { p.MaxErrorRate = 1 }},
		{"max_error_rate", func(p *AuditPlan) { p.Sampling = SampleSpec{Method: MethodZeroDefect, Confidence: 0.95} }},
		{"level", func(p *AuditPlan) { p.Sampling = SampleSpec{Method: MethodZ14, Confidence: 0.95, Level: "IV"} }},
		{"reject", func(p *AuditPlan) {
			p.Sampling = SampleSpec{Method: MethodZ14, Confidence: 0.95, Level: "II", Accept: 1, Reject: 5}
		}},
		{"accept", func(p *AuditPlan) {
			p.Sampling = SampleSpec{Method: MethodZ14, Confidence: 0.95, Level: "II", Accept: -1}
		}},
		{"stratify", func(p *AuditPlan) { p.Stratify = true }},
		{"criteria", func(p *AuditPlan) { p.Criteria = nil }},
		{"criteria", func(p *AuditPlan) { p.Criteria = many }},
		{"criteria", func(p *AuditPlan) { p.Criteria = []Criterion{{Key: "a b", Name: "A", Weight: WeightMajor}} }},
		{"criteria", func(p *AuditPlan) {
			p.Criteria = []Criterion{{Key: strings.Repeat("a", 41), Name: "A", Weight: WeightMajor}}
		}},
		{"criteria", func(p *AuditPlan) {
			p.Criteria = []Criterion{{Key: "a", Name: "A", Weight: WeightMajor}, {Key: "A", Name: "B", Weight: WeightMinor}}
		}},
		{"criteria", func(p *AuditPlan) { p.Criteria = []Criterion{{Key: "a", Name: " ", Weight: WeightMajor}} }},
		{"criteria", func(p *AuditPlan) { p.Criteria = []Criterion{{Key: "a", Name: "A", Weight: "fatal"}} }},
		{"positive_label", func(p *AuditPlan) { p.PositiveLabel = strings.Repeat("x", 101) }},
		{"pause_after", func(p *AuditPlan) { p.PauseAfter = 11 }},
		{"pause_after", func(p *AuditPlan) { p.PauseAfter = -1 }},
		{"switch", func(p *AuditPlan) { p.Switch = "lenient" }},
	} {
		p := goodPlan()
		c.edit(&p)
		if _, err := ValidatePlan(p); ErrorCode(err) != EInvalid || ErrorField(err) != c.field {
			t.Errorf("%+v: %v; want invalid %s", p, err, c.field)
		}
	}
}

func itoaTest(i int) string { return string(rune('a'+i/10)) + string(rune('0'+i%10)) }
