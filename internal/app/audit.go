package app

import (
	"context"
	"fmt"

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

// VerifyAudit walks the whole chain in order and checks every link, and that
// the head row agrees with the last event. It reads only; it is the check
// behind `probity audit verify`.
func (a *App) VerifyAudit(ctx context.Context, progress func(done int64)) (VerifyResult, error) {
	var res VerifyResult
	v := auditlog.NewVerifier()
	err := a.Store.Read(ctx, func(tx *store.Tx) error {
		headSeq, headHash, err := tx.AuditHead(ctx)
		if err != nil {
			return err
		}
		err = tx.EachAudit(ctx, 0, func(e *auditlog.Event) error {
			if err := v.Next(e); err != nil {
				return err
			}
			if progress != nil && v.Events%100_000 == 0 {
				progress(v.Events)
			}
			return nil
		})
		if b, ok := err.(*auditlog.Break); ok {
			res.Break = b
			return nil
		}
		if err != nil {
			return err
		}
		switch {
		case headSeq != v.Seq():
			res.Break = &auditlog.Break{Seq: v.Seq() + 1, Reason: fmt.Sprintf("the head records %d events but the log holds %d (events were removed from the end, or the head was altered)", headSeq, v.Seq())}
		case string(headHash) != string(v.Head()):
			res.Break = &auditlog.Break{Seq: v.Seq(), Reason: "the head's hash does not match the last event"}
		}
		return nil
	})
	res.Events, res.Bytes, res.Head, res.Seq = v.Events, v.Bytes, v.Head(), v.Seq()
	return res, err
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
