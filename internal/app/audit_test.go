package app_test

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/auditlog"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// TestVerifyAuditInParts checks the parallel verification finds tampering
// anywhere, including on the boundaries between parts.
func TestVerifyAuditInParts(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		t.Logf("one CPU: the chain is verified in one part")
	}
	const n = 120
	cases := []struct {
		name    string
		sql     string
		wantSeq int64
	}{
		{"intact", "", 0},
		{"edit first", `UPDATE audit_events SET summary = 'x' WHERE seq = 1`, 1},
		{"edit on a boundary", `UPDATE audit_events SET summary = 'x' WHERE seq = 60`, 60},
		{"edit after a boundary", `UPDATE audit_events SET summary = 'x' WHERE seq = 61`, 61},
		{"delete on a boundary", `DELETE FROM audit_events WHERE seq = 60`, 60},
		{"delete after a boundary", `DELETE FROM audit_events WHERE seq = 61`, 61},
		{"delete last", `DELETE FROM audit_events WHERE seq = 120`, 120},
		{"edit last", `UPDATE audit_events SET action = 'x' WHERE seq = 120`, 120},
	}
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				s := testenv.OpenStore(t, e)
				ctx := context.Background()
				evs := make([]auditlog.Event, n)
				for i := range evs {
					evs[i] = auditlog.Event{At: t0, Action: "a.test", ObjectID: int64(i), Summary: fmt.Sprint("event ", i+1)}
				}
				if err := s.Write(ctx, func(tx *store.Tx) error { return tx.AppendAuditBatch(ctx, evs) }); err != nil {
					t.Fatal(err)
				}
				if c.sql != "" {
					db := s.DB()
					drop := []string{`DROP TRIGGER audit_events_no_update`, `DROP TRIGGER audit_events_no_delete`}
					if e.Name == "postgres" {
						drop = []string{`ALTER TABLE audit_events DISABLE TRIGGER USER`}
					}
					for _, q := range append(drop, c.sql) {
						if _, err := db.Exec(q); err != nil {
							t.Fatalf("%s: %v", q, err)
						}
					}
				}
				cfg := testConfig()
				cfg.VerifyPart = 10
				a := app.New(s, cfg, nil)
				res, err := a.VerifyAudit(ctx, nil)
				if err != nil {
					t.Fatal(err)
				}
				if c.wantSeq == 0 {
					if res.Break != nil || res.Events != n || res.Seq != n || string(res.Head) != string(evs[n-1].Hash) {
						t.Fatalf("intact chain: %+v", res)
					}
					return
				}
				if res.Break == nil || res.Break.Seq != c.wantSeq {
					t.Fatalf("break = %+v, want event %d", res.Break, c.wantSeq)
				}
				if strings.TrimSpace(res.Break.Reason) == "" {
					t.Fatal("a break without a reason")
				}
			})
		}
	})
}
