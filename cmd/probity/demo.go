package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/probity/probity/internal/demo"
	"github.com/probity/probity/internal/domain"
)

func (m *Main) demo(ctx context.Context, args []string) error {
	var asJSON, quiet bool
	c, _, err := m.parse("demo", "demo [--json] [--quiet] [flags]", args, func(fs *flag.FlagSet) {
		fs.BoolVar(&asJSON, "json", false, "print the demo accounts as JSON (role, name, email, password, totp_secret)")
		quietFlag(fs, &quiet)
	})
	if err != nil {
		return err
	}
	s, err := m.openStore(ctx, c)
	if err != nil {
		return err
	}
	defer s.Close()
	if _, err := s.Migrate(ctx, m.Now()); err != nil {
		return err
	}
	blobs, err := m.openBlobs(c, m.logger(c)) // documents.go: the demo's evidence files are stored encrypted
	if err != nil {
		return err
	}
	bctx, finish := m.withBar(ctx, quiet)
	err = demo.LoadWith(bctx, s, m.Now(), demo.Options{Blobs: blobs})
	finish()
	err = interrupted(ctx, err, "the demo was not loaded (one transaction, rolled back): the database is as empty as before")
	loaded := err == nil
	if err != nil && err != demo.ErrNotEmpty {
		return err
	}
	if !loaded {
		a := m.newApp(s, c)
		f, err := a.Firm(ctx)
		if err != nil {
			return err
		}
		if f.Name != demo.FirmName {
			return domain.Errorf(domain.EConflict, "the database holds %s, not the demo firm; demo data is only loaded into an empty database", f.Name)
		}
	}
	if asJSON {
		enc := json.NewEncoder(m.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(demo.Accounts())
	}
	if loaded {
		fmt.Fprintf(m.Stdout, "Loaded the demo firm, %s, into the %s database.\n", demo.FirmName, s.Engine())
	} else {
		fmt.Fprintf(m.Stdout, "The demo firm is already loaded in the %s database.\n", s.Engine())
	}
	printAccounts(m.Stdout)
	return nil
}

// printAccounts prints the demo sign-ins as a table.
func printAccounts(w io.Writer) {
	fmt.Fprintf(w, "\nDemo accounts (password for all: %s):\n", demo.Password)
	tw := tabwriter.NewWriter(w, 0, 2, 2, ' ', 0)
	fmt.Fprintln(tw, "  ROLE\tNAME\tEMAIL\tORGANISATION\tAUTHENTICATOR KEY")
	for _, a := range demo.Accounts() {
		key := a.TOTPSecret
		if key == "" {
			key = "—"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", a.Role.Label(), a.Name, a.Email, a.Org, key)
	}
	_ = tw.Flush()
	fmt.Fprintln(w, "\nAccounts with an authenticator key need a 6-digit code after the password: add the key to an")
	fmt.Fprintln(w, "authenticator app (\"enter a setup key\", time-based). Demo keys are public; never use them for real work.")
}
