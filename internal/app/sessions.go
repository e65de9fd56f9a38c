package app

import (
	"context"
	"fmt"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// AccountSecurity is one user's sign-in security: their second factor and
// their active sessions.
type AccountSecurity struct {
	User     domain.User
	MFA      MFAStatus
	Sessions []domain.Session
}

// Security returns a user's second-factor status and active sessions.
// Everyone may see their own; firm administrators anyone's. current is the
// handle of the session asking, marked Current in the list.
func (a *App) Security(ctx context.Context, actor domain.User, userID int64, current string) (AccountSecurity, error) {
	if err := ownOrAdmin(actor, userID); err != nil {
		return AccountSecurity{}, err
	}
	var v AccountSecurity
	now := a.Now()
	err := a.Store.Read(ctx, func(tx *store.Tx) error {
		var err error
		if v.User, err = tx.User(ctx, userID); err != nil {
			return err
		}
		if v.MFA, err = a.mfaStatus(ctx, tx, v.User); err != nil {
			return err
		}
		ss, err := tx.UserSessions(ctx, userID)
		if err != nil {
			return err
		}
		for _, s := range ss {
			if a.expired(s, v.User, now) {
				continue // ended; removed at its next use or by the sweep
			}
			p := publicSession(s, v.User)
			p.Current = current != "" && p.Handle == current
			v.Sessions = append(v.Sessions, p)
		}
		return nil
	})
	return v, err
}

// Sessions lists a user's active sessions (see Security for who may).
func (a *App) Sessions(ctx context.Context, actor domain.User, userID int64, current string) ([]domain.Session, error) {
	v, err := a.Security(ctx, actor, userID, current)
	return v.Sessions, err
}

// EndSession ends one of a user's sessions, named by its handle. Everyone
// may end their own; firm administrators anyone's.
func (a *App) EndSession(ctx context.Context, actor domain.User, userID int64, handle string) error {
	if err := ownOrAdmin(actor, userID); err != nil {
		return err
	}
	if !domain.ValidSessionHandle(handle) {
		return domain.Invalid("id", "a session id is %d hexadecimal digits", domain.SessionHandleLength)
	}
	return a.Store.Write(ctx, func(tx *store.Tx) error {
		u, err := tx.User(ctx, userID)
		if err != nil {
			return err
		}
		if err := tx.DeleteUserSessionByHandle(ctx, userID, handle); err != nil {
			return err
		}
		whose := "their own session"
		if u.ID != actor.ID {
			whose = fmt.Sprintf("a session of %s (%s)", u.Name, u.Email)
		}
		return a.audit(ctx, tx, actor, Record{Action: "session.end", ObjectType: "user", ObjectID: u.ID,
			Summary: fmt.Sprintf("ended %s (%s)", whose, handle)})
	})
}

// ownOrAdmin allows a user's own account, and anyone's to firm administrators.
func ownOrAdmin(actor domain.User, userID int64) error {
	if actor.ID != 0 && actor.ID == userID && !actor.Disabled {
		return nil
	}
	return require(actor, ManageUsers)
}
