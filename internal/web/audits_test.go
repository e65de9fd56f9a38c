package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/probity/probity/internal/testenv"
	"golang.org/x/net/html"
)

// auditEngagement is the demo's active Calloway/Lexora engagement with no
// quality-audit data, whatever the demo holds, and its supervising
// attorney's email.
func auditEngagement(t *testing.T, s *site) (int64, string) {
	t.Helper()
	var id int64
	var email string
	if err := s.app.Store.DB().QueryRow(`SELECT e.id, u.email FROM engagements e JOIN matters m ON m.id = e.matter_id
		JOIN vendors v ON v.id = e.vendor_id JOIN users u ON u.id = e.supervising_attorney_id
		WHERE m.number = '2026-0142' AND v.name LIKE 'Lexora%' AND e.stage = 'active'`).Scan(&id, &email); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`DELETE FROM corrective_actions WHERE engagement_id = $1`, `DELETE FROM audits WHERE engagement_id = $1`,
		`DELETE FROM audit_batches WHERE engagement_id = $1`, `DELETE FROM audit_plans WHERE engagement_id = $1`} {
		if _, err := s.app.Store.DB().Exec(q, id); err != nil {
			t.Fatal(err)
		}
	}
	return id, email
}

// idText is the text of the element with id, "" when there is none.
func idText(doc *html.Node, id string) string {
	if n := nodeByID(doc, id); n != nil {
		return text(n)
	}
	return ""
}

