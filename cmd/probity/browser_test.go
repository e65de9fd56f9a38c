package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/probity/probity/internal/demo"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/testenv"
)

// browserRoleTimeout bounds everything one role does in the browser.
const browserRoleTimeout = 60 * time.Second

// browserNavLink is one link of the primary navigation as the browser shows it.
type browserNavLink struct {
	Label string `json:"label"`
	Href  string `json:"href"`
}

// firstScreenCase is what one role must see on its first screen.
type firstScreenCase struct {
	role domain.Role
	name string // the account, by name, from demo.Accounts
	// nav is the labels of the primary navigation, in order.
	nav []string
	// docs is the file under docs/screenshots for this role's home page.
	docs string
}

var firstScreenCases = []firstScreenCase{
	{domain.RoleFirmAdmin, "Eleanor Hartwell", []string{"Home", "Matters", "Engagements", "Vendors", "Clients", "Billing", "Users", "Audit trail", "Questionnaires", "Timekeepers", "Settings"}, "home-admin.png"},
	{domain.RoleAttorney, "Marcus Oyelaran", []string{"Home", "Matters", "Engagements", "Vendors", "Clients", "Reviews", "Quality audits", "Billing"}, "home-attorney.png"},
	{domain.RoleStaff, "Daniel Brooks", []string{"Home", "Matters", "Engagements", "Vendors", "Clients", "Quality audits", "Billing"}, ""},
	{domain.RoleVendorManager, "Anika Deshmukh", []string{"Home", "Engagements", "Our organisation", "Conflict disclosures", "Invoices"}, "home-vendor.png"},
	{domain.RoleVendorProfessional, "Rohan Kulkarni", []string{"Home", "Engagements", "Our organisation"}, ""},
	{domain.RoleClientContact, "Helen Calloway", []string{"Home", "Matters", "Outsourcing", "Invoices", "Savings"}, "home-client.png"},
}

// TestBrowserFirstScreens signs in as one account of each role in headless
// Chromium against `probity serve --demo`, and checks the first screen each
// sees, one engagement page, and that no page logs an error, breaks the CSP
// or reaches past the server. With PROBITY_UPDATE_SCREENSHOTS=1 the SQLite
// run also refreshes the README's screenshots in docs/screenshots.
func TestBrowserFirstScreens(t *testing.T) {
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
		for _, hc := range firstScreenCases {
			t.Run(string(hc.role), func(t *testing.T) {
				acc, ok := accounts[hc.name]
				if !ok || acc.Role != hc.role {
					t.Fatalf("demo has no %s account named %s", hc.role, hc.name)
				}
				checkFirstScreens(t, openBrowserTab(t, browser, r.URL), hc, acc, shots)
			})
		}
		t.Run("wrong-password", func(t *testing.T) {
			checkBrowserWrongPassword(t, openBrowserTab(t, browser, r.URL), accounts["Marcus Oyelaran"])
		})
	})
}

