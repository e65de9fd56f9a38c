package main

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/probity/probity/internal/store/engine"
	"github.com/probity/probity/internal/testenv"
)

// auditFixture is a demo database and raw SQL access to it, the way an
// intruder with database access would reach it.
type auditFixture struct {
	args []string
	db   *sql.DB
	eng  string
}

func newAuditFixture(t *testing.T, e testenv.Engine) *auditFixture {
	t.Helper()
	dbURL, dir := e.URL(t)
	args := []string{"--data", dir}
	if dbURL != "" {
		args = append(args, "--database", dbURL)
	}
	m, _, errb := testMain(nil)
	if err := m.Run(context.Background(), append([]string{"demo"}, args...)); err != nil {
		t.Fatalf("demo: %v\n%s", err, errb.String())
	}
	driver, dsn := "sqlite", "file:"+filepath.Join(dir, engine.SQLiteFile)
	if dbURL != "" {
		driver, dsn = "pgx", dbURL
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return &auditFixture{args: args, db: db, eng: e.Name}
}

// verify runs `probity audit verify` and returns its output and error.
func (f *auditFixture) verify(t *testing.T, extra ...string) (string, error) {
	t.Helper()
	m, out, _ := testMain(nil)
	err := m.Run(context.Background(), append(append([]string{"audit", "verify"}, extra...), f.args...))
	return out.String(), err
}

func (f *auditFixture) exec(t *testing.T, q string, args ...any) {
	t.Helper()
	if _, err := f.db.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// disableTriggers removes the append-only guard, as someone with the database
// owner's rights could.
func (f *auditFixture) disableTriggers(t *testing.T) {
	t.Helper()
	if f.eng == "postgres" {
		f.exec(t, `ALTER TABLE audit_events DISABLE TRIGGER USER`)
		return
	}
	f.exec(t, `DROP TRIGGER audit_events_no_update`)
	f.exec(t, `DROP TRIGGER audit_events_no_delete`)
}

var headLine = regexp.MustCompile(`Head: ([0-9a-f]{64}) \(event (\d+)\)`)

func TestAuditVerifyAndHead(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newAuditFixture(t, e)
		out, err := f.verify(t)
		if err != nil {
			t.Fatalf("verify of an intact demo trail failed: %v\n%s", err, out)
		}
		m := headLine.FindStringSubmatch(out)
		if m == nil || m[2] == "0" {
			t.Fatalf("no head in output:\n%s", out)
		}
		head, err := f.verify(t, "--head")
		if err != nil || strings.TrimSpace(head) != m[1] {
			t.Fatalf("--head printed %q (%v), want %s", head, err, m[1])
		}
		var n int
		if err := f.db.QueryRow(`SELECT COUNT(*) FROM audit_events`).Scan(&n); err != nil || fmt.Sprint(n) != m[2] {
			t.Fatalf("events in table %d (%v), head says %s", n, err, m[2])
		}
	})
}

func TestAuditLogRefusesUpdateAndDelete(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newAuditFixture(t, e)
		if _, err := f.db.Exec(`UPDATE audit_events SET summary = 'nothing happened' WHERE seq = 3`); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Fatalf("UPDATE on the audit log: err = %v, want the append-only refusal", err)
		}
		if _, err := f.db.Exec(`DELETE FROM audit_events WHERE seq = 3`); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Fatalf("DELETE on the audit log: err = %v, want the append-only refusal", err)
		}
		if out, err := f.verify(t); err != nil {
			t.Fatalf("refused tampering still broke the chain: %v\n%s", err, out)
		}
	})
}

func TestAuditTamperingIsDetected(t *testing.T) {
	cases := []struct {
		name    string
		tamper  func(t *testing.T, f *auditFixture)
		wantSeq int
	}{
		{"edit an event", func(t *testing.T, f *auditFixture) {
			f.exec(t, `UPDATE audit_events SET summary = 'nothing happened' WHERE seq = 5`)
		}, 5},
		{"edit an actor", func(t *testing.T, f *auditFixture) {
			f.exec(t, `UPDATE audit_events SET actor_name = 'Someone Else' WHERE seq = 12`)
		}, 12},
		{"delete an event", func(t *testing.T, f *auditFixture) {
			f.exec(t, `DELETE FROM audit_events WHERE seq = 9`)
		}, 9},
		{"delete the last event", func(t *testing.T, f *auditFixture) {
			f.exec(t, `DELETE FROM audit_events WHERE seq = (SELECT MAX(seq) FROM audit_events)`)
		}, -1},
		{"reorder two events", func(t *testing.T, f *auditFixture) {
			f.exec(t, `UPDATE audit_events SET seq = -7 WHERE seq = 7`)
			f.exec(t, `UPDATE audit_events SET seq = 7 WHERE seq = 8`)
			f.exec(t, `UPDATE audit_events SET seq = 8 WHERE seq = -7`)
		}, 7},
	}
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				f := newAuditFixture(t, e)
				var last int
				if err := f.db.QueryRow(`SELECT MAX(seq) FROM audit_events`).Scan(&last); err != nil {
					t.Fatal(err)
				}
				f.disableTriggers(t)
				c.tamper(t, f)
				out, err := f.verify(t)
				if err == nil || exitCode(err) == 0 {
					t.Fatalf("tampering went unnoticed:\n%s", out)
				}
				want := c.wantSeq
				if want < 0 {
					want = last
				}
				if !strings.Contains(out, fmt.Sprintf("BROKEN: audit event %d:", want)) {
					t.Fatalf("verify did not name event %d:\n%s", want, out)
				}
			})
		}
	})
}
