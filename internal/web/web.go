// Package web is Probity's HTML surface: server-rendered pages over the app
// use cases, with templates and static assets embedded in the binary.
package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strings"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
)

//go:embed templates/*.html templates/*.tmpl
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Handler serves the web UI.
type Handler struct {
	app       *app.App
	cookies   httpx.Cookies
	version   string
	pages     map[string]*template.Template // in the default locale
	localized localizedPages                // the other locales', parsed on first use (format.go)
	assetHash string
}

// New parses every template once; a missing or broken template fails here,
// at start, never at request time.
func New(a *app.App, cookies httpx.Cookies, version string) (*Handler, error) {
	h := &Handler{app: a, cookies: cookies, version: version, pages: map[string]*template.Template{}}
	sum := sha256.New()
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		sum.Write(b)
		return err
	})
	if err != nil {
		return nil, err
	}
	h.assetHash = hex.EncodeToString(sum.Sum(nil))[:12]
	if h.pages, err = parsePages(domain.DefaultLocale); err != nil { // format.go; other locales on first use
		return nil, err
	}
	for _, need := range pageNames {
		if h.pages[need] == nil {
			return nil, fmt.Errorf("template %s.html is missing", need)
		}
	}
	return h, nil
}

// pageNames are the templates the handlers render; New checks each exists.
var pageNames = []string{"assessments", "assessment", "questionnaires", "questionnaire", "signin", "error", "home", "matters", "matter", "engagements", "engagement", "vendors", "vendor", "clients", "users", "audit", "tokens", "signin-mfa", "mfa", "sessions", "settings", "invitations", "invitation", "password-forgot", "password-reset", "user", "outbox", "vendor-profile", "person", "party-search", "disclosures", "conflict-hit", "compliance", "matter-form", "matter-import", "engagement-communication", "engagement-briefing", "engagement-documents", "engagement-messages", "engagement-deliverables", "reviews", "engagement-close", "engagement-sow", "engagement-work", "scorecards", "engagement-audits", "engagement-audit", "audits", "timekeepers", "firm-time", "budgets", "savings", "invoices", "invoice", "vendor-invoices", "vendor-invoice", "engagement-invoices", "search", "profile", "notifications", "account-notifications"}

// Route is one entry of the web route table.
type Route struct {
	Pattern string
	Handler http.HandlerFunc
	Public  bool // answers without a signed-in user
}

