package loadgen

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

func TestRunCountsEveryRequestAndError(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1)%10 == 0 {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		_, _ = w.Write([]byte("ok"))
	}))
	defer srv.Close()
	res := Run(context.Background(), 200, 4, func() (*http.Request, error) { return http.NewRequest("GET", srv.URL, nil) })
	if res.Requests != 200 || hits.Load() != 200 {
		t.Fatalf("requests = %d, server saw %d, want 200", res.Requests, hits.Load())
	}
	if res.Errors != 20 || res.FirstError == "" {
		t.Fatalf("errors = %d (%q), want 20", res.Errors, res.FirstError)
	}
	if res.RPS <= 0 || res.P50 <= 0 || res.P99 < res.P50 {
		t.Fatalf("implausible result %+v", res)
	}
}

func TestPercentile(t *testing.T) {
	var d []time.Duration
	for i := 1; i <= 100; i++ {
		d = append(d, time.Duration(i))
	}
	if got := Percentile(d, 0.5); got != 50 {
		t.Errorf("p50 = %d, want 50", got)
	}
	if got := Percentile(d, 0.99); got != 99 {
		t.Errorf("p99 = %d, want 99", got)
	}
	if got := Percentile(nil, 0.5); got != 0 {
		t.Errorf("empty p50 = %d", got)
	}
}
