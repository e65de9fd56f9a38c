package domain

import (
	"fmt"
	"strings"
)

// The opening gates: what must be true before an engagement with a vendor
// can be opened on a matter. They are decided here, once, from facts the
// application gathers; every surface (web, API, CLI) asks OpeningGates.

// VendorFacts is what the opening gates need to know about a vendor.
type VendorFacts struct {
	Vendor Vendor
	// Certified: the vendor's current assessment carries accepted SOC 2
	// Type II or ISO/IEC 27001 evidence.
	Certified bool
	// MFA: the vendor's current assessment answers that multi-factor
	// authentication protects production access to client data.
	MFA bool
	// Score is the current decided assessment's score, 0–100 (0 when none).
	Score int
	// UnapprovedSubcontractors are the vendor's subcontractors (fourth
	// parties) the firm has not approved.
	UnapprovedSubcontractors []string
}

// ConflictFacts counts a vendor's conflict hits on a matter that still stand
// in the way: Open hits await an attorney's resolution; Blocked hits were
// resolved as blocking.
type ConflictFacts struct {
	Open    int
	Blocked int
}

// SensitivityRule is the minimum a vendor must meet for matters of one
// sensitivity label. Firms configure their own rule set.
type SensitivityRule struct {
	Sensitivity                Sensitivity
	RequireCertification       bool // SOC 2 Type II or ISO/IEC 27001 evidence
	RequireMFA                 bool
	NoUnapprovedSubcontractors bool
	MinScore                   int // 0–100; 0 means no minimum
}

// Sensitivities lists the sensitivity labels, least sensitive first.
var Sensitivities = []Sensitivity{SensitivityStandard, SensitivityConfidential, SensitivityHighlyConfidential}

// DefaultSensitivityRules is the rule set a firm starts with: standard
// matters need an approved, current vendor and nothing more; confidential
// matters add multi-factor authentication; highly confidential matters add
// SOC 2 Type II or ISO 27001 evidence, no unapproved subcontractors and an
// assessment score of at least 70.
func DefaultSensitivityRules() []SensitivityRule {
	return []SensitivityRule{
		{Sensitivity: SensitivityStandard},
		{Sensitivity: SensitivityConfidential, RequireMFA: true},
		{Sensitivity: SensitivityHighlyConfidential, RequireCertification: true, RequireMFA: true, NoUnapprovedSubcontractors: true, MinScore: 70},
	}
}

// RuleFor returns the rule of sensitivity s from rules, or the default rule
// for s when rules has none.
func RuleFor(rules []SensitivityRule, s Sensitivity) SensitivityRule {
	for _, r := range rules {
		if r.Sensitivity == s {
			return r
		}
	}
	for _, r := range DefaultSensitivityRules() {
		if r.Sensitivity == s {
			return r
		}
	}
	return SensitivityRule{Sensitivity: s}
}

// Validate checks a rule before it is stored.
func (r SensitivityRule) Validate() error {
	known := false
	for _, s := range Sensitivities {
		known = known || s == r.Sensitivity
	}
	if !known {
		return Invalid("sensitivity", "%q is not a sensitivity label (standard, confidential, highly_confidential)", r.Sensitivity)
	}
	if r.MinScore < 0 || r.MinScore > 100 {
		return Invalid("min_score_"+string(r.Sensitivity), "the minimum score for %s matters must be a whole number from 0 to 100", strings.ToLower(r.Sensitivity.Label()))
	}
	return nil
}

// Requirements lists what the rule asks of a vendor beyond an approved,
// current due diligence, in plain words.
func (r SensitivityRule) Requirements() []string {
	var out []string
	if r.RequireCertification {
		out = append(out, "SOC 2 Type II or ISO 27001 evidence")
	}
	if r.RequireMFA {
		out = append(out, "multi-factor authentication on production access")
	}
	if r.NoUnapprovedSubcontractors {
		out = append(out, "no subcontractor the firm has not approved")
	}
	if r.MinScore > 0 {
		out = append(out, fmt.Sprintf("an assessment score of at least %d", r.MinScore))
	}
	return out
}

// Summary says the whole rule in one line.
func (r SensitivityRule) Summary() string {
	req := r.Requirements()
	if len(req) == 0 {
		return "an approved vendor whose approval is current"
	}
	return "an approved vendor whose approval is current, with " + strings.Join(req, ", ")
}

