package domain

import (
	"errors"
	"strings"
	"testing"
)

func TestOpeningGates(t *testing.T) {
	const today = Date("2026-03-17")
	hc := Matter{Number: "2026-0177", Sensitivity: SensitivityHighlyConfidential}
	conf := Matter{Number: "2026-0142", Sensitivity: SensitivityConfidential}
	std := Matter{Number: "2026-0203", Sensitivity: SensitivityStandard}
	rules := DefaultSensitivityRules()
	vendor := func(d Diligence, until Date) Vendor {
		return Vendor{Name: "Bayanihan", Diligence: d, ApprovedUntil: until}
	}
	strong := func(v Vendor) VendorFacts { return VendorFacts{Vendor: v, Certified: true, MFA: true, Score: 88} }
	good := vendor(DiligenceApproved, "2026-12-31")

	type want struct {
		state string   // met, waiting or blocked
		says  []string // phrases Why must hold
	}
	cases := []struct {
		name   string
		matter Matter
		facts  VendorFacts
		c      ConflictFacts
		want   map[string]want // by gate key; gates not listed must be met
	}{
		{name: "approved, current, strong, no hits: every gate met", matter: hc, facts: strong(good)},
		{name: "conditionally approved opens", matter: hc, facts: strong(vendor(DiligenceConditional, "2026-12-31"))},
		{name: "pending waits for the reviewer", matter: std, facts: strong(vendor(DiligencePending, "")),
			want: map[string]want{GateApproved: {"waiting", []string{"not been approved yet"}}, GateCurrent: {"waiting", []string{"no approval"}}}},
		{name: "rejected is blocked", matter: std, facts: strong(vendor(DiligenceRejected, "2026-12-31")),
			want: map[string]want{GateApproved: {"blocked", []string{"rejected Bayanihan"}}, GateCurrent: {"blocked", []string{"no approval"}}}},
		{name: "an approval ending today is still current", matter: std, facts: strong(vendor(DiligenceApproved, today))},
		{name: "an approval that ended yesterday has expired", matter: std, facts: strong(vendor(DiligenceApproved, "2026-03-16")),
			want: map[string]want{GateCurrent: {"blocked", []string{"expired on 2026-03-16", "reassess"}}}},
		{name: "a conditional approval expires too", matter: std, facts: strong(vendor(DiligenceConditional, "2025-01-01")),
			want: map[string]want{GateCurrent: {"blocked", []string{"expired on 2025-01-01"}}}},
		{name: "standard matters ask nothing of the assessment", matter: std, facts: VendorFacts{Vendor: good, UnapprovedSubcontractors: []string{"Acme"}}},
		{name: "confidential matters need MFA", matter: conf, facts: VendorFacts{Vendor: good, Certified: true, Score: 90},
			want: map[string]want{GateSensitivity: {"blocked", []string{"This matter is confidential", "multi-factor authentication", "Bayanihan's assessment does not show it"}}}},
		{name: "confidential matters need no certification", matter: conf, facts: VendorFacts{Vendor: good, MFA: true}},
		{name: "highly confidential without certification", matter: hc, facts: VendorFacts{Vendor: good, MFA: true, Score: 80},
			want: map[string]want{GateSensitivity: {"blocked", []string{"This matter is highly confidential: the firm requires SOC 2 Type II or ISO 27001 evidence, and Bayanihan's assessment has none."}}}},
		{name: "highly confidential with unapproved subcontractors names them", matter: hc,
			facts: VendorFacts{Vendor: good, Certified: true, MFA: true, Score: 80, UnapprovedSubcontractors: []string{"Cebu Scan Ltd", "Davao Data Inc."}},
			want:  map[string]want{GateSensitivity: {"blocked", []string{"2 subcontractors the firm has not approved: Cebu Scan Ltd, Davao Data Inc."}}}},
		{name: "highly confidential below the minimum score", matter: hc, facts: VendorFacts{Vendor: good, Certified: true, MFA: true, Score: 69},
			want: map[string]want{GateSensitivity: {"blocked", []string{"at least 70", "Bayanihan's is 69"}}}},
		{name: "highly confidential at the minimum score", matter: hc, facts: VendorFacts{Vendor: good, Certified: true, MFA: true, Score: 70}},
		{name: "no assessment at all lists every missing requirement", matter: hc, facts: VendorFacts{Vendor: good},
			want: map[string]want{GateSensitivity: {"blocked", []string{"has none", "does not show it", "has no scored assessment"}}}},
		{name: "open conflict hits wait", matter: std, facts: strong(good), c: ConflictFacts{Open: 2},
			want: map[string]want{GateConflicts: {"waiting", []string{"2 conflict hits wait for an attorney's resolution"}}}},
		{name: "one open hit", matter: std, facts: strong(good), c: ConflictFacts{Open: 1},
			want: map[string]want{GateConflicts: {"waiting", []string{"1 conflict hit waits for an attorney's resolution"}}}},
		{name: "a blocked hit blocks", matter: std, facts: strong(good), c: ConflictFacts{Blocked: 1, Open: 3},
			want: map[string]want{GateConflicts: {"blocked", []string{"1 conflict hit was resolved as blocking", "3 conflict hits wait"}}}},
		{name: "everything wrong at once", matter: hc, facts: VendorFacts{Vendor: vendor(DiligenceRejected, "2025-01-01")}, c: ConflictFacts{Blocked: 2},
			want: map[string]want{GateApproved: {"blocked", nil}, GateCurrent: {"blocked", nil}, GateSensitivity: {"blocked", nil}, GateConflicts: {"blocked", []string{"2 conflict hits were"}}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			gs := OpeningGates(today, c.matter, c.facts, RuleFor(rules, c.matter.Sensitivity), c.c, ConsentFacts{})
			keys := []string{}
			for _, g := range gs {
				keys = append(keys, g.Key)
				w, listed := c.want[g.Key]
				if !listed {
					if !g.Met || g.State() != "met" {
						t.Errorf("gate %s: %s (%s), want met", g.Key, g.State(), g.Why)
					}
					continue
				}
				if g.Met || g.State() != w.state {
					t.Errorf("gate %s: state %s, want %s (%s)", g.Key, g.State(), w.state, g.Why)
				}
				for _, s := range w.says {
					if !strings.Contains(g.Why, s) {
						t.Errorf("gate %s says %q, want it to say %q", g.Key, g.Why, s)
					}
				}
			}
			if strings.Join(keys, ",") != "approved,current,sensitivity,conflicts,consent" {
				t.Errorf("gates %v, want approved, current, sensitivity, conflicts, consent in order", keys)
			}
			if GatesMet(gs) != (len(c.want) == 0) {
				t.Errorf("GatesMet = %v with %d gates expected unmet", GatesMet(gs), len(c.want))
			}
			err := GatesError(gs)
			if len(c.want) == 0 {
				if err != nil {
					t.Errorf("GatesError = %v, want nil", err)
				}
				return
			}
			if ErrorCode(err) != EGateClosed {
				t.Fatalf("GatesError code %q, want %q", ErrorCode(err), EGateClosed)
			}
			for _, g := range UnmetGates(gs) {
				if !strings.Contains(ErrorMessage(err), g.Name+": "+strings.TrimSuffix(g.Why, ".")) {
					t.Errorf("GatesError %q does not name %q", ErrorMessage(err), g.Name)
				}
			}
		})
	}
}