func auditCount(t *testing.T, s *site, from string, args ...any) int {
	t.Helper()
	var n int
	if err := s.app.Store.DB().QueryRow(`SELECT COUNT(*) FROM `+from, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func nodeByID(doc *html.Node, id string) *html.Node {
	if l := elements(doc, func(n *html.Node) bool { return attrOf(n, "id") == id }); len(l) > 0 {
		return l[0]
	}
	return nil
}

// The quality-audit pages drive the same use cases as the API: each role
// sees its part of the tab; a plan with a bad field is shown again with
// the error next to the field and the typed values, saving nothing; a
// batch imported from the page is sampled from a recorded seed (the page
// prints the command that reproduces the draw); each item is scored from
// its own form; completing shows the verdict and the statement; a finding
// raises a corrective action the vendor manager answers and the
// supervising attorney closes; the client sees the summary only.
func TestQualityAuditPages(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := newSite(t, e)
		id, supervisor := auditEngagement(t, s)
		base := fmt.Sprintf("/engagements/%d", id)
		marcus := s.signIn(t, supervisor, "192.0.2.110")
		daniel := s.signIn(t, "daniel.brooks@hartwellcrane.example", "192.0.2.111")
		anika := s.signIn(t, "anika.deshmukh@lexora.example", "192.0.2.112")
		helen := s.signIn(t, "helen.calloway@callowayfreight.example", "192.0.2.113")

		// Every role opens the tab; only the firm's side sees the plan form
		// and the batches, only the client the summary.
		for _, c := range []struct {
			who, session               string
			planForm, batches, summary bool
		}{{"attorney", marcus, true, true, false}, {"staff", daniel, false, true, false}, {"vendor manager", anika, false, false, false}, {"client", helen, false, false, true}} {
			rec := s.do(t, http.MethodGet, base+"/audits", c.session, nil)
			if rec.Code != http.StatusOK {
				t.Fatalf("%s: GET audits: %d", c.who, rec.Code)
			}
			doc := parsePage(t, c.who+" audits", rec)
			if got := nodeByID(doc, "plan-form") != nil; got != c.planForm {
				t.Errorf("%s: plan form shown = %v, want %v", c.who, got, c.planForm)
			}
			if got := nodeByID(doc, "batch-form") != nil; got != c.batches {
				t.Errorf("%s: batch form shown = %v, want %v", c.who, got, c.batches)
			}
			if got := nodeByID(doc, "audit-summary") != nil; got != c.summary {
				t.Errorf("%s: client summary shown = %v, want %v", c.who, got, c.summary)
			}
			if got := nodeByID(doc, "plan") != nil; got == c.summary {
				t.Errorf("%s: plan section shown = %v", c.who, got)
			}
		}
		if rec := s.do(t, http.MethodGet, "/audits", daniel, nil); rec.Code != http.StatusOK {
			t.Errorf("staff GET /audits: %d", rec.Code)
		} else {
			parsePage(t, "my audits", rec)
		}
		if rec := s.do(t, http.MethodGet, "/audits", anika, nil); rec.Code != http.StatusForbidden {
			t.Errorf("vendor manager GET /audits: %d, want 403", rec.Code)
		}

		// A plan with a bad field: shown again, the field marked, the typed
		// value kept, nothing saved.
		plan := url.Values{"cadence": {"weekly"}, "population": {"batch_items"}, "method": {"zero_defect"}, "confidence": {"eighty"},
			"max_error_rate": {"20"}, "level": {"II"}, "positive_label": {"responsive"}, "pause_after": {"0"}, "auditor": {"0"},
			"criterion_key": {"accuracy", "format", ""}, "criterion_name": {"Accuracy", "Format", ""}, "criterion_weight": {"critical", "minor", "major"},
			"criterion_description": {"Correct coding.", "", ""}}
		plans := auditCount(t, s, "audit_plans")
		for _, bad := range []string{"eighty", "150"} {
			plan.Set("confidence", bad)
			rec := s.do(t, http.MethodPost, base+"/audit-plan", marcus, plan)
			if rec.Code != http.StatusUnprocessableEntity {
				t.Fatalf("plan with confidence %q: %d", bad, rec.Code)
			}
			doc := parsePage(t, "bad plan", rec)
			if msg := nodeByID(doc, "plan-error"); msg == nil || text(msg) == "" {
				t.Errorf("confidence %q: no error on the plan form", bad)
			}
			conf := nodeByID(doc, "p-confidence")
			if conf == nil || attrOf(conf, "value") != bad {
				t.Errorf("confidence %q: the typed value is not kept", bad)
			}
			if attrOf(conf, "aria-invalid") != "true" || nodeByID(doc, "confidence-error") == nil {
				t.Errorf("confidence %q: the refused field is not marked", bad)
			}
			if n := len(elements(doc, func(n *html.Node) bool { return attrOf(n, "name") == "criterion_key" && attrOf(n, "value") == "format" })); n != 1 {
				t.Errorf("confidence %q: the typed rubric is not kept (%d format rows)", bad, n)
			}
		}
		if auditCount(t, s, "audit_plans") != plans {
			t.Fatal("a refused plan was saved")
		}
		plan.Set("confidence", "80")
		if rec := s.do(t, http.MethodPost, base+"/audit-plan", marcus, plan); rec.Code != http.StatusSeeOther {
			t.Fatalf("plan: %d %s", rec.Code, rec.Body.String())
		}
		if rec := s.do(t, http.MethodPost, base+"/audit-plan", anika, plan); rec.Code != http.StatusForbidden {
			t.Errorf("the vendor manager setting the plan: %d, want 403", rec.Code)
		}
		doc := parsePage(t, "audits with a plan", s.do(t, http.MethodGet, base+"/audits", marcus, nil))
		if facts := nodeByID(doc, "plan-facts"); facts == nil || !strings.Contains(text(facts), "80%") || !strings.Contains(text(facts), "Zero-defect") {
			t.Errorf("the plan is not stated in words")
		}
		if rules := nodeByID(doc, "switch-rules"); rules == nil || len(elements(rules, func(n *html.Node) bool { return n.Data == "li" })) == 0 {
			t.Errorf("the switching rules are not stated on screen")
		}

		// A batch from the page, then a manual audit from a given seed.
		var csv strings.Builder
		csv.WriteString("item_id,decision,person\n")
		for i := 1; i <= 12; i++ {
			fmt.Fprintf(&csv, "DOC-%03d,%s,%s\n", i, []string{"responsive", "not responsive"}[i%2], []string{"Rohan", "Meera"}[i%2])
		}
		if rec := s.postForm(t, base+"/audit-batches", marcus, [][2]string{{"name", "Week 1"}}, "week1.csv", "text/csv", []byte(csv.String())); rec.Code != http.StatusSeeOther {
			t.Fatalf("import: %d %s", rec.Code, rec.Body.String())
		}
		batches := auditCount(t, s, "audit_batches")
		if rec := s.postForm(t, base+"/audit-batches", marcus, [][2]string{{"name", "Week 2"}}, "dup.csv", "text/csv", []byte("item_id,decision,person\nA,x,y\nA,x,y\n")); rec.Code != http.StatusUnprocessableEntity {
			t.Errorf("a CSV with a duplicate id: %d", rec.Code)
		} else if doc := parsePage(t, "bad batch", rec); nodeByID(doc, "batch-error") == nil {
			t.Errorf("the refused batch shows no error")
		}
		if auditCount(t, s, "audit_batches") != batches {
			t.Fatal("a refused batch was saved")
		}
		var batch int64
		if err := s.app.Store.DB().QueryRow(`SELECT id FROM audit_batches WHERE engagement_id = $1 AND name = 'Week 1'`, id).Scan(&batch); err != nil {
			t.Fatal(err)
		}
		rec := s.do(t, http.MethodPost, base+"/audits", marcus, url.Values{"batch": {fmt.Sprint(batch)}, "seed": {"web-audit-1"}})
		loc := rec.Header().Get("Location")
		if rec.Code != http.StatusSeeOther || !regexp.MustCompile(`^`+base+`/audits/\d+$`).MatchString(loc) {
			t.Fatalf("start: %d %q %s", rec.Code, loc, rec.Body.String())
		}
		doc = parsePage(t, "audit", s.do(t, http.MethodGet, loc, marcus, nil))
		// Zero-defect at 80% confidence excluding 20%: n = ⌈ln 0.2 / ln 0.8⌉ = 8.
		if cmd := idText(doc, "sample-command"); cmd != "probity audit sample --seed web-audit-1 --population 12 --size 8" {
			t.Errorf("the reproducing command is %q", cmd)
		}
		forms := elements(doc, func(n *html.Node) bool { return n.Data == "form" && strings.HasSuffix(attrOf(n, "action"), "/score") })
		if len(forms) != 8 {
			t.Fatalf("%d scoring forms, want 8", len(forms))
		}
		if nodeByID(doc, "complete-form") == nil {
			t.Errorf("no complete button for the auditor")
		}
		if s.do(t, http.MethodGet, loc, helen, nil).Code != http.StatusNotFound {
			t.Errorf("the client opened an audit not completed")
		}

		// A criterion not in the rubric is refused next to the item.
		first := attrOf(forms[0], "action")
		sid := strings.TrimSuffix(strings.TrimPrefix(first, loc+"/items/"), "/score")
		if rec := s.do(t, http.MethodPost, first, marcus, url.Values{"fail": {"elegance"}}); rec.Code != http.StatusUnprocessableEntity {
			t.Errorf("a criterion not in the rubric: %d", rec.Code)
		} else if doc := parsePage(t, "bad score", rec); nodeByID(doc, "item-error-"+sid) == nil {
			t.Errorf("the refused score shows no error at its item")
		}
		if rec := s.do(t, http.MethodPost, first, anika, url.Values{"fail": {"accuracy"}}); rec.Code != http.StatusForbidden {
			t.Errorf("the vendor manager scoring: %d, want 403", rec.Code)
		}
		if auditCount(t, s, "audit_scores s JOIN audits a ON a.id = s.audit_id WHERE a.engagement_id = $1", id) != 0 {
			t.Fatal("a refused score was saved")
		}
		for i, f := range forms {
			// Each form names the next item to score; the last one left
			// leads to the results.
			next := elements(f, func(n *html.Node) bool { return n.Data == "input" && attrOf(n, "name") == "next" })
			if len(next) != 1 {
				t.Fatalf("form %d has %d next fields", i, len(next))
			}
			v := url.Values{"note": {"checked"}, "next": {attrOf(next[0], "value")}}
			if i == 0 {
				v.Set("fail", "accuracy")
			}
			want := loc + "#item-" + attrOf(next[0], "value")
			if i < len(forms)-1 && attrOf(next[0], "value") != strings.TrimSuffix(strings.TrimPrefix(attrOf(forms[i+1], "action"), loc+"/items/"), "/score") {
				t.Errorf("form %d's next item is %s, want the following form's", i, attrOf(next[0], "value"))
			}
			if attrOf(next[0], "value") == "0" {
				want = loc + "#results"
			}
			rec := s.do(t, http.MethodPost, attrOf(f, "action"), daniel, v)
			if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != want {
				t.Fatalf("score form %d: %d %q, want %q", i, rec.Code, rec.Header().Get("Location"), want)
			}
		}
		if rec := s.do(t, http.MethodPost, loc+"/complete", marcus, url.Values{}); rec.Code != http.StatusSeeOther {
			t.Fatalf("complete: %d %s", rec.Code, rec.Body.String())
		}
		doc = parsePage(t, "completed audit", s.do(t, http.MethodGet, loc, marcus, nil))
		if v := idText(doc, "verdict"); v != "Failed" {
			t.Errorf("verdict %q, want Failed (one error in eight)", v)
		}
		if st := nodeByID(doc, "statement"); st == nil || !strings.Contains(text(st), "80%") {
			t.Errorf("no statement of the result")
		}
		if r := idText(doc, "error-rate"); r != "12.5%" {
			t.Errorf("error rate shown as %q, want 12.5%%", r)
		}

		// A finding raises a corrective action; the vendor manager answers it
		// and the supervising attorney closes it.
		raise := elements(doc, func(n *html.Node) bool {
			return n.Data == "form" && strings.HasSuffix(attrOf(n, "action"), "/corrective-actions") && len(elements(n, func(c *html.Node) bool { return attrOf(c, "name") == "finding" })) == 1
		})
		if len(raise) != 1 {
			t.Fatalf("%d forms raising a corrective action from a finding, want 1", len(raise))
		}
		finding := attrOf(elements(raise[0], func(c *html.Node) bool { return attrOf(c, "name") == "finding" })[0], "value")
		if rec := s.do(t, http.MethodPost, attrOf(raise[0], "action"), marcus, url.Values{"finding": {finding}, "description": {"Recode"}, "due_on": {"tomorrow"}}); rec.Code != http.StatusUnprocessableEntity {
			t.Errorf("a bad due date: %d", rec.Code)
		}
		if auditCount(t, s, "corrective_actions WHERE engagement_id = $1", id) != 0 {
			t.Fatal("a refused corrective action was saved")
		}
		if rec := s.do(t, http.MethodPost, attrOf(raise[0], "action"), marcus, url.Values{"finding": {finding}, "description": {"Recode the privileged documents"}, "due_on": {"2099-01-15"}}); rec.Code != http.StatusSeeOther {
			t.Fatalf("raise: %d %s", rec.Code, rec.Body.String())
		}
		var cid int64
		if err := s.app.Store.DB().QueryRow(`SELECT id FROM corrective_actions WHERE engagement_id = $1`, id).Scan(&cid); err != nil {
			t.Fatal(err)
		}
		respond := fmt.Sprintf("%s/corrective-actions/%d/respond", base, cid)
		doc = parsePage(t, "vendor's audits", s.do(t, http.MethodGet, base+"/audits", anika, nil))
		if len(elements(doc, func(n *html.Node) bool { return n.Data == "form" && attrOf(n, "action") == respond })) != 1 {
			t.Errorf("the vendor manager has no response form")
		}
		if rec := s.do(t, http.MethodPost, respond, anika, url.Values{"response": {"Recoded and retrained the reviewer"}}); rec.Code != http.StatusSeeOther {
			t.Fatalf("respond: %d %s", rec.Code, rec.Body.String())
		}
		verify := fmt.Sprintf("%s/corrective-actions/%d/verify", base, cid)
		if rec := s.do(t, http.MethodPost, verify, daniel, url.Values{"decision": {"accept"}}); rec.Code != http.StatusForbidden {
			t.Errorf("staff verifying: %d, want 403", rec.Code)
		}
		if rec := s.do(t, http.MethodPost, verify, marcus, url.Values{"decision": {"accept"}, "note": {"Checked ten recoded documents"}}); rec.Code != http.StatusSeeOther {
			t.Fatalf("verify: %d %s", rec.Code, rec.Body.String())
		}
		doc = parsePage(t, "closed action", s.do(t, http.MethodGet, base+"/audits", marcus, nil))
		if ca := nodeByID(doc, fmt.Sprintf("corrective-%d", cid)); ca == nil || !strings.Contains(text(ca), "Closed") {
			t.Errorf("the corrective action is not shown closed")
		}

		// The client: the completed audit in one line, nothing else.
		doc = parsePage(t, "client summary", s.do(t, http.MethodGet, base+"/audits", helen, nil))
		if sum := idText(doc, "audit-summary"); !strings.Contains(sum, "Failed") || !strings.Contains(sum, "With 80% confidence the error rate is below") {
			t.Errorf("the client's summary does not state the result: %q", sum)
		}
		if nodeByID(doc, "corrective") != nil || nodeByID(doc, "batches") != nil || strings.Contains(text(doc), "DOC-001") {
			t.Errorf("the client sees more than the summary")
		}
	})
}
