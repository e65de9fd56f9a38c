package server_test

// The authorisation matrix's knowledge of security assessments: each
// assessment's vendor, evidence files and remediation items, questionnaire
// versions, who may see and act on them, and the rules of their routes.
// Stated over the raw tables, like the rest of the oracle.

import (
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"testing"

	"github.com/probity/probity/internal/api"
	"github.com/probity/probity/internal/domain"
)

// Path-parameter kinds of the assessment routes.
const (
	kAssessment    kind = "assessment"
	kEvidence      kind = "evidence file"
	kRemediation   kind = "remediation item"
	kQuestionnaire kind = "questionnaire"
)

// assessmentWorld is what the oracle knows of assessments.
type assessmentWorld struct {
	assessments    map[int64]int64 // assessment -> its vendor
	evidence       map[int64]int64 // evidence file -> its assessment
	remediation    map[int64]int64 // remediation item -> its assessment
	questionnaires map[int64]bool
}

func loadAssessmentWorld(t *testing.T, db *sql.DB) assessmentWorld {
	t.Helper()
	w := assessmentWorld{assessments: map[int64]int64{}, evidence: map[int64]int64{}, remediation: map[int64]int64{}, questionnaires: map[int64]bool{}}
	for _, q := range []struct {
		sql  string
		into map[int64]int64
	}{
		{`SELECT id, vendor_id FROM assessments`, w.assessments},
		{`SELECT id, assessment_id FROM assessment_evidence`, w.evidence},
		{`SELECT id, assessment_id FROM remediation_items`, w.remediation},
		{`SELECT id, 1 FROM questionnaires`, nil},
	} {
		rows, err := db.Query(q.sql)
		if err != nil {
			t.Fatalf("oracle: %s: %v", q.sql, err)
		}
		for rows.Next() {
			var a, b int64
			if err := rows.Scan(&a, &b); err != nil {
				t.Fatalf("oracle: %s: %v", q.sql, err)
			}
			if q.into == nil {
				w.questionnaires[a] = true
			} else {
				q.into[a] = b
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatalf("oracle: %s: %v", q.sql, err)
		}
		rows.Close()
	}
	if len(w.assessments) < 4 || len(w.evidence) == 0 || len(w.remediation) == 0 || len(w.questionnaires) == 0 {
		t.Fatalf("oracle: the demo has %d assessments, %d evidence files, %d remediation items, %d questionnaires; the assessment routes would prove nothing",
			len(w.assessments), len(w.evidence), len(w.remediation), len(w.questionnaires))
	}
	return w
}

// seesAssessments: firm users, and vendor managers of their own vendor.
func seesAssessments(u userRow) bool {
	return isFirm(u.role) || u.role == domain.RoleVendorManager && u.vendor != 0
}

func canReview(r domain.Role) bool { return r == domain.RoleFirmAdmin || r == domain.RoleAttorney }
func canAnswer(r domain.Role) bool { return r == domain.RoleVendorManager }

// vendorAssessments: a vendor's assessments list, to those who see
// assessments and the vendor (a vendor manager only their own).
func vendorAssessments(w *world, a *actor, o object) verdict {
	switch {
	case !seesAssessments(a.u):
		return vDeny
	case !w.seesVendor(a.u, o.vendor) || isVendor(a.u.role) && a.u.vendor != o.vendor:
		return vHide
	}
	return vAllow
}

// startAccess: starting an assessment of a vendor (attorneys and
// administrators; refused before the vendor is looked up).
func startAccess(w *world, a *actor, o object) verdict {
	switch {
	case !canReview(a.u.role):
		return vDeny
	case !w.seesVendor(a.u, o.vendor):
		return vHide
	}
	return vAllow
}

// assessmentAccess: one assessment of a vendor: the assessment must be the
// vendor's, seen by the actor; then the capability; then the evidence file
// or remediation item, if the route names one, must be the assessment's.
func assessmentAccess(capable func(domain.Role) bool) access {
	return func(w *world, a *actor, o object) verdict {
		if v := vendorAssessments(w, a, o); v != vAllow {
			return v
		}
		if vendor, ok := w.assessments.assessments[o.assessment]; !ok || vendor != o.vendor {
			return vHide
		}
		if !capable(a.u.role) {
			return vDeny
		}
		if o.evidence != 0 && w.assessments.evidence[o.evidence] != o.assessment {
			return vHide
		}
		if o.remediation != 0 && w.assessments.remediation[o.remediation] != o.assessment {
			return vHide
		}
		return vAllow
	}
}

func questionnaireAccess(capable func(domain.Role) bool) access {
	return func(w *world, a *actor, o object) verdict {
		switch {
		case !capable(a.u.role):
			return vDeny
		case !w.assessments.questionnaires[o.questionnaire]:
			return vHide
		}
		return vAllow
	}
}

func (o object) assessmentValue(k kind) string {
	switch k {
	case kAssessment:
		return strconv.FormatInt(o.assessment, 10)
	case kEvidence:
		return strconv.FormatInt(o.evidence, 10)
	case kRemediation:
		return strconv.FormatInt(o.remediation, 10)
	case kQuestionnaire:
		return strconv.FormatInt(o.questionnaire, 10)
	}
	return ""
}

// assessmentParams reports whether a route's parameters are a vendor and
// one of its assessments, with at most an evidence file or remediation item.
func assessmentParams(ps []param) bool {
	if len(ps) < 2 || len(ps) > 3 || ps[0].kind != kVendor || ps[1].kind != kAssessment {
		return false
	}
	return len(ps) == 2 || ps[2].kind == kEvidence || ps[2].kind == kRemediation
}

// assessmentObjects: every assessment under its own vendor and under
// another, a nonexistent one, and for a third parameter every evidence file
// or remediation item (its own assessment's and others'), and none.
func (m *matrix) assessmentObjects(r *route) []object {
	w := m.w.assessments
	sub := kind("")
	if len(r.params) == 3 {
		sub = r.params[2].kind
	}
	subs := func() []int64 {
		var src map[int64]int64
		switch sub {
		case kEvidence:
			src = w.evidence
		case kRemediation:
			src = w.remediation
		default:
			return []int64{0}
		}
		var out []int64
		for id := range src {
			out = append(out, id)
		}
		slices.Sort(out)
		return append(out, noID)
	}()
	with := func(o object, s int64) object {
		switch sub {
		case kEvidence:
			o.evidence = s
		case kRemediation:
			o.remediation = s
		}
		return o
	}
	ref := with(object{label: "nonexistent vendor and assessment", ref: true, vendor: noID, assessment: noID}, noID)
	if sub == "" {
		ref = object{label: "nonexistent vendor and assessment", ref: true, vendor: noID, assessment: noID}
	}
	out := []object{ref}
	var vendors []int64
	for id := range m.w.vendors {
		vendors = append(vendors, id)
	}
	slices.Sort(vendors)
	var ids []int64
	for id := range w.assessments {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		v := w.assessments[id]
		other := vendors[(slices.Index(vendors, v)+1)%len(vendors)]
		for _, s := range subs {
			label := fmt.Sprintf("assessment %d of %s", id, m.w.vendors[v])
			if sub != "" {
				label += fmt.Sprintf(", %s %d", sub, s)
			}
			out = append(out, with(object{label: label, vendor: v, assessment: id}, s))
		}
		out = append(out, with(object{label: fmt.Sprintf("assessment %d under %s", id, m.w.vendors[other]), vendor: other, assessment: id}, subs[0]))
	}
	for _, v := range vendors {
		out = append(out, with(object{label: "nonexistent assessment of " + m.w.vendors[v], vendor: v, assessment: noID}, noID))
	}
	return out
}

func (m *matrix) questionnaireObjects() []object {
	out := []object{{label: "nonexistent questionnaire", ref: true, questionnaire: noID}}
	var ids []int64
	for id := range m.w.assessments.questionnaires {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		out = append(out, object{label: fmt.Sprintf("questionnaire %d", id), questionnaire: id})
	}
	return out
}

// assessmentRules are the rules of the assessment routes. Permitted writes
// send bodies the use case refuses as invalid (or, for an assessment in
// another state, as a conflict); the probes are bodies that would succeed.
func (m *matrix) assessmentRules() map[string]rule {
	form := func(kv ...string) body {
		b := body{form: map[string][]string{}}
		for i := 0; i+1 < len(kv); i += 2 {
			b.form[kv[i]] = append(b.form[kv[i]], kv[i+1])
		}
		return b
	}
	js := func(s string) body { return body{json: s} }
	firm := func(r domain.Role) bool { return isFirm(r) }
	admin := func(r domain.Role) bool { return r == domain.RoleFirmAdmin }
	viewing := func(r domain.Role) bool { return isFirm(r) || r == domain.RoleVendorManager }
	const probe = "authorisation matrix probe"
	controlRow := form("name", probe, "key_0", "matrix_probe", "area", "Matrix", "area_0", "Matrix", "question_0", "Is this a probe?",
		"type_0", "yes_no", "weight_0", "1", "rule_0", "yes", "evidence_0", "")
	p := api.Prefix
	va := "/vendors/{id}/assessments/{aid}"
	return map[string]rule{
		"GET /vendors/{id}/assessments":  {access: vendorAssessments},
		"POST /vendors/{id}/assessments": {access: startAccess, safe: form("questionnaire_id", strconv.FormatInt(noID, 10)), probe: form("questionnaire_id", "0")},
		"GET " + va:                      {access: assessmentAccess(viewing)},
		"POST " + va + "/answers": {access: assessmentAccess(canAnswer), safe: form("answer.no_such_question", "x"),
			probe: form("answer."+domain.ControlMFA, "yes")},
		"POST " + va + "/submit":                {access: assessmentAccess(canAnswer), safe: form(), probe: form()},
		"POST " + va + "/evidence":              {access: assessmentAccess(canAnswer), safe: form("control", domain.ControlMFA)},
		"GET " + va + "/evidence/{eid}":         {access: assessmentAccess(viewing)},
		"POST " + va + "/evidence/{eid}/review": {access: assessmentAccess(canReview), safe: form("accepted", "no"), probe: form("accepted", "yes")},
		"POST " + va + "/score":                 {access: assessmentAccess(canReview), safe: form("score", "500", "reason", "x"), probe: form("score", "70", "reason", probe)},
		"POST " + va + "/findings": {access: assessmentAccess(canReview), safe: form("severity", "none", "text", "x"),
			probe: form("severity", "low", "text", probe)},
		"POST " + va + "/decision": {access: assessmentAccess(canReview), safe: form("decision", "maybe"),
			probe: form("decision", "rejected", "note", probe)},
		"POST " + va + "/remediation/{rid}/done":  {access: assessmentAccess(canReview)},
		"GET /admin/questionnaires":               {access: roleIs(firm)},
		"GET /admin/questionnaires/{id}":          {access: questionnaireAccess(firm)},
		"POST /admin/questionnaires/{id}":         {access: questionnaireAccess(admin), safe: form("name", ""), probe: controlRow},
		"POST /admin/questionnaires/{id}/copy":    {access: questionnaireAccess(admin)},
		"POST /admin/questionnaires/{id}/publish": {access: questionnaireAccess(admin)},

		"GET " + p + "/vendors/{id}/assessments": {access: vendorAssessments},
		"POST " + p + "/vendors/{id}/assessments": {access: startAccess, safe: js(fmt.Sprintf(`{"questionnaire_id":%d}`, noID)),
			probe: js(`{"questionnaire_id":0}`)},
		"GET " + p + va: {access: assessmentAccess(viewing)},
		"PUT " + p + va + "/answers": {access: assessmentAccess(canAnswer), safe: js(`{"answers":{"breach_notification_hours":"soon"}}`),
			probe: js(`{"answers":{"mfa_production":true}}`)},
		"POST " + p + va + "/submit":                {access: assessmentAccess(canAnswer)},
		"POST " + p + va + "/evidence":              {access: assessmentAccess(canAnswer), safe: js(`{}`)},
		"GET " + p + va + "/evidence/{eid}":         {access: assessmentAccess(viewing)},
		"POST " + p + va + "/evidence/{eid}/review": {access: assessmentAccess(canReview), safe: js(`{"accepted":false}`), probe: js(`{"accepted":true}`)},
		"PUT " + p + va + "/score": {access: assessmentAccess(canReview), safe: js(`{"score":500,"reason":"x"}`),
			probe: js(fmt.Sprintf(`{"score":70,"reason":%q}`, probe))},
		"POST " + p + va + "/findings": {access: assessmentAccess(canReview), safe: js(`{"severity":"none","text":"x"}`),
			probe: js(fmt.Sprintf(`{"severity":"low","text":%q}`, probe))},
		"POST " + p + va + "/decision": {access: assessmentAccess(canReview), safe: js(`{"decision":"maybe"}`),
			probe: js(fmt.Sprintf(`{"decision":"rejected","note":%q}`, probe))},
		"POST " + p + va + "/remediation/{rid}/done": {access: assessmentAccess(canReview)},
		"GET " + p + "/questionnaires":               {access: roleIs(firm)},
		"GET " + p + "/questionnaires/{id}":          {access: questionnaireAccess(firm)},
		"PUT " + p + "/questionnaires/{id}": {access: questionnaireAccess(admin), safe: js(`{"name":"","controls":[]}`),
			probe: js(fmt.Sprintf(`{"name":%q,"controls":[{"key":"matrix_probe","area":"Matrix","question":"Is this a probe?","answer_type":"yes_no","options":[],"weight":1,"critical":false,"pass_rule":"yes","evidence":""}]}`, probe))},
		"POST " + p + "/questionnaires/{id}/copy":    {access: questionnaireAccess(admin)},
		"POST " + p + "/questionnaires/{id}/publish": {access: questionnaireAccess(admin)},
	}
}
