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
	"github.com/probity/probity/internal/testenv"
)

// TestBrowserJourney walks the whole life of an engagement in headless
// Chromium against `probity serve --demo` (the binary's real Main), on SQLite
// and PostgreSQL, one tab per person and every step a click or a typed form,
// across the four kinds of role: the firm (Priya Raman, associate; Rosa
// Jimenez, billing manager), the vendor (Anika Deshmukh, manager, and Rohan
// Kulkarni), the client (Sam Okafor of Greenfield). The engagement part —
// proposal, the client's consent, opening, the communication plan, the
// briefing published and acknowledged, the statement of work agreed, the
// deliverable submitted, reviewed, released and downloaded by the client —
// is walkEngagementJourney. Then Anika submits Lexora's invoice for the
// fixed-price work item on the engagement's Invoices tab and Priya approves
// it; Rosa drafts Greenfield's client invoice for the period, Priya approves
// it and Rosa sends it; Sam reads it with its transparency block and downloads its LEDES
// file (header LEDES1998B[], a column line and invoice lines); Priya closes
// the engagement and Anika certifies the return or destruction of the data.
// Screenshots of every step go to the artifacts.
func TestBrowserJourney(t *testing.T) {
	browser := startBrowser(t)
	update := os.Getenv("PROBITY_UPDATE_SCREENSHOTS") == "1"
	accounts := map[string]demo.Account{}
	for _, a := range demo.Accounts() {
		accounts[a.Name] = a
	}
	nyc, err := time.LoadLocation("America/New_York") // the demo firm's time zone
	if err != nil {
		t.Fatal(err)
	}
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		started := time.Now()
		r := startServer(t, e, "--demo")
		shots := screenshotDirs{artifacts: testenv.ArtifactDir(t), prefix: e.Name + "-journey"}
		if update && e.Name == "sqlite" {
			shots.docs = docsScreenshotDir(t)
		}
		walkDueDiligence(t, browser, r, accounts, shots)
		j := walkEngagementJourney(t, browser, r, accounts, shots)
		today := time.Now().In(nyc)
		day := today.Format("2006-01-02")
		from := today.AddDate(0, 0, -3).Format("2006-01-02")

		// Priya audits the vendor's work: a plan, a batch, an audit of it.
		walkQualityAudit(t, browser, r, accounts, shots, j)

		// 10. Anika invoices the fixed-price work item on the Invoices tab.
		anika := journeyTab(t, browser, r.URL, accounts["Anika Deshmukh"])
		anika.navigateBy(t, "open the engagement's invoices", chromedp.Navigate(j.base+"/invoices"))
		anika.need(t, "#submit form")
		item := anika.value(t, `#fixed-item option:nth-child(2)`)
		if item == "" {
			t.Fatalf("the invoice form offers no fixed-price work item: %.800s", anika.text(t, "#submit"))
		}
		number := fmt.Sprintf("LX-%d", j.id)
		anika.do(t, "fill the invoice",
			chromedp.SendKeys(chromedp.CSS("#vi-number"), number),
			chromedp.SetValue(chromedp.CSS("#vi-date"), day),
			chromedp.SetValue(chromedp.CSS("#vi-start"), from),
			chromedp.SetValue(chromedp.CSS("#vi-end"), day),
			chromedp.SetValue(chromedp.CSS("#fixed-item"), item),
			retype("#fixed-share", "1"),
			chromedp.SetValue(chromedp.CSS("#fixed-date"), day),
			chromedp.SendKeys(chromedp.CSS("#vi-note"), "The loan-file exception review, as agreed."),
		)
		shots.save(t, anika, "vendor-invoice-form.png", "vendor-invoice-submit.png")
		anika.submit(t, "submit the invoice", "#submit form")
		viPath := anika.path(t)
		if !strings.HasPrefix(viPath, "/vendor-invoices/") || !strings.Contains(anika.text(t, "main h1"), number) {
			t.Fatalf("submitting led to %s reading %q, want invoice %s", viPath, anika.text(t, "main h1"), number)
		}
		anika.checkClean(t)

		// Priya approves it.
		priya := journeyTab(t, browser, r.URL, accounts["Priya Raman"])
		priya.navigateBy(t, "open the engagement's invoices", chromedp.Navigate(j.base+"/invoices"))
		priya.navigateBy(t, "open the vendor invoice", chromedp.Click(chromedp.CSS(fmt.Sprintf(`#vendor-invoices a[href="%s"]`, viPath))))
		priya.need(t, "#decide")
		if priya.eval(t, "needs an exchange rate", `document.querySelector("#fx-rate") !== null`) {
			priya.do(t, "type the exchange rate", chromedp.SendKeys(chromedp.CSS("#fx-rate"), "0.0120"), chromedp.SetValue(chromedp.CSS("#fx-date"), day))
		}
		shots.save(t, priya, "vendor-invoice-review.png", "")
		priya.submit(t, "approve the vendor invoice", `#decide form[action$="/approve"]`)
		if priya.eval(t, "still offered for review", `document.querySelector("#decide") !== null`) {
			t.Fatalf("after approving, the vendor invoice still offers a decision: %.800s", priya.text(t, "main"))
		}
		priya.checkClean(t)

		// 11. Rosa drafts Greenfield's invoice for the period, approves and sends it.
		rosa := journeyTab(t, browser, r.URL, accounts["Rosa Jimenez"])
		rosa.navigateBy(t, "open Billing", chromedp.Navigate(r.URL+"/invoices"))
		rosa.need(t, "#new-invoice form")
		rosa.do(t, "fill the new invoice",
			chromedp.SetValue(chromedp.CSS("#n-matter"), strconv.FormatInt(j.matterID, 10)),
			chromedp.SetValue(chromedp.CSS("#n-start"), from),
			chromedp.SetValue(chromedp.CSS("#n-end"), day),
			chromedp.SendKeys(chromedp.CSS("#n-desc"), "Greenfield loan-file exception review"),
		)
		rosa.submit(t, "draft the invoice", "#new-invoice form")
		invPath := rosa.path(t)
		if _, err := strconv.ParseInt(strings.TrimPrefix(invPath, "/invoices/"), 10, 64); err != nil {
			t.Fatalf("drafting led to %s, not an invoice page", invPath)
		}
		if tr := rosa.text(t, "#transparency"); !strings.Contains(tr, "Vendor cost") {
			t.Errorf("the draft's transparency block does not show the vendor cost: %q", tr)
		}
		shots.save(t, rosa, "client-invoice-draft.png", "")
		rosa.checkClean(t)
		// Approving is an attorney's (or a firm administrator's) call.
		priya.navigateBy(t, "open the draft", chromedp.Navigate(r.URL+invPath))
		priya.need(t, `#actions form[action$="/approve"]`)
		priya.submit(t, "approve the invoice", `#actions form[action$="/approve"]`)
		priya.checkClean(t)
		rosa.navigateBy(t, "reload the invoice", chromedp.Navigate(r.URL+invPath))
		rosa.need(t, `#actions form[action$="/send"]`)
		rosa.submit(t, "send the invoice", `#actions form[action$="/send"]`)
		if st := rosa.text(t, "#invoice-state"); !strings.EqualFold(st, "sent") {
			t.Errorf("after sending, the invoice's state reads %q", st)
		}
		rosa.checkClean(t)

		// 12. Sam reads it with the transparency block and downloads the LEDES file.
		sam := journeyTab(t, browser, r.URL, accounts["Sam Okafor"])
		sam.navigateBy(t, "open the invoices", chromedp.Navigate(r.URL+"/invoices"))
		sam.navigateBy(t, "open the sent invoice", chromedp.Click(chromedp.CSS(fmt.Sprintf(`main a[href="%s"]`, invPath))))
		sam.need(t, "#transparency")
		if !sam.eval(t, "transparency visible", `document.querySelector("#transparency").checkVisibility()`) {
			t.Errorf("the client does not see the transparency block")
		}
		if tr := sam.text(t, "#transparency"); !strings.Contains(tr, "Vendor cost") || !strings.Contains(tr, "you saved") {
			t.Errorf("the client's transparency block reads %q, want the vendor cost and what the client saved", tr)
		}
		if sam.eval(t, "policy flags shown", `document.querySelector("#policy-flags") !== null`) {
			t.Errorf("the client sees the firm's billing policy flags")
		}
		shots.save(t, sam, "client-invoice.png", "")
		type download struct {
			Status int    `json:"status"`
			Body   string `json:"body"`
		}
		got, err := chromedp.Run(sam.ctx, chromedp.Evaluate[download](`(async () => {
			const r = await fetch(document.querySelector("#download-ledes").getAttribute("href"));
			return {status: r.status, body: await r.text()};
		})()`, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("download the LEDES file: %v", err)
		}
		lines := strings.Split(strings.TrimRight(strings.ReplaceAll(got.Body, "\r\n", "\n"), "\n"), "\n")
		if got.Status != 200 || len(lines) < 3 || lines[0] != "LEDES1998B[]" || !strings.HasPrefix(lines[1], "INVOICE_DATE|") {
			t.Fatalf("the LEDES download answered %d with %d lines starting %q", got.Status, len(lines), lines[0])
		}
		for i, l := range lines[2:] {
			if !strings.HasSuffix(l, "[]") || !strings.Contains(l, "2026-0203") {
				t.Errorf("LEDES line %d is not an invoice line of 2026-0203: %q", i+3, l)
			}
		}
		sam.checkClean(t)

		// 13. Priya closes the engagement; Anika certifies what became of the data.
		priya.navigateBy(t, "open the close tab", chromedp.Navigate(j.base+"/close"))
		priya.need(t, "#close-form")
		if priya.eval(t, "confirmation asked", `document.querySelector('#close-form input[name="confirm"]') !== null`) {
			priya.check(t, `#close-form input[name="confirm"]`)
		}
		priya.submit(t, "close the engagement", "#close-form")
		priya.wantStage(t, "after closing", "Closed")
		priya.checkClean(t)
		anika.navigateBy(t, "open the close tab", chromedp.Navigate(j.base+"/close"))
		anika.need(t, "#certificate-form")
		anika.do(t, "fill the certificate",
			chromedp.Click(chromedp.CSS(`#certificate-form input[name="method"][value="destroyed"]`)),
			chromedp.SendKeys(chromedp.CSS("#cert-statement"), "Deleted the loan files from Lexora's review platform and its backups."),
		)
		anika.submit(t, "certify", "#certificate-form")
		if c := anika.text(t, "#certificate"); !strings.Contains(c, "Anika Deshmukh") {
			t.Errorf("after certifying, the certificate reads %q", c)
		}
		shots.save(t, anika, "closed.png", "engagement-closed.png")
		anika.checkClean(t)
		t.Logf("%s: the whole journey took %s", e.Name, time.Since(started).Round(time.Millisecond))
	})
}

