package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/probity/probity/internal/auditlog"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/progress"
)

// Moving an installation from SQLite to PostgreSQL (`probity
// migrate-engine`). Both engines hold the same schema (the same migrations)
// and the same storage forms: times are unix microseconds (BIGINT), money
// integer minor units, binary values BLOB/BYTEA; only booleans differ
// (SQLite stores 0/1). So the copy is generic: every table the SQLite schema
// lists is read in one read transaction (a consistent snapshot) and written
// with multi-row INSERTs in one PostgreSQL transaction, converting each value
// by the PostgreSQL column's type; nothing on the target commits unless every
// table's row count agrees and the audit chain verifies there.

// TableCount is one table's rows on each side of a copy.
type TableCount struct {
	Table          string
	Source, Target int64
}

// CopyReport is what CopyEngine moved and checked.
type CopyReport struct {
	SchemaVersion int
	Tables        []TableCount // in copy order
	Rows          int64
	AuditEvents   int64  // events whose chain verified on the target
	AuditHead     []byte // the chain's head hash on the target
	Sequences     int    // identity sequences set past the copied ids
}

// migrationSeeds are the rows the migrations themselves insert, by table: a
// freshly migrated database holds these and nothing else. Each predicate is
// true of a seed row only.
var migrationSeeds = map[string]string{
	"audit_head":             `seq = 0`,
	"conflict_generation":    `generation = 0`,
	"questionnaires":         `builtin`,
	"questionnaire_controls": `questionnaire_id IN (SELECT id FROM questionnaires WHERE builtin)`,
}

// bookkeeping is the migrations' own table: the target's migration run
// fills it, so it is not copied. Nor is the jobs lease (leases.go): a
// server's hold on its jobs belongs to that server, not to the data.
const bookkeeping, jobLeases = "schema_migrations", "leases"

