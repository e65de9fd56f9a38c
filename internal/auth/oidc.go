package auth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// OIDCConfig is how Probity signs firm users in with the firm's OpenID
// Connect identity provider.
type OIDCConfig struct {
	Issuer       string // the provider's issuer URL; discovery is at Issuer/.well-known/openid-configuration
	ClientID     string
	ClientSecret string
	RedirectURL  string // https://probity.example/auth/oidc/callback
}

// Enabled reports whether OpenID Connect sign-in is configured.
func (c OIDCConfig) Enabled() bool { return c.Issuer != "" && c.ClientID != "" }

// OIDC is an OpenID Connect relying party (authorisation code flow with PKCE
// and a nonce). The provider's discovery document is fetched on first use and
// kept, so a provider that is down at start does not stop the server.
type OIDC struct {
	cfg    OIDCConfig
	now    func() time.Time
	client *http.Client

	mu       sync.Mutex
	provider *oidc.Provider
}

// NewOIDC returns a relying party for cfg; now is the clock ID tokens'
// expiry is checked against.
func NewOIDC(cfg OIDCConfig, now func() time.Time) *OIDC {
	return &OIDC{cfg: cfg, now: now, client: &http.Client{Timeout: 15 * time.Second}}
}

// Issuer is the configured issuer URL.
func (o *OIDC) Issuer() string { return o.cfg.Issuer }

func (o *OIDC) ctx(ctx context.Context) context.Context {
	return context.WithValue(oidc.ClientContext(ctx, o.client), oauth2.HTTPClient, o.client)
}

func (o *OIDC) discover(ctx context.Context) (*oidc.Provider, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.provider != nil {
		return o.provider, nil
	}
	p, err := oidc.NewProvider(o.ctx(ctx), o.cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("discover the identity provider %s: %w", o.cfg.Issuer, err)
	}
	o.provider = p
	return p, nil
}

func (o *OIDC) oauth2(p *oidc.Provider) *oauth2.Config {
	return &oauth2.Config{ClientID: o.cfg.ClientID, ClientSecret: o.cfg.ClientSecret, RedirectURL: o.cfg.RedirectURL,
		Endpoint: p.Endpoint(), Scopes: []string{oidc.ScopeOpenID, "email", "profile"}}
}

// OIDCFlow is what the browser keeps (in a short-lived HttpOnly cookie)
// between leaving for the provider and coming back.
type OIDCFlow struct {
	State    string
	Nonce    string
	Verifier string // PKCE code verifier
}

// NewOIDCFlow returns fresh random state, nonce and PKCE verifier.
func NewOIDCFlow() OIDCFlow {
	r := func() string {
		b := make([]byte, 24)
		if _, err := rand.Read(b); err != nil {
			panic("crypto/rand failed: " + err.Error())
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	return OIDCFlow{State: r(), Nonce: r(), Verifier: oauth2.GenerateVerifier()}
}

// AuthURL is where to send the browser to sign in at the provider.
func (o *OIDC) AuthURL(ctx context.Context, f OIDCFlow) (string, error) {
	p, err := o.discover(ctx)
	if err != nil {
		return "", err
	}
	return o.oauth2(p).AuthCodeURL(f.State, oidc.Nonce(f.Nonce), oauth2.S256ChallengeOption(f.Verifier)), nil
}

// OIDCClaims is what Probity uses from a verified ID token.
type OIDCClaims struct {
	Issuer        string
	Subject       string
	Email         string
	EmailVerified bool
	Name          string
	AMR           []string // authentication methods references (RFC 8176)
}

// MFA reports whether the provider says the person used more than a password.
func (c OIDCClaims) MFA() bool {
	return slices.ContainsFunc(c.AMR, func(m string) bool { m = strings.ToLower(m); return m == "mfa" || m == "otp" })
}

// ErrOIDC marks a sign-in the provider's answer does not support: a bad
// token, the wrong audience, a replayed or foreign nonce, an expired token.
// Its text is for the log; people get a plain message.
var ErrOIDC = errors.New("identity provider sign-in refused")

// Exchange trades the authorisation code for tokens and verifies the ID
// token: signature, issuer, audience, expiry, and that its nonce is the one
// this browser was given.
func (o *OIDC) Exchange(ctx context.Context, code string, f OIDCFlow) (OIDCClaims, error) {
	p, err := o.discover(ctx)
	if err != nil {
		return OIDCClaims{}, err
	}
	tok, err := o.oauth2(p).Exchange(o.ctx(ctx), code, oauth2.VerifierOption(f.Verifier))
	if err != nil {
		return OIDCClaims{}, fmt.Errorf("%w: code exchange: %v", ErrOIDC, err)
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok || raw == "" {
		return OIDCClaims{}, fmt.Errorf("%w: the token response has no id_token", ErrOIDC)
	}
	v := p.Verifier(&oidc.Config{ClientID: o.cfg.ClientID, Now: o.now})
	idt, err := v.Verify(o.ctx(ctx), raw)
	if err != nil {
		return OIDCClaims{}, fmt.Errorf("%w: %v", ErrOIDC, err)
	}
	if f.Nonce == "" || idt.Nonce != f.Nonce {
		return OIDCClaims{}, fmt.Errorf("%w: the ID token's nonce does not match this sign-in", ErrOIDC)
	}
	var c struct {
		Email         string          `json:"email"`
		EmailVerified json.RawMessage `json:"email_verified"`
		Name          string          `json:"name"`
		AMR           []string        `json:"amr"`
	}
	if err := idt.Claims(&c); err != nil {
		return OIDCClaims{}, fmt.Errorf("%w: claims: %v", ErrOIDC, err)
	}
	verified := string(c.EmailVerified) == "true" || string(c.EmailVerified) == `"true"`
	return OIDCClaims{Issuer: idt.Issuer, Subject: idt.Subject, Email: c.Email, EmailVerified: verified, Name: c.Name, AMR: c.AMR}, nil
}
