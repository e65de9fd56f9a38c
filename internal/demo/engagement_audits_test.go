package demo_test

import (
	"context"
	"slices"
	"testing"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// engagementID finds a demo engagement by its description.
func engagementID(tb testing.TB, a *app.App, description string) int64 {
	tb.Helper()
	es, err := a.Engagements(context.Background(), app.Operator, store.EngagementFilter{Page: store.Page{Limit: store.MaxPageSize}})
	if err != nil {
		tb.Fatal(err)
	}
	for _, e := range es {
		if e.Description == description {
			return e.ID
		}
	}
	tb.Fatalf("no engagement %q", description)
	return 0
}

// The demo's quality audits, read through the app as the auditors see
// them: on Calloway/Lexora passed audits whose samples are the seeded draws
// and whose verdicts are Evaluate's, a failed one whose corrective action
// was closed on time, and this week's audit due and not started; on
// Greenfield/Keystone a failed audit with open corrective actions, one
// answered and awaiting verification; Harbor's final audit done; Lexora's
// scorecard with at least four months of history.
func TestDemoQualityAudits(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		a := loaded(t, e)
		ctx := app.WithMeta(context.Background(), app.Meta{Address: "192.0.2.70", RequestID: "demo-audits-test", MFA: true})
		marcus, priya := user(t, a, "marcus.oyelaran@hartwellcrane.example"), user(t, a, "priya.raman@hartwellcrane.example")
		today := domain.DateOf(a.Now())

		active := engagementID(t, a, "First-level responsiveness and privilege review of 48,000 documents")
		v, err := a.QualityAudits(ctx, marcus, active)
		if err != nil {
			t.Fatal(err)
		}
		if v.Plan == nil || v.Plan.Cadence != domain.AuditWeekly || !v.Plan.Stratify || v.Plan.PauseAfter != 3 || v.Plan.Sampling.Method != domain.MethodProportion {
			t.Fatalf("Calloway's plan: %+v", v.Plan)
		}
		var passed, failed, due int
		for _, au := range v.Audits {
			switch {
			case au.State == domain.AuditDue:
				due++
				if au.DueOn < today || au.DueOn > domain.DateOf(today.Time().AddDate(0, 0, 7)) || !au.StartedAt.IsZero() || au.Overdue {
					t.Errorf("the due audit %s: due %s, started %v, overdue %v; want due within the week, not started", au.Period, au.DueOn, au.StartedAt, au.Overdue)
				}
			case au.State == domain.AuditCompleted && au.Verdict == "pass":
				passed++
			case au.State == domain.AuditCompleted && au.Verdict == "fail":
				failed++
			default:
				t.Errorf("audit %s in state %s, verdict %q", au.Period, au.State, au.Verdict)
			}
		}
		if passed < 4 || failed != 1 || due != 1 {
			t.Errorf("Calloway: %d passed, %d failed, %d due; want several passed, one failed, one due", passed, failed, due)
		}
		for _, au := range v.Audits {
			if au.State != domain.AuditCompleted {
				continue
			}
			d, err := a.AuditDetail(ctx, marcus, active, au.ID)
			if err != nil {
				t.Fatal(err)
			}
			if d.Results.Verdict != au.Verdict || d.Results.Errors != au.Errors || d.Results.Scored != au.SampleSize || len(d.Items) != au.SampleSize {
				t.Errorf("audit %s: recorded %s with %d errors in %d; Evaluate gives %s with %d in %d scored", au.Period, au.Verdict, au.Errors, au.SampleSize,
					d.Results.Verdict, d.Results.Errors, d.Results.Scored)
			}
			checkDraw(t, a, au, d.Items)
			if au.Verdict == "fail" {
				if len(d.Corrective) != 1 || d.Corrective[0].State != domain.CorrectiveClosed || d.Corrective[0].ClosedAt.IsZero() ||
					domain.DateOf(d.Corrective[0].ClosedAt) > d.Corrective[0].DueOn {
					t.Errorf("Calloway's failed audit: corrective actions %+v; want one, closed on time", d.Corrective)
				}
			}
		}

		keystone := engagementID(t, a, "Regulatory review of 4,000 loan files")
		kv, err := a.QualityAudits(ctx, priya, keystone)
		if err != nil {
			t.Fatal(err)
		}
		var latest domain.Audit
		for _, au := range kv.Audits {
			if au.State == domain.AuditCompleted && au.CompletedAt.After(latest.CompletedAt) {
				latest = au
			}
		}
		if latest.Verdict != "fail" {
			t.Fatalf("Keystone's latest audit: %+v, want failed", latest)
		}
		kd, err := a.AuditDetail(ctx, priya, keystone, latest.ID)
		if err != nil {
			t.Fatal(err)
		}
		states := map[domain.CorrectiveState]int{}
		for _, c := range kd.Corrective {
			states[c.State]++
			if c.State != domain.CorrectiveClosed && c.DueOn < today {
				t.Errorf("open corrective action %d is already past due (%s)", c.ID, c.DueOn)
			}
		}
		if states[domain.CorrectiveOpen] != 1 || states[domain.CorrectiveResponded] != 1 {
			t.Errorf("Keystone's failed audit: corrective actions by state %v; want one open, one responded", states)
		}

		harbor := engagementID(t, a, "Review of lease correspondence for the arbitration record")
		hv, err := a.QualityAudits(ctx, marcus, harbor)
		if err != nil {
			t.Fatal(err)
		}
		final := slices.IndexFunc(hv.Audits, func(au domain.Audit) bool { return au.Kind == domain.AuditFinal })
		if final < 0 || hv.Audits[final].State != domain.AuditCompleted || hv.Audits[final].Verdict != "pass" {
			t.Errorf("Harbor's final audit: %+v", hv.Audits)
		} else if f, err := func() (f domain.FinalAudit, err error) {
			err = a.Store.Read(ctx, func(tx *store.Tx) error { f, err = tx.FinalAudit(ctx, harbor); return err })
			return f, err
		}(); err != nil || !f.CompletedAt.Equal(hv.Audits[final].CompletedAt) {
			t.Errorf("Harbor's final audit done at %v; the close records %v (%v)", hv.Audits[final].CompletedAt, f.CompletedAt, err)
		}

		lexora := v.Engagement.VendorID
		sc, err := a.VendorScorecard(ctx, marcus, lexora)
		if err != nil {
			t.Fatal(err)
		}
		if len(sc.Months) < 4 || sc.Audits != passed+failed+len(hv.Audits) || sc.CorrectiveClosed != 1 || sc.ClosedOnTime != 1 || sc.Sampled == 0 {
			t.Errorf("Lexora's scorecard: %d months, %d audits (want %d), corrective %d closed %d on time, %d scored",
				len(sc.Months), sc.Audits, passed+failed+len(hv.Audits), sc.CorrectiveClosed, sc.ClosedOnTime, sc.Sampled)
		}
		ks, err := a.VendorScorecard(ctx, priya, kv.Engagement.VendorID)
		if err != nil || ks.CorrectiveOpen != 2 || ks.Audits != 3 || ks.Passed != 2 {
			t.Errorf("Keystone's scorecard: %+v, %v", ks, err)
		}

		var items int
		if err := a.Store.DB().QueryRow(`SELECT COUNT(*) FROM audit_population_items`).Scan(&items); err != nil || items > 10000 {
			t.Errorf("the demo holds %d population items (%v); keep it at most 10,000 so it loads fast", items, err)
		}
	})
}

