package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
)

// The vendor registry and personnel records: the shapes and handlers.

type subcontractorJSON struct {
	ID        int64      `json:"id"`
	Name      string     `json:"name"`
	Country   string     `json:"country"`
	Work      string     `json:"work"`
	Approval  string     `json:"approval"`
	DecidedAt *time.Time `json:"decided_at"`
	Note      string     `json:"note"`
}

type insuranceJSON struct {
	Kind      string    `json:"kind"`
	Carrier   string    `json:"carrier"`
	Limit     moneyJSON `json:"limit"`
	ExpiresOn string    `json:"expires_on"`
	State     string    `json:"state"` // current, expiring or expired today
}

type contactJSON struct {
	Name  string `json:"name"`
	Role  string `json:"role"`
	Email string `json:"email"`
	Phone string `json:"phone"`
}

type changeJSON struct {
	ID           int64     `json:"id"`
	Kind         string    `json:"kind"`
	Before       string    `json:"before"`
	After        string    `json:"after"`
	RaisedByName string    `json:"raised_by_name"`
	RaisedAt     time.Time `json:"raised_at"`
}

type vendorProfileJSON struct {
	ID                   int64                `json:"id"`
	Name                 string               `json:"name"`
	LegalName            string               `json:"legal_name"`
	Country              string               `json:"country"`
	City                 string               `json:"city"`
	RegistrationNumber   string               `json:"registration_number,omitempty"`
	Website              string               `json:"website"`
	Description          string               `json:"description"`
	Status               string               `json:"status"`
	Currency             string               `json:"currency"`
	Diligence            string               `json:"diligence"`
	ApprovedUntil        string               `json:"approved_until"`
	PerformanceCountries []string             `json:"performance_countries"`
	StorageCountries     []string             `json:"storage_countries"`
	Services             []string             `json:"services"`
	Subcontractors       []subcontractorJSON  `json:"subcontractors"`
	Insurance            *[]insuranceJSON     `json:"insurance,omitempty"`
	Contacts             *[]contactJSON       `json:"contacts,omitempty"`
	OpenChanges          *[]changeJSON        `json:"open_changes,omitempty"`
	People               *[]personSummaryJSON `json:"people,omitempty"`
}

type personSummaryJSON struct {
	UserID   int64    `json:"user_id"`
	Name     string   `json:"name"`
	Role     string   `json:"role"`
	Position string   `json:"position"`
	State    string   `json:"state"`
	Blocks   []string `json:"blocks"`
	Warnings []string `json:"warnings"`
}

