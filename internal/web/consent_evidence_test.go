package web_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"strings"
	"testing"

	"github.com/probity/probity/internal/httpx"
	"github.com/probity/probity/internal/testenv"
)

// postForm posts a multipart form as the browser does: the CSRF token
// first, then the fields in order, then the file (if filename is set).
func (s *site) postForm(t *testing.T, target, session string, fields [][2]string, filename, contentType string, content []byte) *httptest.ResponseRecorder {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	_ = mw.WriteField(httpx.CSRFField, testCSRF)
	for _, f := range fields {
		_ = mw.WriteField(f[0], f[1])
	}
	if filename != "" {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, filename))
		h.Set("Content-Type", contentType)
		w, _ := mw.CreatePart(h)
		_, _ = w.Write(content)
	}
	_ = mw.Close()
	req := httptest.NewRequest(http.MethodPost, target, &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.AddCookie(&http.Cookie{Name: httpx.CSRFCookie, Value: testCSRF})
	req.AddCookie(&http.Cookie{Name: httpx.SessionCookie, Value: session})
	rec := httptest.NewRecorder()
	s.handler.ServeHTTP(rec, req)
	return rec
}

// TestRecordConsentWithEvidenceFile: the attorney's "record an answer given
// outside Probity" form attaches the signed letter; the engagement page
// links it, the matter's client downloads it, another client cannot, and a
// refused file leaves the consent pending with nothing stored.
func TestRecordConsentWithEvidenceFile(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := newSite(t, e)
		priya := s.signIn(t, "priya.raman@hartwellcrane.example", "192.0.2.90")
		sam := s.signIn(t, "sam.okafor@greenfieldcu.example", "192.0.2.91")
		helen := s.signIn(t, "helen.calloway@callowayfreight.example", "192.0.2.92")
		var id int64 // Bayanihan's loan-agreement work for Greenfield: its consent went stale
		if err := s.app.Store.DB().QueryRow(`SELECT e.id FROM engagements e JOIN matters m ON m.id = e.matter_id JOIN vendors v ON v.id = e.vendor_id
			WHERE m.number = '2026-0203' AND v.name LIKE 'Bayanihan%'`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		base := fmt.Sprintf("/engagements/%d", id)
		if rec := s.do(t, http.MethodPost, base+"/disclosure/issue", priya, url.Values{}); rec.Code != http.StatusSeeOther {
			t.Fatalf("issue a new disclosure: %d %s", rec.Code, rec.Body)
		}
		docs := countRows(t, s, `SELECT COUNT(*) FROM documents`)
		rec := s.postForm(t, base+"/consent/record", priya, [][2]string{{"answer", "given"}, {"evidence", "signed letter"}}, "letter.pdf", "application/pdf", []byte("<html>no</html>"))
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "web page") {
			t.Fatalf("a web page as the letter: %d", rec.Code)
		}
		if countRows(t, s, `SELECT COUNT(*) FROM documents`) != docs ||
			countRows(t, s, `SELECT COUNT(*) FROM client_consents WHERE engagement_id = $1 AND state = 'pending'`, id) != 1 {
			t.Fatal("a refused letter changed something")
		}
		letter := []byte("%PDF-1.4\nSigned: Sam Okafor\n%%EOF\n")
		rec = s.postForm(t, base+"/consent/record", priya, [][2]string{{"answer", "given"}, {"evidence", "signed letter of 20 November"}}, "GMCU consent.pdf", "application/pdf", letter)
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("record with the letter: %d %s", rec.Code, rec.Body)
		}
		doc := parsePage(t, "engagement", s.do(t, http.MethodGet, base, priya, nil))
		link := ogOne(t, "evidence link", doc, ogID("consent-evidence"))
		href := attrOf(link, "href")
		if !strings.HasPrefix(href, base+"/consent/") || strings.TrimSpace(text(link)) != "GMCU consent.pdf" {
			t.Fatalf("evidence link %q %q", href, strings.TrimSpace(text(link)))
		}
		got := s.do(t, http.MethodGet, href, sam, nil)
		if got.Code != http.StatusOK || !bytes.Equal(got.Body.Bytes(), letter) || got.Header().Get("Content-Type") != "application/pdf" {
			t.Fatalf("the client downloading the letter: %d %q", got.Code, got.Header().Get("Content-Type"))
		}
		if got := s.do(t, http.MethodGet, href, helen, nil); got.Code != http.StatusNotFound {
			t.Errorf("another client downloading the letter: %d, want 404", got.Code)
		}
	})
}