// checkFirstScreens signs acc in from the root URL and checks the home page
// and the first engagement linked from it.
func checkFirstScreens(t *testing.T, tb *browserTab, hc firstScreenCase, acc demo.Account, shots screenshotDirs) {
	tb.do(t, "open /", chromedp.Navigate(tb.base+"/"))
	if got := tb.path(t); got != "/signin" {
		t.Fatalf("/ signed out led to %s, want /signin", got)
	}
	tb.do(t, "wait for the sign-in form", chromedp.WaitVisible(chromedp.CSS("#email")))
	if hc.role == domain.RoleAttorney {
		shots.docsOnly(t, tb, "signin.png")
	}
	browserSignIn(t, tb, acc.Email, demo.Password, 200)
	if got := tb.path(t); got != "/home" {
		t.Fatalf("after sign-in at %s, want /home", got)
	}

	home := tb.snapshot(t)
	if home.WhoName != acc.Name {
		t.Errorf("header .who-name = %q, want %q", home.WhoName, acc.Name)
	}
	if home.H1 == "" {
		t.Errorf("home has no main h1")
	}
	for _, o := range home.Overflowing {
		t.Errorf("home: too wide for its box at 1280px: %s", o)
	}
	var labels []string
	for _, l := range home.Nav {
		labels = append(labels, l.Label)
	}
	if !slices.Equal(labels, hc.nav) {
		t.Errorf("primary nav = %q, want %q", labels, hc.nav)
	}
	hasUsers := slices.ContainsFunc(home.Nav, func(l browserNavLink) bool { return l.Href == "/admin/users" })
	if want := hc.role == domain.RoleFirmAdmin; hasUsers != want {
		t.Errorf("nav links to /admin/users: %t, want %t (%v)", hasUsers, want, home.Nav)
	}
	if len(home.EngagementLinks) == 0 {
		t.Fatalf("home lists no engagement to open")
	}
	switch {
	case hc.role.IsFirm():
		if home.Figures < 4 {
			t.Errorf("firm home shows %d .figures items, want the 4 firm figures", home.Figures)
		}
	case hc.role.IsVendor():
		if home.Figures != 0 {
			t.Errorf("vendor home shows the firm's .figures")
		}
		if len(home.VendorCells) == 0 {
			t.Errorf("vendor home has no engagement table with a Vendor column")
		}
		for _, v := range home.VendorCells {
			if v != acc.Org {
				t.Errorf("vendor %s sees an engagement of %q", acc.Org, v)
			}
		}
	case hc.role.IsClient():
		if home.Figures != 0 {
			t.Errorf("client home shows the firm's .figures")
		}
		if len(home.MatterTitles) == 0 || len(home.EngagementMatters) == 0 {
			t.Errorf("client home lists %d matters and %d engagements, want some of each", len(home.MatterTitles), len(home.EngagementMatters))
		}
		for _, m := range slices.Concat(home.MatterTitles, home.EngagementMatters) {
			if !strings.Contains(m, "Calloway") {
				t.Errorf("Calloway's contact sees matter %q", m)
			}
		}
	}
	shots.save(t, tb, string(hc.role)+"-home.png", hc.docs)

	// Click through to the first engagement of the home table.
	href := home.EngagementLinks[0]
	resp := tb.navigateBy(t, "open "+href, chromedp.Click(chromedp.CSS(`main table a[href="`+href+`"]`)))
	if resp.Status != 200 {
		t.Fatalf("%s answered %d", href, resp.Status)
	}
	if got := tb.path(t); got != href {
		t.Fatalf("clicking the first engagement led to %s, want %s", got, href)
	}
	tb.do(t, "wait for .stage-card", chromedp.WaitVisible(chromedp.CSS("main .stage-card")))
	eng := tb.snapshot(t)
	if eng.H1 == "" || eng.WhoName != acc.Name {
		t.Errorf("engagement page: h1 %q, who %q", eng.H1, eng.WhoName)
	}
	for _, o := range eng.Overflowing {
		t.Errorf("engagement page: too wide for its box at 1280px: %s", o)
	}
	docs := ""
	if hc.role == domain.RoleAttorney {
		docs = "engagement.png"
	}
	shots.save(t, tb, string(hc.role)+"-engagement.png", docs)
	tb.checkClean(t)
}

