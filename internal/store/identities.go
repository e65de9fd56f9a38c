package store

import (
	"context"
	"time"

	"github.com/probity/probity/internal/domain"
)

// OIDCIdentityUser returns the user linked to an identity provider's subject;
// ok is false when none is linked yet.
func (tx *Tx) OIDCIdentityUser(ctx context.Context, issuer, subject string) (userID int64, ok bool, err error) {
	err = tx.queryRow(ctx, `SELECT user_id FROM oidc_identities WHERE issuer = $1 AND subject = $2`, issuer, subject).Scan(&userID)
	if err = one(err, "identity"); domain.ErrorCode(err) == domain.ENotFound {
		return 0, false, nil
	}
	return userID, err == nil, err
}

// LinkOIDCIdentity links an identity provider's subject to a user.
func (tx *Tx) LinkOIDCIdentity(ctx context.Context, issuer, subject string, userID int64, at time.Time) error {
	_, err := tx.exec(ctx, `INSERT INTO oidc_identities (issuer, subject, user_id, created_at) VALUES ($1, $2, $3, $4)`, issuer, subject, userID, us(at))
	return err
}
