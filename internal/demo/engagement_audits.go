package demo

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/probity/probity/internal/domain"
)

// qualityAudits gives the demo its quality audits: audit plans, a passed
// audit, a failed audit with open corrective actions, an audit due this
// week, and several months of history behind the vendor scorecards.
//
//   - Calloway/Lexora (active document review, Marcus Oyelaran auditing):
//     a weekly plan sampling each batch of coded documents for a proportion
//     (95% confidence, ±5%, about 3% errors expected), failing when the
//     error rate may exceed 5%, stratified by reviewer, pausing after three
//     failures in a row. Batches over three months were audited: all passed
//     but one, whose corrective action Lexora answered and Marcus closed on
//     time; this week's audit is due and not started, its batch imported.
//   - Greenfield/Keystone (paused, Priya Raman auditing): an audit of every
//     batch (unstratified, expecting up to 10% errors); the latest failed and its two corrective actions are open, one
//     answered by Keystone and awaiting Priya's verification.
//   - Harbor/Lexora (closed last year): monthly audits and the final audit
//     at close, all passed.
//
// About 5,000 items in all, and about 1,100 scored, so the demo loads fast.
//
// Every audit is drawn as StartAudit draws it: the sample size from the
// plan's method on the batch under the plan's switching state, the items
// from the recorded seed with domain.DrawSample (per reviewer with
// domain.DrawStratified when the plan stratifies), so the draw can be
// reproduced. Scores are generated deterministically and the errors and
// verdicts are what domain.Evaluate gives; each completion moves the
// plan's switching state by domain.SwitchAfter, as CompleteAudit does.
func (l *loader) qualityAudits(day func(int) domain.Date) {
	if l.err != nil {
		return
	}
	at := func(offset, hour int) time.Time { return day(offset).Time().Add(time.Duration(hour) * time.Hour) }
	const (
		marcus = "marcus.oyelaran@hartwellcrane.example"
		priya  = "priya.raman@hartwellcrane.example"
		anika  = "anika.deshmukh@lexora.example"
		thomas = "thomas.walsh@keystonereview.example"
	)
	active := l.engagementByDescription("First-level responsiveness and privilege review of 48,000 documents")
	keystone := l.engagementByDescription("Regulatory review of 4,000 loan files")
	harbor := l.engagementByDescription("Review of lease correspondence for the arbitration record")
	if l.err != nil {
		return
	}
	proportion := domain.SampleSpec{Method: domain.MethodProportion, Confidence: 0.95, Margin: 0.05, Expected: 0.03}
	// Keystone's and Harbor's plans, unstratified, expect up to 10% errors:
	// larger samples, so one error can still pass.
	wider := proportion
	wider.Expected = 0.10

	// Calloway/Lexora.
	cal := auditStory{l: l, engagement: active, vendor: l.vendors["lexora"], auditor: marcus, responder: anika, prefix: "CFS-REV-",
		people: []string{"Anika Deshmukh", "Meera Iyer", "Rohan Kulkarni"}, rng: rand.New(rand.NewPCG(711, 142))}
	cal.plan = domain.AuditPlan{EngagementID: active, Cadence: domain.AuditWeekly, Population: domain.PopulationBatchItems, Sampling: proportion,
		MaxErrorRate: 0.05, Stratify: true, PositiveLabel: "responsive", Criteria: domain.DefaultRubric, AuditorID: l.users[marcus], PauseAfter: 3,
		UpdatedBy: l.users[marcus], UpdatedAt: at(-92, 10)}
	l.do(l.tx.SaveAuditPlan(l.ctx, &cal.plan))
	week := func(offset int) string { y, w := day(offset).Time().ISOWeek(); return fmt.Sprintf("%d-W%02d", y, w) }
	sunday := func(offset int) domain.Date { // the end of the ISO week of day(offset)
		t := day(offset).Time()
		return domain.DateOf(t.AddDate(0, 0, 6-int((t.Weekday()+6)%7)))
	}
	for _, a := range []struct {
		done, items, errors int
		fail                bool
	}{{-81, 420, 0, false}, {-60, 560, 1, false}, {-39, 1010, 9, true}, {-25, 480, 1, false}, {-11, 620, 0, false}} {
		b := cal.batch(fmt.Sprintf("Review batch %s", week(a.done-2)), a.items, at(a.done-3, 7))
		id := cal.audit(domain.AuditScheduled, week(a.done-2), sunday(a.done-2), b, a.done, at(a.done, 16), a.errors, a.fail, at)
		if a.fail {
			raised := cal.corrective(id, "Re-train the reviewers on the privilege screen and re-code the documents the audit found wrong; report the re-check.",
				day(a.done+14), at(a.done+1, 9))
			cal.respond(raised, "Refresher on the privilege protocol held for all three reviewers; the 9 documents re-coded and the batch's privilege calls re-checked.", at(a.done+7, 12))
			cal.verify(raised, "Re-check sampled: the calls are right now.", at(a.done+12, 15))
		}
	}
	// This week's audit: due by Sunday, its batch imported, not started.
	b := cal.batch("Review batch "+week(-1), 640, at(-1, 7))
	due := domain.Audit{EngagementID: active, Kind: domain.AuditScheduled, Period: week(0), DueOn: sunday(0),
		AuditorID: l.users[marcus], BatchID: b.ID, Switch: cal.plan.Switch, Criteria: cal.plan.Criteria, CreatedAt: sunday(0).Time().AddDate(0, 0, -6)}
	_, err := l.tx.CreateAudit(l.ctx, &due)
	l.do(err)

	// Greenfield/Keystone: every batch audited; the latest failed.
	ks := auditStory{l: l, engagement: keystone, vendor: l.vendors["keystone"], auditor: priya, responder: thomas, prefix: "GMCU-LF-",
		people: []string{"Thomas Walsh", "Dana Whitfield"}, rng: rand.New(rand.NewPCG(418, 203))}
	ks.plan = domain.AuditPlan{EngagementID: keystone, Cadence: domain.AuditEveryBatch, Population: domain.PopulationBatchItems, Sampling: wider,
		MaxErrorRate: 0.05, PositiveLabel: "exception", Criteria: domain.DefaultRubric, AuditorID: l.users[priya], PauseAfter: 3,
		UpdatedBy: l.users[priya], UpdatedAt: at(-56, 10)}
	l.do(l.tx.SaveAuditPlan(l.ctx, &ks.plan))
	ks.decisions = [2]string{"exception", "no exception"}
	for i, a := range []struct {
		done, items, errors int
		fail                bool
	}{{-52, 300, 1, false}, {-38, 360, 0, false}, {-10, 280, 7, true}} {
		b := ks.batch(fmt.Sprintf("Loan files, batch %d", i+1), a.items, at(a.done-3, 8))
		id := ks.audit(domain.AuditScheduled, fmt.Sprintf("batch:%d", b.ID), day(a.done), b, a.done, at(a.done, 16), a.errors, a.fail, at)
		if a.fail {
			ks.corrective(id, "Re-review the flood-insurance checks of batch 3 and confirm each file's exception code against the checklist.", day(5), at(a.done+1, 10))
			answered := ks.corrective(id, "Add the NCUA appraisal-threshold check to the reviewers' checklist and brief the team.", day(2), at(a.done+1, 10))
			ks.respond(answered, "Checklist updated (version 4, attached to the engagement's documents) and the team briefed on the appraisal threshold.", at(-3, 16))
		}
	}

	// Harbor/Lexora: monthly audits and the final audit at close.
	hb := auditStory{l: l, engagement: harbor, vendor: l.vendors["lexora"], auditor: marcus, responder: anika, prefix: "HPL-COR-",
		people: []string{"Anika Deshmukh"}, rng: rand.New(rand.NewPCG(311, 2025))}
	hb.plan = domain.AuditPlan{EngagementID: harbor, Cadence: domain.AuditMonthly, Population: domain.PopulationBatchItems, Sampling: wider,
		MaxErrorRate: 0.05, PositiveLabel: "responsive", Criteria: domain.DefaultRubric, AuditorID: l.users[marcus], PauseAfter: 3,
		UpdatedBy: l.users[marcus], UpdatedAt: at(-395, 10)}
	l.do(l.tx.SaveAuditPlan(l.ctx, &hb.plan))
	for _, a := range []struct{ done, items, errors int }{{-355, 260, 0}, {-300, 310, 1}} {
		month := day(a.done - 5).Time()
		b := hb.batch("Correspondence, "+month.Format("January 2006"), a.items, at(a.done-5, 9))
		hb.audit(domain.AuditScheduled, month.Format("2006-01"), domain.DateOf(month.AddDate(0, 1, -month.Day())), b, a.done, at(a.done, 16), a.errors, false, at)
	}
	// The final audit: due 30 days after the close, done when
	// engagement_deliverables.go records it done.
	b = hb.batch("Final review set", 212, at(-249, 9))
	hb.audit(domain.AuditFinal, "final", day(-220), b, -232, at(-232, 11), 0, false, at)
}

