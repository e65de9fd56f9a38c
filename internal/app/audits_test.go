package app_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/demo"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// auditFixture is the deliverables fixture (the active Calloway/Lexora
// engagement, Marcus supervising) with no quality-audit data on the
// engagement, whatever the demo holds, so the counts below are exact.
type auditFixture struct {
	*delivFixture
	marcus, priya, daniel, admin, anika, rohan, helen, maria domain.User
}

func newAuditFixture(tb testing.TB, e testenv.Engine) *auditFixture {
	tb.Helper()
	f := &auditFixture{delivFixture: newDelivFixture(tb, e)}
	for _, q := range []string{`DELETE FROM corrective_actions WHERE engagement_id = $1`, `DELETE FROM audits WHERE engagement_id = $1`,
		`DELETE FROM audit_batches WHERE engagement_id = $1`, `DELETE FROM audit_plans WHERE engagement_id = $1`} {
		if _, err := f.a.Store.DB().Exec(q, f.eid); err != nil {
			tb.Fatal(err)
		}
	}
	p := f.people
	f.marcus, f.priya, f.daniel, f.admin = p[emMarcus], p[emPriya], p[emDaniel], p[emEleanor]
	f.anika, f.rohan, f.helen, f.maria = p[emAnika], p[dvRohan], p[emHelen], p[emMaria]
	return f
}

