package seed

import (
	"context"
	"fmt"
	"time"

	"github.com/probity/probity/internal/auditlog"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// batch is how many rows one transaction of time or audit events writes.
const batch = 100_000

// workingEngagements are the engagements that may carry time.
func (g *gen) workingEngagements() []engRow {
	var out []engRow
	for _, e := range g.eng {
		if working(e.stage) {
			out = append(out, e)
		}
	}
	return out
}

// timeEntries writes the vendor time: entries of the engagement's team on
// days since it opened (at most 18 months back), mostly approved.
func (g *gen) timeEntries(ctx context.Context, s *store.Store) error {
	work := g.workingEngagements()
	if len(work) == 0 || g.size.TimeEntries == 0 {
		return nil
	}
	cols := []string{"engagement_id", "sow_item_id", "user_id", "worked_on", "tenths", "task_code", "activity_code", "narrative", "state", "created_at", "updated_at"}
	for start := 0; start < g.size.TimeEntries; start += batch {
		n := min(batch, g.size.TimeEntries-start)
		rows := make([][]any, 0, n)
		for range n {
			e := work[g.rng.IntN(len(work))]
			vi := g.vendorIndex(e.vendor)
			span := max(1, min(540, int(g.now.Sub(e.opened).Hours()/24)))
			on := g.days(-g.rng.IntN(span))
			state := "approved"
			switch r := g.rng.IntN(100); {
			case r < 5:
				state = "submitted"
			case r < 7:
				state = "draft"
			}
			user := e.analyst // the team's: mostly the analyst, now and then the lead
			if g.rng.IntN(5) == 0 {
				user = g.vendorMgr[vi]
			}
			rows = append(rows, []any{e.id, g.items[e.id][g.rng.IntN(2)], user, day(on), 5 + g.rng.IntN(60), "L110", "A104", "First-level review of custodian documents", state, us(on), us(on)})
		}
		if err := s.Write(ctx, func(tx *store.Tx) error { return tx.SeedRows(ctx, "time_entries", cols, rows) }); err != nil {
			return err
		}
		g.step(n, "vendor time")
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return nil
}

// firmTime writes the firm's own time: supervision and rework on
// engagements, and matter work.
func (g *gen) firmTime(ctx context.Context, s *store.Store) error {
	work := g.workingEngagements()
	if len(work) == 0 || g.size.FirmTime == 0 {
		return nil
	}
	cols := []string{"matter_id", "engagement_id", "user_id", "worked_on", "tenths", "purpose", "task_code", "activity_code", "narrative", "created_by", "created_at"}
	for start := 0; start < g.size.FirmTime; start += batch {
		n := min(batch, g.size.FirmTime-start)
		rows := make([][]any, 0, n)
		for range n {
			e := work[g.rng.IntN(len(work))]
			span := max(1, min(540, int(g.now.Sub(e.opened).Hours()/24)))
			on := g.days(-g.rng.IntN(span))
			purpose, eng, narrative := "supervision", any(e.id), "Reviewed the vendor's privilege calls"
			switch r := g.rng.IntN(100); {
			case r < 10:
				purpose, narrative = "rework", "Corrected coding on the returned set"
			case r < 45:
				purpose, eng, narrative = "matter", nil, "Strategy call with the client"
			}
			rows = append(rows, []any{e.matter, eng, e.attorney, day(on), 1 + g.rng.IntN(30), purpose, "L120", "A106", narrative, e.attorney, us(on)})
		}
		if err := s.Write(ctx, func(tx *store.Tx) error { return tx.SeedRows(ctx, "firm_time_entries", cols, rows) }); err != nil {
			return err
		}
		g.step(n, "firm time")
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return nil
}

// auditTrail appends the audit events (one hash chain, through the store's
// batch append) over the last year: mostly document views and reviews, a
// few failed sign-ins and MFA resets.
func (g *gen) auditTrail(ctx context.Context, s *store.Store) error {
	n := g.size.AuditEvents
	if n == 0 {
		return nil
	}
	span := 365 * 24 * time.Hour
	from := g.now.Add(-span)
	for start := 0; start < n; start += batch {
		k := min(batch, n-start)
		evs := make([]auditlog.Event, 0, k)
		for i := start; i < start+k; i++ {
			at := from.Add(time.Duration(int64(span) / int64(n) * int64(i)))
			e := g.eng[g.rng.IntN(len(g.eng))]
			ev := auditlog.Event{At: at, ActorID: e.attorney, ActorName: g.name(int(e.attorney)), ActorRole: string(domain.RoleAttorney), Org: "firm",
				Action: "document.view", ObjectType: "document", ObjectID: int64(i + 1), MatterID: e.matter,
				Summary: fmt.Sprintf("viewed production volume %d", i%40+1), Address: "10.20.0.15", RequestID: fmt.Sprintf("seed-%012x", i)}
			switch r := g.rng.IntN(1000); {
			case r < 6:
				ev.Action, ev.ObjectType, ev.ObjectID, ev.MatterID, ev.Summary = "auth.sign_in_failed", "user", e.attorney, 0, "sign-in failed: wrong password"
				ev.Address = fmt.Sprintf("203.0.113.%d", g.rng.IntN(250)+1)
			case r < 7:
				ev.Action, ev.ObjectType, ev.ObjectID, ev.MatterID, ev.Summary = "mfa.reset", "user", e.attorney, 0, "reset the authenticator app"
				ev.ActorID, ev.ActorName, ev.ActorRole = g.admin, g.name(int(g.admin)), string(domain.RoleFirmAdmin)
			case r < 300:
				ev.Action, ev.ObjectType, ev.ObjectID, ev.Summary = "deliverable.review", "deliverable_version", int64(i+1), "approved a deliverable version"
			}
			evs = append(evs, ev)
		}
		if err := s.Write(ctx, func(tx *store.Tx) error { return tx.AppendAuditBatch(ctx, evs) }); err != nil {
			return err
		}
		g.step(k, "audit trail")
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return nil
}
