package server_test

import (
	"database/sql"
	"fmt"

	"github.com/probity/probity/internal/api"
	"github.com/probity/probity/internal/domain"
)

// communicationRules are the rules of the communication plan, kickoff, team,
// responsibility and briefing routes. Firm users and vendor members who see
// an engagement read its Communication and Briefing tabs; client contacts
// never find them. The engagement's supervising attorney, firm
// administrators and the vendor's manager change the plan, record and
// confirm the kickoff and manage the team; only the firm's side allocates
// responsibility and writes and publishes the briefing; only vendor
// members acknowledge it. Probes are requests that would succeed if the
// refusal were missing: a valid plan, a kickoff, a confirmation, a new
// member, a removal, an allocation, a draft, a publication.
func (m *matrix) communicationRules() map[string]rule {
	form, js := formBody, jsonBody
	const probe = "authorisation matrix probe"
	supervisor := map[int64]int64{}
	rows, err := m.db.Query(`SELECT id, supervising_attorney_id FROM engagements`)
	if err != nil {
		m.t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		var sup sql.NullInt64
		if err := rows.Scan(&id, &sup); err != nil {
			m.t.Fatal(err)
		}
		supervisor[id] = sup.Int64
	}
	if err := rows.Close(); err != nil {
		m.t.Fatal(err)
	}
	// A vendor person on a demo engagement, for the team probes.
	var member, attorney int64
	if err := m.db.QueryRow(`SELECT id FROM users WHERE email = 'rohan.kulkarni@lexora.example'`).Scan(&member); err != nil {
		m.t.Fatal(err)
	}
	if err := m.db.QueryRow(`SELECT id FROM users WHERE email = 'marcus.oyelaran@hartwellcrane.example'`).Scan(&attorney); err != nil {
		m.t.Fatal(err)
	}
	// side: the firm's side (supervising attorney, firm administrator) and,
	// unless firmOnly, the vendor's manager on the engagement.
	side := func(firmOnly bool) access {
		return func(w *world, a *actor, o object) verdict {
			switch {
			case !w.seesEngagement(a.u, o.engagement):
				return vHide
			case !(a.u.role == domain.RoleFirmAdmin || a.u.role == domain.RoleAttorney && a.u.id == supervisor[o.engagement] ||
				!firmOnly && a.u.role == domain.RoleVendorManager):
				return vDeny
			case w.gated(a, w.engagements[o.engagement].matter):
				return vGate
			}
			return vAllow
		}
	}
	read := func(w *world, a *actor, o object) verdict {
		switch {
		case !w.seesEngagement(a.u, o.engagement) || isClient(a.u.role):
			return vHide
		case w.gated(a, w.engagements[o.engagement].matter):
			return vGate
		}
		return vAllow
	}
	vendorMember := func(w *world, a *actor, o object) verdict {
		switch {
		case !w.seesEngagement(a.u, o.engagement):
			return vHide
		case !isVendor(a.u.role):
			return vDeny
		case w.gated(a, w.engagements[o.engagement].matter):
			return vGate
		}
		return vAllow
	}
	either, firm := side(false), side(true)
	planForm := form("contacts", "", "channels", "email", "cadence", "weekly", "time_zone", "America/New_York", "hours_start", "09:00", "hours_end", "18:00",
		"escalation", "Partner | 24", "language", probe)
	planJSON := js(fmt.Sprintf(`{"contacts":[],"hours":{"time_zone":"America/New_York","start":"09:00","end":"18:00"},"channels":["email"],"cadence":"weekly","escalation":[{"who":"Partner","response_hours":24}],"language":%q}`, probe))
	sections := fmt.Sprintf(`{"jurisdiction_rules":%[1]q,"local_rules":"","client_guidelines":%[1]q,"formatting":"","privilege_handling":%[1]q,"strategy_fit":%[1]q,"confidentiality":%[1]q}`, probe)
	long := fmt.Sprintf("%020001d", 0)
	p := api.Prefix
	id := func(n int64) string { return fmt.Sprint(n) }
	return map[string]rule{
		"GET /engagements/{id}/communication":         {access: read},
		"POST /engagements/{id}/communication":        {access: either, safe: form("cadence", "hourly"), probe: planForm},
		"POST /engagements/{id}/kickoff":              {access: either, safe: form("held_at", ""), probe: form("held_at", "2026-01-05T10:00", "attendees", probe)},
		"POST /engagements/{id}/kickoff/confirm":      {access: either, safe: form(), probe: form("confirm", "yes")},
		"POST /engagements/{id}/members":              {access: either, safe: form("user_id", "0"), probe: form("user_id", id(member), "role", "reviewer")},
		"POST /engagements/{id}/members/remove":       {access: either, safe: form("user_id", "0"), probe: form("user_id", id(member))},
		"POST /engagements/{id}/responsibilities":     {access: firm, safe: form(), probe: form("work_area", probe, "attorney_id", id(attorney), "vendor_person_id", id(member))},
		"GET /engagements/{id}/briefing":              {access: read},
		"POST /engagements/{id}/briefing":             {access: firm, safe: form("strategy_fit", long), probe: form("jurisdiction_rules", probe, "strategy_fit", probe)},
		"POST /engagements/{id}/briefing/publish":     {access: firm},
		"POST /engagements/{id}/briefing/acknowledge": {access: vendorMember, safe: form("typed_name", ""), probe: form("typed_name", probe)},

		"GET " + p + "/engagements/{id}/communication":         {access: read},
		"PUT " + p + "/engagements/{id}/communication":         {access: either, safe: js(`{"cadence":"hourly"}`), probe: planJSON},
		"POST " + p + "/engagements/{id}/kickoff":              {access: either, safe: js(`{"held_at":""}`), probe: js(fmt.Sprintf(`{"held_at":"2026-01-05T10:00:00Z","attendees":%q}`, probe))},
		"POST " + p + "/engagements/{id}/kickoff/confirm":      {access: either, safe: js(`{"confirm":false}`), probe: js(`{"confirm":true}`)},
		"GET " + p + "/engagements/{id}/members":               {access: read},
		"POST " + p + "/engagements/{id}/members":              {access: either, safe: js(`{"user_id":0}`), probe: js(fmt.Sprintf(`{"user_id":%d,"role":"reviewer"}`, member))},
		"DELETE " + p + "/engagements/{id}/members":            {access: either, safe: body{query: "user_id=0"}, probe: body{query: "user_id=" + id(member)}},
		"PUT " + p + "/engagements/{id}/responsibilities":      {access: firm, safe: js(`{"rows":[]}`), probe: js(fmt.Sprintf(`{"rows":[{"work_area":%q,"attorney_id":%d,"vendor_person_id":%d}]}`, probe, attorney, member))},
		"GET " + p + "/engagements/{id}/briefing":              {access: read},
		"PUT " + p + "/engagements/{id}/briefing":              {access: firm, safe: js(fmt.Sprintf(`{"strategy_fit":%q}`, long)), probe: js(sections)},
		"POST " + p + "/engagements/{id}/briefing/publish":     {access: firm},
		"POST " + p + "/engagements/{id}/briefing/acknowledge": {access: vendorMember, safe: js(`{"typed_name":""}`), probe: js(fmt.Sprintf(`{"typed_name":%q}`, probe))},
	}
}
