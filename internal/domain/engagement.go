package domain

import "time"

// Stage is where an engagement is in its lifecycle. The order of the gates is
// the order of the constants: nothing later happens before what comes first.
type Stage string

// Engagement stages.
const (
	StageProposed      Stage = "proposed"      // vendor proposed; opening gates being cleared
	StageCommunication Stage = "communication" // opened; communication plan and kickoff
	StageBriefing      Stage = "briefing"      // briefing published; acknowledgements
	StageSOW           Stage = "sow"           // statement of work being agreed
	StageActive        Stage = "active"        // work under supervision
	StagePaused        Stage = "paused"        // consent revoked or vendor lapsed
	StageClosed        Stage = "closed"        // access revoked, destruction certified
)

// Stages lists every stage in lifecycle order.
var Stages = []Stage{StageProposed, StageCommunication, StageBriefing, StageSOW, StageActive, StagePaused, StageClosed}

// Label says what the stage means for the people waiting on it.
func (s Stage) Label() string {
	switch s {
	case StageProposed:
		return "Proposed"
	case StageCommunication:
		return "Setting up communication"
	case StageBriefing:
		return "Briefing the team"
	case StageSOW:
		return "Agreeing the statement of work"
	case StageActive:
		return "Work in progress"
	case StagePaused:
		return "Paused"
	case StageClosed:
		return "Closed"
	}
	return string(s)
}

// NextStep says, in plain words, what the engagement is waiting for.
func (s Stage) NextStep() string {
	switch s {
	case StageProposed:
		return "Waiting on the opening gates: vendor approval, cleared conflicts and the client's consent."
	case StageCommunication:
		return "Waiting for the communication plan and a kickoff confirmed by both sides. Nothing else can happen first."
	case StageBriefing:
		return "Waiting for every vendor team member to acknowledge the current briefing before they see any document."
	case StageSOW:
		return "Waiting for the statement of work to be approved by the attorney and the vendor manager."
	case StageActive:
		return "Work under supervision: every deliverable is reviewed by the supervising attorney before release."
	case StagePaused:
		return "Paused: no new work and no document access until the reason is resolved."
	case StageClosed:
		return "Closed: vendor access revoked."
	}
	return ""
}

// Service is a kind of outsourced legal work.
type Service string

// Services offered by vendors.
const (
	ServiceDocumentReview     Service = "document_review"
	ServiceLegalResearch      Service = "legal_research"
	ServiceDrafting           Service = "drafting"
	ServiceContractManagement Service = "contract_management"
	ServiceEDiscovery         Service = "ediscovery"
	ServiceBillingSupport     Service = "billing_support"
	ServiceDocumentManagement Service = "document_management"
)

// Label names the service.
func (s Service) Label() string {
	switch s {
	case ServiceDocumentReview:
		return "Document review"
	case ServiceLegalResearch:
		return "Legal research"
	case ServiceDrafting:
		return "Drafting"
	case ServiceContractManagement:
		return "Contract management"
	case ServiceEDiscovery:
		return "E-discovery"
	case ServiceBillingSupport:
		return "Billing support"
	case ServiceDocumentManagement:
		return "Document management"
	}
	return string(s)
}

// BillingMode is how outsourced work reaches the client's bill (ABA Op. 08-451).
type BillingMode string

// Billing modes.
const (
	BillingFee          BillingMode = "fee"          // a fee, with a disclosed and capped markup
	BillingDisbursement BillingMode = "disbursement" // at cost, no markup
)

// Engagement is one vendor doing outsourced work on one matter under a
// supervising attorney.
type Engagement struct {
	ID                    int64
	MatterID              int64
	VendorID              int64
	SupervisingAttorneyID int64
	Service               Service
	Description           string
	Stage                 Stage
	BillingMode           BillingMode
	EstimatedCost         Money // the vendor's estimate, in the vendor's currency
	InHouseEstimate       Money // what the same work would cost in-house, in the firm's currency
	OpenedOn              Date
	ClosedOn              Date
	CreatedAt             time.Time
	// PausedFrom is, while the engagement is paused, the stage it returns
	// to; PausedReason says why it was paused, in plain words.
	PausedFrom   Stage
	PausedReason string
}

// EngagementMember is a person assigned to an engagement.
type EngagementMember struct {
	EngagementID int64
	UserID       int64
	Role         string // supervisor, vendor_lead, reviewer
}
