package domain

import (
	"fmt"
	"strings"
	"testing"
)

func TestVendorDiligenceOn(t *testing.T) {
	const today Date = "2026-03-17"
	tests := []struct {
		name string
		v    Vendor
		want Diligence
	}{
		{"approved, lapses later", Vendor{Diligence: DiligenceApproved, ApprovedUntil: "2026-12-31"}, DiligenceApproved},
		{"approved, lapses today: still valid today", Vendor{Diligence: DiligenceApproved, ApprovedUntil: today}, DiligenceApproved},
		{"approved, lapsed yesterday", Vendor{Diligence: DiligenceApproved, ApprovedUntil: "2026-03-16"}, DiligenceExpired},
		{"approved, lapsed last year", Vendor{Diligence: DiligenceApproved, ApprovedUntil: "2025-12-31"}, DiligenceExpired},
		{"approved without an end date", Vendor{Diligence: DiligenceApproved}, DiligenceApproved},
		{"conditional, lapsed", Vendor{Diligence: DiligenceConditional, ApprovedUntil: "2026-01-01"}, DiligenceExpired},
		{"conditional, current", Vendor{Diligence: DiligenceConditional, ApprovedUntil: "2026-04-01"}, DiligenceConditional},
		{"pending never expires", Vendor{Diligence: DiligencePending, ApprovedUntil: "2020-01-01"}, DiligencePending},
		{"rejected stays rejected", Vendor{Diligence: DiligenceRejected, ApprovedUntil: "2020-01-01"}, DiligenceRejected},
	}
	for _, tt := range tests {
		if got := tt.v.DiligenceOn(today); got != tt.want {
			t.Errorf("%s: DiligenceOn(%s) = %q, want %q", tt.name, today, got, tt.want)
		}
	}
}

func TestVendorValidate(t *testing.T) {
	tests := []struct {
		name  string
		v     Vendor
		field string
	}{
		{"valid", Vendor{Name: "Lexora", Country: "IN", Currency: "INR", Diligence: DiligenceApproved}, ""},
		{"lower-case country and currency", Vendor{Name: "Lexora", Country: "in", Currency: "inr"}, ""},
		{"no name", Vendor{Name: " ", Country: "IN", Currency: "INR"}, "name"},
		{"long name", Vendor{Name: strings.Repeat("v", 201), Country: "IN", Currency: "INR"}, "name"},
		{"country not alpha-2", Vendor{Name: "Lexora", Country: "IND", Currency: "INR"}, "country"},
		{"no currency", Vendor{Name: "Lexora", Country: "IN"}, "currency"},
		{"expired is derived, never stored", Vendor{Name: "Lexora", Country: "IN", Currency: "INR", Diligence: DiligenceExpired}, "diligence"},
		{"unknown decision", Vendor{Name: "Lexora", Country: "IN", Currency: "INR", Diligence: "ok"}, "diligence"},
	}
	for _, tt := range tests {
		v := tt.v
		err := v.Validate()
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
	v := Vendor{Name: " Lexora ", Country: "in", Currency: "inr"}
	if err := v.Validate(); err != nil {
		t.Fatal(err)
	}
	if v.Name != "Lexora" || v.Country != "IN" || v.Currency != "INR" || v.Diligence != DiligencePending {
		t.Fatalf("Validate left %+v; want trimmed name, upper-case codes, pending diligence", v)
	}
}

func TestClientValidate(t *testing.T) {
	tests := []struct {
		name  string
		c     Client
		field string
	}{
		{"valid", Client{Number: "CFS-0711", Name: "Calloway Freight Systems, Inc."}, ""},
		{"no name", Client{Number: "CFS-0711"}, "name"},
		{"no number", Client{Name: "Calloway"}, "number"},
		{"number too long", Client{Number: strings.Repeat("9", 21), Name: "Calloway"}, "number"},
		{"number with a pipe", Client{Number: "CFS|0711", Name: "Calloway"}, "number"},
	}
	for _, tt := range tests {
		c := tt.c
		err := c.Validate()
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
}

func TestLabels(t *testing.T) {
	type labelled interface{ Label() string }
	var all []labelled
	for _, d := range []Diligence{DiligencePending, DiligenceApproved, DiligenceConditional, DiligenceRejected, DiligenceExpired} {
		all = append(all, d)
	}
	for _, s := range []Sensitivity{SensitivityStandard, SensitivityConfidential, SensitivityHighlyConfidential} {
		all = append(all, s)
	}
	for _, s := range Stages {
		all = append(all, s)
	}
	for _, s := range []Service{ServiceDocumentReview, ServiceLegalResearch, ServiceDrafting, ServiceContractManagement,
		ServiceEDiscovery, ServiceBillingSupport, ServiceDocumentManagement} {
		all = append(all, s)
	}
	seen := map[string]bool{}
	for _, l := range all {
		raw := fmt.Sprint(l)
		if l.Label() == "" || l.Label() == raw {
			t.Errorf("%s has no label of its own: %q", raw, l.Label())
		}
		if seen[fmt.Sprintf("%T %s", l, l.Label())] {
			t.Errorf("label %q is used twice", l.Label())
		}
		seen[fmt.Sprintf("%T %s", l, l.Label())] = true
	}
	for _, st := range Stages {
		if st.NextStep() == "" || st.NextStep() == string(st) {
			t.Errorf("stage %s has no next step", st)
		}
	}
	if got := Stage("unknown").Label(); got != "unknown" {
		t.Errorf("an unknown stage labels itself as %q", got)
	}
}
