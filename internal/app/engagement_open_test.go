package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// gatesFixture is the demo firm with a vendor for each way the opening
// gates can refuse, and one they accept.
type gatesFixture struct {
	a       *app.App
	people  map[string]domain.User
	matters map[string]int64
	vendors map[string]domain.Vendor // by key
	ctx     context.Context          // a session that passed a second factor
}

const (
	emMarcus  = "marcus.oyelaran@hartwellcrane.example"
	emPriya   = "priya.raman@hartwellcrane.example"
	emDaniel  = "daniel.brooks@hartwellcrane.example"
	emEleanor = "eleanor.hartwell@hartwellcrane.example"
	emAnika   = "anika.deshmukh@lexora.example"
	emHelen   = "helen.calloway@callowayfreight.example"
	greenNo   = "2026-0203" // standard
	callNo    = "2026-0142" // confidential
	ardentNo  = "2026-0177" // highly confidential
	harborNo  = "2025-0311" // closed
)

func newGatesFixture(tb testing.TB, e testenv.Engine) *gatesFixture {
	tb.Helper()
	a, people, matters := demoApp(tb, e)
	f := &gatesFixture{a: a, people: people, matters: matters, vendors: map[string]domain.Vendor{},
		ctx: app.WithMeta(context.Background(), app.Meta{Address: "192.0.2.44", RequestID: "gates-test", MFA: true})}
	today := domain.DateOf(t0)
	day := func(n int) domain.Date { return domain.DateOf(t0.AddDate(0, 0, n)) }
	for key, v := range map[string]domain.Vendor{
		"pending":   {Name: "Pending Review Co", Diligence: domain.DiligencePending},
		"rejected":  {Name: "Rejected Review Co", Diligence: domain.DiligenceRejected, ApprovedUntil: day(100)},
		"expired":   {Name: "Lapsed Review Co", Diligence: domain.DiligenceApproved, ApprovedUntil: day(-1)},
		"lastday":   {Name: "Lastday Review Co", Diligence: domain.DiligenceApproved, ApprovedUntil: today},
		"uncert":    {Name: "Uncertified Review Co", Diligence: domain.DiligenceApproved, ApprovedUntil: day(100)},
		"conflict":  {Name: "Conflicted Review Co", Diligence: domain.DiligenceApproved, ApprovedUntil: day(100)},
		"good":      {Name: "Good Review Co", Diligence: domain.DiligenceConditional, ApprovedUntil: day(100)},
		"subcontra": {Name: "Fourth Party Review Co", Diligence: domain.DiligenceApproved, ApprovedUntil: day(100)},
	} {
		v.Country, v.Currency = "US", "USD"
		f.vendors[key] = f.addVendor(tb, v)
	}
	// The conflicted vendor works for the Greenfield matter's client.
	err := a.Store.Write(context.Background(), func(tx *store.Tx) error {
		d := domain.Disclosure{VendorID: f.vendors["conflict"].ID, Name: "Greenfield Municipal Credit Union", Kind: domain.DisclosureClient,
			Details: "Loan servicing review, 2025", CreatedBy: people[emEleanor].ID}
		if err := d.Validate(); err != nil {
			return err
		}
		return tx.AddDisclosure(context.Background(), &d, t0)
	})
	if err != nil {
		tb.Fatal(err)
	}
	// These tests are about the vendor gates: the firm here does not require
	// the client's consent. consent_test.go tests that gate with it required.
	if err := a.SetConsentRequired(context.Background(), people[emEleanor], false); err != nil {
		tb.Fatal(err)
	}
	return f
}

func (f *gatesFixture) addVendor(tb testing.TB, v domain.Vendor) domain.Vendor {
	tb.Helper()
	if err := v.Validate(); err != nil {
		tb.Fatal(err)
	}
	if err := f.a.Store.Write(context.Background(), func(tx *store.Tx) error { return tx.CreateVendor(context.Background(), &v, t0) }); err != nil {
		tb.Fatal(err)
	}
	return v
}

