package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// one returns the only element matching, failing otherwise.
func ogOne(t *testing.T, what string, n *html.Node, match func(*html.Node) bool) *html.Node {
	t.Helper()
	found := elements(n, match)
	if len(found) != 1 {
		t.Fatalf("%s: %d matches, want 1", what, len(found))
	}
	return found[0]
}

func ogID(id string) func(*html.Node) bool {
	return func(n *html.Node) bool { return attrOf(n, "id") == id }
}

// gateStates reads the gate list under n: key → state.
func ogGates(n *html.Node) map[string]string {
	out := map[string]string{}
	for _, li := range elements(n, func(x *html.Node) bool { return x.Data == "li" && hasClass(x, "gate") }) {
		out[attrOf(li, "data-gate")] = attrOf(li, "data-state")
	}
	return out
}

type ogSite struct {
	*site
	matters map[string]int64
	people  map[string]int64
	vendors map[string]int64
}

func newOGSite(t *testing.T, e testenv.Engine) *ogSite {
	t.Helper()
	s := &ogSite{site: newSite(t, e), matters: map[string]int64{}, people: map[string]int64{}, vendors: map[string]int64{}}
	ctx := context.Background()
	err := s.app.Store.Write(ctx, func(tx *store.Tx) error {
		good := domain.Vendor{Name: "Good Review Co", Country: "US", Currency: "USD", Diligence: domain.DiligenceApproved, ApprovedUntil: domain.DateOf(time.Now().AddDate(0, 6, 0))}
		if err := tx.CreateVendor(ctx, &good, time.Now()); err != nil {
			return err
		}
		ms, err := tx.ListMatters(ctx, store.Scope{All: true}, store.MatterFilter{Page: store.Page{Limit: store.MaxPageSize}})
		for _, m := range ms {
			s.matters[m.Number] = m.ID
		}
		if err != nil {
			return err
		}
		us, err := tx.ListUsers(ctx, store.UserFilter{Page: store.Page{Limit: store.MaxPageSize}})
		for _, u := range us {
			s.people[u.Email] = u.ID
		}
		if err != nil {
			return err
		}
		vs, err := tx.ListVendors(ctx, store.Scope{All: true}, store.Page{Limit: store.MaxPageSize})
		for _, v := range vs {
			s.vendors[strings.Fields(v.Name)[0]] = v.ID
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (s *ogSite) count(t *testing.T, q string) int {
	t.Helper()
	var n int
	if err := s.app.Store.DB().QueryRow(q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestProposeAndOpenOnThePages(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := newOGSite(t, e)
		marcus := s.signIn(t, "marcus.oyelaran@hartwellcrane.example", "192.0.2.60")
		daniel := s.signIn(t, "daniel.brooks@hartwellcrane.example", "192.0.2.61")
		helen := s.signIn(t, "helen.calloway@callowayfreight.example", "192.0.2.62")
		green, calloway, harbor := s.matters["2026-0203"], s.matters["2026-0142"], s.matters["2025-0311"]
		greenPage := fmt.Sprintf("/matters/%d", green)

		t.Run("only attorneys and administrators see the form, on open matters", func(t *testing.T) {
			doc := parsePage(t, "matter", s.do(t, http.MethodGet, greenPage, marcus, nil))
			sec := ogOne(t, "propose section", doc, ogID("propose"))
			ogOne(t, "vendor choice", sec, ogID("propose-vendor"))
			if n := len(elements(sec, ogID("propose-form"))); n != 0 {
				t.Errorf("the proposal form shows before a vendor is chosen")
			}
			for _, c := range []struct{ who, page string }{{daniel, greenPage}, {helen, fmt.Sprintf("/matters/%d", calloway)}, {marcus, fmt.Sprintf("/matters/%d", harbor)}} {
				if n := len(elements(parsePage(t, c.page, s.do(t, http.MethodGet, c.page, c.who, nil)), ogID("propose"))); n != 0 {
					t.Errorf("%s shows the propose section", c.page)
				}
			}
		})

		t.Run("choosing a vendor shows its gates, then the form", func(t *testing.T) {
			doc := parsePage(t, "matter", s.do(t, http.MethodGet, fmt.Sprintf("%s?vendor=%d", greenPage, s.vendors["Meridian"]), marcus, nil))
			sec := ogOne(t, "propose section", doc, ogID("propose"))
			if st := ogGates(sec); st[domain.GateApproved] != "waiting" || st[domain.GateCurrent] != "waiting" || len(st) != 5 {
				t.Errorf("Meridian's gates on Greenfield: %v", st)
			}
			form := ogOne(t, "proposal form", sec, ogID("propose-form"))
			hidden := ogOne(t, "vendor field", form, func(n *html.Node) bool { return attrOf(n, "name") == "vendor_id" })
			if attrOf(hidden, "value") != strconv.FormatInt(s.vendors["Meridian"], 10) {
				t.Errorf("the form proposes vendor %s", attrOf(hidden, "value"))
			}
			// Priya, screened from Ardent, is not offered as its supervisor.
			doc = parsePage(t, "Ardent", s.do(t, http.MethodGet, fmt.Sprintf("/matters/%d?vendor=%d", s.matters["2026-0177"], s.vendors["Good"]), s.signIn(t, "eleanor.hartwell@hartwellcrane.example", "192.0.2.63"), nil))
			for _, o := range elements(ogOne(t, "supervisor", doc, ogID("propose-supervisor")), func(n *html.Node) bool { return n.Data == "option" }) {
				if attrOf(o, "value") == strconv.FormatInt(s.people["priya.raman@hartwellcrane.example"], 10) {
					t.Errorf("Priya is offered as supervisor on the matter she is screened from")
				}
			}
		})

		form := func(vendor int64, description string) url.Values {
			return url.Values{"vendor_id": {strconv.FormatInt(vendor, 10)}, "service": {"ediscovery"}, "description": {description},
				"supervisor_id": {strconv.FormatInt(s.people["marcus.oyelaran@hartwellcrane.example"], 10)}, "billing_mode": {"fee"},
				"estimate": {"1,200.50"}, "currency": {"GBP"}, "inhouse_estimate": {"4800"}}
		}
		t.Run("a mistake is shown next to its field and changes nothing", func(t *testing.T) {
			before := s.count(t, `SELECT COUNT(*) FROM engagements`)
			for field, f := range map[string]url.Values{
				"propose-description": form(s.vendors["Meridian"], " "),
				"propose-estimate":    func() url.Values { f := form(s.vendors["Meridian"], "x"); f.Set("estimate", "12.345"); return f }(),
				"propose-supervisor":  func() url.Values { f := form(s.vendors["Meridian"], "x"); f.Set("supervisor_id", "0"); return f }(),
			} {
				rec := s.do(t, http.MethodPost, greenPage+"/engagements", marcus, f)
				if rec.Code != http.StatusUnprocessableEntity {
					t.Fatalf("%s: %d, want 422", field, rec.Code)
				}
				doc := parsePage(t, field, rec)
				ogOne(t, "error", doc, ogID("propose-error"))
				if in := ogOne(t, field, doc, ogID(field)); attrOf(in, "aria-invalid") != "true" {
					t.Errorf("%s is not marked invalid", field)
				}
			}
			if after := s.count(t, `SELECT COUNT(*) FROM engagements`); after != before {
				t.Errorf("refused proposals recorded %d engagements", after-before)
			}
			if rec := s.do(t, http.MethodPost, greenPage+"/engagements", daniel, form(s.vendors["Meridian"], "x")); rec.Code != http.StatusForbidden {
				t.Errorf("staff proposing: %d, want 403", rec.Code)
			}
		})

		t.Run("a proposal with an unmet gate is recorded and cannot be opened", func(t *testing.T) {
			rec := s.do(t, http.MethodPost, greenPage+"/engagements", marcus, form(s.vendors["Meridian"], "Forensic collection"))
			loc, _ := url.Parse(rec.Header().Get("Location"))
			if rec.Code != http.StatusSeeOther || loc == nil || loc.Fragment != "gates" {
				t.Fatalf("propose: %d %s", rec.Code, rec.Header().Get("Location"))
			}
			id, _ := strconv.ParseInt(strings.TrimPrefix(loc.Path, "/engagements/"), 10, 64)
			var est int64
			var cur string
			if err := s.app.Store.DB().QueryRow(`SELECT estimated_cost_minor, estimated_cost_currency FROM engagements WHERE id = $1`, id).Scan(&est, &cur); err != nil || est != 120050 || cur != "GBP" {
				t.Errorf("estimate stored as %d %s (%v), want 120050 GBP", est, cur, err)
			}
			doc := parsePage(t, "engagement", s.do(t, http.MethodGet, loc.Path, marcus, nil))
			sec := ogOne(t, "gates card", doc, ogID("gates"))
			if st := ogGates(sec); st[domain.GateApproved] != "waiting" {
				t.Errorf("gates: %v", st)
			}
			if len(elements(doc, ogID("open-form"))) != 0 {
				t.Errorf("the page offers to open it")
			}
			rec = s.do(t, http.MethodPost, loc.Path+"/open", marcus, url.Values{})
			if rec.Code != http.StatusConflict {
				t.Fatalf("open: %d, want 409", rec.Code)
			}
			if msg := text(ogOne(t, "refusal", parsePage(t, "refusal", rec), ogID("open-error"))); !strings.Contains(msg, "Vendor approved:") {
				t.Errorf("refusal %q does not name the gate", msg)
			}
			if rec := s.do(t, http.MethodPost, loc.Path+"/open", daniel, url.Values{}); rec.Code != http.StatusForbidden {
				t.Errorf("staff opening: %d, want 403", rec.Code)
			}
			if n := s.count(t, fmt.Sprintf(`SELECT COUNT(*) FROM engagements WHERE id = %d AND stage = 'proposed'`, id)); n != 1 {
				t.Errorf("the proposal left \"proposed\"")
			}
		})

		t.Run("a vendor meeting every gate opens", func(t *testing.T) {
			rec := s.do(t, http.MethodPost, greenPage+"/engagements", marcus, form(s.vendors["Good"], "Second-level review"))
			if rec.Code != http.StatusSeeOther {
				t.Fatalf("propose: %d", rec.Code)
			}
			loc, _ := url.Parse(rec.Header().Get("Location"))
			// The client's consent is the last gate: the attorney issues the
			// disclosure, and Greenfield's client contact consents on the page.
			doc := parsePage(t, "engagement", s.do(t, http.MethodGet, loc.Path, marcus, nil))
			if st := ogGates(ogOne(t, "gates card", doc, ogID("gates"))); st[domain.GateConsent] != "waiting" || len(elements(doc, ogID("open-form"))) != 0 {
				t.Fatalf("before consent: %v", st)
			}
			ogOne(t, "issue form", doc, ogID("issue-form"))
			if rec := s.do(t, http.MethodPost, loc.Path+"/disclosure/issue", marcus, url.Values{}); rec.Code != http.StatusSeeOther {
				t.Fatalf("issue: %d", rec.Code)
			}
			sam := s.signIn(t, "sam.okafor@greenfieldcu.example", "192.0.2.65")
			cdoc := parsePage(t, "client's engagement", s.do(t, http.MethodGet, loc.Path, sam, nil))
			ogOne(t, "consent form", cdoc, ogID("consent-form"))
			if !strings.Contains(text(ogOne(t, "disclosure", cdoc, ogID("issued-disclosure"))), "Good Review Co") {
				t.Errorf("the client does not see the disclosure")
			}
			if rec := s.do(t, http.MethodPost, loc.Path+"/consent", sam, url.Values{"answer": {"give"}, "typed_name": {"Someone Else"}}); rec.Code != http.StatusUnprocessableEntity ||
				!strings.Contains(text(ogOne(t, "consent error", parsePage(t, "refused", rec), ogID("consent-error"))), "type your name") {
				t.Errorf("a wrong typed name: %d", rec.Code)
			}
			if rec := s.do(t, http.MethodPost, loc.Path+"/consent", sam, url.Values{"answer": {"give"}, "typed_name": {"sam okafor"}}); rec.Code != http.StatusSeeOther {
				t.Fatalf("consent: %d", rec.Code)
			}
			doc = parsePage(t, "engagement", s.do(t, http.MethodGet, loc.Path, marcus, nil))
			if got := text(ogOne(t, "consent state", doc, ogID("consent-state"))); got != domain.ConsentGiven.Label() {
				t.Errorf("the attorney sees consent %q", got)
			}
			for k, st := range ogGates(ogOne(t, "gates card", doc, ogID("gates"))) {
				if st != "met" {
					t.Errorf("gate %s is %s", k, st)
				}
			}
			f := ogOne(t, "open form", doc, ogID("open-form"))
			if attrOf(f, "action") != loc.Path+"/open" {
				t.Errorf("open form posts to %s", attrOf(f, "action"))
			}
			rec = s.do(t, http.MethodPost, loc.Path+"/open", marcus, url.Values{})
			if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != loc.Path {
				t.Fatalf("open: %d %s", rec.Code, rec.Header().Get("Location"))
			}
			doc = parsePage(t, "opened", s.do(t, http.MethodGet, loc.Path, marcus, nil))
			if len(elements(doc, ogID("gates"))) != 0 {
				t.Errorf("an open engagement still shows its opening gates")
			}
			cur := elements(doc, func(n *html.Node) bool { return n.Data == "li" && attrOf(n, "aria-current") == "step" })
			if len(cur) != 1 || text(cur[0]) != "Communication" {
				t.Errorf("the lifecycle does not show it at Communication")
			}
		})

		t.Run("a paused engagement says why and where it resumes", func(t *testing.T) {
			var id int64
			if err := s.app.Store.DB().QueryRow(`SELECT e.id FROM engagements e JOIN vendors v ON v.id = e.vendor_id WHERE v.name = 'Keystone Review LLC'`).Scan(&id); err != nil {
				t.Fatal(err)
			}
			for _, who := range []string{marcus, s.signIn(t, "thomas.walsh@keystonereview.example", "192.0.2.64")} {
				doc := parsePage(t, "paused", s.do(t, http.MethodGet, fmt.Sprintf("/engagements/%d", id), who, nil))
				msg := text(ogOne(t, "paused reason", doc, ogID("paused-reason")))
				if !strings.Contains(msg, "approval expired") || !strings.Contains(msg, domain.StageActive.Label()) {
					t.Errorf("paused reason %q", msg)
				}
			}
		})
	})
}

func TestVendorRequirementsSettingsPage(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := newSite(t, e)
		admin := s.signIn(t, "eleanor.hartwell@hartwellcrane.example", "192.0.2.70")
		marcus := s.signIn(t, "marcus.oyelaran@hartwellcrane.example", "192.0.2.71")
		doc := parsePage(t, "settings", s.do(t, http.MethodGet, "/admin/settings", admin, nil))
		sec := ogOne(t, "vendor requirements", doc, ogID("vendor-requirements"))
		if rows := elements(sec, func(n *html.Node) bool { return n.Data == "tr" && attrOf(n, "data-sensitivity") != "" }); len(rows) != 3 {
			t.Fatalf("%d rule rows, want 3", len(rows))
		}
		if v := attrOf(ogOne(t, "min score", sec, ogID("min-score-highly_confidential")), "value"); v != "70" {
			t.Errorf("highly confidential minimum score %q, want the default 70", v)
		}
		rules := url.Values{"mfa_confidential": {"on"}, "cert_highly_confidential": {"on"}, "mfa_highly_confidential": {"on"},
			"subs_highly_confidential": {"on"}, "min_score_standard": {"0"}, "min_score_confidential": {"55"}, "min_score_highly_confidential": {"80"}}

		bad := url.Values{}
		for k, v := range rules {
			bad[k] = v
		}
		bad.Set("min_score_confidential", "500")
		rec := s.do(t, http.MethodPost, "/admin/settings/vendor-requirements", admin, bad)
		if rec.Code != http.StatusUnprocessableEntity {
			t.Fatalf("a score of 500: %d, want 422", rec.Code)
		}
		doc = parsePage(t, "refused", rec)
		ogOne(t, "error", doc, ogID("rules-error"))
		if attrOf(ogOne(t, "min score", doc, ogID("min-score-confidential")), "aria-invalid") != "true" {
			t.Errorf("the confidential minimum score is not marked invalid")
		}
		if rec := s.do(t, http.MethodPost, "/admin/settings/vendor-requirements", marcus, rules); rec.Code != http.StatusForbidden {
			t.Errorf("an attorney changing the rules: %d, want 403", rec.Code)
		}
		got, err := s.app.SensitivityRules(context.Background(), app.Operator)
		if err != nil || got[1].MinScore != 0 || got[2].MinScore != 70 {
			t.Fatalf("refused changes were saved: %+v %v", got, err)
		}

		rec = s.do(t, http.MethodPost, "/admin/settings/vendor-requirements", admin, rules)
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/admin/settings?saved=rules#vendor-requirements" {
			t.Fatalf("save: %d %s", rec.Code, rec.Header().Get("Location"))
		}
		got, err = s.app.SensitivityRules(context.Background(), app.Operator)
		if err != nil || got[1].MinScore != 55 || !got[1].RequireMFA || got[2].MinScore != 80 || got[0].RequireMFA {
			t.Errorf("saved %+v %v", got, err)
		}
		doc = parsePage(t, "saved", s.do(t, http.MethodGet, "/admin/settings?saved=rules", admin, nil))
		if v := attrOf(ogOne(t, "min score", doc, ogID("min-score-highly_confidential")), "value"); v != "80" {
			t.Errorf("the page shows %q after saving 80", v)
		}
	})
}
