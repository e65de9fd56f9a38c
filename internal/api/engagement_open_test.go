package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

type ogCheck struct {
	MatterID    int64  `json:"matter_id"`
	VendorID    int64  `json:"vendor_id"`
	Sensitivity string `json:"sensitivity"`
	Rule        struct {
		MinScore int `json:"min_score"`
	} `json:"rule"`
	GatesMet bool `json:"gates_met"`
	Gates    []struct {
		Key, Name, State, Why string
		Met                   bool
	} `json:"gates"`
}

type ogResult struct {
	Engagement struct {
		ID           int64  `json:"id"`
		Stage        string `json:"stage"`
		OpenedOn     string `json:"opened_on"`
		PausedFrom   string `json:"paused_from"`
		PausedReason string `json:"paused_reason"`
	} `json:"engagement"`
	Check ogCheck `json:"opening_check"`
}

func TestOpeningGatesAPI(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newFixture(t, e)
		admin := f.as(emailOf(t, "Eleanor Hartwell"))
		marcus := f.as(emailOf(t, "Marcus Oyelaran"))
		priya := f.as(emailOf(t, "Priya Raman"))
		daniel := f.as(emailOf(t, "Daniel Brooks"))
		green := findID(t, marcus, "/api/v1/matters?q=2026-0203", "number", "2026-0203")
		ardent := findID(t, admin, "/api/v1/matters?q=2026-0177", "number", "2026-0177")
		meridian := findID(t, marcus, "/api/v1/vendors?limit=500", "name", "Meridian Discovery Partners Ltd")
		marcusID := findID(t, admin, "/api/v1/users?limit=500", "name", "Marcus Oyelaran")
		good := domain.Vendor{Name: "Good Review Co", Country: "US", Currency: "USD", Diligence: domain.DiligenceApproved, ApprovedUntil: domain.DateOf(time.Now().AddDate(0, 6, 0))}
		if err := f.app.Store.Write(context.Background(), func(tx *store.Tx) error { return tx.CreateVendor(context.Background(), &good, time.Now()) }); err != nil {
			t.Fatal(err)
		}
		proposal := func(vendor int64) []byte {
			return []byte(fmt.Sprintf(`{"matter_id":%d,"vendor_id":%d,"service":"ediscovery","description":"Forensic collection","supervising_attorney_id":%d,`+
				`"billing_mode":"fee","estimated_cost":{"minor":3100000,"currency":"GBP"},"inhouse_estimate":{"minor":6100000,"currency":"USD"}}`, green, vendor, marcusID))
		}
		engagements := func() int {
			var n int
			if err := f.app.Store.DB().QueryRow(`SELECT COUNT(*) FROM engagements`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}

		t.Run("the opening check", func(t *testing.T) {
			var c ogCheck
			marcus.getJSON(t, fmt.Sprintf("/api/v1/matters/%d/opening-check?vendor_id=%d", green, meridian), &c)
			if c.GatesMet || len(c.Gates) != 5 || c.Gates[0].Key != domain.GateApproved || c.Gates[0].Met || c.Gates[0].State != "waiting" || c.Sensitivity != "standard" {
				t.Errorf("Meridian on Greenfield: %+v", c)
			}
			var ok ogCheck
			marcus.getJSON(t, fmt.Sprintf("/api/v1/matters/%d/opening-check?vendor_id=%d", green, good.ID), &ok)
			// Every vendor gate met; the client's consent is asked once it is proposed.
			if ok.GatesMet || len(ok.Gates) != 5 || ok.Gates[4].Key != domain.GateConsent || ok.Gates[4].State != "waiting" || !ok.Gates[3].Met {
				t.Errorf("a vendor meeting every vendor gate: %+v", ok)
			}
			if e := wantError(t, marcus.get(t, fmt.Sprintf("/api/v1/matters/%d/opening-check", green)), http.StatusUnprocessableEntity, "invalid"); e.Error.Field != "vendor" {
				t.Errorf("no vendor: field %q", e.Error.Field)
			}
			wantError(t, daniel.get(t, fmt.Sprintf("/api/v1/matters/%d/opening-check?vendor_id=%d", green, good.ID)), http.StatusForbidden, "forbidden")
			wantError(t, priya.get(t, fmt.Sprintf("/api/v1/matters/%d/opening-check?vendor_id=%d", ardent, good.ID)), http.StatusNotFound, "not_found")
		})

		t.Run("propose, refused to open, nothing written by the refusal", func(t *testing.T) {
			before := engagements()
			wantError(t, marcus.send(t, http.MethodPost, "/api/v1/engagements", []byte(`{"matter_id":1,"wizard":true}`), false), http.StatusUnprocessableEntity, "invalid")
			wantError(t, daniel.send(t, http.MethodPost, "/api/v1/engagements", proposal(meridian), false), http.StatusForbidden, "forbidden")
			if e := wantError(t, marcus.send(t, http.MethodPost, "/api/v1/engagements", []byte(strings.Replace(string(proposal(meridian)), `"fee"`, `"contingency"`, 1)), false),
				http.StatusUnprocessableEntity, "invalid"); e.Error.Field != "billing_mode" {
				t.Errorf("bad billing mode: field %q", e.Error.Field)
			}
			if engagements() != before {
				t.Fatalf("refused proposals were recorded")
			}
			r := marcus.send(t, http.MethodPost, "/api/v1/engagements", proposal(meridian), false)
			var p ogResult
			if r.status != http.StatusCreated || json.Unmarshal(r.body, &p) != nil || p.Engagement.Stage != "proposed" || p.Check.GatesMet {
				t.Fatalf("propose: %d %s", r.status, r.body)
			}
			e := wantError(t, marcus.send(t, http.MethodPost, fmt.Sprintf("/api/v1/engagements/%d/open", p.Engagement.ID), nil, false), http.StatusConflict, "gate_closed")
			if !strings.Contains(e.Error.Message, "Vendor approved:") {
				t.Errorf("refusal %q does not name the gate", e.Error.Message)
			}
			var after ogResult
			marcus.getJSON(t, fmt.Sprintf("/api/v1/engagements/%d", p.Engagement.ID), &after.Engagement)
			if after.Engagement.Stage != "proposed" || after.Engagement.OpenedOn != "" {
				t.Errorf("after the refusal: %+v", after.Engagement)
			}
			wantError(t, daniel.send(t, http.MethodPost, fmt.Sprintf("/api/v1/engagements/%d/open", p.Engagement.ID), nil, false), http.StatusForbidden, "forbidden")
		})

		t.Run("a vendor meeting every gate opens, once", func(t *testing.T) {
			r := marcus.send(t, http.MethodPost, "/api/v1/engagements", proposal(good.ID), false)
			var p ogResult
			if r.status != http.StatusCreated || json.Unmarshal(r.body, &p) != nil || p.Check.GatesMet || p.Check.Gates[4].Key != domain.GateConsent {
				t.Fatalf("propose: %d %s", r.status, r.body)
			}
			// Without the client's consent it does not open; the client
			// consents through the API and then it does.
			e := wantError(t, marcus.send(t, http.MethodPost, fmt.Sprintf("/api/v1/engagements/%d/open", p.Engagement.ID), nil, false), http.StatusConflict, "gate_closed")
			if !strings.Contains(e.Error.Message, "Client consent:") {
				t.Errorf("refusal %q does not name the consent gate", e.Error.Message)
			}
			sam := f.as(emailOf(t, "Sam Okafor"))
			consent := func(a *session, method, path string, body string) (int, string) {
				var b []byte
				if body != "" {
					b = []byte(body)
				}
				r := a.send(t, method, fmt.Sprintf("/api/v1/engagements/%d%s", p.Engagement.ID, path), b, false)
				var v struct {
					Consent struct {
						State string `json:"state"`
					} `json:"consent"`
				}
				_ = json.Unmarshal(r.body, &v)
				return r.status, v.Consent.State
			}
			if st, state := consent(marcus, http.MethodPost, "/disclosure/issue", ""); st != http.StatusOK || state != "pending" {
				t.Fatalf("issue: %d %s", st, state)
			}
			if st, _ := consent(sam, http.MethodPost, "/consent", `{"typed_name":"Someone Else"}`); st != http.StatusUnprocessableEntity {
				t.Errorf("a typed name that is not the client's: %d", st)
			}
			if st, state := consent(sam, http.MethodPost, "/consent", `{"typed_name":"SAM OKAFOR"}`); st != http.StatusOK || state != "given" {
				t.Fatalf("consent: %d %s", st, state)
			}
			r = marcus.send(t, http.MethodPost, fmt.Sprintf("/api/v1/engagements/%d/open", p.Engagement.ID), nil, false)
			var o ogResult
			if r.status != http.StatusOK || json.Unmarshal(r.body, &o) != nil || o.Engagement.Stage != "communication" || o.Engagement.OpenedOn != string(domain.DateOf(time.Now())) {
				t.Fatalf("open: %d %s", r.status, r.body)
			}
			wantError(t, marcus.send(t, http.MethodPost, fmt.Sprintf("/api/v1/engagements/%d/open", p.Engagement.ID), nil, false), http.StatusConflict, "conflict")
		})

		t.Run("a paused engagement says why", func(t *testing.T) {
			id := findID(t, marcus, "/api/v1/engagements?limit=500", "vendor_name", "Keystone Review LLC")
			var e struct {
				Stage        string `json:"stage"`
				PausedFrom   string `json:"paused_from"`
				PausedReason string `json:"paused_reason"`
			}
			marcus.getJSON(t, fmt.Sprintf("/api/v1/engagements/%d", id), &e)
			if e.Stage != "paused" || e.PausedFrom != "active" || !strings.Contains(e.PausedReason, "approval expired") {
				t.Errorf("Keystone's engagement: %+v", e)
			}
		})

		t.Run("the firm's vendor requirements", func(t *testing.T) {
			var rs struct {
				Rules []struct {
					Sensitivity          string `json:"sensitivity"`
					RequireCertification bool   `json:"require_certification"`
					RequireMFA           bool   `json:"require_mfa"`
					MinScore             int    `json:"min_score"`
				} `json:"rules"`
			}
			admin.getJSON(t, "/api/v1/settings/sensitivity-rules", &rs)
			if len(rs.Rules) != 3 || rs.Rules[2].Sensitivity != "highly_confidential" || !rs.Rules[2].RequireCertification || rs.Rules[2].MinScore != 70 {
				t.Fatalf("defaults: %+v", rs)
			}
			wantError(t, marcus.get(t, "/api/v1/settings/sensitivity-rules"), http.StatusForbidden, "forbidden")
			two := []byte(`{"rules":[{"sensitivity":"standard","require_certification":false,"require_mfa":false,"no_unapproved_subcontractors":false,"min_score":0}]}`)
			if e := wantError(t, admin.send(t, http.MethodPut, "/api/v1/settings/sensitivity-rules", two, false), http.StatusUnprocessableEntity, "invalid"); e.Error.Field != "rules" {
				t.Errorf("one rule of three: field %q", e.Error.Field)
			}
			wantError(t, admin.send(t, http.MethodPut, "/api/v1/settings/sensitivity-rules", []byte(`{}`), false), http.StatusUnprocessableEntity, "invalid")
			all := []byte(`{"rules":[{"sensitivity":"standard","require_certification":false,"require_mfa":true,"no_unapproved_subcontractors":false,"min_score":10},` +
				`{"sensitivity":"confidential","require_certification":false,"require_mfa":true,"no_unapproved_subcontractors":false,"min_score":0},` +
				`{"sensitivity":"highly_confidential","require_certification":true,"require_mfa":true,"no_unapproved_subcontractors":true,"min_score":75}]}`)
			wantError(t, marcus.send(t, http.MethodPut, "/api/v1/settings/sensitivity-rules", all, false), http.StatusForbidden, "forbidden")
			r := admin.send(t, http.MethodPut, "/api/v1/settings/sensitivity-rules", all, false)
			if r.status != http.StatusOK || json.Unmarshal(r.body, &rs) != nil || !rs.Rules[0].RequireMFA || rs.Rules[0].MinScore != 10 || rs.Rules[2].MinScore != 75 {
				t.Fatalf("put: %d %s", r.status, r.body)
			}
			// The gates follow: a vendor without an assessment no longer meets the standard rule.
			var c ogCheck
			marcus.getJSON(t, fmt.Sprintf("/api/v1/matters/%d/opening-check?vendor_id=%d", green, good.ID), &c)
			if c.GatesMet || c.Rule.MinScore != 10 || c.Gates[2].Key != domain.GateSensitivity || c.Gates[2].Met {
				t.Errorf("after the change: %+v", c)
			}
		})
	})
}
