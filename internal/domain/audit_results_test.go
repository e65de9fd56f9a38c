package domain

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
)

func scored(draw int, person, decision string, failed []string, correct string) SampleItem {
	return SampleItem{ID: int64(draw), Draw: draw, Position: int64(draw), Key: fmt.Sprintf("DOC-%04d", draw), Person: person, Decision: decision,
		Score: &ItemScore{SampleID: int64(draw), Failed: failed, CorrectDecision: correct}}
}

func TestEvaluateProportion(t *testing.T) {
	a := Audit{Spec: SampleSpec{Method: MethodProportion, Confidence: 0.95}, MaxErrorRate: 0.02, Criteria: DefaultRubric}
	var items []SampleItem
	for i := 1; i <= 157; i++ {
		var failed []string
		if i%50 == 0 {
			failed = []string{"format"} // minor: reported, not an error
		}
		items = append(items, scored(i, "", "", failed, ""))
	}
	res, err := Evaluate(a, items, "")
	if err != nil {
		t.Fatal(err)
	}
	// 0 errors in 157: the one-sided bound is 1 − 0.05^(1/157) = 0.01890 → "1.9%".
	if res.Scored != 157 || res.Errors != 0 || math.Abs(res.UpperBound-(1-math.Pow(0.05, 1.0/157))) > 1e-12 {
		t.Errorf("results %+v", res)
	}
	if res.Statement != "With 95% confidence the error rate is below 1.9%: within the plan's limit of 2%." || res.Verdict != VerdictPass {
		t.Errorf("statement %q verdict %q", res.Statement, res.Verdict)
	}
	i := slices.IndexFunc(res.Criteria, func(c CriterionResult) bool { return c.Key == "format" })
	if len(res.Criteria) != len(DefaultRubric) || res.Criteria[i].Failed != 3 || math.Abs(res.Criteria[i].Rate-3.0/157) > 1e-15 {
		t.Errorf("criteria %+v", res.Criteria)
	}
	if res.Review != nil || res.People != nil {
		t.Errorf("no review or people expected: %+v %+v", res.Review, res.People)
	}
	// Two critical errors: the bound rises above 2%, the audit fails.
	items[3].Score.Failed = []string{"accuracy", "format"}
	items[9].Score.Failed = []string{"completeness"}
	res, _ = Evaluate(a, items, "")
	w, _ := Wilson(2, 157, 0.95)
	cp, _ := ClopperPearson(2, 157, 0.95)
	if res.Errors != 2 || res.Verdict != VerdictFail || res.Wilson != w || res.Exact != cp || !(res.UpperBound > 0.02) {
		t.Errorf("two errors: %+v", res)
	}
	// An unscored item: no verdict yet, and the statement says so.
	items[0].Score = nil
	res, _ = Evaluate(a, items, "")
	if res.Verdict != "" || res.Scored != 156 || !strings.HasPrefix(res.Statement, "So far (156 of 157 items scored)") {
		t.Errorf("partial: %q %q", res.Verdict, res.Statement)
	}
	// Nothing scored.
	res, err = Evaluate(a, []SampleItem{{Draw: 1}}, "")
	if err != nil || res.Scored != 0 || res.Verdict != "" || res.Wilson.N != 0 {
		t.Errorf("unscored: %+v %v", res, err)
	}
	// A failed key outside the rubric, a bad confidence.
	if _, err := Evaluate(a, []SampleItem{scored(1, "", "", []string{"vibes"}, "")}, ""); ErrorCode(err) != EInvalid {
		t.Errorf("unknown criterion: %v", err)
	}
	a.Spec.Confidence = 0
	if _, err := Evaluate(a, items, ""); ErrorField(err) != "confidence" {
		t.Errorf("confidence 0: %v", err)
	}
}

func TestEvaluateZ14(t *testing.T) {
	a := Audit{Spec: SampleSpec{Method: MethodZ14, Confidence: 0.95, Level: "II", Accept: 5, Reject: 6}, Criteria: DefaultRubric}
	var items []SampleItem
	for i := 1; i <= 125; i++ {
		var failed []string
		if i <= 3 {
			failed = []string{"jurisdiction"}
		}
		items = append(items, scored(i, "", "", failed, ""))
	}
	res, _ := Evaluate(a, items, "")
	if res.Statement != "3 errors in 125 items: within the acceptance number 5." || res.Verdict != VerdictPass {
		t.Errorf("%q %q", res.Statement, res.Verdict)
	}
	for i := 4; i <= 6; i++ {
		items[i].Score.Failed = []string{"accuracy"}
	}
	res, _ = Evaluate(a, items, "")
	if res.Errors != 6 || res.Verdict != VerdictFail || res.Statement != "6 errors in 125 items: above the acceptance number 5." {
		t.Errorf("%d %q %q", res.Errors, res.Statement, res.Verdict)
	}
}