// auditRows counts what a refused audit request must leave unchanged.
func (f *auditFixture) auditRows(tb testing.TB) [11]int {
	tb.Helper()
	var n [11]int
	err := f.a.Store.DB().QueryRow(`SELECT (SELECT COUNT(*) FROM audit_plans), (SELECT COUNT(*) FROM audit_batches),
		(SELECT COUNT(*) FROM audit_population_items), (SELECT COUNT(*) FROM audits), (SELECT COUNT(*) FROM audit_samples),
		(SELECT COUNT(*) FROM audit_scores), (SELECT COUNT(*) FROM audit_findings), (SELECT COUNT(*) FROM corrective_actions),
		(SELECT COUNT(*) FROM audit_events), (SELECT COUNT(*) FROM outbox), (SELECT COUNT(*) FROM engagement_pauses)`).
		Scan(&n[0], &n[1], &n[2], &n[3], &n[4], &n[5], &n[6], &n[7], &n[8], &n[9], &n[10])
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

// mails counts the outbox messages to addr whose body contains text.
func (f *auditFixture) mails(tb testing.TB, addr, text string) int {
	tb.Helper()
	var n int
	if err := f.a.Store.DB().QueryRow(`SELECT COUNT(*) FROM outbox WHERE to_addr = $1 AND body LIKE $2`, addr, "%"+text+"%").Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

// batchPlan audits batch items by a margin of error (95% ± 5%, threshold 5%).
func batchPlan() domain.AuditPlan {
	return domain.AuditPlan{Cadence: domain.AuditWeekly, Population: domain.PopulationBatchItems,
		Sampling:     domain.SampleSpec{Method: domain.MethodProportion, Confidence: 0.95, Margin: 0.05, Expected: 0.5},
		MaxErrorRate: 0.05, PositiveLabel: "responsive", Criteria: domain.DefaultRubric}
}

// strictPlan is a zero-defect plan with small samples (80% confidence to
// exclude a 20% error rate: one error fails), tightening after two
// failures and pausing after three.
func strictPlan() domain.AuditPlan {
	p := batchPlan()
	p.Sampling = domain.SampleSpec{Method: domain.MethodZeroDefect, Confidence: 0.8, MaxErrorRate: 0.2}
	p.MaxErrorRate, p.PauseAfter = 0.2, 3
	return p
}

func csvOf(n int, prefix string) string {
	var b strings.Builder
	b.WriteString("item_id,decision,person,custodian\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "%s-%05d,%s,%s,c%d\n", prefix, i, []string{"responsive", "not responsive"}[i%2], []string{"Rohan", "Meera", "Arjun"}[i%3], i%5)
	}
	return b.String()
}

func (f *auditFixture) setPlan(tb testing.TB, p domain.AuditPlan) domain.AuditPlan {
	tb.Helper()
	p, err := f.a.SetAuditPlan(f.ctx, f.marcus, f.eid, p)
	if err != nil {
		tb.Fatalf("set plan: %v", err)
	}
	return p
}

func (f *auditFixture) importBatch(tb testing.TB, name string, n int) domain.AuditBatch {
	tb.Helper()
	b, err := f.a.ImportAuditBatch(f.ctx, f.marcus, f.eid, name, strings.NewReader(csvOf(n, strings.ReplaceAll(name, " ", ""))))
	if err != nil {
		tb.Fatalf("import %s: %v", name, err)
	}
	return b
}

// scoreAll scores every unscored item of the audit as who; fail says
// which criteria an item fails.
func (f *auditFixture) scoreAll(tb testing.TB, who domain.User, aid int64, fail func(i int) []string) {
	tb.Helper()
	d, err := f.a.AuditDetail(f.ctx, who, f.eid, aid)
	if err != nil {
		tb.Fatal(err)
	}
	for i, it := range d.Items {
		if err := f.a.ScoreAuditItem(f.ctx, who, f.eid, aid, domain.ItemScore{SampleID: it.ID, Failed: fail(i)}); err != nil {
			tb.Fatalf("score item %d: %v", it.ID, err)
		}
	}
}

func passing(int) []string { return nil }

func failingFirst(i int) []string {
	if i == 0 {
		return []string{"accuracy"}
	}
	return nil
}

// failingTwo fails the first two items: a zero-defect audit of up to 16
// items at 80% against a 20% rate fails with them.
func failingTwo(i int) []string {
	if i < 2 {
		return []string{"accuracy", "format"}
	}
	return nil
}

// A plan is checked whole and only attorneys and firm administrators set
// it; every refusal changes nothing, and the switch state is kept across
// changes.
func TestAuditPlanRefusals(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newAuditFixture(t, e)
		before := f.auditRows(t)
		bad := func(mut func(p *domain.AuditPlan)) domain.AuditPlan { p := batchPlan(); mut(&p); return p }
		for _, c := range []struct {
			who   domain.User
			p     domain.AuditPlan
			code  string
			field string
		}{
			{f.marcus, bad(func(p *domain.AuditPlan) { p.Cadence = "hourly" }), domain.EInvalid, "cadence"},
			{f.marcus, bad(func(p *domain.AuditPlan) { p.Sampling.Confidence = 1.5 }), domain.EInvalid, ""},
			{f.marcus, bad(func(p *domain.AuditPlan) { p.Criteria = nil }), domain.EInvalid, ""},
			{f.marcus, bad(func(p *domain.AuditPlan) { p.AuditorID = f.rohan.ID }), domain.EInvalid, "auditor"},
			{f.marcus, bad(func(p *domain.AuditPlan) { p.AuditorID = f.admin.ID }), domain.EInvalid, "auditor"},
			{f.daniel, batchPlan(), domain.EForbidden, ""},
			{f.anika, batchPlan(), domain.EForbidden, ""},
			{f.helen, batchPlan(), domain.EForbidden, ""},
			{f.maria, batchPlan(), domain.ENotFound, ""},
		} {
			_, err := f.a.SetAuditPlan(f.ctx, c.who, f.eid, c.p)
			wantCode(t, err, c.code, c.who.Name+" setting a plan")
			if c.field != "" && domain.ErrorField(err) != c.field {
				t.Errorf("%v: field %q, want %q", err, domain.ErrorField(err), c.field)
			}
		}
		if f.auditRows(t) != before {
			t.Fatalf("refused plans changed something: %v -> %v", before, f.auditRows(t))
		}
		p := batchPlan()
		p.AuditorID = f.daniel.ID
		got := f.setPlan(t, p)
		if got.ID == 0 || got.AuditorName != f.daniel.Name || got.Switch != domain.SwitchNormal || auditCount(t, f.a, "audit.plan", 0) < 1 {
			t.Fatalf("plan: %+v", got)
		}
		if _, err := f.a.Store.DB().Exec(`UPDATE audit_plans SET switch_state = 'tightened' WHERE engagement_id = $1`, f.eid); err != nil {
			t.Fatal(err)
		}
		p.Cadence = domain.AuditMonthly
		if got = f.setPlan(t, p); got.Switch != domain.SwitchTightened || got.Cadence != domain.AuditMonthly {
			t.Fatalf("changed plan lost its switch state: %+v", got)
		}
		v, err := f.a.QualityAudits(f.ctx, f.marcus, f.eid)
		if err != nil || v.Plan == nil || !v.CanPlan || !v.CanAudit || !v.CanVerify || len(v.Rules) == 0 ||
			!slices.ContainsFunc(v.Auditors, func(u domain.User) bool { return u.ID == f.daniel.ID }) ||
			slices.ContainsFunc(v.Auditors, func(u domain.User) bool { return u.ID == f.admin.ID }) {
			t.Fatalf("view: %+v %v", v, err)
		}
	})
}

