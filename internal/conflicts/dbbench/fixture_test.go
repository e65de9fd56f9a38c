// Package dbbench measures conflict checks against party names stored in a
// real database: the names are written to the parties table of SQLite and
// PostgreSQL, the in-memory index is built from there the way the
// application builds it (Tx.IndexedNames), and a matter's check reads the
// matter's parties from the database and checks them against the index. On
// PostgreSQL the same check is also done by pg_trgm's similarity search
// (a GIN index on lower(name)), the engine's own fuzzy matching, for
// comparison, and both are measured on the labelled pairs of
// internal/conflicts/testdata.
//
// BenchmarkConflictCheckDB does this on 1,000,000 names (scripts/bench);
// TestConflictCheckDB on 10,000, so that the code is run by every test run.
package dbbench

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/probity/probity/internal/conflicts"
	"github.com/probity/probity/internal/conflicts/synthnames"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/engine"
	"github.com/probity/probity/internal/testenv"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, for creating and dropping schemas
)

// Databases are built once per test process (the benchmark runs several
// times) and removed when it ends; nothing is kept between runs.
var (
	cleanupMu sync.Mutex
	cleanups  []func()
)

func atExit(f func()) {
	cleanupMu.Lock()
	defer cleanupMu.Unlock()
	cleanups = append(cleanups, f)
}

func TestMain(m *testing.M) {
	code := m.Run()
	for i := len(cleanups) - 1; i >= 0; i-- {
		cleanups[i]()
	}
	os.Exit(code)
}

// fixture is one database filled with synthetic parties.
type fixture struct {
	engine  string
	store   *store.Store
	url     string   // for PostgreSQL: the database URL (its search_path selects the schema)
	matters []int64  // the matters checked, each with synthnames.MatterSize parties
	names   []string // every stored party name, in id order
	matter  []int64  // the matter of each of names
	fill    time.Duration
}

// openEngine opens a fresh, migrated store on the engine ("sqlite" or
// "postgres"), removed when the test process ends.
func openEngine(tb testing.TB, name string) (*store.Store, string) {
	tb.Helper()
	ctx := context.Background()
	var u, dir string
	switch name {
	case "sqlite":
		d, err := os.MkdirTemp("", "probity-dbbench-")
		if err != nil {
			tb.Fatal(err)
		}
		atExit(func() { _ = os.RemoveAll(d) })
		dir = d
	case "postgres":
		u = postgresSchema(tb)
	}
	s, err := engine.Open(ctx, u, dir)
	if err != nil {
		tb.Fatalf("open %s: %v", name, err)
	}
	atExit(func() { _ = s.Close() })
	if _, err := s.Migrate(ctx, time.Now()); err != nil {
		tb.Fatalf("migrate %s: %v", name, err)
	}
	return s, u
}

// postgresSchema creates a schema on the test server and returns a URL
// selecting it; the schema is dropped when the test process ends (not when
// one benchmark run ends, as testenv.PostgresURL would).
func postgresSchema(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv("PROBITY_TEST_POSTGRES")
	if base == "" {
		testenv.Missing(tb, "PostgreSQL ($PROBITY_TEST_POSTGRES)")
	}
	schema := fmt.Sprintf("dbbench_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		tb.Fatalf("create schema: %v", err)
	}
	atExit(func() {
		if db, err := sql.Open("pgx", base); err == nil {
			_, _ = db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
			_ = db.Close()
		}
	})
	pu, err := url.Parse(base)
	if err != nil {
		tb.Fatal(err)
	}
	q := pu.Query()
	q.Set("search_path", schema)
	pu.RawQuery = q.Encode()
	return pu.String()
}

// engines lists the engines to run on: SQLite, and PostgreSQL when
// configured (required under CI).
func engines(tb testing.TB) []string {
	var out []string
	for _, e := range testenv.Engines(tb) {
		out = append(out, e.Name)
	}
	return out
}

