package server_test

import (
	"fmt"
	"maps"
	"slices"

	"github.com/probity/probity/internal/api"
	"github.com/probity/probity/internal/app"
)

// Client invoices and credit notes (issue 8 part 3). Firm users manage
// them on the matters they see (drafting, recomputing, sending, recording
// payment, crediting); attorneys and firm administrators approve and write
// off; only a billing partner (a firm administrator, or an attorney whose
// timekeeper classification is PARTNR) overrides a policy flag; client
// contacts read their client's invoices once sent; vendor users never see
// them. Scope first (404), then the second factor on a highly confidential
// matter, then the capability (403); the app checks the capability before
// the scope, so a role without it is refused 403 (or 404) whatever the
// invoice. The matrix tries only invoices already sent, paid or written
// off, on which every change a permitted actor's safe body asks for is a
// conflict (409) or invalid (422): nothing changes. Probes would draft an
// invoice; safe bodies are refused as invalid.

const kClientInvoice kind = "client invoice"

// clientInvoiceObjects: the sent, paid and written-off client invoices,
// each with its matter.
func (m *matrix) clientInvoiceObjects() []object {
	matters := m.pairs(`SELECT id, matter_id FROM client_invoices WHERE state IN ('sent', 'paid', 'written_off')`)
	out := []object{{label: "nonexistent client invoice", ref: true, invoice: noID, matter: noID}}
	ids := make([]int64, 0, len(matters))
	for id := range matters {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		out = append(out, object{label: fmt.Sprintf("client invoice %d", id), invoice: id, matter: matters[id]})
	}
	return out
}

func (m *matrix) invoicesRules() map[string]rule {
	form, js := formBody, jsonBody
	partners := m.pairs(`SELECT user_id, user_id FROM timekeepers WHERE classification = 'PARTNR'`)
	matter := m.pairs(`SELECT 1, MIN(id) FROM matters WHERE status = 'open'`)[1]
	viewerRole := func(a *actor) bool { return isFirm(a.u.role) || isClient(a.u.role) && a.u.client != 0 }
	// on: the capability, then scope, then the second factor.
	on := func(capable func(a *actor) bool) access {
		return func(w *world, a *actor, o object) verdict {
			switch {
			case !capable(a):
				return vDeny
			case !w.seesMatter(a.u, o.matter):
				return vHide
			case w.gated(a, o.matter):
				return vGate
			}
			return vAllow
		}
	}
	viewer := on(viewerRole)
	manager := on(func(a *actor) bool { return isFirm(a.u.role) })
	approver := on(func(a *actor) bool { return canScreen(a.u.role) })
	overrider := func(w *world, a *actor, o object) verdict {
		if v := approver(w, a, o); v != vAllow {
			return v
		}
		if !isAdmin(a.u.role) && partners[a.u.id] == 0 {
			return vDeny
		}
		return vAllow
	}
	list := func(_ *world, a *actor, _ object) verdict {
		if viewerRole(a) {
			return vAllow
		}
		return vDeny
	}
	probe := form("matter_id", fmt.Sprint(matter), "start", "2000-01-01", "end", "2099-12-31", "description", "matrix-probe")
	probeJS := js(fmt.Sprintf(`{"matter_id":%d,"start":"2000-01-01","end":"2099-12-31","description":"matrix-probe"}`, matter))
	p := api.Prefix
	rules := map[string]rule{
		"GET /invoices":      {access: list},
		"GET /invoices.csv":  {access: list},
		"POST /invoices":     {access: roleIs(isFirm), safe: form("matter_id", ""), probe: probe},
		"GET /invoices/{id}": {access: viewer},

		"GET " + p + "/invoices":      {access: list},
		"POST " + p + "/invoices":     {access: roleIs(isFirm), safe: js(`{"matter_id":0}`), probe: probeJS},
		"GET " + p + "/invoices/{id}": {access: viewer},
	}
	for action, a := range map[string]access{"recompute": manager, "discard": manager, "approve": approver, "override": overrider, "send": manager,
		"paid": manager, "write-off": approver, "credit-note": manager} {
		safe, safeJS := form("reason", "", "paid_on", ""), js(`{"reason":"","paid_on":""}`)
		rules["POST /invoices/{id}/"+action] = rule{access: a, safe: safe, probe: safe}
		rules["POST "+p+"/invoices/{id}/"+action] = rule{access: a, safe: safeJS, probe: safeJS}
	}
	return rules
}

// addClientInvoices sends one client invoice of Marcus Oyelaran's time on
// each of two matters of different clients (one highly confidential when
// the demo has one), so that the invoice routes are tried on real objects.
func (m *matrix) addClientInvoices() {
	t := m.t
	ctx := app.WithMeta(m.ctx, app.Meta{Address: "192.0.2.92", RequestID: "matrix-invoices", MFA: true})
	admin, err := m.app.User(ctx, app.Operator, m.admin.id)
	if err != nil {
		t.Fatal(err)
	}
	db := m.app.Store.DB()
	var marcus int64
	if err := db.QueryRow(`SELECT user_id FROM timekeepers WHERE classification = 'PARTNR' ORDER BY user_id LIMIT 1`).Scan(&marcus); err != nil {
		t.Fatalf("a PARTNR timekeeper: %v", err)
	}
	matters := m.pairs(`SELECT client_id, MIN(id) FROM matters WHERE status = 'open' GROUP BY client_id`)
	done := 0
	for _, client := range slices.Sorted(maps.Keys(matters)) {
		mid := matters[client]
		if _, err := db.Exec(`INSERT INTO firm_time_entries (matter_id, user_id, worked_on, tenths, purpose, task_code, activity_code, narrative, created_by, created_at)
			VALUES ($1, $2, '2026-02-02', 10, 'matter', 'L120', 'A101', 'Matrix invoice time', $2, 1)`, mid, marcus); err != nil {
			t.Fatal(err)
		}
		inv, err := m.app.DraftClientInvoice(ctx, admin, app.ClientInvoiceInput{MatterID: mid, Start: "2026-02-01", End: "2026-02-28", Date: "2026-03-01"})
		if err != nil {
			t.Fatalf("draft on matter %d: %v", mid, err)
		}
		if _, err := m.app.ApproveClientInvoice(ctx, admin, inv.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := m.app.SendClientInvoice(ctx, admin, inv.ID); err != nil {
			t.Fatal(err)
		}
		if done++; done == 2 {
			break
		}
	}
}
