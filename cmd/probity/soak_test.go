package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/demo"
)

// soakSample is one reading of the server's /metrics during a soak.
type soakSample struct {
	at         time.Duration // since the load started
	heap       float64       // go_memstats_heap_inuse_bytes
	rss        float64       // process_resident_memory_bytes
	goroutines float64       // go_goroutines
	gcs        float64       // go_gc_duration_seconds_count
	requests   float64       // sum of probity_http_requests_total
}

// TestSoak runs the mixed four-role workload (load_bench_test.go) against a
// real `probity serve --demo` child process on SQLite for PROBITY_SOAK
// (default 20s; the recorded run is 10m) from PROBITY_SOAK_WORKERS clients
// (default 8), reading the server's separate metrics listener every
// duration/40 (at least 500ms). It fails on any request error and unless
// memory and goroutines are flat.
//
// Flat, precisely. Heap: the first quarter of the samples is warm-up
// (connection pools, caches, the page templates' buffers) and is left out;
// the rest is split into halves, and the median heap in use of the second
// half may exceed the first half's by at most max(20%, 8 MiB). Medians of
// halves, not single readings or a last-minus-first difference, because the
// heap is a GC sawtooth: any one reading can sit anywhere between the live
// heap and twice it. A leak of 1 KiB a request at the soak's 1,000-2,000
// requests a second grows the heap by over 500 MiB in 10 minutes.
// Goroutines: once the load stops and its connections are closed, the count
// must come back to at most the count before the load plus 5 (polled for up
// to 15 s). Readings during the load are logged, not judged: they count the
// short-lived goroutines of the requests in flight (database/sql and the
// SQLite driver start one per query context) and swing between about 30 and
// 300 from one reading to the next; after the load any leaked goroutine is
// still there, one per leaking request. RSS is logged, not judged: the Go
// runtime returns freed memory to the system lazily, so RSS lags and
// overstates the heap.
func TestSoak(t *testing.T) {
	d := 20 * time.Second
	if v := os.Getenv("PROBITY_SOAK"); v != "" {
		var err error
		if d, err = time.ParseDuration(v); err != nil || d <= 0 {
			t.Fatalf("PROBITY_SOAK=%q: want a duration such as 20s or 10m", v)
		}
	}
	if testing.Short() {
		t.Skip("the soak runs the real binary under load")
	}
	workers := envInt(t, "PROBITY_SOAK_WORKERS", benchWorkers)
	p := startServerProcess(t, "--metrics-addr", "127.0.0.1:0", "--api-token-rate", "0", "--api-address-rate", "0")
	if p.metrics == "" {
		t.Fatal("serve printed no metrics address")
	}
	people := loadPeople(t, p.url, "", p.data, demoLoadEmails, demo.Password, demoSecrets())
	mix := mixFor(people, &loadTarget{bases: []string{p.url}}, workers)

	before, err := readSoakMetrics(p.metrics)
	if err != nil {
		t.Fatalf("read the server's metrics: %v", err)
	}
	every := max(d/40, 500*time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	type outcome struct {
		requests, errors int
		rps              float64
		p50, p99         time.Duration
		first            string
	}
	done := make(chan outcome, 1)
	start := time.Now()
	go func() {
		r := mix.Run(ctx, 0)
		for _, k := range r.Kinds {
			t.Logf("%-22s %7d requests %3d errors  p50 %6.2f ms  p99 %7.2f ms", k.Name, k.Requests, k.Errors, ms(k.P50), ms(k.P99))
		}
		done <- outcome{r.Requests, r.Errors, r.RPS, r.P50, r.P99, r.FirstError}
	}()
	var samples []soakSample
	tick := time.NewTicker(every)
	defer tick.Stop()
	var res outcome
wait:
	for {
		select {
		case <-tick.C:
			s, err := readSoakMetrics(p.metrics)
			if err != nil {
				cancel()
				<-done
				t.Fatalf("read the server's metrics: %v", err)
			}
			s.at = time.Since(start)
			samples = append(samples, s)
		case res = <-done:
			break wait
		}
	}
	t.Logf("soak of %s: %d requests (%.0f req/s), %d errors, p50 %.2f ms, p99 %.2f ms, %d samples every %s",
		d, res.requests, res.rps, res.errors, ms(res.p50), ms(res.p99), len(samples), every)
	for _, s := range samples {
		t.Logf("  %7.1fs heap %7.1f MiB  rss %7.1f MiB  goroutines %4.0f  gc %6.0f  requests %8.0f", s.at.Seconds(), s.heap/(1<<20), s.rss/(1<<20), s.goroutines, s.gcs, s.requests)
	}
	if res.errors > 0 {
		t.Fatalf("%d of %d requests failed; first: %s", res.errors, res.requests, res.first)
	}
	if res.requests == 0 {
		t.Fatal("no requests were made")
	}
	if err := soakFlat(samples); err != nil {
		t.Fatal(err)
	}
	after := before
	for deadline := time.Now().Add(15 * time.Second); ; {
		if after, err = readSoakMetrics(p.metrics); err != nil {
			t.Fatalf("read the server's metrics: %v", err)
		}
		if after.goroutines <= before.goroutines+5 || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond) // polling a condition with a deadline
	}
	t.Logf("goroutines: %.0f before the load, %.0f after it", before.goroutines, after.goroutines)
	if after.goroutines > before.goroutines+5 {
		t.Fatalf("goroutines did not come back after the load: %.0f before, %.0f 15 s after (allowed: +5)", before.goroutines, after.goroutines)
	}
}