// CopyEngine copies every row of the SQLite store src into the PostgreSQL
// store dst, which must be empty: no tables at all, or Probity's schema
// holding only what the migrations insert. It migrates dst to the latest
// schema (src must be at it), then copies in one transaction on dst and
// commits only if every table's row count matches and the audit chain
// verifies on dst; any failure or cancellation leaves dst without a row.
// Identity sequences are then set past the copied ids. Progress is reported
// to ctx (internal/progress).
func CopyEngine(ctx context.Context, src, dst *Store, now time.Time) (CopyReport, error) {
	var rep CopyReport
	if src.Engine() != "sqlite" || dst.Engine() != "postgres" {
		return rep, domain.Errorf(domain.EInvalid, "migrate-engine copies a SQLite installation to PostgreSQL (given %s to %s)", src.Engine(), dst.Engine())
	}
	if err := src.CheckSchema(ctx); err != nil {
		return rep, fmt.Errorf("the SQLite source: %w", err)
	}
	latest, err := dst.Migrations()
	if err != nil {
		return rep, err
	}
	rep.SchemaVersion = len(latest)
	// Refuse a target holding anything before writing to it.
	if err := checkEmptyTarget(ctx, dst.write, len(latest)); err != nil {
		return rep, err
	}
	progress.Report(ctx, "Migrating the PostgreSQL schema", 0, 0)
	if _, err := dst.Migrate(ctx, now); err != nil {
		return rep, fmt.Errorf("migrate the PostgreSQL target: %w", err)
	}

	// The source: one read transaction, so every table comes from the same
	// snapshot however busy a server on it is.
	stx, err := src.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return rep, fmt.Errorf("read the SQLite source: %w", err)
	}
	defer func() { _ = stx.Rollback() }()
	tables, err := sqliteTables(ctx, stx)
	if err != nil {
		return rep, err
	}
	order, err := foreignKeyOrder(ctx, stx, tables)
	if err != nil {
		return rep, err
	}
	counts := map[string]int64{}
	var total int64
	for _, t := range order {
		if err := stx.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+quoteIdent(t)).Scan(&total); err != nil {
			return rep, fmt.Errorf("count %s on the source: %w", t, err)
		}
		counts[t] = total
	}
	total = 0
	for _, n := range counts {
		total += n
	}

	ttx, err := dst.write.BeginTx(ctx, nil)
	if err != nil {
		return rep, fmt.Errorf("begin on the PostgreSQL target: %w", err)
	}
	defer func() { _ = ttx.Rollback() }()
	// Again inside the transaction: nothing may have arrived since.
	if err := checkEmptyTarget(ctx, ttx, len(latest)); err != nil {
		return rep, err
	}
	cols, err := postgresColumns(ctx, ttx)
	if err != nil {
		return rep, err
	}
	if err := sameTables(order, cols); err != nil {
		return rep, err
	}
	// The migrations' seed rows make way for the source's own.
	for _, t := range slices.Backward(order) {
		if _, ok := migrationSeeds[t]; ok {
			if _, err := ttx.ExecContext(ctx, `DELETE FROM `+quoteIdent(t)); err != nil {
				return rep, fmt.Errorf("clear the seed rows of %s: %w", t, err)
			}
		}
	}
	progress.Report(ctx, "Copying rows to PostgreSQL", 0, total)
	for _, t := range order {
		srcCols, err := sqliteColumns(ctx, stx, t)
		if err != nil {
			return rep, err
		}
		tcols, err := matchColumns(t, srcCols, cols[t])
		if err != nil {
			return rep, err
		}
		if err := copyTable(ctx, stx, ttx, t, tcols, &rep.Rows, total); err != nil {
			return rep, err
		}
	}
	progress.Report(ctx, "Copying rows to PostgreSQL", rep.Rows, total)

	// Check before committing: every table's count, and the audit chain.
	for _, t := range order {
		var n int64
		if err := ttx.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+quoteIdent(t)).Scan(&n); err != nil {
			return rep, fmt.Errorf("count %s on the target: %w", t, err)
		}
		rep.Tables = append(rep.Tables, TableCount{Table: t, Source: counts[t], Target: n})
		if n != counts[t] {
			return rep, domain.Errorf(domain.EConflict, "table %s: %d rows on SQLite but %d on PostgreSQL; nothing was committed", t, counts[t], n)
		}
	}
	tx := &Tx{tx: ttx, d: dst.dialect, stmts: newStmtCache(nil)}
	rep.AuditEvents, rep.AuditHead, err = verifyChainIn(ctx, tx)
	if err != nil {
		return rep, err
	}
	if rep.Sequences, err = resetSequences(ctx, ttx, cols); err != nil {
		return rep, err
	}
	if err := ttx.Commit(); err != nil {
		return rep, fmt.Errorf("commit on the PostgreSQL target: %w", err)
	}
	return rep, nil
}

