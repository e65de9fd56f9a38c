package domain

import "time"

// Invitation asks a person to join Probity with a role, in the firm or in a
// vendor or client organisation. It is accepted once, through a link whose
// token only the invitee's mailbox holds; the account is created then.
type Invitation struct {
	ID         int64
	Email      string
	Name       string
	Role       Role
	VendorID   int64
	ClientID   int64
	InvitedBy  int64
	CreatedAt  time.Time
	ExpiresAt  time.Time
	AcceptedAt time.Time // zero until accepted
	RevokedAt  time.Time // zero unless revoked
	UserID     int64     // the account created on acceptance
}

// InvitationState is where an invitation stands.
type InvitationState string

// Invitation states; expiry is not stored but read from ExpiresAt.
const (
	InvitationPending  InvitationState = "pending"
	InvitationAccepted InvitationState = "accepted"
	InvitationRevoked  InvitationState = "revoked"
	InvitationExpired  InvitationState = "expired"
)

// StateAt is the invitation's state at a moment.
func (i Invitation) StateAt(now time.Time) InvitationState {
	switch {
	case !i.AcceptedAt.IsZero():
		return InvitationAccepted
	case !i.RevokedAt.IsZero():
		return InvitationRevoked
	case !now.Before(i.ExpiresAt):
		return InvitationExpired
	}
	return InvitationPending
}

// Label says the state in plain words.
func (s InvitationState) Label() string {
	switch s {
	case InvitationPending:
		return "Waiting for them to accept"
	case InvitationAccepted:
		return "Accepted"
	case InvitationRevoked:
		return "Revoked"
	case InvitationExpired:
		return "Expired"
	}
	return string(s)
}

// User is the account an accepted invitation creates (before validation).
func (i Invitation) User() User {
	return User{Email: i.Email, Name: i.Name, Role: i.Role, VendorID: i.VendorID, ClientID: i.ClientID}
}
