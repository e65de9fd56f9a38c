package main

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/probity/probity/internal/demo"
	"github.com/probity/probity/internal/testenv"
)

// axeTabTimeout bounds one role's whole walk through its pages.
const axeTabTimeout = 5 * time.Minute

// axeAccounts are the people whose pages TestBrowserAccessibility checks:
// one of each kind of role (Rosa Jimenez is the firm's billing manager,
// Rohan Kulkarni a vendor professional).
var axeAccounts = []string{"Eleanor Hartwell", "Marcus Oyelaran", "Rosa Jimenez", "Anika Deshmukh", "Rohan Kulkarni", "Helen Calloway"}

// axeStartPages are visited by every role besides its primary navigation:
// account pages and pages other work adds. A page that answers 403 or 404
// for a role is noted and skipped (the authorisation matrix decides who may
// see what; this test only checks what a role is shown).
var axeStartPages = []string{
	"/home",
	"/account/sessions",
	"/account/mfa",
	"/account/tokens",
	"/account/profile",
	"/account/notifications",
	"/notifications",
	"/search?q=Calloway",
	"/reviews",
	"/audits",
	"/vendors/scorecards",
	"/vendor-invoices",
	"/invoices",
	"/savings",
	"/budgets",
	"/time",
	"/admin/settings",
	"/admin/invitations",
	"/admin/outbox",
}

// axeDocsScreenshots are the pages of the walk the README shows: with
// PROBITY_UPDATE_SCREENSHOTS=1 they are saved in docs/screenshots under
// these names ("role path").
var axeDocsScreenshots = map[string]string{
	"attorney /notifications":     "notifications.png",
	"attorney /search?q=Calloway": "search.png",
	"attorney /account/profile":   "profile.png",
}

// axeDetailPages are the kinds of detail page the walk opens: the first link
// on any visited page whose path matches one is visited, once per kind and
// role. Add a pattern here to cover a new kind of page.
var axeDetailPages = []*regexp.Regexp{
	regexp.MustCompile(`^/matters/\d+$`),
	regexp.MustCompile(`^/matters/\d+/compliance$`),
	regexp.MustCompile(`^/matters/\d+/edit$`),
	regexp.MustCompile(`^/matters/(new|import)$`),
	regexp.MustCompile(`^/engagements/\d+$`),
	regexp.MustCompile(`^/engagements/\d+/communication$`),
	regexp.MustCompile(`^/engagements/\d+/briefing$`),
	regexp.MustCompile(`^/engagements/\d+/sow$`),
	regexp.MustCompile(`^/engagements/\d+/work$`),
	regexp.MustCompile(`^/engagements/\d+/deliverables$`),
	regexp.MustCompile(`^/engagements/\d+/deliverables/versions/\d+$`),
	regexp.MustCompile(`^/engagements/\d+/documents$`),
	regexp.MustCompile(`^/engagements/\d+/documents/\d+$`),
	regexp.MustCompile(`^/engagements/\d+/messages$`),
	regexp.MustCompile(`^/engagements/\d+/messages/\d+$`),
	regexp.MustCompile(`^/engagements/\d+/audits$`),
	regexp.MustCompile(`^/engagements/\d+/audits/\d+$`),
	regexp.MustCompile(`^/engagements/\d+/invoices$`),
	regexp.MustCompile(`^/engagements/\d+/close$`),
	regexp.MustCompile(`^/vendors/\d+$`),
	regexp.MustCompile(`^/vendors/\d+/profile$`),
	regexp.MustCompile(`^/vendors/\d+/disclosures$`),
	regexp.MustCompile(`^/vendors/\d+/assessments$`),
	regexp.MustCompile(`^/vendors/\d+/assessments/\d+$`),
	regexp.MustCompile(`^/vendors/\d+/people/\d+$`),
	regexp.MustCompile(`^/conflict-hits/\d+$`),
	regexp.MustCompile(`^/invoices/\d+$`),
	regexp.MustCompile(`^/vendor-invoices/\d+$`),
	regexp.MustCompile(`^/admin/users/\d+$`),
	regexp.MustCompile(`^/admin/users/\d+/sessions$`),
	regexp.MustCompile(`^/admin/questionnaires/\d+$`),
	regexp.MustCompile(`^/admin/outbox/\d+$`),
}

// axeViolation is one failed axe rule on one page.
type axeViolation struct {
	ID      string   `json:"id"`
	Impact  string   `json:"impact"`
	Help    string   `json:"help"`
	Targets []string `json:"targets"`
}

// axeRunJS runs axe-core on the page with the WCAG 2 A and AA rules and the
// best practices, and returns the serious and critical violations.
const axeRunJS = `(async () => {
	const r = await axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "best-practice"]}, resultTypes: ["violations"]});
	return r.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => ({
		id: v.id, impact: v.impact, help: v.help,
		targets: v.nodes.map((n) => n.target.join(" ")),
	}));
})()`

