package app

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// The firm's review of a submitted assessment: the score and its override,
// findings, evidence review, the decision and remediation. Only attorneys
// and firm administrators may (ReviewAssessments); a vendor user never can.

// reviewable loads a submitted assessment for a reviewer.
func (a *App) reviewable(ctx context.Context, tx *store.Tx, actor domain.User, vendorID, id int64) (assessmentRef, error) {
	ref, err := a.loadAssessment(ctx, tx, actor, vendorID, id, ReviewAssessments)
	if err != nil {
		return ref, err
	}
	switch ref.Assessment.Status {
	case domain.AssessmentInProgress:
		return ref, domain.Errorf(domain.EConflict, "the vendor has not submitted this assessment yet")
	case domain.AssessmentDecided:
		return ref, domain.Errorf(domain.EConflict, "this assessment is decided; start a new one to reassess the vendor")
	}
	return ref, nil
}

func reviewerID(actor domain.User) error {
	if actor.ID == 0 {
		return domain.Errorf(domain.EForbidden, "assessments are reviewed by an attorney or firm administrator signed in to Probity")
	}
	return nil
}

// OverrideScore replaces the automatic score of a submitted assessment with
// the reviewer's, for a reason that goes into the audit trail.
func (a *App) OverrideScore(ctx context.Context, actor domain.User, vendorID, id int64, score int, reason string) error {
	reason = strings.TrimSpace(reason)
	return a.Store.Write(ctx, func(tx *store.Tx) error {
		ref, err := a.reviewable(ctx, tx, actor, vendorID, id)
		if err != nil {
			return err
		}
		if err := reviewerID(actor); err != nil {
			return err
		}
		if score < 0 || score > 100 {
			return domain.Invalid("score", "the score is a whole number from 0 to 100")
		}
		if reason == "" || utf8.RuneCountInString(reason) > 1000 {
			return domain.Invalid("reason", "say why the score should differ from the automatic one (at most 1000 characters)")
		}
		view, err := a.assessmentView(ctx, tx, actor, ref)
		if err != nil {
			return err
		}
		if _, err := tx.OverrideScore(ctx, id, score, reason); err != nil {
			return err
		}
		was := fmt.Sprintf("the automatic %d", view.Score.Value)
		if ref.Assessment.Overridden {
			was = fmt.Sprintf("%d, set by a reviewer", ref.Assessment.OverrideScore)
		}
		return a.audit(ctx, tx, actor, Record{Action: "assessment.score_override", ObjectType: "assessment", ObjectID: id,
			Summary: fmt.Sprintf("set the score of %s's security assessment to %d (was %s): %s", ref.Vendor.Name, score, was, reason)})
	})
}

// FindingInput is a finding as the reviewer writes it.
type FindingInput struct {
	Severity   string
	ControlKey string
	Text       string
}

// AddFinding records a finding on a submitted assessment. Findings are
// shared with the vendor.
func (a *App) AddFinding(ctx context.Context, actor domain.User, vendorID, id int64, in FindingInput) (domain.Finding, error) {
	var f domain.Finding
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		ref, err := a.reviewable(ctx, tx, actor, vendorID, id)
		if err != nil {
			return err
		}
		if err := reviewerID(actor); err != nil {
			return err
		}
		sev, err := domain.ParseSeverity(in.Severity)
		if err != nil {
			return err
		}
		text := strings.TrimSpace(in.Text)
		if text == "" || utf8.RuneCountInString(text) > 4000 {
			return domain.Invalid("text", "describe the finding (at most 4000 characters)")
		}
		key := strings.TrimSpace(in.ControlKey)
		if key != "" {
			q, err := tx.Questionnaire(ctx, ref.Assessment.QuestionnaireID)
			if err != nil {
				return err
			}
			if _, ok := q.Control(key); !ok {
				return domain.Invalid("control_key", "this questionnaire has no question %q", key)
			}
		}
		f = domain.Finding{AssessmentID: id, Severity: sev, ControlKey: key, Text: text, CreatedBy: actor.Name}
		if err := tx.AddFinding(ctx, &f, actor.ID, a.Now()); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, Record{Action: "assessment.finding", ObjectType: "assessment", ObjectID: id,
			Summary: fmt.Sprintf("recorded a %s finding on %s's security assessment: %s", sev, ref.Vendor.Name, clipText(text, 200))})
	})
	return f, err
}

