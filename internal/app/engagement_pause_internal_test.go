package app

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/demo"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// Pausing on lapse and resuming on approval: each engagement returns to
// exactly the stage it was paused from; proposals and closed engagements are
// untouched; only a vendor-lapse pause is resumed, and only while the vendor
// is approved; every pause and resume is audited against its matter.
func TestPauseAndResumeRestoreTheStage(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		t0 := time.Date(2026, 3, 17, 9, 30, 0, 0, time.UTC)
		s := testenv.OpenStore(t, e)
		if err := demo.Load(ctx, s, t0); err != nil {
			t.Fatal(err)
		}
		now := t0
		a := New(s, DefaultConfig(), slog.New(slog.DiscardHandler))
		a.Now = func() time.Time { return now }
		admin := domain.User{ID: 1, Name: "Eleanor Hartwell", Role: domain.RoleFirmAdmin}

		v := domain.Vendor{Name: "Lapsing Review Co", Country: "US", Currency: "USD", Diligence: domain.DiligenceApproved, ApprovedUntil: domain.DateOf(t0.AddDate(0, 0, 10))}
		stages := []domain.Stage{domain.StageCommunication, domain.StageBriefing, domain.StageSOW, domain.StageActive, domain.StageProposed, domain.StageClosed}
		ids := map[domain.Stage]int64{}
		var greenfield, marcus int64
		err := s.Write(ctx, func(tx *store.Tx) error {
			if err := tx.CreateVendor(ctx, &v, t0); err != nil {
				return err
			}
			ms, err := tx.ListMatters(ctx, store.Scope{All: true}, store.MatterFilter{Query: "2026-0203"})
			if err != nil || len(ms) != 1 {
				return err
			}
			greenfield, marcus = ms[0].ID, ms[0].ResponsibleAttorneyID
			for _, st := range stages {
				eng := domain.Engagement{MatterID: greenfield, VendorID: v.ID, SupervisingAttorneyID: marcus, Service: domain.ServiceDocumentReview,
					Description: "stage " + string(st), Stage: st, BillingMode: domain.BillingFee, EstimatedCost: domain.NewMoney(0, "USD"), InHouseEstimate: domain.NewMoney(0, "USD")}
				if err := tx.CreateEngagement(ctx, &eng, t0); err != nil {
					return err
				}
				ids[st] = eng.ID
			}
			return nil
		})
		if err != nil || greenfield == 0 {
			t.Fatalf("setup: %v", err)
		}
		load := func(id int64) domain.Engagement {
			t.Helper()
			var got domain.Engagement
			if err := s.Read(ctx, func(tx *store.Tx) (err error) { got, err = tx.Engagement(ctx, store.Scope{All: true}, id); return err }); err != nil {
				t.Fatal(err)
			}
			return got
		}
		count := func(action string) int {
			t.Helper()
			evs, err := a.AuditEvents(ctx, Operator, store.AuditFilter{Action: action, MatterID: greenfield, Limit: store.MaxPageSize})
			if err != nil {
				t.Fatal(err)
			}
			return len(evs)
		}
		demoPaused := func() int {
			var n int
			if err := s.DB().QueryRow(`SELECT COUNT(*) FROM engagements WHERE stage = 'paused' AND vendor_id <> $1`, v.ID).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		pausedBefore := demoPaused()

		// While the approval is current (its last day included), nothing pauses.
		now = t0.AddDate(0, 0, 10).Add(14 * time.Hour) // 23:30 on the last approved day
		if n, err := a.PauseLapsedVendors(ctx); err != nil || n != 0 {
			t.Fatalf("on the approval's last day: paused %d, %v", n, err)
		}
		// The day after, the four open stages pause, each remembering its own.
		now = t0.AddDate(0, 0, 11).Add(time.Hour)
		n, err := a.PauseLapsedVendors(ctx)
		if err != nil || n != 4 {
			t.Fatalf("after the lapse: paused %d, %v; want 4", n, err)
		}
		for _, st := range stages {
			got := load(ids[st])
			switch {
			case domain.Pausable(st):
				if got.Stage != domain.StagePaused || got.PausedFrom != st || !strings.Contains(got.PausedReason, "approval expired on "+string(v.ApprovedUntil)) {
					t.Errorf("%s: now %s from %q because %q", st, got.Stage, got.PausedFrom, got.PausedReason)
				}
			case got.Stage != st || got.PausedFrom != "":
				t.Errorf("%s was touched: now %s from %q", st, got.Stage, got.PausedFrom)
			}
		}
		if c := count("engagement.pause"); c != 4 {
			t.Errorf("%d pause events on the matter, want 4", c)
		}
		if demoPaused() != pausedBefore {
			t.Errorf("the check paused other vendors' engagements it should not have")
		}
		if n, err := a.PauseLapsedVendors(ctx); err != nil || n != 0 {
			t.Errorf("a second check paused %d more (%v)", n, err)
		}

		// Another cause's pause is not the vendor's to lift.
		if _, err := s.DB().Exec(`UPDATE engagements SET paused_cause = 'consent' WHERE id = $1`, ids[domain.StageBriefing]); err != nil {
			t.Fatal(err)
		}
		resume := func() {
			t.Helper()
			if err := s.Write(ctx, func(tx *store.Tx) error { return a.resumeVendorEngagements(ctx, tx, admin, v.ID) }); err != nil {
				t.Fatal(err)
			}
		}
		// Still lapsed: nothing resumes.
		resume()
		if got := load(ids[domain.StageActive]); got.Stage != domain.StagePaused {
			t.Fatalf("resumed while the approval has lapsed: %s", got.Stage)
		}
		// Approved again: each returns exactly where it stood.
		err = s.Write(ctx, func(tx *store.Tx) error {
			return tx.SetVendorDiligence(ctx, v.ID, domain.DiligenceApproved, domain.DateOf(now.AddDate(1, 0, 0)))
		})
		if err != nil {
			t.Fatal(err)
		}
		resume()
		for _, st := range []domain.Stage{domain.StageCommunication, domain.StageSOW, domain.StageActive} {
			if got := load(ids[st]); got.Stage != st || got.PausedFrom != "" || got.PausedReason != "" {
				t.Errorf("resumed %s: now %s, from %q, reason %q", st, got.Stage, got.PausedFrom, got.PausedReason)
			}
		}
		if got := load(ids[domain.StageBriefing]); got.Stage != domain.StagePaused || got.PausedFrom != domain.StageBriefing {
			t.Errorf("a pause for another cause was lifted: %s", got.Stage)
		}
		if c := count("engagement.resume"); c != 3 {
			t.Errorf("%d resume events on the matter, want 3", c)
		}

		// A rejection pauses with its own reason.
		err = s.Write(ctx, func(tx *store.Tx) error {
			return a.pauseVendorEngagements(ctx, tx, admin, v.ID, "the vendor's security assessment was rejected")
		})
		if got := load(ids[domain.StageActive]); err != nil || got.Stage != domain.StagePaused || got.PausedReason != "the vendor's security assessment was rejected" {
			t.Errorf("paused on rejection: %v, %s, %q", err, got.Stage, got.PausedReason)
		}
	})
}