func orEmpty[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

func personSummary(p app.PersonStatus) personSummaryJSON {
	return personSummaryJSON{UserID: p.User.ID, Name: p.User.Name, Role: string(p.User.Role), Position: p.Personnel.Position,
		State: string(p.Status.State), Blocks: orEmpty(p.Status.Blocks), Warnings: orEmpty(p.Status.Warnings)}
}

func vendorProfile(p app.VendorPage) vendorProfileJSON {
	pr := p.Profile
	j := vendorProfileJSON{ID: p.Vendor.ID, Name: p.Vendor.Name, LegalName: pr.LegalName, Country: pr.Country, City: pr.City,
		RegistrationNumber: pr.RegistrationNumber, Website: pr.Website, Description: pr.Description, Status: string(pr.State),
		Currency: string(p.Vendor.Currency), Diligence: string(p.Diligence), ApprovedUntil: string(p.Vendor.ApprovedUntil),
		PerformanceCountries: orEmpty(pr.PerformanceCountries), StorageCountries: orEmpty(pr.StorageCountries), Services: []string{}, Subcontractors: []subcontractorJSON{}}
	for _, s := range pr.Services {
		j.Services = append(j.Services, string(s))
	}
	for _, s := range pr.Subcontractors {
		sj := subcontractorJSON{ID: s.ID, Name: s.Name, Country: s.Country, Work: s.Work, Approval: string(s.Approval), Note: s.Note}
		if !s.DecidedAt.IsZero() {
			t := s.DecidedAt
			sj.DecidedAt = &t
		}
		j.Subcontractors = append(j.Subcontractors, sj)
	}
	if !p.Full {
		return j
	}
	ins, cons, chs, people := []insuranceJSON{}, []contactJSON{}, []changeJSON{}, []personSummaryJSON{}
	for _, in := range pr.Insurance {
		ins = append(ins, insuranceJSON{Kind: string(in.Kind), Carrier: in.Carrier, Limit: money(in.Limit), ExpiresOn: string(in.ExpiresOn), State: string(domain.ExpiryOn(in.ExpiresOn, p.Today))})
	}
	for _, c := range pr.Contacts {
		cons = append(cons, contactJSON{Name: c.Name, Role: c.Role, Email: c.Email, Phone: c.Phone})
	}
	for _, c := range p.Changes {
		chs = append(chs, changeJSON{ID: c.ID, Kind: string(c.Kind), Before: c.Before, After: c.After, RaisedByName: c.RaisedByName, RaisedAt: c.RaisedAt})
	}
	for _, x := range p.Personnel {
		people = append(people, personSummary(x))
	}
	j.Insurance, j.Contacts, j.OpenChanges, j.People = &ins, &cons, &chs, &people
	return j
}

type newVendorJSON struct {
	Name        string `json:"name"`
	LegalName   string `json:"legal_name"`
	Country     string `json:"country"`
	Currency    string `json:"currency"`
	City        string `json:"city"`
	Website     string `json:"website"`
	Description string `json:"description"`
}

func (h *Handler) createVendor(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	var in newVendorJSON
	err := decode(w, r, &in)
	var v domain.Vendor
	if err == nil {
		v, err = h.app.CreateVendor(r.Context(), u, app.NewVendor(in))
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	w.Header().Set("Location", Prefix+"/vendors/"+strconv.FormatInt(v.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, vendor(h.app.VendorStatuses([]domain.Vendor{v})[0]))
}

func (h *Handler) getVendorProfile(w http.ResponseWriter, r *http.Request) {
	byID(h.app.VendorProfile, func(_ domain.User, p app.VendorPage) vendorProfileJSON { return vendorProfile(p) })(w, r)
}

type profileInputJSON struct {
	LegalName            string   `json:"legal_name"`
	Country              string   `json:"country"`
	City                 string   `json:"city"`
	RegistrationNumber   string   `json:"registration_number"`
	Website              string   `json:"website"`
	Description          string   `json:"description"`
	Status               string   `json:"status"`
	PerformanceCountries []string `json:"performance_countries"`
	StorageCountries     []string `json:"storage_countries"`
	Services             []string `json:"services"`
	Subcontractors       []struct {
		Name    string `json:"name"`
		Country string `json:"country"`
		Work    string `json:"work"`
	} `json:"subcontractors"`
	Insurance []struct {
		Kind    string `json:"kind"`
		Carrier string `json:"carrier"`
		Limit   struct {
			Minor    int64  `json:"minor"`
			Currency string `json:"currency"`
		} `json:"limit"`
		ExpiresOn string `json:"expires_on"`
	} `json:"insurance"`
	Contacts []contactJSON `json:"contacts"`
}

func (in profileInputJSON) profile() domain.VendorProfile {
	p := domain.VendorProfile{LegalName: in.LegalName, Country: in.Country, City: in.City, RegistrationNumber: in.RegistrationNumber,
		Website: in.Website, Description: in.Description, State: domain.VendorState(in.Status),
		PerformanceCountries: in.PerformanceCountries, StorageCountries: in.StorageCountries}
	for _, s := range in.Services {
		p.Services = append(p.Services, domain.Service(s))
	}
	for _, s := range in.Subcontractors {
		p.Subcontractors = append(p.Subcontractors, domain.Subcontractor{Name: s.Name, Country: s.Country, Work: s.Work})
	}
	for _, x := range in.Insurance {
		p.Insurance = append(p.Insurance, domain.InsurancePolicy{Kind: domain.InsuranceKind(x.Kind), Carrier: x.Carrier,
			Limit: domain.NewMoney(x.Limit.Minor, domain.Currency(x.Limit.Currency)), ExpiresOn: domain.Date(x.ExpiresOn)})
	}
	for _, c := range in.Contacts {
		p.Contacts = append(p.Contacts, domain.VendorContact{Name: c.Name, Role: c.Role, Email: c.Email, Phone: c.Phone})
	}
	return p
}

func (h *Handler) putVendorProfile(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	var in profileInputJSON
	if err == nil {
		err = decode(w, r, &in)
	}
	if err == nil {
		err = h.app.UpdateVendorProfile(r.Context(), u, id, in.profile())
	}
	var p app.VendorPage
	if err == nil {
		p, err = h.app.VendorProfile(r.Context(), u, id)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, vendorProfile(p))
}

type decisionJSON struct {
	SubcontractorID int64  `json:"subcontractor_id"`
	Decision        string `json:"decision"`
	Note            string `json:"note"`
}

func (h *Handler) decideSubcontractor(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	var in decisionJSON
	if err == nil {
		err = decode(w, r, &in)
	}
	if err == nil {
		err = h.app.DecideSubcontractor(r.Context(), u, id, in.SubcontractorID, domain.Approval(in.Decision), in.Note)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *Handler) acknowledgeVendorChange(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	var in struct {
		ChangeID int64 `json:"change_id"`
	}
	if err == nil {
		err = decode(w, r, &in)
	}
	if err == nil {
		err = h.app.AcknowledgeVendorChange(r.Context(), u, id, in.ChangeID)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// ---------------------------------------------------------------------------
// Personnel.

type barAdmissionJSON struct {
	Jurisdiction string `json:"jurisdiction"`
	Number       string `json:"number"`
	Status       string `json:"status"`
	AdmittedOn   string `json:"admitted_on"`
}

type barVerifiedJSON struct {
	barAdmissionJSON
	VerifiedOn     string `json:"verified_on"`
	VerifiedByName string `json:"verified_by_name"`
}

type personnelFieldsJSON struct {
	Position                   string `json:"position"`
	Education                  string `json:"education"`
	ExperienceYears            int    `json:"experience_years"`
	BackgroundCheckOn          string `json:"background_check_on"`
	NDASignedOn                string `json:"nda_signed_on"`
	NDAExpiresOn               string `json:"nda_expires_on"`
	ConfidentialityCompletedOn string `json:"confidentiality_completed_on"`
	ConfidentialityExpiresOn   string `json:"confidentiality_expires_on"`
	EthicsCompletedOn          string `json:"ethics_completed_on"`
	EthicsExpiresOn            string `json:"ethics_expires_on"`
}

type personnelJSON struct {
	UserID   int64  `json:"user_id"`
	Name     string `json:"name"`
	Email    string `json:"email"`
	Role     string `json:"role"`
	Recorded bool   `json:"recorded"`
	personnelFieldsJSON
	BarAdmissions []barVerifiedJSON `json:"bar_admissions"`
	State         string            `json:"state"`
	Blocks        []string          `json:"blocks"`
	Warnings      []string          `json:"warnings"`
}

func personnel(v app.PersonnelView) personnelJSON {
	p := v.Personnel
	j := personnelJSON{UserID: v.User.ID, Name: v.User.Name, Email: v.User.Email, Role: string(v.User.Role), Recorded: v.Recorded,
		personnelFieldsJSON: personnelFieldsJSON{Position: p.Position, Education: p.Education, ExperienceYears: p.ExperienceYears,
			BackgroundCheckOn: string(p.BackgroundCheck), NDASignedOn: string(p.NDASigned), NDAExpiresOn: string(p.NDAExpires),
			ConfidentialityCompletedOn: string(p.ConfidentialityDone), ConfidentialityExpiresOn: string(p.ConfidentialityExpires),
			EthicsCompletedOn: string(p.EthicsDone), EthicsExpiresOn: string(p.EthicsExpires)},
		BarAdmissions: []barVerifiedJSON{}, State: string(v.Status.State), Blocks: orEmpty(v.Status.Blocks), Warnings: orEmpty(v.Status.Warnings)}
	for _, b := range p.BarAdmissions {
		j.BarAdmissions = append(j.BarAdmissions, barVerifiedJSON{barAdmissionJSON: barAdmissionJSON{Jurisdiction: b.Jurisdiction, Number: b.Number, Status: b.Status, AdmittedOn: string(b.AdmittedOn)},
			VerifiedOn: string(b.VerifiedOn), VerifiedByName: v.Verifiers[b.VerifiedBy]})
	}
	return j
}

// personIDs reads the vendor id and the person's user id from the path.
func personIDs(r *http.Request) (int64, int64, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, 0, err
	}
	uid, err := httpx.PathID(r, "user_id")
	return id, uid, err
}

func (h *Handler) listPersonnel(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	var list []app.PersonStatus
	if err == nil {
		list, err = h.app.VendorPersonnel(r.Context(), u, id)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	out := make([]personSummaryJSON, 0, len(list))
	for _, p := range list {
		out = append(out, personSummary(p))
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"items": out})
}

func (h *Handler) getPersonnel(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, uid, err := personIDs(r)
	var v app.PersonnelView
	if err == nil {
		v, err = h.app.Personnel(r.Context(), u, id, uid)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, personnel(v))
}

// personnelInputJSON is personnelFieldsJSON with bar admissions, spelled
// out (an embedded struct would name its fields in decoding errors).
type personnelInputJSON struct {
	Position                   string             `json:"position"`
	Education                  string             `json:"education"`
	ExperienceYears            int                `json:"experience_years"`
	BackgroundCheckOn          string             `json:"background_check_on"`
	NDASignedOn                string             `json:"nda_signed_on"`
	NDAExpiresOn               string             `json:"nda_expires_on"`
	ConfidentialityCompletedOn string             `json:"confidentiality_completed_on"`
	ConfidentialityExpiresOn   string             `json:"confidentiality_expires_on"`
	EthicsCompletedOn          string             `json:"ethics_completed_on"`
	EthicsExpiresOn            string             `json:"ethics_expires_on"`
	BarAdmissions              []barAdmissionJSON `json:"bar_admissions"`
}

func (h *Handler) putPersonnel(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, uid, err := personIDs(r)
	var in personnelInputJSON
	if err == nil {
		err = decode(w, r, &in)
	}
	if err == nil {
		f := in
		p := domain.Personnel{Position: f.Position, Education: f.Education, ExperienceYears: f.ExperienceYears, BackgroundCheck: domain.Date(f.BackgroundCheckOn),
			NDASigned: domain.Date(f.NDASignedOn), NDAExpires: domain.Date(f.NDAExpiresOn), ConfidentialityDone: domain.Date(f.ConfidentialityCompletedOn),
			ConfidentialityExpires: domain.Date(f.ConfidentialityExpiresOn), EthicsDone: domain.Date(f.EthicsCompletedOn), EthicsExpires: domain.Date(f.EthicsExpiresOn)}
		for _, b := range in.BarAdmissions {
			p.BarAdmissions = append(p.BarAdmissions, domain.BarAdmission{Jurisdiction: b.Jurisdiction, Number: b.Number, Status: b.Status, AdmittedOn: domain.Date(b.AdmittedOn)})
		}
		err = h.app.UpdatePersonnel(r.Context(), u, id, uid, p)
	}
	var v app.PersonnelView
	if err == nil {
		v, err = h.app.Personnel(r.Context(), u, id, uid)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, personnel(v))
}

func (h *Handler) verifyBarAdmission(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, uid, err := personIDs(r)
	var in struct {
		Jurisdiction string `json:"jurisdiction"`
		VerifiedOn   string `json:"verified_on"`
	}
	if err == nil {
		err = decode(w, r, &in)
	}
	if err == nil {
		err = h.app.VerifyBarAdmission(r.Context(), u, id, uid, in.Jurisdiction, domain.Date(in.VerifiedOn))
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
