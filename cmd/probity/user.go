package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
)

func (m *Main) user(ctx context.Context, args []string) error {
	if len(args) > 0 && args[0] == "reset-mfa" {
		return m.resetMFA(ctx, args[1:])
	}
	if len(args) == 0 || (args[0] != "create" && args[0] != "passwd") {
		fmt.Fprint(m.Stderr, "Usage:\n  probity user create --email E --name N --role R [--vendor ID | --client ID] [--password-file F | --password-stdin]\n  probity user passwd --email E [--password-file F | --password-stdin]\n  probity user reset-mfa --email E\n")
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
			return nil
		}
		return usageError("user needs a subcommand: create, passwd or reset-mfa")
	}
	var email, name, role, title, tz, pwFile string
	var vendor, client int64
	var pwStdin bool
	sub := args[0]
	synopsis := "user passwd --email E [--password-file F | --password-stdin] [flags]"
	if sub == "create" {
		synopsis = "user create --email E --name N --role R [--vendor ID | --client ID] [--password-file F | --password-stdin] [flags]"
	}
	c, _, err := m.parse("user "+sub, synopsis, args[1:], func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", "the user's email (their sign-in)")
		fs.StringVar(&pwFile, "password-file", "", "read the password from this file (never pass passwords as flags)")
		fs.BoolVar(&pwStdin, "password-stdin", false, "read the password from the first line of standard input")
		if sub == "create" {
			fs.StringVar(&name, "name", "", "full name")
			fs.StringVar(&role, "role", "", "firm_admin, attorney, staff, vendor_manager, vendor_professional or client_contact")
			fs.Int64Var(&vendor, "vendor", 0, "vendor id, for vendor roles")
			fs.Int64Var(&client, "client", 0, "client id, for client contacts")
			fs.StringVar(&title, "title", "", "job title")
			fs.StringVar(&tz, "time-zone", "UTC", "IANA time zone, e.g. America/New_York")
		}
	})
	if err != nil {
		return err
	}
	password, err := m.readPassword(pwFile, pwStdin)
	if err != nil {
		return err
	}
	if sub == "passwd" && password == "" {
		return usageError("user passwd needs --password-file or --password-stdin")
	}
	s, err := m.openCurrent(ctx, c)
	if err != nil {
		return err
	}
	defer s.Close()
	a := m.newApp(s, c)
	if sub == "passwd" {
		if err := a.SetPassword(ctx, app.Operator, email, password); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "Password set for %s; their sessions have ended.\n", strings.ToLower(strings.TrimSpace(email)))
		return nil
	}
	if empty, err := isEmpty(ctx, s); err != nil {
		return err
	} else if empty {
		return errNoFirm
	}
	u, err := a.CreateUser(ctx, app.Operator, app.NewUser{Email: email, Name: name, Role: domain.Role(role), VendorID: vendor, ClientID: client,
		Title: title, TimeZone: tz, Password: password})
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "Created %s (%s), id %d.\n", u.Email, u.Role.Label(), u.ID)
	return nil
}

// readPassword takes a password from a file or stdin, never from a flag.
func (m *Main) readPassword(file string, stdin bool) (string, error) {
	switch {
	case file != "" && stdin:
		return "", usageError("give --password-file or --password-stdin, not both")
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("cannot read the password file: %w", err)
		}
		return strings.TrimRight(string(b), "\r\n"), nil
	case stdin:
		line, err := bufio.NewReader(m.Stdin).ReadString('\n')
		if err != nil && line == "" {
			return "", usageError("no password on standard input")
		}
		return strings.TrimRight(line, "\r\n"), nil
	}
	return "", nil
}

// resetMFA removes a user's authenticator and recovery codes and ends their
// sessions: for someone who lost their phone and recovery codes, above all
// the only administrator.
func (m *Main) resetMFA(ctx context.Context, args []string) error {
	var email string
	c, _, err := m.parse("user reset-mfa", "user reset-mfa --email E [flags]", args, func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", "the user's email (their sign-in)")
	})
	if err != nil {
		return err
	}
	if email == "" {
		return usageError("user reset-mfa needs --email")
	}
	s, err := m.openCurrent(ctx, c)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := m.newApp(s, c).ResetMFAByEmail(ctx, app.Operator, email); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "Second factor reset for %s; their sessions have ended. They set up a new one at their next sign-in if their role requires it.\n", strings.ToLower(strings.TrimSpace(email)))
	return nil
}
