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

// MaxActiveTokens bounds how many unexpired, unrevoked API tokens one user may
// hold, so forgotten tokens cannot pile up unnoticed.
const MaxActiveTokens = 50

// TokenRequest is the input of CreateToken.
type TokenRequest struct {
	UserEmail string            // whose token; empty: the actor's own
	Name      string            // what uses it ("billing export")
	Scope     domain.TokenScope // "" means read
	Lifetime  time.Duration     // 0 means domain.DefaultTokenLifetime
}

// isOperator reports whether u is the command-line operator.
func isOperator(u domain.User) bool { return u.ID == 0 && u.Role == domain.RoleFirmAdmin }

// CreateToken issues a new API token and returns its secret, which is shown
// once and never stored. People create their own; only the operator (the
// command line) may create one for someone else, so that nobody in the web UI
// can mint a credential that acts as another person.
func (a *App) CreateToken(ctx context.Context, actor domain.User, in TokenRequest) (string, domain.APIToken, error) {
	if actor.Disabled {
		return "", domain.APIToken{}, domain.Errorf(domain.EForbidden, "your account is disabled")
	}
	name, err := domain.ValidateTokenName(in.Name)
	if err != nil {
		return "", domain.APIToken{}, err
	}
	if in.Scope == "" {
		in.Scope = domain.TokenRead
	}
	scope, err := domain.ParseTokenScope(string(in.Scope))
	if err != nil {
		return "", domain.APIToken{}, err
	}
	lifetime, err := domain.ValidateTokenLifetime(in.Lifetime)
	if err != nil {
		return "", domain.APIToken{}, err
	}
	email := actor.Email
	if in.UserEmail != "" {
		if email, err = domain.NormalizeEmail(in.UserEmail); err != nil {
			return "", domain.APIToken{}, err
		}
	}
	// Refuse someone else's account before looking it up, so the answer does
	// not tell whether the address has an account.
	if (email != actor.Email || actor.ID == 0) && !isOperator(actor) {
		return "", domain.APIToken{}, domain.Errorf(domain.EForbidden, "you can create API tokens only for yourself")
	}
	if email == "" {
		return "", domain.APIToken{}, domain.Invalid("user", "name the user the token is for")
	}
	now := a.Now()
	var secret string
	var t domain.APIToken
	err = a.Store.Write(ctx, func(tx *store.Tx) error {
		owner, _, err := tx.UserByEmail(ctx, email)
		if err != nil {
			return err
		}
		if owner.Disabled {
			return domain.Errorf(domain.EConflict, "%s is disabled and cannot hold API tokens", owner.Email)
		}
		n, err := tx.CountActiveAPITokens(ctx, owner.ID, now)
		if err != nil {
			return err
		}
		if n >= MaxActiveTokens {
			return domain.Errorf(domain.EConflict, "%s already holds %d active API tokens: revoke the ones no longer used first", owner.Email, n)
		}
		var hash string
		secret, hash, t.Prefix = auth.NewAPIToken()
		t.UserID, t.Name, t.Scope, t.CreatedAt, t.ExpiresAt = owner.ID, name, scope, now, now.Add(lifetime)
		if err := tx.CreateAPIToken(ctx, &t, hash); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, Record{Action: "token.create", ObjectType: "api_token", ObjectID: t.ID,
			Summary: fmt.Sprintf("created API token %q (%s…, %s) for %s, expiring %s", t.Name, t.Prefix, scopeWords(t.Scope), owner.Email, t.ExpiresAt.Format("2006-01-02"))})
	})
	if err != nil {
		return "", domain.APIToken{}, err
	}
	return secret, t, nil
}

func scopeWords(s domain.TokenScope) string {
	if s == domain.TokenWrite {
		return "read and write"
	}
	return "read only"
}

// TokenFilter narrows ListTokens. With no user named it lists the actor's own.
type TokenFilter struct {
	UserEmail   string // someone's tokens (administrators, or oneself)
	AllUsers    bool   // everyone's tokens (administrators)
	ActiveOnly  bool   // leave out revoked and expired tokens
	NewestFirst bool
	store.Page
}

