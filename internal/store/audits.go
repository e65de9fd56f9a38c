package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/probity/probity/internal/domain"
)

// Quality audits (migration 0016): plans, imported batches, audits, their
// samples, scores and findings, and corrective actions. Proportions are
// stored as integer parts per million; rubrics and failed criteria as JSON.
// Large batches and samples are written with multi-row INSERTs and read
// back by position in chunks (bulkInsert, PopulationItems).

// bulkRows is how many positions one IN (...) list carries, and
// bulkParams about how many parameters one multi-row INSERT binds: well
// under both engines' limits (SQLite 32,766, PostgreSQL 65,535), and small
// enough that the SQLite driver's per-parameter name lookup, linear in the
// statement's parameters, stays cheap (3,500 parameters a statement made a
// 2,000-row sample four times slower to record).
const (
	bulkRows   = 500
	bulkParams = 400
)

// ppm encodes a proportion as parts per million.
func ppm(f float64) int64 { return int64(math.Round(f * 1e6)) }

// fromPPM decodes parts per million as a proportion.
func fromPPM(v int64) float64 { return float64(v) / 1e6 }

func criteriaJSON(cs []domain.Criterion) (string, error) {
	if cs == nil {
		cs = []domain.Criterion{}
	}
	b, err := json.Marshal(cs)
	return string(b), err
}

func parseCriteria(s string) ([]domain.Criterion, error) {
	var cs []domain.Criterion
	if s == "" {
		return cs, nil
	}
	if err := json.Unmarshal([]byte(s), &cs); err != nil {
		return nil, fmt.Errorf("audit rubric: %w", err)
	}
	return cs, nil
}

// bulkInsert writes rows (each len(cols) values) into table with multi-row
// INSERTs of about bulkParams parameters each. Full chunks share one
// statement text (prepared once); a shorter last chunk runs unprepared so
// the statement cache does not grow with every batch size.
func (tx *Tx) bulkInsert(ctx context.Context, table string, cols []string, rows [][]any) error {
	per := max(1, bulkParams/len(cols))
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(start+per, len(rows))]
		var b strings.Builder
		fmt.Fprintf(&b, "INSERT INTO %s (%s) VALUES ", table, strings.Join(cols, ", "))
		args := make([]any, 0, len(chunk)*len(cols))
		for i, r := range chunk {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('(')
			for j := range cols {
				if j > 0 {
					b.WriteString(", ")
				}
				fmt.Fprintf(&b, "$%d", len(args)+j+1)
			}
			b.WriteByte(')')
			args = append(args, r...)
		}
		var err error
		if len(chunk) == per {
			_, err = tx.exec(ctx, b.String(), args...)
		} else if _, err = tx.tx.ExecContext(ctx, b.String(), args...); err != nil {
			err = translate(tx.d, err)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// inList is "$from, $from+1, ..." for n parameters.
func inList(from, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "$%d", from+i)
	}
	return b.String()
}

const planCols = `p.id, p.engagement_id, p.cadence, p.every_n, p.population, p.method, p.confidence_ppm, p.margin_ppm, p.expected_ppm,
	p.max_error_ppm, p.z14_level, p.accept_number, p.reject_number, p.stratify, p.positive_label, p.criteria, COALESCE(p.auditor_id, 0),
	COALESCE(u.name, ''), p.allow_relax, p.pause_after, p.switch_state, p.updated_by, p.updated_at`

const planFrom = ` FROM audit_plans p LEFT JOIN users u ON u.id = p.auditor_id`

func scanPlan(r interface{ Scan(...any) error }) (domain.AuditPlan, error) {
	var p domain.AuditPlan
	var conf, margin, expected, maxErr, updated int64
	var criteria string
	err := r.Scan(&p.ID, &p.EngagementID, &p.Cadence, &p.EveryN, &p.Population, &p.Sampling.Method, &conf, &margin, &expected,
		&maxErr, &p.Sampling.Level, &p.Sampling.Accept, &p.Sampling.Reject, &p.Stratify, &p.PositiveLabel, &criteria, &p.AuditorID,
		&p.AuditorName, &p.AllowRelax, &p.PauseAfter, &p.Switch, &p.UpdatedBy, &updated)
	if err != nil {
		return p, err
	}
	p.Sampling.Confidence, p.Sampling.Margin, p.Sampling.Expected, p.MaxErrorRate = fromPPM(conf), fromPPM(margin), fromPPM(expected), fromPPM(maxErr)
	if p.Sampling.Method == domain.MethodZeroDefect {
		p.Sampling.MaxErrorRate = p.MaxErrorRate
	}
	p.UpdatedAt = fromUS(updated)
	p.Criteria, err = parseCriteria(criteria)
	return p, err
}

// planThreshold is the plan's error-rate threshold as stored: the plan's
// MaxErrorRate, else (zero-defect) the spec's.
func planThreshold(maxErr float64, spec domain.SampleSpec) float64 {
	if maxErr == 0 {
		return spec.MaxErrorRate
	}
	return maxErr
}

