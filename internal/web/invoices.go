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

// Client invoices and credit notes: the list at /invoices (firm users: the
// billing tabs, filters and the "New invoice" form; client contacts: their
// client's sent invoices), its CSV, and the invoice page /invoices/{id}
// with the transparency block, the policy flags and the actions the viewer
// may take. Every form calls the use cases of internal/app/client_invoices.go.

// invoicesPage is what invoices.html shows.
type invoicesPage struct {
	Invoices []domain.ClientInvoice
	Matters  []store.MatterSummary
	Filter   invoiceFilterForm
	Form     app.ClientInvoiceInput
	CanDraft bool
	Error    string
	Field    string
	States   []domain.InvoiceState
	Next     int64 // the id to continue after, 0 when the list ends here
}

type invoiceFilterForm struct {
	State  string
	Matter int64
}

var invoiceStates = []domain.InvoiceState{domain.InvoiceDraft, domain.InvoiceApproved, domain.InvoiceSent, domain.InvoicePaid, domain.InvoiceWrittenOff}

// invoiceFilter reads the list's filters from the query.
func invoiceFilter(r *http.Request) app.ClientInvoiceFilter {
	q := r.URL.Query()
	matter, _ := strconv.ParseInt(q.Get("matter"), 10, 64)
	after, _ := strconv.ParseInt(q.Get("before"), 10, 64)
	return app.ClientInvoiceFilter{State: q.Get("state"), MatterID: matter, Page: store.Page{AfterID: after, Limit: store.DefaultPageSize}}
}

func (h *Handler) invoices(w http.ResponseWriter, r *http.Request) {
	h.renderInvoices(w, r, http.StatusOK, nil, app.ClientInvoiceInput{})
}

func (h *Handler) renderInvoices(w http.ResponseWriter, r *http.Request, status int, err error, form app.ClientInvoiceInput) {
	u, _ := httpx.User(r)
	f := invoiceFilter(r)
	list, lerr := h.app.ClientInvoices(r.Context(), u, f)
	if domain.ErrorCode(lerr) == domain.EInvalid {
		f.State, list, lerr = "", nil, nil
	}
	if lerr != nil {
		h.Error(w, r, lerr)
		return
	}
	p := invoicesPage{Invoices: list, Filter: invoiceFilterForm{State: f.State, Matter: f.MatterID}, Form: form, States: invoiceStates,
		CanDraft: app.Can(u, app.ManageClientInvoices)}
	if len(list) == f.Page.Limit {
		p.Next = list[len(list)-1].ID
	}
	if p.CanDraft {
		ms, merr := h.app.Matters(r.Context(), u, store.MatterFilter{Status: "", Page: store.Page{Limit: store.MaxPageSize}})
		if merr != nil {
			h.Error(w, r, merr)
			return
		}
		p.Matters = ms
	}
	if err != nil {
		p.Error, p.Field = domain.ErrorMessage(err), domain.ErrorField(err)
	}
	h.renderStatus(w, r, status, "invoices", "Client invoices", p)
}

// InvoicesCSVHeader is the header row of /invoices.csv.
var InvoicesCSVHeader = []string{"number", "kind", "state", "matter", "client", "date", "period_start", "period_end", "currency",
	"fees", "expenses", "total", "vendor_cost", "in_house", "charged", "held"}

