package api

import (
	"bytes"
	"io"
	"net/http"

	"github.com/probity/probity/internal/httpx"
)

// Downloads of a client invoice (issue 8 part 4): GET
// /api/v1/invoices/{id}/ledes (text/plain, LEDES 1998B) and
// /api/v1/invoices/{id}/pdf. Refusals answer JSON errors as everywhere;
// the LEDES file is spooled to a temporary file so a failure never sends
// half a file.

// invoiceLEDES answers GET /api/v1/invoices/{id}/ledes.
func (h *Handler) invoiceLEDES(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.SpoolDownload(w, "text/plain; charset=us-ascii", func(f io.Writer) (string, error) { return h.app.LEDESDownload(r.Context(), u, id, f) },
		func(err error) { httpx.WriteJSONError(w, r, err) })
}

// invoicePDF answers GET /api/v1/invoices/{id}/pdf.
func (h *Handler) invoicePDF(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	var buf bytes.Buffer
	var name string
	if err == nil {
		name, err = h.app.PDFDownload(r.Context(), u, id, &buf)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteDownload(w, "application/pdf", name, buf.Bytes())
}
