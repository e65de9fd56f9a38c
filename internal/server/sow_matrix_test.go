package server_test

import (
	"time"

	"github.com/probity/probity/internal/api"
	"github.com/probity/probity/internal/domain"
)

// The statement of work, deadlines, time entries and the calendar feed
// (issue 6 parts 4 and 5). Firm users who see an engagement and the vendor
// members assigned to it read the statement and the work page; the
// matter's client contacts take no part (403 or 404); everyone else finds
// nothing. Capabilities come first (a role without one is refused before
// anything is looked up): drafting and change orders are the firm's side
// (attorneys, firm administrators); approving is the supervising attorney
// or a firm administrator, and the vendor manager; estimates are the
// vendor manager's; time is vendor users' own, decided by the vendor
// manager but never on their own time; deadlines are set by the firm's
// side or the vendor manager and marked by their owner too. Stage gates
// answer 409, after "not found" and "forbidden", and count as access
// granted here (the app tests walk the gates). Probes would add an item,
// approve, start a change order, set or mark a deadline, record, submit
// or decide time.

const (
	kWorkItem   kind = "work item"
	kSOWVersion kind = "statement-of-work version"
	kDeadline   kind = "deadline"
	kTimeEntry  kind = "time entry"
)

var _ = registerChild("items", "iid", kWorkItem, kEngagement, `SELECT id, engagement_id FROM sow_items`)
var _ = registerChild("versions", "sv", kSOWVersion, kEngagement, `SELECT id, engagement_id FROM sow_versions`)
var _ = registerChild("deadlines", "did", kDeadline, kEngagement, `SELECT id, engagement_id FROM deadlines`)
var _ = registerChild("time-entries", "tid", kTimeEntry, kEngagement, `SELECT id, engagement_id FROM time_entries`)

