package domain

import (
	"slices"
	"strings"
	"testing"
)

func validProfile() VendorProfile {
	return VendorProfile{VendorID: 1, LegalName: "Lexora Legal Services Private Limited", Country: "in", City: "Pune", Website: "https://lexora.example",
		PerformanceCountries: []string{"in", "PH", "IN", " "}, StorageCountries: []string{"IN"},
		Services:       []Service{ServiceEDiscovery, ServiceDocumentReview, ServiceEDiscovery},
		Subcontractors: []Subcontractor{{Name: "Sahyadri Data Centres", Country: "IN", Work: "Hosting"}},
		Insurance:      []InsurancePolicy{{Kind: InsuranceCyber, Carrier: "Deccan General", Limit: NewMoney(5_000_000_00, "inr"), ExpiresOn: "2026-12-31"}},
		Contacts:       []VendorContact{{Name: "Anika Deshmukh", Role: "Delivery manager", Email: "Anika@Lexora.example", Phone: "+91 20 6712 4400"}},
	}
}

func TestVendorProfileValidateNormalises(t *testing.T) {
	p := validProfile()
	if err := p.Validate(); err != nil {
		t.Fatalf("valid profile refused: %v", err)
	}
	if p.Country != "IN" || !slices.Equal(p.PerformanceCountries, []string{"IN", "PH"}) || p.State != VendorActive {
		t.Errorf("countries or state not normalised: %q %q %q", p.Country, p.PerformanceCountries, p.State)
	}
	if !slices.Equal(p.Services, []Service{ServiceDocumentReview, ServiceEDiscovery}) {
		t.Errorf("services = %v, want each once in display order", p.Services)
	}
	if p.Insurance[0].Limit.Currency != "INR" || p.Contacts[0].Email != "anika@lexora.example" || p.Subcontractors[0].Approval != ApprovalPending {
		t.Errorf("rows not normalised: %+v %+v %+v", p.Insurance[0], p.Contacts[0], p.Subcontractors[0])
	}
}

func TestVendorProfileValidateRefuses(t *testing.T) {
	with := func(f func(*VendorProfile)) VendorProfile { p := validProfile(); f(&p); return p }
	tests := []struct {
		name  string
		p     VendorProfile
		field string
	}{
		{"head office not a country", with(func(p *VendorProfile) { p.Country = "XX" }), "country"},
		{"head office missing", with(func(p *VendorProfile) { p.Country = "" }), "country"},
		{"storage country not a code", with(func(p *VendorProfile) { p.StorageCountries = []string{"India"} }), "storage_countries"},
		{"performance country unknown", with(func(p *VendorProfile) { p.PerformanceCountries = []string{"ZZ"} }), "performance_countries"},
		{"unknown service", with(func(p *VendorProfile) { p.Services = []Service{"translation"} }), "services"},
		{"website without scheme", with(func(p *VendorProfile) { p.Website = "lexora.example" }), "website"},
		{"website on another scheme", with(func(p *VendorProfile) { p.Website = "javascript:alert(1)" }), "website"},
		{"description too long", with(func(p *VendorProfile) { p.Description = strings.Repeat("a", 2001) }), "description"},
		{"unknown status", with(func(p *VendorProfile) { p.State = "archived" }), "status"},
		{"subcontractor without a name", with(func(p *VendorProfile) { p.Subcontractors[0].Name = "  " }), "subcontractors.1.name"},
		{"subcontractor in no country", with(func(p *VendorProfile) { p.Subcontractors[0].Country = "" }), "subcontractors.1.country"},
		{"subcontractor doing nothing said", with(func(p *VendorProfile) { p.Subcontractors[0].Work = "" }), "subcontractors.1.work"},
		{"subcontractor twice", with(func(p *VendorProfile) {
			p.Subcontractors = append(p.Subcontractors, Subcontractor{Name: "sahyadri data centres", Country: "IN", Work: "Backups"})
		}), "subcontractors.2.name"},
		{"insurance of an unknown kind", with(func(p *VendorProfile) { p.Insurance[0].Kind = "life" }), "insurance.1.kind"},
		{"insurance without carrier", with(func(p *VendorProfile) { p.Insurance[0].Carrier = "" }), "insurance.1.carrier"},
		{"zero limit", with(func(p *VendorProfile) { p.Insurance[0].Limit.Minor = 0 }), "insurance.1.limit"},
		{"negative limit", with(func(p *VendorProfile) { p.Insurance[0].Limit.Minor = -5 }), "insurance.1.limit"},
		{"limit in no currency", with(func(p *VendorProfile) { p.Insurance[0].Limit.Currency = "ABC" }), "insurance.1.limit"},
		{"policy without expiry", with(func(p *VendorProfile) { p.Insurance[0].ExpiresOn = "" }), "insurance.1.expires_on"},
		{"policy expiry not a date", with(func(p *VendorProfile) { p.Insurance[0].ExpiresOn = "2026-02-30" }), "insurance.1.expires_on"},
		{"contact without name", with(func(p *VendorProfile) { p.Contacts[0].Name = "" }), "contacts.1.name"},
		{"contact email malformed", with(func(p *VendorProfile) { p.Contacts[0].Email = "anika at lexora" }), "contacts.1.email"},
		{"contact phone with letters", with(func(p *VendorProfile) { p.Contacts[0].Phone = "call me" }), "contacts.1.phone"},
		{"contact unreachable", with(func(p *VendorProfile) { p.Contacts[0].Email, p.Contacts[0].Phone = "", "" }), "contacts.1.email"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.p.Validate()
			if ErrorCode(err) != EInvalid || ErrorField(err) != tt.field {
				t.Fatalf("Validate = %v, want invalid %s", err, tt.field)
			}
		})
	}
}

func TestParseCountry(t *testing.T) {
	for in, want := range map[string]string{"in": "IN", " gb ": "GB", "PH": "PH"} {
		if got, err := ParseCountry("country", in); err != nil || got != want {
			t.Errorf("ParseCountry(%q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "UK", "XX", "IND", "1N"} {
		if _, err := ParseCountry("country", in); ErrorCode(err) != EInvalid || ErrorField(err) != "country" {
			t.Errorf("ParseCountry(%q) = %v, want invalid", in, err)
		}
	}
	if CountryName("PH") != "Philippines" || CountryName("QQ") != "QQ" {
		t.Errorf("CountryName: %q %q", CountryName("PH"), CountryName("QQ"))
	}
}
