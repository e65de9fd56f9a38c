package app

import (
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// ScopeFor is the access policy: what a user may see. It is the only place
// that decides it; the store turns it into SQL.
//   - firm admin: everything;
//   - attorney, staff: every matter except those they are screened from;
//   - vendor users: only engagements of their own vendor they are assigned to;
//   - client contacts: only their own client's matters;
//   - anyone else (disabled, unknown role, a vendor or client user without
//     an organisation) sees nothing: a zero VendorID or ClientID would
//     otherwise read as the firm's view.
func ScopeFor(u domain.User) store.Scope {
	switch {
	case u.Disabled:
		return store.Scope{UserID: -1, VendorID: -1, ClientID: -1} // sees nothing
	case u.Role == domain.RoleFirmAdmin:
		return store.Scope{All: true, UserID: u.ID}
	case u.Role.IsFirm():
		return store.Scope{UserID: u.ID}
	case u.Role.IsVendor() && u.VendorID != 0:
		return store.Scope{UserID: u.ID, VendorID: u.VendorID}
	case u.Role.IsClient() && u.ClientID != 0:
		return store.Scope{UserID: u.ID, ClientID: u.ClientID}
	}
	return store.Scope{UserID: -1, VendorID: -1, ClientID: -1}
}

// Action is something a user may be allowed to do beyond seeing.
type Action string

// Actions checked by Can.
const (
	ManageUsers    Action = "manage_users"     // create users, reset passwords
	ViewClients    Action = "view_clients"     // the client list
	ViewVendors    Action = "view_vendors"     // the vendor registry
	ViewFirmCounts Action = "view_firm_counts" // firm-wide figures
	ViewAudit      Action = "view_audit"       // the audit trail
	ManageScreens  Action = "manage_screens"   // put up and lift ethical screens
)

// ManageAPITokens is listing and revoking anyone's API tokens (everyone
// manages their own).
const ManageAPITokens Action = "manage_api_tokens"

// ManageSettings is changing firm-wide settings, such as the second-factor policy.
const ManageSettings Action = "manage_settings"

// ViewOutbox is reading the email outbox: recipients, subjects, delivery and
// (audited) bodies. Inviting, disabling and enabling users is ManageUsers.
const ViewOutbox Action = "view_outbox"

// Can reports whether u may perform a. Objects outside the user's scope are
// handled by ScopeFor (they answer not-found); Can covers whole capabilities.
func Can(u domain.User, a Action) bool {
	if u.Disabled {
		return false
	}
	switch a {
	case ManageUsers, ViewAudit, ManageAPITokens:
		return u.Role == domain.RoleFirmAdmin
	case ManageSettings, ViewOutbox:
		return u.Role == domain.RoleFirmAdmin
	case ManageScreens:
		return u.Role == domain.RoleFirmAdmin || u.Role == domain.RoleAttorney
	case ViewClients, ViewFirmCounts:
		return u.Role.IsFirm()
	case ViewVendors:
		return u.Role.IsFirm() || u.Role.IsVendor()
	}
	return false
}

// require returns a forbidden error unless u may perform a.
func require(u domain.User, a Action) error {
	if !Can(u, a) {
		return domain.Errorf(domain.EForbidden, "your role (%s) does not allow this", u.Role.Label())
	}
	return nil
}
