package app

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/probity/probity/internal/auth"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/mail"
	"github.com/probity/probity/internal/store"
)

// AccountConfig holds the policies of invitations and password resets.
type AccountConfig struct {
	InvitationTTL    time.Duration // how long an invitation link works, unless the firm's setting says otherwise
	ResetTTL         time.Duration // how long a password-reset link works
	ResetWindow      time.Duration // reset requests are counted over this window
	MaxResetsEmail   int           // reset emails to one address in the window
	MaxResetsAddress int           // reset requests from one client address in the window
}

// DefaultAccountConfig: invitations last 7 days, reset links an hour; at
// most 3 reset emails to an address and 20 requests from a client address
// an hour.
func DefaultAccountConfig() AccountConfig {
	return AccountConfig{InvitationTTL: 7 * 24 * time.Hour, ResetTTL: time.Hour, ResetWindow: time.Hour, MaxResetsEmail: 3, MaxResetsAddress: 20}
}

// SettingInvitationExpiryDays is the firm-wide setting (whole days, 1 to 30)
// for how long invitation links work.
const SettingInvitationExpiryDays = "invitation_expiry_days"

// MaxInvitationExpiryDays bounds the setting.
const MaxInvitationExpiryDays = 30

// NewInvitation is what an administrator fills in to invite someone.
type NewInvitation struct {
	Email    string
	Name     string
	Role     domain.Role
	VendorID int64
	ClientID int64
}

// Invitation is an invitation as its sender and the invitee see it.
type Invitation = store.InvitationSummary

// invitationTTL reads the firm's setting, or the configured default.
func (a *App) invitationTTL(ctx context.Context, tx *store.Tx) (time.Duration, error) {
	v, ok, err := tx.Setting(ctx, SettingInvitationExpiryDays)
	if err != nil || !ok {
		return a.Config.Accounts.InvitationTTL, err
	}
	days, err := strconv.Atoi(v)
	if err != nil || days < 1 || days > MaxInvitationExpiryDays {
		return a.Config.Accounts.InvitationTTL, nil
	}
	return time.Duration(days) * 24 * time.Hour, nil
}

// InvitationExpiry is how long new invitation links work.
func (a *App) InvitationExpiry(ctx context.Context, actor domain.User) (time.Duration, error) {
	if err := require(actor, ManageUsers); err != nil {
		return 0, err
	}
	var ttl time.Duration
	err := a.Store.Read(ctx, func(tx *store.Tx) (err error) {
		ttl, err = a.invitationTTL(ctx, tx)
		return err
	})
	return ttl, err
}

// SetInvitationExpiry sets how many days new invitation links work.
func (a *App) SetInvitationExpiry(ctx context.Context, actor domain.User, days int) error {
	if err := require(actor, ManageSettings); err != nil {
		return err
	}
	if days < 1 || days > MaxInvitationExpiryDays {
		return domain.Invalid("expiry_days", "invitations must expire after 1 to %d days", MaxInvitationExpiryDays)
	}
	return a.Store.Write(ctx, func(tx *store.Tx) error {
		old, err := a.invitationTTL(ctx, tx)
		if err != nil {
			return err
		}
		if err := tx.SetSetting(ctx, SettingInvitationExpiryDays, strconv.Itoa(days), a.Now()); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, Record{Action: "settings.update", ObjectType: "setting",
			Summary: fmt.Sprintf("invitation links now expire after %d days (was %d)", days, int(old/(24*time.Hour)))})
	})
}

// firmName is the firm's name, or "the firm" before one is set up.
func firmName(ctx context.Context, tx *store.Tx) (string, error) {
	f, err := tx.Firm(ctx)
	if domain.ErrorCode(err) == domain.ENotFound {
		return "the firm", nil
	}
	return f.Name, err
}

// orgName names the organisation an invitation or user belongs to.
func orgName(firm string, inv Invitation) string {
	switch {
	case inv.Role.IsVendor():
		return inv.VendorName
	case inv.Role.IsClient():
		return inv.ClientName
	}
	return firm
}