// SaveAuditPlan inserts or updates the engagement's audit plan (p.ID set).
// An existing plan keeps its switch state: only completed audits move it.
func (tx *Tx) SaveAuditPlan(ctx context.Context, p *domain.AuditPlan) error {
	criteria, err := criteriaJSON(p.Criteria)
	if err != nil {
		return err
	}
	sw := p.Switch
	if sw == "" {
		sw = domain.SwitchNormal
	}
	s := p.Sampling
	id, err := tx.insert(ctx, `INSERT INTO audit_plans (engagement_id, cadence, every_n, population, method, confidence_ppm, margin_ppm, expected_ppm,
		max_error_ppm, z14_level, accept_number, reject_number, stratify, positive_label, criteria, auditor_id, allow_relax, pause_after, switch_state,
		updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)
		ON CONFLICT (engagement_id) DO UPDATE SET cadence = excluded.cadence, every_n = excluded.every_n, population = excluded.population,
		method = excluded.method, confidence_ppm = excluded.confidence_ppm, margin_ppm = excluded.margin_ppm, expected_ppm = excluded.expected_ppm,
		max_error_ppm = excluded.max_error_ppm, z14_level = excluded.z14_level, accept_number = excluded.accept_number,
		reject_number = excluded.reject_number, stratify = excluded.stratify, positive_label = excluded.positive_label, criteria = excluded.criteria,
		auditor_id = excluded.auditor_id, allow_relax = excluded.allow_relax, pause_after = excluded.pause_after,
		updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		p.EngagementID, string(p.Cadence), p.EveryN, string(p.Population), string(s.Method), ppm(s.Confidence), ppm(s.Margin), ppm(s.Expected),
		ppm(planThreshold(p.MaxErrorRate, s)), s.Level, s.Accept, s.Reject, p.Stratify, p.PositiveLabel, criteria, nullID(p.AuditorID),
		p.AllowRelax, p.PauseAfter, string(sw), p.UpdatedBy, us(p.UpdatedAt))
	if err != nil {
		return err
	}
	p.ID = id
	return tx.queryRow(ctx, `SELECT switch_state FROM audit_plans WHERE id = $1`, id).Scan(&p.Switch)
}

// AuditPlan loads an engagement's audit plan (ENotFound when none).
func (tx *Tx) AuditPlan(ctx context.Context, engagementID int64) (domain.AuditPlan, error) {
	p, err := scanPlan(tx.queryRow(ctx, `SELECT `+planCols+planFrom+` WHERE p.engagement_id = $1`, engagementID))
	return p, one(err, "audit plan")
}

// ActiveAuditPlans lists the audit plans of engagements at stage active,
// by engagement: the plans the scheduler creates audits for.
func (tx *Tx) ActiveAuditPlans(ctx context.Context) ([]domain.AuditPlan, error) {
	rows, err := tx.query(ctx, `SELECT `+planCols+planFrom+` JOIN engagements e ON e.id = p.engagement_id WHERE e.stage = 'active' ORDER BY p.engagement_id`)
	return collect(rows, err, func(r *sql.Rows) (domain.AuditPlan, error) { return scanPlan(r) })
}

// SetSwitchState moves the plan's switch state.
func (tx *Tx) SetSwitchState(ctx context.Context, engagementID int64, s domain.SwitchState) error {
	r, err := tx.exec(ctx, `UPDATE audit_plans SET switch_state = $1 WHERE engagement_id = $2`, string(s), engagementID)
	return changedOne(r, err, "the audit plan was removed meanwhile; reload the page")
}

const batchCols = `b.id, b.engagement_id, b.name, b.items, b.people, b.imported_by, u.name, b.imported_at`

const batchFrom = ` FROM audit_batches b JOIN users u ON u.id = b.imported_by`

func scanBatch(r interface{ Scan(...any) error }) (domain.AuditBatch, error) {
	var b domain.AuditBatch
	var at int64
	err := r.Scan(&b.ID, &b.EngagementID, &b.Name, &b.Items, &b.People, &b.ImportedBy, &b.ImportedName, &at)
	b.ImportedAt = fromUS(at)
	return b, err
}

// CreateAuditBatch stores a batch and its items (positions 1..len(items),
// in the order given; the items' own Position is ignored). b.Items and
// b.People are set from the items. EConflict when the engagement already
// has a batch of that name.
func (tx *Tx) CreateAuditBatch(ctx context.Context, b *domain.AuditBatch, items []domain.PopulationItem) error {
	if len(items) == 0 {
		return domain.Invalid("file", "the batch has no items")
	}
	people := map[string]bool{}
	for _, it := range items {
		if it.Person != "" {
			people[it.Person] = true
		}
	}
	b.Items, b.People = int64(len(items)), len(people)
	var n int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM audit_batches WHERE engagement_id = $1 AND name = $2`, b.EngagementID, b.Name).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return domain.Errorf(domain.EConflict, "the engagement already has a batch named %q", b.Name)
	}
	id, err := tx.insert(ctx, `INSERT INTO audit_batches (engagement_id, name, items, people, imported_by, imported_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		b.EngagementID, b.Name, b.Items, b.People, b.ImportedBy, us(b.ImportedAt))
	if err != nil {
		return err
	}
	b.ID = id
	rows := make([][]any, len(items))
	for i, it := range items {
		rows[i] = []any{id, int64(i + 1), it.Key, it.Decision, it.Person, it.Metadata}
	}
	return tx.bulkInsert(ctx, "audit_population_items", []string{"batch_id", "position", "item_key", "decision", "person", "metadata"}, rows)
}

// AuditBatch loads one batch of an engagement (ENotFound when none).
func (tx *Tx) AuditBatch(ctx context.Context, engagementID, batchID int64) (domain.AuditBatch, error) {
	b, err := scanBatch(tx.queryRow(ctx, `SELECT `+batchCols+batchFrom+` WHERE b.engagement_id = $1 AND b.id = $2`, engagementID, batchID))
	return b, one(err, "batch")
}

// AuditBatches lists an engagement's batches, newest first.
func (tx *Tx) AuditBatches(ctx context.Context, engagementID int64) ([]domain.AuditBatch, error) {
	rows, err := tx.query(ctx, `SELECT `+batchCols+batchFrom+` WHERE b.engagement_id = $1 ORDER BY b.imported_at DESC, b.id DESC`, engagementID)
	return collect(rows, err, func(r *sql.Rows) (domain.AuditBatch, error) { return scanBatch(r) })
}

// PopulationItems loads the batch's items at positions, in the order given.
// A position the batch does not have is an ENotFound error.
func (tx *Tx) PopulationItems(ctx context.Context, batchID int64, positions []int64) ([]domain.PopulationItem, error) {
	at := make(map[int64]domain.PopulationItem, len(positions))
	q := `SELECT position, item_key, decision, person, metadata FROM audit_population_items WHERE batch_id = $1 AND position IN (` + inList(2, bulkRows) + `)`
	args := make([]any, bulkRows+1)
	args[0] = batchID
	for start := 0; start < len(positions); start += bulkRows {
		chunk := positions[start:min(start+bulkRows, len(positions))]
		// A short chunk repeats its last position, so every chunk has the
		// same (prepared) statement text.
		for i := range bulkRows {
			args[i+1] = chunk[min(i, len(chunk)-1)]
		}
		rows, err := tx.query(ctx, q, args...)
		items, err := collect(rows, err, func(r *sql.Rows) (it domain.PopulationItem, err error) {
			err = r.Scan(&it.Position, &it.Key, &it.Decision, &it.Person, &it.Metadata)
			return it, err
		})
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			at[it.Position] = it
		}
	}
	out := make([]domain.PopulationItem, len(positions))
	for i, p := range positions {
		it, ok := at[p]
		if !ok {
			return nil, domain.Errorf(domain.ENotFound, "the batch has no item at position %d", p)
		}
		out[i] = it
	}
	return out, nil
}

// BatchStrata lists the batch's positions grouped by person, persons in
// byte order of their names and positions ascending within each: the strata of a
// stratified draw.
func (tx *Tx) BatchStrata(ctx context.Context, batchID int64) (map[string][]int64, []string, error) {
	rows, err := tx.query(ctx, `SELECT person, position FROM audit_population_items WHERE batch_id = $1 ORDER BY position`, batchID)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	by := map[string][]int64{}
	var names []string
	for rows.Next() {
		var person string
		var pos int64
		if err := rows.Scan(&person, &pos); err != nil {
			return nil, nil, err
		}
		if _, ok := by[person]; !ok {
			names = append(names, person)
		}
		by[person] = append(by[person], pos)
	}
	// Names in byte order, in Go rather than by the database's collation,
	// so both engines (and `probity audit sample --stratify`) agree.
	slices.Sort(names)
	return by, names, rows.Err()
}

// VersionItem is a submitted deliverable version as an item of an audit
// population.
type VersionItem struct {
	VersionID int64
	Key       string // "D<deliverable id> v<version>: <title>"
	Person    string // who at the vendor submitted it
}

// SubmittedVersions lists the engagement's submitted deliverable versions
// in population order (submitted_at, id): position i+1 is element i.
func (tx *Tx) SubmittedVersions(ctx context.Context, engagementID int64) ([]VersionItem, error) {
	rows, err := tx.query(ctx, `SELECT v.id, v.deliverable_id, v.version, d.title, u.name FROM deliverable_versions v
		JOIN deliverables d ON d.id = v.deliverable_id JOIN users u ON u.id = v.submitted_by
		WHERE v.engagement_id = $1 ORDER BY v.submitted_at, v.id`, engagementID)
	return collect(rows, err, func(r *sql.Rows) (VersionItem, error) {
		var v VersionItem
		var did int64
		var n int
		var title string
		err := r.Scan(&v.VersionID, &did, &n, &title, &v.Person)
		v.Key = fmt.Sprintf("D%d v%d: %s", did, n, title)
		return v, err
	})
}

// CountSubmittedVersions counts the engagement's submitted deliverable versions.
func (tx *Tx) CountSubmittedVersions(ctx context.Context, engagementID int64) (int, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT COUNT(*) FROM deliverable_versions WHERE engagement_id = $1`, engagementID).Scan(&n)
	return n, err
}

