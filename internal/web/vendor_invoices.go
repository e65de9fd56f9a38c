package web

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
	"github.com/probity/probity/internal/store"
)

// Vendor invoices (issue 8 part 2): the engagement's Invoices tab with the
// vendor manager's submit form, the firm's list with the billing tabs, its
// CSV, and one invoice's page with its flags, dispute threads and the
// forms the viewer may use. The rules are in app/vendor_invoices.go.

// entryGroup is one person's invoiceable entries on the submit form.
type entryGroup struct {
	UserID         int64
	Name           string
	Classification string
	Rate           string
	Entries        []app.InvoiceableEntry
}

// vendorSubmitForm is the submit form as typed (kept when refused).
type vendorSubmitForm struct {
	Number, Date, Start, End, Note string
	Checked                        map[int64]bool
	FixedItem, FixedShare          string
	FixedDate                      string
	UnitItem, UnitName, UnitQty    string
	UnitRate, UnitDate             string
}

// engagementInvoicesPage is the engagement's Invoices tab.
type engagementInvoicesPage struct {
	app.EngagementInvoicesView
	Groups []entryGroup
	Form   vendorSubmitForm
	Error  string
	Field  string
}

func (h *Handler) engagementInvoices(w http.ResponseWriter, r *http.Request) {
	h.renderEngagementInvoices(w, r, http.StatusOK, nil, vendorSubmitForm{})
}

func (h *Handler) renderEngagementInvoices(w http.ResponseWriter, r *http.Request, status int, err error, form vendorSubmitForm) {
	u, _ := httpx.User(r)
	id, perr := pathID(r, "id")
	if perr != nil {
		h.Error(w, r, perr)
		return
	}
	v, verr := h.app.EngagementInvoices(r.Context(), u, id)
	if verr != nil {
		h.Error(w, r, verr)
		return
	}
	p := engagementInvoicesPage{EngagementInvoicesView: v, Form: form}
	if err != nil {
		p.Error, p.Field = domain.ErrorMessage(err), domain.ErrorField(err)
	}
	if p.Form.Date == "" {
		p.Form.Date = string(v.Today)
	}
	fresh := p.Form.Checked == nil
	if fresh {
		p.Form.Checked = map[int64]bool{}
	}
	at := map[int64]int{}
	for _, e := range v.Entries {
		i, ok := at[e.UserID]
		if !ok {
			i = len(p.Groups)
			at[e.UserID] = i
			g := entryGroup{UserID: e.UserID, Name: e.UserName, Classification: string(e.Classification)}
			if e.Rate.Currency != "" {
				g.Rate = e.Rate.Decimal()
			}
			if err != nil {
				g.Classification, g.Rate = r.PostFormValue(fmt.Sprintf("class_%d", e.UserID)), r.PostFormValue(fmt.Sprintf("rate_%d", e.UserID))
			}
			p.Groups = append(p.Groups, g)
		}
		p.Groups[i].Entries = append(p.Groups[i].Entries, e)
		if fresh {
			p.Form.Checked[e.ID] = true
		}
	}
	h.renderStatus(w, r, status, "engagement-invoices", "Invoices: "+v.Header.MatterNumber, p)
}

