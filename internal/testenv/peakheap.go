package testenv

import (
	"runtime"
	"runtime/metrics"
	"sync"
	"time"
)

// PeakHeap records the largest live heap (bytes of heap objects, read from
// runtime/metrics every 2 ms) while a benchmark runs.
type PeakHeap struct {
	stop chan struct{}
	wg   sync.WaitGroup
	peak uint64
}

// StartPeakHeap collects garbage, so the peak is the work's own, and starts
// sampling.
func StartPeakHeap() *PeakHeap {
	runtime.GC()
	h := &PeakHeap{stop: make(chan struct{})}
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			h.peak = max(h.peak, s[0].Value.Uint64())
			select {
			case <-h.stop:
				return
			case <-t.C:
			}
		}
	}()
	return h
}

// StopMB stops sampling and returns the peak in MiB, the unit of the
// benchmarks' peak-heap-MB metric.
func (h *PeakHeap) StopMB() float64 {
	close(h.stop)
	h.wg.Wait()
	return float64(h.peak) / (1 << 20)
}