// auditStory writes one engagement's audit history.
type auditStory struct {
	l                   *loader
	engagement, vendor  int64
	auditor, responder  string // emails
	plan                domain.AuditPlan
	people              []string
	prefix              string
	next                int // last item number used
	decisions           [2]string
	rng                 *rand.Rand
	verdicts            []string
	lastFailedFindingID int64
}

// batch has the auditor import a batch of n coded items with generated
// ids, decisions and reviewers.
func (s *auditStory) batch(name string, n int, at time.Time) domain.AuditBatch {
	b := domain.AuditBatch{EngagementID: s.engagement, Name: name, ImportedBy: s.l.users[s.auditor], ImportedAt: at}
	if s.l.err != nil {
		return b
	}
	yes, no := "responsive", "not responsive"
	if s.decisions[0] != "" {
		yes, no = s.decisions[0], s.decisions[1]
	}
	items := make([]domain.PopulationItem, n)
	for i := range items {
		s.next++
		d := no
		if s.rng.IntN(100) < 29 {
			d = yes
		}
		items[i] = domain.PopulationItem{Key: fmt.Sprintf("%s%06d", s.prefix, s.next), Decision: d, Person: s.people[s.rng.IntN(len(s.people))]}
	}
	s.l.do(s.l.tx.CreateAuditBatch(s.l.ctx, &b, items))
	return b
}

