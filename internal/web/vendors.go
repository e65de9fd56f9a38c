package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
)

// The vendor registry pages: the list (with "Add a vendor" for firm
// administrators), the vendor page (profile and scorecard frame), the
// profile form, and a person's personnel record.

type vendorsView struct {
	Vendors   []app.RegistryEntry
	Next      int64
	CanCreate bool
	Form      app.NewVendor
	Error     string
	Field     string
	Created   string
}

func (h *Handler) vendors(w http.ResponseWriter, r *http.Request) {
	h.renderVendors(w, r, http.StatusOK, app.NewVendor{Currency: "USD"}, nil)
}

func (h *Handler) renderVendors(w http.ResponseWriter, r *http.Request, status int, form app.NewVendor, formErr error) {
	u, _ := httpx.User(r)
	p := page(r)
	vs, err := h.app.Registry(r.Context(), u, p)
	if err != nil {
		h.Error(w, r, err)
		return
	}
	v := vendorsView{Vendors: vs, CanCreate: app.Can(u, app.ManageVendors), Form: form, Created: r.URL.Query().Get("created")}
	if len(vs) > 0 {
		v.Next = nextAfter(len(vs), p, vs[len(vs)-1].Vendor.ID)
	}
	if formErr != nil {
		v.Error, v.Field = domain.ErrorMessage(formErr), domain.ErrorField(formErr)
	}
	h.renderStatus(w, r, status, "vendors", "Vendors", v)
}

// createVendor adds a vendor from the list page's form.
func (h *Handler) createVendor(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	in := app.NewVendor{Name: r.PostFormValue("name"), LegalName: r.PostFormValue("legal_name"), Country: r.PostFormValue("country"),
		Currency: r.PostFormValue("currency"), City: r.PostFormValue("city"), Website: r.PostFormValue("website"), Description: r.PostFormValue("description")}
	v, err := h.app.CreateVendor(r.Context(), u, in)
	switch code := domain.ErrorCode(err); code {
	case "":
		http.Redirect(w, r, fmt.Sprintf("/vendors/%d", v.ID), http.StatusSeeOther)
	case domain.EInvalid, domain.EConflict:
		h.renderVendors(w, r, httpx.Status(code), in, err)
	default:
		h.Error(w, r, err)
	}
}

// vendorPage is the vendor page's data: the app's page and a failed form's error.
type vendorPage struct {
	app.VendorPage
	Error string
	Field string
	Score *app.VendorScoreView // firm users: the average evaluation at close (closing.go)
	// Scorecard: firm users and the vendor's own manager (scorecards.go).
	Scorecard *scorecardView
}

func (h *Handler) vendor(w http.ResponseWriter, r *http.Request) {
	h.renderVendor(w, r, http.StatusOK, nil)
}

func (h *Handler) renderVendor(w http.ResponseWriter, r *http.Request, status int, formErr error) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	var v vendorPage
	if err == nil {
		v.VendorPage, err = h.app.VendorPageOf(r.Context(), u, id)
	}
	if err != nil {
		h.Error(w, r, err)
		return
	}
	if formErr != nil {
		v.Error, v.Field = domain.ErrorMessage(formErr), domain.ErrorField(formErr)
	}
	if sc, err := h.app.VendorScore(r.Context(), u, id); err == nil {
		v.Score = &app.VendorScoreView{VendorScore: sc}
	}
	switch sc, err := h.app.VendorScorecard(r.Context(), u, id); domain.ErrorCode(err) {
	case "":
		v.Scorecard = &scorecardView{sc}
	case domain.EForbidden, domain.ENotFound:
	default:
		h.Error(w, r, err)
		return
	}
	h.renderStatus(w, r, status, "vendor", v.Vendor.Name, v)
}

// vendorAction answers a form posted from the vendor page: back to the page
// on success, the page with the error for bad input.
func (h *Handler) vendorAction(w http.ResponseWriter, r *http.Request, err error, anchor string) {
	switch code := domain.ErrorCode(err); code {
	case "":
		http.Redirect(w, r, "/vendors/"+r.PathValue("id")+"#"+anchor, http.StatusSeeOther)
	case domain.EInvalid, domain.EConflict:
		h.renderVendor(w, r, httpx.Status(code), err)
	default:
		h.Error(w, r, err)
	}
}

func (h *Handler) decideSubcontractor(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	if err == nil {
		err = h.app.DecideSubcontractor(r.Context(), u, id, formID(r, "subcontractor_id"), domain.Approval(r.PostFormValue("decision")), r.PostFormValue("note"))
	}
	h.vendorAction(w, r, err, "subcontractors")
}

func (h *Handler) acknowledgeChange(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	if err == nil {
		err = h.app.AcknowledgeVendorChange(r.Context(), u, id, formID(r, "change_id"))
	}
	h.vendorAction(w, r, err, "changes")
}

