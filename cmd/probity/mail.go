package main

import (
	"context"
	"crypto/x509"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strconv"
	"time"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/mail"
)

// mailPoll is how often the sender looks at the outbox besides being woken
// by each change that queues mail; it picks up retries and other servers' mail.
const mailPoll = 5 * time.Second

// mailer points links in email at the public URL (else the listen
// address) and, when an SMTP server is configured, returns the delivery of
// the outbox: it runs until its ctx ends, only on the server holding the jobs
// lease (serve.go). Without an SMTP server it returns nil.
func (m *Main) mailer(a *app.App, c *Config, listen string, log *slog.Logger) (func(context.Context), error) {
	s, err := smtpSender(c)
	if err != nil {
		return nil, err
	}
	if a.Config.Mail.BaseURL == "" {
		a.Config.Mail.BaseURL = listen
		if s != nil {
			log.Warn("--public-url is not set: links in email point at the listen address, which recipients may not reach", slog.String("url", listen))
		}
	}
	if s == nil {
		log.Info("mail: no --smtp-url, so email stays in the development outbox (see /admin/outbox) and each message is logged with its link")
		return nil, nil
	}
	log.Info("mail: the server holding the jobs lease delivers the outbox", slog.String("server", s.Describe()), slog.String("from", s.From()))
	return func(ctx context.Context) { a.RunMailer(ctx, s, mailPoll) }, nil
}

// boolSettings are the settings given as bare flags (--smtp-insecure); their
// value is "true" or "false".
var boolSettings = map[string]bool{"smtp-insecure": true}

// boolSetting is a string setting that parses as a boolean flag.
type boolSetting struct{ p *string }

func (b boolSetting) String() string {
	if b.p == nil {
		return ""
	}
	return *b.p
}

func (b boolSetting) Set(v string) error {
	ok, err := strconv.ParseBool(v)
	if err != nil {
		return fmt.Errorf("want true or false, not %q", v)
	}
	*b.p = strconv.FormatBool(ok)
	return nil
}

func (b boolSetting) IsBoolFlag() bool { return true }

// checkMail validates the mail settings without connecting anywhere.
func checkMail(c *Config) error {
	insecure, err := strconv.ParseBool(c.SMTPInsecure)
	if err != nil {
		return usageError("--smtp-insecure must be true or false")
	}
	c.SMTPInsecure = strconv.FormatBool(insecure)
	if c.SMTPURL == "" {
		switch {
		case insecure:
			return usageError("--smtp-insecure needs --smtp-url")
		case c.SMTPCA != "":
			return usageError("--smtp-ca needs --smtp-url")
		}
		return nil
	}
	if _, err := smtpSender(c); err != nil {
		return usageError(err.Error())
	}
	return nil
}

// smtpSender builds the SMTP sender the configuration describes, or nil when
// no SMTP server is configured (the development outbox).
func smtpSender(c *Config) (*mail.SMTP, error) {
	if c.SMTPURL == "" {
		return nil, nil
	}
	var roots *x509.CertPool
	if c.SMTPCA != "" {
		pem, err := os.ReadFile(c.SMTPCA)
		if err != nil {
			return nil, fmt.Errorf("--smtp-ca: %w", err)
		}
		if roots, err = x509.SystemCertPool(); err != nil {
			roots = x509.NewCertPool()
		}
		if !roots.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("--smtp-ca: %s holds no PEM certificate", c.SMTPCA)
		}
	}
	hello := "localhost"
	if u, err := url.Parse(c.PublicURL); err == nil && u.Hostname() != "" {
		hello = u.Hostname()
	}
	s, err := mail.NewSMTP(mail.SMTPConfig{URL: c.SMTPURL, From: c.MailFrom, Insecure: c.SMTPInsecure == "true", RootCAs: roots, HelloName: hello})
	if err != nil {
		return nil, err // names the setting at fault, never the password
	}
	return s, nil
}
