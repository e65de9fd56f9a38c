package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/probity/probity/internal/demo"
	"github.com/probity/probity/internal/domain"
)

// journeyTabTimeout bounds everything one person does in the engagement
// journey: the attorney's tab lives from the proposal to the release.
const journeyTabTimeout = 2 * time.Minute

// engagementJourney is where walkEngagementJourney leaves the engagement:
// work in progress, one deliverable released to the client, and the tabs of
// the people who did it, still signed in.
type engagementJourney struct {
	id, matterID, lexoraID    int64
	base                      string // the engagement page's URL
	priya, anika, rohan, sam  *browserTab
	priyaID, anikaID, rohanID int64
}

// walkEngagementJourney walks issue 6's whole engagement story in
// headless Chromium against `probity serve --demo`, one tab per person, every
// step a click or a typed form: Priya Raman proposes Lexora for Greenfield's
// loan-file review (2026-0203) from the matter page and issues the
// disclosure; Sam Okafor consents in the portal; Priya opens the
// engagement. Both sides fill the communication plan, Anika Deshmukh (the
// vendor manager, with her second factor) puts herself and Rohan Kulkarni on
// the team, Priya records the kickoff and both sides confirm it. Priya
// publishes the briefing; Anika and Rohan acknowledge it. Priya drafts the
// statement of work with one work item and approves it; Anika approves it.
// Rohan uploads a deliverable; Priya reviews it from her queue, approves it
// and releases it to the client; Sam finds it under Released work and it
// downloads as the file Rohan uploaded. The stage is asserted at each
// transition, and no tab logs an error or reaches past the server.
//
// TestBrowserJourney runs it on SQLite and PostgreSQL and goes on to the
// invoices and the close.
func walkEngagementJourney(t *testing.T, browser context.Context, r *running, accounts map[string]demo.Account, shots screenshotDirs) engagementJourney {
	t.Helper()
	{
		s := openTestStore(t, r.DB, r.Data)
		ctx := context.Background()
		idOf := func(query string) int64 {
			t.Helper()
			var id int64
			if err := s.ReadDB().QueryRowContext(ctx, query).Scan(&id); err != nil {
				t.Fatalf("%s: %v", query, err)
			}
			return id
		}
		// The demo's emails have no quotes: they are written into the query
		// as they are, which reads the same on both engines.
		userID := func(name string) int64 {
			return idOf(fmt.Sprintf(`SELECT id FROM users WHERE email = '%s'`, accounts[name].Email))
		}
		matterID := idOf(`SELECT id FROM matters WHERE number = '2026-0203'`)
		lexoraID := idOf(`SELECT id FROM vendors WHERE name LIKE 'Lexora%'`)
		priyaID, anikaID, rohanID := userID("Priya Raman"), userID("Anika Deshmukh"), userID("Rohan Kulkarni")
		var before int
		if err := s.ReadDB().QueryRowContext(ctx, fmt.Sprintf(`SELECT COUNT(*) FROM engagements WHERE matter_id = %d AND vendor_id = %d`, matterID, lexoraID)).Scan(&before); err != nil {
			t.Fatal(err)
		}
		if before != 0 {
			t.Fatalf("the demo already has %d Lexora engagement(s) on 2026-0203; the journey starts from none", before)
		}

		// 1. Priya proposes Lexora from the matter page.
		priya := journeyTab(t, browser, r.URL, accounts["Priya Raman"])
		priya.navigateBy(t, "open the matters", chromedp.Navigate(r.URL+"/matters"))
		priya.navigateBy(t, "open 2026-0203", chromedp.Click(chromedp.CSS(fmt.Sprintf(`main a[href="/matters/%d"]`, matterID))))
		priya.need(t, "#propose-vendor")
		priya.do(t, "choose Lexora", chromedp.SetValue(chromedp.CSS("#propose-vendor"), strconv.FormatInt(lexoraID, 10)))
		priya.navigateBy(t, "check the gates", chromedp.Click(chromedp.CSS(`#check-form button[type="submit"]`)))
		priya.need(t, "#propose-form")
		service := priya.value(t, `#propose-service option:nth-child(2)`)
		priya.do(t, "fill the proposal",
			chromedp.SetValue(chromedp.CSS("#propose-service"), service),
			chromedp.SendKeys(chromedp.CSS("#propose-description"), "Review Greenfield's 2024 loan files against the examiners' findings and flag exceptions."),
			chromedp.SetValue(chromedp.CSS("#propose-supervisor"), strconv.FormatInt(priyaID, 10)),
			chromedp.Click(chromedp.CSS(`#propose-form input[name="billing_mode"][value="disbursement"]`)),
		)
		shots.save(t, priya, "proposal.png", "")
		priya.submit(t, "record the proposal", "#propose-form")
		engPath, _, _ := strings.Cut(priya.path(t), "#")
		id, err := strconv.ParseInt(strings.TrimPrefix(engPath, "/engagements/"), 10, 64)
		if err != nil {
			t.Fatalf("the proposal led to %s, not an engagement page", engPath)
		}
		base := fmt.Sprintf("%s/engagements/%d", r.URL, id)
		priya.wantStage(t, "after the proposal", "Proposed")
		if priya.eval(t, "open button", `document.querySelector("#open-form") !== null`) {
			t.Fatalf("the engagement offers to open before the client consented")
		}

		// Priya issues the disclosure Probity drafted.
		if !priya.eval(t, "draft open", `document.querySelector("#issue-form button")?.checkVisibility() === true`) {
			priya.do(t, "open the disclosure draft", chromedp.Click(chromedp.CSS("#draft summary")))
		}
		priya.submit(t, "issue the disclosure", "#issue-form")
		priya.checkClean(t)

		// 2. Sam consents in the portal.
		sam := journeyTab(t, browser, r.URL, accounts["Sam Okafor"])
		sam.navigateBy(t, "open the engagement", chromedp.Navigate(base))
		sam.need(t, "#consent-form")
		if text := sam.text(t, "#issued-disclosure"); !strings.Contains(text, "Lexora") {
			t.Fatalf("the client reads a disclosure that does not name Lexora: %q", text)
		}
		sam.do(t, "type the name", chromedp.SendKeys(chromedp.CSS("#typed-name"), "Sam Okafor"))
		sam.navigateBy(t, "consent", chromedp.Click(chromedp.CSS(`#consent-form button[value="give"]`)))
		sam.noError(t, "consent")
		if got := strings.TrimSpace(sam.text(t, "#consent-state")); got != "Consent given" {
			t.Fatalf("after consenting the client's page says %q", got)
		}
		sam.checkClean(t)

		// 3. Priya opens the engagement.
		priya.navigateBy(t, "reload the engagement", chromedp.Navigate(base))
		priya.need(t, "#gates")
		if g := gateStates(t, priya); len(g) == 0 || !allMet(g) {
			t.Fatalf("after the consent the gates are %v, want all met", g)
		}
		priya.submit(t, "open the engagement", "#open-form")
		priya.wantStage(t, "after opening", "Setting up communication")
		shots.save(t, priya, "opened.png", "")

		// 4. The communication plan: the firm's side first.
		priya.navigateBy(t, "open the communication tab", chromedp.Click(chromedp.CSS(`nav.engagement-tabs a[href$="/communication"]`)))
		priya.need(t, `form[action$="/communication"]`)
		// A vendor sees only the engagements it is on: Priya puts Lexora's
		// manager on the team as its lead.
		priya.need(t, `form[action$="/members"]`)
		priya.do(t, "choose Anika as the vendor's lead",
			chromedp.SetValue(chromedp.CSS("#m-user"), strconv.FormatInt(anikaID, 10)),
			chromedp.SetValue(chromedp.CSS("#m-role"), domain.MemberVendorLead))
		priya.submit(t, "add Anika", `form[action$="/members"]`)
		priya.check(t, fmt.Sprintf(`input[name="contacts"][value="%d"]`, priyaID))
		priya.check(t, fmt.Sprintf(`input[name="channels"][value="%s"]`, domain.ChannelProbity))
		priya.check(t, fmt.Sprintf(`input[name="channels"][value="%s"]`, domain.ChannelVideo))
		priya.do(t, "choose the cadence", chromedp.SetValue(chromedp.CSS("#c-cadence"), string(domain.CadenceWeekly)))
		priya.do(t, "type the time zone", retype("#c-tz", "America/New_York"))
		priya.do(t, "type the hours", retype("#c-start", "09:00"), retype("#c-end", "18:00"))
		priya.do(t, "type the escalation", retype("#c-esc", "Priya Raman (supervising attorney) | 4\nEleanor Hartwell (managing partner) | 24"))
		priya.do(t, "type the language", retype("#c-lang", "English"))
		priya.submit(t, "save the firm's plan", `form[action$="/communication"]`)
		if !strings.Contains(priya.text(t, "#gate"), "point of contact at the vendor") {
			t.Errorf("with only the firm's side, the gate does not ask for the vendor's contact: %q", priya.text(t, "#gate"))
		}
		priya.checkClean(t)

		// Anika, with her second factor, adds Rohan and fills the vendor's side.
		anika := journeyTab(t, browser, r.URL, accounts["Anika Deshmukh"])
		anika.navigateBy(t, "open the communication page", chromedp.Navigate(base+"/communication"))
		anika.need(t, `form[action$="/members"]`)
		anika.do(t, "add Rohan as a reviewer",
			chromedp.SetValue(chromedp.CSS("#m-user"), strconv.FormatInt(rohanID, 10)),
			chromedp.SetValue(chromedp.CSS("#m-role"), "reviewer"))
		anika.submit(t, "add Rohan", `form[action$="/members"]`)
		for _, uid := range []int64{anikaID, rohanID} {
			if !anika.eval(t, "team row", fmt.Sprintf(`document.querySelector('#team tr[data-member="%d"]') !== null`, uid)) {
				t.Fatalf("user %d is not on the team after being added", uid)
			}
		}
		anika.check(t, fmt.Sprintf(`input[name="contacts"][value="%d"]`, anikaID))
		anika.do(t, "fill the vendor's side of the plan",
			retype("#c-tz", "Asia/Kolkata"), retype("#c-start", "16:00"), retype("#c-end", "23:00"),
		)
		anika.submit(t, "save the vendor's plan", `form[action$="/communication"]`)
		if overlap := anika.text(t, "#overlap"); !strings.Contains(overlap, "h") || strings.Contains(overlap, "Known once") {
			t.Errorf("with both sides' hours the overlap reads %q", overlap)
		}
		shots.save(t, anika, "communication-plan.png", "")
		anika.checkClean(t)

		// Priya records the kickoff; both sides confirm it.
		priya.navigateBy(t, "reload the communication page", chromedp.Navigate(base+"/communication"))
		priya.do(t, "fill the kickoff",
			chromedp.SetValue(chromedp.CSS("#k-at"), time.Now().Add(-26*time.Hour).Format("2006-01-02T15:04")),
			chromedp.SendKeys(chromedp.CSS("#k-att"), "Priya Raman; Anika Deshmukh, Rohan Kulkarni (Lexora)"),
			chromedp.SendKeys(chromedp.CSS("#k-notes"), "Walked through the examiners' findings and the exception log."),
		)
		priya.submit(t, "record the kickoff", `form[action$="/kickoff"]`)
		priya.check(t, `form[action$="/kickoff/confirm"] input[name="confirm"]`)
		priya.submit(t, "confirm the kickoff for the firm", `form[action$="/kickoff/confirm"]`)
		priya.wantStage(t, "after the firm confirmed", "Setting up communication")
		if !strings.Contains(priya.text(t, "#firm-confirmation"), "Priya Raman") {
			t.Errorf("the firm's confirmation reads %q", priya.text(t, "#firm-confirmation"))
		}
		anika.navigateBy(t, "reload the communication page", chromedp.Navigate(base+"/communication"))
		anika.check(t, `form[action$="/kickoff/confirm"] input[name="confirm"]`)
		anika.submit(t, "confirm the kickoff for the vendor", `form[action$="/kickoff/confirm"]`)
		anika.wantStage(t, "after both confirmed", "Briefing the team")
		shots.save(t, anika, "kickoff-confirmed.png", "")
		anika.checkClean(t)

		// 5. Priya writes and publishes the briefing.
		priya.navigateBy(t, "open the briefing tab", chromedp.Click(chromedp.CSS(`nav.engagement-tabs a[href$="/briefing"]`)))
		priya.need(t, `form[action$="/briefing"]`)
		sections := map[string]string{
			"jurisdiction_rules": "Federal credit union rules (12 CFR Part 701) and the NCUA examiners' findings govern.",
			"client_guidelines":  "Greenfield's vendor guidelines: member data stays in the review platform.",
			"privilege_handling": "Flag communications with Greenfield's counsel; do not summarise them.",
			"strategy_fit":       "The review supports the response to the examination report due next quarter.",
			"confidentiality":    "Member personal data: no copies outside the review platform.",
		}
		for key, text := range sections {
			if priya.value(t, "#s-"+key) == "" {
				priya.do(t, "write "+key, chromedp.SendKeys(chromedp.CSS("#s-"+key), text))
			}
		}
		priya.submit(t, "save the briefing draft", `form[action$="/briefing"]`)
		priya.submit(t, "publish the briefing", `form[action$="/briefing/publish"]`)
		if !strings.Contains(priya.text(t, "#current-h"), "version 1") {
			t.Errorf("after publishing the page shows %q", priya.text(t, "#current-h"))
		}
		priya.wantStage(t, "after publishing", "Briefing the team")
		priya.checkClean(t)

		// Anika and Rohan acknowledge it.
		anika.navigateBy(t, "open the briefing", chromedp.Click(chromedp.CSS(`nav.engagement-tabs a[href$="/briefing"]`)))
		anika.do(t, "type the name", chromedp.SendKeys(chromedp.CSS("#b-name"), "Anika Deshmukh"))
		anika.submit(t, "acknowledge for Anika", `form[action$="/briefing/acknowledge"]`)
		anika.wantStage(t, "after the first acknowledgement", "Briefing the team")
		anika.checkClean(t)

		rohan := journeyTab(t, browser, r.URL, accounts["Rohan Kulkarni"])
		rohan.navigateBy(t, "open the briefing", chromedp.Navigate(base+"/briefing"))
		rohan.need(t, "#b-name")
		shots.save(t, rohan, "briefing.png", "")
		rohan.do(t, "type the name", chromedp.SendKeys(chromedp.CSS("#b-name"), "Rohan Kulkarni"))
		rohan.submit(t, "acknowledge for Rohan", `form[action$="/briefing/acknowledge"]`)
		rohan.wantStage(t, "after every member acknowledged", "Agreeing the statement of work")
		rohan.checkClean(t)

		// 6. Priya drafts the statement of work with one work item and approves it.
		priya.navigateBy(t, "open the statement of work", chromedp.Navigate(base+"/sow"))
		priya.need(t, `form[action$="/sow/items"]`)
		task := priya.value(t, `#i-task option:nth-child(2)`)
		act := priya.value(t, `#i-act option:nth-child(2)`)
		priya.do(t, "fill the work item",
			chromedp.SendKeys(chromedp.CSS("#i-title"), "Loan-file exception review"),
			chromedp.SendKeys(chromedp.CSS("#i-desc"), "Review the 2024 loan files the examiners sampled."),
			chromedp.SendKeys(chromedp.CSS("#i-deliv"), "Exception log with a summary memo"),
			chromedp.SendKeys(chromedp.CSS("#i-acc"), "Every sampled file has a finding; exceptions cite the rule."),
			chromedp.SetValue(chromedp.CSS("#i-due"), time.Now().AddDate(0, 0, 21).Format("2006-01-02")),
			chromedp.SendKeys(chromedp.CSS("#i-est"), "40"),
			retype("#i-unit", "hours"),
			chromedp.SendKeys(chromedp.CSS("#i-bh"), "60"),
			chromedp.SendKeys(chromedp.CSS("#i-br"), "450.00"),
			chromedp.SetValue(chromedp.CSS("#i-pricing"), string(domain.PricingFixed)),
			chromedp.SendKeys(chromedp.CSS("#i-price"), "2500.00"),
			chromedp.SetValue(chromedp.CSS("#i-task"), task),
			chromedp.SetValue(chromedp.CSS("#i-act"), act),
		)
		priya.submit(t, "add the work item", `form[action$="/sow/items"]`)
		priya.need(t, "#approve-form")
		priya.submit(t, "approve the statement of work for the firm", "#approve-form")
		if !strings.Contains(priya.text(t, "#firm-approval"), "Approved") {
			t.Errorf("after approving, the firm's approval reads %q", priya.text(t, "#firm-approval"))
		}
		priya.wantStage(t, "after the firm approved", "Agreeing the statement of work")
		priya.checkClean(t)

		// Anika approves it: the work starts.
		anika.navigateBy(t, "open the statement of work", chromedp.Navigate(base+"/sow"))
		anika.need(t, "#approve-form")
		shots.save(t, anika, "sow.png", "")
		anika.submit(t, "approve the statement of work for the vendor", "#approve-form")
		anika.wantStage(t, "after both approved", "Work in progress")
		anika.checkClean(t)

		// 7. Rohan uploads a deliverable.
		filename := "greenfield-exception-log.csv"
		content := "loan,finding,rule\nGF-2024-0113,missing appraisal,12 CFR 722.3\nGF-2024-0291,income not verified,12 CFR 701.21\n"
		file := filepath.Join(t.TempDir(), filename)
		if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		rohan.navigateBy(t, "open the deliverables", chromedp.Navigate(base+"/deliverables"))
		rohan.need(t, "#submit-form")
		rohan.do(t, "fill the deliverable",
			chromedp.SendKeys(chromedp.CSS("#d-title"), "Exception log, first pass"),
			chromedp.SendKeys(chromedp.CSS("#d-note"), "Two exceptions; the appraisal one needs your view."),
			chromedp.SetUploadFiles(chromedp.CSS("#d-file"), []string{file}),
		)
		rohan.submit(t, "submit the deliverable", "#submit-form")
		if !strings.Contains(rohan.text(t, "#deliverables"), filename) {
			t.Fatalf("the deliverables card does not list %s after the upload: %q", filename, rohan.text(t, "#deliverables"))
		}
		shots.save(t, rohan, "deliverable-submitted.png", "")
		rohan.checkClean(t)

		// 8. Priya reviews it from her queue, approves and releases it.
		priya.navigateBy(t, "open the review queue", chromedp.Click(chromedp.CSS(`nav#primary-nav a[href="/reviews"]`)))
		link := fmt.Sprintf(`main a[href^="/engagements/%d/deliverables/versions/"]`, id)
		priya.need(t, link)
		shots.save(t, priya, "review-queue.png", "")
		priya.navigateBy(t, "open the version", chromedp.Click(chromedp.CSS(link)))
		priya.need(t, "#review-form")
		if got := priya.text(t, "#review-file"); got != filename {
			t.Errorf("the review page links the file %q, want %q", got, filename)
		}
		priya.do(t, "decide",
			chromedp.Click(chromedp.CSS(`#review-form input[name="decision"][value="approved"]`)),
			chromedp.SendKeys(chromedp.CSS("#review-comment"), "Findings are supported; release to Greenfield."),
			chromedp.SendKeys(chromedp.CSS("#review-minutes"), "25"),
		)
		shots.save(t, priya, "review.png", "engagement-review.png")
		priya.submit(t, "approve the version", "#review-form")
		priya.need(t, "#release-form")
		if !priya.eval(t, "client release chosen", `document.querySelector('#release-form input[name="kind"][value="client"]').checked`) {
			priya.do(t, "choose the client portal", chromedp.Click(chromedp.CSS(`#release-form input[name="kind"][value="client"]`)))
		}
		priya.submit(t, "release to the client", "#release-form")
		if review := priya.text(t, "#review"); !strings.Contains(review, "Priya Raman") || !strings.Contains(review, "25 minutes") {
			t.Errorf("after the release the version reads %q, want Priya's review of 25 minutes", review)
		}
		if priya.eval(t, "release offered again", `document.querySelector("#release-form") !== null`) {
			t.Errorf("a released version still offers to be released")
		}
		priya.checkClean(t)

		// 9. Sam sees it under Released work, and it downloads.
		sam.navigateBy(t, "open the engagement", chromedp.Navigate(base))
		sam.navigateBy(t, "open Released work", chromedp.Click(chromedp.CSS(`nav.engagement-tabs a[href$="/deliverables"]`)))
		sam.need(t, "#released")
		if got := sam.text(t, `#released tbody a[href*="/deliverables/versions/"]`); got != filename {
			t.Fatalf("the client's released work links %q, want %q", got, filename)
		}
		shots.save(t, sam, "released-work.png", "client-released-work.png")
		type download struct {
			Status      int    `json:"status"`
			Disposition string `json:"disposition"`
			Body        string `json:"body"`
		}
		got, err := chromedp.Run(sam.ctx, chromedp.Evaluate[download](`(async () => {
			const a = document.querySelector('#released tbody a[href*="/deliverables/versions/"]');
			const r = await fetch(a.getAttribute("href"));
			return {status: r.status, disposition: r.headers.get("Content-Disposition") || "", body: await r.text()};
		})()`, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("download the released file: %v", err)
		}
		if got.Status != 200 || !strings.Contains(got.Disposition, filename) || got.Body != content {
			t.Errorf("the client's download answered %d, %q, %d bytes; want 200, the name %s and the uploaded content", got.Status, got.Disposition, len(got.Body), filename)
		}
		sam.checkClean(t)
		return engagementJourney{
			id: id, matterID: matterID, lexoraID: lexoraID, base: base,
			priya: priya, anika: anika, rohan: rohan, sam: sam,
			priyaID: priyaID, anikaID: anikaID, rohanID: rohanID,
		}
	}
}

// journeyTab opens a tab of its own for the person, bounded by
// journeyTabTimeout, and signs them in (with their second factor if they
// have one).
func journeyTab(t *testing.T, browser context.Context, base string, acc demo.Account) *browserTab {
	t.Helper()
	if acc.Email == "" {
		t.Fatal("journeyTab: no such demo account")
	}
	ctx, cancelTimeout := context.WithTimeout(browser, journeyTabTimeout)
	ctx, cancel := chromedp.NewContext(ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(func() {
		cancel()
		cancelTimeout()
	})
	tb := &browserTab{ctx: ctx, base: base, changed: make(chan struct{}, 1)}
	if err := chromedp.Listen(ctx, tb.record); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	tb.do(t, "open /signin", chromedp.Navigate(base+"/signin"))
	tb.need(t, "#email")
	browserSignIn(t, tb, acc.Email, demo.Password, 200)
	return tb
}

// retype replaces what a field holds with text, typed.
func retype(sel, text string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		var none chromedp.Void
		if _, err := chromedp.Evaluate[bool](fmt.Sprintf(`(e => { e.value = ""; return true })(document.querySelector(%q))`, sel))(ctx, tg); err != nil {
			return none, fmt.Errorf("clear %s: %w", sel, err)
		}
		return chromedp.SendKeys(chromedp.CSS(sel), text)(ctx, tg)
	}
}

// submit clicks the form's submit button, waits for the page that answers,
// and fails unless it is a 200 without an error alert.
func (tb *browserTab) submit(t *testing.T, what, form string) {
	t.Helper()
	resp := tb.navigateBy(t, what, chromedp.Click(chromedp.CSS(form+` button[type="submit"]`)))
	if resp.Status != 200 {
		t.Fatalf("%s answered %d: %s", what, resp.Status, tb.alerts(t))
	}
	tb.noError(t, what)
}

// noError fails the test when the page shows an error alert.
func (tb *browserTab) noError(t *testing.T, what string) {
	t.Helper()
	if a := tb.alerts(t); a != "" {
		t.Fatalf("%s: the page says %q", what, a)
	}
}

// alerts is the text of the page's error alerts.
func (tb *browserTab) alerts(t *testing.T) string {
	t.Helper()
	s, err := chromedp.Run(tb.ctx, chromedp.Evaluate[string](
		`Array.from(document.querySelectorAll('main .alert.bad[role="alert"]'), e => e.textContent.trim()).join(" | ")`))
	if err != nil {
		t.Fatalf("read the alerts: %v", err)
	}
	return s
}

// need fails the test at once when the loaded page has nothing matching sel,
// with what the page says instead.
func (tb *browserTab) need(t *testing.T, sel string) {
	t.Helper()
	if !tb.eval(t, "find "+sel, fmt.Sprintf(`document.querySelector(%q) !== null`, sel)) {
		t.Fatalf("%s has no %s; it reads: %.1500s", tb.path(t), sel, tb.text(t, "main"))
	}
}

// check ticks the checkbox unless it is ticked already.
func (tb *browserTab) check(t *testing.T, sel string) {
	t.Helper()
	tb.need(t, sel)
	if !tb.eval(t, "is "+sel+" ticked", fmt.Sprintf(`document.querySelector(%q).checked`, sel)) {
		tb.do(t, "tick "+sel, chromedp.Click(chromedp.CSS(sel)))
	}
}

// text is the trimmed text of the first element sel matches ("" if none).
func (tb *browserTab) text(t *testing.T, sel string) string {
	t.Helper()
	s, err := chromedp.Run(tb.ctx, chromedp.Evaluate[string](fmt.Sprintf(`(document.querySelector(%q)?.textContent || "").trim()`, sel)))
	if err != nil {
		t.Fatalf("read %s: %v", sel, err)
	}
	return s
}

// value is the value of the first form control sel matches ("" if none).
func (tb *browserTab) value(t *testing.T, sel string) string {
	t.Helper()
	s, err := chromedp.Run(tb.ctx, chromedp.Evaluate[string](fmt.Sprintf(`document.querySelector(%q)?.value || ""`, sel)))
	if err != nil {
		t.Fatalf("read %s: %v", sel, err)
	}
	return s
}

// wantStage checks the stage the engagement page shows: the stage card on
// the overview, the badge under the heading on every other engagement page.
func (tb *browserTab) wantStage(t *testing.T, when, want string) {
	t.Helper()
	got := tb.text(t, "main .stage-card .badge")
	if got == "" {
		got = tb.text(t, "main h1 + p.lead .badge")
	}
	if got != want {
		t.Fatalf("%s the stage reads %q, want %q", when, got, want)
	}
}

// allMet reports whether every opening gate is met.
func allMet(gates map[string]string) bool {
	for _, s := range gates {
		if s != "met" {
			return false
		}
	}
	return true
}
