package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"strings"

	"github.com/probity/probity/internal/httpx"
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
	// APITokenRate and APIAddressRate limit /api/v1 per API token and per
	// client address ("R,B": R requests a second, bursts of B; "0": no limit).
	APITokenRate   string
	APIAddressRate string
	// TrustedProxies lists the reverse proxies whose X-Forwarded-For is believed.
	TrustedProxies string
	// PublicURL is the address people reach Probity at; OIDC* configure
	// sign-in with the firm's OpenID Connect identity provider.
	PublicURL        string
	OIDCIssuer       string
	OIDCClientID     string
	OIDCClientSecret string // secret
	// SMTPURL (secret) is the mail server; MailFrom the sender; SMTPCA a PEM
	// file of extra CAs; SMTPInsecure ("true"/"false") allows plaintext to
	// loopback. No SMTPURL: mail stays in the development outbox (mail.go).
	SMTPURL      string
	MailFrom     string
	SMTPCA       string
	SMTPInsecure string
	// KeyFile holds the key-encryption key of stored documents (default
	// <data>/keys/probity.kek, generated on first start); BlobDir is where
	// the encrypted documents are kept (default <data>/blobs). documents.go.
	KeyFile string
	BlobDir string
	// KEK is the key-encryption key itself (hex or base64; PROBITY_KEK or
	// PROBITY_KEK_FILE), instead of a key file; RetiredKeyFiles are older
	// keys kept to open documents until `probity keys rotate` has rewrapped
	// them. BlobStore is "" (the directory) or an s3:// URL, with
	// S3AccessKey/S3SecretKey. MaxDocumentSize limits matter documents and
	// attachments. documents.go and keys.go.
	KEK             string
	RetiredKeyFiles string
	BlobStore       string
	S3AccessKey     string
	S3SecretKey     string
	MaxDocumentSize string
	// MetricsAddr is where a separate listener serves /metrics (empty: none).
	MetricsAddr string

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
	{"api-token-rate", "PROBITY_API_TOKEN_RATE", "20,40", "API requests a second per API token, and the burst allowed (R,B; 0: no limit), counted by each app server", false, func(c *Config) *string { return &c.APITokenRate }},
	{"api-address-rate", "PROBITY_API_ADDRESS_RATE", "50,100", "API requests a second per client address, and the burst allowed (R,B; 0: no limit), counted by each app server", false, func(c *Config) *string { return &c.APIAddressRate }},
	{"trusted-proxies", "PROBITY_TRUSTED_PROXIES", "", "reverse proxies (addresses or CIDR prefixes, comma-separated) whose X-Forwarded-For names the client", false, func(c *Config) *string { return &c.TrustedProxies }},
	{"public-url", "PROBITY_PUBLIC_URL", "", "the address people reach Probity at, e.g. https://probity.example.com: links in email and the identity provider's return address start with it", false, func(c *Config) *string { return &c.PublicURL }},
	{"oidc-issuer", "PROBITY_OIDC_ISSUER", "", "issuer URL of the firm's OpenID Connect identity provider; set with --oidc-client-id to let firm users sign in with it", false, func(c *Config) *string { return &c.OIDCIssuer }},
	{"oidc-client-id", "PROBITY_OIDC_CLIENT_ID", "", "client id Probity is registered under at the identity provider", false, func(c *Config) *string { return &c.OIDCClientID }},
	{"oidc-client-secret", "PROBITY_OIDC_CLIENT_SECRET", "", "client secret for the identity provider (better: PROBITY_OIDC_CLIENT_SECRET_FILE)", true, func(c *Config) *string { return &c.OIDCClientSecret }},
	{"smtp-url", "PROBITY_SMTP_URL", "", "mail server: smtp://user:password@host:587 (STARTTLS required) or smtps://…:465; empty keeps email in the development outbox (better: PROBITY_SMTP_URL_FILE)", true, func(c *Config) *string { return &c.SMTPURL }},
	{"mail-from", "PROBITY_MAIL_FROM", "", `sender of Probity's email, e.g. "Probity <probity@firm.example>" (required with --smtp-url)`, false, func(c *Config) *string { return &c.MailFrom }},
	{"smtp-ca", "PROBITY_SMTP_CA", "", "PEM file of CA certificates to trust for the mail server, besides the system's", false, func(c *Config) *string { return &c.SMTPCA }},
	{"key-file", "PROBITY_KEY_FILE", "", "file holding the key-encryption key of stored documents (32 bytes as hex or base64); empty: <data>/keys/probity.kek, generated on first start. Back it up apart from the database: without it no document can be read", false, func(c *Config) *string { return &c.KeyFile }},
	{"blob-dir", "PROBITY_BLOB_DIR", "", "directory of the encrypted documents; empty: <data>/blobs", false, func(c *Config) *string { return &c.BlobDir }},
	{"kek", "PROBITY_KEK", "", "the key-encryption key itself, 32 bytes as hex or base64, instead of --key-file (better: PROBITY_KEK_FILE; never on the command line)", true, func(c *Config) *string { return &c.KEK }},
	{"retired-key-files", "PROBITY_RETIRED_KEY_FILES", "", "older key-encryption key files (comma-separated) that still open documents until `probity keys rotate` has rewrapped them", false, func(c *Config) *string { return &c.RetiredKeyFiles }},
	{"blob-store", "PROBITY_BLOB_STORE", "", "where encrypted documents are kept: empty for the directory --blob-dir, or s3://bucket[/prefix]?endpoint=http://host:port&region=REGION for an S3-compatible store", false, func(c *Config) *string { return &c.BlobStore }},
	{"s3-access-key", "PROBITY_S3_ACCESS_KEY", "", "access key of the S3-compatible store (better: PROBITY_S3_ACCESS_KEY_FILE)", true, func(c *Config) *string { return &c.S3AccessKey }},
	{"s3-secret-key", "PROBITY_S3_SECRET_KEY", "", "secret key of the S3-compatible store (better: PROBITY_S3_SECRET_KEY_FILE)", true, func(c *Config) *string { return &c.S3SecretKey }},
	{"max-document-size", "PROBITY_MAX_DOCUMENT_SIZE", "2GiB", "largest matter document or message attachment accepted: bytes, or with KiB, MiB or GiB", false, func(c *Config) *string { return &c.MaxDocumentSize }},
	{"smtp-insecure", "PROBITY_SMTP_INSECURE", "false", "allow plaintext SMTP, without credentials, to a mail server on this machine (tests and development only)", false, func(c *Config) *string { return &c.SMTPInsecure }},
	{"metrics-addr", "PROBITY_METRICS_ADDR", "", "address of a separate listener serving /metrics (Prometheus text: request counts, latency, Go runtime) for a monitoring network, e.g. 127.0.0.1:9090; empty: none. Never expose it publicly", false, func(c *Config) *string { return &c.MetricsAddr }},
}

