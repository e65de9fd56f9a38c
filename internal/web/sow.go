package web

import (
	"net/http"
	"strconv"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
)

// The engagement's Statement of work tab: versions, work items, both sides'
// approvals, change orders and totals. Every form calls the same use cases
// as the API; a refusal shows the page again with the error at the field.

// sowPage is the page's view.
type sowPage struct {
	app.SOWView
	Error    string
	Field    string
	Form     app.WorkItemInput // the add form's values, kept on error
	Services []domain.Service
	Tasks    []domain.UTBMSCode
	Acts     []domain.UTBMSCode
	Pricings []domain.Pricing
	csrf     string
	// The rate card section (rates.go): nil when the viewer may not read it.
	RateCard        *app.RateCardView
	RateForm        app.RateCardLineInput
	RateError       bool // the error is the rate card form's
	Classifications []domain.Classification
	RateKinds       []domain.RateKind
}

func (h *Handler) sow(w http.ResponseWriter, r *http.Request) {
	h.renderSOW(w, r, http.StatusOK, nil, app.WorkItemInput{})
}

func (h *Handler) renderSOW(w http.ResponseWriter, r *http.Request, status int, err error, form app.WorkItemInput) {
	h.renderSOWPage(w, r, status, err, form, nil)
}

// renderSOWRates shows the page with a refused rate card form.
func (h *Handler) renderSOWRates(w http.ResponseWriter, r *http.Request, status int, err error, rate app.RateCardLineInput) {
	h.renderSOWPage(w, r, status, err, app.WorkItemInput{}, &rate)
}

func (h *Handler) renderSOWPage(w http.ResponseWriter, r *http.Request, status int, err error, form app.WorkItemInput, rate *app.RateCardLineInput) {
	u, _ := httpx.User(r)
	id, perr := pathID(r, "id")
	if perr != nil {
		h.Error(w, r, perr)
		return
	}
	v, verr := h.app.SOWOf(r.Context(), u, id)
	if verr != nil {
		h.Error(w, r, verr)
		return
	}
	if form.Type == "" {
		form = app.WorkItemInput{Type: string(v.Header.Service), EstimateUnit: domain.UnitHours, Pricing: string(domain.PricingHourly)}
	}
	p := sowPage{SOWView: v, Form: form, Services: domain.Services, Tasks: domain.TaskCodes(), Acts: domain.ActivityCodes(),
		Pricings: []domain.Pricing{domain.PricingHourly, domain.PricingFixed, domain.PricingUnit}, csrf: httpx.CSRFToken(r)}
	if app.Can(u, app.ViewRateCards) {
		if rc, rerr := h.app.RateCardOf(r.Context(), u, id); rerr == nil {
			p.RateCard, p.Classifications, p.RateKinds = &rc, domain.Classifications, []domain.RateKind{domain.RateHourly, domain.RateFixed, domain.RatePerUnit}
		}
	}
	if rate != nil {
		// The error shows at the form when the form is on the page, else at its top.
		p.RateForm, p.RateError = *rate, p.RateCard != nil && p.RateCard.CanSet
	} else {
		p.RateForm = app.RateCardLineInput{Kind: string(domain.RateHourly), From: string(v.Today)}
	}
	if err != nil {
		p.Error, p.Field = domain.ErrorMessage(err), domain.ErrorField(err)
		if p.RateError {
			p.Field = "rate-" + p.Field
		}
	}
	h.renderStatus(w, r, status, "engagement-sow", "Statement of work: "+v.Header.MatterNumber, p)
}

// sowAction runs a use case from a form: on success the page again after a
// redirect, on a refusal the page with the error.
func (h *Handler) sowAction(w http.ResponseWriter, r *http.Request, form app.WorkItemInput, call func(u domain.User, id int64) error) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	if err == nil {
		err = call(u, id)
	}
	switch domain.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/engagements/"+strconv.FormatInt(id, 10)+"/sow", http.StatusSeeOther)
	case domain.EInvalid, domain.EConflict, domain.EGateClosed:
		h.renderSOW(w, r, httpx.Status(domain.ErrorCode(err)), err, form)
	default:
		h.Error(w, r, err)
	}
}