// invoicesCSV writes the same list as /invoices, filters honoured, as CSV.
func (h *Handler) invoicesCSV(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	f := invoiceFilter(r)
	f.Page.Limit = store.MaxPageSize
	list, err := h.app.ClientInvoices(r.Context(), u, f)
	if err != nil {
		h.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="invoices.csv"`)
	cw := csv.NewWriter(w)
	_ = cw.Write(InvoicesCSVHeader)
	for _, inv := range list {
		held := ""
		if !u.Role.IsClient() && inv.Held() {
			held = "yes"
		}
		t := inv.Transparency
		_ = cw.Write([]string{inv.Number, string(inv.Kind), string(inv.State), inv.MatterNumber, inv.ClientName, string(inv.Date), string(inv.Start),
			string(inv.End), string(inv.Currency), inv.Fees.Decimal(), inv.Expenses.Decimal(), inv.Total.Decimal(), t.VendorCost.Decimal(),
			t.InHouse.Decimal(), t.Charged.Decimal(), held})
	}
	cw.Flush()
}

// draftInvoice drafts an invoice from the "New invoice" form.
func (h *Handler) draftInvoice(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	f := r.PostFormValue
	matter, _ := strconv.ParseInt(f("matter_id"), 10, 64)
	in := app.ClientInvoiceInput{MatterID: matter, Date: f("date"), Start: f("start"), End: f("end"), Description: f("description"),
		OverheadPercent: f("overhead_percent"), MarkupPercent: f("markup_percent")}
	inv, err := h.app.DraftClientInvoice(r.Context(), u, in)
	switch domain.ErrorCode(err) {
	case "":
		http.Redirect(w, r, fmt.Sprintf("/invoices/%d", inv.ID), http.StatusSeeOther)
	case domain.EInvalid, domain.EConflict, domain.ENotFound:
		if domain.ErrorCode(err) == domain.ENotFound && in.MatterID != 0 {
			err = domain.Invalid("matter", "there is no such matter you can invoice")
		}
		h.renderInvoices(w, r, httpx.Status(domain.ErrorCode(err)), err, in)
	default:
		h.Error(w, r, err)
	}
}

// invoicePage is what invoice.html shows.
type invoicePage struct {
	app.ClientInvoiceView
	Error  string
	Field  string
	Reason string // the override, write-off or credit reason kept on error
	Done   string
}

func (h *Handler) invoice(w http.ResponseWriter, r *http.Request) {
	h.renderInvoice(w, r, http.StatusOK, nil, "")
}

func (h *Handler) renderInvoice(w http.ResponseWriter, r *http.Request, status int, err error, reason string) {
	u, _ := httpx.User(r)
	id, perr := pathID(r, "id")
	if perr != nil {
		h.Error(w, r, perr)
		return
	}
	v, verr := h.app.ClientInvoice(r.Context(), u, id)
	if verr != nil {
		h.Error(w, r, verr)
		return
	}
	p := invoicePage{ClientInvoiceView: v, Reason: reason, Done: r.URL.Query().Get("done")}
	if err != nil {
		p.Error, p.Field, p.Done = domain.ErrorMessage(err), domain.ErrorField(err), ""
	}
	title := "Invoice " + v.Invoice.Number
	if v.Invoice.Kind == domain.KindCreditNote {
		title = "Credit note " + v.Invoice.Number
	}
	h.renderStatus(w, r, status, "invoice", title, p)
}

// invoiceAction runs one of the invoice page's forms (POST
// /invoices/{id}/<action>).
func (h *Handler) invoiceAction(action string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) { h.runInvoiceAction(w, r, action) }
}

func (h *Handler) runInvoiceAction(w http.ResponseWriter, r *http.Request, action string) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	if err != nil {
		h.Error(w, r, err)
		return
	}
	ctx := r.Context()
	f := r.PostFormValue
	reason := f("reason")
	target := id
	switch action {
	case "recompute":
		_, err = h.app.RecomputeClientInvoice(ctx, u, id)
	case "discard":
		err = h.app.DiscardClientInvoice(ctx, u, id)
	case "approve":
		_, err = h.app.ApproveClientInvoice(ctx, u, id)
	case "override":
		_, err = h.app.OverrideClientInvoice(ctx, u, id, reason)
	case "send":
		_, err = h.app.SendClientInvoice(ctx, u, id)
	case "paid":
		_, err = h.app.MarkClientInvoicePaid(ctx, u, id, f("paid_on"))
	case "write-off":
		_, err = h.app.WriteOffClientInvoice(ctx, u, id, reason)
	case "credit-note":
		var positions []int64
		if positions, err = parsePositions(r.PostForm["line"], f("lines")); err == nil {
			var cn domain.ClientInvoice
			cn, err = h.app.CreditNote(ctx, u, id, reason, positions)
			target = cn.ID
		}
	default:
		h.Error(w, r, domain.NotFound("page"))
		return
	}
	switch domain.ErrorCode(err) {
	case "":
		if action == "discard" {
			http.Redirect(w, r, "/invoices", http.StatusSeeOther)
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/invoices/%d?done=%s", target, action), http.StatusSeeOther)
	case domain.EInvalid, domain.EConflict, domain.EGateClosed:
		h.renderInvoice(w, r, httpx.Status(domain.ErrorCode(err)), err, reason)
	default:
		h.Error(w, r, err)
	}
}

// parsePositions reads line positions from checkboxes and/or "1,3".
func parsePositions(boxes []string, list string) ([]int64, error) {
	var out []int64
	for _, s := range append(boxes, strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ' ' })...) {
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil || n < 1 {
			return nil, domain.Invalid("lines", "%q is not a line number", s)
		}
		out = append(out, n)
	}
	return out, nil
}
