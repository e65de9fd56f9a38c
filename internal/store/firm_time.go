package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/probity/probity/internal/domain"
)

// The firm's own time (migration 0018, firm_time_entries). Part C sets
// client_invoice_id when it bills an entry; an entry with one never changes
// here (the updates and deletes below require it to be NULL).

const firmTimeCols = `f.id, f.matter_id, m.number, COALESCE(f.engagement_id, 0), f.user_id, u.name, f.worked_on, f.tenths, f.purpose, f.task_code,
	f.activity_code, f.narrative, COALESCE(f.client_invoice_id, 0), f.created_by, f.created_at`

const firmTimeFrom = ` FROM firm_time_entries f JOIN matters m ON m.id = f.matter_id JOIN users u ON u.id = f.user_id`

func scanFirmTime(r interface{ Scan(...any) error }) (domain.FirmTimeEntry, error) {
	var t domain.FirmTimeEntry
	var at int64
	err := r.Scan(&t.ID, &t.MatterID, &t.MatterNumber, &t.EngagementID, &t.UserID, &t.UserName, &t.WorkedOn, &t.Hours, &t.Purpose, &t.TaskCode,
		&t.ActivityCode, &t.Narrative, &t.ClientInvoiceID, &t.CreatedBy, &at)
	t.CreatedAt = fromUS(at)
	return t, err
}

// InsertFirmTime stores a validated firm time entry (t.ID set); CreatedBy
// defaults to the user and CreatedAt must be set. The demo loader calls it.
func (tx *Tx) InsertFirmTime(ctx context.Context, t *domain.FirmTimeEntry) error {
	if t.CreatedBy == 0 {
		t.CreatedBy = t.UserID
	}
	if t.CreatedAt.IsZero() {
		t.CreatedAt = time.Unix(0, 0).UTC()
	}
	id, err := tx.insert(ctx, `INSERT INTO firm_time_entries (matter_id, engagement_id, user_id, worked_on, tenths, purpose, task_code, activity_code,
		narrative, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		t.MatterID, nullID(t.EngagementID), t.UserID, string(t.WorkedOn), int64(t.Hours), string(t.Purpose), t.TaskCode, t.ActivityCode,
		t.Narrative, t.CreatedBy, us(t.CreatedAt))
	t.ID = id
	return err
}

// FirmTimeEntry loads one entry within scope (its matter visible).
func (tx *Tx) FirmTimeEntry(ctx context.Context, s Scope, id int64) (domain.FirmTimeEntry, error) {
	t, err := scanFirmTime(tx.queryRow(ctx, `SELECT `+firmTimeCols+firmTimeFrom+` WHERE `+matterVisible(1)+` AND f.id = $5`,
		append(scopeArgs(s), id)...))
	return t, one(err, "time entry")
}

// FirmTimeFilter narrows FirmTimeEntries (zero values: any).
type FirmTimeFilter struct {
	UserID   int64
	MatterID int64
	From, To domain.Date
	Limit    int // 0: 1000
}

// FirmTimeEntries lists entries on matters in scope, newest day first.
func (tx *Tx) FirmTimeEntries(ctx context.Context, s Scope, f FirmTimeFilter) ([]domain.FirmTimeEntry, error) {
	if f.Limit <= 0 {
		f.Limit = 1000
	}
	rows, err := tx.query(ctx, `SELECT `+firmTimeCols+firmTimeFrom+` WHERE `+matterVisible(1)+`
		AND ($5 = 0 OR f.user_id = $5) AND ($6 = 0 OR f.matter_id = $6) AND ($7 = '' OR f.worked_on >= $7) AND ($8 = '' OR f.worked_on <= $8)
		ORDER BY f.worked_on DESC, f.id DESC LIMIT $9`,
		append(scopeArgs(s), f.UserID, f.MatterID, string(f.From), string(f.To), f.Limit)...)
	return collect(rows, err, func(r *sql.Rows) (domain.FirmTimeEntry, error) { return scanFirmTime(r) })
}

// FirmDayTotal is what userID recorded of the firm's own time on day,
// leaving out entry exceptID.
func (tx *Tx) FirmDayTotal(ctx context.Context, userID int64, day domain.Date, exceptID int64) (domain.Tenths, error) {
	var n int64
	err := tx.queryRow(ctx, `SELECT COALESCE(SUM(tenths), 0) FROM firm_time_entries WHERE user_id = $1 AND worked_on = $2 AND id <> $3`,
		userID, string(day), exceptID).Scan(&n)
	return domain.Tenths(n), err
}

// UpdateFirmTime rewrites an unbilled entry; EConflict once it is billed.
func (tx *Tx) UpdateFirmTime(ctx context.Context, t domain.FirmTimeEntry) error {
	r, err := tx.exec(ctx, `UPDATE firm_time_entries SET matter_id = $1, engagement_id = $2, worked_on = $3, tenths = $4, purpose = $5, task_code = $6,
		activity_code = $7, narrative = $8 WHERE id = $9 AND client_invoice_id IS NULL`,
		t.MatterID, nullID(t.EngagementID), string(t.WorkedOn), int64(t.Hours), string(t.Purpose), t.TaskCode, t.ActivityCode, t.Narrative, t.ID)
	return sowChanged(r, err, "the time entry is billed on a client invoice and no longer changes")
}

// DeleteFirmTime removes an unbilled entry; EConflict once it is billed.
func (tx *Tx) DeleteFirmTime(ctx context.Context, id int64) error {
	r, err := tx.exec(ctx, `DELETE FROM firm_time_entries WHERE id = $1 AND client_invoice_id IS NULL`, id)
	return sowChanged(r, err, "the time entry is billed on a client invoice and no longer changes")
}
