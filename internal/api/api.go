// Package api is Probity's JSON API under /api/v1, described by the OpenAPI
// 3.1 document served at /api/v1/openapi.json. It calls the same app use
// cases as the web UI, so the two cannot differ on what is allowed.
package api

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
	"github.com/probity/probity/internal/store"
)

//go:embed openapi.json
var openAPI []byte

// Handler serves the JSON API.
type Handler struct{ app *app.App }

// New returns the API handler.
func New(a *app.App) *Handler { return &Handler{app: a} }

// Route is one entry of the API route table.
type Route struct {
	Pattern string
	Handler http.HandlerFunc
	Public  bool
}

// Prefix is where the API lives.
const Prefix = "/api/v1"

// Routes is the API's route table, in one place; the OpenAPI document must
// describe exactly these (a test keeps them in step).
func (h *Handler) Routes() []Route {
	return []Route{
		{"GET " + Prefix + "/openapi.json", h.openAPI, true},
		{"GET " + Prefix + "/me", h.me, false},
		{"PUT " + Prefix + "/me/profile", h.putProfile, false}, // profile.go
		{"GET " + Prefix + "/me/sessions", h.mySessions, false},
		{"DELETE " + Prefix + "/me/sessions/{id}", h.endMySession, false},
		{"GET " + Prefix + "/me/mfa", h.myMFA, false},
		{"GET " + Prefix + "/users/{id}/sessions", h.userSessions, false},
		{"DELETE " + Prefix + "/users/{id}/sessions/{sid}", h.endUserSession, false},
		{"GET " + Prefix + "/users/{id}/mfa", h.userMFA, false},
		{"POST " + Prefix + "/users/{id}/mfa/reset", h.resetUserMFA, false},
		{"GET " + Prefix + "/settings/mfa", h.getMFAPolicy, false},
		{"PUT " + Prefix + "/settings/mfa", h.putMFAPolicy, false},
		{"GET " + Prefix + "/me/tokens", h.listMyTokens, false},
		{"POST " + Prefix + "/me/tokens", h.createMyToken, false},
		{"DELETE " + Prefix + "/me/tokens/{id}", h.revokeMyToken, false},
		{"GET " + Prefix + "/tokens", h.listAllTokens, false},
		{"GET " + Prefix + "/notifications", h.listNotifications, false},                // notifications.go
		{"POST " + Prefix + "/notifications/{id}/read", h.readNotification, false},      // notifications.go
		{"POST " + Prefix + "/notifications/read-all", h.readAllNotifications, false},   // notifications.go
		{"GET " + Prefix + "/notifications/preferences", h.getNotificationPrefs, false}, // notifications.go
		{"PUT " + Prefix + "/notifications/preferences", h.putNotificationPrefs, false}, // notifications.go
		{"DELETE " + Prefix + "/tokens/{id}", h.revokeAnyToken, false},
		{"GET " + Prefix + "/matters", h.listMatters, false},
		{"GET " + Prefix + "/matters/{id}", h.getMatter, false},
		{"GET " + Prefix + "/matters/{id}/compliance", h.getCompliance, false},
		{"GET " + Prefix + "/matters/{id}/screens", h.listScreens, false},
		{"POST " + Prefix + "/matters/{id}/screens", h.addScreen, false},
		{"DELETE " + Prefix + "/matters/{id}/screens/{user_id}", h.removeScreen, false},
		{"POST " + Prefix + "/matters", h.createMatter, false},
		{"PUT " + Prefix + "/matters/{id}", h.updateMatter, false},
		{"PUT " + Prefix + "/matters/{id}/strategy", h.setStrategy, false},
		{"POST " + Prefix + "/matters/import", h.importMatters, false},
		{"GET " + Prefix + "/audit-events", h.listAudit, false},
		{"GET " + Prefix + "/engagements", h.listEngagements, false},
		{"GET " + Prefix + "/engagements/{id}", h.getEngagement, false},
		{"GET " + Prefix + "/matters/{id}/opening-check", h.openingCheck, false},
		{"POST " + Prefix + "/engagements", h.proposeEngagement, false},
		{"POST " + Prefix + "/engagements/{id}/open", h.openEngagement, false},
		{"GET " + Prefix + "/engagements/{id}/deliverables", h.listDeliverables, false},
		{"POST " + Prefix + "/engagements/{id}/deliverables", h.submitDeliverable, false},
		{"POST " + Prefix + "/engagements/{id}/deliverables/{did}/versions", h.submitDeliverableVersion, false},
		{"GET " + Prefix + "/engagements/{id}/deliverables/versions/{ver}", h.getDeliverableVersion, false},
		{"GET " + Prefix + "/engagements/{id}/deliverables/versions/{ver}/content", h.downloadDeliverable, false},
		{"POST " + Prefix + "/engagements/{id}/deliverables/versions/{ver}/review", h.reviewDeliverable, false},
		{"POST " + Prefix + "/engagements/{id}/deliverables/versions/{ver}/release", h.releaseDeliverable, false},
		{"GET " + Prefix + "/reviews", h.reviewQueue, false},
		{"GET " + Prefix + "/timekeepers", h.listTimekeepers, false},                 // rates.go
		{"GET " + Prefix + "/firm-time", h.listFirmTime, false},                      // billing_figures.go
		{"POST " + Prefix + "/firm-time", h.recordFirmTime, false},                   // billing_figures.go
		{"DELETE " + Prefix + "/firm-time/{id}", h.deleteFirmTime, false},            // billing_figures.go
		{"GET " + Prefix + "/budgets", h.listBudgets, false},                         // billing_figures.go
		{"PUT " + Prefix + "/budgets", h.putBudget, false},                           // billing_figures.go
		{"GET " + Prefix + "/savings", h.getSavings, false},                          // billing_figures.go
		{"GET " + Prefix + "/users/{id}/timekeeper", h.getTimekeeper, false},         // rates.go
		{"PUT " + Prefix + "/users/{id}/timekeeper", h.putTimekeeper, false},         // rates.go
		{"GET " + Prefix + "/engagements/{id}/rate-card", h.getRateCard, false},      // rates.go
		{"POST " + Prefix + "/engagements/{id}/rate-card", h.addRateCardLine, false}, // rates.go
		{"GET " + Prefix + "/engagements/{id}/audit-plan", h.getAuditPlan, false},
		{"PUT " + Prefix + "/engagements/{id}/audit-plan", h.putAuditPlan, false},
		{"GET " + Prefix + "/engagements/{id}/audit-batches", h.listAuditBatches, false},
		{"POST " + Prefix + "/engagements/{id}/audit-batches", h.importAuditBatch, false},
		{"GET " + Prefix + "/engagements/{id}/audits", h.listQualityAudits, false},
		{"POST " + Prefix + "/engagements/{id}/audits", h.startQualityAudit, false},
		{"GET " + Prefix + "/engagements/{id}/audits/{aid}", h.getQualityAudit, false},
		{"POST " + Prefix + "/engagements/{id}/audits/{aid}/scores", h.scoreAuditItem, false},
		{"POST " + Prefix + "/engagements/{id}/audits/{aid}/complete", h.completeQualityAudit, false},
		{"POST " + Prefix + "/engagements/{id}/audits/{aid}/corrective-actions", h.raiseCorrectiveAction, false},
		{"GET " + Prefix + "/engagements/{id}/corrective-actions", h.listCorrectiveActions, false},
		{"POST " + Prefix + "/engagements/{id}/corrective-actions/{cid}/respond", h.respondCorrectiveAction, false},
		{"POST " + Prefix + "/engagements/{id}/corrective-actions/{cid}/verify", h.verifyCorrectiveAction, false},
		{"GET " + Prefix + "/audits", h.myAudits, false},
		{"GET " + Prefix + "/engagements/{id}/close", h.getClosing, false},
		{"POST " + Prefix + "/engagements/{id}/close", h.closeEngagement, false},
		{"POST " + Prefix + "/engagements/{id}/pause", h.pauseEngagement, false},
		{"POST " + Prefix + "/engagements/{id}/resume", h.resumeEngagement, false},
		{"POST " + Prefix + "/engagements/{id}/certificate", h.certifyReturn, false},
		{"POST " + Prefix + "/engagements/{id}/evaluation", h.evaluateVendor, false},
		{"GET " + Prefix + "/engagements/{id}/disclosure", h.getDisclosure, false},
		{"PUT " + Prefix + "/engagements/{id}/disclosure", h.putDisclosure, false},
		{"POST " + Prefix + "/engagements/{id}/disclosure/issue", h.issueDisclosure, false},
		{"POST " + Prefix + "/engagements/{id}/consent", h.giveConsent, false},
		{"POST " + Prefix + "/engagements/{id}/consent/decline", h.declineConsent, false},
		{"POST " + Prefix + "/engagements/{id}/consent/revoke", h.revokeConsent, false},
		{"POST " + Prefix + "/engagements/{id}/consent/record", h.recordConsent, false},
		{"GET " + Prefix + "/engagements/{id}/consents/{cid}/evidence", h.consentEvidence, false},
		{"GET " + Prefix + "/engagements/{id}/communication", h.getCommunication, false},
		{"PUT " + Prefix + "/engagements/{id}/communication", h.putCommunication, false},
		{"POST " + Prefix + "/engagements/{id}/kickoff", h.recordKickoff, false},
		{"POST " + Prefix + "/engagements/{id}/kickoff/confirm", h.confirmKickoff, false},
		{"GET " + Prefix + "/engagements/{id}/members", h.listMembers, false},
		{"POST " + Prefix + "/engagements/{id}/members", h.addMember, false},
		{"DELETE " + Prefix + "/engagements/{id}/members", h.removeMember, false},
		{"PUT " + Prefix + "/engagements/{id}/responsibilities", h.putResponsibilities, false},
		{"GET " + Prefix + "/engagements/{id}/sow", h.getSOW, false},
		{"POST " + Prefix + "/engagements/{id}/sow/items", h.addWorkItem, false},
		{"PUT " + Prefix + "/engagements/{id}/sow/items/{iid}", h.updateWorkItem, false},
		{"DELETE " + Prefix + "/engagements/{id}/sow/items/{iid}", h.removeWorkItem, false},
		{"POST " + Prefix + "/engagements/{id}/sow/items/{iid}/estimate", h.proposeEstimate, false},
		{"POST " + Prefix + "/engagements/{id}/sow/versions/{sv}/approve", h.approveSOW, false},
		{"POST " + Prefix + "/engagements/{id}/sow/change-orders", h.proposeChangeOrder, false},
		{"GET " + Prefix + "/engagements/{id}/deadlines", h.listDeadlines, false},
		{"POST " + Prefix + "/engagements/{id}/deadlines", h.addDeadline, false},
		{"POST " + Prefix + "/engagements/{id}/deadlines/{did}/done", h.markDeadline, false},
		{"GET " + Prefix + "/engagements/{id}/time-entries", h.listTimeEntries, false},
		{"POST " + Prefix + "/engagements/{id}/time-entries", h.addTimeEntry, false},
		{"PUT " + Prefix + "/engagements/{id}/time-entries/{tid}", h.correctTimeEntry, false},
		{"POST " + Prefix + "/engagements/{id}/time-entries/{tid}/submit", h.submitTimeEntry, false},
		{"POST " + Prefix + "/engagements/{id}/time-entries/{tid}/decide", h.decideTimeEntry, false},
		{"GET " + Prefix + "/me/calendar", h.getMyCalendar, false},
		{"POST " + Prefix + "/me/calendar", h.rotateMyCalendar, false},
		{"GET " + Prefix + "/engagements/{id}/briefing", h.getBriefing, false},
		{"PUT " + Prefix + "/engagements/{id}/briefing", h.putBriefing, false},
		{"POST " + Prefix + "/engagements/{id}/briefing/publish", h.publishBriefing, false},
		{"POST " + Prefix + "/engagements/{id}/briefing/acknowledge", h.acknowledgeBriefing, false},
		{"GET " + Prefix + "/settings/consent", h.getConsentPolicy, false},
		{"PUT " + Prefix + "/settings/consent", h.putConsentPolicy, false},
		{"GET " + Prefix + "/settings/billing-policy", h.getBillingPolicy, false},
		{"PUT " + Prefix + "/settings/billing-policy", h.putBillingPolicy, false},

		{"GET " + Prefix + "/engagements/{id}/vendor-invoices", h.engagementVendorInvoices, false},                 // vendor_invoices.go
		{"POST " + Prefix + "/engagements/{id}/vendor-invoices", h.submitVendorInvoice, false},                     // vendor_invoices.go
		{"GET " + Prefix + "/vendor-invoices", h.allVendorInvoices, false},                                         // vendor_invoices.go
		{"GET " + Prefix + "/vendor-invoices/{id}", h.getVendorInvoice, false},                                     // vendor_invoices.go
		{"POST " + Prefix + "/vendor-invoices/{id}/lines/{line}/dispute", h.vendorInvoiceAction("dispute"), false}, // vendor_invoices.go
		{"POST " + Prefix + "/vendor-invoices/{id}/lines/{line}/reply", h.vendorInvoiceAction("reply"), false},     // vendor_invoices.go
		{"POST " + Prefix + "/vendor-invoices/{id}/lines/{line}/resolve", h.vendorInvoiceAction("resolve"), false}, // vendor_invoices.go
		{"POST " + Prefix + "/vendor-invoices/{id}/approve", h.vendorInvoiceAction("approve"), false},              // vendor_invoices.go
		{"POST " + Prefix + "/vendor-invoices/{id}/reject", h.vendorInvoiceAction("reject"), false},                // vendor_invoices.go

		{"GET " + Prefix + "/invoices", h.listClientInvoices, false},                                   // client_invoices.go
		{"POST " + Prefix + "/invoices", h.draftClientInvoice, false},                                  // client_invoices.go
		{"GET " + Prefix + "/invoices/{id}", h.getClientInvoice, false},                                // client_invoices.go
		{"POST " + Prefix + "/invoices/{id}/recompute", h.clientInvoiceAction("recompute"), false},     // client_invoices.go
		{"POST " + Prefix + "/invoices/{id}/discard", h.clientInvoiceAction("discard"), false},         // client_invoices.go
		{"POST " + Prefix + "/invoices/{id}/approve", h.clientInvoiceAction("approve"), false},         // client_invoices.go
		{"POST " + Prefix + "/invoices/{id}/override", h.clientInvoiceAction("override"), false},       // client_invoices.go
		{"POST " + Prefix + "/invoices/{id}/send", h.clientInvoiceAction("send"), false},               // client_invoices.go
		{"POST " + Prefix + "/invoices/{id}/paid", h.clientInvoiceAction("paid"), false},               // client_invoices.go
		{"POST " + Prefix + "/invoices/{id}/write-off", h.clientInvoiceAction("write-off"), false},     // client_invoices.go
		{"POST " + Prefix + "/invoices/{id}/credit-note", h.clientInvoiceAction("credit-note"), false}, // client_invoices.go
		{"GET " + Prefix + "/invoices/{id}/ledes", h.invoiceLEDES, false},                              // invoice_export.go
		{"GET " + Prefix + "/invoices/{id}/pdf", h.invoicePDF, false},                                  // invoice_export.go
		{"GET " + Prefix + "/settings/sensitivity-rules", h.getSensitivityRules, false},
		{"PUT " + Prefix + "/settings/sensitivity-rules", h.putSensitivityRules, false},
		{"GET " + Prefix + "/vendors", h.listVendors, false},
		{"GET " + Prefix + "/vendors/{id}", h.getVendor, false},
		{"POST " + Prefix + "/vendors", h.createVendor, false},
		{"GET " + Prefix + "/vendors/{id}/profile", h.getVendorProfile, false},
		{"GET " + Prefix + "/vendors/{id}/scorecard", h.getScorecard, false}, // scorecards.go
		{"GET " + Prefix + "/scorecards", h.listScorecards, false},
		{"PUT " + Prefix + "/vendors/{id}/profile", h.putVendorProfile, false},
		{"POST " + Prefix + "/vendors/{id}/subcontractors/decision", h.decideSubcontractor, false},
		{"POST " + Prefix + "/vendors/{id}/changes/acknowledge", h.acknowledgeVendorChange, false},
		{"GET " + Prefix + "/vendors/{id}/people", h.listPersonnel, false},
		{"GET " + Prefix + "/vendors/{id}/people/{user_id}", h.getPersonnel, false},
		{"PUT " + Prefix + "/vendors/{id}/people/{user_id}", h.putPersonnel, false},
		{"POST " + Prefix + "/vendors/{id}/people/{user_id}/bar-admissions/verify", h.verifyBarAdmission, false},
		{"GET " + Prefix + "/vendors/{id}/disclosures", h.listDisclosures, false},
		{"POST " + Prefix + "/vendors/{id}/disclosures", h.addDisclosure, false},
		{"POST " + Prefix + "/vendors/{id}/disclosures/import", h.importDisclosures, false},
		{"DELETE " + Prefix + "/disclosures/{id}", h.removeDisclosure, false},
		{"POST " + Prefix + "/matters/{id}/parties", h.addParty, false},
		{"DELETE " + Prefix + "/parties/{id}", h.removeParty, false},
		{"POST " + Prefix + "/parties/{id}/aliases", h.addAlias, false},
		{"DELETE " + Prefix + "/parties/{id}/aliases", h.removeAlias, false},
		{"GET " + Prefix + "/parties/search", h.searchParties, false},
		{"GET " + Prefix + "/search", h.search, false}, // search.go
		{"GET " + Prefix + "/engagements/{id}/conflicts", h.listConflicts, false},
		{"POST " + Prefix + "/engagements/{id}/conflicts/check", h.checkConflicts, false},
		{"POST " + Prefix + "/conflict-hits/{id}/resolve", h.resolveHit, false},
		{"GET " + Prefix + "/vendors/{id}/assessments", h.listAssessments, false},
		{"POST " + Prefix + "/vendors/{id}/assessments", h.startAssessment, false},
		{"GET " + Prefix + "/vendors/{id}/assessments/{aid}", h.getAssessment, false},
		{"PUT " + Prefix + "/vendors/{id}/assessments/{aid}/answers", h.putAnswers, false},
		{"POST " + Prefix + "/vendors/{id}/assessments/{aid}/submit", h.submitAssessment, false},
		{"POST " + Prefix + "/vendors/{id}/assessments/{aid}/evidence", h.uploadEvidence, false},
		{"GET " + Prefix + "/vendors/{id}/assessments/{aid}/evidence/{eid}", h.downloadEvidence, false},
		{"POST " + Prefix + "/vendors/{id}/assessments/{aid}/evidence/{eid}/review", h.reviewEvidence, false},
		{"PUT " + Prefix + "/vendors/{id}/assessments/{aid}/score", h.overrideScore, false},
		{"POST " + Prefix + "/vendors/{id}/assessments/{aid}/findings", h.addFinding, false},
		{"POST " + Prefix + "/vendors/{id}/assessments/{aid}/decision", h.decideAssessment, false},
		{"POST " + Prefix + "/vendors/{id}/assessments/{aid}/remediation/{rid}/done", h.remediationDone, false},
		{"GET " + Prefix + "/questionnaires", h.listQuestionnaires, false},
		{"GET " + Prefix + "/questionnaires/{id}", h.getQuestionnaire, false},
		{"PUT " + Prefix + "/questionnaires/{id}", h.putQuestionnaire, false},
		{"POST " + Prefix + "/questionnaires/{id}/copy", h.copyQuestionnaire, false},
		{"POST " + Prefix + "/questionnaires/{id}/publish", h.publishQuestionnaire, false},
		{"GET " + Prefix + "/clients", h.listClients, false},
		{"GET " + Prefix + "/users", h.listUsers, false},
		{"POST " + Prefix + "/users", h.createUser, false},
		{"GET " + Prefix + "/users/{id}", h.getUser, false},
		{"POST " + Prefix + "/users/{id}/disable", h.disableUser, false},
		{"POST " + Prefix + "/users/{id}/enable", h.enableUser, false},
		{"GET " + Prefix + "/invitations", h.listInvitations, false},
		{"POST " + Prefix + "/invitations", h.createInvitation, false},
		{"POST " + Prefix + "/invitations/{id}/revoke", h.revokeInvitation, false},
		{"GET " + Prefix + "/settings/invitations", h.getInvitationSettings, false},
		{"PUT " + Prefix + "/settings/invitations", h.putInvitationSettings, false},
		{"GET " + Prefix + "/outbox", h.listOutbox, false},
		{"GET " + Prefix + "/outbox/{id}", h.getOutboxMessage, false},
		{"GET " + Prefix + "/engagements/{id}/documents", h.listEngagementDocuments, false},
		{"PUT " + Prefix + "/engagements/{id}/documents", h.uploadEngagementDocument, false},
		{"POST " + Prefix + "/engagements/{id}/documents", h.uploadEngagementDocument, false},
		{"GET " + Prefix + "/engagements/{id}/documents/{did}", h.getEngagementDocument, false},
		{"GET " + Prefix + "/engagements/{id}/documents/{did}/content", h.downloadEngagementDocument, false},
		{"GET " + Prefix + "/engagements/{id}/messages", h.listThreads, false},
		{"POST " + Prefix + "/engagements/{id}/messages", h.postMessage, false},
		{"GET " + Prefix + "/engagements/{id}/messages/{tid}", h.getThread, false},
		{"POST " + Prefix + "/engagements/{id}/messages/{tid}", h.postMessage, false},
		{"GET " + Prefix + "/engagements/{id}/attachments/{did}/content", h.downloadAttachment, false},
		{"/api/", h.notFound, true},
	}
}

