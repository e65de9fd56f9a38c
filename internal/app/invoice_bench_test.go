package app_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/sqlite"
	"github.com/probity/probity/internal/testenv"
)

// Billing benchmarks on SQLite (issue 8 part 4), each beside a reference
// measured in the same run on the same rows:
//
//   - BenchmarkClientInvoice100k: drafting and approving a client invoice
//     from 100,000 unbilled firm time entries (part C's DraftClientInvoice
//     and ApproveClientInvoice), and exporting that invoice as LEDES through
//     ExportLEDES to io.Discard; the reference is a bare scan of the same
//     100,000 entries.
//   - BenchmarkLEDESExport1M: exporting an approved invoice of 1,000,000
//     lines (built once per process with bulk SQL in a temporary directory)
//     through ExportLEDES to io.Discard; the reference is a bare scan of the
//     same rows with no formatting.
//
// peak-heap-MB is the largest live heap (runtime/metrics heap objects
// bytes, sampled every 2 ms after a GC at the start), as the LEDES
// benchmarks of internal/ledes report it.
//
// TestLEDESExportBenchPath runs the same code path on 1,000 lines in the
// normal test command.

const (
	benchEntries   = 100_000
	benchLines1M   = 1_000_000
	benchAttorney  = "bench.partner@firm.example"
	benchAdmin     = "bench.admin@firm.example"
	benchMatterNo  = "2026-0001"
	benchPeriodEnd = "2026-03-31"
)

// billingBench is a SQLite store with a firm, a client, a matter, a
// firm administrator and a partner who is a timekeeper at USD 500.00.
type billingBench struct {
	a        *app.App
	s        *store.Store
	attorney domain.User
	matter   int64
	ctx      context.Context
}

// openBillingBench opens (creating and migrating when new) the SQLite
// database at path and, when it holds no firm yet, sets up the firm.
func openBillingBench(tb testing.TB, path string) *billingBench {
	tb.Helper()
	ctx := context.Background()
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(ctx, time.Now()); err != nil {
		tb.Fatal(err)
	}
	a := app.New(s, testConfig(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	a.Now = func() time.Time { return t0 }
	bb := &billingBench{a: a, s: s, ctx: app.WithMeta(ctx, app.Meta{RequestID: "bench", MFA: true})}
	err = s.Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.Firm(ctx); err == nil {
			return nil
		}
		if err := tx.CreateFirm(ctx, &domain.Firm{Name: "Bench & Partners LLP", TaxID: "12-3456789", Currency: "USD"}, t0); err != nil {
			return err
		}
		var users []domain.User
		for _, u := range []domain.User{{Email: benchAdmin, Name: "Bench Admin", Role: domain.RoleFirmAdmin}, {Email: benchAttorney, Name: "Pat Partner", Role: domain.RoleAttorney}} {
			if err := u.Validate(); err != nil {
				return err
			}
			if err := tx.CreateUser(ctx, &u, "x", t0); err != nil {
				return err
			}
			users = append(users, u)
		}
		c := domain.Client{Number: "C-0042", Name: "Bench Client Inc.", Country: "US"}
		if err := c.Validate(); err != nil {
			return err
		}
		if err := tx.CreateClient(ctx, &c, t0); err != nil {
			return err
		}
		m := domain.Matter{ClientID: c.ID, Number: benchMatterNo, Title: "Bench v. Benchmark", ResponsibleAttorneyID: users[1].ID}
		if err := m.Validate(); err != nil {
			return err
		}
		if err := tx.CreateMatter(ctx, &m, t0); err != nil {
			return err
		}
		if err := tx.SaveTimekeeper(ctx, domain.Timekeeper{UserID: users[1].ID, LEDESID: "HC-0001", Classification: domain.ClassPartner}, users[0].ID, t0); err != nil {
			return err
		}
		return tx.AddTimekeeperRate(ctx, users[1].ID, &domain.Rate{Effective: "2025-01-01", Amount: domain.NewMoney(50000, "USD"), SetBy: users[0].ID, SetAt: t0})
	})
	if err != nil {
		tb.Fatal(err)
	}
	db := s.DB()
	if err := db.QueryRow(`SELECT id FROM matters WHERE number = $1`, benchMatterNo).Scan(&bb.matter); err != nil {
		tb.Fatal(err)
	}
	if bb.attorney, err = a.UserByEmail(ctx, app.Operator, benchAttorney); err != nil {
		tb.Fatal(err)
	}
	return bb
}