// walkDueDiligence is the journey's first step: Eleanor Hartwell (firm
// administrator, with her second factor) asks Lexora to answer the due
// diligence questionnaire; Anika Deshmukh (Lexora's manager) answers every
// question and submits it for the firm's review; Eleanor approves it, and
// Lexora's assessment reads as approved.
func walkDueDiligence(t *testing.T, browser context.Context, r *running, accounts map[string]demo.Account, shots screenshotDirs) {
	t.Helper()
	s := openTestStore(t, r.DB, r.Data)
	lexoraID := sqlInt(t, s, `SELECT id FROM vendors WHERE name LIKE 'Lexora%'`)
	list := fmt.Sprintf("%s/vendors/%d/assessments", r.URL, lexoraID)

	eleanor := journeyTab(t, browser, r.URL, accounts["Eleanor Hartwell"])
	eleanor.navigateBy(t, "open Lexora's assessments", chromedp.Navigate(list))
	eleanor.need(t, "#start-form")
	eleanor.submit(t, "ask Lexora to answer", "#start-form")
	aPath := eleanor.path(t)
	if !strings.HasPrefix(aPath, fmt.Sprintf("/vendors/%d/assessments/", lexoraID)) {
		t.Fatalf("starting the assessment led to %s", aPath)
	}
	eleanor.checkClean(t)

	anika := journeyTab(t, browser, r.URL, accounts["Anika Deshmukh"])
	anika.navigateBy(t, "open the questionnaire", chromedp.Navigate(r.URL+aPath))
	anika.need(t, "#answers-form")
	// Every question answered as a compliant vendor would: yes to each
	// yes/no question, an option, a date a year ahead, a number, a sentence.
	n, err := chromedp.Run(anika.ctx, chromedp.Evaluate[int](fmt.Sprintf(`(() => {
		let n = 0;
		for (const q of document.querySelectorAll("#answers-form .question")) {
			const yes = q.querySelector('input[type="radio"][value="yes"]');
			const sel = q.querySelector("select");
			const area = q.querySelector("textarea");
			const date = q.querySelector('input[type="date"]');
			const num = q.querySelector('input[inputmode="decimal"]');
			if (yes) { yes.click(); }
			else if (sel) { sel.selectedIndex = sel.options.length - 1; }
			else if (area) { area.value = "Documented in Lexora's information security policy, reviewed yearly."; }
			else if (date) { date.value = %q; }
			else if (num) { num.value = "1"; }
			else { continue; }
			n++;
		}
		return n;
	})()`, time.Now().AddDate(1, 0, 0).Format("2006-01-02"))))
	if err != nil || n == 0 {
		t.Fatalf("answer the questionnaire: %d answered, %v", n, err)
	}
	shots.save(t, anika, "due-diligence-answers.png", "")
	anika.submit(t, "save the draft", "#answers-form")
	// The questions that ask for evidence get a file each.
	controls, err := chromedp.Run(anika.ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#evidence-control option"), (o) => o.value)`))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range controls {
		file := filepath.Join(t.TempDir(), c+".txt")
		if err := os.WriteFile(file, []byte("Lexora's "+c+" evidence, issued by the auditor.\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		anika.do(t, "attach evidence for "+c,
			chromedp.SetValue(chromedp.CSS("#evidence-control"), c),
			chromedp.SetUploadFiles(chromedp.CSS("#evidence-file"), []string{file}))
		anika.submit(t, "attach evidence for "+c, "#evidence")
	}
	resp := anika.navigateBy(t, "submit for the firm's review", chromedp.Click(chromedp.CSS(`#answers-form button[formaction$="/submit"]`)))
	if resp.Status != 200 {
		t.Fatalf("submitting the answers answered %d: %s", resp.Status, anika.alerts(t))
	}
	anika.noError(t, "submit the answers")
	anika.checkClean(t)

	eleanor.navigateBy(t, "reload the assessment", chromedp.Navigate(r.URL+aPath))
	eleanor.need(t, "#decision")
	// The firm accepts each file of evidence.
	evidence, err := chromedp.Run(eleanor.ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#answers .evidence[data-evidence]"), (e) => e.dataset.evidence)`))
	if err != nil {
		t.Fatal(err)
	}
	if len(evidence) != len(controls) {
		t.Errorf("the firm sees %d files of evidence, want the %d attached", len(evidence), len(controls))
	}
	for _, eid := range evidence {
		ev := fmt.Sprintf(`#answers .evidence[data-evidence="%s"]`, eid)
		eleanor.navigateBy(t, "accept evidence "+eid, chromedp.Click(chromedp.CSS(ev+` button[value="yes"]`)))
		eleanor.noError(t, "accept evidence "+eid)
		if b := eleanor.attr(t, ev+" .badge", "class"); !strings.Contains(b, "ok") {
			t.Errorf("evidence %s after accepting: badge %q", eid, b)
		}
	}
	if eleanor.eval(t, "approval refused", `document.querySelector('#decision input[value="approved"]').disabled`) {
		t.Fatalf("a critical question fails after the vendor's answers: %.800s", eleanor.text(t, "#score"))
	}
	eleanor.do(t, "choose Approve", chromedp.Click(chromedp.CSS(`#decision input[name="decision"][value="approved"]`)))
	shots.save(t, eleanor, "due-diligence-decision.png", "")
	eleanor.submit(t, "record the decision", "#decision")
	if d := eleanor.text(t, "#decided-h"); !strings.Contains(d, "Approved") {
		t.Fatalf("after approving, the assessment reads %q", d)
	}
	eleanor.checkClean(t)
}

// walkQualityAudit: Priya Raman saves the engagement's audit plan as the page
// proposes it but on batches of items, imports a batch of Lexora's items from a CSV, starts an audit
// of it with no seed, scores every sampled item (none failing) and
// completes it; the audit reads as completed with a verdict.
func walkQualityAudit(t *testing.T, browser context.Context, r *running, accounts map[string]demo.Account, shots screenshotDirs, j engagementJourney) {
	t.Helper()
	priya := journeyTab(t, browser, r.URL, accounts["Priya Raman"])
	priya.navigateBy(t, "open the quality audits", chromedp.Navigate(j.base+"/audits"))
	priya.need(t, "#plan-form")
	priya.do(t, "audit batches of items", chromedp.SetValue(chromedp.CSS("#p-population"), "batch_items"))
	priya.submit(t, "save the audit plan", "#plan-form")
	priya.need(t, "#batch-form")
	var csv strings.Builder
	csv.WriteString("item_id,decision,reviewer\n")
	for i := 1; i <= 12; i++ {
		fmt.Fprintf(&csv, "GF-2024-%04d,exception,Rohan Kulkarni\n", i)
	}
	file := filepath.Join(t.TempDir(), "loan-files.csv")
	if err := os.WriteFile(file, []byte(csv.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	priya.do(t, "fill the batch",
		chromedp.SendKeys(chromedp.CSS("#b-name"), "Loan files, first pass"),
		chromedp.SetUploadFiles(chromedp.CSS("#b-file"), []string{file}))
	// The form uploads with a progress bar (app.js) and shows the answer
	// in place: wait for the batch's row.
	priya.do(t, "import the batch",
		chromedp.Click(chromedp.CSS(`#batch-form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#batches tbody tr[id^="batch-"], #batch-error, #page-error`)))
	priya.noError(t, "import the batch")
	priya.need(t, "#start-manual-form")
	priya.do(t, "open Start a manual audit", chromedp.Click(chromedp.CSS("#manual summary")))
	priya.submit(t, "start an audit", "#start-manual-form")
	auditPath := priya.path(t)
	if !strings.HasPrefix(auditPath, fmt.Sprintf("/engagements/%d/audits/", j.id)) {
		t.Fatalf("starting the audit led to %s", auditPath)
	}
	scored := 0
	for ; scored < 200; scored++ {
		// Mark the first item not scored yet, and click its button.
		left := priya.eval(t, "find an unscored item", `(() => {
			const b = Array.from(document.querySelectorAll("form.score-form button[type=submit]")).find((b) => b.textContent.trim() === "Record the score");
			if (b) b.setAttribute("data-journey-next", "");
			return b !== undefined;
		})()`)
		if !left {
			break
		}
		resp := priya.navigateBy(t, "score an item", chromedp.Click(chromedp.CSS("button[data-journey-next]")))
		if resp == nil || resp.Status != 200 {
			t.Fatalf("scoring item %d did not answer 200: %v %s", scored+1, resp, priya.alerts(t))
		}
		priya.noError(t, "score an item")
	}
	if scored == 0 || scored == 200 {
		t.Fatalf("scored %d items", scored)
	}
	priya.navigateBy(t, "reload the audit", chromedp.Navigate(r.URL+auditPath))
	priya.submit(t, "complete the audit", "#complete-form")
	if priya.eval(t, "still open", `document.querySelector("#complete-form") !== null`) {
		t.Fatalf("after completing, the audit still offers to complete: %.600s", priya.text(t, "main"))
	}
	shots.save(t, priya, "quality-audit.png", "")
	if !strings.Contains(priya.text(t, "main"), "Verdict") {
		t.Errorf("the completed audit shows no verdict")
	}
	t.Logf("audited %d sampled items of 12", scored)
	priya.checkClean(t)
}