func (f *gatesFixture) proposal(matter, vendor string) app.EngagementProposal {
	return app.EngagementProposal{MatterID: f.matters[matter], VendorID: f.vendors[vendor].ID, Service: domain.ServiceDocumentReview,
		Description: "First-level review", SupervisorID: f.people[emMarcus].ID, BillingMode: domain.BillingDisbursement,
		EstimatedCost: domain.NewMoney(120000, "USD"), InHouseEstimate: domain.NewMoney(480000, "USD")}
}

// state is what a refused request must leave unchanged.
type state struct{ engagements, opened, members, audit, hits int }

func (f *gatesFixture) state(tb testing.TB) state {
	tb.Helper()
	var s state
	err := f.a.Store.DB().QueryRow(`SELECT (SELECT COUNT(*) FROM engagements), (SELECT COUNT(*) FROM engagements WHERE stage <> 'proposed'),
		(SELECT COUNT(*) FROM engagement_members), (SELECT COUNT(*) FROM audit_events), (SELECT COUNT(*) FROM conflict_hits)`).
		Scan(&s.engagements, &s.opened, &s.members, &s.audit, &s.hits)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

func gate(gs []domain.Gate, key string) domain.Gate {
	for _, g := range gs {
		if g.Key == key {
			return g
		}
	}
	return domain.Gate{}
}

func (f *gatesFixture) stage(tb testing.TB, id int64) domain.Engagement {
	tb.Helper()
	var e domain.Engagement
	if err := f.a.Store.Read(context.Background(), func(tx *store.Tx) (err error) {
		e, err = tx.Engagement(context.Background(), store.Scope{All: true}, id)
		return err
	}); err != nil {
		tb.Fatal(err)
	}
	return e
}

// Every way the gates refuse: the proposal is recorded (and audited), but
// opening it is refused naming the gate, and the refusal writes nothing.
// A vendor that meets every gate opens, audited, once.
func TestOpeningGatesDecideOpening(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newGatesFixture(t, e)
		marcus := f.people[emMarcus]
		for _, c := range []struct {
			vendor, matter, gate, says string
		}{
			{"pending", greenNo, domain.GateApproved, "has not been approved yet"},
			{"rejected", greenNo, domain.GateApproved, "rejected Rejected Review Co"},
			{"expired", greenNo, domain.GateCurrent, "expired on " + string(domain.DateOf(t0.AddDate(0, 0, -1)))},
			{"uncert", ardentNo, domain.GateSensitivity, "This matter is highly confidential: the firm requires SOC 2 Type II or ISO 27001 evidence, and Uncertified Review Co's assessment has none"},
			{"uncert", callNo, domain.GateSensitivity, "This matter is confidential: the firm requires multi-factor authentication"},
			{"conflict", greenNo, domain.GateConflicts, "conflict hits wait for an attorney's resolution"},
		} {
			t.Run(c.vendor+" on "+c.matter, func(t *testing.T) {
				check, err := f.a.OpeningCheck(f.ctx, marcus, f.matters[c.matter], f.vendors[c.vendor].ID)
				if err != nil {
					t.Fatal(err)
				}
				if g := gate(check.Gates, c.gate); g.Met || !strings.Contains(g.Why, c.says) || check.Met() {
					t.Fatalf("check: gate %s = %+v, want unmet saying %q", c.gate, g, c.says)
				}
				before := f.state(t)
				p, err := f.a.ProposeEngagement(f.ctx, marcus, f.proposal(c.matter, c.vendor))
				if err != nil {
					t.Fatalf("propose: %v", err)
				}
				after := f.state(t)
				if p.Engagement.Stage != domain.StageProposed || p.Check.Met() || gate(p.Check.Gates, c.gate).Met {
					t.Fatalf("proposal %+v with gates %+v", p.Engagement, p.Check.Gates)
				}
				if after.engagements != before.engagements+1 || after.opened != before.opened || after.members != before.members+1 {
					t.Fatalf("propose wrote %+v → %+v, want one proposal with its supervisor", before, after)
				}
				if got := auditCount(t, f.a, "engagement.propose", f.matters[c.matter]); got == 0 {
					t.Errorf("the proposal is not in the matter's audit trail")
				}

				before = f.state(t)
				_, refused, err := f.a.OpenEngagement(f.ctx, marcus, p.Engagement.ID)
				wantCode(t, err, domain.EGateClosed, "open")
				name := gate(refused.Gates, c.gate).Name
				if name == "" || !strings.Contains(domain.ErrorMessage(err), name+": ") || !strings.Contains(domain.ErrorMessage(err), c.says) {
					t.Errorf("refusal %q does not name the %s gate (%q)", domain.ErrorMessage(err), c.gate, name)
				}
				if after := f.state(t); after != before {
					t.Errorf("a refused opening wrote: %+v → %+v", before, after)
				}
				if got := f.stage(t, p.Engagement.ID); got.Stage != domain.StageProposed || got.OpenedOn != "" {
					t.Errorf("after the refusal the engagement is %s, opened %q", got.Stage, got.OpenedOn)
				}
			})
		}

		t.Run("every gate met: it opens, once", func(t *testing.T) {
			for _, vendor := range []string{"good", "lastday"} { // lastday: an approval ending today is current
				p, err := f.a.ProposeEngagement(f.ctx, marcus, f.proposal(greenNo, vendor))
				if err != nil || !p.Check.Met() {
					t.Fatalf("propose %s: %v, gates %+v", vendor, err, p.Check.Gates)
				}
				opens := auditCount(t, f.a, "engagement.open", f.matters[greenNo])
				got, c, err := f.a.OpenEngagement(f.ctx, marcus, p.Engagement.ID)
				if err != nil || !c.Met() {
					t.Fatalf("open %s: %v", vendor, err)
				}
				if got.Stage != domain.StageCommunication || got.OpenedOn != domain.DateOf(t0) {
					t.Errorf("opened: stage %s on %q", got.Stage, got.OpenedOn)
				}
				if stored := f.stage(t, p.Engagement.ID); stored.Stage != domain.StageCommunication || stored.OpenedOn != domain.DateOf(t0) {
					t.Errorf("stored: stage %s on %q", stored.Stage, stored.OpenedOn)
				}
				if auditCount(t, f.a, "engagement.open", f.matters[greenNo]) != opens+1 {
					t.Errorf("opening %s is not audited once", vendor)
				}
				before := f.state(t)
				_, _, err = f.a.OpenEngagement(f.ctx, marcus, p.Engagement.ID)
				wantCode(t, err, domain.EConflict, "open twice")
				if after := f.state(t); after != before {
					t.Errorf("opening twice wrote: %+v → %+v", before, after)
				}
			}
		})

		t.Run("an unapproved subcontractor blocks a highly confidential matter, and is named", func(t *testing.T) {
			v := f.vendors["subcontra"]
			err := f.a.Store.Write(context.Background(), func(tx *store.Tx) error {
				return tx.SyncSubcontractors(context.Background(), v.ID, []domain.Subcontractor{{Name: "Cebu Scan Ltd", Country: "PH", Work: "Scanning", Approval: domain.ApprovalPending}}, t0)
			})
			if err != nil {
				t.Fatal(err)
			}
			c, err := f.a.OpeningCheck(f.ctx, marcus, f.matters[ardentNo], v.ID)
			if err != nil {
				t.Fatal(err)
			}
			if g := gate(c.Gates, domain.GateSensitivity); g.Met || !strings.Contains(g.Why, "Cebu Scan Ltd") {
				t.Errorf("sensitivity gate %+v, want it to name Cebu Scan Ltd", g)
			}
		})
	})
}