// Register mounts the route table on mux.
func (h *Handler) Register(mux *http.ServeMux) {
	for _, rt := range h.Routes() {
		if rt.Public {
			mux.HandleFunc(rt.Pattern, rt.Handler)
		} else {
			mux.HandleFunc(rt.Pattern, signedIn(rt.Handler))
		}
	}
}

func signedIn(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if _, ok := httpx.User(r); !ok {
			httpx.WriteJSONError(w, r, domain.Errorf(domain.EUnauthorized, "sign in first: send the session cookie, or an API token as Authorization: Bearer prb_…"))
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		next(w, r)
	}
}

func (h *Handler) openAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(openAPI)
}

func (h *Handler) notFound(w http.ResponseWriter, r *http.Request) {
	httpx.WriteJSONError(w, r, domain.Errorf(domain.ENotFound, "no such API endpoint: %s %s", r.Method, r.URL.Path))
}

// list is the one envelope of every list: a page of items and the cursor
// for the next page (null on the last).
type list[T any] struct {
	Items     []T    `json:"items"`
	NextAfter *int64 `json:"next_after"`
}

func newList[T any, S any](src []S, p store.Page, conv func(S) T, id func(S) int64) list[T] {
	l := list[T]{Items: make([]T, 0, len(src))}
	for _, s := range src {
		l.Items = append(l.Items, conv(s))
	}
	limit := p.Limit
	if limit <= 0 {
		limit = store.DefaultPageSize
	}
	if len(src) > 0 && len(src) >= limit {
		n := id(src[len(src)-1])
		l.NextAfter = &n
	}
	return l
}

