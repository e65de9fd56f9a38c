package app

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/probity/probity/internal/auth"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/mail"
	"github.com/probity/probity/internal/store"
)

// ResetSubject is the subject of every answer to a reset request, whether or
// not the address has an account, so the outbox looks the same either way.
const ResetSubject = "Resetting your Probity password"

// ResetRequest is someone asking, signed out, to reset a password.
type ResetRequest struct {
	Email   string
	Address string // the client address, for throttling
}

// RequestPasswordReset answers a forgotten password. Whatever the address,
// the caller learns nothing: one email goes to it either way, a reset link
// when it belongs to an active account and a notice that there is no such
// account otherwise, and the same error-free return. Requests beyond the
// limits (per email and per client address) send nothing, silently.
func (a *App) RequestPasswordReset(ctx context.Context, r ResetRequest) error {
	addr, err := domain.NormalizeEmail(r.Email)
	if err != nil {
		return err
	}
	cfg := a.Config.Accounts
	now := a.Now()
	if m := metaOf(ctx); m.Address == "" {
		m.Address = r.Address // the audit event records it, and the throttle counts those
		ctx = WithMeta(ctx, m)
	}
	var queued []email
	err = a.Store.Write(ctx, func(tx *store.Tx) error {
		since := now.Add(-cfg.ResetWindow)
		byEmail, err := tx.CountMailTo(ctx, addr, ResetSubject, since)
		if err != nil {
			return err
		}
		byAddress, err := tx.CountAuditFromAddress(ctx, "password.reset_requested", r.Address, since)
		if err != nil {
			return err
		}
		u, _, err := tx.UserByEmail(ctx, addr)
		if err != nil && domain.ErrorCode(err) != domain.ENotFound {
			return err
		}
		if byEmail >= cfg.MaxResetsEmail || byAddress >= cfg.MaxResetsAddress {
			a.Log.Warn("password reset throttled", slog.String("email", addr), slog.String("address", r.Address))
			return a.audit(ctx, tx, attempted(u, addr), Record{Action: "password.reset_throttled", ObjectType: "user", ObjectID: u.ID,
				Summary: fmt.Sprintf("reset request refused: %d emails to the address and %d requests from the client address in %s", byEmail, byAddress, cfg.ResetWindow)})
		}
		var e email
		summary := "asked for a password reset; a reset link was emailed"
		if u.ID != 0 && !u.Disabled {
			token, hash := auth.NewToken()
			p := store.PasswordReset{TokenHash: hash, UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(cfg.ResetTTL)}
			if err := tx.CreatePasswordReset(ctx, p); err != nil {
				return err
			}
			e = a.resetEmail(u, token, p.ExpiresAt)
		} else {
			e = noAccountEmail(addr)
			summary = "asked for a password reset, but the address has no active account; a notice was emailed instead"
		}
		if err := a.queueMail(ctx, tx, e); err != nil {
			return err
		}
		queued = append(queued, e)
		return a.audit(ctx, tx, attempted(u, addr), Record{Action: "password.reset_requested", ObjectType: "user", ObjectID: u.ID, Summary: summary})
	})
	if err != nil {
		return err
	}
	a.mailQueued(queued...)
	return nil
}

func (a *App) resetEmail(u domain.User, token string, expires time.Time) email {
	link := a.link("/password/reset/" + token)
	var b strings.Builder
	fmt.Fprintf(&b, "Hello %s,\n\nSomeone (we hope you) asked to reset the password of your Probity account, %s.\n\n", u.Name, u.Email)
	b.WriteString("To choose a new password, open this link:\n\n" + link + "\n\n")
	fmt.Fprintf(&b, "The link works once and expires at %s (UTC). Choosing a new password signs you out everywhere.\n", expires.UTC().Format("15:04 on 2 January 2006"))
	b.WriteString("If you did not ask for this, ignore this email: your password stays as it is.\n\n— Probity\n")
	return email{Message: mail.Message{To: u.Email, Subject: ResetSubject, Body: b.String()}, Link: link}
}

func noAccountEmail(addr string) email {
	body := fmt.Sprintf("Hello,\n\nSomeone asked to reset the Probity password for %s, but no active Probity account uses this address, so nothing was changed.\n\n"+
		"If you work with the firm and expected an account, ask its Probity administrator. If you did not ask, you can ignore this email.\n\n— Probity\n", addr)
	return email{Message: mail.Message{To: addr, Subject: ResetSubject, Body: body}}
}

