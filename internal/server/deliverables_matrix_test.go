package server_test

import (
	"github.com/probity/probity/internal/api"
	"github.com/probity/probity/internal/domain"
)

// Deliverables, their review and release, the review queue, and the close
// of an engagement. Everyone who sees the engagement reads its deliverables
// (the client contact only released work); only vendor users submit; only
// the engagement's supervising attorney reviews and releases; the
// supervising attorney and firm administrators pause, resume, close and
// evaluate; only the vendor manager certifies. Stage gates answer 409 and
// count as access here (the app tests prove them). Probes would submit,
// approve, release, pause, close, certify or evaluate if the refusal were
// missing; safe bodies are refused as invalid.

const (
	kDeliverable kind = "deliverable"
	kDelivVer    kind = "deliverable version"
)

var _ = registerChild("deliverables", "did", kDeliverable, kEngagement, `SELECT id, engagement_id FROM deliverables`)
var _ = registerChild("versions", "ver", kDelivVer, kEngagement, `SELECT id, engagement_id FROM deliverable_versions`)

func (m *matrix) deliverablesRules() map[string]rule {
	form, js := formBody, jsonBody
	const probe = "authorisation matrix probe"
	supervisor := m.pairs(`SELECT id, supervising_attorney_id FROM engagements`)
	releasedToClient := m.pairs(`SELECT id, 1 FROM deliverable_versions WHERE release_kind = 'client'`)

	in := capableOnEngagement
	everyone := in(func(*actor, object) bool { return true })
	notClient := in(func(a *actor, _ object) bool { return !isClient(a.u.role) })
	vendor := in(func(a *actor, _ object) bool { return isVendor(a.u.role) })
	reviewer := in(func(a *actor, o object) bool {
		return a.u.role == domain.RoleAttorney && a.u.id == supervisor[o.engagement]
	})
	releaser := in(func(a *actor, o object) bool {
		return (a.u.role == domain.RoleAttorney || a.u.role == domain.RoleFirmAdmin) && a.u.id == supervisor[o.engagement]
	})
	steward := in(func(a *actor, o object) bool {
		return a.u.role == domain.RoleFirmAdmin || a.u.role == domain.RoleAttorney && a.u.id == supervisor[o.engagement]
	})
	certifier := in(func(a *actor, _ object) bool { return a.u.role == domain.RoleVendorManager })
	download := in(func(a *actor, o object) bool { return !isClient(a.u.role) || releasedToClient[o.child1] == 1 })
	attorney := roleIs(func(r domain.Role) bool { return r == domain.RoleAttorney })
	p := api.Prefix
	return map[string]rule{
		"GET /engagements/{id}/deliverables":                         {access: everyone},
		"POST /engagements/{id}/deliverables":                        {access: vendor, safe: form("title", ""), probe: form("title", probe)},
		"POST /engagements/{id}/deliverables/{did}/versions":         {access: childAccess(vendor), safe: form("note", ""), probe: form("note", probe)},
		"GET /engagements/{id}/deliverables/versions/{ver}":          {access: childAccess(notClient)},
		"GET /engagements/{id}/deliverables/versions/{ver}/file":     {access: childAccess(download)},
		"POST /engagements/{id}/deliverables/versions/{ver}/review":  {access: childAccess(reviewer), safe: form("decision", ""), probe: form("decision", "approved", "comment", probe)},
		"POST /engagements/{id}/deliverables/versions/{ver}/release": {access: childAccess(releaser), safe: form("kind", ""), probe: form("kind", "client")},
		"GET /reviews":                       {access: attorney},
		"GET /engagements/{id}/close":        {access: notClient},
		"POST /engagements/{id}/close":       {access: steward, safe: form("confirm", "not-a-confirmation"), probe: form("confirm", "yes")},
		"POST /engagements/{id}/pause":       {access: steward, safe: form("reason", ""), probe: form("reason", probe)},
		"POST /engagements/{id}/resume":      {access: steward, safe: form("reason", ""), probe: form("reason", probe)},
		"POST /engagements/{id}/certificate": {access: certifier, safe: form("method", ""), probe: form("method", "destroyed", "statement", probe)},
		"POST /engagements/{id}/evaluation":  {access: steward, safe: form("quality", "0"), probe: form("quality", "4", "timeliness", "4", "communication", "4", "compliance", "4")},

		"GET " + p + "/engagements/{id}/deliverables":                         {access: everyone},
		"POST " + p + "/engagements/{id}/deliverables":                        {access: vendor, safe: js(`{}`), probe: body{json: probe + "\n", query: "filename=probe.txt&title=probe"}},
		"POST " + p + "/engagements/{id}/deliverables/{did}/versions":         {access: childAccess(vendor), safe: js(`{}`), probe: body{json: probe + "\n", query: "filename=probe.txt"}},
		"GET " + p + "/engagements/{id}/deliverables/versions/{ver}":          {access: childAccess(notClient)},
		"GET " + p + "/engagements/{id}/deliverables/versions/{ver}/content":  {access: childAccess(download)},
		"POST " + p + "/engagements/{id}/deliverables/versions/{ver}/review":  {access: childAccess(reviewer), safe: js(`{"decision":""}`), probe: js(`{"decision":"approved"}`)},
		"POST " + p + "/engagements/{id}/deliverables/versions/{ver}/release": {access: childAccess(releaser), safe: js(`{"kind":""}`), probe: js(`{"kind":"client"}`)},
		"GET " + p + "/reviews":                       {access: attorney},
		"GET " + p + "/engagements/{id}/close":        {access: notClient},
		"POST " + p + "/engagements/{id}/close":       {access: steward, safe: js(`{"confirm":"no"}`), probe: js(`{"confirm":true}`)},
		"POST " + p + "/engagements/{id}/pause":       {access: steward, safe: js(`{"reason":""}`), probe: js(`{"reason":"` + probe + `"}`)},
		"POST " + p + "/engagements/{id}/resume":      {access: steward, safe: js(`{"reason":""}`), probe: js(`{"reason":"` + probe + `"}`)},
		"POST " + p + "/engagements/{id}/certificate": {access: certifier, safe: js(`{"method":""}`), probe: js(`{"method":"destroyed","statement":"` + probe + `"}`)},
		"POST " + p + "/engagements/{id}/evaluation":  {access: steward, safe: js(`{"quality":0}`), probe: js(`{"quality":4,"timeliness":4,"communication":4,"compliance":4}`)},
	}
}
