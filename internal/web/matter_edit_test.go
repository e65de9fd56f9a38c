package web_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/httpx"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// uploadCSV posts a multipart import form (csrf_token first, as the page does).
func (s *site) uploadCSV(t *testing.T, session, kind, content string) *httptest.ResponseRecorder {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	_ = mw.WriteField(httpx.CSRFField, testCSRF)
	_ = mw.WriteField("kind", kind)
	fw, _ := mw.CreateFormFile("file", "matters.csv")
	_, _ = fw.Write([]byte(content))
	_ = mw.Close()
	req := httptest.NewRequest(http.MethodPost, "/matters/import", &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.AddCookie(&http.Cookie{Name: httpx.CSRFCookie, Value: testCSRF})
	req.AddCookie(&http.Cookie{Name: httpx.SessionCookie, Value: session})
	rec := httptest.NewRecorder()
	s.handler.ServeHTTP(rec, req)
	return rec
}

var digestField = regexp.MustCompile(`name="sha256" value="([0-9a-f]{64})"`)

// TestImportOnThePages: upload → preview (problems by line, nothing
// written) → "Import N matters", which commits exactly the previewed file.
func TestImportOnThePages(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := newSite(t, e)
		ctx := context.Background()
		marcus := s.signIn(t, "marcus.oyelaran@hartwellcrane.example", "192.0.2.40")
		count := func() int {
			ms, err := s.app.Matters(ctx, app.Operator, store.MatterFilter{Page: store.Page{Limit: store.MaxPageSize}})
			if err != nil {
				t.Fatal(err)
			}
			return len(ms)
		}
		n := count()
		header := "number,client_number,title,responsible_attorney_email\n"
		bad := header + "2026-0801,CFS-0711,One,marcus.oyelaran@hartwellcrane.example\n2026-0142,CFS-0711,Taken,marcus.oyelaran@hartwellcrane.example\n"
		rec := s.uploadCSV(t, marcus, "matters", bad)
		body := rec.Body.String()
		if rec.Code != http.StatusOK || !strings.Contains(body, "already exists") || digestField.MatchString(body) || !strings.Contains(body, "<td data-label=\"Line\">3</td>") {
			t.Fatalf("preview of a bad file: %d, import offered %v\n%.2000s", rec.Code, digestField.MatchString(body), body)
		}
		parsePage(t, "import preview", rec)
		good := header + "2026-0801,CFS-0711,One,marcus.oyelaran@hartwellcrane.example\n2026-0802,CFS-0711,Two,marcus.oyelaran@hartwellcrane.example\n"
		rec = s.uploadCSV(t, marcus, "matters", good)
		body = rec.Body.String()
		m := digestField.FindStringSubmatch(body)
		if rec.Code != http.StatusOK || m == nil || !strings.Contains(body, "Import 2 matters") || count() != n {
			t.Fatalf("preview of a good file: %d, %d → %d matters\n%.2000s", rec.Code, n, count(), body)
		}
		// The committed content must be the previewed one.
		rec = s.do(t, http.MethodPost, "/matters/import", marcus, url.Values{"kind": {"matters"}, "sha256": {m[1]}, "content": {good + "2026-0803,CFS-0711,Sneaked in,marcus.oyelaran@hartwellcrane.example\n"}})
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "changed after its preview") || count() != n {
			t.Fatalf("a changed file: %d (%d → %d matters)", rec.Code, n, count())
		}
		rec = s.do(t, http.MethodPost, "/matters/import", marcus, url.Values{"kind": {"matters"}, "sha256": {m[1]}, "content": {good}})
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Imported 2 matters") || count() != n+2 {
			t.Fatalf("commit: %d, %d → %d matters\n%.1500s", rec.Code, n, count(), rec.Body.String())
		}
		// Staff may not import.
		daniel := s.signIn(t, "daniel.brooks@hartwellcrane.example", "192.0.2.41")
		if rec = s.uploadCSV(t, daniel, "matters", good); rec.Code != http.StatusForbidden {
			t.Errorf("staff upload: %d", rec.Code)
		}
	})
}
