package web_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// demoAssessment finds the demo vendor named prefix and its newest assessment.
func demoAssessment(t *testing.T, s *site, prefix string) (domain.Vendor, domain.Assessment) {
	t.Helper()
	vs, err := s.app.Vendors(context.Background(), app.Operator, store.Page{Limit: store.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		if strings.HasPrefix(v.Name, prefix) {
			l, err := s.app.Assessments(context.Background(), app.Operator, v.ID)
			if err != nil || len(l.Assessments) == 0 {
				t.Fatalf("assessments of %s: %d, %v", v.Name, len(l.Assessments), err)
			}
			return v, l.Assessments[0]
		}
	}
	t.Fatalf("no demo vendor %s", prefix)
	return domain.Vendor{}, domain.Assessment{}
}

func oneByID(doc *html.Node, id string) *html.Node {
	ns := elements(doc, func(n *html.Node) bool { return attrOf(n, "id") == id })
	if len(ns) != 1 {
		return nil
	}
	return ns[0]
}

// upload posts a file as the browser's form does: the CSRF token first.
func (s *site) upload(t *testing.T, target, session, control, filename, contentType string, content []byte) *httptest.ResponseRecorder {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	_ = mw.WriteField(httpx.CSRFField, testCSRF)
	_ = mw.WriteField("control", control)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, filename))
	h.Set("Content-Type", contentType)
	w, _ := mw.CreatePart(h)
	_, _ = w.Write(content)
	_ = mw.Close()
	req := httptest.NewRequest(http.MethodPost, target, &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.AddCookie(&http.Cookie{Name: httpx.CSRFCookie, Value: testCSRF})
	req.AddCookie(&http.Cookie{Name: httpx.SessionCookie, Value: session})
	rec := httptest.NewRecorder()
	s.handler.ServeHTTP(rec, req)
	return rec
}

