package domain

import (
	"strings"
	"testing"
)

// TestStageAllowsOpensActivitiesInOrder walks every activity through every
// stage: an activity opens at its stage and stays open after it, is closed
// before it with the gate the engagement waits on now, and paused and
// closed engagements allow only what they must.
func TestStageAllowsOpensActivitiesInOrder(t *testing.T) {
	for act := range activityLabel {
		for _, s := range Stages {
			err := StageAllows(s, act)
			var want bool
			switch s {
			case StageClosed:
				want = act == ActivityCertify || act == ActivityAudit || act == ActivityInvoice // the final audit and invoice come after close
			case StagePaused:
				want = act == ActivityMessage || act == ActivityReview || act == ActivityClose || act == ActivityCommunication ||
					act == ActivityAudit || act == ActivityCorrective || // a failed audit's pause is answered
					act == ActivityInvoice // work done before the pause is invoiced
			default:
				want = act != ActivityCertify && stageOrder[s] >= stageOrder[firstStage[act]]
			}
			if (err == nil) != want {
				t.Errorf("StageAllows(%s, %s) = %v, want allowed=%v", s, act, err, want)
			}
			if err != nil && ErrorCode(err) != EGateClosed {
				t.Errorf("StageAllows(%s, %s) code %s, want gate_closed", s, act, ErrorCode(err))
			}
		}
	}
	// The error names the gate the engagement waits on now, not the last one.
	err := StageAllows(StageCommunication, ActivityTime)
	if err == nil || !strings.Contains(err.Error(), "communication plan") {
		t.Errorf("time during communication: %v, want the communication gate named", err)
	}
	err = StageAllows(StageSOW, ActivityDeliverable)
	if err == nil || !strings.Contains(err.Error(), "statement of work must be approved") {
		t.Errorf("deliverable during SOW: %v, want the SOW gate named", err)
	}
	// The rate card is set from the statement-of-work stage on.
	if err := StageAllows(StageBriefing, ActivityRates); err == nil || !strings.Contains(err.Error(), "rate card") {
		t.Errorf("rate card during briefing: %v, want refused naming the rate card", err)
	}
	if StageAllows(StageSOW, ActivityRates) != nil || StageAllows(StageActive, ActivityRates) != nil || StageAllows(StagePaused, ActivityRates) == nil {
		t.Error("the rate card is set at the SOW and active stages, not while paused")
	}
	if StageAllows(StageActive, "nonsense") == nil {
		t.Error("an unknown activity was allowed")
	}
}