// audit creates, draws, scores and completes (at finish) an audit of batch
// b due on due, scored on the days before done, with errors items in
// error; fail says which verdict the story needs, checked against
// domain.Evaluate's.
func (s *auditStory) audit(kind domain.AuditKind, period string, due domain.Date, b domain.AuditBatch, done int, finish time.Time, errors int, fail bool,
	at func(int, int) time.Time) int64 {
	l := s.l
	if l.err != nil {
		return 0
	}
	au := domain.Audit{EngagementID: s.engagement, Kind: kind, Period: period, DueOn: due, AuditorID: l.users[s.auditor],
		BatchID: b.ID, Switch: s.plan.Switch, Criteria: s.plan.Criteria, CreatedAt: at(done-3, 6)}
	if _, err := l.tx.CreateAudit(l.ctx, &au); err != nil {
		l.do(err)
		return 0
	}
	items, err := s.draw(&au, b, fmt.Sprintf("demo-%s-%s", s.prefix, period))
	if err != nil {
		l.do(fmt.Errorf("demo audit %s: %w", period, err))
		return 0
	}
	l.do(l.tx.DrawAudit(l.ctx, au, items, at(done-2, 9)))
	drawn, err := l.tx.AuditSamples(l.ctx, au.ID)
	l.do(err)
	if l.err != nil {
		return 0
	}
	// Errors spread over the sample: decisions overturned on the accuracy
	// criterion; a few minor format findings that are not errors.
	wrong := map[int]bool{}
	for k := range errors {
		wrong[(k*len(drawn))/max(errors, 1)+len(drawn)/(2*max(errors, 1))] = true
	}
	scoredAt := at(done-1, 10)
	for i, it := range drawn {
		sc := domain.ItemScore{SampleID: it.ID, CorrectDecision: it.Decision, ScoredBy: l.users[s.auditor], ScoredAt: scoredAt.Add(time.Duration(i) * time.Minute)}
		var findings []domain.AuditFinding
		switch {
		case wrong[i]:
			sc.CorrectDecision = s.other(it.Decision)
			sc.Failed = []string{"accuracy"}
			sc.Note = "Coded " + it.Decision + "; the document is " + sc.CorrectDecision + "."
			findings = append(findings, domain.AuditFinding{Criterion: "accuracy", Weight: domain.WeightCritical, Note: sc.Note})
		case i%37 == 5:
			sc.Failed = []string{"format"}
			sc.Note = "Issue tag missing from the coding panel."
			findings = append(findings, domain.AuditFinding{Criterion: "format", Weight: domain.WeightMinor, Note: sc.Note})
		}
		l.do(l.tx.SaveScore(l.ctx, au.ID, sc, findings))
	}
	if l.err != nil {
		return 0
	}
	scored, err := l.tx.Audit(l.ctx, s.engagement, au.ID)
	l.do(err)
	drawn, err = l.tx.AuditSamples(l.ctx, au.ID)
	l.do(err)
	if l.err != nil {
		return 0
	}
	res, err := domain.Evaluate(scored, drawn, s.plan.PositiveLabel)
	if err != nil {
		l.do(fmt.Errorf("demo audit %s: %w", period, err))
		return 0
	}
	if want := map[bool]string{true: "fail", false: "pass"}[fail]; res.Verdict != want || res.Errors != errors {
		l.do(fmt.Errorf("demo audit %s: %d errors in %d give %s (%s), the story needs %d and %s", period, res.Errors, res.Scored, res.Verdict, res.Statement, errors, want))
		return 0
	}
	l.do(l.tx.CompleteAudit(l.ctx, au.ID, res.Errors, res.Verdict, finish))
	s.verdicts = append(s.verdicts, res.Verdict)
	next, _ := domain.SwitchAfter(s.plan, s.verdicts)
	if next != s.plan.Switch {
		l.do(l.tx.SetSwitchState(l.ctx, s.engagement, next))
		s.plan.Switch = next
	}
	if fail {
		fs, err := l.tx.AuditFindings(l.ctx, au.ID)
		l.do(err)
		for _, f := range fs {
			if f.Criterion == "accuracy" {
				s.lastFailedFindingID = f.ID
				break
			}
		}
	}
	return au.ID
}

