package domain

import (
	"slices"
	"strings"
	"time"
)

// SignInStep is what a session still needs before it is fully signed in.
type SignInStep string

// The steps. A session with a step can reach only the page of that step.
const (
	StepNone  SignInStep = ""      // fully signed in
	StepCode  SignInStep = "code"  // enter a code from the authenticator app, or a recovery code
	StepEnrol SignInStep = "enrol" // the role requires a second factor the user has not set up
)

// Sign-in methods recorded on a session.
const (
	MethodPassword = "password"
	MethodOIDC     = "oidc"
)

// Session is one signed-in browser as people see it. Handle is a public,
// non-secret name for it (the first 16 hex digits of the token's hash), so a
// session can be listed and ended without revealing its token.
type Session struct {
	Handle     string
	User       User
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
	Address    string
	UserAgent  string
	Method     string    // "password" or "oidc"
	MFAAt      time.Time // when a second factor was passed; zero if never
	Step       SignInStep
	Current    bool // the session making the request (set by listings)
}

// MFA reports whether the session passed a second factor.
func (s Session) MFA() bool { return !s.MFAAt.IsZero() }

// SessionHandleLength is the length of a session handle.
const SessionHandleLength = 16

// ValidSessionHandle reports whether s has the form of a session handle.
func ValidSessionHandle(s string) bool {
	if len(s) != SessionHandleLength {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// MFAPolicy is the firm's rule for second factors.
type MFAPolicy struct {
	// RequiredRoles must set up a second factor before they can use Probity.
	RequiredRoles []Role
	// HighlyConfidential, when on, opens highly confidential matters (and
	// their engagements) only to sessions that passed a second factor.
	HighlyConfidential bool
}

// DefaultMFAPolicy is what a firm gets until an administrator changes it:
// administrators and every vendor user must use a second factor, and highly
// confidential matters need one.
func DefaultMFAPolicy() MFAPolicy {
	return MFAPolicy{RequiredRoles: []Role{RoleFirmAdmin, RoleVendorManager, RoleVendorProfessional}, HighlyConfidential: true}
}

// Requires reports whether the policy requires a second factor of role r.
func (p MFAPolicy) Requires(r Role) bool { return slices.Contains(p.RequiredRoles, r) }

// RolesText is the stored form of RequiredRoles: role names joined by commas.
func (p MFAPolicy) RolesText() string {
	names := make([]string, 0, len(p.RequiredRoles))
	for _, r := range Roles { // display order, no duplicates
		if p.Requires(r) {
			names = append(names, string(r))
		}
	}
	return strings.Join(names, ",")
}

// ParseRoleList reads a comma-separated list of role names; an empty list is
// valid (no role requires a second factor).
func ParseRoleList(field, s string) ([]Role, error) {
	var out []Role
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		r, err := ParseRole(part)
		if err != nil {
			e := err.(*Error)
			e.Field = field
			return nil, e
		}
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out, nil
}