// LastDeliverablesAudit is the count of submitted versions recorded by the
// engagement's latest audit due by deliverables (period
// "deliverables:<count>"), 0 when none.
func (tx *Tx) LastDeliverablesAudit(ctx context.Context, engagementID int64) (int, error) {
	rows, err := tx.query(ctx, `SELECT period FROM audits WHERE engagement_id = $1 AND period LIKE 'deliverables:%'`, engagementID)
	periods, err := collect(rows, err, func(r *sql.Rows) (p string, err error) { err = r.Scan(&p); return p, err })
	last := 0
	for _, p := range periods {
		if n, err := strconv.Atoi(strings.TrimPrefix(p, "deliverables:")); err == nil && n > last {
			last = n
		}
	}
	return last, err
}

const qaAuditCols = `a.id, a.engagement_id, a.kind, a.period, a.due_on, a.state, COALESCE(a.auditor_id, 0), COALESCE(u.name, ''), COALESCE(a.batch_id, 0),
	a.population_size, a.sample_size, a.seed, a.method, a.confidence_ppm, a.margin_ppm, a.expected_ppm, a.max_error_ppm, a.z14_level,
	a.accept_number, a.reject_number, a.switch_state, a.stratified, a.criteria, a.errors, a.verdict, a.started_at, a.completed_at, a.created_at,
	(SELECT COUNT(*) FROM audit_scores s WHERE s.audit_id = a.id)`

