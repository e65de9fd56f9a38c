// Package app holds Probity's use cases. Each one authorises the actor, loads
// what it needs, applies the domain rules and persists in one transaction.
// The web UI, the JSON API and the CLI all call these, so they cannot differ.
package app

import (
	"log/slog"
	"time"

	"github.com/probity/probity/internal/auth"
	"github.com/probity/probity/internal/blob"
	"github.com/probity/probity/internal/store"
)

// Config holds the policies the use cases apply.
type Config struct {
	SessionIdle     time.Duration // a session unused this long ends
	SessionAbsolute time.Duration // a session ends this long after sign-in, used or not
	ThrottleWindow  time.Duration // failed sign-ins are counted over this window
	MaxFailsAccount int           // failures per account in the window before it is locked
	MaxFailsAddress int           // failures per client address in the window
	MaxFailsMFA     int           // wrong second-factor codes per account in the window
	Password        auth.Params
	// VerifyPart is the fewest audit events worth a parallel part of its own
	// when the chain is verified.
	VerifyPart int64
	Mail       MailConfig    // how queued email is delivered (mail.go)
	Accounts   AccountConfig // invitations and password resets (invitations.go)
	// MaxUpload is the largest document accepted, in bytes (evidence.go).
	MaxUpload int64
	// MaxDocument is the largest matter document or message attachment
	// accepted, in bytes (engagement_documents.go).
	MaxDocument int64
}

// DefaultConfig is what a firm gets unless it configures otherwise.
func DefaultConfig() Config {
	return Config{
		SessionIdle:     2 * time.Hour,
		SessionAbsolute: 12 * time.Hour,
		ThrottleWindow:  15 * time.Minute,
		MaxFailsAccount: 5,
		MaxFailsAddress: 30,
		MaxFailsMFA:     5,
		Password:        auth.Default,
		VerifyPart:      50_000,
		Mail:            DefaultMailConfig(),
		Accounts:        DefaultAccountConfig(),
		MaxUpload:       20 << 20,
		MaxDocument:     2 << 30,
	}
}

// App is the application: the store, the clock, the policies and a logger.
type App struct {
	Store  *store.Store
	Config Config
	Now    func() time.Time
	Log    *slog.Logger
	// OIDC signs firm users in with the firm's identity provider; nil when
	// not configured.
	OIDC *auth.OIDC
	// Blobs is the encrypted document store; nil when none is configured
	// (uploads and downloads then answer that storage is unavailable).
	Blobs *blob.Store

	mailKick chan struct{} // wakes the mail sender after a commit that queued mail

	partyIndex partyIndex // the firm-wide party-search index (party_search.go)

	homeFigures homeFigures // each person's home savings cards, kept a few minutes (home_cache.go)
}

// New returns an App with the real clock.
func New(s *store.Store, cfg Config, log *slog.Logger) *App {
	return &App{Store: s, Config: cfg, Now: func() time.Time { return time.Now().UTC() }, Log: log, mailKick: make(chan struct{}, 1)}
}
