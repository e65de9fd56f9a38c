package app

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// Quality audits of an engagement's vendor output: the audit plan, batches
// of items imported from CSV, audits drawn from a recorded seed, scored by
// the auditor (an attorney or a firm reviewer, never the vendor) against
// the plan's rubric, completed with a verdict that moves the plan's
// switching state (and can pause the engagement), and corrective actions
// the vendor answers and the attorney verifies. Every use case loads the
// engagement through onEngagement with domain.ActivityAudit (the vendor's
// answer: domain.ActivityCorrective). The plan and batches are in
// audit_plans.go, corrective actions in corrective_actions.go, the
// scheduler in audit_schedule.go.

// AuditsView is an engagement's quality-audit tab. A client contact sees
// completed audits only (verdict and statement, no items, batches or
// corrective actions); a vendor user sees the plan, the audits' verdicts
// and the corrective actions raised to the vendor, never the items' scores.
type AuditsView struct {
	EngagementRef
	Plan       *domain.AuditPlan // nil: no plan yet
	Rules      []string          // the switching rules in words (domain.SwitchRules)
	Batches    []domain.AuditBatch
	Audits     []domain.Audit
	Corrective []domain.CorrectiveAction
	Auditors   []domain.User // who may be named auditor (attorneys and staff)
	CanPlan    bool          // PlanAudits on this engagement now
	CanAudit   bool          // ConductAudits on this engagement now
	CanRespond bool          // RespondCorrective
	CanVerify  bool          // VerifyCorrective (the supervising attorney)
}

// conductor is the capability to carry out audits.
func conductor(actor domain.User) func(domain.Engagement) error {
	return func(domain.Engagement) error { return require(actor, ConductAudits) }
}

// auditOf checks that audit aid belongs to the engagement.
func auditOf(ctx context.Context, tx *store.Tx, aid int64) func(domain.Engagement) error {
	return func(e domain.Engagement) error {
		_, err := tx.Audit(ctx, e.ID, aid)
		return err
	}
}

// auditsAccess loads the engagement for reading its audits: every viewer
// in scope, past the second-factor gate, with the matter; vendor users only
// while they may answer corrective actions (active or paused, their
// personnel clear: never after close). object (nil: none) checks the
// object read under the engagement first, so a foreign or missing one
// answers not found before any gate, as onEngagement does.
func (a *App) auditsAccess(ctx context.Context, tx *store.Tx, actor domain.User, engagementID int64, object func(domain.Engagement) error) (EngagementRef, error) {
	if object != nil {
		if actor.Disabled {
			return EngagementRef{}, domain.NotFound("engagement")
		}
		e, err := tx.Engagement(ctx, ScopeFor(actor), engagementID)
		if err != nil {
			return EngagementRef{}, err
		}
		if err := object(e); err != nil {
			return EngagementRef{}, err
		}
	}
	h, err := a.engagementHeader(ctx, tx, actor, engagementID)
	if err != nil {
		return EngagementRef{}, err
	}
	if actor.Role.IsVendor() {
		return a.workEngagement(ctx, tx, actor, engagementID, domain.ActivityCorrective)
	}
	m, err := tx.Matter(ctx, store.Scope{All: true}, h.MatterID)
	return EngagementRef{Engagement: h.Engagement, Matter: m}, err
}

// stageOpen reports whether the engagement's stage allows act.
func stageOpen(e domain.Engagement, act domain.Activity) bool {
	return domain.StageAllows(e.Stage, act) == nil
}

// overdue flags audits past their due day and not completed.
func overdue(as []domain.Audit, today domain.Date) {
	for i := range as {
		as[i].Overdue = as[i].State != domain.AuditCompleted && as[i].DueOn.Before(today)
	}
}

// overdueActions flags corrective actions past their due day and not closed.
func overdueActions(cs []domain.CorrectiveAction, today domain.Date) {
	for i := range cs {
		cs[i].Overdue = cs[i].State != domain.CorrectiveClosed && cs[i].DueOn.Before(today)
	}
}

