package app_test

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/server/servertest"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// callowayReview describes the demo's active Calloway/Lexora engagement.
const callowayReview = "First-level responsiveness and privilege review of 48,000 documents"

const (
	dvRohan = "rohan.kulkarni@lexora.example"
)

// delivFixture is the demo firm with a blob store, a clock the test moves,
// and the Calloway/Lexora engagement (active) with an approved statement
// of work of two items.
type delivFixture struct {
	a      *app.App
	people map[string]domain.User
	ctx    context.Context
	now    *time.Time
	eid    int64
	items  []domain.WorkItem
}

func newDelivFixture(tb testing.TB, e testenv.Engine) *delivFixture {
	tb.Helper()
	a, people, matters := demoApp(tb, e)
	a.Blobs = servertest.Blobs(tb)
	now := t0
	a.Now = func() time.Time { return now }
	f := &delivFixture{a: a, people: people, now: &now,
		ctx: app.WithMeta(context.Background(), app.Meta{Address: "192.0.2.44", RequestID: "deliverables-test", MFA: true})}
	bg := context.Background()
	err := a.Store.Write(bg, func(tx *store.Tx) error {
		es, err := tx.ListEngagements(bg, store.Scope{All: true}, store.EngagementFilter{MatterID: matters[callNo], Page: store.Page{Limit: 50}})
		if err != nil {
			return err
		}
		for _, x := range es {
			if x.Description == callowayReview {
				f.eid = x.ID
			}
		}
		if f.items, err = tx.WorkItems(bg, f.eid); err != nil {
			return err
		}
		if len(f.items) >= 2 {
			_, err := tx.ActivateEngagement(bg, f.eid) // false when already active
			return err
		}
		// No approved statement of work in the demo data: approve one here.
		item := func(title string, due domain.Date) domain.WorkItem {
			return domain.WorkItem{Service: domain.ServiceDocumentReview, Title: title, DueOn: due, Estimate: 100, EstimateUnit: "hours",
				BaselineRate: domain.NewMoney(30000, "USD"), Pricing: domain.PricingHourly, Price: domain.NewMoney(200000, "INR"),
				TaskCode: "L110", ActivityCode: "A104"}
		}
		v := domain.SOWVersion{EngagementID: f.eid, DraftedBy: people[emMarcus].ID, DraftedAt: t0.Add(-48 * time.Hour),
			Items: []domain.WorkItem{item("First-level review", domain.DateOf(t0.AddDate(0, 0, -2))), item("Privilege log", domain.DateOf(t0.AddDate(0, 0, 20)))}}
		if err := tx.CreateSOWVersion(bg, &v); err != nil {
			return err
		}
		if err := tx.ApproveSOWSide(bg, v.ID, true, v.Revision, people[emMarcus].ID, t0.Add(-47*time.Hour)); err != nil {
			return err
		}
		if err := tx.ApproveSOWSide(bg, v.ID, false, v.Revision, people[emAnika].ID, t0.Add(-46*time.Hour)); err != nil {
			return err
		}
		if err := tx.FreezeSOW(bg, v.ID, "test", t0.Add(-46*time.Hour), domain.DateOf(t0.AddDate(0, 0, -2))); err != nil {
			return err
		}
		if ok, err := tx.ActivateEngagement(bg, f.eid); err != nil || !ok {
			return fmt.Errorf("activate: %v %v", ok, err)
		}
		f.items, err = tx.WorkItems(bg, f.eid)
		return err
	})
	if err != nil || f.eid == 0 || len(f.items) < 2 {
		tb.Fatalf("fixture: engagement %d, %d items: %v", f.eid, len(f.items), err)
	}
	return f
}

func (f *delivFixture) advance(d time.Duration) { *f.now = f.now.Add(d) }