func (m *matrix) sowRules() map[string]rule {
	form, js := formBody, jsonBody
	const probe = "authorisation matrix probe"
	supervisor := m.pairs(`SELECT id, supervising_attorney_id FROM engagements`)
	deadlineOwner := m.pairs(`SELECT id, owner_id FROM deadlines`)
	entryOwner := m.pairs(`SELECT id, user_id FROM time_entries`)

	isManager := func(r domain.Role) bool { return r == domain.RoleVendorManager }
	supervises := func(r domain.Role) bool { return r == domain.RoleAttorney || r == domain.RoleFirmAdmin }
	// on is the common order: capability, scope, the client, the second
	// factor, the child's parent, then what the object says (who).
	on := func(capable func(a *actor) bool, who func(a *actor, o object) bool) access {
		return func(w *world, a *actor, o object) verdict {
			switch {
			case !capable(a):
				return vDeny
			case !w.seesEngagement(a.u, o.engagement):
				return vHide
			case isClient(a.u.role):
				return vDeny
			case w.gated(a, w.engagements[o.engagement].matter):
				return vGate
			case o.childKinds[0] != "" && !w.childBelongs(o):
				return vHide
			case who != nil && !who(a, o):
				return vDeny
			}
			return vAllow
		}
	}
	anyRole := func(*actor) bool { return true }
	firmSide := func(a *actor) bool { return supervises(a.u.role) }
	manager := func(a *actor) bool { return isManager(a.u.role) && a.u.vendor != 0 }
	vendorUser := func(a *actor) bool { return isVendor(a.u.role) && a.u.vendor != 0 }
	either := func(a *actor) bool { return firmSide(a) || manager(a) }
	worker := func(a *actor) bool { return isFirm(a.u.role) || vendorUser(a) }

	read := on(anyRole, nil)
	draft := on(firmSide, nil)
	estimate := on(manager, nil)
	approve := on(either, func(a *actor, o object) bool {
		return !isFirm(a.u.role) || isAdmin(a.u.role) || a.u.id == supervisor[o.engagement]
	})
	setDeadline := on(either, nil)
	markDeadline := on(worker, func(a *actor, o object) bool {
		return deadlineOwner[o.child1] == a.u.id || supervises(a.u.role) || isManager(a.u.role)
	})
	record := on(vendorUser, nil)
	ownTime := on(vendorUser, func(a *actor, o object) bool { return entryOwner[o.child1] == a.u.id })
	decide := on(manager, func(a *actor, o object) bool { return entryOwner[o.child1] != a.u.id })

	today := time.Now().UTC().Format(time.DateOnly)
	item := form("type", "drafting", "title", probe, "pricing", "hourly", "price", "1", "estimate", "1", "estimate_unit", "hours",
		"task_code", "L110", "activity_code", "A101")
	itemJS := js(`{"type":"drafting","title":"` + probe + `","pricing":"hourly","price":"1","estimate":"1","estimate_unit":"hours","task_code":"L110","activity_code":"A101"}`)
	timeForm := form("date", today, "hours", "0.1", "narrative", probe, "submit", "1")
	timeJS := js(`{"date":"` + today + `","hours":"0.1","narrative":"` + probe + `","submit":true}`)
	p := api.Prefix
	return map[string]rule{
		"GET /engagements/{id}/sow":                                 {access: read},
		"POST /engagements/{id}/sow/items":                          {access: draft, safe: form("title", ""), probe: item},
		"POST /engagements/{id}/sow/items/{iid}":                    {access: draft, safe: form("title", ""), probe: item},
		"POST /engagements/{id}/sow/items/{iid}/remove":             {access: draft, safe: form(), probe: form("confirm", "remove")},
		"POST /engagements/{id}/sow/items/{iid}/estimate":           {access: estimate, safe: form("estimate", ""), probe: form("estimate", "1")},
		"POST /engagements/{id}/sow/versions/{sv}/approve":          {access: approve, safe: form("revision", "999999"), probe: form()},
		"POST /engagements/{id}/sow/change-orders":                  {access: draft, safe: form("reason", ""), probe: form("reason", probe)},
		"GET /engagements/{id}/work":                                {access: read},
		"POST /engagements/{id}/work/calendar":                      {access: read, safe: form(), probe: form()},
		"POST /engagements/{id}/deadlines":                          {access: setDeadline, safe: form("title", ""), probe: form("title", probe, "due_on", "2099-01-01")},
		"POST /engagements/{id}/deadlines/{did}/done":               {access: markDeadline, safe: form("done", ""), probe: form("done", "1")},
		"POST /engagements/{id}/time-entries":                       {access: record, safe: form("hours", ""), probe: timeForm},
		"POST /engagements/{id}/time-entries/{tid}/submit":          {access: ownTime, safe: form(), probe: form()},
		"POST /engagements/{id}/time-entries/{tid}/decide":          {access: decide, safe: form("decision", "return", "reason", ""), probe: form("decision", "approve")},
		"GET /calendar/{file}":                                      {access: public},
		"GET " + p + "/engagements/{id}/sow":                        {access: read},
		"POST " + p + "/engagements/{id}/sow/items":                 {access: draft, safe: js(`{"title":""}`), probe: itemJS},
		"PUT " + p + "/engagements/{id}/sow/items/{iid}":            {access: draft, safe: js(`{"title":""}`), probe: itemJS},
		"DELETE " + p + "/engagements/{id}/sow/items/{iid}":         {access: draft, safe: js(`{}`), probe: js(`{"confirm":"remove"}`)},
		"POST " + p + "/engagements/{id}/sow/items/{iid}/estimate":  {access: estimate, safe: js(`{"estimate":""}`), probe: js(`{"estimate":"1"}`)},
		"POST " + p + "/engagements/{id}/sow/versions/{sv}/approve": {access: approve, safe: js(`{"revision":999999}`), probe: js(`{}`)},
		"POST " + p + "/engagements/{id}/sow/change-orders":         {access: draft, safe: js(`{"reason":""}`), probe: js(`{"reason":"` + probe + `"}`)},
		"GET " + p + "/engagements/{id}/deadlines":                  {access: read},
		"POST " + p + "/engagements/{id}/deadlines":                 {access: setDeadline, safe: js(`{"title":""}`), probe: js(`{"title":"` + probe + `","due_on":"2099-01-01"}`)},
		"POST " + p + "/engagements/{id}/deadlines/{did}/done":      {access: markDeadline, safe: js(`{}`), probe: js(`{"done":true}`)},
		"GET " + p + "/engagements/{id}/time-entries":               {access: read},
		"POST " + p + "/engagements/{id}/time-entries":              {access: record, safe: js(`{"hours":""}`), probe: timeJS},
		"PUT " + p + "/engagements/{id}/time-entries/{tid}":         {access: ownTime, safe: js(`{"hours":""}`), probe: timeJS},
		"POST " + p + "/engagements/{id}/time-entries/{tid}/submit": {access: ownTime},
		"POST " + p + "/engagements/{id}/time-entries/{tid}/decide": {access: decide, safe: js(`{"decision":"return","reason":""}`), probe: js(`{"decision":"approve"}`)},
		"GET " + p + "/me/calendar":                                 {access: anyone},
		"POST " + p + "/me/calendar":                                {access: anyone},
	}
}