// checkEmptyTarget refuses a PostgreSQL database (its current schema)
// holding anything but an unfinished or finished Probity schema with only
// the migrations' seed rows, or a schema newer than latest.
func checkEmptyTarget(ctx context.Context, q querier, latest int) error {
	var schema sql.NullString
	if err := q.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		return fmt.Errorf("read the target's schema: %w", err)
	}
	if !schema.Valid {
		return domain.Errorf(domain.EInvalid, "the target database has no schema to create tables in: its search_path names no existing schema (create it, or fix search_path in the URL)")
	}
	names, err := queryStrings(ctx, q, `SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = current_schema() ORDER BY tablename`)
	if err != nil {
		return fmt.Errorf("list the target's tables: %w", err)
	}
	if len(names) == 0 {
		return nil
	}
	if !slices.Contains(names, bookkeeping) {
		return domain.Errorf(domain.EConflict, "the target database is not empty: it holds %d tables (%s) that are not a Probity schema; give an empty database", len(names), strings.Join(names[:min(5, len(names))], ", "))
	}
	var version int
	if err := q.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM `+bookkeeping).Scan(&version); err != nil {
		return fmt.Errorf("read the target's schema version: %w", err)
	}
	if version > latest {
		return domain.Errorf(domain.EConflict, "the target's schema is at version %d, newer than this probity binary knows (%d)", version, latest)
	}
	for _, t := range names {
		if t == bookkeeping || t == jobLeases {
			continue
		}
		cond := ""
		if seed, ok := migrationSeeds[t]; ok {
			cond = ` WHERE NOT (` + seed + `)`
		}
		var n int64
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+quoteIdent(t)+cond).Scan(&n); err != nil {
			return fmt.Errorf("count %s on the target: %w", t, err)
		}
		if n > 0 {
			return domain.Errorf(domain.EConflict, "the target database is not empty: table %s holds %d rows; migrate-engine only writes into an empty database (nothing was changed)", t, n)
		}
	}
	return nil
}

// querier is what both *sql.DB and *sql.Tx offer.
type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

func queryStrings(ctx context.Context, q querier, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	return collect(rows, err, func(r *sql.Rows) (string, error) {
		var s string
		return s, r.Scan(&s)
	})
}

// sqliteTables lists the source's tables but SQLite's own, the migrations'
// bookkeeping, the jobs lease and the search's text index (virtual tables
// and their shadow tables: PostgreSQL indexes the same texts its own way).
func sqliteTables(ctx context.Context, q querier) ([]string, error) {
	ts, err := queryStrings(ctx, q, `SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table'
		AND name NOT LIKE 'sqlite\_%' ESCAPE '\' AND name NOT IN ($1, $2) ORDER BY name`, bookkeeping, jobLeases)
	if err != nil {
		return nil, fmt.Errorf("list the source's tables: %w", err)
	}
	return ts, nil
}

// foreignKeyOrder orders tables so each comes after those it references
// (a table referring to itself is copied in rowid order, parents first).
func foreignKeyOrder(ctx context.Context, q querier, tables []string) ([]string, error) {
	deps := map[string][]string{}
	for _, t := range tables {
		refs, err := queryStrings(ctx, q, `SELECT DISTINCT "table" FROM pragma_foreign_key_list($1)`, t)
		if err != nil {
			return nil, fmt.Errorf("read the foreign keys of %s: %w", t, err)
		}
		for _, r := range refs {
			if r != t {
				deps[t] = append(deps[t], r)
			}
		}
	}
	var order []string
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(t string, path []string) error
	visit = func(t string, path []string) error {
		switch state[t] {
		case 2:
			return nil
		case 1:
			return fmt.Errorf("the foreign keys between %s form a cycle; the copy cannot order them", strings.Join(append(path, t), " → "))
		}
		state[t] = 1
		for _, d := range deps[t] {
			if err := visit(d, append(path, t)); err != nil {
				return err
			}
		}
		state[t] = 2
		order = append(order, t)
		return nil
	}
	for _, t := range tables {
		if err := visit(t, nil); err != nil {
			return nil, err
		}
	}
	return order, nil
}

// pgColumn is one PostgreSQL column the copy writes.
type pgColumn struct {
	Name     string
	Type     string // information_schema data_type: bigint, text, boolean, bytea, …
	Identity bool
}

// postgresColumns lists the writable columns of every table of the
// target's current schema.
func postgresColumns(ctx context.Context, q querier) (map[string][]pgColumn, error) {
	rows, err := q.QueryContext(ctx, `SELECT table_name, column_name, data_type, is_identity = 'YES'
		FROM information_schema.columns
		WHERE table_schema = current_schema() AND is_generated = 'NEVER'
		ORDER BY table_name, ordinal_position`)
	if err != nil {
		return nil, fmt.Errorf("read the target's columns: %w", err)
	}
	defer rows.Close()
	out := map[string][]pgColumn{}
	for rows.Next() {
		var t string
		var c pgColumn
		if err := rows.Scan(&t, &c.Name, &c.Type, &c.Identity); err != nil {
			return nil, err
		}
		out[t] = append(out[t], c)
	}
	return out, rows.Err()
}