// itemForm reads a work item from a form.
func itemForm(r *http.Request) app.WorkItemInput {
	f := r.PostFormValue
	return app.WorkItemInput{Type: f("type"), Title: f("title"), Description: f("description"), Deliverable: f("deliverable"), Acceptance: f("acceptance"),
		DueOn: f("due_on"), Estimate: f("estimate"), EstimateUnit: f("estimate_unit"), BaselineHours: f("baseline_hours"), BaselineRate: f("baseline_rate"),
		Pricing: f("pricing"), Price: f("price"), TaskCode: f("task_code"), ActivityCode: f("activity_code")}
}

func (h *Handler) addWorkItem(w http.ResponseWriter, r *http.Request) {
	in := itemForm(r)
	h.sowAction(w, r, in, func(u domain.User, id int64) error {
		_, err := h.app.AddWorkItem(r.Context(), u, id, in)
		return err
	})
}

func (h *Handler) updateWorkItem(w http.ResponseWriter, r *http.Request) {
	in := itemForm(r)
	h.sowAction(w, r, app.WorkItemInput{}, func(u domain.User, id int64) error {
		iid, err := pathID(r, "iid")
		if err != nil {
			return err
		}
		_, err = h.app.UpdateWorkItem(r.Context(), u, id, iid, in)
		return err
	})
}

func (h *Handler) removeWorkItem(w http.ResponseWriter, r *http.Request) {
	confirm := r.PostFormValue("confirm")
	h.sowAction(w, r, app.WorkItemInput{}, func(u domain.User, id int64) error {
		iid, err := pathID(r, "iid")
		if err != nil {
			return err
		}
		return h.app.RemoveWorkItem(r.Context(), u, id, iid, confirm == "remove")
	})
}

func (h *Handler) proposeEstimate(w http.ResponseWriter, r *http.Request) {
	in := app.EstimateInput{Estimate: r.PostFormValue("estimate"), EstimateUnit: r.PostFormValue("estimate_unit"), Pricing: r.PostFormValue("pricing"),
		Price: r.PostFormValue("price")}
	h.sowAction(w, r, app.WorkItemInput{}, func(u domain.User, id int64) error {
		iid, err := pathID(r, "iid")
		if err != nil {
			return err
		}
		_, err = h.app.ProposeEstimate(r.Context(), u, id, iid, in)
		return err
	})
}

func (h *Handler) approveSOW(w http.ResponseWriter, r *http.Request) {
	rev, _ := strconv.Atoi(r.PostFormValue("revision"))
	h.sowAction(w, r, app.WorkItemInput{}, func(u domain.User, id int64) error {
		sv, err := pathID(r, "sv")
		if err != nil {
			return err
		}
		_, err = h.app.ApproveSOW(r.Context(), u, id, sv, rev)
		return err
	})
}

func (h *Handler) proposeChangeOrder(w http.ResponseWriter, r *http.Request) {
	reason := r.PostFormValue("reason")
	h.sowAction(w, r, app.WorkItemInput{}, func(u domain.User, id int64) error {
		_, err := h.app.ProposeChangeOrder(r.Context(), u, id, reason)
		return err
	})
}

// sowTable is one version's items table.
type sowTable struct {
	V            domain.SOWVersion
	Totals       domain.SOWTotals
	EngagementID int64
	CanEdit      bool
	CanEstimate  bool
	CSRF         string
}

// Cost is an item's vendor cost, written out.
func (sowTable) Cost(w domain.WorkItem) string {
	m, err := w.VendorCost()
	if err != nil {
		return "—"
	}
	return m.String()
}

// Baseline is an item's in-house cost, written out.
func (sowTable) Baseline(w domain.WorkItem) string {
	m, err := w.BaselineCost()
	if err != nil {
		return "—"
	}
	return m.String()
}

// Table is version v's table on this page.
func (p sowPage) Table(v domain.SOWVersion) sowTable {
	draft := v.Draft() && p.Closed == ""
	return sowTable{V: v, Totals: p.Totals[v.ID], EngagementID: p.Header.ID, CanEdit: draft && p.CanDraft, CanEstimate: draft && p.CanEstimate, CSRF: p.csrf}
}