// Gate keys: stable names of the opening gates, for programs.
const (
	GateApproved    = "approved"    // the vendor is approved or conditionally approved
	GateCurrent     = "current"     // that approval has not lapsed
	GateSensitivity = "sensitivity" // the vendor meets the matter's sensitivity rule
	GateConflicts   = "conflicts"   // no conflict hit stands open or blocked
	// GateConsent (consent.go): the client consented to the current disclosure
)

// Gate is one opening condition and whether it is met. Why says, when it
// is not met, exactly what is missing and who can fix it.
type Gate struct {
	Key  string // one of the Gate* keys
	Name string
	Met  bool
	// Blocked: not met because a decision stands in the way (a rejection,
	// a lapsed approval, a requirement the vendor does not meet, a conflict
	// resolved as blocking), rather than because work is still under way.
	Blocked bool
	Why     string
	// Details lists, when there are several, each thing that is missing.
	Details []string
}

// State is "met", "waiting" or "blocked".
func (g Gate) State() string {
	switch {
	case g.Met:
		return "met"
	case g.Blocked:
		return "blocked"
	}
	return "waiting"
}

// StateLabel says the state in plain words, for a badge.
func (g Gate) StateLabel() string {
	switch g.State() {
	case "met":
		return "Met"
	case "blocked":
		return "Blocked"
	}
	return "Waiting"
}

// OpeningGates decides, from facts, whether an engagement with a vendor may
// be opened on matter m today. It always returns every gate, in order, met or
// not, so a screen can show the whole picture:
//
//  1. the vendor is approved or conditionally approved (not pending, not rejected);
//  2. the approval is current: an approval whose last day is today is still current;
//  3. the vendor meets the rule for the matter's sensitivity;
//  4. no conflict hit of the vendor on the matter is open or blocked;
//  5. the client consented to the current outsourcing disclosure, when the
//     firm requires consent (consent.go).
func OpeningGates(today Date, m Matter, v VendorFacts, rule SensitivityRule, c ConflictFacts, consent ConsentFacts) []Gate {
	name := v.Vendor.Name
	gs := make([]Gate, 0, 5)

	approved := Gate{Key: GateApproved, Name: "Vendor approved"}
	switch v.Vendor.Diligence {
	case DiligenceApproved:
		approved.Met = true
	case DiligenceConditional:
		approved.Met = true
		approved.Why = fmt.Sprintf("%s is conditionally approved: its remediation items stay open until the firm closes them.", name)
	case DiligenceRejected:
		approved.Blocked = true
		approved.Why = fmt.Sprintf("The firm rejected %s after its security assessment; a new assessment must be approved first.", name)
	default:
		approved.Why = fmt.Sprintf("%s's security assessment has not been approved yet: waiting for the firm's reviewer.", name)
	}
	gs = append(gs, approved)

	current := Gate{Key: GateCurrent, Name: "Approval current"}
	switch {
	case !approved.Met:
		current.Blocked = approved.Blocked
		current.Why = fmt.Sprintf("%s has no approval yet.", name)
	case v.Vendor.DiligenceOn(today) == DiligenceExpired:
		current.Blocked = true
		current.Why = fmt.Sprintf("%s's approval expired on %s: the firm must reassess and approve it again.", name, v.Vendor.ApprovedUntil)
	default:
		current.Met = true
		if v.Vendor.ApprovedUntil != "" {
			current.Why = fmt.Sprintf("Approved until %s.", v.Vendor.ApprovedUntil)
		}
	}
	gs = append(gs, current)

	gs = append(gs, sensitivityGate(m, v, rule))

	conflicts := Gate{Key: GateConflicts, Name: "Conflicts cleared"}
	switch {
	case c.Open == 0 && c.Blocked == 0:
		conflicts.Met = true
	default:
		if c.Blocked > 0 {
			conflicts.Blocked = true
			conflicts.Details = append(conflicts.Details, fmt.Sprintf("%s resolved as blocking: %s cannot work on this matter", hits(c.Blocked, "was", "were"), name))
		}
		if c.Open > 0 {
			conflicts.Details = append(conflicts.Details, fmt.Sprintf("%s for an attorney's resolution", hits(c.Open, "waits", "wait")))
		}
		conflicts.Why = sentence(conflicts.Details)
	}
	gs = append(gs, conflicts)
	gs = append(gs, consentGate(consent))
	return gs
}

// hits says "1 conflict hit was" or "2 conflict hits were".
func hits(n int, one, many string) string {
	if n == 1 {
		return "1 conflict hit " + one
	}
	return fmt.Sprintf("%d conflict hits %s", n, many)
}