// Who may propose and open, and on what: screens hold (not found), roles
// without the capability are refused, highly confidential matters need a
// second factor, the supervisor must be an attorney who can see the matter.
// Every refusal writes nothing.
func TestProposingIsAuthorised(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newGatesFixture(t, e)
		noMFA := context.Background()
		good := f.proposal(greenNo, "good")
		onArdent := f.proposal(ardentNo, "good")
		withSup := func(p app.EngagementProposal, email string) app.EngagementProposal {
			p.SupervisorID = f.people[email].ID
			return p
		}
		var bayArdent int64
		es, err := f.a.Engagements(f.ctx, app.Operator, store.EngagementFilter{MatterID: f.matters[ardentNo], Stage: domain.StageProposed})
		if err != nil || len(es) == 0 {
			t.Fatalf("the demo's proposal on Ardent: %v %v", es, err)
		}
		bayArdent = es[0].ID
		before := f.state(t)
		for _, c := range []struct {
			what  string
			ctx   context.Context
			actor string
			in    app.EngagementProposal
			code  string
			field string
		}{
			{"a screened attorney", f.ctx, emPriya, onArdent, domain.ENotFound, ""},
			{"staff", f.ctx, emDaniel, good, domain.EForbidden, ""},
			{"a vendor manager, on a matter she works on", f.ctx, emAnika, f.proposal(callNo, "good"), domain.EForbidden, ""},
			{"a vendor manager, on a matter she cannot see", f.ctx, emAnika, good, domain.ENotFound, ""},
			{"a client contact", f.ctx, emHelen, f.proposal(callNo, "good"), domain.EForbidden, ""},
			{"an attorney without a second factor, on a highly confidential matter", noMFA, emMarcus, onArdent, domain.EForbidden, ""},
			{"a closed matter", f.ctx, emMarcus, f.proposal(harborNo, "good"), domain.EConflict, ""},
			{"a supervisor screened from the matter", f.ctx, emMarcus, withSup(onArdent, emPriya), domain.EInvalid, "supervisor"},
			{"a supervisor who is not an attorney", f.ctx, emMarcus, withSup(good, emDaniel), domain.EInvalid, "supervisor"},
			{"a nonexistent matter", f.ctx, emMarcus, app.EngagementProposal{MatterID: 987654}, domain.ENotFound, ""},
		} {
			_, err := f.a.ProposeEngagement(c.ctx, f.people[c.actor], c.in)
			wantCode(t, err, c.code, c.what)
			if c.field != "" && domain.ErrorField(err) != c.field {
				t.Errorf("%s: field %q, want %q", c.what, domain.ErrorField(err), c.field)
			}
			if c.code != domain.EInvalid {
				_, err = f.a.OpeningCheck(c.ctx, f.people[c.actor], c.in.MatterID, c.in.VendorID)
				wantCode(t, err, c.code, c.what+" (opening check)")
			}
		}
		for _, c := range []struct {
			what, actor, code string
			ctx               context.Context
		}{
			{"a screened attorney opens", emPriya, domain.ENotFound, f.ctx},
			{"staff opens", emDaniel, domain.EForbidden, f.ctx},
			{"the vendor's own manager opens", "maria.santos@bayanihan.example", domain.EForbidden, f.ctx},
			{"without a second factor", emMarcus, domain.EForbidden, noMFA},
		} {
			_, _, err := f.a.OpenEngagement(c.ctx, f.people[c.actor], bayArdent)
			wantCode(t, err, c.code, c.what)
		}
		if after := f.state(t); after != before {
			t.Errorf("refused proposals wrote: %+v → %+v", before, after)
		}
		// The administrator may, and with a second factor an attorney.
		for _, who := range []string{emEleanor, emMarcus} {
			if _, err := f.a.ProposeEngagement(f.ctx, f.people[who], onArdent); err != nil {
				t.Errorf("%s proposing on Ardent: %v", who, err)
			}
		}
		// The supervisors offered on Ardent exclude Priya, who is screened.
		sups, err := f.a.SupervisorCandidates(f.ctx, f.people[emMarcus], f.matters[ardentNo])
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range sups {
			if u.ID == f.people[emPriya].ID || u.Role != domain.RoleAttorney {
				t.Errorf("supervisor candidate %s (%s) on Ardent", u.Name, u.Role)
			}
		}
		if len(sups) == 0 {
			t.Errorf("no supervisor candidates on Ardent")
		}
	})
}

