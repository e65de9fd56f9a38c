package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
)

// Billing figures: the firm's own time (GET/POST /firm-time, DELETE
// /firm-time/{id}), budgets (GET/PUT /budgets) and savings (GET /savings),
// through the use cases of internal/app (firm_time.go, budgets.go,
// savings.go). Hours are decimal strings ("1.5"); money is a money object.

type firmTimeJSON struct {
	ID              int64     `json:"id"`
	MatterID        int64     `json:"matter_id"`
	MatterNumber    string    `json:"matter_number"`
	EngagementID    int64     `json:"engagement_id,omitempty"`
	UserID          int64     `json:"user_id"`
	UserName        string    `json:"user_name"`
	Date            string    `json:"date"`
	Hours           string    `json:"hours"`
	Purpose         string    `json:"purpose"`
	TaskCode        string    `json:"task_code"`
	ActivityCode    string    `json:"activity_code"`
	Narrative       string    `json:"narrative"`
	ClientInvoiceID int64     `json:"client_invoice_id,omitempty"`
	CreatedAt       time.Time `json:"created_at"`
}

func firmTimeOut(t domain.FirmTimeEntry) firmTimeJSON {
	return firmTimeJSON{ID: t.ID, MatterID: t.MatterID, MatterNumber: t.MatterNumber, EngagementID: t.EngagementID, UserID: t.UserID, UserName: t.UserName,
		Date: string(t.WorkedOn), Hours: t.Hours.String(), Purpose: string(t.Purpose), TaskCode: t.TaskCode, ActivityCode: t.ActivityCode,
		Narrative: t.Narrative, ClientInvoiceID: t.ClientInvoiceID, CreatedAt: t.CreatedAt}
}

// firmTimeIn is the body of POST /firm-time.
type firmTimeIn struct {
	MatterID     int64  `json:"matter_id"`
	MatterNumber string `json:"matter_number"`
	EngagementID int64  `json:"engagement_id"`
	Date         string `json:"date"`
	Hours        string `json:"hours"`
	Purpose      string `json:"purpose"`
	TaskCode     string `json:"task_code"`
	ActivityCode string `json:"activity_code"`
	Narrative    string `json:"narrative"`
}

func queryID(r *http.Request, name string) int64 {
	v, _ := strconv.ParseInt(r.URL.Query().Get(name), 10, 64)
	return v
}

