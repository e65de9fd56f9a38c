package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/auth"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/engine"
)

// openStore opens the configured engine. For SQLite it first makes sure the
// data directory exists and is writable.
func (m *Main) openStore(ctx context.Context, c *Config) (*store.Store, error) {
	if !engine.IsPostgres(c.Database) {
		if err := engine.PrepareDataDir(c.Data); err != nil {
			return nil, err
		}
	}
	return engine.Open(ctx, c.Database, c.Data)
}

// openCurrent opens the store and requires its schema to be current.
func (m *Main) openCurrent(ctx context.Context, c *Config) (*store.Store, error) {
	s, err := m.openStore(ctx, c)
	if err != nil {
		return nil, err
	}
	if err := s.CheckSchema(ctx); err != nil {
		_ = s.Close()
		return nil, err
	}
	return s, nil
}

// newApp builds the application on an open store.
func (m *Main) newApp(s *store.Store, c *Config) *app.App {
	a := app.New(s, app.DefaultConfig(), m.logger(c))
	a.Now = m.Now
	a.Config.Mail.BaseURL = c.PublicURL // serve falls back to its listen address
	a.Config.Mail.Delivery = c.SMTPURL != ""
	if n, err := parseSize(c.MaxDocumentSize); err == nil { // documents.go; checked by resolve
		a.Config.MaxDocument = n
	}
	if c.OIDCIssuer != "" {
		a.OIDC = auth.NewOIDC(auth.OIDCConfig{Issuer: c.OIDCIssuer, ClientID: c.OIDCClientID, ClientSecret: c.OIDCClientSecret,
			RedirectURL: strings.TrimRight(c.PublicURL, "/") + "/auth/oidc/callback"}, m.Now)
	}
	return a
}

// isEmpty reports whether the database holds no firm yet.
func isEmpty(ctx context.Context, s *store.Store) (bool, error) {
	err := s.Read(ctx, func(tx *store.Tx) error {
		_, err := tx.Firm(ctx)
		return err
	})
	if domain.ErrorCode(err) == domain.ENotFound {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("read the firm: %w", err)
	}
	return false, nil
}

var errNoFirm = errors.New("the database holds no firm yet: run `probity demo` for the demo firm")
