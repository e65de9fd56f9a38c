package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

func testPlan(engagementID, by int64) domain.AuditPlan {
	return domain.AuditPlan{EngagementID: engagementID, Cadence: domain.AuditWeekly, Population: domain.PopulationBatchItems,
		Sampling:     domain.SampleSpec{Method: domain.MethodProportion, Confidence: 0.95, Margin: 0.05, Expected: 0.5},
		MaxErrorRate: 0.05, Stratify: true, PositiveLabel: "responsive", Criteria: domain.DefaultRubric, PauseAfter: 3,
		UpdatedBy: by, UpdatedAt: t0}
}

func batchItems(n int, prefix string) []domain.PopulationItem {
	items := make([]domain.PopulationItem, n)
	for i := range items {
		items[i] = domain.PopulationItem{Key: fmt.Sprintf("%s-%06d", prefix, i+1), Decision: []string{"responsive", "not responsive"}[i%2],
			Person: []string{"Rohan", "Meera", "Arjun"}[i%3], Metadata: fmt.Sprintf(`{"custodian":"c%d"}`, i%7)}
	}
	return items
}

// The audit plan round-trips exactly (proportions as parts per million,
// the rubric as JSON); saving again updates it in place and keeps the
// switch state, which only SetSwitchState moves.
func TestAuditPlanStore(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := testenv.OpenStore(t, e)
		w := buildWorld(t, s)
		read(t, s, func(ctx context.Context, tx *store.Tx) error {
			_, err := tx.AuditPlan(ctx, w.e1.ID)
			wantCode(t, err, domain.ENotFound, "plan before any")
			return nil
		})
		p := testPlan(w.e1.ID, w.att.ID)
		p.Sampling.Confidence, p.MaxErrorRate, p.AuditorID = 0.987654, 0.012345, w.att.ID
		write(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.SaveAuditPlan(ctx, &p) })
		var got domain.AuditPlan
		read(t, s, func(ctx context.Context, tx *store.Tx) (err error) { got, err = tx.AuditPlan(ctx, w.e1.ID); return err })
		if got.ID != p.ID || got.Sampling.Confidence != 0.987654 || got.MaxErrorRate != 0.012345 || got.Sampling.Margin != 0.05 ||
			!slices.Equal(got.Criteria, domain.DefaultRubric) || got.AuditorName != w.att.Name || got.Switch != domain.SwitchNormal ||
			!got.Stratify || got.PauseAfter != 3 || !got.UpdatedAt.Equal(t0) {
			t.Fatalf("plan round trip: %+v", got)
		}
		write(t, s, func(ctx context.Context, tx *store.Tx) error {
			return tx.SetSwitchState(ctx, w.e1.ID, domain.SwitchTightened)
		})
		p2 := testPlan(w.e1.ID, w.admin.ID)
		p2.Cadence, p2.Switch = domain.AuditMonthly, domain.SwitchNormal
		write(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.SaveAuditPlan(ctx, &p2) })
		read(t, s, func(ctx context.Context, tx *store.Tx) (err error) { got, err = tx.AuditPlan(ctx, w.e1.ID); return err })
		if p2.ID != p.ID || got.Cadence != domain.AuditMonthly || got.Switch != domain.SwitchTightened || p2.Switch != domain.SwitchTightened ||
			got.AuditorID != 0 || count(t, s, "audit_plans") != 1 {
			t.Fatalf("plan update: %+v (saved %+v)", got, p2)
		}
		var plans []domain.AuditPlan
		read(t, s, func(ctx context.Context, tx *store.Tx) (err error) { plans, err = tx.ActiveAuditPlans(ctx); return err })
		if len(plans) != 1 || plans[0].EngagementID != w.e1.ID {
			t.Fatalf("active plans: %+v", plans)
		}
	})
}

