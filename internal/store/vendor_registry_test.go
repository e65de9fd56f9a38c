package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

func TestVendorProfileRoundTrip(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := testenv.OpenStore(t, e)
		v := mustCreateVendor(t, s, "Lexora", "IN", "INR")
		other := mustCreateVendor(t, s, "Bayanihan", "PH", "PHP")
		admin := mustCreateUser(t, s, domain.User{Email: "eleanor@firm.example", Name: "Eleanor", Role: domain.RoleFirmAdmin})

		// A vendor with no profile yet reads as empty lists, active.
		var p domain.VendorProfile
		read(t, s, func(ctx context.Context, tx *store.Tx) (err error) { p, err = tx.VendorProfile(ctx, v.ID); return err })
		if p.State != domain.VendorActive || len(p.PerformanceCountries) != 0 || p.Subcontractors != nil || !p.UpdatedAt.IsZero() {
			t.Fatalf("fresh profile = %+v", p)
		}

		want := domain.VendorProfile{VendorID: v.ID, LegalName: "Lexora Legal Services Private Limited", Country: "IN", City: "Pune", RegistrationNumber: "U7499",
			Website: "https://lexora.example", Description: "Review", State: domain.VendorInactive,
			PerformanceCountries: []string{"IN", "PH"}, StorageCountries: []string{"IN"},
			Services:       []domain.Service{domain.ServiceDocumentReview, domain.ServiceEDiscovery},
			Subcontractors: []domain.Subcontractor{{Name: "Sahyadri", Country: "IN", Work: "Hosting", Approval: domain.ApprovalApproved, DecidedBy: admin.ID, DecidedAt: t0, Note: "ok"}, {Name: "Zeta", Country: "SG", Work: "Backups", Approval: domain.ApprovalPending}},
			Insurance:      []domain.InsurancePolicy{{Kind: domain.InsuranceProfessional, Carrier: "B", Limit: domain.NewMoney(9_223_372_036_854_775_807, "USD"), ExpiresOn: "2027-01-31"}, {Kind: domain.InsuranceCyber, Carrier: "A", Limit: domain.NewMoney(5_000_000_00, "INR"), ExpiresOn: "2026-12-31"}},
			Contacts:       []domain.VendorContact{{Name: "Anika", Role: "Delivery", Email: "anika@lexora.example", Phone: "+91 1"}},
		}
		write(t, s, func(ctx context.Context, tx *store.Tx) error {
			if err := tx.SaveVendorProfile(ctx, want, t0); err != nil {
				return err
			}
			return tx.SyncSubcontractors(ctx, v.ID, want.Subcontractors, t0)
		})
		read(t, s, func(ctx context.Context, tx *store.Tx) (err error) { p, err = tx.VendorProfile(ctx, v.ID); return err })
		if p.LegalName != want.LegalName || p.City != "Pune" || p.RegistrationNumber != "U7499" || p.Website != want.Website || p.State != domain.VendorInactive || !p.UpdatedAt.Equal(t0) {
			t.Errorf("profile columns = %+v", p)
		}
		if !slices.Equal(p.PerformanceCountries, want.PerformanceCountries) || !slices.Equal(p.StorageCountries, want.StorageCountries) || !slices.Equal(p.Services, want.Services) {
			t.Errorf("lists = %v %v %v", p.PerformanceCountries, p.StorageCountries, p.Services)
		}
		// Insurance and contacts keep their order; money is exact, even at the int64 limit.
		if len(p.Insurance) != 2 || p.Insurance[0].Carrier != "B" || p.Insurance[0].Limit != want.Insurance[0].Limit || p.Insurance[1].ExpiresOn != "2026-12-31" {
			t.Errorf("insurance = %+v", p.Insurance)
		}
		if len(p.Contacts) != 1 || p.Contacts[0].Email != "anika@lexora.example" {
			t.Errorf("contacts = %+v", p.Contacts)
		}
		if len(p.Subcontractors) != 2 || p.Subcontractors[0].Name != "Sahyadri" || p.Subcontractors[0].DecidedBy != admin.ID || !p.Subcontractors[0].DecidedAt.Equal(t0) ||
			p.Subcontractors[1].Approval != domain.ApprovalPending || p.Subcontractors[1].DecidedBy != 0 {
			t.Fatalf("subcontractors = %+v", p.Subcontractors)
		}
		var unapproved []string
		read(t, s, func(ctx context.Context, tx *store.Tx) (err error) {
			unapproved, err = tx.UnapprovedSubcontractors(ctx, v.ID)
			return err
		})
		if !slices.Equal(unapproved, []string{"Zeta"}) {
			t.Errorf("unapproved = %v", unapproved)
		}

		// Sync keeps ids of rows that stay, deletes the rest, adds new ones;
		// saving again replaces the lists whole.
		keep := p.Subcontractors[0]
		keep.Work = "Hosting and backups"
		write(t, s, func(ctx context.Context, tx *store.Tx) error {
			p.PerformanceCountries, p.Insurance, p.Contacts = []string{"IN"}, nil, nil
			if err := tx.SaveVendorProfile(ctx, p, t0.Add(time.Hour)); err != nil {
				return err
			}
			return tx.SyncSubcontractors(ctx, v.ID, []domain.Subcontractor{keep, {Name: "Omega", Country: "IN", Work: "Printing", Approval: domain.ApprovalPending}}, t0)
		})
		var subs []domain.Subcontractor
		read(t, s, func(ctx context.Context, tx *store.Tx) (err error) {
			p, err = tx.VendorProfile(ctx, v.ID)
			subs = p.Subcontractors
			return err
		})
		if len(subs) != 2 || subs[0].Name != "Omega" || subs[1].ID != keep.ID || subs[1].Work != "Hosting and backups" || subs[1].Approval != domain.ApprovalApproved {
			t.Errorf("after sync: %+v", subs)
		}
		if !slices.Equal(p.PerformanceCountries, []string{"IN"}) || len(p.Insurance) != 0 || len(p.Contacts) != 0 {
			t.Errorf("after the second save: %+v", p)
		}
		if n := count(t, s, "vendor_insurance"); n != 0 {
			t.Errorf("%d insurance rows left", n)
		}

		// A subcontractor of another vendor is not found through this one.
		err := s.Read(context.Background(), func(tx *store.Tx) error {
			_, err := tx.Subcontractor(context.Background(), other.ID, keep.ID)
			return err
		})
		wantCode(t, err, domain.ENotFound, "another vendor's subcontractor")
		write(t, s, func(ctx context.Context, tx *store.Tx) error {
			return tx.DecideSubcontractor(ctx, v.ID, subs[0].ID, domain.ApprovalRefused, admin.ID, "no", t0)
		})
		read(t, s, func(ctx context.Context, tx *store.Tx) (err error) {
			unapproved, err = tx.UnapprovedSubcontractors(ctx, v.ID)
			return err
		})
		if !slices.Equal(unapproved, []string{"Omega"}) {
			t.Errorf("after refusal, unapproved = %v (refused is not approved)", unapproved)
		}

		// The registry summary of every vendor.
		var sums map[int64]store.RegistrySummary
		read(t, s, func(ctx context.Context, tx *store.Tx) (err error) { sums, err = tx.RegistrySummaries(ctx); return err })
		if got := sums[v.ID]; got.State != domain.VendorInactive || got.City != "Pune" || !slices.Equal(got.PerformanceCountries, []string{"IN"}) || len(got.Services) != 2 {
			t.Errorf("summary of Lexora = %+v", got)
		}
		if got := sums[other.ID]; got.State != domain.VendorActive || got.PerformanceCountries != nil {
			t.Errorf("summary of Bayanihan = %+v", got)
		}
	})
}

