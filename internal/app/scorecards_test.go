package app_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// scorecardWorld is a fresh firm with two vendors that have a known record
// (audits, corrective actions, reviewed deliverables, evaluations) and a
// third with none, so every scorecard figure can be checked by hand.
type scorecardWorld struct {
	*fixture
	other, empty      domain.Vendor
	manager, pro      domain.User // Lexora's vendor manager and professional
	otherManager      domain.User // Keystone's
	clientContact     domain.User
	lexE1, lexE2, ksE int64
}

func newScorecardWorld(t *testing.T, e testenv.Engine) *scorecardWorld {
	t.Helper()
	w := &scorecardWorld{fixture: newFixture(t, e)}
	ctx := context.Background()
	w.other = domain.Vendor{Name: "Keystone", Country: "US", Currency: "USD", Diligence: domain.DiligenceApproved}
	w.empty = domain.Vendor{Name: "Alder Review", Country: "US", Currency: "USD", Diligence: domain.DiligencePending}
	db := w.a.Store.DB()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	at := func(y int, m time.Month, d, h, min int) int64 {
		return time.Date(y, m, d, h, min, 0, 0, time.UTC).UnixMicro()
	}
	err := w.a.Store.Write(ctx, func(tx *store.Tx) error {
		for _, v := range []*domain.Vendor{&w.other, &w.empty} {
			if err := tx.CreateVendor(ctx, v, t0); err != nil {
				return err
			}
		}
		m := domain.Matter{ClientID: w.client.ID, Number: "2026-0142", Title: "Calloway v. Tidewater", PracticeArea: "Litigation",
			Sensitivity: domain.SensitivityStandard, ResponsibleAttorneyID: w.marcus.ID, Status: "open"}
		if err := tx.CreateMatter(ctx, &m, t0); err != nil {
			return err
		}
		for _, x := range []struct {
			id     *int64
			vendor int64
		}{{&w.lexE1, w.vendor.ID}, {&w.lexE2, w.vendor.ID}, {&w.ksE, w.other.ID}} {
			en := domain.Engagement{MatterID: m.ID, VendorID: x.vendor, SupervisingAttorneyID: w.marcus.ID, Service: domain.ServiceDocumentReview,
				Stage: domain.StageActive, BillingMode: domain.BillingFee, EstimatedCost: domain.NewMoney(100, "USD"), InHouseEstimate: domain.NewMoney(100, "USD")}
			if err := tx.CreateEngagement(ctx, &en, t0); err != nil {
				return err
			}
			*x.id = en.ID
		}
		// Decided deliverable versions: Lexora 2h, 4h (sent back), 10h and
		// one pending; Keystone 1h (sent back) and 3h.
		for _, v := range []struct {
			eng      int64
			took     time.Duration
			decision domain.ReviewDecision
		}{{w.lexE1, 2 * time.Hour, domain.ReviewApproved}, {w.lexE1, 10 * time.Hour, domain.ReviewApproved}, {w.lexE2, 4 * time.Hour, domain.ReviewChangesRequested},
			{w.lexE2, 0, domain.ReviewPending}, {w.ksE, time.Hour, domain.ReviewChangesRequested}, {w.ksE, 3 * time.Hour, domain.ReviewApproved}} {
			sow := domain.SOWVersion{EngagementID: v.eng, DraftedBy: w.marcus.ID, DraftedAt: t0, Items: []domain.WorkItem{{Service: domain.ServiceDocumentReview,
				Title: "Review", DueOn: domain.DateOf(t0), Estimate: 1, EstimateUnit: "hours", BaselineRate: domain.NewMoney(1, "USD"),
				Pricing: domain.PricingHourly, Price: domain.NewMoney(1, "USD"), TaskCode: "L110", ActivityCode: "A104"}}}
			if err := tx.CreateSOWVersion(ctx, &sow); err != nil {
				return err
			}
			d := domain.Deliverable{EngagementID: v.eng, WorkItemID: sow.Items[0].ID, Title: "Batch", CreatedBy: w.marcus.ID, CreatedAt: t0}
			if err := tx.CreateDeliverable(ctx, &d); err != nil {
				return err
			}
			dv := domain.DeliverableVersion{DeliverableID: d.ID, EngagementID: v.eng, SubmittedBy: w.marcus.ID, SubmittedAt: t0.Add(-48 * time.Hour)}
			if err := tx.AddDeliverableVersion(ctx, &dv); err != nil {
				return err
			}
			if v.decision != domain.ReviewPending {
				dv.Decision, dv.ReviewedBy, dv.ReviewedAt, dv.OpenedAt = v.decision, w.marcus.ID, dv.SubmittedAt.Add(v.took), dv.SubmittedAt.Add(v.took)
				if err := tx.ReviewVersion(ctx, dv); err != nil {
					return err
				}
			}
		}
		// Evaluations at close: Lexora (4,5,4,5) and (3,3,3,3); Keystone none.
		for _, ev := range []domain.Evaluation{{EngagementID: w.lexE1, Quality: 4, Timeliness: 5, Communication: 4, Compliance: 5},
			{EngagementID: w.lexE2, Quality: 3, Timeliness: 3, Communication: 3, Compliance: 3}} {
			ev.VendorID, ev.EvaluatedBy, ev.CreatedAt = w.vendor.ID, w.marcus.ID, t0
			if err := tx.CreateEvaluation(ctx, &ev); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Audits: Lexora passes 2 in 100 (15 Jan), fails 5 in 50 at the last
	// second of January and passes 0 in 80 at the first of February; one
	// audit being scored and one due do not count. Keystone fails 10 in 200.
	audit := func(eng int64, period, state, verdict string, n, errs int, completed int64) int64 {
		exec(`INSERT INTO audits (engagement_id, kind, period, due_on, state, sample_size, errors, verdict, completed_at, created_at)
			VALUES ($1, 'scheduled', $2, '2026-01-10', $3, $4, $5, $6, $7, $8)`, eng, period, state, n, errs, verdict, completed, at(2026, 1, 1, 0, 0))
		var id int64
		if err := db.QueryRowContext(ctx, `SELECT id FROM audits WHERE engagement_id = $1 AND period = $2`, eng, period).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	jan := audit(w.lexE1, "2026-W03", "completed", "pass", 100, 2, at(2026, 1, 15, 12, 0))
	audit(w.lexE2, "2026-W05", "completed", "fail", 50, 5, time.Date(2026, 1, 31, 23, 59, 59, 0, time.UTC).UnixMicro())
	audit(w.lexE1, "2026-W06", "completed", "pass", 80, 0, at(2026, 2, 1, 0, 0))
	audit(w.lexE1, "2026-W10", "scoring", "", 30, 0, 0)
	audit(w.lexE2, "2026-W11", "due", "", 0, 0, 0)
	ks := audit(w.ksE, "2026-W07", "completed", "fail", 200, 10, at(2026, 2, 10, 9, 0))
	// Corrective actions: Lexora one open, one responded, one closed on its
	// due date (late evening UTC), one closed the day after, one closed
	// early; Keystone one closed late.
	corrective := func(auditID, eng, vendor int64, state, due string, closed int64) {
		exec(`INSERT INTO corrective_actions (audit_id, engagement_id, vendor_id, description, due_on, state, raised_by, raised_at, closed_at)
			VALUES ($1, $2, $3, 'Recode the batch', $4, $5, $6, $7, $8)`, auditID, eng, vendor, due, state, w.marcus.ID, at(2026, 1, 20, 9, 0), closed)
	}
	corrective(jan, w.lexE1, w.vendor.ID, "open", "2026-03-20", 0)
	corrective(jan, w.lexE1, w.vendor.ID, "responded", "2026-03-20", 0)
	corrective(jan, w.lexE1, w.vendor.ID, "closed", "2026-02-10", at(2026, 2, 10, 23, 30))
	corrective(jan, w.lexE1, w.vendor.ID, "closed", "2026-02-10", at(2026, 2, 11, 0, 30))
	corrective(jan, w.lexE1, w.vendor.ID, "closed", "2026-02-10", at(2026, 2, 3, 8, 0))
	corrective(ks, w.ksE, w.other.ID, "closed", "2026-02-20", at(2026, 2, 25, 8, 0))

	w.manager = w.createUser(t, app.NewUser{Email: "anika@lexora.example", Name: "Anika", Role: domain.RoleVendorManager, VendorID: w.vendor.ID, Password: goodPassword})
	w.pro = w.createUser(t, app.NewUser{Email: "rohan@lexora.example", Name: "Rohan", Role: domain.RoleVendorProfessional, VendorID: w.vendor.ID, Password: goodPassword})
	w.otherManager = w.createUser(t, app.NewUser{Email: "thomas@keystone.example", Name: "Thomas", Role: domain.RoleVendorManager, VendorID: w.other.ID, Password: goodPassword})
	w.clientContact = w.createUser(t, app.NewUser{Email: "helen@calloway.example", Name: "Helen", Role: domain.RoleClientContact, ClientID: w.client.ID, Password: goodPassword})
	return w
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// wantRate checks a pooled rate against x/n and its Wilson interval at 95%.
func wantRate(t *testing.T, what string, got domain.Interval, x, n int) {
	t.Helper()
	want, err := domain.Wilson(x, n, app.ScorecardConfidence)
	if err != nil {
		t.Fatalf("%s: Wilson(%d, %d): %v", what, x, n, err)
	}
	if got != want || got.X != x || got.N != n || !near(got.Rate, float64(x)/float64(n)) || !(got.Low <= got.Rate && got.Rate <= got.High) {
		t.Errorf("%s: rate %+v, want %d in %d: %+v", what, got, x, n, want)
	}
}

func TestScorecardFigures(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		w := newScorecardWorld(t, e)
		ctx := context.Background()
		lex, err := w.a.VendorScorecard(ctx, w.marcus, w.vendor.ID)
		if err != nil {
			t.Fatal(err)
		}
		if lex.VendorID != w.vendor.ID || lex.VendorName != "Lexora" {
			t.Errorf("vendor %d %q", lex.VendorID, lex.VendorName)
		}
		if lex.Audits != 3 || lex.Passed != 2 || lex.Sampled != 230 || lex.Errors != 7 || !near(app.PassRate(lex), 2.0/3) {
			t.Errorf("audits %d passed %d sampled %d errors %d; want 3, 2, 230, 7", lex.Audits, lex.Passed, lex.Sampled, lex.Errors)
		}
		wantRate(t, "Lexora overall", lex.ErrorRate, 7, 230)
		if len(lex.Months) != 2 {
			t.Fatalf("months %+v, want January and February 2026", lex.Months)
		}
		if m := lex.Months[0]; m.Month != "2026-01" || m.Audits != 2 || m.Passed != 1 || m.Sampled != 150 || m.Errors != 7 {
			t.Errorf("January %+v", m)
		}
		if m := lex.Months[1]; m.Month != "2026-02" || m.Audits != 1 || m.Passed != 1 || m.Sampled != 80 || m.Errors != 0 {
			t.Errorf("February %+v", m)
		}
		wantRate(t, "Lexora January", lex.Months[0].Rate, 7, 150)
		wantRate(t, "Lexora February", lex.Months[1].Rate, 0, 80)
		if lex.CorrectiveOpen != 2 || lex.CorrectiveClosed != 3 || lex.ClosedOnTime != 2 {
			t.Errorf("corrective open %d closed %d on time %d; want 2, 3, 2", lex.CorrectiveOpen, lex.CorrectiveClosed, lex.ClosedOnTime)
		}
		if lex.ReviewedVersions != 3 || lex.ChangesRequested != 1 || !near(app.ReworkRate(lex), 1.0/3) {
			t.Errorf("rework %d of %d", lex.ChangesRequested, lex.ReviewedVersions)
		}
		if !near(lex.ReviewTurnaround, 4) {
			t.Errorf("median turnaround %v hours, want 4", lex.ReviewTurnaround)
		}
		if lex.Evaluations != 2 || !near(lex.EvaluationAverage, 3.75) {
			t.Errorf("evaluations %d average %v; want 2, 3.75", lex.Evaluations, lex.EvaluationAverage)
		}
		// The vendor page's evaluation average is the same figure.
		if vs, err := w.a.VendorScore(ctx, w.marcus, w.vendor.ID); err != nil || vs.Evaluations != 2 || vs.All != lex.EvaluationAverage || !near(vs.Quality, 3.5) {
			t.Errorf("VendorScore = %+v, %v; want the scorecard's average %v", vs, err, lex.EvaluationAverage)
		}

		all, err := w.a.Scorecards(ctx, w.staff)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 3 || all[0].VendorName != "Alder Review" || all[1].VendorName != "Keystone" || all[2].VendorName != "Lexora" {
			t.Fatalf("scorecards %+v, want Alder Review, Keystone, Lexora", all)
		}
		if all[2].Audits != lex.Audits || all[2].ErrorRate != lex.ErrorRate || len(all[2].Months) != 2 || all[2].ClosedOnTime != lex.ClosedOnTime {
			t.Errorf("Lexora in the comparison differs from its scorecard: %+v", all[2])
		}
		ks := all[1]
		if ks.Audits != 1 || ks.Passed != 0 || ks.Sampled != 200 || ks.Errors != 10 || len(ks.Months) != 1 || ks.Months[0].Month != "2026-02" {
			t.Errorf("Keystone audits %+v", ks)
		}
		wantRate(t, "Keystone", ks.ErrorRate, 10, 200)
		if ks.CorrectiveOpen != 0 || ks.CorrectiveClosed != 1 || ks.ClosedOnTime != 0 {
			t.Errorf("Keystone corrective %d %d %d", ks.CorrectiveOpen, ks.CorrectiveClosed, ks.ClosedOnTime)
		}
		if ks.ReviewedVersions != 2 || ks.ChangesRequested != 1 || !near(ks.ReviewTurnaround, 2) || ks.Evaluations != 0 || ks.EvaluationAverage != 0 {
			t.Errorf("Keystone rework %d/%d, turnaround %v, evaluations %d (%v)", ks.ChangesRequested, ks.ReviewedVersions, ks.ReviewTurnaround, ks.Evaluations, ks.EvaluationAverage)
		}
		if z := all[0]; z.Audits != 0 || len(z.Months) != 0 || z.ErrorRate != (domain.Interval{}) || z.ReviewedVersions != 0 || z.ReviewTurnaround != 0 || app.PassRate(z) != 0 {
			t.Errorf("a vendor without a record: %+v", z)
		}
	})
}

func TestScorecardAccess(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		w := newScorecardWorld(t, e)
		ctx := context.Background()
		if s, err := w.a.VendorScorecard(ctx, w.manager, w.vendor.ID); err != nil || s.Audits != 3 {
			t.Errorf("Lexora's manager reads Lexora's scorecard: %d audits, %v", s.Audits, err)
		}
		_, err := w.a.VendorScorecard(ctx, w.manager, w.other.ID)
		wantCode(t, err, domain.ENotFound, "Lexora's manager reads Keystone's scorecard")
		_, err = w.a.VendorScorecard(ctx, w.otherManager, w.vendor.ID)
		wantCode(t, err, domain.ENotFound, "Keystone's manager reads Lexora's scorecard")
		_, err = w.a.VendorScorecard(ctx, w.pro, w.vendor.ID)
		wantCode(t, err, domain.EForbidden, "a vendor professional reads their vendor's scorecard")
		_, err = w.a.VendorScorecard(ctx, w.clientContact, w.vendor.ID)
		wantCode(t, err, domain.EForbidden, "the client contact reads the scorecard of the vendor on their matter")
		_, err = w.a.VendorScorecard(ctx, w.clientContact, w.empty.ID)
		wantCode(t, err, domain.ENotFound, "the client contact reads the scorecard of a vendor they do not see")
		_, err = w.a.VendorScorecard(ctx, w.admin, 999999)
		wantCode(t, err, domain.ENotFound, "a vendor that does not exist")
		for _, u := range []domain.User{w.manager, w.pro, w.clientContact} {
			_, err = w.a.Scorecards(ctx, u)
			wantCode(t, err, domain.EForbidden, string(u.Role)+" compares vendors")
		}
		disabled := w.marcus
		disabled.Disabled = true
		_, err = w.a.Scorecards(ctx, disabled)
		wantCode(t, err, domain.EForbidden, "a disabled attorney compares vendors")
	})
}
