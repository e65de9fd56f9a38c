package domain

import (
	"strings"
	"testing"
)

func TestSwitchAfter(t *testing.T) {
	const P, F = "pass", "fail"
	for _, c := range []struct {
		name     string
		state    SwitchState
		relax    bool
		pauseAt  int
		verdicts []string
		want     SwitchState
		pause    bool
	}{
		{"one failure stays normal", SwitchNormal, false, 0, []string{P, F}, SwitchNormal, false},
		{"two failures tighten", SwitchNormal, false, 0, []string{P, F, F}, SwitchTightened, false},
		{"failures not consecutive", SwitchNormal, false, 0, []string{F, P, F}, SwitchNormal, false},
		{"empty state is normal", "", false, 0, []string{F, F}, SwitchTightened, false},
		{"tightened stays after 2 passes", SwitchTightened, false, 0, []string{F, F, P, P}, SwitchTightened, false},
		{"tightened → normal after 3 passes", SwitchTightened, false, 0, []string{F, F, P, P, P}, SwitchNormal, false},
		{"tightened stays on failure", SwitchTightened, false, 0, []string{F, F, F}, SwitchTightened, false},
		{"5 passes without relax stay normal", SwitchNormal, false, 0, []string{P, P, P, P, P}, SwitchNormal, false},
		{"4 passes with relax stay normal", SwitchNormal, true, 0, []string{F, P, P, P, P}, SwitchNormal, false},
		{"5 passes with relax reduce", SwitchNormal, true, 0, []string{F, P, P, P, P, P}, SwitchReduced, false},
		{"reduced stays on pass", SwitchReduced, true, 0, []string{P, P, P, P, P, P}, SwitchReduced, false},
		{"reduced → normal on one failure", SwitchReduced, true, 0, []string{P, P, P, P, P, F}, SwitchNormal, false},
		{"pause after 3 failures", SwitchTightened, false, 3, []string{P, F, F, F}, SwitchTightened, true},
		{"no pause after 2 of 3", SwitchNormal, false, 3, []string{F, P, F, F}, SwitchTightened, false},
		{"pause after 1", SwitchNormal, false, 1, []string{P, F}, SwitchNormal, true},
		{"pause 0 never pauses", SwitchTightened, false, 0, []string{F, F, F, F, F, F}, SwitchTightened, false},
		{"no verdicts", SwitchTightened, false, 1, nil, SwitchTightened, false},
		{"other verdicts ignored", SwitchNormal, false, 0, []string{F, "", F}, SwitchTightened, false},
	} {
		p := AuditPlan{Switch: c.state, AllowRelax: c.relax, PauseAfter: c.pauseAt}
		got, pause := SwitchAfter(p, c.verdicts)
		if got != c.want || pause != c.pause {
			t.Errorf("%s: %s, pause %v; want %s, %v", c.name, got, pause, c.want, c.pause)
		}
	}
}

func TestSwitchedSize(t *testing.T) {
	for _, c := range []struct {
		normal int
		pop    int64
		s      SwitchState
		want   int
	}{
		{80, 1000, SwitchNormal, 80},
		{80, 1000, SwitchTightened, 160},
		{80, 100, SwitchTightened, 100},
		{80, 1000, SwitchReduced, 40},
		{59, 1000, SwitchReduced, 30},
		{1, 1000, SwitchReduced, 1},
		{149, 0, SwitchTightened, 298}, // no population: uncapped
		{10, 5, SwitchNormal, 5},
	} {
		if got := SwitchedSize(c.normal, c.pop, c.s); got != c.want {
			t.Errorf("%d of %d %s: %d, want %d", c.normal, c.pop, c.s, got, c.want)
		}
	}
}

func TestSwitchRules(t *testing.T) {
	rules := strings.Join(SwitchRules(AuditPlan{Switch: SwitchTightened, AllowRelax: true, PauseAfter: 3}), "\n")
	for _, want := range []string{"after 2 consecutive failed audits", "after 3 consecutive passed audits", "after 5 consecutive passed audits",
		"Reduced → normal on any failed audit", "paused after 3 consecutive failed audits", "Now: tightened sampling."} {
		if !strings.Contains(rules, want) {
			t.Errorf("rules lack %q:\n%s", want, rules)
		}
	}
	rules = strings.Join(SwitchRules(AuditPlan{}), "\n")
	if !strings.Contains(rules, "Reduced sampling is off") || !strings.Contains(rules, "never pause") || !strings.Contains(rules, "Now: normal") {
		t.Errorf("rules:\n%s", rules)
	}
}
