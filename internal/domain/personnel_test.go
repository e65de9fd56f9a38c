package domain

import (
	"slices"
	"strings"
	"testing"
)

func TestPersonnelStatus(t *testing.T) {
	const today = Date("2026-03-17")
	current := Personnel{NDASigned: "2025-01-10", NDAExpires: "2027-01-10", ConfidentialityDone: "2025-12-01", ConfidentialityExpires: "2026-12-01",
		EthicsDone: "2025-12-01", EthicsExpires: "2026-12-01"}
	with := func(f func(*Personnel)) Personnel { p := current; f(&p); return p }
	tests := []struct {
		name      string
		p         Personnel
		state     PersonnelState
		blocks    []string // substrings, in order
		warnings  []string
		noReasons bool
	}{
		{"all current", current, PersonnelClear, nil, nil, true},
		{"NDA without an end date", with(func(p *Personnel) { p.NDAExpires = "" }), PersonnelClear, nil, nil, true},
		{"nothing recorded", Personnel{}, PersonnelBlocked, []string{"no signed NDA", "confidentiality training has not been completed", "ethics training has not been completed"}, nil, false},
		{"NDA expired yesterday", with(func(p *Personnel) { p.NDAExpires = "2026-03-16" }), PersonnelBlocked, []string{"the NDA expired on 2026-03-16"}, nil, false},
		{"NDA expires today: still valid", with(func(p *Personnel) { p.NDAExpires = today }), PersonnelExpiring, nil, []string{"the NDA expires on 2026-03-17"}, false},
		{"confidentiality training lapsed", with(func(p *Personnel) { p.ConfidentialityExpires = "2026-01-01" }), PersonnelBlocked, []string{"confidentiality training expired on 2026-01-01"}, nil, false},
		{"ethics training missing", with(func(p *Personnel) { p.EthicsDone, p.EthicsExpires = "", "" }), PersonnelBlocked, []string{"ethics training has not been completed"}, nil, false},
		{"ethics due in 30 days: warning", with(func(p *Personnel) { p.EthicsExpires = "2026-04-16" }), PersonnelExpiring, nil, []string{"ethics training expires on 2026-04-16"}, false},
		{"ethics due in 31 days: clear", with(func(p *Personnel) { p.EthicsExpires = "2026-04-17" }), PersonnelClear, nil, nil, true},
		{"a block outweighs a warning", with(func(p *Personnel) { p.NDAExpires = "2026-03-01"; p.EthicsExpires = "2026-03-20" }), PersonnelBlocked,
			[]string{"the NDA expired on 2026-03-01"}, []string{"ethics training expires on 2026-03-20"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := tt.p.PersonnelStatus(today)
			if st.State != tt.state {
				t.Fatalf("state %s, want %s (%+v)", st.State, tt.state, st)
			}
			match := func(what string, got, want []string) {
				if len(got) != len(want) {
					t.Fatalf("%s = %q, want %d matching %q", what, got, len(want), want)
				}
				for i := range want {
					if !strings.Contains(got[i], want[i]) {
						t.Errorf("%s[%d] = %q, want it to say %q", what, i, got[i], want[i])
					}
				}
			}
			match("blocks", st.Blocks, tt.blocks)
			match("warnings", st.Warnings, tt.warnings)
			if (st.Reason() == "") != tt.noReasons {
				t.Errorf("Reason() = %q", st.Reason())
			}
		})
	}
}

func TestPersonnelValidate(t *testing.T) {
	const today = Date("2026-03-17")
	good := Personnel{Position: " Reviewer ", ExperienceYears: 3, BackgroundCheck: "2025-01-01", NDASigned: "2025-01-10", ConfidentialityDone: "2025-12-01",
		ConfidentialityExpires: "2026-12-01", EthicsDone: "2025-12-01", EthicsExpires: "2026-12-01",
		BarAdmissions: []BarAdmission{{Jurisdiction: "Maharashtra and Goa", Number: "MAH/1/2017", AdmittedOn: "2017-06-01"}}}
	p := good
	if err := p.Validate(today); err != nil {
		t.Fatalf("valid record refused: %v", err)
	}
	if p.Position != "Reviewer" || p.BarAdmissions[0].Status != "active" {
		t.Errorf("not normalised: %+v", p)
	}
	with := func(f func(*Personnel)) Personnel {
		p := good
		p.BarAdmissions = slices.Clone(good.BarAdmissions)
		f(&p)
		return p
	}
	tests := []struct {
		name  string
		p     Personnel
		field string
	}{
		{"negative experience", with(func(p *Personnel) { p.ExperienceYears = -1 }), "experience_years"},
		{"implausible experience", with(func(p *Personnel) { p.ExperienceYears = 71 }), "experience_years"},
		{"not a date", with(func(p *Personnel) { p.NDASigned = "10/01/2025" }), "nda_signed_on"},
		{"NDA signed in the future", with(func(p *Personnel) { p.NDASigned = "2026-03-18" }), "nda_signed_on"},
		{"NDA ends before it was signed", with(func(p *Personnel) { p.NDAExpires = "2025-01-01" }), "nda_expires_on"},
		{"NDA end without signature", with(func(p *Personnel) { p.NDASigned, p.NDAExpires = "", "2027-01-01" }), "nda_expires_on"},
		{"training without renewal date", with(func(p *Personnel) { p.EthicsExpires = "" }), "ethics_expires_on"},
		{"renewal before completion", with(func(p *Personnel) { p.ConfidentialityExpires = "2025-11-30" }), "confidentiality_expires_on"},
		{"background check in the future", with(func(p *Personnel) { p.BackgroundCheck = "2027-01-01" }), "background_check_on"},
		{"position too long", with(func(p *Personnel) { p.Position = strings.Repeat("x", 101) }), "position"},
		{"bar admission without jurisdiction", with(func(p *Personnel) { p.BarAdmissions[0].Jurisdiction = " " }), "bar_admissions.1.jurisdiction"},
		{"bar admission listed twice", with(func(p *Personnel) {
			p.BarAdmissions = append(p.BarAdmissions, BarAdmission{Jurisdiction: "maharashtra AND goa"})
		}), "bar_admissions.2.jurisdiction"},
		{"unknown bar status", with(func(p *Personnel) { p.BarAdmissions[0].Status = "retired" }), "bar_admissions.1.status"},
		{"admitted in the future", with(func(p *Personnel) { p.BarAdmissions[0].AdmittedOn = "2030-01-01" }), "bar_admissions.1.admitted_on"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.p.Validate(today)
			if ErrorCode(err) != EInvalid || ErrorField(err) != tt.field {
				t.Fatalf("Validate = %v, want invalid %s", err, tt.field)
			}
		})
	}
}

func TestExpiryOn(t *testing.T) {
	const today = Date("2026-03-17")
	for _, tt := range []struct {
		d    Date
		want DateState
	}{{"", DateCurrent}, {"2026-03-16", DateExpired}, {today, DateExpiring}, {"2026-04-16", DateExpiring}, {"2026-04-17", DateCurrent}} {
		if got := ExpiryOn(tt.d, today); got != tt.want {
			t.Errorf("ExpiryOn(%q) = %s, want %s", tt.d, got, tt.want)
		}
	}
}
