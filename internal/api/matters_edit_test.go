package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/demo"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// TestStrategyNotesNeverReachClientsOrVendors: the Calloway matter's case
// strategy notes (demo data) appear on the firm's matter page and API answer,
// and never in what the client contact or the vendor users on the matter
// receive — matter and engagement, page and API — even after an edit.
func TestStrategyNotesNeverReachClientsOrVendors(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newFixture(t, e)
		ctx := context.Background()
		ms, err := f.app.Matters(ctx, app.Operator, store.MatterFilter{Query: "2026-0142", Page: store.Page{Limit: 2}})
		if err != nil || len(ms) != 1 {
			t.Fatalf("the Calloway matter: %v %v", ms, err)
		}
		calloway := strconv.FormatInt(ms[0].ID, 10)
		es, err := f.app.Engagements(ctx, app.Operator, store.EngagementFilter{MatterID: ms[0].ID, Page: store.Page{Limit: 10}})
		if err != nil || len(es) == 0 {
			t.Fatalf("engagements on Calloway: %v %v", es, err)
		}
		paths := []string{"/matters/" + calloway, "/api/v1/matters/" + calloway, "/engagements", "/api/v1/engagements", "/home", "/api/v1/matters"}
		for _, x := range es {
			id := strconv.FormatInt(x.ID, 10)
			paths = append(paths, "/engagements/"+id, "/api/v1/engagements/"+id)
		}
		const marker = "Brightwater coverage position in reserve" // a part of demo.CallowayStrategy free of escaping
		if !strings.Contains(demo.CallowayStrategy, marker) {
			t.Fatal("the marker is not part of the demo's strategy notes")
		}
		marcus := f.as("marcus.oyelaran@hartwellcrane.example")
		for _, p := range []string{"/matters/" + calloway, "/api/v1/matters/" + calloway} {
			if r := marcus.get(t, p); r.status != http.StatusOK || !strings.Contains(string(r.body), marker) {
				t.Fatalf("Marcus on %s: %d, notes shown %v", p, r.status, strings.Contains(string(r.body), marker))
			}
		}
		outsiders := []string{"helen.calloway@callowayfreight.example", "anika.deshmukh@lexora.example", "rohan.kulkarni@lexora.example", "oliver.bennett@meridiandiscovery.example"}
		check := func(secret string) {
			for _, email := range outsiders {
				s := f.as(email)
				seen := 0
				for _, p := range paths {
					r := s.get(t, p)
					if r.status == http.StatusOK {
						seen++
					}
					if strings.Contains(string(r.body), secret) {
						t.Errorf("%s received the strategy notes on %s (%d)", email, p, r.status)
					}
				}
				if seen < 3 {
					t.Errorf("%s could open only %d of the pages: the test proves too little", email, seen)
				}
				r := s.send(t, http.MethodPut, "/api/v1/matters/"+calloway+"/strategy", []byte(`{"notes":"overwritten"}`), false)
				wantError(t, r, http.StatusNotFound, "not_found")
			}
		}
		check(marker)
		const edited = "Offer a standstill if Tidewater concedes the fuel surcharge"
		r := marcus.send(t, http.MethodPut, "/api/v1/matters/"+calloway+"/strategy", []byte(fmt.Sprintf(`{"notes":%q}`, edited)), false)
		var st struct{ Notes, UpdatedBy string }
		if r.status != http.StatusOK || json.Unmarshal(r.body, &st) != nil || st.Notes != edited {
			t.Fatalf("PUT strategy: %d %s", r.status, r.body)
		}
		check(edited)
	})
}

