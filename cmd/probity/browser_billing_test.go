package main

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/probity/probity/internal/demo"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/ledes"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// TestBrowserBilling walks issue 8's billing story in headless Chromium
// against `probity serve --demo`, one tab per person, every step a click or
// a typed form. Rosa Jimenez (billing manager) follows Billing in the
// navigation to the client invoices, opens Greenfield's approved invoice
// that the firm's policy holds (a markup above the cap): the flag is
// explained, and sending it is refused with the message that a billing
// partner must override it; on Vendor invoices she opens Lexora's pending
// invoice and reads its day-hours flag. Priya Raman (associate) is offered
// no override; Marcus Oyelaran (partner) overrides with a written reason
// and the page says who did; Rosa then sends it. Helen Calloway (the
// client) sees only her sent, paid or written-off invoices, reads the sent
// one's transparency block against the stored figures, downloads its LEDES
// file with her own session and validates it, and sees her savings chart.
// Anika Deshmukh (Lexora's manager, with her second factor) answers the
// disputed line of her invoice on the engagement's Invoices tab. Eleanor
// Hartwell (firm administrator) sees the home page's two savings charts and
// the savings page. With PROBITY_UPDATE_SCREENSHOTS=1 the SQLite run also
// refreshes docs/screenshots/held-invoice.png, vendor-invoice.png,
// client-invoice.png and savings.png.
func TestBrowserBilling(t *testing.T) {
	browser := startBrowser(t)
	update := os.Getenv("PROBITY_UPDATE_SCREENSHOTS") == "1"
	accounts := map[string]demo.Account{}
	for _, a := range demo.Accounts() {
		accounts[a.Name] = a
	}
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		started := time.Now()
		r := startServer(t, e, "--demo")
		shots := screenshotDirs{artifacts: testenv.ArtifactDir(t), prefix: e.Name + "-billing"}
		if update && e.Name == "sqlite" {
			shots.docs = docsScreenshotDir(t)
		}
		s := openTestStore(t, r.DB, r.Data)
		heldID := sqlInt(t, s, `SELECT id FROM client_invoices WHERE state = 'approved' AND flags LIKE '%fee_markup_above_cap%' AND override_by IS NULL`)
		var heldNumber string
		sqlScan(t, s, fmt.Sprintf(`SELECT number FROM client_invoices WHERE id = %d`, heldID), &heldNumber)
		lexoraID := sqlInt(t, s, `SELECT id FROM vendors WHERE name LIKE 'Lexora%'`)
		pendingID := sqlInt(t, s, fmt.Sprintf(`SELECT id FROM vendor_invoices WHERE vendor_id = %d AND state = 'submitted'`, lexoraID))
		disputedID := sqlInt(t, s, fmt.Sprintf(`SELECT id FROM vendor_invoices WHERE vendor_id = %d AND state = 'disputed'`, lexoraID))
		disputedLine := sqlInt(t, s, fmt.Sprintf(`SELECT MIN(id) FROM vendor_invoice_lines WHERE invoice_id = %d AND state = 'disputed'`, disputedID))
		engID := sqlInt(t, s, fmt.Sprintf(`SELECT engagement_id FROM vendor_invoices WHERE id = %d`, disputedID))
		callowayID := sqlInt(t, s, `SELECT id FROM clients WHERE name LIKE 'Calloway%'`)
		sentID := sqlInt(t, s, fmt.Sprintf(`SELECT MAX(id) FROM client_invoices WHERE client_id = %d AND kind = 'invoice' AND state = 'sent'`, callowayID))
		heldPath := fmt.Sprintf("/invoices/%d", heldID)

		// 1. Rosa follows Billing to the client invoices and opens the held one.
		rosa := journeyTab(t, browser, r.URL, accounts["Rosa Jimenez"])
		rosa.navigateBy(t, "follow Billing", chromedp.Click(chromedp.CSS(`nav#primary-nav a[href="/billing"]`)))
		if got := rosa.path(t); got != "/invoices" {
			t.Fatalf("Billing led to %s, want /invoices", got)
		}
		if got := rosa.text(t, "main h1"); got != "Client invoices" {
			t.Errorf("the billing page's heading is %q", got)
		}
		if cur := rosa.text(t, `nav[aria-label="Billing"] a[aria-current="page"]`); cur != "Client invoices" {
			t.Errorf("the current billing tab is %q, want Client invoices", cur)
		}
		heldRow := fmt.Sprintf(`#invoices tr:has(a[href="%s"])`, heldPath)
		rosa.need(t, heldRow)
		if got := rosa.text(t, heldRow); !strings.Contains(got, "held by policy") || !strings.Contains(got, "approved") {
			t.Errorf("the held invoice's row reads %q, want approved and held by policy", got)
		}
		rosa.navigateBy(t, "open the held invoice", chromedp.Click(chromedp.CSS(heldRow+" a")))
		if got := rosa.path(t); got != heldPath {
			t.Fatalf("the held invoice's link led to %s", got)
		}
		flags := rosa.text(t, "#policy-flags")
		for _, want := range []string{"fee_markup_above_cap", "above the firm's cap of 25%", "billing partner"} {
			if !strings.Contains(flags, want) {
				t.Errorf("the policy flags read %q, without %q", flags, want)
			}
		}
		if rosa.eval(t, "override form", `document.querySelector("#override-form") !== null`) {
			t.Errorf("the billing manager (staff) is offered the billing partner's override")
		}
		// The page does not offer Send: it says who must release the invoice
		// first (a send posted anyway is refused: invoice_surfaces_test.go).
		sendForm := fmt.Sprintf(`#actions form[action="%s/send"]`, heldPath)
		if rosa.eval(t, "send form", fmt.Sprintf(`document.querySelector(%q) !== null`, sendForm)) {
			t.Errorf("the held invoice offers Send to the billing manager")
		}
		if got := rosa.text(t, "#held-note"); !strings.Contains(got, "billing partner") {
			t.Errorf("the held invoice's actions read %q, without who may release it", got)
		}
		if got := sqlString(t, s, fmt.Sprintf(`SELECT state FROM client_invoices WHERE id = %d`, heldID)); got != "approved" {
			t.Fatalf("the held invoice is %s", got)
		}

		// She opens Lexora's pending invoice from Vendor invoices.
		rosa.navigateBy(t, "open Vendor invoices", chromedp.Click(chromedp.CSS(`nav[aria-label="Billing"] a[href="/vendor-invoices"]`)))
		pendingRow := fmt.Sprintf(`#vendor-invoices tr:has(a[href="/vendor-invoices/%d"])`, pendingID)
		rosa.need(t, pendingRow)
		if got := rosa.text(t, pendingRow); !strings.Contains(got, "Lexora") || !strings.Contains(got, "submitted") {
			t.Errorf("the pending invoice's row reads %q", got)
		}
		rosa.navigateBy(t, "open the pending invoice", chromedp.Click(chromedp.CSS(pendingRow+" a")))
		dayFlags := rosa.texts(t, `#lines li[data-flag="day_hours"]`)
		if len(dayFlags) == 0 {
			t.Fatalf("the pending invoice shows no day-hours flag; its lines read %.1500s", rosa.text(t, "#lines"))
		}
		if !strings.Contains(strings.Join(dayFlags, " "), "Rohan Kulkarni bills 11 hours on") {
			t.Errorf("the day-hours flags read %q, without Rohan's 11 hours", dayFlags)
		}
		if got := rosa.text(t, "#flag-count"); !strings.Contains(got, "explained beside its line") {
			t.Errorf("the flag count reads %q", got)
		}
		shots.save(t, rosa, "vendor-invoice-pending.png", "")
		rosa.checkClean(t)

		// 2. Priya (an associate) is offered no override.
		priya := journeyTab(t, browser, r.URL, accounts["Priya Raman"])
		priya.navigateBy(t, "open the held invoice", chromedp.Navigate(r.URL+heldPath))
		priya.need(t, "#policy-flags")
		if priya.eval(t, "override form", `document.querySelector("#override-form") !== null`) {
			t.Errorf("an associate is offered the billing partner's override")
		}
		if got := priya.text(t, "#policy-flags"); !strings.Contains(got, "billing partner overrides") {
			t.Errorf("the associate reads the flags as %q, without who may release it", got)
		}
		priya.checkClean(t)

		// Marcus (a partner) overrides with a written reason.
		marcus := journeyTab(t, browser, r.URL, accounts["Marcus Oyelaran"])
		marcus.navigateBy(t, "open the held invoice", chromedp.Navigate(r.URL+heldPath))
		marcus.need(t, "#override-form")
		shots.save(t, marcus, "held-invoice.png", "held-invoice.png")
		reason := "Greenfield agreed the 35% markup in writing for the urgent first tranche (letter of 2 March)."
		marcus.do(t, "write the reason", chromedp.SendKeys(chromedp.CSS("#ov-reason"), reason))
		marcus.submit(t, "override the flags", "#override-form")
		if got := marcus.text(t, "#override"); !strings.Contains(got, "Overridden by Marcus Oyelaran") || !strings.Contains(got, reason) {
			t.Errorf("after the override the page reads %q", got)
		}
		if marcus.eval(t, "override form", `document.querySelector("#override-form") !== null`) {
			t.Errorf("an overridden invoice still offers the override")
		}
		marcus.checkClean(t)

		// Rosa sends it now.
		rosa.navigateBy(t, "reopen the invoice", chromedp.Navigate(r.URL+heldPath))
		rosa.submit(t, "send the invoice", sendForm)
		if got := rosa.text(t, "#invoice-state"); got != "sent" {
			t.Errorf("after sending the invoice is %q, want sent", got)
		}
		if got := sqlString(t, s, fmt.Sprintf(`SELECT state FROM client_invoices WHERE id = %d`, heldID)); got != "sent" {
			t.Errorf("after sending the stored invoice is %s", got)
		}
		rosa.checkClean(t)

		// 3. Helen sees her client's invoices, never a draft.
		helen := journeyTab(t, browser, r.URL, accounts["Helen Calloway"])
		helen.navigateBy(t, "follow Invoices", chromedp.Click(chromedp.CSS(`nav#primary-nav a[href="/invoices"]`)))
		visible := sqlInt(t, s, fmt.Sprintf(`SELECT COUNT(*) FROM client_invoices WHERE client_id = %d AND state IN ('sent','paid','written_off')`, callowayID))
		rows := helen.texts(t, "#invoices tbody tr")
		if int64(len(rows)) != visible {
			t.Errorf("Helen's list has %d invoices, Calloway has %d sent, paid or written off", len(rows), visible)
		}
		var sawPaid bool
		for _, row := range rows {
			if !strings.Contains(row, "Calloway") {
				t.Errorf("Helen's list has another client's invoice: %q", row)
			}
			if strings.Contains(row, "draft") || strings.Contains(row, "approved") || strings.Contains(row, "held") {
				t.Errorf("Helen's list shows an invoice the firm has not sent: %q", row)
			}
			sawPaid = sawPaid || strings.Contains(row, "paid")
		}
		if !sawPaid {
			t.Errorf("Helen's list has no paid invoice: %q", rows)
		}
		helen.navigateBy(t, "open the sent invoice", chromedp.Click(chromedp.CSS(fmt.Sprintf(`#invoices a[href="/invoices/%d"]`, sentID))))
		if got := helen.text(t, "#invoice-state"); got != "sent" {
			t.Errorf("the client's invoice is %q, want sent", got)
		}
		var cur string
		var vendorCost, inHouse, charged int64
		sqlScan(t, s, fmt.Sprintf(`SELECT currency, vendor_cost_minor, inhouse_minor, charged_minor FROM client_invoices WHERE id = %d`, sentID), &cur, &vendorCost, &inHouse, &charged)
		// Helen reads money in her locale (the default, en-US).
		money := func(minor int64) string {
			return domain.DefaultLocale.FormatMoney(domain.Money{Minor: minor, Currency: domain.Currency(cur)})
		}
		block, err := chromedp.Run(helen.ctx, chromedp.Evaluate[map[string]string](`Object.fromEntries(Array.from(
			document.querySelectorAll("#transparency tbody tr"), (tr) => [tr.querySelector("th").textContent.trim(), tr.querySelector("td").textContent.trim()]))`))
		if err != nil {
			t.Fatalf("read the transparency block: %v", err)
		}
		for label, want := range map[string]string{"Vendor cost": money(vendorCost), "In-house equivalent": money(inHouse), "Amount charged": money(charged)} {
			if got := block[label]; got != want {
				t.Errorf("the transparency block's %s reads %q, want %s (from %v)", label, got, want, block)
			}
		}
		saving := block["Your saving"]
		if !strings.HasPrefix(saving, money(inHouse-charged)+" (") {
			t.Errorf("the client's saving reads %q, want %s and a percentage", saving, money(inHouse-charged))
		} else if p := percentsIn(saving); len(p) != 1 || math.Abs(p[0]-100*float64(inHouse-charged)/float64(inHouse)) > 0.05 {
			t.Errorf("the client's saving reads %q: want %.2f%% of the in-house equivalent", saving, 100*float64(inHouse-charged)/float64(inHouse))
		}
		if got := helen.text(t, "#never-billed"); !strings.Contains(got, "Time saved by outsourcing is never billed.") {
			t.Errorf("the invoice says %q, not that time saved is never billed", got)
		}
		page := helen.text(t, "main")
		for _, secret := range []string{"Billing policy flags", "fee_markup", "Overridden by", "Recompute", "Record payment"} {
			if strings.Contains(page, secret) {
				t.Errorf("the client's invoice page shows %q", secret)
			}
		}
		shots.save(t, helen, "client-invoice.png", "client-invoice.png")
		// She downloads the LEDES file with her own session.
		href := helen.attr(t, "#download-ledes", "href")
		if href != fmt.Sprintf("/invoices/%d/ledes", sentID) {
			t.Fatalf("the LEDES link is %q", href)
		}
		file, err := chromedp.Run(helen.ctx, chromedp.Evaluate[string](fmt.Sprintf(
			`fetch(%q).then(r => r.ok ? r.text() : Promise.reject(new Error("status " + r.status)))`, href), chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("download the LEDES file: %v", err)
		}
		if !strings.HasPrefix(file, "LEDES1998B[]") {
			t.Errorf("the LEDES file begins %.40q", file)
		}
		if rep, err := ledes.Validate(strings.NewReader(file)); err != nil {
			t.Errorf("the LEDES file does not validate: %v (%+v)", err, rep)
		}
		helen.navigateBy(t, "follow Savings", chromedp.Click(chromedp.CSS(`nav#primary-nav a[href="/savings"]`)))
		checkChart(t, helen, "#savings-hours-card")
		helen.checkClean(t)

		// 4. Anika answers the disputed line on the engagement's Invoices tab.
		anika := journeyTab(t, browser, r.URL, accounts["Anika Deshmukh"])
		anika.navigateBy(t, "open the engagement", chromedp.Navigate(fmt.Sprintf("%s/engagements/%d", r.URL, engID)))
		anika.navigateBy(t, "open the Invoices tab", chromedp.Click(chromedp.CSS(`nav.engagement-tabs a[href$="/invoices"]`)))
		anika.navigateBy(t, "open the disputed invoice", chromedp.Click(chromedp.CSS(fmt.Sprintf(`#vendor-invoices a[href="/vendor-invoices/%d"]`, disputedID))))
		thread := fmt.Sprintf("#thread-%d", disputedLine)
		anika.need(t, thread)
		before := anika.count(t, thread+" ol.thread > li")
		if before < 2 {
			t.Errorf("the disputed line's thread has %d messages, want the firm's question and her answer", before)
		}
		answer := "Those were the privilege calls on the board minutes: 212 documents, each needing a second look."
		anika.do(t, "type the answer", chromedp.SendKeys(chromedp.CSS(fmt.Sprintf("#reply-%d", disputedLine)), answer))
		anika.submit(t, "answer the dispute", thread+` form[action$="/reply"]`)
		if got := anika.count(t, thread+" ol.thread > li"); got != before+1 {
			t.Errorf("after answering, the thread has %d messages, want %d", got, before+1)
		}
		if got := anika.text(t, thread+" ol.thread > li:last-child"); !strings.Contains(got, "Anika Deshmukh") || !strings.Contains(got, answer) {
			t.Errorf("the thread's last message reads %q", got)
		}
		anika.checkClean(t)

		// The firm's view of the disputed invoice, with its thread.
		marcus.navigateBy(t, "open the disputed invoice", chromedp.Navigate(fmt.Sprintf("%s/vendor-invoices/%d", r.URL, disputedID)))
		if got := marcus.text(t, thread); !strings.Contains(got, answer) {
			t.Errorf("the firm reads the thread as %q, without Anika's answer", got)
		}
		marcus.need(t, thread+` form[action$="/resolve"]`)
		shots.saveTop(t, marcus, thread, "vendor-invoice.png", "vendor-invoice.png")
		marcus.checkClean(t)

		// 5. Eleanor sees the savings charts on her home page and /savings.
		eleanor := journeyTab(t, browser, r.URL, accounts["Eleanor Hartwell"])
		eleanor.navigateBy(t, "open the home page", chromedp.Navigate(r.URL+"/home"))
		checkChart(t, eleanor, "#home-hours-saved")
		checkChart(t, eleanor, "#home-savings-passed")
		eleanor.navigateBy(t, "open Savings", chromedp.Click(chromedp.CSS(`#home-hours-saved a[href="/savings"]`)))
		checkChart(t, eleanor, "#savings-hours-card")
		checkChart(t, eleanor, "#savings-passed-card")
		if got := eleanor.text(t, "#total-hours-freed"); got == "" || got == "0" || got == "0.00" {
			t.Errorf("the savings page frees %q hours", got)
		}
		shots.save(t, eleanor, "savings.png", "savings.png")
		eleanor.checkClean(t)
		t.Logf("%s: the billing story took %s", e.Name, time.Since(started).Round(time.Millisecond))
	})
}