// checkDraw reproduces an audit's sample from its seed: DrawSample over the
// batch, or per reviewer with DrawStratified over the batch's strata.
func checkDraw(t *testing.T, a *app.App, au domain.Audit, items []domain.SampleItem) {
	t.Helper()
	got := make([]int64, len(items))
	for i, it := range items {
		got[i] = it.Position
	}
	var want []int64
	if !au.Stratified {
		var err error
		if want, err = domain.DrawSample(au.Seed, au.Population, au.SampleSize); err != nil {
			t.Fatal(err)
		}
	} else {
		ctx := context.Background()
		var by map[string][]int64
		var names []string
		if err := a.Store.Read(ctx, func(tx *store.Tx) (err error) { by, names, err = tx.BatchStrata(ctx, au.BatchID); return err }); err != nil {
			t.Fatal(err)
		}
		// Each stratum's draw is its share of the items in draw order.
		for _, name := range names {
			var n int
			for _, it := range items {
				if it.Person == name {
					n++
				}
			}
			drawn, err := domain.DrawStratified(au.Seed, []domain.Stratum{{Name: name, Size: int64(len(by[name]))}}, func(int64) int { return n })
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range drawn[0].Drawn {
				want = append(want, by[name][k-1])
			}
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("audit %s (seed %q): the sample is not the seeded draw\n got %v\nwant %v", au.Period, au.Seed, got, want)
	}
}
