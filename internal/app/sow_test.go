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

const (
	swRohan = "rohan.kulkarni@lexora.example"
	swMeera = "meera.iyer@lexora.example"
	swJose  = "jose.reyes@bayanihan.example"
)

// sowFixture is the demo firm with its engagement at stage sow (Calloway,
// Lexora: Marcus supervises, Anika leads, Rohan reviews) and the active
// Calloway/Lexora engagement.
type sowFixture struct {
	a      *app.App
	people map[string]domain.User
	sowID  int64 // at stage sow, a draft approved by the firm only
	active int64 // Calloway/Lexora, active, version 2 in force
	ctx    context.Context
}

func newSOWFixture(tb testing.TB, e testenv.Engine) *sowFixture {
	tb.Helper()
	a, people, _ := demoApp(tb, e)
	f := &sowFixture{a: a, people: people, ctx: app.WithMeta(context.Background(), app.Meta{Address: "192.0.2.60", RequestID: "sow-test", MFA: true})}
	err := a.Store.Read(context.Background(), func(tx *store.Tx) error {
		list, err := tx.ListEngagements(context.Background(), store.Scope{All: true}, store.EngagementFilter{Page: store.Page{Limit: store.MaxPageSize}})
		for _, e := range list {
			if e.VendorID == people[emAnika].VendorID && e.Stage == domain.StageSOW {
				f.sowID = e.ID
			}
			if e.VendorID == people[emAnika].VendorID && e.Stage == domain.StageActive {
				f.active = e.ID
			}
		}
		return err
	})
	if err != nil || f.sowID == 0 || f.active == 0 {
		tb.Fatalf("demo engagements at sow/active for Lexora: %d %d %v", f.sowID, f.active, err)
	}
	return f
}

