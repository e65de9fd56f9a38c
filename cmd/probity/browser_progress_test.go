package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/probity/probity/internal/demo"
	"github.com/probity/probity/internal/testenv"
)

// watchProgressJS records in sessionStorage (which outlives the document
// app.js replaces with the response page) whether a <progress> element with
// a label and a polite live percentage appeared on the page.
const watchProgressJS = `(() => {
	sessionStorage.setItem("sawProgress", "");
	new MutationObserver(() => {
		const p = document.querySelector(".progress-box progress");
		if (p && document.querySelector('label[for="' + p.id + '"]') && document.querySelector('.progress-box [aria-live="polite"]')) {
			sessionStorage.setItem("sawProgress", "yes");
		}
	}).observe(document.body, {childList: true, subtree: true});
	return true;
})()`

// TestBrowserProgress: in headless Chromium against `probity serve --demo`,
// Marcus Oyelaran imports matters from a CSV file. The upload form (marked
// data-progress) goes by XMLHttpRequest and shows a labelled <progress>
// with a polite percentage and a Cancel button; the preview page replaces
// the document, its import form is enhanced again, and the import commits
// the three matters. On an invoice he downloads the LEDES file: the
// progress reaches 100% and names the file. (Cancellation rolling back is
// tested in the app: TestImportCancelledMidwayChangesNothing.)
func TestBrowserProgress(t *testing.T) {
	browser := startBrowser(t)
	var marcus demo.Account
	for _, a := range demo.Accounts() {
		if a.Name == "Marcus Oyelaran" {
			marcus = a
		}
	}
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		r := startServer(t, e, "--demo")
		s := openTestStore(t, r.DB, r.Data)
		matters := sqlInt(t, s, `SELECT COUNT(*) FROM matters`)
		var csv strings.Builder
		csv.WriteString("number,client_number,title,practice_area,sensitivity,responsible_attorney_email,court,governing_law,performance\n")
		for i := range 3 {
			fmt.Fprintf(&csv, "2026-%04d,CFS-0711,Browser import %d,Litigation,standard,%s,,,\n", 8100+i, i, marcus.Email)
		}
		file := filepath.Join(t.TempDir(), "matters.csv")
		if err := os.WriteFile(file, []byte(csv.String()), 0o600); err != nil {
			t.Fatal(err)
		}

		tab := journeyTab(t, browser, r.URL, marcus)
		tab.navigateBy(t, "open the import page", chromedp.Navigate(r.URL+"/matters/import"))
		tab.need(t, "#import-upload[data-progress]")
		tab.eval(t, "watch for progress", watchProgressJS)
		tab.do(t, "choose the file and preview it",
			chromedp.SetUploadFiles(chromedp.CSS("#imp-file"), []string{file}),
			chromedp.Click(chromedp.CSS(`#import-upload button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.CSS("#import-commit")),
		)
		if !tab.eval(t, "was progress shown", `sessionStorage.getItem("sawProgress") === "yes"`) {
			t.Fatal("uploading the file showed no labelled progress bar")
		}
		if got := tab.count(t, "main table tbody tr"); got != 3 {
			t.Fatalf("the preview lists %d rows, want 3", got)
		}
		tab.eval(t, "watch for progress again", watchProgressJS)
		tab.do(t, "import the previewed file",
			chromedp.Click(chromedp.CSS(`#import-commit button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.CSS(`main p > a.button[href="/matters"]`)),
		)
		if !tab.eval(t, "was progress shown", `sessionStorage.getItem("sawProgress") === "yes"`) {
			t.Error("the response page's import form was not enhanced: no progress while importing")
		}
		if got := tab.text(t, `main .alert[role="status"]`); !strings.Contains(got, "Imported 3 matters") {
			t.Errorf("after the import the page says %q", got)
		}
		if n := sqlInt(t, s, `SELECT COUNT(*) FROM matters`); n != matters+3 {
			t.Fatalf("matters %d → %d, want +3", matters, n)
		}

		// A download with progress: the LEDES file of a sent invoice.
		inv := sqlInt(t, s, `SELECT MIN(ci.id) FROM client_invoices ci JOIN matters m ON m.id = ci.matter_id
			WHERE ci.state = 'sent' AND m.number = '2026-0142'`)
		var number string
		sqlScan(t, s, fmt.Sprintf(`SELECT number FROM client_invoices WHERE id = %d`, inv), &number)
		tab.navigateBy(t, "open the invoice", chromedp.Navigate(fmt.Sprintf("%s/invoices/%d", r.URL, inv)))
		tab.need(t, "#download-ledes[data-progress]")
		tab.do(t, "download the LEDES file",
			chromedp.Click(chromedp.CSS("#download-ledes")),
			chromedp.WaitVisible(chromedp.CSS(".progress-box progress")),
		)
		if done, err := chromedp.Run(tab.ctx, chromedp.Evaluate[bool](`new Promise((ok) => {
			const done = () => (document.querySelector(".progress-box .progress-text")?.textContent || "").startsWith("Downloaded");
			if (done()) { ok(true); return; }
			new MutationObserver((_, o) => { if (done()) { o.disconnect(); ok(true); } }).observe(document.querySelector(".progress-box"), {subtree: true, childList: true, characterData: true});
		})`, chromedp.EvalAwaitPromise)); err != nil || !done {
			t.Fatalf("the download never finished: %v", err)
		}
		if got, want := tab.text(t, ".progress-box .progress-text"), number+".ledes"; !strings.Contains(got, want) {
			t.Errorf("the download says %q, want it to name %s", got, want)
		}
		if !tab.eval(t, "the bar is full", `document.querySelector(".progress-box progress").value === 100`) {
			t.Error("the progress bar is not full after the download")
		}
		if tab.count(t, ".progress-box button") != 0 {
			t.Error("the Cancel button stays after the download finished")
		}
		tab.checkClean(t)
	})
}