// Batches are stored in chunks and read back by position in the order
// asked, across chunk boundaries; a duplicate item id or batch name
// leaves nothing behind.
func TestAuditBatchStore(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := testenv.OpenStore(t, e)
		w := buildWorld(t, s)
		items := batchItems(1201, "DOC")
		b := domain.AuditBatch{EngagementID: w.e1.ID, Name: "week 12", ImportedBy: w.att.ID, ImportedAt: t0}
		write(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.CreateAuditBatch(ctx, &b, items) })
		if b.ID == 0 || b.Items != 1201 || b.People != 3 || count(t, s, "audit_population_items") != 1201 {
			t.Fatalf("batch: %+v, %d rows", b, count(t, s, "audit_population_items"))
		}
		positions := []int64{1201, 1, 600, 501, 500, 999, 2}
		for i := int64(3); i < 700; i += 3 { // more than one chunk of positions
			positions = append(positions, i*1)
		}
		var got []domain.PopulationItem
		read(t, s, func(ctx context.Context, tx *store.Tx) (err error) {
			got, err = tx.PopulationItems(ctx, b.ID, positions)
			return err
		})
		if len(got) != len(positions) {
			t.Fatalf("got %d items for %d positions", len(got), len(positions))
		}
		for i, it := range got {
			want := items[positions[i]-1]
			if it.Position != positions[i] || it.Key != want.Key || it.Decision != want.Decision || it.Person != want.Person || it.Metadata != want.Metadata {
				t.Fatalf("item %d: %+v, want %+v at %d", i, it, want, positions[i])
			}
		}
		read(t, s, func(ctx context.Context, tx *store.Tx) error {
			_, err := tx.PopulationItems(ctx, b.ID, []int64{5, 1202})
			wantCode(t, err, domain.ENotFound, "position past the batch")
			by, names, err := tx.BatchStrata(ctx, b.ID)
			if err != nil || !slices.Equal(names, []string{"Arjun", "Meera", "Rohan"}) || len(by["Rohan"]) != 401 || by["Meera"][0] != 2 {
				t.Fatalf("strata: %v %v", names, err)
			}
			bs, err := tx.AuditBatches(ctx, w.e1.ID)
			if err != nil || len(bs) != 1 || bs[0].ImportedName != w.att.Name {
				t.Fatalf("batches: %+v %v", bs, err)
			}
			_, err = tx.AuditBatch(ctx, w.e2.ID, b.ID)
			wantCode(t, err, domain.ENotFound, "batch of another engagement")
			return nil
		})
		batches, rows := count(t, s, "audit_batches"), count(t, s, "audit_population_items")
		dup := batchItems(700, "X")
		dup[650].Key = dup[3].Key
		for _, c := range []struct {
			name  string
			items []domain.PopulationItem
		}{{"week 12", batchItems(3, "Y")}, {"week 13", dup}} {
			err := s.Write(context.Background(), func(tx *store.Tx) error {
				nb := domain.AuditBatch{EngagementID: w.e1.ID, Name: c.name, ImportedBy: w.att.ID, ImportedAt: t0}
				return tx.CreateAuditBatch(context.Background(), &nb, c.items)
			})
			wantCode(t, err, domain.EConflict, "batch "+c.name)
		}
		if count(t, s, "audit_batches") != batches || count(t, s, "audit_population_items") != rows {
			t.Fatal("a refused batch left rows behind")
		}
	})
}

