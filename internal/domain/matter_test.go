package domain

import (
	"strings"
	"testing"
)

func validMatter() Matter {
	return Matter{ClientID: 1, Number: "2026-0142", Title: "Calloway Freight Systems v. Tidewater Logistics", ResponsibleAttorneyID: 2}
}

func TestMatterValidate(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*Matter)
		field string
	}{
		{"valid", func(*Matter) {}, ""},
		{"number of 20 characters", func(m *Matter) { m.Number = strings.Repeat("7", 20) }, ""},
		{"number with spaces around is trimmed", func(m *Matter) { m.Number = "  2026-0142  " }, ""},
		{"all three jurisdiction kinds", func(m *Matter) {
			m.Jurisdictions = []Jurisdiction{{"court", "S.D.N.Y."}, {"governing_law", "New York"}, {"performance", "India"}}
		}, ""},
		{"closed", func(m *Matter) { m.Status = "closed" }, ""},
		{"highly confidential", func(m *Matter) { m.Sensitivity = SensitivityHighlyConfidential }, ""},

		{"no number", func(m *Matter) { m.Number = "" }, "number"},
		{"blank number", func(m *Matter) { m.Number = "   " }, "number"},
		{"number of 21 characters", func(m *Matter) { m.Number = strings.Repeat("7", 21) }, "number"},
		{"number with a pipe", func(m *Matter) { m.Number = "2026|0142" }, "number"},
		{"number with an opening bracket", func(m *Matter) { m.Number = "2026[0142" }, "number"},
		{"number with a closing bracket", func(m *Matter) { m.Number = "2026-0142]" }, "number"},
		{"number with the LEDES terminator", func(m *Matter) { m.Number = "[]" }, "number"},
		{"number with a line break", func(m *Matter) { m.Number = "2026\n0142" }, "number"},
		{"number with a carriage return", func(m *Matter) { m.Number = "2026\r0142" }, "number"},
		{"no title", func(m *Matter) { m.Title = " " }, "title"},
		{"title too long", func(m *Matter) { m.Title = strings.Repeat("t", 301) }, "title"},
		{"no client", func(m *Matter) { m.ClientID = 0 }, "client"},
		{"no responsible attorney", func(m *Matter) { m.ResponsibleAttorneyID = 0 }, "responsible_attorney"},
		{"unknown sensitivity", func(m *Matter) { m.Sensitivity = "secret" }, "sensitivity"},
		{"unknown status", func(m *Matter) { m.Status = "pending" }, "status"},
		{"jurisdiction of unknown kind", func(m *Matter) { m.Jurisdictions = []Jurisdiction{{"venue", "S.D.N.Y."}} }, "jurisdictions"},
		{"jurisdiction without a name", func(m *Matter) { m.Jurisdictions = []Jurisdiction{{"court", "  "}} }, "jurisdictions"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := validMatter()
			tt.edit(&m)
			err := m.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if ErrorCode(err) != EInvalid || ErrorField(err) != tt.field {
				t.Fatalf("Validate() = %v, want invalid %s", err, tt.field)
			}
		})
	}
}

func TestMatterValidateDefaults(t *testing.T) {
	m := validMatter()
	m.Number, m.Title = " 2026-0142 ", " Calloway v. Tidewater "
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	if m.Number != "2026-0142" || m.Title != "Calloway v. Tidewater" || m.Sensitivity != SensitivityStandard || m.Status != "open" {
		t.Fatalf("Validate left %+v; want trimmed number and title, standard sensitivity, open status", m)
	}
}

func TestPartyValidate(t *testing.T) {
	tests := []struct {
		name  string
		p     Party
		field string
	}{
		{"client", Party{Name: "Calloway Freight Systems, Inc.", Role: PartyClient}, ""},
		{"adverse with aliases", Party{Name: "Tidewater Logistics LLC", Role: PartyAdverse, Aliases: []string{"TWL"}}, ""},
		{"co-party", Party{Name: "X", Role: PartyCoParty}, ""},
		{"third party", Party{Name: "X", Role: PartyThirdParty}, ""},
		{"witness", Party{Name: "X", Role: PartyWitness}, ""},
		{"no name", Party{Name: "  ", Role: PartyAdverse}, "name"},
		{"name too long", Party{Name: strings.Repeat("p", 301), Role: PartyAdverse}, "name"},
		{"no role", Party{Name: "X"}, "role"},
		{"unknown role", Party{Name: "X", Role: "opponent"}, "role"},
	}
	for _, tt := range tests {
		p := tt.p
		err := p.Validate()
		if tt.field == "" {
			if err != nil {
				t.Errorf("%s: Validate() = %v", tt.name, err)
			}
			continue
		}
		if ErrorCode(err) != EInvalid || ErrorField(err) != tt.field {
			t.Errorf("%s: Validate() = %v, want invalid %s", tt.name, err, tt.field)
		}
	}
	p := Party{Name: "  Solace Pharma ", Role: PartyAdverse}
	if err := p.Validate(); err != nil || p.Name != "Solace Pharma" {
		t.Fatalf("Validate() = %v, name %q; want the name trimmed", err, p.Name)
	}
}
