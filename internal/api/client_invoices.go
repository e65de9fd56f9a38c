package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
)

// Client invoices and credit notes (internal/app/client_invoices.go): the
// list, one invoice with its lines and transparency block, drafting, and
// each step of its life. A client contact sees their client's invoices
// once sent, without the firm's policy flags and override.

type policyFlagJSON struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

type transparencyJSON struct {
	VendorCost      moneyJSON `json:"vendor_cost"`
	Overhead        moneyJSON `json:"overhead"`
	InHouse         moneyJSON `json:"in_house"`
	Charged         moneyJSON `json:"charged"`
	ClientSaving    moneyJSON `json:"client_saving"`
	SavingPercent   string    `json:"saving_percent"`
	SavingSharedPct string    `json:"saving_shared_percent"`
}

type clientInvoiceJSON struct {
	ID               int64             `json:"id"`
	Number           string            `json:"number"`
	Kind             string            `json:"kind"`
	CreditsInvoiceID int64             `json:"credits_invoice_id,omitempty"`
	MatterID         int64             `json:"matter_id"`
	MatterNumber     string            `json:"matter_number"`
	ClientID         int64             `json:"client_id"`
	ClientName       string            `json:"client_name"`
	Date             string            `json:"date"`
	Start            string            `json:"start"`
	End              string            `json:"end"`
	Description      string            `json:"description,omitempty"`
	State            string            `json:"state"`
	OverheadPercent  string            `json:"overhead_percent"`
	MarkupPercent    string            `json:"markup_percent"`
	Fees             moneyJSON         `json:"fees"`
	Expenses         moneyJSON         `json:"expenses"`
	Total            moneyJSON         `json:"total"`
	LineCount        int64             `json:"line_count"`
	Transparency     *transparencyJSON `json:"transparency,omitempty"`
	Flags            []policyFlagJSON  `json:"flags,omitempty"`
	Held             bool              `json:"held"`
	OverrideBy       string            `json:"override_by,omitempty"`
	OverrideReason   string            `json:"override_reason,omitempty"`
	OverrideAt       *time.Time        `json:"override_at,omitempty"`
	PaidOn           string            `json:"paid_on,omitempty"`
	CloseReason      string            `json:"close_reason,omitempty"`
	Lines            []clientLineJSON  `json:"lines,omitempty"`
}

type clientLineJSON struct {
	ID             int64     `json:"id"`
	Position       int64     `json:"position"`
	Type           string    `json:"type"`
	Source         string    `json:"source"`
	Date           string    `json:"date"`
	Units          string    `json:"units"`
	UnitCost       moneyJSON `json:"unit_cost"`
	Adjustment     moneyJSON `json:"adjustment"`
	Total          moneyJSON `json:"total"`
	TaskCode       string    `json:"task_code,omitempty"`
	ExpenseCode    string    `json:"expense_code,omitempty"`
	ActivityCode   string    `json:"activity_code,omitempty"`
	TimekeeperID   string    `json:"timekeeper_id,omitempty"`
	TimekeeperName string    `json:"timekeeper_name,omitempty"`
	Classification string    `json:"classification,omitempty"`
	Description    string    `json:"description"`
	CreditedLineID int64     `json:"credited_line_id,omitempty"`
}

// clientInvoiceOut shapes an invoice; internal adds the firm's side.
func clientInvoiceOut(inv domain.ClientInvoice, internal bool) clientInvoiceJSON {
	out := clientInvoiceJSON{ID: inv.ID, Number: inv.Number, Kind: string(inv.Kind), CreditsInvoiceID: inv.CreditsInvoiceID, MatterID: inv.MatterID,
		MatterNumber: inv.MatterNumber, ClientID: inv.ClientID, ClientName: inv.ClientName, Date: string(inv.Date), Start: string(inv.Start),
		End: string(inv.End), Description: inv.Description, State: string(inv.State), OverheadPercent: domain.PercentBP(inv.OverheadBP),
		MarkupPercent: domain.PercentBP(inv.MarkupBP), Fees: money(inv.Fees), Expenses: money(inv.Expenses), Total: money(inv.Total),
		LineCount: inv.LineCount, PaidOn: string(inv.PaidOn), CloseReason: inv.CloseReason}
	if t := inv.Transparency; t.InHouse.Minor != 0 {
		out.Transparency = &transparencyJSON{VendorCost: money(t.VendorCost), Overhead: money(t.Overhead), InHouse: money(t.InHouse), Charged: money(t.Charged),
			ClientSaving: money(t.ClientSaving), SavingPercent: domain.PercentBP(t.SavingPercentBP), SavingSharedPct: domain.PercentBP(t.SavingSharedBP)}
	}
	if internal {
		out.Held = inv.Held()
		for _, f := range inv.Flags {
			out.Flags = append(out.Flags, policyFlagJSON{Code: string(f.Code), Message: f.Message})
		}
		if inv.OverrideBy != 0 {
			at := inv.OverrideAt
			out.OverrideBy, out.OverrideReason, out.OverrideAt = inv.OverrideByName, inv.OverrideReason, &at
		}
	}
	return out
}

