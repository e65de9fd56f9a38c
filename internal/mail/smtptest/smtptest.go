// Package smtptest is a small, real SMTP server for tests: it listens on
// 127.0.0.1:0 and speaks EHLO, STARTTLS (with a self-signed certificate made
// at start), implicit TLS, AUTH PLAIN, MAIL, RCPT, DATA, RSET, NOOP and QUIT,
// and keeps every message it accepts.
package smtptest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"io"
	"math/big"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Options choose what the server offers and requires.
type Options struct {
	STARTTLS bool   // offer STARTTLS
	Implicit bool   // TLS from the first byte, as on port 465
	User     string // when set, require AUTH PLAIN with User and Password (offered only over TLS)
	Password string
}

// Message is one accepted message, with its envelope and how it arrived.
type Message struct {
	From     string
	To       []string
	Raw      []byte
	TLS      bool   // the conversation was encrypted when DATA was sent
	AuthUser string // who authenticated, if anyone
	Header   mail.Header
	Subject  string // decoded
	Body     string // decoded (quoted-printable undone), LF line ends
}

// Server is a running test SMTP server.
type Server struct {
	Addr    string         // 127.0.0.1:port
	RootCAs *x509.CertPool // trusts the server's certificate
	CAFile  string         // the certificate as a PEM file

	opts    Options
	tls     *tls.Config
	ln      net.Listener
	wg      sync.WaitGroup
	mu      sync.Mutex
	msgs    []Message
	changed chan struct{}
	reject  string // when set, MAIL FROM gets this reply
	conns   map[net.Conn]bool
}

// Start runs a server until the test ends.
func Start(tb testing.TB, o Options) *Server {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	s := &Server{Addr: ln.Addr().String(), opts: o, ln: ln, changed: make(chan struct{}), conns: map[net.Conn]bool{}}
	cert, pemBytes := selfSigned(tb)
	s.tls = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	s.RootCAs = x509.NewCertPool()
	s.RootCAs.AppendCertsFromPEM(pemBytes)
	s.CAFile = filepath.Join(tb.TempDir(), "smtp-ca.pem")
	if err := os.WriteFile(s.CAFile, pemBytes, 0o600); err != nil {
		tb.Fatal(err)
	}
	s.wg.Add(1)
	go s.accept()
	tb.Cleanup(s.Close)
	return s
}

// Port is the port the server listens on.
func (s *Server) Port() string {
	_, p, _ := net.SplitHostPort(s.Addr)
	return p
}

// Close stops the server and waits for its connections to end.
func (s *Server) Close() {
	_ = s.ln.Close()
	s.mu.Lock()
	for c := range s.conns {
		_ = c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

// Reject makes MAIL FROM answer reply (e.g. "451 4.3.0 try later"); "" accepts again.
func (s *Server) Reject(reply string) {
	s.mu.Lock()
	s.reject = reply
	s.mu.Unlock()
}

// Messages returns the messages accepted so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// Wait returns once at least n messages have arrived, or fails the test
// after timeout. It waits on arrivals, not on sleeps.
func (s *Server) Wait(tb testing.TB, n int, timeout time.Duration) []Message {
	tb.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		got, ch := append([]Message(nil), s.msgs...), s.changed
		s.mu.Unlock()
		if len(got) >= n {
			return got
		}
		select {
		case <-ch:
		case <-deadline.C:
			tb.Fatalf("smtptest: %d message(s) arrived in %s, want %d", len(got), timeout, n)
		}
	}
}

func (s *Server) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.conns[c] = true
		s.mu.Unlock()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.serve(c)
			s.mu.Lock()
			delete(s.conns, c)
			s.mu.Unlock()
		}()
	}
}