// A batch CSV with a duplicate id is refused whole; names are unique per
// engagement; an empty population cannot be sampled; a sample never
// exceeds its population.
func TestAuditBatchAndPopulationRefusals(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newAuditFixture(t, e)
		f.setPlan(t, batchPlan())
		before := f.auditRows(t)
		dup := "item_id,decision,person\nA-1,responsive,Rohan\nA-2,responsive,Rohan\nA-1,not responsive,Meera\n"
		_, err := f.a.ImportAuditBatch(f.ctx, f.marcus, f.eid, "dups", strings.NewReader(dup))
		wantCode(t, err, domain.EInvalid, "CSV with a duplicate id")
		if !strings.Contains(domain.ErrorMessage(err), "A-1") {
			t.Errorf("duplicate id not named: %v", err)
		}
		_, err = f.a.ImportAuditBatch(f.ctx, f.anika, f.eid, "vendor's", strings.NewReader(csvOf(5, "V")))
		wantCode(t, err, domain.EForbidden, "vendor importing a batch")
		_, err = f.a.ImportAuditBatch(f.ctx, f.marcus, f.eid, " ", strings.NewReader(csvOf(5, "V")))
		wantCode(t, err, domain.EInvalid, "batch without a name")
		if f.auditRows(t) != before {
			t.Fatalf("refused imports changed something: %v -> %v", before, f.auditRows(t))
		}
		b := f.importBatch(t, "week 12", 10)
		if b.Items != 10 || b.People != 3 {
			t.Fatalf("batch: %+v", b)
		}
		before = f.auditRows(t)
		_, err = f.a.ImportAuditBatch(f.ctx, f.marcus, f.eid, "week 12", strings.NewReader(csvOf(3, "W")))
		wantCode(t, err, domain.EConflict, "a second batch of the same name")
		if !strings.Contains(domain.ErrorMessage(err), "week 12") || f.auditRows(t) != before {
			t.Errorf("conflict does not name the batch, or left rows: %v", err)
		}
		// Sampling 10 items inspects them all, whatever the formula asks.
		au, err := f.a.StartAudit(f.ctx, f.marcus, f.eid, app.StartAuditInput{BatchID: b.ID, Seed: "tiny"})
		if err != nil || au.SampleSize != 10 || au.Population != 10 {
			t.Fatalf("audit of 10 items: %+v %v", au, err)
		}
		before = f.auditRows(t)
		for _, in := range []app.StartAuditInput{{BatchID: b.ID, Seed: strings.Repeat("s", 201)}, {}, {AuditID: au.ID, BatchID: b.ID}} {
			_, err := f.a.StartAudit(f.ctx, f.marcus, f.eid, in)
			want := domain.EInvalid
			if in.AuditID != 0 {
				want = domain.EConflict // not due: it is being scored
			}
			wantCode(t, err, want, fmt.Sprintf("start %+v", in))
		}
		// A batch of another engagement is not found.
		var other int64
		if err := f.a.Store.DB().QueryRow(`SELECT id FROM engagements WHERE description = $1`, demo.SOWEngagement).Scan(&other); err != nil {
			t.Fatal(err)
		}
		_, err = f.a.StartAudit(f.ctx, f.marcus, other, app.StartAuditInput{BatchID: b.ID})
		wantCode(t, err, domain.ENotFound, "a batch of another engagement")
		if f.auditRows(t) != before {
			t.Fatalf("refused starts changed something: %v -> %v", before, f.auditRows(t))
		}
		// The engagement at the statement-of-work stage has no submitted versions.
		dp := batchPlan()
		dp.Population = domain.PopulationDeliverables
		if _, err := f.a.SetAuditPlan(f.ctx, f.marcus, other, dp); err != nil {
			t.Fatal(err)
		}
		before = f.auditRows(t)
		_, err = f.a.StartAudit(f.ctx, f.marcus, other, app.StartAuditInput{})
		wantCode(t, err, domain.EInvalid, "an empty population")
		if !strings.Contains(domain.ErrorMessage(err), "nothing to sample") || f.auditRows(t) != before {
			t.Fatalf("empty population: %v; rows %v -> %v", err, before, f.auditRows(t))
		}
	})
}

