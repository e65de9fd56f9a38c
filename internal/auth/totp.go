package auth

import (
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base32"
	"image/png"
	"net/url"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
)

// TOTP parameters (RFC 6238), the ones every authenticator app understands:
// HMAC-SHA1, six digits, a 30-second step, and one step of clock skew either way.
const (
	TOTPPeriod = 30
	TOTPDigits = 6
	TOTPSkew   = 1
)

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewTOTPSecret returns a random 160-bit secret in base32 without padding,
// the form authenticator apps accept typed in.
func NewTOTPSecret() string {
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return b32.EncodeToString(b)
}

// TOTPURI is the otpauth:// URI an authenticator app scans to add an account.
func TOTPURI(issuer, account, secret string) string {
	v := url.Values{}
	v.Set("secret", secret)
	v.Set("issuer", issuer)
	v.Set("algorithm", "SHA1")
	v.Set("digits", "6")
	v.Set("period", "30")
	u := url.URL{Scheme: "otpauth", Host: "totp", Path: "/" + issuer + ":" + account, RawQuery: v.Encode()}
	return u.String()
}

// TOTPQRCode renders uri as a PNG QR code of about size×size pixels, made on
// the server so nothing leaves it.
func TOTPQRCode(uri string, size int) ([]byte, error) {
	k, err := otp.NewKeyFromURL(uri)
	if err != nil {
		return nil, err
	}
	img, err := k.Image(size, size)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// TOTPStep is the time step t falls in.
func TOTPStep(t time.Time) int64 { return t.Unix() / TOTPPeriod }

// TOTPCode is the code for secret at step.
func TOTPCode(secret string, step int64) (string, error) {
	return hotp.GenerateCodeCustom(secret, uint64(step), hotp.ValidateOpts{Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
}

// MatchTOTP checks a six-digit code against secret at now, allowing one step
// of skew either way, and returns the step it matched. The caller must refuse
// a step at or before the last one it accepted, so a code works only once.
func MatchTOTP(secret, code string, now time.Time) (step int64, ok bool) {
	if len(code) != TOTPDigits {
		return 0, false
	}
	cur := TOTPStep(now)
	for s := cur - TOTPSkew; s <= cur+TOTPSkew; s++ {
		want, err := TOTPCode(secret, s)
		if err != nil {
			return 0, false
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			step, ok = s, true
		}
	}
	return step, ok
}

// ValidTOTPSecret reports whether s is a base32 secret of at least 80 bits.
func ValidTOTPSecret(s string) bool {
	b, err := b32.DecodeString(strings.ToUpper(s))
	return err == nil && len(b) >= 10
}

// recoveryAlphabet leaves out characters people confuse (0/o, 1/l/i).
const recoveryAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"

// RecoveryCodeCount is how many recovery codes a user gets at a time.
const RecoveryCodeCount = 10

// NewRecoveryCodes returns n random single-use codes like "k7mq-4tzp-x9ab"
// (about 59 bits each).
func NewRecoveryCodes(n int) []string {
	out := make([]string, n)
	b := make([]byte, 12)
	for i := range out {
		if _, err := rand.Read(b); err != nil {
			panic("crypto/rand failed: " + err.Error())
		}
		var sb strings.Builder
		for j, c := range b {
			if j > 0 && j%4 == 0 {
				sb.WriteByte('-')
			}
			// 256 % 31 leaves a bias of under 1%; the codes are long enough for it not to matter.
			sb.WriteByte(recoveryAlphabet[int(c)%len(recoveryAlphabet)])
		}
		out[i] = sb.String()
	}
	return out
}

// NormalizeRecoveryCode lower-cases a typed recovery code and drops spaces
// and dashes; ok is false unless 12 characters of the alphabet remain.
func NormalizeRecoveryCode(s string) (code string, ok bool) {
	var sb strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r == '-' || r == ' ':
			continue
		case r < 128 && strings.ContainsRune(recoveryAlphabet, r):
			sb.WriteRune(r)
		default:
			return "", false
		}
	}
	if sb.Len() != 12 {
		return "", false
	}
	return sb.String(), true
}

// HashRecoveryCode is the stored form of a recovery code: the hex SHA-256 of
// its normalised form.
func HashRecoveryCode(normalized string) string { return HashToken("recovery:" + normalized) }
