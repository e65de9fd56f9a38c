package domain

// Switching rules between normal, tightened and reduced sampling, stated on
// the audit plan's screen (SwitchRules) and applied when an audit completes.

// SwitchRules says the switching rules in words, for the screen.
func SwitchRules(p AuditPlan) []string { return nil }

// SwitchAfter returns the plan's next state after a completed audit, given
// the verdicts of the plan's completed audits oldest first (the new one
// last), and whether the engagement must now be paused (PauseAfter
// consecutive failures).
func SwitchAfter(p AuditPlan, verdicts []string) (next SwitchState, pause bool) {
	return p.Switch, false
}

// SwitchedSize is the sample size under a switch state: tightened doubles
// the normal size, reduced halves it (rounding up), both capped at the
// population.
func SwitchedSize(normal int, population int64, s SwitchState) int { return normal }