func TestVendorChangesRoundTrip(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := testenv.OpenStore(t, e)
		v := mustCreateVendor(t, s, "Lexora", "IN", "INR")
		other := mustCreateVendor(t, s, "Bayanihan", "PH", "PHP")
		maria := mustCreateUser(t, s, domain.User{Email: "maria@bayanihan.example", Name: "Maria", Role: domain.RoleVendorManager, VendorID: other.ID})
		admin := mustCreateUser(t, s, domain.User{Email: "eleanor@firm.example", Name: "Eleanor", Role: domain.RoleFirmAdmin})
		c1 := domain.VendorChange{VendorID: other.ID, Kind: domain.ChangeCountries, Before: "PH", After: "PH, SG", RaisedBy: maria.ID, RaisedAt: t0}
		c2 := domain.VendorChange{VendorID: other.ID, Kind: domain.ChangeSubcontractors, Before: "none", After: "X", RaisedAt: t0.Add(time.Minute)}
		write(t, s, func(ctx context.Context, tx *store.Tx) error {
			if err := tx.RaiseVendorChange(ctx, &c1); err != nil {
				return err
			}
			return tx.RaiseVendorChange(ctx, &c2)
		})
		var open []domain.VendorChange
		read(t, s, func(ctx context.Context, tx *store.Tx) (err error) {
			open, err = tx.VendorChanges(ctx, other.ID, true)
			return err
		})
		if len(open) != 2 || open[0].ID != c2.ID || open[1].RaisedByName != "Maria" || !open[1].RaisedAt.Equal(t0) || open[0].RaisedBy != 0 || open[1].Acknowledged() {
			t.Fatalf("open changes = %+v", open)
		}
		ctx := context.Background()
		err := s.Write(ctx, func(tx *store.Tx) error { return tx.AcknowledgeVendorChange(ctx, v.ID, c1.ID, admin.ID, t0) })
		wantCode(t, err, domain.ENotFound, "acknowledging through another vendor")
		write(t, s, func(ctx context.Context, tx *store.Tx) error {
			return tx.AcknowledgeVendorChange(ctx, other.ID, c1.ID, admin.ID, t0.Add(time.Hour))
		})
		err = s.Write(ctx, func(tx *store.Tx) error { return tx.AcknowledgeVendorChange(ctx, other.ID, c1.ID, admin.ID, t0) })
		wantCode(t, err, domain.EConflict, "acknowledging twice")
		read(t, s, func(ctx context.Context, tx *store.Tx) (err error) {
			open, err = tx.VendorChanges(ctx, other.ID, true)
			return err
		})
		if len(open) != 1 || open[0].ID != c2.ID {
			t.Fatalf("open after acknowledging = %+v", open)
		}
		var all []domain.VendorChange
		var counts map[int64]int
		read(t, s, func(ctx context.Context, tx *store.Tx) (err error) {
			if all, err = tx.VendorChanges(ctx, other.ID, false); err != nil {
				return err
			}
			counts, err = tx.OpenVendorChangeCounts(ctx)
			return err
		})
		if len(all) != 2 || all[1].AcknowledgedName != "Eleanor" || !all[1].AcknowledgedAt.Equal(t0.Add(time.Hour)) {
			t.Errorf("all changes = %+v", all)
		}
		if counts[other.ID] != 1 || counts[v.ID] != 0 {
			t.Errorf("open counts = %v", counts)
		}
	})
}

