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
// session token, which only the browser keeps. The session may still owe a
// second factor: StartSignIn says which step comes next.
func (a *App) SignIn(ctx context.Context, r SignInRequest) (string, domain.User, error) {
	res, err := a.StartSignIn(ctx, r)
	return res.Token, res.User, err
}

// SignInResult is a session just started: its token (only the browser keeps
// it), its user, and the step still owed before it is fully signed in.
type SignInResult struct {
	Token string
	User  domain.User
	Step  domain.SignInStep
}

// StartSignIn is the password step of signing in. When the user has an
// authenticator, or their role must have one, the session starts pending and
// reaches nothing but the next step (see ResolveSession).
func (a *App) StartSignIn(ctx context.Context, r SignInRequest) (SignInResult, error) {
	now := a.Now()
	email, err := domain.NormalizeEmail(r.Email)
	if err != nil {
		return SignInResult{}, err
	}
	if r.Password == "" || len(r.Password) > 4*domain.MaxPasswordLength {
		return SignInResult{}, domain.Invalid("password", "password is required")
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
		return SignInResult{}, err
	}
	if byAccount >= a.Config.MaxFailsAccount || byAddress >= a.Config.MaxFailsAddress {
		a.Log.Warn("sign-in throttled", slog.String("email", email), slog.String("address", r.Address))
		if err := a.Store.Write(ctx, func(tx *store.Tx) error {
			return a.audit(ctx, tx, attempted(user, email), Record{Action: "auth.sign_in_throttled", ObjectType: "user", ObjectID: user.ID,
				Summary: fmt.Sprintf("sign-in refused: %d failures for the account, %d from the address in %s", byAccount, byAddress, a.Config.ThrottleWindow)})
		}); err != nil {
			return SignInResult{}, err
		}
		return SignInResult{}, domain.Errorf(domain.ETooMany, "Too many failed sign-ins. Wait %d minutes and try again, or ask your administrator.", int(a.Config.ThrottleWindow/time.Minute))
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
	res := SignInResult{User: user}
	err = a.Store.Write(ctx, func(tx *store.Tx) error {
		if err := tx.RecordSignIn(ctx, email, r.Address, ok, now); err != nil {
			return err
		}
		if !ok {
			return a.audit(ctx, tx, attempted(user, email), Record{Action: "auth.sign_in_failed", ObjectType: "user", ObjectID: user.ID,
				Summary: "wrong email or password, or the account is disabled"})
		}
		var err error
		if res.Token, res.Step, err = a.startSession(ctx, tx, user, domain.MethodPassword, false, r.Address, r.UserAgent); err != nil {
			return err
		}
		return a.audit(ctx, tx, user, Record{Action: "auth.sign_in", ObjectType: "user", ObjectID: user.ID, Summary: "signed in with password" + stepNote(res.Step)})
	})
	if err != nil {
		return SignInResult{}, err
	}
	if !ok {
		a.Log.Info("sign-in failed", slog.String("email", email), slog.String("address", r.Address))
		return SignInResult{}, errBadCredentials
	}
	a.Log.Info("signed in", slog.Int64("user", user.ID), slog.String("role", string(user.Role)), slog.String("step", string(res.Step)))
	return res, nil
}

// startSession stores a new session for user and returns its token and the
// step it still owes: none when mfa is already proven (an identity provider
// that reports a second factor), a code when the user has an authenticator,
// set-up when the firm's policy requires one of the user's role.
func (a *App) startSession(ctx context.Context, tx *store.Tx, user domain.User, method string, mfa bool, address, userAgent string) (string, domain.SignInStep, error) {
	now := a.Now()
	step := domain.StepNone
	if !mfa {
		t, err := tx.UserTOTP(ctx, user.ID)
		if err != nil {
			return "", "", err
		}
		p, err := a.mfaPolicy(ctx, tx)
		if err != nil {
			return "", "", err
		}
		switch {
		case t.Enabled():
			step = domain.StepCode
		case p.Requires(user.Role):
			step = domain.StepEnrol
		}
	}
	token, idHash := auth.NewToken()
	s := store.Session{IDHash: idHash, UserID: user.ID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(a.Config.SessionAbsolute),
		Address: address, UserAgent: truncate(userAgent, 300), Method: method, PendingMFA: step != domain.StepNone}
	if mfa {
		s.MFAAt = now
	}
	return token, step, tx.CreateSession(ctx, s)
}

func stepNote(s domain.SignInStep) string {
	switch s {
	case domain.StepCode:
		return "; second factor owed"
	case domain.StepEnrol:
		return "; must set up a second factor (firm policy)"
	}
	return ""
}

// touchEvery limits how often a session's last-seen time is written.
const touchEvery = time.Minute

// Authenticate returns the user behind a fully signed-in session: a session
// still owing its second factor is refused, like no session at all.
func (a *App) Authenticate(ctx context.Context, token string) (domain.User, error) {
	s, err := a.ResolveSession(ctx, token)
	if err != nil {
		return domain.User{}, err
	}
	if s.Step != domain.StepNone {
		return domain.User{}, errStepOwed
	}
	return s.User, nil
}

var errStepOwed = domain.Errorf(domain.EUnauthorized, "Your sign-in is not complete: enter the code from your authenticator app first.")

// ResolveSession returns the session behind a token with its user, ending
// sessions that are idle, past their absolute limit, or whose user is
// disabled. The session's Step says what it still owes; the HTTP layer lets a
// session with a step reach only the page of that step.
func (a *App) ResolveSession(ctx context.Context, token string) (domain.Session, error) {
	unauth := domain.Errorf(domain.EUnauthorized, "Please sign in.")
	if token == "" || len(token) > 100 {
		return domain.Session{}, unauth
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
		return domain.Session{}, unauth
	}
	if err != nil {
		return domain.Session{}, err
	}
	expired := a.expired(s, u, now)
	if expired || now.Sub(s.LastSeenAt) >= touchEvery {
		err = a.Store.Write(ctx, func(tx *store.Tx) error {
			if expired {
				return tx.DeleteSession(ctx, idHash)
			}
			return tx.TouchSession(ctx, idHash, now)
		})
		if err != nil {
			return domain.Session{}, err
		}
		if !expired {
			s.LastSeenAt = now
		}
	}
	if expired {
		return domain.Session{}, domain.Errorf(domain.EUnauthorized, "Your session has ended. Please sign in again.")
	}
	return publicSession(s, u), nil
}

// pendingLimit is how long a session may owe its second factor (or its
// set-up) before it ends and the person signs in again.
const pendingLimit = 30 * time.Minute

// expired reports whether a session has ended: idle too long, past its
// absolute limit, still owing its second factor after pendingLimit, or its
// user disabled.
func (a *App) expired(s store.Session, u domain.User, now time.Time) bool {
	return !now.Before(s.ExpiresAt) || now.Sub(s.LastSeenAt) >= a.Config.SessionIdle || u.Disabled ||
		s.PendingMFA && now.Sub(s.CreatedAt) >= pendingLimit
}

// publicSession is the session as people see it, named by its handle.
func publicSession(s store.Session, u domain.User) domain.Session {
	d := domain.Session{Handle: s.Handle(), User: u, CreatedAt: s.CreatedAt, LastSeenAt: s.LastSeenAt, ExpiresAt: s.ExpiresAt,
		Address: s.Address, UserAgent: s.UserAgent, Method: s.Method, MFAAt: s.MFAAt}
	switch {
	case !s.PendingMFA:
	case s.TOTPEnabled:
		d.Step = domain.StepCode
	default:
		d.Step = domain.StepEnrol
	}
	return d
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
