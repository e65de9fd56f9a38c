package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/probity/probity/internal/api"
	"github.com/probity/probity/internal/httpx"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// upload sends a file as the raw request body.
func (s *session) postRaw(t *testing.T, path, contentType, content string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.f.url+path, strings.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	req.AddCookie(&http.Cookie{Name: httpx.CSRFCookie, Value: s.csrf})
	req.AddCookie(&http.Cookie{Name: httpx.SessionCookie, Value: s.cookie})
	req.Header.Set(httpx.CSRFHeader, s.csrf)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

// TestDeliverablesAPI: submit (raw body), the review queue, review with
// its refusals, release, the client's view and download, pause, resume,
// close with confirmation, certificate and evaluation, through /api/v1.
func TestDeliverablesAPI(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newFixture(t, e)
		ctx := context.Background()
		var id, item int64
		if err := f.app.Store.DB().QueryRow(`SELECT id FROM engagements WHERE description = 'First-level responsiveness and privilege review of 48,000 documents'`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		if err := f.app.Store.Write(ctx, func(tx *store.Tx) error {
			items, err := tx.WorkItems(ctx, id)
			if err != nil || len(items) == 0 {
				return fmt.Errorf("no work items: %v", err)
			}
			item = items[0].ID
			_, err = tx.ActivateEngagement(ctx, id)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		rohan, marcus, priya := f.as("rohan.kulkarni@lexora.example"), f.as("marcus.oyelaran@hartwellcrane.example"), f.as("priya.raman@hartwellcrane.example")
		helen, anika := f.as("helen.calloway@callowayfreight.example"), f.as("anika.deshmukh@lexora.example")
		base := fmt.Sprintf("%s/engagements/%d", api.Prefix, id)

		wantError(t, marcus.postRaw(t, fmt.Sprintf("%s/deliverables?filename=a.txt&item=%d&title=X", base, item), "text/plain", "x\n"), http.StatusForbidden, "forbidden")
		wantError(t, rohan.postRaw(t, fmt.Sprintf("%s/deliverables?filename=a.txt&item=%d&title=", base, item), "text/plain", "x\n"), http.StatusUnprocessableEntity, "invalid")
		r := rohan.postRaw(t, fmt.Sprintf("%s/deliverables?filename=api.txt&item=%d&title=API+memo&note=internal", base, item), "text/plain", "api memo\n")
		if r.status != http.StatusCreated {
			t.Fatalf("submit: %d %s", r.status, r.body)
		}
		var d struct {
			ID       int64 `json:"id"`
			Versions []struct {
				ID       int64  `json:"id"`
				Decision string `json:"decision"`
			} `json:"versions"`
		}
		if err := json.Unmarshal(r.body, &d); err != nil || len(d.Versions) != 1 || d.Versions[0].Decision != "pending" {
			t.Fatalf("submitted: %s %v", r.body, err)
		}
		vid := d.Versions[0].ID
		ver := fmt.Sprintf("%s/deliverables/versions/%d", base, vid)

		var q struct {
			Count int `json:"count"`
			Items []struct {
				ID int64 `json:"id"`
			} `json:"items"`
		}
		marcus.getJSON(t, api.Prefix+"/reviews", &q)
		if q.Count == 0 || q.Items[q.Count-1].ID != vid {
			t.Errorf("queue: %+v", q)
		}
		wantError(t, rohan.get(t, api.Prefix+"/reviews"), http.StatusForbidden, "forbidden")
		wantError(t, priya.send(t, http.MethodPost, ver+"/review", []byte(`{"decision":"approved"}`), false), http.StatusForbidden, "forbidden")
		if e := wantError(t, marcus.send(t, http.MethodPost, ver+"/review", []byte(`{"decision":"changes_requested"}`), false), http.StatusUnprocessableEntity, "invalid"); e.Error.Field != "comment" {
			t.Errorf("field %q", e.Error.Field)
		}
		wantError(t, marcus.send(t, http.MethodPost, ver+"/release", []byte(`{"kind":"client"}`), false), http.StatusConflict, "conflict")
		if r := marcus.send(t, http.MethodPost, ver+"/review", []byte(`{"decision":"approved","minutes":6}`), false); r.status != http.StatusOK || !strings.Contains(string(r.body), `"review_minutes": 6`) {
			t.Fatalf("approve: %d %s", r.status, r.body)
		}
		if r := marcus.send(t, http.MethodPost, ver+"/release", []byte(`{"kind":"client"}`), false); r.status != http.StatusOK || !strings.Contains(string(r.body), `"release": "client"`) {
			t.Fatalf("release: %d %s", r.status, r.body)
		}
		r = helen.get(t, base+"/deliverables")
		if r.status != http.StatusOK || !strings.Contains(string(r.body), "API memo") || strings.Contains(string(r.body), "internal") || strings.Contains(string(r.body), "Rohan") {
			t.Errorf("the client's list: %d %s", r.status, r.body)
		}
		if r := helen.get(t, ver+"/content"); r.status != http.StatusOK || string(r.body) != "api memo\n" {
			t.Errorf("the client's download: %d %q", r.status, r.body)
		}
		wantError(t, helen.get(t, ver), http.StatusNotFound, "not_found")

		wantError(t, marcus.send(t, http.MethodPost, base+"/pause", []byte(`{"reason":""}`), false), http.StatusUnprocessableEntity, "invalid")
		if r := marcus.send(t, http.MethodPost, base+"/pause", []byte(`{"reason":"Client hold"}`), false); r.status != http.StatusOK || !strings.Contains(string(r.body), `"stage": "paused"`) {
			t.Fatalf("pause: %d %s", r.status, r.body)
		}
		wantError(t, rohan.postRaw(t, fmt.Sprintf("%s/deliverables/%d/versions?filename=b.txt", base, d.ID), "text/plain", "b\n"), http.StatusConflict, "gate_closed")
		if r := marcus.send(t, http.MethodPost, base+"/resume", []byte(`{"reason":"Hold lifted"}`), false); r.status != http.StatusOK || !strings.Contains(string(r.body), `"stage": "active"`) {
			t.Fatalf("resume: %d %s", r.status, r.body)
		}
		wantError(t, marcus.send(t, http.MethodPost, base+"/close", []byte(`{}`), false), http.StatusUnprocessableEntity, "invalid")
		if r := marcus.send(t, http.MethodPost, base+"/close", []byte(`{"confirm":true}`), false); r.status != http.StatusOK || !strings.Contains(string(r.body), `"stage": "closed"`) || !strings.Contains(string(r.body), `"final_audit"`) {
			t.Fatalf("close: %d %s", r.status, r.body)
		}
		wantError(t, rohan.get(t, ver+"/content"), http.StatusConflict, "gate_closed")
		if r := anika.send(t, http.MethodPost, base+"/certificate", []byte(`{"method":"destroyed","statement":"Wiped"}`), false); r.status != http.StatusOK || !strings.Contains(string(r.body), `"method": "destroyed"`) {
			t.Fatalf("certify: %d %s", r.status, r.body)
		}
		wantError(t, anika.send(t, http.MethodPost, base+"/certificate", []byte(`{"method":"destroyed","statement":"Again"}`), false), http.StatusConflict, "conflict")
		if r := marcus.send(t, http.MethodPost, base+"/evaluation", []byte(`{"quality":4,"timeliness":4,"communication":5,"compliance":5}`), false); r.status != http.StatusOK || !strings.Contains(string(r.body), `"evaluation"`) {
			t.Fatalf("evaluate: %d %s", r.status, r.body)
		}
	})
}
