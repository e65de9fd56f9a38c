package store

// The engines' date functions differ; these are the only places the SQL of
// shared queries names them. Times are stored as unix microseconds (us).

// utcDay is the SQL for the UTC date, 'YYYY-MM-DD', of a unix-microseconds
// column, comparable as text with the stored dates (domain.Date).
func utcDay(d Dialect, col string) string {
	if d.Name() == "postgres" {
		return "to_char(to_timestamp(" + col + " / 1000000) AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
	}
	return "strftime('%Y-%m-%d', " + col + " / 1000000, 'unixepoch')"
}

// utcMonth is the SQL for the UTC month, 'YYYY-MM', of a unix-microseconds column.
func utcMonth(d Dialect, col string) string {
	if d.Name() == "postgres" {
		return "to_char(to_timestamp(" + col + " / 1000000) AT TIME ZONE 'UTC', 'YYYY-MM')"
	}
	return "strftime('%Y-%m', " + col + " / 1000000, 'unixepoch')"
}
