package sqlite

import (
	"context"
	"database/sql"
	"strconv"
)

// statisticsRows is how many rows of each index ANALYZE reads at most
// (PRAGMA analysis_limit): the averages it keeps need no more, and the
// whole large data set is then analysed in a fraction of a second.
const statisticsRows = 1000

// RefreshStatistics implements store.Dialect: ANALYZE within
// statisticsRows, then the table of value histograms ANALYZE makes,
// sqlite_stat4, is dropped (store/statistics.go says why). Dropping it
// changes the schema, so every connection reads the schema again, and
// with it the new statistics, before its next statement.
func (Dialect) RefreshStatistics(ctx context.Context, write *sql.DB) error {
	conn, err := write.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	for _, q := range []string{`PRAGMA analysis_limit = ` + strconv.Itoa(statisticsRows), `ANALYZE`, `DROP TABLE IF EXISTS sqlite_stat4`} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}