func (h *Handler) listFirmTime(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	q := r.URL.Query()
	v, err := h.app.FirmTime(r.Context(), u, app.FirmTimeQuery{UserID: queryID(r, "user"), MatterID: queryID(r, "matter"), From: q.Get("from"), To: q.Get("to")})
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	out := struct {
		From    string         `json:"from"`
		To      string         `json:"to"`
		Total   string         `json:"total_hours"`
		Entries []firmTimeJSON `json:"entries"`
	}{From: string(v.From), To: string(v.To), Total: v.Total.String(), Entries: []firmTimeJSON{}}
	for _, e := range v.Entries {
		out.Entries = append(out.Entries, firmTimeOut(e))
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

func (h *Handler) recordFirmTime(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	var in firmTimeIn
	err := decode(w, r, &in)
	var t domain.FirmTimeEntry
	if err == nil {
		t, err = h.app.RecordFirmTimeEntry(r.Context(), u, app.FirmTimeInput{MatterID: in.MatterID, MatterNumber: in.MatterNumber, EngagementID: in.EngagementID,
			Date: in.Date, Hours: in.Hours, Purpose: in.Purpose, TaskCode: in.TaskCode, ActivityCode: in.ActivityCode, Narrative: in.Narrative})
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusCreated, firmTimeOut(t))
}

func (h *Handler) deleteFirmTime(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	if err == nil {
		err = h.app.DeleteFirmTime(r.Context(), u, id)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type budgetJSON struct {
	ID               int64      `json:"id"`
	MatterID         int64      `json:"matter_id"`
	MatterNumber     string     `json:"matter_number"`
	EngagementID     int64      `json:"engagement_id,omitempty"`
	Engagement       string     `json:"engagement,omitempty"`
	Amount           moneyJSON  `json:"amount"`
	Actual           moneyJSON  `json:"actual"`
	Accrued          moneyJSON  `json:"accrued"`
	AccruedForeign   *moneyJSON `json:"accrued_unconverted,omitempty"`
	AccruedConverted bool       `json:"accrued_converted"`
	Remaining        moneyJSON  `json:"remaining"`
	UsedPercent      string     `json:"used_percent"`
	Over             bool       `json:"over_budget"`
	Notes            []string   `json:"notes"`
	Note             string     `json:"note"`
	SetBy            string     `json:"set_by"`
	SetAt            time.Time  `json:"set_at"`
}

func budgetOut(b domain.BudgetStatus) budgetJSON {
	out := budgetJSON{ID: b.ID, MatterID: b.MatterID, MatterNumber: b.MatterNumber, EngagementID: b.EngagementID, Engagement: b.Engagement,
		Amount: money(b.Amount), Actual: money(b.Actual), Accrued: money(b.Accrued), AccruedConverted: b.AccruedConverted, Remaining: money(b.Remaining()),
		UsedPercent: domain.PercentBP(int(b.UsedBP())), Over: b.Over(), Notes: append([]string{}, b.AccrualNotes...), Note: b.Note, SetBy: b.SetByName, SetAt: b.SetAt}
	if b.AccruedForeign.Currency != "" {
		f := money(b.AccruedForeign)
		out.AccruedForeign = &f
	}
	return out
}

// budgetIn is the body of PUT /budgets.
type budgetIn struct {
	MatterID     int64  `json:"matter_id"`
	EngagementID int64  `json:"engagement_id"`
	Amount       string `json:"amount"`
	Currency     string `json:"currency"`
	Note         string `json:"note"`
}

func (h *Handler) listBudgets(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	v, err := h.app.Budgets(r.Context(), u, queryID(r, "matter"))
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	out := struct {
		Currency string       `json:"currency"`
		Budgets  []budgetJSON `json:"budgets"`
	}{Currency: string(v.Currency), Budgets: []budgetJSON{}}
	for _, b := range v.Budgets {
		out.Budgets = append(out.Budgets, budgetOut(b))
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

func (h *Handler) putBudget(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	var in budgetIn
	err := decode(w, r, &in)
	if err == nil {
		_, err = h.app.SetBudget(r.Context(), u, app.BudgetInput{MatterID: in.MatterID, EngagementID: in.EngagementID, Amount: in.Amount, Currency: in.Currency, Note: in.Note})
	}
	var v app.BudgetsView
	if err == nil {
		v, err = h.app.Budgets(r.Context(), u, in.MatterID)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	for _, b := range v.Budgets {
		if b.EngagementID == in.EngagementID {
			httpx.WriteJSON(w, http.StatusOK, budgetOut(b))
			return
		}
	}
	httpx.WriteJSONError(w, r, domain.NotFound("budget"))
}

type savingsFiguresJSON struct {
	BaselineHours     string     `json:"baseline_hours"`
	SupervisionHours  string     `json:"supervision_hours"`
	ReworkHours       string     `json:"rework_hours"`
	HoursFreed        string     `json:"hours_freed"`
	VendorHours       string     `json:"vendor_hours"`
	VendorCost        moneyJSON  `json:"vendor_cost"`
	InHouse           moneyJSON  `json:"in_house"`
	Charged           moneyJSON  `json:"charged"`
	SavedForFirm      moneyJSON  `json:"saved_for_firm"`
	SavedForClient    moneyJSON  `json:"saved_for_client"`
	SharePassedBP     *int64     `json:"share_passed_on_bp"`
	SupervisionBilled moneyJSON  `json:"supervision_billed"`
	BlendedRate       *moneyJSON `json:"blended_rate"`
}

func savingsFiguresOut(f domain.SavingsFigures) savingsFiguresJSON {
	out := savingsFiguresJSON{BaselineHours: domain.FormatUnits(f.BaselineHours), SupervisionHours: domain.FormatUnits(f.SupervisionHours),
		ReworkHours: domain.FormatUnits(f.ReworkHours), HoursFreed: domain.FormatUnits(f.HoursFreed()), VendorHours: domain.FormatUnits(f.VendorHours),
		VendorCost: money(f.VendorCost), InHouse: money(f.InHouse), Charged: money(f.Charged), SavedForFirm: money(f.FirmSaving()),
		SavedForClient: money(f.ClientSaving()), SupervisionBilled: money(f.SupervisionBilled)}
	if bp, ok := f.SharePassedBP(); ok {
		out.SharePassedBP = &bp
	}
	if m, ok := f.BlendedRate(); ok {
		b := money(m)
		out.BlendedRate = &b
	}
	return out
}

type savingsPeriodJSON struct {
	Period string `json:"period"`
	Start  string `json:"start"`
	savingsFiguresJSON
}

type savingsBreakdownJSON struct {
	Period string `json:"period,omitempty"`
	Kind   string `json:"kind"`
	ID     int64  `json:"id"`
	Name   string `json:"name"`
	savingsFiguresJSON
}

func (h *Handler) getSavings(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	q := r.URL.Query()
	v, err := h.app.Savings(r.Context(), u, app.SavingsQuery{By: q.Get("by"), From: q.Get("from"), To: q.Get("to"), MatterID: queryID(r, "matter"),
		VendorID: queryID(r, "vendor"), ClientID: queryID(r, "client")})
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	out := struct {
		By        string                 `json:"by"`
		From      string                 `json:"from"`
		To        string                 `json:"to"`
		Currency  string                 `json:"currency"`
		Total     savingsFiguresJSON     `json:"total"`
		Periods   []savingsPeriodJSON    `json:"periods"`
		Breakdown []savingsBreakdownJSON `json:"breakdown"`
		Detail    []savingsBreakdownJSON `json:"detail"`
	}{By: string(v.By), From: string(v.From), To: string(v.To), Currency: string(v.Currency), Total: savingsFiguresOut(v.Total),
		Periods: []savingsPeriodJSON{}, Breakdown: []savingsBreakdownJSON{}, Detail: []savingsBreakdownJSON{}}
	for _, p := range v.Periods {
		out.Periods = append(out.Periods, savingsPeriodJSON{Period: p.Label, Start: string(p.Start), savingsFiguresJSON: savingsFiguresOut(p.SavingsFigures)})
	}
	for _, b := range v.Breakdown {
		out.Breakdown = append(out.Breakdown, savingsBreakdownJSON{Kind: b.Kind, ID: b.ID, Name: b.Label, savingsFiguresJSON: savingsFiguresOut(b.SavingsFigures)})
	}
	for _, b := range v.Detail {
		out.Detail = append(out.Detail, savingsBreakdownJSON{Period: b.Period, Kind: b.Kind, ID: b.ID, Name: b.Label, savingsFiguresJSON: savingsFiguresOut(b.SavingsFigures)})
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}
