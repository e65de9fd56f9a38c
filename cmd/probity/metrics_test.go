package main

import (
	"net"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/probity/probity/internal/testenv"
)

// TestMetricsListener: --metrics-addr opens a second listener that serves
// /metrics (runtime figures and the main router's request counters) and
// nothing of the application; without it there is no such listener; a
// metrics address in use stops serve at start, before the data directory is
// touched.
func TestMetricsListener(t *testing.T) {
	e := testenv.Engines(t)[0]
	r := startServer(t, e, "--metrics-addr", "127.0.0.1:0")
	_, rest, ok := strings.Cut(r.Stdout.String(), "Metrics at ")
	if !ok {
		t.Fatalf("serve did not say where its metrics are:\n%s", r.Stdout.String())
	}
	metricsURL, _, _ := strings.Cut(rest, " ")
	if !strings.HasPrefix(metricsURL, "http://127.0.0.1:") || !strings.HasSuffix(metricsURL, "/metrics") || strings.HasPrefix(metricsURL, r.URL) {
		t.Fatalf("metrics at %q, want http://127.0.0.1:PORT/metrics apart from the app at %s", metricsURL, r.URL)
	}
	c := httpClient(t)
	requireStatus(t, httpGet(t, c, r.URL+"/readyz"), http.StatusOK)
	status, body := plainGet(t, metricsURL)
	if status != http.StatusOK {
		t.Fatalf("GET %s: %d", metricsURL, status)
	}
	s, err := parseSoakMetrics(strings.NewReader(body))
	if err != nil {
		t.Fatalf("metrics page: %v\n%s", err, body)
	}
	if s.goroutines < 1 || s.heap <= 0 || s.rss <= 0 || s.requests < 1 {
		t.Errorf("implausible figures %+v", s)
	}
	if !strings.Contains(body, `probity_http_requests_total{code="200",method="GET",route="GET /readyz"}`) {
		t.Errorf("the main router's request counter for /readyz is not on the metrics listener")
	}
	if !strings.Contains(body, "process_start_time_seconds") {
		t.Errorf("no process_start_time_seconds (uptime) in the metrics")
	}
	base := strings.TrimSuffix(metricsURL, "/metrics")
	for _, path := range []string{"/readyz", "/healthz", "/signin", "/api/v1/me", "/"} {
		if status, _ := plainGet(t, base+path); status != http.StatusNotFound {
			t.Errorf("GET %s on the metrics listener: %d, want 404", path, status)
		}
	}

	plain := startServer(t, e)
	if strings.Contains(plain.Stdout.String(), "Metrics at") {
		t.Errorf("a metrics listener without --metrics-addr:\n%s", plain.Stdout.String())
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	data := t.TempDir() + "/fresh"
	_, errOut, err := runCLI(t, nil, "", "serve", "--addr", "127.0.0.1:0", "--metrics-addr", ln.Addr().String(), "--data", data)
	if err == nil || !strings.Contains(errOut+err.Error(), "for metrics") {
		t.Fatalf("serve with its metrics address in use: %v\n%s", err, errOut)
	}
	if _, err := os.Stat(data); !os.IsNotExist(err) {
		t.Errorf("the data directory was created although serve could not start: %v", err)
	}
}

// plainGet is a GET outside the application (no security-header checks).
func plainGet(tb testing.TB, u string) (int, string) {
	tb.Helper()
	resp, err := http.Get(u)
	if err != nil {
		tb.Fatal(err)
	}
	return resp.StatusCode, readAll(tb, resp)
}

// TestSoakFlatness: the soak's definition of a flat heap passes a GC
// sawtooth and fails a growing heap.
func TestSoakFlatness(t *testing.T) {
	series := func(heap func(i int) float64) []soakSample {
		var out []soakSample
		for i := range 40 {
			out = append(out, soakSample{heap: heap(i)})
		}
		return out
	}
	saw := func(i int) float64 { return float64(30<<20) + float64(i%5)*float64(6<<20) }
	if err := soakFlat(series(saw)); err != nil {
		t.Errorf("a GC sawtooth judged not flat: %v", err)
	}
	if err := soakFlat(series(func(i int) float64 { return saw(i) + float64(i)*float64(1<<20) })); err == nil {
		t.Error("a heap growing 1 MiB a sample judged flat")
	}
	if err := soakFlat(series(saw)[:5]); err == nil {
		t.Error("five samples judged enough")
	}
}
