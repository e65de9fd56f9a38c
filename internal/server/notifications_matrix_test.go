package server_test

import (
	"fmt"
	"slices"

	"github.com/probity/probity/internal/api"
)

// Notifications (issue 9): everyone signed in has their own notifications
// and preferences; a notification is its recipient's alone, and anyone
// else's answers exactly as a nonexistent one does (404), administrators
// included. Preference probes send a valid mode (a refusal would have to
// come from the policy); safe bodies are refused as invalid.

const kNotification kind = "notification"

// notificationObjects: the first notification of each recipient.
func (m *matrix) notificationObjects() []object {
	out := []object{{label: "nonexistent notification", ref: true, notification: noID}}
	first := map[int64]int64{}
	for id, user := range m.pairs(`SELECT id, user_id FROM notifications`) {
		if f, ok := first[user]; !ok || id < f {
			first[user] = id
		}
	}
	ids := make([]int64, 0, len(first))
	for _, id := range first {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		out = append(out, object{label: fmt.Sprintf("notification %d", id), notification: id})
	}
	return out
}

func (m *matrix) notificationRules() map[string]rule {
	form, js := formBody, jsonBody
	// Probes of other routes notify people (a disclosure issued tells the
	// client), so a notification unknown here is looked up again.
	owners := m.pairs(`SELECT id, user_id FROM notifications`)
	recipient := func(_ *world, a *actor, o object) verdict {
		owner, ok := owners[o.notification]
		if !ok && o.notification != noID {
			owners = m.pairs(`SELECT id, user_id FROM notifications`)
			owner, ok = owners[o.notification]
		}
		if ok && owner == a.u.id {
			return vAllow
		}
		return vHide
	}
	p := api.Prefix
	return map[string]rule{
		"GET /notifications":                      {access: anyone},
		"GET /notifications/{id}/open":            {access: recipient},
		"POST /notifications/{id}/read":           {access: recipient, safe: form(), probe: form()},
		"POST /notifications/read-all":            {access: anyone, safe: form()},
		"GET /account/notifications":              {access: anyone},
		"POST /account/notifications":             {access: anyone, safe: form("email_mode", "weekly"), probe: form("email_mode", "immediate")},
		"GET " + p + "/notifications":             {access: anyone},
		"POST " + p + "/notifications/{id}/read":  {access: recipient},
		"POST " + p + "/notifications/read-all":   {access: anyone},
		"GET " + p + "/notifications/preferences": {access: anyone},
		"PUT " + p + "/notifications/preferences": {access: anyone, safe: js(`{"email_mode":"weekly","muted":[]}`), probe: js(`{"email_mode":"immediate","muted":[]}`)},
	}
}