// Invite sends someone a single-use link to join with a role. Only firm
// administrators may; an address that already has an account cannot be
// invited, and a new invitation replaces any earlier one still open.
func (a *App) Invite(ctx context.Context, actor domain.User, in NewInvitation) (Invitation, error) {
	if err := require(actor, ManageUsers); err != nil {
		return Invitation{}, err
	}
	if actor.ID == 0 {
		return Invitation{}, domain.Errorf(domain.EForbidden, "invitations are sent by a firm administrator signed in to Probity")
	}
	u := domain.User{Email: in.Email, Name: in.Name, Role: in.Role, VendorID: in.VendorID, ClientID: in.ClientID}
	if err := u.Validate(); err != nil {
		return Invitation{}, err
	}
	now := a.Now()
	token, hash := auth.NewToken()
	var out Invitation
	var e email
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		if existing, _, err := tx.UserByEmail(ctx, u.Email); err == nil {
			msg := "%s already has an account, so cannot be invited"
			if existing.Disabled {
				msg += " (it is disabled: enable it instead)"
			}
			return &domain.Error{Code: domain.EConflict, Field: "email", Message: fmt.Sprintf(msg, u.Email)}
		} else if domain.ErrorCode(err) != domain.ENotFound {
			return err
		}
		all := store.Scope{All: true}
		if u.VendorID != 0 {
			if _, err := tx.Vendor(ctx, all, u.VendorID); err != nil {
				return domain.Invalid("vendor", "vendor %d does not exist", u.VendorID)
			}
		}
		if u.ClientID != 0 {
			if _, err := tx.Client(ctx, all, u.ClientID); err != nil {
				return domain.Invalid("client", "client %d does not exist", u.ClientID)
			}
		}
		ttl, err := a.invitationTTL(ctx, tx)
		if err != nil {
			return err
		}
		replaced, err := tx.RevokeOpenInvitations(ctx, u.Email, now)
		if err != nil {
			return err
		}
		inv := domain.Invitation{Email: u.Email, Name: u.Name, Role: u.Role, VendorID: u.VendorID, ClientID: u.ClientID,
			InvitedBy: actor.ID, CreatedAt: now, ExpiresAt: now.Add(ttl)}
		if err := tx.CreateInvitation(ctx, &inv, hash); err != nil {
			return err
		}
		if out, err = tx.Invitation(ctx, inv.ID); err != nil {
			return err
		}
		firm, err := firmName(ctx, tx)
		if err != nil {
			return err
		}
		e = a.invitationEmail(out, firm, token)
		if err := a.queueMail(ctx, tx, e); err != nil {
			return err
		}
		summary := fmt.Sprintf("invited %s (%s) as %s of %s; the link expires %s", u.Name, u.Email, u.Role.Label(), orgName(firm, out),
			out.ExpiresAt.Format("2 Jan 2006 15:04 MST"))
		if replaced > 0 {
			summary += fmt.Sprintf("; replaces %d earlier invitation(s)", replaced)
		}
		return a.audit(ctx, tx, actor, Record{Action: "invitation.create", ObjectType: "invitation", ObjectID: inv.ID, Summary: summary})
	})
	if err != nil {
		return Invitation{}, err
	}
	a.mailQueued(e)
	return out, nil
}

func (a *App) invitationEmail(inv Invitation, firm, token string) email {
	link := a.link("/invitations/" + token)
	org := orgName(firm, inv)
	var b strings.Builder
	fmt.Fprintf(&b, "Hello %s,\n\n", inv.Name)
	fmt.Fprintf(&b, "%s of %s has invited you to Probity, where %s manages the legal work it shares with vendors and clients.\n\n", inv.InviterName, firm, firm)
	join := "You will join as " + inv.Role.Label()
	if inv.Role.IsVendor() || inv.Role.IsClient() {
		join += " for " + org
	}
	b.WriteString(strings.TrimSuffix(join, ".") + ".\n\nTo accept, open this link and choose a password:\n\n")
	b.WriteString(link + "\n\n")
	fmt.Fprintf(&b, "The link works once and expires on %s (UTC).\n", inv.ExpiresAt.UTC().Format("2 January 2006 at 15:04"))
	fmt.Fprintf(&b, "If you did not expect this invitation, you can ignore this email; nothing happens unless the link is used.\n\n— Probity, for %s\n", firm)
	return email{Message: mail.Message{To: inv.Email, Subject: fmt.Sprintf("%s invited you to Probity (%s)", inv.InviterName, org), Body: b.String()}, Link: link}
}

// Invitations lists invitations for administrators, newest first.
func (a *App) Invitations(ctx context.Context, actor domain.User, f store.InvitationFilter) ([]Invitation, error) {
	if err := require(actor, ManageUsers); err != nil {
		return nil, err
	}
	var out []Invitation
	err := a.Store.Read(ctx, func(tx *store.Tx) (err error) {
		out, err = tx.ListInvitations(ctx, f)
		return err
	})
	return out, err
}

// RevokeInvitation withdraws an invitation that has not been accepted; its
// link stops working at once.
func (a *App) RevokeInvitation(ctx context.Context, actor domain.User, id int64) (Invitation, error) {
	if err := require(actor, ManageUsers); err != nil {
		return Invitation{}, err
	}
	var out Invitation
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		inv, err := tx.Invitation(ctx, id)
		if err != nil {
			return err
		}
		ok, err := tx.RevokeInvitation(ctx, id, a.Now())
		if err != nil {
			return err
		}
		if !ok {
			return domain.Errorf(domain.EConflict, "the invitation to %s was already %s", inv.Email, inv.StateAt(a.Now()))
		}
		if out, err = tx.Invitation(ctx, id); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, Record{Action: "invitation.revoke", ObjectType: "invitation", ObjectID: id,
			Summary: fmt.Sprintf("revoked the invitation to %s (%s)", inv.Name, inv.Email)})
	})
	return out, err
}

