package web

import (
	"net/http"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/httpx"
)

// The firm's billing pages share the "Billing" navigation entry and the
// billing tabs (partial "billing-tabs"): client invoices (invoices.go),
// vendor invoices (vendor_invoices.go), the firm's own time (firm_time.go),
// budgets and savings (savings.go). /billing opens the first, for firm users.
func (h *Handler) billing(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	if !app.Can(u, app.ManageClientInvoices) {
		h.Error(w, r, app.Forbidden(u))
		return
	}
	http.Redirect(w, r, "/invoices", http.StatusSeeOther)
}