func TestMatterAPI(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newFixture(t, e)
		ctx := context.Background()
		marcus := f.as("marcus.oyelaran@hartwellcrane.example")
		u, err := f.app.UserByEmail(ctx, app.Operator, "marcus.oyelaran@hartwellcrane.example")
		if err != nil {
			t.Fatal(err)
		}
		cs, err := f.app.Clients(ctx, app.Operator, store.Page{Limit: 10})
		if err != nil || len(cs) == 0 {
			t.Fatal(cs, err)
		}
		body := func(number string) []byte {
			return []byte(fmt.Sprintf(`{"client_id":%d,"number":%q,"title":"API matter","sensitivity":"confidential","responsible_attorney_id":%d,"performance":["India"]}`,
				cs[0].ID, number, u.ID))
		}
		r := marcus.send(t, http.MethodPost, "/api/v1/matters", body("2026-0500"), false)
		var m struct {
			ID            int64
			Number        string
			Jurisdictions []struct{ Kind, Name string }
		}
		if r.status != http.StatusCreated || json.Unmarshal(r.body, &m) != nil || m.Number != "2026-0500" || len(m.Jurisdictions) != 1 {
			t.Fatalf("POST /matters: %d %s", r.status, r.body)
		}
		before, _ := f.app.Matters(ctx, app.Operator, store.MatterFilter{Page: store.Page{Limit: store.MaxPageSize}})
		wantError(t, marcus.send(t, http.MethodPost, "/api/v1/matters", body("2026-0500"), false), http.StatusConflict, "conflict")
		wantError(t, marcus.send(t, http.MethodPost, "/api/v1/matters", body("bad|number"), false), http.StatusUnprocessableEntity, "invalid")
		wantError(t, f.as("daniel.brooks@hartwellcrane.example").send(t, http.MethodPost, "/api/v1/matters", body("2026-0501"), false), http.StatusForbidden, "forbidden")
		after, _ := f.app.Matters(ctx, app.Operator, store.MatterFilter{Page: store.Page{Limit: store.MaxPageSize}})
		if len(after) != len(before) {
			t.Errorf("refused creations changed the matters: %d → %d", len(before), len(after))
		}
		r = marcus.send(t, http.MethodPut, "/api/v1/matters/"+strconv.FormatInt(m.ID, 10), []byte(strings.Replace(string(body("2026-0500")), "API matter", "API matter, renamed", 1)), false)
		if r.status != http.StatusOK || !strings.Contains(string(r.body), "renamed") {
			t.Errorf("PUT /matters/{id}: %d %s", r.status, r.body)
		}

		// The CSV import: a dry run previews with line numbers; a bad file
		// imports nothing (422); a good one imports (201).
		csv := "number,client_number,title,responsible_attorney_email\n2026-0601,CFS-0711,One,marcus.oyelaran@hartwellcrane.example\n2026-0601,CFS-0711,Two,marcus.oyelaran@hartwellcrane.example\n"
		r = marcus.send(t, http.MethodPost, "/api/v1/matters/import?dry_run=true", []byte(csv), false)
		var p struct {
			Valid    bool
			Rows     []struct{ Line int }
			Problems []struct {
				Line    int
				Message string
			}
		}
		if r.status != http.StatusOK || json.Unmarshal(r.body, &p) != nil || p.Valid || len(p.Problems) != 1 || p.Problems[0].Line != 3 {
			t.Fatalf("dry run: %d %s", r.status, r.body)
		}
		e422 := wantError(t, marcus.send(t, http.MethodPost, "/api/v1/matters/import", []byte(csv), false), http.StatusUnprocessableEntity, "invalid")
		if !strings.Contains(e422.Error.Message, "line 3") {
			t.Errorf("the import error does not name line 3: %+v", e422)
		}
		r = marcus.send(t, http.MethodPost, "/api/v1/matters/import?dry_run=false", []byte(strings.Replace(csv, "2026-0601,CFS-0711,Two", "2026-0602,CFS-0711,Two", 1)), false)
		if r.status != http.StatusCreated || !strings.Contains(string(r.body), `"committed": true`) {
			t.Errorf("import: %d %s", r.status, r.body)
		}
		r = marcus.send(t, http.MethodPost, "/api/v1/matters/import?kind=parties&dry_run=true", []byte("matter_number,name,role,colour\n"), false)
		if r.status != http.StatusOK || !strings.Contains(string(r.body), `unknown column \"colour\"`) {
			t.Errorf("unknown column: %d %s", r.status, r.body)
		}
	})
}