// Routes is the web UI's route table, in one place.
func (h *Handler) Routes() []Route {
	return []Route{
		{"GET /{$}", h.root, true},
		{"GET /signin", h.signInPage, true},
		{"POST /signin", h.signIn, true},
		{"POST /signout", h.signOut, true},
		{"GET /signin/mfa", h.signInCodePage, true},
		{"POST /signin/mfa", h.signInCode, true},
		{"GET /auth/oidc/start", h.oidcStart, true},
		{"GET /auth/oidc/callback", h.oidcCallback, true},
		{"GET /account/mfa", h.accountMFA, true},
		{"POST /account/mfa", h.confirmMFA, true},
		{"POST /account/mfa/reset", h.resetOwnMFA, false},
		{"POST /account/mfa/recovery-codes", h.renewRecoveryCodes, false},
		{"GET /account/sessions", h.accountSessions, false},
		{"GET /account/profile", h.profile, false},      // profile.go
		{"POST /account/profile", h.saveProfile, false}, // profile.go
		{"POST /account/sessions/{sid}/end", h.endOwnSession, false},
		{"GET /admin/users/{id}/sessions", h.userSessions, false},
		{"POST /admin/users/{id}/sessions/{sid}/end", h.endUserSession, false},
		{"POST /admin/users/{id}/mfa/reset", h.resetUserMFA, false},
		{"GET /vendor-invoices", h.vendorInvoices, false},                                                 // vendor_invoices.go
		{"GET /vendor-invoices.csv", h.vendorInvoicesCSV, false},                                          // vendor_invoices.go
		{"GET /vendor-invoices/{id}", h.vendorInvoice, false},                                             // vendor_invoices.go
		{"POST /vendor-invoices/{id}/lines/{line}/dispute", h.vendorInvoiceAction("line-dispute"), false}, // vendor_invoices.go
		{"POST /vendor-invoices/{id}/lines/{line}/reply", h.vendorInvoiceAction("line-reply"), false},     // vendor_invoices.go
		{"POST /vendor-invoices/{id}/lines/{line}/resolve", h.vendorInvoiceAction("line-resolve"), false}, // vendor_invoices.go
		{"POST /vendor-invoices/{id}/approve", h.vendorInvoiceAction("approve"), false},                   // vendor_invoices.go
		{"POST /vendor-invoices/{id}/reject", h.vendorInvoiceAction("reject"), false},                     // vendor_invoices.go
		{"GET /engagements/{id}/invoices", h.engagementInvoices, false},                                   // vendor_invoices.go
		{"POST /engagements/{id}/invoices", h.submitVendorInvoice, false},                                 // vendor_invoices.go

		{"GET /billing", h.billing, false},                                         // billing.go
		{"GET /time", h.firmTime, false},                                           // firm_time.go
		{"POST /time", h.recordFirmTime, false},                                    // firm_time.go
		{"POST /time/{id}/delete", h.deleteFirmTime, false},                        // firm_time.go
		{"GET /budgets", h.budgets, false},                                         // savings.go
		{"POST /budgets", h.setBudget, false},                                      // savings.go
		{"GET /savings", h.savings, false},                                         // savings.go
		{"GET /savings.csv", h.savingsCSV, false},                                  // savings.go
		{"GET /invoices", h.invoices, false},                                       // invoices.go
		{"GET /invoices.csv", h.invoicesCSV, false},                                // invoices.go
		{"POST /invoices", h.draftInvoice, false},                                  // invoices.go
		{"GET /invoices/{id}", h.invoice, false},                                   // invoices.go
		{"POST /invoices/{id}/recompute", h.invoiceAction("recompute"), false},     // invoices.go
		{"POST /invoices/{id}/discard", h.invoiceAction("discard"), false},         // invoices.go
		{"POST /invoices/{id}/approve", h.invoiceAction("approve"), false},         // invoices.go
		{"POST /invoices/{id}/override", h.invoiceAction("override"), false},       // invoices.go
		{"POST /invoices/{id}/send", h.invoiceAction("send"), false},               // invoices.go
		{"POST /invoices/{id}/paid", h.invoiceAction("paid"), false},               // invoices.go
		{"POST /invoices/{id}/write-off", h.invoiceAction("write-off"), false},     // invoices.go
		{"POST /invoices/{id}/credit-note", h.invoiceAction("credit-note"), false}, // invoices.go
		{"GET /invoices/{id}/ledes", h.invoiceLEDES, false},                        // invoice_export.go
		{"GET /invoices/{id}/pdf", h.invoicePDF, false},                            // invoice_export.go
		{"GET /admin/timekeepers", h.timekeepers, false},                           // rates.go
		{"POST /admin/timekeepers", h.setTimekeeper, false},                        // rates.go
		{"GET /admin/settings", h.settings, false},
		{"POST /admin/settings", h.saveSettings, false},
		{"POST /admin/settings/consent", h.saveConsentPolicy, false},
		{"POST /admin/settings/billing", h.saveBillingPolicy, false},
		{"GET /static/", h.static, true},
		{"GET /home", h.home, false},
		// home.go: the home page's charts as CSV
		{"GET /home/charts/hours-freed.csv", h.homeChartCSV("hours-freed"), false},
		{"GET /home/charts/savings-passed.csv", h.homeChartCSV("savings-passed"), false},
		{"GET /home/charts/audit-errors.csv", h.homeChartCSV("audit-errors"), false},
		{"GET /home/charts/vendors.csv", h.homeChartCSV("vendors"), false},
		{"GET /matters", h.matters, false},
		{"GET /matters/{id}", h.matter, false},
		{"GET /matters/{id}/compliance", h.compliance, false},
		{"GET /matters/{id}/compliance.pdf", h.compliancePDF, false},
		{"GET /matters/new", h.newMatter, false},
		{"POST /matters", h.createMatter, false},
		{"GET /matters/{id}/edit", h.editMatterForm, false},
		{"POST /matters/{id}/edit", h.updateMatter, false},
		{"POST /matters/{id}/strategy", h.saveStrategy, false},
		{"GET /matters/import", h.importForm, false},
		{"POST /matters/import", h.importCSV, false},
		{"POST /matters/{id}/screens", h.addScreen, false},
		{"POST /matters/{id}/screens/{user}/remove", h.removeScreen, false},
		{"POST /matters/{id}/engagements", h.proposeEngagement, false},
		{"POST /engagements/{id}/open", h.openEngagement, false},
		{"POST /engagements/{id}/disclosure", h.saveDisclosure, false},
		{"GET /engagements/{id}/disclosure.pdf", h.disclosureLetter, false},
		{"POST /engagements/{id}/disclosure/issue", h.issueDisclosure, false},
		{"POST /engagements/{id}/consent", h.answerConsent, false},
		{"POST /engagements/{id}/consent/revoke", h.revokeConsent, false},
		{"POST /engagements/{id}/consent/record", h.recordConsent, false},
		{"GET /engagements/{id}/consent/{cid}/evidence", h.consentEvidence, false},
		{"POST /admin/settings/vendor-requirements", h.saveVendorRequirements, false},
		{"GET /engagements/{id}/communication", h.communication, false},
		{"POST /engagements/{id}/communication", h.saveCommunication, false},
		{"POST /engagements/{id}/kickoff", h.recordKickoff, false},
		{"POST /engagements/{id}/kickoff/confirm", h.confirmKickoff, false},
		{"POST /engagements/{id}/members", h.addMember, false},
		{"POST /engagements/{id}/members/remove", h.removeMember, false},
		{"POST /engagements/{id}/responsibilities", h.saveResponsibilities, false},
		{"GET /engagements/{id}/briefing", h.briefing, false},
		{"POST /engagements/{id}/briefing", h.saveBriefing, false},
		{"POST /engagements/{id}/briefing/publish", h.publishBriefing, false},
		{"POST /engagements/{id}/briefing/acknowledge", h.acknowledgeBriefing, false},
		{"GET /engagements", h.engagements, false},
		{"GET /engagements/{id}/documents", h.engagementDocuments, false},
		{"POST /engagements/{id}/documents", h.uploadEngagementDocument, false},
		{"GET /engagements/{id}/documents/{did}", h.engagementDocument, false},
		{"GET /engagements/{id}/documents/{did}/content", h.downloadEngagementDocument, false},
		{"GET /engagements/{id}/messages", h.engagementMessages, false},
		{"POST /engagements/{id}/messages", h.postMessage, false},
		{"GET /engagements/{id}/messages/{tid}", h.engagementThread, false},
		{"POST /engagements/{id}/messages/{tid}", h.postMessage, false},
		{"GET /engagements/{id}/attachments/{did}/content", h.downloadAttachment, false},
		{"GET /engagements/{id}", h.engagement, false},
		{"GET /engagements/{id}/deliverables", h.engagementDeliverables, false},
		{"POST /engagements/{id}/deliverables", h.submitDeliverable, false},
		{"POST /engagements/{id}/deliverables/{did}/versions", h.submitDeliverableVersion, false},
		{"GET /engagements/{id}/deliverables/versions/{ver}", h.reviewVersionPage, false},
		{"GET /engagements/{id}/deliverables/versions/{ver}/file", h.deliverableFile, false},
		{"POST /engagements/{id}/deliverables/versions/{ver}/review", h.reviewDeliverable, false},
		{"POST /engagements/{id}/deliverables/versions/{ver}/release", h.releaseDeliverable, false},
		{"GET /reviews", h.reviewQueue, false},
		{"GET /engagements/{id}/audits", h.engagementAudits, false},
		{"POST /engagements/{id}/audit-plan", h.saveAuditPlan, false},
		{"POST /engagements/{id}/audit-batches", h.importAuditBatch, false},
		{"POST /engagements/{id}/audits", h.startQualityAudit, false},
		{"GET /engagements/{id}/audits/{aid}", h.qualityAudit, false},
		{"POST /engagements/{id}/audits/{aid}/items/{sid}/score", h.scoreAuditItem, false},
		{"POST /engagements/{id}/audits/{aid}/complete", h.completeQualityAudit, false},
		{"POST /engagements/{id}/audits/{aid}/corrective-actions", h.raiseCorrectiveAction, false},
		{"POST /engagements/{id}/corrective-actions/{cid}/respond", h.respondCorrectiveAction, false},
		{"POST /engagements/{id}/corrective-actions/{cid}/verify", h.verifyCorrectiveAction, false},
		{"GET /audits", h.myAudits, false},
		{"GET /engagements/{id}/sow", h.sow, false},
		{"POST /engagements/{id}/rate-card", h.addRateCardLine, false}, // rates.go
		{"POST /engagements/{id}/sow/items", h.addWorkItem, false},
		{"POST /engagements/{id}/sow/items/{iid}", h.updateWorkItem, false},
		{"POST /engagements/{id}/sow/items/{iid}/remove", h.removeWorkItem, false},
		{"POST /engagements/{id}/sow/items/{iid}/estimate", h.proposeEstimate, false},
		{"POST /engagements/{id}/sow/versions/{sv}/approve", h.approveSOW, false},
		{"POST /engagements/{id}/sow/change-orders", h.proposeChangeOrder, false},
		{"GET /engagements/{id}/work", h.work, false},
		{"POST /engagements/{id}/work/calendar", h.rotateCalendarFeed, false},
		{"POST /engagements/{id}/deadlines", h.addDeadline, false},
		{"POST /engagements/{id}/deadlines/{did}/done", h.markDeadline, false},
		{"POST /engagements/{id}/time-entries", h.addTimeEntry, false},
		{"POST /engagements/{id}/time-entries/{tid}/submit", h.submitTimeEntry, false},
		{"POST /engagements/{id}/time-entries/{tid}/decide", h.decideTimeEntry, false},
		{"GET /calendar/{file}", h.calendarFeed, true},
		{"GET /engagements/{id}/close", h.engagementClose, false},
		{"POST /engagements/{id}/close", h.closeEngagement, false},
		{"POST /engagements/{id}/pause", h.pauseEngagement, false},
		{"POST /engagements/{id}/resume", h.resumeEngagement, false},
		{"POST /engagements/{id}/certificate", h.certifyReturn, false},
		{"POST /engagements/{id}/evaluation", h.evaluateVendor, false},
		{"GET /vendors", h.vendors, false},
		{"GET /vendors/{id}", h.vendor, false},
		{"GET /vendors/scorecards", h.scorecards, false},        // scorecards.go
		{"GET /vendors/scorecards.csv", h.scorecardsCSV, false}, // scorecards.go
		{"POST /vendors", h.createVendor, false},
		{"GET /vendors/{id}/profile", h.vendorProfileForm, false},
		{"POST /vendors/{id}/profile", h.saveVendorProfile, false},
		{"POST /vendors/{id}/subcontractors/decision", h.decideSubcontractor, false},
		{"POST /vendors/{id}/changes/acknowledge", h.acknowledgeChange, false},
		{"GET /vendors/{id}/people/{user}", h.person, false},
		{"POST /vendors/{id}/people/{user}", h.savePerson, false},
		{"POST /vendors/{id}/people/{user}/verify", h.verifyBar, false},
		{"POST /matters/{id}/parties", h.addParty, false},
		{"POST /parties/{id}/aliases", h.addAlias, false},
		{"POST /parties/{id}/aliases/remove", h.removeAlias, false},
		{"POST /parties/{id}/remove", h.removeParty, false},
		{"GET /parties/search", h.partySearch, false},
		{"GET /search", h.search, false}, // search.go
		{"GET /vendors/{id}/disclosures", h.disclosures, false},
		{"POST /vendors/{id}/disclosures", h.addDisclosure, false},
		{"POST /vendors/{id}/disclosures/import", h.importDisclosures, false},
		{"POST /disclosures/{id}/remove", h.removeDisclosure, false},
		{"POST /engagements/{id}/conflicts/check", h.checkConflicts, false},
		{"GET /conflict-hits/{id}", h.conflictHit, false},
		{"POST /conflict-hits/{id}/resolve", h.resolveHit, false},
		{"GET /clients", h.clients, false},
		{"GET /vendors/{id}/assessments", h.assessments, false},
		{"POST /vendors/{id}/assessments", h.startAssessment, false},
		{"GET /vendors/{id}/assessments/{aid}", h.assessment, false},
		{"POST /vendors/{id}/assessments/{aid}/answers", h.saveAnswers, false},
		{"POST /vendors/{id}/assessments/{aid}/submit", h.submitAssessment, false},
		{"POST /vendors/{id}/assessments/{aid}/evidence", h.uploadEvidence, false},
		{"GET /vendors/{id}/assessments/{aid}/evidence/{eid}", h.downloadEvidence, false},
		{"POST /vendors/{id}/assessments/{aid}/evidence/{eid}/review", h.reviewEvidence, false},
		{"POST /vendors/{id}/assessments/{aid}/score", h.overrideScore, false},
		{"POST /vendors/{id}/assessments/{aid}/findings", h.addFinding, false},
		{"POST /vendors/{id}/assessments/{aid}/decision", h.decideAssessment, false},
		{"POST /vendors/{id}/assessments/{aid}/remediation/{rid}/done", h.remediationDone, false},
		{"GET /admin/questionnaires", h.questionnaires, false},
		{"GET /admin/questionnaires/{id}", h.questionnaire, false},
		{"POST /admin/questionnaires/{id}", h.saveQuestionnaire, false},
		{"POST /admin/questionnaires/{id}/copy", h.copyQuestionnaire, false},
		{"POST /admin/questionnaires/{id}/publish", h.publishQuestionnaire, false},
		{"GET /notifications", h.notifications, false},                  // notifications.go
		{"GET /notifications/{id}/open", h.openNotification, false},     // notifications.go
		{"POST /notifications/{id}/read", h.readNotification, false},    // notifications.go
		{"POST /notifications/read-all", h.readAllNotifications, false}, // notifications.go
		{"GET /account/notifications", h.notificationPrefs, false},      // notifications.go
		{"POST /account/notifications", h.saveNotificationPrefs, false}, // notifications.go
		{"GET /account/tokens", h.tokens, false},
		{"POST /account/tokens", h.createToken, false},
		{"POST /account/tokens/{id}/revoke", h.revokeToken, false},
		{"GET /admin/users", h.users, false},
		{"POST /admin/users", h.createUser, false},
		{"GET /admin/users/{id}", h.user, false},
		{"POST /admin/users/{id}/disable", h.disableUser, false},
		{"POST /admin/users/{id}/enable", h.enableUser, false},
		{"GET /admin/invitations", h.invitations, false},
		{"POST /admin/invitations", h.invite, false},
		{"POST /admin/invitations/{id}/revoke", h.revokeInvitation, false},
		{"POST /admin/invitations/expiry", h.setInvitationExpiry, false},
		{"GET /admin/outbox", h.outbox, false},
		{"GET /admin/outbox/{id}", h.outboxMessage, false},
		{"GET /invitations/{token}", h.invitationPage, true},
		{"POST /invitations/{token}", h.acceptInvitation, true},
		{"GET /password/forgot", h.forgotPage, true},
		{"POST /password/forgot", h.forgot, true},
		{"GET /password/reset/{token}", h.resetPage, true},
		{"POST /password/reset/{token}", h.reset, true},
		{"GET /admin/audit", h.audit, false},
		{"GET /admin/audit.csv", h.auditCSV, false},
		{"/", h.notFound, true},
	}
}

