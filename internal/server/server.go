// Package server assembles Probity's HTTP server: the middleware chain, the
// web UI and JSON API route tables, health, readiness and metrics, TLS, and
// graceful shutdown.
package server

import (
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/probity/probity/internal/api"
	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/httpx"
	"github.com/probity/probity/internal/web"
)

// Config is how the server answers.
type Config struct {
	TLSCert string
	TLSKey  string
	Version string
	// TokenRate and AddressRate limit /api/v1 per API token and per client
	// address, in this server's memory (each app server counts only what it
	// answers). The zero Rate means no limit; `probity serve` sets defaults.
	TokenRate   httpx.Rate
	AddressRate httpx.Rate
	// Proxies are the reverse proxies whose X-Forwarded-For is believed.
	Proxies httpx.Proxies
	// PublicURL is the address people reach Probity at; when it is https
	// (TLS ended at a reverse proxy) cookies are marked Secure as they are
	// when this server serves TLS itself.
	PublicURL string
	// Leading reports whether this server holds the jobs lease (shown by
	// /healthz as "jobs": "leader" or "standby"); nil leaves it out.
	Leading func() bool
}

// Server is Probity's HTTP server on one listener.
type Server struct {
	app     *app.App
	log     *slog.Logger
	cfg     Config
	http    *http.Server
	handler http.Handler
	own     []route
	metrics *metrics
	Web     *web.Handler
	API     *api.Handler
}

// CheckTLS reports whether a certificate and key can serve HTTPS: both
// given and loadable, or neither. serve calls it before touching anything.
func CheckTLS(certFile, keyFile string) error {
	if certFile == "" && keyFile == "" {
		return nil
	}
	if certFile == "" || keyFile == "" {
		return errors.New("--tls-cert and --tls-key must be given together")
	}
	if _, err := tls.LoadX509KeyPair(certFile, keyFile); err != nil {
		return errors.New("cannot load the TLS certificate and key: " + err.Error())
	}
	return nil
}

// New builds the server and its handler. It does not listen yet.
func New(a *app.App, cfg Config, log *slog.Logger) (*Server, error) {
	if err := CheckTLS(cfg.TLSCert, cfg.TLSKey); err != nil {
		return nil, err
	}
	tlsOn := cfg.TLSCert != ""
	cookies := httpx.Cookies{Secure: tlsOn || strings.HasPrefix(strings.ToLower(cfg.PublicURL), "https://")}
	w, err := web.New(a, cookies, cfg.Version)
	if err != nil {
		return nil, err
	}
	s := &Server{app: a, log: log, cfg: cfg, Web: w, API: api.New(a)}
	m := newMetrics(a.Store)
	s.metrics = m
	mux := http.NewServeMux()
	s.own = []route{{"GET /healthz", http.HandlerFunc(s.healthz)}, {"GET /readyz", http.HandlerFunc(s.readyz)}, {"GET /metrics", m.handler()}}
	for _, rt := range s.own {
		mux.Handle(rt.pattern, rt.handler)
	}
	s.Web.Register(mux)
	s.API.Register(mux)
	s.handler = httpx.Chain(mux,
		httpx.Routes(mux),
		httpx.RealClient(cfg.Proxies),
		httpx.RequestIDs(log),
		m.middleware,
		httpx.AccessLog,
		httpx.Recover(s.writeError),
		httpx.SecurityHeaders(tlsOn),
		httpx.LimitAddresses(api.Prefix+"/", httpx.NewLimiter(cfg.AddressRate, time.Now)),
		httpx.CSRF(cookies, s.writeError),
		httpx.Sessions(cookies, a.ResolveSession),
		httpx.SecondStep(api.Prefix+"/", s.Web.AllowedWhileSigningIn, web.StepURL),
		httpx.Bearer(api.Prefix+"/", a.AuthenticateToken, httpx.NewLimiter(cfg.TokenRate, time.Now)),
		requestMeta,
	)
	s.http = &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute,
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	return s, nil
}

// requestMeta tells the use cases where a request came from, for the audit
// trail, and whether its session passed a second factor, for the gate on
// highly confidential matters.
func requestMeta(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess, _ := httpx.Session(r)
		ctx := app.WithMeta(r.Context(), app.Meta{Address: httpx.ClientAddress(r), RequestID: httpx.RequestID(r), MFA: sess.MFA()})
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// route is one of the server's own routes.
type route struct {
	pattern string
	handler http.Handler
}

// Routes lists the server's own route patterns (health, readiness, metrics);
// the web UI's and the API's are in s.Web.Routes() and s.API.Routes().
func (s *Server) Routes() []string {
	out := make([]string, len(s.own))
	for i, rt := range s.own {
		out[i] = rt.pattern
	}
	return out
}

// Handler is the whole HTTP surface, for tests.
func (s *Server) Handler() http.Handler { return s.handler }

// writeError answers in JSON under /api/ and as an HTML page elsewhere.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		httpx.WriteJSONError(w, r, err)
		return
	}
	s.Web.Error(w, r, err)
}

// Serve answers requests on ln until ctx ends, then stops accepting, lets
// in-flight requests finish (up to 30 s) and returns.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	errc := make(chan error, 1)
	go func() {
		var err error
		if s.cfg.TLSCert != "" {
			err = s.http.ServeTLS(ln, s.cfg.TLSCert, s.cfg.TLSKey)
		} else {
			err = s.http.Serve(ln)
		}
		errc <- err
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.log.Info("shutting down: finishing in-flight requests")
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.http.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	body := map[string]string{"status": "ok", "version": s.cfg.Version}
	if s.cfg.Leading != nil {
		body["jobs"] = "standby"
		if s.cfg.Leading() {
			body["jobs"] = "leader"
		}
	}
	httpx.WriteJSON(w, http.StatusOK, body)
}

// readyz answers 200 only when the database answers and its schema is current.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	body := map[string]any{"database": s.app.Store.Engine()}
	err := s.app.Store.Ping(ctx)
	if err == nil {
		err = s.app.Store.CheckSchema(ctx)
	}
	if err != nil {
		body["status"] = "unavailable"
		body["reason"] = err.Error()
		httpx.WriteJSON(w, http.StatusServiceUnavailable, body)
		return
	}
	body["status"] = "ready"
	httpx.WriteJSON(w, http.StatusOK, body)
}
