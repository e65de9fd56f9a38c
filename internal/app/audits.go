package app

import (
	"context"
	"errors"
	"io"

	"github.com/probity/probity/internal/domain"
)

// Quality audits of an engagement's vendor output: the audit plan, batches
// of items imported from CSV, audits drawn from a recorded seed, scored by
// the auditor (an attorney or a firm reviewer, never the vendor) against
// the plan's rubric, completed with a verdict that moves the plan's
// switching state (and can pause the engagement), and corrective actions
// the vendor answers and the attorney verifies. Every use case loads the
// engagement through onEngagement with domain.ActivityAudit (the vendor's
// answer: domain.ActivityCorrective).

var errTodo = errors.New("app: not implemented yet")

// AuditsView is an engagement's quality-audit tab. A client contact sees
// completed audits only (verdict and statement, no items, batches or
// corrective actions); a vendor user sees the plan, the audits' verdicts
// and the corrective actions raised to the vendor, never the items' scores.
type AuditsView struct {
	EngagementRef
	Plan       *domain.AuditPlan // nil: no plan yet
	Rules      []string          // the switching rules in words (domain.SwitchRules)
	Batches    []domain.AuditBatch
	Audits     []domain.Audit
	Corrective []domain.CorrectiveAction
	Auditors   []domain.User // who may be named auditor (attorneys and staff)
	CanPlan    bool          // PlanAudits on this engagement now
	CanAudit   bool          // ConductAudits on this engagement now
	CanRespond bool          // RespondCorrective
	CanVerify  bool          // VerifyCorrective (the supervising attorney)
}

// QualityAudits loads an engagement's audit tab for actor.
func (a *App) QualityAudits(ctx context.Context, actor domain.User, engagementID int64) (AuditsView, error) {
	return AuditsView{}, errTodo
}

// SetAuditPlan creates or replaces the engagement's audit plan after
// checking every field (domain errors name the field); the switch state
// and history are kept.
func (a *App) SetAuditPlan(ctx context.Context, actor domain.User, engagementID int64, p domain.AuditPlan) (domain.AuditPlan, error) {
	return domain.AuditPlan{}, errTodo
}

// ImportAuditBatch reads a CSV of items (item id, the vendor's decision or
// output, the person who did it, optional further columns) into a new
// batch. A CSV with a duplicate id, an empty id, no rows or a bad header is
// refused whole, naming the line; nothing is saved.
func (a *App) ImportAuditBatch(ctx context.Context, actor domain.User, engagementID int64, name string, csv io.Reader) (domain.AuditBatch, error) {
	return domain.AuditBatch{}, errTodo
}

// StartAuditInput starts an audit: a due one (AuditID), or a manual audit
// now (AuditID 0). BatchID names the batch for a batch_items population.
// Seed is recorded as given, or a fresh one when empty.
type StartAuditInput struct {
	AuditID int64
	BatchID int64
	Seed    string
}

// StartAudit freezes the population, computes the sample size under the
// plan's method and switch state, draws the sample from the seed and
// records it, and sets the audit scoring.
func (a *App) StartAudit(ctx context.Context, actor domain.User, engagementID int64, in StartAuditInput) (domain.Audit, error) {
	return domain.Audit{}, errTodo
}

// AuditDetail is one audit's page.
type AuditDetail struct {
	EngagementRef
	Audit         domain.Audit
	Items         []domain.SampleItem // empty for vendor users and clients
	Results       domain.AuditResults
	Findings      []domain.AuditFinding
	Corrective    []domain.CorrectiveAction
	PositiveLabel string
	CanScore      bool
	CanRaise      bool
}

// AuditDetail loads one audit for actor.
func (a *App) AuditDetail(ctx context.Context, actor domain.User, engagementID, auditID int64) (AuditDetail, error) {
	return AuditDetail{}, errTodo
}

// ScoreAuditItem records the auditor's score of one sampled item. A score
// for an item not in the audit's sample, or naming a criterion not in its
// rubric, is refused.
func (a *App) ScoreAuditItem(ctx context.Context, actor domain.User, engagementID, auditID int64, s domain.ItemScore) error {
	return errTodo
}

// CompleteAudit completes a fully scored audit: records errors and the
// verdict, moves the plan's switch state, pauses the engagement after the
// plan's number of consecutive failures, and completes the engagement's
// final audit when it is the final one.
func (a *App) CompleteAudit(ctx context.Context, actor domain.User, engagementID, auditID int64) (AuditDetail, error) {
	return AuditDetail{}, errTodo
}

// RaiseCorrectiveAction raises a corrective action to the vendor from an
// audit (a finding, or the audit as a whole) with a due date.
func (a *App) RaiseCorrectiveAction(ctx context.Context, actor domain.User, engagementID, auditID int64, c domain.CorrectiveAction) (domain.CorrectiveAction, error) {
	return domain.CorrectiveAction{}, errTodo
}

// RespondCorrectiveAction records the vendor manager's response.
func (a *App) RespondCorrectiveAction(ctx context.Context, actor domain.User, engagementID, id int64, response string) error {
	return errTodo
}

// VerifyCorrectiveAction closes a responded corrective action (accept) or
// reopens it with the attorney's note.
func (a *App) VerifyCorrectiveAction(ctx context.Context, actor domain.User, engagementID, id int64, accept bool, note string) error {
	return errTodo
}

// MyAudits lists the audits due or being scored that actor is the auditor
// of (or supervises), oldest due first, overdue flagged: the home page and /audits.
func (a *App) MyAudits(ctx context.Context, actor domain.User) ([]domain.Audit, error) {
	return nil, errTodo
}

// ScheduleAudits creates the audits that have come due by each plan's
// cadence (and the final audits of closed engagements), exactly once per
// engagement and period, and emails each auditor. serve runs it
// periodically; it returns how many audits it created.
func (a *App) ScheduleAudits(ctx context.Context) (int, error) {
	return 0, errTodo
}