// QualityAudits loads an engagement's audit tab for actor.
func (a *App) QualityAudits(ctx context.Context, actor domain.User, engagementID int64) (AuditsView, error) {
	var v AuditsView
	err := a.Store.Read(ctx, func(tx *store.Tx) error {
		ref, err := a.auditsAccess(ctx, tx, actor, engagementID, nil)
		if err != nil {
			return err
		}
		v.EngagementRef = ref
		e := ref.Engagement
		today, err := a.todayFor(ctx, tx, actor)
		if err != nil {
			return err
		}
		audits, err := tx.Audits(ctx, engagementID)
		if err != nil {
			return err
		}
		overdue(audits, today)
		if actor.Role.IsClient() {
			for _, au := range audits {
				if au.State == domain.AuditCompleted {
					v.Audits = append(v.Audits, clientAudit(au))
				}
			}
			return nil
		}
		v.Audits = audits
		switch p, err := tx.AuditPlan(ctx, engagementID); {
		case err == nil:
			v.Plan, v.Rules = &p, domain.SwitchRules(p)
		case domain.ErrorCode(err) != domain.ENotFound:
			return err
		}
		if v.Corrective, err = tx.CorrectiveActions(ctx, engagementID); err != nil {
			return err
		}
		overdueActions(v.Corrective, today)
		v.CanRespond = Can(actor, RespondCorrective) && actor.VendorID == e.VendorID && stageOpen(e, domain.ActivityCorrective)
		if actor.Role.IsVendor() {
			return nil
		}
		if v.Batches, err = tx.AuditBatches(ctx, engagementID); err != nil {
			return err
		}
		if v.Auditors, err = firmAuditors(ctx, tx); err != nil {
			return err
		}
		open := stageOpen(e, domain.ActivityAudit)
		v.CanPlan = Can(actor, PlanAudits) && open
		v.CanAudit = Can(actor, ConductAudits) && open
		v.CanVerify = Can(actor, VerifyCorrective) && actor.ID == e.SupervisingAttorneyID && open
		return nil
	})
	return v, err
}

// clientAudit keeps what a client contact may see of a completed audit:
// when, how large, the result; not who audited or the items.
func clientAudit(au domain.Audit) domain.Audit {
	return domain.Audit{ID: au.ID, EngagementID: au.EngagementID, Kind: au.Kind, Period: au.Period, DueOn: au.DueOn, State: au.State,
		Population: au.Population, SampleSize: au.SampleSize, Spec: au.Spec, MaxErrorRate: au.MaxErrorRate, Scored: au.Scored,
		Errors: au.Errors, Verdict: au.Verdict, CompletedAt: au.CompletedAt, CreatedAt: au.CreatedAt}
}

// Starting an audit: the population is frozen (the engagement's submitted
// deliverable versions in submission order, or the items of one batch in
// file order), the sample size comes from the plan's method on that
// population under the plan's switch state, and the sample is drawn from
// the recorded seed with domain.DrawSample (per person with
// domain.DrawStratified when the plan stratifies a batch), so anyone can
// reproduce it from the seed and the population alone.

// MaxSeedLength is the longest seed an auditor may give.
const MaxSeedLength = 200

// StartAuditInput starts an audit: a due one (AuditID), or a manual audit
// now (AuditID 0). BatchID names the batch for a batch_items population.
// Seed is recorded as given, or a fresh one when empty.
type StartAuditInput struct {
	AuditID int64
	BatchID int64
	Seed    string
}

// batchOf checks that batch bid (0: none) belongs to the engagement.
func batchOf(ctx context.Context, tx *store.Tx, bid int64) func(domain.Engagement) error {
	return func(e domain.Engagement) error {
		if bid == 0 {
			return nil
		}
		_, err := tx.AuditBatch(ctx, e.ID, bid)
		return err
	}
}

// auditPlan loads the engagement's plan, or says to set one first.
func auditPlan(ctx context.Context, tx *store.Tx, engagementID int64) (domain.AuditPlan, error) {
	p, err := tx.AuditPlan(ctx, engagementID)
	if domain.ErrorCode(err) == domain.ENotFound {
		return p, domain.Errorf(domain.EConflict, "the engagement has no audit plan yet; set one first")
	}
	return p, err
}

