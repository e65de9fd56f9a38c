package httpx

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// multipartBody is a form with the given fields in order; "file" is a file part.
func multipartBody(t *testing.T, fields ...[2]string) (*bytes.Buffer, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, f := range fields {
		if f[0] == "file" {
			w, _ := mw.CreateFormFile("file", "report.pdf")
			_, _ = io.WriteString(w, f[1])
			continue
		}
		_ = mw.WriteField(f[0], f[1])
	}
	_ = mw.Close()
	return &b, mw.FormDataContentType()
}

// The CSRF check reads a multipart upload's token from its first part only,
// and the handler still gets the whole body to stream.
func TestCSRFOnMultipartUploads(t *testing.T) {
	token := strings.Repeat("ab", 32)
	file := strings.Repeat("%PDF-1.4 evidence ", 8000) // larger than what the check may read
	var got string
	var parsed bool
	h := Chain(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		parsed = r.MultipartForm != nil
		mr, err := r.MultipartReader()
		if err != nil {
			t.Errorf("the handler cannot read the upload: %v", err)
			return
		}
		for {
			p, err := mr.NextPart()
			if err != nil {
				break
			}
			if p.FormName() == "file" {
				b, _ := io.ReadAll(p)
				got = string(b)
			}
		}
	}), CSRF(Cookies{}, func(w http.ResponseWriter, r *http.Request, err error) { w.WriteHeader(http.StatusForbidden) }))
	send := func(fields ...[2]string) int {
		body, ct := multipartBody(t, fields...)
		req := httptest.NewRequest(http.MethodPost, "/vendors/1/assessments/2/evidence", body)
		req.Header.Set("Content-Type", ct)
		req.AddCookie(&http.Cookie{Name: CSRFCookie, Value: token})
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	if code := send([2]string{CSRFField, token}, [2]string{"control", "soc2_type2"}, [2]string{"file", file}); code != http.StatusOK || got != file || parsed {
		t.Fatalf("token first: %d, file of %d bytes (want %d), parsed by the check %v", code, len(got), len(file), parsed)
	}
	got = ""
	for name, fields := range map[string][][2]string{
		"a wrong token":          {{CSRFField, strings.Repeat("cd", 32)}, {"file", file}},
		"the token after a file": {{"file", file}, {CSRFField, token}},
		"no token":               {{"control", "x"}, {"file", file}},
		"a huge first part":      {{"control", strings.Repeat("x", 200<<10)}, {CSRFField, token}},
	} {
		if code := send(fields...); code != http.StatusForbidden || got != "" {
			t.Errorf("%s: %d, want 403 before the handler", name, code)
		}
	}
}
