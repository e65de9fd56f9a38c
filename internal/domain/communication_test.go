package domain_test

import (
	"testing"
	"time"

	"github.com/probity/probity/internal/domain"
)

// The working-hour overlap follows each zone's offset on the given date:
// New York's firm day and a Manila night shift overlap fully in July
// (EDT, UTC-4) and one hour less in January (EST, UTC-5); a Manila day
// shift never meets a New York day.
func TestOverlap(t *testing.T) {
	ny := domain.WorkingHours{TimeZone: "America/New_York", Start: "09:00", End: "18:00"}
	for _, c := range []struct {
		name   string
		on     domain.Date
		firm   domain.WorkingHours
		vendor domain.WorkingHours
		want   time.Duration
	}{
		{"Manila night shift, summer", "2026-07-14", ny, domain.WorkingHours{TimeZone: "Asia/Manila", Start: "21:00", End: "06:00"}, 9 * time.Hour},
		{"Manila night shift, winter", "2026-01-13", ny, domain.WorkingHours{TimeZone: "Asia/Manila", Start: "21:00", End: "06:00"}, 8 * time.Hour},
		{"Manila day shift: no overlap", "2026-07-14", ny, domain.WorkingHours{TimeZone: "Asia/Manila", Start: "09:00", End: "18:00"}, 0},
		{"Kolkata late shift", "2026-07-14", ny, domain.WorkingHours{TimeZone: "Asia/Kolkata", Start: "14:00", End: "23:00"}, 4*time.Hour + 30*time.Minute},
		{"London", "2026-03-03", ny, domain.WorkingHours{TimeZone: "Europe/London", Start: "09:00", End: "17:30"}, 3*time.Hour + 30*time.Minute},
		{"London after the US change, before the UK's", "2026-03-10", ny, domain.WorkingHours{TimeZone: "Europe/London", Start: "09:00", End: "17:30"}, 4*time.Hour + 30*time.Minute},
	} {
		got, err := domain.Overlap(c.on, c.firm, c.vendor)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got != c.want {
			t.Errorf("%s: overlap %v, want %v", c.name, got, c.want)
		}
	}
	if _, err := domain.Overlap("2026-07-14", ny, domain.WorkingHours{TimeZone: "Mars/Olympus", Start: "09:00", End: "18:00"}); domain.ErrorField(err) != "vendor_time_zone" {
		t.Errorf("an unknown zone: %v", err)
	}
}

func TestCommunicationPlanValidate(t *testing.T) {
	good := domain.CommunicationPlan{FirmContacts: []int64{1}, VendorContacts: []int64{2}, Channels: []domain.Channel{domain.ChannelEmail},
		Cadence: domain.CadenceWeekly, Firm: domain.WorkingHours{TimeZone: "America/New_York", Start: "09:00", End: "18:00"},
		Vendor: domain.WorkingHours{TimeZone: "Asia/Manila", Start: "21:00", End: "06:00"}, Escalation: []domain.EscalationStep{{Who: "Vendor lead", ResponseHours: 4}}, Language: "English"}
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := good.Complete(); err != nil {
		t.Fatal(err)
	}
	for field, change := range map[string]func(p *domain.CommunicationPlan){
		"cadence":          func(p *domain.CommunicationPlan) { p.Cadence = "hourly" },
		"channels":         func(p *domain.CommunicationPlan) { p.Channels = []domain.Channel{"pigeon"} },
		"firm_hours_start": func(p *domain.CommunicationPlan) { p.Firm.Start = "9am" },
		"vendor_hours_end": func(p *domain.CommunicationPlan) { p.Vendor.End = "25:00" },
		"firm_time_zone":   func(p *domain.CommunicationPlan) { p.Firm.TimeZone = "EST5EDTX" },
		"escalation": func(p *domain.CommunicationPlan) {
			p.Escalation = []domain.EscalationStep{{Who: "Partner", ResponseHours: 0}}
		},
		"language": func(p *domain.CommunicationPlan) { p.Language = string(make([]byte, 61)) },
	} {
		p := good
		change(&p)
		err := p.Validate()
		if domain.ErrorCode(err) != domain.EInvalid || domain.ErrorField(err) != field {
			t.Errorf("%s: got %v (field %q)", field, err, domain.ErrorField(err))
		}
	}
	incomplete := good
	incomplete.VendorContacts, incomplete.Escalation = nil, nil
	if err := incomplete.Complete(); domain.ErrorCode(err) != domain.EGateClosed || len(incomplete.Missing()) != 2 {
		t.Errorf("an incomplete plan: %v %v", err, incomplete.Missing())
	}
}

func TestBriefingHash(t *testing.T) {
	s := domain.BriefingSections{JurisdictionRules: "S.D.N.Y. local rules", ClientGuidelines: "No block billing", PrivilegeHandling: "Log it", StrategyFit: "Supports the motion", Confidentiality: "Clean desk"}
	h := domain.BriefingHash(7, 1, s)
	if len(h) != 64 || h != domain.BriefingHash(7, 1, s) {
		t.Fatalf("hash %q is not stable", h)
	}
	s2 := s
	s2.Confidentiality = "Clean desk."
	for name, other := range map[string]string{
		"another word":       domain.BriefingHash(7, 1, s2),
		"another version":    domain.BriefingHash(7, 2, s),
		"another engagement": domain.BriefingHash(8, 1, s),
		"moved text": domain.BriefingHash(7, 1, domain.BriefingSections{JurisdictionRules: "S.D.N.Y. local rules No block billing", PrivilegeHandling: "Log it",
			StrategyFit: "Supports the motion", Confidentiality: "Clean desk"}),
	} {
		if other == h {
			t.Errorf("%s gives the same hash", name)
		}
	}
	if err := s.ReadyToPublish(); err != nil {
		t.Errorf("ready: %v", err)
	}
	s.StrategyFit = " "
	if err := s.ReadyToPublish(); domain.ErrorField(err) != "strategy_fit" {
		t.Errorf("an empty strategy section: %v", err)
	}
	if err := domain.CheckTypedName(" maria  santos ", "Maria Santos"); err != nil {
		t.Error(err)
	}
	if err := domain.CheckTypedName("Jose Reyes", "Maria Santos"); domain.ErrorField(err) != "typed_name" {
		t.Errorf("another's name: %v", err)
	}
}
