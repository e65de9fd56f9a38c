package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

const tokenUsage = `Usage:
  probity token create --user EMAIL --name NAME [--scope read|write] [--expires-in 90d]
      print a new API token for the user on standard output, and nothing else
  probity token list --user EMAIL [--json]
  probity token revoke --id N
`

func (m *Main) token(ctx context.Context, args []string) error {
	if len(args) == 0 || (args[0] != "create" && args[0] != "list" && args[0] != "revoke") {
		fmt.Fprint(m.Stderr, tokenUsage)
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
			return nil
		}
		return usageError("token needs a subcommand: create, list or revoke")
	}
	sub := args[0]
	var email, name, scope, expiresIn string
	var id int64
	var asJSON bool
	synopsis := map[string]string{
		"create": "token create --user EMAIL --name NAME [--scope read|write] [--expires-in 90d] [flags]",
		"list":   "token list --user EMAIL [--json] [flags]",
		"revoke": "token revoke --id N [flags]",
	}[sub]
	c, _, err := m.parse("token "+sub, synopsis, args[1:], func(fs *flag.FlagSet) {
		switch sub {
		case "create":
			fs.StringVar(&email, "user", "", "email of the user the token acts as")
			fs.StringVar(&name, "name", "", "what will use the token, e.g. \"billing export\"")
			fs.StringVar(&scope, "scope", "read", "read (safe methods only) or write (everything the user's role allows)")
			fs.StringVar(&expiresIn, "expires-in", "90d", "lifetime: days (\"90d\") or a duration (\"36h\"); at most 365d")
		case "list":
			fs.StringVar(&email, "user", "", "email of the user whose tokens to list")
			fs.BoolVar(&asJSON, "json", false, "print JSON instead of a table")
		case "revoke":
			fs.Int64Var(&id, "id", 0, "id of the token to revoke (see token list)")
		}
	})
	if err != nil {
		return err
	}
	switch {
	case sub != "revoke" && strings.TrimSpace(email) == "":
		return usageError("token " + sub + " needs --user EMAIL")
	case sub == "create" && strings.TrimSpace(name) == "":
		return usageError("token create needs --name, saying what will use the token")
	case sub == "revoke" && id <= 0:
		return usageError("token revoke needs --id N (see probity token list)")
	}
	var lifetime time.Duration
	if sub == "create" {
		if lifetime, err = parseLifetime(expiresIn); err != nil {
			return err
		}
	}
	s, err := m.openCurrent(ctx, c)
	if err != nil {
		return err
	}
	defer s.Close()
	a := m.newApp(s, c)
	switch sub {
	case "create":
		secret, t, err := a.CreateToken(ctx, app.Operator, app.TokenRequest{UserEmail: email, Name: name, Scope: domain.TokenScope(scope), Lifetime: lifetime})
		if err != nil {
			return err
		}
		// The token alone on stdout, so `TOKEN=$(probity token create …)` works.
		fmt.Fprintln(m.Stdout, secret)
		fmt.Fprintf(m.Stderr, "Created API token %d %q (%s) for %s, expiring %s. It is shown only this once.\n",
			t.ID, t.Name, t.Scope.Label(), strings.ToLower(strings.TrimSpace(email)), t.ExpiresAt.Format(time.RFC3339))
		return nil
	case "list":
		ts, err := a.ListTokens(ctx, app.Operator, app.TokenFilter{UserEmail: email, Page: store.Page{Limit: store.MaxPageSize}})
		if err != nil {
			return err
		}
		return m.printTokens(ts, a.Now(), asJSON)
	default:
		t, err := a.RevokeToken(ctx, app.Operator, id)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "Revoked API token %d %q of %s.\n", t.ID, t.Name, t.UserEmail)
		return nil
	}
}

// parseLifetime reads "90d" (days) or a Go duration ("36h").
func parseLifetime(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 1 {
			return 0, usageError(fmt.Sprintf("--expires-in %q: give a whole number of days, e.g. 90d", s))
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, usageError(fmt.Sprintf("--expires-in %q: give days (90d) or a duration (36h)", s))
	}
	return d, nil
}

type tokenLine struct {
	ID         int64      `json:"id"`
	User       string     `json:"user"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	Scope      string     `json:"scope"`
	Status     string     `json:"status"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  time.Time  `json:"expires_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

func (m *Main) printTokens(ts []store.APITokenSummary, now time.Time, asJSON bool) error {
	lines := make([]tokenLine, 0, len(ts))
	for _, t := range ts {
		l := tokenLine{ID: t.ID, User: t.UserEmail, Name: t.Name, Prefix: t.Prefix, Scope: string(t.Scope), Status: string(t.Status(now)),
			CreatedAt: t.CreatedAt, ExpiresAt: t.ExpiresAt}
		if !t.LastUsedAt.IsZero() {
			l.LastUsedAt = &t.LastUsedAt
		}
		if !t.RevokedAt.IsZero() {
			l.RevokedAt = &t.RevokedAt
		}
		lines = append(lines, l)
	}
	if asJSON {
		enc := json.NewEncoder(m.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(lines)
	}
	if len(lines) == 0 {
		fmt.Fprintln(m.Stdout, "No API tokens.")
		return nil
	}
	tw := tabwriter.NewWriter(m.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tTOKEN\tSCOPE\tSTATUS\tCREATED\tEXPIRES\tLAST USED")
	day := func(t *time.Time) string {
		if t == nil {
			return "never"
		}
		return t.Format("2006-01-02 15:04")
	}
	for _, l := range lines {
		fmt.Fprintf(tw, "%d\t%s\t%s…\t%s\t%s\t%s\t%s\t%s\n", l.ID, l.Name, l.Prefix, l.Scope, l.Status,
			day(&l.CreatedAt), day(&l.ExpiresAt), day(l.LastUsedAt))
	}
	return tw.Flush()
}
