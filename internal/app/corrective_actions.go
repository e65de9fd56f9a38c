package app

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// Corrective actions: the auditor raises one to the vendor from an audit
// (a finding, or the audit as a whole) with a due date; the vendor's
// managers are emailed the request (never the item's content), a manager
// responds, the supervising attorney is emailed and verifies: accept
// closes it, reject (with a note) reopens it.

// maxCorrectiveText is the longest description, response or note.
const maxCorrectiveText = 4000

// correctiveOf checks that corrective action cid belongs to the engagement.
func correctiveOf(ctx context.Context, tx *store.Tx, cid int64) func(domain.Engagement) error {
	return func(e domain.Engagement) error {
		_, err := tx.CorrectiveAction(ctx, e.ID, cid)
		return err
	}
}

// correctiveText trims and checks a required text of a corrective action.
func correctiveText(field, s, say string) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "", domain.Invalid(field, "%s", say)
	case utf8.RuneCountInString(s) > maxCorrectiveText:
		return "", domain.Invalid(field, "at most %d characters", maxCorrectiveText)
	}
	return s, nil
}

// RaiseCorrectiveAction raises a corrective action to the vendor from an
// audit (a finding, or the audit as a whole) with a due date.
func (a *App) RaiseCorrectiveAction(ctx context.Context, actor domain.User, engagementID, auditID int64, c domain.CorrectiveAction) (domain.CorrectiveAction, error) {
	var out domain.CorrectiveAction
	var mails []email
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		mails = nil
		ref, err := a.onEngagement(ctx, tx, actor, engagementID, domain.ActivityAudit, auditOf(ctx, tx, auditID), conductor(actor))
		if err != nil {
			return err
		}
		au, err := tx.Audit(ctx, engagementID, auditID)
		if err != nil {
			return err
		}
		if au.State == domain.AuditDue {
			return domain.Errorf(domain.EConflict, "the audit's sample is not drawn yet; corrective actions are raised from its results")
		}
		desc, err := correctiveText("description", c.Description, "describe what the vendor must correct")
		if err != nil {
			return err
		}
		if c.DueOn == "" {
			return domain.Invalid("due_on", "give the date the correction is due")
		}
		due, err := domain.ParseDate("due_on", string(c.DueOn))
		if err != nil {
			return err
		}
		today, err := a.todayFor(ctx, tx, actor)
		if err != nil {
			return err
		}
		if due.Before(today) {
			return domain.Invalid("due_on", "the due date %s is in the past", due)
		}
		if c.FindingID != 0 {
			fs, err := tx.AuditFindings(ctx, auditID)
			if err != nil {
				return err
			}
			if !containsFinding(fs, c.FindingID) {
				return domain.Invalid("finding", "finding %d is not a finding of this audit", c.FindingID)
			}
		}
		out = domain.CorrectiveAction{AuditID: auditID, EngagementID: engagementID, VendorID: ref.Engagement.VendorID, FindingID: c.FindingID,
			Description: desc, DueOn: due, RaisedBy: actor.ID, RaisedName: actor.Name, RaisedAt: a.Now()}
		if err := tx.CreateCorrectiveAction(ctx, &out); err != nil {
			return err
		}
		managers, err := a.vendorManagers(ctx, tx, ref.Engagement.VendorID)
		if err != nil {
			return err
		}
		firm, err := firmName(ctx, tx)
		if err != nil {
			return err
		}
		if mails, err = a.notify(ctx, tx, notice{Kind: domain.NotifyCorrectiveAction, EngagementID: engagementID,
			Subject: fmt.Sprintf("Corrective action requested on %s, due %s", ref.Matter.Number, due),
			Body: fmt.Sprintf("%s raised a corrective action from a quality audit of your work on %s. It is due by %s.\n\n%s\n\nRespond in Probity.",
				firm, ref.Matter.Number, due, desc),
			Link: fmt.Sprintf("/engagements/%d/audits/%d", engagementID, auditID)}, managers...); err != nil {
			return err
		}
		on := "the audit as a whole"
		if c.FindingID != 0 {
			on = fmt.Sprintf("finding %d", c.FindingID)
		}
		return a.audit(ctx, tx, actor, Record{Action: "audit.corrective_raise", ObjectType: "engagement", ObjectID: engagementID, MatterID: ref.Matter.ID,
			Summary: fmt.Sprintf("raised corrective action %d on %s from audit %d (%s), due %s; %d vendor manager(s) emailed", out.ID, ref.Matter.Number,
				auditID, on, due, len(mails))})
	})
	if err != nil {
		return domain.CorrectiveAction{}, err
	}
	a.mailQueued(mails...)
	return out, nil
}

