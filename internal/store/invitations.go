package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/probity/probity/internal/domain"
)

// InvitationSummary is an invitation with the names a person reads: who sent
// it and the organisation it is for.
type InvitationSummary struct {
	domain.Invitation
	InviterName string
	VendorName  string
	ClientName  string
}

const invitationSelect = `SELECT i.id, i.email, i.name, i.role, COALESCE(i.vendor_id, 0), COALESCE(i.client_id, 0), i.invited_by,
	i.created_at, i.expires_at, i.accepted_at, i.revoked_at, COALESCE(i.user_id, 0),
	COALESCE(u.name, ''), COALESCE(v.name, ''), COALESCE(c.name, '')
	FROM invitations i
	LEFT JOIN users u ON u.id = i.invited_by
	LEFT JOIN vendors v ON v.id = i.vendor_id
	LEFT JOIN clients c ON c.id = i.client_id`

func scanInvitation(r interface{ Scan(...any) error }) (InvitationSummary, error) {
	var s InvitationSummary
	var created, expires, accepted, revoked int64
	err := r.Scan(&s.ID, &s.Email, &s.Name, &s.Role, &s.VendorID, &s.ClientID, &s.InvitedBy,
		&created, &expires, &accepted, &revoked, &s.UserID, &s.InviterName, &s.VendorName, &s.ClientName)
	s.CreatedAt, s.ExpiresAt, s.AcceptedAt, s.RevokedAt = fromUS(created), fromUS(expires), optTime(accepted), optTime(revoked)
	return s, err
}

// CreateInvitation stores a validated invitation with the hash of its token.
func (tx *Tx) CreateInvitation(ctx context.Context, inv *domain.Invitation, tokenHash string) error {
	id, err := tx.insert(ctx, `INSERT INTO invitations (token_hash, email, name, role, vendor_id, client_id, invited_by, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		tokenHash, inv.Email, inv.Name, string(inv.Role), nullID(inv.VendorID), nullID(inv.ClientID), inv.InvitedBy, us(inv.CreatedAt), us(inv.ExpiresAt))
	inv.ID = id
	return err
}

// InvitationByTokenHash finds the invitation a link's token belongs to.
func (tx *Tx) InvitationByTokenHash(ctx context.Context, tokenHash string) (InvitationSummary, error) {
	s, err := scanInvitation(tx.queryRow(ctx, invitationSelect+` WHERE i.token_hash = $1`, tokenHash))
	return s, one(err, "invitation")
}

// Invitation loads one invitation by id.
func (tx *Tx) Invitation(ctx context.Context, id int64) (InvitationSummary, error) {
	s, err := scanInvitation(tx.queryRow(ctx, invitationSelect+` WHERE i.id = $1`, id))
	return s, one(err, "invitation")
}

// InvitationFilter narrows ListInvitations, newest first.
type InvitationFilter struct {
	BeforeID int64 // only invitations with id < BeforeID (0: from the newest)
	Limit    int
}

// ListInvitations lists invitations newest first.
func (tx *Tx) ListInvitations(ctx context.Context, f InvitationFilter) ([]InvitationSummary, error) {
	before := f.BeforeID
	if before <= 0 {
		before = 1<<63 - 1
	}
	rows, err := tx.query(ctx, invitationSelect+` WHERE i.id < $1 ORDER BY i.id DESC LIMIT $2`, before, Page{Limit: f.Limit}.limit())
	return collect(rows, err, func(r *sql.Rows) (InvitationSummary, error) { return scanInvitation(r) })
}

// RevokeInvitation revokes an invitation not yet accepted or revoked; it
// reports whether it did.
func (tx *Tx) RevokeInvitation(ctx context.Context, id int64, now time.Time) (bool, error) {
	r, err := tx.exec(ctx, `UPDATE invitations SET revoked_at = $2 WHERE id = $1 AND accepted_at = 0 AND revoked_at = 0`, id, us(now))
	if err != nil {
		return false, err
	}
	n, err := r.RowsAffected()
	return n == 1, err
}

// RevokeOpenInvitations revokes every unaccepted, unrevoked invitation to an
// address (a new invitation replaces them).
func (tx *Tx) RevokeOpenInvitations(ctx context.Context, email string, now time.Time) (int64, error) {
	r, err := tx.exec(ctx, `UPDATE invitations SET revoked_at = $2 WHERE email = $1 AND accepted_at = 0 AND revoked_at = 0`, email, us(now))
	if err != nil {
		return 0, err
	}
	return r.RowsAffected()
}

// AcceptInvitation marks an invitation accepted by the account created for
// it, in one compare-and-set statement: only a pending, unexpired invitation
// is accepted, and only once, however many requests race.
func (tx *Tx) AcceptInvitation(ctx context.Context, id, userID int64, now time.Time) (bool, error) {
	r, err := tx.exec(ctx, `UPDATE invitations SET accepted_at = $3, user_id = $2
		WHERE id = $1 AND accepted_at = 0 AND revoked_at = 0 AND expires_at > $3`, id, userID, us(now))
	if err != nil {
		return false, err
	}
	n, err := r.RowsAffected()
	return n == 1, err
}
