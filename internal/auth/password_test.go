package auth

import (
	"strings"
	"testing"
)

func TestHashAndVerify(t *testing.T) {
	h, err := HashPassword("correct horse battery staple", Default)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q does not carry the OWASP parameters", h)
	}
	ok, err := VerifyPassword(h, "correct horse battery staple")
	if err != nil || !ok {
		t.Fatalf("right password rejected: %v %v", ok, err)
	}
	ok, err = VerifyPassword(h, "correct horse battery stapler")
	if err != nil || ok {
		t.Fatalf("wrong password accepted: %v %v", ok, err)
	}
	h2, _ := HashPassword("correct horse battery staple", Default)
	if h == h2 {
		t.Fatal("two hashes of one password are equal: salt not random")
	}
}

func TestVerifyMalformed(t *testing.T) {
	for _, h := range []string{"", "plain", "$argon2i$v=19$m=1,t=1,p=1$c2FsdA$a2V5", "$argon2id$v=19$m=x,t=1,p=1$c2FsdA$a2V5", "$argon2id$v=19$m=8,t=1,p=1$!!$a2V5", "$argon2id$v=19$m=8,t=0,p=1$c2FsdA$a2V5"} {
		if _, err := VerifyPassword(h, "x"); err != ErrMalformedHash {
			t.Errorf("VerifyPassword(%q) err = %v, want ErrMalformedHash", h, err)
		}
	}
}

func TestToken(t *testing.T) {
	a, ha := NewToken()
	b, hb := NewToken()
	if a == b || ha == hb {
		t.Fatal("tokens repeat")
	}
	if len(a) != 43 || HashToken(a) != ha || len(ha) != 64 {
		t.Fatalf("token %q hash %q", a, ha)
	}
}
