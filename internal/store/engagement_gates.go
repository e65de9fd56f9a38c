package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/probity/probity/internal/domain"
)

// SensitivityRules returns the rules the firm has set, one per sensitivity
// label it changed; labels without a row use the default rule.
func (tx *Tx) SensitivityRules(ctx context.Context) ([]domain.SensitivityRule, error) {
	rows, err := tx.query(ctx, `SELECT sensitivity, require_certification, require_mfa, no_unapproved_subcontractors, min_score
		FROM sensitivity_rules ORDER BY sensitivity`)
	return collect(rows, err, func(r *sql.Rows) (x domain.SensitivityRule, err error) {
		err = r.Scan(&x.Sensitivity, &x.RequireCertification, &x.RequireMFA, &x.NoUnapprovedSubcontractors, &x.MinScore)
		return x, err
	})
}

// SetSensitivityRule stores the firm's rule for one sensitivity label.
func (tx *Tx) SetSensitivityRule(ctx context.Context, r domain.SensitivityRule, at time.Time) error {
	_, err := tx.exec(ctx, `INSERT INTO sensitivity_rules (sensitivity, require_certification, require_mfa, no_unapproved_subcontractors, min_score, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (sensitivity) DO UPDATE SET require_certification = excluded.require_certification, require_mfa = excluded.require_mfa,
			no_unapproved_subcontractors = excluded.no_unapproved_subcontractors, min_score = excluded.min_score, updated_at = excluded.updated_at`,
		r.Sensitivity, r.RequireCertification, r.RequireMFA, r.NoUnapprovedSubcontractors, r.MinScore, us(at))
	return err
}

// MarkEngagementOpened records that a proposal was opened: its stage and
// opening day. It changes the row only if it is still a proposal, so two
// people opening it at once cannot both succeed (EConflict for the second).
func (tx *Tx) MarkEngagementOpened(ctx context.Context, e domain.Engagement) error {
	r, err := tx.exec(ctx, `UPDATE engagements SET stage = $1, opened_on = $2 WHERE id = $3 AND stage = 'proposed'`,
		string(e.Stage), string(e.OpenedOn), e.ID)
	if err != nil {
		return err
	}
	if n, err := r.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return domain.Errorf(domain.EConflict, "the engagement was opened or changed meanwhile; reload it")
	}
	return nil
}

// PauseEngagement pauses an engagement at stage from, remembering that
// stage, the cause and the reason. It reports false when the engagement was
// no longer at from (someone else paused or moved it first).
func (tx *Tx) PauseEngagement(ctx context.Context, id int64, from domain.Stage, cause, reason string, at time.Time) (bool, error) {
	r, err := tx.exec(ctx, `UPDATE engagements SET stage = 'paused', paused_from = $1, paused_cause = $2, paused_reason = $3, paused_at = $4
		WHERE id = $5 AND stage = $1`, string(from), cause, reason, us(at), id)
	if err != nil {
		return false, err
	}
	n, err := r.RowsAffected()
	return n > 0, err
}

// ResumeEngagement returns an engagement paused for cause to the stage it
// was paused from and forgets the pause. It reports false when the
// engagement is not paused for that cause.
func (tx *Tx) ResumeEngagement(ctx context.Context, id int64, cause string) (bool, error) {
	r, err := tx.exec(ctx, `UPDATE engagements SET stage = paused_from, paused_from = '', paused_cause = '', paused_reason = '', paused_at = 0
		WHERE id = $1 AND stage = 'paused' AND paused_cause = $2 AND paused_from <> ''`, id, cause)
	if err != nil {
		return false, err
	}
	n, err := r.RowsAffected()
	return n > 0, err
}

// PausedEngagement is a paused engagement with what paused it.
type PausedEngagement struct {
	ID           int64
	MatterID     int64
	MatterNumber string
	From         domain.Stage
	Cause        string
	Reason       string
	At           time.Time
}

// PausedEngagements lists a vendor's paused engagements, by id.
func (tx *Tx) PausedEngagements(ctx context.Context, vendorID int64) ([]PausedEngagement, error) {
	rows, err := tx.query(ctx, `SELECT e.id, e.matter_id, m.number, e.paused_from, e.paused_cause, e.paused_reason, e.paused_at
		FROM engagements e JOIN matters m ON m.id = e.matter_id WHERE e.vendor_id = $1 AND e.stage = 'paused' ORDER BY e.id`, vendorID)
	return collect(rows, err, func(r *sql.Rows) (p PausedEngagement, err error) {
		var at int64
		err = r.Scan(&p.ID, &p.MatterID, &p.MatterNumber, &p.From, &p.Cause, &p.Reason, &at)
		p.At = fromUS(at)
		return p, err
	})
}