// The whole flow: plan, batch, a seeded draw anyone can reproduce,
// scoring by the firm only (staff included) and only of sampled items,
// completion only when every item is scored, and the verdict.
func TestAuditFlow(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newAuditFixture(t, e)
		p := batchPlan()
		p.MaxErrorRate = 0.1 // 52 clean items of 60 bound the rate below 5.6%
		plan := f.setPlan(t, p)
		b := f.importBatch(t, "week 12", 60)
		au, err := f.a.StartAudit(f.ctx, f.daniel, f.eid, app.StartAuditInput{BatchID: b.ID, Seed: "calloway-w12"})
		if err != nil {
			t.Fatal(err)
		}
		spec := plan.Sampling
		spec.Population = 60
		size, err := domain.SampleSize(spec)
		if err != nil {
			t.Fatal(err)
		}
		want, err := domain.DrawSample("calloway-w12", 60, size.Size)
		if err != nil {
			t.Fatal(err)
		}
		d, err := f.a.AuditDetail(f.ctx, f.marcus, f.eid, au.ID)
		if err != nil {
			t.Fatal(err)
		}
		got := make([]int64, len(d.Items))
		for i, it := range d.Items {
			got[i] = it.Position
			if it.Key != fmt.Sprintf("week12-%05d", it.Position) || it.Draw != i+1 {
				t.Fatalf("item %d: %+v", i, it)
			}
		}
		if au.Seed != "calloway-w12" || au.State != domain.AuditScoring || au.Kind != domain.AuditManual || au.SampleSize != size.Size ||
			au.AuditorID != f.daniel.ID || !slices.Equal(got, want) || !d.CanScore {
			t.Fatalf("drawn %v (audit %+v), want positions %v", got, au, want)
		}

		// Scores: not by the vendor or the client; not of items outside the sample.
		before := f.auditRows(t)
		item := d.Items[0]
		for _, u := range []domain.User{f.anika, f.rohan, f.helen} {
			wantCode(t, f.a.ScoreAuditItem(f.ctx, u, f.eid, au.ID, domain.ItemScore{SampleID: item.ID}), domain.EForbidden, u.Name+" scoring")
		}
		wantCode(t, f.a.ScoreAuditItem(f.ctx, f.maria, f.eid, au.ID, domain.ItemScore{SampleID: item.ID}), domain.ENotFound, "another vendor scoring")
		err = f.a.ScoreAuditItem(f.ctx, f.marcus, f.eid, au.ID, domain.ItemScore{SampleID: item.ID + 100000})
		wantCode(t, err, domain.EInvalid, "score of an item not in the sample")
		if !strings.Contains(domain.ErrorMessage(err), "not in this audit's sample") {
			t.Errorf("message: %v", err)
		}
		wantCode(t, f.a.ScoreAuditItem(f.ctx, f.marcus, f.eid, au.ID, domain.ItemScore{SampleID: item.ID, Failed: []string{"no-such"}}),
			domain.EInvalid, "score with an unknown criterion")
		_, err = f.a.CompleteAudit(f.ctx, f.marcus, f.eid, au.ID)
		wantCode(t, err, domain.EInvalid, "completing with nothing scored")
		if !strings.Contains(domain.ErrorMessage(err), fmt.Sprintf("%d of the %d", size.Size, size.Size)) {
			t.Errorf("does not say how many remain: %v", err)
		}
		if f.auditRows(t) != before {
			t.Fatalf("refusals changed something: %v -> %v", before, f.auditRows(t))
		}

		// Staff score; one minor finding does not make an error.
		f.scoreAll(t, f.daniel, au.ID, func(i int) []string {
			if i == 1 {
				return []string{"format"}
			}
			return nil
		})
		d, err = f.a.CompleteAudit(f.ctx, f.daniel, f.eid, au.ID)
		if err != nil {
			t.Fatal(err)
		}
		if d.Audit.State != domain.AuditCompleted || d.Audit.Verdict != "pass" || d.Audit.Errors != 0 || d.Results.Verdict != "pass" ||
			len(d.Findings) != 1 || d.Findings[0].Weight != domain.WeightMinor || d.CanScore {
			t.Fatalf("completed: %+v", d.Audit)
		}
		_, err = f.a.CompleteAudit(f.ctx, f.daniel, f.eid, au.ID)
		wantCode(t, err, domain.EConflict, "completing twice")
		wantCode(t, f.a.ScoreAuditItem(f.ctx, f.marcus, f.eid, au.ID, domain.ItemScore{SampleID: item.ID}), domain.EConflict, "scoring a completed audit")

		// What each side sees.
		vd, err := f.a.AuditDetail(f.ctx, f.anika, f.eid, au.ID)
		if err != nil || len(vd.Items) != 0 || len(vd.Findings) != 0 || vd.Audit.Verdict != "pass" {
			t.Fatalf("vendor's detail: %+v %v", vd, err)
		}
		vv, err := f.a.QualityAudits(f.ctx, f.anika, f.eid)
		if err != nil || vv.Plan == nil || len(vv.Batches) != 0 || len(vv.Audits) != 1 || vv.CanAudit || vv.CanPlan {
			t.Fatalf("vendor's view: %+v %v", vv, err)
		}
		cv, err := f.a.QualityAudits(f.ctx, f.helen, f.eid)
		if err != nil || cv.Plan != nil || len(cv.Audits) != 1 || cv.Audits[0].AuditorName != "" || len(cv.Corrective) != 0 {
			t.Fatalf("client's view: %+v %v", cv, err)
		}
		_, err = f.a.QualityAudits(f.ctx, f.maria, f.eid)
		wantCode(t, err, domain.ENotFound, "another vendor's view")
		if auditCount(t, f.a, "audit.complete", 0) < 1 || auditCount(t, f.a, "audit.score", 0) < size.Size {
			t.Fatal("the audit trail misses the scoring or completion")
		}
	})
}

