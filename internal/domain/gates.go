package domain

import "fmt"

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

// Gate is one opening condition and whether it is met. Why says, when it
// is not met, exactly what is missing and who can fix it.
type Gate struct {
	Name string
	Met  bool
	Why  string
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

// GatesError is the error a use case returns when gates are not met; its
// message lists every unmet gate.
func GatesError(gs []Gate) error {
	msg := ""
	for _, g := range gs {
		if !g.Met {
			if msg != "" {
				msg += "; "
			}
			msg += fmt.Sprintf("%s: %s", g.Name, g.Why)
		}
	}
	if msg == "" {
		return nil
	}
	return Errorf(EGateClosed, "the engagement cannot be opened — %s", msg)
}