func clipText(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// ReviewEvidence accepts an evidence file, or says why it is not accepted.
// Only accepted SOC 2 Type II and ISO/IEC 27001 evidence counts as
// certification. It may be done while the assessment awaits review or
// after the decision.
func (a *App) ReviewEvidence(ctx context.Context, actor domain.User, vendorID, id, evidenceID int64, accepted bool, note string) error {
	note = strings.TrimSpace(note)
	return a.Store.Write(ctx, func(tx *store.Tx) error {
		ref, err := a.loadAssessment(ctx, tx, actor, vendorID, id, ReviewAssessments)
		if err != nil {
			return err
		}
		e, err := tx.EvidenceItem(ctx, evidenceID)
		if err != nil || e.AssessmentID != id {
			return domain.NotFound("evidence")
		}
		if err := reviewerID(actor); err != nil {
			return err
		}
		if ref.Assessment.Status == domain.AssessmentInProgress {
			return domain.Errorf(domain.EConflict, "the vendor has not submitted this assessment yet")
		}
		status := domain.EvidenceAccepted
		if !accepted {
			status = domain.EvidenceRejected
			if note == "" {
				return domain.Invalid("note", "say why the file is not accepted; the vendor sees this")
			}
		}
		if utf8.RuneCountInString(note) > 1000 {
			return domain.Invalid("note", "the note must be at most 1000 characters")
		}
		if err := tx.ReviewEvidence(ctx, evidenceID, status, note, actor.ID, a.Now()); err != nil {
			return err
		}
		summary := fmt.Sprintf("%s the %s %q for %s (%s)", map[bool]string{true: "accepted", false: "did not accept"}[accepted],
			e.Kind.Label(), e.Document.Filename, ref.Vendor.Name, e.ControlKey)
		if note != "" {
			summary += ": " + note
		}
		return a.audit(ctx, tx, actor, Record{Action: "assessment.evidence_review", ObjectType: "assessment", ObjectID: id, Summary: summary})
	})
}

// Decide records the reviewer's decision on a submitted assessment and,
// in the same transaction, the vendor's due-diligence state and approval
// expiry; approved and conditionally approved vendors' paused engagements
// resume, a rejected vendor's open engagements pause. A failing critical
// control rules out an unconditional approval (domain.CheckDecision).
func (a *App) Decide(ctx context.Context, actor domain.User, vendorID, id int64, in domain.DecisionInput) (domain.Assessment, error) {
	var out domain.Assessment
	var mails []email
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		ref, err := a.reviewable(ctx, tx, actor, vendorID, id)
		if err != nil {
			return err
		}
		if err := reviewerID(actor); err != nil {
			return err
		}
		view, err := a.assessmentView(ctx, tx, actor, ref)
		if err != nil {
			return err
		}
		q, err := tx.Questionnaire(ctx, ref.Assessment.QuestionnaireID)
		if err != nil {
			return err
		}
		for i, r := range in.Remediation {
			in.Remediation[i].ControlKey = strings.TrimSpace(r.ControlKey)
			if k := in.Remediation[i].ControlKey; k != "" {
				if _, ok := q.Control(k); !ok {
					return domain.Invalid("remediation", "this questionnaire has no question %q", k)
				}
			}
		}
		if err := domain.CheckDecision(&in, view.Score, view.Today); err != nil {
			return err
		}
		ok, err := tx.DecideAssessment(ctx, id, in, view.Score.Value, actor.ID, a.Now())
		if err != nil {
			return err
		}
		if !ok {
			return domain.Errorf(domain.EConflict, "this assessment was decided meanwhile")
		}
		for i := range in.Remediation {
			in.Remediation[i].AssessmentID = id
			if err := tx.AddRemediation(ctx, &in.Remediation[i], a.Now()); err != nil {
				return err
			}
		}
		if err := tx.SetVendorDiligence(ctx, vendorID, in.Decision.Diligence(), in.ApprovedUntil); err != nil {
			return err
		}
		if in.Decision == domain.DecisionRejected {
			err = a.pauseVendorEngagements(ctx, tx, actor, vendorID, "the vendor's security assessment was rejected")
		} else {
			err = a.resumeVendorEngagements(ctx, tx, actor, vendorID)
		}
		if err != nil {
			return err
		}
		if out, err = tx.Assessment(ctx, id); err != nil {
			return err
		}
		if mails, err = a.decisionEmails(ctx, tx, ref.Vendor, out, in); err != nil {
			return err
		}
		summary := fmt.Sprintf("decided %s's security assessment: %s (score %d)", ref.Vendor.Name, strings.ToLower(in.Decision.Label()), out.FinalScore())
		if in.ApprovedUntil != "" {
			summary += ", approved until " + string(in.ApprovedUntil)
		}
		if n := len(in.Remediation); n > 0 {
			summary += fmt.Sprintf(", %d remediation item(s)", n)
		}
		if in.Note != "" {
			summary += ": " + clipText(in.Note, 300)
		}
		return a.audit(ctx, tx, actor, Record{Action: "assessment.decide", ObjectType: "assessment", ObjectID: id, Summary: summary})
	})
	if err != nil {
		return domain.Assessment{}, err
	}
	a.mailQueued(mails...)
	return out, nil
}