// wellFormedToken reports whether s looks like a token from auth.NewToken
// (43 characters of unpadded base64url), so junk never reaches the database.
func wellFormedToken(s string) bool {
	if len(s) != 43 {
		return false
	}
	for _, c := range s {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

var errBadInvitation = domain.Errorf(domain.ENotFound, "This invitation link is not valid. Check that you opened the whole link from the email, or ask the person who invited you to send a new invitation.")

// invitationProblem explains why an invitation cannot be accepted, or is nil.
func invitationProblem(inv Invitation, now time.Time) error {
	who := inv.InviterName
	if who == "" {
		who = "the person who invited you"
	}
	switch inv.StateAt(now) {
	case domain.InvitationAccepted:
		return domain.Errorf(domain.EConflict, "This invitation has already been used to set up an account. Sign in with that account, or use “Forgot your password?” on the sign-in page.")
	case domain.InvitationRevoked:
		return domain.Errorf(domain.EConflict, "This invitation was withdrawn. If you still need access, ask %s for a new invitation.", who)
	case domain.InvitationExpired:
		return domain.Errorf(domain.EConflict, "This invitation expired on %s (UTC). Ask %s to send you a new one.", inv.ExpiresAt.UTC().Format("2 January 2006 at 15:04"), who)
	}
	return nil
}

// OpenInvitation is what the invitee sees on opening their link: who invited
// them, and to which organisation. A link that cannot be used says why.
func (a *App) OpenInvitation(ctx context.Context, token string) (Invitation, domain.Firm, error) {
	if !wellFormedToken(token) {
		return Invitation{}, domain.Firm{}, errBadInvitation
	}
	var inv Invitation
	var firm domain.Firm
	err := a.Store.Read(ctx, func(tx *store.Tx) (err error) {
		if inv, err = tx.InvitationByTokenHash(ctx, auth.HashToken(token)); err != nil {
			return err
		}
		firm.Name, err = firmName(ctx, tx)
		return err
	})
	if domain.ErrorCode(err) == domain.ENotFound {
		return Invitation{}, domain.Firm{}, errBadInvitation
	}
	if err != nil {
		return Invitation{}, domain.Firm{}, err
	}
	return inv, firm, invitationProblem(inv, a.Now())
}

// Acceptance is what the invitee supplies.
type Acceptance struct {
	Password string
	TimeZone string // IANA name; UTC when empty
}

// AcceptInvitation creates the invitee's account with the password they
// chose and marks the invitation used, in one transaction: a link works once,
// only before it expires, only if not revoked, and only for an address that
// still has no account.
func (a *App) AcceptInvitation(ctx context.Context, token string, in Acceptance) (domain.User, error) {
	if !wellFormedToken(token) {
		return domain.User{}, errBadInvitation
	}
	if err := domain.ValidatePassword(in.Password); err != nil {
		return domain.User{}, err
	}
	hash, err := auth.HashPassword(in.Password, a.Config.Password)
	if err != nil {
		return domain.User{}, err
	}
	var u domain.User
	err = a.Store.Write(ctx, func(tx *store.Tx) error {
		now := a.Now()
		inv, err := tx.InvitationByTokenHash(ctx, auth.HashToken(token))
		if domain.ErrorCode(err) == domain.ENotFound {
			return errBadInvitation
		}
		if err != nil {
			return err
		}
		if err := invitationProblem(inv, now); err != nil {
			return err
		}
		u = inv.Invitation.User()
		u.TimeZone = strings.TrimSpace(in.TimeZone)
		if err := u.Validate(); err != nil {
			return err
		}
		if _, _, err := tx.UserByEmail(ctx, u.Email); err == nil {
			return domain.Errorf(domain.EConflict, "An account for %s already exists, so this invitation cannot be used. Sign in with that account, or ask your administrator.", u.Email)
		} else if domain.ErrorCode(err) != domain.ENotFound {
			return err
		}
		if err := tx.CreateUser(ctx, &u, hash, now); err != nil {
			return err
		}
		ok, err := tx.AcceptInvitation(ctx, inv.ID, u.ID, now)
		if err != nil {
			return err
		}
		if !ok {
			return domain.Errorf(domain.EConflict, "This invitation has already been used to set up an account.")
		}
		firm, err := firmName(ctx, tx)
		if err != nil {
			return err
		}
		return a.audit(ctx, tx, u, Record{Action: "invitation.accept", ObjectType: "user", ObjectID: u.ID,
			Summary: fmt.Sprintf("%s (%s) accepted the invitation from %s and joined as %s of %s", u.Name, u.Email, inv.InviterName, u.Role.Label(), orgName(firm, inv))})
	})
	if err != nil {
		return domain.User{}, err
	}
	return u, nil
}
