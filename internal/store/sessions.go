package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/probity/probity/internal/domain"
)

// Session is a signed-in browser. Only the SHA-256 of its token is stored, so
// a copy of the database cannot be used to hijack sessions.
type Session struct {
	IDHash      string
	UserID      int64
	CreatedAt   time.Time
	LastSeenAt  time.Time
	ExpiresAt   time.Time // absolute limit
	Address     string
	UserAgent   string
	Method      string    // "password" or "oidc"
	MFAAt       time.Time // when a second factor was passed; zero if never
	PendingMFA  bool      // password accepted, second factor (or its set-up) still owed
	TOTPEnabled bool      // read only: whether the user has a confirmed authenticator
}

// Handle is the session's public name: the first 16 hex digits of its hash.
func (s Session) Handle() string {
	if len(s.IDHash) < domain.SessionHandleLength {
		return s.IDHash
	}
	return s.IDHash[:domain.SessionHandleLength]
}

const sessionCols = `s.id_hash, s.user_id, s.created_at, s.last_seen_at, s.expires_at, s.address, s.user_agent, s.method, s.mfa_at, s.pending_mfa, u.totp_enabled_at`

func sessionDest(s *Session, created, seen, expires, mfa, totp *int64) []any {
	return []any{&s.IDHash, &s.UserID, created, seen, expires, &s.Address, &s.UserAgent, &s.Method, mfa, &s.PendingMFA, totp}
}

func (s *Session) setTimes(created, seen, expires, mfa, totp int64) {
	s.CreatedAt, s.LastSeenAt, s.ExpiresAt = fromUS(created), fromUS(seen), fromUS(expires)
	if mfa != 0 {
		s.MFAAt = fromUS(mfa)
	}
	s.TOTPEnabled = totp != 0
}

// CreateSession stores a new session.
func (tx *Tx) CreateSession(ctx context.Context, s Session) error {
	if s.Method == "" {
		s.Method = domain.MethodPassword
	}
	mfa := int64(0)
	if !s.MFAAt.IsZero() {
		mfa = us(s.MFAAt)
	}
	_, err := tx.exec(ctx, `INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, expires_at, address, user_agent, method, mfa_at, pending_mfa)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, s.IDHash, s.UserID, us(s.CreatedAt), us(s.LastSeenAt), us(s.ExpiresAt), s.Address, s.UserAgent,
		s.Method, mfa, s.PendingMFA)
	return err
}

// SessionByHash loads a session with its user.
func (tx *Tx) SessionByHash(ctx context.Context, idHash string) (Session, domain.User, error) {
	var s Session
	var created, seen, expires, mfa, totp int64
	u, err := scanUser(tx.queryRow(ctx, `SELECT `+prefixed("u.", userCols)+`, `+sessionCols+`
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1`, idHash),
		sessionDest(&s, &created, &seen, &expires, &mfa, &totp)...)
	s.setTimes(created, seen, expires, mfa, totp)
	return s, u, one(err, "session")
}

// UserSessions lists a user's sessions, most recently used first.
func (tx *Tx) UserSessions(ctx context.Context, userID int64) ([]Session, error) {
	rows, err := tx.query(ctx, `SELECT `+sessionCols+` FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.user_id = $1 ORDER BY s.last_seen_at DESC, s.id_hash`, userID)
	return collect(rows, err, func(r *sql.Rows) (Session, error) {
		var s Session
		var created, seen, expires, mfa, totp int64
		err := r.Scan(sessionDest(&s, &created, &seen, &expires, &mfa, &totp)...)
		s.setTimes(created, seen, expires, mfa, totp)
		return s, err
	})
}

// PassSecondFactor records that a session passed a second factor at `at`,
// which also ends its pending state.
func (tx *Tx) PassSecondFactor(ctx context.Context, idHash string, at time.Time) error {
	r, err := tx.exec(ctx, `UPDATE sessions SET mfa_at = $1, pending_mfa = FALSE WHERE id_hash = $2`, us(at), idHash)
	return affected(r, err, "session")
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

// DeleteUserSessionByHandle ends one of a user's sessions by its public
// handle; it is not-found unless the user has such a session.
func (tx *Tx) DeleteUserSessionByHandle(ctx context.Context, userID int64, handle string) error {
	r, err := tx.exec(ctx, `DELETE FROM sessions WHERE user_id = $1 AND substr(id_hash, 1, 16) = $2`, userID, handle)
	return affected(r, err, "session")
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
