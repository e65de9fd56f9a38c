package store

import (
	"context"
	"time"
)

// TOTP is a user's authenticator set-up. A secret with a zero EnabledAt is
// an enrolment started but not yet confirmed with a code.
type TOTP struct {
	Secret    string
	EnabledAt time.Time // zero until confirmed
	LastStep  int64     // the last time step accepted; codes at or before it are refused
}

// Enabled reports whether the user has a confirmed authenticator.
func (t TOTP) Enabled() bool { return t.Secret != "" && !t.EnabledAt.IsZero() }

// UserTOTP loads a user's authenticator set-up.
func (tx *Tx) UserTOTP(ctx context.Context, userID int64) (TOTP, error) {
	var t TOTP
	var enabled int64
	err := tx.queryRow(ctx, `SELECT totp_secret, totp_enabled_at, totp_last_step FROM users WHERE id = $1`, userID).Scan(&t.Secret, &enabled, &t.LastStep)
	if enabled != 0 {
		t.EnabledAt = fromUS(enabled)
	}
	return t, one(err, "user")
}

// SetTOTP stores a user's secret; a zero enabledAt records an enrolment not
// yet confirmed. The replay mark starts again.
func (tx *Tx) SetTOTP(ctx context.Context, userID int64, secret string, enabledAt time.Time) error {
	enabled := int64(0)
	if !enabledAt.IsZero() {
		enabled = us(enabledAt)
	}
	r, err := tx.exec(ctx, `UPDATE users SET totp_secret = $1, totp_enabled_at = $2, totp_last_step = 0 WHERE id = $3`, secret, enabled, userID)
	return affected(r, err, "user")
}

// EnableTOTP confirms a pending enrolment at `at`.
func (tx *Tx) EnableTOTP(ctx context.Context, userID int64, at time.Time) error {
	r, err := tx.exec(ctx, `UPDATE users SET totp_enabled_at = $1 WHERE id = $2 AND totp_secret <> ''`, us(at), userID)
	return affected(r, err, "user")
}

// AcceptTOTPStep records step as the last accepted one, only if it is later
// than the last; accepted is false when the step was already used. The check
// and the update are one statement, so two requests cannot both use a code.
func (tx *Tx) AcceptTOTPStep(ctx context.Context, userID, step int64) (accepted bool, err error) {
	r, err := tx.exec(ctx, `UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1`, step, userID)
	if err != nil {
		return false, err
	}
	n, err := r.RowsAffected()
	return n == 1, err
}

// ClearTOTP removes a user's authenticator and recovery codes.
func (tx *Tx) ClearTOTP(ctx context.Context, userID int64) error {
	if _, err := tx.exec(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, userID); err != nil {
		return err
	}
	r, err := tx.exec(ctx, `UPDATE users SET totp_secret = '', totp_enabled_at = 0, totp_last_step = 0 WHERE id = $1`, userID)
	return affected(r, err, "user")
}

// ReplaceRecoveryCodes stores a new set of recovery-code hashes, dropping the old set.
func (tx *Tx) ReplaceRecoveryCodes(ctx context.Context, userID int64, hashes []string) error {
	if _, err := tx.exec(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, userID); err != nil {
		return err
	}
	for _, h := range hashes {
		if _, err := tx.exec(ctx, `INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)`, userID, h); err != nil {
			return err
		}
	}
	return nil
}

// UseRecoveryCode marks an unused code as used at `at`; used is false when
// the user has no such unused code.
func (tx *Tx) UseRecoveryCode(ctx context.Context, userID int64, hash string, at time.Time) (used bool, err error) {
	r, err := tx.exec(ctx, `UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at = 0`, us(at), userID, hash)
	if err != nil {
		return false, err
	}
	n, err := r.RowsAffected()
	return n == 1, err
}

// RecoveryCodesLeft counts a user's unused recovery codes.
func (tx *Tx) RecoveryCodesLeft(ctx context.Context, userID int64) (int, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at = 0`, userID).Scan(&n)
	return n, err
}
