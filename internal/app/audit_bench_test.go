package app_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/auditlog"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/sqlite"
)

// benchEvents is the size of the audit log the verify benchmark checks.
const benchEvents = 1_000_000

var (
	bigLogOnce sync.Once
	bigLogPath string
	bigLogErr  error
)

// bigLog builds, once per test process, a SQLite database holding a
// 1,000,000-event chain (realistic field sizes), written in bulk.
func bigLog(b *testing.B) string {
	bigLogOnce.Do(func() {
		dir, err := os.MkdirTemp("", "probity-auditbench-")
		if err != nil {
			bigLogErr = err
			return
		}
		bigLogPath = filepath.Join(dir, "probity.db")
		ctx := context.Background()
		s, err := sqlite.Open(ctx, bigLogPath)
		if err != nil {
			bigLogErr = err
			return
		}
		defer s.Close()
		if _, err := s.Migrate(ctx, time.Now()); err != nil {
			bigLogErr = err
			return
		}
		at := time.Date(2025, 1, 1, 9, 0, 0, 0, time.UTC)
		const batch = 50_000
		for start := 0; start < benchEvents && bigLogErr == nil; start += batch {
			bigLogErr = s.Write(ctx, func(tx *store.Tx) error {
				evs := make([]auditlog.Event, 0, batch)
				for i := start; i < start+batch; i++ {
					evs = append(evs, auditlog.Event{At: at.Add(time.Duration(i) * time.Second), ActorID: int64(i%40 + 1), ActorName: "Marcus Oyelaran",
						ActorRole: "attorney", Org: "firm", Action: "document.view", ObjectType: "document", ObjectID: int64(i),
						MatterID: int64(i%500 + 1), Summary: "viewed production volume 7, document HC-" + strconv.Itoa(i),
						Address: "10.20.0.15", RequestID: fmt.Sprintf("%024x", i)})
				}
				return tx.AppendAuditBatch(ctx, evs)
			})
		}
	})
	if bigLogErr != nil {
		b.Fatal(bigLogErr)
	}
	return bigLogPath
}

// BenchmarkAuditVerify measures `probity audit verify` over a
// 1,000,000-event log on SQLite, against raw SHA-256 in the same run.
func BenchmarkAuditVerify(b *testing.B) {
	b.Run("sqlite-1M-events", func(b *testing.B) {
		path := bigLog(b)
		ctx := context.Background()
		s, err := sqlite.Open(ctx, path)
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		a := app.New(s, app.DefaultConfig(), slog.New(slog.NewTextHandler(io.Discard, nil)))
		b.ResetTimer()
		var res app.VerifyResult
		for i := 0; i < b.N; i++ {
			if res, err = a.VerifyAudit(ctx, nil); err != nil || res.Break != nil || res.Events != benchEvents {
				b.Fatalf("verify: %v %+v", err, res.Break)
			}
		}
		b.StopTimer()
		b.SetBytes(res.Bytes)
		b.ReportMetric(float64(res.Events)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
	})
	b.Run("reference-sha256", func(b *testing.B) {
		// Raw SHA-256 over 8 KiB blocks (as crypto/sha256's own benchmark),
		// 64 MiB per op so one op is a stable measurement.
		buf := make([]byte, 8<<10)
		const blocks = 8 << 10
		b.SetBytes(int64(len(buf)) * blocks)
		for i := 0; i < b.N; i++ {
			for j := 0; j < blocks; j++ {
				sum := sha256.Sum256(buf)
				buf[0] = sum[0]
			}
		}
	})
}

// BenchmarkAuditAppend measures what recording an audit event adds to a
// write: the same transaction (a user's row) with and without its event.
func BenchmarkAuditAppend(b *testing.B) {
	for _, withEvent := range []bool{false, true} {
		name := "write-only-reference"
		if withEvent {
			name = "write-with-audit-event"
		}
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			s, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "probity.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			if _, err := s.Migrate(ctx, time.Now()); err != nil {
				b.Fatal(err)
			}
			now := time.Now()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				err := s.Write(ctx, func(tx *store.Tx) error {
					u := domain.User{Email: fmt.Sprintf("u%d@firm.example", i), Name: "Bench User", Role: domain.RoleStaff, TimeZone: "UTC"}
					if err := tx.CreateUser(ctx, &u, "", now); err != nil {
						return err
					}
					if !withEvent {
						return nil
					}
					return tx.AppendAudit(ctx, &auditlog.Event{At: now, ActorID: 1, ActorName: "Eleanor Hartwell", ActorRole: "firm_admin", Org: "firm",
						Action: "user.create", ObjectType: "user", ObjectID: u.ID, Summary: "created Bench User (" + u.Email + ") as Staff",
						Address: "10.20.0.15", RequestID: "0123456789abcdef01234567"})
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
