package auth

import (
	"strings"
	"testing"
	"time"
)

// rfcSecret is RFC 6238's SHA-1 test key, "12345678901234567890", in base32.
const rfcSecret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

func TestMatchTOTP(t *testing.T) {
	// RFC 6238 appendix B, SHA-1, truncated to 6 digits.
	for _, tc := range []struct {
		unix int64
		code string
	}{{59, "287082"}, {1111111109, "081804"}, {1111111111, "050471"}, {1234567890, "005924"}, {2000000000, "279037"}} {
		now := time.Unix(tc.unix, 0)
		step, ok := MatchTOTP(rfcSecret, tc.code, now)
		if !ok || step != tc.unix/30 {
			t.Errorf("at %d: MatchTOTP(%s) = %d, %v; want step %d", tc.unix, tc.code, step, ok, tc.unix/30)
		}
		// One step of skew either way, no more.
		if s, ok := MatchTOTP(rfcSecret, tc.code, now.Add(30*time.Second)); !ok || s != tc.unix/30 {
			t.Errorf("at %d + 30s: not accepted", tc.unix)
		}
		if _, ok := MatchTOTP(rfcSecret, tc.code, now.Add(61*time.Second)); ok {
			t.Errorf("at %d + 61s: accepted, two steps late", tc.unix)
		}
	}
	for _, bad := range []string{"", "28708", "2870820", "abcdef", "287083"} {
		if _, ok := MatchTOTP(rfcSecret, bad, time.Unix(59, 0)); ok {
			t.Errorf("MatchTOTP(%q) accepted", bad)
		}
	}
}

func TestSecretsAndURI(t *testing.T) {
	a, b := NewTOTPSecret(), NewTOTPSecret()
	if a == b || len(a) != 32 || !ValidTOTPSecret(a) {
		t.Fatalf("secrets %q %q", a, b)
	}
	if ValidTOTPSecret("not base32!") || ValidTOTPSecret("GEZDGNBV") {
		t.Errorf("a bad or short secret passes")
	}
	uri := TOTPURI("Probity", "eleanor@firm.example", a)
	if !strings.HasPrefix(uri, "otpauth://totp/Probity:eleanor@firm.example?") || !strings.Contains(uri, "secret="+a) {
		t.Errorf("URI %q", uri)
	}
	png, err := TOTPQRCode(uri, 200)
	if err != nil || string(png[1:4]) != "PNG" {
		t.Errorf("QR code: %v", err)
	}
}

func TestRecoveryCodes(t *testing.T) {
	codes := NewRecoveryCodes(RecoveryCodeCount)
	seen := map[string]bool{}
	for _, c := range codes {
		n, ok := NormalizeRecoveryCode(c)
		if !ok || len(c) != 14 || c[4] != '-' || c[9] != '-' || seen[n] {
			t.Errorf("code %q (%q, %v)", c, n, ok)
		}
		seen[n] = true
		if up, ok := NormalizeRecoveryCode(" " + strings.ToUpper(strings.ReplaceAll(c, "-", " ")) + " "); !ok || up != n {
			t.Errorf("%q typed in capitals with spaces reads as %q", c, up)
		}
		if HashRecoveryCode(n) == n || len(HashRecoveryCode(n)) != 64 {
			t.Errorf("hash of %q", c)
		}
	}
	for _, bad := range []string{"", "abcd-efgh", "abcd-efgh-jkmn-p", "abcd-efgh-jkm0", "abcd-efgh-jkm!", "аbcd-efgh-jkmn"} {
		if _, ok := NormalizeRecoveryCode(bad); ok {
			t.Errorf("%q accepted as a recovery code", bad)
		}
	}
}
