package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/probity/probity/internal/testenv"
)

type profileDoc struct {
	ID                   int64    `json:"id"`
	Name                 string   `json:"name"`
	Country              string   `json:"country"`
	Status               string   `json:"status"`
	PerformanceCountries []string `json:"performance_countries"`
	StorageCountries     []string `json:"storage_countries"`
	Services             []string `json:"services"`
	Subcontractors       []struct {
		ID       int64  `json:"id"`
		Name     string `json:"name"`
		Approval string `json:"approval"`
	} `json:"subcontractors"`
	Insurance *[]struct {
		Kind  string `json:"kind"`
		State string `json:"state"`
		Limit struct {
			Minor    int64  `json:"minor"`
			Currency string `json:"currency"`
		} `json:"limit"`
	} `json:"insurance"`
	OpenChanges *[]struct {
		ID   int64  `json:"id"`
		Kind string `json:"kind"`
	} `json:"open_changes"`
	People *[]struct {
		UserID int64    `json:"user_id"`
		Name   string   `json:"name"`
		State  string   `json:"state"`
		Blocks []string `json:"blocks"`
	} `json:"people"`
}

func (s *session) sendJSON(t *testing.T, method, path, body string) response {
	t.Helper()
	return s.send(t, method, path, []byte(body), false)
}