// Bad input is refused naming the field, and writes nothing.
func TestProposalValidation(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newGatesFixture(t, e)
		marcus := f.people[emMarcus]
		before := f.state(t)
		for _, c := range []struct {
			field string
			edit  func(*app.EngagementProposal)
		}{
			{"service", func(p *app.EngagementProposal) { p.Service = "wizardry" }},
			{"description", func(p *app.EngagementProposal) { p.Description = "   " }},
			{"description", func(p *app.EngagementProposal) { p.Description = strings.Repeat("x", 2001) }},
			{"billing_mode", func(p *app.EngagementProposal) { p.BillingMode = "contingency" }},
			{"estimate", func(p *app.EngagementProposal) { p.EstimatedCost = domain.NewMoney(-1, "USD") }},
			{"estimate", func(p *app.EngagementProposal) { p.EstimatedCost = domain.NewMoney(100, "XYZ") }},
			{"inhouse_estimate", func(p *app.EngagementProposal) { p.InHouseEstimate = domain.NewMoney(100, "INR") }},
			{"supervisor", func(p *app.EngagementProposal) { p.SupervisorID = 0 }},
			{"supervisor", func(p *app.EngagementProposal) { p.SupervisorID = 987654 }},
			{"vendor", func(p *app.EngagementProposal) { p.VendorID = 987654 }},
			{"vendor", func(p *app.EngagementProposal) { p.VendorID = 0 }},
		} {
			p := f.proposal(greenNo, "good")
			c.edit(&p)
			_, err := f.a.ProposeEngagement(f.ctx, marcus, p)
			wantCode(t, err, domain.EInvalid, c.field)
			if domain.ErrorField(err) != c.field {
				t.Errorf("field %q, want %q (%v)", domain.ErrorField(err), c.field, err)
			}
		}
		if after := f.state(t); after != before {
			t.Errorf("invalid proposals wrote: %+v → %+v", before, after)
		}
	})
}

