// Package httpx is the HTTP plumbing the web UI and the JSON API share: the
// signed-in user in the request context, request ids, the one table that maps
// error codes to HTTP statuses, and the middleware chain.
package httpx

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"os"
	"strconv"

	"github.com/probity/probity/internal/domain"
)

type ctxKey int

const (
	userKey ctxKey = iota
	requestIDKey
	csrfKey
	sessionTokenKey
	logKey
	routeKey
)

// Route returns the route pattern the request matched ("GET /matters/{id}"),
// or "" when none did. Metrics and logs label by it, never by raw path.
func Route(r *http.Request) string {
	p, _ := r.Context().Value(routeKey).(string)
	return p
}

// Routes records, before anything else runs, which pattern of mux the request
// will match, so outer middleware can label by it.
func Routes(mux *http.ServeMux) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, p := mux.Handler(r)
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), routeKey, p)))
		})
	}
}

// User returns the signed-in user, if any.
func User(r *http.Request) (domain.User, bool) {
	u, ok := r.Context().Value(userKey).(domain.User)
	return u, ok
}

// WithUser stores the signed-in user in ctx.
func WithUser(ctx context.Context, u domain.User) context.Context {
	return context.WithValue(ctx, userKey, u)
}

// RequestID returns the request's id.
func RequestID(r *http.Request) string {
	id, _ := r.Context().Value(requestIDKey).(string)
	return id
}

// CSRFToken returns the token forms must echo.
func CSRFToken(r *http.Request) string {
	t, _ := r.Context().Value(csrfKey).(string)
	return t
}

// SessionToken returns the raw session token from the cookie, if any.
func SessionToken(r *http.Request) string {
	t, _ := r.Context().Value(sessionTokenKey).(string)
	return t
}

// Log returns the request-scoped logger (with the request id).
func Log(r *http.Request) *slog.Logger {
	if l, ok := r.Context().Value(logKey).(*slog.Logger); ok {
		return l
	}
	return slog.Default()
}

// Status is the one table from error code to HTTP status.
func Status(code string) int {
	switch code {
	case domain.EInvalid:
		return http.StatusUnprocessableEntity
	case domain.ENotFound:
		return http.StatusNotFound
	case domain.EUnauthorized:
		return http.StatusUnauthorized
	case domain.EForbidden:
		return http.StatusForbidden
	case domain.EConflict:
		return http.StatusConflict
	case domain.EGateClosed:
		return http.StatusConflict
	case domain.ETooMany:
		return http.StatusTooManyRequests
	case domain.EUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// LogIfInternal logs err in full when it is not a domain error; domain errors
// are the caller's mistake and are answered, not logged as failures.
func LogIfInternal(r *http.Request, err error) {
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		// The client went away (a cancelled upload or download): its
		// transaction rolled back; nothing went wrong on our side.
		Log(r).Info("request cancelled by the client", slog.String("path", LoggedPath(r)))
		return
	}
	if domain.ErrorCode(err) == domain.EInternal {
		Log(r).Error("internal error", slog.String("path", LoggedPath(r)), slog.Any("err", err))
	}
}

// ErrorBody is the one JSON shape of every API error.
type ErrorBody struct {
	Error struct {
		Code      string `json:"code"`
		Message   string `json:"message"`
		Field     string `json:"field,omitempty"`
		RequestID string `json:"request_id,omitempty"`
	} `json:"error"`
}

// WriteJSON writes v as JSON with status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// WriteJSONError answers err in the API's error shape.
func WriteJSONError(w http.ResponseWriter, r *http.Request, err error) {
	LogIfInternal(r, err)
	var b ErrorBody
	b.Error.Code = domain.ErrorCode(err)
	b.Error.Message = domain.ErrorMessage(err)
	b.Error.Field = domain.ErrorField(err)
	b.Error.RequestID = RequestID(r)
	WriteJSON(w, Status(b.Error.Code), b)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// PathID reads a positive integer path value; anything else answers not
// found, exactly as an id that does not exist.
func PathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, domain.NotFound("object")
	}
	return id, nil
}

// WriteDownload sends content as an attachment named filename. Downloads of
// client material are never cached.
func WriteDownload(w http.ResponseWriter, contentType, filename string, content []byte) {
	downloadHeaders(w, contentType, filename, int64(len(content)))
	_, _ = w.Write(content)
}

func downloadHeaders(w http.ResponseWriter, contentType, filename string, size int64) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": filename}))
	w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
	w.Header().Set("Cache-Control", "no-store")
}

// SpoolDownload sends a download too large to hold in memory through a
// temporary file: write fills the file and names the download, and only
// when it succeeds is the file sent, so a failure midway reaches fail (an
// error page or a JSON error) instead of the client as half a file.
func SpoolDownload(w http.ResponseWriter, contentType string, write func(io.Writer) (string, error), fail func(error)) {
	f, err := os.CreateTemp("", "probity-download-*")
	if err != nil {
		fail(err)
		return
	}
	defer os.Remove(f.Name())
	defer f.Close()
	name, err := write(f)
	var size int64
	if err == nil {
		if size, err = f.Seek(0, io.SeekCurrent); err == nil {
			_, err = f.Seek(0, io.SeekStart)
		}
	}
	if err != nil {
		fail(err)
		return
	}
	downloadHeaders(w, contentType, name, size)
	_, _ = io.Copy(w, f)
}