func TestVendorRegistryAPI(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newFixture(t, e)
		admin := f.as(emailOf(t, "Eleanor Hartwell"))
		marcus := f.as(emailOf(t, "Marcus Oyelaran"))
		anika := f.as(emailOf(t, "Anika Deshmukh"))
		maria := f.as(emailOf(t, "Maria Santos"))
		jose := f.as(emailOf(t, "Jose Reyes"))
		helen := f.as(emailOf(t, "Helen Calloway"))
		lexora := findID(t, admin, "/api/v1/vendors", "name", "Lexora Legal Services Pvt. Ltd.")
		bay := findID(t, admin, "/api/v1/vendors", "name", "Bayanihan Legal Process Center Inc.")
		profile := func(v int64) string { return fmt.Sprintf("/api/v1/vendors/%d/profile", v) }

		// Creating: administrators only; duplicates and near duplicates refused.
		wantError(t, marcus.sendJSON(t, http.MethodPost, "/api/v1/vendors", `{"name":"Northwind","country":"ZA","currency":"ZAR"}`), http.StatusForbidden, "forbidden")
		dup := wantError(t, admin.sendJSON(t, http.MethodPost, "/api/v1/vendors", `{"name":"lexora legal services pvt ltd","country":"IN","currency":"INR"}`), http.StatusConflict, "conflict")
		if dup.Error.Field != "name" || !strings.Contains(dup.Error.Message, "Lexora Legal Services Pvt. Ltd.") {
			t.Errorf("duplicate: %+v", dup.Error)
		}
		wantError(t, admin.sendJSON(t, http.MethodPost, "/api/v1/vendors", `{"name":"Meridian Discovery Partners","country":"GB","currency":"GBP"}`), http.StatusConflict, "conflict")
		bad := wantError(t, admin.sendJSON(t, http.MethodPost, "/api/v1/vendors", `{"name":"Northwind","country":"Narnia","currency":"ZAR"}`), http.StatusUnprocessableEntity, "invalid")
		if bad.Error.Field != "country" {
			t.Errorf("bad country names field %q", bad.Error.Field)
		}
		r := admin.sendJSON(t, http.MethodPost, "/api/v1/vendors", `{"name":"Northwind Legal Support","country":"za","currency":"ZAR","city":"Cape Town"}`)
		if r.status != http.StatusCreated || !strings.HasPrefix(r.header.Get("Location"), "/api/v1/vendors/") {
			t.Fatalf("create: %d %s", r.status, r.body)
		}

		// Reading: the vendor's own people see everything, a client only the
		// countries, services and subcontractors.
		var p profileDoc
		anika.getJSON(t, profile(lexora), &p)
		if p.Status != "active" || !slices.Equal(p.StorageCountries, []string{"IN"}) || !slices.Equal(p.Services, []string{"document_review", "ediscovery"}) ||
			p.Insurance == nil || len(*p.Insurance) != 2 || p.People == nil || len(*p.People) != 3 || len(p.Subcontractors) != 1 || p.Subcontractors[0].Approval != "approved" {
			t.Fatalf("Lexora's profile for Anika: %+v", p)
		}
		var hp profileDoc
		helen.getJSON(t, profile(lexora), &hp)
		if hp.Insurance != nil || hp.People != nil || hp.OpenChanges != nil || len(hp.Subcontractors) != 1 || !slices.Equal(hp.StorageCountries, []string{"IN"}) {
			t.Errorf("a client sees %+v", hp)
		}
		wantError(t, maria.get(t, profile(lexora)), http.StatusNotFound, "not_found")

		// Writing: another vendor's manager is not found; invalid input
		// changes nothing; a country change raises one flag; a new
		// subcontractor waits for the firm.
		body := `{"legal_name":"Lexora Legal Services Private Limited","country":"IN","city":"Pune","performance_countries":["IN"],"storage_countries":["IN","SG"],
			"services":["document_review","ediscovery"],
			"subcontractors":[{"name":"Sahyadri Data Centres Pvt. Ltd.","country":"IN","work":"Hosts the review platform's servers in a Tier III data centre in Pune"},
				{"name":"Lionsgate Backup Pte. Ltd.","country":"SG","work":"Encrypted off-site backups"}],
			"insurance":[{"kind":"cyber","carrier":"Deccan General","limit":{"minor":5000000000,"currency":"INR"},"expires_on":"2030-01-01"}],
			"contacts":[{"name":"Anika Deshmukh","role":"Delivery manager","email":"anika.deshmukh@lexora.example"}]}`
		wantError(t, maria.sendJSON(t, http.MethodPut, profile(lexora), body), http.StatusNotFound, "not_found")
		wantError(t, jose.sendJSON(t, http.MethodPut, profile(bay), `{"country":"PH"}`), http.StatusForbidden, "forbidden")
		e1 := wantError(t, anika.sendJSON(t, http.MethodPut, profile(lexora), strings.Replace(body, `"SG"]`, `"Singapore"]`, 1)), http.StatusUnprocessableEntity, "invalid")
		e2 := wantError(t, anika.sendJSON(t, http.MethodPut, profile(lexora), strings.Replace(body, `"minor":5000000000`, `"minor":-1`, 1)), http.StatusUnprocessableEntity, "invalid")
		e3 := wantError(t, anika.sendJSON(t, http.MethodPut, profile(lexora), `{"country":"IN","colour":"blue"}`), http.StatusUnprocessableEntity, "invalid")
		if e1.Error.Field != "storage_countries" || e2.Error.Field != "insurance.1.limit" || e3.Error.Field != "body" {
			t.Errorf("fields: %q %q %q", e1.Error.Field, e2.Error.Field, e3.Error.Field)
		}
		var same profileDoc
		anika.getJSON(t, profile(lexora), &same)
		if !slices.Equal(same.StorageCountries, []string{"IN"}) || len(*same.OpenChanges) != 0 || len(*same.Insurance) != 2 {
			t.Fatalf("refused writes changed the profile: %+v", same)
		}
		r = anika.sendJSON(t, http.MethodPut, profile(lexora), body)
		if r.status != http.StatusOK {
			t.Fatalf("PUT profile: %d %s", r.status, r.body)
		}
		if err := json.Unmarshal(r.body, &p); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(p.StorageCountries, []string{"IN", "SG"}) || len(*p.OpenChanges) != 2 || len(p.Subcontractors) != 2 ||
			p.Subcontractors[0].Approval != "pending" || p.Subcontractors[1].Approval != "approved" {
			t.Fatalf("after PUT: %+v", p)
		}
		kinds := []string{(*p.OpenChanges)[0].Kind, (*p.OpenChanges)[1].Kind}
		slices.Sort(kinds)
		if !slices.Equal(kinds, []string{"countries", "subcontractors"}) {
			t.Errorf("flags = %v, want one for countries and one for subcontractors", kinds)
		}

		// The firm decides and acknowledges; the vendor cannot.
		decide := fmt.Sprintf("/api/v1/vendors/%d/subcontractors/decision", lexora)
		newSub := p.Subcontractors[0].ID
		wantError(t, anika.sendJSON(t, http.MethodPost, decide, fmt.Sprintf(`{"subcontractor_id":%d,"decision":"approved"}`, newSub)), http.StatusForbidden, "forbidden")
		wantError(t, marcus.sendJSON(t, http.MethodPost, decide, fmt.Sprintf(`{"subcontractor_id":%d,"decision":"refused"}`, newSub)), http.StatusUnprocessableEntity, "invalid")
		if r := marcus.sendJSON(t, http.MethodPost, decide, fmt.Sprintf(`{"subcontractor_id":%d,"decision":"approved","note":"backups encrypted"}`, newSub)); r.status != http.StatusNoContent {
			t.Fatalf("approve: %d %s", r.status, r.body)
		}
		ack := fmt.Sprintf("/api/v1/vendors/%d/changes/acknowledge", lexora)
		for _, c := range *p.OpenChanges {
			wantError(t, anika.sendJSON(t, http.MethodPost, ack, fmt.Sprintf(`{"change_id":%d}`, c.ID)), http.StatusForbidden, "forbidden")
			if r := marcus.sendJSON(t, http.MethodPost, ack, fmt.Sprintf(`{"change_id":%d}`, c.ID)); r.status != http.StatusNoContent {
				t.Fatalf("acknowledge: %d %s", r.status, r.body)
			}
		}
		wantError(t, admin.sendJSON(t, http.MethodPost, ack, fmt.Sprintf(`{"change_id":%d}`, (*p.OpenChanges)[0].ID)), http.StatusConflict, "conflict")
		anika.getJSON(t, profile(lexora), &p)
		if len(*p.OpenChanges) != 0 || p.Subcontractors[0].Approval != "approved" {
			t.Errorf("after the firm's review: %+v", p)
		}
	})
}

