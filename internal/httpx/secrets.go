package httpx

import (
	"context"
	"net/http"
	"strings"
)

// LoggedPath is the request path as logs may show it. Routes whose pattern
// has a {token} wildcard (invitation and password-reset links) carry a
// secret in the path, so for them it is the pattern instead.
func LoggedPath(r *http.Request) string {
	if p := Route(r); strings.Contains(p, "{token}") {
		if _, path, ok := strings.Cut(p, " "); ok {
			return path
		}
		return p
	}
	return r.URL.Path
}

// WithoutUser returns ctx in which nobody is signed in, for a page rendered
// right after the request ended its own session.
func WithoutUser(ctx context.Context) context.Context {
	return context.WithValue(ctx, userKey, nil)
}
