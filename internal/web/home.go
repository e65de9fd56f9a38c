package web

import (
	"encoding/csv"
	"fmt"
	"html/template"
	"net/http"
	"strconv"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
)

// The home page's charts and their CSV downloads (issue 9). A chart and
// its CSV are built from the same app.Home of the same person, so the file
// holds exactly the numbers drawn, in the same scope.

// homeChart builds the named chart of the page, or reports it has none for
// this person.
func (p homePage) homeChart(name string) (Chart, bool) {
	switch name {
	case "hours-freed":
		if p.Savings.Weeks != nil {
			return hoursFreedSpec("home-hours-chart", *p.Savings.Weeks), true
		}
	case "savings-passed":
		if p.Savings.Months != nil {
			return savingsPassedSpec("home-passed-chart", *p.Savings.Months), true
		}
	case "audit-errors":
		if p.Firm != nil {
			return p.qualitySpec(), true
		}
	case "vendors":
		if p.Firm != nil {
			return p.vendorsSpec(), true
		}
	}
	return Chart{}, false
}

// qualitySpec is the firm's audit error rate per month: errors found in
// the items sampled by the completed audits, with its 95% Wilson interval.
func (p homePage) qualitySpec() Chart {
	c := Chart{ID: "home-quality-chart", Title: "Audit error rate per month",
		Desc:   "Errors found in the items sampled by the quality audits completed each month, across the firm, as a percentage, with its 95% Wilson interval; months without a completed audit are left out.",
		XLabel: "Month", YLabel: "Error rate (%)", IntervalLabel: "95% interval (%)", NoteLabel: "Errors / items sampled (audits, failed)",
		Format:           func(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) },
		EmptyExplanation: "No audit was completed in the last six months."}
	for _, q := range p.Firm.Quality {
		if q.Sampled == 0 {
			continue // no audit completed that month: no rate to draw
		}
		pt := ChartPoint{Label: q.Month, Note: fmt.Sprintf("%d / %d (%d audits, %d failed)", q.Errors, q.Sampled, q.Audits, q.Failed)}
		x := int(min(q.Errors, q.Sampled))
		if iv, err := domain.Wilson(x, int(q.Sampled), 0.95); err == nil {
			pt.Value, pt.Low, pt.High = tenthPct(iv.Rate), tenthPct(iv.Low), tenthPct(iv.High)
		}
		c.Points = append(c.Points, pt)
	}
	return c
}

// tenthPct is a proportion as a percentage rounded to a tenth, as drawn and
// downloaded.
func tenthPct(v float64) float64 { return float64(int64(v*1000+0.5)) / 10 }

// vendorsSpec is the vendors table as a series: each vendor's approved
// cost, with its error rate as the note (CSV only; the page shows a table).
func (p homePage) vendorsSpec() Chart {
	c := Chart{ID: "home-vendors", Title: "Vendors by approved cost", XLabel: "Vendor", YLabel: "Approved cost (" + string(p.Firm.Currency) + ")",
		IntervalLabel: "Approved cost (" + string(p.Firm.Currency) + ")", NoteLabel: "Audits, failed, errors / items sampled"}
	for _, v := range p.Firm.Vendors {
		cost := minorFloat(domain.Money{Minor: v.CostMinor, Currency: p.Firm.Currency})
		c.Points = append(c.Points, ChartPoint{Label: v.Name, Value: cost, Low: cost, High: cost,
			Note: fmt.Sprintf("%d, %d, %d / %d", v.Audits, v.Failed, v.Errors, v.Sampled)})
	}
	return c
}

// QualityChart draws the firm's audit error rate per month.
func (p homePage) QualityChart() template.HTML {
	if p.Firm == nil {
		return ""
	}
	return p.qualitySpec().HTML()
}

// HoursThisMonth is the attorney hours freed in the current month ("" when
// the page has no savings).
func (p homePage) HoursThisMonth() string {
	if p.Savings.Months == nil || len(p.Savings.Months.Periods) == 0 {
		return ""
	}
	last := p.Savings.Months.Periods[len(p.Savings.Months.Periods)-1]
	return domain.FormatUnits(last.HoursFreed())
}

// FirmMoney is an amount in the firm's currency, for the page's money
// func (the viewer's locale).
func (p homePage) FirmMoney(minor int64) domain.Money {
	return domain.Money{Minor: minor, Currency: p.Firm.Currency}
}

// Amount is an amount of minor units in a currency.
func (p homePage) Amount(minor int64, c domain.Currency) domain.Money {
	return domain.Money{Minor: minor, Currency: c}
}

// Rate writes errors in items sampled as a percentage ("—" when none were sampled).
func (p homePage) Rate(errors, sampled int64) string {
	if sampled <= 0 {
		return "—"
	}
	return strconv.FormatFloat(float64(errors)*100/float64(sampled), 'f', 1, 64) + "%"
}

// chartCSV writes a chart's numbers: one row per point with its label,
// value, interval and note, numbers unformatted.
func chartCSV(w http.ResponseWriter, name string, c Chart) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
	cw := csv.NewWriter(w)
	interval := c.IntervalLabel
	if interval == "" {
		interval = "Interval"
	}
	_ = cw.Write([]string{c.XLabel, c.YLabel, interval + " low", interval + " high", c.NoteLabel})
	num := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	for _, pt := range c.Points {
		_ = cw.Write([]string{cell(pt.Label), num(pt.Value), num(pt.Low), num(pt.High), cell(pt.Note)})
	}
	cw.Flush()
}

// homeChartCSV answers GET /home/charts/<name>.csv: the named chart of the
// person's own home page as CSV; forbidden to a person whose home page has
// no such chart (the charts a page holds depend on the role only).
func (h *Handler) homeChartCSV(name string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, _ := httpx.User(r)
		home, err := h.app.Home(r.Context(), u)
		if err != nil {
			h.Error(w, r, err)
			return
		}
		c, ok := homePage{Home: home}.homeChart(name)
		if !ok {
			h.Error(w, r, app.Forbidden(u))
			return
		}
		chartCSV(w, name, c)
	}
}
