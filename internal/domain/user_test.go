package domain

import (
	"strings"
	"testing"
)

func TestNormalizeEmail(t *testing.T) {
	tests := []struct {
		in, want string
		wantErr  bool
	}{
		{in: "eleanor.hartwell@hartwellcrane.example", want: "eleanor.hartwell@hartwellcrane.example"},
		{in: "  Eleanor.Hartwell@HartwellCrane.Example \n", want: "eleanor.hartwell@hartwellcrane.example"},
		{in: "a+tag@b.example", want: "a+tag@b.example"},
		{in: "", wantErr: true},
		{in: "   ", wantErr: true},
		{in: "not-an-email", wantErr: true},
		{in: "@b.example", wantErr: true},
		{in: "a@", wantErr: true},
		{in: "Eleanor <eleanor@hartwellcrane.example>", wantErr: true},
		{in: "a@b.example, c@d.example", wantErr: true},
		{in: "a b@c.example", wantErr: true},
		{in: strings.Repeat("a", 64) + "@" + strings.Repeat("b", 190) + ".example", wantErr: true}, // 262 > 254
	}
	for _, tt := range tests {
		got, err := NormalizeEmail(tt.in)
		if tt.wantErr {
			if ErrorCode(err) != EInvalid || ErrorField(err) != "email" || got != "" {
				t.Errorf("NormalizeEmail(%q) = %q, %v; want an invalid email error", tt.in, got, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestValidatePassword(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		wantErr bool
	}{
		{"empty", "", true},
		{"eleven", strings.Repeat("x", MinPasswordLength-1), true},
		{"twelve", strings.Repeat("x", MinPasswordLength), false},
		{"passphrase", "correct horse battery staple", false},
		{"counts characters not bytes", strings.Repeat("é", MinPasswordLength), false},
		{"short in characters though long in bytes", strings.Repeat("密", MinPasswordLength-1), true},
		{"at the maximum", strings.Repeat("x", MaxPasswordLength), false},
		{"over the maximum", strings.Repeat("x", MaxPasswordLength+1), true},
	}
	for _, tt := range tests {
		err := ValidatePassword(tt.in)
		if tt.wantErr != (err != nil) {
			t.Errorf("%s: ValidatePassword = %v, want error %v", tt.name, err, tt.wantErr)
		}
		if err != nil && (ErrorCode(err) != EInvalid || ErrorField(err) != "password") {
			t.Errorf("%s: error %v is not an invalid password error", tt.name, err)
		}
	}
}

func TestUserValidate(t *testing.T) {
	tests := []struct {
		name  string
		user  User
		field string // "" for valid
	}{
		{"firm admin", User{Email: "a@firm.example", Name: "A", Role: RoleFirmAdmin}, ""},
		{"attorney", User{Email: "a@firm.example", Name: "A", Role: RoleAttorney, TimeZone: "America/New_York"}, ""},
		{"staff", User{Email: "a@firm.example", Name: "A", Role: RoleStaff}, ""},
		{"vendor manager", User{Email: "a@v.example", Name: "A", Role: RoleVendorManager, VendorID: 3}, ""},
		{"vendor professional", User{Email: "a@v.example", Name: "A", Role: RoleVendorProfessional, VendorID: 3, TimeZone: "Asia/Kolkata"}, ""},
		{"client contact", User{Email: "a@c.example", Name: "A", Role: RoleClientContact, ClientID: 2}, ""},

		{"bad email", User{Email: "nope", Name: "A", Role: RoleStaff}, "email"},
		{"no name", User{Email: "a@firm.example", Name: "   ", Role: RoleStaff}, "name"},
		{"long name", User{Email: "a@firm.example", Name: strings.Repeat("n", 201), Role: RoleStaff}, "name"},
		{"no role", User{Email: "a@firm.example", Name: "A"}, "role"},
		{"unknown role", User{Email: "a@firm.example", Name: "A", Role: "partner"}, "role"},
		{"vendor role without vendor", User{Email: "a@v.example", Name: "A", Role: RoleVendorManager}, "vendor"},
		{"vendor role with a client too", User{Email: "a@v.example", Name: "A", Role: RoleVendorProfessional, VendorID: 3, ClientID: 2}, "vendor"},
		{"client contact without client", User{Email: "a@c.example", Name: "A", Role: RoleClientContact}, "client"},
		{"client contact with a vendor too", User{Email: "a@c.example", Name: "A", Role: RoleClientContact, ClientID: 2, VendorID: 3}, "client"},
		{"attorney of a vendor", User{Email: "a@firm.example", Name: "A", Role: RoleAttorney, VendorID: 3}, "role"},
		{"admin of a client", User{Email: "a@firm.example", Name: "A", Role: RoleFirmAdmin, ClientID: 2}, "role"},
		{"bad time zone", User{Email: "a@firm.example", Name: "A", Role: RoleStaff, TimeZone: "Mars/Olympus_Mons"}, "time_zone"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := tt.user
			err := u.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if ErrorCode(err) != EInvalid || ErrorField(err) != tt.field {
				t.Fatalf("Validate() = %v, want invalid %s", err, tt.field)
			}
		})
	}
}

func TestUserValidateNormalises(t *testing.T) {
	u := User{Email: "  Marcus.Oyelaran@HartwellCrane.example ", Name: "  Marcus Oyelaran ", Role: RoleAttorney}
	if err := u.Validate(); err != nil {
		t.Fatal(err)
	}
	if u.Email != "marcus.oyelaran@hartwellcrane.example" || u.Name != "Marcus Oyelaran" || u.TimeZone != "UTC" {
		t.Fatalf("Validate left %+v", u)
	}
}

func TestRoles(t *testing.T) {
	tests := []struct {
		role                   Role
		firm, vendor, isClient bool
	}{
		{RoleFirmAdmin, true, false, false},
		{RoleAttorney, true, false, false},
		{RoleStaff, true, false, false},
		{RoleVendorManager, false, true, false},
		{RoleVendorProfessional, false, true, false},
		{RoleClientContact, false, false, true},
		{"", false, false, false},
	}
	for _, tt := range tests {
		if tt.role.IsFirm() != tt.firm || tt.role.IsVendor() != tt.vendor || tt.role.IsClient() != tt.isClient {
			t.Errorf("%q: IsFirm/IsVendor/IsClient = %v/%v/%v, want %v/%v/%v", tt.role,
				tt.role.IsFirm(), tt.role.IsVendor(), tt.role.IsClient(), tt.firm, tt.vendor, tt.isClient)
		}
	}
	if len(Roles) != 6 {
		t.Fatalf("Roles has %d entries, want 6", len(Roles))
	}
	labels := map[string]bool{}
	for _, r := range Roles {
		got, err := ParseRole(string(r))
		if err != nil || got != r {
			t.Errorf("ParseRole(%q) = %q, %v", r, got, err)
		}
		if r.Label() == string(r) || labels[r.Label()] {
			t.Errorf("role %q has no label of its own: %q", r, r.Label())
		}
		labels[r.Label()] = true
	}
	for _, s := range []string{"", "admin", "Firm_Admin", " attorney"} {
		if _, err := ParseRole(s); ErrorCode(err) != EInvalid || ErrorField(err) != "role" {
			t.Errorf("ParseRole(%q) err = %v, want invalid role", s, err)
		}
	}
}
