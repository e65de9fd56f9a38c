package server_test

// The authorisation matrix's knowledge of conflict checks: parties,
// vendors' disclosures and conflict hits, who may see and change them, and
// the rules of their routes. Stated over the raw tables, like the rest of
// the oracle.

import (
	"database/sql"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"testing"

	"github.com/probity/probity/internal/api"
	"github.com/probity/probity/internal/domain"
)

// Path-parameter kinds of the conflict routes.
const (
	kParty      kind = "party"
	kDisclosure kind = "disclosure"
	kHit        kind = "conflict hit"
)

// conflictWorld is what the oracle knows of conflict checks.
type conflictWorld struct {
	parties     map[int64]int64    // party -> its matter
	disclosures map[int64]int64    // disclosure -> its vendor
	hits        map[int64][2]int64 // conflict hit -> (matter, vendor)
}

func loadConflictWorld(t *testing.T, db *sql.DB) conflictWorld {
	t.Helper()
	c := conflictWorld{parties: map[int64]int64{}, disclosures: map[int64]int64{}, hits: map[int64][2]int64{}}
	for _, q := range []struct {
		sql  string
		into func(a, b, c int64)
	}{
		{`SELECT id, matter_id, 0 FROM parties`, func(id, m, _ int64) { c.parties[id] = m }},
		{`SELECT id, vendor_id, 0 FROM vendor_disclosures`, func(id, v, _ int64) { c.disclosures[id] = v }},
		{`SELECT id, matter_id, vendor_id FROM conflict_hits`, func(id, m, v int64) { c.hits[id] = [2]int64{m, v} }},
	} {
		rows, err := db.Query(q.sql)
		if err != nil {
			t.Fatalf("oracle: %s: %v", q.sql, err)
		}
		for rows.Next() {
			var a, b, d int64
			if err := rows.Scan(&a, &b, &d); err != nil {
				t.Fatalf("oracle: %s: %v", q.sql, err)
			}
			q.into(a, b, d)
		}
		if err := rows.Err(); err != nil {
			t.Fatalf("oracle: %s: %v", q.sql, err)
		}
		rows.Close()
	}
	if len(c.parties) == 0 || len(c.disclosures) == 0 || len(c.hits) == 0 {
		t.Fatalf("oracle: the demo has %d parties, %d disclosures, %d conflict hits; the conflict routes would prove nothing", len(c.parties), len(c.disclosures), len(c.hits))
	}
	return c
}

// partyAccess: a party, to firm users who see its matter (to anyone else it
// is not found), for roles with the capability, past the second-factor gate.
func partyAccess(capable func(domain.Role) bool) access {
	byMatter := matterAccess(capable)
	return func(w *world, a *actor, o object) verdict {
		m, ok := w.conflicts.parties[o.party]
		if !ok || !isFirm(a.u.role) {
			return vHide
		}
		return byMatter(w, a, object{matter: m})
	}
}

// hitAccess: a conflict hit, to firm users who see its matter (vendors and
// clients never find one), for roles with the capability, past the gate.
func hitAccess(capable func(domain.Role) bool) access {
	byMatter := matterAccess(capable)
	return func(w *world, a *actor, o object) verdict {
		h, ok := w.conflicts.hits[o.hit]
		if !ok || !isFirm(a.u.role) {
			return vHide
		}
		return byMatter(w, a, object{matter: h[0]})
	}
}

// conflictsOfEngagement: an engagement's conflict hits, to firm users who
// see the engagement (a vendor or client who sees it does not find them),
// for roles with the capability, past the gate.
func conflictsOfEngagement(capable func(domain.Role) bool) access {
	return func(w *world, a *actor, o object) verdict {
		switch {
		case !w.seesEngagement(a.u, o.engagement) || !isFirm(a.u.role):
			return vHide
		case !capable(a.u.role):
			return vDeny
		case w.gated(a, w.engagements[o.engagement].matter):
			return vGate
		}
		return vAllow
	}
}

// disclosureAccess: a vendor's disclosures are read by firm users and the
// vendor's own people, and changed by its managers only; anyone else (other
// vendors, client contacts) does not find them. vendorOf names the vendor.
func disclosureAccess(write bool, vendorOf func(w *world, o object) (int64, bool)) access {
	return func(w *world, a *actor, o object) verdict {
		v, ok := vendorOf(w, o)
		if _, exists := w.vendors[v]; !ok || !exists {
			return vHide
		}
		own := isVendor(a.u.role) && a.u.vendor == v
		switch {
		case a.u.disabled || !(isFirm(a.u.role) || own):
			return vHide
		case write && !(own && a.u.role == domain.RoleVendorManager):
			return vDeny
		}
		return vAllow
	}
}

func vendorParam(_ *world, o object) (int64, bool) { return o.vendor, true }
func disclosureParam(w *world, o object) (int64, bool) {
	v, ok := w.conflicts.disclosures[o.disclosure]
	return v, ok
}

