package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
	"github.com/probity/probity/internal/store"
)

// Proposing a vendor on the matter page, and opening the engagement on the
// engagement page. Both call the same use cases as the API and the CLI.

// proposeForm is what the proposal form holds.
type proposeForm struct {
	VendorID     int64
	Service      string
	Description  string
	SupervisorID int64
	BillingMode  string
	Estimate     string
	Currency     string
	InHouse      string
}

// proposeView is the matter page's "Propose a vendor" section.
type proposeView struct {
	Show         bool // the actor may propose here
	Vendors      []app.VendorStatus
	Supervisors  []domain.User
	Services     []domain.Service
	FirmCurrency domain.Currency
	Check        *app.OpeningCheck // the gates of the chosen vendor
	CheckError   string
	Form         proposeForm
	Error        string
	Field        string
}

// proposeState carries a failed proposal's input and error from the POST
// handler to renderMatter, which shows it next to the fields.
type proposeState struct {
	form proposeForm
	err  error
}

type proposeStateKey struct{}

// proposal builds the matter page's proposal section for u, reading the
// chosen vendor from ?vendor= (or from a failed post).
func (h *Handler) proposal(r *http.Request, u domain.User, m domain.Matter) (proposeView, error) {
	v := proposeView{}
	if !app.Can(u, app.ProposeEngagements) || m.Status != "open" {
		return v, nil
	}
	v.Show, v.Services = true, domain.Services
	var err error
	if v.Vendors, err = h.vendorChoices(r, u); err != nil {
		return v, err
	}
	if v.Supervisors, err = h.app.SupervisorCandidates(r.Context(), u, m.ID); err != nil {
		return v, err
	}
	f, err := h.app.Firm(r.Context())
	if err != nil {
		return v, err
	}
	v.FirmCurrency = f.Currency
	v.Form = proposeForm{BillingMode: string(domain.BillingDisbursement), SupervisorID: m.ResponsibleAttorneyID}
	if st, ok := r.Context().Value(proposeStateKey{}).(proposeState); ok {
		v.Form = st.form
		v.Error, v.Field = domain.ErrorMessage(st.err), domain.ErrorField(st.err)
	} else if vid, err := strconv.ParseInt(r.URL.Query().Get("vendor"), 10, 64); err == nil && vid > 0 {
		v.Form.VendorID = vid
	}
	if v.Form.VendorID == 0 {
		return v, nil
	}
	for _, vs := range v.Vendors {
		if vs.Vendor.ID == v.Form.VendorID && v.Form.Currency == "" {
			v.Form.Currency = string(vs.Vendor.Currency)
		}
	}
	c, err := h.app.OpeningCheck(r.Context(), u, m.ID, v.Form.VendorID)
	switch domain.ErrorCode(err) {
	case "":
		v.Check = &c
	case domain.EInvalid:
		v.CheckError = domain.ErrorMessage(err)
	default:
		return v, err
	}
	return v, nil
}

// vendorChoices lists every vendor in the registry with its state today.
func (h *Handler) vendorChoices(r *http.Request, u domain.User) ([]app.VendorStatus, error) {
	var all []domain.Vendor
	p := store.Page{Limit: store.MaxPageSize}
	for {
		vs, err := h.app.Vendors(r.Context(), u, p)
		if err != nil {
			return nil, err
		}
		all = append(all, vs...)
		if len(vs) < p.Limit {
			return h.app.VendorStatuses(all), nil
		}
		p.AfterID = vs[len(vs)-1].ID
	}
}

// proposeEngagement records a proposal from the matter page and shows the
// engagement, with its opening gates; a mistake is shown next to its field.
func (h *Handler) proposeEngagement(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	if err != nil {
		h.Error(w, r, err)
		return
	}
	f := proposeForm{VendorID: formID(r, "vendor_id"), Service: r.PostFormValue("service"), Description: r.PostFormValue("description"),
		SupervisorID: formID(r, "supervisor_id"), BillingMode: r.PostFormValue("billing_mode"),
		Estimate: strings.TrimSpace(r.PostFormValue("estimate")), Currency: strings.TrimSpace(r.PostFormValue("currency")),
		InHouse: strings.TrimSpace(r.PostFormValue("inhouse_estimate"))}
	in := app.EngagementProposal{MatterID: id, VendorID: f.VendorID, Service: domain.Service(f.Service), Description: f.Description,
		SupervisorID: f.SupervisorID, BillingMode: domain.BillingMode(f.BillingMode)}
	in.EstimatedCost, err = formMoney("estimate", f.Estimate, f.Currency)
	if err == nil {
		var firm domain.Firm
		if firm, err = h.app.Firm(r.Context()); err == nil {
			in.InHouseEstimate, err = formMoney("inhouse_estimate", f.InHouse, string(firm.Currency))
		}
	}
	var p app.Proposal
	if err == nil {
		p, err = h.app.ProposeEngagement(r.Context(), u, in)
	} else if _, merr := h.app.Matter(r.Context(), u, id); merr != nil {
		err = merr // out of scope answers not found, whatever the input
	} else if !app.Can(u, app.ProposeEngagements) {
		err = domain.Errorf(domain.EForbidden, "your role (%s) does not allow this", u.Role.Label())
	}
	switch domain.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/engagements/"+strconv.FormatInt(p.Engagement.ID, 10)+"#gates", http.StatusSeeOther)
	case domain.EInvalid, domain.EConflict:
		ctx := context.WithValue(r.Context(), proposeStateKey{}, proposeState{form: f, err: err})
		h.renderMatter(w, r.WithContext(ctx), httpx.Status(domain.ErrorCode(err)), nil, 0, "")
	default:
		h.Error(w, r, err)
	}
}

