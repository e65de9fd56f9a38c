package store

import (
	"context"
	"fmt"

	"github.com/probity/probity/internal/domain"
)

// Bulk writes for data generators (internal/seed): whole tables' worth of
// rows in multi-row INSERTs inside the caller's transaction. Use cases never
// call these; they write through the typed methods.

// SeedEmpty reports whether the database holds no people yet, the only
// state a generator may write into (its ids are predicted from there).
func (tx *Tx) SeedEmpty(ctx context.Context) (bool, error) {
	var n int64
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
		return false, translate(tx.d, err)
	}
	return n == 0, nil
}

// SeedRows inserts rows (each len(cols) values) into table, through the
// same multi-row INSERTs as the audit batches (bulkInsert).
func (tx *Tx) SeedRows(ctx context.Context, table string, cols []string, rows [][]any) error {
	for _, r := range rows {
		if len(r) != len(cols) {
			return fmt.Errorf("seed %s: row has %d values for %d columns", table, len(r), len(cols))
		}
	}
	if err := tx.bulkInsert(ctx, table, cols, rows); err != nil {
		return fmt.Errorf("seed %s: %w", table, err)
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
