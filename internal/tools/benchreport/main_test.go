package main

import (
	"strings"
	"testing"
)

const sampleOutput = `goos: linux
BenchmarkHTTP/sqlite/readyz-2              	    2000	    500000 ns/op	      2000 p50-µs	     30000 p99-µs	      2000 req/s
BenchmarkHTTP/sqlite/readyz-2              	    2000	    700000 ns/op	      2200 p50-µs	     32000 p99-µs	      1400 req/s
BenchmarkHTTP/sqlite/readyz-2              	    2000	    600000 ns/op	      2100 p50-µs	     31000 p99-µs	      1600 req/s
BenchmarkHTTP/reference/bare-net-http-2    	    2000	    100000 ns/op	       270 p50-µs	      8000 p99-µs	     10000 req/s
PASS
`

func TestReportMediansAndRatios(t *testing.T) {
	order, data, err := parse(strings.NewReader(sampleOutput))
	if err != nil {
		t.Fatal(err)
	}
	if len(order) != 2 || order[0] != "HTTP/sqlite/readyz" {
		t.Fatalf("order = %v", order)
	}
	if m := median(data["HTTP/sqlite/readyz"]["ns/op"]); m != 600000 {
		t.Fatalf("median ns/op = %v, want 600000", m)
	}
	var b strings.Builder
	writeReport(&b, order, data)
	out := b.String()
	for _, want := range []string{"| `HTTP/sqlite/readyz` | 600.0 µs | 6.00× |", "1600 req/s", "16.0%", "median of 3 runs", "100.0 µs | reference |"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
}

func TestReportRowsRunFewerTimes(t *testing.T) {
	order, data, err := parse(strings.NewReader(sampleOutput + "BenchmarkSlow/one-2 \t 10 \t 2000 ns/op\n"))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	writeReport(&b, order, data)
	out := b.String()
	for _, want := range []string{"median of 3 runs", "| `Slow/one` (median of 1) | 2.0 µs |", "| `HTTP/sqlite/readyz` | 600.0 µs |"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
}

func TestMedianEven(t *testing.T) {
	if m := median([]float64{4, 1, 3, 2}); m != 2.5 {
		t.Fatalf("median = %v", m)
	}
}
