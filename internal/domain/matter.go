package domain

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Sensitivity labels a matter; it sets the minimum bar a vendor must meet.
type Sensitivity string

// The sensitivity labels, from least to most sensitive.
const (
	SensitivityStandard           Sensitivity = "standard"
	SensitivityConfidential       Sensitivity = "confidential"
	SensitivityHighlyConfidential Sensitivity = "highly_confidential"
)

// Label says the sensitivity in plain words.
func (s Sensitivity) Label() string {
	switch s {
	case SensitivityStandard:
		return "Standard"
	case SensitivityConfidential:
		return "Confidential"
	case SensitivityHighlyConfidential:
		return "Highly confidential"
	}
	return string(s)
}

// Matter is a piece of legal work the firm does for a client.
type Matter struct {
	ID                    int64
	ClientID              int64
	Number                string // LEDES LAW_FIRM_MATTER_ID, at most 20 characters
	Title                 string
	PracticeArea          string
	Sensitivity           Sensitivity
	ResponsibleAttorneyID int64
	Status                string // open, closed
	OpenedOn              Date
	Jurisdictions         []Jurisdiction
	CreatedAt             time.Time
}

// Jurisdiction is one place that governs or hosts a matter's work.
type Jurisdiction struct {
	Kind string // court, governing_law, performance
	Name string // "S.D.N.Y.", "New York", "India"
}

// JurisdictionKinds are the kinds of Jurisdiction, in display order.
var JurisdictionKinds = []string{"court", "governing_law", "performance"}

// Validate checks a matter before it is stored.
func (m *Matter) Validate() error {
	m.Number = strings.TrimSpace(m.Number)
	m.Title = strings.TrimSpace(m.Title)
	if err := validateLEDESID("number", m.Number); err != nil {
		return err
	}
	if m.Title == "" || utf8.RuneCountInString(m.Title) > 300 {
		return Invalid("title", "title is required (at most 300 characters)")
	}
	if m.ClientID == 0 {
		return Invalid("client", "a matter needs a client")
	}
	if m.ResponsibleAttorneyID == 0 {
		return Invalid("responsible_attorney", "a matter needs a responsible attorney")
	}
	switch m.Sensitivity {
	case SensitivityStandard, SensitivityConfidential, SensitivityHighlyConfidential:
	case "":
		m.Sensitivity = SensitivityStandard
	default:
		return Invalid("sensitivity", "%q is not a sensitivity label", m.Sensitivity)
	}
	if m.Status == "" {
		m.Status = "open"
	}
	if m.Status != "open" && m.Status != "closed" {
		return Invalid("status", "status must be open or closed")
	}
	for _, j := range m.Jurisdictions {
		if !contains(JurisdictionKinds, j.Kind) || strings.TrimSpace(j.Name) == "" {
			return Invalid("jurisdictions", "each jurisdiction needs a kind (court, governing_law, performance) and a name")
		}
	}
	return nil
}

// PartyRole is a party's relation to a matter.
type PartyRole string

// Party roles.
const (
	PartyClient     PartyRole = "client"
	PartyAdverse    PartyRole = "adverse"
	PartyCoParty    PartyRole = "co_party"
	PartyThirdParty PartyRole = "third_party"
	PartyWitness    PartyRole = "witness"
)

// Label names the role in plain words.
func (r PartyRole) Label() string {
	switch r {
	case PartyClient:
		return "Client"
	case PartyAdverse:
		return "Adverse party"
	case PartyCoParty:
		return "Co-party"
	case PartyThirdParty:
		return "Third party"
	case PartyWitness:
		return "Witness"
	}
	return string(r)
}

// Party is a person or organisation involved in a matter, with the other
// names it is known by (conflict checks test them all).
type Party struct {
	ID       int64
	MatterID int64
	Name     string
	Role     PartyRole
	Aliases  []string
}

// Validate checks a party before it is stored.
func (p *Party) Validate() error {
	p.Name = strings.TrimSpace(p.Name)
	if p.Name == "" || utf8.RuneCountInString(p.Name) > 300 {
		return Invalid("name", "party name is required (at most 300 characters)")
	}
	switch p.Role {
	case PartyClient, PartyAdverse, PartyCoParty, PartyThirdParty, PartyWitness:
	default:
		return Invalid("role", "%q is not a party role", p.Role)
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
