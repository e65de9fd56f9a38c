package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/probity/probity/internal/domain"
)

const assessmentFrom = ` FROM assessments a JOIN vendors v ON v.id = a.vendor_id JOIN questionnaires q ON q.id = a.questionnaire_id
	JOIN users su ON su.id = a.started_by LEFT JOIN users sb ON sb.id = a.submitted_by LEFT JOIN users db ON db.id = a.decided_by`

const assessmentCols = `a.id, a.vendor_id, v.name, a.questionnaire_id, q.name, q.version, a.status, a.started_by, su.name, a.started_at,
	a.submitted_at, COALESCE(sb.name, ''), a.auto_score, a.overridden, a.override_score, a.override_reason,
	a.decision, a.decision_note, COALESCE(db.name, ''), a.decided_at, a.approved_until`

func scanAssessment(r interface{ Scan(...any) error }) (domain.Assessment, error) {
	var a domain.Assessment
	var started, submitted, decided int64
	err := r.Scan(&a.ID, &a.VendorID, &a.VendorName, &a.QuestionnaireID, &a.QuestionnaireName, &a.QuestionnaireVersion, &a.Status,
		&a.StartedBy, &a.StartedByName, &started, &submitted, &a.SubmittedByName, &a.AutoScore, &a.Overridden, &a.OverrideScore,
		&a.OverrideReason, &a.Decision, &a.DecisionNote, &a.DecidedByName, &decided, &a.ApprovedUntil)
	a.StartedAt, a.SubmittedAt, a.DecidedAt = fromUS(started), optTime(submitted), optTime(decided)
	return a, err
}

// CreateAssessment starts an assessment; a vendor with one still open gets
// a conflict.
func (tx *Tx) CreateAssessment(ctx context.Context, a *domain.Assessment, now time.Time) error {
	id, err := tx.insert(ctx, `INSERT INTO assessments (vendor_id, questionnaire_id, status, started_by, started_at) VALUES ($1, $2, 'in_progress', $3, $4)`,
		a.VendorID, a.QuestionnaireID, a.StartedBy, us(now))
	if domain.ErrorCode(err) == domain.EConflict {
		return domain.Errorf(domain.EConflict, "this vendor already has an assessment open: finish or decide it first")
	}
	a.ID, a.Status, a.StartedAt = id, domain.AssessmentInProgress, now
	return err
}

// Assessment loads one assessment. Callers check the vendor.
func (tx *Tx) Assessment(ctx context.Context, id int64) (domain.Assessment, error) {
	a, err := scanAssessment(tx.queryRow(ctx, `SELECT `+assessmentCols+assessmentFrom+` WHERE a.id = $1`, id))
	return a, one(err, "assessment")
}

// ListAssessments lists a vendor's assessments, newest first.
func (tx *Tx) ListAssessments(ctx context.Context, vendorID int64) ([]domain.Assessment, error) {
	rows, err := tx.query(ctx, `SELECT `+assessmentCols+assessmentFrom+` WHERE a.vendor_id = $1 ORDER BY a.id DESC`, vendorID)
	return collect(rows, err, func(r *sql.Rows) (domain.Assessment, error) { return scanAssessment(r) })
}

// LatestDecidedAssessment is the vendor's most recently decided assessment.
func (tx *Tx) LatestDecidedAssessment(ctx context.Context, vendorID int64) (domain.Assessment, error) {
	a, err := scanAssessment(tx.queryRow(ctx, `SELECT `+assessmentCols+assessmentFrom+`
		WHERE a.vendor_id = $1 AND a.status = 'decided' ORDER BY a.decided_at DESC, a.id DESC LIMIT 1`, vendorID))
	return a, one(err, "decided assessment")
}

// Answers lists an assessment's answers.
func (tx *Tx) Answers(ctx context.Context, assessmentID int64) ([]domain.Answer, error) {
	rows, err := tx.query(ctx, `SELECT control_key, value, comment, answered_by, answered_at FROM assessment_answers WHERE assessment_id = $1 ORDER BY control_key`, assessmentID)
	return collect(rows, err, func(r *sql.Rows) (domain.Answer, error) {
		var a domain.Answer
		var at int64
		err := r.Scan(&a.Key, &a.Value, &a.Comment, &a.AnsweredBy, &at)
		a.AnsweredAt = fromUS(at)
		return a, err
	})
}

