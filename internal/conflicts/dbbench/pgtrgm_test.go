package dbbench

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/conflicts"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/testenv"
)

// trgm is pg_trgm ready on a fixture's PostgreSQL schema: the extension's
// schema (it is installed once per database, in public, and left there:
// Probity itself never uses it) and a GIN index on lower(name).
type trgm struct {
	schema string
	index  time.Duration // time to build the GIN index
}

// setupTrgm installs pg_trgm if no schema of the database has it and builds
// the GIN trigram index on the fixture's parties.
func setupTrgm(tb testing.TB, f *fixture) *trgm {
	tb.Helper()
	ctx := context.Background()
	db := f.store.DB()
	t := &trgm{}
	find := func() error {
		return db.QueryRowContext(ctx, `SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'`).Scan(&t.schema)
	}
	if err := find(); err == sql.ErrNoRows {
		if _, err := db.ExecContext(ctx, `CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public`); err != nil {
			testenv.Missing(tb, fmt.Sprintf("the pg_trgm extension (CREATE EXTENSION pg_trgm: %v)", err))
		}
		err = find()
		if err != nil {
			tb.Fatal(err)
		}
	} else if err != nil {
		tb.Fatal(err)
	}
	start := time.Now()
	conn, err := db.Conn(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SET maintenance_work_mem = '256MB'`); err != nil {
		tb.Fatal(err)
	}
	// Migration 0023 already keeps this index for the general search: it is
	// dropped and built again here, so gin-build-s is the build of a
	// million names, as before.
	if _, err := conn.ExecContext(ctx, `DROP INDEX IF EXISTS parties_name_trgm`); err != nil {
		tb.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, `CREATE INDEX parties_name_trgm ON parties USING gin (lower(name) `+t.schema+`.gin_trgm_ops)`); err != nil {
		tb.Fatalf("create the GIN trigram index: %v", err)
	}
	if _, err := conn.ExecContext(ctx, `ANALYZE parties`); err != nil {
		tb.Fatal(err)
	}
	t.index = time.Since(start)
	return t
}

// checkSQL is a matter's conflict check done by pg_trgm in one statement:
// each of the matter's parties (read first, through the parties_matter
// index) against every party of other matters whose lower-cased name is at
// least the similarity threshold (set_limit) from it, through the GIN index,
// best first.
func (t *trgm) checkSQL() string {
	return `WITH q AS MATERIALIZED (SELECT id, lower(name) AS n FROM parties WHERE matter_id = $1)
		SELECT q.id, p.id, ` + t.schema + `.similarity(q.n, lower(p.name)) AS s
		FROM q JOIN parties p ON lower(p.name) OPERATOR(` + t.schema + `.%) q.n AND p.matter_id <> $1
		ORDER BY q.id, s DESC`
}

// trgmChecker runs pg_trgm checks on one connection with the threshold set.
type trgmChecker struct {
	conn *sql.Conn
	stmt *sql.Stmt
}

// checker prepares the check on a connection of its own, with the
// similarity threshold set and just-in-time compilation off (PostgreSQL
// would otherwise compile each of these short queries, which its planner
// overestimates, for longer than it runs).
func (t *trgm) checker(tb testing.TB, f *fixture, threshold float64) *trgmChecker {
	tb.Helper()
	ctx := context.Background()
	conn, err := f.store.DB().Conn(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, `SET jit = off`); err != nil {
		tb.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, `SELECT `+t.schema+`.set_limit($1)`, threshold); err != nil {
		tb.Fatal(err)
	}
	stmt, err := conn.PrepareContext(ctx, t.checkSQL())
	if err != nil {
		tb.Fatal(err)
	}
	return &trgmChecker{conn: conn, stmt: stmt}
}

func (c *trgmChecker) close() {
	_ = c.stmt.Close()
	_ = c.conn.Close()
}

// check returns the number of hits of one matter.
func (c *trgmChecker) check(ctx context.Context, matterID int64) (int, error) {
	rows, err := c.stmt.QueryContext(ctx, matterID)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var a, b int64
		var s float64
		if err := rows.Scan(&a, &b, &s); err != nil {
			return 0, err
		}
		n++
	}
	return n, rows.Err()
}

// plan returns PostgreSQL's plan of the check of a matter, for the log.
func (c *trgmChecker) plan(ctx context.Context, t *trgm, matterID int64) string {
	rows, err := c.conn.QueryContext(ctx, `EXPLAIN `+strings.ReplaceAll(t.checkSQL(), "$1", fmt.Sprint(matterID)))
	if err != nil {
		return err.Error()
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var l string
		_ = rows.Scan(&l)
		lines = append(lines, l)
	}
	return strings.Join(lines, "\n")
}

// labelled is one pair of the labelled set.
type labelled struct {
	a, b string
	same bool
}

func readPairs(tb testing.TB) []labelled {
	tb.Helper()
	f, err := os.Open("../testdata/pairs.tsv")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []labelled
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fs := strings.Split(line, "\t")
		if len(fs) != 4 {
			tb.Fatalf("pairs.tsv: bad line %q", line)
		}
		out = append(out, labelled{fs[0], fs[1], fs[2] == "1"})
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	if len(out) < 300 {
		tb.Fatalf("pairs.tsv has %d pairs, want at least 300", len(out))
	}
	return out
}

// quality is recall and precision on the labelled pairs at a threshold.
type quality struct {
	threshold         float64
	recall, precision float64
	tp, fp, fn        int
}

func measure(pairs []labelled, score []float64, threshold float64) quality {
	q := quality{threshold: threshold}
	for i, p := range pairs {
		hit := score[i] >= threshold
		switch {
		case hit && p.same:
			q.tp++
		case hit:
			q.fp++
		case p.same:
			q.fn++
		}
	}
	q.recall = float64(q.tp) / float64(q.tp+q.fn)
	if q.tp+q.fp > 0 {
		q.precision = float64(q.tp) / float64(q.tp+q.fp)
	}
	return q
}

func (q quality) String() string {
	return fmt.Sprintf("threshold %.3f: recall %.3f, precision %.3f (tp %d, fp %d, fn %d)", q.threshold, q.recall, q.precision, q.tp, q.fp, q.fn)
}

// comparison is both engines' quality on the labelled pairs: Probity's
// matching at its threshold, and pg_trgm at the threshold giving it its
// best recall at precision at least 0.95 (best), and at the highest
// threshold giving recall at least Probity's (equal).
type comparison struct {
	probity, best, equal quality
}

// compareQuality scores every labelled pair with conflicts.Compare and with
// pg_trgm's similarity(lower(a), lower(b)) in PostgreSQL.
func compareQuality(tb testing.TB, db *sql.DB, t *trgm) comparison {
	tb.Helper()
	pairs := readPairs(tb)
	ours := make([]float64, len(pairs))
	var as, bs []string
	for i, p := range pairs {
		ours[i] = conflicts.Compare(p.a, p.b).Score
		as, bs = append(as, p.a), append(bs, p.b)
	}
	var c comparison
	c.probity = measure(pairs, ours, domain.ConflictThreshold)

	theirs := make([]float64, len(pairs))
	rows, err := db.Query(`SELECT i, `+t.schema+`.similarity(lower(a), lower(b)) FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS x(a, b, i)`, as, bs)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var i int
		var s float32
		if err := rows.Scan(&i, &s); err != nil {
			tb.Fatal(err)
		}
		theirs[i-1] = float64(s)
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	// Every similarity of a pair is a threshold worth trying (a pair is a
	// hit at similarity >= threshold, as for the % operator).
	cuts := slices.Clone(theirs)
	slices.Sort(cuts)
	cuts = slices.Compact(cuts)
	c.best.recall, c.equal.threshold = -1, -1
	for _, th := range cuts {
		q := measure(pairs, theirs, th)
		if q.precision >= 0.95 && q.recall > c.best.recall {
			c.best = q
		}
		if q.recall >= c.probity.recall {
			c.equal = q // the highest threshold wins: cuts ascend
		}
	}
	if c.best.recall < 0 || c.equal.threshold < 0 {
		tb.Fatalf("no pg_trgm threshold reaches precision 0.95 or recall %.3f", c.probity.recall)
	}
	return c
}

// setLimit is the threshold to give set_limit for a similarity cut: a
// float4 similarity s passes `%` when s >= the limit, so the cut is lowered
// by a hair to survive the float8 round trip.
func setLimit(cut float64) float64 { return cut - 1e-6 }

func (c comparison) report() string {
	return fmt.Sprintf("labelled pairs: Probity %v | pg_trgm best recall at precision >= 0.95: %v | pg_trgm at recall >= Probity's: %v",
		c.probity, c.best, c.equal)
}