// The firm's own rules replace the defaults, and the gates follow them.
func TestSensitivityRulesAreTheFirms(t *testing.T) {
	strict := []SensitivityRule{{Sensitivity: SensitivityStandard, RequireCertification: true, MinScore: 50}}
	v := VendorFacts{Vendor: Vendor{Name: "Keystone", Diligence: DiligenceApproved}, Score: 40}
	gs := OpeningGates("2026-03-17", Matter{Sensitivity: SensitivityStandard}, v, RuleFor(strict, SensitivityStandard), ConflictFacts{}, ConsentFacts{})
	if GatesMet(gs) || !strings.Contains(gs[2].Why, "This matter is standard") || !strings.Contains(gs[2].Why, "Keystone's is 40") {
		t.Errorf("a stricter standard rule: %+v", gs[2])
	}
	if r := RuleFor(strict, SensitivityHighlyConfidential); !r.RequireCertification || r.MinScore != 70 {
		t.Errorf("a label the firm did not set falls back to the default: %+v", r)
	}
	for _, bad := range []SensitivityRule{{Sensitivity: "secret"}, {Sensitivity: SensitivityStandard, MinScore: 101}, {Sensitivity: SensitivityStandard, MinScore: -1}} {
		if ErrorCode(bad.Validate()) != EInvalid {
			t.Errorf("%+v validated", bad)
		}
	}
	if err := (SensitivityRule{Sensitivity: SensitivityConfidential, MinScore: 100}).Validate(); err != nil {
		t.Errorf("a valid rule: %v", err)
	}
	if got := DefaultSensitivityRules()[2].Summary(); !strings.Contains(got, "SOC 2 Type II or ISO 27001") || !strings.Contains(got, "at least 70") {
		t.Errorf("summary %q", got)
	}
}

func TestOpenEngagementOnlyWhenEveryGateIsMet(t *testing.T) {
	met := []Gate{{Key: GateApproved, Met: true}, {Key: GateConflicts, Met: true}}
	unmet := []Gate{{Key: GateApproved, Met: true}, {Key: GateConflicts, Name: "Conflicts cleared", Why: "1 conflict hit waits."}}
	e := Engagement{Stage: StageProposed}
	if err := OpenEngagement(&e, unmet, "2026-03-17"); ErrorCode(err) != EGateClosed || e.Stage != StageProposed || e.OpenedOn != "" {
		t.Fatalf("unmet gates: %v, stage %s, opened %q", err, e.Stage, e.OpenedOn)
	}
	if err := OpenEngagement(&e, nil, "2026-03-17"); ErrorCode(err) != EGateClosed || e.Stage != StageProposed {
		t.Fatalf("no gates checked: %v, stage %s", err, e.Stage)
	}
	if err := OpenEngagement(&e, met, "2026-03-17"); err != nil || e.Stage != StageCommunication || e.OpenedOn != "2026-03-17" {
		t.Fatalf("met gates: %v, stage %s, opened %q", err, e.Stage, e.OpenedOn)
	}
	if err := OpenEngagement(&e, met, "2026-03-18"); ErrorCode(err) != EConflict || e.OpenedOn != "2026-03-17" {
		t.Fatalf("opened twice: %v, opened %q", err, e.OpenedOn)
	}
	var de *Error
	if !errors.As(GatesError(unmet), &de) || !strings.Contains(de.Message, "Conflicts cleared: 1 conflict hit waits") || !strings.HasSuffix(de.Message, ".") || strings.Contains(de.Message, ".;") {
		t.Errorf("GatesError: %v", GatesError(unmet))
	}
	for s, want := range map[Stage]bool{StageProposed: false, StageCommunication: true, StageBriefing: true, StageSOW: true, StageActive: true, StagePaused: false, StageClosed: false} {
		if Pausable(s) != want {
			t.Errorf("Pausable(%s) = %v, want %v", s, !want, want)
		}
	}
}