// SaveAnswer records (or replaces) the answer to one control.
func (tx *Tx) SaveAnswer(ctx context.Context, assessmentID int64, a domain.Answer) error {
	_, err := tx.exec(ctx, `INSERT INTO assessment_answers (assessment_id, control_key, value, comment, answered_by, answered_at) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (assessment_id, control_key) DO UPDATE SET value = excluded.value, comment = excluded.comment,
		answered_by = excluded.answered_by, answered_at = excluded.answered_at`,
		assessmentID, a.Key, a.Value, a.Comment, a.AnsweredBy, us(a.AnsweredAt))
	return err
}

// DeleteAnswer clears the answer to one control.
func (tx *Tx) DeleteAnswer(ctx context.Context, assessmentID int64, key string) error {
	_, err := tx.exec(ctx, `DELETE FROM assessment_answers WHERE assessment_id = $1 AND control_key = $2`, assessmentID, key)
	return err
}

// SubmitAssessment moves an assessment in progress to the firm's review; it
// reports whether it was in progress.
func (tx *Tx) SubmitAssessment(ctx context.Context, id, by int64, autoScore int, now time.Time) (bool, error) {
	r, err := tx.exec(ctx, `UPDATE assessments SET status = 'submitted', submitted_by = $2, submitted_at = $3, auto_score = $4
		WHERE id = $1 AND status = 'in_progress'`, id, by, us(now), autoScore)
	return changed(r, err)
}

func changed(r sql.Result, err error) (bool, error) {
	if err != nil {
		return false, err
	}
	n, err := r.RowsAffected()
	return n == 1, err
}

// OverrideScore sets the reviewer's score and reason on a submitted assessment.
func (tx *Tx) OverrideScore(ctx context.Context, id int64, score int, reason string) (bool, error) {
	r, err := tx.exec(ctx, `UPDATE assessments SET overridden = TRUE, override_score = $2, override_reason = $3 WHERE id = $1 AND status = 'submitted'`,
		id, score, reason)
	return changed(r, err)
}

// DecideAssessment records the decision on a submitted assessment; it
// reports whether the assessment was waiting for one.
func (tx *Tx) DecideAssessment(ctx context.Context, id int64, in domain.DecisionInput, autoScore int, by int64, now time.Time) (bool, error) {
	r, err := tx.exec(ctx, `UPDATE assessments SET status = 'decided', decision = $2, decision_note = $3, approved_until = $4, auto_score = $5,
		decided_by = $6, decided_at = $7 WHERE id = $1 AND status = 'submitted'`,
		id, string(in.Decision), in.Note, string(in.ApprovedUntil), autoScore, by, us(now))
	return changed(r, err)
}

// SetVendorDiligence records a due-diligence decision on the vendor.
func (tx *Tx) SetVendorDiligence(ctx context.Context, vendorID int64, d domain.Diligence, until domain.Date) error {
	r, err := tx.exec(ctx, `UPDATE vendors SET diligence = $2, approved_until = $3 WHERE id = $1`, vendorID, string(d), string(until))
	return affected(r, err, "vendor")
}

// ApprovedVendors lists the vendors whose approval (full or conditional)
// carries an end date, for the lapse reminders.
func (tx *Tx) ApprovedVendors(ctx context.Context) ([]domain.Vendor, error) {
	rows, err := tx.query(ctx, `SELECT `+vendorCols+` FROM vendors v WHERE v.diligence IN ('approved', 'conditional') AND v.approved_until <> '' ORDER BY v.id`)
	return collect(rows, err, func(r *sql.Rows) (domain.Vendor, error) { return scanVendor(r) })
}

// RecordReminder notes that a threshold's reminder of an approval period
// went out; it reports false (and changes nothing) when it already had.
func (tx *Tx) RecordReminder(ctx context.Context, vendorID int64, until domain.Date, threshold string, recipients int, superseded bool, now time.Time) (bool, error) {
	r, err := tx.exec(ctx, `INSERT INTO approval_reminders (vendor_id, approved_until, threshold, recipients, superseded, sent_at) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (vendor_id, approved_until, threshold) DO NOTHING`, vendorID, string(until), threshold, recipients, superseded, us(now))
	return changed(r, err)
}

