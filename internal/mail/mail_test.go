package mail_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/mail"
	"github.com/probity/probity/internal/mail/smtptest"
)

const link = "https://probity.firm.example/invitations/Zm9vYmFyYmF6cXV4LXRoaXMtaXMtYS1sb25nLXRva2VuLXRoYXQtd3JhcHM"

var message = mail.Message{
	To:      "sunita@lexora.example",
	Subject: "Eleanor Hartwell invited you to Probity — Lexora Legal Services",
	Body:    "Hello Sunita,\n\nOpen this link:\n\n" + link + "\n\n.A line that starts with a dot.\nThanks.\n",
}

func sender(tb testing.TB, c mail.SMTPConfig) *mail.SMTP {
	tb.Helper()
	if c.From == "" {
		c.From = "Probity <probity@hartwellcrane.example>"
	}
	if c.Timeout == 0 {
		c.Timeout = 10 * time.Second
	}
	s, err := mail.NewSMTP(c)
	if err != nil {
		tb.Fatalf("NewSMTP: %v", err)
	}
	return s
}

func checkDelivered(tb testing.TB, got smtptest.Message) {
	tb.Helper()
	if len(got.To) != 1 || got.To[0] != message.To {
		tb.Errorf("RCPT TO %v, want [%s]", got.To, message.To)
	}
	if got.From != "probity@hartwellcrane.example" {
		tb.Errorf("MAIL FROM %q", got.From)
	}
	if got.Subject != message.Subject {
		tb.Errorf("Subject %q, want %q", got.Subject, message.Subject)
	}
	if !strings.Contains(got.Body, "\n"+link+"\n") {
		tb.Errorf("the body does not carry the link intact:\n%s", got.Body)
	}
	if !strings.Contains(got.Body, "\n.A line that starts with a dot.\n") {
		tb.Errorf("a line starting with a dot was not kept:\n%s", got.Body)
	}
	if got.Header.Get("Message-Id") == "" || got.Header.Get("Date") == "" {
		tb.Errorf("missing Message-ID or Date: %v", got.Header)
	}
	if to := got.Header.Get("To"); to != "<"+message.To+">" {
		tb.Errorf("To header %q", to)
	}
}

func TestSMTPStartTLSWithAuth(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{STARTTLS: true, User: "probity", Password: "s3cret pass"})
	s := sender(t, mail.SMTPConfig{URL: "smtp://probity:s3cret%20pass@127.0.0.1:" + srv.Port(), RootCAs: srv.RootCAs})
	if err := s.Send(context.Background(), message); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got := srv.Wait(t, 1, 10*time.Second)[0]
	if !got.TLS || got.AuthUser != "probity" {
		t.Errorf("delivered with TLS=%v as %q, want TLS as probity", got.TLS, got.AuthUser)
	}
	checkDelivered(t, got)
}

func TestSMTPImplicitTLS(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{Implicit: true, User: "probity", Password: "pw"})
	s := sender(t, mail.SMTPConfig{URL: "smtps://probity:pw@127.0.0.1:" + srv.Port(), RootCAs: srv.RootCAs})
	if err := s.Send(context.Background(), message); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got := srv.Wait(t, 1, 10*time.Second)[0]
	if !got.TLS || got.AuthUser != "probity" {
		t.Errorf("delivered with TLS=%v as %q", got.TLS, got.AuthUser)
	}
	checkDelivered(t, got)
	// Port 465 means implicit TLS whatever the scheme.
	if d := sender(t, mail.SMTPConfig{URL: "smtp://mail.example:465"}).Describe(); !strings.Contains(d, "implicit TLS") {
		t.Errorf("smtp://…:465 is %q, want implicit TLS", d)
	}
	if d := sender(t, mail.SMTPConfig{URL: "smtp://mail.example"}).Describe(); d != "mail.example:587 (STARTTLS required)" {
		t.Errorf("smtp://mail.example is %q, want port 587 with STARTTLS", d)
	}
}