// formMoney reads an optional amount typed in a form ("" is zero).
func formMoney(field, amount, currency string) (domain.Money, error) {
	c, err := domain.ParseCurrency(currency)
	if err != nil {
		return domain.Money{}, domain.Invalid(field, "%s", domain.ErrorMessage(err))
	}
	if amount == "" {
		return domain.NewMoney(0, c), nil
	}
	m, err := domain.ParseMoney(amount, c)
	if err != nil {
		return m, domain.Invalid(field, "%s", domain.ErrorMessage(err))
	}
	return m, nil
}

// renderEngagement shows the engagement page: its stage (and why it is
// paused), and for a proposal its opening gates, with openErr when an
// attempt to open it was refused.
func (h *Handler) renderEngagement(w http.ResponseWriter, r *http.Request, status int, v app.EngagementView, openErr error) {
	u, _ := httpx.User(r)
	g, err := h.app.EngagementGatesOf(r.Context(), u, v.Engagement.ID)
	if err != nil {
		h.Error(w, r, err)
		return
	}
	d := h.app.VendorStatuses([]domain.Vendor{v.Vendor})[0].Diligence
	view := engagementView{EngagementView: v, Diligence: d, Gates: g}
	if openErr != nil {
		view.OpenError = domain.ErrorMessage(openErr)
	}
	view.Consent = h.consentCardOf(r, u, v.Engagement.ID) // consent.go
	h.renderStatus(w, r, status, "engagement", v.Vendor.Name+" on "+v.Matter.Number, view)
}

// openEngagement opens a proposed engagement whose gates are all met; while
// any is unmet the page says which, and nothing changes.
func (h *Handler) openEngagement(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	if err != nil {
		h.Error(w, r, err)
		return
	}
	_, _, err = h.app.OpenEngagement(r.Context(), u, id)
	switch domain.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/engagements/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	case domain.EGateClosed, domain.EConflict:
		v, verr := h.app.Engagement(r.Context(), u, id)
		if verr != nil {
			h.Error(w, r, verr)
			return
		}
		h.renderEngagement(w, r, httpx.Status(domain.ErrorCode(err)), v, err)
	default:
		h.Error(w, r, err)
	}
}

// rulesForm reads the vendor requirements from the settings form: for each
// sensitivity, cert_, mfa_ and subs_ checkboxes and a min_score_ number.
func rulesForm(r *http.Request) ([]domain.SensitivityRule, error) {
	var out []domain.SensitivityRule
	var firstErr error
	for _, s := range domain.Sensitivities {
		k := string(s)
		rule := domain.SensitivityRule{Sensitivity: s, RequireCertification: r.PostFormValue("cert_"+k) == "on",
			RequireMFA: r.PostFormValue("mfa_"+k) == "on", NoUnapprovedSubcontractors: r.PostFormValue("subs_"+k) == "on"}
		raw := strings.TrimSpace(r.PostFormValue("min_score_" + k))
		if raw != "" {
			n, err := strconv.Atoi(raw)
			if err != nil && firstErr == nil {
				firstErr = domain.Invalid("min_score_"+k, "the minimum score for %s matters must be a whole number from 0 to 100", strings.ToLower(s.Label()))
			}
			rule.MinScore = n
		}
		out = append(out, rule)
	}
	return out, firstErr
}

// saveVendorRequirements replaces the firm's vendor requirements by
// sensitivity from the settings page.
func (h *Handler) saveVendorRequirements(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	if err := requireCan(u, app.ManageSettings); err != nil {
		h.Error(w, r, err)
		return
	}
	rules, err := rulesForm(r)
	if err == nil {
		err = h.app.SetSensitivityRules(r.Context(), u, rules)
	}
	switch domain.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/admin/settings?saved=rules#vendor-requirements", http.StatusSeeOther)
	case domain.EInvalid:
		p, perr := h.app.MFAPolicy(r.Context())
		if perr != nil {
			h.Error(w, r, perr)
			return
		}
		h.renderStatus(w, r, http.StatusUnprocessableEntity, "settings", "Security settings",
			settingsView{Policy: p, Roles: domain.Roles, Rules: rules, RulesError: domain.ErrorMessage(err), RulesField: domain.ErrorField(err)})
	default:
		h.Error(w, r, err)
	}
}

// currentRules are the firm's vendor requirements, for redrawing the
// settings page after another section's mistake (none if they cannot be read).
func (h *Handler) currentRules(r *http.Request, u domain.User) []domain.SensitivityRule {
	rules, err := h.app.SensitivityRules(r.Context(), u)
	if err != nil {
		return nil
	}
	return rules
}
