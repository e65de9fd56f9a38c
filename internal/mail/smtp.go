package mail

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/smtp"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// SMTPConfig is how Probity reaches its mail server.
type SMTPConfig struct {
	// URL is smtp://user:pass@host:587 (STARTTLS, required) or
	// smtps://user:pass@host:465 (implicit TLS; port 465 implies it too).
	URL string
	// From is the sender, e.g. "Probity <probity@firm.example>".
	From string
	// Insecure allows a plaintext conversation, only with a loopback host and
	// only without credentials: for tests and local mail catchers.
	Insecure bool
	// RootCAs verifies the server's certificate; nil means the system's roots.
	RootCAs *x509.CertPool
	// HelloName is the name given in EHLO; default "localhost".
	HelloName string
	// Timeout bounds one whole delivery, connection to QUIT; default 30s.
	Timeout time.Duration
}

// SMTP sends mail through one SMTP server. It never sends without TLS
// (unless Insecure, to loopback) and never sends credentials without it.
type SMTP struct {
	addr, host string
	implicit   bool
	user, pass string
	insecure   bool
	from       *mail.Address
	roots      *x509.CertPool
	hello      string
	timeout    time.Duration
}

// DefaultTimeout bounds one delivery when SMTPConfig.Timeout is zero.
const DefaultTimeout = 30 * time.Second

// NewSMTP checks the configuration and returns a sender. It does not connect.
func NewSMTP(c SMTPConfig) (*SMTP, error) {
	u, err := url.Parse(c.URL)
	if err != nil {
		return nil, errors.New("the SMTP URL does not parse (want smtp://user:password@host:587)")
	}
	s := &SMTP{roots: c.RootCAs, hello: c.HelloName, timeout: c.Timeout, insecure: c.Insecure}
	port := u.Port()
	switch u.Scheme {
	case "smtp":
		if port == "" {
			port = "587"
		}
	case "smtps":
		s.implicit = true
		if port == "" {
			port = "465"
		}
	default:
		return nil, fmt.Errorf("the SMTP URL must start with smtp:// or smtps://, not %q", u.Scheme+"://")
	}
	if p, err := strconv.Atoi(port); err != nil || p <= 0 || p > 65535 {
		return nil, fmt.Errorf("the SMTP URL has a bad port %q", port)
	}
	if port == "465" {
		s.implicit = true
	}
	s.host = u.Hostname()
	if s.host == "" {
		return nil, errors.New("the SMTP URL names no host")
	}
	s.addr = net.JoinHostPort(s.host, port)
	if u.User != nil {
		s.user = u.User.Username()
		s.pass, _ = u.User.Password()
	}
	if c.Insecure && !s.implicit {
		if !isLoopback(s.host) {
			return nil, fmt.Errorf("--smtp-insecure only allows a mail server on this machine (localhost), not %s", s.host)
		}
		if s.user != "" {
			return nil, errors.New("--smtp-insecure cannot be used with SMTP credentials: they are only ever sent over TLS")
		}
	}
	if c.From == "" {
		return nil, errors.New("--mail-from is required with --smtp-url (e.g. \"Probity <probity@firm.example>\")")
	}
	if s.from, err = ParseFrom(c.From); err != nil {
		return nil, fmt.Errorf("--mail-from: %w", err)
	}
	if s.hello == "" {
		s.hello = "localhost"
	}
	if s.timeout <= 0 {
		s.timeout = DefaultTimeout
	}
	return s, nil
}

// Describe names the server and how it is reached, without credentials.
func (s *SMTP) Describe() string {
	switch {
	case s.implicit:
		return s.addr + " (implicit TLS)"
	case s.insecure:
		return s.addr + " (plaintext, loopback only)"
	}
	return s.addr + " (STARTTLS required)"
}

// From is the sender address.
func (s *SMTP) From() string { return s.from.String() }

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Send delivers m in one SMTP conversation, bounded by the timeout.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	msg, err := Format(s.from, m, time.Now())
	if err != nil {
		return err
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", s.addr)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", s.addr, err)
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	// Shutting down (or the timeout) interrupts a stalled conversation.
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	tlsConfig := &tls.Config{ServerName: s.host, RootCAs: s.roots, MinVersion: tls.VersionTLS12}
	secure := false
	if s.implicit {
		tc := tls.Client(conn, tlsConfig)
		if err := tc.HandshakeContext(ctx); err != nil {
			return fmt.Errorf("TLS with %s: %w", s.addr, err)
		}
		conn, secure = tc, true
	}
	c, err := smtp.NewClient(conn, s.host)
	if err != nil {
		return fmt.Errorf("greeting from %s: %w", s.addr, err)
	}
	defer c.Close()
	if err := c.Hello(s.hello); err != nil {
		return fmt.Errorf("EHLO: %w", err)
	}
	if !secure && !s.insecure {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return fmt.Errorf("%s does not offer STARTTLS; refusing to send mail unencrypted", s.addr)
		}
		if err := c.StartTLS(tlsConfig); err != nil {
			return fmt.Errorf("STARTTLS with %s: %w", s.addr, err)
		}
		secure = true
	}
	if s.user != "" {
		if !secure {
			return errors.New("refusing to send SMTP credentials without TLS")
		}
		if ok, _ := c.Extension("AUTH"); !ok {
			return fmt.Errorf("%s does not offer AUTH, but credentials are configured", s.addr)
		}
		if err := c.Auth(smtp.PlainAuth("", s.user, s.pass, s.host)); err != nil {
			return fmt.Errorf("AUTH PLAIN as %s: %w", s.user, err)
		}
	}
	if err := c.Mail(s.from.Address); err != nil {
		return fmt.Errorf("MAIL FROM: %w", err)
	}
	if err := c.Rcpt(m.To); err != nil {
		return fmt.Errorf("RCPT TO: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	// The message was accepted at the end of DATA; a failed QUIT does not unsend it.
	_ = c.Quit()
	return nil
}
