package web

import (
	"encoding/csv"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
)

// Budgets (/budgets) and savings (/savings, /savings.csv), both billing
// tabs; client contacts reach /savings from their own navigation and see
// only their client's figures. The figures come from internal/app
// (budgets.go, savings.go) and the definitions from domain/savings.go;
// nothing is computed here but the charts' drawing.

type budgetsPage struct {
	app.BudgetsView
	Form  app.BudgetInput
	Saved bool
	Error string
	Field string
}

func (h *Handler) budgets(w http.ResponseWriter, r *http.Request) {
	h.renderBudgets(w, r, http.StatusOK, nil, app.BudgetInput{MatterID: int64Param(r, "matter")})
}

func (h *Handler) renderBudgets(w http.ResponseWriter, r *http.Request, status int, err error, form app.BudgetInput) {
	u, _ := httpx.User(r)
	matter, _ := strconv.ParseInt(r.URL.Query().Get("matter"), 10, 64)
	v, verr := h.app.Budgets(r.Context(), u, matter)
	if verr != nil {
		h.Error(w, r, verr)
		return
	}
	p := budgetsPage{BudgetsView: v, Form: form, Saved: r.URL.Query().Get("saved") == "1"}
	if err != nil {
		p.Error, p.Field, p.Saved = domain.ErrorMessage(err), domain.ErrorField(err), false
	}
	h.renderStatus(w, r, status, "budgets", "Budgets", p)
}

// setBudget saves the budget form.
func (h *Handler) setBudget(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	f := r.PostFormValue
	in := app.BudgetInput{MatterID: int64Param(r, "matter_id"), EngagementID: int64Param(r, "engagement_id"), Amount: f("amount"), Currency: f("currency"), Note: f("note")}
	_, err := h.app.SetBudget(r.Context(), u, in)
	switch domain.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/budgets?saved=1", http.StatusSeeOther)
	case domain.EInvalid, domain.EConflict:
		h.renderBudgets(w, r, httpx.Status(domain.ErrorCode(err)), err, in)
	default:
		h.Error(w, r, err)
	}
}

// savingsQuery reads the savings filters from the query string.
func savingsQuery(r *http.Request) app.SavingsQuery {
	q := r.URL.Query()
	id := func(k string) int64 { v, _ := strconv.ParseInt(q.Get(k), 10, 64); return v }
	return app.SavingsQuery{By: q.Get("by"), From: q.Get("from"), To: q.Get("to"), MatterID: id("matter"), VendorID: id("vendor"), ClientID: id("client")}
}

type savingsPage struct {
	app.SavingsView
	Firm bool
}

// HoursChart is attorney hours freed per period.
func (p savingsPage) HoursChart() template.HTML {
	return hoursFreedChart("savings-hours", p.SavingsReport)
}

// PassedChart is the client's saving per month.
func (p savingsPage) PassedChart() template.HTML {
	return savingsPassedChart("savings-passed", p.Months)
}

func (h *Handler) savings(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	v, err := h.app.Savings(r.Context(), u, savingsQuery(r))
	if err != nil {
		h.Error(w, r, err)
		return
	}
	h.render(w, r, "savings", "Savings", savingsPage{SavingsView: v, Firm: u.Role.IsFirm()})
}

// SavingsCSVHeader is the header row of /savings.csv (and the CLI's --csv).
var SavingsCSVHeader = []string{"period", "period_start", "breakdown", "id", "name", "baseline_hours", "supervision_hours", "rework_hours",
	"hours_freed", "vendor_hours", "currency", "vendor_cost", "in_house", "charged", "saved_for_firm", "saved_for_client", "share_passed_on",
	"supervision_billed", "blended_rate"}

// SavingsCSVRows is the report as CSV rows: one per period (breakdown
// "all") and one per period and matter, vendor and client.
func SavingsCSVRows(rep domain.SavingsReport) [][]string {
	starts := map[string]domain.Date{}
	var out [][]string
	row := func(period, kind string, id int64, name string, f domain.SavingsFigures) []string {
		share := ""
		if bp, ok := f.SharePassedBP(); ok {
			share = domain.PercentBP(int(bp))
		}
		blended := ""
		if m, ok := f.BlendedRate(); ok {
			blended = m.Decimal()
		}
		idText := ""
		if id != 0 {
			idText = strconv.FormatInt(id, 10)
		}
		return []string{period, string(starts[period]), kind, idText, name, domain.FormatUnits(f.BaselineHours), domain.FormatUnits(f.SupervisionHours),
			domain.FormatUnits(f.ReworkHours), domain.FormatUnits(f.HoursFreed()), domain.FormatUnits(f.VendorHours), string(rep.Currency),
			f.VendorCost.Decimal(), f.InHouse.Decimal(), f.Charged.Decimal(), f.FirmSaving().Decimal(), f.ClientSaving().Decimal(), share,
			f.SupervisionBilled.Decimal(), blended}
	}
	detail := map[string][]domain.SavingsBreakdown{}
	for _, d := range rep.Detail {
		detail[d.Period] = append(detail[d.Period], d)
	}
	for _, p := range rep.Periods {
		starts[p.Label] = p.Start
		out = append(out, row(p.Label, "all", 0, "", p.SavingsFigures))
		for _, d := range detail[p.Label] {
			out = append(out, row(p.Label, d.Kind, d.ID, d.Label, d.SavingsFigures))
		}
	}
	return out
}