// flags registers the global settings on fs; call resolve after parsing.
func (m *Main) flags(fs *flag.FlagSet) *Config {
	c := &Config{sources: map[string]string{}}
	for _, s := range settings {
		if boolSettings[s.flag] {
			fs.Var(boolSetting{s.field(c)}, s.flag, s.usage+" (env "+s.env+", default "+quoteDefault(s.def)+")")
			continue
		}
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
	if err := checkOIDC(c); err != nil {
		return err
	}
	if err := checkMail(c); err != nil {
		return err
	}
	if err := checkDocuments(c); err != nil { // documents.go
		return err
	}
	if _, err := httpx.ParseProxies(c.TrustedProxies); err != nil {
		return usageError("--trusted-proxies: " + err.Error())
	}
	for name, v := range map[string]string{"api-token-rate": c.APITokenRate, "api-address-rate": c.APIAddressRate} {
		if _, err := httpx.ParseRate(v); err != nil {
			return usageError("--" + name + ": " + err.Error())
		}
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
	var c *Config
	fs, err := m.parseFlags(name, synopsis, args, func(fs *flag.FlagSet) {
		c = m.flags(fs)
		if define != nil {
			define(fs)
		}
	})
	if err != nil {
		return nil, nil, err
	}
	if err := m.resolve(fs, c); err != nil {
		return nil, nil, err
	}
	return c, fs, nil
}

// parseFlags parses a command's own flags only: for commands that need no
// configuration (no database, no data directory), such as sample-size.
func (m *Main) parseFlags(name, synopsis string, args []string, define func(fs *flag.FlagSet)) (*flag.FlagSet, error) {
	fs := flag.NewFlagSet("probity "+name, flag.ContinueOnError)
	fs.SetOutput(m.Stderr) // the flag list and parse errors go where the command's other messages go
	define(fs)
	fs.Usage = func() {
		fmt.Fprintf(m.Stderr, "Usage: probity %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return nil, err
		}
		return nil, usageError(err.Error())
	}
	return fs, nil
}

func (m *Main) config(ctx context.Context, args []string) error {
	c, _, err := m.parse("config", "config [flags]", args, nil)
	if err != nil {
		return err
	}
	for _, s := range settings {
		v := *s.field(c)
		if s.secret {
			v = maskSecret(s.flag, v)
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
	kek, _ := kekFile(c)
	if c.KEK != "" {
		kek = "PROBITY_KEK"
	}
	fmt.Fprintf(m.Stdout, "%-10s = key %s (the key itself is never shown), blobs in %s\n", "documents", kek, blobPlace(c))
	return nil
}

// maskSecret hides a secret setting: the database and SMTP URLs keep
// everything but their password; any other secret is hidden whole.
func maskSecret(flag, v string) string {
	switch {
	case flag == "database" || flag == "smtp-url":
		return Masked(v)
	case v == "":
		return ""
	}
	return "*****"
}

// checkOIDC validates identity-provider sign-in: all of issuer, client id and
// public URL, or none; URLs over HTTPS except on the loopback interface.
func checkOIDC(c *Config) error {
	if c.PublicURL != "" {
		if u, err := url.Parse(c.PublicURL); err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
			return usageError("--public-url must be the address people reach Probity at, like https://probity.example.com")
		}
	}
	if c.OIDCIssuer == "" && c.OIDCClientID == "" && c.OIDCClientSecret == "" {
		return nil
	}
	switch {
	case c.OIDCIssuer == "" || c.OIDCClientID == "":
		return usageError("identity-provider sign-in needs both --oidc-issuer and --oidc-client-id")
	case c.PublicURL == "":
		return usageError("identity-provider sign-in needs --public-url, the address people reach Probity at (the provider sends them back to it)")
	}
	return checkURL("oidc-issuer", c.OIDCIssuer)
}

// checkURL requires an https:// URL (http:// only on the loopback interface).
func checkURL(flag, v string) error {
	u, err := url.Parse(v)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return usageError("--" + flag + " must be an https:// URL with no query, e.g. https://login.example.com")
	}
	if u.Scheme == "http" && !loopback(u.Hostname()) {
		return usageError("--" + flag + " must use https:// (plain http:// only on this machine, for trying things out)")
	}
	return nil
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