// Two consecutive failures tighten sampling (the next sample is doubled);
// the plan's PauseAfter failures pause the engagement through the pause
// record, and the steward resumes it by hand.
func TestAuditSwitchingAndPause(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newAuditFixture(t, e)
		plan := f.setPlan(t, strictPlan())
		b := f.importBatch(t, "lot", 100)
		spec := plan.Sampling
		spec.Population = 100
		normal, err := domain.SampleSize(spec)
		if err != nil {
			t.Fatal(err)
		}
		run := func(seed string) domain.Audit {
			t.Helper()
			au, err := f.a.StartAudit(f.ctx, f.marcus, f.eid, app.StartAuditInput{BatchID: b.ID, Seed: seed})
			if err != nil {
				t.Fatal(err)
			}
			f.advance(time.Minute)
			f.scoreAll(t, f.marcus, au.ID, failingTwo)
			d, err := f.a.CompleteAudit(f.ctx, f.marcus, f.eid, au.ID)
			if err != nil || d.Audit.Verdict != "fail" {
				t.Fatalf("audit %s: %+v %v", seed, d.Audit, err)
			}
			return au
		}
		a1, a2 := run("one"), run("two")
		if a1.SampleSize != normal.Size || a2.SampleSize != normal.Size {
			t.Fatalf("sizes %d %d, want %d", a1.SampleSize, a2.SampleSize, normal.Size)
		}
		v, _ := f.a.QualityAudits(f.ctx, f.marcus, f.eid)
		if v.Plan.Switch != domain.SwitchTightened || auditCount(t, f.a, "audit.switch", 0) != 1 || v.Engagement.Stage != domain.StageActive {
			t.Fatalf("after two failures: %+v", v.Plan)
		}
		a3 := run("three")
		if a3.SampleSize != 2*normal.Size || a3.Switch != domain.SwitchTightened {
			t.Fatalf("tightened sample %d, want %d", a3.SampleSize, 2*normal.Size)
		}
		var stage, cause, reason string
		if err := f.a.Store.DB().QueryRow(`SELECT stage, paused_cause, paused_reason FROM engagements WHERE id = $1`, f.eid).Scan(&stage, &cause, &reason); err != nil {
			t.Fatal(err)
		}
		if stage != "paused" || cause != domain.PauseAudit || !strings.Contains(reason, "3 consecutive failed quality audits") {
			t.Fatalf("after three failures: %s %s %q", stage, cause, reason)
		}
		var pauses int
		_ = f.a.Store.DB().QueryRow(`SELECT COUNT(*) FROM engagement_pauses WHERE engagement_id = $1 AND action = 'pause'`, f.eid).Scan(&pauses)
		if pauses != 1 {
			t.Fatalf("%d pause records", pauses)
		}
		// Corrective actions are still answered while paused; the steward resumes by hand.
		if err := f.a.ResumeEngagement(f.ctx, f.marcus, f.eid, "retrained the team"); err != nil {
			t.Fatal(err)
		}
		if err := f.a.Store.DB().QueryRow(`SELECT stage FROM engagements WHERE id = $1`, f.eid).Scan(&stage); err != nil || stage != "active" {
			t.Fatalf("resumed to %q: %v", stage, err)
		}
	})
}

