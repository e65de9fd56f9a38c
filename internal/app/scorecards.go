package app

import (
	"context"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// Vendor scorecards: each vendor's audit record (error rate with its
// interval by month, pass rate), corrective actions open and closed on
// time, rework and review turnaround, and the attorneys' evaluations at
// close; comparable across vendors. The figures are counted in SQL
// (store.VendorScorecards, which states each definition); the app adds the
// intervals:
//
//   - pass rate: passed / completed audits (PassRate);
//   - error rate: pooled errors / items scored, per month of completion
//     (UTC) and overall, with its two-sided Wilson interval at 95%;
//   - rework rate: versions sent back / versions decided (ReworkRate);
//   - review turnaround: median hours from submission to decision;
//   - evaluation average: the mean of the four scores of the evaluations
//     at close, as the vendor page shows it.

// ScorecardConfidence is the confidence of the scorecards' intervals.
const ScorecardConfidence = 0.95

// VendorScorecard loads one vendor's scorecard (firm users; a vendor
// manager their own organisation's). A vendor the actor does not see is
// not found; one they see without the right to its scorecard is forbidden.
func (a *App) VendorScorecard(ctx context.Context, actor domain.User, vendorID int64) (domain.Scorecard, error) {
	var card domain.Scorecard
	err := a.Store.Read(ctx, func(tx *store.Tx) error {
		if _, err := tx.Vendor(ctx, ScopeFor(actor), vendorID); err != nil {
			return err
		}
		if err := require(actor, ViewScorecards); err != nil {
			return err
		}
		if !actor.Role.IsFirm() && actor.VendorID != vendorID {
			return domain.Errorf(domain.ENotFound, "no such vendor")
		}
		cards, err := tx.VendorScorecards(ctx, vendorID)
		if err != nil {
			return err
		}
		card = cards[0]
		return nil
	})
	if err != nil {
		return domain.Scorecard{}, err
	}
	return card, withIntervals(&card)
}

// Scorecards loads every vendor's scorecard for comparison (firm users),
// by vendor name.
func (a *App) Scorecards(ctx context.Context, actor domain.User) ([]domain.Scorecard, error) {
	if !actor.Role.IsFirm() || !Can(actor, ViewScorecards) {
		return nil, domain.Errorf(domain.EForbidden, "only the firm compares vendor scorecards")
	}
	var cards []domain.Scorecard
	err := a.Store.Read(ctx, func(tx *store.Tx) (err error) {
		cards, err = tx.VendorScorecards(ctx, 0)
		return err
	})
	if err != nil {
		return nil, err
	}
	for i := range cards {
		if err := withIntervals(&cards[i]); err != nil {
			return nil, err
		}
	}
	return cards, nil
}

// withIntervals sets the pooled error rate of the scorecard and of each
// month with its Wilson interval; with nothing scored they stay zero.
func withIntervals(s *domain.Scorecard) error {
	var err error
	if s.Sampled > 0 {
		if s.ErrorRate, err = domain.Wilson(s.Errors, s.Sampled, ScorecardConfidence); err != nil {
			return err
		}
	}
	for i := range s.Months {
		m := &s.Months[i]
		if m.Sampled > 0 {
			if m.Rate, err = domain.Wilson(m.Errors, m.Sampled, ScorecardConfidence); err != nil {
				return err
			}
		}
	}
	return nil
}

// PassRate is the share of a vendor's completed audits that passed (0 with none).
func PassRate(s domain.Scorecard) float64 { return ratio(s.Passed, s.Audits) }

// ReworkRate is the share of a vendor's decided deliverable versions sent
// back with changes requested (0 with none).
func ReworkRate(s domain.Scorecard) float64 { return ratio(s.ChangesRequested, s.ReviewedVersions) }

func ratio(x, n int) float64 {
	if n == 0 {
		return 0
	}
	return float64(x) / float64(n)
}