func TestPersonnelRoundTrip(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := testenv.OpenStore(t, e)
		v := mustCreateVendor(t, s, "Lexora", "IN", "INR")
		anika := mustCreateUser(t, s, domain.User{Email: "anika@lexora.example", Name: "Anika", Role: domain.RoleVendorManager, VendorID: v.ID})
		rohan := mustCreateUser(t, s, domain.User{Email: "rohan@lexora.example", Name: "Rohan", Role: domain.RoleVendorProfessional, VendorID: v.ID})
		marcus := mustCreateUser(t, s, domain.User{Email: "marcus@firm.example", Name: "Marcus", Role: domain.RoleAttorney})
		ctx := context.Background()
		err := s.Read(ctx, func(tx *store.Tx) error { _, err := tx.Personnel(ctx, rohan.ID); return err })
		wantCode(t, err, domain.ENotFound, "no record yet")

		p := domain.Personnel{UserID: rohan.ID, Position: "Senior reviewer", Education: "LL.M.", ExperienceYears: 8, BackgroundCheck: "2025-01-01",
			NDASigned: "2025-01-10", NDAExpires: "2027-01-10", ConfidentialityDone: "2025-12-01", ConfidentialityExpires: "2026-12-01",
			EthicsDone: "2025-12-02", EthicsExpires: "2026-12-02",
			BarAdmissions: []domain.BarAdmission{{Jurisdiction: "Maharashtra", Number: "MAH/1", Status: "active", AdmittedOn: "2017-01-01", VerifiedOn: "2026-01-05", VerifiedBy: marcus.ID}}}
		write(t, s, func(ctx context.Context, tx *store.Tx) error {
			if err := tx.SavePersonnel(ctx, p, anika.ID, t0); err != nil {
				return err
			}
			return tx.SyncBarAdmissions(ctx, rohan.ID, p.BarAdmissions)
		})
		var got domain.Personnel
		read(t, s, func(ctx context.Context, tx *store.Tx) (err error) {
			got, err = tx.Personnel(ctx, rohan.ID)
			return err
		})
		bar := got.BarAdmissions
		got.BarAdmissions, p.BarAdmissions = nil, nil
		p.UpdatedAt = t0
		if got.Position != p.Position || got.NDAExpires != p.NDAExpires || got.EthicsDone != p.EthicsDone || got.ExperienceYears != 8 || !got.UpdatedAt.Equal(t0) || got.BackgroundCheck != p.BackgroundCheck {
			t.Errorf("personnel = %+v, want %+v", got, p)
		}
		if len(bar) != 1 || bar[0].VerifiedOn != "2026-01-05" || bar[0].VerifiedBy != marcus.ID || bar[0].ID == 0 {
			t.Fatalf("bar admissions = %+v", bar)
		}

		// Saving again updates in place (one row), and the list shows
		// everyone of the vendor, recorded or not.
		p.NDAExpires = "2026-01-01"
		write(t, s, func(ctx context.Context, tx *store.Tx) error {
			return tx.SavePersonnel(ctx, p, anika.ID, t0.Add(time.Hour))
		})
		if n := count(t, s, "personnel"); n != 1 {
			t.Fatalf("%d personnel rows, want 1", n)
		}
		var list []store.PersonnelEntry
		read(t, s, func(ctx context.Context, tx *store.Tx) (err error) {
			list, err = tx.VendorPersonnel(ctx, v.ID)
			return err
		})
		if len(list) != 2 || list[0].User.ID != anika.ID || list[0].Recorded || list[1].User.ID != rohan.ID || !list[1].Recorded || list[1].Personnel.NDAExpires != "2026-01-01" {
			t.Fatalf("vendor personnel = %+v", list)
		}

		// Verification by jurisdiction, case aside; unknown ones are not found.
		var b domain.BarAdmission
		err = s.Write(ctx, func(tx *store.Tx) (err error) {
			b, err = tx.VerifyBarAdmission(ctx, rohan.ID, "maharashtra", "2026-03-01", anika.ID)
			return err
		})
		if err != nil || b.VerifiedOn != "2026-03-01" || b.VerifiedBy != anika.ID {
			t.Fatalf("verify = %+v, %v", b, err)
		}
		err = s.Write(ctx, func(tx *store.Tx) error {
			_, err := tx.VerifyBarAdmission(ctx, rohan.ID, "Goa", "2026-03-01", anika.ID)
			return err
		})
		wantCode(t, err, domain.ENotFound, "verifying an admission that is not there")
		// Sync removes admissions no longer listed.
		write(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.SyncBarAdmissions(ctx, rohan.ID, nil) })
		if n := count(t, s, "bar_admissions"); n != 0 {
			t.Errorf("%d bar admissions after removing them all", n)
		}
	})
}
