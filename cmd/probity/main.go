// Command probity is Probity's one binary: the server and the operator's
// commands. Run `probity help` for the list.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/probity/probity/internal/domain"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m := NewMain()
	err := m.Run(ctx, os.Args[1:])
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "probity: "+describe(err))
		}
		os.Exit(exitCode(err))
	}
}

// Main is the program, reusable by end-to-end tests: they run commands with
// their own arguments, environment and output, and learn where serve listens.
type Main struct {
	Stdout io.Writer
	Stderr io.Writer
	Stdin  io.Reader
	Getenv func(string) string
	Now    func() time.Time
	// Ready, if set, receives the server's URL once it accepts requests.
	Ready func(url string)
}

// NewMain returns a Main wired to the process.
func NewMain() *Main {
	return &Main{Stdout: os.Stdout, Stderr: os.Stderr, Stdin: os.Stdin, Getenv: os.Getenv, Now: func() time.Time { return time.Now().UTC() }}
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(m *Main, ctx context.Context, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "run the web server (and, with --demo, load the demo firm into an empty database)", (*Main).serve},
		{"migrate", "apply pending database migrations, or show the schema status", (*Main).migrate},
		{"demo", "load the demo firm into an empty database and print its sign-in accounts", (*Main).demo},
		{"seed", "generate a realistic firm's data set into an empty database, with a progress bar (seed --size small|large)", (*Main).seed},
		{"backup", "a consistent online backup of a SQLite installation: database, encrypted documents and their wrapped keys, never the key-encryption key (backup --out FILE)", (*Main).backup},
		{"export", "a portable archive of one matter for a client who leaves: matter.json, the decrypted documents, SHA-256 sums (export --matter NUMBER --out FILE --as EMAIL)", (*Main).export},
		{"restore", "restore a backup into an empty data directory, checking every file's SHA-256 first, then verify the audit trail (restore FILE --data DIR)", (*Main).restore},
		{"config", "print the effective configuration, secrets masked", (*Main).config},
		{"user", "create users, set passwords, reset second factors (user create | passwd | reset-mfa)", (*Main).user},
		{"token", "create, list and revoke users' API tokens (token create | list | revoke)", (*Main).token},
		{"vendor", "add vendors to the registry, list and show them (vendor create | list | show)", (*Main).vendor},
		{"audit", "verify the tamper-evident audit trail (audit verify); quality audits of vendor output: plans, batches, seeded samples, scores (audit sample | plan | batch | list | start | show | score | complete)", (*Main).audit},
		{"sample-size", "print an audit sample size: margin of error (Krejcie & Morgan), zero-defect, or ANSI Z1.4 (sample-size --population N ...)", (*Main).sampleSize},
		{"corrective", "corrective actions raised by quality audits: raise, respond, verify, list (corrective raise | respond | verify | list)", (*Main).corrective},
		{"engagement", "check a vendor's opening gates, propose it for a matter, open the engagement (engagement check | propose | open)", (*Main).engagement},
		{"deliverable", "deliverables and their review: submit, list, review, release, the review queue (deliverable submit | list | review | release | queue)", (*Main).deliverable},
		{"consent", "the client's consent to outsourcing: show it, issue the disclosure, record an answer given outside Probity, the firm's policy (consent show | issue | record | policy)", (*Main).consent},
		{"briefing", "the engagement's briefing: show it, save a draft, publish it, acknowledge it (briefing show | draft | publish | acknowledge)", (*Main).briefing},
		{"sow", "the engagement's statement of work: show it, add a work item, approve the draft for your side, start a change order (sow show | item add | approve | change-order)", (*Main).sow},
		{"document", "documents shared on an engagement: list, upload (streamed), download (document list | upload | download)", (*Main).document},
		{"message", "the engagement's conversations: post a message or reply, list them (message post | list)", (*Main).message},
		{"search", "search what a user may see: matters, parties, vendors, engagements, documents' names, messages (search --as EMAIL TERM)", (*Main).search},
		{"billing", "the firm's billing policy for outsourced work: overhead and markup caps, the saving passed on (billing policy show | set)", (*Main).billing},
		{"firm-time", "the firm's own time on matters: matter work, supervision and rework (firm-time add | list)", (*Main).firmTime},
		{"budget", "budgets of matters and engagements with actual, accrued and remaining (budget set | list)", (*Main).budget},
		{"savings", "what outsourcing saved per week or month, for the firm and its clients (savings [--csv])", (*Main).savings},
		{"invoice", "client invoices and credit notes: draft, recompute, approve, override a policy flag, send, record payment, write off, credit (invoice draft | list | show | recompute | discard | approve | override | send | paid | write-off | credit)", (*Main).invoice},
		{"vendor-invoice", "vendor invoices: submit approved time, list, show, and the firm's review: dispute, reply, resolve, approve with the exchange rate, reject (vendor-invoice submit | list | show | dispute | reply | resolve | approve | reject)", (*Main).vendorInvoice},
		{"rate", "rates: the firm's timekeepers with LEDES ids, classifications and dated rates; engagements' vendor rate cards (rate timekeeper set | list, rate card show | add)", (*Main).rate},
		{"time", "vendor time entries: record, list, submit, approve or return (time add | list | submit | approve | return)", (*Main).timeEntry},
		{"deadline", "the engagement's deadlines: set, list, mark done (deadline add | list | done)", (*Main).deadline},
		{"blobs", "housekeeping of the document store: remove stored files no document names and leftovers of interrupted uploads (blobs sweep [--older-than 24h] [--dry-run])", (*Main).blobs},
		{"keys", "the key-encryption key of stored documents: status, generate a key, rotate (rewrap every document's key), verify every document (keys status | generate | rotate | verify)", (*Main).keys},
		{"ledes", "LEDES 1998B electronic invoices: check a file strictly (ledes validate FILE|-), export a client invoice (ledes export --invoice NUMBER)", (*Main).ledes},
		{"import", "import matters or parties from a CSV file, all or nothing (import matters | parties FILE --as EMAIL [--dry-run])", (*Main).importCSV},
		{"notifications", "your notifications and how they reach you by email (notifications list | read | prefs --as EMAIL)", (*Main).notifications},
		{"migrate-engine", "move a SQLite installation to an empty PostgreSQL database: every row in one transaction, row counts and the audit chain checked (migrate-engine --to postgres://…)", (*Main).migrateEngine},
		{"version", "print the version", (*Main).version},
	}
}

