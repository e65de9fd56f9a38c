package httpx

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
)

// maxTokenPrefix bounds how much of a multipart body is read to find the
// CSRF token.
const maxTokenPrefix = 64 << 10

// formToken reads the CSRF token from a form body. For a multipart body (a
// file upload) only its first part is read, which must be the csrf_token
// field (forms put it first); the bytes read are then put back, so the
// handler streams the upload itself, under its own size limit, instead of
// the whole body being parsed here into memory or temporary files.
func formToken(r *http.Request) string {
	ct, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || ct != "multipart/form-data" {
		return r.PostFormValue(CSRFField)
	}
	if params["boundary"] == "" || r.Body == nil {
		return ""
	}
	tee := &prefixTee{r: r.Body}
	token := ""
	if p, err := multipart.NewReader(tee, params["boundary"]).NextPart(); err == nil && p.FormName() == CSRFField {
		b, _ := io.ReadAll(io.LimitReader(p, 256))
		token = string(b)
	}
	r.Body = replayBody{Reader: io.MultiReader(bytes.NewReader(tee.buf.Bytes()), r.Body), Closer: r.Body}
	return token
}

// prefixTee reads at most maxTokenPrefix bytes from r, keeping them.
type prefixTee struct {
	r   io.Reader
	buf bytes.Buffer
}

var errTokenPrefix = errors.New("csrf token not found at the start of the form")

func (t *prefixTee) Read(p []byte) (int, error) {
	room := maxTokenPrefix - t.buf.Len()
	if room <= 0 {
		return 0, errTokenPrefix
	}
	if len(p) > room {
		p = p[:room]
	}
	n, err := t.r.Read(p)
	t.buf.Write(p[:n])
	return n, err
}

type replayBody struct {
	io.Reader
	io.Closer
}
