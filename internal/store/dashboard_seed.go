package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/probity/probity/internal/domain"
)

// Bulk writes for data generators (internal/seed): whole tables' worth of
// rows in multi-row INSERTs inside the caller's transaction. Use cases never
// call these; they write through the typed methods.

// seedParams is how many parameters one multi-row INSERT carries: SQLite
// looks numbered parameters up by name, in time growing with their count,
// so long statements cost more per row than short ones.
const seedParams = 500

// SeedEmpty reports whether the database holds no people yet, the only
// state a generator may write into (its ids are predicted from there).
func (tx *Tx) SeedEmpty(ctx context.Context) (bool, error) {
	var n int64
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
		return false, translate(tx.d, err)
	}
	return n == 0, nil
}

// SeedRows inserts rows (each len(cols) values) into table.
func (tx *Tx) SeedRows(ctx context.Context, table string, cols []string, rows [][]any) error {
	per := max(1, seedParams/len(cols))
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(start+per, len(rows))]
		var b strings.Builder
		fmt.Fprintf(&b, "INSERT INTO %s (%s) VALUES ", table, strings.Join(cols, ", "))
		args := make([]any, 0, len(chunk)*len(cols))
		for i, r := range chunk {
			if len(r) != len(cols) {
				return fmt.Errorf("seed %s: row has %d values for %d columns", table, len(r), len(cols))
			}
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('(')
			for j := range cols {
				if j > 0 {
					b.WriteString(", ")
				}
				fmt.Fprintf(&b, "$%d", len(args)+j+1)
			}
			b.WriteByte(')')
			args = append(args, r...)
		}
		if _, err := tx.tx.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("seed %s: %w", table, translate(tx.d, err))
		}
	}
	return nil
}

// SeedInsert inserts rows into a table with an auto-numbered id and returns
// the id of the first row; the rows have the ids first, first+1, ... in
// order. It checks that they do (both engines number an empty sequence of
// inserts contiguously in one writer's transaction) and fails otherwise.
func (tx *Tx) SeedInsert(ctx context.Context, table string, cols []string, rows [][]any) (int64, error) {
	var before int64
	if err := tx.queryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM `+table).Scan(&before); err != nil {
		return 0, translate(tx.d, err)
	}
	if err := tx.SeedRows(ctx, table, cols, rows); err != nil {
		return 0, err
	}
	var lo, hi, n int64
	if err := tx.queryRow(ctx, `SELECT COALESCE(MIN(id), 0), COALESCE(MAX(id), 0), COUNT(*) FROM `+table+` WHERE id > $1`, before).Scan(&lo, &hi, &n); err != nil {
		return 0, translate(tx.d, err)
	}
	if n != int64(len(rows)) || n > 0 && hi-lo+1 != n {
		return 0, domain.Errorf(domain.EConflict, "seed %s: ids not contiguous (%d rows numbered %d to %d); generate into a new database", table, n, lo, hi)
	}
	return lo, nil
}