// submitVendorInvoice submits the vendor manager's invoice from the form:
// the ticked entries with each person's classification and rate, and an
// optional fixed-fee line and per-unit line.
func (h *Handler) submitVendorInvoice(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	if err != nil {
		h.Error(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		h.Error(w, r, domain.Invalid("form", "the form could not be read"))
		return
	}
	f := r.PostFormValue
	form := vendorSubmitForm{Number: f("number"), Date: f("date"), Start: f("start"), End: f("end"), Note: f("note"), Checked: map[int64]bool{},
		FixedItem: f("fixed_item"), FixedShare: f("fixed_share"), FixedDate: f("fixed_date"),
		UnitItem: f("unit_item"), UnitName: f("unit_name"), UnitQty: f("unit_quantity"), UnitRate: f("unit_rate"), UnitDate: f("unit_date")}
	in := app.VendorInvoiceInput{Number: form.Number, Date: form.Date, Start: form.Start, End: form.End, Note: form.Note}
	for _, s := range r.PostForm["entry"] {
		eid, _ := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		who, _ := strconv.ParseInt(r.PostFormValue(fmt.Sprintf("person_%d", eid)), 10, 64)
		form.Checked[eid] = true
		in.Lines = append(in.Lines, app.VendorLineInput{Kind: "hourly", TimeEntryID: eid,
			Classification: f(fmt.Sprintf("class_%d", who)), Rate: f(fmt.Sprintf("rate_%d", who))})
	}
	if item, _ := strconv.ParseInt(form.FixedItem, 10, 64); item != 0 {
		in.Lines = append(in.Lines, app.VendorLineInput{Kind: "fixed", WorkItemID: item, Quantity: form.FixedShare, Date: form.FixedDate})
	}
	if item, _ := strconv.ParseInt(form.UnitItem, 10, 64); item != 0 {
		in.Lines = append(in.Lines, app.VendorLineInput{Kind: "per_unit", WorkItemID: item, Unit: form.UnitName, Quantity: form.UnitQty,
			Rate: form.UnitRate, Date: form.UnitDate})
	}
	v, err := h.app.SubmitVendorInvoice(r.Context(), u, id, in)
	switch domain.ErrorCode(err) {
	case "":
		http.Redirect(w, r, fmt.Sprintf("/vendor-invoices/%d", v.ID), http.StatusSeeOther)
	case domain.EInvalid, domain.EConflict, domain.EGateClosed:
		h.renderEngagementInvoices(w, r, httpx.Status(domain.ErrorCode(err)), err, form)
	default:
		h.Error(w, r, err)
	}
}

// vendorInvoicesPage is the list of vendor invoices.
type vendorInvoicesPage struct {
	Invoices []store.VendorInvoiceSummary
	State    string
	States   []domain.VendorInvoiceState
	Firm     bool
}

func vendorInvoiceFilter(r *http.Request) store.VendorInvoiceFilter {
	return store.VendorInvoiceFilter{State: domain.VendorInvoiceState(strings.TrimSpace(r.URL.Query().Get("state")))}
}

func (h *Handler) vendorInvoices(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	f := vendorInvoiceFilter(r)
	list, err := h.app.VendorInvoices(r.Context(), u, f)
	if err != nil {
		h.Error(w, r, err)
		return
	}
	h.render(w, r, "vendor-invoices", "Vendor invoices", vendorInvoicesPage{Invoices: list, State: string(f.State), Firm: u.Role.IsFirm(),
		States: []domain.VendorInvoiceState{domain.VendorInvoiceSubmitted, domain.VendorInvoiceDisputed, domain.VendorInvoiceApproved, domain.VendorInvoiceRejected}})
}

// VendorInvoicesCSVHeader is the first row of /vendor-invoices.csv.
var VendorInvoicesCSVHeader = []string{"id", "vendor", "number", "matter", "invoice_date", "period_start", "period_end", "state", "currency", "total",
	"approved", "fx_rate", "firm_currency", "firm_cost", "lines", "flags", "disputed"}

func (h *Handler) vendorInvoicesCSV(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	list, err := h.app.VendorInvoices(r.Context(), u, vendorInvoiceFilter(r))
	if err != nil {
		h.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="vendor-invoices.csv"`)
	cw := csv.NewWriter(w)
	_ = cw.Write(VendorInvoicesCSVHeader)
	for _, v := range list {
		firmCost := ""
		if v.FirmCost.Currency != "" {
			firmCost = v.FirmCost.Decimal()
		}
		_ = cw.Write([]string{strconv.FormatInt(v.ID, 10), v.VendorName, v.Number, v.MatterNumber, string(v.Date), string(v.Start), string(v.End),
			string(v.State), string(v.Total.Currency), v.Total.Decimal(), v.ApprovedTotal.Decimal(), v.FXRate, string(v.FirmCost.Currency), firmCost,
			strconv.Itoa(v.Lines), strconv.Itoa(v.Flags), strconv.Itoa(v.Disputed)})
	}
	cw.Flush()
}

// vendorInvoicePage is one invoice's page.
type vendorInvoicePage struct {
	app.VendorInvoiceView
	Error  string
	Field  string
	LineID int64 // the line whose form was refused
	Firm   bool
}

func (h *Handler) vendorInvoice(w http.ResponseWriter, r *http.Request) {
	h.renderVendorInvoice(w, r, http.StatusOK, nil, 0)
}

func (h *Handler) renderVendorInvoice(w http.ResponseWriter, r *http.Request, status int, err error, line int64) {
	u, _ := httpx.User(r)
	id, perr := pathID(r, "id")
	if perr != nil {
		h.Error(w, r, perr)
		return
	}
	v, verr := h.app.VendorInvoice(r.Context(), u, id)
	if verr != nil {
		h.Error(w, r, verr)
		return
	}
	p := vendorInvoicePage{VendorInvoiceView: v, LineID: line, Firm: u.Role.IsFirm()}
	if err != nil {
		p.Error, p.Field = domain.ErrorMessage(err), domain.ErrorField(err)
	}
	h.renderStatus(w, r, status, "vendor-invoice", fmt.Sprintf("Vendor invoice %s", v.Invoice.Number), p)
}

// vendorInvoiceAction runs dispute, reply, resolve (on {line}), approve or
// reject from the invoice page's forms.
func (h *Handler) vendorInvoiceAction(action string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, _ := httpx.User(r)
		id, err := pathID(r, "id")
		if err != nil {
			h.Error(w, r, err)
			return
		}
		var line int64
		if strings.HasPrefix(action, "line-") {
			if line, err = pathID(r, "line"); err != nil {
				h.Error(w, r, err)
				return
			}
		}
		f, ctx := r.PostFormValue, r.Context()
		switch action {
		case "line-dispute":
			err = h.app.DisputeVendorLine(ctx, u, id, line, f("message"))
		case "line-reply":
			err = h.app.ReplyVendorLine(ctx, u, id, line, f("message"))
		case "line-resolve":
			err = h.app.ResolveVendorLine(ctx, u, id, line, f("action"), f("amount"), f("message"))
		case "approve":
			_, err = h.app.ApproveVendorInvoice(ctx, u, id, f("fx_rate"), f("fx_date"))
		case "reject":
			err = h.app.RejectVendorInvoice(ctx, u, id, f("reason"))
		}
		switch domain.ErrorCode(err) {
		case "":
			anchor := ""
			if line != 0 {
				anchor = fmt.Sprintf("#line-%d", line)
			}
			http.Redirect(w, r, fmt.Sprintf("/vendor-invoices/%d%s", id, anchor), http.StatusSeeOther)
		case domain.EInvalid, domain.EConflict, domain.EGateClosed:
			h.renderVendorInvoice(w, r, httpx.Status(domain.ErrorCode(err)), err, line)
		default:
			h.Error(w, r, err)
		}
	}
}
