package sqlite

import (
	"fmt"
	"reflect"
	"runtime"
	"unsafe"

	"modernc.org/libc"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Every connection Probity opens plans a statement once, whatever values
// are bound to it (SQLite's query planner stability guarantee, QPSG).
//
// Without it SQLite plans some statements for the values bound: a LIMIT $n,
// a LIKE pattern, and (since SQLite 3.54) a "col = $n" term whose value is
// 0 or 1. A prepared statement then parses and plans itself again whenever
// such a value changes: a LIMIT of 1 after one of 25, a vendor's id after a
// firm person's 0 in the scope clauses, FTS5's own segment lookups from
// segment 1 to 2. On the large data set that was 9% of the server's CPU under
// the mixed workload (docs/BENCHMARKS.md). Probity's SQL is written for
// plans that hold for any value (like PostgreSQL's generic plans of
// prepared statements), and sqlite_stat1's statistics still guide them.
//
// The driver has no option for it, so the hook reaches the connection's
// handle through reflection; if a driver upgrade renames those fields, every
// connection fails to open with the error below and TestStablePlans fails.
func init() {
	sqlite.RegisterConnectionHook(func(c sqlite.ExecQuerierContext, _ string) error {
		on, err := stablePlans(c, 1)
		if err == nil && on != 1 {
			err = fmt.Errorf("SQLite did not turn on stable query plans")
		}
		return err
	})
}

// stablePlans sets the connection's QPSG (0 off, 1 on, -1 leave as it is) and
// returns the setting then in force.
func stablePlans(c any, set int32) (int32, error) {
	v := reflect.ValueOf(c)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return 0, fmt.Errorf("sqlite: unexpected connection type %T", c)
	}
	db, tls := v.Elem().FieldByName("db"), v.Elem().FieldByName("tls")
	if !db.IsValid() || db.Kind() != reflect.Uintptr || !tls.IsValid() || tls.Type() != reflect.TypeFor[*libc.TLS]() {
		return 0, fmt.Errorf("sqlite: cannot reach the handle of a %T to keep its query plans stable", c)
	}
	t := (*libc.TLS)(tls.UnsafePointer())
	// sqlite3_db_config(db, op, int onoff, int *pRes): libc.VaList stores
	// each argument in an 8-byte slot.
	args := libc.Xmalloc(t, 16)
	if args == 0 {
		return 0, fmt.Errorf("sqlite: out of memory")
	}
	defer libc.Xfree(t, args)
	res := new(int32) // on the heap, which does not move
	rc := sqlite3.Xsqlite3_db_config(t, uintptr(db.Uint()), sqlite3.SQLITE_DBCONFIG_ENABLE_QPSG, libc.VaList(args, set, uintptr(unsafe.Pointer(res))))
	runtime.KeepAlive(res)
	if rc != sqlite3.SQLITE_OK {
		return 0, fmt.Errorf("sqlite: sqlite3_db_config(SQLITE_DBCONFIG_ENABLE_QPSG) returned %d", rc)
	}
	return *res, nil
}
