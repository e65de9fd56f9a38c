package main

import (
	"sync"
	"testing"

	"github.com/probity/probity/internal/demo"
	"github.com/probity/probity/internal/testenv"
)

// serverTOTP keeps one code source per server, so no two sign-ins on a
// server use the same time step of an account (the server refuses a step it
// accepted before).
var serverTOTP = struct {
	sync.Mutex
	m map[string]*testenv.TOTP
}{m: map[string]*testenv.TOTP{}}

// totpCode is a fresh code for secret on the server at base.
func totpCode(tb testing.TB, base, secret string) string {
	tb.Helper()
	serverTOTP.Lock()
	c := serverTOTP.m[base]
	if c == nil {
		c = testenv.NewTOTP()
		serverTOTP.m[base] = c
	}
	serverTOTP.Unlock()
	return c.Code(tb, secret)
}

// demoSecret is the demo account's authenticator key, "" when it has none.
func demoSecret(email string) string {
	for _, a := range demo.Accounts() {
		if a.Email == email {
			return a.TOTPSecret
		}
	}
	return ""
}