func countRows(t *testing.T, s *site, q string, args ...any) int {
	t.Helper()
	var n int
	if err := s.app.Store.DB().QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestVendorAnswersAssessmentOnTheWeb(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := newSite(t, e)
		v, as := demoAssessment(t, s, "Keystone") // the reassessment in progress
		base := fmt.Sprintf("/vendors/%d/assessments/%d", v.ID, as.ID)
		thomas := s.signIn(t, "thomas.walsh@keystonereview.example", "192.0.2.40")

		rec := s.do(t, http.MethodGet, base, thomas, nil)
		doc := parsePage(t, "GET "+base, rec)
		if rec.Code != http.StatusOK || oneByID(doc, "answers-form") == nil || oneByID(doc, "evidence") == nil || oneByID(doc, "score") != nil || oneByID(doc, "decision") != nil {
			t.Fatalf("the vendor's page: %d, answer form %v, evidence form %v, score %v, decision %v", rec.Code,
				oneByID(doc, "answers-form") != nil, oneByID(doc, "evidence") != nil, oneByID(doc, "score") != nil, oneByID(doc, "decision") != nil)
		}
		// Wrong types: the page says which question is wrong, and nothing is saved.
		answered := countRows(t, s, `SELECT COUNT(*) FROM assessment_answers WHERE assessment_id = $1`, as.ID)
		rec = s.do(t, http.MethodPost, base+"/answers", thomas, url.Values{
			"answer.mfa_production":            {"yes"},
			"answer.breach_notification_hours": {"within a day"},
			"answer.bcdr_tested":               {"2026-02-30"},
		})
		if rec.Code != http.StatusUnprocessableEntity {
			t.Fatalf("wrong types: %d", rec.Code)
		}
		doc = parsePage(t, "POST answers", rec)
		for _, k := range []string{"breach_notification_hours", "bcdr_tested"} {
			msg := oneByID(doc, "err-"+k)
			in := oneByID(doc, "answer-"+k)
			if msg == nil || text(msg) == "" || in == nil || attrOf(in, "aria-invalid") != "true" {
				t.Errorf("%s: no error beside the question", k)
			}
		}
		if in := oneByID(doc, "answer-breach_notification_hours"); in == nil || attrOf(in, "value") != "within a day" {
			t.Error("the form does not keep what was typed")
		}
		if oneByID(doc, "err-mfa_production") != nil {
			t.Error("a good answer is marked wrong")
		}
		if got := countRows(t, s, `SELECT COUNT(*) FROM assessment_answers WHERE assessment_id = $1`, as.ID); got != answered {
			t.Fatalf("a refused form saved %d answers", got-answered)
		}
		// A good save.
		rec = s.do(t, http.MethodPost, base+"/answers", thomas, url.Values{"answer.breach_notification_hours": {"48"}, "comment.breach_notification_hours": {"Contractual: 48 hours"}})
		if rec.Code != http.StatusSeeOther || !strings.Contains(rec.Header().Get("Location"), "done=saved") {
			t.Fatalf("saving: %d %s", rec.Code, rec.Header().Get("Location"))
		}
		// Evidence: a PNG named .pdf is refused, and no file is kept.
		blobs := countRows(t, s, `SELECT COUNT(*) FROM documents`)
		png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, 32)...)
		rec = s.upload(t, base+"/evidence", thomas, "soc2_type2", "SOC2.pdf", "application/pdf", png)
		doc = parsePage(t, "upload a PNG as PDF", rec)
		if alert := oneByID(doc, "form-error"); rec.Code != http.StatusUnprocessableEntity || alert == nil || !strings.Contains(text(alert), "says .pdf but is a PNG image") {
			t.Fatalf("a PNG named .pdf: %d %q", rec.Code, text(doc))
		}
		if countRows(t, s, `SELECT COUNT(*) FROM documents`) != blobs {
			t.Fatal("a refused upload left a document")
		}
		// A good upload, then the download returns the same bytes.
		pdf := []byte("%PDF-1.4\n% Keystone SOC 2 bridge letter\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n")
		rec = s.upload(t, base+"/evidence", thomas, "soc2_type2", "bridge letter.pdf", "application/pdf", pdf)
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("upload: %d %.300s", rec.Code, rec.Body.String())
		}
		var eid int64
		if err := s.app.Store.DB().QueryRow(`SELECT MAX(id) FROM assessment_evidence WHERE assessment_id = $1`, as.ID).Scan(&eid); err != nil {
			t.Fatal(err)
		}
		audit := countRows(t, s, `SELECT COUNT(*) FROM audit_events WHERE action = 'assessment.evidence_download'`)
		rec = s.do(t, http.MethodGet, fmt.Sprintf("%s/evidence/%d", base, eid), thomas, nil)
		if rec.Code != http.StatusOK || !bytes.Equal(rec.Body.Bytes(), pdf) || rec.Header().Get("Content-Type") != "application/pdf" ||
			!strings.HasPrefix(rec.Header().Get("Content-Disposition"), "attachment") {
			t.Fatalf("download: %d %s %s", rec.Code, rec.Header().Get("Content-Type"), rec.Header().Get("Content-Disposition"))
		}
		if countRows(t, s, `SELECT COUNT(*) FROM audit_events WHERE action = 'assessment.evidence_download'`) != audit+1 {
			t.Fatal("the download was not audited")
		}
		// Another vendor's manager gets not found.
		oliver := s.signIn(t, "oliver.bennett@meridiandiscovery.example", "192.0.2.41")
		for _, p := range []string{base, fmt.Sprintf("%s/evidence/%d", base, eid)} {
			if rec := s.do(t, http.MethodGet, p, oliver, nil); rec.Code != http.StatusNotFound {
				t.Errorf("another vendor's manager GET %s: %d, want 404", p, rec.Code)
			}
		}
		// Submitting with questions unanswered says so.
		rec = s.do(t, http.MethodPost, base+"/submit", thomas, url.Values{})
		doc = parsePage(t, "submit", rec)
		if rec.Code != http.StatusUnprocessableEntity || oneByID(doc, "answers-error") == nil || !strings.Contains(text(oneByID(doc, "answers-error")), "unanswered") {
			t.Fatalf("submitting half an assessment: %d", rec.Code)
		}
	})
}

