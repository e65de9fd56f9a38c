package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
	"testing"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// upload sends a multipart evidence upload with the CSRF header.
func (s *session) upload(t *testing.T, path, control, filename, contentType string, content []byte) response {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	_ = mw.WriteField("control", control)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, filename))
	h.Set("Content-Type", contentType)
	w, _ := mw.CreatePart(h)
	_, _ = w.Write(content)
	_ = mw.Close()
	req, err := http.NewRequest(http.MethodPost, s.f.url+path, &b)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Accept", "application/json")
	req.Header.Set(httpx.CSRFHeader, s.csrf)
	req.AddCookie(&http.Cookie{Name: httpx.CSRFCookie, Value: s.csrf})
	req.AddCookie(&http.Cookie{Name: httpx.SessionCookie, Value: s.cookie})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, header: resp.Header, body: body}
}

func (f *fixture) assessmentOf(t *testing.T, prefix string) (int64, int64) {
	t.Helper()
	vs, err := f.app.Vendors(context.Background(), app.Operator, store.Page{Limit: store.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		if strings.HasPrefix(v.Name, prefix) {
			l, err := f.app.Assessments(context.Background(), app.Operator, v.ID)
			if err != nil || len(l.Assessments) == 0 {
				t.Fatalf("%s: %v", prefix, err)
			}
			return v.ID, l.Assessments[0].ID
		}
	}
	t.Fatalf("no vendor %s", prefix)
	return 0, 0
}

type assessmentDoc struct {
	Status   string `json:"status"`
	Answered int    `json:"answered"`
	Score    *int   `json:"score"`
	Auto     *struct {
		Value           int      `json:"value"`
		FailingCritical []string `json:"failing_critical"`
	} `json:"automatic_score"`
	Controls []struct {
		Key    string `json:"key"`
		Answer any    `json:"answer"`
		Passes *bool  `json:"passes"`
	} `json:"controls"`
}

func (d assessmentDoc) answer(key string) any {
	for _, c := range d.Controls {
		if c.Key == key {
			return c.Answer
		}
	}
	return "missing"
}

func TestAssessmentAPI(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newFixture(t, e)
		keystone, reassessment := f.assessmentOf(t, "Keystone")
		base := fmt.Sprintf("/api/v1/vendors/%d/assessments/%d", keystone, reassessment)
		thomas := f.as("thomas.walsh@keystonereview.example")

		var before assessmentDoc
		thomas.getJSON(t, base, &before)
		if before.Auto != nil || before.Controls[0].Passes != nil || before.Status != "in_progress" {
			t.Fatalf("the vendor sees the score or pass/fail: %+v", before)
		}
		// Typed answers: the wrong type is refused per question, nothing saved.
		r := thomas.send(t, http.MethodPut, base+"/answers", []byte(`{"answers":{"mfa_production":true,"breach_notification_hours":"72","remote_access":"Carrier pigeon","bcdr_tested":"2026-02-30"}}`), false)
		ae := wantError(t, r, http.StatusUnprocessableEntity, "invalid")
		if !strings.HasPrefix(ae.Error.Field, "answers.") || !strings.Contains(ae.Error.Message, "breach_notification_hours") || !strings.Contains(ae.Error.Message, "remote_access") || !strings.Contains(ae.Error.Message, "bcdr_tested") {
			t.Fatalf("the error does not name each question: %+v", ae)
		}
		var after assessmentDoc
		thomas.getJSON(t, base, &after)
		if after.Answered != before.Answered || after.answer("mfa_production") != before.answer("mfa_production") {
			t.Fatalf("refused answers changed the assessment: %d → %d answered", before.Answered, after.Answered)
		}
		r = thomas.send(t, http.MethodPut, base+"/answers", []byte(`{"answers":{"mfa_production":true,"breach_notification_hours":24,"bcdr_tested":"2026-01-31"},"comments":{"mfa_production":"Okta for everyone"}}`), false)
		if r.status != http.StatusOK || json.Unmarshal(r.body, &after) != nil || after.answer("mfa_production") != true || after.answer("breach_notification_hours") != float64(24) {
			t.Fatalf("typed answers: %d %.300s", r.status, r.body)
		}
		// Evidence: sniffed, and refused when it is not what it says.
		png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, 32)...)
		r = thomas.upload(t, base+"/evidence", "soc2_type2", "report.pdf", "application/pdf", png)
		if ae := wantError(t, r, http.StatusUnprocessableEntity, "invalid"); ae.Error.Field != "file" || !strings.Contains(ae.Error.Message, "PNG") {
			t.Fatalf("a PNG named .pdf: %+v", ae)
		}
		f.app.Config.MaxUpload = 1 << 10
		r = thomas.upload(t, base+"/evidence", "soc2_type2", "big.txt", "text/plain", bytes.Repeat([]byte("a"), 3<<10))
		if ae := wantError(t, r, http.StatusUnprocessableEntity, "invalid"); !strings.Contains(ae.Error.Message, "larger than") {
			t.Fatalf("oversize: %+v", ae)
		}
		f.app.Config.MaxUpload = app.DefaultConfig().MaxUpload
		txt := []byte("Keystone information security policy, version 7.\n")
		r = thomas.upload(t, base+"/evidence", "security_policy_owner", "policy.txt", "text/plain", txt)
		var ev struct {
			ID          int64  `json:"id"`
			ContentType string `json:"content_type"`
			SHA256      string `json:"sha256"`
			Kind        string `json:"kind"`
		}
		if r.status != http.StatusCreated || json.Unmarshal(r.body, &ev) != nil || ev.ContentType != "text/plain" || ev.Kind != "other" || len(ev.SHA256) != 64 {
			t.Fatalf("upload: %d %.300s", r.status, r.body)
		}
		r = thomas.get(t, fmt.Sprintf("%s/evidence/%d", base, ev.ID))
		if r.status != http.StatusOK || !bytes.Equal(r.body, txt) || r.header.Get("Content-Type") != "text/plain" {
			t.Fatalf("download: %d %q", r.status, r.body)
		}
		// Another vendor's manager: not found; the vendor cannot review.
		oliver := f.as("oliver.bennett@meridiandiscovery.example")
		wantError(t, oliver.get(t, base), http.StatusNotFound, "not_found")
		wantError(t, oliver.get(t, fmt.Sprintf("%s/evidence/%d", base, ev.ID)), http.StatusNotFound, "not_found")
		meridian, submitted := f.assessmentOf(t, "Meridian")
		mbase := fmt.Sprintf("/api/v1/vendors/%d/assessments/%d", meridian, submitted)
		wantError(t, oliver.send(t, http.MethodPost, mbase+"/decision", []byte(`{"decision":"approved"}`), false), http.StatusForbidden, "forbidden")
		wantError(t, oliver.send(t, http.MethodPut, mbase+"/score", []byte(`{"score":100,"reason":"we are great"}`), false), http.StatusForbidden, "forbidden")
		// The firm decides; the vendor's state and expiry follow.
		marcus := f.as("marcus.oyelaran@hartwellcrane.example")
		var review assessmentDoc
		marcus.getJSON(t, mbase, &review)
		if review.Auto == nil || review.Auto.Value <= 0 || review.Controls[0].Passes == nil {
			t.Fatalf("the reviewer does not see the score: %+v", review.Auto)
		}
		wantError(t, marcus.send(t, http.MethodPost, mbase+"/decision", []byte(`{"decision":"conditional"}`), false), http.StatusUnprocessableEntity, "invalid")
		due := domain.DateOf(f.app.Now().AddDate(0, 1, 0))
		r = marcus.send(t, http.MethodPost, mbase+"/decision", []byte(fmt.Sprintf(`{"decision":"conditional","note":"Revoke leavers' access within 24 hours.","remediation":[{"text":"Revoke access within 24 hours of leaving","due_on":%q,"control_key":"access_revocation_hours"}]}`, due)), false)
		var decided assessmentDoc
		if r.status != http.StatusOK || json.Unmarshal(r.body, &decided) != nil || decided.Status != "decided" || decided.Score == nil {
			t.Fatalf("decision: %d %.300s", r.status, r.body)
		}
		var vendor struct {
			Diligence     string `json:"diligence"`
			ApprovedUntil string `json:"approved_until"`
		}
		marcus.getJSON(t, fmt.Sprintf("/api/v1/vendors/%d", meridian), &vendor)
		if vendor.Diligence != "conditional" || vendor.ApprovedUntil != string(domain.DateOf(f.app.Now().AddDate(1, 0, 0))) {
			t.Fatalf("Meridian after the decision: %+v", vendor)
		}
	})
}

