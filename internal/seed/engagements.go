package seed

import (
	"context"
	"fmt"
	"time"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// stageAt picks an engagement's stage: most are at work, some wait at a
// gate, some are closed.
func (g *gen) stageAt() domain.Stage {
	switch r := g.rng.IntN(100); {
	case r < 8:
		return domain.StageProposed
	case r < 12:
		return domain.StageCommunication
	case r < 17:
		return domain.StageBriefing
	case r < 22:
		return domain.StageSOW
	case r < 25:
		return domain.StagePaused
	case r < 37:
		return domain.StageClosed
	}
	return domain.StageActive
}

// past reports whether stage s is at or beyond gate; paused engagements
// were active.
func past(s, gate domain.Stage) bool {
	rank := map[domain.Stage]int{domain.StageProposed: 0, domain.StageCommunication: 1, domain.StageBriefing: 2, domain.StageSOW: 3,
		domain.StageActive: 4, domain.StagePaused: 4, domain.StageClosed: 5}
	return rank[s] >= rank[gate]
}

// working reports whether time, deliverables and audits exist (the SOW was approved).
func working(s domain.Stage) bool { return past(s, domain.StageActive) }

// engagements writes the engagements and everything hanging off each.
func (g *gen) engagements(ctx context.Context, tx *store.Tx) error {
	z := g.size
	var rows [][]any
	for i := range z.Engagements {
		mi := i % z.Matters
		matter := g.firstMat + int64(mi)
		vendor := g.firstVen + int64(g.rng.IntN(z.Vendors))
		st := g.stageAt()
		showcase := i == 0 || i == z.Clients // on the first client's matters (matters go round the clients)
		if showcase {
			vendor, st = g.firstVen, domain.StageActive
		}
		opened := g.days(-20 - g.rng.IntN(700))
		closedOn := ""
		if st == domain.StageClosed {
			closedOn = day(g.days(-g.rng.IntN(20)))
		}
		openedOn := ""
		if st != domain.StageProposed {
			openedOn = day(opened)
		}
		pausedFrom, cause := "", ""
		if st == domain.StagePaused {
			pausedFrom, cause = "active", "consent"
		}
		mode := "fee"
		if g.rng.IntN(3) == 0 {
			mode = "disbursement"
		}
		cost := int64(500_000 + g.rng.IntN(5_000_000))
		rows = append(rows, []any{matter, vendor, g.matterAtt[mi], services[i%len(services)], "Outsourced " + services[i%len(services)], string(st), mode,
			cost, "USD", cost * 3, "USD", openedOn, closedOn, us(opened), pausedFrom, cause})
		g.eng = append(g.eng, engRow{matter: matter, vendor: vendor, attorney: g.matterAtt[mi], stage: st, mode: mode, opened: opened, showcase: showcase})
	}
	var err error
	if g.firstEng, err = tx.SeedInsert(ctx, "engagements", []string{"matter_id", "vendor_id", "supervising_attorney_id", "service", "description", "stage", "billing_mode",
		"estimated_cost_minor", "estimated_cost_currency", "inhouse_estimate_minor", "inhouse_estimate_currency", "opened_on", "closed_on", "created_at", "paused_from", "paused_cause"}, rows); err != nil {
		return err
	}
	for i := range g.eng {
		g.eng[i].id = g.firstEng + int64(i)
	}
	g.step(len(rows), "engagements")
	steps := []func(context.Context, *store.Tx) error{g.members, g.consents, g.communication, g.briefings, g.sow, g.deadlines, g.deliverables, g.audits, g.invoices}
	for _, f := range steps {
		if err := f(ctx, tx); err != nil {
			return err
		}
	}
	return nil
}

func (g *gen) vendorIndex(v int64) int { return int(v - g.firstVen) }

func (g *gen) members(ctx context.Context, tx *store.Tx) error {
	var rows [][]any
	for i, e := range g.eng {
		vi := g.vendorIndex(e.vendor)
		g.eng[i].analyst = g.vendorPros[vi][g.rng.IntN(2)]
		if e.showcase {
			g.eng[i].analyst = g.vendorPros[vi][0]
		}
		rows = append(rows, []any{e.id, e.attorney, domain.MemberSupervisor}, []any{e.id, g.vendorMgr[vi], domain.MemberVendorLead},
			[]any{e.id, g.eng[i].analyst, domain.MemberAnalyst})
	}
	g.step(len(g.eng), "engagement teams")
	return tx.SeedRows(ctx, "engagement_members", []string{"engagement_id", "user_id", "role"}, rows)
}

// consents: every engagement has an issued disclosure; consent is given
// once opened, pending or declined before, and a few went stale.
func (g *gen) consents(ctx context.Context, tx *store.Tx) error {
	var disc, cons [][]any
	for _, e := range g.eng {
		at := e.opened.Add(-72 * time.Hour)
		disc = append(disc, []any{e.id, 1, "Disclosure of outsourcing on this matter.", e.vendor, e.mode, e.attorney, us(at), fmt.Sprintf("%064x", e.id), e.attorney, us(at)})
	}
	first, err := tx.SeedInsert(ctx, "client_disclosures", []string{"engagement_id", "version", "body", "vendor_id", "billing_mode", "drafted_by", "drafted_at", "sha256", "issued_by", "issued_at"}, disc)
	if err != nil {
		return err
	}
	for i, e := range g.eng {
		state, answered, reason := "given", us(e.opened.Add(-24*time.Hour)), ""
		if e.stage == domain.StageProposed {
			state, answered = "pending", 0
			if g.rng.IntN(4) == 0 {
				state, reason = "stale", "the vendor's approval changed after the disclosure was issued"
			}
		} else if e.stage == domain.StagePaused {
			state, reason = "stale", "the engagement's scope changed"
		}
		contact := g.contacts[g.matterCli[e.matter-g.firstMat]-g.firstCli]
		cons = append(cons, []any{e.id, first + int64(i), fmt.Sprintf("%064x", e.id), state, contact, answered, reason, us(e.opened)})
	}
	g.step(len(g.eng), "consents")
	return tx.SeedRows(ctx, "client_consents", []string{"engagement_id", "disclosure_id", "disclosure_sha256", "state", "client_user_id", "answered_at", "stale_reason", "updated_at"}, cons)
}

func (g *gen) communication(ctx context.Context, tx *store.Tx) error {
	var plans, kicks [][]any
	for _, e := range g.eng {
		if !past(e.stage, domain.StageCommunication) {
			continue
		}
		at := us(e.opened.Add(24 * time.Hour))
		plans = append(plans, []any{e.id, "engagement messages; video call", "weekly", "America/New_York", "09:00", "17:00", "Asia/Kolkata", "09:30", "18:30", "en", e.attorney, at})
		if past(e.stage, domain.StageBriefing) {
			vm := g.vendorMgr[g.vendorIndex(e.vendor)]
			kicks = append(kicks, []any{e.id, at, "supervising attorney; vendor lead", at, e.attorney, at, e.attorney, vm, at})
		}
	}
	if err := tx.SeedRows(ctx, "communication_plans", []string{"engagement_id", "channels", "cadence", "firm_time_zone", "firm_hours_start", "firm_hours_end",
		"vendor_time_zone", "vendor_hours_start", "vendor_hours_end", "language", "updated_by", "updated_at"}, plans); err != nil {
		return err
	}
	g.step(len(g.eng), "communication plans")
	return tx.SeedRows(ctx, "kickoffs", []string{"engagement_id", "held_at", "attendees", "recorded_at", "recorded_by", "firm_confirmed_at", "firm_confirmed_by",
		"vendor_confirmed_by", "vendor_confirmed_at"}, kicks)
}

// briefings: published once the engagement reached the briefing stage;
// acknowledged by the team once it moved past it.
func (g *gen) briefings(ctx context.Context, tx *store.Tx) error {
	var rows [][]any
	var which []engRow
	for _, e := range g.eng {
		if !past(e.stage, domain.StageBriefing) {
			continue
		}
		at := us(e.opened.Add(48 * time.Hour))
		rows = append(rows, []any{e.id, 1, "Federal Rules of Civil Procedure; the court's local rules.", "Privilege log per the ESI protocol.", e.attorney, at, fmt.Sprintf("%064x", e.id+1), e.attorney, at})
		which = append(which, e)
	}
	first, err := tx.SeedInsert(ctx, "briefings", []string{"engagement_id", "version", "jurisdiction_rules", "client_guidelines", "drafted_by", "drafted_at", "sha256", "published_by", "published_at"}, rows)
	if err != nil {
		return err
	}
	var acks [][]any
	for i, e := range which {
		if e.stage == domain.StageBriefing {
			continue
		}
		vi := g.vendorIndex(e.vendor)
		at := us(e.opened.Add(72 * time.Hour))
		for _, u := range []int64{g.vendorMgr[vi], g.vendorPros[vi][0], g.vendorPros[vi][1]} {
			acks = append(acks, []any{first + int64(i), u, "Typed name", fmt.Sprintf("%064x", e.id+1), at})
		}
	}
	g.step(len(g.eng), "briefings")
	return tx.SeedRows(ctx, "briefing_acknowledgements", []string{"briefing_id", "user_id", "typed_name", "sha256", "acknowledged_at"}, acks)
}

// sow: a statement of work with two items per engagement that reached the
// SOW stage, approved for those at work.
func (g *gen) sow(ctx context.Context, tx *store.Tx) error {
	var versions [][]any
	var which []engRow
	for _, e := range g.eng {
		if !past(e.stage, domain.StageSOW) {
			continue
		}
		at := e.opened.Add(96 * time.Hour)
		var fa, va, ap int64
		var aon string
		var fb, vb any
		if working(e.stage) {
			fa, va, ap, aon, fb, vb = us(at), us(at), us(at), day(at), e.attorney, g.vendorMgr[g.vendorIndex(e.vendor)]
		}
		versions = append(versions, []any{e.id, 1, e.attorney, us(at), fb, fa, vb, va, ap, aon})
		which = append(which, e)
	}
	first, err := tx.SeedInsert(ctx, "sow_versions", []string{"engagement_id", "version", "drafted_by", "drafted_at", "firm_approved_by", "firm_approved_at",
		"vendor_approved_by", "vendor_approved_at", "approved_at", "approved_on"}, versions)
	if err != nil {
		return err
	}
	var items [][]any
	for i, e := range which {
		for k := range 2 {
			due := day(g.days(-60 + g.rng.IntN(120)))
			items = append(items, []any{e.id, first + int64(i), k + 1, services[k%len(services)], fmt.Sprintf("Work item %d", k+1), "Reviewed set", due,
				int64(400 + g.rng.IntN(4000)), "hours", int64(800 + g.rng.IntN(8000)), int64(45000), "USD", "hourly", int64(4500 + g.rng.IntN(3000)), "USD", "L110", "A104"})
		}
	}
	firstItem, err := tx.SeedInsert(ctx, "sow_items", []string{"engagement_id", "sow_version_id", "position", "service", "title", "deliverable", "due_on",
		"estimate_tenths", "estimate_unit", "baseline_tenths", "baseline_rate_minor", "baseline_rate_currency", "pricing", "price_minor", "price_currency", "task_code", "activity_code"}, items)
	if err != nil {
		return err
	}
	g.items = make(map[int64][2]int64, len(which))
	for i, e := range which {
		g.items[e.id] = [2]int64{firstItem + int64(2*i), firstItem + int64(2*i+1)}
	}
	g.step(len(g.eng), "statements of work")
	return nil
}

// deadlines: two per engagement at work, around today; the past ones mostly done.
func (g *gen) deadlines(ctx context.Context, tx *store.Tx) error {
	var rows [][]any
	for _, e := range g.eng {
		if !working(e.stage) {
			continue
		}
		it := g.items[e.id]
		owner := g.vendorMgr[g.vendorIndex(e.vendor)]
		for k := range 2 {
			d := -40 + g.rng.IntN(80)
			var doneBy any
			var doneAt int64
			if d < 0 && g.rng.IntN(10) < 8 || e.stage == domain.StageClosed {
				doneBy, doneAt = owner, us(g.days(d))
			}
			if e.showcase && k == 1 { // due tomorrow: on this week's lists
				d, doneBy, doneAt = 1, nil, 0
			}
			rows = append(rows, []any{e.id, fmt.Sprintf("Production set %d to the supervising attorney", k+1), day(g.days(d)), owner, it[k], e.attorney, us(e.opened), doneBy, doneAt})
		}
	}
	g.step(len(g.eng), "deadlines")
	return tx.SeedRows(ctx, "deadlines", []string{"engagement_id", "title", "due_on", "owner_id", "sow_item_id", "created_by", "created_at", "done_by", "done_at"}, rows)
}

// deliverables: two per engagement at work, each with one to three
// versions; the current one pending, approved (often released) or sent
// back with changes requested.
func (g *gen) deliverables(ctx context.Context, tx *store.Tx) error {
	var dels [][]any
	var owners []engRow
	for _, e := range g.eng {
		if !working(e.stage) {
			continue
		}
		it := g.items[e.id]
		vm := g.vendorMgr[g.vendorIndex(e.vendor)]
		for k := range 2 {
			dels = append(dels, []any{e.id, it[k], fmt.Sprintf("Privilege log, set %d", k+1), vm, us(e.opened)})
			owners = append(owners, e)
		}
	}
	first, err := tx.SeedInsert(ctx, "deliverables", []string{"engagement_id", "work_item_id", "title", "created_by", "created_at"}, dels)
	if err != nil {
		return err
	}
	var vers [][]any
	for i, e := range owners {
		vm := g.vendorMgr[g.vendorIndex(e.vendor)]
		n := 1 + g.rng.IntN(3)
		base := g.days(-g.rng.IntN(60) - 3*n)
		for v := 1; v <= n; v++ {
			sub := base.Add(time.Duration(v-1) * 72 * time.Hour)
			decision, reviewedBy, reviewedAt, superseded := "changes_requested", any(e.attorney), us(sub.Add(24*time.Hour)), us(sub.Add(48*time.Hour))
			var releasedBy any
			var releasedAt int64
			kind := ""
			if v == n {
				superseded = 0
				switch r := g.rng.IntN(100); {
				case e.showcase:
					decision, releasedBy, releasedAt, kind = "approved", e.attorney, us(sub.Add(30*time.Hour)), "client"
				case r < 12 && e.stage != domain.StageClosed:
					decision, reviewedBy, reviewedAt = "pending", nil, 0
				case r < 20 && e.stage != domain.StageClosed:
					decision = "changes_requested"
				default:
					decision = "approved"
					if g.rng.IntN(3) > 0 {
						releasedBy, releasedAt, kind = e.attorney, us(sub.Add(30*time.Hour)), "client"
					}
				}
			}
			vers = append(vers, []any{first + int64(i), e.id, v, "Set for review", vm, us(sub), superseded, decision, reviewedBy, reviewedAt, "", kind, releasedBy, releasedAt})
		}
	}
	g.step(len(g.eng), "deliverables")
	return tx.SeedRows(ctx, "deliverable_versions", []string{"deliverable_id", "engagement_id", "version", "note", "submitted_by", "submitted_at", "superseded_at",
		"decision", "reviewed_by", "reviewed_at", "review_comment", "release_kind", "released_by", "released_at"}, vers)
}

// audits: monthly quality audits of the last six months on engagements at
// work, completed with a verdict, this month's due; a corrective action
// for each failed audit, the recent ones still open.
func (g *gen) audits(ctx context.Context, tx *store.Tx) error {
	var rows [][]any
	type au struct {
		e      engRow
		failed bool
		month  int
	}
	var made []au
	for _, e := range g.eng {
		if !working(e.stage) {
			continue
		}
		for m := 5; m >= 0; m-- {
			start := time.Date(g.now.Year(), g.now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -m, 0)
			if start.Before(e.opened.AddDate(0, -1, 0)) {
				continue
			}
			period := start.Format("2006-01")
			due := start.AddDate(0, 1, -1)
			state, verdict, errs, completed := "completed", "pass", 0, us(due)
			sample := 50 + g.rng.IntN(100)
			failed := false
			if m == 0 {
				if e.stage == domain.StageClosed {
					continue
				}
				state, verdict, errs, completed, sample = "due", "", 0, 0, 0
				due = g.days(-3 + g.rng.IntN(14))
			} else {
				errs = g.rng.IntN(6)
				if g.rng.IntN(100) < 12 {
					verdict, errs, failed = "fail", 6+g.rng.IntN(10), true
				}
			}
			rows = append(rows, []any{e.id, "scheduled", period, day(due), state, e.attorney, int64(sample * 10), sample, "proportion", int64(950000), errs, verdict, completed, us(start)})
			made = append(made, au{e: e, failed: failed, month: m})
		}
	}
	first, err := tx.SeedInsert(ctx, "audits", []string{"engagement_id", "kind", "period", "due_on", "state", "auditor_id", "population_size", "sample_size",
		"method", "confidence_ppm", "errors", "verdict", "completed_at", "created_at"}, rows)
	if err != nil {
		return err
	}
	var cas [][]any
	for i, a := range made {
		if !a.failed {
			continue
		}
		state, closedAt := "closed", int64(0)
		var closedBy any
		if a.month <= 2 {
			state = "open"
		} else {
			closedBy, closedAt = a.e.attorney, us(g.days(-30*a.month+20))
		}
		cas = append(cas, []any{first + int64(i), a.e.id, a.e.vendor, "Privilege calls missed on the sampled set: retrain and re-check the batch.",
			day(g.days(-30*a.month + 21)), state, a.e.attorney, us(g.days(-30*a.month + 7)), closedBy, closedAt})
	}
	g.step(len(g.eng), "quality audits")
	return tx.SeedRows(ctx, "corrective_actions", []string{"audit_id", "engagement_id", "vendor_id", "description", "due_on", "state", "raised_by", "raised_at", "closed_by", "closed_at"}, cas)
}

// invoices: the vendor's invoices of the last three months per engagement
// at work, and two client invoices per matter, a few sent over a
// billing-policy flag by a partner's override.
func (g *gen) invoices(ctx context.Context, tx *store.Tx) error {
	var vis [][]any
	for _, e := range g.eng {
		if !working(e.stage) {
			continue
		}
		vm := g.vendorMgr[g.vendorIndex(e.vendor)]
		for m := 3; m >= 1; m-- {
			start := time.Date(g.now.Year(), g.now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -m, 0)
			end := start.AddDate(0, 1, -1)
			total := int64(100_000 + g.rng.IntN(2_000_000))
			state, approved, decided := "approved", total, us(end.AddDate(0, 0, 10))
			var decidedBy any = e.attorney
			switch r := g.rng.IntN(100); {
			case m == 1 && r < 40:
				state, approved, decided, decidedBy = "submitted", 0, 0, nil
			case r < 45:
				state, approved = "disputed", 0
			}
			vis = append(vis, []any{e.id, e.vendor, fmt.Sprintf("INV-%d-%s", e.id, start.Format("200601")), day(end.AddDate(0, 0, 2)), day(start), day(end),
				"USD", total, approved, state, total, "USD", vm, us(end.AddDate(0, 0, 2)), decidedBy, decided})
		}
	}
	if err := tx.SeedRows(ctx, "vendor_invoices", []string{"engagement_id", "vendor_id", "number", "invoice_date", "period_start", "period_end", "currency",
		"total_minor", "approved_minor", "state", "firm_cost_minor", "firm_currency", "submitted_by", "submitted_at", "decided_by", "decided_at"}, vis); err != nil {
		return err
	}
	var cis [][]any
	for i := range g.size.Matters {
		matter := g.firstMat + int64(i)
		att := g.matterAtt[i]
		for m := 2; m >= 1; m-- {
			start := time.Date(g.now.Year(), g.now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -m, 0)
			end := start.AddDate(0, 1, -1)
			vc := int64(200_000 + g.rng.IntN(3_000_000))
			ih := vc * 3
			ch := vc + vc/10
			state, flags, reason := "sent", "[]", ""
			var overrideBy, sentBy any = nil, att
			var overrideAt, sentAt int64 = 0, us(end.AddDate(0, 0, 5))
			switch r := g.rng.IntN(100); {
			case r < 3:
				flags, overrideBy, overrideAt, reason = `[{"code":"fee_markup_above_cap","message":"The fee markup is above the firm's cap."}]`, att, us(end.AddDate(0, 0, 4)), "Agreed with the client's general counsel in the engagement letter."
			case m == 1 && r < 30:
				state, sentBy, sentAt = "approved", nil, 0
			}
			cis = append(cis, []any{fmt.Sprintf("%d-%06d", start.Year(), 2*i+(3-m)), "invoice", matter, g.matterCli[i], "USD", day(end.AddDate(0, 0, 3)), day(start), day(end),
				state, int64(1000), ch, ch, vc, ih, ch, flags, overrideBy, reason, overrideAt, att, us(end.AddDate(0, 0, 3)), sentBy, sentAt})
		}
	}
	g.step(len(g.eng), "invoices")
	return tx.SeedRows(ctx, "client_invoices", []string{"number", "kind", "matter_id", "client_id", "currency", "invoice_date", "period_start", "period_end",
		"state", "markup_bp", "fees_minor", "total_minor", "vendor_cost_minor", "inhouse_minor", "charged_minor", "flags", "override_by", "override_reason", "override_at",
		"created_by", "created_at", "sent_by", "sent_at"}, cis)
}
