package demo_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/blob"
	"github.com/probity/probity/internal/demo"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// The demo's assessments agree with its vendors' due-diligence state, and
// its evidence is real, encrypted and downloadable.
func TestDemoAssessments(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		s := testenv.OpenStore(t, e)
		dir, err := blob.NewDir(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		kek, _ := blob.GenerateKEK()
		blobs := blob.New(dir, kek)
		if err := demo.LoadWith(ctx, s, t0, demo.Options{Blobs: blobs}); err != nil {
			t.Fatalf("LoadWith: %v", err)
		}
		a := app.New(s, app.DefaultConfig(), slog.New(slog.DiscardHandler))
		a.Blobs = blobs
		a.Now = func() time.Time { return t0.Add(time.Hour) }
		today := domain.DateOf(t0)
		day := func(n int) domain.Date { return domain.DateOf(t0.AddDate(0, 0, n)) }
		vs, err := a.Vendors(ctx, app.Operator, store.Page{Limit: store.MaxPageSize})
		if err != nil {
			t.Fatal(err)
		}
		byName := map[string]app.AssessmentList{}
		for _, v := range vs {
			l, err := a.Assessments(ctx, app.Operator, v.ID)
			if err != nil {
				t.Fatal(err)
			}
			byName[strings.Fields(v.Name)[0]] = l
			// The vendor's state is its latest decision's.
			for _, as := range l.Assessments {
				if as.Status != domain.AssessmentDecided {
					continue
				}
				if v.Diligence != as.Decision.Diligence() || v.ApprovedUntil != as.ApprovedUntil {
					t.Errorf("%s is %s until %s, but its latest decision is %s until %s", v.Name, v.Diligence, v.ApprovedUntil, as.Decision, as.ApprovedUntil)
				}
				break
			}
		}
		status := func(name string) []string {
			var out []string
			for _, as := range byName[name].Assessments {
				out = append(out, as.StatusLabel())
			}
			return out
		}
		for name, want := range map[string]string{
			"Lexora":    "Approved",
			"Bayanihan": "Conditionally approved",
			"Keystone":  "Waiting for the vendor's answers,Approved",
			"Meridian":  "Waiting for the firm's review",
		} {
			if got := strings.Join(status(name), ","); got != want {
				t.Errorf("%s's assessments: %s, want %s", name, got, want)
			}
		}
		// Lexora: the SOC 2 Type II report, accepted, decrypts to a PDF.
		lex := byName["Lexora"]
		view, err := a.Assessment(ctx, app.Operator, lex.Vendor.ID, lex.Assessments[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		var soc2 *domain.Evidence
		for _, it := range view.Items() {
			for i := range it.Evidence {
				if it.Evidence[i].Kind == domain.EvidenceSOC2 && it.Answer.Value == "yes" {
					soc2 = &it.Evidence[i]
				}
			}
		}
		if soc2 == nil || soc2.Status != domain.EvidenceAccepted || len(view.Score.FailingCritical) != 0 {
			t.Fatalf("Lexora's SOC 2 evidence: %+v, failing critical %d", soc2, len(view.Score.FailingCritical))
		}
		f, err := a.DownloadEvidence(ctx, app.Operator, lex.Vendor.ID, lex.Assessments[0].ID, soc2.ID)
		if err != nil || !bytes.HasPrefix(f.Content, []byte("%PDF-1.")) || !bytes.HasSuffix(bytes.TrimSpace(f.Content), []byte("%%EOF")) {
			t.Fatalf("Lexora's report: %d bytes, %v", len(f.Content), err)
		}
		// Bayanihan: MFA answered no, an open remediation item due in 30 days.
		bay := byName["Bayanihan"]
		view, err = a.Assessment(ctx, app.Operator, bay.Vendor.ID, bay.Assessments[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		var mfa string
		for _, it := range view.Items() {
			if it.Control.Key == domain.ControlMFA {
				mfa = it.Answer.Value
			}
		}
		if mfa != "no" || len(view.Remediation) != 1 || view.Remediation[0].Done() || view.Remediation[0].DueOn != day(30) ||
			view.Remediation[0].ControlKey != domain.ControlMFA || !strings.Contains(view.Remediation[0].Text, "MFA on remote access") {
			t.Fatalf("Bayanihan: mfa %q, remediation %+v", mfa, view.Remediation)
		}
		// Keystone: approved until last month, a reassessment half answered.
		key := byName["Keystone"]
		if key.Vendor.DiligenceOn(today) != domain.DiligenceExpired {
			t.Errorf("Keystone is %s, want its approval expired", key.Vendor.DiligenceOn(today))
		}
		view, err = a.Assessment(ctx, app.Operator, key.Vendor.ID, key.Assessments[0].ID)
		if err != nil || view.Answered == 0 || view.Answered >= view.Total {
			t.Fatalf("Keystone's reassessment: %d of %d answered (%v)", view.Answered, view.Total, err)
		}
		// Every reminder of Keystone's lapsed approval was recorded, so none goes out again.
		if n, err := a.SendApprovalReminders(ctx); err != nil || n != 0 {
			t.Fatalf("reminders on the demo's first day: %d, %v; want none", n, err)
		}
		// Meridian: waiting for review, with an ISO certificate to check.
		mer := byName["Meridian"]
		view, err = a.Assessment(ctx, app.Operator, mer.Vendor.ID, mer.Assessments[0].ID)
		if err != nil || !view.CanReview || view.Answered != view.Total {
			t.Fatalf("Meridian: can review %v, %d of %d answered (%v)", view.CanReview, view.Answered, view.Total, err)
		}
	})
}
