package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/probity/probity/internal/demo"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// TestBrowserQualityAudit walks issue 7's quality-audit story in headless
// Chromium against `probity serve --demo`, one tab per person, every step a
// click or a typed form. Marcus Oyelaran finds this week's audit of Lexora's
// review batch on Calloway in his home page's "Quality audits due" card,
// follows it to the engagement's Quality audits tab (the plan and its
// switching rules), starts it with no seed, reads the recorded seed and the
// command that reproduces the draw, scores every sampled item (two failing
// accuracy, the rest clean; the first few and the last through the page,
// the others through the JSON API with a token), completes the audit and reads the verdict, the
// error rate with its Wilson and Clopper–Pearson intervals and the
// statement, each checked against the domain's own statistics. He raises a
// corrective action from a finding; Anika Deshmukh (Lexora's manager, with
// her second factor) answers it; Marcus accepts and closes it. Helen Calloway
// (the client) sees the completed audits' verdicts and statements and
// nothing of the items, scores or corrective actions. Eleanor Hartwell
// compares the vendor scorecards and opens Lexora's, whose chart is an image
// with a label and its numbers in a table. With PROBITY_UPDATE_SCREENSHOTS=1
// the SQLite run also refreshes docs/screenshots/audit-results.png and
// vendor-scorecard.png.
func TestBrowserQualityAudit(t *testing.T) {
	browser := startBrowser(t)
	update := os.Getenv("PROBITY_UPDATE_SCREENSHOTS") == "1"
	accounts := map[string]demo.Account{}
	for _, a := range demo.Accounts() {
		accounts[a.Name] = a
	}
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		started := time.Now()
		// The API's scores come as fast as the server answers: no rate limit.
		r := startServer(t, e, "--demo", "--api-token-rate", "0", "--api-address-rate", "0")
		shots := screenshotDirs{artifacts: testenv.ArtifactDir(t), prefix: e.Name + "-audit"}
		if update && e.Name == "sqlite" {
			shots.docs = docsScreenshotDir(t)
		}
		s := openTestStore(t, r.DB, r.Data)
		engID := sqlInt(t, s, `SELECT id FROM engagements WHERE description = 'First-level responsiveness and privilege review of 48,000 documents'`)
		lexoraID := sqlInt(t, s, `SELECT id FROM vendors WHERE name LIKE 'Lexora%'`)
		auditID := sqlInt(t, s, fmt.Sprintf(`SELECT id FROM audits WHERE engagement_id = %d AND state = 'due'`, engID))
		batchID := sqlInt(t, s, fmt.Sprintf(`SELECT batch_id FROM audits WHERE id = %d`, auditID))
		var matterNumber string
		sqlScan(t, s, fmt.Sprintf(`SELECT m.number FROM matters m JOIN engagements e ON e.matter_id = m.id WHERE e.id = %d`, engID), &matterNumber)
		base := fmt.Sprintf("%s/engagements/%d", r.URL, engID)
		auditPath := fmt.Sprintf("/engagements/%d/audits/%d", engID, auditID)

		// 1. Marcus finds the due audit on his home page and follows it.
		marcus := journeyTab(t, browser, r.URL, accounts["Marcus Oyelaran"])
		marcus.navigateBy(t, "open the home page", chromedp.Navigate(r.URL+"/home"))
		marcus.need(t, "#home-audits")
		row := fmt.Sprintf("#home-audits tr#my-audit-%d", auditID)
		marcus.need(t, row)
		if got := marcus.text(t, row+` td[data-label="Matter"]`); got != matterNumber {
			t.Errorf("the home card's audit is on matter %q, want Calloway's %s", got, matterNumber)
		}
		if got := marcus.text(t, row+` td[data-label="Vendor"]`); !strings.HasPrefix(got, "Lexora") {
			t.Errorf("the home card's audit is of vendor %q, want Lexora", got)
		}
		if got := marcus.text(t, row+` td[data-label="State"]`); got != "Due" {
			t.Errorf("the home card's audit is %q, want Due", got)
		}
		marcus.navigateBy(t, "follow the due audit", chromedp.Click(chromedp.CSS(row+" a")))
		if got := marcus.path(t); got != fmt.Sprintf("/engagements/%d/audits#audit-%d", engID, auditID) {
			t.Fatalf("the home card's link led to %s, want the audit's row on the engagement's Quality audits tab", got)
		}
		if cur := marcus.text(t, `nav.engagement-tabs a[aria-current="page"]`); cur != "Quality audits" {
			t.Errorf("the current engagement tab is %q, want Quality audits", cur)
		}
		plan := marcus.text(t, "#plan-facts")
		for _, want := range []string{"Weekly", "Items of an imported batch", "stratified", "95% confidence", "margin 5%", "at most 5%", "Marcus Oyelaran"} {
			if !strings.Contains(plan, want) {
				t.Errorf("the plan reads %q, without %q", plan, want)
			}
		}
		rules := marcus.texts(t, "#switch-rules li")
		if len(rules) == 0 {
			t.Errorf("the tab states no switching rules")
		}
		if !strings.Contains(strings.Join(rules, " "), "ause") {
			t.Errorf("the switching rules %q do not say the engagement pauses after 3 failed audits", rules)
		}
		shots.save(t, marcus, "plan.png", "")

		// He starts it: the batch is the audit's, the seed left empty.
		form := fmt.Sprintf("#start-%d", auditID)
		marcus.need(t, form)
		if got := marcus.value(t, fmt.Sprintf("#start-batch-%d", auditID)); got != strconv.FormatInt(batchID, 10) {
			t.Logf("the start form preselects batch %s, not the due audit's batch %d: choosing it", got, batchID)
			marcus.do(t, "choose the audit's batch", chromedp.SetValue(chromedp.CSS(fmt.Sprintf("#start-batch-%d", auditID)), strconv.FormatInt(batchID, 10)))
		}
		if got := marcus.value(t, fmt.Sprintf("#start-seed-%d", auditID)); got != "" {
			t.Fatalf("the seed field starts with %q, want empty", got)
		}
		marcus.submit(t, "start the audit", form)
		if got := marcus.path(t); got != auditPath {
			t.Fatalf("starting the audit led to %s, want %s", got, auditPath)
		}
		if got := marcus.text(t, "#audit-state"); got != "Being scored" {
			t.Errorf("after starting, the audit is %q, want Being scored", got)
		}
		var sampleSize, population int64
		var seed string
		sqlScan(t, s, fmt.Sprintf(`SELECT sample_size, population_size, seed FROM audits WHERE id = %d`, auditID), &sampleSize, &population, &seed)
		if seed == "" || sampleSize == 0 {
			t.Fatalf("the started audit recorded seed %q and %d samples", seed, sampleSize)
		}
		if got := marcus.text(t, "#seed"); got != seed {
			t.Errorf("the page shows seed %q, the audit recorded %q", got, seed)
		}
		if cmd := marcus.text(t, "#sample-command"); !strings.HasPrefix(cmd, "probity audit sample --seed ") || !strings.Contains(cmd, seed) ||
			!strings.Contains(cmd, fmt.Sprintf("--size %d", sampleSize)) {
			t.Errorf("the reproduce command reads %q; want `probity audit sample` with seed %q and size %d", cmd, seed, sampleSize)
		}
		if got, want := marcus.text(t, "#sample-size"), fmt.Sprintf("%d items, 0 scored", sampleSize); got != want {
			t.Errorf("the sample reads %q, want %q", got, want)
		}
		if got, want := marcus.text(t, "#population"), fmt.Sprintf("%d items", population); got != want {
			t.Errorf("the population reads %q, want %q", got, want)
		}

		// He scores the sampled items: the first two fail accuracy, the
		// others are clean (the vendor's decision, which the form offers,
		// confirmed). The demo's sample is over a hundred items, more than a
		// browser test should click through: the first few and the last are
		// scored through the page's forms, the others through the JSON API
		// with his token, as a script would, and the page must count them.
		items := marcus.ids(t, "#items article.sample-item")
		if int64(len(items)) != sampleSize {
			t.Fatalf("the page lists %d sampled items, the audit drew %d", len(items), sampleSize)
		}
		const failing, inBrowser = 2, 8
		if len(items) < inBrowser+2 {
			t.Fatalf("the demo's due audit samples %d items; the story needs more than %d", len(items), inBrowser+1)
		}
		scoring := time.Now()
		scoreInBrowser := func(i int) {
			t.Helper()
			item := "#" + items[i]
			if i < failing {
				marcus.check(t, item+` input[name="fail"][value="accuracy"]`)
				marcus.do(t, "note why "+items[i]+" fails", chromedp.SendKeys(chromedp.CSS(item+` input[name="note"]`), "Privileged email to outside counsel coded not privileged."))
			}
			marcus.submit(t, "score "+items[i], item+" form.score-form")
			if !marcus.eval(t, items[i]+" scored", fmt.Sprintf(`document.querySelector(%q).classList.contains("scored")`, item)) {
				t.Fatalf("after scoring, %s is not marked scored: %q", items[i], marcus.text(t, item+" h3"))
			}
			if got := marcus.text(t, item+" p.small"); (i < failing) != strings.HasPrefix(got, "Failed: accuracy") {
				t.Fatalf("after scoring, %s reads %q", items[i], got)
			}
		}
		for i := range inBrowser {
			scoreInBrowser(i)
		}
		api := newAPICaller(t, r, accounts["Marcus Oyelaran"].Email)
		last := len(items) - 1
		for _, id := range items[inBrowser:last] {
			sid, err := strconv.ParseInt(strings.TrimPrefix(id, "item-"), 10, 64)
			if err != nil {
				t.Fatalf("a sampled item's element is %q, not item-{id}", id)
			}
			body, err := json.Marshal(map[string]any{"sample_id": sid, "correct_decision": marcus.value(t, "#correct-"+strconv.FormatInt(sid, 10))})
			if err != nil {
				t.Fatal(err)
			}
			api.json(t, "POST", fmt.Sprintf("/engagements/%d/audits/%d/scores", engID, auditID), bytes.NewReader(body), 200, nil)
		}
		marcus.navigateBy(t, "reload the audit", chromedp.Navigate(r.URL+auditPath))
		if got, want := marcus.text(t, "#sample-size"), fmt.Sprintf("%d items, %d scored", sampleSize, last); got != want {
			t.Errorf("after the API's scores the sample reads %q, want %q", got, want)
		}
		if got := marcus.count(t, "#items article.sample-item.scored"); got != last {
			t.Errorf("after the API's scores the page marks %d items scored, want %d", got, last)
		}
		if got := marcus.text(t, "#verdict"); !strings.HasPrefix(got, "Not yet: 1 item to score") {
			t.Errorf("with one item left the verdict reads %q", got)
		}
		scoreInBrowser(last)
		t.Logf("%s: scored %d items (%d in the browser) in %s", e.Name, len(items), inBrowser+1, time.Since(scoring).Round(time.Millisecond))
		marcus.submit(t, "complete the audit", "#complete-form")
		if got := marcus.text(t, "#audit-state"); got != "Completed" {
			t.Fatalf("after completing, the audit is %q", got)
		}
		if marcus.eval(t, "scoring forms", `document.querySelector("form.score-form, #complete-form") !== null`) {
			t.Errorf("a completed audit still offers to score or complete")
		}
		verdict := checkAuditResults(t, marcus, s, auditID, failing, int(sampleSize))
		shots.saveElement(t, marcus, "#results", "results.png", "audit-results.png")
		marcus.checkClean(t)

		// 2. He raises a corrective action from the first finding.
		findings := marcus.ids(t, "#findings tbody tr")
		if len(findings) != failing {
			t.Fatalf("the audit lists %d findings, want %d (one per item failing accuracy)", len(findings), failing)
		}
		if got := marcus.text(t, "#"+findings[0]+` td[data-label="Item"]`); !strings.HasPrefix(got, "CFS-REV-") {
			t.Errorf("the finding names item %q, want one of the batch's CFS-REV- ids", got)
		}
		finding := strings.TrimPrefix(findings[0], "finding-")
		description := "Re-check the privilege calls on emails with outside counsel in this batch and re-code any missed."
		due := time.Now().AddDate(0, 0, 7).Format("2006-01-02")
		marcus.do(t, "open the raise form", chromedp.Click(chromedp.CSS("#"+findings[0]+" details summary")))
		marcus.do(t, "fill the corrective action",
			chromedp.SendKeys(chromedp.CSS("#ca-desc-"+finding), description),
			chromedp.SetValue(chromedp.CSS("#ca-due-"+finding), due))
		marcus.submit(t, "raise the corrective action", "#"+findings[0]+" form")
		raised := marcus.text(t, "#corrective-list")
		if !strings.Contains(raised, description) || !strings.Contains(raised, "Open") {
			t.Fatalf("after raising, the audit's corrective actions read %q", raised)
		}
		href, err := chromedp.Run(marcus.ctx, chromedp.Evaluate[string](`document.querySelector('#corrective-list a[href*="#corrective-"]').getAttribute("href")`))
		if err != nil {
			t.Fatalf("read the corrective action's link: %v", err)
		}
		_, anchor, _ := strings.Cut(href, "#")
		ca := "#" + anchor
		marcus.checkClean(t)

		// 3. Anika, with her second factor, answers it on the tab.
		anika := journeyTab(t, browser, r.URL, accounts["Anika Deshmukh"])
		anika.navigateBy(t, "open the engagement", chromedp.Navigate(base))
		anika.navigateBy(t, "open the Quality audits tab", chromedp.Click(chromedp.CSS(`nav.engagement-tabs a[href$="/audits"]`)))
		anika.need(t, ca)
		if got := anika.text(t, ca+" h3"); !strings.Contains(got, description) || !strings.HasPrefix(got, "Open") {
			t.Errorf("the vendor reads the corrective action as %q", got)
		}
		if anika.eval(t, "vendor sees batches", `document.querySelector("#batches, #plan-form, form.score-form") !== null`) {
			t.Errorf("the vendor's manager is offered the firm's audit forms")
		}
		response := "The three reviewers re-checked every outside-counsel email in the batch; 14 re-coded privileged."
		anika.do(t, "type the response", chromedp.SendKeys(chromedp.CSS(ca+" textarea"), response))
		shots.save(t, anika, "corrective-respond.png", "")
		anika.submit(t, "send the response", ca+` form[action$="/respond"]`)
		if got := anika.text(t, ca+" h3 .badge"); got != "Responded" {
			t.Errorf("after answering, the action is %q, want Responded", got)
		}
		if got := anika.text(t, ca+" dl"); !strings.Contains(got, response) {
			t.Errorf("after answering, the action reads %q, without the response", got)
		}
		anika.checkClean(t)

		// 4. Marcus verifies and closes it.
		marcus.navigateBy(t, "open the Quality audits tab", chromedp.Click(chromedp.CSS(`nav.engagement-tabs a[href$="/audits"]`)))
		marcus.need(t, ca+` form[action$="/verify"]`)
		if got := marcus.text(t, ca+" dl"); !strings.Contains(got, response) {
			t.Errorf("the attorney reads the action as %q, without the vendor's response", got)
		}
		if !marcus.eval(t, "accept chosen", fmt.Sprintf(`document.querySelector(%q).checked`, ca+` input[name="decision"][value="accept"]`)) {
			marcus.do(t, "choose to accept", chromedp.Click(chromedp.CSS(ca+` input[name="decision"][value="accept"]`)))
		}
		marcus.do(t, "type the note", chromedp.SendKeys(chromedp.CSS(ca+" textarea"), "Re-check sampled: the calls are right now."))
		marcus.submit(t, "close the corrective action", ca+` form[action$="/verify"]`)
		if got := marcus.text(t, ca+" h3 .badge"); got != "Closed" {
			t.Errorf("after verifying, the action is %q, want Closed", got)
		}
		if marcus.eval(t, "forms on a closed action", fmt.Sprintf(`document.querySelector(%q) !== null`, ca+" form")) {
			t.Errorf("a closed corrective action still offers a form")
		}
		if got := marcus.text(t, fmt.Sprintf("#audit-%d", auditID)); !strings.Contains(got, "Completed") {
			t.Errorf("the tab's row of the audit reads %q, want Completed", got)
		}
		marcus.checkClean(t)

		// 5. Helen sees the completed audits' summary and nothing else.
		helen := journeyTab(t, browser, r.URL, accounts["Helen Calloway"])
		helen.navigateBy(t, "open the engagement", chromedp.Navigate(base))
		helen.navigateBy(t, "open the Quality audits tab", chromedp.Click(chromedp.CSS(`nav.engagement-tabs a[href$="/audits"]`)))
		helen.need(t, "#audit-summary")
		completed := sqlInt(t, s, fmt.Sprintf(`SELECT COUNT(*) FROM audits WHERE engagement_id = %d AND state = 'completed'`, engID))
		if rows := helen.ids(t, "#audit-summary tbody tr"); int64(len(rows)) != completed {
			t.Errorf("the client's summary lists %d audits, the engagement has %d completed", len(rows), completed)
		}
		mine := fmt.Sprintf("#audit-summary tr#audit-%d", auditID)
		helen.need(t, mine)
		if got, want := helen.text(t, mine+` td[data-label="Verdict"]`), verdict; got != want {
			t.Errorf("the client reads the verdict %q, the attorney %q", got, want)
		}
		if got := helen.text(t, mine+` td[data-label="Result"]`); !strings.HasPrefix(got, "With 95% confidence the error rate is below ") {
			t.Errorf("the client reads the result %q, want the statement", got)
		}
		// Each statement must be true: "below" a rate at least the one-sided
		// upper bound of the audit's errors in its sample.
		rows, err := s.ReadDB().QueryContext(context.Background(), fmt.Sprintf(
			`SELECT id, errors, sample_size, confidence_ppm FROM audits WHERE engagement_id = %d AND state = 'completed'`, engID))
		if err != nil {
			t.Fatal(err)
		}
		type done struct {
			id, errors, n, confPPM int64
		}
		var audits []done
		for rows.Next() {
			var d done
			if err := rows.Scan(&d.id, &d.errors, &d.n, &d.confPPM); err != nil {
				t.Fatal(err)
			}
			audits = append(audits, d)
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			t.Fatal(err)
		}
		for _, d := range audits {
			ub, err := domain.UpperBound(int(d.errors), int(d.n), float64(d.confPPM)/1e6)
			if err != nil {
				t.Fatal(err)
			}
			got := helen.text(t, fmt.Sprintf(`#audit-summary tr#audit-%d td[data-label="Result"]`, d.id))
			if p := percentsIn(got); len(p) != 3 || p[1] < 100*ub-1e-9 {
				t.Errorf("the client reads audit %d (%d errors in %d) as %q: the upper bound is %.4f%%, so the rate is not below that", d.id, d.errors, d.n, got, 100*ub)
			}
		}
		page := helen.text(t, "main")
		for _, secret := range []string{"CFS-REV-", description, response, "Re-train the reviewers", "Failed: ", "Corrective", "Record the score"} {
			if strings.Contains(page, secret) {
				t.Errorf("the client's Quality audits tab shows %q", secret)
			}
		}
		if firm := helen.ids(t, "main #plan, main #batches, main #audits, main #corrective, main form"); len(firm) > 0 {
			t.Errorf("the client's tab has the firm's sections or forms: %q", firm)
		}
		shots.save(t, helen, "client-audits.png", "")
		helen.checkClean(t)

		// 6. Eleanor compares the scorecards and opens Lexora's.
		eleanor := journeyTab(t, browser, r.URL, accounts["Eleanor Hartwell"])
		eleanor.navigateBy(t, "open the vendors", chromedp.Click(chromedp.CSS(`nav#primary-nav a[href="/vendors"]`)))
		eleanor.navigateBy(t, "compare the scorecards", chromedp.Click(chromedp.CSS("#scorecards-link")))
		if got := eleanor.path(t); got != "/vendors/scorecards" {
			t.Fatalf("the scorecards link led to %s", got)
		}
		lexAudits := sqlInt(t, s, fmt.Sprintf(`SELECT COUNT(*) FROM audits a JOIN engagements e ON e.id = a.engagement_id WHERE e.vendor_id = %d AND a.state = 'completed'`, lexoraID))
		lexPassed := sqlInt(t, s, fmt.Sprintf(`SELECT COUNT(*) FROM audits a JOIN engagements e ON e.id = a.engagement_id WHERE e.vendor_id = %d AND a.state = 'completed' AND a.verdict = 'pass'`, lexoraID))
		lexRow := fmt.Sprintf(`#scorecards tr[data-vendor="%d"]`, lexoraID)
		eleanor.need(t, lexRow)
		if got, want := eleanor.text(t, lexRow+" .sc-pass"), fmt.Sprintf("%d of %d ", lexPassed, lexAudits); !strings.HasPrefix(got, want) {
			t.Errorf("Lexora's audits passed read %q, want %q…", got, want)
		}
		if got := eleanor.text(t, lexRow+" .sc-interval"); len(percentsIn(got)) != 2 {
			t.Errorf("Lexora's interval reads %q, want two percentages", got)
		}
		if got := eleanor.ids(t, "#scorecards tbody tr"); len(got) < 2 {
			t.Errorf("the comparison lists %d vendors, want several", len(got))
		}
		shots.save(t, eleanor, "scorecards.png", "")
		eleanor.navigateBy(t, "open Lexora's scorecard", chromedp.Click(chromedp.CSS(lexRow+" a")))
		if got := eleanor.path(t); got != fmt.Sprintf("/vendors/%d#scorecard", lexoraID) {
			t.Fatalf("Lexora's link led to %s", got)
		}
		eleanor.need(t, "#scorecard figure.chart svg")
		if label := eleanor.attr(t, "#scorecard figure.chart svg", "role"); label != "img" {
			t.Errorf("the chart's svg has role %q, want img", label)
		}
		if label := eleanor.attr(t, "#scorecard figure.chart svg", "aria-label"); !strings.Contains(label, "Error rate") {
			t.Errorf("the chart's aria-label is %q", label)
		}
		points := eleanor.count(t, "#scorecard figure.chart svg circle.chart-point")
		rowsNotes := eleanor.texts(t, "#scorecard figure.chart table.chart-data tbody tr td:last-child")
		if points == 0 || len(rowsNotes) != points {
			t.Errorf("the chart has %d points and its table %d rows, want the same, at least one", points, len(rowsNotes))
		}
		// Each row's note is "errors / items (audits)": the audits add up
		// to Lexora's completed audits.
		var charted int64
		for _, n := range rowsNotes {
			_, audits, _ := strings.Cut(n, "(")
			k, err := strconv.ParseInt(strings.TrimSuffix(audits, ")"), 10, 64)
			if err != nil {
				t.Fatalf("a chart table row's note reads %q", n)
			}
			charted += k
		}
		if charted != lexAudits {
			t.Errorf("the chart's table counts %d audits, Lexora has %d completed", charted, lexAudits)
		}
		// Every axis label is drawn inside the chart, not cut at its edge.
		clipped, err := chromedp.Run(eleanor.ctx, chromedp.Evaluate[[]string](`(() => {
			const svg = document.querySelector("#scorecard figure.chart svg"), vb = svg.viewBox.baseVal;
			return Array.from(svg.querySelectorAll("text.chart-xtick, text.chart-ytick"), (e) => {
				const b = e.getBBox();
				const out = b.x < vb.x - 0.5 || b.y < vb.y - 0.5 || b.x + b.width > vb.x + vb.width + 0.5 || b.y + b.height > vb.y + vb.height + 0.5;
				return out ? e.textContent + " at x " + Math.round(b.x) + "–" + Math.round(b.x + b.width) + " of 0–" + vb.width : "";
			}).filter((s) => s !== "");
		})()`))
		if err != nil {
			t.Fatalf("measure the chart's labels: %v", err)
		}
		for _, c := range clipped {
			t.Errorf("the scorecard chart's axis label %s falls outside the chart and is cut", c)
		}
		if got := eleanor.text(t, "#sc-audits"); got != strconv.FormatInt(lexAudits, 10) {
			t.Errorf("the scorecard's completed audits read %q, want %d", got, lexAudits)
		}
		shots.saveElement(t, eleanor, "#scorecard", "vendor-scorecard.png", "vendor-scorecard.png")
		eleanor.checkClean(t)
		t.Logf("%s: the quality-audit story took %s", e.Name, time.Since(started).Round(time.Millisecond))
	})
}

