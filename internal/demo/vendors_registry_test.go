package demo_test

import (
	"context"
	"strings"
	"testing"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// TestRegistryStory checks the demo's vendor registry tells its story: every
// vendor has a profile, Lexora an approved subcontractor, Bayanihan a cyber
// policy about to lapse and an unacknowledged new storage country, and every
// vendor user a personnel record, current except Jose Reyes's expired NDA.
func TestRegistryStory(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		a := loaded(t, e)
		vs, err := a.Registry(ctx, app.Operator, store.Page{})
		if err != nil || len(vs) != 4 {
			t.Fatalf("registry: %d, %v", len(vs), err)
		}
		cities := map[string]string{"Lexora": "Pune", "Bayanihan": "Manila", "Keystone": "Philadelphia", "Meridian": "London"}
		for _, v := range vs {
			key := strings.Fields(v.Vendor.Name)[0]
			p, err := a.VendorPageOf(ctx, app.Operator, v.Vendor.ID)
			if err != nil {
				t.Fatal(err)
			}
			if p.Profile.City != cities[key] || len(p.Profile.Services) == 0 || len(p.Profile.StorageCountries) == 0 || len(p.Profile.Contacts) == 0 || len(p.Profile.Insurance) == 0 {
				t.Errorf("%s's profile is incomplete: %+v", key, p.Profile)
			}
			today := domain.DateOf(t0.Add(1))
			for _, in := range p.Profile.Insurance {
				expiring := domain.ExpiryOn(in.ExpiresOn, today) == domain.DateExpiring
				if expiring != (key == "Bayanihan" && in.Kind == domain.InsuranceCyber) {
					t.Errorf("%s's %s policy expiring soon = %v", key, in.Kind, expiring)
				}
			}
			if want := map[bool]int{true: 1, false: 0}[key == "Bayanihan"]; len(p.Changes) != want {
				t.Errorf("%s has %d changes to acknowledge, want %d", key, len(p.Changes), want)
			}
			if key == "Lexora" && (len(p.Profile.Subcontractors) != 1 || p.Profile.Subcontractors[0].Approval != domain.ApprovalApproved) {
				t.Errorf("Lexora's subcontractors: %+v", p.Profile.Subcontractors)
			}
			for _, x := range p.Personnel {
				if !x.Recorded {
					t.Errorf("%s has no personnel record", x.User.Name)
				}
				blocked := x.Status.State == domain.PersonnelBlocked
				if blocked != (x.User.Name == "Jose Reyes") {
					t.Errorf("%s: %s (%s)", x.User.Name, x.Status.State, x.Status.Reason())
				}
			}
		}
	})
}
