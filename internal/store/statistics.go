package store

import "context"

// The query planners choose indexes by their statistics of each table.
// PostgreSQL keeps its own (autovacuum analyses a table after enough of it
// changed). SQLite keeps none unless asked: RefreshStatistics runs its
// ANALYZE, and serve asks at start and once a day (cmd/probity/jobs.go),
// `probity seed` after loading. On SQLite the statistics are the per-index
// averages of sqlite_stat1 only: the value histograms of sqlite_stat4 make
// SQLite plan a statement again for every new value bound to an indexed
// column, which on the large data set cost an eighth of the server's time
// (docs/BENCHMARKS.md), for plans no better for these queries, so the
// refresh drops that table.

// RefreshStatistics brings the planner's statistics up to date.
func (s *Store) RefreshStatistics(ctx context.Context) error {
	return s.translate(s.dialect.RefreshStatistics(ctx, s.write))
}