// conflictObjects lists every party, disclosure or hit of the demo (the
// nonexistent one first).
func (m *matrix) conflictObjects(k kind) []object {
	c := m.w.conflicts
	var out []object
	switch k {
	case kParty:
		out = append(out, object{label: "nonexistent party", ref: true, party: noID})
		for _, id := range slices.Sorted(maps.Keys(c.parties)) {
			out = append(out, object{label: fmt.Sprintf("party %d on %s", id, m.w.matters[c.parties[id]].number), party: id})
		}
	case kDisclosure:
		out = append(out, object{label: "nonexistent disclosure", ref: true, disclosure: noID})
		for _, id := range slices.Sorted(maps.Keys(c.disclosures)) {
			out = append(out, object{label: fmt.Sprintf("disclosure %d of %s", id, m.w.vendors[c.disclosures[id]]), disclosure: id})
		}
	case kHit:
		out = append(out, object{label: "nonexistent conflict hit", ref: true, hit: noID})
		for _, id := range slices.Sorted(maps.Keys(c.hits)) {
			h := c.hits[id]
			out = append(out, object{label: fmt.Sprintf("conflict hit %d (%s on %s)", id, m.w.vendors[h[1]], m.w.matters[h[0]].number), hit: id})
		}
	}
	return out
}

// conflictRules are the rules of the conflict-check routes.
func (m *matrix) conflictRules() map[string]rule {
	form, js := formBody, jsonBody
	const probe = "authorisation matrix probe"
	canEdit := canScreen // attorneys and firm administrators
	search := body{query: "q=" + url.QueryEscape("Solace Pharmaceuticals Inc")}
	readDisclosures := disclosureAccess(false, vendorParam)
	writeDisclosures := disclosureAccess(true, vendorParam)
	removeDisclosure := disclosureAccess(true, disclosureParam)
	p := api.Prefix
	return map[string]rule{
		"POST /matters/{id}/parties":        {access: matterAccess(canEdit), safe: form("name", "", "role", "witness"), probe: form("name", "Matrix Probe Party", "role", "witness")},
		"POST /parties/{id}/aliases":        {access: partyAccess(canEdit), safe: form("alias", ""), probe: form("alias", "Matrix Probe Alias")},
		"POST /parties/{id}/aliases/remove": {access: partyAccess(canEdit), safe: form("alias", ""), probe: form("alias", "CFS")},
		"POST /parties/{id}/remove":         {access: partyAccess(canEdit), safe: form("reason", ""), probe: form("reason", probe)},
		"GET /parties/search":               {access: roleIs(isFirm), safe: search, probe: search},
		"GET /vendors/{id}/disclosures":     {access: readDisclosures},
		"POST /vendors/{id}/disclosures":    {access: writeDisclosures, safe: form("name", "", "kind", "client"), probe: form("name", "Matrix Probe Holdings", "kind", "client")},
		"POST /vendors/{id}/disclosures/import": {access: writeDisclosures, safe: form("text", "", "default_kind", "client"),
			probe: form("text", "Matrix Probe Import Ltd", "default_kind", "client")},
		"POST /disclosures/{id}/remove":          {access: removeDisclosure, safe: form("reason", ""), probe: form("reason", probe)},
		"POST /engagements/{id}/conflicts/check": {access: conflictsOfEngagement(canEdit)},
		"GET /conflict-hits/{id}":                {access: hitAccess(isFirm)},
		"POST /conflict-hits/{id}/resolve": {access: hitAccess(canEdit), safe: form("status", "", "reason", ""),
			probe: form("status", "cleared", "reason", probe)},

		"GET " + p + "/vendors/{id}/disclosures": {access: readDisclosures},
		"POST " + p + "/vendors/{id}/disclosures": {access: writeDisclosures, safe: js(`{"name":"","kind":"client"}`),
			probe: js(`{"name":"Matrix Probe Holdings","kind":"client"}`)},
		"POST " + p + "/vendors/{id}/disclosures/import": {access: writeDisclosures, safe: js(`{"text":""}`), probe: js(`{"text":"Matrix Probe Import Ltd"}`)},
		"DELETE " + p + "/disclosures/{id}":              {access: removeDisclosure, probe: body{query: "reason=" + url.QueryEscape(probe)}},
		"POST " + p + "/matters/{id}/parties": {access: matterAccess(canEdit), safe: js(`{"name":"","role":"witness"}`),
			probe: js(`{"name":"Matrix Probe Party","role":"witness"}`)},
		"DELETE " + p + "/parties/{id}":                   {access: partyAccess(canEdit), probe: body{query: "reason=" + url.QueryEscape(probe)}},
		"POST " + p + "/parties/{id}/aliases":             {access: partyAccess(canEdit), safe: js(`{"alias":""}`), probe: js(`{"alias":"Matrix Probe Alias"}`)},
		"DELETE " + p + "/parties/{id}/aliases":           {access: partyAccess(canEdit), probe: body{query: "alias=CFS"}},
		"GET " + p + "/parties/search":                    {access: roleIs(isFirm), safe: search, probe: search},
		"GET " + p + "/engagements/{id}/conflicts":        {access: conflictsOfEngagement(isFirm)},
		"POST " + p + "/engagements/{id}/conflicts/check": {access: conflictsOfEngagement(canEdit)},
		"POST " + p + "/conflict-hits/{id}/resolve": {access: hitAccess(canEdit), safe: js(`{"status":"","reason":""}`),
			probe: js(fmt.Sprintf(`{"status":"cleared","reason":%q}`, probe))},
	}
}

// conflictValue is a conflict object's path value.
func (o object) conflictValue(k kind) (string, bool) {
	switch k {
	case kParty:
		return strconv.FormatInt(o.party, 10), true
	case kDisclosure:
		return strconv.FormatInt(o.disclosure, 10), true
	case kHit:
		return strconv.FormatInt(o.hit, 10), true
	}
	return "", false
}