// TestBrowserAccessibility signs in as the firm administrator, an attorney,
// the billing manager, a vendor manager and a client contact on the demo
// data, visits every page of each one's primary navigation, the account
// pages and one of each kind of detail page reachable from them (a matter,
// an engagement and each of its tabs, a vendor, an invoice, an audit, a
// review page, ...), runs axe-core on each, and fails listing every serious
// or critical violation: rule, impact, the elements and the page. SQLite
// only: the pages are the same on PostgreSQL, which the journey tests cover.
func TestBrowserAccessibility(t *testing.T) {
	axeJS, err := os.ReadFile(testenv.Axe(t))
	if err != nil {
		t.Fatal(err)
	}
	browser := startBrowser(t)
	accounts := map[string]demo.Account{}
	for _, a := range demo.Accounts() {
		accounts[a.Name] = a
	}
	e := testenv.Engines(t)[0]
	r := startServer(t, e, "--demo")
	shots := screenshotDirs{artifacts: testenv.ArtifactDir(t), prefix: "axe"}
	if os.Getenv("PROBITY_UPDATE_SCREENSHOTS") == "1" {
		shots.docs = docsScreenshotDir(t)
	}
	total := 0
	for _, name := range axeAccounts {
		acc := accounts[name]
		t.Run(string(acc.Role), func(t *testing.T) {
			tb := axeTab(t, browser, r.URL, acc, string(axeJS))
			visited := checkAccessibility(t, tb, shots, string(acc.Role))
			total += visited
		})
	}
	t.Logf("axe-core checked %d pages", total)
}

// axeTab opens a tab that loads axe-core into every document, and signs acc in.
func axeTab(t *testing.T, browser context.Context, base string, acc demo.Account, axeJS string) *browserTab {
	t.Helper()
	ctx, cancelTimeout := context.WithTimeout(browser, axeTabTimeout)
	ctx, cancel := chromedp.NewContext(ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(func() {
		cancel()
		cancelTimeout()
	})
	tb := &browserTab{ctx: ctx, base: base, changed: make(chan struct{}, 1)}
	if err := chromedp.Listen(ctx, tb.record); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	// The script is added through the DevTools protocol, so the pages' CSP,
	// which allows no inline or foreign script, does not apply to it.
	tb.do(t, "load axe-core into every page", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: axeJS})
		return err
	}))
	tb.do(t, "open /signin", chromedp.Navigate(base+"/signin"))
	tb.need(t, "#email")
	browserSignIn(t, tb, acc.Email, demo.Password, 200)
	return tb
}

// checkAccessibility walks the role's pages from its home page and checks
// each with axe-core; it returns how many pages it checked.
func checkAccessibility(t *testing.T, tb *browserTab, shots screenshotDirs, role string) int {
	t.Helper()
	queue := slices.Clone(axeStartPages)
	nav, err := chromedp.Run(tb.ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("nav#primary-nav a"), (a) => a.getAttribute("href"))`))
	if err != nil {
		t.Fatalf("read the navigation: %v", err)
	}
	queue = append(nav, queue...)
	seen := map[string]bool{}
	kinds := map[string]bool{}
	checked := 0
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		if seen[p] {
			continue
		}
		seen[p] = true
		resp := tb.navigateBy(t, "open "+p, chromedp.Navigate(tb.base+p))
		switch {
		case resp.Status == 403 || resp.Status == 404:
			t.Logf("%s: %s answers %d: skipped", role, p, resp.Status)
			continue
		case resp.Status != 200:
			t.Errorf("%s: %s answers %d", role, p, resp.Status)
			continue
		case !strings.HasPrefix(resp.MimeType, "text/html"):
			continue
		}
		violations, err := chromedp.Run(tb.ctx, chromedp.Evaluate[[]axeViolation](axeRunJS, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("%s: run axe-core on %s: %v", role, p, err)
		}
		checked++
		for _, v := range violations {
			t.Errorf("%s %s: %s (%s) %s: %s", role, p, v.ID, v.Impact, v.Help, strings.Join(v.Targets, " | "))
		}
		if docs := axeDocsScreenshots[role+" "+p]; len(violations) > 0 || docs != "" {
			shots.save(t, tb, fmt.Sprintf("%s-%s.png", role, strings.NewReplacer("/", "_", "?", "_").Replace(strings.TrimPrefix(p, "/"))), docs)
		}
		links, err := chromedp.Run(tb.ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("main a[href^='/'], header a[href^='/']"), (a) => a.getAttribute("href").split("#")[0].split("?")[0])`))
		if err != nil {
			t.Fatalf("read the links of %s: %v", p, err)
		}
		for _, l := range links {
			for _, k := range axeDetailPages {
				if k.MatchString(l) && !kinds[k.String()] && !seen[l] {
					kinds[k.String()] = true
					queue = append(queue, l)
				}
			}
		}
	}
	for _, k := range axeDetailPages {
		if !kinds[k.String()] {
			t.Logf("%s: no page like %s reached", role, k)
		}
	}
	t.Logf("%s: axe-core checked %d pages", role, checked)
	// Skipped pages answer 403/404 by design; nothing else may be logged.
	tb.allow(func(p string) bool {
		return strings.Contains(p, "status of 403") || strings.Contains(p, "status of 404")
	})
	tb.checkClean(t)
	return checked
}