// personnelBlocked shows a vendor user whose NDA or training lapsed what to
// renew, with a link to their own record; it reports whether it answered.
func (h *Handler) personnelBlocked(w http.ResponseWriter, r *http.Request, err error) bool {
	u, _ := httpx.User(r)
	if domain.ErrorCode(err) != domain.EGateClosed || !u.Role.IsVendor() {
		return false
	}
	v := errorView{Status: http.StatusConflict, Heading: "Your personnel record needs renewing", Message: domain.ErrorMessage(err),
		Request: httpx.RequestID(r), ActionHref: fmt.Sprintf("/vendors/%d/people/%d", u.VendorID, u.ID), ActionLabel: "See your personnel record"}
	h.renderStatus(w, r, http.StatusConflict, "error", v.Heading, v)
	return true
}

// ---------------------------------------------------------------------------
// The profile form.

type subRow struct {
	N int
	domain.Subcontractor
	Bad string
}

type insuranceRow struct {
	N                                   int
	Kind, Carrier, Limit, Currency, Exp string
	Bad                                 string
}

type contactRow struct {
	N int
	domain.VendorContact
	Bad string
}

type serviceChoice struct {
	Service domain.Service
	Checked bool
}

type profileForm struct {
	Vendor      domain.Vendor
	Profile     domain.VendorProfile
	Performance string
	Storage     string
	Services    []serviceChoice
	Subs        []subRow
	Insurance   []insuranceRow
	Contacts    []contactRow
	CanStatus   bool
	Error       string
	Field       string
}

// blankRows is how many empty rows each list offers for additions.
const blankRows = 2

func newProfileForm(v domain.Vendor, p domain.VendorProfile, canStatus bool, formErr error) profileForm {
	f := profileForm{Vendor: v, Profile: p, CanStatus: canStatus,
		Performance: strings.Join(p.PerformanceCountries, ", "), Storage: strings.Join(p.StorageCountries, ", ")}
	for _, s := range domain.Services {
		checked := false
		for _, x := range p.Services {
			checked = checked || x == s
		}
		f.Services = append(f.Services, serviceChoice{Service: s, Checked: checked})
	}
	if formErr != nil {
		f.Error, f.Field = domain.ErrorMessage(formErr), domain.ErrorField(formErr)
	}
	bad := func(list string, n int) string {
		prefix := fmt.Sprintf("%s.%d.", list, n)
		if strings.HasPrefix(f.Field, prefix) {
			return strings.TrimPrefix(f.Field, prefix)
		}
		return ""
	}
	for i, s := range p.Subcontractors {
		f.Subs = append(f.Subs, subRow{N: i + 1, Subcontractor: s, Bad: bad("subcontractors", i+1)})
	}
	for i, in := range p.Insurance {
		limit := ""
		if in.Limit.Minor != 0 {
			limit = in.Limit.Decimal()
		}
		f.Insurance = append(f.Insurance, insuranceRow{N: i + 1, Kind: string(in.Kind), Carrier: in.Carrier, Limit: limit, Currency: string(in.Limit.Currency), Exp: string(in.ExpiresOn), Bad: bad("insurance", i+1)})
	}
	for i, c := range p.Contacts {
		f.Contacts = append(f.Contacts, contactRow{N: i + 1, VendorContact: c, Bad: bad("contacts", i+1)})
	}
	for range blankRows {
		f.Subs = append(f.Subs, subRow{N: len(f.Subs) + 1})
		f.Insurance = append(f.Insurance, insuranceRow{N: len(f.Insurance) + 1, Kind: string(domain.InsuranceCyber), Currency: string(v.Currency)})
		f.Contacts = append(f.Contacts, contactRow{N: len(f.Contacts) + 1})
	}
	return f
}

func (h *Handler) vendorProfileForm(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	var pg app.VendorPage
	if err == nil {
		pg, err = h.app.VendorPageOf(r.Context(), u, id)
	}
	if err == nil && (!app.Can(u, app.MaintainVendor) || (u.Role.IsVendor() && u.VendorID != id)) {
		err = domain.Errorf(domain.EForbidden, "your role (%s) does not allow editing this vendor's profile", u.Role.Label())
	}
	if err != nil {
		h.Error(w, r, err)
		return
	}
	h.render(w, r, "vendor-profile", "Edit the profile of "+pg.Vendor.Name, newProfileForm(pg.Vendor, pg.Profile, app.Can(u, app.ManageVendors), nil))
}

// splitCodes reads "IN, PH SG" as a list of codes.
func splitCodes(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\t' || r == '\n' || r == '\r' })
}

