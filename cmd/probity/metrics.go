package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"

	"github.com/probity/probity/internal/server"
)

// listenMetrics takes the address of the separate metrics listener
// (--metrics-addr), before anything is touched, so a port in use fails at
// start. No address: no listener (nil).
func listenMetrics(c *Config) (net.Listener, error) {
	if c.MetricsAddr == "" {
		return nil, nil
	}
	ln, err := net.Listen("tcp", c.MetricsAddr)
	if err != nil {
		return nil, fmt.Errorf("cannot listen on %s for metrics: %w", c.MetricsAddr, err)
	}
	return ln, nil
}

// startMetrics serves GET /metrics on ln (nil: nothing to do) until the
// returned stop is called, and says where on standard output: tests and
// operators starting on port 0 read the port from there.
func (m *Main) startMetrics(ctx context.Context, ln net.Listener, srv *server.Server, log *slog.Logger) (stop func()) {
	if ln == nil {
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.ServeMetrics(ctx, ln); err != nil {
			log.Error("the metrics listener stopped", slog.Any("error", err))
		}
	}()
	fmt.Fprintf(m.Stdout, "Metrics at %s/metrics (for your monitoring network only)\n", listenURL(ln, false))
	return func() { cancel(); <-done }
}