const qaAuditFrom = ` FROM audits a LEFT JOIN users u ON u.id = a.auditor_id`

func scanQAAudit(r interface{ Scan(...any) error }, extra ...any) (domain.Audit, error) {
	var a domain.Audit
	var conf, margin, expected, maxErr, started, completed, created int64
	var criteria string
	dest := []any{&a.ID, &a.EngagementID, &a.Kind, &a.Period, &a.DueOn, &a.State, &a.AuditorID, &a.AuditorName, &a.BatchID,
		&a.Population, &a.SampleSize, &a.Seed, &a.Spec.Method, &conf, &margin, &expected, &maxErr, &a.Spec.Level,
		&a.Spec.Accept, &a.Spec.Reject, &a.Switch, &a.Stratified, &criteria, &a.Errors, &a.Verdict, &started, &completed, &created, &a.Scored}
	if err := r.Scan(append(dest, extra...)...); err != nil {
		return a, err
	}
	a.Spec.Population = a.Population
	a.Spec.Confidence, a.Spec.Margin, a.Spec.Expected, a.MaxErrorRate = fromPPM(conf), fromPPM(margin), fromPPM(expected), fromPPM(maxErr)
	if a.Spec.Method == domain.MethodZeroDefect {
		a.Spec.MaxErrorRate = a.MaxErrorRate
	}
	a.StartedAt, a.CompletedAt, a.CreatedAt = orZero(started), orZero(completed), fromUS(created)
	var err error
	a.Criteria, err = parseCriteria(criteria)
	return a, err
}

// CreateAudit records an audit (a.ID set) unless one exists for its
// engagement and period; created reports which (a.ID is then the existing
// audit's). Concurrent callers for one period create it exactly once.
func (tx *Tx) CreateAudit(ctx context.Context, a *domain.Audit) (created bool, err error) {
	if a.State == "" {
		a.State = domain.AuditDue
	}
	if a.Switch == "" {
		a.Switch = domain.SwitchNormal
	}
	criteria, err := criteriaJSON(a.Criteria)
	if err != nil {
		return false, err
	}
	var id int64
	err = tx.queryRow(ctx, `INSERT INTO audits (engagement_id, kind, period, due_on, state, auditor_id, batch_id, switch_state, criteria, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (engagement_id, period) DO NOTHING RETURNING id`,
		a.EngagementID, string(a.Kind), a.Period, string(a.DueOn), string(a.State), nullID(a.AuditorID), nullID(a.BatchID), string(a.Switch),
		criteria, us(a.CreatedAt)).Scan(&id)
	switch {
	case err == nil:
		a.ID = id
		return true, nil
	case errors.Is(err, sql.ErrNoRows):
		err = tx.queryRow(ctx, `SELECT id FROM audits WHERE engagement_id = $1 AND period = $2`, a.EngagementID, a.Period).Scan(&a.ID)
		return false, err
	}
	return false, translate(tx.d, err)
}