func TestQuestionnaireAPI(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newFixture(t, e)
		marcus := f.as("marcus.oyelaran@hartwellcrane.example")
		var list struct {
			Items []struct {
				ID           int64 `json:"id"`
				Version      int   `json:"version"`
				ControlCount int   `json:"control_count"`
			} `json:"items"`
		}
		marcus.getJSON(t, "/api/v1/questionnaires", &list)
		if len(list.Items) != 1 || list.Items[0].Version != 1 || list.Items[0].ControlCount < 25 {
			t.Fatalf("questionnaires: %+v", list)
		}
		v1 := list.Items[0].ID
		wantError(t, marcus.send(t, http.MethodPost, fmt.Sprintf("/api/v1/questionnaires/%d/copy", v1), nil, false), http.StatusForbidden, "forbidden")
		wantError(t, f.as("anika.deshmukh@lexora.example").get(t, "/api/v1/questionnaires"), http.StatusForbidden, "forbidden")
		eleanor := f.as("eleanor.hartwell@hartwellcrane.example")
		r := eleanor.send(t, http.MethodPost, fmt.Sprintf("/api/v1/questionnaires/%d/copy", v1), nil, false)
		var draft struct {
			ID       int64            `json:"id"`
			Version  int              `json:"version"`
			Status   string           `json:"status"`
			Controls []map[string]any `json:"controls"`
		}
		if r.status != http.StatusCreated || json.Unmarshal(r.body, &draft) != nil || draft.Version != 2 || draft.Status != "draft" {
			t.Fatalf("copy: %d %.300s", r.status, r.body)
		}
		controls := draft.Controls[:10]
		controls[0]["weight"] = 10
		body, _ := json.Marshal(map[string]any{"name": "Short form", "controls": append(controls, map[string]any{"key": "bad", "area": "A", "question": "Q?",
			"answer_type": "number", "options": []string{}, "weight": 1, "critical": false, "pass_rule": "yes", "evidence": ""})})
		wantError(t, eleanor.send(t, http.MethodPut, fmt.Sprintf("/api/v1/questionnaires/%d", draft.ID), body, false), http.StatusUnprocessableEntity, "invalid")
		body, _ = json.Marshal(map[string]any{"name": "Short form", "controls": controls})
		if r := eleanor.send(t, http.MethodPut, fmt.Sprintf("/api/v1/questionnaires/%d", draft.ID), body, false); r.status != http.StatusOK {
			t.Fatalf("edit: %d %.300s", r.status, r.body)
		}
		if r := eleanor.send(t, http.MethodPost, fmt.Sprintf("/api/v1/questionnaires/%d/publish", draft.ID), nil, false); r.status != http.StatusOK {
			t.Fatalf("publish: %d %.300s", r.status, r.body)
		}
		wantError(t, eleanor.send(t, http.MethodPut, fmt.Sprintf("/api/v1/questionnaires/%d", draft.ID), body, false), http.StatusConflict, "conflict")
		var got struct {
			Status   string `json:"status"`
			Controls []struct {
				Weight int `json:"weight"`
			} `json:"controls"`
		}
		marcus.getJSON(t, fmt.Sprintf("/api/v1/questionnaires/%d", draft.ID), &got)
		if got.Status != "published" || len(got.Controls) != 10 || got.Controls[0].Weight != 10 {
			t.Fatalf("the published version: %+v", got)
		}
	})
}
