package domain

// Role is what a user is to the firm. A user has exactly one.
type Role string

// The six roles. Firm roles belong to the firm; vendor roles to one vendor
// organisation; client contacts to one client organisation.
const (
	RoleFirmAdmin          Role = "firm_admin"
	RoleAttorney           Role = "attorney"
	RoleStaff              Role = "staff"
	RoleVendorManager      Role = "vendor_manager"
	RoleVendorProfessional Role = "vendor_professional"
	RoleClientContact      Role = "client_contact"
)

// Roles lists every role in display order.
var Roles = []Role{RoleFirmAdmin, RoleAttorney, RoleStaff, RoleVendorManager, RoleVendorProfessional, RoleClientContact}

// ParseRole validates a role name.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles {
		if string(r) == s {
			return r, nil
		}
	}
	return "", Invalid("role", "%q is not a role (one of firm_admin, attorney, staff, vendor_manager, vendor_professional, client_contact)", s)
}

// IsFirm reports whether the role belongs to the firm itself.
func (r Role) IsFirm() bool { return r == RoleFirmAdmin || r == RoleAttorney || r == RoleStaff }

// IsVendor reports whether the role belongs to a vendor organisation.
func (r Role) IsVendor() bool { return r == RoleVendorManager || r == RoleVendorProfessional }

// IsClient reports whether the role belongs to a client organisation.
func (r Role) IsClient() bool { return r == RoleClientContact }

// Label is the role's name as people say it.
func (r Role) Label() string {
	switch r {
	case RoleFirmAdmin:
		return "Firm administrator"
	case RoleAttorney:
		return "Attorney"
	case RoleStaff:
		return "Staff"
	case RoleVendorManager:
		return "Vendor manager"
	case RoleVendorProfessional:
		return "Vendor professional"
	case RoleClientContact:
		return "Client contact"
	}
	return string(r)
}