// rows counts what a refused request must leave unchanged.
func (f *sowFixture) rows(tb testing.TB) [6]int {
	tb.Helper()
	var n [6]int
	err := f.a.Store.DB().QueryRow(`SELECT (SELECT COUNT(*) FROM sow_versions), (SELECT COUNT(*) FROM sow_items), (SELECT COUNT(*) FROM time_entries),
		(SELECT COUNT(*) FROM deadlines), (SELECT COUNT(*) FROM audit_events), (SELECT COUNT(*) FROM sow_versions WHERE firm_approved_at <> 0 OR vendor_approved_at <> 0)`).
		Scan(&n[0], &n[1], &n[2], &n[3], &n[4], &n[5])
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

func (f *sowFixture) engagement(tb testing.TB, id int64) domain.Engagement {
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

func goodItem() app.WorkItemInput {
	return app.WorkItemInput{Type: "drafting", Title: "Draft the motion to compel", Deliverable: "Draft motion and proposed order",
		Acceptance: "Cites the local rules; attorney sign-off", DueOn: "2026-04-10", Estimate: "40", EstimateUnit: "hours", BaselineHours: "30",
		BaselineRate: "240", Pricing: "hourly", Price: "2100", TaskCode: "L250", ActivityCode: "A103"}
}

// The statement of work is approved by both sides: the firm side drafts;
// a vendor professional, a non-supervising attorney and bad input are
// refused and change nothing; the vendor manager's estimate withdraws the
// firm's approval; both approvals freeze the version with its hash and move
// the engagement from sow to active, once; then changes go only through a
// change order, which becomes current once approved the same way.
func TestStatementOfWorkApproval(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newSOWFixture(t, e)
		marcus, priya, anika, rohan, admin := f.people[emMarcus], f.people[emPriya], f.people[emAnika], f.people[swRohan], f.people[emEleanor]
		v, err := f.a.SOWOf(f.ctx, marcus, f.sowID)
		if err != nil || v.Draft == nil || v.Current != nil || v.Draft.FirmApprovedBy != marcus.ID || v.Draft.VendorApprovedBy != 0 || v.Closed != "" {
			t.Fatalf("demo draft: %+v %v", v.Draft, err)
		}
		draft := *v.Draft
		before := f.rows(t)
		_, err = f.a.AddTimeEntry(f.ctx, rohan, f.sowID, app.TimeEntryInput{WorkItemID: draft.Items[0].ID, Date: "2026-03-17", Hours: "1", Narrative: "early"})
		wantCode(t, err, domain.EGateClosed, "time before the SOW is approved")
		_, err = f.a.AddWorkItem(f.ctx, rohan, f.sowID, goodItem())
		wantCode(t, err, domain.EForbidden, "a vendor professional drafting")
		_, err = f.a.AddWorkItem(f.ctx, anika, f.sowID, goodItem())
		wantCode(t, err, domain.EForbidden, "the vendor manager drafting")
		bad := goodItem()
		bad.TaskCode = "L999"
		_, err = f.a.AddWorkItem(f.ctx, marcus, f.sowID, bad)
		if domain.ErrorField(err) != "task_code" {
			t.Fatalf("unknown task code: %v", err)
		}
		bad = goodItem()
		bad.DueOn = "2026-03-16"
		_, err = f.a.AddWorkItem(f.ctx, marcus, f.sowID, bad)
		if domain.ErrorField(err) != "due_on" {
			t.Fatalf("due date before today: %v", err)
		}
		bad = goodItem()
		bad.Price = "21.005"
		_, err = f.a.AddWorkItem(f.ctx, marcus, f.sowID, bad)
		if domain.ErrorField(err) != "price" {
			t.Fatalf("a price with too many decimals: %v", err)
		}
		_, err = f.a.ApproveSOW(f.ctx, priya, f.sowID, draft.ID, 0)
		wantCode(t, err, domain.EForbidden, "an attorney who does not supervise approving")
		_, err = f.a.ApproveSOW(f.ctx, rohan, f.sowID, draft.ID, 0)
		wantCode(t, err, domain.EForbidden, "a vendor professional approving")
		if f.rows(t) != before || f.engagement(t, f.sowID).Stage != domain.StageSOW {
			t.Fatalf("refused requests changed something")
		}

		// The firm adds an item: the firm's approval of the earlier draft is withdrawn.
		w, err := f.a.AddWorkItem(f.ctx, marcus, f.sowID, goodItem())
		if err != nil || w.Price != domain.NewMoney(210000, "INR") || w.BaselineRate != domain.NewMoney(24000, "USD") {
			t.Fatalf("add item: %+v %v", w, err)
		}
		v, _ = f.a.SOWOf(f.ctx, anika, f.sowID)
		if v.Draft.FirmApprovedBy != 0 || len(v.Draft.Items) != 2 || v.Draft.Revision != draft.Revision+1 || !v.CanApproveVendor || !v.CanEstimate {
			t.Fatalf("after a change the approval stands: %+v", v.Draft)
		}
		// Marcus approves; then the vendor proposes an estimate: withdrawn again.
		if _, err := f.a.ApproveSOW(f.ctx, marcus, f.sowID, draft.ID, 0); err != nil {
			t.Fatal(err)
		}
		stale := v.Draft.Revision
		if _, err := f.a.ProposeEstimate(f.ctx, anika, f.sowID, w.ID, app.EstimateInput{Estimate: "36", Price: "2000"}); err != nil {
			t.Fatal(err)
		}
		v, _ = f.a.SOWOf(f.ctx, anika, f.sowID)
		if v.Draft.FirmApprovedBy != 0 || v.Draft.Items[1].Estimate != 360 || v.Draft.Items[1].Price.Minor != 200000 {
			t.Fatalf("the vendor's estimate did not withdraw the firm's approval: %+v", v.Draft)
		}
		// Approving a revision that is no longer the draft is refused.
		_, err = f.a.ApproveSOW(f.ctx, marcus, f.sowID, draft.ID, stale)
		wantCode(t, err, domain.EConflict, "approving a stale revision")

		out, err := f.a.ApproveSOW(f.ctx, anika, f.sowID, draft.ID, 0)
		if err != nil || out.Frozen || out.Activated {
			t.Fatalf("one side: %+v %v", out, err)
		}
		out, err = f.a.ApproveSOW(f.ctx, admin, f.sowID, draft.ID, 0) // a firm administrator may approve for the firm
		if err != nil || !out.Frozen || !out.Activated || out.Version.SHA256 != out.Version.Hash() || out.Version.ApprovedOn != "2026-03-17" {
			t.Fatalf("both sides: %+v %v", out, err)
		}
		if got := f.engagement(t, f.sowID).Stage; got != domain.StageActive {
			t.Fatalf("stage after approval: %s", got)
		}
		var items []domain.WorkItem
		f.a.Store.Read(context.Background(), func(tx *store.Tx) (err error) {
			items, err = tx.WorkItems(context.Background(), f.sowID)
			return err
		})
		if len(items) != 2 || items[1].ID != w.ID {
			t.Fatalf("WorkItems of the approved version: %+v", items)
		}
		_, err = f.a.AddWorkItem(f.ctx, marcus, f.sowID, goodItem())
		wantCode(t, err, domain.EConflict, "changing an approved statement")

		// A change order: a reason is required; it copies the items; the
		// approved version stays current until the change order is approved.
		_, err = f.a.ProposeChangeOrder(f.ctx, marcus, f.sowID, "  ")
		if domain.ErrorField(err) != "reason" {
			t.Fatalf("a change order without a reason: %v", err)
		}
		co, err := f.a.ProposeChangeOrder(f.ctx, marcus, f.sowID, "The court extended discovery; add a reply brief")
		if err != nil || co.Version != 2 || len(co.Items) != 2 {
			t.Fatalf("change order: %+v %v", co, err)
		}
		_, err = f.a.ProposeChangeOrder(f.ctx, marcus, f.sowID, "again")
		wantCode(t, err, domain.EConflict, "a second draft")
		reply := goodItem()
		reply.Title, reply.TaskCode = "Draft the reply brief", "L250"
		if _, err := f.a.AddWorkItem(f.ctx, marcus, f.sowID, reply); err != nil {
			t.Fatal(err)
		}
		f.a.Store.Read(context.Background(), func(tx *store.Tx) (err error) {
			items, err = tx.WorkItems(context.Background(), f.sowID)
			return err
		})
		if len(items) != 2 {
			t.Fatalf("a draft change order is already in force: %d items", len(items))
		}
		for _, u := range []domain.User{marcus, anika} {
			if _, err := f.a.ApproveSOW(f.ctx, u, f.sowID, co.ID, 0); err != nil {
				t.Fatal(err)
			}
		}
		v, _ = f.a.SOWOf(f.ctx, marcus, f.sowID)
		if v.Current == nil || v.Current.Version != 2 || len(v.Current.Items) != 3 || v.Draft != nil || f.engagement(t, f.sowID).Stage != domain.StageActive {
			t.Fatalf("after the change order: %+v", v.Current)
		}
		tot := v.Totals[v.Current.ID]
		if tot.SavingKnown || len(tot.VendorCost) != 1 || tot.VendorCost[0].Currency != "INR" || tot.BaselineCost[0].Currency != "USD" {
			t.Errorf("totals in two currencies: %+v", tot)
		}
		var audits int
		f.a.Store.DB().QueryRow(`SELECT COUNT(*) FROM audit_events WHERE action IN ('sow.in_force','sow.change_order','engagement.stage') AND object_id IN ($1, $2, $3)`,
			f.sowID, draft.ID, co.ID).Scan(&audits)
		if audits != 4 {
			t.Errorf("audit events for freezing, the change order and the stage: %d", audits)
		}
	})
}

