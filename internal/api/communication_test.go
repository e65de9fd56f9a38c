package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/probity/probity/internal/demo"
	"github.com/probity/probity/internal/testenv"
)

type commView struct {
	Stage string `json:"stage"`
	Side  string `json:"side"`
	Plan  struct {
		Channels       []string `json:"channels"`
		OverlapMinutes *int     `json:"overlap_minutes"`
		Missing        []string `json:"missing"`
	} `json:"plan"`
	Kickoff *struct {
		FirmConfirmedBy   string `json:"firm_confirmed_by"`
		VendorConfirmedBy string `json:"vendor_confirmed_by"`
	} `json:"kickoff"`
	Members   []struct{ Name, MemberRole string } `json:"members"`
	Withdrawn string                              `json:"withdrawn"`
}

type briefView struct {
	Stage   string `json:"stage"`
	Current *struct {
		Version int    `json:"version"`
		SHA256  string `json:"sha256"`
	} `json:"current"`
	Draft   *json.RawMessage `json:"draft"`
	Members []struct {
		Name         string `json:"name"`
		Acknowledged bool   `json:"acknowledged"`
	} `json:"members"`
	Acks []struct {
		Version int    `json:"version"`
		SHA256  string `json:"sha256"`
	} `json:"acknowledgements"`
}