// checkBrowserWrongPassword signs in with a wrong password: the form comes back
// with the alert and the email kept, and nobody is signed in.
func checkBrowserWrongPassword(t *testing.T, tb *browserTab, acc demo.Account) {
	tb.do(t, "open /signin", chromedp.Navigate(tb.base+"/signin"))
	browserSignIn(t, tb, acc.Email, "not-the-password", 401)
	tb.do(t, "wait for the alert", chromedp.WaitVisible(chromedp.CSS(`main .alert[role="alert"]`)))
	got := tb.snapshot(t)
	if got.Path != "/signin" {
		t.Errorf("failed sign-in at %s, want /signin", got.Path)
	}
	if got.Alert == "" {
		t.Errorf("the alert is empty")
	}
	if got.Email != acc.Email {
		t.Errorf("email field = %q after a failed sign-in, want %q kept", got.Email, acc.Email)
	}
	if got.Password != "" {
		t.Errorf("password field kept its value")
	}
	if got.WhoName != "" || len(got.Nav) != 0 {
		t.Errorf("a failed sign-in shows a signed-in header: %q %v", got.WhoName, got.Nav)
	}
	// The 401 of the failed POST is the one error the browser may log here.
	tb.allow(func(p string) bool { return strings.Contains(p, "status of 401") })
	tb.checkClean(t)

	// The checks above only mean something if a CSP violation does reach
	// them: an inline script must be refused, and reported.
	blocked := tb.eval(t, "insert an inline script", `(() => {
		const s = document.createElement("script");
		s.textContent = "window.probityInline = true";
		document.body.appendChild(s);
		return window.probityInline === undefined;
	})()`)
	if !blocked {
		t.Errorf("the CSP let an inline script run")
	}
	tb.waitProblem(t, "Content Security Policy")
}

// browserSignIn fills the sign-in form and submits it, and waits for the page
// that answers, which must have the status want.
func browserSignIn(t *testing.T, tb *browserTab, email, password string, want int64) {
	t.Helper()
	tb.do(t, "fill the sign-in form",
		chromedp.SendKeys(chromedp.CSS("#email"), email),
		chromedp.SendKeys(chromedp.CSS("#password"), password),
	)
	resp := tb.navigateBy(t, "submit the sign-in form", chromedp.Click(chromedp.CSS(`main form button[type="submit"]`)))
	if secret := demoSecret(email); secret != "" && want == 200 && resp.Status == 200 && tb.path(t) == "/signin/mfa" {
		tb.do(t, "type the authenticator code", chromedp.SendKeys(chromedp.CSS("#code"), totpCode(t, tb.base, secret)))
		resp = tb.navigateBy(t, "submit the code", chromedp.Click(chromedp.CSS(`main form[action="/signin/mfa"] button[type="submit"]`)))
	}
	if resp.Status != want {
		t.Fatalf("sign-in as %s answered %d %s, want %d", email, resp.Status, resp.URL, want)
	}
}

// startBrowser starts one headless Chromium for the test, and stops it at
// cleanup.
func startBrowser(t *testing.T) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(testenv.Chromium(t)),
		chromedp.Headless,
		chromedp.NoSandbox, // the tests may run as root
		chromedp.DisableGPU,
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	// Start the browser on a context with no deadline: the first Run binds
	// the browser's life to its context. Each tab has its own deadline.
	start, stop := context.WithTimeoutCause(ctx, browserRoleTimeout, fmt.Errorf("chromium did not start in %s", browserRoleTimeout))
	defer stop()
	done := make(chan error, 1)
	go func() { done <- chromedp.Do(ctx) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("start chromium: %v", err)
		}
	case <-start.Done():
		t.Fatal(context.Cause(start))
	}
	return ctx
}

// browserTab is one browser tab in a browser context of its own (its own cookies),
// which records what the page logs and every request it makes.
type browserTab struct {
	ctx  context.Context
	base string

	mu       sync.Mutex
	problems []string // console errors, exceptions, CSP and other security reports
	foreign  []string // requests to anywhere but the server
	requests int
	allowed  []func(string) bool
	changed  chan struct{}
}