// rows counts what a refused request must leave unchanged.
func (f *delivFixture) rows(tb testing.TB) [7]int {
	tb.Helper()
	var n [7]int
	err := f.a.Store.DB().QueryRow(`SELECT (SELECT COUNT(*) FROM deliverables), (SELECT COUNT(*) FROM deliverable_versions),
		(SELECT COUNT(*) FROM deliverable_versions WHERE decision <> 'pending'), (SELECT COUNT(*) FROM deliverable_versions WHERE released_at <> 0),
		(SELECT COUNT(*) FROM documents), (SELECT COUNT(*) FROM audit_events), (SELECT COUNT(*) FROM engagements WHERE stage = 'closed')`).
		Scan(&n[0], &n[1], &n[2], &n[3], &n[4], &n[5], &n[6])
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

func textFile(name, body string) app.DeliverableUpload {
	return app.DeliverableUpload{Filename: name, Body: strings.NewReader(body)}
}

func (f *delivFixture) submit(tb testing.TB, who, title string) domain.Deliverable {
	tb.Helper()
	d, err := f.a.SubmitDeliverable(f.ctx, f.people[who], f.eid, domain.NewDeliverable{WorkItemID: f.items[0].ID, Title: title, Note: "vendor-internal note"},
		textFile("batch.txt", "privilege calls for batch 1\n"))
	if err != nil {
		tb.Fatalf("submit %q: %v", title, err)
	}
	return d
}

func readAll(tb testing.TB, ds app.DocumentStream) string {
	tb.Helper()
	defer ds.Body.Close()
	b, err := io.ReadAll(ds.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// Submission, review and release: only vendor users submit, on a work item
// of the approved statement of work; only the supervising attorney
// reviews (never another attorney, staff, a firm administrator, a vendor
// user); review time runs from the first opening to the decision; only an
// approved, current version is released; every refusal changes nothing;
// the client sees released work only, without the vendor's notes.
func TestDeliverableReviewAndRelease(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newDelivFixture(t, e)
		marcus, priya, daniel, admin := f.people[emMarcus], f.people[emPriya], f.people[emDaniel], f.people[emEleanor]
		rohan, anika, helen := f.people[dvRohan], f.people[emAnika], f.people[emHelen]
		queueBefore, err := f.a.ReviewQueue(f.ctx, marcus)
		if err != nil {
			t.Fatal(err)
		}

		// Bad submissions store nothing.
		before := f.rows(t)
		for _, c := range []struct {
			who   domain.User
			in    domain.NewDeliverable
			up    app.DeliverableUpload
			code  string
			field string
		}{
			{marcus, domain.NewDeliverable{WorkItemID: f.items[0].ID, Title: "X"}, textFile("a.txt", "x"), domain.EForbidden, ""},
			{helen, domain.NewDeliverable{WorkItemID: f.items[0].ID, Title: "X"}, textFile("a.txt", "x"), domain.EForbidden, ""},
			{rohan, domain.NewDeliverable{WorkItemID: f.items[0].ID, Title: " "}, textFile("a.txt", "x"), domain.EInvalid, "title"},
			{rohan, domain.NewDeliverable{WorkItemID: 999999, Title: "X"}, textFile("a.txt", "x"), domain.EInvalid, "item"},
			{rohan, domain.NewDeliverable{WorkItemID: f.items[0].ID, Title: "X"}, textFile("a.txt", ""), domain.EInvalid, "file"},
			{rohan, domain.NewDeliverable{WorkItemID: f.items[0].ID, Title: "X"}, textFile("a.exe", "MZ"), domain.EInvalid, "file"},
			{rohan, domain.NewDeliverable{WorkItemID: f.items[0].ID, Title: "X"}, textFile("a.pdf", "not a pdf"), domain.EInvalid, "file"},
		} {
			_, err := f.a.SubmitDeliverable(f.ctx, c.who, f.eid, c.in, c.up)
			wantCode(t, err, c.code, c.who.Name+" submitting "+c.in.Title)
			if c.field != "" && domain.ErrorField(err) != c.field {
				t.Errorf("%v: field %q, want %q", err, domain.ErrorField(err), c.field)
			}
		}
		if f.rows(t) != before {
			t.Fatalf("refused submissions changed something: %v -> %v", before, f.rows(t))
		}

		d := f.submit(t, dvRohan, "Privilege calls, batch 1")
		v1 := d.Versions[0]
		if v1.Version != 1 || v1.Decision != domain.ReviewPending || d.WorkItemTitle != f.items[0].Title {
			t.Fatalf("submitted: %+v", d)
		}
		q, err := f.a.ReviewQueue(f.ctx, marcus)
		past := f.items[0].DueOn.Before(domain.DateOf(t0))
		if err != nil || len(q) != len(queueBefore)+1 || q[len(q)-1].ID != v1.ID || q[len(q)-1].DueOn != f.items[0].DueOn ||
			q[len(q)-1].PastDue != past || q[len(q)-1].Overdue != past || q[len(q)-1].AgeDays != 0 {
			t.Fatalf("queue after submission: %+v %v", q, err)
		}
		for _, u := range []domain.User{rohan, anika, helen, daniel} {
			_, err := f.a.ReviewQueue(f.ctx, u)
			wantCode(t, err, domain.EForbidden, u.Name+" reading a review queue")
		}

		// Only the supervising attorney reviews; refusals change nothing.
		before = f.rows(t)
		approve := domain.ReviewInput{Decision: domain.ReviewApproved}
		for _, c := range []struct {
			who  domain.User
			code string
		}{{priya, domain.EForbidden}, {daniel, domain.EForbidden}, {admin, domain.EForbidden}, {rohan, domain.EForbidden}, {anika, domain.EForbidden}, {helen, domain.EForbidden}} {
			_, err := f.a.ReviewDeliverable(f.ctx, c.who, f.eid, v1.ID, approve)
			wantCode(t, err, c.code, c.who.Name+" reviewing")
		}
		_, err = f.a.ReviewDeliverable(f.ctx, marcus, f.eid, v1.ID, domain.ReviewInput{Decision: domain.ReviewChangesRequested, Comment: "  "})
		wantCode(t, err, domain.EInvalid, "changes without a comment")
		_, err = f.a.ReleaseDeliverable(f.ctx, marcus, f.eid, v1.ID, domain.ReleaseToClient)
		wantCode(t, err, domain.EConflict, "releasing before approval")
		if f.rows(t) != before {
			t.Fatalf("refused reviews changed something")
		}

		// The first opening starts the review time; the decision records it.
		rv, err := f.a.ReviewVersionOf(f.ctx, marcus, f.eid, v1.ID)
		if err != nil || !rv.CanReview || rv.CanRelease || rv.Version.OpenedAt != t0 {
			t.Fatalf("opening for review: %+v %v", rv, err)
		}
		f.advance(17 * time.Minute)
		if rv, _ := f.a.ReviewVersionOf(f.ctx, marcus, f.eid, v1.ID); rv.Version.OpenedAt != t0 {
			t.Errorf("a second opening moved the start of the review: %v", rv.Version.OpenedAt)
		}
		changes, err := f.a.ReviewDeliverable(f.ctx, marcus, f.eid, v1.ID, domain.ReviewInput{Decision: domain.ReviewChangesRequested, Comment: "Recheck doc 44"})
		if err != nil || changes.ReviewSeconds != 17*60 || changes.ReviewMinutes() != 17 || changes.ReviewedBy != marcus.ID {
			t.Fatalf("request changes: %+v %v", changes, err)
		}
		before = f.rows(t)
		_, err = f.a.ReviewDeliverable(f.ctx, marcus, f.eid, v1.ID, approve)
		wantCode(t, err, domain.EConflict, "reviewing twice")
		_, err = f.a.ReleaseDeliverable(f.ctx, marcus, f.eid, v1.ID, domain.ReleaseToClient)
		wantCode(t, err, domain.EConflict, "releasing a version with changes requested")
		if f.rows(t) != before {
			t.Fatalf("refusals changed something")
		}

		// A new version supersedes; the old one cannot be released.
		v2, err := f.a.SubmitDeliverableVersion(f.ctx, rohan, f.eid, d.ID, "doc 44 rechecked", textFile("batch-v2.csv", "doc,call\n44,privileged\n"))
		if err != nil || v2.Version != 2 {
			t.Fatalf("version 2: %+v %v", v2, err)
		}
		ds, err := f.a.DownloadDeliverable(f.ctx, marcus, f.eid, v2.ID)
		if err != nil || readAll(t, ds) != "doc,call\n44,privileged\n" || ds.Document.ContentType != "text/csv" {
			t.Fatalf("attorney download: %v", err)
		}
		f.advance(5 * time.Minute)
		approved, err := f.a.ReviewDeliverable(f.ctx, marcus, f.eid, v2.ID, domain.ReviewInput{Decision: domain.ReviewApproved, StatedMinutes: 12})
		if err != nil || approved.ReviewSeconds != 300 || approved.ReviewMinutes() != 12 {
			t.Fatalf("approve v2: %+v %v", approved, err)
		}
		before = f.rows(t)
		_, err = f.a.ReleaseDeliverable(f.ctx, marcus, f.eid, v1.ID, domain.ReleaseToClient)
		wantCode(t, err, domain.EConflict, "releasing a superseded version")
		_, err = f.a.ReleaseDeliverable(f.ctx, admin, f.eid, v2.ID, domain.ReleaseToClient)
		wantCode(t, err, domain.EForbidden, "a firm administrator releasing")
		_, err = f.a.ReleaseDeliverable(f.ctx, marcus, f.eid, v2.ID, "somewhere")
		wantCode(t, err, domain.EInvalid, "an unknown release")
		// The client sees nothing before the release.
		cv, err := f.a.DeliverablesOf(f.ctx, helen, f.eid)
		if err != nil || !cv.Client {
			t.Fatalf("client view before release: %+v %v", cv.Deliverables, err)
		}
		releasedBefore := len(cv.Deliverables)
		for _, d := range cv.Deliverables {
			if d.ID == v2.DeliverableID {
				t.Fatalf("the client sees an unreleased deliverable: %+v", d)
			}
		}
		_, err = f.a.DownloadDeliverable(f.ctx, helen, f.eid, v2.ID)
		wantCode(t, err, domain.ENotFound, "client downloading unreleased work")
		if f.rows(t) != before {
			t.Fatalf("refusals changed something")
		}
		rel, err := f.a.ReleaseDeliverable(f.ctx, marcus, f.eid, v2.ID, domain.ReleaseToClient)
		if err != nil || !rel.Released() {
			t.Fatalf("release: %+v %v", rel, err)
		}
		_, err = f.a.ReleaseDeliverable(f.ctx, marcus, f.eid, v2.ID, domain.ReleaseInMatter)
		wantCode(t, err, domain.EConflict, "releasing twice")

		// The client sees the released version only, without notes, comments or vendor names.
		cv, err = f.a.DeliverablesOf(f.ctx, helen, f.eid)
		if err != nil || len(cv.Deliverables) != releasedBefore+1 {
			t.Fatalf("client view: %+v %v", cv.Deliverables, err)
		}
		var cvd domain.Deliverable
		for _, d := range cv.Deliverables {
			if d.ID == v2.DeliverableID {
				cvd = d
			}
		}
		if len(cvd.Versions) != 1 {
			t.Fatalf("the client sees versions %+v, want only the released one", cvd.Versions)
		}
		cvv := cvd.Versions[0]
		if cvv.ID != v2.ID || cvv.Note != "" || cvv.ReviewComment != "" || cvv.SubmitterName != "" || cvv.SubmittedBy != 0 || len(cv.Items) != 0 {
			t.Errorf("the client sees vendor-internal details: %+v", cvv)
		}
		auditBefore := f.rows(t)[5]
		ds, err = f.a.DownloadDeliverable(f.ctx, helen, f.eid, v2.ID)
		if err != nil || readAll(t, ds) != "doc,call\n44,privileged\n" {
			t.Fatalf("client download: %v", err)
		}
		if f.rows(t)[5] != auditBefore+1 {
			t.Errorf("the client's download was not audited")
		}
		// The queue no longer holds the reviewed versions.
		if q, _ := f.a.ReviewQueue(f.ctx, marcus); len(q) != len(queueBefore) {
			t.Errorf("queue after review: %d, want %d", len(q), len(queueBefore))
		}
	})
}

// The release CHECK: even a store write that skips the use case cannot
// release a version that is not approved.
func TestReleaseWithoutApprovalIsImpossible(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newDelivFixture(t, e)
		d := f.submit(t, dvRohan, "Batch 2")
		_, err := f.a.Store.DB().Exec(`UPDATE deliverable_versions SET released_at = 1, release_kind = 'client' WHERE id = $1`, d.Versions[0].ID)
		if err == nil {
			t.Fatal("the database accepted a release of a version awaiting review")
		}
	})
}

