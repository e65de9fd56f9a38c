// Package engine chooses the storage engine from configuration: a
// postgres:// URL selects PostgreSQL, anything else the SQLite file in the
// data directory.
package engine

import (
	"context"
	"os"
	"path/filepath"
	"strings"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/postgres"
	"github.com/probity/probity/internal/store/sqlite"
)

// SQLiteFile is the database file's name inside the data directory.
const SQLiteFile = "probity.db"

// IsPostgres reports whether a database URL selects PostgreSQL.
func IsPostgres(url string) bool {
	return strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://")
}

// Open opens the configured engine. For SQLite the data directory must exist
// and be writable (see PrepareDataDir).
func Open(ctx context.Context, databaseURL, dataDir string) (*store.Store, error) {
	switch {
	case IsPostgres(databaseURL):
		return postgres.Open(ctx, databaseURL)
	case databaseURL == "" || databaseURL == "sqlite":
		return sqlite.Open(ctx, filepath.Join(dataDir, SQLiteFile))
	case strings.HasPrefix(databaseURL, "sqlite:"):
		return sqlite.Open(ctx, strings.TrimPrefix(databaseURL, "sqlite:"))
	}
	return nil, domain.Invalid("database", "the database URL must start with postgres:// or sqlite: (or be empty for SQLite in the data directory)")
}

// PrepareDataDir creates the data directory (mode 0700) if it is missing and
// proves it is writable, leaving nothing behind.
func PrepareDataDir(dir string) error {
	if dir == "" {
		return domain.Invalid("data", "the data directory must not be empty")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return domain.Errorf(domain.EUnavailable, "cannot create the data directory %s: %v", dir, err)
	}
	f, err := os.CreateTemp(dir, ".probity-write-check-*")
	if err != nil {
		return domain.Errorf(domain.EUnavailable, "the data directory %s is not writable: %v", dir, err)
	}
	name := f.Name()
	_ = f.Close()
	return os.Remove(name)
}
