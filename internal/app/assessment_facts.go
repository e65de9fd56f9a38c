package app

import (
	"context"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// assessmentFacts reports what the vendor's current decided assessment
// shows: accepted SOC 2 Type II or ISO 27001 evidence, MFA for production
// access, and its score (0–100). The opening gates read it.
//
// The current assessment is the vendor's latest decided one. Certified: an
// accepted SOC 2 Type II or ISO/IEC 27001 evidence file is attached to the
// control asking for that kind of evidence, and the control is answered
// yes. MFA: the MFA-for-production-access control is answered yes, or a
// remediation item for it has been marked done by the firm. Score: the
// final score (the reviewer's override, if any).
func (a *App) assessmentFacts(ctx context.Context, tx *store.Tx, vendorID int64) (certified, mfa bool, score int, err error) {
	as, err := tx.LatestDecidedAssessment(ctx, vendorID)
	if domain.ErrorCode(err) == domain.ENotFound {
		return false, false, 0, nil
	}
	if err != nil {
		return false, false, 0, err
	}
	q, err := tx.Questionnaire(ctx, as.QuestionnaireID)
	if err != nil {
		return false, false, 0, err
	}
	answers, err := tx.Answers(ctx, as.ID)
	if err != nil {
		return false, false, 0, err
	}
	value := map[string]string{}
	for _, an := range answers {
		value[an.Key] = an.Value
	}
	evidence, err := tx.Evidence(ctx, as.ID)
	if err != nil {
		return false, false, 0, err
	}
	for _, e := range evidence {
		c, ok := q.Control(e.ControlKey)
		if ok && e.Status == domain.EvidenceAccepted && e.Kind.Certifies() && c.Evidence == e.Kind && value[c.Key] == "yes" {
			certified = true
		}
	}
	mfa = value[domain.ControlMFA] == "yes"
	if !mfa {
		items, err := tx.Remediation(ctx, as.ID)
		if err != nil {
			return false, false, 0, err
		}
		for _, it := range items {
			if it.ControlKey == domain.ControlMFA && it.Done() {
				mfa = true
			}
		}
	}
	return certified, mfa, as.FinalScore(), nil
}