// sameTables requires the source and target to hold the same tables.
func sameTables(src []string, dst map[string][]pgColumn) error {
	for _, t := range src {
		if _, ok := dst[t]; !ok {
			return domain.Errorf(domain.EConflict, "the SQLite table %s has no counterpart on PostgreSQL: the schemas differ", t)
		}
	}
	for t := range dst {
		if t != bookkeeping && t != jobLeases && !slices.Contains(src, t) {
			return domain.Errorf(domain.EConflict, "the PostgreSQL table %s has no counterpart on SQLite: the schemas differ", t)
		}
	}
	return nil
}

func sqliteColumns(ctx context.Context, q querier, table string) ([]string, error) {
	cs, err := queryStrings(ctx, q, `SELECT name FROM pragma_table_info($1) ORDER BY cid`, table)
	if err != nil {
		return nil, fmt.Errorf("read the columns of %s: %w", table, err)
	}
	return cs, nil
}

// matchColumns returns the target's columns, in the source's order,
// requiring both sides to have the same set.
func matchColumns(table string, src []string, dst []pgColumn) ([]pgColumn, error) {
	out := make([]pgColumn, 0, len(src))
	for _, name := range src {
		i := slices.IndexFunc(dst, func(c pgColumn) bool { return c.Name == name })
		if i < 0 {
			return nil, domain.Errorf(domain.EConflict, "column %s.%s is on SQLite but not on PostgreSQL: the schemas differ", table, name)
		}
		out = append(out, dst[i])
	}
	if len(out) != len(dst) {
		return nil, domain.Errorf(domain.EConflict, "table %s has %d columns on PostgreSQL but %d on SQLite: the schemas differ", table, len(dst), len(src))
	}
	return out, nil
}

// copyBatchRows caps a batch's rows; its parameters stay far below
// PostgreSQL's limit of 65,535 a statement.
const (
	copyBatchRows   = 1000
	copyBatchParams = 16000
)

// copyTable streams table's rows from the source in rowid order and
// inserts them in multi-row batches, converting each value to its
// PostgreSQL column's type.
func copyTable(ctx context.Context, src, dst *sql.Tx, table string, cols []pgColumn, done *int64, total int64) error {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = quoteIdent(c.Name)
	}
	rows, err := src.QueryContext(ctx, `SELECT `+strings.Join(names, ", ")+` FROM `+quoteIdent(table)+` ORDER BY rowid`)
	if err != nil {
		return fmt.Errorf("read %s: %w", table, err)
	}
	defer rows.Close()
	per := max(1, min(copyBatchRows, copyBatchParams/len(cols)))
	batch := make([]any, 0, per*len(cols))
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		n := len(batch) / len(cols)
		if _, err := dst.ExecContext(ctx, insertSQL(table, names, n), batch...); err != nil {
			return fmt.Errorf("write %s: %w", table, err)
		}
		*done += int64(n)
		progress.Report(ctx, "Copying rows to PostgreSQL", *done, total)
		batch = batch[:0]
		return nil
	}
	var rowNum int64
	for rows.Next() {
		rowNum++
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("read %s: %w", table, err)
		}
		for i, c := range cols {
			v, err := convertValue(vals[i], c.Type)
			if err != nil {
				return domain.Errorf(domain.EInvalid, "table %s, row %d, column %s: %v; nothing was committed", table, rowNum, c.Name, err)
			}
			batch = append(batch, v)
		}
		if len(batch) == per*len(cols) {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read %s: %w", table, err)
	}
	return flush()
}

func insertSQL(table string, names []string, n int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO " + quoteIdent(table) + " (" + strings.Join(names, ", ") + ") VALUES ")
	p := 1
	for r := range n {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for j := range names {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(p))
			p++
		}
		b.WriteByte(')')
	}
	return b.String()
}

