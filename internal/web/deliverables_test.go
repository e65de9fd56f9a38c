package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// TestDeliverablesJourneyOnTheWeb: the vendor's reviewer submits a
// deliverable through the multipart form (a refused file stores nothing),
// the supervising attorney finds it in the review queue, requests nothing
// without a comment, approves and releases it; the client sees only the
// released work and downloads it; the attorney closes (confirming the
// versions still awaiting review), the vendor's team loses access, the
// vendor manager certifies and the attorney evaluates, which the vendor's
// page then shows.
func TestDeliverablesJourneyOnTheWeb(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := newSite(t, e)
		ctx := context.Background()
		var id, vendorID int64
		if err := s.app.Store.DB().QueryRow(`SELECT id, vendor_id FROM engagements WHERE description = 'First-level responsiveness and privilege review of 48,000 documents'`).Scan(&id, &vendorID); err != nil {
			t.Fatal(err)
		}
		var item int64
		if err := s.app.Store.Write(ctx, func(tx *store.Tx) error {
			items, err := tx.WorkItems(ctx, id)
			if err != nil || len(items) == 0 {
				return fmt.Errorf("no approved work items: %v", err)
			}
			item = items[0].ID
			_, err = tx.ActivateEngagement(ctx, id)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		rohan := s.signIn(t, "rohan.kulkarni@lexora.example", "192.0.2.70")
		marcus := s.signIn(t, "marcus.oyelaran@hartwellcrane.example", "192.0.2.71")
		helen := s.signIn(t, "helen.calloway@callowayfreight.example", "192.0.2.72")
		anika := s.signIn(t, "anika.deshmukh@lexora.example", "192.0.2.73")
		base := fmt.Sprintf("/engagements/%d/deliverables", id)
		count := func(q string) int {
			var n int
			if err := s.app.Store.DB().QueryRow(q).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		byID := func(doc string, id string) bool { return strings.Contains(doc, `id="`+id+`"`) }

		rec := s.do(t, http.MethodGet, base, rohan, nil)
		parsePage(t, "the vendor's deliverables page", rec)
		if rec.Code != http.StatusOK || !byID(rec.Body.String(), "submit-form") {
			t.Fatalf("vendor page: %d\n%.500s", rec.Code, rec.Body.String())
		}
		fields := [][2]string{{"item", strconv.FormatInt(item, 10)}, {"title", "Web journey memo"}, {"note", "vendor-internal: rushed"}}
		before := count(`SELECT COUNT(*) FROM deliverable_versions`)
		rec = s.postForm(t, base, rohan, fields, "memo.exe", "application/octet-stream", []byte("MZ\x00\x01"))
		if rec.Code != http.StatusUnprocessableEntity || !byID(rec.Body.String(), "submit-error") || count(`SELECT COUNT(*) FROM deliverable_versions`) != before {
			t.Fatalf("a refused file: %d\n%.400s", rec.Code, rec.Body.String())
		}
		rec = s.postForm(t, base, rohan, fields, "memo.txt", "text/plain", []byte("The journey memo.\n"))
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("submit: %d\n%.400s", rec.Code, rec.Body.String())
		}
		var vid int64
		if err := s.app.Store.DB().QueryRow(`SELECT MAX(id) FROM deliverable_versions`).Scan(&vid); err != nil {
			t.Fatal(err)
		}
		version := fmt.Sprintf("%s/versions/%d", base, vid)

		rec = s.do(t, http.MethodGet, "/reviews", marcus, nil)
		if rec.Code != http.StatusOK || !byID(rec.Body.String(), fmt.Sprintf("queue-%d", vid)) {
			t.Fatalf("review queue: %d", rec.Code)
		}
		if rec := s.do(t, http.MethodGet, "/reviews", rohan, nil); rec.Code != http.StatusForbidden {
			t.Errorf("a vendor user's review queue: %d", rec.Code)
		}
		rec = s.do(t, http.MethodGet, version, marcus, nil)
		if rec.Code != http.StatusOK || !byID(rec.Body.String(), "review-form") || byID(rec.Body.String(), "release-form") {
			t.Fatalf("review page: %d", rec.Code)
		}
		rec = s.do(t, http.MethodPost, version+"/review", marcus, url.Values{"decision": {"changes_requested"}, "comment": {" "}})
		if rec.Code != http.StatusUnprocessableEntity || !byID(rec.Body.String(), "review-error") || !strings.Contains(rec.Body.String(), `id="review-comment" name="comment" rows="4" maxlength="4000" aria-invalid="true"`) {
			t.Errorf("changes without a comment: %d\n%.300s", rec.Code, rec.Body.String())
		}
		if rec := s.do(t, http.MethodPost, version+"/release", marcus, url.Values{"kind": {"client"}}); rec.Code != http.StatusConflict {
			t.Errorf("release before approval: %d", rec.Code)
		}
		if rec := s.do(t, http.MethodPost, version+"/review", marcus, url.Values{"decision": {"approved"}, "minutes": {"7"}}); rec.Code != http.StatusSeeOther {
			t.Fatalf("approve: %d\n%.300s", rec.Code, rec.Body.String())
		}
		if rec := s.do(t, http.MethodPost, version+"/release", marcus, url.Values{"kind": {"client"}}); rec.Code != http.StatusSeeOther {
			t.Fatalf("release: %d\n%.300s", rec.Code, rec.Body.String())
		}

		rec = s.do(t, http.MethodGet, base, helen, nil)
		page := rec.Body.String()
		if rec.Code != http.StatusOK || !byID(page, fmt.Sprintf("released-%d", vid)) || strings.Contains(page, "vendor-internal") || strings.Contains(page, "Rohan") {
			t.Fatalf("the client's page: %d\n%.600s", rec.Code, page)
		}
		rec = s.do(t, http.MethodGet, version+"/file", helen, nil)
		if rec.Code != http.StatusOK || rec.Body.String() != "The journey memo.\n" {
			t.Fatalf("the client's download: %d %q", rec.Code, rec.Body.String())
		}

		closePage := fmt.Sprintf("/engagements/%d/close", id)
		rec = s.do(t, http.MethodPost, closePage, marcus, url.Values{})
		if rec.Code != http.StatusUnprocessableEntity || !byID(rec.Body.String(), "close-error") {
			t.Fatalf("closing with versions awaiting review: %d", rec.Code)
		}
		if rec := s.do(t, http.MethodPost, closePage, marcus, url.Values{"confirm": {"yes"}}); rec.Code != http.StatusSeeOther {
			t.Fatalf("close: %d\n%.300s", rec.Code, rec.Body.String())
		}
		rec = s.do(t, http.MethodGet, closePage, marcus, nil)
		parsePage(t, "the close page", rec)
		if !strings.Contains(rec.Body.String(), "Final audit due") || !strings.Contains(rec.Body.String(), "Not certified yet") {
			t.Errorf("close page after closing:\n%.600s", rec.Body.String())
		}
		rec = s.do(t, http.MethodGet, base, rohan, nil)
		if rec.Code != http.StatusOK || !byID(rec.Body.String(), "locked") || strings.Contains(rec.Body.String(), "Web journey memo") {
			t.Errorf("the vendor's page after close: %d", rec.Code)
		}
		if rec := s.do(t, http.MethodGet, version+"/file", rohan, nil); rec.Code != http.StatusConflict {
			t.Errorf("a vendor member downloading after close: %d", rec.Code)
		}
		if rec := s.do(t, http.MethodPost, fmt.Sprintf("/engagements/%d/certificate", id), anika,
			url.Values{"method": {"destroyed"}, "statement": {"Deleted from the platform"}}); rec.Code != http.StatusSeeOther {
			t.Fatalf("certify: %d\n%.300s", rec.Code, rec.Body.String())
		}
		if rec := s.do(t, http.MethodPost, fmt.Sprintf("/engagements/%d/evaluation", id), marcus,
			url.Values{"quality": {"5"}, "timeliness": {"3"}, "communication": {"4"}, "compliance": {"4"}}); rec.Code != http.StatusSeeOther {
			t.Fatalf("evaluate: %d\n%.300s", rec.Code, rec.Body.String())
		}
		rec = s.do(t, http.MethodGet, fmt.Sprintf("/vendors/%d", vendorID), marcus, nil)
		if !byID(rec.Body.String(), "evaluation-average") || !strings.Contains(rec.Body.String(), "closed engagement") {
			t.Errorf("the vendor page shows no evaluation: %d", rec.Code)
		}
	})
}