// Time entries keep their bounds, and a bad one writes nothing: not in the
// future, not before the statement was approved, more than 0, at most 24
// hours a day across all of a person's engagements, known codes (defaults
// from the work item) and a narrative. The vendor manager approves or
// returns submitted time, never their own.
func TestTimeEntryBounds(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newSOWFixture(t, e)
		marcus, anika, rohan, meera := f.people[emMarcus], f.people[emAnika], f.people[swRohan], f.people[swMeera]
		// Approve the demo draft (approved on 2026-03-17, "today").
		v, _ := f.a.SOWOf(f.ctx, anika, f.sowID)
		if _, err := f.a.ApproveSOW(f.ctx, anika, f.sowID, v.Draft.ID, 0); err != nil {
			t.Fatal(err)
		}
		item := v.Draft.Items[0].ID
		var activeItems []domain.WorkItem
		f.a.Store.Read(context.Background(), func(tx *store.Tx) (err error) {
			activeItems, err = tx.WorkItems(context.Background(), f.active)
			return err
		})
		ok := app.TimeEntryInput{WorkItemID: item, Date: "2026-03-17", Hours: "8", Narrative: "Drafted the motion's statement of facts"}
		before := f.rows(t)
		for name, c := range map[string]struct {
			mod   func(*app.TimeEntryInput)
			field string
		}{
			"future":          {func(in *app.TimeEntryInput) { in.Date = "2026-03-18" }, "date"},
			"before approval": {func(in *app.TimeEntryInput) { in.Date = "2026-03-16" }, "date"},
			"zero hours":      {func(in *app.TimeEntryInput) { in.Hours = "0" }, "hours"},
			"hundredths":      {func(in *app.TimeEntryInput) { in.Hours = "1.25" }, "hours"},
			"unknown code":    {func(in *app.TimeEntryInput) { in.TaskCode = "L999" }, "task_code"},
			"unknown act":     {func(in *app.TimeEntryInput) { in.ActivityCode = "A200" }, "activity_code"},
			"no narrative":    {func(in *app.TimeEntryInput) { in.Narrative = " " }, "narrative"},
			"other item":      {func(in *app.TimeEntryInput) { in.WorkItemID = activeItems[0].ID }, "item"},
		} {
			in := ok
			c.mod(&in)
			_, err := f.a.AddTimeEntry(f.ctx, rohan, f.sowID, in)
			if domain.ErrorField(err) != c.field {
				t.Errorf("%s: %v", name, err)
			}
		}
		_, err := f.a.AddTimeEntry(f.ctx, marcus, f.sowID, ok)
		wantCode(t, err, domain.EForbidden, "an attorney recording vendor time")
		if f.rows(t) != before {
			t.Fatalf("refused entries wrote")
		}
		// Codes default from the work item.
		te, err := f.a.AddTimeEntry(f.ctx, rohan, f.sowID, ok)
		if err != nil || te.TaskCode != v.Draft.Items[0].TaskCode || te.ActivityCode != v.Draft.Items[0].ActivityCode || te.State != domain.TimeDraft {
			t.Fatalf("entry: %+v %v", te, err)
		}
		// 24 hours a day across engagements: 8 here + 16 on the active one is the most.
		on2 := app.TimeEntryInput{WorkItemID: activeItems[0].ID, Date: "2026-03-17", Hours: "16.1", Narrative: "Review batch 15", Submit: true}
		_, err = f.a.AddTimeEntry(f.ctx, rohan, f.active, on2)
		if domain.ErrorField(err) != "hours" || !strings.Contains(domain.ErrorMessage(err), "24 hours") {
			t.Fatalf("over 24 hours across engagements: %v", err)
		}
		on2.Hours = "16"
		te2, err := f.a.AddTimeEntry(f.ctx, rohan, f.active, on2)
		if err != nil || te2.State != domain.TimeSubmitted {
			t.Fatalf("exactly 24 hours: %+v %v", te2, err)
		}
		// Meera's day is her own.
		if _, err := f.a.AddTimeEntry(f.ctx, meera, f.active, app.TimeEntryInput{WorkItemID: activeItems[0].ID, Date: "2026-03-17", Hours: "2",
			Narrative: "QC", Submit: true}); err != nil {
			t.Fatal(err)
		}

		// Decisions: only the vendor manager, not on a draft, a return needs a reason.
		err = f.a.DecideTimeEntry(f.ctx, meera, f.active, te2.ID, true, "")
		wantCode(t, err, domain.EForbidden, "a reviewer approving")
		err = f.a.DecideTimeEntry(f.ctx, anika, f.sowID, te.ID, true, "")
		wantCode(t, err, domain.EConflict, "approving a draft")
		err = f.a.DecideTimeEntry(f.ctx, anika, f.active, te2.ID, false, " ")
		if domain.ErrorField(err) != "reason" {
			t.Fatalf("a return without a reason: %v", err)
		}
		if err := f.a.DecideTimeEntry(f.ctx, anika, f.active, te2.ID, false, "Split review and QC time"); err != nil {
			t.Fatal(err)
		}
		err = f.a.SubmitTimeEntry(f.ctx, meera, f.active, te2.ID)
		wantCode(t, err, domain.EForbidden, "submitting someone else's time")
		corr := on2
		corr.Hours = "12"
		if _, err := f.a.CorrectTimeEntry(f.ctx, rohan, f.active, te2.ID, corr); err != nil {
			t.Fatal(err)
		}
		if err := f.a.DecideTimeEntry(f.ctx, anika, f.active, te2.ID, true, ""); err != nil {
			t.Fatal(err)
		}
		if err := f.a.SubmitTimeEntry(f.ctx, rohan, f.sowID, te.ID); err != nil {
			t.Fatal(err)
		}
		// The vendor manager's own time goes to another manager.
		own, err := f.a.AddTimeEntry(f.ctx, anika, f.active, app.TimeEntryInput{WorkItemID: activeItems[0].ID, Date: "2026-03-17", Hours: "1",
			Narrative: "Batch planning", Submit: true})
		if err != nil {
			t.Fatal(err)
		}
		err = f.a.DecideTimeEntry(f.ctx, anika, f.active, own.ID, true, "")
		wantCode(t, err, domain.EForbidden, "approving one's own time")

		w, err := f.a.WorkOf(f.ctx, rohan, f.active)
		if err != nil || w.DayTotal(rohan.ID, "2026-03-17") != 200 || !w.CanRecordTime || w.CanDecideTime {
			t.Fatalf("work view: total %s, %+v %v", w.DayTotal(rohan.ID, "2026-03-17"), w.CanRecordTime, err)
		}
		for _, x := range w.Entries {
			if x.UserID != rohan.ID {
				t.Fatalf("a reviewer sees another's time: %+v", x)
			}
		}
	})
}

