package main

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/auditlog"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/progress"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// sqliteTableNames lists the SQLite source's tables, as the copy does.
func sqliteTableNames(t *testing.T, s *store.Store) []string {
	t.Helper()
	rows, err := s.DB().Query(`SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		out = append(out, n)
	}
	if len(out) < 40 {
		t.Fatalf("only %d tables on the source: %v", len(out), out)
	}
	return out
}

// dumpTable renders every row of table, ordered by its first column, in a
// form both engines agree on when the rows are equal field by field:
// booleans as 0/1, integers as decimal, binary values as hex.
func dumpTable(t *testing.T, db *sql.DB, table string) []string {
	t.Helper()
	rows, err := db.Query(`SELECT * FROM ` + table + ` ORDER BY 1`)
	if err != nil {
		t.Fatalf("dump %s: %v", table, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for i, v := range vals {
			switch x := v.(type) {
			case bool:
				if x {
					v = int64(1)
				} else {
					v = int64(0)
				}
			case int32:
				v = int64(x)
			case []byte:
				v = "x'" + hex.EncodeToString(x) + "'"
			case nil:
				v = "NULL"
			}
			fmt.Fprintf(&b, "%s=%v|", cols[i], v)
		}
		out = append(out, b.String())
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestMigrateEngine moves the demo firm, with an uploaded document, from
// SQLite to a fresh PostgreSQL database: every table's row count agrees,
// users, matters, documents and the audit events (hash chain columns
// included) are equal field by field, `audit verify` passes on PostgreSQL
// with the SQLite head, the document downloads through the PostgreSQL
// installation with the same SHA-256, a new matter and audit event can be
// written (the sequences continue after the copied ids), and a second run
// into the now full database is refused without changing it.
func TestMigrateEngine(t *testing.T) {
	pg := testenv.PostgresURL(t)
	w := newCLIWorld(t, sqliteEngine(t))
	data := w.db[1]
	content := "Deposition exhibits, batch 4.\n" + strings.Repeat("exhibit; privileged; produced\n", 4000)
	if out, errOut, code := w.run(t, "document", "upload", "--engagement", w.id, "--file", w.file(t, "exhibits.csv", content), "--as", cwMarcus); code != 0 {
		t.Fatalf("upload: exit %d\n%s%s", code, out, errOut)
	}
	var docID int64
	if err := w.s.DB().QueryRow(`SELECT ed.id FROM engagement_documents ed JOIN documents d ON d.id = ed.document_id WHERE d.filename = 'exhibits.csv'`).Scan(&docID); err != nil {
		t.Fatal(err)
	}
	srcHead, _, err := runCLI(t, nil, "", "audit", "verify", "--head", "--quiet", "--data", data)
	if err != nil {
		t.Fatal(err)
	}

	start := time.Now()
	out, errOut, err := runCLI(t, nil, "", "migrate-engine", "--to", pg, "--data", data)
	if err != nil {
		t.Fatalf("migrate-engine: %v\n%s%s", err, out, errOut)
	}
	t.Logf("migrate-engine of the demo firm took %v", time.Since(start))
	for _, want := range []string{"Every table's row count agrees", "The audit trail verifies on PostgreSQL", "stored documents open and verify", "probity serve --database"} {
		if !strings.Contains(out, want) {
			t.Errorf("migrate-engine did not say %q:\n%s", want, out)
		}
	}
	if !strings.Contains(errOut, "Copying rows to PostgreSQL") {
		t.Errorf("no progress on standard error:\n%s", errOut)
	}

	dst := openTestStore(t, pg, "")
	if cur, latest, err := dst.SchemaStatus(context.Background()); err != nil || cur != latest {
		t.Fatalf("target schema %d of %d: %v", cur, latest, err)
	}
	tables := sqliteTableNames(t, w.s)
	for _, table := range tables {
		if a, b := countTableRows(t, w.s, table), countTableRows(t, dst, table); a != b {
			t.Errorf("%s: %d rows on SQLite, %d on PostgreSQL", table, a, b)
		}
	}
	for _, table := range []string{"users", "matters", "documents", "engagement_documents", "audit_events", "audit_head", "time_entries", "sessions"} {
		a, b := dumpTable(t, w.s.DB(), table), dumpTable(t, dst.DB(), table)
		if len(a) != len(b) {
			t.Errorf("%s: %d rows against %d", table, len(a), len(b))
			continue
		}
		for i := range a {
			if a[i] != b[i] {
				t.Errorf("%s row %d differs:\nSQLite:     %s\nPostgreSQL: %s", table, i, a[i], b[i])
			}
		}
	}
	pgHead, _, err := runCLI(t, nil, "", "audit", "verify", "--head", "--quiet", "--database", pg, "--data", data)
	if err != nil || pgHead != srcHead || len(strings.TrimSpace(pgHead)) != 64 {
		t.Fatalf("audit verify on PostgreSQL: %v: head %q, SQLite's %q", err, pgHead, srcHead)
	}

	// The document, unmoved, downloads through the PostgreSQL installation.
	got, errOut, err := runCLI(t, nil, "", "document", "download", "--engagement", w.id, "--document", strconv.FormatInt(docID, 10), "--as", cwMarcus, "--database", pg, "--data", data)
	if err != nil || sha256.Sum256([]byte(got)) != sha256.Sum256([]byte(content)) {
		t.Fatalf("download from PostgreSQL: %v, %d bytes of %d\n%s", err, len(got), len(content), errOut)
	}

	// New rows get new ids: the identity sequences continue after the copy.
	ctx := context.Background()
	var maxID, clientID, attorneyID int64
	if err := dst.DB().QueryRow(`SELECT MAX(id), MIN(client_id), MIN(responsible_attorney_id) FROM matters`).Scan(&maxID, &clientID, &attorneyID); err != nil {
		t.Fatal(err)
	}
	m := domain.Matter{ClientID: clientID, Number: "MIG-0001", Title: "Created after the move", PracticeArea: "Litigation",
		Sensitivity: "standard", ResponsibleAttorneyID: attorneyID, Status: "open", OpenedOn: "2026-11-26"}
	err = dst.Write(ctx, func(tx *store.Tx) error {
		if err := tx.CreateMatter(ctx, &m, time.Now()); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, &auditlog.Event{At: time.Now(), Action: "matter.create", ObjectType: "matter", ObjectID: m.ID, MatterID: m.ID, Summary: "after the move"})
	})
	if err != nil || m.ID <= maxID {
		t.Fatalf("create a matter on the target: id %d after %d: %v", m.ID, maxID, err)
	}
	if out, _, err := runCLI(t, nil, "", "audit", "verify", "--quiet", "--database", pg, "--data", data); err != nil || !strings.Contains(out, "every link intact") {
		t.Fatalf("audit verify after a new event: %v\n%s", err, out)
	}

	// A second run finds the database full and changes nothing.
	before := dumpTable(t, dst.DB(), "matters")
	out, errOut, err = runCLI(t, nil, "", "migrate-engine", "--to", pg, "--data", data, "--quiet")
	if err == nil || !strings.Contains(errOut+err.Error(), "not empty") {
		t.Fatalf("a second migrate-engine into a full database: %v\n%s%s", err, out, errOut)
	}
	if after := dumpTable(t, dst.DB(), "matters"); strings.Join(after, "\n") != strings.Join(before, "\n") {
		t.Error("the refused run changed the target's matters")
	}
}

// pgUserRows counts the target's rows in tables, leaving out the rows the
// migrations insert (the built-in questionnaire, the audit head at 0, the
// conflict generation at 0).
func pgUserRows(t *testing.T, db *sql.DB, tables []string) int64 {
	t.Helper()
	seeds := map[string]string{
		"audit_head":             `seq = 0`,
		"conflict_generation":    `generation = 0`,
		"questionnaires":         `builtin`,
		"questionnaire_controls": `questionnaire_id IN (SELECT id FROM questionnaires WHERE builtin)`,
	}
	var n int64
	for _, table := range tables {
		q := `SELECT COUNT(*) FROM ` + table
		if seed, ok := seeds[table]; ok {
			q += ` WHERE NOT (` + seed + `)`
		}
		var c int64
		if err := db.QueryRow(q).Scan(&c); err != nil {
			t.Fatal(err)
		}
		if c > 0 {
			t.Logf("%s: %d rows", table, c)
		}
		n += c
	}
	return n
}

// TestMigrateEngineRollsBack cancels a copy after its first batch of rows,
// and fails another on a bad value in a late table: each time the target
// keeps Probity's empty schema and not one row, and a later run completes.
func TestMigrateEngineRollsBack(t *testing.T) {
	pg := testenv.PostgresURL(t)
	w := newCLIWorld(t, sqliteEngine(t))
	dst := openTestStore(t, pg, "")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var reported int64
	ctx = progress.WithFunc(ctx, func(stage string, done, total int64) {
		if stage == "Copying rows to PostgreSQL" && done > 0 && reported == 0 {
			reported = done
			cancel()
		}
	})
	_, err := store.CopyEngine(ctx, w.s, dst, time.Now())
	if !errors.Is(err, context.Canceled) || reported == 0 {
		t.Fatalf("a cancelled copy returned %v after %d rows", err, reported)
	}
	if n := pgUserRows(t, dst.DB(), sqliteTableNames(t, w.s)); n != 0 {
		t.Fatalf("the cancelled copy left %d rows on the target", n)
	}
	// A value PostgreSQL cannot hold, late in the copy (time entries come
	// after the firm, users, matters and engagements they refer to), fails
	// it after thousands of rows were written: none is left.
	var entry int64
	var narrative string
	if err := w.s.DB().QueryRow(`SELECT id, narrative FROM time_entries ORDER BY id DESC LIMIT 1`).Scan(&entry, &narrative); err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.DB().Exec(`UPDATE time_entries SET narrative = CAST(x'4e6f00ff' AS TEXT) WHERE id = $1`, entry); err != nil {
		t.Fatal(err)
	}
	_, err = store.CopyEngine(context.Background(), w.s, dst, time.Now())
	if domain.ErrorCode(err) != domain.EInvalid || !strings.Contains(err.Error(), "time_entries") {
		t.Fatalf("a value PostgreSQL cannot hold: %v", err)
	}
	if n := pgUserRows(t, dst.DB(), sqliteTableNames(t, w.s)); n != 0 {
		t.Fatalf("the failed copy left %d rows on the target", n)
	}
	if _, err := w.s.DB().Exec(`UPDATE time_entries SET narrative = $1 WHERE id = $2`, narrative, entry); err != nil {
		t.Fatal(err)
	}

	rep, err := store.CopyEngine(context.Background(), w.s, dst, time.Now())
	if err != nil || rep.AuditEvents == 0 || rep.Rows == 0 {
		t.Fatalf("the copy after a cancelled one: %+v %v", rep, err)
	}
	if a, b := countTableRows(t, w.s, "audit_events"), countTableRows(t, dst, "audit_events"); a != b {
		t.Errorf("audit_events: %d against %d", a, b)
	}
}

// TestMigrateEngineRefusals: a URL that is not PostgreSQL, an unreachable
// server (its password never printed), a missing source, a PostgreSQL
// source and a target holding other tables are each refused with a clear
// message, and the target is left as it was.
func TestMigrateEngineRefusals(t *testing.T) {
	pg := testenv.PostgresURL(t)
	data := t.TempDir()
	if _, errOut, err := runCLI(t, nil, "", "migrate", "--data", data); err != nil {
		t.Fatalf("migrate: %v\n%s", err, errOut)
	}
	const secret = "Sup3rSecretPw"
	for _, c := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"not postgres", []string{"--to", "mysql://root:" + secret + "@db/probity", "--data", data}, 2, "must be a postgres:// or postgresql:// URL"},
		{"no target", []string{"--data", data}, 2, "needs --to postgres://"},
		{"unreachable", []string{"--to", "postgres://probity:" + secret + "@127.0.0.1:1/probity?connect_timeout=2", "--data", data}, 1, "cannot reach PostgreSQL at 127.0.0.1:1"},
		{"no source", []string{"--to", pg, "--data", filepath.Join(data, "absent")}, 1, "no Probity SQLite database"},
		{"postgres source", []string{"--to", pg, "--database", pg, "--data", data}, 2, "reads the SQLite database"},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, errOut, err := runCLI(t, nil, "", append([]string{"migrate-engine", "--quiet"}, c.args...)...)
			msg := out + errOut
			if err != nil {
				msg += describe(err)
			}
			if exitStatus(err) != c.code || !strings.Contains(msg, c.want) {
				t.Fatalf("exit %d (want %d), said:\n%s", exitStatus(err), c.code, msg)
			}
			if strings.Contains(msg, secret) {
				t.Fatalf("the password was printed:\n%s", msg)
			}
		})
	}
	// Nothing above wrote to the target.
	target := openTestStore(t, pg, "")
	var n int
	if err := target.DB().QueryRow(`SELECT COUNT(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema()`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("the refusals left %d tables on the target: %v", n, err)
	}

	// A database holding tables that are not Probity's is refused, untouched.
	if _, err := target.DB().Exec(`CREATE TABLE ledger (id BIGINT PRIMARY KEY, note TEXT); INSERT INTO ledger VALUES (1, 'keep me')`); err != nil {
		t.Fatal(err)
	}
	_, errOut, err := runCLI(t, nil, "", "migrate-engine", "--quiet", "--to", pg, "--data", data)
	if err == nil || !strings.Contains(errOut+describe(err), "not empty") {
		t.Fatalf("a foreign table was not refused: %v\n%s", err, errOut)
	}
	if err := target.DB().QueryRow(`SELECT COUNT(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema()`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("the refused run left %d tables: %v", n, err)
	}
}