// openBrowserTab opens a tab on the browser, in a fresh browser context, bounded by
// browserRoleTimeout; it closes at cleanup.
func openBrowserTab(t *testing.T, browser context.Context, base string) *browserTab {
	t.Helper()
	ctx, cancelTimeout := context.WithTimeout(browser, browserRoleTimeout)
	ctx, cancel := chromedp.NewContext(ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(func() {
		cancel()
		cancelTimeout()
	})
	tb := &browserTab{ctx: ctx, base: base, changed: make(chan struct{}, 1)}
	if err := chromedp.Listen(ctx, tb.record); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	return tb
}

// record runs in the tab's event loop: it only appends, under the lock.
func (tb *browserTab) record(ev any) {
	var problem string
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			var args []string
			for _, a := range ev.Args {
				if a.Value != nil {
					args = append(args, string(a.Value))
				} else {
					args = append(args, a.Description)
				}
			}
			problem = fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(args, " "))
		}
	case *runtime.EventExceptionThrown:
		problem = (&chromedp.ExceptionError{ExceptionDetails: ev.ExceptionDetails}).Error()
	case *log.EventEntryAdded:
		if e := ev.Entry; e.Level == log.EntryLevelError || e.Source == log.EntrySourceSecurity {
			problem = fmt.Sprintf("%s %s: %s (%s)", e.Source, e.Level, e.Text, e.URL)
		}
	case *network.EventRequestWillBeSent:
		u := ev.Request.URL
		tb.mu.Lock()
		tb.requests++
		if !strings.HasPrefix(u, tb.base+"/") && u != tb.base && !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "about:") {
			tb.foreign = append(tb.foreign, u)
		}
		tb.mu.Unlock()
	}
	if problem == "" {
		return
	}
	tb.mu.Lock()
	tb.problems = append(tb.problems, problem)
	tb.mu.Unlock()
	select {
	case tb.changed <- struct{}{}:
	default:
	}
}

// allow excuses the problems that ok matches from checkClean.
func (tb *browserTab) allow(ok func(string) bool) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	tb.allowed = append(tb.allowed, ok)
}

// checkClean fails the test for each console error, exception or security
// report the tab saw, and each request that left the server.
func (tb *browserTab) checkClean(t *testing.T) {
	t.Helper()
	tb.mu.Lock()
	defer tb.mu.Unlock()
	for _, p := range tb.problems {
		if slices.ContainsFunc(tb.allowed, func(ok func(string) bool) bool { return ok(p) }) {
			t.Logf("browser reported, as expected: %s", p)
		} else {
			t.Errorf("browser reported: %s", p)
		}
	}
	for _, u := range tb.foreign {
		t.Errorf("page requested %s, which is not the server %s", u, tb.base)
	}
	if tb.requests == 0 {
		t.Errorf("saw no request at all: the network listener is not working")
	}
}

// waitProblem waits until the tab has reported a problem containing s.
func (tb *browserTab) waitProblem(t *testing.T, s string) {
	t.Helper()
	for {
		tb.mu.Lock()
		found := slices.ContainsFunc(tb.problems, func(p string) bool { return strings.Contains(p, s) })
		seen := slices.Clone(tb.problems)
		tb.mu.Unlock()
		if found {
			return
		}
		select {
		case <-tb.changed:
		case <-tb.ctx.Done():
			t.Fatalf("no report containing %q; saw %q", s, seen)
		}
	}
}

