package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// The quality bar: neither the web UI, nor the API, nor the CLI can
// open an engagement with an unapproved (pending or rejected), expired,
// sensitivity-insufficient or conflicted vendor. Each surface proposes the
// vendor (the proposal is recorded, in "proposed") and tries to open it:
// each refuses naming the gate, and no engagement leaves "proposed". A vendor
// that meets every gate is opened by each surface.
//
// The vendors are made in the server's database through the store, as the
// registry, the assessments and the conflict checks keep them: a vendor
// without a decided assessment has no certification evidence; the
// conflicted vendor discloses work for the Greenfield matter's client, and
// the conflict check Probity runs on proposing finds it.

const (
	gEleanor = "eleanor.hartwell@hartwellcrane.example" // firm administrator with an authenticator: the web UI
	gMarcus  = "marcus.oyelaran@hartwellcrane.example"  // attorney: the API (token) and the CLI
)

type gateCase struct {
	name   string // the vendor
	matter string // its number
	gate   string // the key of the gate that refuses
	label  string // that gate's name, which every refusal must show
}

func TestOpeningGatesHoldOnEverySurface(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		r := startServer(t, e, "--demo")
		s := openTestStore(t, r.DB, r.Data)
		ctx := context.Background()
		now := time.Now().UTC()
		day := func(n int) domain.Date { return domain.DateOf(now.AddDate(0, 0, n)) }
		vendors := map[string]domain.Vendor{}
		err := s.Write(ctx, func(tx *store.Tx) error {
			for _, v := range []domain.Vendor{
				{Name: "Pending Review Co", Diligence: domain.DiligencePending},
				{Name: "Rejected Review Co", Diligence: domain.DiligenceRejected, ApprovedUntil: day(200)},
				{Name: "Lapsed Review Co", Diligence: domain.DiligenceApproved, ApprovedUntil: day(-2)},
				{Name: "Uncertified Review Co", Diligence: domain.DiligenceApproved, ApprovedUntil: day(200)},
				{Name: "Conflicted Review Co", Diligence: domain.DiligenceApproved, ApprovedUntil: day(200)},
				{Name: "Good Review Co", Diligence: domain.DiligenceApproved, ApprovedUntil: day(200)},
			} {
				v.Country, v.Currency = "US", "USD"
				if err := v.Validate(); err != nil {
					return err
				}
				if err := tx.CreateVendor(ctx, &v, now); err != nil {
					return err
				}
				vendors[v.Name] = v
			}
			d := domain.Disclosure{VendorID: vendors["Conflicted Review Co"].ID, Name: "Greenfield Municipal Credit Union", Kind: domain.DisclosureClient,
				Details: "Loan servicing review, 2025"}
			if err := d.Validate(); err != nil {
				return err
			}
			return tx.AddDisclosure(ctx, &d, now)
		})
		if err != nil {
			t.Fatal(err)
		}
		matters := map[string]int64{}
		if err := s.Read(ctx, func(tx *store.Tx) error {
			ms, err := tx.ListMatters(ctx, store.Scope{All: true}, store.MatterFilter{Page: store.Page{Limit: store.MaxPageSize}})
			for _, m := range ms {
				matters[m.Number] = m.ID
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		opened := func() int { return gatesCount(t, s, `SELECT COUNT(*) FROM engagements WHERE stage <> 'proposed'`) }
		all := func() int { return gatesCount(t, s, `SELECT COUNT(*) FROM engagements`) }

		web := newGatesWeb(t, r, gEleanor)
		marcusID := idOfUser(t, web.c, r.URL, gMarcus)
		token := r.createToken(t, gMarcus, "gates test", "write")
		api := &gatesAPI{url: r.URL, c: bearerClient(t), token: token, session: web, supervisor: marcusID}
		cli := &gatesCLI{r: r}

		cases := []gateCase{
			{"Pending Review Co", "2026-0203", domain.GateApproved, "Vendor approved"},
			{"Rejected Review Co", "2026-0203", domain.GateApproved, "Vendor approved"},
			{"Lapsed Review Co", "2026-0203", domain.GateCurrent, "Approval current"},
			{"Uncertified Review Co", "2026-0177", domain.GateSensitivity, "Highly confidential matter requirements"},
			{"Conflicted Review Co", "2026-0203", domain.GateConflicts, "Conflicts cleared"},
			// Every vendor gate met, but the client has not consented, and the
			// firm requires consent (the default): no stage change anywhere.
			{"Good Review Co", "2026-0203", domain.GateConsent, "Client consent"},
		}
		for _, c := range cases {
			v, m := vendors[c.name], matters[c.matter]
			t.Run(c.name, func(t *testing.T) {
				for _, surface := range []struct {
					name string
					try  func(t *testing.T) int64 // proposes and tries to open; returns the proposal
				}{
					{"web", func(t *testing.T) int64 { return web.refused(t, c, m, v.ID, marcusID) }},
					{"api", func(t *testing.T) int64 { return api.refused(t, c, m, v.ID) }},
					{"cli", func(t *testing.T) int64 { return cli.refused(t, c) }},
				} {
					t.Run(surface.name, func(t *testing.T) {
						before, proposals := opened(), all()
						id := surface.try(t)
						if got := opened(); got != before {
							t.Errorf("%d engagements left \"proposed\" (%d before, %d after)", got-before, before, got)
						}
						if got := all(); got != proposals+1 {
							t.Errorf("%d proposals recorded, want 1", got-proposals)
						}
						if st := gatesStage(t, s, id); st != domain.StageProposed {
							t.Errorf("engagement %d is %s, want proposed", id, st)
						}
					})
				}
			})
		}

		// The consent gate itself, with consent given, is proved in
		// internal/app, internal/api and internal/web; here the firm switches
		// the requirement off (through the API, audited) and a vendor meeting
		// every other gate opens on each surface.
		adminToken := r.createToken(t, gEleanor, "consent policy", "write")
		if rp := apiCall(t, bearerClient(t), http.MethodPut, r.URL+"/api/v1/settings/consent", adminToken, `{"required":false}`, nil); rp.StatusCode != http.StatusOK {
			t.Fatalf("switching the consent requirement off: %d %s", rp.StatusCode, rp.body)
		}
		t.Run("a vendor that meets every gate opens on each surface", func(t *testing.T) {
			good := vendors["Good Review Co"]
			green := matters["2026-0203"]
			for _, surface := range []struct {
				name string
				open func(t *testing.T) int64
			}{
				{"web", func(t *testing.T) int64 { return web.opens(t, green, good.ID, marcusID) }},
				{"api", func(t *testing.T) int64 { return api.opens(t, green, good.ID) }},
				{"cli", func(t *testing.T) int64 { return cli.opens(t, good.Name, "2026-0203") }},
			} {
				t.Run(surface.name, func(t *testing.T) {
					before := opened()
					id := surface.open(t)
					if got := opened(); got != before+1 {
						t.Errorf("%d engagements opened, want 1", got-before)
					}
					if st := gatesStage(t, s, id); st != domain.StageCommunication {
						t.Errorf("engagement %d is %s, want communication", id, st)
					}
				})
			}
		})
	})
}

func gatesCount(tb testing.TB, s *store.Store, q string) int {
	tb.Helper()
	var n int
	if err := s.DB().QueryRow(q).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

func gatesStage(tb testing.TB, s *store.Store, id int64) domain.Stage {
	tb.Helper()
	var st domain.Stage
	if err := s.DB().QueryRow(`SELECT stage FROM engagements WHERE id = $1`, id).Scan(&st); err != nil {
		tb.Fatalf("engagement %d: %v", id, err)
	}
	return st
}

// ---------------------------------------------------------------------------
// The web UI: the matter page's "Propose a vendor" form, then the engagement
// page's gates and its open form.

type gatesWeb struct {
	c    *http.Client
	base string
}

func newGatesWeb(tb testing.TB, r *running, email string) *gatesWeb {
	tb.Helper()
	c := httpClient(tb)
	formSignInOK(tb, c, r.URL, email)
	return &gatesWeb{c: c, base: r.URL}
}

// propose checks the gates on the matter page, then posts the proposal form
// and returns the new engagement's id.
func (w *gatesWeb) propose(tb testing.TB, matter, vendor, supervisor int64) (int64, []gateState) {
	tb.Helper()
	page := fmt.Sprintf("/matters/%d?vendor=%d", matter, vendor)
	r := httpGet(tb, w.c, w.base+page)
	requireStatus(tb, r, http.StatusOK)
	shown := gatesShown(tb, htmlOf(tb, r), "section#propose")
	action := fmt.Sprintf("/matters/%d/engagements", matter)
	form := formFields(tb, w.c, w.base, page, action)
	if form.Get("vendor_id") != strconv.FormatInt(vendor, 10) {
		tb.Fatalf("the proposal form carries vendor %q, want %d", form.Get("vendor_id"), vendor)
	}
	form.Set("service", "document_review")
	form.Set("description", "Review of the loan files")
	form.Set("supervisor_id", strconv.FormatInt(supervisor, 10))
	form.Set("billing_mode", "disbursement")
	form.Set("currency", "USD")
	form.Set("estimate", "1200.00")
	form.Set("inhouse_estimate", "4800.00")
	loc := redirectTarget(tb, httpPost(tb, w.c, w.base+action, form))
	id, err := strconv.ParseInt(strings.TrimPrefix(loc.Path, "/engagements/"), 10, 64)
	if err != nil || loc.Fragment != "gates" {
		tb.Fatalf("the proposal led to %s, want /engagements/N#gates", loc)
	}
	return id, shown
}

func (w *gatesWeb) refused(t *testing.T, c gateCase, matter, vendor, supervisor int64) int64 {
	id, shown := w.propose(t, matter, vendor, supervisor)
	requireGateUnmet(t, "the matter page", shown, c)
	r := httpGet(t, w.c, fmt.Sprintf("%s/engagements/%d", w.base, id))
	requireStatus(t, r, http.StatusOK)
	doc := htmlOf(t, r)
	requireGateUnmet(t, "the engagement page", gatesShown(t, doc, "section#gates"), c)
	if len(htmlQueryAll(t, doc, "form#open-form")) != 0 {
		t.Errorf("the engagement page offers to open it while %s is unmet", c.label)
	}
	// Post the open form anyway (as a stale page would).
	form := url.Values{"csrf_token": {jarValue(t, w.c, w.base, "probity_csrf")}}
	r = httpPost(t, w.c, fmt.Sprintf("%s/engagements/%d/open", w.base, id), form)
	requireStatus(t, r, http.StatusConflict)
	doc = htmlOf(t, r)
	msg := htmlText(htmlQueryOne(t, doc, "#open-error"))
	if !strings.Contains(msg, c.label+":") {
		t.Errorf("the refusal %q does not name %q", msg, c.label)
	}
	requireGateUnmet(t, "the refusal page", gatesShown(t, doc, "section#gates"), c)
	return id
}

func (w *gatesWeb) opens(t *testing.T, matter, vendor, supervisor int64) int64 {
	id, shown := w.propose(t, matter, vendor, supervisor)
	for _, g := range shown {
		if g.state != "met" {
			t.Fatalf("gate %s is %s for a vendor that meets every gate", g.key, g.state)
		}
	}
	page := fmt.Sprintf("/engagements/%d", id)
	form := formFields(t, w.c, w.base, page, page+"/open")
	loc := redirectTarget(t, httpPost(t, w.c, w.base+page+"/open", form))
	if loc.Path != page {
		t.Errorf("opening led to %s, want %s", loc, page)
	}
	return id
}

type gateState struct{ key, state, text string }

// gatesShown reads the gate list inside the section matching sel.
func gatesShown(tb testing.TB, doc *html.Node, sel string) []gateState {
	tb.Helper()
	root := htmlQueryOne(tb, doc, sel)
	var out []gateState
	for _, li := range htmlQueryAll(tb, root, "ul.gates li.gate") {
		out = append(out, gateState{key: htmlAttr(li, "data-gate"), state: htmlAttr(li, "data-state"), text: htmlText(li)})
	}
	if len(out) != 5 {
		tb.Fatalf("%s shows %d gates, want 5 (approval, currency, sensitivity, conflicts, consent)", sel, len(out))
	}
	return out
}

func requireGateUnmet(tb testing.TB, where string, gs []gateState, c gateCase) {
	tb.Helper()
	for _, g := range gs {
		if g.key == c.gate {
			if g.state == "met" || !strings.Contains(g.text, c.label) {
				tb.Errorf("%s: gate %s is %s (%q), want it unmet and named %q", where, g.key, g.state, g.text, c.label)
			}
			return
		}
	}
	tb.Errorf("%s does not show the %s gate", where, c.gate)
}

// ---------------------------------------------------------------------------
// The JSON API, with an API token (and, for highly confidential matters,
// which an API token cannot reach without a second factor, the session of a
// user who passed one).

type gatesAPI struct {
	url, token string
	c          *http.Client
	session    *gatesWeb
	supervisor int64
}

type apiGates struct {
	Engagement struct {
		ID    int64  `json:"id"`
		Stage string `json:"stage"`
	} `json:"engagement"`
	Check struct {
		GatesMet bool `json:"gates_met"`
		Gates    []struct {
			Key   string `json:"key"`
			Name  string `json:"name"`
			Met   bool   `json:"met"`
			State string `json:"state"`
			Why   string `json:"why"`
		} `json:"gates"`
	} `json:"opening_check"`
}

func (a *gatesAPI) proposal(matter, vendor int64) string {
	return fmt.Sprintf(`{"matter_id":%d,"vendor_id":%d,"service":"document_review","description":"Review of the loan files",`+
		`"supervising_attorney_id":%d,"billing_mode":"fee","estimated_cost":{"minor":120000,"currency":"USD"},"inhouse_estimate":{"minor":480000,"currency":"USD"}}`,
		matter, vendor, a.supervisor)
}

// call sends a request with the token, or through the web session (with
// its CSRF header) when viaSession, and returns the status and body.
func (a *gatesAPI) call(tb testing.TB, viaSession bool, method, path, body string) (int, []byte) {
	tb.Helper()
	if !viaSession {
		rp := apiCall(tb, a.c, method, a.url+path, a.token, body, nil)
		return rp.StatusCode, rp.body
	}
	req, err := http.NewRequest(method, a.url+path, strings.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", jarValue(tb, a.session.c, a.url, "probity_csrf"))
	resp, err := a.session.c.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return resp.StatusCode, b
}

func (a *gatesAPI) refused(t *testing.T, c gateCase, matter, vendor int64) int64 {
	viaSession := false
	check := fmt.Sprintf("/api/v1/matters/%d/opening-check?vendor_id=%d", matter, vendor)
	if c.matter == "2026-0177" {
		// A token carries no second factor: the highly confidential matter is
		// refused outright; a session that passed one meets the gate itself.
		if status, body := a.call(t, false, http.MethodGet, check, ""); status != http.StatusForbidden {
			t.Errorf("a token on the highly confidential matter: %d %s, want 403", status, body)
		}
		if status, body := a.call(t, false, http.MethodPost, "/api/v1/engagements", a.proposal(matter, vendor)); status != http.StatusForbidden {
			t.Errorf("a token proposing on the highly confidential matter: %d %s, want 403", status, body)
		}
		viaSession = true
	}
	status, body := a.call(t, viaSession, http.MethodGet, check, "")
	var oc struct {
		GatesMet bool `json:"gates_met"`
		Gates    []struct {
			Key, Name, State string
			Met              bool
		} `json:"gates"`
	}
	if status != http.StatusOK || json.Unmarshal(body, &oc) != nil || oc.GatesMet {
		t.Fatalf("opening check: %d %s", status, body)
	}
	for _, g := range oc.Gates {
		if g.Key == c.gate && (g.Met || g.Name != c.label) {
			t.Errorf("opening check: gate %+v, want %q unmet", g, c.label)
		}
	}
	status, body = a.call(t, viaSession, http.MethodPost, "/api/v1/engagements", a.proposal(matter, vendor))
	var p apiGates
	if status != http.StatusCreated || json.Unmarshal(body, &p) != nil || p.Engagement.Stage != "proposed" || p.Check.GatesMet {
		t.Fatalf("propose: %d %s", status, body)
	}
	status, body = a.call(t, viaSession, http.MethodPost, fmt.Sprintf("/api/v1/engagements/%d/open", p.Engagement.ID), "")
	var e apiErrorBody
	if status != http.StatusConflict || json.Unmarshal(body, &e) != nil || e.Error.Code != domain.EGateClosed || !strings.Contains(e.Error.Message, c.label+":") {
		t.Errorf("open: %d %s, want 409 gate_closed naming %q", status, body, c.label)
	}
	return p.Engagement.ID
}

func (a *gatesAPI) opens(t *testing.T, matter, vendor int64) int64 {
	status, body := a.call(t, false, http.MethodPost, "/api/v1/engagements", a.proposal(matter, vendor))
	var p apiGates
	if status != http.StatusCreated || json.Unmarshal(body, &p) != nil || !p.Check.GatesMet {
		t.Fatalf("propose: %d %s", status, body)
	}
	status, body = a.call(t, false, http.MethodPost, fmt.Sprintf("/api/v1/engagements/%d/open", p.Engagement.ID), "")
	var o apiGates
	if status != http.StatusOK || json.Unmarshal(body, &o) != nil || o.Engagement.Stage != "communication" {
		t.Errorf("open: %d %s", status, body)
	}
	return p.Engagement.ID
}

// ---------------------------------------------------------------------------
// The CLI, acting as the attorney.

type gatesCLI struct{ r *running }

func (c *gatesCLI) run(tb testing.TB, args ...string) (string, string, error) {
	tb.Helper()
	return runCLI(tb, nil, "", append(append([]string{"engagement"}, args...), engineArgs(c.r.DB, c.r.Data)...)...)
}

var proposedLine = func(out string) int64 {
	i := strings.Index(out, ": engagement ")
	if i < 0 {
		return 0
	}
	rest := out[i+len(": engagement "):]
	j := strings.IndexByte(rest, '.')
	if j < 0 {
		return 0
	}
	id, _ := strconv.ParseInt(rest[:j], 10, 64)
	return id
}

func (c *gatesCLI) refused(t *testing.T, g gateCase) int64 {
	out, errOut, err := c.run(t, "check", "--as", gMarcus, "--matter", g.matter, "--vendor", g.name)
	if exitStatus(err) != 1 || !strings.Contains(out, g.label) || !strings.Contains(describe(err), g.label+":") {
		t.Errorf("check: exit %d (%v)\n%s%s", exitStatus(err), err, out, errOut)
	}
	out, errOut, err = c.run(t, "propose", "--as", gMarcus, "--matter", g.matter, "--vendor", g.name, "--service", "legal_research",
		"--supervisor", gMarcus, "--description", "Research memo", "--billing", "fee", "--estimate", "1200.00", "--inhouse", "4800.00", "--currency", "USD", "--open")
	id := proposedLine(out)
	if id == 0 {
		t.Fatalf("propose printed no engagement id: %v\n%s%s", err, out, errOut)
	}
	if exitStatus(err) != 1 || !strings.Contains(describe(err), g.label+":") {
		t.Errorf("propose --open: exit %d, error %q, want 1 naming %q\n%s", exitStatus(err), describe(err), g.label, out)
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, g.label) && strings.HasPrefix(strings.TrimSpace(line), "MET") {
			t.Errorf("the CLI prints %q as met", line)
		}
	}
	// And opening it later is refused the same way.
	_, _, err = c.run(t, "open", "--as", gMarcus, "--id", strconv.FormatInt(id, 10))
	if exitStatus(err) != 1 || domainCode(err) != domain.EGateClosed || !strings.Contains(describe(err), g.label+":") {
		t.Errorf("open: exit %d, %v", exitStatus(err), err)
	}
	return id
}

func (c *gatesCLI) opens(t *testing.T, vendor, matter string) int64 {
	out, errOut, err := c.run(t, "propose", "--as", gMarcus, "--matter", matter, "--vendor", vendor, "--service", "document_review",
		"--supervisor", gMarcus, "--description", "Second-level review", "--open")
	if err != nil || !strings.Contains(out, "Opened engagement") {
		t.Fatalf("propose --open: %v\n%s%s", err, out, errOut)
	}
	return proposedLine(out)
}

func domainCode(err error) string { return domain.ErrorCode(err) }
