package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/probity/probity/internal/demo"
	"github.com/probity/probity/internal/testenv"
)

// TestBrowserClientConsent walks the client-consent story in headless
// Chromium against `probity serve --demo`: Greenfield's consent to
// Bayanihan's loan-agreement work went stale when Bayanihan started storing
// data in Singapore. Priya, the responsible attorney, issues the updated
// disclosure from the engagement page; Sam Okafor, Greenfield's client
// contact, signs in, reads it (it names Singapore), types his name and
// consents; Priya's engagement page then shows the consent given, by him.
func TestBrowserClientConsent(t *testing.T) {
	browser := startBrowser(t)
	accounts := map[string]demo.Account{}
	for _, a := range demo.Accounts() {
		accounts[a.Name] = a
	}
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		r := startServer(t, e, "--demo")
		s := openTestStore(t, r.DB, r.Data)
		var id int64
		if err := s.ReadDB().QueryRowContext(context.Background(), `SELECT e.id FROM engagements e JOIN vendors v ON v.id = e.vendor_id
			JOIN matters m ON m.id = e.matter_id WHERE v.name LIKE 'Bayanihan%' AND m.number = '2026-0203'`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		page := fmt.Sprintf("%s/engagements/%d", r.URL, id)

		priya := openBrowserTab(t, browser, r.URL)
		priya.do(t, "open /signin", chromedp.Navigate(r.URL+"/signin"))
		priya.do(t, "wait for the sign-in form", chromedp.WaitVisible(chromedp.CSS("#email")))
		browserSignIn(t, priya, accounts["Priya Raman"].Email, demo.Password, 200)
		priya.navigateBy(t, "open the engagement", chromedp.Navigate(page))
		priya.do(t, "wait for the consent card", chromedp.WaitVisible(chromedp.CSS("#consent")))
		if !priya.eval(t, "stale notice", `(document.querySelector("#consent-stale")?.textContent || "").includes("Singapore")`) {
			t.Fatalf("the consent card does not say the consent is stale because of Singapore")
		}
		priya.do(t, "open the disclosure draft", chromedp.Click(chromedp.CSS("#draft summary")))
		priya.do(t, "wait for the issue button", chromedp.WaitVisible(chromedp.CSS("#issue-form button")))
		if resp := priya.navigateBy(t, "issue the disclosure", chromedp.Click(chromedp.CSS("#issue-form button"))); resp.Status != 200 {
			t.Fatalf("issuing answered %d", resp.Status)
		}
		priya.checkClean(t)

		sam := openBrowserTab(t, browser, r.URL)
		sam.do(t, "open /signin", chromedp.Navigate(r.URL+"/signin"))
		sam.do(t, "wait for the sign-in form", chromedp.WaitVisible(chromedp.CSS("#email")))
		browserSignIn(t, sam, accounts["Sam Okafor"].Email, demo.Password, 200)
		sam.navigateBy(t, "open the engagement", chromedp.Navigate(page))
		sam.do(t, "wait for the consent form", chromedp.WaitVisible(chromedp.CSS("#consent-form")))
		text, err := chromedp.Run(sam.ctx, chromedp.Text(chromedp.CSS("#issued-disclosure")))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(text, "Singapore") || !strings.Contains(text, "Bayanihan") {
			t.Fatalf("the client reads a disclosure without the vendor or Singapore: %q", text)
		}
		sam.do(t, "type the name", chromedp.SendKeys(chromedp.CSS("#typed-name"), "Sam Okafor"))
		if resp := sam.navigateBy(t, "consent", chromedp.Click(chromedp.CSS(`#consent-form button[value="give"]`))); resp.Status != 200 {
			t.Fatalf("consenting answered %d", resp.Status)
		}
		if !sam.eval(t, "revoke offered", `document.querySelector("#revoke-form") !== null`) {
			t.Errorf("after consenting the client is not offered to withdraw it")
		}
		sam.checkClean(t)

		priya.navigateBy(t, "reload the engagement", chromedp.Navigate(page))
		priya.do(t, "wait for the consent card", chromedp.WaitVisible(chromedp.CSS("#consent")))
		state, err := chromedp.Run(priya.ctx, chromedp.Text(chromedp.CSS("#consent-state")))
		if err != nil {
			t.Fatal(err)
		}
		given, err := chromedp.Run(priya.ctx, chromedp.Text(chromedp.CSS("#consent-given")))
		if err != nil {
			t.Fatal(err)
		}
		if strings.TrimSpace(state) != "Consent given" || !strings.Contains(given, "Sam Okafor consented") {
			t.Errorf("the attorney's page shows %q / %q, want the consent given by Sam Okafor", state, given)
		}
		priya.checkClean(t)
	})
}