// do runs the steps, failing the test with what it was doing.
func (tb *browserTab) do(t *testing.T, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(tb.ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// navigateBy runs the steps and waits for the page they load.
func (tb *browserTab) navigateBy(t *testing.T, what string, steps ...chromedp.Action[chromedp.Void]) *network.Response {
	t.Helper()
	resp, err := chromedp.RunResponse(tb.ctx, steps...)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return resp
}

// eval evaluates a boolean expression in the page.
func (tb *browserTab) eval(t *testing.T, what, expr string) bool {
	t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[bool](expr))
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

// path is the path of the page the tab shows.
func (tb *browserTab) path(t *testing.T) string {
	t.Helper()
	loc, err := chromedp.Run(tb.ctx, chromedp.Location())
	if err != nil {
		t.Fatalf("location: %v", err)
	}
	if !strings.HasPrefix(loc, tb.base+"/") {
		t.Fatalf("the tab left the server: %s", loc)
	}
	p, _, _ := strings.Cut(strings.TrimPrefix(loc, tb.base), "?")
	return p
}

// browserPage is what the tests read from a loaded page's DOM.
type browserPage struct {
	Path              string           `json:"path"`
	WhoName           string           `json:"whoName"`
	H1                string           `json:"h1"`
	Nav               []browserNavLink `json:"nav"`
	Figures           int              `json:"figures"`
	EngagementLinks   []string         `json:"engagementLinks"`
	VendorCells       []string         `json:"vendorCells"`
	MatterTitles      []string         `json:"matterTitles"`
	EngagementMatters []string         `json:"engagementMatters"`
	Overflowing       []string         `json:"overflowing"`
	Alert             string           `json:"alert"`
	Email             string           `json:"email"`
	Password          string           `json:"password"`
}

// browserPageJS reads a browserPage; a missing element reads as empty.
const browserPageJS = `(() => {
	const text = (sel) => { const e = document.querySelector(sel); return e ? e.textContent.trim() : ""; };
	const texts = (sel) => Array.from(document.querySelectorAll(sel), (e) => e.textContent.trim());
	const value = (sel) => { const e = document.querySelector(sel); return e ? e.value : ""; };
	return {
		path: location.pathname,
		whoName: text("header .who-name"),
		h1: text("main h1"),
		nav: Array.from(document.querySelectorAll("nav#primary-nav a"), (a) => ({label: a.textContent.trim(), href: a.getAttribute("href")})),
		figures: document.querySelectorAll("main section[aria-labelledby=figures-h] .figures > li").length, // the firm's figures, not a client's own savings card
		engagementLinks: Array.from(document.querySelectorAll('main section[aria-labelledby=eng-h] table a[href^="/engagements/"]'), (a) => a.getAttribute("href")).filter((h) => /^\/engagements\/\d+$/.test(h)),
		vendorCells: texts('main table td[data-label="Vendor"]'),
		matterTitles: texts('main section[aria-labelledby="mat-h"] tbody td:nth-child(2)'),
		engagementMatters: texts('main table td[data-label="Matter"] .muted'),
		overflowing: [document.documentElement, ...document.querySelectorAll("main .card")]
			.filter((e) => e.scrollWidth > e.clientWidth + 1)
			.map((e) => (e.querySelector("h2, h1") || e).textContent.trim().slice(0, 40) + " (" + e.scrollWidth + "px in " + e.clientWidth + "px)"),
		alert: text('main .alert[role="alert"]'),
		email: value("#email"),
		password: value("#password"),
	};
})()`

// snapshot reads the page's DOM.
func (tb *browserTab) snapshot(t *testing.T) browserPage {
	t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[browserPage](browserPageJS))
	if err != nil {
		t.Fatalf("read the page: %v", err)
	}
	return v
}

// screenshotDirs says where screenshots go: every one to the artifacts
// directory, and the README's to docs/screenshots when that is set.
type screenshotDirs struct {
	artifacts, prefix, docs string
}

// save writes a full-page screenshot as <prefix>-name in the artifacts, and
// as docsName in docs/screenshots when both are set.
func (s screenshotDirs) save(t *testing.T, tb *browserTab, name, docsName string) {
	t.Helper()
	png, err := chromedp.Run(tb.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	s.write(t, filepath.Join(s.artifacts, s.prefix+"-"+name), png)
	if s.docs != "" && docsName != "" {
		s.write(t, filepath.Join(s.docs, docsName), png)
	}
}

// docsOnly writes a full-page screenshot to docs/screenshots only.
func (s screenshotDirs) docsOnly(t *testing.T, tb *browserTab, name string) {
	t.Helper()
	if s.docs == "" {
		return
	}
	png, err := chromedp.Run(tb.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	s.write(t, filepath.Join(s.docs, name), png)
}

func (s screenshotDirs) write(t *testing.T, path string, png []byte) {
	t.Helper()
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s", path)
}

// docsScreenshotDir is docs/screenshots at the repository root.
func docsScreenshotDir(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for d := wd; d != filepath.Dir(d); d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			dir := filepath.Join(d, "docs", "screenshots")
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			return dir
		}
	}
	t.Fatalf("no go.mod above %s", wd)
	return ""
}