// The firm's vendor requirements: administrators change them (audited, with
// what changed), the gates follow at once, and bad rules change nothing.
func TestSensitivityRulesSetting(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newGatesFixture(t, e)
		admin, marcus := f.people[emEleanor], f.people[emMarcus]
		_, err := f.a.SensitivityRules(f.ctx, marcus)
		wantCode(t, err, domain.EForbidden, "an attorney reading the rules")
		wantCode(t, f.a.SetSensitivityRules(f.ctx, marcus, domain.DefaultSensitivityRules()), domain.EForbidden, "an attorney setting the rules")
		rules, err := f.a.SensitivityRules(f.ctx, admin)
		if err != nil || len(rules) != 3 || rules[2] != domain.DefaultSensitivityRules()[2] {
			t.Fatalf("the default rules: %+v %v", rules, err)
		}
		before := f.state(t)
		for _, bad := range [][]domain.SensitivityRule{
			domain.DefaultSensitivityRules()[:2],
			append(domain.DefaultSensitivityRules(), domain.SensitivityRule{Sensitivity: domain.SensitivityStandard}),
			{{Sensitivity: domain.SensitivityStandard, MinScore: 101}, rules[1], rules[2]},
			{{Sensitivity: "secret"}, rules[1], rules[2]},
		} {
			wantCode(t, f.a.SetSensitivityRules(f.ctx, admin, bad), domain.EInvalid, "bad rules")
		}
		if after := f.state(t); after != before {
			t.Errorf("refused rules wrote: %+v → %+v", before, after)
		}
		c, err := f.a.OpeningCheck(f.ctx, marcus, f.matters[greenNo], f.vendors["good"].ID)
		if err != nil || !c.Met() {
			t.Fatalf("before: %v %+v", err, c.Gates)
		}
		strict := domain.DefaultSensitivityRules()
		strict[0].RequireCertification, strict[0].MinScore = true, 60
		if err := f.a.SetSensitivityRules(f.ctx, admin, strict); err != nil {
			t.Fatal(err)
		}
		evs, err := f.a.AuditEvents(f.ctx, app.Operator, store.AuditFilter{Action: "settings.sensitivity_rules", Limit: 10})
		if err != nil || len(evs) != 1 || !strings.Contains(evs[0].Summary, "standard: SOC 2 / ISO 27001 evidence required (was not required), minimum score 60 (was 0)") ||
			evs[0].ActorID != admin.ID {
			t.Errorf("audit of the change: %+v %v", evs, err)
		}
		if got, _ := f.a.SensitivityRules(f.ctx, admin); got[0] != strict[0] {
			t.Errorf("stored %+v, want %+v", got[0], strict[0])
		}
		c, err = f.a.OpeningCheck(f.ctx, marcus, f.matters[greenNo], f.vendors["good"].ID)
		if g := gate(c.Gates, domain.GateSensitivity); err != nil || g.Met || !strings.Contains(g.Why, "This matter is standard") || !strings.Contains(g.Why, "at least 60") {
			t.Errorf("after: %v %+v", err, g)
		}
	})
}

