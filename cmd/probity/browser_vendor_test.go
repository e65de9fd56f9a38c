package main

import (
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/probity/probity/internal/demo"
	"github.com/probity/probity/internal/testenv"
)

// TestBrowserVendorJourney walks the vendors issue's story in headless
// Chromium against `probity serve --demo`: Meridian is proposed on the
// Calloway matter and cannot be opened — its assessment waits for the firm's
// decision and two conflict hits wait for an attorney. Marcus clears both
// hits from their pages; Eleanor decides Meridian's assessment; only then
// does the engagement page offer "Open the engagement", and opening it moves
// the engagement on. Every step is a click or a typed form, as a person
// would do it.
func TestBrowserVendorJourney(t *testing.T) {
	browser := startBrowser(t)
	update := os.Getenv("PROBITY_UPDATE_SCREENSHOTS") == "1"
	accounts := map[string]demo.Account{}
	for _, a := range demo.Accounts() {
		accounts[a.Name] = a
	}
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		r := startServer(t, e, "--demo")
		shots := screenshotDirs{artifacts: testenv.ArtifactDir(t), prefix: e.Name}
		if update && e.Name == "sqlite" {
			shots.docs = docsScreenshotDir(t)
		}

		// The attorney finds Meridian's proposal from the vendor registry.
		marcus := openBrowserTab(t, browser, r.URL)
		marcus.do(t, "open /signin", chromedp.Navigate(r.URL+"/signin"))
		marcus.do(t, "wait for the sign-in form", chromedp.WaitVisible(chromedp.CSS("#email")))
		browserSignIn(t, marcus, accounts["Marcus Oyelaran"].Email, demo.Password, 200)
		marcus.navigateBy(t, "open the vendors", chromedp.Navigate(r.URL+"/vendors"))
		marcus.navigateBy(t, "open Meridian", chromedp.Click(chromedp.Search(`//main//a[contains(., "Meridian")]`)))
		vendorPath := marcus.path(t)
		shots.save(t, marcus, "vendor.png", "vendor.png")
		marcus.navigateBy(t, "open Meridian's engagement", chromedp.Click(chromedp.CSS(`main a[href^="/engagements/"]`)))
		engagementPath := marcus.path(t)
		marcus.do(t, "wait for the gates", chromedp.WaitVisible(chromedp.CSS("#gates")))
		gates := gateStates(t, marcus)
		if gates["conflicts"] == "met" || gates["approved"] == "met" {
			t.Fatalf("Meridian's demo proposal should wait on its approval and its conflict hits; gates %v", gates)
		}
		if marcus.eval(t, "open button", `document.querySelector("#open-form") !== null`) {
			t.Fatalf("the engagement offers to open while gates are unmet: %v", gates)
		}
		shots.save(t, marcus, "opening-gates.png", "opening-gates.png")

		// Clear every open hit, each from its own page, with a reason.
		hits, err := chromedp.Run(marcus.ctx, chromedp.Evaluate[[]string](
			`Array.from(document.querySelectorAll('#conflicts a[href^="/conflict-hits/"]'), a => a.getAttribute("href"))`))
		if err != nil || len(hits) == 0 {
			t.Fatalf("the conflicts card links no hits (%v)", err)
		}
		for _, h := range hits {
			marcus.navigateBy(t, "open "+h, chromedp.Navigate(r.URL+h))
			marcus.do(t, "decide "+h,
				chromedp.Click(chromedp.CSS(`form.resolve input[name="status"][value="cleared"]`)),
				chromedp.SendKeys(chromedp.CSS(`form.resolve textarea[name="reason"]`), "Different company: Tide Water Logistics Holding is a Singapore shipper with no link to Tidewater."),
			)
			resp := marcus.navigateBy(t, "record the decision on "+h, chromedp.Click(chromedp.CSS(`form.resolve button[type="submit"]`)))
			if resp.Status != 200 {
				t.Fatalf("recording the decision on %s answered %d", h, resp.Status)
			}
		}
		marcus.navigateBy(t, "back to the engagement", chromedp.Navigate(r.URL+engagementPath))
		marcus.do(t, "wait for the gates", chromedp.WaitVisible(chromedp.CSS("#gates")))
		if g := gateStates(t, marcus); g["conflicts"] != "met" || g["approved"] == "met" {
			t.Fatalf("after clearing the hits: gates %v, want conflicts met and approval still waiting", g)
		}
		marcus.checkClean(t)

		// The managing partner decides Meridian's submitted assessment.
		eleanor := openBrowserTab(t, browser, r.URL)
		eleanor.do(t, "open /signin", chromedp.Navigate(r.URL+"/signin"))
		eleanor.do(t, "wait for the sign-in form", chromedp.WaitVisible(chromedp.CSS("#email")))
		browserSignIn(t, eleanor, accounts["Eleanor Hartwell"].Email, demo.Password, 200)
		eleanor.navigateBy(t, "open Meridian", chromedp.Navigate(r.URL+vendorPath))
		eleanor.navigateBy(t, "open the assessment", chromedp.Click(chromedp.CSS(`#assessments a[href*="/assessments/"]`)))
		eleanor.do(t, "wait for the decision form", chromedp.WaitVisible(chromedp.CSS("#decision")))
		shots.save(t, eleanor, "assessment.png", "")
		decision := "approved"
		if eleanor.eval(t, "critical failure", `document.querySelector('#decision input[value="approved"]').disabled`) {
			decision = "conditional"
			eleanor.do(t, "name the remediation",
				chromedp.SendKeys(chromedp.CSS(`#decision input[name="remediation_text"]`), "Close the failing critical control"),
				chromedp.SetValue(chromedp.CSS(`#decision input[name="remediation_due"]`), "2099-01-31"),
			)
		}
		eleanor.do(t, "choose "+decision, chromedp.Click(chromedp.CSS(`#decision input[name="decision"][value="`+decision+`"]`)))
		resp := eleanor.navigateBy(t, "record the decision", chromedp.Click(chromedp.CSS(`#decision button[type="submit"]`)))
		if resp.Status != 200 {
			t.Fatalf("the assessment decision answered %d", resp.Status)
		}
		eleanor.checkClean(t)

		// Every gate is met: the attorney opens the engagement.
		marcus.navigateBy(t, "back to the engagement", chromedp.Navigate(r.URL+engagementPath))
		marcus.do(t, "wait for the gates", chromedp.WaitVisible(chromedp.CSS("#gates")))
		if g := gateStates(t, marcus); g["approved"] != "met" || g["current"] != "met" || g["conflicts"] != "met" || g["sensitivity"] != "met" {
			t.Fatalf("after the decision: gates %v, want all met", g)
		}
		resp = marcus.navigateBy(t, "open the engagement", chromedp.Click(chromedp.CSS(`#open-form button[type="submit"]`)))
		if resp.Status != 200 {
			t.Fatalf("opening answered %d", resp.Status)
		}
		marcus.do(t, "wait for the stage", chromedp.WaitVisible(chromedp.CSS("main .stage-card")))
		stage, err := chromedp.Run(marcus.ctx, chromedp.Text(chromedp.CSS("main .stage-card")))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(stage, "communication") {
			t.Errorf("after opening, the stage card says %q, want the communication stage", stage)
		}
		if marcus.eval(t, "gates gone", `document.querySelector("#open-form") !== null`) {
			t.Errorf("an opened engagement still offers to open")
		}
		marcus.checkClean(t)
	})
}

// gateStates reads the opening-gates card: gate key → met, waiting or blocked.
func gateStates(t *testing.T, tb *browserTab) map[string]string {
	t.Helper()
	m, err := chromedp.Run(tb.ctx, chromedp.Evaluate[map[string]string](
		`Object.fromEntries(Array.from(document.querySelectorAll("#gates li.gate"), li => [li.dataset.gate, li.dataset.state]))`))
	if err != nil {
		t.Fatalf("read the gates: %v", err)
	}
	return m
}
