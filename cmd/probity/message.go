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
	"time"

	"github.com/probity/probity/internal/app"
)

const messageUsage = `Usage:
  probity message post --engagement ID --as EMAIL --body TEXT (--subject S | --thread N) [--attach PATH ...]
      start a conversation with the firm or the vendor's team (--subject), or
      reply in conversation N (--thread); mention people on the engagement
      with @ and their name; --attach (repeatable) adds a matter document
  probity message list --engagement ID --as EMAIL [--thread N]
      list the engagement's conversations, or conversation N's posts

Each acts as the user given by --as, through the same rules as the web UI and
the API; a refusal prints why and exits 1, changing nothing.
`

// pathList is a repeatable flag.
type pathList []string

func (p *pathList) String() string     { return strings.Join(*p, ",") }
func (p *pathList) Set(s string) error { *p = append(*p, s); return nil }

func (m *Main) message(ctx context.Context, args []string) error {
	subs := map[string]string{
		"post": "message post --engagement ID --as EMAIL --body TEXT (--subject S | --thread N) [--attach PATH ...] [flags]",
		"list": "message list --engagement ID --as EMAIL [--thread N] [flags]",
	}
	if len(args) == 0 || subs[args[0]] == "" {
		fmt.Fprint(m.Stderr, messageUsage)
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
			return nil
		}
		return usageError("message needs a subcommand: post or list")
	}
	sub := args[0]
	var as, body, subject string
	var eid, thread int64
	var attach pathList
	c, _, err := m.parse("message "+sub, subs[sub], args[1:], func(fs *flag.FlagSet) {
		fs.StringVar(&as, "as", "", "email of the user to act as")
		fs.Int64Var(&eid, "engagement", 0, "id of the engagement")
		fs.Int64Var(&thread, "thread", 0, "id of the conversation")
		if sub == "post" {
			fs.StringVar(&body, "body", "", "the message")
			fs.StringVar(&subject, "subject", "", "the subject of a new conversation")
			fs.Var(&attach, "attach", "a file to attach (repeatable)")
		}
	})
	if err != nil {
		return err
	}
	switch {
	case strings.TrimSpace(as) == "":
		return usageError("message " + sub + " needs --as EMAIL: the user to act as")
	case eid <= 0:
		return usageError("message " + sub + " needs --engagement ID")
	case sub == "post" && (subject != "") == (thread > 0):
		return usageError("message post needs either --subject S (a new conversation) or --thread N (a reply)")
	}
	var ups []app.Upload
	for _, p := range attach {
		f, err := os.Open(p)
		if errors.Is(err, fs.ErrNotExist) {
			return usageError("--attach " + p + " does not exist")
		} else if err != nil {
			return err
		}
		defer f.Close()
		ups = append(ups, app.Upload{Filename: filepath.Base(p), Body: f})
	}
	s, err := m.openCurrent(ctx, c)
	if err != nil {
		return err
	}
	defer s.Close()
	a := m.newApp(s, c)
	if len(ups) > 0 {
		if a.Blobs, err = m.openBlobs(c, m.logger(c)); err != nil {
			return err
		}
	}
	ctx = app.WithMeta(ctx, app.Meta{RequestID: "cli", MFA: true})
	actor, err := a.UserByEmail(ctx, app.Operator, as)
	if err != nil {
		return err
	}
	if sub == "post" {
		v, err := a.PostMessage(ctx, actor, eid, app.Post{ThreadID: thread, Subject: subject, Body: body, Attachments: ups})
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "Posted in conversation %d %q (%d post(s)).\n", v.Thread.ID, v.Thread.Subject, len(v.Messages))
		return nil
	}
	if thread > 0 {
		v, err := a.EngagementThread(ctx, actor, eid, thread)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "Conversation %d: %s\n", v.Thread.ID, v.Thread.Subject)
		for _, p := range v.Messages {
			fmt.Fprintf(m.Stdout, "\n%s, %s:\n%s\n", p.AuthorName, p.CreatedAt.UTC().Format(time.RFC3339), p.Body)
			for _, d := range p.Attachments {
				fmt.Fprintf(m.Stdout, "  attached: %s (document %d, %d bytes)\n", d.Filename, d.ID, d.Size)
			}
		}
		return nil
	}
	l, err := a.EngagementThreads(ctx, actor, eid)
	if err != nil {
		return err
	}
	if len(l.Threads) == 0 {
		fmt.Fprintln(m.Stdout, "No conversations yet: start one with `probity message post --subject S --body TEXT`.")
	}
	for _, t := range l.Threads {
		fmt.Fprintf(m.Stdout, "%d\t%s\t%d post(s)\tstarted by %s\tlast %s\n", t.ID, t.Subject, t.Posts, t.CreatorName, t.LastPostAt.UTC().Format(time.RFC3339))
	}
	return nil
}