// The demo's story as the gates tell it.
func TestDemoOpeningGates(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newGatesFixture(t, e)
		admin := f.people[emEleanor]
		find := func(matter, vendorPrefix string) store.EngagementSummary {
			es, err := f.a.Engagements(f.ctx, admin, store.EngagementFilter{MatterID: f.matters[matter], Page: store.Page{Limit: store.MaxPageSize}})
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range es {
				if strings.HasPrefix(x.VendorName, vendorPrefix) {
					return x
				}
			}
			t.Fatalf("no %s engagement on %s", vendorPrefix, matter)
			return store.EngagementSummary{}
		}
		bay := find(ardentNo, "Bayanihan")
		g, err := f.a.EngagementGatesOf(f.ctx, admin, bay.ID)
		if err != nil || !g.CanOpen {
			t.Fatalf("Bayanihan on Ardent: %v %+v", err, g)
		}
		if s := gate(g.Check.Gates, domain.GateSensitivity); s.Met || !strings.Contains(s.Why, "multi-factor authentication") {
			t.Errorf("Bayanihan on Ardent waits for MFA: %+v", s)
		}
		if !gate(g.Check.Gates, domain.GateApproved).Met || !gate(g.Check.Gates, domain.GateCurrent).Met {
			t.Errorf("Bayanihan is conditionally approved and current: %+v", g.Check.Gates)
		}
		mer := find(callNo, "Meridian")
		g, err = f.a.EngagementGatesOf(f.ctx, admin, mer.ID)
		if err != nil || gate(g.Check.Gates, domain.GateApproved).Met || gate(g.Check.Gates, domain.GateConflicts).Met {
			t.Errorf("Meridian on Calloway waits on its approval and a conflict hit: %v %+v", err, g.Check.Gates)
		}
		key := find(greenNo, "Keystone")
		if key.Stage != domain.StagePaused || key.PausedFrom != domain.StageActive || !strings.Contains(key.PausedReason, "approval expired") {
			t.Errorf("Keystone on Greenfield: %s from %s: %q", key.Stage, key.PausedFrom, key.PausedReason)
		}
		// Not a proposal, or not a firm user: no gates shown.
		if g, err := f.a.EngagementGatesOf(f.ctx, admin, key.ID); err != nil || len(g.Check.Gates) != 0 {
			t.Errorf("a paused engagement shows gates: %v %+v", err, g)
		}
		if g, err := f.a.EngagementGatesOf(f.ctx, f.people["oliver.bennett@meridiandiscovery.example"], mer.ID); err != nil || len(g.Check.Gates) != 0 || g.CanOpen {
			t.Errorf("the vendor sees its proposal's gates: %v %+v", err, g)
		}
		// Looking at the gates writes nothing.
		before := f.state(t)
		if _, err := f.a.EngagementGatesOf(f.ctx, admin, mer.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.OpeningCheck(f.ctx, admin, f.matters[greenNo], f.vendors["conflict"].ID); err != nil {
			t.Fatal(err)
		}
		if after := f.state(t); after != before {
			t.Errorf("looking at gates wrote: %+v → %+v", before, after)
		}
	})
}
