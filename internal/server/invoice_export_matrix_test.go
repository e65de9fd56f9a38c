package server_test

import "github.com/probity/probity/internal/api"

// Exports of client invoices (issue 8 part 4): the LEDES 1998B file and the
// PDF of an invoice, on the web (/invoices/{id}/ledes, /invoices/{id}/pdf:
// a ServeMux wildcard must be a whole segment, so not /invoices/{id}.ledes)
// and the API. The same people as the invoice page: firm users on the
// matters they see and the client's contacts once the invoice is sent,
// paid or written off (the only invoices the matrix tries); vendor users
// never (403, whatever the invoice). The capability first, then the scope
// (404), then the second factor on a highly confidential matter (403).
// Downloads change nothing but the audit trail.
func (m *matrix) invoiceExportRules() map[string]rule {
	viewer := func(w *world, a *actor, o object) verdict {
		switch {
		case !isFirm(a.u.role) && !(isClient(a.u.role) && a.u.client != 0):
			return vDeny
		case !w.seesMatter(a.u, o.matter):
			return vHide
		case w.gated(a, o.matter):
			return vGate
		}
		return vAllow
	}
	p := api.Prefix
	return map[string]rule{
		"GET /invoices/{id}/ledes":          {access: viewer},
		"GET /invoices/{id}/pdf":            {access: viewer},
		"GET " + p + "/invoices/{id}/ledes": {access: viewer},
		"GET " + p + "/invoices/{id}/pdf":   {access: viewer},
	}
}