func clientLineOut(l domain.ClientInvoiceLine) clientLineJSON {
	return clientLineJSON{ID: l.ID, Position: l.Position, Type: l.Type, Source: string(l.Source), Date: string(l.Date), Units: domain.FormatUnits(l.Units),
		UnitCost: money(l.UnitCost), Adjustment: money(l.Adjustment), Total: money(l.Total), TaskCode: l.TaskCode, ExpenseCode: l.ExpenseCode,
		ActivityCode: l.ActivityCode, TimekeeperID: l.TimekeeperID, TimekeeperName: l.TimekeeperName, Classification: string(l.Classification),
		Description: l.Description, CreditedLineID: l.CreditedLineID}
}

func (h *Handler) listClientInvoices(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	q := r.URL.Query()
	f := app.ClientInvoiceFilter{State: q.Get("state")}
	var err error
	for _, p := range []struct {
		name string
		v    *int64
	}{{"matter_id", &f.MatterID}, {"client_id", &f.ClientID}, {"before", &f.AfterID}} {
		if s := q.Get(p.name); s != "" && err == nil {
			if *p.v, err = strconv.ParseInt(s, 10, 64); err != nil {
				err = domain.Invalid(p.name, "%q is not an id", s)
			}
		}
	}
	if s := q.Get("limit"); s != "" && err == nil {
		if f.Limit, err = strconv.Atoi(s); err != nil {
			err = domain.Invalid("limit", "%q is not a number", s)
		}
	}
	var list []domain.ClientInvoice
	if err == nil {
		list, err = h.app.ClientInvoices(r.Context(), u, f)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	out := struct {
		Invoices []clientInvoiceJSON `json:"invoices"`
	}{Invoices: []clientInvoiceJSON{}}
	for _, inv := range list {
		out.Invoices = append(out.Invoices, clientInvoiceOut(inv, !u.Role.IsClient()))
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

// clientInvoiceIn is the body of POST /invoices.
type clientInvoiceIn struct {
	MatterID        int64  `json:"matter_id"`
	Date            string `json:"date"`
	Start           string `json:"start"`
	End             string `json:"end"`
	Description     string `json:"description"`
	OverheadPercent string `json:"overhead_percent"`
	MarkupPercent   string `json:"markup_percent"`
}

func (h *Handler) draftClientInvoice(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	var in clientInvoiceIn
	err := decode(w, r, &in)
	var inv domain.ClientInvoice
	if err == nil {
		inv, err = h.app.DraftClientInvoice(r.Context(), u, app.ClientInvoiceInput{MatterID: in.MatterID, Date: in.Date, Start: in.Start, End: in.End,
			Description: in.Description, OverheadPercent: in.OverheadPercent, MarkupPercent: in.MarkupPercent})
	}
	h.writeClientInvoice(w, r, http.StatusCreated, inv.ID, err)
}

// writeClientInvoice answers with invoice id as the viewer sees it, or err.
func (h *Handler) writeClientInvoice(w http.ResponseWriter, r *http.Request, status int, id int64, err error) {
	u, _ := httpx.User(r)
	var v app.ClientInvoiceView
	if err == nil {
		v, err = h.app.ClientInvoice(r.Context(), u, id)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	out := clientInvoiceOut(v.Invoice, v.Internal)
	out.Lines = []clientLineJSON{}
	for _, l := range v.Lines {
		out.Lines = append(out.Lines, clientLineOut(l))
	}
	httpx.WriteJSON(w, status, out)
}

func (h *Handler) getClientInvoice(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	h.writeClientInvoice(w, r, http.StatusOK, id, err)
}

// clientInvoiceActionIn is the body of an invoice action (every field
// optional but what the action needs).
type clientInvoiceActionIn struct {
	Reason string  `json:"reason"`
	PaidOn string  `json:"paid_on"`
	Lines  []int64 `json:"lines"`
}

// clientInvoiceAction is POST /invoices/{id}/<action>.
func (h *Handler) clientInvoiceAction(action string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, _ := httpx.User(r)
		ctx := r.Context()
		id, err := pathID(r)
		var in clientInvoiceActionIn
		if err == nil && r.ContentLength != 0 {
			err = decode(w, r, &in)
		}
		if err != nil {
			httpx.WriteJSONError(w, r, err)
			return
		}
		status := http.StatusOK
		switch action {
		case "recompute":
			_, err = h.app.RecomputeClientInvoice(ctx, u, id)
		case "discard":
			if err = h.app.DiscardClientInvoice(ctx, u, id); err == nil {
				w.WriteHeader(http.StatusNoContent)
				return
			}
		case "approve":
			_, err = h.app.ApproveClientInvoice(ctx, u, id)
		case "override":
			_, err = h.app.OverrideClientInvoice(ctx, u, id, in.Reason)
		case "send":
			_, err = h.app.SendClientInvoice(ctx, u, id)
		case "paid":
			_, err = h.app.MarkClientInvoicePaid(ctx, u, id, in.PaidOn)
		case "write-off":
			_, err = h.app.WriteOffClientInvoice(ctx, u, id, in.Reason)
		case "credit-note":
			var cn domain.ClientInvoice
			cn, err = h.app.CreditNote(ctx, u, id, in.Reason, in.Lines)
			id, status = cn.ID, http.StatusCreated
		}
		h.writeClientInvoice(w, r, status, id, err)
	}
}
