package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/probity/probity/internal/domain"
)

// Closing records (migration 0014): manual pauses, the close itself, the
// final audit due, the vendor's certificate and the attorney's evaluation.

// AddPauseEvent records a manual pause or resumption.
func (tx *Tx) AddPauseEvent(ctx context.Context, p *domain.PauseEvent) error {
	id, err := tx.insert(ctx, `INSERT INTO engagement_pauses (engagement_id, action, reason, by_user, at) VALUES ($1, $2, $3, $4, $5)`,
		p.EngagementID, p.Action, p.Reason, p.By, us(p.At))
	p.ID = id
	return err
}

// PauseEvents lists an engagement's manual pauses and resumptions, oldest first.
func (tx *Tx) PauseEvents(ctx context.Context, engagementID int64) ([]domain.PauseEvent, error) {
	rows, err := tx.query(ctx, `SELECT p.id, p.engagement_id, p.action, p.reason, p.by_user, u.name, p.at FROM engagement_pauses p JOIN users u ON u.id = p.by_user
		WHERE p.engagement_id = $1 ORDER BY p.id`, engagementID)
	return collect(rows, err, func(r *sql.Rows) (p domain.PauseEvent, err error) {
		var at int64
		err = r.Scan(&p.ID, &p.EngagementID, &p.Action, &p.Reason, &p.By, &p.ByName, &at)
		p.At = fromUS(at)
		return p, err
	})
}

// CloseEngagement sets an engagement at stage from to closed on day on and
// records the final audit due. It fails with EConflict when the engagement
// is no longer at from.
func (tx *Tx) CloseEngagement(ctx context.Context, id int64, from domain.Stage, on, auditDue domain.Date, at time.Time) error {
	r, err := tx.exec(ctx, `UPDATE engagements SET stage = 'closed', closed_on = $1, paused_from = '', paused_cause = '', paused_reason = '', paused_at = 0
		WHERE id = $2 AND stage = $3`, string(on), id, string(from))
	if err := changedOne(r, err, "the engagement was changed meanwhile; reload the page"); err != nil {
		return err
	}
	_, err = tx.exec(ctx, `INSERT INTO final_audits (engagement_id, due_on, created_at) VALUES ($1, $2, $3)`, id, string(auditDue), us(at))
	return err
}

// FinalAudit loads the final audit due of a closed engagement (ENotFound when none).
func (tx *Tx) FinalAudit(ctx context.Context, engagementID int64) (domain.FinalAudit, error) {
	var f domain.FinalAudit
	var done int64
	err := tx.queryRow(ctx, `SELECT engagement_id, due_on, completed_at FROM final_audits WHERE engagement_id = $1`, engagementID).Scan(&f.EngagementID, &f.DueOn, &done)
	f.CompletedAt = orZero(done)
	return f, one(err, "final audit")
}

// CreateCertificate records the vendor's certificate (EConflict when one exists).
func (tx *Tx) CreateCertificate(ctx context.Context, c *domain.Certificate) error {
	id, err := tx.insert(ctx, `INSERT INTO destruction_certificates (engagement_id, method, certified_on, statement, certified_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, c.EngagementID, string(c.Method), string(c.CertifiedOn), c.Statement, c.CertifiedBy, us(c.CreatedAt))
	c.ID = id
	return err
}

// Certificate loads an engagement's certificate (ENotFound when none).
func (tx *Tx) Certificate(ctx context.Context, engagementID int64) (domain.Certificate, error) {
	var c domain.Certificate
	var created int64
	err := tx.queryRow(ctx, `SELECT c.id, c.engagement_id, c.method, c.certified_on, c.statement, c.certified_by, u.name, c.created_at
		FROM destruction_certificates c JOIN users u ON u.id = c.certified_by WHERE c.engagement_id = $1`, engagementID).
		Scan(&c.ID, &c.EngagementID, &c.Method, &c.CertifiedOn, &c.Statement, &c.CertifiedBy, &c.CertifierName, &created)
	c.CreatedAt = fromUS(created)
	return c, one(err, "certificate")
}

// CreateEvaluation records the attorney's evaluation (EConflict when one exists).
func (tx *Tx) CreateEvaluation(ctx context.Context, e *domain.Evaluation) error {
	id, err := tx.insert(ctx, `INSERT INTO engagement_evaluations (engagement_id, vendor_id, quality, timeliness, communication, compliance, comments, evaluated_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, e.EngagementID, e.VendorID, e.Quality, e.Timeliness, e.Communication, e.Compliance, e.Comments, e.EvaluatedBy, us(e.CreatedAt))
	e.ID = id
	return err
}

// Evaluation loads an engagement's evaluation (ENotFound when none).
func (tx *Tx) Evaluation(ctx context.Context, engagementID int64) (domain.Evaluation, error) {
	var e domain.Evaluation
	var created int64
	err := tx.queryRow(ctx, `SELECT v.id, v.engagement_id, v.vendor_id, v.quality, v.timeliness, v.communication, v.compliance, v.comments, v.evaluated_by, u.name, v.created_at
		FROM engagement_evaluations v JOIN users u ON u.id = v.evaluated_by WHERE v.engagement_id = $1`, engagementID).
		Scan(&e.ID, &e.EngagementID, &e.VendorID, &e.Quality, &e.Timeliness, &e.Communication, &e.Compliance, &e.Comments, &e.EvaluatedBy, &e.EvaluatorName, &created)
	e.CreatedAt = fromUS(created)
	return e, one(err, "evaluation")
}

// VendorScore is a vendor's average evaluation over its closed engagements.
type VendorScore struct {
	Evaluations                                         int
	Quality, Timeliness, Communication, Compliance, All float64
}

// VendorEvaluations averages a vendor's evaluations (scorecards.go:
// evaluationsByVendor, the one definition the scorecards use too).
func (tx *Tx) VendorEvaluations(ctx context.Context, vendorID int64) (VendorScore, error) {
	scores, err := tx.evaluationsByVendor(ctx, vendorID)
	return scores[vendorID], err
}

// PausedCause says what paused an engagement ("" when it is not paused).
func (tx *Tx) PausedCause(ctx context.Context, id int64) (string, error) {
	var c string
	err := tx.queryRow(ctx, `SELECT paused_cause FROM engagements WHERE id = $1`, id).Scan(&c)
	return c, one(err, "engagement")
}

// AddFinalAudit records a final audit due (demo data and imports: closing
// records its own); completedAt zero means it is still due.
func (tx *Tx) AddFinalAudit(ctx context.Context, engagementID int64, due domain.Date, createdAt, completedAt time.Time) error {
	done := int64(0)
	if !completedAt.IsZero() {
		done = us(completedAt)
	}
	_, err := tx.exec(ctx, `INSERT INTO final_audits (engagement_id, due_on, created_at, completed_at) VALUES ($1, $2, $3, $4)`,
		engagementID, string(due), us(createdAt), done)
	return err
}
