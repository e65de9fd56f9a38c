package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/probity/probity/internal/auditlog"
)

// AppendAudit seals e onto the end of the chain and stores it, in the caller's
// transaction: the event commits or rolls back with the change it records.
// Taking the head row first serialises concurrent appenders.
func (tx *Tx) AppendAudit(ctx context.Context, e *auditlog.Event) error {
	var prev []byte
	if err := tx.queryRow(ctx, `UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash`).Scan(&e.Seq, &prev); err != nil {
		return translate(tx.d, err)
	}
	e.At = e.At.UTC().Truncate(time.Microsecond)
	e.Seal(prev)
	if _, err := tx.exec(ctx, `INSERT INTO audit_events (seq, at, actor_id, actor_name, actor_role, org, action, object_type, object_id, matter_id, summary, address, request_id, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
		e.Seq, us(e.At), e.ActorID, e.ActorName, e.ActorRole, e.Org, e.Action, e.ObjectType, e.ObjectID, e.MatterID, e.Summary, e.Address, e.RequestID, e.PrevHash, e.Hash); err != nil {
		return err
	}
	_, err := tx.exec(ctx, `UPDATE audit_head SET hash = $1 WHERE id = 1`, e.Hash)
	return err
}

const auditCols = `seq, at, actor_id, actor_name, actor_role, org, action, object_type, object_id, matter_id, summary, address, request_id, prev_hash, hash`

func scanAudit(r interface{ Scan(...any) error }, e *auditlog.Event) error {
	var at int64
	err := r.Scan(&e.Seq, &at, &e.ActorID, &e.ActorName, &e.ActorRole, &e.Org, &e.Action, &e.ObjectType, &e.ObjectID, &e.MatterID,
		&e.Summary, &e.Address, &e.RequestID, &e.PrevHash, &e.Hash)
	e.At = fromUS(at)
	return err
}

// AuditHead returns the head row: the last sequence number and hash.
func (tx *Tx) AuditHead(ctx context.Context) (int64, []byte, error) {
	var seq int64
	var hash []byte
	err := tx.queryRow(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&seq, &hash)
	return seq, hash, one(err, "audit head")
}

// EachAudit calls fn for every event with after < seq <= upTo, in order,
// streaming; upTo <= 0 means to the end. The event passed to fn is reused.
func (tx *Tx) EachAudit(ctx context.Context, after, upTo int64, fn func(*auditlog.Event) error) error {
	if upTo <= 0 {
		upTo = 1 << 62
	}
	rows, err := tx.query(ctx, `SELECT `+auditCols+` FROM audit_events WHERE seq > $1 AND seq <= $2 ORDER BY seq`, after, upTo)
	if err != nil {
		return err
	}
	defer rows.Close()
	var e auditlog.Event
	for rows.Next() {
		if err := scanAudit(rows, &e); err != nil {
			return err
		}
		if err := fn(&e); err != nil {
			return err
		}
	}
	return rows.Err()
}

// AuditHashAt returns the stored hash of event seq (the genesis hash for 0).
func (tx *Tx) AuditHashAt(ctx context.Context, seq int64) ([]byte, error) {
	if seq == 0 {
		return auditlog.Genesis, nil
	}
	var h []byte
	err := tx.queryRow(ctx, `SELECT hash FROM audit_events WHERE seq = $1`, seq).Scan(&h)
	return h, one(err, "audit event")
}

// AuditFilter narrows the audit screen and export.
type AuditFilter struct {
	MatterID  int64
	ActorID   int64
	Action    string // exact, or a prefix ending in "." ("auth.")
	From, To  time.Time
	BeforeSeq int64 // newest first: only events with seq < BeforeSeq (0: from the newest)
	Limit     int
}

// AuditEvents lists events matching f, newest first.
func (tx *Tx) AuditEvents(ctx context.Context, f AuditFilter) ([]auditlog.Event, error) {
	// Only the filters given become conditions, so the planner can walk the
	// primary key (or the matter, actor or action index) backwards and stop
	// after one page, even on a log of millions of events.
	var where []string
	var args []any
	cond := func(c string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(c, len(args)))
	}
	if f.BeforeSeq > 0 {
		cond("seq < $%d", f.BeforeSeq)
	}
	if f.MatterID != 0 {
		cond("matter_id = $%d", f.MatterID)
	}
	if f.ActorID != 0 {
		cond("actor_id = $%d", f.ActorID)
	}
	switch a := f.Action; {
	case strings.HasSuffix(a, "."):
		// A prefix: a range on the action index ("auth." <= action < "auth/").
		cond("action >= $%d", a)
		cond("action < $%d", a[:len(a)-1]+string(rune(a[len(a)-1]+1)))
	case a != "":
		cond("action = $%d", a)
	}
	if !f.From.IsZero() {
		cond("at >= $%d", us(f.From))
	}
	if !f.To.IsZero() {
		cond("at < $%d", us(f.To))
	}
	q := `SELECT ` + auditCols + ` FROM audit_events`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	args = append(args, Page{Limit: f.Limit}.limit())
	q += fmt.Sprintf(` ORDER BY seq DESC LIMIT $%d`, len(args))
	rows, err := tx.query(ctx, q, args...)
	return collect(rows, err, func(r *sql.Rows) (auditlog.Event, error) {
		var e auditlog.Event
		return e, scanAudit(r, &e)
	})
}

// AuditLastSeq is the largest sequence number in the log (0 when empty).
func (tx *Tx) AuditLastSeq(ctx context.Context) (int64, error) {
	var n int64
	err := tx.queryRow(ctx, `SELECT COALESCE(MAX(seq), 0) FROM audit_events`).Scan(&n)
	return n, err
}

// AppendAuditBatch seals and stores many events at once, in order, with one
// head update: for loading large histories (seeding, benchmarks, migration
// between engines). The events' Seq, PrevHash and Hash are set.
func (tx *Tx) AppendAuditBatch(ctx context.Context, events []auditlog.Event) error {
	if len(events) == 0 {
		return nil
	}
	var seq int64
	var prev []byte
	n := int64(len(events))
	if err := tx.queryRow(ctx, `UPDATE audit_head SET seq = seq + $1 WHERE id = 1 RETURNING seq, hash`, n).Scan(&seq, &prev); err != nil {
		return translate(tx.d, err)
	}
	seq -= n
	stmt, err := tx.tx.PrepareContext(ctx, `INSERT INTO audit_events (seq, at, actor_id, actor_name, actor_role, org, action, object_type, object_id, matter_id, summary, address, request_id, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for i := range events {
		e := &events[i]
		seq++
		e.Seq = seq
		e.At = e.At.UTC().Truncate(time.Microsecond)
		e.Seal(prev)
		prev = e.Hash
		if _, err := stmt.ExecContext(ctx, e.Seq, us(e.At), e.ActorID, e.ActorName, e.ActorRole, e.Org, e.Action, e.ObjectType, e.ObjectID,
			e.MatterID, e.Summary, e.Address, e.RequestID, e.PrevHash, e.Hash); err != nil {
			return translate(tx.d, err)
		}
	}
	_, err = tx.exec(ctx, `UPDATE audit_head SET hash = $1 WHERE id = 1`, prev)
	return err
}