func (s *Server) serve(raw net.Conn) {
	defer raw.Close()
	_ = raw.SetDeadline(time.Now().Add(time.Minute))
	conn, tlsOn := raw, false
	if s.opts.Implicit {
		tc := tls.Server(raw, s.tls)
		if tc.Handshake() != nil {
			return
		}
		conn, tlsOn = tc, true
	}
	tp := textproto.NewConn(conn)
	reply := func(format string, args ...any) bool { return tp.PrintfLine(format, args...) == nil }
	var from, authed string
	var to []string
	reply("220 smtptest ESMTP ready")
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO", "HELO":
			lines := []string{"smtptest"}
			if s.opts.STARTTLS && !tlsOn {
				lines = append(lines, "STARTTLS")
			}
			if s.opts.User != "" && tlsOn {
				lines = append(lines, "AUTH PLAIN")
			}
			lines = append(lines, "8BITMIME")
			for i, l := range lines {
				sep := "-"
				if i == len(lines)-1 {
					sep = " "
				}
				reply("250%s%s", sep, l)
			}
		case "STARTTLS":
			if !s.opts.STARTTLS || tlsOn {
				reply("503 5.5.1 TLS not available")
				continue
			}
			reply("220 2.0.0 ready to start TLS")
			tc := tls.Server(raw, s.tls)
			if tc.Handshake() != nil {
				return
			}
			conn, tlsOn = tc, true
			tp = textproto.NewConn(conn)
			from, to, authed = "", nil, ""
		case "AUTH":
			mech, initial, _ := strings.Cut(arg, " ")
			switch {
			case !tlsOn:
				reply("538 5.7.11 encryption required for AUTH")
				continue
			case !strings.EqualFold(mech, "PLAIN"):
				reply("504 5.5.4 only PLAIN")
				continue
			}
			if initial == "" {
				reply("334 ")
				if initial, err = tp.ReadLine(); err != nil {
					return
				}
			}
			dec, err := base64.StdEncoding.DecodeString(initial)
			parts := strings.Split(string(dec), "\x00")
			if err != nil || len(parts) != 3 || parts[1] != s.opts.User || parts[2] != s.opts.Password {
				reply("535 5.7.8 authentication credentials invalid")
				continue
			}
			authed = parts[1]
			reply("235 2.7.0 authentication successful")
		case "MAIL":
			s.mu.Lock()
			rej := s.reject
			s.mu.Unlock()
			switch {
			case s.opts.User != "" && authed == "":
				reply("530 5.7.0 authentication required")
			case rej != "":
				reply("%s", rej)
			default:
				from, to = addrArg(arg), nil
				reply("250 2.1.0 ok")
			}
		case "RCPT":
			if from == "" {
				reply("503 5.5.1 MAIL first")
				continue
			}
			to = append(to, addrArg(arg))
			reply("250 2.1.5 ok")
		case "DATA":
			if len(to) == 0 {
				reply("503 5.5.1 RCPT first")
				continue
			}
			reply("354 end with <CR><LF>.<CR><LF>")
			data, err := tp.ReadDotBytes()
			if err != nil {
				return
			}
			s.store(Message{From: from, To: to, Raw: data, TLS: tlsOn, AuthUser: authed})
			from, to = "", nil
			reply("250 2.0.0 queued")
		case "RSET":
			from, to = "", nil
			reply("250 2.0.0 ok")
		case "NOOP":
			reply("250 2.0.0 ok")
		case "QUIT":
			reply("221 2.0.0 bye")
			return
		default:
			reply("502 5.5.2 command not recognised")
		}
	}
}

// addrArg reads the address of "FROM:<a@b> SIZE=…" or "TO:<a@b>".
func addrArg(arg string) string {
	i, j := strings.IndexByte(arg, '<'), strings.IndexByte(arg, '>')
	if i < 0 || j < i {
		return ""
	}
	return arg[i+1 : j]
}

func (s *Server) store(m Message) {
	if msg, err := mail.ReadMessage(bytes.NewReader(m.Raw)); err == nil {
		m.Header = msg.Header
		dec := new(mime.WordDecoder)
		if subj, err := dec.DecodeHeader(msg.Header.Get("Subject")); err == nil {
			m.Subject = subj
		}
		var body io.Reader = msg.Body
		if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
			body = quotedprintable.NewReader(body)
		}
		b, _ := io.ReadAll(body)
		m.Body = strings.ReplaceAll(string(b), "\r\n", "\n")
	}
	s.mu.Lock()
	s.msgs = append(s.msgs, m)
	close(s.changed)
	s.changed = make(chan struct{})
	s.mu.Unlock()
}

// selfSigned makes a certificate for localhost and 127.0.0.1 that is its own CA.
func selfSigned(tb testing.TB) (tls.Certificate, []byte) {
	tb.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "smtptest"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		tb.Fatal(err)
	}
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		tb.Fatal(err)
	}
	cert, err := tls.X509KeyPair(pemBytes, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}))
	if err != nil {
		tb.Fatal(err)
	}
	return cert, pemBytes
}