// profileFromForm reads the profile form. Rows left empty are skipped; an
// insurance limit that is not an amount is an error on that row.
func profileFromForm(r *http.Request) (domain.VendorProfile, error) {
	_ = r.ParseForm()
	f := r.PostForm
	p := domain.VendorProfile{LegalName: f.Get("legal_name"), Country: f.Get("country"), City: f.Get("city"), RegistrationNumber: f.Get("registration_number"),
		Website: f.Get("website"), Description: f.Get("description"), State: domain.VendorState(f.Get("status")),
		PerformanceCountries: splitCodes(f.Get("performance_countries")), StorageCountries: splitCodes(f.Get("storage_countries"))}
	for _, s := range f["services"] {
		p.Services = append(p.Services, domain.Service(s))
	}
	at := func(key string, i int) string {
		if vs := f[key]; i < len(vs) {
			return strings.TrimSpace(vs[i])
		}
		return ""
	}
	for i := range f["sub_name"] {
		s := domain.Subcontractor{Name: at("sub_name", i), Country: at("sub_country", i), Work: at("sub_work", i)}
		if s.Name != "" || s.Country != "" || s.Work != "" {
			p.Subcontractors = append(p.Subcontractors, s)
		}
	}
	var moneyErr error
	for i := range f["ins_carrier"] {
		carrier, limit, exp := at("ins_carrier", i), at("ins_limit", i), at("ins_expires_on", i)
		if carrier == "" && limit == "" && exp == "" {
			continue
		}
		in := domain.InsurancePolicy{Kind: domain.InsuranceKind(at("ins_kind", i)), Carrier: carrier, ExpiresOn: domain.Date(exp)}
		cur := domain.Currency(strings.ToUpper(at("ins_currency", i)))
		in.Limit.Currency = cur
		if limit != "" {
			m, err := domain.ParseMoney(limit, cur)
			if err != nil && moneyErr == nil {
				moneyErr = domain.Invalid(fmt.Sprintf("insurance.%d.limit", len(p.Insurance)+1), "the limit %q is not an amount in %s", limit, cur)
			}
			in.Limit = m
			in.Limit.Currency = cur
		}
		p.Insurance = append(p.Insurance, in)
	}
	for i := range f["contact_name"] {
		c := domain.VendorContact{Name: at("contact_name", i), Role: at("contact_role", i), Email: at("contact_email", i), Phone: at("contact_phone", i)}
		if c.Name != "" || c.Role != "" || c.Email != "" || c.Phone != "" {
			p.Contacts = append(p.Contacts, c)
		}
	}
	return p, moneyErr
}

func (h *Handler) saveVendorProfile(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	if err != nil {
		h.Error(w, r, err)
		return
	}
	in, err := profileFromForm(r)
	if err == nil {
		err = h.app.UpdateVendorProfile(r.Context(), u, id, in)
	}
	switch code := domain.ErrorCode(err); code {
	case "":
		http.Redirect(w, r, fmt.Sprintf("/vendors/%d#profile", id), http.StatusSeeOther)
	case domain.EInvalid:
		pg, perr := h.app.VendorPageOf(r.Context(), u, id)
		if perr != nil {
			h.Error(w, r, perr)
			return
		}
		if in.State == "" {
			in.State = pg.Profile.State
		}
		h.renderStatus(w, r, httpx.Status(code), "vendor-profile", "Edit the profile of "+pg.Vendor.Name, newProfileForm(pg.Vendor, in, app.Can(u, app.ManageVendors), err))
	default:
		h.Error(w, r, err)
	}
}

// ---------------------------------------------------------------------------
// A person's personnel record.

type barRow struct {
	N int
	domain.BarAdmission
	Verifier string
	Bad      string
}

type personPage struct {
	app.PersonnelView
	Form  domain.Personnel
	Bars  []barRow
	Error string
	Field string
	Saved bool
}

func (h *Handler) person(w http.ResponseWriter, r *http.Request) {
	h.renderPerson(w, r, http.StatusOK, nil, nil)
}

func (h *Handler) renderPerson(w http.ResponseWriter, r *http.Request, status int, form *domain.Personnel, formErr error) {
	u, _ := httpx.User(r)
	vendorID, err := pathID(r, "id")
	var userID int64
	if err == nil {
		userID, err = pathID(r, "user")
	}
	var v personPage
	if err == nil {
		v.PersonnelView, err = h.app.Personnel(r.Context(), u, vendorID, userID)
	}
	if err != nil {
		h.Error(w, r, err)
		return
	}
	v.Form = v.Personnel
	if form != nil {
		v.Form = *form
	}
	if formErr != nil {
		v.Error, v.Field = domain.ErrorMessage(formErr), domain.ErrorField(formErr)
	}
	v.Saved = r.URL.Query().Get("saved") == "1"
	for i, b := range v.Form.BarAdmissions {
		row := barRow{N: i + 1, BarAdmission: b, Verifier: v.Verifiers[b.VerifiedBy]}
		if prefix := fmt.Sprintf("bar_admissions.%d.", i+1); strings.HasPrefix(v.Field, prefix) {
			row.Bad = strings.TrimPrefix(v.Field, prefix)
		}
		v.Bars = append(v.Bars, row)
	}
	for range blankRows {
		v.Bars = append(v.Bars, barRow{N: len(v.Bars) + 1, BarAdmission: domain.BarAdmission{Status: "active"}})
	}
	h.renderStatus(w, r, status, "person", v.User.Name+" · "+v.Vendor.Name, v)
}

