package testenv

import (
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
)

// TOTP hands tests the codes a person's authenticator app would show for a
// secret. A server accepts each 30-second step of a secret once, so TOTP
// never hands out the same step twice: it uses the current step, then the
// next (a server allows one step of clock skew), then waits for the clock to
// move on. Keep one TOTP per database (per server): steps used on one do not
// count on another.
type TOTP struct {
	mu   sync.Mutex
	last map[string]int64 // secret -> last step handed out
}

// NewTOTP returns a TOTP with no steps used.
func NewTOTP() *TOTP { return &TOTP{last: map[string]int64{}} }

// Code returns a fresh code for secret.
func (c *TOTP) Code(tb testing.TB, secret string) string {
	tb.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	for {
		now := time.Now()
		cur := now.Unix() / 30
		step := max(c.last[secret]+1, cur)
		if step <= cur+1 {
			c.last[secret] = step
			code, err := totp.GenerateCode(secret, time.Unix(step*30, 0))
			if err != nil {
				tb.Fatalf("TOTP code: %v", err)
			}
			return code
		}
		// Both usable steps are spent: wait for the clock to reach the next.
		time.Sleep(time.Until(time.Unix((cur+1)*30, 0)) + 10*time.Millisecond)
	}
}
