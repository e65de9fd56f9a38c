package web

import (
	"bytes"
	"io"
	"net/http"

	"github.com/probity/probity/internal/httpx"
)

// Downloads of a client invoice (issue 8 part 4): the LEDES 1998B file and
// the PDF. The app decides who may download (app.LEDESDownload,
// app.PDFDownload) and audits it.

// invoiceLEDES sends GET /invoices/{id}/ledes: the file is written to a
// temporary file first, so a failure midway is a clean error page rather
// than half a file.
func (h *Handler) invoiceLEDES(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	if err != nil {
		h.Error(w, r, err)
		return
	}
	httpx.SpoolDownload(w, "text/plain; charset=us-ascii", func(f io.Writer) (string, error) { return h.app.LEDESDownload(r.Context(), u, id, f) },
		func(err error) { h.Error(w, r, err) })
}

// invoicePDF sends GET /invoices/{id}/pdf.
func (h *Handler) invoicePDF(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	var buf bytes.Buffer
	var name string
	if err == nil {
		name, err = h.app.PDFDownload(r.Context(), u, id, &buf)
	}
	if err != nil {
		h.Error(w, r, err)
		return
	}
	httpx.WriteDownload(w, "application/pdf", name, buf.Bytes())
}
