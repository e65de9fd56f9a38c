package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/probity/probity/internal/testenv"
)

type auditDetailView struct {
	ID         int64  `json:"id"`
	State      string `json:"state"`
	Seed       string `json:"seed"`
	Population int64  `json:"population"`
	SampleSize int    `json:"sample_size"`
	Verdict    string `json:"verdict"`
	Items      []struct {
		ID    int64           `json:"id"`
		Key   string          `json:"key"`
		Score json.RawMessage `json:"score"`
	} `json:"items"`
	Results struct {
		Scored    int    `json:"scored"`
		Errors    int    `json:"errors"`
		Verdict   string `json:"verdict"`
		Statement string `json:"statement"`
		Wilson    struct {
			Rate, Low, High float64
		} `json:"wilson"`
	} `json:"results"`
	Findings []struct {
		ID        int64  `json:"id"`
		Criterion string `json:"criterion"`
	} `json:"findings"`
}

// The quality-audit API: a plan refused whole (field named, nothing
// saved), a batch sent as the CSV body, an audit drawn from a given seed,
// every item scored, completion with the verdict and its intervals, a
// corrective action raised, answered by the vendor manager and closed by
// the supervising attorney; the vendor never sees the items, the client
// never the plan, and neither may act for the firm.
func TestQualityAuditAPI(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newFixture(t, e)
		db := f.app.Store.DB()
		var id int64
		var supervisor string
		if err := db.QueryRow(`SELECT e.id, u.email FROM engagements e JOIN matters m ON m.id = e.matter_id JOIN vendors v ON v.id = e.vendor_id
			JOIN users u ON u.id = e.supervising_attorney_id WHERE m.number = '2026-0142' AND v.name LIKE 'Lexora%' AND e.stage = 'active'`).Scan(&id, &supervisor); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{`DELETE FROM corrective_actions WHERE engagement_id = $1`, `DELETE FROM audits WHERE engagement_id = $1`,
			`DELETE FROM audit_batches WHERE engagement_id = $1`, `DELETE FROM audit_plans WHERE engagement_id = $1`} {
			if _, err := db.Exec(q, id); err != nil {
				t.Fatal(err)
			}
		}
		count := func(from string, args ...any) int {
			var n int
			if err := db.QueryRow(`SELECT COUNT(*) FROM `+from, args...).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		marcus, daniel := f.as(supervisor), f.as(emailOf(t, "Daniel Brooks"))
		anika, helen := f.as(emailOf(t, "Anika Deshmukh")), f.as(emailOf(t, "Helen Calloway"))
		path := func(tail string) string { return fmt.Sprintf("/api/v1/engagements/%d%s", id, tail) }

		plan := `{"cadence":"weekly","population":"batch_items","method":"zero_defect","confidence":%s,"max_error_rate":0.2,"positive_label":"responsive",` +
			`"criteria":[{"key":"accuracy","name":"Accuracy","weight":"critical"},{"key":"format","name":"Format","weight":"minor"}]}`
		plans := count("audit_plans")
		if e := wantError(t, marcus.send(t, http.MethodPut, path("/audit-plan"), []byte(fmt.Sprintf(plan, "1.5")), false), http.StatusUnprocessableEntity, "invalid"); e.Error.Field == "" {
			t.Errorf("the refused plan names no field")
		}
		wantError(t, marcus.send(t, http.MethodPut, path("/audit-plan"), []byte(`{"cadence":"weekly","surprise":1}`), false), http.StatusUnprocessableEntity, "invalid")
		wantError(t, anika.send(t, http.MethodPut, path("/audit-plan"), []byte(fmt.Sprintf(plan, "0.8")), false), http.StatusForbidden, "forbidden")
		if count("audit_plans") != plans {
			t.Fatal("a refused plan was saved")
		}
		if r := marcus.send(t, http.MethodPut, path("/audit-plan"), []byte(fmt.Sprintf(plan, "0.8")), false); r.status != http.StatusOK {
			t.Fatalf("plan: %d %s", r.status, r.body)
		}
		var pv struct {
			Plan *struct {
				Method     string  `json:"method"`
				Confidence float64 `json:"confidence"`
				Switch     string  `json:"switch"`
			} `json:"plan"`
			Rules []string `json:"rules"`
		}
		anika.getJSON(t, path("/audit-plan"), &pv)
		if pv.Plan == nil || pv.Plan.Method != "zero_defect" || pv.Plan.Confidence != 0.8 || pv.Plan.Switch != "normal" || len(pv.Rules) == 0 {
			t.Errorf("the vendor's view of the plan: %+v", pv)
		}
		pv.Plan = nil
		helen.getJSON(t, path("/audit-plan"), &pv)
		if pv.Plan != nil {
			t.Errorf("the client sees the plan")
		}

		// A batch as the CSV body; a duplicate id refuses the whole file.
		var csv strings.Builder
		csv.WriteString("item_id,decision,person\n")
		for i := 1; i <= 12; i++ {
			fmt.Fprintf(&csv, "DOC-%03d,%s,%s\n", i, []string{"responsive", "not responsive"}[i%2], []string{"Rohan", "Meera"}[i%2])
		}
		r := marcus.send(t, http.MethodPost, path("/audit-batches?name=Week%201"), []byte(csv.String()), false)
		var batch struct {
			ID    int64 `json:"id"`
			Items int64 `json:"items"`
		}
		if r.status != http.StatusCreated || json.Unmarshal(r.body, &batch) != nil || batch.Items != 12 {
			t.Fatalf("import: %d %s", r.status, r.body)
		}
		items := count("audit_population_items")
		wantError(t, marcus.send(t, http.MethodPost, path("/audit-batches?name=Dup"), []byte("item_id,decision,person\nA,x,y\nA,x,y\n"), false), http.StatusUnprocessableEntity, "invalid")
		wantError(t, anika.send(t, http.MethodPost, path("/audit-batches?name=Vendor"), []byte(csv.String()), false), http.StatusForbidden, "forbidden")
		if count("audit_population_items") != items {
			t.Fatal("a refused batch was saved")
		}

		// An audit from a given seed: zero-defect, 80% to exclude 20%, n = 8.
		wantError(t, anika.send(t, http.MethodPost, path("/audits"), []byte(fmt.Sprintf(`{"batch_id":%d}`, batch.ID)), false), http.StatusForbidden, "forbidden")
		r = daniel.send(t, http.MethodPost, path("/audits"), []byte(fmt.Sprintf(`{"batch_id":%d,"seed":"api-seed-7"}`, batch.ID)), false)
		var a auditDetailView
		if r.status != http.StatusCreated || json.Unmarshal(r.body, &a) != nil || a.Seed != "api-seed-7" || a.Population != 12 || a.SampleSize != 8 || a.State != "scoring" {
			t.Fatalf("start: %d %s", r.status, r.body)
		}
		aud := func(tail string) string { return path(fmt.Sprintf("/audits/%d%s", a.ID, tail)) }
		var vendorView auditDetailView
		anika.getJSON(t, aud(""), &vendorView)
		if len(vendorView.Items) != 0 {
			t.Errorf("the vendor sees %d sampled items", len(vendorView.Items))
		}
		wantError(t, helen.get(t, aud("")), http.StatusNotFound, "not_found")
		marcus.getJSON(t, aud(""), &a)
		if len(a.Items) != 8 {
			t.Fatalf("%d sampled items, want 8", len(a.Items))
		}
		wantError(t, marcus.send(t, http.MethodPost, aud("/scores"), []byte(`{"sample_id":987654321}`), false), http.StatusUnprocessableEntity, "invalid")
		wantError(t, marcus.send(t, http.MethodPost, aud("/scores"), []byte(fmt.Sprintf(`{"sample_id":%d,"failed":["elegance"]}`, a.Items[0].ID)), false), http.StatusUnprocessableEntity, "invalid")
		wantError(t, anika.send(t, http.MethodPost, aud("/scores"), []byte(fmt.Sprintf(`{"sample_id":%d}`, a.Items[0].ID)), false), http.StatusForbidden, "forbidden")
		wantError(t, marcus.send(t, http.MethodPost, aud("/complete"), nil, false), http.StatusUnprocessableEntity, "invalid")
		if count("audit_scores WHERE audit_id = $1", a.ID) != 0 {
			t.Fatal("a refused score was saved")
		}
		for i, it := range a.Items {
			failed := `[]`
			if i == 0 {
				failed = `["accuracy"]`
			}
			if r := marcus.send(t, http.MethodPost, aud("/scores"), []byte(fmt.Sprintf(`{"sample_id":%d,"failed":%s,"correct_decision":"responsive","note":"checked"}`, it.ID, failed)), false); r.status != http.StatusOK {
				t.Fatalf("score %d: %d %s", it.ID, r.status, r.body)
			}
		}
		r = marcus.send(t, http.MethodPost, aud("/complete"), nil, false)
		a = auditDetailView{}
		if r.status != http.StatusOK || json.Unmarshal(r.body, &a) != nil {
			t.Fatalf("complete: %d %s", r.status, r.body)
		}
		if a.State != "completed" || a.Results.Verdict != "fail" || a.Results.Scored != 8 || a.Results.Errors < 1 || a.Results.Statement == "" ||
			!(a.Results.Wilson.Low <= a.Results.Wilson.Rate && a.Results.Wilson.Rate <= a.Results.Wilson.High) || len(a.Findings) == 0 {
			t.Errorf("the completed audit: %s", r.body)
		}

		// A corrective action: raised, answered by the vendor, closed.
		wantError(t, marcus.send(t, http.MethodPost, aud("/corrective-actions"), []byte(`{"description":"Recode","due_on":"soon"}`), false), http.StatusUnprocessableEntity, "invalid")
		wantError(t, anika.send(t, http.MethodPost, aud("/corrective-actions"), []byte(`{"description":"Recode","due_on":"2099-02-01"}`), false), http.StatusForbidden, "forbidden")
		if count("corrective_actions WHERE engagement_id = $1", id) != 0 {
			t.Fatal("a refused corrective action was saved")
		}
		r = marcus.send(t, http.MethodPost, aud("/corrective-actions"), []byte(fmt.Sprintf(`{"finding_id":%d,"description":"Recode the privileged documents","due_on":"2099-02-01"}`, a.Findings[0].ID)), false)
		var ca struct {
			ID    int64  `json:"id"`
			State string `json:"state"`
		}
		if r.status != http.StatusCreated || json.Unmarshal(r.body, &ca) != nil || ca.State != "open" {
			t.Fatalf("raise: %d %s", r.status, r.body)
		}
		var list struct {
			Corrective []struct {
				ID        int64  `json:"id"`
				State     string `json:"state"`
				Criterion string `json:"criterion"`
				ItemKey   string `json:"item_key"`
			} `json:"corrective_actions"`
		}
		anika.getJSON(t, path("/corrective-actions"), &list)
		// The vendor is told which item failed which criterion.
		if len(list.Corrective) != 1 || list.Corrective[0].ID != ca.ID || list.Corrective[0].Criterion != a.Findings[0].Criterion ||
			list.Corrective[0].ItemKey == "" {
			t.Errorf("the vendor's corrective actions: %+v (finding %+v)", list, a.Findings[0])
		}
		act := func(tail string) string { return path(fmt.Sprintf("/corrective-actions/%d%s", ca.ID, tail)) }
		wantError(t, anika.send(t, http.MethodPost, act("/respond"), []byte(`{"response":""}`), false), http.StatusUnprocessableEntity, "invalid")
		wantError(t, marcus.send(t, http.MethodPost, act("/respond"), []byte(`{"response":"done"}`), false), http.StatusForbidden, "forbidden")
		if r := anika.send(t, http.MethodPost, act("/respond"), []byte(`{"response":"Recoded; reviewer retrained"}`), false); r.status != http.StatusOK || !strings.Contains(string(r.body), `"responded"`) {
			t.Fatalf("respond: %d %s", r.status, r.body)
		}
		wantError(t, marcus.send(t, http.MethodPost, act("/verify"), []byte(`{"note":"?"}`), false), http.StatusUnprocessableEntity, "invalid")
		wantError(t, daniel.send(t, http.MethodPost, act("/verify"), []byte(`{"accept":true}`), false), http.StatusForbidden, "forbidden")
		if r := marcus.send(t, http.MethodPost, act("/verify"), []byte(`{"accept":true,"note":"Checked"}`), false); r.status != http.StatusOK || !strings.Contains(string(r.body), `"closed"`) {
			t.Fatalf("verify: %d %s", r.status, r.body)
		}
		marcus.getJSON(t, path("/corrective-actions"), &list)
		if len(list.Corrective) != 1 || list.Corrective[0].State != "closed" {
			t.Errorf("after verification: %+v", list)
		}

		// The client: the completed audit only; the auditor's list is the firm's.
		var audits struct {
			Audits []struct {
				ID      int64  `json:"id"`
				Verdict string `json:"verdict"`
				Seed    string `json:"seed"`
			} `json:"audits"`
		}
		helen.getJSON(t, path("/audits"), &audits)
		if len(audits.Audits) != 1 || audits.Audits[0].Verdict != "fail" {
			t.Errorf("the client's audits: %+v", audits)
		}
		var mine struct {
			Count int `json:"count"`
		}
		marcus.getJSON(t, "/api/v1/audits", &mine)
		wantError(t, anika.get(t, "/api/v1/audits"), http.StatusForbidden, "forbidden")
	})
}
