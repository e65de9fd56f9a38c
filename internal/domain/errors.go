// Package domain holds Probity's entities, value types, error codes and the
// pure rules that every surface (web UI, JSON API, CLI) shares. It imports
// nothing internal.
package domain

import (
	"errors"
	"fmt"
)

// Error codes. Each maps to one HTTP status in one table (see internal/web).
const (
	EInvalid      = "invalid"      // bad input; Field names the offending field
	ENotFound     = "not_found"    // absent, or outside the caller's scope
	EUnauthorized = "unauthorized" // not signed in, or bad credentials
	EForbidden    = "forbidden"    // signed in, in scope, but not allowed
	EConflict     = "conflict"     // clashes with existing state (duplicate, stale)
	EGateClosed   = "gate_closed"  // a lifecycle gate is not yet satisfied
	ETooMany      = "too_many"     // throttled
	EUnavailable  = "unavailable"  // a dependency is down
	EInternal     = "internal"     // anything else: logged in full, shown generically
)

// Error is the application error: a machine code, a message safe to show to
// the person who caused it, and for EInvalid the field at fault.
type Error struct {
	Code    string
	Message string
	Field   string
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s (%s)", e.Code, e.Message, e.Field)
	}
	return e.Code + ": " + e.Message
}

// Errorf returns an *Error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns an EInvalid error naming the field at fault.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Code: EInvalid, Field: field, Message: fmt.Sprintf(format, args...)}
}

// NotFound returns an ENotFound error for a kind of object ("matter").
func NotFound(kind string) *Error {
	return &Error{Code: ENotFound, Message: kind + " not found"}
}

// ErrorCode returns the code of the first *Error in err's chain, or EInternal.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err == nil {
		return ""
	}
	return EInternal
}

// ErrorMessage returns the safe message of err, or a generic one for internal errors.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "An internal error occurred. It has been logged."
}

// ErrorField returns the field at fault, if any.
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}
