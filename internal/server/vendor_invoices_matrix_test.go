package server_test

import (
	"fmt"
	"slices"
	"time"

	"github.com/probity/probity/internal/api"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// Vendor invoices (issue 8 part 2). Lists are firm users' and vendor
// managers' (their own vendor's); client contacts are answered as if there
// were nothing (404) and vendor professionals are refused. One invoice is
// read by firm users who see its engagement and the vendor's managers; the
// firm's review (dispute, resolve, approve, reject) is firm users' alone,
// the answer in a line's thread the vendor manager's. Scope first, then the
// capability or the second factor; a decided invoice answers 409, which
// counts as access here (the app tests walk it). Submitting is the vendor
// manager's on their vendor's engagements. Probes would dispute, answer,
// resolve, decide or submit; safe bodies are refused as invalid.

const (
	kVendorInvoice kind = "vendor invoice"
	kVendorLine    kind = "vendor invoice line"
)

// vendorInvoiceParams reports whether a route's parameters are an invoice
// and one of its lines (objectsFor gives both from vendorInvoiceObjects).
func vendorInvoiceParams(ps []param) bool {
	return len(ps) == 2 && ps[0].kind == kVendorInvoice && ps[1].kind == kVendorLine
}

// vendorInvoiceObjects: every vendor invoice with its engagement and first
// line, the same invoice with a line of no invoice, and the nonexistent
// reference.
func (m *matrix) vendorInvoiceObjects() []object {
	engagement := m.pairs(`SELECT id, engagement_id FROM vendor_invoices`)
	first := m.pairs(`SELECT invoice_id, MIN(id) FROM vendor_invoice_lines GROUP BY invoice_id`)
	out := []object{{label: "nonexistent vendor invoice", ref: true, vendorInvoice: noID, vendorLine: noID, engagement: noID}}
	ids := make([]int64, 0, len(engagement))
	for id := range engagement {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		out = append(out, object{label: fmt.Sprintf("vendor invoice %d of engagement %d", id, engagement[id]), vendorInvoice: id,
			vendorLine: first[id], engagement: engagement[id]})
	}
	return out
}

// seedVendorInvoice gives the matrix a submitted invoice when the demo has
// none: one hourly line of an approved entry of the active Lexora engagement.
func (m *matrix) seedVendorInvoice() {
	var n int
	if err := m.db.QueryRow(`SELECT COUNT(*) FROM vendor_invoices`).Scan(&n); err != nil || n > 0 {
		return
	}
	var eid, vendor, entry, user, item int64
	var day string
	err := m.db.QueryRow(`SELECT e.id, e.vendor_id, t.id, t.user_id, t.sow_item_id, t.worked_on FROM engagements e JOIN time_entries t ON t.engagement_id = e.id
		JOIN vendors v ON v.id = e.vendor_id WHERE e.stage = 'active' AND t.state = 'approved' AND v.currency <> 'USD' ORDER BY t.id LIMIT 1`).
		Scan(&eid, &vendor, &entry, &user, &item, &day)
	if err != nil {
		m.t.Fatalf("seed a vendor invoice: %v", err)
	}
	var cur string
	if err := m.db.QueryRow(`SELECT currency FROM vendors WHERE id = $1`, vendor).Scan(&cur); err != nil {
		m.t.Fatal(err)
	}
	rate := domain.NewMoney(100000, domain.Currency(cur))
	v := domain.VendorInvoice{EngagementID: eid, VendorID: vendor, Number: "MATRIX-1", Date: domain.Date(day), Start: domain.Date(day), End: domain.Date(day),
		Total: domain.NewMoney(100000, rate.Currency), State: domain.VendorInvoiceSubmitted, SubmittedBy: user, SubmittedAt: time.Now(),
		Lines: []domain.VendorInvoiceLine{{Kind: domain.RateHourly, TimeEntryID: entry, WorkItemID: item, UserID: user, Classification: domain.ClassAssociate,
			WorkedOn: domain.Date(day), Quantity: 100, Rate: rate, Amount: rate}}}
	if err := m.app.Store.Write(m.ctx, func(tx *store.Tx) error { return tx.InsertVendorInvoice(m.ctx, &v) }); err != nil {
		m.t.Fatalf("seed a vendor invoice: %v", err)
	}
}

func (m *matrix) vendorInvoicesRules() map[string]rule {
	m.seedVendorInvoice()
	const probe = "matrix-probe"
	form, js := formBody, jsonBody
	vendorOf := m.pairs(`SELECT id, vendor_id FROM engagements`)
	// invoice judges an action on one invoice: nonexistent or outside the
	// scope (and any client contact) is hidden, then the capability, then
	// the second factor.
	invoice := func(capable func(a *actor) bool) access {
		return func(w *world, a *actor, o object) verdict {
			switch {
			case o.vendorInvoice == noID || isClient(a.u.role):
				return vHide
			case !w.seesEngagement(a.u, o.engagement):
				return vHide
			case !capable(a):
				return vDeny
			case w.gated(a, w.engagements[o.engagement].matter):
				return vGate
			}
			return vAllow
		}
	}
	viewer := func(a *actor) bool {
		return isFirm(a.u.role) || a.u.role == domain.RoleVendorManager && a.u.vendor != 0
	}
	reviewer := func(a *actor) bool { return isFirm(a.u.role) }
	manager := func(a *actor) bool { return a.u.role == domain.RoleVendorManager && a.u.vendor != 0 }
	list := func(_ *world, a *actor, _ object) verdict {
		if viewer(a) {
			return vAllow
		}
		return vDeny
	}
	// tab: the engagement's invoices; clients are refused (404) first.
	tab := func(capable func(a *actor, o object) bool) access {
		return func(w *world, a *actor, o object) verdict {
			switch {
			case isClient(a.u.role):
				return vDeny
			case !w.seesEngagement(a.u, o.engagement):
				return vHide
			case w.gated(a, w.engagements[o.engagement].matter):
				return vGate
			case !capable(a, o):
				return vDeny
			}
			return vAllow
		}
	}
	reader := tab(func(a *actor, _ object) bool { return viewer(a) })
	submitter := tab(func(a *actor, o object) bool { return manager(a) && vendorOf[o.engagement] == a.u.vendor })
	probeForm := form("number", probe, "start", "2026-01-01", "end", "2026-01-31", "date", "2026-01-31", "unit_item", "1", "unit_name", "documents",
		"unit_quantity", "1", "unit_rate", "1", "unit_date", "2026-01-05")
	probeJS := js(`{"number":"` + probe + `","period_start":"2026-01-01","period_end":"2026-01-31","date":"2026-01-31","lines":[{"kind":"per_unit","work_item_id":1,"unit":"documents","quantity":"1","rate":"1","date":"2026-01-05"}]}`)
	p := api.Prefix
	return map[string]rule{
		"GET /vendor-invoices":                                     {access: list},
		"GET /vendor-invoices.csv":                                 {access: list},
		"GET /vendor-invoices/{id}":                                {access: invoice(viewer)},
		"POST /vendor-invoices/{id}/lines/{line}/dispute":          {access: invoice(reviewer), safe: form("message", ""), probe: form("message", probe)},
		"POST /vendor-invoices/{id}/lines/{line}/reply":            {access: invoice(manager), safe: form("message", ""), probe: form("message", probe)},
		"POST /vendor-invoices/{id}/lines/{line}/resolve":          {access: invoice(reviewer), safe: form("action", ""), probe: form("action", "accept")},
		"POST /vendor-invoices/{id}/approve":                       {access: invoice(reviewer), safe: form("fx_rate", "x"), probe: form("fx_rate", "0.012", "fx_date", "2026-01-05")},
		"POST /vendor-invoices/{id}/reject":                        {access: invoice(reviewer), safe: form("reason", ""), probe: form("reason", probe)},
		"GET /engagements/{id}/invoices":                           {access: reader},
		"POST /engagements/{id}/invoices":                          {access: submitter, safe: form("number", ""), probe: probeForm},
		"GET " + p + "/vendor-invoices":                            {access: list},
		"GET " + p + "/vendor-invoices/{id}":                       {access: invoice(viewer)},
		"POST " + p + "/vendor-invoices/{id}/lines/{line}/dispute": {access: invoice(reviewer), safe: js(`{"message":""}`), probe: js(`{"message":"` + probe + `"}`)},
		"POST " + p + "/vendor-invoices/{id}/lines/{line}/reply":   {access: invoice(manager), safe: js(`{"message":""}`), probe: js(`{"message":"` + probe + `"}`)},
		"POST " + p + "/vendor-invoices/{id}/lines/{line}/resolve": {access: invoice(reviewer), safe: js(`{"action":""}`), probe: js(`{"action":"accept"}`)},
		"POST " + p + "/vendor-invoices/{id}/approve":              {access: invoice(reviewer), safe: js(`{"fx_rate":"x"}`), probe: js(`{"fx_rate":"0.012","fx_date":"2026-01-05"}`)},
		"POST " + p + "/vendor-invoices/{id}/reject":               {access: invoice(reviewer), safe: js(`{"reason":""}`), probe: js(`{"reason":"` + probe + `"}`)},
		"GET " + p + "/engagements/{id}/vendor-invoices":           {access: reader},
		"POST " + p + "/engagements/{id}/vendor-invoices":          {access: submitter, safe: js(`{"number":""}`), probe: probeJS},
	}
}
