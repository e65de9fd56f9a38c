package domain

import (
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// User is a person who signs in: firm staff, a vendor's people, or a client's contacts.
type User struct {
	ID        int64
	Email     string // lower-cased, unique
	Name      string
	Role      Role
	VendorID  int64 // set for vendor roles, zero otherwise
	ClientID  int64 // set for client contacts, zero otherwise
	Title     string
	TimeZone  string // IANA name; deadlines are shown in it
	Locale    Locale // how dates and money are written for them; en-US when unset
	Disabled  bool
	CreatedAt time.Time
}

// BarAdmission records that an attorney is admitted to practise in a jurisdiction.
type BarAdmission struct {
	ID           int64
	UserID       int64
	Jurisdiction string // "NY", "IL", "England and Wales"
	Number       string
	Status       string // active, inactive, suspended
	AdmittedOn   Date
	VerifiedOn   Date  // when the firm checked it with the admitting authority; "" until then
	VerifiedBy   int64 // the firm user who checked it
}

// NormalizeEmail trims and lower-cases an address and checks its form.
func NormalizeEmail(s string) (string, error) {
	e := strings.ToLower(strings.TrimSpace(s))
	if e == "" {
		return "", Invalid("email", "email is required")
	}
	a, err := mail.ParseAddress(e)
	if err != nil || a.Address != e || len(e) > 254 {
		return "", Invalid("email", "%q is not an email address", s)
	}
	return e, nil
}

// MinPasswordLength and MaxPasswordLength bound passwords (NIST SP 800-63B).
const (
	MinPasswordLength = 12
	MaxPasswordLength = 256
)

// ValidatePassword checks a new password's length.
func ValidatePassword(p string) error {
	n := utf8.RuneCountInString(p)
	if n < MinPasswordLength {
		return Invalid("password", "password must be at least %d characters", MinPasswordLength)
	}
	if n > MaxPasswordLength {
		return Invalid("password", "password must be at most %d characters", MaxPasswordLength)
	}
	return nil
}

// Validate checks a user before it is stored: the role fits the organisation.
func (u *User) Validate() error {
	email, err := NormalizeEmail(u.Email)
	if err != nil {
		return err
	}
	u.Email = email
	u.Name = strings.TrimSpace(u.Name)
	if u.Name == "" || utf8.RuneCountInString(u.Name) > 200 {
		return Invalid("name", "name is required (at most 200 characters)")
	}
	if _, err := ParseRole(string(u.Role)); err != nil {
		return err
	}
	switch {
	case u.Role.IsVendor() && (u.VendorID == 0 || u.ClientID != 0):
		return Invalid("vendor", "a %s must belong to exactly one vendor", u.Role.Label())
	case u.Role.IsClient() && (u.ClientID == 0 || u.VendorID != 0):
		return Invalid("client", "a client contact must belong to exactly one client")
	case u.Role.IsFirm() && (u.VendorID != 0 || u.ClientID != 0):
		return Invalid("role", "a firm user cannot belong to a vendor or client")
	}
	if u.TimeZone == "" {
		u.TimeZone = "UTC"
	}
	if _, err := time.LoadLocation(u.TimeZone); err != nil {
		return Invalid("time_zone", "%q is not an IANA time zone", u.TimeZone)
	}
	l, err := ParseLocale(string(u.Locale))
	if err != nil {
		return err
	}
	u.Locale = l
	return nil
}
