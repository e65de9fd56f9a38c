package api

import (
	"net/http"
	"time"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
	"github.com/probity/probity/internal/store"
)

// The JSON shapes. They are the API's contract, kept apart from the domain
// types so the domain can change without breaking clients.

type moneyJSON struct {
	Minor    int64  `json:"minor"`
	Currency string `json:"currency"`
	Decimal  string `json:"decimal"`
}

func money(m domain.Money) moneyJSON {
	return moneyJSON{Minor: m.Minor, Currency: string(m.Currency), Decimal: m.Decimal()}
}

type userJSON struct {
	ID       int64  `json:"id"`
	Email    string `json:"email"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	VendorID *int64 `json:"vendor_id"`
	ClientID *int64 `json:"client_id"`
	Title    string `json:"title"`
	TimeZone string `json:"time_zone"`
	Locale   string `json:"locale"` // how the web UI writes dates and money for them; the API keeps machine formats
	Disabled bool   `json:"disabled"`
}

func optID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

func user(u domain.User) userJSON {
	return userJSON{ID: u.ID, Email: u.Email, Name: u.Name, Role: string(u.Role), VendorID: optID(u.VendorID), ClientID: optID(u.ClientID), Title: u.Title, TimeZone: u.TimeZone, Locale: string(u.Locale), Disabled: u.Disabled}
}

type jurisdictionJSON struct {
	Kind string `json:"kind"`
	Name string `json:"name"`
}

type matterJSON struct {
	ID                      int64              `json:"id"`
	Number                  string             `json:"number"`
	Title                   string             `json:"title"`
	ClientID                int64              `json:"client_id"`
	ClientName              string             `json:"client_name,omitempty"`
	PracticeArea            string             `json:"practice_area"`
	Sensitivity             string             `json:"sensitivity"`
	Status                  string             `json:"status"`
	ResponsibleAttorneyID   int64              `json:"responsible_attorney_id"`
	ResponsibleAttorneyName string             `json:"responsible_attorney_name,omitempty"`
	OpenedOn                string             `json:"opened_on"`
	Jurisdictions           []jurisdictionJSON `json:"jurisdictions,omitempty"`
}

func matter(m domain.Matter) matterJSON {
	j := matterJSON{ID: m.ID, Number: m.Number, Title: m.Title, ClientID: m.ClientID, PracticeArea: m.PracticeArea,
		Sensitivity: string(m.Sensitivity), Status: m.Status, ResponsibleAttorneyID: m.ResponsibleAttorneyID, OpenedOn: string(m.OpenedOn)}
	for _, x := range m.Jurisdictions {
		j.Jurisdictions = append(j.Jurisdictions, jurisdictionJSON{Kind: x.Kind, Name: x.Name})
	}
	return j
}

func matterSummary(m store.MatterSummary) matterJSON {
	j := matter(m.Matter)
	j.ClientName, j.ResponsibleAttorneyName = m.ClientName, m.ResponsibleAttorneyName
	return j
}

type partyJSON struct {
	ID      int64    `json:"id"`
	Name    string   `json:"name"`
	Role    string   `json:"role"`
	Aliases []string `json:"aliases"`
}

type matterDetailJSON struct {
	matterJSON
	Parties     []partyJSON      `json:"parties,omitempty"`
	Engagements []engagementJSON `json:"engagements"`
	Strategy    *strategyJSON    `json:"strategy,omitempty"` // firm users only (matters_edit.go)
}

type engagementJSON struct {
	ID                    int64      `json:"id"`
	MatterID              int64      `json:"matter_id"`
	MatterNumber          string     `json:"matter_number"`
	VendorID              int64      `json:"vendor_id"`
	VendorName            string     `json:"vendor_name"`
	SupervisingAttorneyID int64      `json:"supervising_attorney_id"`
	SupervisorName        string     `json:"supervising_attorney_name"`
	Service               string     `json:"service"`
	Description           string     `json:"description"`
	Stage                 string     `json:"stage"`
	NextStep              string     `json:"next_step"`
	BillingMode           string     `json:"billing_mode"`
	EstimatedCost         *moneyJSON `json:"estimated_cost,omitempty"`
	InHouseEstimate       moneyJSON  `json:"inhouse_estimate"`
	OpenedOn              string     `json:"opened_on"`
	ClosedOn              string     `json:"closed_on"`
	PausedFrom            string     `json:"paused_from"`   // while paused: the stage it resumes at
	PausedReason          string     `json:"paused_reason"` // while paused: why
}

// engagement shapes an engagement for viewer; clients do not see the
// vendor's own price, only the in-house equivalent and (later) their invoice.
func engagement(viewer domain.User) func(store.EngagementSummary) engagementJSON {
	return func(e store.EngagementSummary) engagementJSON {
		j := engagementJSON{ID: e.ID, MatterID: e.MatterID, MatterNumber: e.MatterNumber, VendorID: e.VendorID, VendorName: e.VendorName,
			SupervisingAttorneyID: e.SupervisingAttorneyID, SupervisorName: e.SupervisorName, Service: string(e.Service), Description: e.Description,
			Stage: string(e.Stage), NextStep: e.Stage.NextStep(), BillingMode: string(e.BillingMode), InHouseEstimate: money(e.InHouseEstimate),
			OpenedOn: string(e.OpenedOn), ClosedOn: string(e.ClosedOn), PausedFrom: string(e.PausedFrom), PausedReason: e.PausedReason}
		if !viewer.Role.IsClient() {
			m := money(e.EstimatedCost)
			j.EstimatedCost = &m
		}
		return j
	}
}

type vendorJSON struct {
	ID            int64  `json:"id"`
	Name          string `json:"name"`
	LegalName     string `json:"legal_name"`
	Country       string `json:"country"`
	Currency      string `json:"currency"`
	Diligence     string `json:"diligence"`
	ApprovedUntil string `json:"approved_until"`
}

func vendor(v app.VendorStatus) vendorJSON {
	return vendorJSON{ID: v.Vendor.ID, Name: v.Vendor.Name, LegalName: v.Vendor.LegalName, Country: v.Vendor.Country,
		Currency: string(v.Vendor.Currency), Diligence: string(v.Diligence), ApprovedUntil: string(v.Vendor.ApprovedUntil)}
}

type clientJSON struct {
	ID      int64  `json:"id"`
	Number  string `json:"number"`
	Name    string `json:"name"`
	Country string `json:"country"`
}

func client(c domain.Client) clientJSON {
	return clientJSON{ID: c.ID, Number: c.Number, Name: c.Name, Country: c.Country}
}

func (h *Handler) me(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	httpx.WriteJSON(w, http.StatusOK, user(u))
}

func (h *Handler) listMatters(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	p, err := pageOf(r)
	var clientID int64
	if err == nil {
		clientID, err = queryInt(r, "client_id")
	}
	status := r.URL.Query().Get("status")
	if err == nil && status != "" && status != "open" && status != "closed" {
		err = domain.Invalid("status", "status must be open or closed")
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	ms, err := h.app.Matters(r.Context(), u, store.MatterFilter{ClientID: clientID, Status: status, Query: r.URL.Query().Get("q"), Page: p})
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, newList(ms, p, matterSummary, func(m store.MatterSummary) int64 { return m.ID }))
}

func (h *Handler) getMatter(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	var v app.MatterView
	if err == nil {
		v, err = h.app.Matter(r.Context(), u, id)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	d := matterDetailJSON{matterJSON: matter(v.Matter), Engagements: []engagementJSON{}}
	d.ClientName, d.ResponsibleAttorneyName = v.Client.Name, v.Responsible.Name
	for _, p := range v.Parties {
		aliases := p.Aliases
		if aliases == nil {
			aliases = []string{}
		}
		d.Parties = append(d.Parties, partyJSON{ID: p.ID, Name: p.Name, Role: string(p.Role), Aliases: aliases})
	}
	conv := engagement(u)
	for _, e := range v.Engagements {
		d.Engagements = append(d.Engagements, conv(e))
	}
	if v.Strategy != nil {
		d.Strategy = &strategyJSON{Notes: v.Strategy.Notes, UpdatedBy: v.Strategy.UpdatedByName}
		if !v.Strategy.UpdatedAt.IsZero() {
			d.Strategy.UpdatedAt = v.Strategy.UpdatedAt.UTC().Format(time.RFC3339)
		}
	}
	httpx.WriteJSON(w, http.StatusOK, d)
}

func (h *Handler) listEngagements(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	p, err := pageOf(r)
	f := store.EngagementFilter{Page: p, Stage: domain.Stage(r.URL.Query().Get("stage"))}
	if err == nil {
		f.MatterID, err = queryInt(r, "matter_id")
	}
	if err == nil {
		f.VendorID, err = queryInt(r, "vendor_id")
	}
	if err == nil && f.Stage != "" && !validStage(f.Stage) {
		err = domain.Invalid("stage", "%q is not a stage", f.Stage)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	es, err := h.app.Engagements(r.Context(), u, f)
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, newList(es, p, engagement(u), func(e store.EngagementSummary) int64 { return e.ID }))
}

func validStage(s domain.Stage) bool {
	for _, x := range domain.Stages {
		if x == s {
			return true
		}
	}
	return false
}

func (h *Handler) getEngagement(w http.ResponseWriter, r *http.Request) {
	byID(h.app.Engagement, func(u domain.User, v app.EngagementView) engagementJSON { return engagement(u)(v.Engagement) })(w, r)
}

func (h *Handler) listVendors(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	p, err := pageOf(r)
	var vs []domain.Vendor
	if err == nil {
		vs, err = h.app.Vendors(r.Context(), u, p)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, newList(h.app.VendorStatuses(vs), p, vendor, func(v app.VendorStatus) int64 { return v.Vendor.ID }))
}

func (h *Handler) getVendor(w http.ResponseWriter, r *http.Request) {
	byID(h.app.Vendor, func(_ domain.User, v app.VendorView) vendorJSON {
		return vendor(h.app.VendorStatuses([]domain.Vendor{v.Vendor})[0])
	})(w, r)
}

func (h *Handler) listClients(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	p, err := pageOf(r)
	var cs []domain.Client
	if err == nil {
		cs, err = h.app.Clients(r.Context(), u, p)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, newList(cs, p, client, func(c domain.Client) int64 { return c.ID }))
}

func (h *Handler) listUsers(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	p, err := pageOf(r)
	var us []domain.User
	if err == nil {
		us, err = h.app.Users(r.Context(), u, store.UserFilter{Role: domain.Role(r.URL.Query().Get("role")), Page: p})
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, newList(us, p, user, func(u domain.User) int64 { return u.ID }))
}

type newUserJSON struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	VendorID int64  `json:"vendor_id"`
	ClientID int64  `json:"client_id"`
	Title    string `json:"title"`
	TimeZone string `json:"time_zone"`
	Password string `json:"password"`
}

func (h *Handler) createUser(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	var in newUserJSON
	if err := decode(w, r, &in); err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	created, err := h.app.CreateUser(r.Context(), u, app.NewUser{Email: in.Email, Name: in.Name, Role: domain.Role(in.Role),
		VendorID: in.VendorID, ClientID: in.ClientID, Title: in.Title, TimeZone: in.TimeZone, Password: in.Password})
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusCreated, user(created))
}