// Corrective actions: raised by the auditor from a finding (the vendor's
// managers emailed), answered by the engagement vendor's manager only (the
// supervising attorney emailed), verified by the supervising attorney only:
// reject reopens, accept closes.
func TestCorrectiveActions(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newAuditFixture(t, e)
		f.setPlan(t, strictPlan())
		b := f.importBatch(t, "lot", 40)
		au, err := f.a.StartAudit(f.ctx, f.marcus, f.eid, app.StartAuditInput{BatchID: b.ID, Seed: "ca"})
		if err != nil {
			t.Fatal(err)
		}
		f.scoreAll(t, f.marcus, au.ID, failingFirst)
		d, err := f.a.AuditDetail(f.ctx, f.marcus, f.eid, au.ID)
		if err != nil || len(d.Findings) != 1 || !d.CanRaise {
			t.Fatalf("findings: %+v %v", d.Findings, err)
		}
		finding := d.Findings[0]
		today := domain.DateOf(t0)
		due := domain.DateOf(t0.AddDate(0, 0, 14))
		before := f.auditRows(t)
		for _, c := range []struct {
			who   domain.User
			in    domain.CorrectiveAction
			code  string
			field string
		}{
			{f.marcus, domain.CorrectiveAction{Description: " ", DueOn: due}, domain.EInvalid, "description"},
			{f.marcus, domain.CorrectiveAction{Description: strings.Repeat("x", 4001), DueOn: due}, domain.EInvalid, "description"},
			{f.marcus, domain.CorrectiveAction{Description: "fix"}, domain.EInvalid, "due_on"},
			{f.marcus, domain.CorrectiveAction{Description: "fix", DueOn: domain.DateOf(t0.AddDate(0, 0, -1))}, domain.EInvalid, "due_on"},
			{f.marcus, domain.CorrectiveAction{Description: "fix", DueOn: due, FindingID: finding.ID + 1000}, domain.EInvalid, "finding"},
			{f.anika, domain.CorrectiveAction{Description: "fix", DueOn: due}, domain.EForbidden, ""},
			{f.maria, domain.CorrectiveAction{Description: "fix", DueOn: due}, domain.ENotFound, ""},
		} {
			_, err := f.a.RaiseCorrectiveAction(f.ctx, c.who, f.eid, au.ID, c.in)
			wantCode(t, err, c.code, c.who.Name+" raising")
			if c.field != "" && domain.ErrorField(err) != c.field {
				t.Errorf("%v: field %q, want %q", err, domain.ErrorField(err), c.field)
			}
		}
		if f.auditRows(t) != before {
			t.Fatalf("refused raises changed something: %v -> %v", before, f.auditRows(t))
		}
		link := fmt.Sprintf("/engagements/%d/audits/%d", f.eid, au.ID)
		ca, err := f.a.RaiseCorrectiveAction(f.ctx, f.daniel, f.eid, au.ID, domain.CorrectiveAction{Description: "Re-review the privilege calls of batch 12", DueOn: today, FindingID: finding.ID})
		if err != nil || ca.State != domain.CorrectiveOpen || ca.VendorID != f.anika.VendorID {
			t.Fatalf("raise: %+v %v", ca, err)
		}
		if f.mails(t, f.anika.Email, link) != 1 || f.mails(t, f.anika.Email, "Re-review the privilege calls") != 1 || f.mails(t, f.anika.Email, finding.ItemKey) != 0 {
			t.Fatal("the vendor manager's email is missing, or carries the item")
		}

		// Only the engagement vendor's manager responds.
		before = f.auditRows(t)
		wantCode(t, f.a.RespondCorrectiveAction(f.ctx, f.maria, f.eid, ca.ID, "done"), domain.ENotFound, "another vendor's manager")
		wantCode(t, f.a.RespondCorrectiveAction(f.ctx, f.rohan, f.eid, ca.ID, "done"), domain.EForbidden, "a vendor professional")
		wantCode(t, f.a.RespondCorrectiveAction(f.ctx, f.marcus, f.eid, ca.ID, "done"), domain.EForbidden, "the attorney")
		wantCode(t, f.a.RespondCorrectiveAction(f.ctx, f.anika, f.eid, ca.ID, "  "), domain.EInvalid, "an empty response")
		wantCode(t, f.a.VerifyCorrectiveAction(f.ctx, f.marcus, f.eid, ca.ID, true, ""), domain.EConflict, "verifying an open action")
		if f.auditRows(t) != before {
			t.Fatalf("refusals changed something: %v -> %v", before, f.auditRows(t))
		}
		if err := f.a.RespondCorrectiveAction(f.ctx, f.anika, f.eid, ca.ID, "Re-reviewed all 412 calls; two reviewers retrained"); err != nil {
			t.Fatal(err)
		}
		if f.mails(t, f.marcus.Email, link) != 1 {
			t.Fatal("the supervising attorney was not emailed the response")
		}

		// Only the supervising attorney verifies; a rejection needs a note.
		before = f.auditRows(t)
		for _, u := range []domain.User{f.daniel, f.priya, f.admin, f.anika} {
			wantCode(t, f.a.VerifyCorrectiveAction(f.ctx, u, f.eid, ca.ID, true, ""), domain.EForbidden, u.Name+" verifying")
		}
		wantCode(t, f.a.VerifyCorrectiveAction(f.ctx, f.marcus, f.eid, ca.ID, false, " "), domain.EInvalid, "a rejection without a note")
		if f.auditRows(t) != before {
			t.Fatalf("refusals changed something: %v -> %v", before, f.auditRows(t))
		}
		if err := f.a.VerifyCorrectiveAction(f.ctx, f.marcus, f.eid, ca.ID, false, "Two calls in batch 12 are still wrong"); err != nil {
			t.Fatal(err)
		}
		v, _ := f.a.QualityAudits(f.ctx, f.anika, f.eid)
		if len(v.Corrective) != 1 || v.Corrective[0].State != domain.CorrectiveOpen || v.Corrective[0].VerifyNote == "" || !v.CanRespond {
			t.Fatalf("after rejection: %+v", v.Corrective)
		}
		if err := f.a.RespondCorrectiveAction(f.ctx, f.anika, f.eid, ca.ID, "Fixed the two calls"); err != nil {
			t.Fatal(err)
		}
		f.advance(time.Hour)
		if err := f.a.VerifyCorrectiveAction(f.ctx, f.marcus, f.eid, ca.ID, true, ""); err != nil {
			t.Fatal(err)
		}
		v, _ = f.a.QualityAudits(f.ctx, f.marcus, f.eid)
		if len(v.Corrective) != 1 || v.Corrective[0].State != domain.CorrectiveClosed || !v.Corrective[0].ClosedAt.Equal(*f.now) {
			t.Fatalf("after acceptance: %+v", v.Corrective)
		}
		cv, _ := f.a.QualityAudits(f.ctx, f.helen, f.eid)
		if len(cv.Corrective) != 0 {
			t.Fatal("the client sees corrective actions")
		}
	})
}

