package store

import (
	"context"
	"time"

	"github.com/probity/probity/internal/domain"
)

// Session is a signed-in browser. Only the SHA-256 of its token is stored, so
// a copy of the database cannot be used to hijack sessions.
type Session struct {
	IDHash     string
	UserID     int64
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time // absolute limit
	Address    string
	UserAgent  string
}

// CreateSession stores a new session.
func (tx *Tx) CreateSession(ctx context.Context, s Session) error {
	_, err := tx.exec(ctx, `INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, expires_at, address, user_agent)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, s.IDHash, s.UserID, us(s.CreatedAt), us(s.LastSeenAt), us(s.ExpiresAt), s.Address, s.UserAgent)
	return err
}

// SessionByHash loads a session with its user.
func (tx *Tx) SessionByHash(ctx context.Context, idHash string) (Session, domain.User, error) {
	var s Session
	var created, seen, expires int64
	u, err := scanUser(tx.queryRow(ctx, `SELECT `+prefixed("u.", userCols)+`, s.id_hash, s.user_id, s.created_at, s.last_seen_at, s.expires_at, s.address, s.user_agent
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1`, idHash),
		&s.IDHash, &s.UserID, &created, &seen, &expires, &s.Address, &s.UserAgent)
	s.CreatedAt, s.LastSeenAt, s.ExpiresAt = fromUS(created), fromUS(seen), fromUS(expires)
	return s, u, one(err, "session")
}

// TouchSession records activity on a session.
func (tx *Tx) TouchSession(ctx context.Context, idHash string, at time.Time) error {
	_, err := tx.exec(ctx, `UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2`, us(at), idHash)
	return err
}

// DeleteSession ends one session.
func (tx *Tx) DeleteSession(ctx context.Context, idHash string) error {
	_, err := tx.exec(ctx, `DELETE FROM sessions WHERE id_hash = $1`, idHash)
	return err
}

// DeleteUserSessions ends every session of a user.
func (tx *Tx) DeleteUserSessions(ctx context.Context, userID int64) error {
	_, err := tx.exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID)
	return err
}

// DeleteExpiredSessions removes sessions past their absolute or idle limit.
func (tx *Tx) DeleteExpiredSessions(ctx context.Context, now time.Time, idle time.Duration) (int64, error) {
	r, err := tx.exec(ctx, `DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2`, us(now), us(now.Add(-idle)))
	if err != nil {
		return 0, err
	}
	return r.RowsAffected()
}

// RecordSignIn logs one sign-in attempt, successful or not.
func (tx *Tx) RecordSignIn(ctx context.Context, email, address string, ok bool, at time.Time) error {
	_, err := tx.exec(ctx, `INSERT INTO sign_in_attempts (email, address, succeeded, at) VALUES ($1, $2, $3, $4)`, email, address, ok, us(at))
	return err
}

// FailedSignIns counts failures since `since` for an account (after its last
// success) and for an address.
func (tx *Tx) FailedSignIns(ctx context.Context, email, address string, since time.Time) (byAccount, byAddress int, err error) {
	err = tx.queryRow(ctx, `SELECT
		(SELECT COUNT(*) FROM sign_in_attempts WHERE email = $1 AND NOT succeeded AND at > $3
			AND at > COALESCE((SELECT MAX(at) FROM sign_in_attempts WHERE email = $1 AND succeeded), 0)),
		(SELECT COUNT(*) FROM sign_in_attempts WHERE address = $2 AND NOT succeeded AND at > $3)`,
		email, address, us(since)).Scan(&byAccount, &byAddress)
	return byAccount, byAddress, err
}
