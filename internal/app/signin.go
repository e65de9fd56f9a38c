package app

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/probity/probity/internal/auth"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// SignInRequest is what a person types, plus where they came from.
type SignInRequest struct {
	Email     string
	Password  string
	Address   string
	UserAgent string
}

// errBadCredentials never says which of email or password was wrong.
var errBadCredentials = domain.Errorf(domain.EUnauthorized, "That email and password do not match an active account.")

// SignIn checks credentials and throttles, then starts a new session (a new
// token every time, so a session cannot be fixed in advance). It returns the
// session token, which only the browser keeps.
func (a *App) SignIn(ctx context.Context, r SignInRequest) (string, domain.User, error) {
	now := a.Now()
	email, err := domain.NormalizeEmail(r.Email)
	if err != nil {
		return "", domain.User{}, err
	}
	if r.Password == "" || len(r.Password) > 4*domain.MaxPasswordLength {
		return "", domain.User{}, domain.Invalid("password", "password is required")
	}
	var byAccount, byAddress int
	var user domain.User
	var hash string
	err = a.Store.Read(ctx, func(tx *store.Tx) error {
		var err error
		byAccount, byAddress, err = tx.FailedSignIns(ctx, email, r.Address, now.Add(-a.Config.ThrottleWindow))
		if err != nil {
			return err
		}
		user, hash, err = tx.UserByEmail(ctx, email)
		if domain.ErrorCode(err) == domain.ENotFound {
			return nil
		}
		return err
	})
	if err != nil {
		return "", domain.User{}, err
	}
	if byAccount >= a.Config.MaxFailsAccount || byAddress >= a.Config.MaxFailsAddress {
		a.Log.Warn("sign-in throttled", slog.String("email", email), slog.String("address", r.Address))
		if err := a.Store.Write(ctx, func(tx *store.Tx) error {
			return a.audit(ctx, tx, attempted(user, email), Record{Action: "auth.sign_in_throttled", ObjectType: "user", ObjectID: user.ID,
				Summary: fmt.Sprintf("sign-in refused: %d failures for the account, %d from the address in %s", byAccount, byAddress, a.Config.ThrottleWindow)})
		}); err != nil {
			return "", domain.User{}, err
		}
		return "", domain.User{}, domain.Errorf(domain.ETooMany, "Too many failed sign-ins. Wait %d minutes and try again, or ask your administrator.", int(a.Config.ThrottleWindow/time.Minute))
	}
	ok := false
	if user.ID == 0 || hash == "" {
		auth.BurnTime(r.Password)
	} else {
		ok, err = auth.VerifyPassword(hash, r.Password)
		if err != nil {
			a.Log.Error("stored password hash unreadable", slog.Int64("user", user.ID), slog.Any("err", err))
			ok = false
		}
	}
	ok = ok && !user.Disabled
	var token string
	err = a.Store.Write(ctx, func(tx *store.Tx) error {
		if err := tx.RecordSignIn(ctx, email, r.Address, ok, now); err != nil {
			return err
		}
		if !ok {
			return a.audit(ctx, tx, attempted(user, email), Record{Action: "auth.sign_in_failed", ObjectType: "user", ObjectID: user.ID,
				Summary: "wrong email or password, or the account is disabled"})
		}
		var idHash string
		token, idHash = auth.NewToken()
		if err := tx.CreateSession(ctx, store.Session{IDHash: idHash, UserID: user.ID, CreatedAt: now, LastSeenAt: now,
			ExpiresAt: now.Add(a.Config.SessionAbsolute), Address: r.Address, UserAgent: truncate(r.UserAgent, 300)}); err != nil {
			return err
		}
		return a.audit(ctx, tx, user, Record{Action: "auth.sign_in", ObjectType: "user", ObjectID: user.ID, Summary: "signed in with password"})
	})
	if err != nil {
		return "", domain.User{}, err
	}
	if !ok {
		a.Log.Info("sign-in failed", slog.String("email", email), slog.String("address", r.Address))
		return "", domain.User{}, errBadCredentials
	}
	a.Log.Info("signed in", slog.Int64("user", user.ID), slog.String("role", string(user.Role)))
	return token, user, nil
}

// touchEvery limits how often a session's last-seen time is written.
const touchEvery = time.Minute

// Authenticate returns the user behind a session token, ending sessions that
// are idle, past their absolute limit, or whose user is disabled.
func (a *App) Authenticate(ctx context.Context, token string) (domain.User, error) {
	unauth := domain.Errorf(domain.EUnauthorized, "Please sign in.")
	if token == "" || len(token) > 100 {
		return domain.User{}, unauth
	}
	now := a.Now()
	idHash := auth.HashToken(token)
	var s store.Session
	var u domain.User
	err := a.Store.Read(ctx, func(tx *store.Tx) error {
		var err error
		s, u, err = tx.SessionByHash(ctx, idHash)
		return err
	})
	if domain.ErrorCode(err) == domain.ENotFound {
		return domain.User{}, unauth
	}
	if err != nil {
		return domain.User{}, err
	}
	expired := !now.Before(s.ExpiresAt) || now.Sub(s.LastSeenAt) >= a.Config.SessionIdle || u.Disabled
	if expired || now.Sub(s.LastSeenAt) >= touchEvery {
		err = a.Store.Write(ctx, func(tx *store.Tx) error {
			if expired {
				return tx.DeleteSession(ctx, idHash)
			}
			return tx.TouchSession(ctx, idHash, now)
		})
		if err != nil {
			return domain.User{}, err
		}
	}
	if expired {
		return domain.User{}, domain.Errorf(domain.EUnauthorized, "Your session has ended. Please sign in again.")
	}
	return u, nil
}

// SignOut ends the session behind token.
func (a *App) SignOut(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	idHash := auth.HashToken(token)
	return a.Store.Write(ctx, func(tx *store.Tx) error {
		_, u, err := tx.SessionByHash(ctx, idHash)
		if domain.ErrorCode(err) == domain.ENotFound {
			return nil
		}
		if err != nil {
			return err
		}
		if err := tx.DeleteSession(ctx, idHash); err != nil {
			return err
		}
		return a.audit(ctx, tx, u, Record{Action: "auth.sign_out", ObjectType: "user", ObjectID: u.ID, Summary: "signed out"})
	})
}

// attempted is the actor of a failed sign-in: the account if it exists,
// otherwise just the email that was typed.
func attempted(u domain.User, email string) domain.User {
	if u.ID != 0 {
		return u
	}
	return domain.User{Name: email}
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
