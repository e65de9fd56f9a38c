package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// OutboxMessage is one email in the outbox. It is written in the transaction
// of the change that caused it, so no email is lost and none goes out for a
// change that was rolled back; a sender delivers it later.
type OutboxMessage struct {
	ID        int64
	To        string
	Subject   string
	Body      string
	CreatedAt time.Time
	SentAt    time.Time // zero until delivered
	Attempts  int       // delivery slots used (see DueMail)
	LastError string
}

const outboxCols = `id, to_addr, subject, body, created_at, sent_at, attempts, last_error`

func scanOutbox(r interface{ Scan(...any) error }) (OutboxMessage, error) {
	var m OutboxMessage
	var created, sent int64
	err := r.Scan(&m.ID, &m.To, &m.Subject, &m.Body, &created, &sent, &m.Attempts, &m.LastError)
	m.CreatedAt, m.SentAt = fromUS(created), optTime(sent)
	return m, err
}

// optTime decodes a time stored as 0 for "not yet" as the zero time.
func optTime(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return fromUS(v)
}

// QueueMail adds a message to the outbox and sets its ID.
func (tx *Tx) QueueMail(ctx context.Context, m *OutboxMessage) error {
	id, err := tx.insert(ctx, `INSERT INTO outbox (to_addr, subject, body, created_at) VALUES ($1, $2, $3, $4)`,
		m.To, m.Subject, m.Body, us(m.CreatedAt))
	m.ID = id
	return err
}

// DueMail lists unsent messages whose next delivery slot has come: a message
// that has used n slots is due once now >= created_at + schedule[n].
// Messages that have used every slot are given up and never due again.
func (tx *Tx) DueMail(ctx context.Context, now time.Time, schedule []time.Duration, limit int) ([]OutboxMessage, error) {
	if len(schedule) == 0 {
		return nil, nil
	}
	var cond []string
	args := []any{limit}
	for n, wait := range schedule {
		args = append(args, us(now.Add(-wait)))
		cond = append(cond, fmt.Sprintf("(attempts = %d AND created_at <= $%d)", n, len(args)))
	}
	rows, err := tx.query(ctx, `SELECT `+outboxCols+` FROM outbox WHERE sent_at = 0 AND (`+strings.Join(cond, " OR ")+`) ORDER BY id LIMIT $1`, args...)
	return collect(rows, err, func(r *sql.Rows) (OutboxMessage, error) { return scanOutbox(r) })
}

// ClaimMail takes delivery slot `slot` of a message that has used `attempts`
// slots, in one compare-and-set statement: of several servers racing for the
// same message, exactly one sees true.
func (tx *Tx) ClaimMail(ctx context.Context, id int64, attempts, slot int) (bool, error) {
	r, err := tx.exec(ctx, `UPDATE outbox SET attempts = $3 WHERE id = $1 AND sent_at = 0 AND attempts = $2`, id, attempts, slot+1)
	if err != nil {
		return false, err
	}
	n, err := r.RowsAffected()
	return n == 1, err
}

// MarkMailSent records delivery by the holder of slot attempts-1.
func (tx *Tx) MarkMailSent(ctx context.Context, id int64, attempts int, at time.Time) error {
	_, err := tx.exec(ctx, `UPDATE outbox SET sent_at = $3, last_error = '' WHERE id = $1 AND attempts = $2 AND sent_at = 0`, id, attempts, us(at))
	return err
}

// MarkMailFailed records why a delivery attempt failed.
func (tx *Tx) MarkMailFailed(ctx context.Context, id int64, attempts int, reason string) error {
	_, err := tx.exec(ctx, `UPDATE outbox SET last_error = $3 WHERE id = $1 AND attempts = $2 AND sent_at = 0`, id, attempts, reason)
	return err
}

// OutboxFilter narrows ListOutbox, newest first.
type OutboxFilter struct {
	BeforeID int64 // only messages with id < BeforeID (0: from the newest)
	Limit    int
}

// ListOutbox lists messages newest first.
func (tx *Tx) ListOutbox(ctx context.Context, f OutboxFilter) ([]OutboxMessage, error) {
	before := f.BeforeID
	if before <= 0 {
		before = 1<<63 - 1
	}
	rows, err := tx.query(ctx, `SELECT `+outboxCols+` FROM outbox WHERE id < $1 ORDER BY id DESC LIMIT $2`, before, Page{Limit: f.Limit}.limit())
	return collect(rows, err, func(r *sql.Rows) (OutboxMessage, error) { return scanOutbox(r) })
}

// OutboxMessage loads one message.
func (tx *Tx) OutboxMessage(ctx context.Context, id int64) (OutboxMessage, error) {
	m, err := scanOutbox(tx.queryRow(ctx, `SELECT `+outboxCols+` FROM outbox WHERE id = $1`, id))
	return m, one(err, "message")
}

// CountMailTo counts messages to an address with a subject since a time; it
// throttles mail that anyone may cause to be sent.
func (tx *Tx) CountMailTo(ctx context.Context, to, subject string, since time.Time) (int, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT COUNT(*) FROM outbox WHERE to_addr = $1 AND subject = $2 AND created_at > $3`, to, subject, us(since)).Scan(&n)
	return n, err
}