// personnelFromForm reads the personnel form; empty bar rows are skipped.
func personnelFromForm(r *http.Request) (domain.Personnel, error) {
	_ = r.ParseForm()
	f := r.PostForm
	d := func(k string) domain.Date { return domain.Date(strings.TrimSpace(f.Get(k))) }
	p := domain.Personnel{Position: f.Get("position"), Education: f.Get("education"), BackgroundCheck: d("background_check_on"),
		NDASigned: d("nda_signed_on"), NDAExpires: d("nda_expires_on"), ConfidentialityDone: d("confidentiality_completed_on"),
		ConfidentialityExpires: d("confidentiality_expires_on"), EthicsDone: d("ethics_completed_on"), EthicsExpires: d("ethics_expires_on")}
	var err error
	if y := strings.TrimSpace(f.Get("experience_years")); y != "" {
		if p.ExperienceYears, err = strconv.Atoi(y); err != nil {
			err = domain.Invalid("experience_years", "years of experience must be a whole number")
		}
	}
	at := func(key string, i int) string {
		if vs := f[key]; i < len(vs) {
			return strings.TrimSpace(vs[i])
		}
		return ""
	}
	for i := range f["bar_jurisdiction"] {
		b := domain.BarAdmission{Jurisdiction: at("bar_jurisdiction", i), Number: at("bar_number", i), Status: at("bar_status", i), AdmittedOn: domain.Date(at("bar_admitted_on", i))}
		if b.Jurisdiction != "" || b.Number != "" || b.AdmittedOn != "" {
			p.BarAdmissions = append(p.BarAdmissions, b)
		}
	}
	return p, err
}

func (h *Handler) savePerson(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	vendorID, err := pathID(r, "id")
	var userID int64
	if err == nil {
		userID, err = pathID(r, "user")
	}
	if err != nil {
		h.Error(w, r, err)
		return
	}
	in, err := personnelFromForm(r)
	if err == nil {
		err = h.app.UpdatePersonnel(r.Context(), u, vendorID, userID, in)
	}
	switch code := domain.ErrorCode(err); code {
	case "":
		http.Redirect(w, r, fmt.Sprintf("/vendors/%d/people/%d?saved=1", vendorID, userID), http.StatusSeeOther)
	case domain.EInvalid:
		h.renderPerson(w, r, httpx.Status(code), &in, err)
	default:
		h.Error(w, r, err)
	}
}

func (h *Handler) verifyBar(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	vendorID, err := pathID(r, "id")
	var userID int64
	if err == nil {
		userID, err = pathID(r, "user")
	}
	if err == nil {
		err = h.app.VerifyBarAdmission(r.Context(), u, vendorID, userID, r.PostFormValue("jurisdiction"), domain.Date(r.PostFormValue("verified_on")))
	}
	switch code := domain.ErrorCode(err); code {
	case "":
		http.Redirect(w, r, fmt.Sprintf("/vendors/%d/people/%d#bar", vendorID, userID), http.StatusSeeOther)
	case domain.EInvalid:
		h.renderPerson(w, r, httpx.Status(code), nil, err)
	default:
		h.Error(w, r, err)
	}
}

// badgeClass is the badge colour of a registry state: ok, wait, bad or muted.
func badgeClass(v any) string {
	switch x := v.(type) {
	case domain.PersonnelState:
		switch x {
		case domain.PersonnelClear:
			return "ok"
		case domain.PersonnelExpiring:
			return "wait"
		}
		return "bad"
	case domain.DateState:
		switch x {
		case domain.DateCurrent:
			return "ok"
		case domain.DateExpiring:
			return "wait"
		}
		return "bad"
	case domain.Approval:
		switch x {
		case domain.ApprovalApproved:
			return "ok"
		case domain.ApprovalRefused:
			return "bad"
		}
		return "wait"
	case domain.VendorState:
		if x == domain.VendorActive {
			return "ok"
		}
		return "muted"
	}
	return "muted"
}

// countryLabel shows a code with its name: "India (IN)".
func countryLabel(code string) string { return domain.CountryName(code) + " (" + code + ")" }