// The schedule creates each due audit once, however often and however
// many servers run it, and emails its auditor once.
func TestScheduleAudits(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newAuditFixture(t, e)
		p := batchPlan()
		p.AuditorID = f.daniel.ID
		f.setPlan(t, p)
		periods := func() []string {
			t.Helper()
			rows, err := f.a.Store.DB().Query(`SELECT period || ' ' || due_on FROM audits WHERE engagement_id = $1 ORDER BY period`, f.eid)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var out []string
			for rows.Next() {
				var s string
				_ = rows.Scan(&s)
				out = append(out, s)
			}
			return out
		}
		// t0 is Tuesday 17 March 2026: ISO week 12, ending Sunday 22 March.
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range errs {
			wg.Add(1)
			go func() { defer wg.Done(); _, errs[i] = f.a.ScheduleAudits(context.Background()) }()
		}
		wg.Wait()
		if _, err := f.a.ScheduleAudits(context.Background()); err != nil || errs[0] != nil || errs[1] != nil {
			t.Fatalf("schedule: %v %v %v", errs[0], errs[1], err)
		}
		if got := periods(); !slices.Equal(got, []string{"2026-W12 2026-03-22"}) {
			t.Fatalf("weekly audits: %v", got)
		}
		if n := f.mails(t, f.daniel.Email, fmt.Sprintf("/engagements/%d/audits/", f.eid)); n != 1 {
			t.Fatalf("%d emails to the auditor, want 1", n)
		}
		my, err := f.a.MyAudits(f.ctx, f.daniel)
		if err != nil || !slices.ContainsFunc(my, func(a domain.Audit) bool { return a.EngagementID == f.eid && a.Period == "2026-W12" && !a.Overdue }) {
			t.Fatalf("Daniel's audits: %+v %v", my, err)
		}
		f.advance(7 * 24 * time.Hour) // next week: a new audit; the last one is overdue
		if _, err := f.a.ScheduleAudits(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := periods(); !slices.Equal(got, []string{"2026-W12 2026-03-22", "2026-W13 2026-03-29"}) {
			t.Fatalf("weekly audits: %v", got)
		}
		my, _ = f.a.MyAudits(f.ctx, f.daniel)
		if !slices.ContainsFunc(my, func(a domain.Audit) bool { return a.Period == "2026-W12" && a.Overdue }) {
			t.Fatalf("last week's audit is not overdue: %+v", my)
		}
		_, err = f.a.MyAudits(f.ctx, f.anika)
		wantCode(t, err, domain.EForbidden, "a vendor's audits")

		// Every batch: one audit per batch, sampled from that batch.
		p.Cadence = domain.AuditEveryBatch
		f.setPlan(t, p)
		b1, b2 := f.importBatch(t, "b1", 30), f.importBatch(t, "b2", 20)
		for range 2 {
			if _, err := f.a.ScheduleAudits(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		got := periods()
		if !slices.Contains(got, fmt.Sprintf("batch:%d 2026-03-31", b1.ID)) || !slices.Contains(got, fmt.Sprintf("batch:%d 2026-03-31", b2.ID)) || len(got) != 4 {
			t.Fatalf("batch audits: %v", got)
		}
		var aid int64
		if err := f.a.Store.DB().QueryRow(`SELECT id FROM audits WHERE engagement_id = $1 AND period = $2`, f.eid, fmt.Sprintf("batch:%d", b2.ID)).Scan(&aid); err != nil {
			t.Fatal(err)
		}
		au, err := f.a.StartAudit(f.ctx, f.daniel, f.eid, app.StartAuditInput{AuditID: aid})
		if err != nil || au.BatchID != b2.ID || au.Population != 20 || au.Kind != domain.AuditScheduled {
			t.Fatalf("batch audit started: %+v %v", au, err)
		}

		// Every N deliverable versions, counted from the last such audit.
		p.Cadence, p.EveryN, p.Population = domain.AuditEveryN, 2, domain.PopulationDeliverables
		f.setPlan(t, p)
		count := func() int {
			var n int
			_ = f.a.Store.DB().QueryRow(`SELECT COUNT(*) FROM audits WHERE engagement_id = $1 AND period LIKE 'deliverables:%'`, f.eid).Scan(&n)
			return n
		}
		var versions int
		_ = f.a.Store.DB().QueryRow(`SELECT COUNT(*) FROM deliverable_versions WHERE engagement_id = $1`, f.eid).Scan(&versions)
		_, _ = f.a.ScheduleAudits(context.Background())
		first := count()
		if (versions >= 2) != (first == 1) || first > 1 {
			t.Fatalf("%d versions: %d audits by deliverables", versions, first)
		}
		f.submit(t, dvRohan, "Privilege calls, batch 7")
		f.submit(t, dvRohan, "Privilege calls, batch 8")
		for range 2 {
			_, _ = f.a.ScheduleAudits(context.Background())
		}
		if count() != first+1 {
			t.Fatalf("after two more versions: %d audits by deliverables, want %d", count(), first+1)
		}
	})
}

// Closing makes the final audit due; the schedule creates it (once), and
// completing it records the final audit done on the close record.
func TestFinalAudit(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newAuditFixture(t, e)
		f.setPlan(t, strictPlan())
		b := f.importBatch(t, "last lot", 25)
		if err := f.a.CloseEngagement(f.ctx, f.marcus, f.eid, app.CloseInput{Confirm: true}); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if _, err := f.a.ScheduleAudits(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		var aid int64
		var kind, due string
		if err := f.a.Store.DB().QueryRow(`SELECT id, kind, due_on FROM audits WHERE engagement_id = $1 AND period = 'final'`, f.eid).Scan(&aid, &kind, &due); err != nil {
			t.Fatal(err)
		}
		if kind != "final" || due != string(domain.DateOf(t0.AddDate(0, 0, domain.FinalAuditDays))) || f.mails(t, f.marcus.Email, fmt.Sprintf("/engagements/%d/audits/%d", f.eid, aid)) != 1 {
			t.Fatalf("final audit %d %s due %s", aid, kind, due)
		}
		// The vendor's access ended at close.
		_, err := f.a.QualityAudits(f.ctx, f.anika, f.eid)
		wantCode(t, err, domain.EGateClosed, "the vendor's view after close")
		_, err = f.a.StartAudit(f.ctx, f.marcus, f.eid, app.StartAuditInput{AuditID: aid, BatchID: b.ID, Seed: "final"})
		if err != nil {
			t.Fatal(err)
		}
		f.scoreAll(t, f.marcus, aid, passing)
		f.advance(time.Hour)
		if _, err := f.a.CompleteAudit(f.ctx, f.marcus, f.eid, aid); err != nil {
			t.Fatal(err)
		}
		err = f.a.Store.Read(context.Background(), func(tx *store.Tx) error {
			fa, err := tx.FinalAudit(context.Background(), f.eid)
			if err != nil || !fa.CompletedAt.Equal(*f.now) {
				t.Fatalf("final audit record: %+v %v", fa, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if auditCount(t, f.a, "audit.final_complete", 0) != 1 {
			t.Fatal("the final audit's completion is not in the audit trail")
		}
		// The matter's compliance record shows the final audit done, with its result.
		var matterID int64
		if err := f.a.Store.DB().QueryRow(`SELECT matter_id FROM engagements WHERE id = $1`, f.eid).Scan(&matterID); err != nil {
			t.Fatal(err)
		}
		rec, err := f.a.ComplianceRecord(f.ctx, f.marcus, matterID)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, er := range rec.Engagements {
			for _, o := range er.Obligations {
				for _, fact := range o.Facts {
					found = found || er.Engagement.ID == f.eid && strings.HasPrefix(fact.What, "Final quality audit done: pass")
				}
			}
		}
		if !found {
			t.Fatal("the compliance record does not show the final audit's result")
		}
	})
}

// A stratified plan draws each person's items on their own, reproducibly:
// per person, DrawStratified's positions within the person's items.
// Deliverables are sampled from the submitted versions in submission order.
func TestStratifiedAndDeliverableDraws(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newAuditFixture(t, e)
		p := batchPlan()
		p.Stratify = true
		p = f.setPlan(t, p)
		b := f.importBatch(t, "strata", 90)
		au, err := f.a.StartAudit(f.ctx, f.marcus, f.eid, app.StartAuditInput{BatchID: b.ID, Seed: "per-person"})
		if err != nil || !au.Stratified {
			t.Fatalf("stratified start: %+v %v", au, err)
		}
		// csvOf gives item i (1-based) to person i%3: Rohan, Meera, Arjun.
		by := map[string][]int64{}
		for i := int64(1); i <= 90; i++ {
			name := []string{"Rohan", "Meera", "Arjun"}[i%3]
			by[name] = append(by[name], i)
		}
		strata := []domain.Stratum{{Name: "Arjun", Size: 30}, {Name: "Meera", Size: 30}, {Name: "Rohan", Size: 30}}
		drawn, err := domain.DrawStratified("per-person", strata, func(n int64) int {
			spec := p.Sampling
			spec.Population = n
			r, err := domain.SampleSize(spec)
			if err != nil {
				t.Fatal(err)
			}
			return domain.SwitchedSize(r.Size, n, domain.SwitchNormal)
		})
		if err != nil {
			t.Fatal(err)
		}
		var want []int64
		for _, s := range drawn {
			for _, k := range s.Drawn {
				want = append(want, by[s.Name][k-1])
			}
		}
		d, err := f.a.AuditDetail(f.ctx, f.marcus, f.eid, au.ID)
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, it := range d.Items {
			got = append(got, it.Position)
			if it.Person != []string{"Rohan", "Meera", "Arjun"}[it.Position%3] {
				t.Fatalf("item %+v has the wrong person", it)
			}
		}
		if !slices.Equal(got, want) || au.SampleSize != len(want) {
			t.Fatalf("stratified draw %v, want %v", got, want)
		}

		// Deliverables: the submitted versions in submission order.
		f.submit(t, dvRohan, "Privilege calls, batch 9")
		f.advance(time.Minute)
		f.submit(t, dvRohan, "Privilege calls, batch 10")
		dp := batchPlan()
		dp.Population = domain.PopulationDeliverables
		f.setPlan(t, dp)
		var keys []string
		rows, err := f.a.Store.DB().Query(`SELECT v.deliverable_id, v.version, d.title FROM deliverable_versions v JOIN deliverables d ON d.id = v.deliverable_id
			WHERE v.engagement_id = $1 ORDER BY v.submitted_at, v.id`, f.eid)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var did, n int64
			var title string
			_ = rows.Scan(&did, &n, &title)
			keys = append(keys, fmt.Sprintf("D%d v%d: %s", did, n, title))
		}
		rows.Close()
		au, err = f.a.StartAudit(f.ctx, f.marcus, f.eid, app.StartAuditInput{Seed: "versions"})
		if err != nil || au.Population != int64(len(keys)) || au.BatchID != 0 {
			t.Fatalf("deliverables audit: %+v %v (%d versions)", au, err, len(keys))
		}
		pos, err := domain.DrawSample("versions", int64(len(keys)), au.SampleSize)
		if err != nil {
			t.Fatal(err)
		}
		d, err = f.a.AuditDetail(f.ctx, f.marcus, f.eid, au.ID)
		if err != nil || len(d.Items) != len(pos) {
			t.Fatalf("deliverables sample: %d items, %v", len(d.Items), err)
		}
		for i, it := range d.Items {
			if it.Position != pos[i] || it.Key != keys[pos[i]-1] || it.DeliverableVersionID == 0 {
				t.Fatalf("item %d: %+v, want position %d %q", i, it, pos[i], keys[pos[i]-1])
			}
		}
	})
}