// Pause and resume by hand, with reasons; close (confirmed when work
// awaits review) revokes the vendor's access at once; then the vendor
// manager certifies and the attorney evaluates, once each.
func TestPauseCloseCertifyEvaluate(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newDelivFixture(t, e)
		marcus, daniel, admin := f.people[emMarcus], f.people[emDaniel], f.people[emEleanor]
		rohan, anika, helen := f.people[dvRohan], f.people[emAnika], f.people[emHelen]
		d := f.submit(t, dvRohan, "Batch 3")

		before := f.rows(t)
		wantCode(t, f.a.PauseEngagement(f.ctx, marcus, f.eid, "  "), domain.EInvalid, "pause without a reason")
		wantCode(t, f.a.PauseEngagement(f.ctx, daniel, f.eid, "why"), domain.EForbidden, "staff pausing")
		wantCode(t, f.a.PauseEngagement(f.ctx, anika, f.eid, "why"), domain.EForbidden, "a vendor manager pausing")
		wantCode(t, f.a.ResumeEngagement(f.ctx, marcus, f.eid, "why"), domain.EConflict, "resuming an engagement that is not paused")
		if f.rows(t) != before {
			t.Fatal("refused pauses changed something")
		}
		if err := f.a.PauseEngagement(f.ctx, marcus, f.eid, "Client asked to hold the review"); err != nil {
			t.Fatal(err)
		}
		_, err := f.a.SubmitDeliverableVersion(f.ctx, rohan, f.eid, d.ID, "", textFile("b.txt", "x"))
		wantCode(t, err, domain.EGateClosed, "submitting while paused")
		cv, err := f.a.ClosingOf(f.ctx, marcus, f.eid)
		if err != nil || !cv.CanResume || cv.CanPause || len(cv.Pauses) != 1 || cv.Pauses[0].Reason != "Client asked to hold the review" {
			t.Fatalf("closing view while paused: %+v %v", cv, err)
		}
		if err := f.a.ResumeEngagement(f.ctx, admin, f.eid, "Client released the hold"); err != nil {
			t.Fatal(err)
		}
		if cv, _ := f.a.ClosingOf(f.ctx, marcus, f.eid); cv.Header.Stage != domain.StageActive || len(cv.Pauses) != 2 {
			t.Fatalf("after resume: %s, %d events", cv.Header.Stage, len(cv.Pauses))
		}

		// Closing with a version awaiting review needs confirmation.
		before = f.rows(t)
		err = f.a.CloseEngagement(f.ctx, marcus, f.eid, app.CloseInput{})
		wantCode(t, err, domain.EInvalid, "closing with work awaiting review")
		if domain.ErrorField(err) != "confirm" {
			t.Errorf("field %q", domain.ErrorField(err))
		}
		wantCode(t, f.a.CloseEngagement(f.ctx, daniel, f.eid, app.CloseInput{Confirm: true}), domain.EForbidden, "staff closing")
		_, err = f.a.CertifyReturn(f.ctx, anika, f.eid, domain.Certificate{Method: domain.CertDestroyed, Statement: "gone"})
		wantCode(t, err, domain.EGateClosed, "certifying before close")
		if f.rows(t) != before {
			t.Fatal("refused closes changed something")
		}
		if err := f.a.CloseEngagement(f.ctx, marcus, f.eid, app.CloseInput{Confirm: true}); err != nil {
			t.Fatal(err)
		}
		cv, err = f.a.ClosingOf(f.ctx, marcus, f.eid)
		if err != nil || !cv.Closed() || cv.Header.ClosedOn != domain.DateOf(t0) || cv.FinalAudit == nil ||
			cv.FinalAudit.DueOn != domain.DateOf(t0.AddDate(0, 0, domain.FinalAuditDays)) || !cv.CanEvaluate || cv.CanCertify {
			t.Fatalf("closed: %+v %v", cv, err)
		}
		rec, err := f.a.ComplianceRecord(f.ctx, marcus, cv.Header.MatterID)
		if err != nil {
			t.Fatal(err)
		}
		for _, er := range rec.Engagements {
			for _, o := range er.Obligations {
				if er.Engagement.ID == f.eid && o.Key == "close" && (o.State != app.ObligationGap || o.Status != "No certificate of return or destruction") {
					t.Errorf("a closed engagement without a certificate: %+v", o)
				}
			}
		}
		// The vendor's access ends at once: deliverables, documents, messages.
		_, err = f.a.DownloadDeliverable(f.ctx, rohan, f.eid, d.Versions[0].ID)
		wantCode(t, err, domain.EGateClosed, "a vendor member downloading a deliverable after close")
		_, err = f.a.DownloadDeliverable(f.ctx, anika, f.eid, d.Versions[0].ID)
		wantCode(t, err, domain.EGateClosed, "the vendor manager downloading a deliverable after close")
		if lv, err := f.a.DeliverablesOf(f.ctx, rohan, f.eid); err != nil || len(lv.Deliverables) != 0 || !strings.Contains(lv.Locked, "closed") || lv.CanSubmit {
			t.Errorf("a vendor member's deliverables page after close: %+v %v", lv, err)
		}
		// (Opening one of the engagement's matter documents after close is
		// refused in cmd/probity/engagement_lifecycle_test.go on every surface.)
		_, err = f.a.EngagementDocuments(f.ctx, anika, f.eid)
		wantCode(t, err, domain.EGateClosed, "the vendor manager listing matter documents after close")
		_, err = f.a.ReviewDeliverable(f.ctx, marcus, f.eid, d.Versions[0].ID, domain.ReviewInput{Decision: domain.ReviewApproved})
		wantCode(t, err, domain.EGateClosed, "reviewing after close")
		// The firm keeps its record of the work.
		if ds, err := f.a.DownloadDeliverable(f.ctx, marcus, f.eid, d.Versions[0].ID); err != nil {
			t.Errorf("the attorney downloading after close: %v", err)
		} else {
			ds.Body.Close()
		}

		// The certificate: the vendor manager, once, with a valid date.
		before = f.rows(t)
		for _, c := range []struct {
			who  domain.User
			c    domain.Certificate
			code string
		}{
			{rohan, domain.Certificate{Method: domain.CertDestroyed, Statement: "gone"}, domain.EForbidden},
			{marcus, domain.Certificate{Method: domain.CertDestroyed, Statement: "gone"}, domain.EForbidden},
			{anika, domain.Certificate{Method: "burnt", Statement: "gone"}, domain.EInvalid},
			{anika, domain.Certificate{Method: domain.CertDestroyed, Statement: " "}, domain.EInvalid},
			{anika, domain.Certificate{Method: domain.CertDestroyed, Statement: "gone", CertifiedOn: domain.DateOf(t0.AddDate(0, 0, 1))}, domain.EInvalid},
		} {
			_, err := f.a.CertifyReturn(f.ctx, c.who, f.eid, c.c)
			wantCode(t, err, c.code, c.who.Name+" certifying")
		}
		if f.rows(t) != before {
			t.Fatal("refused certificates changed something")
		}
		cert, err := f.a.CertifyReturn(f.ctx, anika, f.eid, domain.Certificate{Method: domain.CertBoth, Statement: "Returned the review set by SFTP; wiped all copies."})
		if err != nil || cert.CertifiedOn != domain.DateOf(t0) || cert.CertifiedBy != anika.ID {
			t.Fatalf("certificate: %+v %v", cert, err)
		}
		_, err = f.a.CertifyReturn(f.ctx, anika, f.eid, domain.Certificate{Method: domain.CertBoth, Statement: "again"})
		wantCode(t, err, domain.EConflict, "certifying twice")

		// The evaluation: the supervising attorney or a firm admin, once, 1-5.
		_, err = f.a.EvaluateVendor(f.ctx, marcus, f.eid, domain.Evaluation{Quality: 6, Timeliness: 4, Communication: 4, Compliance: 5})
		wantCode(t, err, domain.EInvalid, "a score of 6")
		_, err = f.a.EvaluateVendor(f.ctx, helen, f.eid, domain.Evaluation{Quality: 4, Timeliness: 4, Communication: 4, Compliance: 5})
		wantCode(t, err, domain.EForbidden, "the client evaluating")
		_, err = f.a.EvaluateVendor(f.ctx, daniel, f.eid, domain.Evaluation{Quality: 4, Timeliness: 4, Communication: 4, Compliance: 5})
		wantCode(t, err, domain.EForbidden, "staff evaluating")
		scoreBefore, err := f.a.VendorScore(f.ctx, marcus, f.people[emAnika].VendorID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.EvaluateVendor(f.ctx, marcus, f.eid, domain.Evaluation{Quality: 4, Timeliness: 3, Communication: 5, Compliance: 4, Comments: "Solid"}); err != nil {
			t.Fatal(err)
		}
		_, err = f.a.EvaluateVendor(f.ctx, marcus, f.eid, domain.Evaluation{Quality: 4, Timeliness: 3, Communication: 5, Compliance: 4})
		wantCode(t, err, domain.EConflict, "evaluating twice")
		score, err := f.a.VendorScore(f.ctx, marcus, f.people[emAnika].VendorID)
		if err != nil || score.Evaluations != scoreBefore.Evaluations+1 {
			t.Fatalf("score: %+v %v", score, err)
		}
		if scoreBefore.Evaluations == 0 && (score.All != 4 || score.Quality != 4 || score.Timeliness != 3) {
			t.Errorf("score: %+v", score)
		}
		_, err = f.a.VendorScore(f.ctx, anika, f.people[emAnika].VendorID)
		wantCode(t, err, domain.EForbidden, "a vendor reading its scorecard")
		cv, _ = f.a.ClosingOf(f.ctx, marcus, f.eid)
		if cv.Certificate == nil || cv.Evaluation == nil || cv.CanEvaluate {
			t.Errorf("closing view after certificate and evaluation: %+v", cv)
		}
	})
}