func containsFinding(fs []domain.AuditFinding, id int64) bool {
	for _, f := range fs {
		if f.ID == id {
			return true
		}
	}
	return false
}

// RespondCorrectiveAction records the vendor manager's response.
func (a *App) RespondCorrectiveAction(ctx context.Context, actor domain.User, engagementID, id int64, response string) error {
	var mails []email
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		mails = nil
		ref, err := a.onEngagement(ctx, tx, actor, engagementID, domain.ActivityCorrective, correctiveOf(ctx, tx, id), func(e domain.Engagement) error {
			if err := require(actor, RespondCorrective); err != nil {
				return err
			}
			if actor.VendorID != e.VendorID {
				return domain.NotFound("corrective action")
			}
			return nil
		})
		if err != nil {
			return err
		}
		c, err := tx.CorrectiveAction(ctx, engagementID, id)
		if err != nil {
			return err
		}
		if c.State != domain.CorrectiveOpen {
			return domain.Errorf(domain.EConflict, "the corrective action is %s, not open", c.State)
		}
		if response, err = correctiveText("response", response, "say what was corrected and how"); err != nil {
			return err
		}
		if err := tx.RespondCorrectiveAction(ctx, id, actor.ID, response, a.Now()); err != nil {
			return err
		}
		att, err := tx.User(ctx, ref.Engagement.SupervisingAttorneyID)
		if err != nil {
			return err
		}
		if mails, err = a.notify(ctx, tx, notice{Kind: domain.NotifyCorrectiveAction, EngagementID: engagementID,
			Subject: fmt.Sprintf("Corrective action answered on %s", ref.Matter.Number),
			Body: fmt.Sprintf("%s responded to corrective action %d on %s (due %s). Verify the response and close or reopen it.",
				actor.Name, id, ref.Matter.Number, c.DueOn),
			Link: fmt.Sprintf("/engagements/%d/audits/%d", engagementID, c.AuditID)}, att); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, Record{Action: "audit.corrective_respond", ObjectType: "engagement", ObjectID: engagementID, MatterID: ref.Matter.ID,
			Summary: fmt.Sprintf("responded to corrective action %d on %s, for the supervising attorney's verification", id, ref.Matter.Number)})
	})
	if err == nil {
		a.mailQueued(mails...)
	}
	return err
}

// VerifyCorrectiveAction closes a responded corrective action (accept) or
// reopens it with the attorney's note.
func (a *App) VerifyCorrectiveAction(ctx context.Context, actor domain.User, engagementID, id int64, accept bool, note string) error {
	return a.Store.Write(ctx, func(tx *store.Tx) error {
		ref, err := a.onEngagement(ctx, tx, actor, engagementID, domain.ActivityAudit, correctiveOf(ctx, tx, id), func(e domain.Engagement) error {
			if err := require(actor, VerifyCorrective); err != nil {
				return err
			}
			if actor.ID != e.SupervisingAttorneyID {
				return domain.Errorf(domain.EForbidden, "only the engagement's supervising attorney verifies corrective actions")
			}
			return nil
		})
		if err != nil {
			return err
		}
		c, err := tx.CorrectiveAction(ctx, engagementID, id)
		if err != nil {
			return err
		}
		if c.State != domain.CorrectiveResponded {
			return domain.Errorf(domain.EConflict, "the corrective action is %s: only a responded action is verified", c.State)
		}
		note = strings.TrimSpace(note)
		if !accept {
			if note, err = correctiveText("note", note, "say why the response does not resolve it: the vendor sees the note"); err != nil {
				return err
			}
		} else if utf8.RuneCountInString(note) > maxCorrectiveText {
			return domain.Invalid("note", "at most %d characters", maxCorrectiveText)
		}
		if err := tx.VerifyCorrectiveAction(ctx, id, actor.ID, accept, note, a.Now()); err != nil {
			return err
		}
		what := "accepted the response to corrective action %d on %s and closed it"
		if !accept {
			what = "rejected the response to corrective action %d on %s and reopened it"
		}
		return a.audit(ctx, tx, actor, Record{Action: "audit.corrective_verify", ObjectType: "engagement", ObjectID: engagementID, MatterID: ref.Matter.ID,
			Summary: fmt.Sprintf(what, id, ref.Matter.Number)})
	})
}
