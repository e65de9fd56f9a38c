package app_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// registryFixture adds a second vendor and vendor users to the fixture.
type registryFixture struct {
	*fixture
	other      domain.Vendor // Bayanihan
	anika      domain.User   // Lexora's manager
	rohan      domain.User   // Lexora's professional
	maria      domain.User   // Bayanihan's manager
	helen      domain.User   // a client contact
	matter     domain.Matter
	engagement domain.Engagement // Lexora on the matter, Rohan and Anika members
}

func newRegistryFixture(tb testing.TB, e testenv.Engine) *registryFixture {
	tb.Helper()
	f := &registryFixture{fixture: newFixture(tb, e)}
	ctx := context.Background()
	var err error
	if f.other, err = f.a.CreateVendor(ctx, f.admin, app.NewVendor{Name: "Bayanihan Legal Process Center Inc.", Country: "PH", Currency: "PHP"}); err != nil {
		tb.Fatal(err)
	}
	f.anika = f.createUser(tb, app.NewUser{Email: "anika@lexora.example", Name: "Anika Deshmukh", Role: domain.RoleVendorManager, VendorID: f.vendor.ID})
	f.rohan = f.createUser(tb, app.NewUser{Email: "rohan@lexora.example", Name: "Rohan Kulkarni", Role: domain.RoleVendorProfessional, VendorID: f.vendor.ID})
	f.maria = f.createUser(tb, app.NewUser{Email: "maria@bayanihan.example", Name: "Maria Santos", Role: domain.RoleVendorManager, VendorID: f.other.ID})
	f.helen = f.createUser(tb, app.NewUser{Email: "helen@calloway.example", Name: "Helen", Role: domain.RoleClientContact, ClientID: f.client.ID})
	f.matter = domain.Matter{ClientID: f.client.ID, Number: "2026-0142", Title: "Calloway v. Tidewater", Sensitivity: domain.SensitivityConfidential, ResponsibleAttorneyID: f.marcus.ID}
	if err := f.matter.Validate(); err != nil {
		tb.Fatal(err)
	}
	f.engagement = domain.Engagement{VendorID: f.vendor.ID, SupervisingAttorneyID: f.marcus.ID, Service: domain.ServiceDocumentReview, Stage: domain.StageActive,
		BillingMode: domain.BillingDisbursement, EstimatedCost: domain.NewMoney(100, "INR"), InHouseEstimate: domain.NewMoney(200, "USD")}
	if err := f.a.Store.Write(ctx, func(tx *store.Tx) error {
		if err := tx.CreateMatter(ctx, &f.matter, t0); err != nil {
			return err
		}
		f.engagement.MatterID = f.matter.ID
		if err := tx.CreateEngagement(ctx, &f.engagement, t0); err != nil {
			return err
		}
		for _, u := range []int64{f.rohan.ID, f.anika.ID} {
			if err := tx.AddEngagementMember(ctx, domain.EngagementMember{EngagementID: f.engagement.ID, UserID: u, Role: "reviewer"}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		tb.Fatal(err)
	}
	return f
}

// currentRecord is a personnel record clear on t0's day.
func currentRecord() domain.Personnel {
	return domain.Personnel{Position: "Reviewer", ExperienceYears: 3, NDASigned: "2025-01-10", NDAExpires: "2027-01-10",
		ConfidentialityDone: "2025-12-01", ConfidentialityExpires: "2026-12-01", EthicsDone: "2025-12-01", EthicsExpires: "2026-12-01"}
}

func (f *registryFixture) profile(tb testing.TB, vendorID int64) domain.VendorProfile {
	tb.Helper()
	p, err := f.a.VendorProfile(context.Background(), f.admin, vendorID)
	if err != nil {
		tb.Fatal(err)
	}
	return p.Profile
}

func TestCreateVendorRefusesDuplicates(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		f := newRegistryFixture(t, e)
		vendors, audits := f.count(t, "vendors"), f.count(t, "audit_events")
		for _, tt := range []struct {
			name, vendor, legal string
			code, field         string
		}{
			{"same name in another case", "LEXORA", "", domain.EConflict, "name"},
			{"same words once the legal form is set aside", "Lexora Pvt. Ltd.", "", domain.EConflict, "name"},
			{"punctuation and word order", "Center, Bayanihan Legal Process", "", domain.EConflict, "name"},
			{"legal name of an existing vendor", "Brand New", "Bayanihan Legal Process Center, Inc.", domain.EConflict, "legal_name"},
			{"no name", " ", "", domain.EInvalid, "name"},
			{"not a country", "Keystone Review LLC", "", domain.EInvalid, "country"},
		} {
			in := app.NewVendor{Name: tt.vendor, LegalName: tt.legal, Country: "US", Currency: "USD"}
			if tt.name == "not a country" {
				in.Country = "XX"
			}
			_, err := f.a.CreateVendor(ctx, f.admin, in)
			if domain.ErrorCode(err) != tt.code || domain.ErrorField(err) != tt.field {
				t.Errorf("%s: CreateVendor = %v, want %s on %s", tt.name, err, tt.code, tt.field)
			}
			if tt.code == domain.EConflict && !strings.Contains(domain.ErrorMessage(err), "Lexora") && !strings.Contains(domain.ErrorMessage(err), "Bayanihan") {
				t.Errorf("%s: the message %q does not name the existing vendor", tt.name, domain.ErrorMessage(err))
			}
		}
		for _, actor := range []domain.User{f.marcus, f.staff, f.anika, f.helen} {
			_, err := f.a.CreateVendor(ctx, actor, app.NewVendor{Name: "Keystone Review LLC", Country: "US", Currency: "USD"})
			wantCode(t, err, domain.EForbidden, "CreateVendor by "+string(actor.Role))
		}
		if n, a := f.count(t, "vendors"), f.count(t, "audit_events"); n != vendors || a != audits {
			t.Fatalf("refused creations wrote: vendors %d → %d, audit events %d → %d", vendors, n, audits, a)
		}
		v, err := f.a.CreateVendor(ctx, f.admin, app.NewVendor{Name: "Keystone Review LLC", Country: "us", Currency: "usd", City: "Philadelphia", Website: "https://keystone.example"})
		if err != nil || v.Diligence != domain.DiligencePending || v.Country != "US" {
			t.Fatalf("CreateVendor = %+v, %v", v, err)
		}
		if p := f.profile(t, v.ID); p.City != "Philadelphia" || p.Website != "https://keystone.example" || p.State != domain.VendorActive {
			t.Errorf("new vendor's profile = %+v", p)
		}
		if n := f.audits(t, "vendor.create"); n != 2 { // Bayanihan in the fixture, and Keystone
			t.Errorf("%d vendor.create events, want 2", n)
		}
	})
}

func TestVendorProfileMaintenance(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		f := newRegistryFixture(t, e)
		in := domain.VendorProfile{LegalName: "Lexora Legal Services Private Limited", Country: "IN", City: "Pune",
			PerformanceCountries: []string{"IN"}, StorageCountries: []string{"IN"}, Services: []domain.Service{domain.ServiceDocumentReview}}

		// Only the vendor's own manager (or a firm administrator) maintains
		// it; another vendor's manager does not even see it.
		err := f.a.UpdateVendorProfile(ctx, f.maria, f.vendor.ID, in)
		wantCode(t, err, domain.ENotFound, "another vendor's manager")
		for _, actor := range []domain.User{f.rohan, f.marcus, f.staff} {
			err := f.a.UpdateVendorProfile(ctx, actor, f.vendor.ID, in)
			wantCode(t, err, domain.EForbidden, "UpdateVendorProfile by "+string(actor.Role))
		}
		if n := f.count(t, "vendor_changes") + f.count(t, "vendor_countries"); n != 0 {
			t.Fatalf("refused updates wrote %d rows", n)
		}

		// The first countries raise exactly one flag; an update that leaves
		// them alone raises none.
		if err := f.a.UpdateVendorProfile(ctx, f.anika, f.vendor.ID, in); err != nil {
			t.Fatal(err)
		}
		open, err := f.a.OpenVendorChanges(ctx, f.marcus, f.vendor.ID)
		if err != nil || len(open) != 1 || open[0].Kind != domain.ChangeCountries || !strings.Contains(open[0].After, "data stored in IN") {
			t.Fatalf("flags after setting countries: %+v, %v", open, err)
		}
		in.Description = "Managed review"
		if err := f.a.UpdateVendorProfile(ctx, f.anika, f.vendor.ID, in); err != nil {
			t.Fatal(err)
		}
		if n := f.count(t, "vendor_changes"); n != 1 {
			t.Fatalf("%d flags after a description change, want still 1", n)
		}
		in.StorageCountries = []string{"IN", "SG"}
		if err := f.a.UpdateVendorProfile(ctx, f.anika, f.vendor.ID, in); err != nil {
			t.Fatal(err)
		}
		if n := f.count(t, "vendor_changes"); n != 2 {
			t.Fatalf("%d flags after adding a storage country, want 2", n)
		}
		if n := f.audits(t, "vendor.profile_update"); n != 3 {
			t.Errorf("%d profile updates audited, want 3", n)
		}

		// A new subcontractor waits for the firm, whatever the input claims.
		in.Subcontractors = []domain.Subcontractor{{Name: "Sahyadri Data Centres", Country: "IN", Work: "Hosting", Approval: domain.ApprovalApproved, DecidedBy: f.anika.ID}}
		if err := f.a.UpdateVendorProfile(ctx, f.anika, f.vendor.ID, in); err != nil {
			t.Fatal(err)
		}
		subs := f.profile(t, f.vendor.ID).Subcontractors
		if len(subs) != 1 || subs[0].Approval != domain.ApprovalPending || subs[0].DecidedBy != 0 {
			t.Fatalf("a vendor approved its own subcontractor: %+v", subs)
		}
		changes, _ := f.a.OpenVendorChanges(ctx, f.admin, f.vendor.ID)
		if len(changes) != 3 || changes[0].Kind != domain.ChangeSubcontractors {
			t.Fatalf("adding a subcontractor flagged %+v", changes)
		}
		facts := func() []string {
			t.Helper()
			var names []string
			if err := f.a.Store.Read(ctx, func(tx *store.Tx) (err error) { names, err = tx.UnapprovedSubcontractors(ctx, f.vendor.ID); return err }); err != nil {
				t.Fatal(err)
			}
			return names
		}
		if got := facts(); !slices.Equal(got, []string{"Sahyadri Data Centres"}) {
			t.Errorf("unapproved = %v", got)
		}

		// The firm decides: the vendor cannot, a refusal needs a reason.
		err = f.a.DecideSubcontractor(ctx, f.anika, f.vendor.ID, subs[0].ID, domain.ApprovalApproved, "")
		wantCode(t, err, domain.EForbidden, "a vendor manager deciding")
		err = f.a.DecideSubcontractor(ctx, f.maria, f.vendor.ID, subs[0].ID, domain.ApprovalApproved, "")
		wantCode(t, err, domain.ENotFound, "another vendor's manager deciding")
		err = f.a.DecideSubcontractor(ctx, f.marcus, f.vendor.ID, subs[0].ID, domain.ApprovalRefused, " ")
		wantCode(t, err, domain.EInvalid, "refusal without a reason")
		err = f.a.DecideSubcontractor(ctx, f.marcus, f.other.ID, subs[0].ID, domain.ApprovalApproved, "")
		wantCode(t, err, domain.ENotFound, "through another vendor")
		if err := f.a.DecideSubcontractor(ctx, f.marcus, f.vendor.ID, subs[0].ID, domain.ApprovalApproved, "covered by SOC 2"); err != nil {
			t.Fatal(err)
		}
		err = f.a.DecideSubcontractor(ctx, f.marcus, f.vendor.ID, subs[0].ID, domain.ApprovalApproved, "")
		wantCode(t, err, domain.EConflict, "approving twice")
		if got := facts(); len(got) != 0 {
			t.Errorf("after approval, unapproved = %v", got)
		}
		// Saving the profile again keeps the approval; moving the
		// subcontractor to another country needs a new one.
		in.Subcontractors[0].Work = "Hosting and backups"
		if err := f.a.UpdateVendorProfile(ctx, f.anika, f.vendor.ID, in); err != nil {
			t.Fatal(err)
		}
		if s := f.profile(t, f.vendor.ID).Subcontractors[0]; s.Approval != domain.ApprovalApproved || s.DecidedBy != f.marcus.ID || s.ID != subs[0].ID {
			t.Errorf("approval lost on an unrelated change: %+v", s)
		}
		in.Subcontractors[0].Country = "SG"
		if err := f.a.UpdateVendorProfile(ctx, f.anika, f.vendor.ID, in); err != nil {
			t.Fatal(err)
		}
		if got := facts(); !slices.Equal(got, []string{"Sahyadri Data Centres"}) {
			t.Errorf("after moving countries, unapproved = %v", got)
		}

		// Bad input changes nothing: not the profile, nor flags, nor audit.
		before, flags, audits := f.profile(t, f.vendor.ID), f.count(t, "vendor_changes"), f.count(t, "audit_events")
		for _, bad := range []func(*domain.VendorProfile){
			func(p *domain.VendorProfile) { p.StorageCountries = []string{"IN", "Singapore"} },
			func(p *domain.VendorProfile) {
				p.Insurance = []domain.InsurancePolicy{{Kind: domain.InsuranceCyber, Carrier: "X", Limit: domain.NewMoney(-1, "INR"), ExpiresOn: "2027-01-01"}}
			},
			func(p *domain.VendorProfile) {
				p.Subcontractors = append(p.Subcontractors, domain.Subcontractor{Name: "", Country: "IN", Work: "x"})
			},
		} {
			p := in
			p.Subcontractors = slices.Clone(in.Subcontractors)
			p.PerformanceCountries = []string{"IN", "PH"} // would raise a flag if it were saved
			bad(&p)
			wantCode(t, f.a.UpdateVendorProfile(ctx, f.anika, f.vendor.ID, p), domain.EInvalid, "invalid profile")
		}
		after := f.profile(t, f.vendor.ID)
		if !slices.Equal(after.PerformanceCountries, before.PerformanceCountries) || f.count(t, "vendor_changes") != flags || f.count(t, "audit_events") != audits {
			t.Fatalf("invalid input changed something: %v → %v, flags %d → %d", before.PerformanceCountries, after.PerformanceCountries, flags, f.count(t, "vendor_changes"))
		}

		// Only the firm changes the registry status.
		p := in
		p.State = domain.VendorInactive
		wantCode(t, f.a.UpdateVendorProfile(ctx, f.anika, f.vendor.ID, p), domain.EForbidden, "a vendor manager deactivating")
		if err := f.a.UpdateVendorProfile(ctx, f.admin, f.vendor.ID, p); err != nil {
			t.Fatal(err)
		}
		if got := f.profile(t, f.vendor.ID).State; got != domain.VendorInactive {
			t.Errorf("state = %s", got)
		}
	})
}

