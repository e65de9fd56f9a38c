// Package servertest starts the real HTTP server, with its whole middleware
// chain, on the demo firm, for package tests that need it (the API's tests,
// the authorisation matrix).
package servertest

import (
	"bytes"
	"context"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/blob"
	"github.com/probity/probity/internal/demo"
	"github.com/probity/probity/internal/server"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// Demo is a running server over a fresh demo database.
type Demo struct {
	URL    string
	App    *app.App
	Store  *store.Store
	Server *server.Server
	Logs   *LockedLog
}

// StartDemo loads the demo firm into a fresh database of engine e and serves
// it on 127.0.0.1. At cleanup the server stops, and the test fails if the
// server logged an error.
func StartDemo(tb testing.TB, e testenv.Engine) *Demo {
	tb.Helper()
	s := testenv.OpenStore(tb, e)
	blobs := Blobs(tb)
	if err := demo.LoadWith(context.Background(), s, time.Now(), demo.Options{Blobs: blobs}); err != nil {
		tb.Fatalf("demo.Load: %v", err)
	}
	logs := &LockedLog{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	a := app.New(s, app.DefaultConfig(), log)
	a.Blobs = blobs
	srv, err := server.New(a, server.Config{Version: "test"}, log)
	if err != nil {
		tb.Fatalf("server.New: %v", err)
	}
	ts := httptest.NewServer(srv.Handler())
	tb.Cleanup(func() {
		ts.Close()
		if strings.Contains(logs.String(), "level=ERROR") {
			tb.Errorf("the server logged errors:\n%s", logs.String())
		}
	})
	return &Demo{URL: ts.URL, App: a, Store: s, Server: srv, Logs: logs}
}

// Blobs is an encrypted document store in a temporary directory, with a
// fresh key-encryption key.
func Blobs(tb testing.TB) *blob.Store {
	tb.Helper()
	dir, err := blob.NewDir(tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	kek, err := blob.GenerateKEK()
	if err != nil {
		tb.Fatal(err)
	}
	return blob.New(dir, kek)
}

// LockedLog is a log destination safe for the server's goroutines.
type LockedLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write implements io.Writer.
func (l *LockedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// String returns everything logged so far.
func (l *LockedLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