// ListTokens lists API tokens: everyone their own; firm administrators and
// the operator anyone's.
func (a *App) ListTokens(ctx context.Context, actor domain.User, f TokenFilter) ([]store.APITokenSummary, error) {
	email := ""
	if f.UserEmail != "" {
		var err error
		if email, err = domain.NormalizeEmail(f.UserEmail); err != nil {
			return nil, err
		}
	}
	switch {
	case f.AllUsers, email != "" && (email != actor.Email || actor.ID == 0):
		if err := require(actor, ManageAPITokens); err != nil {
			return nil, err
		}
	case email == "" && actor.ID == 0:
		return nil, domain.Invalid("user", "name the user whose tokens to list")
	case actor.Disabled:
		return nil, domain.Errorf(domain.EForbidden, "your account is disabled")
	}
	sf := store.APITokenFilter{NewestFirst: f.NewestFirst, Page: f.Page}
	if f.ActiveOnly {
		sf.ActiveAt = a.Now()
	}
	var out []store.APITokenSummary
	err := a.Store.Read(ctx, func(tx *store.Tx) error {
		switch {
		case f.AllUsers:
		case email != "" && email != actor.Email:
			u, _, err := tx.UserByEmail(ctx, email)
			if err != nil {
				return err
			}
			sf.UserID = u.ID
		default:
			sf.UserID = actor.ID
		}
		var err error
		out, err = tx.ListAPITokens(ctx, sf)
		return err
	})
	return out, err
}

// RevokeToken revokes one API token at once: one's own, or (firm
// administrators and the operator) anyone's. Someone else's token answers
// not found to everyone else, so its existence does not leak. Revoking a
// revoked token changes nothing and is not an error.
func (a *App) RevokeToken(ctx context.Context, actor domain.User, id int64) (store.APITokenSummary, error) {
	return a.revokeToken(ctx, actor, id, false)
}

// RevokeOwnToken is RevokeToken limited to the actor's own tokens: anyone
// else's answers not found, administrators included.
func (a *App) RevokeOwnToken(ctx context.Context, actor domain.User, id int64) (store.APITokenSummary, error) {
	return a.revokeToken(ctx, actor, id, true)
}

func (a *App) revokeToken(ctx context.Context, actor domain.User, id int64, ownOnly bool) (store.APITokenSummary, error) {
	if actor.Disabled {
		return store.APITokenSummary{}, domain.Errorf(domain.EForbidden, "your account is disabled")
	}
	now := a.Now()
	var t store.APITokenSummary
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		var err error
		if t, err = tx.APIToken(ctx, id); err != nil {
			return err
		}
		if (t.UserID != actor.ID || actor.ID == 0) && (ownOnly || !Can(actor, ManageAPITokens)) {
			return domain.NotFound("API token")
		}
		if !t.RevokedAt.IsZero() {
			return nil
		}
		if err := tx.RevokeAPIToken(ctx, id, now); err != nil {
			return err
		}
		t.RevokedAt = now
		return a.audit(ctx, tx, actor, Record{Action: "token.revoke", ObjectType: "api_token", ObjectID: t.ID,
			Summary: fmt.Sprintf("revoked API token %q (%s…) of %s", t.Name, t.Prefix, t.UserEmail)})
	})
	if err != nil {
		return store.APITokenSummary{}, err
	}
	return t, nil
}

// errBadToken is the one answer to every token that does not authenticate,
// whatever the reason, so a caller learns nothing about which tokens exist.
var errBadToken = domain.Errorf(domain.EUnauthorized,
	"The API token is not valid: it may be mistyped, expired or revoked. Create a new one under API tokens in Probity.")

// AuthenticateToken returns the user behind an API token and the token. It
// refuses malformed, unknown, expired and revoked tokens and those of
// disabled users, all with the same error. It records the time of use at
// most once a minute per token.
func (a *App) AuthenticateToken(ctx context.Context, token string) (domain.User, domain.APIToken, error) {
	if !auth.WellFormedAPIToken(token) {
		return domain.User{}, domain.APIToken{}, errBadToken
	}
	now := a.Now()
	hash := auth.HashToken(token)
	var t domain.APIToken
	var u domain.User
	err := a.Store.Read(ctx, func(tx *store.Tx) error {
		var err error
		t, u, err = tx.APITokenByHash(ctx, hash)
		return err
	})
	if domain.ErrorCode(err) == domain.ENotFound {
		return domain.User{}, domain.APIToken{}, errBadToken
	}
	if err != nil {
		return domain.User{}, domain.APIToken{}, err
	}
	if t.Status(now) != domain.TokenActive || u.Disabled {
		a.Log.Info("API token refused", slog.Int64("token", t.ID), slog.String("status", string(t.Status(now))), slog.Bool("user_disabled", u.Disabled))
		return domain.User{}, domain.APIToken{}, errBadToken
	}
	if now.Sub(t.LastUsedAt) >= touchEvery {
		if err := a.Store.Write(ctx, func(tx *store.Tx) error { return tx.TouchAPIToken(ctx, t.ID, now) }); err != nil {
			return domain.User{}, domain.APIToken{}, err
		}
		t.LastUsedAt = now
	}
	return u, t, nil
}