// checkAuditResults checks the completed audit's results card against the
// domain's statistics for failed items in error out of n at the audit's
// confidence, and returns the verdict as the page shows it.
func checkAuditResults(t *testing.T, tb *browserTab, s *store.Store, auditID int64, failed, n int) string {
	t.Helper()
	var confPPM, maxPPM int64
	sqlScan(t, s, fmt.Sprintf(`SELECT confidence_ppm, max_error_ppm FROM audits WHERE id = %d`, auditID), &confPPM, &maxPPM)
	conf, maxRate := float64(confPPM)/1e6, float64(maxPPM)/1e6
	ub, err := domain.UpperBound(failed, n, conf)
	if err != nil {
		t.Fatal(err)
	}
	wilson, err := domain.Wilson(failed, n, conf)
	if err != nil {
		t.Fatal(err)
	}
	exact, err := domain.ClopperPearson(failed, n, conf)
	if err != nil {
		t.Fatal(err)
	}
	want := "Failed"
	if ub <= maxRate {
		want = "Passed"
	}
	verdict := tb.text(t, "#verdict")
	if verdict != want {
		t.Errorf("the verdict reads %q; with %d errors in %d the upper bound is %.4f against %.4f: want %s", verdict, failed, n, ub, maxRate, want)
	}
	if got, w := tb.text(t, "#errors"), fmt.Sprintf("%d of %d scored", failed, n); got != w {
		t.Errorf("the errors read %q, want %q", got, w)
	}
	// The page shows percentages with two decimals.
	near := func(what string, got []float64, want ...float64) {
		t.Helper()
		if len(got) != len(want) {
			t.Errorf("%s: the page shows %v, want %d percentages", what, got, len(want))
			return
		}
		for i := range want {
			if math.Abs(got[i]-100*want[i]) > 0.0051 {
				t.Errorf("%s: the page shows %v%%, want %.4f%%", what, got[i], 100*want[i])
			}
		}
	}
	near("error rate", percentsIn(tb.text(t, "#error-rate")), float64(failed)/float64(n))
	near("Wilson interval", percentsIn(tb.text(t, "#wilson")), wilson.Low, wilson.High, conf)
	near("Clopper–Pearson interval", percentsIn(tb.text(t, "#clopper-pearson")), exact.Low, exact.High, conf)
	statement := tb.text(t, "#statement")
	prefix := fmt.Sprintf("With %g%% confidence the error rate is below ", 100*conf)
	if !strings.HasPrefix(statement, prefix) {
		t.Fatalf("the statement reads %q, want it to begin %q", statement, prefix)
	}
	if b := percentsIn(statement); len(b) != 3 || b[1] < 100*ub || b[1]-100*ub > 0.1+1e-9 {
		t.Errorf("the statement %q does not give the upper bound %.4f%% rounded up to 0.1", statement, 100*ub)
	}
	return verdict
}

