package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/probity/probity/internal/domain"
)

const notificationCols = `id, user_id, kind, subject, body, link, COALESCE(engagement_id, 0), email, created_at, read_at`

func scanNotification(r interface{ Scan(...any) error }) (domain.Notification, error) {
	var n domain.Notification
	var created, read int64
	err := r.Scan(&n.ID, &n.UserID, &n.Kind, &n.Subject, &n.Body, &n.Link, &n.EngagementID, &n.Email, &created, &read)
	n.CreatedAt, n.ReadAt = fromUS(created), optTime(read)
	return n, err
}

// InsertNotification stores a notification and sets its ID.
func (tx *Tx) InsertNotification(ctx context.Context, n *domain.Notification) error {
	id, err := tx.insert(ctx, `INSERT INTO notifications (user_id, kind, subject, body, link, engagement_id, email, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		n.UserID, string(n.Kind), n.Subject, n.Body, n.Link, nullID(n.EngagementID), string(n.Email), us(n.CreatedAt))
	n.ID = id
	return err
}

// NotificationFilter narrows Notifications: newest first, ids below BeforeID.
type NotificationFilter struct {
	BeforeID   int64 // 0: from the newest
	UnreadOnly bool
	Limit      int
}

// Notifications lists a person's notifications newest first.
func (tx *Tx) Notifications(ctx context.Context, userID int64, f NotificationFilter) ([]domain.Notification, error) {
	before := f.BeforeID
	if before <= 0 {
		before = 1<<63 - 1
	}
	unread := 0
	if f.UnreadOnly {
		unread = 1
	}
	rows, err := tx.query(ctx, `SELECT `+notificationCols+` FROM notifications
		WHERE user_id = $1 AND id < $2 AND ($3 = 0 OR read_at = 0) ORDER BY id DESC LIMIT $4`,
		userID, before, unread, Page{Limit: f.Limit}.limit())
	return collect(rows, err, func(r *sql.Rows) (domain.Notification, error) { return scanNotification(r) })
}

// Notification loads one of a person's notifications; another person's is
// not found.
func (tx *Tx) Notification(ctx context.Context, userID, id int64) (domain.Notification, error) {
	n, err := scanNotification(tx.queryRow(ctx, `SELECT `+notificationCols+` FROM notifications WHERE id = $1 AND user_id = $2`, id, userID))
	return n, one(err, "notification")
}

// UnreadNotifications counts a person's unread notifications (one indexed
// query: every signed-in page runs it for the bell).
func (tx *Tx) UnreadNotifications(ctx context.Context, userID int64) (int, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at = 0`, userID).Scan(&n)
	return n, err
}

// MarkNotificationRead marks one of a person's notifications read (a read
// one keeps its first read time). Another person's is not found.
func (tx *Tx) MarkNotificationRead(ctx context.Context, userID, id int64, at time.Time) error {
	r, err := tx.exec(ctx, `UPDATE notifications SET read_at = $3 WHERE id = $1 AND user_id = $2 AND read_at = 0`, id, userID, us(at))
	if err != nil {
		return err
	}
	if n, err := r.RowsAffected(); err != nil || n == 1 {
		return err
	}
	_, err = tx.Notification(ctx, userID, id)
	return err
}

// MarkAllNotificationsRead marks every unread notification of a person
// read and returns how many.
func (tx *Tx) MarkAllNotificationsRead(ctx context.Context, userID int64, at time.Time) (int, error) {
	r, err := tx.exec(ctx, `UPDATE notifications SET read_at = $2 WHERE user_id = $1 AND read_at = 0`, userID, us(at))
	if err != nil {
		return 0, err
	}
	n, err := r.RowsAffected()
	return int(n), err
}

// NotificationPrefs loads a person's preferences; without a saved row it
// returns the defaults.
func (tx *Tx) NotificationPrefs(ctx context.Context, userID int64) (domain.NotificationPrefs, error) {
	p := domain.DefaultNotificationPrefs(userID)
	var mode, muted string
	var sent, updated int64
	err := tx.queryRow(ctx, `SELECT email_mode, muted, digest_sent_at, updated_at FROM notification_prefs WHERE user_id = $1`, userID).
		Scan(&mode, &muted, &sent, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return p, nil
	}
	if err != nil {
		return p, err
	}
	p.EmailMode, p.DigestSentAt, p.UpdatedAt = domain.EmailMode(mode), optTime(sent), fromUS(updated)
	if err := json.Unmarshal([]byte(muted), &p.Muted); err != nil {
		return p, err
	}
	return p, nil
}

// SaveNotificationPrefs stores a person's mode and muted kinds (the digest
// time is kept).
func (tx *Tx) SaveNotificationPrefs(ctx context.Context, p domain.NotificationPrefs) error {
	muted := p.Muted
	if muted == nil {
		muted = []domain.NotificationKind{}
	}
	b, err := json.Marshal(muted)
	if err != nil {
		return err
	}
	_, err = tx.exec(ctx, `INSERT INTO notification_prefs (user_id, email_mode, muted, updated_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (user_id) DO UPDATE SET email_mode = excluded.email_mode, muted = excluded.muted, updated_at = excluded.updated_at`,
		p.UserID, string(p.EmailMode), string(b), us(p.UpdatedAt))
	return err
}

// DropPendingDigest marks a person's notifications waiting for the digest
// as not emailed (they turned email off).
func (tx *Tx) DropPendingDigest(ctx context.Context, userID int64) error {
	_, err := tx.exec(ctx, `UPDATE notifications SET email = 'none' WHERE user_id = $1 AND email = 'digest'`, userID)
	return err
}

// DigestRecipients lists the people with notifications waiting for the
// digest, by id.
func (tx *Tx) DigestRecipients(ctx context.Context) ([]int64, error) {
	rows, err := tx.query(ctx, `SELECT DISTINCT user_id FROM notifications WHERE email = 'digest' ORDER BY user_id`)
	return collect(rows, err, func(r *sql.Rows) (id int64, err error) { return id, r.Scan(&id) })
}

// PendingDigest lists a person's notifications waiting for the digest,
// oldest first (at most MaxPageSize).
func (tx *Tx) PendingDigest(ctx context.Context, userID int64) ([]domain.Notification, error) {
	rows, err := tx.query(ctx, `SELECT `+notificationCols+` FROM notifications WHERE user_id = $1 AND email = 'digest' ORDER BY id LIMIT $2`,
		userID, MaxPageSize)
	return collect(rows, err, func(r *sql.Rows) (domain.Notification, error) { return scanNotification(r) })
}

// ClaimDigest moves a person's last digest time from prev to now in one
// compare-and-set statement: of several servers building the same digest,
// exactly one sees true (on PostgreSQL the loser waits for the winner's
// commit and then matches no row).
func (tx *Tx) ClaimDigest(ctx context.Context, userID int64, prev, now time.Time) (bool, error) {
	r, err := tx.exec(ctx, `UPDATE notification_prefs SET digest_sent_at = $3 WHERE user_id = $1 AND digest_sent_at = $2`,
		userID, usOrZero(prev), us(now))
	if err != nil {
		return false, err
	}
	n, err := r.RowsAffected()
	return n == 1, err
}

// MarkDigested marks a person's digest notifications up to id maxID as sent in a digest.
func (tx *Tx) MarkDigested(ctx context.Context, userID, maxID int64) error {
	_, err := tx.exec(ctx, `UPDATE notifications SET email = 'digested' WHERE user_id = $1 AND email = 'digest' AND id <= $2`, userID, maxID)
	return err
}