func TestAcknowledgeVendorChange(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		f := newRegistryFixture(t, e)
		in := domain.VendorProfile{Country: "PH", StorageCountries: []string{"PH", "SG"}}
		if err := f.a.UpdateVendorProfile(ctx, f.maria, f.other.ID, in); err != nil {
			t.Fatal(err)
		}
		open, err := f.a.OpenVendorChanges(ctx, f.admin, f.other.ID)
		if err != nil || len(open) != 1 {
			t.Fatalf("open = %+v, %v", open, err)
		}
		id := open[0].ID
		wantCode(t, f.a.AcknowledgeVendorChange(ctx, f.maria, f.other.ID, id), domain.EForbidden, "the vendor acknowledging its own change")
		wantCode(t, f.a.AcknowledgeVendorChange(ctx, f.staff, f.other.ID, id), domain.EForbidden, "staff")
		wantCode(t, f.a.AcknowledgeVendorChange(ctx, f.anika, f.other.ID, id), domain.ENotFound, "another vendor's manager")
		wantCode(t, f.a.AcknowledgeVendorChange(ctx, f.marcus, f.vendor.ID, id), domain.ENotFound, "through another vendor")
		wantCode(t, f.a.AcknowledgeVendorChange(ctx, f.marcus, f.other.ID, 0), domain.EInvalid, "no change chosen")
		if err := f.a.AcknowledgeVendorChange(ctx, f.marcus, f.other.ID, id); err != nil {
			t.Fatal(err)
		}
		wantCode(t, f.a.AcknowledgeVendorChange(ctx, f.admin, f.other.ID, id), domain.EConflict, "acknowledging twice")
		if open, _ := f.a.OpenVendorChanges(ctx, f.admin, f.other.ID); len(open) != 0 {
			t.Errorf("still open: %+v", open)
		}
		if n := f.audits(t, "vendor.change_acknowledge"); n != 1 {
			t.Errorf("%d acknowledgements audited", n)
		}
		_, err = f.a.OpenVendorChanges(ctx, f.maria, f.other.ID)
		wantCode(t, err, domain.EForbidden, "open changes for a vendor user")
	})
}

