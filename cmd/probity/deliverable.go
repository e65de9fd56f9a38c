package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
)

const deliverableUsage = `Usage:
  probity deliverable submit --engagement ID --item N --file F --as EMAIL [--title T] [--note TEXT]
      a vendor user submits a new deliverable of work item N of the approved
      statement of work (its first version goes to the supervising attorney)
  probity deliverable submit --engagement ID --deliverable D --file F --as EMAIL [--note TEXT]
      submit a new version of deliverable D, superseding the current one
  probity deliverable list --engagement ID --as EMAIL
      list the deliverables and their versions as the user sees them
  probity deliverable review --engagement ID --version V --decision approved|changes_requested
        [--comment TEXT] [--minutes N] --as EMAIL
      the supervising attorney's decision (a comment is required for changes)
  probity deliverable release --engagement ID --version V [--kind client|matter] --as EMAIL
      release an approved version to the client portal, or mark it used in the matter
  probity deliverable queue --as EMAIL
      the attorney's review queue, oldest first

Each acts as the user given by --as, through the same rules as the web UI and
the API; a refusal prints why and exits 1, changing nothing.
`

func (m *Main) deliverable(ctx context.Context, args []string) error {
	subs := map[string]string{
		"submit":  "deliverable submit --engagement ID (--item N [--title T] | --deliverable D) --file F --as EMAIL [--note TEXT] [flags]",
		"list":    "deliverable list --engagement ID --as EMAIL [flags]",
		"review":  "deliverable review --engagement ID --version V --decision approved|changes_requested [--comment TEXT] [--minutes N] --as EMAIL [flags]",
		"release": "deliverable release --engagement ID --version V [--kind client|matter] --as EMAIL [flags]",
		"queue":   "deliverable queue --as EMAIL [flags]",
	}
	if len(args) == 0 || subs[args[0]] == "" {
		fmt.Fprint(m.Stderr, deliverableUsage)
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
			return nil
		}
		return usageError("deliverable needs a subcommand: submit, list, review, release or queue")
	}
	sub := args[0]
	var as, file, title, note, decision, comment, kind string
	var eid, item, did, vid int64
	var minutes int
	c, _, err := m.parse("deliverable "+sub, subs[sub], args[1:], func(fs *flag.FlagSet) {
		fs.StringVar(&as, "as", "", "email of the user to act as")
		if sub == "queue" {
			return
		}
		fs.Int64Var(&eid, "engagement", 0, "id of the engagement")
		switch sub {
		case "submit":
			fs.Int64Var(&item, "item", 0, "id of the work item of the approved statement of work (a new deliverable)")
			fs.Int64Var(&did, "deliverable", 0, "id of the deliverable (a new version)")
			fs.StringVar(&file, "file", "", "the file: PDF, Word, Excel, plain text or CSV")
			fs.StringVar(&title, "title", "", "the deliverable's title (default: the file's name)")
			fs.StringVar(&note, "note", "", "a note for the attorney (never shown to the client)")
		case "review":
			fs.Int64Var(&vid, "version", 0, "id of the version")
			fs.StringVar(&decision, "decision", "", "approved or changes_requested")
			fs.StringVar(&comment, "comment", "", "comments (required when requesting changes)")
			fs.IntVar(&minutes, "minutes", 0, "minutes spent on the review (optional)")
		case "release":
			fs.Int64Var(&vid, "version", 0, "id of the version")
			fs.StringVar(&kind, "kind", "client", "client (the client portal) or matter (used in the matter)")
		}
	})
	if err != nil {
		return err
	}
	switch {
	case strings.TrimSpace(as) == "":
		return usageError("deliverable " + sub + " needs --as EMAIL: the user to act as")
	case sub != "queue" && eid <= 0:
		return usageError("deliverable " + sub + " needs --engagement ID")
	case sub == "submit" && (file == "" || (item <= 0) == (did <= 0)):
		return usageError("deliverable submit needs --file F and either --item N (a new deliverable) or --deliverable D (a new version)")
	case (sub == "review" || sub == "release") && vid <= 0:
		return usageError("deliverable " + sub + " needs --version V")
	}
	s, err := m.openCurrent(ctx, c)
	if err != nil {
		return err
	}
	defer s.Close()
	a := m.newApp(s, c)
	if sub == "submit" || sub == "list" {
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
	case "submit":
		f, err := os.Open(file)
		if errors.Is(err, fs.ErrNotExist) {
			return usageError("--file " + file + " does not exist")
		} else if err != nil {
			return err
		}
		defer f.Close()
		up := app.DeliverableUpload{Filename: filepath.Base(file), Body: f}
		if did > 0 {
			v, err := a.SubmitDeliverableVersion(ctx, actor, eid, did, note, up)
			if err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "Submitted version %d (id %d) of deliverable %d for the supervising attorney's review.\n", v.Version, v.ID, did)
			return nil
		}
		if title == "" {
			title = filepath.Base(file)
		}
		d, err := a.SubmitDeliverable(ctx, actor, eid, domain.NewDeliverable{WorkItemID: item, Title: title, Note: note}, up)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "Submitted deliverable %d %q, version 1 (id %d), for the supervising attorney's review.\n", d.ID, d.Title, d.Versions[0].ID)
		return nil
	case "review":
		v, err := a.ReviewDeliverable(ctx, actor, eid, vid, domain.ReviewInput{Decision: domain.ReviewDecision(decision), Comment: comment, StatedMinutes: minutes})
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "Version %d: %s (%d minutes of review).\n", v.Version, v.Decision.Label(), v.ReviewMinutes())
		return nil
	case "release":
		v, err := a.ReleaseDeliverable(ctx, actor, eid, vid, domain.ReleaseKind(kind))
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "Version %d: %s.\n", v.Version, v.ReleaseKind.Label())
		return nil
	case "queue":
		q, err := a.ReviewQueue(ctx, actor)
		if err != nil {
			return err
		}
		if len(q) == 0 {
			fmt.Fprintln(m.Stdout, "Nothing awaits your review.")
		}
		for _, it := range q {
			flag := ""
			if it.Overdue {
				flag = " OVERDUE"
			}
			fmt.Fprintf(m.Stdout, "%d\t%s v%d\t%s\t%s\twaiting %d day(s)\tdue %s%s\n", it.ID, it.Title, it.Version, it.MatterNumber, it.VendorName, it.AgeDays, it.DueOn, flag)
		}
		return nil
	}
	v, err := a.DeliverablesOf(ctx, actor, eid)
	if err != nil {
		return err
	}
	switch {
	case v.Locked != "":
		// As the API answers: the vendor's team sees nothing of the work
		// once the stage closes it to them (after close, or before the
		// engagement is active), and is told why.
		why := v.Locked
		if _, rest, ok := strings.Cut(why, ": "); ok {
			why = rest // the gate, without "Deliverables cannot be submitted"
		}
		fmt.Fprintf(m.Stdout, "No deliverables shown to you: %s\n", why)
	case len(v.Deliverables) == 0:
		fmt.Fprintln(m.Stdout, "No deliverables.")
	}
	for _, d := range v.Deliverables {
		fmt.Fprintf(m.Stdout, "%d\t%s\t(%s)\n", d.ID, d.Title, d.WorkItemTitle)
		for _, x := range d.Versions {
			fmt.Fprintf(m.Stdout, "  version %d (id %d)\t%s\t%s\n", x.Version, x.ID, x.Filename, x.State())
		}
	}
	return nil
}
