package app

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/probity/probity/internal/auditlog"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// Meta is where a request came from; the HTTP layer puts it in the context so
// audit events can record it.
type Meta struct {
	Address   string
	RequestID string
	MFA       bool // the session passed a second factor
}

type metaKey struct{}

// WithMeta returns ctx carrying m.
func WithMeta(ctx context.Context, m Meta) context.Context {
	return context.WithValue(ctx, metaKey{}, m)
}

func metaOf(ctx context.Context) Meta {
	m, _ := ctx.Value(metaKey{}).(Meta)
	return m
}

// Record describes one audited change or view.
type Record struct {
	Action     string // "user.create", "auth.sign_in", …
	ObjectType string
	ObjectID   int64
	MatterID   int64
	Summary    string // what changed, in words; never a secret
}

// orgOf names the organisation a user acts for.
func orgOf(u domain.User) string {
	switch {
	case u.Role == "":
		return ""
	case u.ID == 0 && u.Role == domain.RoleFirmAdmin:
		return "operator"
	case u.Role.IsVendor():
		return fmt.Sprintf("vendor:%d", u.VendorID)
	case u.Role.IsClient():
		return fmt.Sprintf("client:%d", u.ClientID)
	}
	return "firm"
}

// audit appends one event for actor in tx, the transaction of the change it
// records, so the two commit or roll back together.
func (a *App) audit(ctx context.Context, tx *store.Tx, actor domain.User, r Record) error {
	m := metaOf(ctx)
	e := auditlog.Event{At: a.Now(), ActorID: actor.ID, ActorName: actor.Name, ActorRole: string(actor.Role), Org: orgOf(actor),
		Action: r.Action, ObjectType: r.ObjectType, ObjectID: r.ObjectID, MatterID: r.MatterID, Summary: r.Summary,
		Address: m.Address, RequestID: m.RequestID}
	if err := tx.AppendAudit(ctx, &e); err != nil {
		return fmt.Errorf("append audit event %s: %w", r.Action, err)
	}
	return nil
}

// VerifyResult is what a full check of the audit chain found.
type VerifyResult struct {
	Events int64
	Bytes  int64
	Head   []byte // hash of the last event (the genesis hash when empty)
	Seq    int64
	Break  *auditlog.Break // nil when the chain holds
}

// VerifyAudit checks every link of the chain and that the head row agrees
// with the last event. It reads only; it is the check behind
// `probity audit verify`. The chain is cut into one part per CPU, checked in
// parallel: each part starts from the stored hash of the event before it, and
// the parts are joined by requiring each part to end on exactly that hash.
// progress, if set, is called now and then with the number of events checked
// and the number the head records; cancelling ctx stops the check with ctx's
// error (it only reads, so there is nothing to undo).
func (a *App) VerifyAudit(ctx context.Context, progress func(done, total int64)) (VerifyResult, error) {
	var res VerifyResult
	var headSeq int64
	var headHash []byte
	err := a.Store.Read(ctx, func(tx *store.Tx) (err error) {
		headSeq, headHash, err = tx.AuditHead(ctx)
		return err
	})
	if err != nil {
		return res, err
	}
	var lastSeq int64
	err = a.Store.Read(ctx, func(tx *store.Tx) (err error) {
		lastSeq, err = tx.AuditLastSeq(ctx)
		return err
	})
	if err != nil {
		return res, err
	}
	end := max(headSeq, lastSeq)
	parts := 1
	if a.Config.VerifyPart > 0 {
		parts = max(1, min(runtime.GOMAXPROCS(0), int(end/a.Config.VerifyPart)))
	}
	type part struct {
		from, to int64 // events from < seq <= to
		start    []byte
		v        *auditlog.Verifier
		brk      *auditlog.Break
		err      error
	}
	ps := make([]*part, parts)
	var done atomic.Int64
	var wg sync.WaitGroup
	for i := range ps {
		p := &part{from: end * int64(i) / int64(parts), to: end * int64(i+1) / int64(parts)}
		if i == parts-1 {
			p.to = 0 // to the end: catches events beyond the head
		}
		ps[i] = p
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.err = a.Store.Read(ctx, func(tx *store.Tx) error {
				start, err := tx.AuditHashAt(ctx, p.from)
				if domain.ErrorCode(err) == domain.ENotFound {
					// The event before this part is missing; the part before
					// reports it, as it cannot reach the end of its range.
					start = auditlog.Genesis
				} else if err != nil {
					return err
				}
				p.start, p.v = start, auditlog.ResumeVerifier(p.from, start)
				err = tx.EachAudit(ctx, p.from, p.to, func(e *auditlog.Event) error {
					if err := p.v.Next(e); err != nil {
						return err
					}
					if n := done.Add(1); n%10_000 == 0 {
						if err := ctx.Err(); err != nil {
							return err
						}
						if progress != nil {
							progress(n, end)
						}
					}
					return nil
				})
				if b, ok := err.(*auditlog.Break); ok {
					p.brk = b
					return nil
				}
				return err
			})
		}()
	}
	wg.Wait()
	if progress != nil && ctx.Err() == nil {
		progress(done.Load(), max(end, done.Load()))
	}
	for i, p := range ps {
		if p.err != nil {
			return res, p.err
		}
		res.Events += p.v.Events
		res.Bytes += p.v.Bytes
		if p.brk != nil {
			res.Break = p.brk
			break
		}
		// The part must have reached the end of its range, on the hash the
		// next part started from.
		if i < len(ps)-1 {
			next := ps[i+1]
			if p.v.Seq() != p.to {
				res.Break = &auditlog.Break{Seq: p.v.Seq() + 1, Reason: fmt.Sprintf("missing: the next event present is after %d", p.v.Seq())}
				break
			}
			if string(p.v.Head()) != string(next.start) {
				res.Break = &auditlog.Break{Seq: p.to, Reason: "its content does not match its hash (the event was edited)"}
				break
			}
		}
		res.Head, res.Seq = p.v.Head(), p.v.Seq()
	}
	if res.Break == nil {
		switch {
		case headSeq != res.Seq:
			res.Break = &auditlog.Break{Seq: min(headSeq, res.Seq) + 1, Reason: fmt.Sprintf("the head records %d events but the log holds %d (events were removed from the end, or the head was altered)", headSeq, res.Seq)}
		case string(headHash) != string(res.Head):
			res.Break = &auditlog.Break{Seq: res.Seq, Reason: "the head's hash does not match the last event"}
		}
	}
	if res.Break != nil {
		// Report the verified prefix: everything before the break.
		res.Seq = res.Break.Seq - 1
	}
	if res.Head == nil {
		res.Head = auditlog.Genesis
	}
	return res, nil
}

// AuditEvents lists audit events for firm administrators, newest first.
func (a *App) AuditEvents(ctx context.Context, actor domain.User, f store.AuditFilter) ([]auditlog.Event, error) {
	if err := require(actor, ViewAudit); err != nil {
		return nil, err
	}
	var out []auditlog.Event
	err := a.Store.Read(ctx, func(tx *store.Tx) (err error) {
		out, err = tx.AuditEvents(ctx, f)
		return err
	})
	return out, err
}
