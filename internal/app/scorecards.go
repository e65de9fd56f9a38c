package app

import (
	"context"

	"github.com/probity/probity/internal/domain"
)

// Vendor scorecards: each vendor's audit record (error rate with its
// interval by month, pass rate), corrective actions open and closed on
// time, rework and review turnaround, and the attorneys' evaluations at
// close; comparable across vendors.

// VendorScorecard loads one vendor's scorecard (firm users; a vendor
// manager their own organisation's).
func (a *App) VendorScorecard(ctx context.Context, actor domain.User, vendorID int64) (domain.Scorecard, error) {
	return domain.Scorecard{}, errTodo
}

// Scorecards loads every vendor's scorecard for comparison (firm users).
func (a *App) Scorecards(ctx context.Context, actor domain.User) ([]domain.Scorecard, error) {
	return nil, errTodo
}