// draw freezes the audit's population and spec and draws its sample as
// StartAudit does.
func (s *auditStory) draw(au *domain.Audit, b domain.AuditBatch, seed string) ([]domain.SampleItem, error) {
	s.plan.Freeze(au, seed)
	return s.l.tx.DrawFromBatch(s.l.ctx, s.plan, au, b)
}

// other is the decision the vendor should have made instead of d.
func (s *auditStory) other(d string) string {
	yes, no := "responsive", "not responsive"
	if s.decisions[0] != "" {
		yes, no = s.decisions[0], s.decisions[1]
	}
	if d == yes {
		return no
	}
	return yes
}

// corrective raises a corrective action on the last failed audit's first
// accuracy finding.
func (s *auditStory) corrective(auditID int64, what string, due domain.Date, at time.Time) int64 {
	if s.l.err != nil {
		return 0
	}
	c := domain.CorrectiveAction{AuditID: auditID, EngagementID: s.engagement, VendorID: s.vendor, FindingID: s.lastFailedFindingID,
		Description: what, DueOn: due, RaisedBy: s.l.users[s.auditor], RaisedAt: at}
	s.l.do(s.l.tx.CreateCorrectiveAction(s.l.ctx, &c))
	s.lastFailedFindingID = 0 // one action per finding; later ones are on the audit as a whole
	return c.ID
}

func (s *auditStory) respond(id int64, response string, at time.Time) {
	if s.l.err == nil {
		s.l.do(s.l.tx.RespondCorrectiveAction(s.l.ctx, id, s.l.users[s.responder], response, at))
	}
}

func (s *auditStory) verify(id int64, note string, at time.Time) {
	if s.l.err == nil {
		s.l.do(s.l.tx.VerifyCorrectiveAction(s.l.ctx, id, s.l.users[s.auditor], true, note, at))
	}
}