// decisionEmails tells the vendor's managers the decision.
func (a *App) decisionEmails(ctx context.Context, tx *store.Tx, v domain.Vendor, as domain.Assessment, in domain.DecisionInput) ([]email, error) {
	firm, err := firmName(ctx, tx)
	if err != nil {
		return nil, err
	}
	managers, err := a.vendorManagers(ctx, tx, v.ID)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	switch in.Decision {
	case domain.DecisionApproved:
		fmt.Fprintf(&b, "%s approved %s after its security assessment, until %s.\n", firm, v.Name, in.ApprovedUntil)
	case domain.DecisionConditional:
		fmt.Fprintf(&b, "%s approved %s on conditions after its security assessment, until %s. These must be done by their dates:\n\n", firm, v.Name, in.ApprovedUntil)
		for _, r := range in.Remediation {
			fmt.Fprintf(&b, "  - %s (by %s)\n", r.Text, r.DueOn)
		}
	case domain.DecisionRejected:
		fmt.Fprintf(&b, "%s did not approve %s after its security assessment, so it cannot take on new work for the firm for now.\n", firm, v.Name)
	}
	if in.Note != "" {
		fmt.Fprintf(&b, "\nThe reviewer's note: %s\n", in.Note)
	}
	fmt.Fprintf(&b, "\nThe assessment, with the reviewer's findings:\n%s\n", a.link(fmt.Sprintf("/vendors/%d/assessments/%d", v.ID, as.ID)))
	var out []email
	for _, m := range managers {
		e := email{}
		e.To = m.Email
		e.Subject = fmt.Sprintf("Security assessment of %s: %s", v.Name, strings.ToLower(in.Decision.Label()))
		e.Body = "Hello " + m.Name + ",\n\n" + b.String()
		if err := a.queueMail(ctx, tx, e); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// MarkRemediationDone records that the firm has seen a remediation item done.
func (a *App) MarkRemediationDone(ctx context.Context, actor domain.User, vendorID, id, itemID int64) error {
	return a.Store.Write(ctx, func(tx *store.Tx) error {
		ref, err := a.loadAssessment(ctx, tx, actor, vendorID, id, ReviewAssessments)
		if err != nil {
			return err
		}
		it, err := tx.RemediationItem(ctx, itemID)
		if err != nil || it.AssessmentID != id {
			return domain.NotFound("remediation item")
		}
		if err := reviewerID(actor); err != nil {
			return err
		}
		ok, err := tx.MarkRemediationDone(ctx, itemID, actor.ID, a.Now())
		if err != nil {
			return err
		}
		if !ok {
			return domain.Errorf(domain.EConflict, "this remediation item is already marked done")
		}
		late := ""
		if it.Overdue(domain.DateOf(a.Now())) {
			late = fmt.Sprintf(" (it was due %s)", it.DueOn)
		}
		return a.audit(ctx, tx, actor, Record{Action: "assessment.remediation_done", ObjectType: "assessment", ObjectID: id,
			Summary: fmt.Sprintf("marked done %s's remediation item %q%s", ref.Vendor.Name, clipText(it.Text, 200), late)})
	})
}
