package server_test

import (
	"strings"

	"github.com/probity/probity/internal/api"
	"github.com/probity/probity/internal/domain"
)

// Quality audits (issue 7): the engagement's audit plan, batches, audits
// with their seeded samples and scores, and corrective actions; the
// auditor's list. Everyone who sees an engagement reads its audit tab (a
// client contact only completed audits: an audit not completed is not
// found for them); attorneys and firm administrators set the plan;
// attorneys and staff conduct audits (import batches, start, score,
// complete, raise corrective actions), never a vendor user; the vendor
// manager answers a corrective action; only the engagement's supervising
// attorney verifies one. Capabilities come after scope and the second
// factor; stage gates answer 409 and count as access here (the app tests
// walk them). Probes would set a plan, import a batch, start an audit,
// score an item, complete an audit, raise, answer or close a corrective
// action if the refusal were missing; safe bodies are refused as invalid.

const (
	kQualityAudit kind = "quality audit"
	kAuditSample  kind = "audit sample"
	kCorrective   kind = "corrective action"
)

var _ = registerChild("audits", "aid", kQualityAudit, kEngagement, `SELECT id, engagement_id FROM audits`)
var _ = registerChild("items", "sid", kAuditSample, kQualityAudit, `SELECT id, audit_id FROM audit_samples`)
var _ = registerChild("corrective-actions", "cid", kCorrective, kEngagement, `SELECT id, engagement_id FROM corrective_actions`)

func (m *matrix) auditsRules() map[string]rule {
	form, js := formBody, jsonBody
	const probe = "authorisation matrix probe"
	supervisor := m.pairs(`SELECT id, supervising_attorney_id FROM engagements`)
	completed := m.pairs(`SELECT id, CASE WHEN state = 'completed' THEN 1 ELSE 0 END FROM audits`)

	in := capableOnEngagement
	everyone := in(func(*actor, object) bool { return true })
	planner := in(func(a *actor, _ object) bool {
		return a.u.role == domain.RoleFirmAdmin || a.u.role == domain.RoleAttorney
	})
	auditor := in(func(a *actor, _ object) bool { return a.u.role == domain.RoleAttorney || a.u.role == domain.RoleStaff })
	responder := in(func(a *actor, _ object) bool { return a.u.role == domain.RoleVendorManager })
	verifier := in(func(a *actor, o object) bool {
		return a.u.role == domain.RoleAttorney && a.u.id == supervisor[o.engagement]
	})
	// An audit not completed is not found for a client contact.
	reader := func(w *world, a *actor, o object) verdict {
		v := everyone(w, a, o)
		if v == vAllow && isClient(a.u.role) && completed[o.child1] != 1 {
			return vHide
		}
		return v
	}
	plan := func(kv ...string) body {
		return form(append([]string{"cadence", "monthly", "population", "deliverables", "method", "proportion", "confidence", "95", "margin", "5",
			"expected", "50", "max_error_rate", "5", "criterion_key", "accuracy", "criterion_name", "Accuracy", "criterion_weight", "critical"}, kv...)...)
	}
	const planJSON = `{"cadence":"monthly","population":"deliverables","method":"proportion","confidence":0.95,"margin":0.05,"expected":0.5,"max_error_rate":0.05,` +
		`"criteria":[{"key":"accuracy","name":"Accuracy","weight":"critical"}]}`
	longSeed := strings.Repeat("s", 201) // longer than any seed an audit records: invalid
	const csv = "item,decision,person\nprobe-1,responsive,Probe\nprobe-2,not_responsive,Probe\n"
	firm := roleIs(isFirm)
	p := api.Prefix
	return map[string]rule{
		"GET /engagements/{id}/audits":                            {access: everyone},
		"POST /engagements/{id}/audit-plan":                       {access: planner, safe: form("cadence", ""), probe: plan()},
		"POST /engagements/{id}/audit-batches":                    {access: auditor, safe: form("name", ""), probe: form("name", probe)},
		"POST /engagements/{id}/audits":                           {access: auditor, safe: form("seed", longSeed), probe: form("seed", probe)},
		"GET /engagements/{id}/audits/{aid}":                      {access: childAccess(reader)},
		"POST /engagements/{id}/audits/{aid}/items/{sid}/score":   {access: childAccess(auditor), safe: form("fail", "no-such-criterion"), probe: form("note", probe)},
		"POST /engagements/{id}/audits/{aid}/complete":            {access: childAccess(auditor)},
		"POST /engagements/{id}/audits/{aid}/corrective-actions":  {access: childAccess(auditor), safe: form("description", ""), probe: form("description", probe, "due_on", "2099-01-01")},
		"POST /engagements/{id}/corrective-actions/{cid}/respond": {access: childAccess(responder), safe: form("response", ""), probe: form("response", probe)},
		"POST /engagements/{id}/corrective-actions/{cid}/verify":  {access: childAccess(verifier), safe: form("decision", ""), probe: form("decision", "accept", "note", probe)},
		"GET /audits": {access: firm},

		"GET " + p + "/engagements/{id}/audit-plan":                        {access: everyone},
		"PUT " + p + "/engagements/{id}/audit-plan":                        {access: planner, safe: js(`{"cadence":""}`), probe: js(planJSON)},
		"GET " + p + "/engagements/{id}/audit-batches":                     {access: everyone},
		"POST " + p + "/engagements/{id}/audit-batches":                    {access: auditor, safe: js(`{}`), probe: body{json: csv, query: "name=probe"}},
		"GET " + p + "/engagements/{id}/audits":                            {access: everyone},
		"POST " + p + "/engagements/{id}/audits":                           {access: auditor, safe: js(`{"seed":"` + longSeed + `"}`), probe: js(`{"seed":"probe"}`)},
		"GET " + p + "/engagements/{id}/audits/{aid}":                      {access: childAccess(reader)},
		"POST " + p + "/engagements/{id}/audits/{aid}/scores":              {access: childAccess(auditor), safe: js(`{"sample_id":0}`), probe: js(`{"sample_id":1,"note":"` + probe + `"}`)},
		"POST " + p + "/engagements/{id}/audits/{aid}/complete":            {access: childAccess(auditor), safe: js(`{}`), probe: js(`{}`)},
		"POST " + p + "/engagements/{id}/audits/{aid}/corrective-actions":  {access: childAccess(auditor), safe: js(`{"description":""}`), probe: js(`{"description":"` + probe + `","due_on":"2099-01-01"}`)},
		"GET " + p + "/engagements/{id}/corrective-actions":                {access: everyone},
		"POST " + p + "/engagements/{id}/corrective-actions/{cid}/respond": {access: childAccess(responder), safe: js(`{"response":""}`), probe: js(`{"response":"` + probe + `"}`)},
		"POST " + p + "/engagements/{id}/corrective-actions/{cid}/verify":  {access: childAccess(verifier), safe: js(`{"note":""}`), probe: js(`{"accept":true,"note":"` + probe + `"}`)},
		"GET " + p + "/audits":                                             {access: firm},
	}
}
