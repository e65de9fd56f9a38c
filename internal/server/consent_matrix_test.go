package server_test

import (
	"database/sql"
	"fmt"

	"github.com/probity/probity/internal/api"
	"github.com/probity/probity/internal/domain"
)

// consentRules are the rules of the outsourcing-disclosure and consent
// routes. Firm users who see an engagement and the matter's client contacts
// read them; vendor users never find them. The supervising attorney, the
// matter's responsible attorney and firm administrators draft, issue and
// record; only the client contact answers and revokes; only firm
// administrators set the policy. Probes would decline or revoke a consent
// or overwrite a draft.
func (m *matrix) consentRules() map[string]rule {
	form, js := formBody, jsonBody
	const probe = "authorisation matrix probe"
	// Who handles each engagement's consent, from the raw tables.
	handlers := map[int64][2]int64{} // engagement -> (supervising attorney, matter's responsible attorney)
	rows, err := m.db.Query(`SELECT e.id, e.supervising_attorney_id, m.responsible_attorney_id FROM engagements e JOIN matters m ON m.id = e.matter_id`)
	if err != nil {
		m.t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var sup, resp sql.NullInt64
		if err := rows.Scan(&id, &sup, &resp); err != nil {
			m.t.Fatal(err)
		}
		handlers[id] = [2]int64{sup.Int64, resp.Int64}
	}
	if err := rows.Err(); err != nil {
		m.t.Fatal(err)
	}
	consentAccess := func(capable func(a *actor, o object) bool) access {
		return func(w *world, a *actor, o object) verdict {
			switch {
			case !w.seesEngagement(a.u, o.engagement) || isVendor(a.u.role):
				return vHide
			case !capable(a, o):
				return vDeny
			case w.gated(a, w.engagements[o.engagement].matter):
				return vGate
			}
			return vAllow
		}
	}
	read := consentAccess(func(*actor, object) bool { return true })
	attorney := consentAccess(func(a *actor, o object) bool {
		h := handlers[o.engagement]
		return a.u.role == domain.RoleFirmAdmin || a.u.role == domain.RoleAttorney && (a.u.id == h[0] || a.u.id == h[1])
	})
	client := consentAccess(func(a *actor, _ object) bool { return isClient(a.u.role) })
	p := api.Prefix
	return map[string]rule{
		"POST /engagements/{id}/disclosure":       {access: attorney, safe: form("body", ""), probe: form("body", probe)},
		"GET /engagements/{id}/disclosure.pdf":    {access: read},
		"POST /engagements/{id}/disclosure/issue": {access: attorney},
		"POST /engagements/{id}/consent":          {access: client, safe: form("answer", "give", "typed_name", ""), probe: form("answer", "decline")},
		"POST /engagements/{id}/consent/revoke":   {access: client},
		"POST /engagements/{id}/consent/record":   {access: attorney, safe: form("answer", "given", "evidence", ""), probe: form("answer", "declined", "evidence", probe)},

		"GET " + p + "/engagements/{id}/disclosure":              {access: read},
		"PUT " + p + "/engagements/{id}/disclosure":              {access: attorney, safe: js(`{"body":""}`), probe: js(fmt.Sprintf(`{"body":%q}`, probe))},
		"POST " + p + "/engagements/{id}/disclosure/issue":       {access: attorney},
		"POST " + p + "/engagements/{id}/consent":                {access: client, safe: js(`{"typed_name":""}`), probe: js(`{"typed_name":""}`)},
		"POST " + p + "/engagements/{id}/consent/decline":        {access: client},
		"POST " + p + "/engagements/{id}/consent/revoke":         {access: client},
		"POST " + p + "/engagements/{id}/consent/record":         {access: attorney, safe: js(`{"answer":"given","evidence":""}`), probe: js(fmt.Sprintf(`{"answer":"declined","evidence":%q}`, probe))},
		"GET /engagements/{id}/consent/{cid}/evidence":           {access: childAccess(read)},
		"GET " + p + "/engagements/{id}/consents/{cid}/evidence": {access: childAccess(read)},
		"POST /admin/settings/consent":                           {access: roleIs(isAdmin), safe: form("consent_required", "on"), probe: form("consent_required", "off")},
		"GET " + p + "/settings/consent":                         {access: roleIs(isAdmin)},
		"PUT " + p + "/settings/consent":                         {access: roleIs(isAdmin), safe: js(`{"required":true}`), probe: js(`{"required":false}`)},
	}
}
