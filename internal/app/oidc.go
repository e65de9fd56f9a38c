package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/probity/probity/internal/auth"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// OIDCEnabled reports whether firm users may sign in with the firm's identity provider.
func (a *App) OIDCEnabled() bool { return a.OIDC != nil }

// OIDCAuthURL is where to send a browser to sign in at the identity provider
// for the flow f (whose state, nonce and verifier the browser keeps).
func (a *App) OIDCAuthURL(ctx context.Context, f auth.OIDCFlow) (string, error) {
	if a.OIDC == nil {
		return "", errNoOIDC
	}
	u, err := a.OIDC.AuthURL(ctx, f)
	if err != nil {
		a.Log.Error("identity provider unreachable", slog.Any("err", err))
		return "", errOIDCDown
	}
	return u, nil
}

var (
	errNoOIDC   = domain.Errorf(domain.ENotFound, "Sign-in with an identity provider is not set up here.")
	errOIDCDown = domain.Errorf(domain.EUnavailable, "The firm's identity provider cannot be reached just now. Try again shortly, or sign in with your email and password.")
)

// OIDCSignIn is the identity provider's answer as the browser brings it back,
// with the flow the browser kept.
type OIDCSignIn struct {
	Code      string
	Flow      auth.OIDCFlow
	Address   string
	UserAgent string
}

// SignInWithOIDC finishes signing in with the firm's identity provider: the
// code is exchanged and the ID token verified (signature, issuer, audience,
// expiry, nonce); the identity is matched to a firm user by its (issuer,
// subject), or the first time by its verified email. Vendor and client users
// never sign in this way, and no account is ever created. The session counts
// as having passed a second factor only if the provider says so (amr "mfa"
// or "otp"); otherwise the usual second-factor step follows.
func (a *App) SignInWithOIDC(ctx context.Context, r OIDCSignIn) (SignInResult, error) {
	if a.OIDC == nil {
		return SignInResult{}, errNoOIDC
	}
	if r.Code == "" || len(r.Code) > 2048 {
		return SignInResult{}, domain.Invalid("code", "the identity provider sent no usable code")
	}
	claims, err := a.OIDC.Exchange(ctx, r.Code, r.Flow)
	if errors.Is(err, auth.ErrOIDC) {
		a.Log.Warn("identity provider sign-in refused", slog.Any("err", err), slog.String("address", r.Address))
		return SignInResult{}, a.oidcRefused(ctx, domain.User{Name: "(identity provider)"}, "the identity provider's answer did not verify",
			"Your identity provider's answer could not be verified, so you are not signed in. Try again, or sign in with your email and password.")
	}
	if err != nil {
		a.Log.Error("identity provider unreachable", slog.Any("err", err))
		return SignInResult{}, errOIDCDown
	}
	var res SignInResult
	var refused error
	err = a.Store.Write(ctx, func(tx *store.Tx) error {
		u, linked, why, err := a.oidcUser(ctx, tx, claims)
		if err != nil {
			return err
		}
		if why != "" {
			refused = domain.Errorf(domain.EUnauthorized, "%s", why)
			return a.audit(ctx, tx, attempted(u, claims.Email), Record{Action: "auth.sign_in_failed", ObjectType: "user", ObjectID: u.ID,
				Summary: fmt.Sprintf("identity provider sign-in refused for %q: %s", claims.Email, why)})
		}
		if !linked {
			if err := tx.LinkOIDCIdentity(ctx, claims.Issuer, claims.Subject, u.ID, a.Now()); err != nil {
				return err
			}
			if err := a.audit(ctx, tx, u, Record{Action: "auth.oidc_link", ObjectType: "user", ObjectID: u.ID,
				Summary: fmt.Sprintf("linked to the identity provider %s by verified email", claims.Issuer)}); err != nil {
				return err
			}
		}
		res.User = u
		if res.Token, res.Step, err = a.startSession(ctx, tx, u, domain.MethodOIDC, claims.MFA(), r.Address, r.UserAgent); err != nil {
			return err
		}
		summary := "signed in with the firm's identity provider"
		if claims.MFA() {
			summary += ", which confirmed a second factor"
		}
		return a.audit(ctx, tx, u, Record{Action: "auth.sign_in", ObjectType: "user", ObjectID: u.ID, Summary: summary + stepNote(res.Step)})
	})
	if err != nil {
		return SignInResult{}, err
	}
	if refused != nil {
		return SignInResult{}, refused
	}
	a.Log.Info("signed in", slog.Int64("user", res.User.ID), slog.String("method", domain.MethodOIDC), slog.String("step", string(res.Step)))
	return res, nil
}

// oidcUser finds the firm user an identity belongs to. why explains, in words
// for the person, a refusal; u is then whoever was matched, if anyone.
func (a *App) oidcUser(ctx context.Context, tx *store.Tx, c auth.OIDCClaims) (u domain.User, linked bool, why string, err error) {
	id, linked, err := tx.OIDCIdentityUser(ctx, c.Issuer, c.Subject)
	if err != nil {
		return u, false, "", err
	}
	if linked {
		if u, err = tx.User(ctx, id); err != nil {
			return u, false, "", err
		}
	} else {
		email, err := domain.NormalizeEmail(c.Email)
		switch {
		case err != nil:
			return u, false, "Your identity provider did not give an email address, so Probity cannot tell who you are. Sign in with your email and password.", nil
		case !c.EmailVerified:
			return u, false, "Your identity provider has not verified your email address, so Probity cannot link it to your account. Sign in with your email and password.", nil
		}
		u, _, err = tx.UserByEmail(ctx, email)
		if domain.ErrorCode(err) == domain.ENotFound {
			return domain.User{}, false, "No Probity account uses " + email + ". Ask your firm's administrator to add you.", nil
		}
		if err != nil {
			return u, false, "", err
		}
	}
	switch {
	case !u.Role.IsFirm():
		return u, linked, "Signing in with the firm's identity provider is only for the firm's own people. Sign in with your email and password.", nil
	case u.Disabled:
		return u, linked, "This account is disabled. Ask your firm's administrator.", nil
	}
	return u, linked, "", nil
}

// oidcRefused audits a refused identity-provider sign-in and returns the
// error to show.
func (a *App) oidcRefused(ctx context.Context, actor domain.User, summary, message string) error {
	if err := a.Store.Write(ctx, func(tx *store.Tx) error {
		return a.audit(ctx, tx, actor, Record{Action: "auth.sign_in_failed", ObjectType: "user", Summary: "identity provider sign-in refused: " + summary})
	}); err != nil {
		return err
	}
	return domain.Errorf(domain.EUnauthorized, "%s", message)
}
