package auth

// APITokenPrefix starts every API token, so a leaked one is easy to recognise
// (secret scanners, log filters) and cannot be confused with a session token.
const APITokenPrefix = "prb_"

// apiTokenBody is the length of the random part: 32 bytes in unpadded
// URL-safe base64.
const apiTokenBody = 43

// DisplayPrefixLen is how much of a token is kept in clear for display:
// "prb_" and the first 8 random characters (48 of its 256 bits).
const DisplayPrefixLen = len(APITokenPrefix) + 8

// NewAPIToken returns a new API token ("prb_" and 43 URL-safe base64
// characters), the hash to store and the non-secret prefix to display.
func NewAPIToken() (token, hash, prefix string) {
	t, _ := NewToken()
	token = APITokenPrefix + t
	return token, HashToken(token), token[:DisplayPrefixLen]
}

// WellFormedAPIToken reports whether s has the form of an API token, so
// anything else is refused without a database lookup.
func WellFormedAPIToken(s string) bool {
	if len(s) != len(APITokenPrefix)+apiTokenBody || s[:len(APITokenPrefix)] != APITokenPrefix {
		return false
	}
	for i := len(APITokenPrefix); i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
