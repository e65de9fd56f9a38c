package main

import (
	"context"
	"database/sql"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/probity/probity/internal/demo"
	"github.com/probity/probity/internal/loadgen"
	"github.com/probity/probity/internal/testenv"
)

// benchWorkers is the load generator's concurrency: enough to keep both
// cores of the reference machine busy.
const benchWorkers = 8

// benchWarmup is how many requests of the mixed workload each load run
// makes, unmeasured, before the measured ones (runMix).
const benchWarmup = 20000

// BenchmarkColdStart measures `probity serve` from start to its first 200 on
// /readyz on an empty SQLite data directory (migrations included), against
// the reference of opening a bare SQLite file and creating one table.
func BenchmarkColdStart(b *testing.B) {
	b.Run("probity-serve", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			e := testenv.Engines(b)[0] // SQLite
			b.StartTimer()
			r := startServer(b, e)
			resp, err := http.Get(r.URL + "/readyz")
			if err != nil || resp.StatusCode != http.StatusOK {
				b.Fatalf("readyz: %v %v", err, resp)
			}
			resp.Body.Close()
			b.StopTimer()
			if err := r.Stop(); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		}
	})
	b.Run("reference-sqlite-open", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			db, err := sql.Open("sqlite", "file:"+filepath.Join(b.TempDir(), "ref.db")+"?_pragma=journal_mode(WAL)")
			if err == nil {
				_, err = db.Exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)`)
			}
			if err != nil {
				b.Fatal(err)
			}
			db.Close()
		}
	})
}

// BenchmarkHTTP measures throughput and latency of /readyz and the signed-in
// home page under the loopback load generator, on each engine, and a bare
// net/http handler as the reference, all in the same run.
func BenchmarkHTTP(b *testing.B) {
	for _, e := range testenv.Engines(b) {
		r := startServer(b, e, "--demo")
		cookie := benchSignIn(b, r.URL, "marcus.oyelaran@hartwellcrane.example")
		b.Run(e.Name+"/readyz", func(b *testing.B) { benchLoad(b, r.URL+"/readyz", "") })
		b.Run(e.Name+"/home", func(b *testing.B) { benchLoad(b, r.URL+"/home", cookie) })
		if err := r.Stop(); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("reference/bare-net-http", func(b *testing.B) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"status":"ready"}`))
		}))
		defer srv.Close()
		benchLoad(b, srv.URL+"/readyz", "")
	})
}

func benchLoad(b *testing.B, target, cookie string) {
	b.Helper()
	b.ResetTimer()
	res := loadgen.Run(context.Background(), b.N, benchWorkers, func() (*http.Request, error) {
		req, err := http.NewRequest(http.MethodGet, target, nil)
		if err == nil && cookie != "" {
			req.Header.Set("Cookie", cookie)
		}
		return req, err
	})
	b.StopTimer()
	if res.Errors > 0 {
		b.Fatalf("%d of %d requests failed; first: %s", res.Errors, res.Requests, res.FirstError)
	}
	b.ReportMetric(res.RPS, "req/s")
	b.ReportMetric(float64(res.P50.Microseconds()), "p50-µs")
	b.ReportMetric(float64(res.P99.Microseconds()), "p99-µs")
}

var csrfInput = regexp.MustCompile(`name="csrf_token" value="([0-9a-f]{64})"`)

// benchSignIn signs a demo account in through the form (loadSignIn) and
// returns the Cookie header value.
func benchSignIn(tb testing.TB, base, email string) string {
	return loadSignIn(tb, base, email, demo.Password, demoSecret(email))
}

func readAll(tb testing.TB, resp *http.Response) string {
	tb.Helper()
	defer resp.Body.Close()
	var sb strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := resp.Body.Read(buf)
		sb.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return sb.String()
}