// checkChart checks the chart in the card sel: an SVG image with a label,
// and its numbers in a table with as many rows as the chart has bars or
// points.
func checkChart(t *testing.T, tb *browserTab, sel string) {
	t.Helper()
	svg := sel + " figure.chart svg"
	tb.need(t, svg)
	if got := tb.attr(t, svg, "role"); got != "img" {
		t.Errorf("%s's chart has role %q, want img", sel, got)
	}
	if got := tb.attr(t, svg, "aria-label"); got == "" {
		t.Errorf("%s's chart has no aria-label", sel)
	}
	rows := tb.count(t, sel+" figure.chart table.chart-data tbody tr")
	if rows == 0 {
		t.Errorf("%s's chart has no table of its numbers", sel)
	}
	marks := tb.count(t, svg+" .chart-point, "+svg+" .chart-bar")
	if marks == 0 {
		t.Errorf("%s's chart draws nothing", sel)
	}
}

// sqlString reads one text value.
func sqlString(t *testing.T, s *store.Store, query string) string {
	t.Helper()
	var v string
	sqlScan(t, s, query, &v)
	return v
}

// saveTop writes the page from its top down to the end of the element sel
// matches, at the browser's width (1280), as <prefix>-name in the
// artifacts, and as docsName in docs/screenshots when both are set: for a
// page too long to show whole.
func (s screenshotDirs) saveTop(t *testing.T, tb *browserTab, sel, name, docsName string) {
	t.Helper()
	tb.need(t, sel)
	bottom, err := chromedp.Run(tb.ctx, chromedp.Evaluate[float64](fmt.Sprintf(
		`document.querySelector(%q).getBoundingClientRect().bottom + window.scrollY + 16`, sel)))
	if err != nil {
		t.Fatalf("measure %s: %v", sel, err)
	}
	png, err := chromedp.Run(tb.ctx, func(ctx context.Context, tg *chromedp.Target) ([]byte, error) {
		width, yes := 1280.0, true
		r, err := cdp.Call(ctx, tg, page.CaptureScreenshot, page.CaptureScreenshotParams{
			CaptureBeyondViewport: &yes,
			FromSurface:           &yes,
			Clip:                  &page.Viewport{X: 0, Y: 0, Width: width, Height: bottom, Scale: 1},
		})
		if err != nil {
			return nil, err
		}
		return r.Data, nil
	})
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	s.write(t, filepath.Join(s.artifacts, s.prefix+"-"+name), png)
	if s.docs != "" && docsName != "" {
		s.write(t, filepath.Join(s.docs, docsName), png)
	}
}
