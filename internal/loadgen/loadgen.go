// Package loadgen drives HTTP load against a server on loopback and measures
// throughput and latency percentiles. Benchmarks use it to compare Probity's
// routes with a bare net/http handler measured in the same run.
package loadgen

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Request builds one request; it is called per request so headers (cookies)
// can be set.
type Request func() (*http.Request, error)

// Result is what a run measured.
type Result struct {
	Requests   int
	Errors     int // transport errors and non-2xx answers
	Elapsed    time.Duration
	RPS        float64
	P50, P99   time.Duration
	FirstError string
}

// Run sends n requests from `workers` concurrent keep-alive clients and
// returns throughput and latency percentiles. It stops early if ctx ends.
func Run(ctx context.Context, n, workers int, req Request) Result {
	if workers < 1 {
		workers = 1
	}
	tr := &http.Transport{MaxIdleConnsPerHost: workers, MaxConnsPerHost: workers, DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	lat := make([]time.Duration, n)
	var next atomic.Int64
	var errs atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n || ctx.Err() != nil {
					return
				}
				r, err := req()
				if err != nil {
					errs.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				t0 := time.Now()
				resp, err := client.Do(r.WithContext(ctx))
				if err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					_ = resp.Body.Close()
					if resp.StatusCode < 200 || resp.StatusCode > 299 {
						err = fmt.Errorf("%s %s: status %d", r.Method, r.URL.Path, resp.StatusCode)
					}
				}
				lat[i] = time.Since(t0)
				if err != nil {
					errs.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	done := min(int(next.Load()), n)
	lat = lat[:done]
	slices.Sort(lat)
	res := Result{Requests: done, Errors: int(errs.Load()), Elapsed: elapsed, P50: Percentile(lat, 0.50), P99: Percentile(lat, 0.99)}
	if elapsed > 0 {
		res.RPS = float64(done) / elapsed.Seconds()
	}
	if s, ok := firstErr.Load().(string); ok {
		res.FirstError = s
	}
	return res
}

// Percentile returns the q-quantile (nearest rank) of sorted durations.
func Percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.5) - 1
	i = max(0, min(i, len(sorted)-1))
	return sorted[i]
}
