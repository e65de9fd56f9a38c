package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/probity/probity/internal/domain"
)

const apiTokenCols = `t.id, t.user_id, t.name, t.scope, t.prefix, t.created_at, t.expires_at, t.last_used_at, t.revoked_at`

// APITokenSummary is a token with the name and email of its user, for lists.
type APITokenSummary struct {
	domain.APIToken
	UserName  string
	UserEmail string
}

func scanAPIToken(r interface{ Scan(...any) error }, extra ...any) (domain.APIToken, error) {
	var t domain.APIToken
	var created, expires, used, revoked int64
	err := r.Scan(append([]any{&t.ID, &t.UserID, &t.Name, &t.Scope, &t.Prefix, &created, &expires, &used, &revoked}, extra...)...)
	t.CreatedAt, t.ExpiresAt, t.LastUsedAt, t.RevokedAt = fromUS(created), fromUS(expires), atOrNever(used), atOrNever(revoked)
	return t, err
}

// atOrNever decodes a time stored as 0 for "never" as the zero time.
func atOrNever(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return fromUS(v)
}

// CreateAPIToken stores a new token by the hash of its secret; the secret
// itself is never stored.
func (tx *Tx) CreateAPIToken(ctx context.Context, t *domain.APIToken, tokenHash string) error {
	id, err := tx.insert(ctx, `INSERT INTO api_tokens (user_id, name, scope, token_hash, prefix, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, t.UserID, t.Name, string(t.Scope), tokenHash, t.Prefix, us(t.CreatedAt), us(t.ExpiresAt))
	if err != nil {
		return err
	}
	t.ID = id
	return nil
}

// APITokenByHash loads a token and its user by the hash of the secret.
func (tx *Tx) APITokenByHash(ctx context.Context, tokenHash string) (domain.APIToken, domain.User, error) {
	var u domain.User
	var created int64
	t, err := scanAPIToken(tx.queryRow(ctx, `SELECT `+apiTokenCols+`, `+prefixed("u.", userCols)+`
		FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1`, tokenHash),
		userDest(&u, &created)...)
	u.CreatedAt = fromUS(created)
	return t, u, one(err, "API token")
}

// APIToken loads a token with its user's name and email.
func (tx *Tx) APIToken(ctx context.Context, id int64) (APITokenSummary, error) {
	var s APITokenSummary
	var err error
	s.APIToken, err = scanAPIToken(tx.queryRow(ctx, `SELECT `+apiTokenCols+`, u.name, u.email
		FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.id = $1`, id), &s.UserName, &s.UserEmail)
	return s, one(err, "API token")
}

// APITokenFilter narrows ListAPITokens.
type APITokenFilter struct {
	UserID      int64     // 0: every user's
	ActiveAt    time.Time // non-zero: only tokens neither revoked nor expired at this time
	NewestFirst bool      // newest first; AfterID then pages backwards (ids below it)
	Page
}

// ListAPITokens lists tokens by id, oldest first, or newest first with
// NewestFirst.
func (tx *Tx) ListAPITokens(ctx context.Context, f APITokenFilter) ([]APITokenSummary, error) {
	active := int64(0)
	if !f.ActiveAt.IsZero() {
		active = us(f.ActiveAt)
	}
	cursor, order := `t.id > $1`, `ASC`
	if f.NewestFirst {
		cursor, order = `(CAST($1 AS BIGINT) = 0 OR t.id < $1)`, `DESC`
	}
	rows, err := tx.query(ctx, `SELECT `+apiTokenCols+`, u.name, u.email
		FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE `+cursor+` AND (CAST($2 AS BIGINT) = 0 OR t.user_id = $2) AND (CAST($3 AS BIGINT) = 0 OR (t.revoked_at = 0 AND t.expires_at > $3))
		ORDER BY t.id `+order+` LIMIT $4`, f.AfterID, f.UserID, active, f.limit())
	return collect(rows, err, func(r *sql.Rows) (APITokenSummary, error) {
		var s APITokenSummary
		var err error
		s.APIToken, err = scanAPIToken(r, &s.UserName, &s.UserEmail)
		return s, err
	})
}

// CountActiveAPITokens counts a user's tokens neither revoked nor expired at now.
func (tx *Tx) CountActiveAPITokens(ctx context.Context, userID int64, now time.Time) (int, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT COUNT(*) FROM api_tokens WHERE user_id = $1 AND revoked_at = 0 AND expires_at > $2`,
		userID, us(now)).Scan(&n)
	return n, err
}

// TouchAPIToken records that a token was used at at.
func (tx *Tx) TouchAPIToken(ctx context.Context, id int64, at time.Time) error {
	_, err := tx.exec(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`, us(at), id)
	return err
}

// RevokeAPIToken revokes one token at now; a token already revoked keeps its
// first revocation time.
func (tx *Tx) RevokeAPIToken(ctx context.Context, id int64, now time.Time) error {
	_, err := tx.exec(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at = 0`, us(now), id)
	return err
}

// RevokeUserTokens revokes every token of a user not already revoked, as
// when the user is disabled.
func (tx *Tx) RevokeUserTokens(ctx context.Context, userID int64, now time.Time) error {
	_, err := tx.exec(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at = 0`, us(now), userID)
	return err
}
