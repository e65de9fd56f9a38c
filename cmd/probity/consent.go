package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/probity/probity/internal/app"
)

const consentUsage = `Usage:
  probity consent show --engagement N --as EMAIL
      print the client's consent to an engagement as the gate sees it
  probity consent issue --engagement N --as EMAIL
      issue the disclosure (the saved draft, or Probity's draft) to the client
  probity consent record --engagement N --as EMAIL --answer given|declined
        [--evidence TEXT] [--file PATH] [--typed-name NAME]
      record the client's answer given outside Probity, describing where it is
      and/or attaching it (PDF, PNG, JPEG or plain text, stored encrypted)
  probity consent policy --as EMAIL [--set required|not-required]
      print, or (firm administrators) set, whether the client's consent is an
      opening gate and a condition of sharing documents with a vendor

Each acts as the user given by --as, through the same rules as the web UI and
the API; a refusal prints why and exits 1, changing nothing.
`

func (m *Main) consent(ctx context.Context, args []string) error {
	subs := map[string]string{
		"show":   "consent show --engagement N --as EMAIL [flags]",
		"issue":  "consent issue --engagement N --as EMAIL [flags]",
		"record": "consent record --engagement N --as EMAIL --answer given|declined [--evidence TEXT] [--file PATH] [--typed-name NAME] [flags]",
		"policy": "consent policy --as EMAIL [--set required|not-required] [flags]",
	}
	if len(args) == 0 || subs[args[0]] == "" {
		fmt.Fprint(m.Stderr, consentUsage)
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
			return nil
		}
		return usageError("consent needs a subcommand: show, issue, record or policy")
	}
	sub := args[0]
	var as, answer, evidence, file, typed, set string
	var id int64
	c, _, err := m.parse("consent "+sub, subs[sub], args[1:], func(fs *flag.FlagSet) {
		fs.StringVar(&as, "as", "", "email of the user to act as")
		if sub == "policy" {
			fs.StringVar(&set, "set", "", "required or not-required (firm administrators)")
			return
		}
		fs.Int64Var(&id, "engagement", 0, "id of the engagement")
		if sub == "record" {
			fs.StringVar(&answer, "answer", "", "the client's answer: given or declined")
			fs.StringVar(&evidence, "evidence", "", "where the answer is recorded, e.g. \"signed letter of 3 March, DMS 2026-0142/88\"")
			fs.StringVar(&file, "file", "", "the evidence itself: a PDF, PNG, JPEG or plain-text file")
			fs.StringVar(&typed, "typed-name", "", "the name the client signed with (optional)")
		}
	})
	if err != nil {
		return err
	}
	switch {
	case strings.TrimSpace(as) == "":
		return usageError("consent " + sub + " needs --as EMAIL: the user to act as")
	case sub != "policy" && id <= 0:
		return usageError("consent " + sub + " needs --engagement N")
	case sub == "record" && answer != "given" && answer != "declined":
		return usageError("consent record needs --answer given or --answer declined")
	case sub == "policy" && set != "" && set != "required" && set != "not-required":
		return usageError("consent policy --set takes required or not-required")
	}
	var up *app.Upload
	if file != "" {
		f, err := os.Open(file)
		if errors.Is(err, fs.ErrNotExist) {
			return usageError("--file " + file + " does not exist")
		} else if err != nil {
			return err
		}
		defer f.Close()
		up = &app.Upload{Filename: file, Body: f}
	}
	s, err := m.openCurrent(ctx, c)
	if err != nil {
		return err
	}
	defer s.Close()
	a := m.newApp(s, c)
	if up != nil {
		if a.Blobs, err = m.openBlobs(c, m.logger(c)); err != nil { // documents.go
			return err
		}
	}
	ctx = app.WithMeta(ctx, app.Meta{RequestID: "cli", MFA: true})
	actor, err := a.UserByEmail(ctx, app.Operator, as)
	if err != nil {
		return err
	}
	switch sub {
	case "policy":
		if set != "" {
			if err := a.SetConsentRequired(ctx, actor, set == "required"); err != nil {
				return err
			}
		}
		on, err := a.ConsentRequired(ctx, actor)
		if err != nil {
			return err
		}
		if on {
			fmt.Fprintln(m.Stdout, "The client's consent is required before an engagement opens and before a vendor receives any document.")
		} else {
			fmt.Fprintln(m.Stdout, "The client's consent is not required: disclosures and answers are recorded but do not gate the work.")
		}
		return nil
	case "issue":
		d, err := a.IssueDisclosure(ctx, actor, id)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "Issued version %d of the disclosure (SHA-256 %s); the client's answer is pending.\n", d.Version, d.SHA256)
		return nil
	case "record":
		if _, err := a.RecordConsent(ctx, actor, id, app.RecordedConsent{Give: answer == "given", Evidence: evidence, TypedName: typed, File: up}); err != nil {
			return err
		}
	}
	v, err := a.ConsentOf(ctx, actor, id)
	if err != nil {
		return err
	}
	printConsent(m, v)
	return nil
}

// printConsent prints the consent as the gate sees it.
func printConsent(m *Main, v app.ConsentView) {
	cs := v.Consent
	fmt.Fprintf(m.Stdout, "Engagement %d (%s on %s): %s", v.Engagement.ID, v.VendorName, v.Matter.Number, cs.State.Label())
	if cs.Version > 0 {
		fmt.Fprintf(m.Stdout, ", disclosure version %d (SHA-256 %s)", cs.Version, cs.DisclosureSHA256)
	}
	fmt.Fprintln(m.Stdout)
	switch {
	case cs.ClientName != "":
		fmt.Fprintf(m.Stdout, "  answered by %s, typed %q, on %s\n", cs.ClientName, cs.TypedName, cs.AnsweredAt.UTC().Format("2006-01-02 15:04 MST"))
	case cs.RecordedByName != "":
		fmt.Fprintf(m.Stdout, "  recorded by %s on %s: %s\n", cs.RecordedByName, cs.AnsweredAt.UTC().Format("2006-01-02 15:04 MST"), cs.Evidence)
	}
	if cs.EvidenceFilename != "" {
		fmt.Fprintf(m.Stdout, "  evidence file: %s\n", cs.EvidenceFilename)
	}
	if cs.StaleReason != "" {
		fmt.Fprintf(m.Stdout, "  stale: %s\n", cs.StaleReason)
	}
	if !v.Required {
		fmt.Fprintln(m.Stdout, "  (the firm does not require consent: this does not gate the work)")
	}
}