// StartAudit freezes the population, computes the sample size under the
// plan's method and switch state, draws the sample from the seed and
// records it, and sets the audit scoring.
func (a *App) StartAudit(ctx context.Context, actor domain.User, engagementID int64, in StartAuditInput) (domain.Audit, error) {
	var out domain.Audit
	in.Seed = strings.TrimSpace(in.Seed)
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		object := func(e domain.Engagement) error {
			if in.AuditID != 0 {
				if err := auditOf(ctx, tx, in.AuditID)(e); err != nil {
					return err
				}
			}
			return batchOf(ctx, tx, in.BatchID)(e)
		}
		ref, err := a.onEngagement(ctx, tx, actor, engagementID, domain.ActivityAudit, object, conductor(actor))
		if err != nil {
			return err
		}
		if utf8.RuneCountInString(in.Seed) > MaxSeedLength {
			return domain.Invalid("seed", "the seed must be at most %d characters", MaxSeedLength)
		}
		plan, err := auditPlan(ctx, tx, engagementID)
		if err != nil {
			return err
		}
		var au domain.Audit
		if in.AuditID != 0 {
			if au, err = tx.Audit(ctx, engagementID, in.AuditID); err != nil {
				return err
			}
			if au.State != domain.AuditDue {
				return domain.Errorf(domain.EConflict, "the audit is not due: it is %s", au.State)
			}
		} else {
			now := a.Now()
			// The period is the moment it was started, in microseconds; one
			// started in the same microsecond takes the next.
			for at, created := now.UnixMicro(), false; !created; at++ {
				au = domain.Audit{EngagementID: engagementID, Kind: domain.AuditManual, Period: "manual:" + strconv.FormatInt(at, 10),
					DueOn: domain.DateOf(now), AuditorID: actor.ID, Switch: plan.Switch, Criteria: plan.Criteria, CreatedAt: now}
				if created, err = tx.CreateAudit(ctx, &au); err != nil {
					return err
				}
			}
		}
		if au.AuditorID == 0 {
			au.AuditorID = actor.ID
		}
		seed := in.Seed
		if seed == "" {
			seed = domain.NewSeed()
		}
		items, err := a.drawAudit(ctx, tx, plan, &au, in.BatchID, seed)
		if err != nil {
			return err
		}
		if err := tx.DrawAudit(ctx, au, items, a.Now()); err != nil {
			return err
		}
		if out, err = tx.Audit(ctx, engagementID, au.ID); err != nil {
			return err
		}
		what := "submitted deliverable versions"
		if au.BatchID != 0 {
			b, err := tx.AuditBatch(ctx, engagementID, au.BatchID)
			if err != nil {
				return err
			}
			what = fmt.Sprintf("items of batch %q", b.Name)
		}
		strat := ""
		if au.Stratified {
			strat = ", stratified by person"
		}
		return a.audit(ctx, tx, actor, Record{Action: "audit.start", ObjectType: "engagement", ObjectID: engagementID, MatterID: ref.Matter.ID,
			Summary: fmt.Sprintf("started %s audit %d (%s) on %s: drew %d of %d %s with seed %q (%s, %s sampling%s)", au.Kind, au.ID, au.Period,
				ref.Matter.Number, len(items), au.Population, what, seed, au.Spec.Method, au.Switch, strat)})
	})
	return out, err
}

// drawAudit fixes au's population, spec, seed and rubric from the plan and
// draws its sample: the items in draw order.
func (a *App) drawAudit(ctx context.Context, tx *store.Tx, plan domain.AuditPlan, au *domain.Audit, batchID int64, seed string) ([]domain.SampleItem, error) {
	plan.Freeze(au, seed)
	if plan.Population == domain.PopulationDeliverables {
		versions, err := tx.SubmittedVersions(ctx, au.EngagementID)
		if err != nil {
			return nil, err
		}
		if len(versions) == 0 {
			return nil, domain.Invalid("population", "there is nothing to sample: the engagement has no submitted deliverable versions yet")
		}
		au.Population, au.Spec.Population = int64(len(versions)), int64(len(versions))
		n, err := plan.SampleSizeFor(au.Population)
		if err != nil {
			return nil, err
		}
		pos, err := domain.DrawSample(seed, au.Population, n)
		if err != nil {
			return nil, err
		}
		items := make([]domain.SampleItem, len(pos))
		for i, p := range pos {
			v := versions[p-1]
			items[i] = domain.SampleItem{Draw: i + 1, Position: p, Key: v.Key, DeliverableVersionID: v.VersionID, Person: v.Person}
		}
		return items, nil
	}
	if batchID == 0 {
		if id, ok := strings.CutPrefix(au.Period, "batch:"); ok {
			batchID, _ = strconv.ParseInt(id, 10, 64)
		}
	}
	if batchID == 0 {
		return nil, domain.Invalid("batch", "choose the batch of items to sample")
	}
	b, err := tx.AuditBatch(ctx, au.EngagementID, batchID)
	if err != nil {
		return nil, err
	}
	return tx.DrawFromBatch(ctx, plan, au, b)
}