// queryInt reads an optional non-negative integer query parameter.
func queryInt(r *http.Request, name string) (int64, error) { return httpx.QueryInt(r, name) }

func pageOf(r *http.Request) (store.Page, error) {
	after, err := queryInt(r, "after")
	if err != nil {
		return store.Page{}, err
	}
	limit, err := queryInt(r, "limit")
	if err != nil {
		return store.Page{}, err
	}
	if limit > store.MaxPageSize {
		return store.Page{}, domain.Invalid("limit", "limit must be at most %d", store.MaxPageSize)
	}
	return store.Page{AfterID: after, Limit: int(limit)}, nil
}

// byID answers a request on …/{id}: it runs do for the signed-in caller and
// the id (the use case decides scope and permission) and writes the shaped
// result, or the error in the API's one shape.
func byID[T, J any](do func(ctx context.Context, u domain.User, id int64) (T, error), shape func(domain.User, T) J) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, _ := httpx.User(r)
		id, err := pathID(r)
		var v T
		if err == nil {
			v, err = do(r.Context(), u, id)
		}
		if err != nil {
			httpx.WriteJSONError(w, r, err)
			return
		}
		httpx.WriteJSON(w, http.StatusOK, shape(u, v))
	}
}

// pathID reads the {id} of the path.
func pathID(r *http.Request) (int64, error) { return httpx.PathID(r, "id") }

// maxBody bounds a JSON request body.
const maxBody = 1 << 20

// decode reads exactly one JSON object into v, refusing unknown fields,
// trailing data and oversize bodies with a clear message.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &mbe):
			return domain.Invalid("body", "the request body is larger than %d bytes", maxBody)
		case errors.As(err, &te) && te.Field != "":
			return domain.Invalid(te.Field, "%s must be a JSON %s", te.Field, te.Type.Kind())
		case errors.As(err, &te): // the body itself is an array, string, number…
			return domain.Invalid("body", "the request body must be a JSON object")
		case errors.As(err, &se), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
			return domain.Invalid("body", "the request body is not a JSON object")
		default:
			return domain.Invalid("body", "%s", err.Error())
		}
	}
	if dec.More() {
		return domain.Invalid("body", "the request body must hold exactly one JSON object")
	}
	return nil
}
