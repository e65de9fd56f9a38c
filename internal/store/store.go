// Package store persists Probity's domain on SQLite or PostgreSQL. Its SQL is
// written once, portably ($n placeholders, RETURNING, standard types); what
// differs between the engines lives in a Dialect supplied by store/sqlite or
// store/postgres. The conformance suite in store_test.go runs against both.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"sync"
	"time"

	"github.com/probity/probity/internal/domain"
)

// Dialect is everything that differs between engines: how errors are
// classified, how a migration is expanded and locked, and engine-specific
// migration files.
type Dialect interface {
	// Name is "sqlite" or "postgres".
	Name() string
	// Expand replaces the engine tokens in a migration: {{ID}}, an
	// auto-numbered primary key, and {{BYTES}}, a binary column.
	Expand(sql string) string
	// Migrations holds engine-only files named NNNN_name.sql, applied after
	// the shared file of the same version, in the same transaction.
	Migrations() fs.FS
	// MigrationLock is a statement run first in each migration transaction so
	// concurrent servers migrate one at a time ("" when the engine needs none).
	MigrationLock() string
	// TableExistsQuery counts tables named $1 (0 or 1).
	TableExistsQuery() string
	// Classify returns a domain code for a driver error (unique violation:
	// EConflict; foreign key: EInvalid) or "" when it has none.
	Classify(err error) string
	// UTCDay and UTCMonth are the SQL for the UTC date 'YYYY-MM-DD' and
	// month 'YYYY-MM' of a unix-microseconds column (comparable as text with
	// stored dates): the engines' date functions differ.
	UTCDay(col string) string
	UTCMonth(col string) string
	// TextIndexed is a subquery of the ids of the newest (highest) newest
	// rows of a searched text (search_text.go) holding the term bound at
	// param, answered from the engine's own text index, and the value to
	// bind there; ok is false when the engine answers this term with LIKE
	// instead (PostgreSQL, whose pg_trgm indexes serve LIKE itself; SQLite
	// for a term shorter than a trigram).
	TextIndexed(index, param, term string, newest int) (subquery, arg string, ok bool)
	// RefreshStatistics brings the query planner's statistics up to date
	// (statistics.go); db is the write pool.
	RefreshStatistics(ctx context.Context, db *sql.DB) error
}

// Store is a handle on one database. Reads may run concurrently; writes go
// through Write, which the SQLite engine serialises on one connection.
type Store struct {
	read    *sql.DB
	write   *sql.DB
	dialect Dialect
	stmts   map[*sql.DB]*stmtCache
}

// New wraps opened pools. For PostgreSQL read and write are the same pool.
func New(read, write *sql.DB, d Dialect) *Store {
	return &Store{read: read, write: write, dialect: d, stmts: map[*sql.DB]*stmtCache{read: newStmtCache(read), write: newStmtCache(write)}}
}

// Engine names the engine ("sqlite" or "postgres").
func (s *Store) Engine() string { return s.dialect.Name() }

// DB returns the write pool, for health checks and pool metrics.
func (s *Store) DB() *sql.DB { return s.write }

// ReadDB returns the read pool.
func (s *Store) ReadDB() *sql.DB { return s.read }

// Close closes both pools.
func (s *Store) Close() error {
	var err error
	for _, c := range s.stmts {
		err = errors.Join(err, c.close())
	}
	err = errors.Join(err, s.write.Close())
	if s.read != s.write {
		err = errors.Join(err, s.read.Close())
	}
	return err
}

// Ping checks the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.read.PingContext(ctx); err != nil {
		return domain.Errorf(domain.EUnavailable, "database unreachable: %v", err)
	}
	return nil
}

// Tx is one transaction; every query method hangs off it.
type Tx struct {
	tx         *sql.Tx
	d          Dialect
	stmts      *stmtCache
	unprepared []string
}

// Read runs fn in a read-only transaction.
func (s *Store) Read(ctx context.Context, fn func(*Tx) error) error {
	return s.run(ctx, s.read, &sql.TxOptions{ReadOnly: true}, fn)
}

// Write runs fn in a read-write transaction, committing if fn returns nil
// and rolling back otherwise, so a failed use case leaves nothing behind.
func (s *Store) Write(ctx context.Context, fn func(*Tx) error) error {
	return s.run(ctx, s.write, nil, fn)
}

