package store

import (
	"context"
	"database/sql"
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
	limit := Page{Limit: f.Limit}.limit()
	var from, to int64 = 0, 1 << 62
	if !f.From.IsZero() {
		from = us(f.From)
	}
	if !f.To.IsZero() {
		to = us(f.To)
	}
	before := f.BeforeSeq
	if before <= 0 {
		before = 1 << 62
	}
	prefix := f.Action
	exact := f.Action
	if len(prefix) > 0 && prefix[len(prefix)-1] == '.' {
		exact = ""
	} else {
		prefix = ""
	}
	rows, err := tx.query(ctx, `SELECT `+auditCols+` FROM audit_events
		WHERE seq < $1 AND ($2 = 0 OR matter_id = $2) AND ($3 = 0 OR actor_id = $3)
		AND ($4 = '' OR action = $4) AND ($5 = '' OR substr(action, 1, length($5)) = $5)
		AND at >= $6 AND at < $7
		ORDER BY seq DESC LIMIT $8`, before, f.MatterID, f.ActorID, exact, prefix, from, to, limit)
	return collect(rows, err, func(r *sql.Rows) (auditlog.Event, error) {
		var e auditlog.Event
		return e, scanAudit(r, &e)
	})
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
