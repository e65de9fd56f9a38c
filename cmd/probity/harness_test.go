package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/probity/probity/internal/testenv"
)

// lockedBuffer is an io.Writer safe for the server's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// running is a `probity serve` started through Main, as the binary runs.
type running struct {
	URL    string
	Data   string
	DB     string
	Stdout *lockedBuffer
	Stderr *lockedBuffer
	stop   func() error
}

// Stop shuts the server down gracefully and returns Run's error.
func (r *running) Stop() error { return r.stop() }

// testMain returns a Main with captured output and an environment of its own.
func testMain(env map[string]string) (*Main, *lockedBuffer, *lockedBuffer) {
	out, errb := &lockedBuffer{}, &lockedBuffer{}
	m := NewMain()
	m.Stdout, m.Stderr = out, errb
	m.Stdin = strings.NewReader("")
	m.Getenv = func(k string) string { return env[k] }
	return m, out, errb
}

// startServer runs `probity serve --addr 127.0.0.1:0 [args]` on a fresh
// database of engine e (at the latest schema, from the test template) and
// waits until it is ready. It stops at cleanup.
func startServer(tb testing.TB, e testenv.Engine, args ...string) *running {
	tb.Helper()
	return startServerAt(tb, e, nil, args...)
}

// startServerAt is startServer with the server's clock under the test's
// control (nil: the real clock).
func startServerAt(tb testing.TB, e testenv.Engine, now func() time.Time, args ...string) *running {
	tb.Helper()
	dbURL, dataDir := e.MigratedURL(tb)
	m, out, errb := testMain(nil)
	if now != nil {
		m.Now = now
	}
	ready := make(chan string, 1)
	m.Ready = func(url string) { ready <- url }
	full := append([]string{"serve", "--addr", "127.0.0.1:0", "--data", dataDir, "--log-level", "warn"}, args...)
	if dbURL != "" {
		full = append(full, "--database", dbURL)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx, full) }()
	r := &running{Data: dataDir, DB: dbURL, Stdout: out, Stderr: errb}
	var once sync.Once
	var stopErr error
	r.stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case stopErr = <-done:
			case <-time.After(60 * time.Second):
				stopErr = context.DeadlineExceeded
			}
		})
		return stopErr
	}
	tb.Cleanup(func() { _ = r.Stop() })
	select {
	case r.URL = <-ready:
	case err := <-done:
		tb.Fatalf("serve exited before ready: %v\nstderr:\n%s", err, errb.String())
	case <-time.After(120 * time.Second):
		tb.Fatalf("serve not ready after 120s\nstderr:\n%s", errb.String())
	}
	return r
}

// newClient is an HTTP client with a cookie jar that does not follow redirects.
func newClient(tb testing.TB) *http.Client {
	tb.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		tb.Fatal(err)
	}
	return &http.Client{Jar: jar, Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}
