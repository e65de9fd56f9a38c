package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
)

// Notifications from the command line, through the same use cases as the
// bell, /notifications and the API (internal/app/notifications.go).

const notificationsUsage = `Usage:
  probity notifications list --as EMAIL [--unread] [--limit N] [--before ID]
      list your notifications, newest first
  probity notifications read --as EMAIL (--id ID | --all)
      mark one notification, or all of them, read
  probity notifications prefs --as EMAIL [--email immediate|digest|off] [--mute KIND,KIND] [--unmute-all]
      show your email preference, or change it; kinds: review_requested,
      changes_requested, approved, briefing_updated, audit_due,
      corrective_action, consent_requested, consent_given, invoice_flagged,
      approval_expiring

Each acts as the user given by --as and reads or changes only that user's own
notifications; a refusal prints why and exits 1, changing nothing.
`

// notifications runs `probity notifications list|read|prefs`.
func (m *Main) notifications(ctx context.Context, args []string) error {
	subs := map[string]string{
		"list":  "notifications list --as EMAIL [--unread] [--limit N] [--before ID] [flags]",
		"read":  "notifications read --as EMAIL (--id ID | --all) [flags]",
		"prefs": "notifications prefs --as EMAIL [--email MODE] [--mute KINDS] [--unmute-all] [flags]",
	}
	sub, err := subcommand(m, "notifications", notificationsUsage, args, subs)
	if sub == "" {
		return err
	}
	var as, mode, mute string
	var unread, all, unmuteAll bool
	var limit int
	var before, id int64
	c, fs, err := m.parse("notifications "+sub, subs[sub], args[1:], func(fs *flag.FlagSet) {
		fs.StringVar(&as, "as", "", "email of the user to act as")
		switch sub {
		case "list":
			fs.BoolVar(&unread, "unread", false, "unread ones only")
			fs.IntVar(&limit, "limit", 25, "how many (1 to 100)")
			fs.Int64Var(&before, "before", 0, "only notifications older than this id")
		case "read":
			fs.Int64Var(&id, "id", 0, "the notification to mark read")
			fs.BoolVar(&all, "all", false, "mark every notification read")
		case "prefs":
			fs.StringVar(&mode, "email", "", "immediate, digest or off")
			fs.StringVar(&mute, "mute", "", "comma-separated kinds never emailed (replaces the list)")
			fs.BoolVar(&unmuteAll, "unmute-all", false, "email every kind again")
		}
	})
	if err != nil {
		return err
	}
	switch {
	case strings.TrimSpace(as) == "":
		return usageError("notifications " + sub + " needs --as EMAIL: the user to act as")
	case fs.NArg() > 0:
		return usageError(fmt.Sprintf("unexpected argument %q", fs.Arg(0)))
	case sub == "read" && (id == 0) == !all:
		return usageError("notifications read needs --id ID or --all (one of them)")
	}
	a, actor, done, ctx, err := m.cliActor(ctx, c, as)
	if err != nil {
		return err
	}
	defer done()
	switch sub {
	case "list":
		p, err := a.Notifications(ctx, actor, before, limit, unread)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "%d unread.\n", p.Unread)
		fmt.Fprintf(m.Stdout, "%-8s %-6s %-17s %-24s %s\n", "ID", "READ", "WHEN (UTC)", "KIND", "SUBJECT / LINK")
		for _, n := range p.Items {
			read := "no"
			if !n.Unread() {
				read = "yes"
			}
			fmt.Fprintf(m.Stdout, "%-8d %-6s %-17s %-24s %s\n", n.ID, read, n.CreatedAt.Format("2006-01-02 15:04"), n.Kind, n.Subject)
			if n.Link != "" {
				fmt.Fprintf(m.Stdout, "%58s%s\n", "", n.Link)
			}
		}
		if p.NextBefore != 0 {
			fmt.Fprintf(m.Stdout, "More: --before %d\n", p.NextBefore)
		}
	case "read":
		if all {
			n, err := a.MarkAllNotificationsRead(ctx, actor)
			if err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "Marked %d notification(s) read.\n", n)
			return nil
		}
		if err := a.MarkNotificationRead(ctx, actor, id); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "Notification %d marked read.\n", id)
	case "prefs":
		p, err := a.NotificationPrefs(ctx, actor)
		if err != nil {
			return err
		}
		if mode != "" || mute != "" || unmuteAll {
			if mode == "" {
				mode = string(p.EmailMode)
			}
			kinds := make([]string, 0, len(p.Muted))
			for _, k := range p.Muted {
				kinds = append(kinds, string(k))
			}
			if unmuteAll {
				kinds = nil
			}
			if mute != "" {
				kinds = strings.Split(mute, ",")
			}
			if p, err = a.SetNotificationPrefs(ctx, actor, mode, kinds); err != nil {
				return err
			}
			fmt.Fprintln(m.Stdout, "Saved.")
		}
		fmt.Fprintf(m.Stdout, "Email: %s (%s)\n", p.EmailMode, p.EmailMode.Label())
		if len(p.Muted) == 0 {
			fmt.Fprintln(m.Stdout, "Muted: nothing")
		} else {
			ks := make([]string, len(p.Muted))
			for i, k := range p.Muted {
				ks[i] = string(k)
			}
			fmt.Fprintf(m.Stdout, "Muted: %s\n", strings.Join(ks, ", "))
		}
	}
	return nil
}