// percentRE matches a percentage as the pages write it.
var percentRE = regexp.MustCompile(`(\d+(?:\.\d+)?)\s*%`)

// percentsIn is every percentage in s, in order, as numbers (2.5% → 2.5).
func percentsIn(s string) []float64 {
	var out []float64
	for _, m := range percentRE.FindAllStringSubmatch(s, -1) {
		v, err := strconv.ParseFloat(m[1], 64)
		if err == nil {
			out = append(out, v)
		}
	}
	return out
}

// texts is the trimmed text of every element sel matches.
func (tb *browserTab) texts(t *testing.T, sel string) []string {
	t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[[]string](fmt.Sprintf(`Array.from(document.querySelectorAll(%q), e => e.textContent.trim())`, sel)))
	if err != nil {
		t.Fatalf("read %s: %v", sel, err)
	}
	return v
}

// ids is the id of every element sel matches, in document order.
func (tb *browserTab) ids(t *testing.T, sel string) []string {
	t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[[]string](fmt.Sprintf(`Array.from(document.querySelectorAll(%q), e => e.id)`, sel)))
	if err != nil {
		t.Fatalf("read %s: %v", sel, err)
	}
	return v
}

// count is how many elements sel matches.
func (tb *browserTab) count(t *testing.T, sel string) int {
	t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[int](fmt.Sprintf(`document.querySelectorAll(%q).length`, sel)))
	if err != nil {
		t.Fatalf("count %s: %v", sel, err)
	}
	return v
}

