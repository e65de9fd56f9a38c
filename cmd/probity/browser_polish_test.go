package main

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/probity/probity/internal/demo"
	"github.com/probity/probity/internal/testenv"
)

// emulateMedia makes the tab render for a CSS media type ("print", or ""
// for the screen again).
func emulateMedia(media string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: media})
		return err
	})
}

// TestBrowserPrintPhoneAndKeyboard: (1) a client invoice printed shows the
// document only: no header, navigation, breadcrumbs, tabs or action forms,
// black on white, with the totals; a compliance record printed writes the
// address of its key references after them. (2) At a phone's 375 px the
// page does not scroll sideways, the navigation folds behind the Menu
// button and opens with it. (3) The first Tab lands on the skip link, which
// is then visible, and Enter moves focus to the main content.
func TestBrowserPrintPhoneAndKeyboard(t *testing.T) {
	browser := startBrowser(t)
	accounts := map[string]demo.Account{}
	for _, a := range demo.Accounts() {
		accounts[a.Name] = a
	}
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		r := startServer(t, e, "--demo")
		shots := screenshotDirs{artifacts: testenv.ArtifactDir(t), prefix: e.Name + "-polish"}
		s := openTestStore(t, r.DB, r.Data)
		invoiceID := sqlInt(t, s, `SELECT MIN(id) FROM client_invoices WHERE state = 'sent'`)
		matterID := sqlInt(t, s, `SELECT MIN(matter_id) FROM engagements`)
		engagementID := sqlInt(t, s, `SELECT MIN(engagement_id) FROM deadlines`)

		marcus := journeyTab(t, browser, r.URL, accounts["Marcus Oyelaran"])
		marcus.navigateBy(t, "open a sent invoice", chromedp.Navigate(fmt.Sprintf("%s/invoices/%d", r.URL, invoiceID)))
		marcus.need(t, "#invoice-total")
		if !marcus.eval(t, "nav on screen", `getComputedStyle(document.querySelector("#primary-nav")).display !== "none"`) {
			t.Fatal("the navigation is hidden on screen")
		}
		marcus.do(t, "emulate print", emulateMedia("print"))
		hidden := func(sel string) string {
			return fmt.Sprintf(`Array.from(document.querySelectorAll(%q)).every(e => getComputedStyle(e).display === "none" || e.closest("header.top") !== null && getComputedStyle(document.querySelector("header.top")).display === "none")`, sel)
		}
		for _, sel := range []string{"header.top", "#primary-nav", "nav[aria-label=Breadcrumb]", "nav.tabs", "#actions", "main form", "footer.foot"} {
			if !marcus.eval(t, "hidden in print: "+sel, hidden(sel)) {
				t.Errorf("printing the invoice shows %s", sel)
			}
		}
		if !marcus.eval(t, "totals in print", `(e => e.offsetParent !== null && e.getBoundingClientRect().height > 0 && e.textContent.trim() !== "")(document.querySelector("#invoice-total"))`) {
			t.Error("printing the invoice hides its total")
		}
		if !marcus.eval(t, "black on white", `getComputedStyle(document.querySelector("#invoice-total")).color === "rgb(0, 0, 0)" && ["rgba(0, 0, 0, 0)", "rgb(255, 255, 255)"].includes(getComputedStyle(document.body).backgroundColor)`) {
			t.Error("the printed invoice is not black on white")
		}
		shots.save(t, marcus, "invoice-print.png", "")

		marcus.do(t, "back to the screen", emulateMedia(""))
		marcus.navigateBy(t, "open the compliance record", chromedp.Navigate(fmt.Sprintf("%s/matters/%d/compliance", r.URL, matterID)))
		marcus.need(t, "a.print-ref")
		marcus.do(t, "emulate print", emulateMedia("print"))
		if !marcus.eval(t, "reference URLs in print", `Array.from(document.querySelectorAll("a.print-ref")).every(a => getComputedStyle(a, "::after").content.includes(a.getAttribute("href")))`) {
			t.Error("the printed compliance record does not write its references' addresses")
		}
		if !marcus.eval(t, "nav hidden", hidden("#primary-nav")) {
			t.Error("printing the compliance record shows the navigation")
		}
		shots.save(t, marcus, "compliance-print.png", "")
		marcus.do(t, "back to the screen", emulateMedia(""))

		// A phone.
		marcus.do(t, "a 375 px phone", chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile, chromedp.EmulatePortrait))
		for _, p := range []string{"/home", "/invoices", fmt.Sprintf("/invoices/%d", invoiceID), fmt.Sprintf("/matters/%d", matterID),
			fmt.Sprintf("/engagements/%d/work", engagementID), fmt.Sprintf("/engagements/%d/audits", engagementID), "/account/profile"} {
			marcus.navigateBy(t, "open "+p, chromedp.Navigate(r.URL+p))
			if !marcus.eval(t, "no sideways scroll on "+p, `document.documentElement.scrollWidth <= window.innerWidth + 1`) {
				w, _ := chromedp.Run(marcus.ctx, chromedp.Evaluate[float64](`document.documentElement.scrollWidth`))
				t.Errorf("%s is %v px wide on a 375 px phone", p, w)
			}
		}
		shots.save(t, marcus, "matter-phone.png", "")
		if marcus.eval(t, "nav folded", `getComputedStyle(document.querySelector("#primary-nav")).display !== "none"`) {
			t.Error("the navigation is not folded behind Menu on a phone")
		}
		marcus.do(t, "open the menu", chromedp.Click(chromedp.CSS("button.menu-toggle")))
		if !marcus.eval(t, "nav open", `getComputedStyle(document.querySelector("#primary-nav")).display !== "none" && document.querySelector("button.menu-toggle").getAttribute("aria-expanded") === "true"`) {
			t.Error("Menu does not open the navigation")
		}
		marcus.do(t, "back to the desktop", chromedp.EmulateViewport(1280, 900))

		// The keyboard: the first Tab reaches the skip link, Enter skips to main.
		marcus.navigateBy(t, "open home", chromedp.Navigate(r.URL+"/home"))
		marcus.do(t, "press Tab", chromedp.KeyEvent("\t"))
		if !marcus.eval(t, "skip link focused and visible", `document.activeElement.classList.contains("skip") && document.activeElement.getBoundingClientRect().left >= 0 && getComputedStyle(document.activeElement).outlineStyle !== "none"`) {
			t.Error("the first Tab does not land on a visible skip link")
		}
		marcus.do(t, "press Enter", chromedp.KeyEvent("\r"))
		if !marcus.eval(t, "focus in main", `document.activeElement === document.querySelector("main#main")`) {
			t.Error("the skip link does not move focus to the main content")
		}
		marcus.checkClean(t)
	})
}