func TestFirmReviewsAssessmentOnTheWeb(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := newSite(t, e)
		v, as := demoAssessment(t, s, "Meridian") // submitted, waiting for review
		base := fmt.Sprintf("/vendors/%d/assessments/%d", v.ID, as.ID)
		marcus := s.signIn(t, "marcus.oyelaran@hartwellcrane.example", "192.0.2.42")
		rec := s.do(t, http.MethodGet, base, marcus, nil)
		doc := parsePage(t, "GET "+base, rec)
		if rec.Code != http.StatusOK || oneByID(doc, "score") == nil || oneByID(doc, "auto-score") == nil || oneByID(doc, "decision") == nil || oneByID(doc, "finding-form") == nil {
			t.Fatalf("the reviewer's page lacks the score, decision or finding form (%d)", rec.Code)
		}
		// The vendor sees no score and cannot decide, even by posting.
		oliver := s.signIn(t, "oliver.bennett@meridiandiscovery.example", "192.0.2.43")
		doc = parsePage(t, "vendor view", s.do(t, http.MethodGet, base, oliver, nil))
		if oneByID(doc, "score") != nil || oneByID(doc, "decision") != nil {
			t.Fatal("the vendor sees the score or the decision form")
		}
		if rec := s.do(t, http.MethodPost, base+"/decision", oliver, url.Values{"decision": {"approved"}}); rec.Code != http.StatusForbidden {
			t.Fatalf("the vendor deciding: %d, want 403", rec.Code)
		}
		if rec := s.do(t, http.MethodPost, base+"/score", oliver, url.Values{"score": {"100"}, "reason": {"we are great"}}); rec.Code != http.StatusForbidden {
			t.Fatalf("the vendor scoring: %d, want 403", rec.Code)
		}
		// A bad override shows the error; a good one is recorded.
		rec = s.do(t, http.MethodPost, base+"/score", marcus, url.Values{"score": {"80"}})
		doc = parsePage(t, "override without a reason", rec)
		if rec.Code != http.StatusUnprocessableEntity || oneByID(doc, "form-error") == nil || attrOf(oneByID(doc, "override-reason"), "aria-invalid") != "true" {
			t.Fatalf("an override without a reason: %d", rec.Code)
		}
		if rec := s.do(t, http.MethodPost, base+"/score", marcus, url.Values{"score": {"80"}, "reason": {"ISO certificate covers only London"}}); rec.Code != http.StatusSeeOther {
			t.Fatalf("override: %d", rec.Code)
		}
		if rec := s.do(t, http.MethodPost, base+"/findings", marcus, url.Values{"severity": {"medium"}, "text": {"Leavers keep access for two days."}, "control_key": {"access_revocation_hours"}}); rec.Code != http.StatusSeeOther {
			t.Fatalf("finding: %d", rec.Code)
		}
		// Approve until a chosen date: the vendor's status follows.
		rec = s.do(t, http.MethodPost, base+"/decision", marcus, url.Values{"decision": {"approved"}, "approved_until": {string(domain.DateOf(s.app.Now().AddDate(0, 6, 0)))}})
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("decision: %d %.400s", rec.Code, rec.Body.String())
		}
		vendor, err := s.app.Vendor(context.Background(), app.Operator, v.ID)
		if err != nil || vendor.Vendor.Diligence != domain.DiligenceApproved || vendor.Vendor.ApprovedUntil != domain.DateOf(s.app.Now().AddDate(0, 6, 0)) {
			t.Fatalf("vendor after the decision: %+v, %v", vendor.Vendor, err)
		}
		// The vendor page's card shows it, and the vendor now sees the findings.
		doc = parsePage(t, "vendor page", s.do(t, http.MethodGet, fmt.Sprintf("/vendors/%d", v.ID), marcus, nil))
		card := oneByID(doc, "assessments")
		if card == nil || !strings.Contains(text(card), "Approved") || !strings.Contains(text(card), "score 80") {
			t.Fatalf("the vendor page's assessments card: %q", text(card))
		}
		doc = parsePage(t, "vendor view after", s.do(t, http.MethodGet, base, oliver, nil))
		if f := oneByID(doc, "findings"); f == nil || !strings.Contains(text(f), "Leavers keep access") || !strings.Contains(text(f), "shared with") {
			t.Fatal("the vendor does not see the findings, or is not told they are shared")
		}
	})
}