// Register mounts the route table on mux.
func (h *Handler) Register(mux *http.ServeMux) {
	for _, rt := range h.Routes() {
		if rt.Public {
			mux.HandleFunc(rt.Pattern, rt.Handler)
		} else {
			mux.HandleFunc(rt.Pattern, h.signedIn(rt.Handler))
		}
	}
}

// signedIn sends visitors without a session to the sign-in page, then back.
func (h *Handler) signedIn(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if _, ok := httpx.User(r); !ok {
			target := "/signin"
			if r.Method == http.MethodGet {
				target += "?next=" + url.QueryEscape(r.URL.RequestURI())
			}
			http.Redirect(w, r, target, http.StatusSeeOther)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		next(w, r)
	}
}

func (h *Handler) root(w http.ResponseWriter, r *http.Request) {
	if _, ok := httpx.User(r); ok {
		http.Redirect(w, r, "/home", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
}

func (h *Handler) notFound(w http.ResponseWriter, r *http.Request) {
	h.Error(w, r, domain.NotFound("page"))
}

func (h *Handler) static(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("v") == h.assetHash {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "public, max-age=300")
	}
	http.FileServerFS(staticFS).ServeHTTP(w, r)
}

// pathID reads a positive integer path value; anything else is not found.
func pathID(r *http.Request, name string) (int64, error) { return httpx.PathID(r, name) }

// safeNext keeps post-sign-in redirects on this site. Control characters are
// refused outright: browsers strip tabs and newlines from a Location, so
// "/\t/evil.example" would otherwise arrive as "//evil.example".
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") ||
		strings.IndexFunc(next, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0 {
		return "/home"
	}
	return next
}
