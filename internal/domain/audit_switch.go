package domain

import "fmt"

// Switching rules between normal, tightened and reduced sampling, stated on
// the audit plan's screen (SwitchRules) and applied when an audit completes.

// The switching thresholds, in consecutive audits.
const (
	TightenAfter  = 2 // normal → tightened after this many consecutive failures
	LoosenAfter   = 3 // tightened → normal after this many consecutive passes
	RelaxAfter    = 5 // normal → reduced after this many consecutive passes (when the plan allows it)
	MaxPauseAfter = 10
)

// SwitchRules says the switching rules in words, for the screen.
func SwitchRules(p AuditPlan) []string {
	rules := []string{
		fmt.Sprintf("Normal → tightened after %d consecutive failed audits: the sample size doubles (at most the whole population).", TightenAfter),
		fmt.Sprintf("Tightened → normal after %d consecutive passed audits.", LoosenAfter),
	}
	if p.AllowRelax {
		rules = append(rules,
			fmt.Sprintf("Normal → reduced after %d consecutive passed audits: the sample size halves (rounded up).", RelaxAfter),
			"Reduced → normal on any failed audit.")
	} else {
		rules = append(rules, "Reduced sampling is off: passed audits never shrink the sample.")
	}
	if p.PauseAfter > 0 {
		rules = append(rules, fmt.Sprintf("The engagement is paused after %d consecutive failed audit%s.", p.PauseAfter, plural(p.PauseAfter)))
	} else {
		rules = append(rules, "Failed audits never pause the engagement.")
	}
	state := p.Switch
	if state == "" {
		state = SwitchNormal
	}
	return append(rules, fmt.Sprintf("Now: %s sampling.", state))
}

// SwitchAfter returns the plan's next state after a completed audit, given
// the verdicts of the plan's completed audits oldest first (the new one
// last), and whether the engagement must now be paused (PauseAfter
// consecutive failures). Consecutive runs are counted within the verdicts
// given; verdicts other than pass and fail are ignored. The rules
// (SwitchRules): normal → tightened after TightenAfter consecutive
// failures; tightened → normal after LoosenAfter consecutive passes;
// normal → reduced after RelaxAfter consecutive passes when the plan
// allows relaxing; reduced → normal on any failure.
func SwitchAfter(p AuditPlan, verdicts []string) (next SwitchState, pause bool) {
	next = p.Switch
	if next == "" {
		next = SwitchNormal
	}
	var last string
	run := 0 // length of the run of `last` at the end
	for _, v := range verdicts {
		if v != "pass" && v != "fail" {
			continue
		}
		if v == last {
			run++
		} else {
			last, run = v, 1
		}
	}
	if run == 0 {
		return next, false
	}
	switch next {
	case SwitchNormal:
		if last == "fail" && run >= TightenAfter {
			next = SwitchTightened
		} else if last == "pass" && run >= RelaxAfter && p.AllowRelax {
			next = SwitchReduced
		}
	case SwitchTightened:
		if last == "pass" && run >= LoosenAfter {
			next = SwitchNormal
		}
	case SwitchReduced:
		if last == "fail" {
			next = SwitchNormal
		}
	}
	pause = p.PauseAfter > 0 && last == "fail" && run >= p.PauseAfter
	return next, pause
}

// SwitchedSize is the sample size under a switch state: tightened doubles
// the normal size, reduced halves it (rounding up, at least 1), both capped
// at the population (when it is positive).
func SwitchedSize(normal int, population int64, s SwitchState) int {
	n := int64(normal)
	switch s {
	case SwitchTightened:
		n *= 2
	case SwitchReduced:
		n = (n + 1) / 2
	}
	n = max(n, 1)
	if population > 0 && n > population {
		n = population
	}
	return int(n)
}
