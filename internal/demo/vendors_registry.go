package demo

import (
	"time"

	"github.com/probity/probity/internal/domain"
)

// registry fills in the vendor registry: each vendor's profile (where it
// works and stores data, what it offers, insurance, contacts), Lexora's
// approved hosting subcontractor, Bayanihan's unacknowledged new
// data-storage country, and a personnel record for every vendor user —
// all current except Jose Reyes, whose NDA expired twelve days ago, and
// Meera Iyer, whose ethics training is due for renewal within the month.
func (l *loader) registry() {
	today := l.now.UTC().Truncate(24 * time.Hour)
	day := func(offset int) domain.Date { return domain.DateOf(today.AddDate(0, 0, offset)) }
	at := func(offset int) time.Time { return day(offset).Time().Add(15 * time.Hour) }
	eleanor, marcus := l.users[people[0].email], l.users[people[1].email]

	profiles := []struct {
		key string
		p   domain.VendorProfile
	}{
		{"lexora", domain.VendorProfile{LegalName: "Lexora Legal Services Private Limited", Country: "IN", City: "Pune", RegistrationNumber: "U74999PN2012PTC143210",
			Website: "https://lexora.example", Description: "Managed document review and e-discovery from a secure review centre in Pune: 140 reviewers, Indian advocates and US-qualified attorneys.",
			PerformanceCountries: []string{"IN"}, StorageCountries: []string{"IN"},
			Services: []domain.Service{domain.ServiceDocumentReview, domain.ServiceEDiscovery},
			Subcontractors: []domain.Subcontractor{{Name: "Sahyadri Data Centres Pvt. Ltd.", Country: "IN", Work: "Hosts the review platform's servers in a Tier III data centre in Pune",
				Approval: domain.ApprovalApproved, DecidedBy: eleanor, DecidedAt: at(-64), Note: "Covered by Lexora's SOC 2 Type II report"}},
			Insurance: []domain.InsurancePolicy{
				{Kind: domain.InsuranceCyber, Carrier: "Deccan General Insurance Co. Ltd.", Limit: domain.NewMoney(50_000_000_00, "INR"), ExpiresOn: day(210)},
				{Kind: domain.InsuranceProfessional, Carrier: "Meridian Marine & Liability (Lloyd's syndicate)", Limit: domain.NewMoney(2_000_000_00, "USD"), ExpiresOn: day(150)}},
			Contacts: []domain.VendorContact{
				{Name: "Anika Deshmukh", Role: "Delivery manager", Email: "anika.deshmukh@lexora.example", Phone: "+91 20 6712 4400"},
				{Name: "Vikram Joshi", Role: "Information security officer", Email: "security@lexora.example", Phone: "+91 20 6712 4411"}}}},
		{"bayanihan", domain.VendorProfile{LegalName: "Bayanihan Legal Process Center, Inc.", Country: "PH", City: "Manila", RegistrationNumber: "CS201812345",
			Website: "https://bayanihan.example", Description: "Contract abstraction and legal research by Philippine lawyers and paralegals in Makati, Metro Manila.",
			PerformanceCountries: []string{"PH"}, StorageCountries: []string{"PH", "SG"},
			Services: []domain.Service{domain.ServiceLegalResearch, domain.ServiceContractManagement},
			Insurance: []domain.InsurancePolicy{
				{Kind: domain.InsuranceCyber, Carrier: "Visayas Mutual Assurance", Limit: domain.NewMoney(50_000_000_00, "PHP"), ExpiresOn: day(18)},
				{Kind: domain.InsuranceProfessional, Carrier: "Visayas Mutual Assurance", Limit: domain.NewMoney(25_000_000_00, "PHP"), ExpiresOn: day(260)}},
			Contacts: []domain.VendorContact{{Name: "Maria Santos", Role: "Research director", Email: "maria.santos@bayanihan.example", Phone: "+63 2 8817 2200"}}}},
		{"keystone", domain.VendorProfile{LegalName: "Keystone Review, L.L.C.", Country: "US", City: "Philadelphia", RegistrationNumber: "PA 7421986",
			Website: "https://keystonereview.example", Description: "US-licensed contract attorneys for privilege and regulatory review, working from a secure facility in Philadelphia.",
			PerformanceCountries: []string{"US"}, StorageCountries: []string{"US"},
			Services: []domain.Service{domain.ServiceDocumentReview, domain.ServiceDocumentManagement},
			Insurance: []domain.InsurancePolicy{
				{Kind: domain.InsuranceProfessional, Carrier: "Liberty Bell Professional Indemnity Co.", Limit: domain.NewMoney(5_000_000_00, "USD"), ExpiresOn: day(240)}},
			Contacts: []domain.VendorContact{{Name: "Thomas Walsh", Role: "Managing director", Email: "thomas.walsh@keystonereview.example", Phone: "+1 215 555 0134"}}}},
		{"meridian", domain.VendorProfile{LegalName: "Meridian Discovery Partners Limited", Country: "GB", City: "London", RegistrationNumber: "09876543",
			Website: "https://meridiandiscovery.example", Description: "Forensic collection, processing and hosting of electronically stored information for disputes.",
			PerformanceCountries: []string{"GB"}, StorageCountries: []string{"GB", "IE"},
			Services: []domain.Service{domain.ServiceEDiscovery, domain.ServiceDocumentManagement},
			Insurance: []domain.InsurancePolicy{
				{Kind: domain.InsuranceCyber, Carrier: "Thames Specialty Underwriting Ltd", Limit: domain.NewMoney(5_000_000_00, "GBP"), ExpiresOn: day(300)}},
			Contacts: []domain.VendorContact{{Name: "Oliver Bennett", Role: "Client services lead", Email: "oliver.bennett@meridiandiscovery.example", Phone: "+44 20 7946 0321"}}}},
	}
	for _, x := range profiles {
		p := x.p
		p.VendorID = l.vendors[x.key]
		l.check(p.Validate())
		l.do(l.tx.SaveVendorProfile(l.ctx, p, at(-70)))
		l.do(l.tx.SyncSubcontractors(l.ctx, p.VendorID, p.Subcontractors, at(-70)))
	}
	// Bayanihan moved its backups to Singapore three days ago; the firm has
	// not yet acknowledged it.
	l.do(l.tx.RaiseVendorChange(l.ctx, &domain.VendorChange{VendorID: l.vendors["bayanihan"], Kind: domain.ChangeCountries,
		Before: "work performed in PH; data stored in PH", After: "work performed in PH; data stored in PH, SG",
		RaisedBy: l.users["maria.santos@bayanihan.example"], RaisedAt: at(-3)}))

	current := func(position, education string, years int) domain.Personnel {
		return domain.Personnel{Position: position, Education: education, ExperienceYears: years, BackgroundCheck: day(-420),
			NDASigned: day(-400), NDAExpires: day(330), ConfidentialityDone: day(-100), ConfidentialityExpires: day(265),
			EthicsDone: day(-100), EthicsExpires: day(265)}
	}
	records := map[string]domain.Personnel{
		"anika.deshmukh@lexora.example":            current("Delivery manager", "LL.B., ILS Law College, Pune", 12),
		"rohan.kulkarni@lexora.example":            current("Senior reviewer", "LL.M., National Law School of India University", 8),
		"meera.iyer@lexora.example":                current("Reviewer", "B.A. LL.B. (Hons.), Symbiosis Law School", 3),
		"maria.santos@bayanihan.example":           current("Research director", "J.D., Ateneo de Manila University", 15),
		"jose.reyes@bayanihan.example":             current("Contract analyst", "LL.B., University of the Philippines", 4),
		"thomas.walsh@keystonereview.example":      current("Managing director", "J.D., Temple University Beasley School of Law", 21),
		"oliver.bennett@meridiandiscovery.example": current("Client services lead", "LL.B., King's College London", 10),
	}
	meera := records["meera.iyer@lexora.example"]
	meera.EthicsDone, meera.EthicsExpires = day(-344), day(21)
	records["meera.iyer@lexora.example"] = meera
	jose := records["jose.reyes@bayanihan.example"]
	jose.NDASigned, jose.NDAExpires = day(-377), day(-12)
	records["jose.reyes@bayanihan.example"] = jose
	rohan := records["rohan.kulkarni@lexora.example"]
	rohan.BarAdmissions = []domain.BarAdmission{{Jurisdiction: "Maharashtra and Goa", Number: "MAH/4417/2017", Status: "active", AdmittedOn: day(-3100), VerifiedOn: day(-90), VerifiedBy: marcus}}
	records["rohan.kulkarni@lexora.example"] = rohan
	thomas := records["thomas.walsh@keystonereview.example"]
	thomas.BarAdmissions = []domain.BarAdmission{{Jurisdiction: "Pennsylvania", Number: "204518", Status: "active", AdmittedOn: day(-7600)}}
	records["thomas.walsh@keystonereview.example"] = thomas
	for _, p := range people {
		r, ok := records[p.email]
		if !ok {
			continue
		}
		r.UserID = l.users[p.email]
		l.check(r.Validate(day(0)))
		l.do(l.tx.SavePersonnel(l.ctx, r, 0, at(-30)))
		l.do(l.tx.SyncBarAdmissions(l.ctx, r.UserID, r.BarAdmissions))
	}
}