var errBadReset = domain.Errorf(domain.ENotFound, "This password reset link is not valid. Check that you opened the whole link from the email, or ask for a new one.")

// resetProblem explains why a reset link cannot be used, or is nil.
func resetProblem(p store.PasswordReset, u domain.User, now time.Time) error {
	switch {
	case u.Disabled:
		return domain.Errorf(domain.EForbidden, "This account is disabled, so its password cannot be reset. Ask your firm's Probity administrator.")
	case !p.UsedAt.IsZero():
		return domain.Errorf(domain.EConflict, "This password reset link has already been used. If you need to, ask for a new one.")
	case !now.Before(p.ExpiresAt):
		return domain.Errorf(domain.EConflict, "This password reset link expired at %s (UTC). Ask for a new one.", p.ExpiresAt.UTC().Format("15:04 on 2 January 2006"))
	}
	return nil
}

// OpenPasswordReset checks a reset link before the new password is asked
// for, and returns whose account it is for.
func (a *App) OpenPasswordReset(ctx context.Context, token string) (domain.User, error) {
	if !wellFormedToken(token) {
		return domain.User{}, errBadReset
	}
	var p store.PasswordReset
	var u domain.User
	err := a.Store.Read(ctx, func(tx *store.Tx) (err error) {
		p, u, err = tx.PasswordResetByHash(ctx, auth.HashToken(token))
		return err
	})
	if domain.ErrorCode(err) == domain.ENotFound {
		return domain.User{}, errBadReset
	}
	if err != nil {
		return domain.User{}, err
	}
	return u, resetProblem(p, u, a.Now())
}

// ResetPassword sets a new password through an emailed link: the link works
// once, before it expires, for an account that is not disabled. Every
// session of the user ends, every other reset link of theirs stops working,
// and they are told by email that the password changed.
func (a *App) ResetPassword(ctx context.Context, token, password string) (domain.User, error) {
	if !wellFormedToken(token) {
		return domain.User{}, errBadReset
	}
	if err := domain.ValidatePassword(password); err != nil {
		return domain.User{}, err
	}
	hash, err := auth.HashPassword(password, a.Config.Password)
	if err != nil {
		return domain.User{}, err
	}
	var u domain.User
	var e email
	err = a.Store.Write(ctx, func(tx *store.Tx) error {
		now := a.Now()
		var p store.PasswordReset
		var err error
		p, u, err = tx.PasswordResetByHash(ctx, auth.HashToken(token))
		if domain.ErrorCode(err) == domain.ENotFound {
			return errBadReset
		}
		if err != nil {
			return err
		}
		if err := resetProblem(p, u, now); err != nil {
			return err
		}
		ok, err := tx.UsePasswordReset(ctx, p.TokenHash, now)
		if err != nil {
			return err
		}
		if !ok {
			return domain.Errorf(domain.EConflict, "This password reset link has already been used.")
		}
		if err := tx.SetPassword(ctx, u.ID, hash, now); err != nil {
			return err
		}
		if err := tx.DeleteUserSessions(ctx, u.ID); err != nil {
			return err
		}
		if err := tx.EndPasswordResets(ctx, u.ID, now); err != nil {
			return err
		}
		e = email{Message: mail.Message{To: u.Email, Subject: "Your Probity password was changed",
			Body: fmt.Sprintf("Hello %s,\n\nThe password of your Probity account, %s, was changed at %s (UTC) through a reset link, and every session of the account was signed out.\n\n"+
				"If this was not you, tell your firm's Probity administrator at once.\n\n— Probity\n", u.Name, u.Email, now.UTC().Format("15:04 on 2 January 2006"))}}
		if err := a.queueMail(ctx, tx, e); err != nil {
			return err
		}
		return a.audit(ctx, tx, u, Record{Action: "password.reset", ObjectType: "user", ObjectID: u.ID,
			Summary: fmt.Sprintf("%s set a new password through an emailed reset link; all their sessions ended", u.Email)})
	})
	if err != nil {
		return domain.User{}, err
	}
	a.mailQueued(e)
	return u, nil
}
