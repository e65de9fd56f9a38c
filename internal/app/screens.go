package app

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// Screens lists who is screened from a matter. Only attorneys and firm
// administrators who can see the matter may read it, and for a highly
// confidential matter only from a session that passed a second factor (as
// for the matter itself).
func (a *App) Screens(ctx context.Context, actor domain.User, matterID int64) ([]store.ScreenEntry, error) {
	var out []store.ScreenEntry
	err := a.Store.Read(ctx, func(tx *store.Tx) error {
		if _, err := a.screenMatter(ctx, tx, actor, matterID); err != nil {
			return err
		}
		var err error
		out, err = tx.Screens(ctx, matterID)
		return err
	})
	return out, err
}

// screenMatter loads a matter for screen work: in the actor's scope (else
// not found), by an attorney or administrator, and for a highly confidential
// matter only from a session that passed a second factor.
func (a *App) screenMatter(ctx context.Context, tx *store.Tx, actor domain.User, matterID int64) (domain.Matter, error) {
	m, err := tx.Matter(ctx, ScopeFor(actor), matterID)
	if err != nil {
		return m, err
	}
	if err := require(actor, ManageScreens); err != nil {
		return m, err
	}
	return m, a.confidentialGate(ctx, tx, actor, m)
}

// screenReason checks the reason every screen change records.
func screenReason(reason, ask string) (string, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" || utf8.RuneCountInString(reason) > 1000 {
		return "", domain.Invalid("reason", "%s (at most 1000 characters)", ask)
	}
	return reason, nil
}

// ScreenUser keeps a firm user out of a matter everywhere (an ethical screen,
// e.g. for a lateral hire who acted for the other side). The screened user
// leaves the matter's team. A firm administrator cannot be screened (they see
// everything by role), nor can the matter's responsible attorney or anyone
// supervising an open engagement on it: reassign those first.
func (a *App) ScreenUser(ctx context.Context, actor domain.User, matterID, userID int64, reason string) error {
	reason, err := screenReason(reason, "say why the screen is needed")
	if err != nil {
		return err
	}
	return a.Store.Write(ctx, func(tx *store.Tx) error {
		m, err := a.screenMatter(ctx, tx, actor, matterID)
		if err != nil {
			return err
		}
		u, err := tx.User(ctx, userID)
		if err != nil {
			return domain.Invalid("user", "choose a firm user to screen")
		}
		switch {
		case !u.Role.IsFirm():
			return domain.Invalid("user", "only firm users are screened; vendors and clients never see matters they are not assigned to")
		case u.Role == domain.RoleFirmAdmin:
			return domain.Invalid("user", "%s is a firm administrator and sees every matter; change their role before screening them", u.Name)
		case u.ID == actor.ID:
			return domain.Invalid("user", "you cannot screen yourself")
		case u.ID == m.ResponsibleAttorneyID:
			return domain.Invalid("user", "%s is the responsible attorney on this matter; assign another before screening them", u.Name)
		}
		if sup, err := tx.SupervisesOnMatter(ctx, matterID, u.ID); err != nil {
			return err
		} else if sup {
			return domain.Invalid("user", "%s supervises an engagement on this matter; reassign it before screening them", u.Name)
		}
		if err := tx.Screen(ctx, matterID, u.ID, actor.ID, reason, a.Now()); err != nil {
			if domain.ErrorCode(err) == domain.EConflict {
				return domain.Errorf(domain.EConflict, "%s is already screened from this matter", u.Name)
			}
			return err
		}
		left, err := tx.RemoveTeamMember(ctx, matterID, u.ID)
		if err != nil {
			return err
		}
		summary := fmt.Sprintf("screened %s from %s: %s", u.Name, m.Number, reason)
		if left {
			summary += " (removed from the matter team)"
		}
		return a.audit(ctx, tx, actor, Record{Action: "matter.screen", ObjectType: "user", ObjectID: u.ID, MatterID: matterID, Summary: summary})
	})
}

// Unscreen lifts a screen, with a reason for the record.
func (a *App) Unscreen(ctx context.Context, actor domain.User, matterID, userID int64, reason string) error {
	reason, err := screenReason(reason, "say why the screen can be lifted")
	if err != nil {
		return err
	}
	return a.Store.Write(ctx, func(tx *store.Tx) error {
		m, err := a.screenMatter(ctx, tx, actor, matterID)
		if err != nil {
			return err
		}
		u, err := tx.User(ctx, userID)
		if err != nil {
			return domain.NotFound("screen")
		}
		if err := tx.Unscreen(ctx, matterID, userID); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, Record{Action: "matter.unscreen", ObjectType: "user", ObjectID: u.ID, MatterID: matterID,
			Summary: fmt.Sprintf("lifted the screen of %s from %s: %s", u.Name, m.Number, reason)})
	})
}

// ScreenCandidates are the firm users who could be screened from a matter.
func (a *App) ScreenCandidates(ctx context.Context, actor domain.User) ([]domain.User, error) {
	if err := require(actor, ManageScreens); err != nil {
		return nil, err
	}
	var out []domain.User
	err := a.Store.Read(ctx, func(tx *store.Tx) error {
		for _, role := range []domain.Role{domain.RoleAttorney, domain.RoleStaff} {
			us, err := tx.ListUsers(ctx, store.UserFilter{Role: role, Page: store.Page{Limit: store.MaxPageSize}})
			if err != nil {
				return err
			}
			out = append(out, us...)
		}
		return nil
	})
	return out, err
}
