package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/probity/probity/internal/domain"
)

// Vendor time entries (migration 0012).

const timeEntryCols = `t.id, t.engagement_id, t.sow_item_id, i.title, t.user_id, u.name, t.worked_on, t.tenths, t.task_code, t.activity_code, t.narrative,
	t.state, t.return_reason, COALESCE(t.decided_by, 0), t.decided_at, t.created_at`

const timeEntryFrom = ` FROM time_entries t JOIN sow_items i ON i.id = t.sow_item_id JOIN users u ON u.id = t.user_id`

func scanTimeEntry(r interface{ Scan(...any) error }) (domain.TimeEntry, error) {
	var t domain.TimeEntry
	var decided, created int64
	err := r.Scan(&t.ID, &t.EngagementID, &t.WorkItemID, &t.WorkItem, &t.UserID, &t.UserName, &t.WorkedOn, &t.Hours, &t.TaskCode, &t.ActivityCode,
		&t.Narrative, &t.State, &t.ReturnReason, &t.DecidedBy, &decided, &created)
	t.DecidedAt, t.CreatedAt = orZero(decided), fromUS(created)
	return t, err
}

// TimeEntries lists an engagement's time entries, newest day first; a
// non-zero userID keeps one person's.
func (tx *Tx) TimeEntries(ctx context.Context, engagementID, userID int64) ([]domain.TimeEntry, error) {
	rows, err := tx.query(ctx, `SELECT `+timeEntryCols+timeEntryFrom+` WHERE t.engagement_id = $1 AND ($2 = 0 OR t.user_id = $2)
		ORDER BY t.worked_on DESC, t.id DESC`, engagementID, userID)
	return collect(rows, err, func(r *sql.Rows) (domain.TimeEntry, error) { return scanTimeEntry(r) })
}

// TimeEntry loads one time entry of an engagement.
func (tx *Tx) TimeEntry(ctx context.Context, engagementID, id int64) (domain.TimeEntry, error) {
	t, err := scanTimeEntry(tx.queryRow(ctx, `SELECT `+timeEntryCols+timeEntryFrom+` WHERE t.engagement_id = $1 AND t.id = $2`, engagementID, id))
	return t, one(err, "time entry")
}

// DayTotal is what userID recorded on day across all engagements, leaving
// out entry exceptID.
func (tx *Tx) DayTotal(ctx context.Context, userID int64, day domain.Date, exceptID int64) (domain.Tenths, error) {
	var n int64
	err := tx.queryRow(ctx, `SELECT COALESCE(SUM(tenths), 0) FROM time_entries WHERE user_id = $1 AND worked_on = $2 AND id <> $3`,
		userID, string(day), exceptID).Scan(&n)
	return domain.Tenths(n), err
}

// CreateTimeEntry stores a new entry.
func (tx *Tx) CreateTimeEntry(ctx context.Context, t *domain.TimeEntry, now time.Time) error {
	id, err := tx.insert(ctx, `INSERT INTO time_entries (engagement_id, sow_item_id, user_id, worked_on, tenths, task_code, activity_code, narrative, state,
		created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)`,
		t.EngagementID, t.WorkItemID, t.UserID, string(t.WorkedOn), int64(t.Hours), t.TaskCode, t.ActivityCode, t.Narrative, string(t.State), us(now))
	t.ID, t.CreatedAt = id, now
	return err
}

// UpdateTimeEntry rewrites a draft or returned entry, which becomes state
// t.State; EConflict when it is no longer draft or returned.
func (tx *Tx) UpdateTimeEntry(ctx context.Context, t domain.TimeEntry, now time.Time) error {
	r, err := tx.exec(ctx, `UPDATE time_entries SET sow_item_id = $1, worked_on = $2, tenths = $3, task_code = $4, activity_code = $5, narrative = $6,
		state = $7, updated_at = $8 WHERE id = $9 AND state IN ('draft','returned')`,
		t.WorkItemID, string(t.WorkedOn), int64(t.Hours), t.TaskCode, t.ActivityCode, t.Narrative, string(t.State), us(now), t.ID)
	return sowChanged(r, err, "the time entry was submitted or decided meanwhile; reload the page")
}

// DecideTimeEntry moves a submitted entry to approved or returned (with a
// reason); EConflict when it is no longer submitted.
func (tx *Tx) DecideTimeEntry(ctx context.Context, id int64, to domain.TimeState, reason string, by int64, at time.Time) error {
	r, err := tx.exec(ctx, `UPDATE time_entries SET state = $1, return_reason = $2, decided_by = $3, decided_at = $4, updated_at = $4
		WHERE id = $5 AND state = 'submitted'`, string(to), reason, by, us(at), id)
	return sowChanged(r, err, "the time entry is no longer waiting for a decision; reload the page")
}

// SubmitTimeEntry moves a draft or returned entry to submitted.
func (tx *Tx) SubmitTimeEntry(ctx context.Context, id int64, at time.Time) error {
	r, err := tx.exec(ctx, `UPDATE time_entries SET state = 'submitted', updated_at = $1 WHERE id = $2 AND state IN ('draft','returned')`, us(at), id)
	return sowChanged(r, err, "the time entry was already submitted; reload the page")
}
