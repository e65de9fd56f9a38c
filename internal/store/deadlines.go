package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/probity/probity/internal/domain"
)

// Deadlines and calendar feed tokens (migration 0012).

const deadlineCols = `d.id, d.engagement_id, d.title, d.due_on, d.owner_id, u.name, COALESCE(d.sow_item_id, 0), COALESCE(i.title, ''),
	d.created_by, d.created_at, COALESCE(d.done_by, 0), d.done_at`

const deadlineFrom = ` FROM deadlines d JOIN users u ON u.id = d.owner_id LEFT JOIN sow_items i ON i.id = d.sow_item_id`

func scanDeadline(r interface{ Scan(...any) error }, extra ...any) (domain.Deadline, error) {
	var d domain.Deadline
	var created, done int64
	err := r.Scan(append([]any{&d.ID, &d.EngagementID, &d.Title, &d.DueOn, &d.OwnerID, &d.OwnerName, &d.WorkItemID, &d.WorkItem,
		&d.CreatedBy, &created, &d.DoneBy, &done}, extra...)...)
	d.CreatedAt, d.DoneAt = fromUS(created), orZero(done)
	return d, err
}

// Deadlines lists an engagement's deadlines by due date.
func (tx *Tx) Deadlines(ctx context.Context, engagementID int64) ([]domain.Deadline, error) {
	rows, err := tx.query(ctx, `SELECT `+deadlineCols+deadlineFrom+` WHERE d.engagement_id = $1 ORDER BY d.due_on, d.id`, engagementID)
	return collect(rows, err, func(r *sql.Rows) (domain.Deadline, error) { return scanDeadline(r) })
}

// Deadline loads one deadline of an engagement.
func (tx *Tx) Deadline(ctx context.Context, engagementID, id int64) (domain.Deadline, error) {
	d, err := scanDeadline(tx.queryRow(ctx, `SELECT `+deadlineCols+deadlineFrom+` WHERE d.engagement_id = $1 AND d.id = $2`, engagementID, id))
	return d, one(err, "deadline")
}

// CreateDeadline stores a deadline.
func (tx *Tx) CreateDeadline(ctx context.Context, d *domain.Deadline, now time.Time) error {
	id, err := tx.insert(ctx, `INSERT INTO deadlines (engagement_id, title, due_on, owner_id, sow_item_id, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, d.EngagementID, d.Title, string(d.DueOn), d.OwnerID, nullID(d.WorkItemID), d.CreatedBy, us(now))
	d.ID, d.CreatedAt = id, now
	return err
}

// SetDeadlineDone marks a deadline done (by, at) or open again (by 0); it
// reports whether anything changed.
func (tx *Tx) SetDeadlineDone(ctx context.Context, id int64, by int64, at time.Time) (bool, error) {
	q := `UPDATE deadlines SET done_by = $1, done_at = $2 WHERE id = $3 AND done_at = 0`
	args := []any{by, us(at), id}
	if by == 0 {
		q, args = `UPDATE deadlines SET done_by = NULL, done_at = 0 WHERE id = $1 AND done_at <> 0`, []any{id}
	}
	r, err := tx.exec(ctx, q, args...)
	if err != nil {
		return false, err
	}
	n, err := r.RowsAffected()
	return n > 0, err
}

// FeedDeadline is a deadline or work-item due date in a calendar feed, with
// the engagement's names.
type FeedDeadline struct {
	domain.Deadline
	MatterNumber string
	MatterTitle  string
	Sensitivity  domain.Sensitivity
	VendorName   string
}

// FeedDeadlines lists the deadlines and the current approved work items' due
// dates of every engagement in scope, leaving out closed engagements when
// openOnly is set (vendor users lose them) and proposed ones.
func (tx *Tx) FeedDeadlines(ctx context.Context, s Scope, openOnly bool) ([]FeedDeadline, error) {
	closed := 0
	if openOnly {
		closed = 1
	}
	args := append(scopeArgs(s), closed)
	cond := engagementVisible(1) + ` AND e.stage <> 'proposed' AND ($5 = 0 OR e.stage <> 'closed')`
	rows, err := tx.query(ctx, `SELECT `+deadlineCols+`, m.number, m.title, m.sensitivity, v.name`+deadlineFrom+`
		JOIN engagements e ON e.id = d.engagement_id JOIN matters m ON m.id = e.matter_id JOIN vendors v ON v.id = e.vendor_id
		WHERE `+cond+` ORDER BY d.due_on, d.id`, args...)
	out, err := collect(rows, err, func(r *sql.Rows) (FeedDeadline, error) {
		var f FeedDeadline
		var err error
		f.Deadline, err = scanDeadline(r, &f.MatterNumber, &f.MatterTitle, &f.Sensitivity, &f.VendorName)
		return f, err
	})
	if err != nil {
		return nil, err
	}
	rows, err = tx.query(ctx, `SELECT i.id, i.engagement_id, i.title, i.due_on, m.number, m.title, m.sensitivity, v.name
		FROM sow_items i JOIN engagements e ON e.id = i.engagement_id JOIN matters m ON m.id = e.matter_id JOIN vendors v ON v.id = e.vendor_id
		WHERE `+cond+` AND i.due_on <> '' AND i.sow_version_id = (
			SELECT s.id FROM sow_versions s WHERE s.engagement_id = e.id AND s.approved_at <> 0 ORDER BY s.version DESC LIMIT 1)
		ORDER BY i.due_on, i.id`, args...)
	items, err := collect(rows, err, func(r *sql.Rows) (FeedDeadline, error) {
		var f FeedDeadline
		err := r.Scan(&f.WorkItemID, &f.EngagementID, &f.Title, &f.DueOn, &f.MatterNumber, &f.MatterTitle, &f.Sensitivity, &f.VendorName)
		f.WorkItem, f.FromWorkItem = f.Title, true
		return f, err
	})
	return append(out, items...), err
}

// SetCalendarFeed replaces userID's feed token by its SHA-256.
func (tx *Tx) SetCalendarFeed(ctx context.Context, userID int64, sha string, at time.Time) error {
	if _, err := tx.exec(ctx, `DELETE FROM calendar_feeds WHERE user_id = $1`, userID); err != nil {
		return err
	}
	_, err := tx.exec(ctx, `INSERT INTO calendar_feeds (user_id, token_sha256, created_at) VALUES ($1, $2, $3)`, userID, sha, us(at))
	return err
}

// CalendarFeedOwner is the user whose feed token has this SHA-256.
func (tx *Tx) CalendarFeedOwner(ctx context.Context, sha string) (domain.User, error) {
	u, err := scanUser(tx.queryRow(ctx, `SELECT `+userCols+` FROM users WHERE id = (SELECT user_id FROM calendar_feeds WHERE token_sha256 = $1)`, sha))
	return u, one(err, "calendar feed")
}

// CalendarFeedCreated is when userID's feed token was made (zero: none).
func (tx *Tx) CalendarFeedCreated(ctx context.Context, userID int64) (time.Time, error) {
	var at int64
	err := tx.queryRow(ctx, `SELECT created_at FROM calendar_feeds WHERE user_id = $1`, userID).Scan(&at)
	if err == sql.ErrNoRows {
		return time.Time{}, nil
	}
	return fromUS(at), err
}
