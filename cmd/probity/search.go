package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/probity/probity/internal/app"
)

// search is `probity search --as EMAIL [--kind K] TERM`: the general search
// as that user sees it, through the same use case as the web UI and the API.
func (m *Main) search(ctx context.Context, args []string) error {
	var as, kind string
	define := func(fs *flag.FlagSet) {
		fs.StringVar(&as, "as", "", "email of the user to search as (only what they may see is searched)")
		fs.StringVar(&kind, "kind", "", "one group only, with up to 50 results: matters, parties, vendors, engagements, documents or messages")
	}
	flags, words := m.splitSearchArgs(define, args)
	c, _, err := m.parse("search", "search --as EMAIL [--kind KIND] TERM [flags]", flags, define)
	if err != nil {
		return err
	}
	term := strings.Join(words, " ")
	switch {
	case strings.TrimSpace(as) == "":
		return usageError("search needs --as EMAIL: the user to search as")
	case strings.TrimSpace(term) == "":
		return usageError("search needs a term: probity search --as EMAIL TERM")
	}
	s, err := m.openCurrent(ctx, c)
	if err != nil {
		return err
	}
	defer s.Close()
	a := m.newApp(s, c)
	ctx = app.WithMeta(ctx, app.Meta{RequestID: "cli", MFA: true})
	actor, err := a.UserByEmail(ctx, app.Operator, as)
	if err != nil {
		return err
	}
	res, err := a.Search(ctx, actor, term, app.SearchKind(kind))
	if err != nil {
		return err
	}
	if res.Total == 0 {
		fmt.Fprintf(m.Stdout, "Nothing %s may see matches %q.\n", actor.Name, res.Query)
		return nil
	}
	more := ""
	if res.AtLeast {
		more = " or more"
	}
	fmt.Fprintf(m.Stdout, "%d%s result(s) for %q, as %s.\n", res.Total, more, res.Query, actor.Name)
	for _, g := range res.Groups {
		if g.Total == 0 {
			continue
		}
		plus := ""
		if g.AtLeast {
			plus = "+"
		}
		fmt.Fprintf(m.Stdout, "\n%s (%d%s)\n", g.Label, g.Total, plus)
		for _, h := range g.Hits {
			where := ""
			if h.Where != "" {
				where = " — " + h.Where
			}
			fmt.Fprintf(m.Stdout, "  %s%s [%s]\n    %s[%s]%s\n", h.Name, where, searchRef(h), h.Snippet.Before, h.Snippet.Match, h.Snippet.After)
		}
		if g.More {
			fmt.Fprintf(m.Stdout, "  … %d more: add --kind %s\n", g.Total-len(g.Hits), g.Kind)
		}
	}
	return nil
}

// splitSearchArgs separates the flags from the words of the term, which
// may come before, between or after them ("search --as E Solace --data D").
// Anything the flags cannot parse is left to the real parse to report.
func (m *Main) splitSearchArgs(define func(*flag.FlagSet), args []string) (flags, words []string) {
	fs := flag.NewFlagSet("search", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	m.flags(fs)
	define(fs)
	rest := args
	for len(rest) > 0 {
		if err := fs.Parse(rest); err != nil {
			return args, nil
		}
		left := fs.Args()
		used := rest[:len(rest)-len(left)]
		flags = append(flags, used...)
		if len(left) == 0 {
			break
		}
		if len(used) > 0 && used[len(used)-1] == "--" { // after "--" every argument is a word
			return flags, append(words, left...)
		}
		words, rest = append(words, left[0]), left[1:]
	}
	return flags, words
}

// searchRef names what a hit is by its ids, for the other commands.
func searchRef(h app.SearchHit) string {
	switch h.Kind {
	case app.SearchMatters:
		return fmt.Sprintf("matter %d", h.MatterID)
	case app.SearchPartyNames:
		return fmt.Sprintf("party %d on matter %d", h.ID, h.MatterID)
	case app.SearchVendorNames:
		return fmt.Sprintf("vendor %d", h.ID)
	case app.SearchEngagements:
		return fmt.Sprintf("engagement %d", h.EngagementID)
	case app.SearchDocuments:
		if h.Deliverable {
			return fmt.Sprintf("deliverable %d on engagement %d", h.ID, h.EngagementID)
		}
		return fmt.Sprintf("document %d on engagement %d", h.ID, h.EngagementID)
	case app.SearchMessages:
		return fmt.Sprintf("conversation %d on engagement %d", h.ThreadID, h.EngagementID)
	}
	return string(h.Kind)
}