// Reminder is a reminder recorded for an approval period.
type Reminder struct {
	Threshold  string
	Recipients int
	Superseded bool
	SentAt     time.Time
}

// Reminders lists what was recorded for a vendor's approval period.
func (tx *Tx) Reminders(ctx context.Context, vendorID int64, until domain.Date) ([]Reminder, error) {
	rows, err := tx.query(ctx, `SELECT threshold, recipients, superseded, sent_at FROM approval_reminders WHERE vendor_id = $1 AND approved_until = $2 ORDER BY sent_at, threshold`,
		vendorID, string(until))
	return collect(rows, err, func(r *sql.Rows) (Reminder, error) {
		var m Reminder
		var at int64
		err := r.Scan(&m.Threshold, &m.Recipients, &m.Superseded, &at)
		m.SentAt = fromUS(at)
		return m, err
	})
}

// AddFinding records a finding.
func (tx *Tx) AddFinding(ctx context.Context, f *domain.Finding, by int64, now time.Time) error {
	id, err := tx.insert(ctx, `INSERT INTO assessment_findings (assessment_id, severity, control_key, text, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		f.AssessmentID, string(f.Severity), f.ControlKey, f.Text, by, us(now))
	f.ID, f.CreatedAt = id, now
	return err
}

// Findings lists an assessment's findings, oldest first.
func (tx *Tx) Findings(ctx context.Context, assessmentID int64) ([]domain.Finding, error) {
	rows, err := tx.query(ctx, `SELECT f.id, f.assessment_id, f.severity, f.control_key, f.text, u.name, f.created_at
		FROM assessment_findings f JOIN users u ON u.id = f.created_by WHERE f.assessment_id = $1 ORDER BY f.id`, assessmentID)
	return collect(rows, err, func(r *sql.Rows) (domain.Finding, error) {
		var f domain.Finding
		var at int64
		err := r.Scan(&f.ID, &f.AssessmentID, &f.Severity, &f.ControlKey, &f.Text, &f.CreatedBy, &at)
		f.CreatedAt = fromUS(at)
		return f, err
	})
}

// AddRemediation records a remediation item.
func (tx *Tx) AddRemediation(ctx context.Context, it *domain.RemediationItem, now time.Time) error {
	id, err := tx.insert(ctx, `INSERT INTO remediation_items (assessment_id, control_key, text, due_on, created_at) VALUES ($1, $2, $3, $4, $5)`,
		it.AssessmentID, it.ControlKey, it.Text, string(it.DueOn), us(now))
	it.ID = id
	return err
}

const remediationCols = `r.id, r.assessment_id, r.control_key, r.text, r.due_on, r.done_at, COALESCE(u.name, '')`

func scanRemediation(r interface{ Scan(...any) error }) (domain.RemediationItem, error) {
	var it domain.RemediationItem
	var done int64
	err := r.Scan(&it.ID, &it.AssessmentID, &it.ControlKey, &it.Text, &it.DueOn, &done, &it.DoneBy)
	it.DoneAt = optTime(done)
	return it, err
}

// Remediation lists an assessment's remediation items by deadline.
func (tx *Tx) Remediation(ctx context.Context, assessmentID int64) ([]domain.RemediationItem, error) {
	rows, err := tx.query(ctx, `SELECT `+remediationCols+` FROM remediation_items r LEFT JOIN users u ON u.id = r.done_by
		WHERE r.assessment_id = $1 ORDER BY r.due_on, r.id`, assessmentID)
	return collect(rows, err, func(r *sql.Rows) (domain.RemediationItem, error) { return scanRemediation(r) })
}

// RemediationItem loads one item.
func (tx *Tx) RemediationItem(ctx context.Context, id int64) (domain.RemediationItem, error) {
	it, err := scanRemediation(tx.queryRow(ctx, `SELECT `+remediationCols+` FROM remediation_items r LEFT JOIN users u ON u.id = r.done_by WHERE r.id = $1`, id))
	return it, one(err, "remediation item")
}

// MarkRemediationDone records that the firm saw an item done; it reports
// false when it already was.
func (tx *Tx) MarkRemediationDone(ctx context.Context, id, by int64, now time.Time) (bool, error) {
	r, err := tx.exec(ctx, `UPDATE remediation_items SET done_at = $2, done_by = $3 WHERE id = $1 AND done_at = 0`, id, us(now), by)
	return changed(r, err)
}