func TestEvaluateReviewAndPeople(t *testing.T) {
	a := Audit{Spec: SampleSpec{Method: MethodZeroDefect, Confidence: 0.9, MaxErrorRate: 0.05}, MaxErrorRate: 0.05, Criteria: DefaultRubric}
	items := []SampleItem{
		scored(1, "Priya", "Responsive", nil, "responsive"),     // TP
		scored(2, "Priya", "responsive", nil, "not_responsive"), // FP, error
		scored(3, "Arjun", "not_responsive", nil, "Responsive"), // FN, error
		scored(4, "Arjun", "not_responsive", nil, "not_responsive"),
		scored(5, "Arjun", "not_responsive", nil, "not_responsive"),
		scored(6, "Arjun", "not_responsive", []string{"accuracy"}, ""), // error, no correct decision
	}
	res, err := Evaluate(a, items, "RESPONSIVE")
	if err != nil {
		t.Fatal(err)
	}
	r := res.Review
	if r == nil || r.TruePositive != 1 || r.FalsePositive != 1 || r.FalseNegative != 1 || r.TrueNegative != 2 {
		t.Fatalf("review %+v", r)
	}
	if r.Accuracy != 3.0/5 || r.Precision != 0.5 || r.Recall != 0.5 || r.Elusion != 1.0/3 {
		t.Errorf("review metrics %+v", r)
	}
	if res.Errors != 3 {
		t.Errorf("errors %d, want 3", res.Errors)
	}
	if len(res.People) != 2 || res.People[0].Person != "Arjun" || res.People[1].Person != "Priya" {
		t.Fatalf("people %+v", res.People)
	}
	arjun, _ := Wilson(2, 4, 0.9)
	priya, _ := Wilson(1, 2, 0.9)
	if res.People[0].Rate != arjun || res.People[1].Rate != priya {
		t.Errorf("people %+v", res.People)
	}
	// Zero denominators give 0: all negatives, all right.
	res, _ = Evaluate(a, []SampleItem{scored(1, "", "no", nil, "no")}, "")
	if r := res.Review; r == nil || r.Precision != 0 || r.Recall != 0 || r.Elusion != 0 || r.Accuracy != 1 {
		t.Errorf("all negative: %+v", res.Review)
	}
}

func TestEvaluateValidateScore(t *testing.T) {
	a := Audit{Criteria: DefaultRubric}
	item := SampleItem{ID: 42}
	s, err := ValidateScore(a, item, ItemScore{Failed: []string{" Format", "accuracy"}, CorrectDecision: " responsive ", Note: "  cites the wrong rule  "})
	if err != nil {
		t.Fatal(err)
	}
	if s.SampleID != 42 || !slices.Equal(s.Failed, []string{"accuracy", "format"}) || s.CorrectDecision != "responsive" || s.Note != "cites the wrong rule" {
		t.Errorf("normalised %+v", s)
	}
	for _, bad := range []ItemScore{
		{Failed: []string{"vibes"}},
		{Failed: []string{"accuracy", "ACCURACY"}},
		{Note: strings.Repeat("é", MaxScoreNote+1)},
		{Note: "bad \xff"},
		{CorrectDecision: strings.Repeat("x", 201)},
	} {
		if _, err := ValidateScore(a, item, bad); ErrorCode(err) != EInvalid {
			t.Errorf("%+v accepted: %v", bad, err)
		}
	}
	if _, err := ValidateScore(a, item, ItemScore{Note: strings.Repeat("é", MaxScoreNote)}); err != nil {
		t.Errorf("a note of %d characters: %v", MaxScoreNote, err)
	}
}

func BenchmarkEvaluate(b *testing.B) {
	a := Audit{Spec: SampleSpec{Method: MethodProportion, Confidence: 0.95}, MaxErrorRate: 0.02, Criteria: DefaultRubric}
	items := make([]SampleItem, 10000)
	for i := range items {
		var failed []string
		if i%97 == 0 {
			failed = []string{"accuracy", "format"}
		}
		items[i] = scored(i+1, fmt.Sprintf("person-%d", i%25), "responsive", failed, []string{"responsive", "not_responsive"}[i%2])
	}
	for b.Loop() {
		if _, err := Evaluate(a, items, "responsive"); err != nil {
			b.Fatal(err)
		}
	}
}