// MarkAuditNotified records when the auditor was emailed about a due audit.
func (tx *Tx) MarkAuditNotified(ctx context.Context, auditID int64, at time.Time) error {
	_, err := tx.exec(ctx, `UPDATE audits SET notified_at = $1 WHERE id = $2`, us(at), auditID)
	return err
}

// Audit loads one audit of an engagement (ENotFound when none).
func (tx *Tx) Audit(ctx context.Context, engagementID, auditID int64) (domain.Audit, error) {
	a, err := scanQAAudit(tx.queryRow(ctx, `SELECT `+qaAuditCols+qaAuditFrom+` WHERE a.engagement_id = $1 AND a.id = $2`, engagementID, auditID))
	return a, one(err, "audit")
}

// AuditByPeriod loads the engagement's audit of a period, e.g. "final"
// (ENotFound when none).
func (tx *Tx) AuditByPeriod(ctx context.Context, engagementID int64, period string) (domain.Audit, error) {
	a, err := scanQAAudit(tx.queryRow(ctx, `SELECT `+qaAuditCols+qaAuditFrom+` WHERE a.engagement_id = $1 AND a.period = $2`, engagementID, period))
	return a, one(err, "audit")
}

// Audits lists an engagement's audits, newest due first.
func (tx *Tx) Audits(ctx context.Context, engagementID int64) ([]domain.Audit, error) {
	rows, err := tx.query(ctx, `SELECT `+qaAuditCols+qaAuditFrom+` WHERE a.engagement_id = $1 ORDER BY a.due_on DESC, a.id DESC`, engagementID)
	return collect(rows, err, func(r *sql.Rows) (domain.Audit, error) { return scanQAAudit(r) })
}

// CompletedVerdicts lists the verdicts of the engagement's completed
// audits, oldest completed first (the input of domain.SwitchAfter).
func (tx *Tx) CompletedVerdicts(ctx context.Context, engagementID int64) ([]string, error) {
	rows, err := tx.query(ctx, `SELECT verdict FROM audits WHERE engagement_id = $1 AND state = 'completed' ORDER BY completed_at, id`, engagementID)
	return collect(rows, err, func(r *sql.Rows) (v string, err error) { err = r.Scan(&v); return v, err })
}

// MyAudits lists the audits due or being scored whose auditor is userID
// or whose engagement userID supervises, on engagements in scope s (an
// ethical screen holds here too), oldest due first, with matter number and
// vendor name.
func (tx *Tx) MyAudits(ctx context.Context, s Scope, userID int64) ([]domain.Audit, error) {
	// Two indexed ways in (the person's own audits; the audits of the
	// engagements they supervise) rather than every open audit of the firm.
	rows, err := tx.query(ctx, `SELECT `+qaAuditCols+`, m.number, v.name`+qaAuditFrom+`
		JOIN engagements e ON e.id = a.engagement_id JOIN matters m ON m.id = e.matter_id JOIN vendors v ON v.id = e.vendor_id
		WHERE a.state IN ('due', 'scoring') AND a.id IN (SELECT mine.id FROM audits mine WHERE mine.auditor_id = $5
			UNION SELECT sup.id FROM engagements se JOIN audits sup ON sup.engagement_id = se.id WHERE se.supervising_attorney_id = $5)
			AND `+engagementVisible(1)+`
		ORDER BY a.due_on, a.id`, append(scopeArgs(s), userID)...)
	return collect(rows, err, func(r *sql.Rows) (domain.Audit, error) {
		var number, vendor string
		a, err := scanQAAudit(r, &number, &vendor)
		a.MatterNumber, a.VendorName = number, vendor
		return a, err
	})
}

// DrawAudit freezes a due audit's population, seed, spec, switch state and
// rubric (from a), sets it scoring and stores its drawn items in draw
// order. EConflict when the audit is no longer due. An audit without an
// auditor takes a.AuditorID.
func (tx *Tx) DrawAudit(ctx context.Context, a domain.Audit, items []domain.SampleItem, at time.Time) error {
	criteria, err := criteriaJSON(a.Criteria)
	if err != nil {
		return err
	}
	s := a.Spec
	r, err := tx.exec(ctx, `UPDATE audits SET state = 'scoring', batch_id = $1, population_size = $2, sample_size = $3, seed = $4, method = $5,
		confidence_ppm = $6, margin_ppm = $7, expected_ppm = $8, max_error_ppm = $9, z14_level = $10, accept_number = $11, reject_number = $12,
		switch_state = $13, stratified = $14, criteria = $15, started_at = $16, auditor_id = COALESCE(auditor_id, $17)
		WHERE id = $18 AND state = 'due'`,
		nullID(a.BatchID), a.Population, len(items), a.Seed, string(s.Method), ppm(s.Confidence), ppm(s.Margin), ppm(s.Expected),
		ppm(planThreshold(a.MaxErrorRate, s)), s.Level, s.Accept, s.Reject, string(a.Switch), a.Stratified, criteria, us(at), nullID(a.AuditorID), a.ID)
	if err := changedOne(r, err, "the audit was started meanwhile; reload the page"); err != nil {
		return err
	}
	rows := make([][]any, len(items))
	for i, it := range items {
		draw := it.Draw
		if draw == 0 {
			draw = i + 1
		}
		rows[i] = []any{a.ID, draw, it.Position, it.Key, nullID(it.DeliverableVersionID), it.Decision, it.Person}
	}
	return tx.bulkInsert(ctx, "audit_samples", []string{"audit_id", "draw", "position", "item_key", "deliverable_version_id", "decision", "person"}, rows)
}

