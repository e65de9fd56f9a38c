package ledes

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/testenv"
)

const (
	benchInvoices      = 100
	benchLinesPerInv   = 10_000
	benchLines         = benchInvoices * benchLinesPerInv // 1,000,000
	benchFeeUnitsCents = 125                              // 1.25 hours
)

// benchInvoice is invoice k of the benchmark file: benchLinesPerInv lines
// generated on the fly (nothing held), and its total computed up front.
func benchInvoice(k int) (Invoice, iter.Seq2[Line, error]) {
	line := func(i int) Line {
		l := Line{Number: i + 1, Date: "2026-01-15", Description: "First-level document review, batch of custodial email"}
		if i%5 == 4 {
			l.Type, l.ExpenseCode, l.Units, l.UnitCost = TypeExpense, "E118", 100, usd(2500+int64(i%7))
		} else {
			l.Type, l.TaskCode, l.ActivityCode, l.Units, l.UnitCost = TypeFee, "L320", "A104", benchFeeUnitsCents, usd(15000+int64(i%13))
			l.TimekeeperID, l.TimekeeperName, l.TimekeeperClassification = "VP-17", "Rao, Priya", "PARALEGAL"
		}
		amount, _ := domain.LineAmount(l.Units, l.UnitCost)
		l.Total = amount
		return l
	}
	total := usd(0)
	for i := range benchLinesPerInv {
		total, _ = total.Add(line(i).Total)
	}
	inv := Invoice{Date: "2026-02-01", Number: fmt.Sprintf("INV-2026-%05d", k), ClientID: "CLIENT-0042", LawFirmMatterID: "M-2026-0007",
		ClientMatterID: "CM-88", Start: "2026-01-01", End: "2026-01-31", Description: "Outsourced document review", LawFirmID: "12-3456789", Total: total}
	return inv, func(yield func(Line, error) bool) {
		for i := range benchLinesPerInv {
			if !yield(line(i), nil) {
				return
			}
		}
	}
}

// writeBenchFile writes the 1,000,000-line file to w.
func writeBenchFile(w io.Writer) error {
	lw := NewWriter(w)
	for k := range benchInvoices {
		inv, lines := benchInvoice(k)
		if err := lw.WriteInvoice(inv, lines); err != nil {
			return err
		}
	}
	return lw.Flush()
}

type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// heapSampler is the shared peak-heap sampler with this file's alloc-MB/op.
type heapSampler struct{ *testenv.PeakHeap }

func startHeapSampler() heapSampler { return heapSampler{testenv.StartPeakHeap()} }

func (h heapSampler) report(b *testing.B, before runtime.MemStats) {
	peak := h.StopMB()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	b.ReportMetric(peak, "peak-heap-MB")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/(1<<20), "alloc-MB/op")
}

func reportRates(b *testing.B, size int64, start time.Time) {
	secs := time.Since(start).Seconds() / float64(b.N)
	b.ReportMetric(float64(size)/(1<<20)/secs, "MB/s")
	b.ReportMetric(float64(benchLines)/secs, "lines/s")
}

// BenchmarkLEDES measures a 1,000,000-line file (100 invoices of 10,000
// lines): writing it streamed to io.Discard, the same bytes written raw with
// a bare bufio.Writer (the floor), and validating it streamed from a temp
// file. Metrics: MB/s, lines/s, peak-heap-MB (the largest live heap sampled
// every 2 ms via runtime/metrics heap objects bytes, after a GC at the
// start) and alloc-MB/op (runtime.MemStats TotalAlloc delta per run).
func BenchmarkLEDES(b *testing.B) {
	var cw countingWriter
	if err := writeBenchFile(&cw); err != nil {
		b.Fatal(err)
	}
	size := cw.n

	b.Run("reference-write-raw-bytes", func(b *testing.B) {
		var one bytes.Buffer // one invoice's bytes, written benchInvoices times
		inv, lines := benchInvoice(0)
		lw := NewWriter(&one)
		if err := lw.WriteInvoice(inv, lines); err != nil {
			b.Fatal(err)
		}
		if err := lw.Flush(); err != nil {
			b.Fatal(err)
		}
		chunk := one.Bytes()
		records := bytes.SplitAfter(chunk, []byte("\n")) // written one record per call, as the writer does
		b.SetBytes(int64(len(chunk)) * benchInvoices)
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		h := startHeapSampler()
		start := time.Now()
		for b.Loop() {
			bw := bufio.NewWriterSize(io.Discard, 64<<10)
			for range benchInvoices {
				for _, r := range records {
					if _, err := bw.Write(r); err != nil {
						b.Fatal(err)
					}
				}
			}
			if err := bw.Flush(); err != nil {
				b.Fatal(err)
			}
		}
		reportRates(b, int64(len(chunk))*benchInvoices, start)
		h.report(b, before)
	})

	b.Run("write-1M-lines", func(b *testing.B) {
		b.SetBytes(size)
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		h := startHeapSampler()
		start := time.Now()
		for b.Loop() {
			if err := writeBenchFile(io.Discard); err != nil {
				b.Fatal(err)
			}
		}
		reportRates(b, size, start)
		h.report(b, before)
	})

	b.Run("validate-1M-lines", func(b *testing.B) {
		path := filepath.Join(b.TempDir(), "ledes.txt")
		f, err := os.Create(path)
		if err != nil {
			b.Fatal(err)
		}
		if err := writeBenchFile(f); err != nil {
			b.Fatal(err)
		}
		if err := f.Close(); err != nil {
			b.Fatal(err)
		}
		b.SetBytes(size)
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		h := startHeapSampler()
		start := time.Now()
		for b.Loop() {
			f, err := os.Open(path)
			if err != nil {
				b.Fatal(err)
			}
			rep, err := Validate(f)
			f.Close()
			if err != nil {
				b.Fatal(err)
			}
			if !rep.Valid() || rep.Records != benchLines || len(rep.Invoices) != benchInvoices {
				b.Fatalf("report: %d records, %d invoices, %v", rep.Records, len(rep.Invoices), rep.Problems)
			}
		}
		reportRates(b, size, start)
		h.report(b, before)
	})
}