func (h *Handler) savingsCSV(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	v, err := h.app.Savings(r.Context(), u, savingsQuery(r))
	if err != nil {
		h.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="savings-%s-%s-%s.csv"`, v.By, v.From, v.To))
	cw := csv.NewWriter(w)
	_ = cw.Write(SavingsCSVHeader)
	_ = cw.WriteAll(SavingsCSVRows(v.SavingsReport))
}

// minorFloat is an amount as a number of major units, for drawing only
// (the table beneath shows the exact amount as its note).
func minorFloat(m domain.Money) float64 { return float64(m.Minor) / minorScale(m.Currency) }

// minorScale is how many minor units make a major one (100 for USD).
func minorScale(c domain.Currency) float64 {
	d := 1.0
	for range c.MinorUnits() {
		d *= 10
	}
	return d
}

// periodAxis names a savings chart's x axis.
func periodAxis(by domain.SavingsBy) string {
	if by == domain.ByMonth {
		return "Month"
	}
	return "Week"
}

func hoursFreedChart(id string, rep domain.SavingsReport) template.HTML {
	return hoursFreedSpec(id, rep).HTML()
}

// hoursFreedSpec is the hours-freed chart's description (home.go: its CSV).
func hoursFreedSpec(id string, rep domain.SavingsReport) Chart {
	c := Chart{ID: id, Title: "Attorney hours freed per " + string(rep.By),
		Desc:   "In-house hours the vendor work stands for, less the firm's supervision and rework hours, per " + string(rep.By) + ".",
		XLabel: periodAxis(rep.By), YLabel: "Hours freed", IntervalLabel: "Range", NoteLabel: "Baseline − supervision − rework",
		Format: func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }, Tick: weekTick, EmptyExplanation: "No periods in the range."}
	for _, p := range rep.Periods {
		v := float64(p.HoursFreed()) / 100
		c.Points = append(c.Points, ChartPoint{Label: p.Label, Value: v, Low: v, High: v,
			Note: fmt.Sprintf("%s − %s − %s = %s", domain.FormatUnits(p.BaselineHours), domain.FormatUnits(p.SupervisionHours),
				domain.FormatUnits(p.ReworkHours), domain.FormatUnits(p.HoursFreed()))})
	}
	return c
}

func savingsPassedChart(id string, rep domain.SavingsReport) template.HTML {
	return savingsPassedSpec(id, rep).HTML()
}

// savingsPassedSpec is the savings-passed chart's description (home.go: its CSV).
func savingsPassedSpec(id string, rep domain.SavingsReport) Chart {
	c := Chart{ID: id, Title: "Savings passed on to clients per " + string(rep.By),
		Desc:   "What clients saved (in-house equivalent less what they were charged) per " + string(rep.By) + ", in " + string(rep.Currency) + "; the range runs from the client's saving to the firm's.",
		XLabel: periodAxis(rep.By), YLabel: "Client saving (" + string(rep.Currency) + ")", IntervalLabel: "Client saving – firm saving", NoteLabel: "Client saving / firm saving (share passed on)",
		Format: func(v float64) string { return chartAmount(v, rep.Currency) }, Tick: weekTick, EmptyExplanation: "No periods in the range."}
	for _, p := range rep.Periods {
		cs, fs := minorFloat(p.ClientSaving()), minorFloat(p.FirmSaving())
		c.Points = append(c.Points, ChartPoint{Label: p.Label, Value: cs, Low: min(cs, fs), High: max(cs, fs),
			Note: fmt.Sprintf("%s / %s (%s)", p.ClientSaving(), p.FirmSaving(), p.SharePassed())})
	}
	return c
}

// weekTick is a week's label on a chart's axis: "2026-W37" → "W37" (twelve
// full labels run into each other); a month's label is kept.
func weekTick(label string) string {
	if _, week, ok := strings.Cut(label, "-W"); ok {
		return "W" + week
	}
	return label
}

// chartAmount writes a chart's amount (a figure already converted from
// minor units for drawing) with the currency's grouping, "7,342.36", and
// whole amounts without decimals, "8,000", as the axis ticks are.
func chartAmount(v float64, c domain.Currency) string {
	s := strings.TrimPrefix(domain.Money{Minor: int64(math.Round(v * minorScale(c))), Currency: c}.String(), string(c)+" ")
	if whole, frac, ok := strings.Cut(s, "."); ok && strings.Trim(frac, "0") == "" {
		return whole
	}
	return s
}

// homePage is the home page's data with its savings chart cards.
type homePage struct {
	app.Home
}

// HoursChart is the home card of hours freed over the last 12 weeks.
func (p homePage) HoursChart() template.HTML {
	if p.Savings.Weeks == nil {
		return ""
	}
	return hoursFreedChart("home-hours-chart", *p.Savings.Weeks)
}

// PassedChart is the home card of savings passed on over the last 6 months.
func (p homePage) PassedChart() template.HTML {
	if p.Savings.Months == nil {
		return ""
	}
	return savingsPassedChart("home-passed-chart", *p.Savings.Months)
}
