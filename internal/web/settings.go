package web

import (
	"net/http"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
)

type settingsView struct {
	Policy domain.MFAPolicy
	Roles  []domain.Role
	Saved  bool
	Error  string
	// Rules are the vendor requirements by sensitivity (engagement_open.go
	// saves them); RulesError and RulesField report a refused change.
	Rules      []domain.SensitivityRule
	RulesSaved bool
	RulesError string
	RulesField string
	// ConsentRequired is the firm's client-consent policy (consent.go).
	ConsentRequired bool
	ConsentSaved    bool
	// Billing is the firm's billing policy as its form shows it
	// (settings_billing.go); nil leaves the card out.
	Billing *billingPolicyForm
}

// settings shows the firm's security settings to administrators.
func (h *Handler) settings(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	if err := requireCan(u, app.ManageSettings); err != nil {
		h.Error(w, r, err)
		return
	}
	p, err := h.app.MFAPolicy(r.Context())
	if err != nil {
		h.Error(w, r, err)
		return
	}
	rules, err := h.app.SensitivityRules(r.Context(), u)
	if err != nil {
		h.Error(w, r, err)
		return
	}
	consent, err := h.app.ConsentRequired(r.Context(), u)
	if err != nil {
		h.Error(w, r, err)
		return
	}
	billing, err := h.app.BillingPolicy(r.Context(), u)
	if err != nil {
		h.Error(w, r, err)
		return
	}
	address, err := h.app.FirmAddress(r.Context(), u)
	if err != nil {
		h.Error(w, r, err)
		return
	}
	h.render(w, r, "settings", "Security settings", settingsView{Policy: p, Roles: domain.Roles, Saved: r.URL.Query().Get("saved") == "1",
		Rules: rules, RulesSaved: r.URL.Query().Get("saved") == "rules", ConsentRequired: consent, ConsentSaved: r.URL.Query().Get("saved") == "consent",
		Billing: billingFormOf(billing, address, r.URL.Query().Get("saved") == "billing")})
}

// saveConsentPolicy turns the client-consent gate on or off.
func (h *Handler) saveConsentPolicy(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	if err := r.ParseForm(); err != nil {
		h.Error(w, r, domain.Invalid("form", "the form could not be read"))
		return
	}
	var required bool
	switch r.PostFormValue("consent_required") {
	case "on":
		required = true
	case "off":
	default:
		h.Error(w, r, domain.Invalid("consent_required", "choose whether the client's consent is required"))
		return
	}
	if err := h.app.SetConsentRequired(r.Context(), u, required); err != nil {
		h.Error(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/settings?saved=consent#client-consent", http.StatusSeeOther)
}

// saveSettings replaces the second-factor policy.
func (h *Handler) saveSettings(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	if err := r.ParseForm(); err != nil {
		h.Error(w, r, domain.Invalid("form", "the form could not be read"))
		return
	}
	var p domain.MFAPolicy
	for _, name := range r.PostForm["mfa_role"] {
		role, err := domain.ParseRole(name)
		if err != nil {
			h.renderStatus(w, r, http.StatusUnprocessableEntity, "settings", "Security settings", settingsView{Policy: p, Roles: domain.Roles, Error: domain.ErrorMessage(err), Rules: h.currentRules(r, u)})
			return
		}
		p.RequiredRoles = append(p.RequiredRoles, role)
	}
	p.HighlyConfidential = r.PostFormValue("mfa_highly_confidential") == "on"
	if err := h.app.SetMFAPolicy(r.Context(), u, p); err != nil {
		if domain.ErrorCode(err) == domain.EInvalid {
			h.renderStatus(w, r, http.StatusUnprocessableEntity, "settings", "Security settings", settingsView{Policy: p, Roles: domain.Roles, Error: domain.ErrorMessage(err), Rules: h.currentRules(r, u)})
			return
		}
		h.Error(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/settings?saved=1", http.StatusSeeOther)
}

// requireCan refuses a page a role may not use, as the use cases do.
func requireCan(u domain.User, a app.Action) error {
	if !app.Can(u, a) {
		return domain.Errorf(domain.EForbidden, "your role (%s) does not allow this", u.Role.Label())
	}
	return nil
}
