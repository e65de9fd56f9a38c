package domain

import "fmt"

// The engagement's gates after opening, decided here once for every
// surface. Each piece of engagement work is an Activity; StageAllows says
// whether the engagement's stage permits it, and if not, exactly which gate
// is still closed. The stages advance in order:
//
//	communication -> briefing   when both sides confirmed the kickoff of the communication plan
//	briefing      -> sow        when a briefing is published and every vendor member acknowledged it
//	sow           -> active     when the statement of work is approved by the attorney and the vendor manager
//
// Per-person gates (a vendor member's acknowledgement of the current
// briefing, a lapsed NDA or training, the client's consent) are checked by
// the application layer on top of this.

// Activity is one kind of engagement work.
type Activity string

// Activities, in the order the gates open them.
const (
	ActivityCommunication Activity = "communication" // edit the communication plan, record and confirm the kickoff
	ActivityTeam          Activity = "team"          // vendor members join and leave
	ActivityMessage       Activity = "message"       // threaded messages between firm and vendor
	ActivityBriefing      Activity = "briefing"      // write, publish and acknowledge briefings
	ActivityDeadline      Activity = "deadline"      // tasks and deadlines
	ActivityDocument      Activity = "document"      // upload, open and download matter documents
	ActivitySOW           Activity = "sow"           // draft and approve the statement of work and its change orders
	ActivityTime          Activity = "time"          // vendor time entries
	ActivityDeliverable   Activity = "deliverable"   // submit deliverable versions
	ActivityReview        Activity = "review"        // the supervising attorney's review of a deliverable version
	ActivityRelease       Activity = "release"       // release approved work to the client
	ActivityClose         Activity = "close"         // close the engagement
	ActivityCertify       Activity = "certify"       // the vendor certifies return or destruction after close
	ActivityAudit         Activity = "audit"         // the firm's quality audits: plan, batches, samples, scores, corrective actions raised and verified
	ActivityCorrective    Activity = "corrective"    // the vendor responds to a corrective action
	ActivityRates         Activity = "rates"         // set the engagement's vendor rate card
	ActivityInvoice       Activity = "invoice"       // the vendor invoices approved work; also while paused and after close, for work already done
)

// activityLabel names an activity in a sentence ("Time cannot be recorded ...").
var activityLabel = map[Activity]string{
	ActivityCommunication: "The communication plan cannot be changed",
	ActivityTeam:          "Vendor members cannot join or leave",
	ActivityMessage:       "Messages cannot be sent",
	ActivityBriefing:      "The briefing cannot be written or acknowledged",
	ActivityDeadline:      "Tasks and deadlines cannot be set",
	ActivityDocument:      "Matter documents cannot be shared or opened",
	ActivitySOW:           "The statement of work cannot be drafted or approved",
	ActivityTime:          "Time cannot be recorded",
	ActivityDeliverable:   "Deliverables cannot be submitted",
	ActivityReview:        "Deliverables cannot be reviewed",
	ActivityRelease:       "Work cannot be released to the client",
	ActivityClose:         "The engagement cannot be closed",
	ActivityCertify:       "Return or destruction of the matter's data cannot be certified",
	ActivityAudit:         "Quality audits cannot be planned or carried out",
	ActivityCorrective:    "Corrective actions cannot be answered",
	ActivityRates:         "The rate card cannot be set",
	ActivityInvoice:       "The vendor cannot invoice",
}

// stageOrder ranks the stages an engagement passes through in order.
var stageOrder = map[Stage]int{StageProposed: 0, StageCommunication: 1, StageBriefing: 2, StageSOW: 3, StageActive: 4}

// firstStage is the earliest stage at which each activity opens.
var firstStage = map[Activity]Stage{
	ActivityCommunication: StageCommunication,
	ActivityTeam:          StageCommunication,
	ActivityMessage:       StageCommunication,
	ActivityBriefing:      StageBriefing,
	ActivityDeadline:      StageBriefing,
	ActivityDocument:      StageBriefing,
	ActivitySOW:           StageSOW,
	ActivityTime:          StageActive,
	ActivityDeliverable:   StageActive,
	ActivityReview:        StageActive,
	ActivityRelease:       StageActive,
	ActivityClose:         StageCommunication,
	ActivityAudit:         StageSOW,
	ActivityCorrective:    StageActive,
	ActivityRates:         StageSOW,
	ActivityInvoice:       StageActive,
}

// gateBefore says which gate stands before a stage.
var gateBefore = map[Stage]string{
	StageCommunication: "the engagement is not open yet: its opening gates (vendor approval, conflicts, the client's consent) come first",
	StageBriefing:      "the communication plan and a kickoff confirmed by both sides come first",
	StageSOW:           "the briefing must be published and acknowledged by every vendor team member first",
	StageActive:        "the statement of work must be approved by the supervising attorney and the vendor manager first",
}

// StageAllows returns nil when an engagement at stage s permits act, or an
// EGateClosed error naming the gate that is still closed.
func StageAllows(s Stage, act Activity) error {
	label, ok := activityLabel[act]
	if !ok {
		return fmt.Errorf("domain: unknown activity %q", act)
	}
	switch s {
	case StageClosed:
		if act == ActivityCertify || act == ActivityAudit || act == ActivityInvoice { // the final audit and the last invoice come after close
			return nil
		}
		return Errorf(EGateClosed, "%s: the engagement is closed and the vendor's access was revoked.", label)
	case StagePaused:
		switch act {
		case ActivityMessage, ActivityReview, ActivityClose, ActivityCommunication, ActivityAudit, ActivityCorrective, ActivityInvoice:
			return nil
		}
		return Errorf(EGateClosed, "%s: the engagement is paused, with no new work and no document access until the reason is resolved.", label)
	}
	if act == ActivityCertify {
		return Errorf(EGateClosed, "%s before the engagement is closed.", label)
	}
	need := firstStage[act]
	if stageOrder[s] >= stageOrder[need] {
		return nil
	}
	return Errorf(EGateClosed, "%s yet: %s.", label, gateBefore[nextGate(s, need)])
}

// nextGate is the first stage after s on the way to need: the gate the
// engagement waits on now.
func nextGate(s, need Stage) Stage {
	for _, st := range Stages {
		if stageOrder[st] == stageOrder[s]+1 && stageOrder[st] <= stageOrder[need] {
			return st
		}
	}
	return need
}
