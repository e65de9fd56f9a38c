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

// commFixture is the demo firm with Bayanihan's loan-agreement work for
// Greenfield at the communication stage: the firm has confirmed its
// kickoff, Bayanihan has not; Jose Reyes, on the team, has a lapsed NDA.
type commFixture struct {
	a      *App
	ctx    context.Context
	id     int64
	people map[string]domain.User
}

func newCommFixture(t *testing.T, e testenv.Engine) *commFixture {
	t.Helper()
	ctx := WithMeta(context.Background(), Meta{RequestID: "comm-test", MFA: true})
	t0 := time.Date(2026, 3, 17, 9, 30, 0, 0, time.UTC)
	s := testenv.OpenStore(t, e)
	if err := demo.Load(ctx, s, t0); err != nil {
		t.Fatal(err)
	}
	a := New(s, DefaultConfig(), slog.New(slog.DiscardHandler))
	a.Now = func() time.Time { return t0 }
	f := &commFixture{a: a, ctx: ctx, people: map[string]domain.User{}}
	err := s.Read(ctx, func(tx *store.Tx) error {
		us, err := tx.ListUsers(ctx, store.UserFilter{Page: store.Page{Limit: store.MaxPageSize}})
		for _, u := range us {
			f.people[strings.Split(u.Email, "@")[0]] = u
		}
		if err != nil {
			return err
		}
		es, err := tx.ListEngagements(ctx, store.Scope{All: true}, store.EngagementFilter{Page: store.Page{Limit: store.MaxPageSize}})
		for _, e := range es {
			if e.MatterNumber == "2026-0203" && strings.HasPrefix(e.VendorName, "Bayanihan") {
				f.id = e.ID
			}
		}
		return err
	})
	if err != nil || f.id == 0 {
		t.Fatalf("demo engagement: %v", err)
	}
	// The document gate's consent check is not what these tests are about.
	if err := a.SetConsentRequired(ctx, f.people["eleanor.hartwell"], false); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *commFixture) stage(t *testing.T) domain.Stage {
	t.Helper()
	var st domain.Stage
	if err := f.a.Store.Read(f.ctx, func(tx *store.Tx) error {
		e, err := tx.Engagement(f.ctx, store.Scope{All: true}, f.id)
		st = e.Stage
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return st
}

func (f *commFixture) work(t *testing.T, who string, act domain.Activity) error {
	t.Helper()
	var got error
	if err := f.a.Store.Read(f.ctx, func(tx *store.Tx) error {
		_, got = f.a.workEngagement(f.ctx, tx, f.people[who], f.id, act)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return got
}

func (f *commFixture) auditCount(t *testing.T) int {
	t.Helper()
	var n int
	if err := f.a.Store.DB().QueryRow(`SELECT COUNT(*) FROM audit_events`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func code(t *testing.T, err error, want, what string) {
	t.Helper()
	if got := domain.ErrorCode(err); got != want {
		t.Fatalf("%s: got %v (code %q), want %q", what, err, got, want)
	}
}

var vendorPlan = PlanInput{Hours: domain.WorkingHours{TimeZone: "Asia/Manila", Start: "21:00", End: "06:00"}, Channels: []string{"probity", "video"},
	Cadence: "twice_weekly", Escalation: []domain.EscalationStep{{Who: "Maria Santos (research director)", ResponseHours: 4}, {Who: "Priya Raman", ResponseHours: 24}},
	Language: "English"}

// The communication gate: nothing else before a complete plan and a
// kickoff confirmed by both sides; a plan change withdraws the one
// confirmation given; when both confirm, the engagement moves to briefing
// in the same transaction, with an audit event.
func TestCommunicationGate(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newCommFixture(t, e)
		if st := f.stage(t); st != domain.StageCommunication {
			t.Fatalf("demo stage %s", st)
		}
		for _, act := range []domain.Activity{domain.ActivityDeadline, domain.ActivityDocument, domain.ActivityTime} {
			code(t, f.work(t, "priya.raman", act), domain.EGateClosed, string(act)+" before the kickoff")
		}
		v, err := f.a.CommunicationOf(f.ctx, f.people["maria.santos"], f.id)
		if err != nil {
			t.Fatal(err)
		}
		if v.Kickoff.FirmConfirmedBy != f.people["priya.raman"].ID || v.Kickoff.VendorConfirmedBy != 0 || !strings.Contains(v.Blocking, "vendor") {
			t.Fatalf("demo kickoff: %+v, blocking %q", v.Kickoff, v.Blocking)
		}
		maria := f.people["maria.santos"]
		in := vendorPlan
		in.Contacts = []int64{maria.ID}

		// Refused: staff, another vendor's manager, bad input. Nothing changes.
		before := f.auditCount(t)
		_, err = f.a.UpdateCommunicationPlan(f.ctx, f.people["daniel.brooks"], f.id, in)
		code(t, err, domain.EForbidden, "staff edits the plan")
		_, err = f.a.UpdateCommunicationPlan(f.ctx, f.people["anika.deshmukh"], f.id, in)
		code(t, err, domain.ENotFound, "another vendor's manager")
		bad := in
		bad.Hours.TimeZone = "Asia/Atlantis"
		_, err = f.a.UpdateCommunicationPlan(f.ctx, maria, f.id, bad)
		if domain.ErrorField(err) != "vendor_time_zone" {
			t.Fatalf("a bad zone: %v", err)
		}
		bad = in
		bad.Contacts = []int64{f.people["rohan.kulkarni"].ID}
		_, err = f.a.UpdateCommunicationPlan(f.ctx, maria, f.id, bad)
		if domain.ErrorField(err) != "vendor_contacts" {
			t.Fatalf("another vendor's person as a contact: %v", err)
		}
		if f.auditCount(t) != before {
			t.Fatal("a refused plan change wrote an audit event")
		}

		// The vendor changes the plan: the firm's confirmation is withdrawn.
		withdrawn, err := f.a.UpdateCommunicationPlan(f.ctx, maria, f.id, in)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(withdrawn, "Priya Raman") {
			t.Fatalf("withdrawn: %q", withdrawn)
		}
		v, _ = f.a.CommunicationOf(f.ctx, maria, f.id)
		if v.Kickoff.FirmConfirmedBy != 0 || !v.OverlapKnown || v.Overlap <= 0 {
			t.Fatalf("after the change: kickoff %+v, overlap %v %v", v.Kickoff, v.OverlapKnown, v.Overlap)
		}
		// The same plan again changes nothing.
		n := f.auditCount(t)
		if w, err := f.a.UpdateCommunicationPlan(f.ctx, maria, f.id, in); err != nil || w != "" || f.auditCount(t) != n {
			t.Fatalf("an unchanged plan: %q %v", w, err)
		}

		// An incomplete plan cannot be confirmed.
		firm := PlanInput{Hours: v.Plan.Firm, Channels: in.Channels, Cadence: in.Cadence, Escalation: in.Escalation, Language: in.Language}
		if _, err := f.a.UpdateCommunicationPlan(f.ctx, f.people["priya.raman"], f.id, firm); err != nil {
			t.Fatal(err)
		}
		_, err = f.a.ConfirmKickoff(f.ctx, f.people["priya.raman"], f.id)
		code(t, err, domain.EGateClosed, "confirm without a firm contact")
		if !strings.Contains(domain.ErrorMessage(err), "point of contact at the firm") {
			t.Errorf("the refusal does not say what is missing: %q", domain.ErrorMessage(err))
		}
		firm.Contacts = []int64{f.people["priya.raman"].ID, f.people["daniel.brooks"].ID}
		if _, err := f.a.UpdateCommunicationPlan(f.ctx, f.people["priya.raman"], f.id, firm); err != nil {
			t.Fatal(err)
		}

		// Both confirm; the second moves the engagement on.
		st, err := f.a.ConfirmKickoff(f.ctx, maria, f.id)
		if err != nil || st != domain.StageCommunication {
			t.Fatalf("vendor confirms: %s %v", st, err)
		}
		_, err = f.a.ConfirmKickoff(f.ctx, maria, f.id)
		code(t, err, domain.EConflict, "confirm twice")
		_, err = f.a.ConfirmKickoff(f.ctx, f.people["jose.reyes"], f.id)
		code(t, err, domain.EForbidden, "a vendor professional confirms")
		st, err = f.a.ConfirmKickoff(f.ctx, f.people["priya.raman"], f.id)
		if err != nil || st != domain.StageBriefing || f.stage(t) != domain.StageBriefing {
			t.Fatalf("firm confirms: %s %v (stored %s)", st, err, f.stage(t))
		}
		_, err = f.a.RecordKickoff(f.ctx, maria, f.id, KickoffInput{HeldAt: f.a.Now().Add(-time.Hour), Attendees: "x"})
		code(t, err, domain.EConflict, "re-record a confirmed kickoff")
		code(t, f.work(t, "priya.raman", domain.ActivityDeadline), "", "deadlines after the kickoff")
		var events int
		if err := f.a.Store.DB().QueryRow(`SELECT COUNT(*) FROM audit_events WHERE action = 'engagement.kickoff_confirm' AND object_id = $1`, f.id).Scan(&events); err != nil {
			t.Fatal(err)
		}
		if events != 2 {
			t.Errorf("%d kickoff confirmations audited, want 2", events)
		}
	})
}

// The team and the briefing gate: a lapsed NDA keeps a person off the team
// and from acknowledging; the lead leaves only naming a new lead; vendor
// members see only published versions and no strategy notes; documents
// wait for the member's acknowledgement of the current version, and a new
// version asks for it again; the last acknowledgement the gate waited on —
// here, the lapsed member leaving — moves the engagement to the SOW.
func TestBriefingGate(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newCommFixture(t, e)
		priya, maria, jose := f.people["priya.raman"], f.people["maria.santos"], f.people["jose.reyes"]
		in := vendorPlan
		in.Contacts = []int64{maria.ID}
		if _, err := f.a.UpdateCommunicationPlan(f.ctx, maria, f.id, in); err != nil {
			t.Fatal(err)
		}
		for _, u := range []domain.User{priya, maria} {
			if _, err := f.a.ConfirmKickoff(f.ctx, u, f.id); err != nil {
				t.Fatalf("%s confirms: %v", u.Name, err)
			}
		}
		if f.stage(t) != domain.StageBriefing {
			t.Fatalf("stage %s", f.stage(t))
		}
		err := f.work(t, "maria.santos", domain.ActivityDocument)
		code(t, err, domain.EGateClosed, "documents before any briefing")

		// Writing it is the firm's.
		s := domain.BriefingSections{JurisdictionRules: "Illinois law governs the loan agreements.", ClientGuidelines: "Greenfield's outside counsel guidelines v3.",
			PrivilegeHandling: "Flag anything from counsel; do not summarise it.", StrategyFit: "The abstracts support the response to the NCUA exam findings.",
			Confidentiality: "Member data never leaves the review platform."}
		_, err = f.a.SaveBriefingDraft(f.ctx, maria, f.id, s)
		code(t, err, domain.EForbidden, "the vendor writes the briefing")
		v, err := f.a.BriefingOf(f.ctx, priya, f.id)
		if err != nil || !strings.Contains(v.Draft.Sections.JurisdictionRules, "Illinois") {
			t.Fatalf("prefilled draft: %+v %v", v.Draft.Sections, err)
		}
		_, err = f.a.PublishBriefing(f.ctx, priya, f.id)
		code(t, err, domain.EConflict, "publish with no saved draft")
		empty := s
		empty.Confidentiality = ""
		if _, err := f.a.SaveBriefingDraft(f.ctx, priya, f.id, empty); err != nil {
			t.Fatal(err)
		}
		_, err = f.a.PublishBriefing(f.ctx, priya, f.id)
		if domain.ErrorField(err) != "confidentiality" {
			t.Fatalf("publish with an empty section: %v", err)
		}
		if _, err := f.a.SaveBriefingDraft(f.ctx, priya, f.id, s); err != nil {
			t.Fatal(err)
		}
		v1, err := f.a.PublishBriefing(f.ctx, priya, f.id)
		if err != nil || v1.Version != 1 || v1.SHA256 != domain.BriefingHash(f.id, 1, s) {
			t.Fatalf("published %+v %v", v1, err)
		}
		err = f.work(t, "maria.santos", domain.ActivityDocument)
		code(t, err, domain.EGateClosed, "documents before acknowledging")
		if m := domain.ErrorMessage(err); !strings.Contains(m, "version 1") || !strings.Contains(m, "Priya Raman") {
			t.Errorf("the gate does not name the version and its publisher: %q", m)
		}

		// Acknowledging.
		_, err = f.a.AcknowledgeBriefing(f.ctx, maria, f.id, "Jose Reyes")
		if domain.ErrorField(err) != "typed_name" {
			t.Fatalf("another's name: %v", err)
		}
		_, err = f.a.AcknowledgeBriefing(f.ctx, priya, f.id, "Priya Raman")
		code(t, err, domain.EForbidden, "the firm acknowledges")
		st, err := f.a.AcknowledgeBriefing(f.ctx, maria, f.id, "maria santos")
		if err != nil || st != domain.StageBriefing {
			t.Fatalf("Maria acknowledges: %s %v (Jose has not)", st, err)
		}
		code(t, f.work(t, "maria.santos", domain.ActivityDocument), "", "documents after acknowledging")
		_, err = f.a.AcknowledgeBriefing(f.ctx, jose, f.id, "Jose Reyes")
		code(t, err, domain.EGateClosed, "a lapsed NDA acknowledges")

		// The lead cannot leave without a new lead; Jose leaves and the gate opens.
		err = f.a.RemoveTeamMember(f.ctx, maria, f.id, maria.ID, 0)
		if domain.ErrorField(err) != "new_lead" {
			t.Fatalf("the lead leaves: %v", err)
		}
		if err := f.a.RemoveTeamMember(f.ctx, maria, f.id, jose.ID, 0); err != nil {
			t.Fatal(err)
		}
		if f.stage(t) != domain.StageSOW {
			t.Fatalf("after Jose left the stage is %s", f.stage(t))
		}
		before := f.auditCount(t)
		err = f.a.AddTeamMember(f.ctx, maria, f.id, jose.ID, "reviewer")
		code(t, err, domain.EGateClosed, "a lapsed NDA joins")
		err = f.a.AddTeamMember(f.ctx, priya, f.id, f.people["rohan.kulkarni"].ID, "reviewer")
		if domain.ErrorField(err) != "user" {
			t.Fatalf("another vendor's person joins: %v", err)
		}
		if f.auditCount(t) != before {
			t.Fatal("a refused join wrote an audit event")
		}

		// A new version: the vendor sees only the published one, never the
		// strategy notes, and must acknowledge again.
		s2 := s
		s2.LocalRules = "Use the NCUA's exam-response template."
		if _, err := f.a.SaveBriefingDraft(f.ctx, priya, f.id, s2); err != nil {
			t.Fatal(err)
		}
		mv, err := f.a.BriefingOf(f.ctx, maria, f.id)
		if err != nil || mv.Draft.ID != 0 || mv.StrategyNotes != "" || mv.Current.Version != 1 || mv.CanEdit {
			t.Fatalf("the vendor's view: draft %d, notes %q, current %d, edit %v, %v", mv.Draft.ID, mv.StrategyNotes, mv.Current.Version, mv.CanEdit, err)
		}
		if _, err := f.a.PublishBriefing(f.ctx, priya, f.id); err != nil {
			t.Fatal(err)
		}
		err = f.work(t, "maria.santos", domain.ActivityDocument)
		code(t, err, domain.EGateClosed, "documents before acknowledging version 2")
		if !strings.Contains(domain.ErrorMessage(err), "version 2") {
			t.Errorf("%q", domain.ErrorMessage(err))
		}
		if _, err := f.a.AcknowledgeBriefing(f.ctx, maria, f.id, "Maria Santos"); err != nil {
			t.Fatal(err)
		}
		code(t, f.work(t, "maria.santos", domain.ActivityDocument), "", "documents after acknowledging version 2")
		if f.stage(t) != domain.StageSOW {
			t.Errorf("a new version moved the stage to %s", f.stage(t))
		}
		fv, err := f.a.BriefingOf(f.ctx, priya, f.id)
		if err != nil || len(fv.Versions) != 2 || len(fv.History) != 2 || fv.History[1].Version != 2 || fv.History[1].SHA256 != fv.Current.SHA256 {
			t.Fatalf("history: %+v %v", fv.History, err)
		}
	})
}