func TestPersonnelAPI(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newFixture(t, e)
		admin := f.as(emailOf(t, "Eleanor Hartwell"))
		marcus := f.as(emailOf(t, "Marcus Oyelaran"))
		maria := f.as(emailOf(t, "Maria Santos"))
		jose := f.as(emailOf(t, "Jose Reyes"))
		anika := f.as(emailOf(t, "Anika Deshmukh"))
		bay := findID(t, admin, "/api/v1/vendors", "name", "Bayanihan Legal Process Center Inc.")
		keystone := findID(t, admin, "/api/v1/vendors", "name", "Keystone Review LLC")
		var people struct {
			Items []struct {
				UserID int64    `json:"user_id"`
				Name   string   `json:"name"`
				State  string   `json:"state"`
				Blocks []string `json:"blocks"`
			} `json:"items"`
		}
		maria.getJSON(t, fmt.Sprintf("/api/v1/vendors/%d/people", bay), &people)
		var joseID, mariaID int64
		for _, x := range people.Items {
			switch x.Name {
			case "Jose Reyes":
				joseID = x.UserID
				if x.State != "blocked" || len(x.Blocks) != 1 || !strings.Contains(x.Blocks[0], "NDA expired") {
					t.Errorf("Jose in the list: %+v", x)
				}
			case "Maria Santos":
				mariaID = x.UserID
			}
		}
		if joseID == 0 || mariaID == 0 {
			t.Fatalf("Bayanihan's people: %+v", people)
		}
		jose.getJSON(t, fmt.Sprintf("/api/v1/vendors/%d/people", bay), &people)
		if len(people.Items) != 1 || people.Items[0].UserID != joseID {
			t.Errorf("Jose sees %+v, want only himself", people.Items)
		}
		rec := fmt.Sprintf("/api/v1/vendors/%d/people/%d", bay, joseID)
		wantError(t, jose.get(t, fmt.Sprintf("/api/v1/vendors/%d/people/%d", bay, mariaID)), http.StatusNotFound, "not_found")
		wantError(t, anika.get(t, rec), http.StatusNotFound, "not_found")

		// The block, in the API's one error shape.
		var es struct {
			Items []map[string]any `json:"items"`
		}
		jose.getJSON(t, "/api/v1/engagements", &es)
		if len(es.Items) != 1 {
			t.Fatalf("Jose's engagements: %v", es.Items)
		}
		eng := fmt.Sprintf("/api/v1/engagements/%d", idOf(t, es.Items[0]))
		blocked := wantError(t, jose.get(t, eng), http.StatusConflict, "gate_closed")
		if !strings.Contains(blocked.Error.Message, "NDA expired") || !strings.Contains(blocked.Error.Message, "Maria Santos") {
			t.Errorf("the block says %q", blocked.Error.Message)
		}

		// Renewal: only the vendor's manager (or an administrator); bad input is refused whole.
		renewed := `{"position":"Contract analyst","experience_years":4,"nda_signed_on":"2025-12-01","confidentiality_completed_on":"2025-12-01",
			"confidentiality_expires_on":"2099-12-01","ethics_completed_on":"2025-12-01","ethics_expires_on":"2099-12-01"}`
		wantError(t, jose.sendJSON(t, http.MethodPut, rec, renewed), http.StatusForbidden, "forbidden")
		wantError(t, marcus.sendJSON(t, http.MethodPut, rec, renewed), http.StatusForbidden, "forbidden")
		bad := wantError(t, maria.sendJSON(t, http.MethodPut, rec, strings.Replace(renewed, `"experience_years":4`, `"experience_years":"four"`, 1)), http.StatusUnprocessableEntity, "invalid")
		if bad.Error.Field != "experience_years" {
			t.Errorf("bad years names %q", bad.Error.Field)
		}
		wantError(t, jose.get(t, eng), http.StatusConflict, "gate_closed")
		r := maria.sendJSON(t, http.MethodPut, rec, renewed)
		var pj struct {
			State    string `json:"state"`
			Recorded bool   `json:"recorded"`
			NDA      string `json:"nda_signed_on"`
		}
		if r.status != http.StatusOK || json.Unmarshal(r.body, &pj) != nil || pj.State != "clear" || !pj.Recorded || pj.NDA != "2025-12-01" {
			t.Fatalf("renew: %d %s", r.status, r.body)
		}
		if r := jose.get(t, eng); r.status != http.StatusOK {
			t.Errorf("Jose after renewal: %d %s", r.status, r.body)
		}

		// Bar verification by the firm.
		var thomas int64
		var kp struct {
			Items []struct {
				UserID int64  `json:"user_id"`
				Name   string `json:"name"`
			} `json:"items"`
		}
		marcus.getJSON(t, fmt.Sprintf("/api/v1/vendors/%d/people", keystone), &kp)
		for _, x := range kp.Items {
			if x.Name == "Thomas Walsh" {
				thomas = x.UserID
			}
		}
		verify := fmt.Sprintf("/api/v1/vendors/%d/people/%d/bar-admissions/verify", keystone, thomas)
		wantError(t, maria.sendJSON(t, http.MethodPost, verify, `{"jurisdiction":"Pennsylvania"}`), http.StatusNotFound, "not_found")
		wantError(t, marcus.sendJSON(t, http.MethodPost, verify, `{"jurisdiction":"Pennsylvania","verified_on":"yesterday"}`), http.StatusUnprocessableEntity, "invalid")
		if r := marcus.sendJSON(t, http.MethodPost, verify, `{"jurisdiction":"pennsylvania","verified_on":"2026-01-15"}`); r.status != http.StatusNoContent {
			t.Fatalf("verify: %d %s", r.status, r.body)
		}
		var tj struct {
			Bar []struct {
				Jurisdiction   string `json:"jurisdiction"`
				VerifiedOn     string `json:"verified_on"`
				VerifiedByName string `json:"verified_by_name"`
			} `json:"bar_admissions"`
		}
		admin.getJSON(t, fmt.Sprintf("/api/v1/vendors/%d/people/%d", keystone, thomas), &tj)
		if len(tj.Bar) != 1 || tj.Bar[0].VerifiedOn != "2026-01-15" || tj.Bar[0].VerifiedByName != "Marcus Oyelaran" {
			t.Errorf("Thomas's bar admissions: %+v", tj.Bar)
		}
	})
}