// Deadlines: from the briefing stage, not before today (in the person's
// zone), owned by someone on the engagement; overdue flags from today;
// work items' due dates appear; marking done is audited.
func TestDeadlines(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newSOWFixture(t, e)
		marcus, anika, rohan, helen, priya := f.people[emMarcus], f.people[emAnika], f.people[swRohan], f.people[emHelen], f.people[emPriya]
		before := f.rows(t)
		_, err := f.a.AddDeadline(f.ctx, marcus, f.active, app.DeadlineInput{Title: "Log", DueOn: "2026-03-16", OwnerID: anika.ID})
		if domain.ErrorField(err) != "due_on" {
			t.Fatalf("a deadline before today: %v", err)
		}
		_, err = f.a.AddDeadline(f.ctx, marcus, f.active, app.DeadlineInput{Title: "Log", DueOn: "2026-03-20", OwnerID: helen.ID})
		if domain.ErrorField(err) != "owner" {
			t.Fatalf("an owner off the engagement: %v", err)
		}
		_, err = f.a.AddDeadline(f.ctx, rohan, f.active, app.DeadlineInput{Title: "Log", DueOn: "2026-03-20", OwnerID: rohan.ID})
		wantCode(t, err, domain.EForbidden, "a reviewer setting deadlines")
		_, err = f.a.AddDeadline(f.ctx, helen, f.active, app.DeadlineInput{Title: "Log", DueOn: "2026-03-20", OwnerID: anika.ID})
		if err == nil {
			t.Fatalf("a client set a deadline")
		}
		if f.rows(t) != before {
			t.Fatalf("refused deadlines wrote")
		}
		d, err := f.a.AddDeadline(f.ctx, anika, f.active, app.DeadlineInput{Title: "Batch 16 coded", DueOn: "2026-03-17", OwnerID: rohan.ID})
		if err != nil || d.OwnerName != "Rohan Kulkarni" {
			t.Fatalf("add: %+v %v", d, err)
		}
		w, err := f.a.WorkOf(f.ctx, marcus, f.active)
		if err != nil {
			t.Fatal(err)
		}
		var overdue, today, items int
		for _, x := range w.Deadlines {
			if x.Overdue(w.Today) {
				overdue++
			}
			if x.DueToday(w.Today) {
				today++
			}
			if x.FromWorkItem {
				items++
			}
		}
		if overdue != 1 || today != 1 || items == 0 {
			t.Errorf("flags: %d overdue, %d today, %d work items among %d", overdue, today, items, len(w.Deadlines))
		}
		if err := f.a.SetDeadlineDone(f.ctx, rohan, f.active, d.ID, true); err != nil {
			t.Fatal(err)
		}
		err = f.a.SetDeadlineDone(f.ctx, priya, f.active, d.ID, false)
		if err != nil { // an attorney on the firm side may reopen
			t.Fatal(err)
		}
		// At stage sow (before active) deadlines are open; before the briefing they are not.
		if _, err := f.a.AddDeadline(f.ctx, marcus, f.sowID, app.DeadlineInput{Title: "SOW signed", DueOn: "2026-03-19", OwnerID: anika.ID}); err != nil {
			t.Fatal(err)
		}
	})
}