func TestSMTPRefusesWithoutTLS(t *testing.T) {
	plain := smtptest.Start(t, smtptest.Options{})
	s := sender(t, mail.SMTPConfig{URL: "smtp://127.0.0.1:" + plain.Port()})
	err := s.Send(context.Background(), message)
	if err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Errorf("Send to a server without STARTTLS = %v, want a refusal naming STARTTLS", err)
	}
	if n := len(plain.Messages()); n != 0 {
		t.Errorf("%d message(s) went out in plaintext", n)
	}
}

func TestSMTPVerifiesTheCertificate(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{STARTTLS: true})
	s := sender(t, mail.SMTPConfig{URL: "smtp://127.0.0.1:" + srv.Port()}) // system roots do not trust it
	if err := s.Send(context.Background(), message); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("Send to a server with an untrusted certificate = %v, want a certificate error", err)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("%d message(s) delivered over an unverified connection", n)
	}
}

func TestSMTPWrongPassword(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{STARTTLS: true, User: "probity", Password: "right"})
	s := sender(t, mail.SMTPConfig{URL: "smtp://probity:wrong@127.0.0.1:" + srv.Port(), RootCAs: srv.RootCAs})
	err := s.Send(context.Background(), message)
	if err == nil || !strings.Contains(err.Error(), "535") {
		t.Errorf("Send with a wrong password = %v, want the server's 535", err)
	}
	if err != nil && strings.Contains(err.Error(), "wrong") {
		t.Errorf("the error repeats the password: %v", err)
	}
}

func TestSMTPInsecureIsLoopbackOnlyAndWithoutCredentials(t *testing.T) {
	plain := smtptest.Start(t, smtptest.Options{})
	s := sender(t, mail.SMTPConfig{URL: "smtp://127.0.0.1:" + plain.Port(), Insecure: true})
	if err := s.Send(context.Background(), message); err != nil {
		t.Fatalf("Send with --smtp-insecure to loopback: %v", err)
	}
	if got := plain.Wait(t, 1, 10*time.Second)[0]; got.TLS {
		t.Error("expected a plaintext delivery")
	}
	for _, c := range []mail.SMTPConfig{
		{URL: "smtp://mail.example.com:25", Insecure: true},
		{URL: "smtp://user:pw@127.0.0.1:25", Insecure: true},
	} {
		c.From = "probity@firm.example"
		if _, err := mail.NewSMTP(c); err == nil {
			t.Errorf("NewSMTP(%s, insecure) accepted", c.URL)
		}
	}
}

func TestSMTPConfigErrors(t *testing.T) {
	for _, c := range []mail.SMTPConfig{
		{URL: "http://mail.example", From: "a@b.example"},
		{URL: "smtp://", From: "a@b.example"},
		{URL: "smtp://mail.example:99999", From: "a@b.example"},
		{URL: "smtp://mail.example"},
		{URL: "smtp://mail.example", From: "not an address"},
	} {
		if _, err := mail.NewSMTP(c); err == nil {
			t.Errorf("NewSMTP(%+v) accepted", c)
		}
	}
}

func TestFormatKeepsHeadersOnOneLine(t *testing.T) {
	from, _ := mail.ParseFrom("Probity <probity@firm.example>")
	b, err := mail.Format(from, mail.Message{To: "a@b.example", Subject: "Hi\r\nBcc: evil@attacker.example", Body: "x"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	head, _, _ := strings.Cut(string(b), "\r\n\r\n")
	for _, l := range strings.Split(head, "\r\n") {
		if strings.HasPrefix(strings.ToLower(l), "bcc:") {
			t.Errorf("a subject with a line break added a header: %q", head)
		}
	}
	if _, err := mail.Format(from, mail.Message{To: "not an address", Subject: "s"}, time.Now()); err == nil {
		t.Error("Format accepted a bad recipient")
	}
}
