package app

import (
	"context"
	"fmt"
	"slices"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// scheduler is the actor of what Probity does on its own schedule.
var scheduler = domain.User{Name: "Probity (scheduled reminders)", Role: domain.RoleFirmAdmin}

// SendApprovalReminders emails the firm's administrators and the vendor's
// managers as a vendor's approval nears its end (60, 30 and 7 days before)
// and when it has lapsed, exactly once per threshold of each approval
// period: each reminder is recorded in the transaction that queues its
// email. When several thresholds are reached at once (the server was off),
// only the latest is mailed and the earlier ones are recorded as
// superseded. On lapse, the vendor's open engagements are paused. It
// returns how many reminders it queued; serve runs it periodically.
func (a *App) SendApprovalReminders(ctx context.Context) (int, error) {
	today := domain.DateOf(a.Now())
	var vendors []domain.Vendor
	if err := a.Store.Read(ctx, func(tx *store.Tx) (err error) {
		vendors, err = tx.ApprovedVendors(ctx)
		return err
	}); err != nil {
		return 0, err
	}
	sent := 0
	for _, v := range vendors {
		due := domain.DueReminders(v.ApprovedUntil, today)
		if len(due) == 0 {
			continue
		}
		var mails []email
		err := a.Store.Write(ctx, func(tx *store.Tx) error {
			mails = nil
			cur, err := tx.Vendor(ctx, store.Scope{All: true}, v.ID)
			if err != nil || cur.ApprovedUntil != v.ApprovedUntil || cur.Diligence != v.Diligence {
				return err // decided again meanwhile: the next run sees the new period
			}
			last := due[len(due)-1]
			for _, t := range due[:len(due)-1] {
				if _, err := tx.RecordReminder(ctx, v.ID, v.ApprovedUntil, t.Name, 0, true, a.Now()); err != nil {
					return err
				}
			}
			recipients, err := a.reminderRecipients(ctx, tx, v.ID)
			if err != nil {
				return err
			}
			fresh, err := tx.RecordReminder(ctx, v.ID, v.ApprovedUntil, last.Name, len(recipients), false, a.Now())
			if err != nil || !fresh {
				return err
			}
			firm, err := firmName(ctx, tx)
			if err != nil {
				return err
			}
			if mails, err = a.notify(ctx, tx, a.reminderNotice(firm, v, last, today), recipients...); err != nil {
				return err
			}
			summary := fmt.Sprintf("reminded %d people that the approval of %s %s", len(recipients), v.Name, lapseWords(v.ApprovedUntil, today))
			if last.Name == "lapsed" {
				if err := a.pauseVendorEngagements(ctx, tx, scheduler, v.ID, fmt.Sprintf("the vendor's approval lapsed after %s", v.ApprovedUntil)); err != nil {
					return err
				}
				summary += "; its open engagements are paused until it is approved again"
			}
			return a.audit(ctx, tx, scheduler, Record{Action: "vendor.approval_reminder", ObjectType: "vendor", ObjectID: v.ID, Summary: summary})
		})
		if err != nil {
			return sent, fmt.Errorf("approval reminders for %s: %w", v.Name, err)
		}
		a.mailQueued(mails...)
		sent += len(mails)
	}
	return sent, nil
}

// reminderRecipients are the firm's administrators and the vendor's
// managers, enabled, each once.
func (a *App) reminderRecipients(ctx context.Context, tx *store.Tx, vendorID int64) ([]domain.User, error) {
	admins, err := tx.ListUsers(ctx, store.UserFilter{Role: domain.RoleFirmAdmin, Page: store.Page{Limit: store.MaxPageSize}})
	if err != nil {
		return nil, err
	}
	managers, err := a.vendorManagers(ctx, tx, vendorID)
	if err != nil {
		return nil, err
	}
	return append(slices.DeleteFunc(admins, func(u domain.User) bool { return u.Disabled }), managers...), nil
}

// lapseWords says when an approval ends, from today.
func lapseWords(until, today domain.Date) string {
	n := domain.DaysBetween(today, until)
	switch {
	case n < 0:
		return "lapsed after " + string(until)
	case n == 0:
		return "ends today (" + string(until) + ")"
	case n == 1:
		return "ends tomorrow (" + string(until) + ")"
	}
	return fmt.Sprintf("ends in %d days, on %s", n, until)
}

// reminderNotice is the approval reminder, for the firm's administrators
// and the vendor's managers alike (it says nothing of any client).
func (a *App) reminderNotice(firm string, v domain.Vendor, t domain.ReminderThreshold, today domain.Date) notice {
	n := notice{Kind: domain.NotifyApprovalExpiring, Link: fmt.Sprintf("/vendors/%d/assessments", v.ID)}
	if t.Name == "lapsed" {
		n.Subject = fmt.Sprintf("The approval of %s has lapsed", v.Name)
		n.Body = fmt.Sprintf("The approval of %s by %s %s. Until a new security assessment is decided, %s cannot be engaged, and its open engagements are paused (no new work, no document access).",
			v.Name, firm, lapseWords(v.ApprovedUntil, today), v.Name)
	} else {
		n.Subject = fmt.Sprintf("The approval of %s %s", v.Name, lapseWords(v.ApprovedUntil, today))
		n.Body = fmt.Sprintf("The approval of %s by %s %s. To keep working without a pause, the firm starts a reassessment and %s answers it before then.",
			v.Name, firm, lapseWords(v.ApprovedUntil, today), v.Name)
	}
	return n
}
