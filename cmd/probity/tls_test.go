package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/testenv"
)

// selfSigned writes a certificate and key for 127.0.0.1 and returns their
// paths and a pool that trusts the certificate.
func selfSigned(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "probity test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// TestServeTLS serves HTTPS with --tls-cert/--tls-key: HSTS is sent and
// cookies are Secure.
func TestServeTLS(t *testing.T) {
	certFile, keyFile, pool := selfSigned(t)
	r := startServer(t, testenv.Engines(t)[0], "--tls-cert", certFile, "--tls-key", keyFile)
	if !strings.HasPrefix(r.URL, "https://") {
		t.Fatalf("URL %q is not https", r.URL)
	}
	c := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(r.URL + "/signin")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /signin over TLS: %d", resp.StatusCode)
	}
	if h := resp.Header.Get("Strict-Transport-Security"); !strings.Contains(h, "max-age=") {
		t.Fatalf("no HSTS under TLS: %q", h)
	}
	secure := false
	for _, ck := range resp.Cookies() {
		if ck.Name == "probity_csrf" {
			secure = ck.Secure
		}
	}
	if !secure {
		t.Fatal("the CSRF cookie is not Secure under TLS")
	}
	plain := &http.Client{Timeout: 5 * time.Second}
	if resp, err := plain.Get(strings.Replace(r.URL, "https://", "http://", 1) + "/healthz"); err == nil {
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			t.Fatal("plain HTTP answered 200 on the TLS port")
		}
	}
}

// TestServeTLSNeedsBothFiles refuses a certificate without its key, or a key
// that is not one, at start and before the data directory exists.
func TestServeTLSNeedsBothFiles(t *testing.T) {
	certFile, _, _ := selfSigned(t)
	for _, args := range [][]string{{"--tls-cert", certFile}, {"--tls-cert", certFile, "--tls-key", certFile}} {
		data := filepath.Join(t.TempDir(), "data")
		m, _, _ := testMain(nil)
		err := m.Run(t.Context(), append([]string{"serve", "--addr", "127.0.0.1:0", "--data", data}, args...))
		if err == nil || !strings.Contains(err.Error(), "TLS") && !strings.Contains(err.Error(), "--tls-key") {
			t.Fatalf("serve %v: %v", args, err)
		}
		if _, err := os.Stat(data); !os.IsNotExist(err) {
			t.Fatalf("serve %v created the data directory before refusing", args)
		}
	}
}

// TestServeBehindTLSProxy: with TLS ended at a reverse proxy, a https
// --public-url marks cookies Secure though this server speaks plain HTTP;
// without it they are not (a browser would drop them on http://).
func TestServeBehindTLSProxy(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		secure bool
	}{{nil, false}, {[]string{"--public-url", "https://probity.example.com"}, true}} {
		r := startServer(t, testenv.Engines(t)[0], tc.args...)
		resp, err := http.Get(r.URL + "/signin")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		found := false
		for _, ck := range resp.Cookies() {
			if ck.Name == "probity_csrf" {
				found = true
				if ck.Secure != tc.secure {
					t.Errorf("serve %v: CSRF cookie Secure=%v, want %v", tc.args, ck.Secure, tc.secure)
				}
			}
		}
		if !found {
			t.Fatalf("serve %v: no CSRF cookie on /signin", tc.args)
		}
	}
}