// AuditDetail is one audit's page.
type AuditDetail struct {
	EngagementRef
	Audit         domain.Audit
	Items         []domain.SampleItem // empty for vendor users and clients
	Results       domain.AuditResults
	Findings      []domain.AuditFinding
	Corrective    []domain.CorrectiveAction
	PositiveLabel string
	CanScore      bool
	CanRaise      bool
}

// auditDetail fills d for actor from the audit's rows (in tx).
func (a *App) auditDetail(ctx context.Context, tx *store.Tx, actor domain.User, ref EngagementRef, auditID int64) (AuditDetail, error) {
	d := AuditDetail{EngagementRef: ref}
	au, err := tx.Audit(ctx, ref.Engagement.ID, auditID)
	if err != nil {
		return d, err
	}
	if actor.Role.IsClient() && au.State != domain.AuditCompleted {
		return d, domain.NotFound("audit")
	}
	today, err := a.todayFor(ctx, tx, actor)
	if err != nil {
		return d, err
	}
	as := []domain.Audit{au}
	overdue(as, today)
	d.Audit = as[0]
	d.PositiveLabel = "responsive"
	switch p, err := tx.AuditPlan(ctx, ref.Engagement.ID); {
	case err == nil:
		d.PositiveLabel = p.PositiveLabel
	case domain.ErrorCode(err) != domain.ENotFound:
		return d, err
	}
	items, err := tx.AuditSamples(ctx, auditID)
	if err != nil {
		return d, err
	}
	if au.State != domain.AuditDue && au.Scored > 0 {
		if d.Results, err = domain.Evaluate(au, items, d.PositiveLabel); err != nil {
			return d, err
		}
	}
	if actor.Role.IsClient() {
		d.Audit = clientAudit(d.Audit)
		d.Results.People, d.Results.Review = nil, nil
		return d, nil
	}
	cs, err := tx.CorrectiveActions(ctx, ref.Engagement.ID)
	if err != nil {
		return d, err
	}
	for _, c := range cs {
		if c.AuditID == auditID {
			d.Corrective = append(d.Corrective, c)
		}
	}
	overdueActions(d.Corrective, today)
	if actor.Role.IsVendor() {
		return d, nil
	}
	d.Items = items
	if d.Findings, err = tx.AuditFindings(ctx, auditID); err != nil {
		return d, err
	}
	open := stageOpen(ref.Engagement, domain.ActivityAudit) && Can(actor, ConductAudits)
	d.CanScore = open && au.State == domain.AuditScoring
	d.CanRaise = open && au.State != domain.AuditDue
	return d, nil
}

// AuditDetail loads one audit for actor.
func (a *App) AuditDetail(ctx context.Context, actor domain.User, engagementID, auditID int64) (AuditDetail, error) {
	var d AuditDetail
	err := a.Store.Read(ctx, func(tx *store.Tx) error {
		ref, err := a.auditsAccess(ctx, tx, actor, engagementID, auditOf(ctx, tx, auditID))
		if err != nil {
			return err
		}
		d, err = a.auditDetail(ctx, tx, actor, ref, auditID)
		return err
	})
	return d, err
}

// auditBeingScored loads, for the auditor's work on it, an audit being
// scored and its sampled items: the engagement gates first (onEngagement),
// then the audit's state.
func (a *App) auditBeingScored(ctx context.Context, tx *store.Tx, actor domain.User, engagementID, auditID int64) (EngagementRef, domain.Audit, []domain.SampleItem, error) {
	ref, err := a.onEngagement(ctx, tx, actor, engagementID, domain.ActivityAudit, auditOf(ctx, tx, auditID), conductor(actor))
	if err != nil {
		return ref, domain.Audit{}, nil, err
	}
	au, err := scoringAudit(ctx, tx, engagementID, auditID)
	if err != nil {
		return ref, au, nil, err
	}
	items, err := tx.AuditSamples(ctx, auditID)
	return ref, au, items, err
}