// sentence joins parts into one sentence.
func sentence(parts []string) string {
	if len(parts) == 0 {
		return ""
	}
	s := strings.Join(parts, "; ")
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

func sensitivityGate(m Matter, v VendorFacts, rule SensitivityRule) Gate {
	g := Gate{Key: GateSensitivity, Name: m.Sensitivity.Label() + " matter requirements"}
	name := v.Vendor.Name
	if rule.RequireCertification && !v.Certified {
		g.Details = append(g.Details, fmt.Sprintf("the firm requires SOC 2 Type II or ISO 27001 evidence, and %s's assessment has none", name))
	}
	if rule.RequireMFA && !v.MFA {
		g.Details = append(g.Details, fmt.Sprintf("the firm requires multi-factor authentication on production access, and %s's assessment does not show it", name))
	}
	if rule.NoUnapprovedSubcontractors && len(v.UnapprovedSubcontractors) > 0 {
		n := len(v.UnapprovedSubcontractors)
		what := "a subcontractor"
		if n > 1 {
			what = fmt.Sprintf("%d subcontractors", n)
		}
		g.Details = append(g.Details, fmt.Sprintf("the firm allows no unapproved subcontractors, and %s uses %s the firm has not approved: %s", name, what, strings.Join(v.UnapprovedSubcontractors, ", ")))
	}
	if rule.MinScore > 0 && v.Score < rule.MinScore {
		if v.Score == 0 {
			g.Details = append(g.Details, fmt.Sprintf("the firm requires an assessment score of at least %d, and %s has no scored assessment", rule.MinScore, name))
		} else {
			g.Details = append(g.Details, fmt.Sprintf("the firm requires an assessment score of at least %d, and %s's is %d", rule.MinScore, name, v.Score))
		}
	}
	if len(g.Details) == 0 {
		g.Met = true
		g.Why = "Meets the firm's rule: " + rule.Summary() + "."
		return g
	}
	g.Blocked = true
	g.Why = fmt.Sprintf("This matter is %s: %s.", strings.ToLower(m.Sensitivity.Label()), strings.Join(g.Details, "; "))
	return g
}

// GatesMet reports whether every gate is met.
func GatesMet(gs []Gate) bool {
	for _, g := range gs {
		if !g.Met {
			return false
		}
	}
	return true
}

// UnmetGates returns the gates not met.
func UnmetGates(gs []Gate) []Gate {
	var out []Gate
	for _, g := range gs {
		if !g.Met {
			out = append(out, g)
		}
	}
	return out
}

// GatesError is the error a use case returns when gates are not met; its
// message lists every unmet gate.
func GatesError(gs []Gate) error {
	msg := ""
	for _, g := range gs {
		if !g.Met {
			if msg != "" {
				msg += "; "
			}
			msg += fmt.Sprintf("%s: %s", g.Name, strings.TrimSuffix(g.Why, "."))
		}
	}
	if msg == "" {
		return nil
	}
	return Errorf(EGateClosed, "the engagement cannot be opened — %s.", msg)
}

// OpenEngagement moves a proposed engagement to its first open stage
// (communication) on today, when every gate is met. It is the only way out
// of the proposal stage: an engagement cannot be opened while a gate is
// unmet (EGateClosed, naming each), nor opened twice (EConflict).
func OpenEngagement(e *Engagement, gs []Gate, today Date) error {
	if e.Stage != StageProposed {
		return Errorf(EConflict, "this engagement is not a proposal waiting to be opened: it is %s", strings.ToLower(e.Stage.Label()))
	}
	if len(gs) == 0 {
		return Errorf(EGateClosed, "the engagement cannot be opened: its opening gates were not checked")
	}
	if err := GatesError(gs); err != nil {
		return err
	}
	e.Stage, e.OpenedOn = StageCommunication, today
	return nil
}

// Pause causes: why an engagement was paused, so that only the event that
// paused it can resume it.
const (
	PauseVendorLapsed = "vendor"  // the vendor's approval lapsed or was rejected
	PauseConsent      = "consent" // the client revoked their consent
	PauseAudit        = "audit"   // consecutive failed quality audits (the plan's PauseAfter); resumed by hand
)

// Pausable reports whether an engagement at stage s is open work that a
// lapse pauses: communication, briefing, statement of work or active.
// Proposals have not started; paused and closed ones have nothing to pause.
func Pausable(s Stage) bool {
	return s == StageCommunication || s == StageBriefing || s == StageSOW || s == StageActive
}
