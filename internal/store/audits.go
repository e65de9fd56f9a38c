package store

import (
	"context"
	"errors"
	"time"

	"github.com/probity/probity/internal/domain"
)

// Quality audits (migration 0016): plans, imported batches, audits, their
// samples, scores and findings, and corrective actions.

var errTodo = errors.New("store: not implemented yet")

// SaveAuditPlan inserts or updates the engagement's audit plan (p.ID set).
func (tx *Tx) SaveAuditPlan(ctx context.Context, p *domain.AuditPlan) error { return errTodo }

// AuditPlan loads an engagement's audit plan (ENotFound when none).
func (tx *Tx) AuditPlan(ctx context.Context, engagementID int64) (domain.AuditPlan, error) {
	return domain.AuditPlan{}, errTodo
}

// SetSwitchState moves the plan's switch state.
func (tx *Tx) SetSwitchState(ctx context.Context, engagementID int64, s domain.SwitchState) error {
	return errTodo
}

// CreateAuditBatch stores a batch and its items (positions 1..len(items)).
func (tx *Tx) CreateAuditBatch(ctx context.Context, b *domain.AuditBatch, items []domain.PopulationItem) error {
	return errTodo
}

// AuditBatch loads one batch of an engagement (ENotFound when none).
func (tx *Tx) AuditBatch(ctx context.Context, engagementID, batchID int64) (domain.AuditBatch, error) {
	return domain.AuditBatch{}, errTodo
}

// AuditBatches lists an engagement's batches, newest first.
func (tx *Tx) AuditBatches(ctx context.Context, engagementID int64) ([]domain.AuditBatch, error) {
	return nil, errTodo
}

// PopulationItems loads the batch's items at positions, in the order given.
func (tx *Tx) PopulationItems(ctx context.Context, batchID int64, positions []int64) ([]domain.PopulationItem, error) {
	return nil, errTodo
}

// CreateAudit records an audit (a.ID set) unless one exists for its
// engagement and period; created reports which.
func (tx *Tx) CreateAudit(ctx context.Context, a *domain.Audit) (created bool, err error) {
	return false, errTodo
}

// Audit loads one audit of an engagement (ENotFound when none).
func (tx *Tx) Audit(ctx context.Context, engagementID, auditID int64) (domain.Audit, error) {
	return domain.Audit{}, errTodo
}

// Audits lists an engagement's audits, newest due first.
func (tx *Tx) Audits(ctx context.Context, engagementID int64) ([]domain.Audit, error) {
	return nil, errTodo
}

// DrawAudit freezes a due audit's population, seed, spec, switch state and
// rubric (from a), sets it scoring and stores its drawn items in draw
// order. EConflict when the audit is no longer due.
func (tx *Tx) DrawAudit(ctx context.Context, a domain.Audit, items []domain.SampleItem, at time.Time) error {
	return errTodo
}

// AuditSamples loads an audit's drawn items in draw order, with their scores.
func (tx *Tx) AuditSamples(ctx context.Context, auditID int64) ([]domain.SampleItem, error) {
	return nil, errTodo
}

// SaveScore records (or replaces) the score of a sampled item and its findings.
func (tx *Tx) SaveScore(ctx context.Context, auditID int64, s domain.ItemScore, findings []domain.AuditFinding) error {
	return errTodo
}

// AuditFindings lists an audit's findings.
func (tx *Tx) AuditFindings(ctx context.Context, auditID int64) ([]domain.AuditFinding, error) {
	return nil, errTodo
}

// CompleteAudit records an audit's errors and verdict. EConflict when it
// is not being scored.
func (tx *Tx) CompleteAudit(ctx context.Context, auditID int64, errors int, verdict string, at time.Time) error {
	return errTodo
}

// CreateCorrectiveAction records a corrective action (c.ID set).
func (tx *Tx) CreateCorrectiveAction(ctx context.Context, c *domain.CorrectiveAction) error {
	return errTodo
}

// CorrectiveAction loads one corrective action of an engagement.
func (tx *Tx) CorrectiveAction(ctx context.Context, engagementID, id int64) (domain.CorrectiveAction, error) {
	return domain.CorrectiveAction{}, errTodo
}

// CorrectiveActions lists an engagement's corrective actions, newest first.
func (tx *Tx) CorrectiveActions(ctx context.Context, engagementID int64) ([]domain.CorrectiveAction, error) {
	return nil, errTodo
}

// RespondCorrectiveAction records the vendor's response (open -> responded).
func (tx *Tx) RespondCorrectiveAction(ctx context.Context, id, by int64, response string, at time.Time) error {
	return errTodo
}

// VerifyCorrectiveAction closes a responded action (accept) or reopens it
// with the attorney's note.
func (tx *Tx) VerifyCorrectiveAction(ctx context.Context, id, by int64, accept bool, note string, at time.Time) error {
	return errTodo
}
