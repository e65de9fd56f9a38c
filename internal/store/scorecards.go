package store

import (
	"context"
	"database/sql"

	"github.com/probity/probity/internal/domain"
)

// Vendor scorecards: each figure is aggregated in SQL per vendor (GROUP BY
// vendor) over all the vendor's engagements, on both engines. The
// definitions, which the scorecard page repeats:
//
//   - audits: completed audits; passed: those with verdict pass; items
//     scored: the completed audits' samples (a completed audit has every
//     sampled item scored); errors: the items in error. Grouped by the
//     month (UTC) of completion, so the pooled rate per month and overall
//     is errors / items scored;
//   - corrective actions: open (state open or responded), closed, and
//     closed on time (the UTC date of closing on or before the due date);
//   - rework: deliverable versions sent back (changes requested) among the
//     versions decided (approved or changes requested);
//   - review turnaround: the median, over decided versions, of the time
//     from submission to the attorney's decision;
//   - evaluations: the attorneys' evaluations at close (evaluationsByVendor,
//     the one definition the vendor page uses too).
//
// Intervals are the app's (domain.Wilson), from these counts.

// VendorScorecards loads the scorecard counts of one vendor (vendorID) or
// of every vendor (0), ordered by vendor name. ENotFound when vendorID
// names no vendor. Rates and intervals are left to the caller.
func (tx *Tx) VendorScorecards(ctx context.Context, vendorID int64) ([]domain.Scorecard, error) {
	rows, err := tx.query(ctx, `SELECT id, name FROM vendors WHERE (CAST($1 AS BIGINT) = 0 OR id = $1) ORDER BY name, id`, vendorID)
	cards, err := collect(rows, err, func(r *sql.Rows) (s domain.Scorecard, err error) {
		err = r.Scan(&s.VendorID, &s.VendorName)
		return s, err
	})
	if err != nil {
		return nil, err
	}
	if vendorID != 0 && len(cards) == 0 {
		return nil, domain.Errorf(domain.ENotFound, "no such vendor")
	}
	at := make(map[int64]*domain.Scorecard, len(cards))
	for i := range cards {
		at[cards[i].VendorID] = &cards[i]
	}
	for _, load := range []func(context.Context, int64, map[int64]*domain.Scorecard) error{
		tx.scorecardAudits, tx.scorecardCorrective, tx.scorecardRework, tx.scorecardTurnaround, tx.scorecardEvaluations,
	} {
		if err := load(ctx, vendorID, at); err != nil {
			return nil, err
		}
	}
	return cards, nil
}

// scorecardAudits adds the completed audits by vendor and month of completion.
func (tx *Tx) scorecardAudits(ctx context.Context, vendorID int64, at map[int64]*domain.Scorecard) error {
	rows, err := tx.query(ctx, `SELECT e.vendor_id, `+tx.d.UTCMonth("a.completed_at")+` AS month, COUNT(*),
			SUM(CASE WHEN a.verdict = 'pass' THEN 1 ELSE 0 END), SUM(a.sample_size), SUM(a.errors)
		FROM audits a JOIN engagements e ON e.id = a.engagement_id
		WHERE a.state = 'completed' AND (CAST($1 AS BIGINT) = 0 OR e.vendor_id = $1)
		GROUP BY e.vendor_id, month ORDER BY month`, vendorID)
	type row struct {
		vendor int64
		m      domain.ScorecardMonth
	}
	months, err := collect(rows, err, func(r *sql.Rows) (x row, err error) {
		err = r.Scan(&x.vendor, &x.m.Month, &x.m.Audits, &x.m.Passed, &x.m.Sampled, &x.m.Errors)
		return x, err
	})
	if err != nil {
		return err
	}
	for _, x := range months {
		s := at[x.vendor]
		if s == nil {
			continue
		}
		s.Months = append(s.Months, x.m)
		s.Audits += x.m.Audits
		s.Passed += x.m.Passed
		s.Sampled += x.m.Sampled
		s.Errors += x.m.Errors
	}
	return nil
}

// scorecardCorrective adds the corrective actions open, closed and closed on time.
func (tx *Tx) scorecardCorrective(ctx context.Context, vendorID int64, at map[int64]*domain.Scorecard) error {
	rows, err := tx.query(ctx, `SELECT vendor_id, SUM(CASE WHEN state IN ('open', 'responded') THEN 1 ELSE 0 END),
			SUM(CASE WHEN state = 'closed' THEN 1 ELSE 0 END),
			SUM(CASE WHEN state = 'closed' AND `+tx.d.UTCDay("closed_at")+` <= due_on THEN 1 ELSE 0 END)
		FROM corrective_actions WHERE (CAST($1 AS BIGINT) = 0 OR vendor_id = $1) GROUP BY vendor_id`, vendorID)
	return perVendor(rows, err, at, func(r *sql.Rows) (int64, func(*domain.Scorecard), error) {
		var id int64
		var open, closed, onTime int
		err := r.Scan(&id, &open, &closed, &onTime)
		return id, func(s *domain.Scorecard) { s.CorrectiveOpen, s.CorrectiveClosed, s.ClosedOnTime = open, closed, onTime }, err
	})
}

