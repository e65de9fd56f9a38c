package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"time"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/demo"
	"github.com/probity/probity/internal/httpx"
	"github.com/probity/probity/internal/server"
)

func (m *Main) serve(ctx context.Context, args []string) error {
	var withDemo, migrate bool
	var leaseTTL time.Duration
	c, _, err := m.parse("serve", "serve [--demo] [--migrate=false] [flags]", args, func(fs *flag.FlagSet) {
		fs.BoolVar(&withDemo, "demo", false, "load the demo firm if the database is empty, and print its sign-in accounts")
		fs.BoolVar(&migrate, "migrate", true, "apply pending migrations at start; with --migrate=false an outdated schema is refused")
		fs.DurationVar(&leaseTTL, "lease-ttl", app.DefaultLeaseTTL, "how long the jobs lease lasts unrenewed: of several servers on one database the holder runs the background jobs, and another takes over within this after it dies")
	})
	if err != nil {
		return err
	}
	if err := checkLeaseTTL(leaseTTL); err != nil { // jobs.go
		return err
	}
	log := m.logger(c)
	if err := server.CheckTLS(c.TLSCert, c.TLSKey); err != nil {
		return err
	}
	// Take the address first: a port in use fails before anything is touched.
	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w", c.Addr, err)
	}
	defer ln.Close()
	mln, err := listenMetrics(c) // metrics.go: off unless --metrics-addr
	if err != nil {
		return err
	}
	if mln != nil {
		defer mln.Close()
	}
	s, err := m.openStore(ctx, c)
	if err != nil {
		return err
	}
	defer s.Close()
	if migrate {
		applied, err := s.Migrate(ctx, m.Now())
		if err != nil {
			return err
		}
		if len(applied) > 0 {
			log.Info("migrated the database", slog.Any("versions", applied))
		}
	} else if err := s.CheckSchema(ctx); err != nil {
		return err
	}
	blobs, err := m.openBlobs(c, log) // documents.go
	if err != nil {
		return err
	}
	empty, err := isEmpty(ctx, s)
	if err != nil {
		return err
	}
	if withDemo && empty {
		bctx, finish := m.withBar(ctx, false)
		err := demo.LoadWith(bctx, s, m.Now(), demo.Options{Blobs: blobs})
		finish()
		if err != nil {
			return fmt.Errorf("load the demo firm: %w", interrupted(ctx, err, "the demo was not loaded and the database is as empty as before"))
		}
		log.Info("loaded the demo firm", slog.String("firm", demo.FirmName))
		empty = false
	}
	a := m.newApp(s, c)
	a.Blobs = blobs
	tokenRate, _ := httpx.ParseRate(c.APITokenRate) // checked by resolve
	addressRate, _ := httpx.ParseRate(c.APIAddressRate)
	proxies, _ := httpx.ParseProxies(c.TrustedProxies)
	leader := app.NewLeader(a, app.JobsLease, leaseTTL)
	srv, err := server.New(a, server.Config{TLSCert: c.TLSCert, TLSKey: c.TLSKey, Version: Version(), PublicURL: c.PublicURL,
		TokenRate: tokenRate, AddressRate: addressRate, Proxies: proxies, Leading: leader.Leading}, log)
	if err != nil {
		return err
	}
	url := listenURL(ln, c.TLSCert != "")
	deliver, err := m.mailer(a, c, url, log) // mail.go
	if err != nil {
		return err
	}
	defer m.startJobs(ctx, a, leader, deliver, log)() // jobs.go: the background jobs, on the lease holder only
	// metrics.go: the separate metrics listener, if --metrics-addr asks for one.
	defer m.startMetrics(ctx, mln, srv, log)()
	log.Info("probity is ready", slog.String("url", url), slog.String("engine", s.Engine()), slog.String("version", Version()))
	fmt.Fprintf(m.Stdout, "Probity is ready at %s (%s)\n", url, s.Engine())
	if empty {
		fmt.Fprintln(m.Stdout, "The database is empty: run `probity serve --demo` for the demo firm, or create users with `probity user create`.")
	} else if withDemo {
		if f, err := a.Firm(ctx); err == nil && f.Name == demo.FirmName {
			printAccounts(m.Stdout)
		}
	}
	if m.Ready != nil {
		m.Ready(url)
	}
	err = srv.Serve(ctx, ln)
	log.Info("stopped")
	return err
}

func listenURL(ln net.Listener, tls bool) string {
	scheme := "http"
	if tls {
		scheme = "https"
	}
	addr := ln.Addr().(*net.TCPAddr)
	host := addr.IP.String()
	if addr.IP.IsUnspecified() {
		host = "127.0.0.1"
	}
	return scheme + "://" + net.JoinHostPort(host, strconv.Itoa(addr.Port))
}