// AuditSamples loads an audit's drawn items in draw order, with their scores.
func (tx *Tx) AuditSamples(ctx context.Context, auditID int64) ([]domain.SampleItem, error) {
	rows, err := tx.query(ctx, `SELECT s.id, s.audit_id, s.draw, s.position, s.item_key, COALESCE(s.deliverable_version_id, 0), s.decision, s.person,
		COALESCE(sc.sample_id, 0), COALESCE(sc.failed, '[]'), COALESCE(sc.correct_decision, ''), COALESCE(sc.note, ''), COALESCE(sc.scored_by, 0),
		COALESCE(u.name, ''), COALESCE(sc.scored_at, 0)
		FROM audit_samples s LEFT JOIN audit_scores sc ON sc.sample_id = s.id LEFT JOIN users u ON u.id = sc.scored_by
		WHERE s.audit_id = $1 ORDER BY s.draw`, auditID)
	return collect(rows, err, func(r *sql.Rows) (domain.SampleItem, error) {
		var it domain.SampleItem
		var sc domain.ItemScore
		var failed string
		var at int64
		err := r.Scan(&it.ID, &it.AuditID, &it.Draw, &it.Position, &it.Key, &it.DeliverableVersionID, &it.Decision, &it.Person,
			&sc.SampleID, &failed, &sc.CorrectDecision, &sc.Note, &sc.ScoredBy, &sc.ScoredName, &at)
		if err != nil || sc.SampleID == 0 {
			return it, err
		}
		if failed != "[]" { // most items pass: skip decoding an empty list
			if err := json.Unmarshal([]byte(failed), &sc.Failed); err != nil {
				return it, fmt.Errorf("audit score %d: %w", sc.SampleID, err)
			}
		}
		sc.ScoredAt = fromUS(at)
		it.Score = &sc
		return it, nil
	})
}

