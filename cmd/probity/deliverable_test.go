package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// approvedWork makes sure the Calloway/Lexora engagement is active with an
// approved statement of work, and returns its id and first work item.
func approvedWork(t *testing.T, s *store.Store) (int64, int64) {
	t.Helper()
	ctx := context.Background()
	var eid, marcus, anika int64
	if err := s.DB().QueryRow(`SELECT e.id, e.supervising_attorney_id FROM engagements e JOIN matters m ON m.id = e.matter_id JOIN vendors v ON v.id = e.vendor_id
		WHERE m.number = '2026-0142' AND e.description = 'First-level responsiveness and privilege review of 48,000 documents'`).Scan(&eid, &marcus); err != nil {
		t.Fatal(err)
	}
	if err := s.DB().QueryRow(`SELECT id FROM users WHERE email = 'anika.deshmukh@lexora.example'`).Scan(&anika); err != nil {
		t.Fatal(err)
	}
	var item int64
	err := s.Write(ctx, func(tx *store.Tx) error {
		items, err := tx.WorkItems(ctx, eid)
		if err != nil {
			return err
		}
		if len(items) == 0 {
			now := time.Now()
			v := domain.SOWVersion{EngagementID: eid, DraftedBy: marcus, DraftedAt: now, Items: []domain.WorkItem{{Service: domain.ServiceDocumentReview,
				Title: "First-level review", DueOn: domain.DateOf(now.AddDate(0, 0, 10)), Estimate: 100, EstimateUnit: "hours",
				BaselineRate: domain.NewMoney(30000, "USD"), Pricing: domain.PricingHourly, Price: domain.NewMoney(200000, "INR"), TaskCode: "L110", ActivityCode: "A104"}}}
			if err := tx.CreateSOWVersion(ctx, &v); err != nil {
				return err
			}
			if err := tx.ApproveSOWSide(ctx, v.ID, true, v.Revision, marcus, now); err != nil {
				return err
			}
			if err := tx.ApproveSOWSide(ctx, v.ID, false, v.Revision, anika, now); err != nil {
				return err
			}
			if err := tx.FreezeSOW(ctx, v.ID, "test", now, domain.DateOf(now)); err != nil {
				return err
			}
			if items, err = tx.WorkItems(ctx, eid); err != nil {
				return err
			}
		}
		item = items[0].ID
		_, err = tx.ActivateEngagement(ctx, eid)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return eid, item
}

// TestDeliverableAndClosingCommands drives the supervision and close
// through the CLI: a vendor user submits, the supervising attorney (and
// no one else) reviews and releases, the engagement is paused, resumed and
// closed, the vendor manager certifies and the attorney evaluates; every
// refusal exits 1 and changes nothing.
func TestDeliverableAndClosingCommands(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		dbURL, dir := e.URL(t)
		db := engineArgs(dbURL, dir)
		if _, errOut, err := runCLI(t, nil, "", append([]string{"demo"}, db...)...); err != nil {
			t.Fatalf("demo: %v\n%s", err, errOut)
		}
		s := openTestStore(t, dbURL, dir)
		eid, item := approvedWork(t, s)
		id, it := strconv.FormatInt(eid, 10), strconv.FormatInt(item, 10)
		const marcus, priya, rohan, anika, helen = "marcus.oyelaran@hartwellcrane.example", "priya.raman@hartwellcrane.example",
			"rohan.kulkarni@lexora.example", "anika.deshmukh@lexora.example", "helen.calloway@callowayfreight.example"
		run := func(args ...string) (string, error) {
			out, errOut, err := runCLI(t, nil, "", append(args, db...)...)
			if err != nil {
				errOut += err.Error()
			}
			return out + errOut, err
		}
		file := filepath.Join(t.TempDir(), "calls.txt")
		if err := os.WriteFile(file, []byte("privilege calls\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		versions := func() int { return countTableRows(t, s, "deliverable_versions") }

		n := versions()
		if out, err := run("deliverable", "submit", "--engagement", id, "--item", it, "--file", file, "--as", marcus); exitStatus(err) != 1 {
			t.Errorf("an attorney submitting: exit %d\n%s", exitStatus(err), out)
		}
		if _, err := run("deliverable", "submit", "--engagement", id, "--file", file, "--as", rohan); exitStatus(err) != 2 {
			t.Errorf("submit without --item or --deliverable: exit %d, want 2", exitStatus(err))
		}
		if versions() != n {
			t.Fatal("refused submissions wrote")
		}
		out, err := run("deliverable", "submit", "--engagement", id, "--item", it, "--file", file, "--title", "Privilege calls", "--as", rohan)
		if err != nil || !strings.Contains(out, "for the supervising attorney's review") {
			t.Fatalf("submit: %v\n%s", err, out)
		}
		var vid int64
		if err := s.DB().QueryRow(`SELECT MAX(id) FROM deliverable_versions WHERE engagement_id = $1`, eid).Scan(&vid); err != nil {
			t.Fatal(err)
		}
		v := strconv.FormatInt(vid, 10)
		if out, err := run("deliverable", "queue", "--as", marcus); err != nil || !strings.Contains(out, "Privilege calls v1") {
			t.Errorf("queue: %v\n%s", err, out)
		}
		if out, err := run("deliverable", "release", "--engagement", id, "--version", v, "--as", marcus); exitStatus(err) != 1 || !strings.Contains(out, "not been approved") {
			t.Errorf("release before approval: exit %d\n%s", exitStatus(err), out)
		}
		if out, err := run("deliverable", "review", "--engagement", id, "--version", v, "--decision", "approved", "--as", priya); exitStatus(err) != 1 {
			t.Errorf("another attorney reviewing: exit %d\n%s", exitStatus(err), out)
		}
		if out, err := run("deliverable", "review", "--engagement", id, "--version", v, "--decision", "approved", "--minutes", "9", "--as", marcus); err != nil || !strings.Contains(out, "Approved (9 minutes") {
			t.Fatalf("review: %v\n%s", err, out)
		}
		if out, err := run("deliverable", "release", "--engagement", id, "--version", v, "--as", marcus); err != nil || !strings.Contains(out, "Released to the client") {
			t.Fatalf("release: %v\n%s", err, out)
		}
		if out, err := run("deliverable", "list", "--engagement", id, "--as", helen); err != nil || !strings.Contains(out, "Privilege calls") || strings.Contains(out, "Rohan") {
			t.Errorf("the client's list: %v\n%s", err, out)
		}

		// Pause, resume, close, certify, evaluate.
		if out, err := run("engagement", "pause", id, "--as", marcus); exitStatus(err) != 1 || !strings.Contains(out, "reason") {
			t.Errorf("pause without a reason: exit %d\n%s", exitStatus(err), out)
		}
		if out, err := run("engagement", "pause", id, "--as", marcus, "--reason", "Client hold"); err != nil || !strings.Contains(out, "Paused: Client hold") {
			t.Fatalf("pause: %v\n%s", err, out)
		}
		if out, err := run("engagement", "resume", "--as", marcus, "--reason", "Hold lifted", id); err != nil || !strings.Contains(out, "Work in progress") {
			t.Fatalf("resume: %v\n%s", err, out)
		}
		if out, err := run("engagement", "certify", id, "--as", anika, "--method", "destroyed", "--statement", "wiped"); exitStatus(err) != 1 {
			t.Errorf("certify before close: exit %d\n%s", exitStatus(err), out)
		}
		if out, err := run("engagement", "close", id, "--as", rohan); exitStatus(err) != 1 {
			t.Errorf("a vendor user closing: exit %d\n%s", exitStatus(err), out)
		}
		if out, err := run("engagement", "close", id, "--as", marcus); exitStatus(err) != 1 || !strings.Contains(out, "confirm") {
			t.Errorf("closing with versions awaiting review, unconfirmed: exit %d\n%s", exitStatus(err), out)
		}
		if out, err := run("engagement", "close", id, "--as", marcus, "--confirm"); err != nil || !strings.Contains(out, "vendor access revoked") || !strings.Contains(out, "Final audit due") {
			t.Fatalf("close: %v\n%s", err, out)
		}
		// After close the list answers as the API does: nothing of the
		// work for the vendor's team (and why), the whole list for the firm.
		if out, err := run("deliverable", "list", "--engagement", id, "--as", rohan); err != nil || strings.Contains(out, "Privilege calls") ||
			!strings.Contains(out, "the engagement is closed") || strings.Contains(out, "cannot be submitted") {
			t.Errorf("a vendor member's list after close: exit %d\n%s", exitStatus(err), out)
		}
		if out, err := run("deliverable", "list", "--engagement", id, "--as", marcus); err != nil || !strings.Contains(out, "Privilege calls") || !strings.Contains(out, "version 1") {
			t.Errorf("the attorney's list after close: exit %d\n%s", exitStatus(err), out)
		}
		if out, err := run("engagement", "certify", id, "--as", anika, "--method", "both", "--statement", "Returned by SFTP; wiped copies"); err != nil || !strings.Contains(out, "Certified: Returned and remaining copies destroyed") {
			t.Fatalf("certify: %v\n%s", err, out)
		}
		if out, err := run("engagement", "evaluate", id, "--as", marcus, "--quality", "5", "--timeliness", "4", "--communication", "4", "--compliance", "5"); err != nil || !strings.Contains(out, "average 4.5") {
			t.Fatalf("evaluate: %v\n%s", err, out)
		}
	})
}
