// Package sqlite opens Probity's embedded default engine: a SQLite file in the
// data directory (pure Go, modernc.org/sqlite), in WAL mode with foreign keys
// on, a busy timeout, and exactly one writer connection.
package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

//go:embed migrations
var migrations embed.FS

// Dialect is SQLite's side of store.Dialect.
type Dialect struct{}

// Name implements store.Dialect.
func (Dialect) Name() string { return "sqlite" }

// Expand implements store.Dialect.
func (Dialect) Expand(s string) string {
	return strings.NewReplacer("{{ID}}", "INTEGER PRIMARY KEY", "{{BYTES}}", "BLOB").Replace(s)
}

// Migrations implements store.Dialect.
func (Dialect) Migrations() fs.FS {
	sub, _ := fs.Sub(migrations, "migrations")
	return sub
}

// MigrationLock implements store.Dialect: the single writer connection and
// BEGIN IMMEDIATE already serialise migrations.
func (Dialect) MigrationLock() string { return "" }

// TableExistsQuery implements store.Dialect.
func (Dialect) TableExistsQuery() string {
	return `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $1`
}

// Classify implements store.Dialect by SQLite extended result code.
func (Dialect) Classify(err error) string {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return ""
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return domain.EConflict
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY, sqlite3.SQLITE_CONSTRAINT_CHECK, sqlite3.SQLITE_CONSTRAINT_NOTNULL:
		return domain.EInvalid
	}
	return ""
}

const header = "SQLite format 3\x00"

// readConns is the size of the read pool: two per core of the reference
// machine. After every committed write a reading connection drops its view
// of the file (its page cache and its map of the file), and the next reads
// through it fault the pages in again, so more connections cost more than
// they serve: on the large set the mixed workload ran at 530 requests per
// second with 8, 600 with 4 and 440 with 2 (docs/BENCHMARKS.md).
const readConns = 4

// Open opens (creating if absent) the database file at path. An existing
// file that is not a SQLite database is refused before anything is written.
func Open(ctx context.Context, path string) (*store.Store, error) {
	if err := checkHeader(path); err != nil {
		return nil, err
	}
	pragmas := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "foreign_keys(1)", "busy_timeout(10000)", "synchronous(NORMAL)"} {
		pragmas.Add("_pragma", p)
	}
	wq := url.Values{"_txlock": {"immediate"}}
	for k, v := range pragmas {
		wq[k] = v
	}
	write, err := sql.Open("sqlite", "file:"+path+"?"+wq.Encode())
	if err != nil {
		return nil, err
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	if err := write.PingContext(ctx); err != nil {
		_ = write.Close()
		return nil, domain.Errorf(domain.EUnavailable, "cannot open SQLite database %s: %v", path, err)
	}
	rq := url.Values{}
	for k, v := range pragmas {
		rq[k] = v
	}
	rq.Add("_pragma", "query_only(1)")
	// Readers map the file (up to 2 GiB, SQLite's most) and keep 64 MiB of
	// pages: long scans (audit verification, exports) then cost no read
	// system calls.
	rq.Add("_pragma", "mmap_size(2147418112)")
	rq.Add("_pragma", "cache_size(-65536)")
	read, err := sql.Open("sqlite", "file:"+path+"?"+rq.Encode())
	if err != nil {
		_ = write.Close()
		return nil, err
	}
	read.SetMaxOpenConns(readConns)
	read.SetMaxIdleConns(readConns)
	s := store.New(read, write, Dialect{})
	// Reading the schema proves the file is a usable database.
	if _, _, err := s.SchemaStatus(ctx); err != nil {
		_ = s.Close()
		return nil, domain.Errorf(domain.EUnavailable, "%s is not a usable SQLite database: %v", path, err)
	}
	return s, nil
}

// checkHeader refuses an existing non-empty file that lacks SQLite's header,
// without opening it for writing.
func checkHeader(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return domain.Errorf(domain.EUnavailable, "cannot read %s: %v", path, err)
	}
	defer f.Close()
	buf := make([]byte, len(header))
	n, err := io.ReadFull(f, buf)
	if n == 0 && (err == io.EOF || err == io.ErrUnexpectedEOF) {
		return nil // an empty file becomes a new database
	}
	if err != nil || !bytes.Equal(buf, []byte(header)) {
		return domain.Errorf(domain.EUnavailable, "%s is not a SQLite database (corrupt or another kind of file); refusing to touch it", path)
	}
	return nil
}

// String describes a path for logs.
func String(path string) string { return fmt.Sprintf("sqlite:%s", path) }

// UTCDay is the SQL for the UTC date 'YYYY-MM-DD' of a unix-microseconds column.
func (Dialect) UTCDay(col string) string {
	return "strftime('%Y-%m-%d', " + col + " / 1000000, 'unixepoch')"
}

// UTCMonth is the SQL for the UTC month 'YYYY-MM' of a unix-microseconds column.
func (Dialect) UTCMonth(col string) string {
	return "strftime('%Y-%m', " + col + " / 1000000, 'unixepoch')"
}

// TextIndexed implements store.Dialect with the FTS5 trigram tables of
// migration 0023 (named index): a term of three characters or more is one
// phrase, matched as a substring in any of the table's columns, case
// folded, the newest rows first (FTS5 walks its lists backwards and stops);
// a shorter one has no trigram and is left to LIKE.
func (Dialect) TextIndexed(index, param, term string, newest int) (string, string, bool) {
	if utf8.RuneCountInString(term) < 3 {
		return "", "", false
	}
	return `SELECT id FROM (SELECT rowid AS id FROM ` + index + ` WHERE ` + index + ` MATCH ` + param + ` ORDER BY rowid DESC LIMIT ` + strconv.Itoa(newest) + `) newest`,
		`"` + strings.ReplaceAll(term, `"`, `""`) + `"`, true
}