// attr is the attribute of the first element sel matches ("" if none).
func (tb *browserTab) attr(t *testing.T, sel, name string) string {
	t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[string](fmt.Sprintf(`document.querySelector(%q)?.getAttribute(%q) || ""`, sel, name)))
	if err != nil {
		t.Fatalf("read %s's %s: %v", sel, name, err)
	}
	return v
}

// saveElement writes a screenshot of the element sel matches as
// <prefix>-name in the artifacts, and as docsName in docs/screenshots when
// both are set.
func (s screenshotDirs) saveElement(t *testing.T, tb *browserTab, sel, name, docsName string) {
	t.Helper()
	png, err := chromedp.Run(tb.ctx, chromedp.Screenshot(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("screenshot %s: %v", sel, err)
	}
	s.write(t, filepath.Join(s.artifacts, s.prefix+"-"+name), png)
	if s.docs != "" && docsName != "" {
		s.write(t, filepath.Join(s.docs, docsName), png)
	}
}

// sqlScan reads one row of query into dest, on either engine (the query
// is written to read the same on both).
func sqlScan(t *testing.T, s *store.Store, query string, dest ...any) {
	t.Helper()
	if err := s.ReadDB().QueryRowContext(context.Background(), query).Scan(dest...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// sqlInt reads one integer.
func sqlInt(t *testing.T, s *store.Store, query string) int64 {
	t.Helper()
	var n int64
	sqlScan(t, s, query, &n)
	return n
}
