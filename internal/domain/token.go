package domain

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// TokenScope is what an API token may do: read (safe methods only) or write
// (everything its user's role allows).
type TokenScope string

// The two scopes.
const (
	TokenRead  TokenScope = "read"
	TokenWrite TokenScope = "write"
)

// ParseTokenScope validates a scope name.
func ParseTokenScope(s string) (TokenScope, error) {
	switch TokenScope(s) {
	case TokenRead, TokenWrite:
		return TokenScope(s), nil
	}
	return "", Invalid("scope", "scope must be read or write, not %q", s)
}

// Label is the scope as people say it.
func (s TokenScope) Label() string {
	if s == TokenWrite {
		return "Read and write"
	}
	return "Read only"
}

// Token lifetimes: every token expires; 90 days unless asked otherwise, never
// more than a year.
const (
	DefaultTokenLifetime = 90 * 24 * time.Hour
	MinTokenLifetime     = time.Hour
	MaxTokenLifetime     = 365 * 24 * time.Hour
	MaxTokenNameLength   = 100
)

// APIToken is a user's named credential for the JSON API. Only the SHA-256 of
// the secret is stored; Prefix (the first characters of the token) is kept so
// people can tell their tokens apart, and reveals nothing useful.
type APIToken struct {
	ID         int64
	UserID     int64
	Name       string
	Scope      TokenScope
	Prefix     string
	CreatedAt  time.Time
	ExpiresAt  time.Time
	LastUsedAt time.Time // zero: never used
	RevokedAt  time.Time // zero: not revoked
}

// TokenStatus is where a token stands.
type TokenStatus string

// Token statuses.
const (
	TokenActive  TokenStatus = "active"
	TokenExpired TokenStatus = "expired"
	TokenRevoked TokenStatus = "revoked"
)

// Status reports whether the token is active, expired or revoked at now.
// Revocation wins over expiry.
func (t APIToken) Status(now time.Time) TokenStatus {
	switch {
	case !t.RevokedAt.IsZero():
		return TokenRevoked
	case !now.Before(t.ExpiresAt):
		return TokenExpired
	}
	return TokenActive
}

// ValidateTokenName trims a token's name and checks it: required, at most
// MaxTokenNameLength characters, no control characters.
func ValidateTokenName(name string) (string, error) {
	n := strings.TrimSpace(name)
	if n == "" {
		return "", Invalid("name", "give the token a name that says what uses it, e.g. \"billing export\"")
	}
	if utf8.RuneCountInString(n) > MaxTokenNameLength || !utf8.ValidString(n) {
		return "", Invalid("name", "the name must be at most %d characters", MaxTokenNameLength)
	}
	if strings.IndexFunc(n, unicode.IsControl) >= 0 {
		return "", Invalid("name", "the name must be on one line, without control characters")
	}
	return n, nil
}

// ValidateTokenLifetime checks how long a new token is to live; zero means
// DefaultTokenLifetime.
func ValidateTokenLifetime(d time.Duration) (time.Duration, error) {
	switch {
	case d == 0:
		return DefaultTokenLifetime, nil
	case d < MinTokenLifetime:
		return 0, Invalid("expires_in", "a token must live at least an hour")
	case d > MaxTokenLifetime:
		return 0, Invalid("expires_in", "a token may live at most 365 days")
	}
	return d, nil
}
