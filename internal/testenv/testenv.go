// Package testenv gives tests the real engines and tools they run against:
// SQLite always, PostgreSQL at $PROBITY_TEST_POSTGRES, Chromium at
// $PROBITY_TEST_CHROMIUM. Under CI=true a missing one fails the test instead
// of skipping it, so CI cannot pass by skipping.
package testenv

import (
	"context"
	"database/sql"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver for admin statements

	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/engine"
)

// CI reports whether tests run under CI=true, where nothing may be skipped.
func CI() bool { return os.Getenv("CI") == "true" }

// Missing skips the test, or fails it under CI, because what is named is absent.
func Missing(tb testing.TB, what string) {
	tb.Helper()
	if CI() {
		tb.Fatalf("%s is required under CI=true (run the tests through scripts/test)", what)
	}
	tb.Skipf("%s not available; run scripts/test to provide it", what)
}

// Engine is one storage engine a test can run against.
type Engine struct {
	Name string
	// URL returns a database URL for a new, empty database (a fresh data
	// directory for SQLite, a fresh schema for PostgreSQL) and the data dir.
	URL func(tb testing.TB) (databaseURL, dataDir string)
	// Migrated is URL for a database already at the latest schema, copied
	// from a template migrated once per test process (see template.go).
	Migrated func(tb testing.TB) (databaseURL, dataDir string)
}

// Engines returns SQLite and PostgreSQL. PostgreSQL is omitted (or, under
// CI, the test fails) when $PROBITY_TEST_POSTGRES is unset.
func Engines(tb testing.TB) []Engine {
	tb.Helper()
	es := []Engine{{Name: "sqlite", URL: func(tb testing.TB) (string, string) { return "", tb.TempDir() }, Migrated: sqliteMigrated}}
	if os.Getenv("PROBITY_TEST_POSTGRES") != "" {
		es = append(es, Engine{Name: "postgres",
			URL:      func(tb testing.TB) (string, string) { return PostgresURL(tb), tb.TempDir() },
			Migrated: func(tb testing.TB) (string, string) { return postgresMigrated(tb), tb.TempDir() },
		})
	} else if CI() {
		tb.Fatalf("PROBITY_TEST_POSTGRES is required under CI=true (run the tests through scripts/test)")
	} else {
		tb.Logf("PostgreSQL not configured (PROBITY_TEST_POSTGRES unset): running on SQLite only")
	}
	return es
}

// ForEachEngine runs fn as a subtest per engine.
func ForEachEngine(t *testing.T, fn func(t *testing.T, e Engine)) {
	t.Helper()
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) { fn(t, e) })
	}
}

// MigratedURL returns e.Migrated, or e.URL where the engine has no
// template (the migration then runs when the database is opened).
func (e Engine) MigratedURL(tb testing.TB) (string, string) {
	tb.Helper()
	if e.Migrated != nil {
		return e.Migrated(tb)
	}
	return e.URL(tb)
}

// OpenStore opens a fresh, migrated store on the engine, closed at cleanup.
func OpenStore(tb testing.TB, e Engine) *store.Store {
	tb.Helper()
	u, dir := e.MigratedURL(tb)
	ctx := context.Background()
	s, err := engine.Open(ctx, u, dir)
	if err != nil {
		tb.Fatalf("open %s: %v", e.Name, err)
	}
	tb.Cleanup(func() { _ = s.Close() })
	if _, err := s.Migrate(ctx, time.Now()); err != nil {
		tb.Fatalf("migrate %s: %v", e.Name, err)
	}
	return s
}

// PostgresURL creates a new schema on the test server and returns a URL
// whose search_path selects it; the schema is dropped at cleanup.
func PostgresURL(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv("PROBITY_TEST_POSTGRES")
	if base == "" {
		Missing(tb, "PostgreSQL ($PROBITY_TEST_POSTGRES)")
	}
	schema := "t_" + randomSuffix()
	onServer(tb, base, `CREATE SCHEMA `+schema, `DROP SCHEMA `+schema+` CASCADE`)
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// onServer runs create on the PostgreSQL server at base, and drop at cleanup.
func onServer(tb testing.TB, base, create, drop string) {
	tb.Helper()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec(create); err != nil {
		tb.Fatalf("%s on %s: %v", create, redact(base), err)
	}
	tb.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer db.Close()
		_, _ = db.Exec(drop)
	})
}

func redact(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparseable URL)"
	}
	return u.Redacted()
}

// Chromium returns the path of a headless-capable Chromium, or skips (fails under CI).
func Chromium(tb testing.TB) string {
	tb.Helper()
	if p := os.Getenv("PROBITY_TEST_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	Missing(tb, "Chromium ($PROBITY_TEST_CHROMIUM)")
	return ""
}

// ArtifactDir is where tests save screenshots and other artifacts:
// $PROBITY_TEST_ARTIFACTS, or test-artifacts/ at the repository root.
func ArtifactDir(tb testing.TB) string {
	tb.Helper()
	dir := os.Getenv("PROBITY_TEST_ARTIFACTS")
	if dir == "" {
		wd, _ := os.Getwd()
		for d := wd; d != filepath.Dir(d); d = filepath.Dir(d) {
			if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
				dir = filepath.Join(d, "test-artifacts")
				break
			}
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	return dir
}
