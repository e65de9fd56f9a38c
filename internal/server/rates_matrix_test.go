package server_test

import (
	"github.com/probity/probity/internal/api"
	"github.com/probity/probity/internal/domain"
)

// Rates (issue 8 part 1). The firm's timekeepers and their dated rates are
// firm administrators' alone (/admin/timekeepers, the API's timekeepers and
// a user's timekeeper record; a user who does not exist is not found). An
// engagement's vendor rate card is read by firm users and the vendor's
// managers who see the engagement, never by a vendor professional or the
// matter's client contacts (403 or 404); lines are added by a firm
// administrator or the engagement's supervising attorney. Scope first,
// then the second factor, then the capability; stage gates answer 409 and
// count as access here (the app tests walk them). Probes would add a
// timekeeper, a rate or a rate card line; safe bodies are refused as
// invalid.
func (m *matrix) ratesRules() map[string]rule {
	const probe = "matrix-probe"
	form, js := formBody, jsonBody
	supervisor := m.pairs(`SELECT id, supervising_attorney_id FROM engagements`)
	// card: the client is refused first, then scope, the second factor and
	// the capability.
	card := func(capable func(a *actor, o object) bool) access {
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
	reader := card(func(a *actor, _ object) bool {
		return isFirm(a.u.role) || a.u.role == domain.RoleVendorManager && a.u.vendor != 0
	})
	setter := card(func(a *actor, o object) bool {
		return isAdmin(a.u.role) || a.u.role == domain.RoleAttorney && a.u.id == supervisor[o.engagement]
	})
	admin := roleIs(isAdmin)
	userExists := adminObject(func(w *world, o object) bool { _, ok := w.users[o.user]; return ok })
	p := api.Prefix
	return map[string]rule{
		"GET /admin/timekeepers":  {access: admin},
		"POST /admin/timekeepers": {access: admin, safe: form("user_id", ""), probe: form("user_id", "1", "ledes_id", probe, "classification", "OTHER")},
		"POST /engagements/{id}/rate-card": {access: setter, safe: form("kind", ""),
			probe: form("kind", "per_unit", "unit", probe, "amount", "1", "from", "2099-01-01")},

		"GET " + p + "/timekeepers":                 {access: admin},
		"GET " + p + "/users/{id}/timekeeper":       {access: userExists},
		"PUT " + p + "/users/{id}/timekeeper":       {access: userExists, safe: js(`{"classification":"NOT-A-CLASS"}`), probe: js(`{"ledes_id":"` + probe + `","classification":"OTHER"}`)},
		"GET " + p + "/engagements/{id}/rate-card":  {access: reader},
		"POST " + p + "/engagements/{id}/rate-card": {access: setter, safe: js(`{"kind":""}`), probe: js(`{"kind":"per_unit","unit":"` + probe + `","amount":"1","from":"2099-01-01"}`)},
	}
}
