package web

import (
	"net/http"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/httpx"
)

// compliance shows a matter's compliance record (app.ComplianceRecord).
func (h *Handler) compliance(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	var rec app.ComplianceRecord
	if err == nil {
		rec, err = h.app.ComplianceRecord(r.Context(), u, id)
	}
	if err != nil {
		h.Error(w, r, err)
		return
	}
	h.render(w, r, "compliance", "Compliance record: "+rec.Matter.Number, rec)
}

// compliancePDF sends the compliance record as a PDF download; the app
// audits the export.
func (h *Handler) compliancePDF(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	var b []byte
	var name string
	if err == nil {
		b, name, err = h.app.ComplianceRecordPDF(r.Context(), u, id)
	}
	if err != nil {
		h.Error(w, r, err)
		return
	}
	httpx.WriteDownload(w, "application/pdf", name, b)
}
