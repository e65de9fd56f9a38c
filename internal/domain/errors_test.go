package domain

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestErrorCodeAndMessage(t *testing.T) {
	notFound := NotFound("matter")
	tests := []struct {
		name    string
		err     error
		code    string
		message string
		field   string
	}{
		{"nil", nil, "", "An internal error occurred. It has been logged.", ""},
		{"plain error is internal", errors.New("pq: connection refused to 10.0.0.7"), EInternal, "An internal error occurred. It has been logged.", ""},
		{"domain error", Errorf(EConflict, "a user with email %s already exists", "a@b.example"), EConflict, "a user with email a@b.example already exists", ""},
		{"not found", notFound, ENotFound, "matter not found", ""},
		{"invalid names its field", Invalid("email", "%q is not an email address", "x"), EInvalid, `"x" is not an email address`, "email"},
		{"wrapped once", fmt.Errorf("approve deliverable 7: %w", notFound), ENotFound, "matter not found", ""},
		{"wrapped twice", fmt.Errorf("outer: %w", fmt.Errorf("inner: %w", Invalid("title", "title is required"))), EInvalid, "title is required", "title"},
		{"joined", errors.Join(errors.New("boom"), Errorf(ETooMany, "slow down")), ETooMany, "slow down", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ErrorCode(tt.err); got != tt.code {
				t.Errorf("ErrorCode = %q, want %q", got, tt.code)
			}
			if tt.err != nil {
				if got := ErrorMessage(tt.err); got != tt.message {
					t.Errorf("ErrorMessage = %q, want %q", got, tt.message)
				}
			}
			if got := ErrorField(tt.err); got != tt.field {
				t.Errorf("ErrorField = %q, want %q", got, tt.field)
			}
		})
	}
}

func TestErrorString(t *testing.T) {
	if got, want := Invalid("email", "email is required").Error(), "invalid: email is required (email)"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if got, want := NotFound("vendor").Error(), "not_found: vendor not found"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestInternalMessageHidesDetail(t *testing.T) {
	secret := "password authentication failed for user probity"
	if msg := ErrorMessage(fmt.Errorf("open: %s", secret)); msg == "" || msg == secret || strings.Contains(msg, "probity") {
		t.Fatalf("ErrorMessage leaked the internal detail: %q", msg)
	}
}