// addFirmTime inserts n unbilled firm time entries of the partner on the
// matter in March 2026, in one statement.
func (bb *billingBench) addFirmTime(tb testing.TB, n int) {
	tb.Helper()
	_, err := bb.s.DB().Exec(fmt.Sprintf(`INSERT INTO firm_time_entries (matter_id, user_id, worked_on, tenths, purpose, task_code, activity_code,
		narrative, created_by, created_at)
		WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < %d)
		SELECT $1, $2, '2026-03-' || printf('%%02d', 1 + i %% 28), 1 + i %% 24, 'matter', 'L110', 'A104',
		'Reviewed and annotated the production, batch ' || i, $2, 1 FROM seq`, n), bb.matter, bb.attorney.ID)
	if err != nil {
		tb.Fatal(err)
	}
}

// draft drafts and approves the invoice of March 2026.
func (bb *billingBench) draft(tb testing.TB) domain.ClientInvoice {
	tb.Helper()
	inv, err := bb.a.DraftClientInvoice(bb.ctx, bb.attorney, app.ClientInvoiceInput{MatterID: bb.matter, Date: benchPeriodEnd,
		Start: "2026-03-01", End: benchPeriodEnd, Description: "Professional services, March 2026"})
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := bb.a.ApproveClientInvoice(bb.ctx, bb.attorney, inv.ID); err != nil {
		tb.Fatal(err)
	}
	return inv
}

// unbill returns every entry to unbilled (between timed runs); the
// invoices stay. (Deleting client_invoice_lines rows is quadratic on
// SQLite while credited_line_id, a self-reference, has no index: each
// deleted line scans the table for lines crediting it.)
func (bb *billingBench) unbill(tb testing.TB) {
	tb.Helper()
	if _, err := bb.s.DB().Exec(`UPDATE firm_time_entries SET client_invoice_id = NULL`); err != nil {
		tb.Fatal(err)
	}
}

