package app

import (
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// ScopeFor is the access policy: what a user may see. It is the only place
// that decides it; the store turns it into SQL.
//   - firm admin: everything;
//   - attorney, staff: every matter except those they are screened from;
//   - vendor users: only engagements of their own vendor they are assigned to;
//   - client contacts: only their own client's matters;
//   - anyone else (disabled, unknown role, a vendor or client user without
//     an organisation) sees nothing: a zero VendorID or ClientID would
//     otherwise read as the firm's view.
func ScopeFor(u domain.User) store.Scope {
	switch {
	case u.Disabled:
		return store.Scope{UserID: -1, VendorID: -1, ClientID: -1} // sees nothing
	case u.Role == domain.RoleFirmAdmin:
		return store.Scope{All: true, UserID: u.ID}
	case u.Role.IsFirm():
		return store.Scope{UserID: u.ID}
	case u.Role.IsVendor() && u.VendorID != 0:
		return store.Scope{UserID: u.ID, VendorID: u.VendorID}
	case u.Role.IsClient() && u.ClientID != 0:
		return store.Scope{UserID: u.ID, ClientID: u.ClientID}
	}
	return store.Scope{UserID: -1, VendorID: -1, ClientID: -1}
}

// Action is something a user may be allowed to do beyond seeing.
type Action string

// Actions checked by Can.
const (
	ManageUsers    Action = "manage_users"     // create users, reset passwords
	ViewClients    Action = "view_clients"     // the client list
	ViewVendors    Action = "view_vendors"     // the vendor registry
	ViewFirmCounts Action = "view_firm_counts" // firm-wide figures
	ViewAudit      Action = "view_audit"       // the audit trail
	ManageScreens  Action = "manage_screens"   // put up and lift ethical screens
)

// ManageAPITokens is listing and revoking anyone's API tokens (everyone
// manages their own).
const ManageAPITokens Action = "manage_api_tokens"

// ManageSettings is changing firm-wide settings, such as the second-factor policy.
const ManageSettings Action = "manage_settings"

// ViewOutbox is reading the email outbox: recipients, subjects, delivery and
// (audited) bodies. Inviting, disabling and enabling users is ManageUsers.
const ViewOutbox Action = "view_outbox"

// Vendor registry actions. ManageVendors is creating vendors (and editing
// any vendor's profile and personnel); MaintainVendor is editing a vendor's
// profile and personnel records, which vendor managers may do for their own
// organisation (the scope keeps them to it); ReviewVendorChanges is
// acknowledging flagged changes, deciding on subcontractors and verifying
// bar admissions.
const (
	ManageVendors       Action = "manage_vendors"
	MaintainVendor      Action = "maintain_vendor"
	ReviewVendorChanges Action = "review_vendor_changes"
)

// ProposeEngagements is proposing a vendor for a matter the user can see and
// opening the engagement once its gates are met: attorneys and firm
// administrators.
const ProposeEngagements Action = "propose_engagements"

// Conflict-check actions. EditParties is adding and removing a matter's
// parties and aliases; ResolveConflicts is running a conflict check and
// clearing, waiving or blocking a hit (both: attorneys and firm
// administrators); SearchParties is the firm-wide party search (firm users);
// ManageDisclosures is maintaining one's own vendor's conflict disclosures
// (vendor managers; the use case keeps them to their own vendor).
const (
	EditParties       Action = "edit_parties"
	ResolveConflicts  Action = "resolve_conflicts"
	SearchParties     Action = "search_parties"
	ManageDisclosures Action = "manage_disclosures"
)

// Security-assessment actions. ViewAssessments is reading a vendor's
// assessments and downloading their evidence: firm users, and vendor
// managers (the scope keeps them to their own vendor). ReviewAssessments is
// starting an assessment, overriding its score, recording findings,
// reviewing evidence, deciding and marking remediation done: attorneys and
// firm administrators, never a vendor user. AnswerAssessments is answering
// and submitting one's own vendor's assessment: vendor managers.
// ViewQuestionnaires is reading questionnaire templates (firm users);
// ManageQuestionnaires is copying, editing and publishing them (firm
// administrators).
const (
	ViewAssessments      Action = "view_assessments"
	ReviewAssessments    Action = "review_assessments"
	AnswerAssessments    Action = "answer_assessments"
	ViewQuestionnaires   Action = "view_questionnaires"
	ManageQuestionnaires Action = "manage_questionnaires"
)

// ManageMatters is creating and editing matters, importing matters and
// parties, and writing a matter's case strategy notes: attorneys and firm
// administrators. Reading strategy notes is for firm users alone.
const ManageMatters Action = "manage_matters"

// ViewComplianceRecord is reading a matter's compliance record (page, PDF,
// API): firm users and the matter's client contacts; never vendor users.
const ViewComplianceRecord Action = "view_compliance_record"

// Engagement work after opening. SuperviseEngagements is the firm's side:
// the communication plan and kickoff, briefings, approving the statement of
// work and change orders, deadlines, releasing approved work and closing
// (attorneys and firm administrators). WorkOnEngagements is messages and
// matter documents (firm users, and vendor users on engagements they are
// assigned to: the scope keeps them there). LeadVendorTeam is the vendor's
// side: confirming the kickoff, the team's members, approving the statement
// of work and certifying return or destruction (vendor managers).
// RecordTime and SubmitDeliverables are vendor users' work.
// ReviewDeliverables is the supervision no one else may do: attorneys only,
// never a vendor user or a non-lawyer (the use case keeps it to the
// engagement's supervising attorney).
const (
	SuperviseEngagements Action = "supervise_engagements"
	WorkOnEngagements    Action = "work_on_engagements"
	LeadVendorTeam       Action = "lead_vendor_team"
	RecordTime           Action = "record_time"
	SubmitDeliverables   Action = "submit_deliverables"
	ReviewDeliverables   Action = "review_deliverables"
)

// Quality audits. PlanAudits is setting an engagement's audit plan
// (attorneys and firm administrators). ConductAudits is the auditor's
// work: importing batches, drawing samples, scoring, completing audits and
// raising corrective actions (attorneys and firm staff reviewers, never a
// vendor user). RespondCorrective is the vendor's answer to a corrective
// action (vendor managers). VerifyCorrective is closing one after checking
// the answer (attorneys). ViewScorecards is the vendor scorecards (firm
// users; a vendor manager sees their own organisation's, by scope).
const (
	PlanAudits        Action = "plan_audits"
	ConductAudits     Action = "conduct_audits"
	RespondCorrective Action = "respond_corrective"
	VerifyCorrective  Action = "verify_corrective"
	ViewScorecards    Action = "view_scorecards"
)

// Rates (issue 8). ManageRates is maintaining the firm's timekeepers, their
// LEDES ids, classifications and dated rates (firm administrators).
// SetRateCards is adding to an engagement's vendor rate card (attorneys and
// firm administrators; the use case keeps attorneys to engagements they
// supervise). ViewRateCards is reading a rate card: firm users, and vendor
// managers on their own vendor's engagements (by scope); never a client.
const (
	ManageRates   Action = "manage_rates"
	SetRateCards  Action = "set_rate_cards"
	ViewRateCards Action = "view_rate_cards"
)

// Billing (issue 8). SubmitVendorInvoices is a vendor manager invoicing
// their own vendor's engagements (by scope). ReviewVendorInvoices is the
// firm's review: flags, line disputes, approval with the exchange rate, and
// rejection (firm administrators, attorneys and staff such as the billing
// manager). ViewVendorInvoices is reading them: firm users, and vendor
// managers their own. RecordFirmTime is a firm timekeeper's own time (the
// use case requires a timekeeper record). ManageClientInvoices is drafting,
// sending, recording payment and issuing credit notes (firm users);
// ApproveClientInvoices is approving and writing off (attorneys and firm
// administrators); OverrideBillingPolicy is releasing an invoice held by a
// policy flag with a written reason, which only a billing partner may do:
// a firm administrator, or an attorney whose timekeeper classification is
// PARTNR (the use case checks it). ViewClientInvoices is reading invoices:
// firm users, and client contacts their own client's once sent (never a
// draft). ViewSavings is the savings figures: firm users, and client
// contacts their own client's. ManageBudgets is setting budgets (attorneys
// and firm administrators); ViewBudgets is reading them (firm users).
const (
	SubmitVendorInvoices  Action = "submit_vendor_invoices"
	ReviewVendorInvoices  Action = "review_vendor_invoices"
	ViewVendorInvoices    Action = "view_vendor_invoices"
	RecordFirmTime        Action = "record_firm_time"
	ManageClientInvoices  Action = "manage_client_invoices"
	ApproveClientInvoices Action = "approve_client_invoices"
	OverrideBillingPolicy Action = "override_billing_policy"
	ViewClientInvoices    Action = "view_client_invoices"
	ViewSavings           Action = "view_savings"
	ManageBudgets         Action = "manage_budgets"
	ViewBudgets           Action = "view_budgets"
)

// Can reports whether u may perform a. Objects outside the user's scope are
// handled by ScopeFor (they answer not-found); Can covers whole capabilities.
func Can(u domain.User, a Action) bool {
	if u.Disabled {
		return false
	}
	switch a {
	case ManageUsers, ViewAudit, ManageAPITokens:
		return u.Role == domain.RoleFirmAdmin
	case ManageSettings, ViewOutbox:
		return u.Role == domain.RoleFirmAdmin
	case ManageScreens:
		return u.Role == domain.RoleFirmAdmin || u.Role == domain.RoleAttorney
	case ProposeEngagements:
		return u.Role == domain.RoleFirmAdmin || u.Role == domain.RoleAttorney
	case SuperviseEngagements:
		return u.Role == domain.RoleFirmAdmin || u.Role == domain.RoleAttorney
	case WorkOnEngagements:
		return u.Role.IsFirm() || u.Role.IsVendor() && u.VendorID != 0
	case LeadVendorTeam:
		return u.Role == domain.RoleVendorManager && u.VendorID != 0
	case RecordTime, SubmitDeliverables:
		return u.Role.IsVendor() && u.VendorID != 0
	case ReviewDeliverables:
		return u.Role == domain.RoleAttorney
	case PlanAudits:
		return u.Role == domain.RoleFirmAdmin || u.Role == domain.RoleAttorney
	case ConductAudits:
		return u.Role == domain.RoleAttorney || u.Role == domain.RoleStaff
	case RespondCorrective:
		return u.Role == domain.RoleVendorManager && u.VendorID != 0
	case VerifyCorrective:
		return u.Role == domain.RoleAttorney
	case ViewScorecards:
		return u.Role.IsFirm() || u.Role == domain.RoleVendorManager && u.VendorID != 0
	case ManageMatters:
		return u.Role == domain.RoleFirmAdmin || u.Role == domain.RoleAttorney
	case ViewComplianceRecord:
		return u.Role.IsFirm() || u.Role.IsClient() && u.ClientID != 0
	case EditParties, ResolveConflicts:
		return u.Role == domain.RoleFirmAdmin || u.Role == domain.RoleAttorney
	case SearchParties:
		return u.Role.IsFirm()
	case ManageDisclosures:
		return u.Role == domain.RoleVendorManager && u.VendorID != 0
	case ViewAssessments:
		return u.Role.IsFirm() || u.Role == domain.RoleVendorManager && u.VendorID != 0
	case ReviewAssessments:
		return u.Role == domain.RoleFirmAdmin || u.Role == domain.RoleAttorney
	case AnswerAssessments:
		return u.Role == domain.RoleVendorManager && u.VendorID != 0
	case ViewQuestionnaires:
		return u.Role.IsFirm()
	case ManageQuestionnaires:
		return u.Role == domain.RoleFirmAdmin
	case ViewClients, ViewFirmCounts:
		return u.Role.IsFirm()
	case ViewVendors:
		return u.Role.IsFirm() || u.Role.IsVendor()
	case ManageVendors:
		return u.Role == domain.RoleFirmAdmin
	case MaintainVendor:
		return u.Role == domain.RoleFirmAdmin || u.Role == domain.RoleVendorManager
	case ManageRates:
		return u.Role == domain.RoleFirmAdmin
	case SetRateCards:
		return u.Role == domain.RoleFirmAdmin || u.Role == domain.RoleAttorney
	case ViewRateCards:
		return u.Role.IsFirm() || u.Role == domain.RoleVendorManager && u.VendorID != 0
	case ReviewVendorChanges:
		return u.Role == domain.RoleFirmAdmin || u.Role == domain.RoleAttorney
	case SubmitVendorInvoices:
		return u.Role == domain.RoleVendorManager && u.VendorID != 0
	case ReviewVendorInvoices, RecordFirmTime, ManageClientInvoices, ViewBudgets:
		return u.Role.IsFirm()
	case ViewVendorInvoices:
		return u.Role.IsFirm() || u.Role == domain.RoleVendorManager && u.VendorID != 0
	case ApproveClientInvoices, OverrideBillingPolicy, ManageBudgets:
		return u.Role == domain.RoleFirmAdmin || u.Role == domain.RoleAttorney
	case ViewClientInvoices, ViewSavings:
		return u.Role.IsFirm() || u.Role.IsClient() && u.ClientID != 0
	case EditOwnProfile: // profile.go
		return u.ID != 0 && u.Role != ""
	}
	return false
}

// require returns a forbidden error unless u may perform a.
func require(u domain.User, a Action) error {
	if !Can(u, a) {
		return Forbidden(u)
	}
	return nil
}

// Forbidden is the error for a user whose role does not allow something.
func Forbidden(u domain.User) error {
	return domain.Errorf(domain.EForbidden, "your role (%s) does not allow this", u.Role.Label())
}