// The demo's supervised work: Marcus's queue holds two versions (one
// overdue), Helen Calloway sees the one released work, and Harbor's close
// has its certificate, evaluation and final audit.
func TestDemoDeliverables(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		a, people, matters := demoApp(t, e)
		ctx := app.WithMeta(context.Background(), app.Meta{MFA: true})
		q, err := a.ReviewQueue(ctx, people[emMarcus])
		if err != nil || len(q) != 2 {
			t.Fatalf("queue: %+v %v", q, err)
		}
		if !q[0].Overdue || q[1].Overdue || q[0].AgeDays != 8 || q[0].Title != "Hot documents memo, first cut" {
			t.Errorf("queue order and flags: %+v", q)
		}
		var call, harbor int64
		err = a.Store.Read(ctx, func(tx *store.Tx) error {
			for num, id := range map[string]*int64{callNo: &call, harborNo: &harbor} {
				es, err := tx.ListEngagements(ctx, store.Scope{All: true}, store.EngagementFilter{MatterID: matters[num], Page: store.Page{Limit: 10}})
				if err != nil {
					return err
				}
				for _, x := range es {
					if x.VendorID == people[emAnika].VendorID && (num == harborNo || x.Description == callowayReview) {
						*id = x.ID
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		cv, err := a.DeliverablesOf(ctx, people[emHelen], call)
		if err != nil || len(cv.Deliverables) != 1 || cv.Deliverables[0].Title != "Batch 11 responsiveness report" {
			t.Fatalf("the client's released work: %+v %v", cv.Deliverables, err)
		}
		fv, err := a.DeliverablesOf(ctx, people[emMarcus], call)
		if err != nil || len(fv.Deliverables) != 4 || fv.Pending != 2 {
			t.Fatalf("the firm's view: %d deliverables, %d pending, %v", len(fv.Deliverables), fv.Pending, err)
		}
		cl, err := a.ClosingOf(ctx, people[emMarcus], harbor)
		if err != nil || cl.Certificate == nil || cl.Evaluation == nil || cl.FinalAudit == nil || cl.FinalAudit.CompletedAt.IsZero() {
			t.Fatalf("Harbor's close: %+v %v", cl, err)
		}
		if s, err := a.VendorScore(ctx, people[emMarcus], people[emAnika].VendorID); err != nil || s.Evaluations != 1 || s.All != 4.5 {
			t.Errorf("Lexora's score: %+v %v", s, err)
		}
		// The compliance record: supervision evidence and the close.
		find := func(matter string, eid int64, key string) app.Obligation {
			rec, err := a.ComplianceRecord(ctx, people[emMarcus], matters[matter])
			if err != nil {
				t.Fatal(err)
			}
			for _, er := range rec.Engagements {
				for _, o := range er.Obligations {
					if er.Engagement.ID == eid && o.Key == key {
						return o
					}
				}
			}
			t.Fatalf("no %s obligation for engagement %d", key, eid)
			return app.Obligation{}
		}
		so := find(callNo, call, "supervision")
		facts := ""
		for _, f := range so.Facts {
			facts += f.What + "|" + f.By + "\n"
		}
		if so.State != app.ObligationAttention || so.Status != "2 reviewed, 2 awaiting review, 1 released" ||
			!strings.Contains(facts, "released to the client|Marcus Oyelaran") || !strings.Contains(facts, "approved after 25 minutes of review|Marcus Oyelaran") {
			t.Errorf("supervision evidence: %+v\n%s", so, facts)
		}
		if co := find(harborNo, harbor, "close"); co.State != app.ObligationMet || len(co.Facts) != 4 {
			t.Errorf("Harbor's close: %+v", co)
		}
	})
}
