package domain

import (
	"slices"
	"testing"
)

func TestParseRoleList(t *testing.T) {
	got, err := ParseRoleList("roles", " vendor_manager, firm_admin,,vendor_manager ")
	if err != nil || !slices.Equal(got, []Role{RoleVendorManager, RoleFirmAdmin}) {
		t.Fatalf("ParseRoleList = %v, %v", got, err)
	}
	if got, err := ParseRoleList("roles", ""); err != nil || len(got) != 0 {
		t.Errorf("empty list = %v, %v", got, err)
	}
	if _, err := ParseRoleList("roles", "firm_admin,janitor"); ErrorCode(err) != EInvalid || ErrorField(err) != "roles" {
		t.Errorf("bad role: %v", err)
	}
	p := MFAPolicy{RequiredRoles: []Role{RoleVendorProfessional, RoleFirmAdmin}}
	if p.RolesText() != "firm_admin,vendor_professional" || !p.Requires(RoleFirmAdmin) || p.Requires(RoleAttorney) {
		t.Errorf("RolesText %q", p.RolesText())
	}
}

func TestValidSessionHandle(t *testing.T) {
	for s, want := range map[string]bool{"0123456789abcdef": true, "0123456789ABCDEF": false, "0123456789abcde": false, "0123456789abcdefa": false, "0123456789abcdeg": false, "": false} {
		if ValidSessionHandle(s) != want {
			t.Errorf("ValidSessionHandle(%q) = %v", s, !want)
		}
	}
}