// scoringAudit loads an audit being scored.
func scoringAudit(ctx context.Context, tx *store.Tx, engagementID, auditID int64) (domain.Audit, error) {
	au, err := tx.Audit(ctx, engagementID, auditID)
	if err != nil {
		return au, err
	}
	switch au.State {
	case domain.AuditDue:
		return au, domain.Errorf(domain.EConflict, "the audit's sample is not drawn yet; start the audit first")
	case domain.AuditCompleted:
		return au, domain.Errorf(domain.EConflict, "the audit is completed; its scores can no longer change")
	}
	return au, nil
}

// ScoreAuditItem records the auditor's score of one sampled item. A score
// for an item not in the audit's sample, or naming a criterion not in its
// rubric, is refused.
func (a *App) ScoreAuditItem(ctx context.Context, actor domain.User, engagementID, auditID int64, s domain.ItemScore) error {
	return a.Store.Write(ctx, func(tx *store.Tx) error {
		ref, au, items, err := a.auditBeingScored(ctx, tx, actor, engagementID, auditID)
		if err != nil {
			return err
		}
		var item *domain.SampleItem
		for i := range items {
			if items[i].ID == s.SampleID {
				item = &items[i]
			}
		}
		if item == nil {
			return domain.Invalid("item", "item %d is not in this audit's sample", s.SampleID)
		}
		ns, err := domain.ValidateScore(au, *item, s)
		if err != nil {
			return err
		}
		ns.SampleID, ns.ScoredBy, ns.ScoredName, ns.ScoredAt = item.ID, actor.ID, actor.Name, a.Now()
		weight := map[string]domain.Weight{}
		for _, c := range au.Criteria {
			weight[c.Key] = c.Weight
		}
		findings := make([]domain.AuditFinding, len(ns.Failed))
		for i, k := range ns.Failed {
			findings[i] = domain.AuditFinding{AuditID: auditID, SampleID: item.ID, ItemKey: item.Key, Criterion: k, Weight: weight[k], Note: ns.Note}
		}
		if err := tx.SaveScore(ctx, auditID, ns, findings); err != nil {
			return err
		}
		verb := "scored"
		if item.Score != nil {
			verb = "rescored"
		}
		outcome := "passed every criterion"
		if len(ns.Failed) > 0 {
			outcome = "failed " + strings.Join(ns.Failed, ", ")
		}
		if ns.CorrectDecision != "" && !strings.EqualFold(ns.CorrectDecision, item.Decision) {
			outcome += "; the decision should have been " + ns.CorrectDecision
		}
		return a.audit(ctx, tx, actor, Record{Action: "audit.score", ObjectType: "engagement", ObjectID: engagementID, MatterID: ref.Matter.ID,
			Summary: fmt.Sprintf("%s item %d of %d (position %d) of audit %d on %s: %s", verb, item.Draw, au.SampleSize, item.Position, auditID,
				ref.Matter.Number, outcome)})
	})
}

