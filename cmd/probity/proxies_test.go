package main

import (
	"database/sql"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/probity/probity/internal/store/engine"
	"github.com/probity/probity/internal/testenv"
)

// TestTrustedProxies: behind a trusted proxy the audit trail records the
// client named by X-Forwarded-For; from anywhere else the header is ignored.
func TestTrustedProxies(t *testing.T) {
	for _, tc := range []struct {
		name, trusted, want string
	}{
		{"trusted", "127.0.0.1", "203.0.113.9"},
		{"not trusted", "10.0.0.0/8", "127.0.0.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := startServer(t, testenv.Engines(t)[0], "--demo", "--trusted-proxies", tc.trusted)
			c := newClient(t)
			form := loadSignInForm(t, c, r.URL, "/signin")
			form.Set("email", "marcus.oyelaran@hartwellcrane.example")
			form.Set("password", "not the password at all")
			req, err := http.NewRequest(http.MethodPost, r.URL+"/signin", strings.NewReader(form.Encode()))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-Forwarded-For", "203.0.113.9")
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("wrong password: status %d", resp.StatusCode)
			}
			db, err := sql.Open("sqlite", "file:"+filepath.Join(r.Data, engine.SQLiteFile)+"?"+url.Values{"mode": {"ro"}}.Encode())
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			var addr string
			if err := db.QueryRow(`SELECT address FROM audit_events WHERE action = 'auth.sign_in_failed' ORDER BY seq DESC LIMIT 1`).Scan(&addr); err != nil {
				t.Fatal(err)
			}
			if addr != tc.want {
				t.Fatalf("the failed sign-in was recorded from %q, want %q", addr, tc.want)
			}
		})
	}
	m, _, _ := testMain(nil)
	if err := m.Run(t.Context(), []string{"config", "--trusted-proxies", "10.0.0.0/99"}); err == nil || exitCode(err) != 2 {
		t.Fatalf("a bad --trusted-proxies: %v", err)
	}
}