// An audit is created once per engagement and period; it is drawn once,
// scored while scoring, completed once; corrective actions move open ->
// responded -> open/closed, each transition guarded.
func TestAuditLifecycleStore(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := testenv.OpenStore(t, e)
		w := buildWorld(t, s)
		ctx := context.Background()
		p := testPlan(w.e1.ID, w.att.ID)
		b := domain.AuditBatch{EngagementID: w.e1.ID, Name: "b", ImportedBy: w.att.ID, ImportedAt: t0}
		write(t, s, func(ctx context.Context, tx *store.Tx) error {
			if err := tx.SaveAuditPlan(ctx, &p); err != nil {
				return err
			}
			return tx.CreateAuditBatch(ctx, &b, batchItems(50, "D"))
		})
		au := domain.Audit{EngagementID: w.e1.ID, Kind: domain.AuditScheduled, Period: "2026-W12", DueOn: "2026-03-22", AuditorID: w.att.ID, CreatedAt: t0}
		var created bool
		write(t, s, func(ctx context.Context, tx *store.Tx) (err error) {
			created, err = tx.CreateAudit(ctx, &au)
			return err
		})
		again := au
		again.ID = 0
		var created2 bool
		write(t, s, func(ctx context.Context, tx *store.Tx) (err error) {
			created2, err = tx.CreateAudit(ctx, &again)
			return err
		})
		if !created || created2 || again.ID != au.ID || count(t, s, "audits") != 1 {
			t.Fatalf("create twice: %v %v ids %d %d, %d rows", created, created2, au.ID, again.ID, count(t, s, "audits"))
		}

		au.Seed, au.BatchID, au.Population, au.Spec = "seed-1", b.ID, 50, p.Sampling
		au.MaxErrorRate, au.Switch, au.Criteria, au.Stratified = 0.05, domain.SwitchTightened, domain.DefaultRubric, true
		var draw []domain.SampleItem
		for i, pos := range []int64{7, 3, 41} {
			draw = append(draw, domain.SampleItem{Draw: i + 1, Position: pos, Key: fmt.Sprintf("D-%06d", pos), Decision: "responsive", Person: "Rohan"})
		}
		write(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.DrawAudit(ctx, au, draw, t0.Add(time.Hour)) })
		err := s.Write(ctx, func(tx *store.Tx) error { return tx.DrawAudit(ctx, au, draw, t0.Add(time.Hour)) })
		wantCode(t, err, domain.EConflict, "drawing twice")
		var got domain.Audit
		var samples []domain.SampleItem
		read(t, s, func(ctx context.Context, tx *store.Tx) (err error) {
			if got, err = tx.Audit(ctx, w.e1.ID, au.ID); err != nil {
				return err
			}
			samples, err = tx.AuditSamples(ctx, au.ID)
			return err
		})
		if got.State != domain.AuditScoring || got.Seed != "seed-1" || got.SampleSize != 3 || got.Population != 50 || got.Spec.Confidence != 0.95 ||
			got.Switch != domain.SwitchTightened || !got.Stratified || got.BatchID != b.ID || got.AuditorName != w.att.Name ||
			!got.StartedAt.Equal(t0.Add(time.Hour)) || len(got.Criteria) != len(domain.DefaultRubric) || got.Spec.Population != 50 {
			t.Fatalf("drawn audit: %+v", got)
		}
		if len(samples) != 3 || samples[0].Position != 7 || samples[2].Key != "D-000041" || samples[1].Score != nil {
			t.Fatalf("samples: %+v", samples)
		}

		score := func(sampleID int64, failed ...string) error {
			fs := make([]domain.AuditFinding, len(failed))
			for i, k := range failed {
				fs[i] = domain.AuditFinding{Criterion: k, Weight: domain.WeightCritical, Note: "n"}
			}
			return s.Write(ctx, func(tx *store.Tx) error {
				return tx.SaveScore(ctx, au.ID, domain.ItemScore{SampleID: sampleID, Failed: failed, Note: "n", ScoredBy: w.att.ID, ScoredAt: t0}, fs)
			})
		}
		if err := score(samples[0].ID, "accuracy", "format"); err != nil {
			t.Fatal(err)
		}
		if err := score(samples[0].ID, "accuracy"); err != nil { // rescore drops a finding
			t.Fatal(err)
		}
		if err := score(samples[1].ID); err != nil {
			t.Fatal(err)
		}
		wantCode(t, score(samples[2].ID+1000), domain.ENotFound, "score of an item not in the sample")
		var findings []domain.AuditFinding
		read(t, s, func(ctx context.Context, tx *store.Tx) (err error) {
			if findings, err = tx.AuditFindings(ctx, au.ID); err != nil {
				return err
			}
			got, err = tx.Audit(ctx, w.e1.ID, au.ID)
			samples, _ = tx.AuditSamples(ctx, au.ID)
			return err
		})
		if len(findings) != 1 || findings[0].Criterion != "accuracy" || findings[0].ItemKey != "D-000007" || got.Scored != 2 ||
			samples[0].Score == nil || !slices.Equal(samples[0].Score.Failed, []string{"accuracy"}) || samples[0].Score.ScoredName != w.att.Name ||
			samples[1].Score == nil || len(samples[1].Score.Failed) != 0 || samples[2].Score != nil {
			t.Fatalf("after scoring: findings %+v, scored %d, samples %+v", findings, got.Scored, samples)
		}

		// Corrective action on the finding; the finding can no longer be scored away.
		c := domain.CorrectiveAction{AuditID: au.ID, EngagementID: w.e1.ID, VendorID: w.vendorA.ID, FindingID: findings[0].ID,
			Description: "re-review", DueOn: "2026-03-31", RaisedBy: w.att.ID, RaisedAt: t0}
		write(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.CreateCorrectiveAction(ctx, &c) })
		wantCode(t, score(samples[0].ID), domain.EConflict, "clearing a finding with a corrective action")
		step := func(fn func(tx *store.Tx) error) error { return s.Write(ctx, fn) }
		wantCode(t, step(func(tx *store.Tx) error { return tx.VerifyCorrectiveAction(ctx, c.ID, w.att.ID, true, "", t0) }), domain.EConflict, "verify open")
		if err := step(func(tx *store.Tx) error { return tx.RespondCorrectiveAction(ctx, c.ID, w.vbUser.ID, "done", t0) }); err != nil {
			t.Fatal(err)
		}
		wantCode(t, step(func(tx *store.Tx) error { return tx.RespondCorrectiveAction(ctx, c.ID, w.vbUser.ID, "x", t0) }), domain.EConflict, "respond twice")
		if err := step(func(tx *store.Tx) error {
			return tx.VerifyCorrectiveAction(ctx, c.ID, w.att.ID, false, "not enough", t0)
		}); err != nil {
			t.Fatal(err)
		}
		var ca domain.CorrectiveAction
		read(t, s, func(ctx context.Context, tx *store.Tx) (err error) {
			ca, err = tx.CorrectiveAction(ctx, w.e1.ID, c.ID)
			return err
		})
		if ca.State != domain.CorrectiveOpen || ca.VerifyNote != "not enough" || ca.Response != "done" || ca.RaisedName != w.att.Name {
			t.Fatalf("rejected: %+v", ca)
		}
		_ = step(func(tx *store.Tx) error { return tx.RespondCorrectiveAction(ctx, c.ID, w.vbUser.ID, "done again", t0) })
		if err := step(func(tx *store.Tx) error {
			return tx.VerifyCorrectiveAction(ctx, c.ID, w.att.ID, true, "", t0.Add(time.Hour))
		}); err != nil {
			t.Fatal(err)
		}
		var cs []domain.CorrectiveAction
		read(t, s, func(ctx context.Context, tx *store.Tx) (err error) {
			cs, err = tx.CorrectiveActions(ctx, w.e1.ID)
			return err
		})
		if len(cs) != 1 || cs[0].State != domain.CorrectiveClosed || !cs[0].ClosedAt.Equal(t0.Add(time.Hour)) || cs[0].ClosedBy != w.att.ID {
			t.Fatalf("closed: %+v", cs)
		}

		// Completion is guarded; afterwards scores no longer change.
		write(t, s, func(ctx context.Context, tx *store.Tx) error {
			return tx.CompleteAudit(ctx, au.ID, 1, "fail", t0.Add(2*time.Hour))
		})
		wantCode(t, step(func(tx *store.Tx) error { return tx.CompleteAudit(ctx, au.ID, 1, "fail", t0) }), domain.EConflict, "complete twice")
		wantCode(t, score(samples[2].ID), domain.EConflict, "score after completion")
		var verdicts []string
		var mine []domain.Audit
		read(t, s, func(ctx context.Context, tx *store.Tx) (err error) {
			if verdicts, err = tx.CompletedVerdicts(ctx, w.e1.ID); err != nil {
				return err
			}
			mine, err = tx.MyAudits(ctx, store.Scope{UserID: w.att.ID}, w.att.ID)
			return err
		})
		if !slices.Equal(verdicts, []string{"fail"}) || len(mine) != 0 {
			t.Fatalf("verdicts %v, my audits %+v", verdicts, mine)
		}
	})
}

