package api

import (
	"net/http"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
)

// Vendor scorecards: one vendor's (firm users, and the vendor's own
// manager) and every vendor's for comparison (firm users). The definitions
// are app.Scorecards'; rates come with the counts behind them.

type scorecardMonthJSON struct {
	Month   string          `json:"month"` // YYYY-MM, by completion (UTC)
	Audits  int             `json:"audits"`
	Passed  int             `json:"passed"`
	Sampled int             `json:"items_scored"`
	Errors  int             `json:"errors"`
	Rate    domain.Interval `json:"error_rate"` // pooled, with its Wilson interval
}

type scorecardJSON struct {
	VendorID          int64                `json:"vendor_id"`
	VendorName        string               `json:"vendor_name"`
	Audits            int                  `json:"audits"`
	Passed            int                  `json:"passed"`
	PassRate          float64              `json:"pass_rate"`
	Sampled           int                  `json:"items_scored"`
	Errors            int                  `json:"errors"`
	ErrorRate         domain.Interval      `json:"error_rate"` // pooled, with its Wilson interval (95%)
	Months            []scorecardMonthJSON `json:"months"`
	CorrectiveOpen    int                  `json:"corrective_open"`
	CorrectiveClosed  int                  `json:"corrective_closed"`
	ClosedOnTime      int                  `json:"corrective_closed_on_time"`
	VersionsDecided   int                  `json:"versions_decided"`
	ChangesRequested  int                  `json:"changes_requested"`
	ReworkRate        float64              `json:"rework_rate"`
	ReviewTurnaround  float64              `json:"median_review_hours"`
	Evaluations       int                  `json:"evaluations"`
	EvaluationAverage float64              `json:"evaluation_average"`
}

func scorecard(s domain.Scorecard) scorecardJSON {
	j := scorecardJSON{VendorID: s.VendorID, VendorName: s.VendorName, Audits: s.Audits, Passed: s.Passed, PassRate: app.PassRate(s),
		Sampled: s.Sampled, Errors: s.Errors, ErrorRate: s.ErrorRate, Months: make([]scorecardMonthJSON, 0, len(s.Months)),
		CorrectiveOpen: s.CorrectiveOpen, CorrectiveClosed: s.CorrectiveClosed, ClosedOnTime: s.ClosedOnTime,
		VersionsDecided: s.ReviewedVersions, ChangesRequested: s.ChangesRequested, ReworkRate: app.ReworkRate(s),
		ReviewTurnaround: s.ReviewTurnaround, Evaluations: s.Evaluations, EvaluationAverage: s.EvaluationAverage}
	for _, m := range s.Months {
		j.Months = append(j.Months, scorecardMonthJSON{Month: m.Month, Audits: m.Audits, Passed: m.Passed, Sampled: m.Sampled, Errors: m.Errors, Rate: m.Rate})
	}
	return j
}

func (h *Handler) getScorecard(w http.ResponseWriter, r *http.Request) {
	byID(h.app.VendorScorecard, func(_ domain.User, s domain.Scorecard) scorecardJSON { return scorecard(s) })(w, r)
}

func (h *Handler) listScorecards(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	cards, err := h.app.Scorecards(r.Context(), u)
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	l := list[scorecardJSON]{Items: make([]scorecardJSON, 0, len(cards))}
	for _, c := range cards {
		l.Items = append(l.Items, scorecard(c))
	}
	httpx.WriteJSON(w, http.StatusOK, l)
}
