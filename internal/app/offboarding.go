package app

import (
	"context"
	"fmt"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// User loads one user for an administrator.
func (a *App) User(ctx context.Context, actor domain.User, id int64) (domain.User, error) {
	if err := require(actor, ManageUsers); err != nil {
		return domain.User{}, err
	}
	var u domain.User
	err := a.Store.Read(ctx, func(tx *store.Tx) (err error) {
		u, err = tx.User(ctx, id)
		return err
	})
	return u, err
}

// DisableUser offboards a user at once: the account can no longer sign in,
// reset its password or be invited again, every session it has ends (the
// next request with an old cookie is refused), its API tokens are revoked
// and its open password-reset links stop working. Administrators cannot
// disable themselves, so a firm always keeps one.
func (a *App) DisableUser(ctx context.Context, actor domain.User, id int64) (domain.User, error) {
	return a.setDisabled(ctx, actor, id, true)
}

// EnableUser lets a disabled user sign in again with their password.
func (a *App) EnableUser(ctx context.Context, actor domain.User, id int64) (domain.User, error) {
	return a.setDisabled(ctx, actor, id, false)
}

func (a *App) setDisabled(ctx context.Context, actor domain.User, id int64, disable bool) (domain.User, error) {
	if err := require(actor, ManageUsers); err != nil {
		return domain.User{}, err
	}
	if disable && id == actor.ID {
		return domain.User{}, domain.Errorf(domain.EForbidden, "You cannot disable your own account. Another administrator can.")
	}
	var u domain.User
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		now := a.Now()
		var err error
		if u, err = tx.User(ctx, id); err != nil {
			return err
		}
		changed, err := tx.SetUserDisabled(ctx, id, disable, now)
		if err != nil {
			return err
		}
		if !changed {
			state := "enabled"
			if disable {
				state = "disabled"
			}
			return domain.Errorf(domain.EConflict, "%s is already %s.", u.Name, state)
		}
		u.Disabled = disable
		if !disable {
			return a.audit(ctx, tx, actor, Record{Action: "user.enable", ObjectType: "user", ObjectID: id,
				Summary: fmt.Sprintf("enabled %s (%s); they can sign in again", u.Name, u.Email)})
		}
		if err := tx.DeleteUserSessions(ctx, id); err != nil {
			return err
		}
		if err := tx.RevokeUserTokens(ctx, id, now); err != nil {
			return err
		}
		if err := tx.EndPasswordResets(ctx, id, now); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, Record{Action: "user.disable", ObjectType: "user", ObjectID: id,
			Summary: fmt.Sprintf("disabled %s (%s): all their sessions ended, API tokens revoked, reset links voided", u.Name, u.Email)})
	})
	if err != nil {
		return domain.User{}, err
	}
	return u, nil
}
