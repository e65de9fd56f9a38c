package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/probity/probity/internal/domain"
)

//go:embed migrations/*.sql
var sharedMigrations embed.FS

// Migration is one numbered step of the schema.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Migrations returns the shared migrations expanded for the engine, each
// followed by the engine's own file of the same version, in version order.
func (s *Store) Migrations() ([]Migration, error) {
	byVersion := map[int]*Migration{}
	add := func(fsys fs.FS, dir string, expand bool) error {
		names, err := fs.Glob(fsys, path.Join(dir, "*.sql"))
		if err != nil {
			return err
		}
		for _, name := range names {
			base := path.Base(name)
			num, rest, ok := strings.Cut(base, "_")
			v, err := strconv.Atoi(num)
			if !ok || err != nil || v <= 0 {
				return fmt.Errorf("migration %s: name must be NNNN_name.sql", name)
			}
			body, err := fs.ReadFile(fsys, name)
			if err != nil {
				return err
			}
			text := string(body)
			if expand {
				text = s.dialect.Expand(text)
			}
			m := byVersion[v]
			if m == nil {
				m = &Migration{Version: v, Name: strings.TrimSuffix(rest, ".sql")}
				byVersion[v] = m
			}
			m.SQL += text + "\n"
		}
		return nil
	}
	if err := add(sharedMigrations, "migrations", true); err != nil {
		return nil, err
	}
	if err := add(s.dialect.Migrations(), ".", false); err != nil {
		return nil, err
	}
	out := make([]Migration, 0, len(byVersion))
	for _, m := range byVersion {
		out = append(out, *m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	for i, m := range out {
		if m.Version != i+1 {
			return nil, fmt.Errorf("migrations are not numbered 1..n: found %d at position %d", m.Version, i+1)
		}
	}
	return out, nil
}

// SchemaStatus reports the version the database is at and the latest this
// binary knows. A database that has never been migrated is at 0.
func (s *Store) SchemaStatus(ctx context.Context) (current, latest int, err error) {
	ms, err := s.Migrations()
	if err != nil {
		return 0, 0, err
	}
	latest = len(ms)
	current, err = s.currentVersion(ctx)
	return current, latest, err
}

func (s *Store) currentVersion(ctx context.Context) (int, error) {
	var n int
	if err := s.read.QueryRowContext(ctx, s.dialect.TableExistsQuery(), "schema_migrations").Scan(&n); err != nil {
		return 0, s.describeOpenError(err)
	}
	if n == 0 {
		return 0, nil
	}
	var v int
	if err := s.read.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, s.describeOpenError(err)
	}
	return v, nil
}

func (s *Store) describeOpenError(err error) error {
	return domain.Errorf(domain.EUnavailable, "cannot read the database schema: %v", err)
}

// CheckSchema fails unless the database is exactly at the latest version.
func (s *Store) CheckSchema(ctx context.Context) error {
	cur, latest, err := s.SchemaStatus(ctx)
	if err != nil {
		return err
	}
	switch {
	case cur > latest:
		return domain.Errorf(domain.EConflict, "the database schema is at version %d, newer than this probity binary knows (%d); run a newer probity", cur, latest)
	case cur < latest:
		return domain.Errorf(domain.EConflict, "the database schema is at version %d and needs migrating to %d; run `probity migrate` or start serve with --migrate", cur, latest)
	}
	return nil
}

// Migrate applies every pending migration, each in one transaction together
// with its version row, and returns the versions it applied. A database newer
// than the binary is refused and left untouched.
func (s *Store) Migrate(ctx context.Context, now time.Time) ([]int, error) {
	ms, err := s.Migrations()
	if err != nil {
		return nil, err
	}
	if _, err := s.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`); err != nil {
		return nil, s.describeOpenError(err)
	}
	cur, err := s.currentVersion(ctx)
	if err != nil {
		return nil, err
	}
	if cur > len(ms) {
		return nil, domain.Errorf(domain.EConflict, "the database schema is at version %d, newer than this probity binary knows (%d); run a newer probity", cur, len(ms))
	}
	var applied []int
	for _, m := range ms[cur:] {
		did, err := s.apply(ctx, m, now)
		if err != nil {
			return applied, fmt.Errorf("migration %04d_%s: %w", m.Version, m.Name, err)
		}
		if did {
			applied = append(applied, m.Version)
		}
	}
	return applied, nil
}

func (s *Store) apply(ctx context.Context, m Migration, now time.Time) (bool, error) {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer func() { _ = tx.Rollback() }()
	if lock := s.dialect.MigrationLock(); lock != "" {
		if _, err := tx.ExecContext(ctx, lock); err != nil {
			return false, err
		}
	}
	// Another server may have applied it while we waited for the lock.
	var done int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = $1`, m.Version).Scan(&done); err != nil {
		return false, err
	}
	if done > 0 {
		return false, nil
	}
	if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
		m.Version, m.Name, us(now)); err != nil {
		return false, err
	}
	return true, tx.Commit()
}