// CompleteAudit completes a fully scored audit: records errors and the
// verdict, moves the plan's switch state, pauses the engagement after the
// plan's number of consecutive failures, and completes the engagement's
// final audit when it is the final one.
func (a *App) CompleteAudit(ctx context.Context, actor domain.User, engagementID, auditID int64) (AuditDetail, error) {
	var d AuditDetail
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		ref, au, items, err := a.auditBeingScored(ctx, tx, actor, engagementID, auditID)
		if err != nil {
			return err
		}
		left := 0
		for _, it := range items {
			if it.Score == nil {
				left++
			}
		}
		if left > 0 {
			return domain.Invalid("audit", "%d of the %d sampled items are not scored yet; score every item before completing the audit", left, len(items))
		}
		plan, err := auditPlan(ctx, tx, engagementID)
		if err != nil {
			return err
		}
		res, err := domain.Evaluate(au, items, plan.PositiveLabel)
		if err != nil {
			return err
		}
		if res.Verdict == "" {
			return domain.Errorf(domain.EInternal, "audit %d: no verdict with every item scored", auditID)
		}
		now := a.Now()
		if err := tx.CompleteAudit(ctx, auditID, res.Errors, res.Verdict, now); err != nil {
			return err
		}
		m := ref.Matter
		if err := a.audit(ctx, tx, actor, Record{Action: "audit.complete", ObjectType: "engagement", ObjectID: engagementID, MatterID: m.ID,
			Summary: fmt.Sprintf("completed audit %d (%s) on %s: %s — %d errors in %d items. %s", auditID, au.Period, m.Number,
				strings.ToUpper(res.Verdict), res.Errors, len(items), res.Statement)}); err != nil {
			return err
		}
		if err := a.afterVerdict(ctx, tx, actor, ref, plan); err != nil {
			return err
		}
		if au.Kind == domain.AuditFinal {
			if err := tx.CompleteFinalAudit(ctx, engagementID, now); err != nil {
				return err
			}
			if err := a.audit(ctx, tx, actor, Record{Action: "audit.final_complete", ObjectType: "engagement", ObjectID: engagementID, MatterID: m.ID,
				Summary: fmt.Sprintf("the final quality audit of the engagement on %s is done (%s)", m.Number, res.Verdict)}); err != nil {
				return err
			}
		}
		d, err = a.auditDetail(ctx, tx, actor, ref, auditID)
		return err
	})
	return d, err
}

// afterVerdict moves the plan's switch state by the verdicts of its
// completed audits and pauses the engagement after the plan's number of
// consecutive failures, through the same pause record as a pause by hand
// (cause domain.PauseAudit, so that the steward resumes it by hand).
func (a *App) afterVerdict(ctx context.Context, tx *store.Tx, actor domain.User, ref EngagementRef, plan domain.AuditPlan) error {
	id, m := ref.Engagement.ID, ref.Matter
	verdicts, err := tx.CompletedVerdicts(ctx, id)
	if err != nil {
		return err
	}
	next, pause := domain.SwitchAfter(plan, verdicts)
	if next != plan.Switch && next != "" {
		if err := tx.SetSwitchState(ctx, id, next); err != nil {
			return err
		}
		if err := a.audit(ctx, tx, actor, Record{Action: "audit.switch", ObjectType: "engagement", ObjectID: id, MatterID: m.ID,
			Summary: fmt.Sprintf("sampling on %s %s", m.Number, switchWords(plan.Switch, next, verdicts))}); err != nil {
			return err
		}
	}
	if !pause || !domain.Pausable(ref.Engagement.Stage) {
		return nil
	}
	reason := fmt.Sprintf("%d consecutive failed quality audits", plan.PauseAfter)
	now := a.Now()
	ok, err := tx.PauseEngagement(ctx, id, ref.Engagement.Stage, domain.PauseAudit, reason, now)
	if err != nil || !ok {
		return err
	}
	if err := tx.AddPauseEvent(ctx, &domain.PauseEvent{EngagementID: id, Action: "pause", Reason: reason, By: actor.ID, At: now}); err != nil {
		return err
	}
	return a.audit(ctx, tx, actor, Record{Action: "engagement.pause", ObjectType: "engagement", ObjectID: id, MatterID: m.ID,
		Summary: fmt.Sprintf("paused the engagement on %s (was: %s): %s", m.Number, strings.ToLower(ref.Engagement.Stage.Label()), reason)})
}

// switchWords says why the switch state moved, for the audit trail.
func switchWords(from, to domain.SwitchState, verdicts []string) string {
	run, last := 0, ""
	if len(verdicts) > 0 {
		last = verdicts[len(verdicts)-1]
	}
	for i := len(verdicts) - 1; i >= 0 && verdicts[i] == last; i-- {
		run++
	}
	what := "passed"
	if last == "fail" {
		what = "failed"
	}
	verb := map[domain.SwitchState]string{domain.SwitchTightened: "tightened", domain.SwitchReduced: "reduced", domain.SwitchNormal: "returned to normal"}[to]
	return fmt.Sprintf("%s (was %s) after %d consecutive %s audits", verb, from, run, what)
}