// scorecardRework adds the decided deliverable versions and those sent back.
func (tx *Tx) scorecardRework(ctx context.Context, vendorID int64, at map[int64]*domain.Scorecard) error {
	rows, err := tx.query(ctx, `SELECT e.vendor_id, COUNT(*), SUM(CASE WHEN v.decision = 'changes_requested' THEN 1 ELSE 0 END)
		FROM deliverable_versions v JOIN engagements e ON e.id = v.engagement_id
		WHERE v.decision IN ('approved', 'changes_requested') AND (CAST($1 AS BIGINT) = 0 OR e.vendor_id = $1)
		GROUP BY e.vendor_id`, vendorID)
	return perVendor(rows, err, at, func(r *sql.Rows) (int64, func(*domain.Scorecard), error) {
		var id int64
		var decided, sentBack int
		err := r.Scan(&id, &decided, &sentBack)
		return id, func(s *domain.Scorecard) { s.ReviewedVersions, s.ChangesRequested = decided, sentBack }, err
	})
}

// scorecardTurnaround adds the median review turnaround in hours: the
// middle decided version (or the mean of the two middle ones) by time from
// submission to decision, found with window functions both engines have.
func (tx *Tx) scorecardTurnaround(ctx context.Context, vendorID int64, at map[int64]*domain.Scorecard) error {
	rows, err := tx.query(ctx, `SELECT vendor_id, AVG(took * 1.0) FROM (
			SELECT e.vendor_id, v.reviewed_at - v.submitted_at AS took,
				ROW_NUMBER() OVER (PARTITION BY e.vendor_id ORDER BY v.reviewed_at - v.submitted_at, v.id) AS k,
				COUNT(*) OVER (PARTITION BY e.vendor_id) AS n
			FROM deliverable_versions v JOIN engagements e ON e.id = v.engagement_id
			WHERE v.decision IN ('approved', 'changes_requested') AND (CAST($1 AS BIGINT) = 0 OR e.vendor_id = $1)
		) d WHERE k IN ((n + 1) / 2, (n + 2) / 2) GROUP BY vendor_id`, vendorID)
	return perVendor(rows, err, at, func(r *sql.Rows) (int64, func(*domain.Scorecard), error) {
		var id int64
		var micros float64
		err := r.Scan(&id, &micros)
		return id, func(s *domain.Scorecard) { s.ReviewTurnaround = micros / 3.6e9 }, err
	})
}

// scorecardEvaluations adds the evaluation average.
func (tx *Tx) scorecardEvaluations(ctx context.Context, vendorID int64, at map[int64]*domain.Scorecard) error {
	scores, err := tx.evaluationsByVendor(ctx, vendorID)
	for id, v := range scores {
		if s := at[id]; s != nil {
			s.Evaluations, s.EvaluationAverage = v.Evaluations, v.All
		}
	}
	return err
}

// evaluationsByVendor averages the evaluations at close of one vendor
// (vendorID) or of every vendor (0): each of the four scores, and their
// mean as the vendor's evaluation average. It is the one definition the
// vendor page (VendorEvaluations) and the scorecards use.
func (tx *Tx) evaluationsByVendor(ctx context.Context, vendorID int64) (map[int64]VendorScore, error) {
	rows, err := tx.query(ctx, `SELECT vendor_id, COUNT(*), AVG(quality * 1.0), AVG(timeliness * 1.0), AVG(communication * 1.0), AVG(compliance * 1.0)
		FROM engagement_evaluations WHERE (CAST($1 AS BIGINT) = 0 OR vendor_id = $1) GROUP BY vendor_id`, vendorID)
	out := map[int64]VendorScore{}
	type row struct {
		vendor int64
		s      VendorScore
	}
	list, err := collect(rows, err, func(r *sql.Rows) (x row, err error) {
		err = r.Scan(&x.vendor, &x.s.Evaluations, &x.s.Quality, &x.s.Timeliness, &x.s.Communication, &x.s.Compliance)
		x.s.All = (x.s.Quality + x.s.Timeliness + x.s.Communication + x.s.Compliance) / 4
		return x, err
	})
	for _, x := range list {
		out[x.vendor] = x.s
	}
	return out, err
}

// perVendor applies each row, whose first column is a vendor id, to that
// vendor's scorecard; rows of vendors not loaded are skipped.
func perVendor(rows *sql.Rows, err error, at map[int64]*domain.Scorecard, scan func(*sql.Rows) (int64, func(*domain.Scorecard), error)) error {
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		id, apply, err := scan(rows)
		if err != nil {
			return err
		}
		if s := at[id]; s != nil {
			apply(s)
		}
	}
	return rows.Err()
}
