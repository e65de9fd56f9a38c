package store

import (
	"context"
	"time"

	"github.com/probity/probity/internal/domain"
)

// PasswordReset is an emailed, single-use permission to set a new password.
// Only the SHA-256 of its token is stored.
type PasswordReset struct {
	TokenHash string
	UserID    int64
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    time.Time // zero until used
}

// CreatePasswordReset stores a reset.
func (tx *Tx) CreatePasswordReset(ctx context.Context, p PasswordReset) error {
	_, err := tx.exec(ctx, `INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
		p.TokenHash, p.UserID, us(p.CreatedAt), us(p.ExpiresAt))
	return err
}

// PasswordResetByHash loads a reset with its user.
func (tx *Tx) PasswordResetByHash(ctx context.Context, tokenHash string) (PasswordReset, domain.User, error) {
	var p PasswordReset
	var created, expires, used int64
	u, err := scanUser(tx.queryRow(ctx, `SELECT `+prefixed("u.", userCols)+`, p.token_hash, p.user_id, p.created_at, p.expires_at, p.used_at
		FROM password_resets p JOIN users u ON u.id = p.user_id WHERE p.token_hash = $1`, tokenHash),
		&p.TokenHash, &p.UserID, &created, &expires, &used)
	p.CreatedAt, p.ExpiresAt, p.UsedAt = fromUS(created), fromUS(expires), optTime(used)
	return p, u, one(err, "password reset")
}

// UsePasswordReset marks a reset used, in one compare-and-set statement:
// only an unused, unexpired reset is used, and only once.
func (tx *Tx) UsePasswordReset(ctx context.Context, tokenHash string, now time.Time) (bool, error) {
	r, err := tx.exec(ctx, `UPDATE password_resets SET used_at = $2 WHERE token_hash = $1 AND used_at = 0 AND expires_at > $2`, tokenHash, us(now))
	if err != nil {
		return false, err
	}
	n, err := r.RowsAffected()
	return n == 1, err
}

// EndPasswordResets marks every unused reset of a user used, so links
// already sent stop working (after a reset, or when the user is disabled).
func (tx *Tx) EndPasswordResets(ctx context.Context, userID int64, now time.Time) error {
	_, err := tx.exec(ctx, `UPDATE password_resets SET used_at = $2 WHERE user_id = $1 AND used_at = 0`, userID, us(now))
	return err
}

// CountAuditFromAddress counts audit events of an action from a client
// address since a time; it throttles what anyone may ask for unsigned-in.
func (tx *Tx) CountAuditFromAddress(ctx context.Context, action, address string, since time.Time) (int, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT COUNT(*) FROM audit_events WHERE action = $1 AND address = $2 AND at > $3`, action, address, us(since)).Scan(&n)
	return n, err
}