// newFixture stores total synthetic party names: checked matters of
// synthnames.MatterSize parties (each party, with even odds, a stored name
// with a typo or a new name), and the rest spread over matters of about a
// thousand, as the in-memory benchmark generates them (same seeds).
func newFixture(tb testing.TB, engineName string, total, checked int) *fixture {
	tb.Helper()
	ctx := context.Background()
	s, u := openEngine(tb, engineName)
	f := &fixture{engine: engineName, store: s, url: u}
	start := time.Now()

	r := rand.New(rand.NewPCG(2026, 11))
	corpus := make([]string, total-checked*synthnames.MatterSize)
	for i := range corpus {
		corpus[i] = synthnames.Name(r)
	}
	sample := make([]string, 2000)
	for i := range sample {
		sample[i] = corpus[r.IntN(len(corpus))]
	}
	mr := rand.New(rand.NewPCG(7, 7))
	parties := make([][]string, checked)
	for i := range parties {
		parties[i] = synthnames.Matter(mr, sample)
	}

	// A client, an attorney and the matters to hang the parties on.
	corpusMatters := max(1, len(corpus)/1000)
	var all []int64
	err := s.Write(ctx, func(tx *store.Tx) error {
		now := time.Now()
		c := &domain.Client{Number: "C-BENCH", Name: "Benchmark Client"}
		if err := tx.CreateClient(ctx, c, now); err != nil {
			return err
		}
		u := &domain.User{Email: "bench@example.com", Name: "Bench Attorney", Role: domain.RoleAttorney, TimeZone: "UTC"}
		if err := tx.CreateUser(ctx, u, "", now); err != nil {
			return err
		}
		for i := range corpusMatters + checked {
			m := &domain.Matter{ClientID: c.ID, Number: fmt.Sprintf("M-%06d", i), Title: "Benchmark matter",
				Sensitivity: domain.SensitivityStandard, ResponsibleAttorneyID: u.ID, Status: "open"}
			if err := tx.CreateMatter(ctx, m, now); err != nil {
				return err
			}
			all = append(all, m.ID)
		}
		return nil
	})
	if err != nil {
		tb.Fatalf("%s: matters: %v", engineName, err)
	}
	f.matters = all[corpusMatters:]

	// The parties, in large transactions of multi-row inserts, in id order.
	type row struct {
		matter int64
		name   string
	}
	rows := make([]row, 0, total)
	for i, n := range corpus {
		rows = append(rows, row{all[i*corpusMatters/len(corpus)], n}) // a matter's parties together
	}
	for i, m := range parties {
		for _, n := range m {
			rows = append(rows, row{f.matters[i], n})
		}
	}
	const perStatement, perTransaction = 500, 100_000
	for from := 0; from < len(rows); from += perTransaction {
		batch := rows[from:min(from+perTransaction, len(rows))]
		if err := insertParties(ctx, s.DB(), len(batch), perStatement, func(i int) (int64, string) { return batch[i].matter, batch[i].name }); err != nil {
			tb.Fatalf("%s: insert parties: %v", engineName, err)
		}
	}
	for _, rw := range rows {
		f.names = append(f.names, rw.name)
		f.matter = append(f.matter, rw.matter)
	}
	if engineName == "postgres" { // as after any bulk load, so that autovacuum does not run during the checks
		if _, err := s.DB().ExecContext(ctx, `VACUUM (ANALYZE) parties`); err != nil {
			tb.Fatal(err)
		}
	}
	f.fill = time.Since(start)
	return f
}

// insertParties inserts n parties in one transaction, perStatement rows per
// INSERT (portable SQL: $n placeholders, several VALUES rows).
func insertParties(ctx context.Context, db *sql.DB, n, perStatement int, row func(int) (int64, string)) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	var q strings.Builder
	args := make([]any, 0, 3*perStatement)
	for from := 0; from < n; from += perStatement {
		to := min(from+perStatement, n)
		q.Reset()
		q.WriteString(`INSERT INTO parties (matter_id, name, role) VALUES `)
		args = args[:0]
		for i := from; i < to; i++ {
			if i > from {
				q.WriteString(", ")
			}
			k := len(args)
			fmt.Fprintf(&q, "($%d, $%d, $%d)", k+1, k+2, k+3)
			m, name := row(i)
			args = append(args, m, name, string(domain.PartyAdverse))
		}
		if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// built is an index built from a fixture's database.
type built struct {
	ix        *conflicts.Index
	matterOf  []int64 // the matter of each indexed name, by position
	load      time.Duration
	build     time.Duration
	indexMB   float64
	nameCount int
}

// buildIndex loads every party name and alias (and standing disclosures)
// with Tx.IndexedNames, as party search does, and builds the index, timing
// both and measuring the index's heap.
func buildIndex(tb testing.TB, f *fixture) *built {
	tb.Helper()
	ctx := context.Background()
	b := &built{}
	start := time.Now()
	var names []store.IndexedName
	if err := f.store.Read(ctx, func(tx *store.Tx) (err error) { names, err = tx.IndexedNames(ctx); return err }); err != nil {
		tb.Fatalf("%s: load names: %v", f.engine, err)
	}
	b.load = time.Since(start)
	ps := make([]conflicts.Party, len(names))
	b.matterOf = make([]int64, len(names))
	for i, n := range names {
		ps[i] = conflicts.Party{ID: int64(i), Name: n.Name}
		b.matterOf[i] = n.MatterID
	}
	names = nil
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start = time.Now()
	b.ix = conflicts.NewIndex(ps)
	b.build = time.Since(start)
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(ps)
	b.indexMB = float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / (1 << 20)
	b.nameCount = len(ps)
	return b
}

// checkMatter is one conflict check as the application would run it: read
// the matter's parties and aliases, check them against the index, and keep
// the hits on other matters.
func checkMatter(ctx context.Context, f *fixture, b *built, matterID int64, threshold float64) ([]conflicts.Match, error) {
	var parties []domain.Party
	if err := f.store.Read(ctx, func(tx *store.Tx) (err error) { parties, err = tx.Parties(ctx, matterID); return err }); err != nil {
		return nil, err
	}
	var names []string
	for _, p := range parties {
		names = append(names, p.Name)
		names = append(names, p.Aliases...)
	}
	var out []conflicts.Match
	for _, m := range b.ix.Check(names, threshold) {
		if b.matterOf[m.BID] != matterID {
			out = append(out, m)
		}
	}
	return out, nil
}

// percentiles returns the p50 and p99 of d in milliseconds.
func percentiles(d []time.Duration) (p50, p99 float64) {
	s := slices.Clone(d)
	slices.Sort(s)
	at := func(q float64) float64 { return float64(s[int(q*float64(len(s)-1))]) / 1e6 }
	return at(0.50), at(0.99)
}