// The communication and briefing API: the kickoff confirmation needs an
// explicit confirm and moves Greenfield/Bayanihan to briefing once the
// vendor confirms; the demo's research engagement waits on Meera Iyer's
// acknowledgement, which only she gives, typing her own name, and which
// moves it to the SOW. Vendors never see a draft; clients never find the
// tabs; vendor professionals cannot change the plan.
func TestCommunicationAndBriefingAPI(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newFixture(t, e)
		marcus, maria := f.as(emailOf(t, "Marcus Oyelaran")), f.as(emailOf(t, "Maria Santos"))
		helen := f.as(emailOf(t, "Helen Calloway"))
		var research, green int64
		if err := f.app.Store.DB().QueryRow(`SELECT id FROM engagements WHERE description = $1`, demo.BriefingEngagement).Scan(&research); err != nil {
			t.Fatal(err)
		}
		if err := f.app.Store.DB().QueryRow(`SELECT e.id FROM engagements e JOIN matters m ON m.id = e.matter_id JOIN vendors v ON v.id = e.vendor_id
			WHERE m.number = '2026-0203' AND v.name LIKE 'Bayanihan%'`).Scan(&green); err != nil {
			t.Fatal(err)
		}
		comm := func(id int64) string { return fmt.Sprintf("/api/v1/engagements/%d/communication", id) }
		brief := func(id int64, tail string) string { return fmt.Sprintf("/api/v1/engagements/%d/briefing%s", id, tail) }

		// Communication.
		var cv commView
		maria.getJSON(t, comm(green), &cv)
		if cv.Stage != "communication" || cv.Side != "vendor" || cv.Kickoff == nil || cv.Kickoff.FirmConfirmedBy != "Priya Raman" || cv.Kickoff.VendorConfirmedBy != "" ||
			cv.Plan.OverlapMinutes == nil || len(cv.Plan.Missing) != 0 {
			t.Fatalf("Greenfield/Bayanihan: %+v", cv)
		}
		wantError(t, helen.get(t, comm(research)), http.StatusNotFound, "not_found")
		wantError(t, maria.send(t, http.MethodPost, comm(green)[:len(comm(green))-len("communication")]+"kickoff/confirm", []byte(`{"confirm":false}`), false), http.StatusUnprocessableEntity, "invalid")
		r := maria.send(t, http.MethodPost, fmt.Sprintf("/api/v1/engagements/%d/kickoff/confirm", green), []byte(`{"confirm":true}`), false)
		if r.status != http.StatusOK {
			t.Fatalf("Maria confirms: %d %s", r.status, r.body)
		}
		if err := json.Unmarshal(r.body, &cv); err != nil || cv.Stage != "briefing" || cv.Kickoff.VendorConfirmedBy != "Maria Santos" {
			t.Fatalf("after Maria confirmed: %+v %v", cv, err)
		}

		// Briefing: a new version asks everyone again; the member the gate
		// waits on leaves and the engagement moves to the SOW.
		var bv briefView
		anika, rohan := f.as(emailOf(t, "Anika Deshmukh")), f.as(emailOf(t, "Rohan Kulkarni"))
		anika.getJSON(t, brief(research, ""), &bv)
		if bv.Stage != "briefing" || bv.Current == nil || bv.Current.Version != 1 || bv.Draft != nil {
			t.Fatalf("Anika's view: %+v", bv)
		}
		for _, m := range bv.Members {
			if m.Acknowledged != (m.Name == "Anika Deshmukh") {
				t.Errorf("%s acknowledged = %v", m.Name, m.Acknowledged)
			}
		}
		marcus.getJSON(t, brief(research, ""), &bv)
		if bv.Draft == nil {
			t.Error("the supervising attorney sees no draft of version 2")
		}
		wantError(t, anika.send(t, http.MethodPut, brief(research, ""), []byte(`{"strategy_fit":"x"}`), false), http.StatusForbidden, "forbidden")
		sections := `{"jurisdiction_rules":"S.D.N.Y.","local_rules":"","client_guidelines":"Calloway's guidelines","formatting":"","privilege_handling":"Log it",` +
			`"strategy_fit":"Shapes the damages claim.","confidentiality":"Clean desk"}`
		if r := marcus.send(t, http.MethodPut, brief(research, ""), []byte(sections), false); r.status != http.StatusOK {
			t.Fatalf("draft: %d %s", r.status, r.body)
		}
		if r := marcus.send(t, http.MethodPost, brief(research, "/publish"), nil, false); r.status != http.StatusOK {
			t.Fatalf("publish: %d %s", r.status, r.body)
		}
		anika.getJSON(t, brief(research, ""), &bv)
		if bv.Current.Version != 2 || bv.Members[0].Acknowledged || bv.Members[1].Acknowledged {
			t.Fatalf("after version 2: %+v", bv)
		}
		e1 := wantError(t, anika.send(t, http.MethodPost, brief(research, "/acknowledge"), []byte(`{"typed_name":"Meera Iyer"}`), false), http.StatusUnprocessableEntity, "invalid")
		if e1.Error.Field != "typed_name" {
			t.Errorf("field %q", e1.Error.Field)
		}
		wantError(t, marcus.send(t, http.MethodPost, brief(research, "/acknowledge"), []byte(`{"typed_name":"Marcus Oyelaran"}`), false), http.StatusForbidden, "forbidden")
		r = anika.send(t, http.MethodPost, brief(research, "/acknowledge"), []byte(`{"typed_name":"Anika Deshmukh"}`), false)
		if r.status != http.StatusOK {
			t.Fatalf("Anika acknowledges: %d %s", r.status, r.body)
		}
		if err := json.Unmarshal(r.body, &bv); err != nil || bv.Stage != "briefing" || len(bv.Acks) != 2 || bv.Acks[1].Version != 2 || bv.Acks[1].SHA256 != bv.Current.SHA256 {
			t.Fatalf("after Anika acknowledged: %+v %v", bv, err)
		}
		wantError(t, anika.send(t, http.MethodPost, brief(research, "/acknowledge"), []byte(`{"typed_name":"Anika Deshmukh"}`), false), http.StatusConflict, "conflict")
		var meeraID int64
		if err := f.app.Store.DB().QueryRow(`SELECT id FROM users WHERE email = 'meera.iyer@lexora.example'`).Scan(&meeraID); err != nil {
			t.Fatal(err)
		}
		r = marcus.send(t, http.MethodDelete, fmt.Sprintf("/api/v1/engagements/%d/members?user_id=%d", research, meeraID), nil, false)
		if err := json.Unmarshal(r.body, &cv); r.status != http.StatusOK || err != nil || cv.Stage != "sow" || len(cv.Members) != 2 {
			t.Fatalf("Meera leaves: %d %s", r.status, r.body)
		}
		var sow int64
		if err := f.app.Store.DB().QueryRow(`SELECT id FROM engagements WHERE description = $1`, demo.SOWEngagement).Scan(&sow); err != nil {
			t.Fatal(err)
		}
		wantError(t, rohan.send(t, http.MethodPut, comm(sow), []byte(`{"language":"Hindi"}`), false), http.StatusForbidden, "forbidden")
		wantError(t, rohan.get(t, comm(research)), http.StatusNotFound, "not_found")
	})
}