// SaveScore records (or replaces) the score of a sampled item of a
// scoring audit and its findings (one per failed criterion). EConflict
// when the audit is not being scored, or when a finding the new score
// drops has a corrective action; ENotFound when the item is not in the
// audit's sample.
func (tx *Tx) SaveScore(ctx context.Context, auditID int64, s domain.ItemScore, findings []domain.AuditFinding) error {
	// Touching the audit row locks it (PostgreSQL) against a concurrent completion.
	r, err := tx.exec(ctx, `UPDATE audits SET state = state WHERE id = $1 AND state = 'scoring'`, auditID)
	if err := changedOne(r, err, "the audit is not being scored (it was completed meanwhile); reload the page"); err != nil {
		return err
	}
	var n int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM audit_samples WHERE id = $1 AND audit_id = $2`, s.SampleID, auditID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return domain.Errorf(domain.ENotFound, "item %d is not in this audit's sample", s.SampleID)
	}
	failed := s.Failed
	if failed == nil {
		failed = []string{}
	}
	fj, err := json.Marshal(failed)
	if err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `INSERT INTO audit_scores (sample_id, audit_id, failed, correct_decision, note, scored_by, scored_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (sample_id) DO UPDATE SET failed = excluded.failed,
		correct_decision = excluded.correct_decision, note = excluded.note, scored_by = excluded.scored_by, scored_at = excluded.scored_at`,
		s.SampleID, auditID, string(fj), s.CorrectDecision, s.Note, s.ScoredBy, us(s.ScoredAt)); err != nil {
		return err
	}
	keep := map[string]bool{}
	for _, f := range findings {
		keep[f.Criterion] = true
	}
	type oldFinding struct {
		id     int64
		key    string
		raised int
	}
	rows, err := tx.query(ctx, `SELECT f.id, f.criterion, (SELECT COUNT(*) FROM corrective_actions c WHERE c.finding_id = f.id)
		FROM audit_findings f WHERE f.sample_id = $1`, s.SampleID)
	old, err := collect(rows, err, func(r *sql.Rows) (o oldFinding, err error) {
		err = r.Scan(&o.id, &o.key, &o.raised)
		return o, err
	})
	if err != nil {
		return err
	}
	for _, o := range old {
		if keep[o.key] {
			continue
		}
		if o.raised > 0 {
			return domain.Errorf(domain.EConflict, "a corrective action was raised on this item's %s finding, so the item cannot be cleared of it", o.key)
		}
		if _, err := tx.exec(ctx, `DELETE FROM audit_findings WHERE id = $1`, o.id); err != nil {
			return err
		}
	}
	for _, f := range findings {
		if _, err := tx.exec(ctx, `INSERT INTO audit_findings (audit_id, sample_id, criterion, weight, note) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (sample_id, criterion) DO UPDATE SET weight = excluded.weight, note = excluded.note`,
			auditID, s.SampleID, f.Criterion, string(f.Weight), f.Note); err != nil {
			return err
		}
	}
	return nil
}

// AuditFindings lists an audit's findings in draw order of their items.
func (tx *Tx) AuditFindings(ctx context.Context, auditID int64) ([]domain.AuditFinding, error) {
	rows, err := tx.query(ctx, `SELECT f.id, f.audit_id, f.sample_id, s.item_key, f.criterion, f.weight, f.note
		FROM audit_findings f JOIN audit_samples s ON s.id = f.sample_id WHERE f.audit_id = $1 ORDER BY s.draw, f.id`, auditID)
	return collect(rows, err, func(r *sql.Rows) (f domain.AuditFinding, err error) {
		err = r.Scan(&f.ID, &f.AuditID, &f.SampleID, &f.ItemKey, &f.Criterion, &f.Weight, &f.Note)
		return f, err
	})
}

// CompleteAudit records an audit's errors and verdict. EConflict when it
// is not being scored.
func (tx *Tx) CompleteAudit(ctx context.Context, auditID int64, errors int, verdict string, at time.Time) error {
	r, err := tx.exec(ctx, `UPDATE audits SET state = 'completed', errors = $1, verdict = $2, completed_at = $3 WHERE id = $4 AND state = 'scoring'`,
		errors, verdict, us(at), auditID)
	return changedOne(r, err, "the audit is not being scored (it was completed meanwhile); reload the page")
}

// DueFinalAudit is a closed engagement's final audit that has no audit yet.
type DueFinalAudit struct {
	EngagementID int64
	DueOn        domain.Date
}

// FinalAuditsWithoutAudit lists the final audits still due (not completed)
// whose engagement has no audit of period "final" yet.
func (tx *Tx) FinalAuditsWithoutAudit(ctx context.Context) ([]DueFinalAudit, error) {
	rows, err := tx.query(ctx, `SELECT f.engagement_id, f.due_on FROM final_audits f
		WHERE f.completed_at = 0 AND NOT EXISTS (SELECT 1 FROM audits a WHERE a.engagement_id = f.engagement_id AND a.period = 'final')
		ORDER BY f.engagement_id`)
	return collect(rows, err, func(r *sql.Rows) (d DueFinalAudit, err error) {
		err = r.Scan(&d.EngagementID, &d.DueOn)
		return d, err
	})
}

// CompleteFinalAudit records that the engagement's final audit is done
// (no change when it was already recorded).
func (tx *Tx) CompleteFinalAudit(ctx context.Context, engagementID int64, at time.Time) error {
	_, err := tx.exec(ctx, `UPDATE final_audits SET completed_at = $1 WHERE engagement_id = $2 AND completed_at = 0`, us(at), engagementID)
	return err
}

const correctiveCols = `c.id, c.audit_id, c.engagement_id, c.vendor_id, COALESCE(c.finding_id, 0), c.description, c.due_on, c.state, c.raised_by, u.name,
	c.raised_at, c.response, COALESCE(c.responded_by, 0), c.responded_at, c.verify_note, COALESCE(c.closed_by, 0), c.closed_at,
	COALESCE(f.criterion, ''), COALESCE(sm.item_key, '')`

// correctiveFrom joins the raiser and, for an action raised from a
// finding, the finding's criterion and item, which the vendor is shown.
const correctiveFrom = ` FROM corrective_actions c JOIN users u ON u.id = c.raised_by
	LEFT JOIN audit_findings f ON f.id = c.finding_id LEFT JOIN audit_samples sm ON sm.id = f.sample_id`

func scanCorrective(r interface{ Scan(...any) error }) (domain.CorrectiveAction, error) {
	var c domain.CorrectiveAction
	var raised, responded, closed int64
	err := r.Scan(&c.ID, &c.AuditID, &c.EngagementID, &c.VendorID, &c.FindingID, &c.Description, &c.DueOn, &c.State, &c.RaisedBy, &c.RaisedName,
		&raised, &c.Response, &c.RespondedBy, &responded, &c.VerifyNote, &c.ClosedBy, &closed, &c.Criterion, &c.ItemKey)
	c.RaisedAt, c.RespondedAt, c.ClosedAt = fromUS(raised), orZero(responded), orZero(closed)
	return c, err
}

// CreateCorrectiveAction records a corrective action (c.ID set), open.
func (tx *Tx) CreateCorrectiveAction(ctx context.Context, c *domain.CorrectiveAction) error {
	id, err := tx.insert(ctx, `INSERT INTO corrective_actions (audit_id, engagement_id, vendor_id, finding_id, description, due_on, state, raised_by, raised_at)
		VALUES ($1, $2, $3, $4, $5, $6, 'open', $7, $8)`, c.AuditID, c.EngagementID, c.VendorID, nullID(c.FindingID), c.Description, string(c.DueOn),
		c.RaisedBy, us(c.RaisedAt))
	c.ID, c.State = id, domain.CorrectiveOpen
	return err
}

// CorrectiveAction loads one corrective action of an engagement.
func (tx *Tx) CorrectiveAction(ctx context.Context, engagementID, id int64) (domain.CorrectiveAction, error) {
	c, err := scanCorrective(tx.queryRow(ctx, `SELECT `+correctiveCols+correctiveFrom+` WHERE c.engagement_id = $1 AND c.id = $2`, engagementID, id))
	return c, one(err, "corrective action")
}

// CorrectiveActions lists an engagement's corrective actions, newest first.
func (tx *Tx) CorrectiveActions(ctx context.Context, engagementID int64) ([]domain.CorrectiveAction, error) {
	rows, err := tx.query(ctx, `SELECT `+correctiveCols+correctiveFrom+` WHERE c.engagement_id = $1 ORDER BY c.raised_at DESC, c.id DESC`, engagementID)
	return collect(rows, err, func(r *sql.Rows) (domain.CorrectiveAction, error) { return scanCorrective(r) })
}

// RespondCorrectiveAction records the vendor's response (open -> responded).
// EConflict when the action is not open.
func (tx *Tx) RespondCorrectiveAction(ctx context.Context, id, by int64, response string, at time.Time) error {
	r, err := tx.exec(ctx, `UPDATE corrective_actions SET state = 'responded', response = $1, responded_by = $2, responded_at = $3
		WHERE id = $4 AND state = 'open'`, response, by, us(at), id)
	return changedOne(r, err, "the corrective action was answered or closed meanwhile; reload the page")
}

// VerifyCorrectiveAction closes a responded action (accept) or reopens it
// with the attorney's note. EConflict when it is not awaiting verification.
func (tx *Tx) VerifyCorrectiveAction(ctx context.Context, id, by int64, accept bool, note string, at time.Time) error {
	var r sql.Result
	var err error
	if accept {
		r, err = tx.exec(ctx, `UPDATE corrective_actions SET state = 'closed', verify_note = $1, closed_by = $2, closed_at = $3
			WHERE id = $4 AND state = 'responded'`, note, by, us(at), id)
	} else {
		r, err = tx.exec(ctx, `UPDATE corrective_actions SET state = 'open', verify_note = $1 WHERE id = $2 AND state = 'responded'`, note, id)
	}
	return changedOne(r, err, "the corrective action was verified or changed meanwhile; reload the page")
}

// DrawFromBatch draws au's sample from batch b under the plan (p.Freeze
// already applied to au): the batch's items uniformly from au.Seed, or, for
// a stratified plan, each person's items with their own size and a seed of
// their own (domain.DrawStratified); it records the population on au and
// returns the drawn items in draw order. StartAudit and the demo both draw
// here, so a demo audit reproduces with `probity audit sample`.
func (tx *Tx) DrawFromBatch(ctx context.Context, p domain.AuditPlan, au *domain.Audit, b domain.AuditBatch) ([]domain.SampleItem, error) {
	if b.Items < 1 {
		return nil, domain.Invalid("batch", "there is nothing to sample: batch %q has no items", b.Name)
	}
	au.BatchID, au.Population, au.Spec.Population = b.ID, b.Items, b.Items
	var pos []int64
	if p.Stratify {
		au.Stratified = true
		by, names, err := tx.BatchStrata(ctx, b.ID)
		if err != nil {
			return nil, err
		}
		strata := make([]domain.Stratum, len(names))
		for i, name := range names {
			strata[i] = domain.Stratum{Name: name, Size: int64(len(by[name]))}
		}
		var sizeErr error
		drawn, err := domain.DrawStratified(au.Seed, strata, func(n int64) int {
			k, err := p.SampleSizeFor(n)
			if err != nil && sizeErr == nil {
				sizeErr = err
			}
			return k
		})
		if sizeErr != nil {
			return nil, sizeErr
		}
		if err != nil {
			return nil, err
		}
		for _, s := range drawn {
			for _, k := range s.Drawn {
				pos = append(pos, by[s.Name][k-1])
			}
		}
	} else {
		n, err := p.SampleSizeFor(b.Items)
		if err != nil {
			return nil, err
		}
		if pos, err = domain.DrawSample(au.Seed, b.Items, n); err != nil {
			return nil, err
		}
	}
	found, err := tx.PopulationItems(ctx, b.ID, pos)
	if err != nil {
		return nil, err
	}
	items := make([]domain.SampleItem, len(found))
	for i, it := range found {
		items[i] = domain.SampleItem{Draw: i + 1, Position: it.Position, Key: it.Key, Decision: it.Decision, Person: it.Person}
	}
	return items, nil
}