// Final audits: a closed engagement's final audit without an audit is
// listed until its audit exists; completing it records completed_at once.
func TestFinalAuditStore(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := testenv.OpenStore(t, e)
		w := buildWorld(t, s)
		write(t, s, func(ctx context.Context, tx *store.Tx) error {
			return tx.AddFinalAudit(ctx, w.e2.ID, "2026-04-16", t0, time.Time{})
		})
		var due []store.DueFinalAudit
		read(t, s, func(ctx context.Context, tx *store.Tx) (err error) {
			due, err = tx.FinalAuditsWithoutAudit(ctx)
			return err
		})
		if len(due) != 1 || due[0].EngagementID != w.e2.ID || due[0].DueOn != "2026-04-16" {
			t.Fatalf("due finals: %+v", due)
		}
		au := domain.Audit{EngagementID: w.e2.ID, Kind: domain.AuditFinal, Period: "final", DueOn: "2026-04-16", AuditorID: w.att.ID, CreatedAt: t0}
		write(t, s, func(ctx context.Context, tx *store.Tx) error { _, err := tx.CreateAudit(ctx, &au); return err })
		var mine []domain.Audit
		read(t, s, func(ctx context.Context, tx *store.Tx) (err error) {
			if due, err = tx.FinalAuditsWithoutAudit(ctx); err != nil {
				return err
			}
			mine, err = tx.MyAudits(ctx, store.Scope{UserID: w.att.ID}, w.att.ID)
			return err
		})
		if len(due) != 0 || len(mine) != 1 || mine[0].ID != au.ID || mine[0].MatterNumber != w.m1.Number || mine[0].VendorName != w.vendorA.Name {
			t.Fatalf("after creating the final audit: due %+v, mine %+v", due, mine)
		}
		write(t, s, func(ctx context.Context, tx *store.Tx) error {
			return tx.CompleteFinalAudit(ctx, w.e2.ID, t0.Add(time.Hour))
		})
		write(t, s, func(ctx context.Context, tx *store.Tx) error {
			return tx.CompleteFinalAudit(ctx, w.e2.ID, t0.Add(5*time.Hour))
		})
		read(t, s, func(ctx context.Context, tx *store.Tx) error {
			f, err := tx.FinalAudit(ctx, w.e2.ID)
			if err != nil || !f.CompletedAt.Equal(t0.Add(time.Hour)) {
				t.Fatalf("final audit: %+v %v", f, err)
			}
			return nil
		})
	})
}