func (s *Store) run(ctx context.Context, db *sql.DB, opts *sql.TxOptions, fn func(*Tx) error) error {
	sqlTx, err := db.BeginTx(ctx, opts)
	if err != nil {
		return s.translate(fmt.Errorf("begin: %w", err))
	}
	tx := &Tx{tx: sqlTx, d: s.dialect, stmts: s.stmts[db]}
	defer func() {
		if len(tx.unprepared) > 0 {
			tx.stmts.prepare(context.WithoutCancel(ctx), tx.unprepared)
		}
	}()
	if err := fn(tx); err != nil {
		_ = sqlTx.Rollback()
		return s.translate(err)
	}
	if err := sqlTx.Commit(); err != nil {
		return s.translate(fmt.Errorf("commit: %w", err))
	}
	return nil
}

// translate turns driver errors into domain errors by code, never by text.
func (s *Store) translate(err error) error {
	return translate(s.dialect, err)
}

func translate(d Dialect, err error) error {
	var de *domain.Error
	if err == nil || errors.As(err, &de) {
		return err
	}
	switch d.Classify(err) {
	case domain.EConflict:
		return &domain.Error{Code: domain.EConflict, Message: "that already exists"}
	case domain.EInvalid:
		return &domain.Error{Code: domain.EInvalid, Message: "refers to something that does not exist"}
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return err
	}
	return err
}

func (tx *Tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	var r sql.Result
	var err error
	if st := tx.prepared(ctx, q); st != nil {
		r, err = st.ExecContext(ctx, args...)
	} else {
		r, err = tx.tx.ExecContext(ctx, q, args...)
	}
	if err != nil {
		return nil, translate(tx.d, err)
	}
	return r, nil
}

func (tx *Tx) insert(ctx context.Context, q string, args ...any) (int64, error) {
	var id int64
	if err := tx.queryRow(ctx, q+" RETURNING id", args...).Scan(&id); err != nil {
		return 0, translate(tx.d, err)
	}
	return id, nil
}

func (tx *Tx) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st := tx.prepared(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return tx.tx.QueryContext(ctx, q, args...)
}

func (tx *Tx) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	if st := tx.prepared(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return tx.tx.QueryRowContext(ctx, q, args...)
}

// prepared returns q as a statement of this transaction, prepared once per
// connection and reused (SQL parsing is a large share of a small write's
// cost on SQLite). A query seen for the first time runs unprepared (nil) and
// is prepared after the transaction ends: the SQLite writer's only
// connection is busy until then.
func (tx *Tx) prepared(ctx context.Context, q string) *sql.Stmt {
	st := tx.stmts.get(q)
	if st == nil {
		tx.unprepared = append(tx.unprepared, q)
		return nil
	}
	return tx.tx.StmtContext(ctx, st)
}

// stmtCache holds one prepared statement per query text for a pool.
type stmtCache struct {
	db *sql.DB
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

func newStmtCache(db *sql.DB) *stmtCache { return &stmtCache{db: db, m: map[string]*sql.Stmt{}} }

func (c *stmtCache) get(q string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[q]
}

// prepare adds queries to the cache; one that does not prepare is left to run
// unprepared (its error shows where it runs).
func (c *stmtCache) prepare(ctx context.Context, qs []string) {
	for _, q := range qs {
		c.mu.Lock()
		_, ok := c.m[q]
		c.mu.Unlock()
		if ok {
			continue
		}
		st, err := c.db.PrepareContext(ctx, q)
		if err != nil {
			continue
		}
		c.mu.Lock()
		if _, ok := c.m[q]; ok {
			_ = st.Close()
		} else {
			c.m[q] = st
		}
		c.mu.Unlock()
	}
}

func (c *stmtCache) close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var err error
	for q, st := range c.m {
		err = errors.Join(err, st.Close())
		delete(c.m, q)
	}
	return err
}

// one maps sql.ErrNoRows to a domain not-found error for kind.
func one(err error, kind string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return domain.NotFound(kind)
	}
	return err
}

// us encodes a time as unix microseconds, the storage form on both engines.
func us(t time.Time) int64 { return t.UnixMicro() }

// fromUS decodes unix microseconds as a UTC time.
func fromUS(v int64) time.Time { return time.UnixMicro(v).UTC() }

// nullID stores a zero id as NULL.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// Page bounds a list: at most Limit rows after the row with id AfterID.
type Page struct {
	AfterID int64
	Limit   int
}

// MaxPageSize caps a page; DefaultPageSize is used when none is asked for.
const (
	DefaultPageSize = 50
	MaxPageSize     = 500
)

func (p Page) limit() int {
	switch {
	case p.Limit <= 0:
		return DefaultPageSize
	case p.Limit > MaxPageSize:
		return MaxPageSize
	}
	return p.Limit
}

// collect scans every row with scan and closes rows.
func collect[T any](rows *sql.Rows, err error, scan func(*sql.Rows) (T, error)) ([]T, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
