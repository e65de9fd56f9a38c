package httpx

import (
	"context"
	"crypto/subtle"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/probity/probity/internal/domain"
)

// Middleware wraps a handler.
type Middleware func(http.Handler) http.Handler

// Chain applies middleware so the first listed runs first.
func Chain(h http.Handler, ms ...Middleware) http.Handler {
	for i := len(ms) - 1; i >= 0; i-- {
		h = ms[i](h)
	}
	return h
}

// StatusRecorder remembers the status a handler wrote.
type StatusRecorder struct {
	http.ResponseWriter
	Status int
	Bytes  int64
}

// WriteHeader implements http.ResponseWriter.
func (s *StatusRecorder) WriteHeader(code int) {
	if s.Status == 0 {
		s.Status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

// Write implements http.ResponseWriter.
func (s *StatusRecorder) Write(b []byte) (int, error) {
	if s.Status == 0 {
		s.Status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.Bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (s *StatusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// RequestIDs gives each request an id (a sane incoming X-Request-Id is kept),
// echoes it in the response and puts a logger carrying it in the context.
func RequestIDs(base *slog.Logger) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			id := r.Header.Get("X-Request-Id")
			if !saneID(id) {
				id = randomHex(12)
			}
			w.Header().Set("X-Request-Id", id)
			ctx := context.WithValue(r.Context(), requestIDKey, id)
			ctx = context.WithValue(ctx, logKey, base.With(slog.String("request_id", id)))
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}

func saneID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// AccessLog logs one line per request: method, route pattern, status,
// duration, user. It never logs query strings, bodies or cookies, nor the
// secret token in the path of an invitation or password-reset link.
func AccessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &StatusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		attrs := []any{slog.String("method", r.Method), slog.String("path", LoggedPath(r)), slog.String("route", Route(r)),
			slog.Int("status", rec.Status), slog.Duration("duration", time.Since(start))}
		if u, ok := User(r); ok {
			attrs = append(attrs, slog.Int64("user", u.ID))
		}
		Log(r).Info("request", attrs...)
	})
}

// Recover turns a panic into a logged 500 so one bad request cannot take
// the server down.
func Recover(onError func(http.ResponseWriter, *http.Request, error)) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			defer func() {
				if v := recover(); v != nil {
					if v == http.ErrAbortHandler {
						panic(v)
					}
					Log(r).Error("panic", slog.Any("panic", v), slog.String("stack", string(debug.Stack())))
					onError(w, r, fmt.Errorf("panic: %v", v))
				}
			}()
			next.ServeHTTP(w, r)
		})
	}
}

// CSP allows only the server's own scripts, styles and images: no inline script.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
	"connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

// SecurityHeaders sets the headers every response carries; HSTS only under TLS.
func SecurityHeaders(tls bool) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h.Set("Content-Security-Policy", CSP)
			h.Set("X-Frame-Options", "DENY")
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("Referrer-Policy", "same-origin")
			h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
			h.Set("Cross-Origin-Opener-Policy", "same-origin")
			if tls {
				h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
			}
			next.ServeHTTP(w, r)
		})
	}
}

// Cookie names.
const (
	SessionCookie = "probity_session"
	CSRFCookie    = "probity_csrf"
	CSRFField     = "csrf_token"
	CSRFHeader    = "X-CSRF-Token"
)

// Cookies builds Probity's cookies: HttpOnly, SameSite=Lax, Secure under TLS.
type Cookies struct{ Secure bool }

// Set writes a cookie; maxAge < 0 deletes it.
func (c Cookies) Set(w http.ResponseWriter, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", HttpOnly: true, Secure: c.Secure, SameSite: http.SameSiteLaxMode, MaxAge: maxAge})
}

// NewCSRF issues a fresh CSRF token (at sign-in, so tokens rotate with sessions).
func (c Cookies) NewCSRF(w http.ResponseWriter, r *http.Request) *http.Request {
	t := randomHex(32)
	c.Set(w, CSRFCookie, t, 0)
	return r.WithContext(context.WithValue(r.Context(), csrfKey, t))
}

// CSRF is the one CSRF check: every unsafe method must echo the token from
// the CSRF cookie in the csrf_token form field or the X-CSRF-Token header,
// compared in constant time. Requests carrying no cookies at all (API clients
// with bearer tokens) cannot be forged by a browser and pass through to
// authentication, which will refuse them unless they authenticate otherwise.
func CSRF(c Cookies, onFail func(http.ResponseWriter, *http.Request, error)) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			exempt := bearer(r)
			token := ""
			if ck, err := r.Cookie(CSRFCookie); err == nil && len(ck.Value) == 64 {
				token = ck.Value
			} else if !exempt {
				// Bearer clients get no cookie: a cookie jar would otherwise
				// send it back and put their next request under these rules.
				r = c.NewCSRF(w, r)
				token = CSRFToken(r)
			}
			r = r.WithContext(context.WithValue(r.Context(), csrfKey, token))
			if unsafeMethod(r.Method) && !exempt {
				sent := r.Header.Get(CSRFHeader)
				if sent == "" {
					sent = formToken(r) // csrf_multipart.go: uploads are not parsed here
				}
				if token == "" || subtle.ConstantTimeCompare([]byte(sent), []byte(token)) != 1 {
					if err := authorizationMistake(w, r); err != nil {
						onFail(w, r, err)
						return
					}
					onFail(w, r, domain.Errorf(domain.EForbidden, "This form has expired or did not come from Probity. Reload the page and try again."))
					return
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}

func unsafeMethod(m string) bool {
	return m != http.MethodGet && m != http.MethodHead && m != http.MethodOptions
}

// bearer reports whether a request is exempt from the CSRF check: it carries
// an Authorization: Bearer header, which no browser adds on its own, and no
// cookies at all (not even an empty Cookie header), so it cannot ride on a
// browser session.
func bearer(r *http.Request) bool {
	_, ok := bearerToken(r)
	return ok && !hasCookies(r)
}

// Authenticator resolves a session token to its session, with its user.
type Authenticator func(ctx context.Context, token string) (domain.Session, error)

// Sessions loads the signed-in user from the session cookie, if valid. It
// never refuses a request itself; handlers that need a user ask for one. A
// session that still owes a sign-in step (a second factor) is in the context
// as a Session but gives no User, so everything that needs a user treats it
// as signed out; SecondStep sends it to the step it owes.
func Sessions(c Cookies, authenticate Authenticator) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ck, err := r.Cookie(SessionCookie)
			if err == nil && ck.Value != "" {
				ctx := context.WithValue(r.Context(), sessionTokenKey, ck.Value)
				s, err := authenticate(ctx, ck.Value)
				switch {
				case err == nil:
					ctx = context.WithValue(ctx, sessionKey{}, s)
					if s.Step == domain.StepNone {
						ctx = WithUser(ctx, s.User)
					}
				case domain.ErrorCode(err) == domain.EUnauthorized:
					c.Set(w, SessionCookie, "", -1)
				default:
					LogIfInternal(r, err)
				}
				r = r.WithContext(ctx)
			}
			next.ServeHTTP(w, r)
		})
	}
}

// ClientAddress is the remote address without the port.
func ClientAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