// Run runs one command line (without the program name).
func (m *Main) Run(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		m.usage()
		if len(args) == 0 {
			return usageError("no command given")
		}
		return nil
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(m, ctx, args[1:])
		}
	}
	m.usage()
	return usageError(fmt.Sprintf("unknown command %q", args[0]))
}

func (m *Main) usage() {
	fmt.Fprint(m.Stderr, "Probity: ethical legal process outsourcing.\n\nUsage: probity <command> [flags]\n\nCommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(m.Stderr, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprint(m.Stderr, "\nRun `probity <command> --help` for a command's flags. Every setting can also come from a PROBITY_* environment variable.\n")
}

// usageError is a mistake on the command line (exit status 2).
type usageError string

func (e usageError) Error() string { return string(e) }

func exitCode(err error) int {
	var ie interruptedError
	if errors.As(err, &ie) {
		return 130
	}
	var u usageError
	if errors.As(err, &u) || errors.Is(err, flag.ErrHelp) {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	return 1
}

// describe renders an error for the operator: the domain message when there is one.
func describe(err error) string {
	var de *domain.Error
	if errors.As(err, &de) {
		return de.Message
	}
	return err.Error()
}

// subcommand checks a command's subcommand (args[0]) against subs,
// printing usage when it is missing or unknown; ("", nil) means help was
// asked for and printed.
func subcommand(m *Main, name, usage string, args []string, subs map[string]string) (string, error) {
	sub := ""
	if len(args) >= 1 {
		sub = args[0]
	}
	if subs[sub] == "" {
		fmt.Fprint(m.Stderr, usage)
		if slices.ContainsFunc(args, func(a string) bool { return a == "--help" || a == "-h" || a == "help" }) {
			return "", nil
		}
		keys := make([]string, 0, len(subs))
		for k := range subs {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		return "", usageError(name + " needs a subcommand: " + strings.Join(keys, " or "))
	}
	return sub, nil
}