// scanLines is the reference: every line of the invoice read with a bare
// query, no mapping or formatting.
func (bb *billingBench) scanLines(tb testing.TB, invoiceID int64) int {
	tb.Helper()
	rows, err := bb.s.DB().Query(`SELECT position, type, line_date, units, unit_cost_minor, adjustment_minor, total_minor, task_code, expense_code,
		activity_code, timekeeper_id, timekeeper_name, classification, description FROM client_invoice_lines WHERE invoice_id = $1 ORDER BY position`, invoiceID)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var pos, units, cost, adj, total int64
	var typ, date, task, exp, act, tk, name, class, desc string
	n := 0
	for rows.Next() {
		if err := rows.Scan(&pos, &typ, &date, &units, &cost, &adj, &total, &task, &exp, &act, &tk, &name, &class, &desc); err != nil {
			tb.Fatal(err)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return n
}

// peakHeap is the shared sampler with this file's lines/s metric.
type peakHeap struct{ *testenv.PeakHeap }

func startPeakHeap() peakHeap { return peakHeap{testenv.StartPeakHeap()} }

func (h peakHeap) report(b *testing.B, lines int) {
	b.ReportMetric(h.StopMB(), "peak-heap-MB")
	if e := b.Elapsed(); e > 0 {
		b.ReportMetric(float64(lines)*float64(b.N)/e.Seconds(), "lines/s")
	}
}

// exportLEDES exports invoice id to io.Discard and checks the size.
func (bb *billingBench) exportLEDES(tb testing.TB, id int64) int64 {
	tb.Helper()
	var cw byteCounter
	if err := bb.a.ExportLEDES(bb.ctx, bb.attorney, id, &cw); err != nil {
		tb.Fatal(err)
	}
	return cw.n
}

type byteCounter struct{ n int64 }

func (c *byteCounter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// BenchmarkClientInvoice100k drafts, approves and exports an invoice of
// 100,000 firm time entries.
func BenchmarkClientInvoice100k(b *testing.B) {
	bb := openBillingBench(b, filepath.Join(b.TempDir(), "probity.db"))
	bb.addFirmTime(b, benchEntries)
	inv := bb.draft(b)
	if inv.LineCount != benchEntries {
		b.Fatalf("the invoice has %d lines, want %d", inv.LineCount, benchEntries)
	}
	b.Run("reference-scan-100k-lines", func(b *testing.B) {
		h := startPeakHeap()
		for b.Loop() {
			if n := bb.scanLines(b, inv.ID); n != benchEntries {
				b.Fatalf("%d lines", n)
			}
		}
		h.report(b, benchEntries)
	})
	b.Run("export-100k-ledes", func(b *testing.B) {
		h := startPeakHeap()
		var size int64
		for b.Loop() {
			size = bb.exportLEDES(b, inv.ID)
		}
		h.report(b, benchEntries)
		b.ReportMetric(float64(size)/(1<<20), "file-MB")
	})
	b.Run("draft-approve-100k", func(b *testing.B) {
		h := startPeakHeap()
		for b.Loop() {
			b.StopTimer()
			bb.unbill(b)
			b.StartTimer()
			if got := bb.draft(b); got.LineCount != benchEntries {
				b.Fatalf("%d lines", got.LineCount)
			}
		}
		h.report(b, benchEntries)
	})
	b.Run("draft-approve-export-100k", func(b *testing.B) {
		h := startPeakHeap()
		for b.Loop() {
			b.StopTimer()
			bb.unbill(b)
			b.StartTimer()
			bb.exportLEDES(b, bb.draft(b).ID)
		}
		h.report(b, benchEntries)
	})
}

var (
	bigInvoiceOnce sync.Once
	bigInvoicePath string
	bigInvoiceID   int64
	bigInvoiceErr  error
)

// bigInvoice builds, once per test process, a SQLite database holding an
// approved invoice of 1,000,000 lines, written with bulk SQL.
func bigInvoice(b *testing.B) (string, int64) {
	bigInvoiceOnce.Do(func() {
		dir, err := os.MkdirTemp("", "probity-invoicebench-")
		if err != nil {
			bigInvoiceErr = err
			return
		}
		bigInvoicePath = filepath.Join(dir, "probity.db")
		bb := openBillingBench(b, bigInvoicePath)
		defer bb.s.Close()
		bigInvoiceID = insertXPInvoice(b, bb.s.DB(), xpInvoice{Number: "INV-2026-1000", MatterID: bb.matter, State: domain.InvoiceApproved,
			CreatedBy: bb.attorney.ID, Lines: benchLines1M - 1, Outsourced: true})
	})
	if bigInvoiceErr != nil {
		b.Fatal(bigInvoiceErr)
	}
	if bigInvoiceID == 0 {
		b.Fatal("the 1,000,000-line invoice was not built")
	}
	return bigInvoicePath, bigInvoiceID
}

// BenchmarkLEDESExport1M exports an invoice of 1,000,000 lines from SQLite.
func BenchmarkLEDESExport1M(b *testing.B) {
	path, id := bigInvoice(b)
	bb := openBillingBench(b, path)
	b.Run("reference-scan-1M-lines", func(b *testing.B) {
		h := startPeakHeap()
		for b.Loop() {
			if n := bb.scanLines(b, id); n != benchLines1M {
				b.Fatalf("%d lines", n)
			}
		}
		h.report(b, benchLines1M)
	})
	b.Run("export-1M-lines", func(b *testing.B) {
		h := startPeakHeap()
		var size int64
		for b.Loop() {
			size = bb.exportLEDES(b, id)
		}
		h.report(b, benchLines1M)
		b.ReportMetric(float64(size)/(1<<20), "file-MB")
	})
}

// TestLEDESExportBenchPath runs the benchmarks' code path on a small
// invoice: 1,000 firm time entries drafted, approved and exported, and a
// 1,000-line invoice built by the same bulk SQL, both valid LEDES.
func TestLEDESExportBenchPath(t *testing.T) {
	bb := openBillingBench(t, filepath.Join(t.TempDir(), "probity.db"))
	bb.addFirmTime(t, 1000)
	inv := bb.draft(t)
	if inv.LineCount != 1000 || bb.scanLines(t, inv.ID) != 1000 {
		t.Fatalf("drafted %d lines", inv.LineCount)
	}
	var buf byteBuffer
	if err := bb.a.ExportLEDES(bb.ctx, bb.attorney, inv.ID, &buf); err != nil {
		t.Fatal(err)
	}
	checkLEDES(t, buf.b, inv.Number, inv.Total.Minor, 1000)
	id := insertXPInvoice(t, bb.s.DB(), xpInvoice{Number: "INV-2026-1000", MatterID: bb.matter, State: domain.InvoiceApproved,
		CreatedBy: bb.attorney.ID, Lines: 999, Outsourced: true})
	buf.b = buf.b[:0]
	if err := bb.a.ExportLEDES(bb.ctx, bb.attorney, id, &buf); err != nil {
		t.Fatal(err)
	}
	checkLEDES(t, buf.b, "INV-2026-1000", 999*xpFeeLine+xpOutsourced, 1000)
	// The bench's unbill makes the entries billable again.
	bb.unbill(t)
	if again := bb.draft(t); again.LineCount != 1000 {
		t.Fatalf("redrafted %d lines", again.LineCount)
	}
}

type byteBuffer struct{ b []byte }

func (w *byteBuffer) Write(p []byte) (int, error) { w.b = append(w.b, p...); return len(p), nil }
