package server_test

import (
	"fmt"
	"slices"

	"github.com/probity/probity/internal/api"
	"github.com/probity/probity/internal/domain"
)

// The firm's own time, budgets and savings (issue 8 parts 5 and 6). Firm
// time is firm users' (recording needs a timekeeper record: a firm user
// without one is refused, 403); an entry is deleted by its author or a firm
// administrator who sees its matter (scope, then the second factor, then
// the owner), and only while unbilled: the matrix tries billed entries
// only, which a permitted actor gets 409 for, so nothing is deleted.
// Budgets are read by firm users and set by attorneys and administrators;
// savings are read by firm users and client contacts (their own client's:
// the app tests prove the figures' scope). Probes would record time or set
// a budget; safe bodies are refused as invalid.

const kFirmTime kind = "firm time entry"

// firmTimeObjects: the billed firm time entries, each with its matter.
func (m *matrix) firmTimeObjects() []object {
	matters := m.pairs(`SELECT id, matter_id FROM firm_time_entries WHERE client_invoice_id IS NOT NULL`)
	out := []object{{label: "nonexistent firm time entry", ref: true, firmTime: noID, matter: noID}}
	ids := make([]int64, 0, len(matters))
	for id := range matters {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		out = append(out, object{label: fmt.Sprintf("billed firm time entry %d", id), firmTime: id, matter: matters[id]})
	}
	return out
}

func (m *matrix) savingsRules() map[string]rule {
	form, js := formBody, jsonBody
	timekeepers := m.pairs(`SELECT user_id, user_id FROM timekeepers`)
	owners := m.pairs(`SELECT id, user_id FROM firm_time_entries`)
	matter := m.pairs(`SELECT 1, MIN(id) FROM matters WHERE status = 'open'`)[1]
	recorder := func(_ *world, a *actor, _ object) verdict {
		if isFirm(a.u.role) && timekeepers[a.u.id] != 0 {
			return vAllow
		}
		return vDeny
	}
	deleter := func(w *world, a *actor, o object) verdict {
		switch {
		case !isFirm(a.u.role):
			return vDeny
		case !w.seesMatter(a.u, o.matter):
			return vHide
		case w.gated(a, o.matter):
			return vGate
		case owners[o.firmTime] != a.u.id && !isAdmin(a.u.role):
			return vDeny
		}
		return vAllow
	}
	savings := func(_ *world, a *actor, _ object) verdict {
		if isFirm(a.u.role) || isClient(a.u.role) && a.u.client != 0 {
			return vAllow
		}
		return vDeny
	}
	firm, setter := roleIs(isFirm), roleIs(canScreen)
	probeTime := form("matter_id", fmt.Sprint(matter), "date", "2026-01-05", "hours", "0.1", "purpose", string(domain.PurposeMatter),
		"task_code", "L110", "activity_code", "A104", "narrative", "matrix-probe")
	probeTimeJS := js(fmt.Sprintf(`{"matter_id":%d,"date":"2026-01-05","hours":"0.1","purpose":"matter","task_code":"L110","activity_code":"A104","narrative":"matrix-probe"}`, matter))
	p := api.Prefix
	return map[string]rule{
		"GET /time":                       {access: firm},
		"POST /time":                      {access: recorder, safe: form("hours", ""), probe: probeTime},
		"POST /time/{id}/delete":          {access: deleter, safe: form(), probe: form()},
		"GET /budgets":                    {access: firm},
		"POST /budgets":                   {access: setter, safe: form("amount", ""), probe: form("matter_id", fmt.Sprint(matter), "amount", "1")},
		"GET /savings":                    {access: savings},
		"GET /savings.csv":                {access: savings},
		"GET " + p + "/firm-time":         {access: firm},
		"POST " + p + "/firm-time":        {access: recorder, safe: js(`{"hours":""}`), probe: probeTimeJS},
		"DELETE " + p + "/firm-time/{id}": {access: deleter},
		"GET " + p + "/budgets":           {access: firm},
		"PUT " + p + "/budgets":           {access: setter, safe: js(`{"amount":""}`), probe: js(fmt.Sprintf(`{"matter_id":%d,"amount":"1"}`, matter))},
		"GET " + p + "/savings":           {access: savings},
	}
}
