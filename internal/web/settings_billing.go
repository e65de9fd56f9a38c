package web

import (
	"net/http"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
)

// billingPolicyForm is the billing-policy card of the settings page: the
// figures as percentages, as typed (kept when refused), and the outcome.
type billingPolicyForm struct {
	OverheadCap     string
	MarkupCap       string
	MinSavingShared string
	DayHours        string // hours, such as "10" or "10.5"
	FirmAddress     string // printed under the firm's name on PDF invoices
	Saved           bool
	Error           string
	Field           string // the input at fault
}

// billingFormOf shows policy p in the form.
func billingFormOf(p domain.BillingPolicy, address string, saved bool) *billingPolicyForm {
	return &billingPolicyForm{OverheadCap: domain.PercentBP(p.OverheadCapBP), MarkupCap: domain.PercentBP(p.MarkupCapBP),
		MinSavingShared: domain.PercentBP(p.MinSavingSharedBP), DayHours: p.DayHoursFlag.String(), FirmAddress: address, Saved: saved}
}

// policy reads the typed percentages; the error names the first bad field.
func (f *billingPolicyForm) policy() (domain.BillingPolicy, error) {
	var p domain.BillingPolicy
	for _, x := range []struct {
		field string
		in    string
		bp    *int
	}{
		{"overhead_cap", f.OverheadCap, &p.OverheadCapBP},
		{"markup_cap", f.MarkupCap, &p.MarkupCapBP},
		{"min_saving_shared", f.MinSavingShared, &p.MinSavingSharedBP},
	} {
		bp, err := domain.ParsePercentBP(x.field, x.in)
		if err != nil {
			return p, err
		}
		*x.bp = bp
	}
	var err error
	p.DayHoursFlag, err = domain.ParseTenths("day_hours", f.DayHours)
	return p, err
}

// saveBillingPolicy replaces the firm's billing policy from the settings
// page; a refused figure redraws the page with the input kept and the
// error at its field.
func (h *Handler) saveBillingPolicy(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	if err := requireCan(u, app.ManageSettings); err != nil {
		h.Error(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		h.Error(w, r, domain.Invalid("form", "the form could not be read"))
		return
	}
	f := &billingPolicyForm{OverheadCap: r.PostFormValue("overhead_cap"), MarkupCap: r.PostFormValue("markup_cap"),
		MinSavingShared: r.PostFormValue("min_saving_shared"), DayHours: r.PostFormValue("day_hours"), FirmAddress: r.PostFormValue("firm_address")}
	p, err := f.policy()
	if err == nil { // both checked before either is saved
		_, err = app.CheckFirmAddress(f.FirmAddress)
	}
	if err == nil {
		err = h.app.SetBillingPolicy(r.Context(), u, p)
	}
	if err == nil && r.PostForm.Has("firm_address") {
		err = h.app.SetFirmAddress(r.Context(), u, f.FirmAddress)
	}
	switch domain.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/admin/settings?saved=billing#billing-policy", http.StatusSeeOther)
	case domain.EInvalid:
		mfa, perr := h.app.MFAPolicy(r.Context())
		if perr != nil {
			h.Error(w, r, perr)
			return
		}
		consent, cerr := h.app.ConsentRequired(r.Context(), u)
		if cerr != nil {
			h.Error(w, r, cerr)
			return
		}
		f.Error, f.Field = domain.ErrorMessage(err), domain.ErrorField(err)
		h.renderStatus(w, r, http.StatusUnprocessableEntity, "settings", "Security settings",
			settingsView{Policy: mfa, Roles: domain.Roles, Rules: h.currentRules(r, u), ConsentRequired: consent, Billing: f})
	default:
		h.Error(w, r, err)
	}
}