func TestQuestionnairePages(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := newSite(t, e)
		eleanor := s.signIn(t, "eleanor.hartwell@hartwellcrane.example", "192.0.2.44")
		qs, err := s.app.Questionnaires(context.Background(), app.Operator)
		if err != nil || len(qs) == 0 {
			t.Fatal(err)
		}
		rec := s.do(t, http.MethodPost, fmt.Sprintf("/admin/questionnaires/%d/copy", qs[0].ID), eleanor, url.Values{})
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("copy: %d", rec.Code)
		}
		draft := rec.Header().Get("Location")
		doc := parsePage(t, "draft", s.do(t, http.MethodGet, draft, eleanor, nil))
		if oneByID(doc, "questionnaire-form") == nil || oneByID(doc, "publish-form") == nil {
			t.Fatal("the draft has no edit or publish form")
		}
		// The form as shown, with one weight changed and a bad rule on a new row.
		form := url.Values{}
		for _, in := range elements(doc, func(n *html.Node) bool {
			return (n.Data == "input" || n.Data == "select" || n.Data == "textarea") && attrOf(n, "name") != ""
		}) {
			name := attrOf(in, "name")
			switch in.Data {
			case "input":
				if attrOf(in, "type") == "checkbox" {
					if _, on := attrMap(in)["checked"]; on {
						form.Set(name, "on")
					}
					continue
				}
				form.Set(name, attrOf(in, "value"))
			case "textarea":
				form.Set(name, text(in))
			case "select":
				for _, o := range elements(in, func(n *html.Node) bool { return n.Data == "option" }) {
					if _, sel := attrMap(o)["selected"]; sel {
						form.Set(name, attrOf(o, "value"))
					}
				}
			}
		}
		form.Set("weight_0", "9")
		n := 0
		for form.Has(fmt.Sprintf("key_%d", n)) {
			n++
		}
		last := n - 1 // the blank row for a new question
		form.Set(fmt.Sprintf("key_%d", last), "ai_tools")
		form.Set(fmt.Sprintf("area_%d", last), "Governance")
		form.Set(fmt.Sprintf("question_%d", last), "Do you keep client data out of generative AI tools?")
		form.Set(fmt.Sprintf("rule_%d", last), "max:3")
		rec = s.do(t, http.MethodPost, draft, eleanor, form)
		doc = parsePage(t, "a bad rule", rec)
		if rec.Code != http.StatusUnprocessableEntity || oneByID(doc, "questionnaire-error") == nil || !strings.Contains(text(oneByID(doc, "questionnaire-error")), "ai_tools") {
			t.Fatalf("a rule that does not fit: %d", rec.Code)
		}
		form.Set(fmt.Sprintf("rule_%d", last), "yes")
		if rec = s.do(t, http.MethodPost, draft, eleanor, form); rec.Code != http.StatusSeeOther {
			t.Fatalf("save: %d %.500s", rec.Code, rec.Body.String())
		}
		if rec = s.do(t, http.MethodPost, draft+"/publish", eleanor, url.Values{}); rec.Code != http.StatusSeeOther {
			t.Fatalf("publish: %d", rec.Code)
		}
		qs2, _ := s.app.Questionnaires(context.Background(), app.Operator)
		if qs2[0].Status != domain.QuestionnairePublished || qs2[0].ControlCount != qs[0].ControlCount+1 {
			t.Fatalf("after publishing: %s with %d controls, want published with %d", qs2[0].Status, qs2[0].ControlCount, qs[0].ControlCount+1)
		}
		// Attorneys read the templates but cannot change them.
		marcus := s.signIn(t, "marcus.oyelaran@hartwellcrane.example", "192.0.2.45")
		if rec := s.do(t, http.MethodGet, draft, marcus, nil); rec.Code != http.StatusOK {
			t.Fatalf("an attorney reading a template: %d", rec.Code)
		}
		if rec := s.do(t, http.MethodPost, fmt.Sprintf("/admin/questionnaires/%d/copy", qs[0].ID), marcus, url.Values{}); rec.Code != http.StatusForbidden {
			t.Fatalf("an attorney copying a template: %d", rec.Code)
		}
	})
}

func attrMap(n *html.Node) map[string]string {
	m := map[string]string{}
	for _, a := range n.Attr {
		m[a.Key] = a.Val
	}
	return m
}
