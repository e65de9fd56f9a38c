package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/testenv"
)

type hitJSON struct {
	ID            int64    `json:"id"`
	MatterID      int64    `json:"matter_id"`
	PartyName     string   `json:"party_name"`
	DisclosedName string   `json:"disclosed_name"`
	Score         float64  `json:"score"`
	Reasons       []string `json:"reasons"`
	Status        string   `json:"status"`
	Resolution    string   `json:"resolution"`
	Consent       *struct {
		By, On, Evidence string
	} `json:"consent"`
}

type conflictsJSON struct {
	Open  int       `json:"open"`
	Items []hitJSON `json:"items"`
}

func TestConflictsAPI(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newFixture(t, e)
		eleanor := f.as(emailOf(t, "Eleanor Hartwell"))
		marcus := f.as(emailOf(t, "Marcus Oyelaran"))
		priya := f.as(emailOf(t, "Priya Raman"))
		oliver := f.as(emailOf(t, "Oliver Bennett"))
		anika := f.as(emailOf(t, "Anika Deshmukh"))

		calloway := findID(t, marcus, "/api/v1/matters?q=2026-0142", "number", "2026-0142")
		ardent := findID(t, eleanor, "/api/v1/matters?q=2026-0177", "number", "2026-0177")
		meridian := findID(t, marcus, "/api/v1/engagements?limit=500&matter_id="+fmt.Sprint(calloway), "vendor_name", "Meridian Discovery Partners Ltd")
		lexora := findID(t, marcus, "/api/v1/vendors", "name", "Lexora Legal Services Pvt. Ltd.")
		conflicts := fmt.Sprintf("/api/v1/engagements/%d/conflicts", meridian)

		t.Run("hits carry both names, the score and the reasons; firm only", func(t *testing.T) {
			var c conflictsJSON
			marcus.getJSON(t, conflicts, &c)
			i := slices.IndexFunc(c.Items, func(h hitJSON) bool { return h.PartyName == "Tidewater Logistics Holdings" })
			if i < 0 || c.Open == 0 {
				t.Fatalf("no open demo hit: %+v", c)
			}
			h := c.Items[i]
			if h.DisclosedName != "Tide Water Logistics Holding Ltd" || h.Score < app.ConflictThreshold || len(h.Reasons) == 0 || h.Status != "open" || h.MatterID != calloway {
				t.Fatalf("hit %+v", h)
			}
			wantError(t, oliver.get(t, conflicts), http.StatusNotFound, "not_found")
			wantError(t, oliver.send(t, http.MethodPost, fmt.Sprintf("/api/v1/conflict-hits/%d/resolve", h.ID), []byte(`{"status":"cleared","reason":"ours"}`), false), http.StatusNotFound, "not_found")
		})

		t.Run("resolving: a waiver needs the client's consent", func(t *testing.T) {
			var c conflictsJSON
			marcus.getJSON(t, conflicts, &c)
			h := c.Items[0]
			path := fmt.Sprintf("/api/v1/conflict-hits/%d/resolve", h.ID)
			er := wantError(t, marcus.send(t, http.MethodPost, path, []byte(`{"status":"waived","reason":"The client agreed"}`), false), http.StatusUnprocessableEntity, "invalid")
			if er.Error.Field != "consent_by" {
				t.Errorf("field %q, want consent_by", er.Error.Field)
			}
			today := f.app.Now().Format("2006-01-02")
			r := marcus.send(t, http.MethodPost, path, []byte(fmt.Sprintf(`{"status":"waived","reason":"Informed consent after full disclosure","consent":{"by":"Helen Calloway, GC","on":%q,"evidence":"Signed letter"}}`, today)), false)
			var got hitJSON
			if r.status != http.StatusOK || json.Unmarshal(r.body, &got) != nil || got.Status != "waived" || got.Consent == nil || got.Consent.By != "Helen Calloway, GC" || got.Consent.On != today {
				t.Fatalf("waiver: %d %s", r.status, r.body)
			}
			r = marcus.send(t, http.MethodPost, conflicts+"/check", nil, false)
			var after conflictsJSON
			if r.status != http.StatusOK || json.Unmarshal(r.body, &after) != nil {
				t.Fatalf("check now: %d %s", r.status, r.body)
			}
			if i := slices.IndexFunc(after.Items, func(x hitJSON) bool { return x.ID == h.ID }); i < 0 || after.Items[i].Status != "waived" {
				t.Fatalf("the waiver did not survive a check: %+v", after.Items)
			}
		})

		t.Run("disclosures: the vendor's managers, all or nothing", func(t *testing.T) {
			list := fmt.Sprintf("/api/v1/vendors/%d/disclosures", lexora)
			var l struct {
				CanEdit bool             `json:"can_edit"`
				Items   []map[string]any `json:"items"`
			}
			anika.getJSON(t, list, &l)
			n0 := len(l.Items)
			if !l.CanEdit || n0 == 0 {
				t.Fatalf("Anika's disclosures: %+v", l)
			}
			wantError(t, oliver.get(t, list), http.StatusNotFound, "not_found")
			wantError(t, marcus.send(t, http.MethodPost, list, []byte(`{"name":"Firm Pick Ltd","kind":"client"}`), false), http.StatusForbidden, "forbidden")
			er := wantError(t, anika.send(t, http.MethodPost, list+"/import", []byte(`{"rows":[{"name":"Delta Mills Ltd","kind":"client"},{"name":"Epsilon Ports","kind":"supplier"}]}`), false),
				http.StatusUnprocessableEntity, "invalid")
			if !strings.Contains(er.Error.Message, "line 2") {
				t.Errorf("the import error does not name line 2: %s", er.Error.Message)
			}
			anika.getJSON(t, list, &l)
			if len(l.Items) != n0 {
				t.Fatalf("a refused import wrote %d disclosures", len(l.Items)-n0)
			}
			r := anika.send(t, http.MethodPost, list, []byte(`{"name":"Zeta Shipping Ltd","kind":"adverse_party","details":"For another firm"}`), false)
			var d struct {
				ID   int64  `json:"id"`
				Kind string `json:"kind"`
			}
			if r.status != http.StatusCreated || json.Unmarshal(r.body, &d) != nil || d.ID == 0 || d.Kind != "adverse_party" {
				t.Fatalf("add: %d %s", r.status, r.body)
			}
			del := fmt.Sprintf("/api/v1/disclosures/%d", d.ID)
			wantError(t, anika.send(t, http.MethodDelete, del, nil, false), http.StatusUnprocessableEntity, "invalid")
			if r := anika.send(t, http.MethodDelete, del+"?reason="+url.QueryEscape("Entered by mistake"), nil, false); r.status != http.StatusNoContent {
				t.Fatalf("remove: %d %s", r.status, r.body)
			}
			wantError(t, anika.send(t, http.MethodDelete, del+"?reason=again", nil, false), http.StatusConflict, "conflict")
		})

		t.Run("parties and aliases", func(t *testing.T) {
			r := marcus.send(t, http.MethodPost, fmt.Sprintf("/api/v1/matters/%d/parties", calloway), []byte(`{"name":"Quayside Terminals LLC","role":"third_party","aliases":["Quayside"]}`), false)
			var p struct {
				ID      int64    `json:"id"`
				Aliases []string `json:"aliases"`
			}
			if r.status != http.StatusCreated || json.Unmarshal(r.body, &p) != nil || p.ID == 0 || len(p.Aliases) != 1 {
				t.Fatalf("add party: %d %s", r.status, r.body)
			}
			aliases := fmt.Sprintf("/api/v1/parties/%d/aliases", p.ID)
			r = marcus.send(t, http.MethodPost, aliases, []byte(`{"alias":"Quayside Terminals"}`), false)
			if r.status != http.StatusOK || json.Unmarshal(r.body, &p) != nil || len(p.Aliases) != 2 {
				t.Fatalf("add alias: %d %s", r.status, r.body)
			}
			wantError(t, oliver.send(t, http.MethodPost, aliases, []byte(`{"alias":"X"}`), false), http.StatusNotFound, "not_found")
			if r := marcus.send(t, http.MethodDelete, aliases+"?alias=Quayside", nil, false); r.status != http.StatusNoContent {
				t.Fatalf("remove alias: %d %s", r.status, r.body)
			}
			wantError(t, marcus.send(t, http.MethodDelete, aliases+"?alias=Quayside", nil, false), http.StatusUnprocessableEntity, "invalid")
			if r := marcus.send(t, http.MethodDelete, fmt.Sprintf("/api/v1/parties/%d?reason=%s", p.ID, url.QueryEscape("Not a party after all")), nil, false); r.status != http.StatusNoContent {
				t.Fatalf("remove party: %d %s", r.status, r.body)
			}
		})

		t.Run("party search keeps screens", func(t *testing.T) {
			q := "/api/v1/parties/search?q=" + url.QueryEscape("Solace Pharmaceuticals Inc")
			type match struct {
				MatterID *int64 `json:"matter_id"`
			}
			type result struct {
				Items []match `json:"items"`
			}
			onArdent := func(r result) bool {
				return slices.ContainsFunc(r.Items, func(m match) bool { return m.MatterID != nil && *m.MatterID == ardent })
			}
			var el, pr result
			eleanor.getJSON(t, q, &el)
			priya.getJSON(t, q, &pr)
			if !onArdent(el) || onArdent(pr) {
				t.Fatalf("Eleanor finds Ardent %v (want true), Priya %v (want false)", onArdent(el), onArdent(pr))
			}
			wantError(t, oliver.get(t, q), http.StatusForbidden, "forbidden")
			wantError(t, eleanor.get(t, "/api/v1/parties/search?q="), http.StatusUnprocessableEntity, "invalid")
		})
	})
}