func TestPersonnelBlocksEngagementWork(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		f := newRegistryFixture(t, e)

		// Without a record, Rohan may not open the engagement: the answer
		// says what is missing and who renews it.
		_, err := f.a.Engagement(ctx, f.rohan, f.engagement.ID)
		wantCode(t, err, domain.EGateClosed, "no personnel record")
		if msg := domain.ErrorMessage(err); !strings.Contains(msg, "no signed NDA") || !strings.Contains(msg, "Anika Deshmukh") {
			t.Errorf("message %q does not say what to renew and who renews it", msg)
		}
		// Firm users are not personnel.
		if _, err := f.a.Engagement(ctx, f.marcus, f.engagement.ID); err != nil {
			t.Fatalf("the attorney: %v", err)
		}

		// Who may record it.
		rec := currentRecord()
		wantCode(t, f.a.UpdatePersonnel(ctx, f.rohan, f.vendor.ID, f.rohan.ID, rec), domain.EForbidden, "a professional editing their own record")
		wantCode(t, f.a.UpdatePersonnel(ctx, f.maria, f.vendor.ID, f.rohan.ID, rec), domain.ENotFound, "another vendor's manager")
		wantCode(t, f.a.UpdatePersonnel(ctx, f.maria, f.other.ID, f.rohan.ID, rec), domain.ENotFound, "a person of another vendor")
		wantCode(t, f.a.UpdatePersonnel(ctx, f.marcus, f.vendor.ID, f.rohan.ID, rec), domain.EForbidden, "an attorney")
		wantCode(t, f.a.UpdatePersonnel(ctx, f.helen, f.vendor.ID, f.rohan.ID, rec), domain.EForbidden, "a client contact")
		bad := rec
		bad.NDAExpires = "2024-01-01" // before it was signed
		wantCode(t, f.a.UpdatePersonnel(ctx, f.anika, f.vendor.ID, f.rohan.ID, bad), domain.EInvalid, "an NDA ending before it was signed")
		if n := f.count(t, "personnel"); n != 0 {
			t.Fatalf("refused updates wrote %d records", n)
		}
		rec.BarAdmissions = []domain.BarAdmission{{Jurisdiction: "Maharashtra and Goa", Number: "MAH/1", AdmittedOn: "2017-01-01"}}
		if err := f.a.UpdatePersonnel(ctx, f.anika, f.vendor.ID, f.rohan.ID, rec); err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.Engagement(ctx, f.rohan, f.engagement.ID); err != nil {
			t.Fatalf("with NDA and training current: %v", err)
		}

		// The firm verifies the bar admission; the vendor cannot.
		wantCode(t, f.a.VerifyBarAdmission(ctx, f.anika, f.vendor.ID, f.rohan.ID, "Maharashtra and Goa", ""), domain.EForbidden, "the vendor verifying")
		wantCode(t, f.a.VerifyBarAdmission(ctx, f.marcus, f.vendor.ID, f.rohan.ID, "Goa", ""), domain.ENotFound, "an admission not held")
		wantCode(t, f.a.VerifyBarAdmission(ctx, f.marcus, f.vendor.ID, f.rohan.ID, "Maharashtra and Goa", "2030-01-01"), domain.EInvalid, "a date in the future")
		if err := f.a.VerifyBarAdmission(ctx, f.marcus, f.vendor.ID, f.rohan.ID, "maharashtra and goa", ""); err != nil {
			t.Fatal(err)
		}
		v, err := f.a.Personnel(ctx, f.rohan, f.vendor.ID, f.rohan.ID)
		if err != nil || len(v.Personnel.BarAdmissions) != 1 || v.Personnel.BarAdmissions[0].VerifiedOn != domain.DateOf(t0) || v.Verifiers[f.marcus.ID] != "Marcus" {
			t.Fatalf("Rohan's own record = %+v, %v", v, err)
		}
		// Changing the admission's number undoes the verification.
		rec.BarAdmissions[0].Number = "MAH/2"
		if err := f.a.UpdatePersonnel(ctx, f.anika, f.vendor.ID, f.rohan.ID, rec); err != nil {
			t.Fatal(err)
		}
		if v, _ := f.a.Personnel(ctx, f.admin, f.vendor.ID, f.rohan.ID); v.Personnel.BarAdmissions[0].VerifiedOn != "" {
			t.Errorf("verification survived a changed number: %+v", v.Personnel.BarAdmissions[0])
		}

		// Who sees the record: Rohan himself, not another professional's;
		// not another vendor; not a client.
		_, err = f.a.Personnel(ctx, f.rohan, f.vendor.ID, f.anika.ID)
		wantCode(t, err, domain.ENotFound, "a professional reading a colleague's record")
		_, err = f.a.Personnel(ctx, f.maria, f.vendor.ID, f.rohan.ID)
		wantCode(t, err, domain.ENotFound, "another vendor's manager reading")
		_, err = f.a.Personnel(ctx, f.helen, f.vendor.ID, f.rohan.ID)
		wantCode(t, err, domain.EForbidden, "a client contact reading")
		people, err := f.a.VendorPersonnel(ctx, f.rohan, f.vendor.ID)
		if err != nil || len(people) != 1 || people[0].User.ID != f.rohan.ID {
			t.Errorf("Rohan's view of Lexora's people = %+v, %v", people, err)
		}
		people, err = f.a.VendorPersonnel(ctx, f.anika, f.vendor.ID)
		if err != nil || len(people) != 2 {
			t.Errorf("Anika's view of Lexora's people = %+v, %v", people, err)
		}

		// The NDA lapses: the block is back, saying so, until it is renewed.
		f.clock.now = domain.Date("2027-01-11").Time().Add(9 * 3600e9)
		_, err = f.a.Engagement(ctx, f.rohan, f.engagement.ID)
		wantCode(t, err, domain.EGateClosed, "NDA expired")
		if msg := domain.ErrorMessage(err); !strings.Contains(msg, "the NDA expired on 2027-01-10") {
			t.Errorf("message %q does not say the NDA expired", msg)
		}
		// Out of scope is still not found, not a gate.
		other := f.createUser(t, app.NewUser{Email: "jose@bayanihan.example", Name: "Jose", Role: domain.RoleVendorProfessional, VendorID: f.other.ID})
		_, err = f.a.Engagement(ctx, other, f.engagement.ID)
		wantCode(t, err, domain.ENotFound, "another vendor's professional")
	})
}