// convertValue turns a value as the SQLite driver returns it (int64,
// float64, string, []byte or nil) into the form the PostgreSQL column of
// type pgType takes.
func convertValue(v any, pgType string) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch pgType {
	case "boolean":
		switch x := v.(type) {
		case int64:
			if x == 0 || x == 1 {
				return x == 1, nil
			}
		case bool:
			return x, nil
		case string:
			if b, err := strconv.ParseBool(x); err == nil {
				return b, nil
			}
		}
		return nil, fmt.Errorf("%v is not a boolean (0 or 1)", v)
	case "bigint", "integer", "smallint":
		switch x := v.(type) {
		case int64:
			return x, nil
		case string:
			if n, err := strconv.ParseInt(x, 10, 64); err == nil {
				return n, nil
			}
		}
		return nil, fmt.Errorf("%q is not an integer", fmt.Sprint(v))
	case "bytea":
		switch x := v.(type) {
		case []byte:
			return x, nil
		case string:
			return []byte(x), nil
		}
		return nil, fmt.Errorf("a %T is not binary data", v)
	case "text", "character varying", "character":
		var s string
		switch x := v.(type) {
		case string:
			s = x
		case []byte:
			s = string(x)
		case int64:
			s = strconv.FormatInt(x, 10)
		default:
			return nil, fmt.Errorf("a %T is not text", v)
		}
		if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
			return nil, errors.New("the text is not valid UTF-8 (or holds a NUL byte), which PostgreSQL cannot store")
		}
		return s, nil
	case "double precision", "real", "numeric":
		switch x := v.(type) {
		case int64, float64:
			return x, nil
		}
		return nil, fmt.Errorf("%q is not a number", fmt.Sprint(v))
	}
	return nil, fmt.Errorf("the PostgreSQL type %s is not one the copy knows", pgType)
}

// verifyChainIn checks every link of the audit chain and the head row in
// tx, with the verifier `probity audit verify` uses, before the copy
// commits.
func verifyChainIn(ctx context.Context, tx *Tx) (int64, []byte, error) {
	progress.Report(ctx, "Verifying the audit trail on PostgreSQL", 0, 0)
	headSeq, headHash, err := tx.AuditHead(ctx)
	if err != nil {
		return 0, nil, fmt.Errorf("read the audit head on the target: %w", err)
	}
	v := auditlog.NewVerifier()
	err = tx.EachAudit(ctx, 0, 0, func(e *auditlog.Event) error {
		if err := v.Next(e); err != nil {
			return err
		}
		if v.Events%10_000 == 0 {
			progress.Report(ctx, "Verifying the audit trail on PostgreSQL", v.Events, headSeq)
		}
		return nil
	})
	var brk *auditlog.Break
	switch {
	case errors.As(err, &brk):
		return 0, nil, domain.Errorf(domain.EConflict, "the audit trail does not verify on PostgreSQL (event %d: %s); nothing was committed", brk.Seq, brk.Reason)
	case err != nil:
		return 0, nil, fmt.Errorf("verify the audit trail on the target: %w", err)
	case v.Seq() != headSeq || string(v.Head()) != string(headHash):
		return 0, nil, domain.Errorf(domain.EConflict, "the audit head on PostgreSQL (event %d) does not match the last event (%d); nothing was committed", headSeq, v.Seq())
	}
	progress.Report(ctx, "Verifying the audit trail on PostgreSQL", v.Events, v.Events)
	return v.Events, v.Head(), nil
}

// resetSequences sets every identity column's sequence so the next id is
// one past the largest copied.
func resetSequences(ctx context.Context, tx *sql.Tx, cols map[string][]pgColumn) (int, error) {
	n := 0
	for t, cs := range cols {
		for _, c := range cs {
			if !c.Identity {
				continue
			}
			q := fmt.Sprintf(`SELECT setval(pg_get_serial_sequence($1, $2), COALESCE(MAX(%s), 0) + 1, false) FROM %s`, quoteIdent(c.Name), quoteIdent(t))
			var next int64
			if err := tx.QueryRowContext(ctx, q, quoteIdent(t), c.Name).Scan(&next); err != nil {
				return n, fmt.Errorf("reset the id sequence of %s: %w", t, err)
			}
			n++
		}
	}
	return n, nil
}

// quoteIdent quotes a table or column name for SQL on either engine.
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
