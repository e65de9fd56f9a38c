package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strings"

	"github.com/probity/probity/internal/store/engine"
)

// Config is the global configuration every command shares. Each setting comes
// from a flag, else a PROBITY_* environment variable, else its default;
// secrets may also come from a file named by PROBITY_*_FILE.
type Config struct {
	Data      string
	Database  string // secret: may carry a password
	Addr      string
	LogLevel  string
	LogFormat string
	TLSCert   string
	TLSKey    string

	sources map[string]string
}

type setting struct {
	flag, env, def, usage string
	secret                bool
	field                 func(*Config) *string
}

var settings = []setting{
	{"data", "PROBITY_DATA", "./probity-data", "data directory: the SQLite file, documents and key material", false, func(c *Config) *string { return &c.Data }},
	{"database", "PROBITY_DATABASE", "", "database URL: postgres://… selects PostgreSQL; empty means SQLite in the data directory", true, func(c *Config) *string { return &c.Database }},
	{"addr", "PROBITY_ADDR", "127.0.0.1:8080", "address the server listens on", false, func(c *Config) *string { return &c.Addr }},
	{"log-level", "PROBITY_LOG_LEVEL", "info", "log level: debug, info, warn, error", false, func(c *Config) *string { return &c.LogLevel }},
	{"log-format", "PROBITY_LOG_FORMAT", "text", "log format: text or json", false, func(c *Config) *string { return &c.LogFormat }},
	{"tls-cert", "PROBITY_TLS_CERT", "", "TLS certificate file (PEM); with --tls-key serves HTTPS", false, func(c *Config) *string { return &c.TLSCert }},
	{"tls-key", "PROBITY_TLS_KEY", "", "TLS private key file (PEM)", false, func(c *Config) *string { return &c.TLSKey }},
}

// flags registers the global settings on fs; call resolve after parsing.
func (m *Main) flags(fs *flag.FlagSet) *Config {
	c := &Config{sources: map[string]string{}}
	for _, s := range settings {
		fs.StringVar(s.field(c), s.flag, "", s.usage+" (env "+s.env+", default "+quoteDefault(s.def)+")")
	}
	fs.SetOutput(m.Stderr)
	return c
}

func quoteDefault(d string) string {
	if d == "" {
		return "none"
	}
	return d
}

// resolve fills each setting not given as a flag from the environment, a
// *_FILE for secrets, or its default, and validates the result.
func (m *Main) resolve(fs *flag.FlagSet, c *Config) error {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	for _, s := range settings {
		p := s.field(c)
		switch {
		case given[s.flag]:
			c.sources[s.flag] = "flag --" + s.flag
		case m.Getenv(s.env) != "":
			*p = m.Getenv(s.env)
			c.sources[s.flag] = "env " + s.env
		case s.secret && m.Getenv(s.env+"_FILE") != "":
			b, err := os.ReadFile(m.Getenv(s.env + "_FILE"))
			if err != nil {
				return fmt.Errorf("cannot read %s_FILE: %w", s.env, err)
			}
			*p = strings.TrimSpace(string(b))
			c.sources[s.flag] = "file " + s.env + "_FILE"
		default:
			*p = s.def
			c.sources[s.flag] = "default"
		}
	}
	if c.Database != "" && !engine.IsPostgres(c.Database) && !strings.HasPrefix(c.Database, "sqlite:") {
		return usageError("--database must be a postgres:// URL (or empty for SQLite in the data directory)")
	}
	if _, err := level(c.LogLevel); err != nil {
		return err
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return usageError("--log-format must be text or json")
	}
	return nil
}

func level(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return 0, usageError("--log-level must be debug, info, warn or error")
	}
	return l, nil
}

// logger builds the structured logger the configuration asks for, on stderr.
func (m *Main) logger(c *Config) *slog.Logger {
	l, _ := level(c.LogLevel)
	opts := &slog.HandlerOptions{Level: l}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(m.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(m.Stderr, opts))
}

// Masked renders a database URL with its password hidden.
func Masked(u string) string {
	if u == "" {
		return ""
	}
	p, err := url.Parse(u)
	if err != nil {
		return "(unparseable; hidden)"
	}
	if _, has := p.User.Password(); has {
		p.User = url.UserPassword(p.User.Username(), "*****")
	}
	q := p.Query()
	if q.Has("password") {
		q.Set("password", "*****")
		p.RawQuery = q.Encode()
	}
	return strings.Replace(p.String(), "%2A%2A%2A%2A%2A", "*****", -1)
}

// parse parses a command's flags, including the global ones.
func (m *Main) parse(name, synopsis string, args []string, define func(fs *flag.FlagSet)) (*Config, *flag.FlagSet, error) {
	fs := flag.NewFlagSet("probity "+name, flag.ContinueOnError)
	c := m.flags(fs)
	if define != nil {
		define(fs)
	}
	fs.Usage = func() {
		fmt.Fprintf(m.Stderr, "Usage: probity %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return nil, nil, err
		}
		return nil, nil, usageError(err.Error())
	}
	if err := m.resolve(fs, c); err != nil {
		return nil, nil, err
	}
	return c, fs, nil
}

func (m *Main) config(ctx context.Context, args []string) error {
	c, _, err := m.parse("config", "config [flags]", args, nil)
	if err != nil {
		return err
	}
	for _, s := range settings {
		v := *s.field(c)
		if s.secret {
			v = Masked(v)
		}
		if v == "" {
			v = "(none)"
		}
		fmt.Fprintf(m.Stdout, "%-10s = %-40s # %s\n", s.flag, v, c.sources[s.flag])
	}
	eng := "sqlite (" + c.Data + "/" + engine.SQLiteFile + ")"
	if engine.IsPostgres(c.Database) {
		eng = "postgres"
	}
	fmt.Fprintf(m.Stdout, "%-10s = %s\n", "engine", eng)
	return nil
}
