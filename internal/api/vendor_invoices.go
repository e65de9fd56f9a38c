package api

import (
	"net/http"
	"time"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
	"github.com/probity/probity/internal/store"
)

// Vendor invoices (issue 8 part 2): submit, list, read, dispute, answer,
// resolve, approve and reject, through the same use cases as the web UI
// (internal/app/vendor_invoices.go). Amounts are money objects in the
// vendor's currency; the firm's cost is in the firm's.

type vendorFlagJSON struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

type vendorMessageJSON struct {
	ID         int64      `json:"id"`
	Author     string     `json:"author"`
	Body       string     `json:"body"`
	Resolution string     `json:"resolution,omitempty"`
	Amount     *moneyJSON `json:"amount,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
}

type vendorLineJSON struct {
	ID             int64               `json:"id"`
	Position       int                 `json:"position"`
	Kind           string              `json:"kind"`
	TimeEntryID    int64               `json:"time_entry_id,omitempty"`
	WorkItemID     int64               `json:"work_item_id,omitempty"`
	WorkItem       string              `json:"work_item,omitempty"`
	Timekeeper     string              `json:"timekeeper,omitempty"`
	Classification string              `json:"classification,omitempty"`
	Unit           string              `json:"unit,omitempty"`
	Date           string              `json:"date"`
	Quantity       string              `json:"quantity"`
	Rate           moneyJSON           `json:"rate"`
	Amount         moneyJSON           `json:"amount"`
	TaskCode       string              `json:"task_code,omitempty"`
	ActivityCode   string              `json:"activity_code,omitempty"`
	Description    string              `json:"description,omitempty"`
	State          string              `json:"state"`
	Approved       moneyJSON           `json:"approved"`
	InHouse        moneyJSON           `json:"in_house"`
	BaselineHours  string              `json:"baseline_hours"`
	Flags          []vendorFlagJSON    `json:"flags"`
	Messages       []vendorMessageJSON `json:"messages"`
}

type vendorInvoiceJSON struct {
	ID           int64            `json:"id"`
	EngagementID int64            `json:"engagement_id"`
	Vendor       string           `json:"vendor"`
	Matter       string           `json:"matter"`
	Number       string           `json:"number"`
	Date         string           `json:"date"`
	Start        string           `json:"period_start"`
	End          string           `json:"period_end"`
	State        string           `json:"state"`
	Total        moneyJSON        `json:"total"`
	Approved     moneyJSON        `json:"approved"`
	FXRate       string           `json:"fx_rate,omitempty"`
	FXDate       string           `json:"fx_date,omitempty"`
	FirmCost     *moneyJSON       `json:"firm_cost,omitempty"`
	Note         string           `json:"note,omitempty"`
	Reason       string           `json:"decision_reason,omitempty"`
	Flags        int              `json:"flags"`
	Disputed     int              `json:"disputed"`
	LineCount    int              `json:"line_count"`
	Lines        []vendorLineJSON `json:"lines,omitempty"`
}

func vendorInvoiceOut(v domain.VendorInvoice) vendorInvoiceJSON {
	o := vendorInvoiceJSON{ID: v.ID, EngagementID: v.EngagementID, Vendor: v.VendorName, Matter: v.MatterNumber, Number: v.Number, Date: string(v.Date),
		Start: string(v.Start), End: string(v.End), State: string(v.State), Total: money(v.Total), Approved: money(v.ApprovedTotal), FXRate: v.FXRate,
		FXDate: string(v.FXOn), Note: v.Note, Reason: v.DecisionReason, LineCount: len(v.Lines), Flags: v.FlagCount(), Lines: []vendorLineJSON{}}
	if v.FirmCost.Currency != "" && v.State == domain.VendorInvoiceApproved {
		m := money(v.FirmCost)
		o.FirmCost = &m
	}
	for _, l := range v.Lines {
		if l.State == domain.LineDisputed {
			o.Disputed++
		}
		lj := vendorLineJSON{ID: l.ID, Position: l.Position, Kind: string(l.Kind), TimeEntryID: l.TimeEntryID, WorkItemID: l.WorkItemID, WorkItem: l.WorkItem,
			Timekeeper: l.UserName, Classification: string(l.Classification), Unit: l.Unit, Date: string(l.WorkedOn), Quantity: domain.FormatUnits(l.Quantity),
			Rate: money(l.Rate), Amount: money(l.Amount), TaskCode: l.TaskCode, ActivityCode: l.ActivityCode, Description: l.Description, State: string(l.State),
			Approved: money(l.ApprovedAmount), InHouse: money(l.InHouse), BaselineHours: domain.FormatUnits(l.BaselineHours),
			Flags: []vendorFlagJSON{}, Messages: []vendorMessageJSON{}}
		for _, f := range l.Flags {
			lj.Flags = append(lj.Flags, vendorFlagJSON{Code: string(f.Code), Message: f.Message})
		}
		for _, g := range l.Messages {
			mj := vendorMessageJSON{ID: g.ID, Author: g.AuthorName, Body: g.Body, Resolution: string(g.Resolution), CreatedAt: g.CreatedAt}
			if g.Resolution == domain.ResolveAdjust {
				m := money(g.Amount)
				mj.Amount = &m
			}
			lj.Messages = append(lj.Messages, mj)
		}
		o.Lines = append(o.Lines, lj)
	}
	return o
}

func vendorSummaryOut(s store.VendorInvoiceSummary) vendorInvoiceJSON {
	o := vendorInvoiceOut(s.VendorInvoice)
	o.Flags, o.Disputed, o.LineCount, o.Lines = s.Flags, s.Disputed, s.Lines, nil
	return o
}

func (h *Handler) listVendorInvoices(w http.ResponseWriter, r *http.Request, f store.VendorInvoiceFilter) {
	u, _ := httpx.User(r)
	f.State = domain.VendorInvoiceState(r.URL.Query().Get("state"))
	list, err := h.app.VendorInvoices(r.Context(), u, f)
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	out := make([]vendorInvoiceJSON, len(list))
	for i, s := range list {
		out[i] = vendorSummaryOut(s)
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"vendor_invoices": out})
}

// allVendorInvoices is GET /vendor-invoices (?state=).
func (h *Handler) allVendorInvoices(w http.ResponseWriter, r *http.Request) {
	h.listVendorInvoices(w, r, store.VendorInvoiceFilter{})
}

// engagementVendorInvoices is GET /engagements/{id}/vendor-invoices.
func (h *Handler) engagementVendorInvoices(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	if err == nil {
		_, err = h.app.EngagementInvoices(r.Context(), u, id) // not found / forbidden as the tab
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	h.listVendorInvoices(w, r, store.VendorInvoiceFilter{EngagementID: id})
}

type vendorLineIn struct {
	Kind           string `json:"kind"`
	TimeEntryID    int64  `json:"time_entry_id"`
	Classification string `json:"classification"`
	Rate           string `json:"rate"`
	WorkItemID     int64  `json:"work_item_id"`
	Unit           string `json:"unit"`
	Quantity       string `json:"quantity"`
	Date           string `json:"date"`
	Description    string `json:"description"`
	TaskCode       string `json:"task_code"`
	ActivityCode   string `json:"activity_code"`
}

type vendorInvoiceIn struct {
	Number   string         `json:"number"`
	Date     string         `json:"date"`
	Start    string         `json:"period_start"`
	End      string         `json:"period_end"`
	Note     string         `json:"note"`
	Currency string         `json:"currency"`
	Lines    []vendorLineIn `json:"lines"`
}

// submitVendorInvoice is POST /engagements/{id}/vendor-invoices.
func (h *Handler) submitVendorInvoice(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	var in vendorInvoiceIn
	if err == nil {
		err = decode(w, r, &in)
	}
	var v domain.VendorInvoice
	if err == nil {
		ai := app.VendorInvoiceInput{Number: in.Number, Date: in.Date, Start: in.Start, End: in.End, Note: in.Note, Currency: in.Currency}
		for _, l := range in.Lines {
			ai.Lines = append(ai.Lines, app.VendorLineInput{Kind: l.Kind, TimeEntryID: l.TimeEntryID, Classification: l.Classification, Rate: l.Rate,
				WorkItemID: l.WorkItemID, Unit: l.Unit, Quantity: l.Quantity, Date: l.Date, Description: l.Description, TaskCode: l.TaskCode,
				ActivityCode: l.ActivityCode})
		}
		v, err = h.app.SubmitVendorInvoice(r.Context(), u, id, ai)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusCreated, vendorInvoiceOut(v))
}

// getVendorInvoice is GET /vendor-invoices/{id}.
func (h *Handler) getVendorInvoice(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	var v app.VendorInvoiceView
	if err == nil {
		v, err = h.app.VendorInvoice(r.Context(), u, id)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, vendorInvoiceOut(v.Invoice))
}

type vendorActionIn struct {
	Message string `json:"message"`
	Action  string `json:"action"`
	Amount  string `json:"amount"`
	FXRate  string `json:"fx_rate"`
	FXDate  string `json:"fx_date"`
	Reason  string `json:"reason"`
}

// vendorInvoiceAction is POST /vendor-invoices/{id}/lines/{line}/dispute|
// reply|resolve and /vendor-invoices/{id}/approve|reject; it answers with
// the invoice as it now stands.
func (h *Handler) vendorInvoiceAction(action string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, _ := httpx.User(r)
		id, err := pathID(r)
		var line int64
		if err == nil && (action == "dispute" || action == "reply" || action == "resolve") {
			line, err = httpx.PathID(r, "line")
		}
		var in vendorActionIn
		if err == nil {
			err = decode(w, r, &in)
		}
		if err == nil {
			ctx := r.Context()
			switch action {
			case "dispute":
				err = h.app.DisputeVendorLine(ctx, u, id, line, in.Message)
			case "reply":
				err = h.app.ReplyVendorLine(ctx, u, id, line, in.Message)
			case "resolve":
				err = h.app.ResolveVendorLine(ctx, u, id, line, in.Action, in.Amount, in.Message)
			case "approve":
				_, err = h.app.ApproveVendorInvoice(ctx, u, id, in.FXRate, in.FXDate)
			case "reject":
				err = h.app.RejectVendorInvoice(ctx, u, id, in.Reason)
			}
		}
		if err != nil {
			httpx.WriteJSONError(w, r, err)
			return
		}
		h.getVendorInvoice(w, r)
	}
}
