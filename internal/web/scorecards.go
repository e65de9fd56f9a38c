package web

import (
	"encoding/csv"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"time"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
)

// Vendor scorecards: every vendor side by side (/vendors/scorecards, and
// the same figures as CSV), and one vendor's scorecard with its chart on
// the vendor page (vendors.go). The definitions are app.Scorecards'.

// scorecardView is a vendor's scorecard as the pages write it.
type scorecardView struct{ domain.Scorecard }

// pct writes a proportion as a percentage with one decimal.
func pct(v float64) string { return fmt.Sprintf("%.1f%%", 100*v) }

// PassRate is "2 of 3 (66.7%)", or a dash without audits.
func (s scorecardView) PassRate() string {
	if s.Audits == 0 {
		return "—"
	}
	return fmt.Sprintf("%d of %d (%s)", s.Passed, s.Audits, pct(app.PassRate(s.Scorecard)))
}

// ErrorRate is the pooled error rate, or a dash with nothing scored.
func (s scorecardView) ErrorRate() string {
	if s.Sampled == 0 {
		return "—"
	}
	return pct(s.Scorecard.ErrorRate.Rate)
}

// Interval is the error rate's Wilson interval.
func (s scorecardView) Interval() string {
	if s.Sampled == 0 {
		return ""
	}
	return pct(s.Scorecard.ErrorRate.Low) + " – " + pct(s.Scorecard.ErrorRate.High)
}

// Rework is "1 of 3 (33.3%)", or a dash with no decided version.
func (s scorecardView) Rework() string {
	if s.ReviewedVersions == 0 {
		return "—"
	}
	return fmt.Sprintf("%d of %d (%s)", s.ChangesRequested, s.ReviewedVersions, pct(app.ReworkRate(s.Scorecard)))
}

// Turnaround is the median review turnaround in hours.
func (s scorecardView) Turnaround() string {
	if s.ReviewedVersions == 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f h", s.ReviewTurnaround)
}

// Evaluation is the evaluation average out of 5.
func (s scorecardView) Evaluation() string {
	if s.Evaluations == 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f of 5", s.EvaluationAverage)
}

// Chart is the error rate by month with its interval.
func (s scorecardView) Chart() template.HTML {
	c := Chart{ID: fmt.Sprintf("error-rate-%d", s.VendorID), Title: "Error rate by month — " + s.VendorName,
		Desc: fmt.Sprintf("Errors found among the items scored in the vendor's completed audits, pooled by month of completion (UTC), with the %g%% Wilson interval.",
			100*app.ScorecardConfidence),
		XLabel: "Month", YLabel: "Error rate", IntervalLabel: fmt.Sprintf("%g%% interval", 100*app.ScorecardConfidence), NoteLabel: "Errors / items (audits)",
		Format: pct, EmptyExplanation: "No completed audit yet: the chart starts with the first."}
	for _, m := range s.Months {
		if m.Sampled == 0 {
			continue
		}
		c.Points = append(c.Points, ChartPoint{Label: m.Month, Value: m.Rate.Rate, Low: m.Rate.Low, High: m.Rate.High,
			Note: fmt.Sprintf("%d / %d (%d)", m.Errors, m.Sampled, m.Audits)})
	}
	return c.HTML()
}

type scorecardsView struct {
	Cards []scorecardView
}

func (h *Handler) scorecards(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	cards, err := h.app.Scorecards(r.Context(), u)
	if err != nil {
		h.Error(w, r, err)
		return
	}
	var v scorecardsView
	for _, c := range cards {
		v.Cards = append(v.Cards, scorecardView{c})
	}
	h.render(w, r, "scorecards", "Vendor scorecards", v)
}

// scorecardsCSV downloads the comparison, one row per vendor, with the
// counts behind each rate so a spreadsheet can recompute them.
func (h *Handler) scorecardsCSV(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	cards, err := h.app.Scorecards(r.Context(), u)
	if err != nil {
		h.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="probity-vendor-scorecards-`+time.Now().UTC().Format("20060102")+`.csv"`)
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"vendor_id", "vendor", "audits", "passed", "pass_rate", "items_scored", "errors", "error_rate", "error_rate_low_95", "error_rate_high_95",
		"corrective_open", "corrective_closed", "closed_on_time", "versions_decided", "changes_requested", "rework_rate", "median_review_hours",
		"evaluations", "evaluation_average"})
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', 4, 64) }
	i := strconv.Itoa
	for _, c := range cards {
		_ = cw.Write([]string{strconv.FormatInt(c.VendorID, 10), cell(c.VendorName), i(c.Audits), i(c.Passed), f(app.PassRate(c)), i(c.Sampled), i(c.Errors),
			f(c.ErrorRate.Rate), f(c.ErrorRate.Low), f(c.ErrorRate.High), i(c.CorrectiveOpen), i(c.CorrectiveClosed), i(c.ClosedOnTime),
			i(c.ReviewedVersions), i(c.ChangesRequested), f(app.ReworkRate(c)), f(c.ReviewTurnaround), i(c.Evaluations), f(c.EvaluationAverage)})
	}
	cw.Flush()
}
