package server_test

import (
	"github.com/probity/probity/internal/api"
)

// Matter documents and messages on an engagement. Firm users who see the
// engagement and the vendor members assigned to it work on both; the
// matter's client contacts see the engagement but take no part (403);
// everyone else finds nothing. Stage, consent and briefing gates answer
// 409 and are granted access as far as this matrix is concerned (the
// gates have their own tests). Probes would post a message or share a
// document if the refusal were missing (the web upload form is multipart,
// which the matrix cannot send: its probe is refused before the body is
// read, and the app tests cover the upload itself).

const (
	kEngDocument kind = "engagement document"
	kThread      kind = "message thread"
	kAttachment  kind = "message attachment"
)

var _ = registerChild("documents", "did", kEngDocument, kEngagement, `SELECT id, engagement_id FROM engagement_documents`)
var _ = registerChild("messages", "tid", kThread, kEngagement, `SELECT id, engagement_id FROM message_threads`)
var _ = registerChild("attachments", "did", kAttachment, kEngagement,
	`SELECT a.document_id, m.engagement_id FROM message_attachments a JOIN messages m ON m.id = a.message_id`)

func (m *matrix) documentsRules() map[string]rule {
	form, js := formBody, jsonBody
	const probe = "authorisation matrix probe"
	work := func(w *world, a *actor, o object) verdict {
		switch {
		case !w.seesEngagement(a.u, o.engagement):
			return vHide
		case isClient(a.u.role):
			return vDeny
		case w.gated(a, w.engagements[o.engagement].matter):
			return vGate
		}
		return vAllow
	}
	child := childAccess(work)
	p := api.Prefix
	newThread := js(`{"subject":"` + probe + `","body":"` + probe + `"}`)
	return map[string]rule{
		"GET /engagements/{id}/documents":                 {access: work},
		"POST /engagements/{id}/documents":                {access: work, safe: form("folder", ""), probe: form("folder", probe, "description", probe)},
		"GET /engagements/{id}/documents/{did}":           {access: child},
		"GET /engagements/{id}/documents/{did}/content":   {access: child},
		"GET /engagements/{id}/messages":                  {access: work},
		"POST /engagements/{id}/messages":                 {access: work, safe: form("subject", "", "body", ""), probe: form("subject", probe, "body", probe)},
		"GET /engagements/{id}/messages/{tid}":            {access: child},
		"POST /engagements/{id}/messages/{tid}":           {access: child, safe: form("body", ""), probe: form("body", probe)},
		"GET /engagements/{id}/attachments/{did}/content": {access: child},

		"GET " + p + "/engagements/{id}/documents":                 {access: work},
		"PUT " + p + "/engagements/{id}/documents":                 {access: work, safe: js(`{}`), probe: body{json: probe + "\n", query: "filename=probe.txt"}},
		"POST " + p + "/engagements/{id}/documents":                {access: work, safe: js(`{}`), probe: body{json: probe + "\n", query: "filename=probe.txt"}},
		"GET " + p + "/engagements/{id}/documents/{did}":           {access: child},
		"GET " + p + "/engagements/{id}/documents/{did}/content":   {access: child},
		"GET " + p + "/engagements/{id}/messages":                  {access: work},
		"POST " + p + "/engagements/{id}/messages":                 {access: work, safe: js(`{"subject":"","body":""}`), probe: newThread},
		"GET " + p + "/engagements/{id}/messages/{tid}":            {access: child},
		"POST " + p + "/engagements/{id}/messages/{tid}":           {access: child, safe: js(`{"body":""}`), probe: js(`{"body":"` + probe + `"}`)},
		"GET " + p + "/engagements/{id}/attachments/{did}/content": {access: child},
	}
}
