package auth

import (
	"strings"
	"testing"
)

func TestNewAPIToken(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		token, hash, prefix := NewAPIToken()
		if !strings.HasPrefix(token, "prb_") || len(token) != 47 || !WellFormedAPIToken(token) {
			t.Fatalf("token %q is not prb_ and 43 URL-safe characters", token)
		}
		if hash != HashToken(token) || strings.Contains(hash, token[4:]) {
			t.Fatalf("hash %q is not the SHA-256 of the token", hash)
		}
		if prefix != token[:12] {
			t.Fatalf("prefix %q, want %q", prefix, token[:12])
		}
		if seen[token] {
			t.Fatalf("token %q repeated", token)
		}
		seen[token] = true
	}
}

func TestWellFormedAPIToken(t *testing.T) {
	good, _, _ := NewAPIToken()
	for _, tc := range []struct {
		s    string
		want bool
	}{
		{good, true},
		{"prb_" + strings.Repeat("A", 43), true},
		{"prb_" + strings.Repeat("-_9z", 10) + "abc", true},
		{"", false},
		{"prb_", false},
		{"x", false},
		{"prb_" + strings.Repeat("A", 42), false},
		{"prb_" + strings.Repeat("A", 44), false},
		{"prx_" + strings.Repeat("A", 43), false},
		{"PRB_" + strings.Repeat("A", 43), false},
		{"prb_" + strings.Repeat("A", 42) + "=", false},
		{"prb_" + strings.Repeat("A", 42) + "+", false},
		{"prb_" + strings.Repeat("A", 42) + " ", false},
		{"prb_" + strings.Repeat("é", 21) + "A", false},
		{strings.Repeat("A", 10240), false},
	} {
		if got := WellFormedAPIToken(tc.s); got != tc.want {
			t.Errorf("WellFormedAPIToken(%.60q) = %v, want %v", tc.s, got, tc.want)
		}
	}
}