// soakFlat applies the definition of a flat heap in TestSoak's comment.
func soakFlat(samples []soakSample) error {
	if len(samples) < 8 {
		return fmt.Errorf("only %d metric samples: too few to judge", len(samples))
	}
	steady := samples[len(samples)/4:]
	first, second := steady[:len(steady)/2], steady[len(steady)/2:]
	heap := func(ss []soakSample) []float64 {
		v := make([]float64, len(ss))
		for i, s := range ss {
			v[i] = s.heap
		}
		return v
	}
	h1, h2 := median(heap(first)), median(heap(second))
	if h2 > h1+max(0.20*h1, 8<<20) {
		return fmt.Errorf("heap in use grew: median %.1f MiB in the first half of the steady samples, %.1f MiB in the second (allowed: +max(20%%, 8 MiB))", h1/(1<<20), h2/(1<<20))
	}
	return nil
}

// readSoakMetrics reads the figures TestSoak watches from a Prometheus text
// page.
func readSoakMetrics(url string) (soakSample, error) {
	resp, err := http.Get(url)
	if err != nil {
		return soakSample{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return soakSample{}, fmt.Errorf("GET %s: status %d", url, resp.StatusCode)
	}
	return parseSoakMetrics(resp.Body)
}

func parseSoakMetrics(r io.Reader) (soakSample, error) {
	var s soakSample
	seen := map[string]bool{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		name, rest, _ := strings.Cut(line, " ")
		base, _, _ := strings.Cut(name, "{")
		f := strings.Fields(rest)
		if len(f) == 0 {
			continue
		}
		v, err := strconv.ParseFloat(f[len(f)-1], 64)
		if err != nil {
			// A label value may hold a space: take the line's last field.
			lf := strings.Fields(line)
			if v, err = strconv.ParseFloat(lf[len(lf)-1], 64); err != nil {
				return s, fmt.Errorf("metric line %q: %v", line, err)
			}
		}
		switch base {
		case "go_memstats_heap_inuse_bytes":
			s.heap = v
		case "process_resident_memory_bytes":
			s.rss = v
		case "go_goroutines":
			s.goroutines = v
		case "go_gc_duration_seconds_count":
			s.gcs = v
		case "probity_http_requests_total":
			s.requests += v
		default:
			continue
		}
		seen[base] = true
	}
	for _, want := range []string{"go_memstats_heap_inuse_bytes", "process_resident_memory_bytes", "go_goroutines", "go_gc_duration_seconds_count"} {
		if !seen[want] {
			return s, fmt.Errorf("no %s in the metrics", want)
		}
	}
	return s, sc.Err()
}
