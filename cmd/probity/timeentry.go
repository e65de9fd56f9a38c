package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/probity/probity/internal/app"
)

const timeUsage = `Usage:
  probity time add --engagement ID --item N --date YYYY-MM-DD --hours H
        [--task L110] [--activity A101] --narrative TEXT [--submit] --as EMAIL
      record time on a work item of the approved statement of work (vendor
      users); codes default to the work item's
  probity time list --engagement ID --as EMAIL
      list the engagement's time entries with each person's day total
  probity time submit --engagement ID --entry N --as EMAIL
      submit your draft or returned entry for approval
  probity time approve --engagement ID --entry N --as EMAIL
  probity time return --engagement ID --entry N --reason TEXT --as EMAIL
      decide a submitted entry (the vendor manager; never their own)
`

const deadlineUsage = `Usage:
  probity deadline add --engagement ID --title TEXT --due YYYY-MM-DD
        [--owner EMAIL] [--item N] --as EMAIL
      set a deadline (the firm's side or the vendor manager); the owner is a
      person on the engagement, the supervising attorney by default
  probity deadline list --engagement ID --as EMAIL
      list deadlines and work-item due dates with overdue flags
  probity deadline done --engagement ID --deadline N [--undo] --as EMAIL
      mark a deadline done (or open again)
`

func (m *Main) timeEntry(ctx context.Context, args []string) error {
	subs := map[string]string{
		"add":     "time add --engagement ID --item N --date YYYY-MM-DD --hours H [--task CODE] [--activity CODE] --narrative TEXT [--submit] --as EMAIL [flags]",
		"list":    "time list --engagement ID --as EMAIL [flags]",
		"submit":  "time submit --engagement ID --entry N --as EMAIL [flags]",
		"approve": "time approve --engagement ID --entry N --as EMAIL [flags]",
		"return":  "time return --engagement ID --entry N --reason TEXT --as EMAIL [flags]",
	}
	if len(args) == 0 || subs[args[0]] == "" {
		fmt.Fprint(m.Stderr, timeUsage)
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
			return nil
		}
		return usageError("time needs a subcommand: add, list, submit, approve or return")
	}
	sub := args[0]
	var as, date, hours, task, activity, narrative, reason string
	var id, item, entry int64
	var submit bool
	c, _, err := m.parse("time "+sub, subs[sub], args[1:], func(fs *flag.FlagSet) {
		fs.StringVar(&as, "as", "", "email of the user to act as")
		fs.Int64Var(&id, "engagement", 0, "id of the engagement")
		switch sub {
		case "add":
			fs.Int64Var(&item, "item", 0, "id of the work item")
			fs.StringVar(&date, "date", "", "the day worked, YYYY-MM-DD")
			fs.StringVar(&hours, "hours", "", "hours, in tenths (1.5)")
			fs.StringVar(&task, "task", "", "UTBMS task code (default: the work item's)")
			fs.StringVar(&activity, "activity", "", "UTBMS activity code (default: the work item's)")
			fs.StringVar(&narrative, "narrative", "", "what was done")
			fs.BoolVar(&submit, "submit", false, "submit for approval at once")
		case "submit", "approve", "return":
			fs.Int64Var(&entry, "entry", 0, "id of the time entry")
			if sub == "return" {
				fs.StringVar(&reason, "reason", "", "why the entry is returned")
			}
		}
	})
	if err != nil {
		return err
	}
	switch {
	case strings.TrimSpace(as) == "":
		return usageError("time " + sub + " needs --as EMAIL: the user to act as")
	case id <= 0:
		return usageError("time " + sub + " needs --engagement ID")
	case (sub == "submit" || sub == "approve" || sub == "return") && entry <= 0:
		return usageError("time " + sub + " needs --entry N")
	}
	a, actor, done, ctx, err := m.cliActor(ctx, c, as)
	if err != nil {
		return err
	}
	defer done()
	switch sub {
	case "add":
		t, err := a.AddTimeEntry(ctx, actor, id, app.TimeEntryInput{WorkItemID: item, Date: date, Hours: hours, TaskCode: task, ActivityCode: activity,
			Narrative: narrative, Submit: submit})
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "Recorded entry %d: %s hours on %s on %q (%s/%s), %s.\n", t.ID, t.Hours, t.WorkedOn, t.WorkItem, t.TaskCode, t.ActivityCode, t.State)
		return nil
	case "submit":
		if err := a.SubmitTimeEntry(ctx, actor, id, entry); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "Submitted entry %d for approval.\n", entry)
		return nil
	case "approve", "return":
		if err := a.DecideTimeEntry(ctx, actor, id, entry, sub == "approve", reason); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "Entry %d %sed.\n", entry, strings.TrimSuffix(sub, "e"))
		return nil
	}
	v, err := a.WorkOf(ctx, actor, id)
	if err != nil {
		return err
	}
	if v.TimeClosed != "" {
		fmt.Fprintln(m.Stdout, v.TimeClosed)
	}
	if len(v.Entries) == 0 {
		fmt.Fprintln(m.Stdout, "No time recorded.")
	}
	for _, t := range v.Entries {
		fmt.Fprintf(m.Stdout, "[%d] %s %s %s h (day total %s h) on %q %s/%s, %s: %s\n", t.ID, t.WorkedOn, t.UserName, t.Hours, v.DayTotal(t.UserID, t.WorkedOn),
			t.WorkItem, t.TaskCode, t.ActivityCode, t.State, t.Narrative)
	}
	return nil
}

func (m *Main) deadline(ctx context.Context, args []string) error {
	subs := map[string]string{
		"add":  "deadline add --engagement ID --title TEXT --due YYYY-MM-DD [--owner EMAIL] [--item N] --as EMAIL [flags]",
		"list": "deadline list --engagement ID --as EMAIL [flags]",
		"done": "deadline done --engagement ID --deadline N [--undo] --as EMAIL [flags]",
	}
	if len(args) == 0 || subs[args[0]] == "" {
		fmt.Fprint(m.Stderr, deadlineUsage)
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
			return nil
		}
		return usageError("deadline needs a subcommand: add, list or done")
	}
	sub := args[0]
	var as, title, due, owner string
	var id, item, dl int64
	var undo bool
	c, _, err := m.parse("deadline "+sub, subs[sub], args[1:], func(fs *flag.FlagSet) {
		fs.StringVar(&as, "as", "", "email of the user to act as")
		fs.Int64Var(&id, "engagement", 0, "id of the engagement")
		switch sub {
		case "add":
			fs.StringVar(&title, "title", "", "what is due")
			fs.StringVar(&due, "due", "", "the due date, YYYY-MM-DD (not before today)")
			fs.StringVar(&owner, "owner", "", "email of the owner, a person on the engagement (default: the supervising attorney)")
			fs.Int64Var(&item, "item", 0, "id of a work item it belongs to")
		case "done":
			fs.Int64Var(&dl, "deadline", 0, "id of the deadline")
			fs.BoolVar(&undo, "undo", false, "open the deadline again")
		}
	})
	if err != nil {
		return err
	}
	switch {
	case strings.TrimSpace(as) == "":
		return usageError("deadline " + sub + " needs --as EMAIL: the user to act as")
	case id <= 0:
		return usageError("deadline " + sub + " needs --engagement ID")
	case sub == "done" && dl <= 0:
		return usageError("deadline done needs --deadline N")
	}
	a, actor, done, ctx, err := m.cliActor(ctx, c, as)
	if err != nil {
		return err
	}
	defer done()
	switch sub {
	case "add":
		var ownerID int64
		if owner != "" {
			o, err := a.UserByEmail(ctx, app.Operator, owner)
			if err != nil {
				return err
			}
			ownerID = o.ID
		}
		d, err := a.AddDeadline(ctx, actor, id, app.DeadlineInput{Title: title, DueOn: due, OwnerID: ownerID, WorkItemID: item})
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "Deadline %d set: %q due %s, owned by %s.\n", d.ID, d.Title, d.DueOn, d.OwnerName)
		return nil
	case "done":
		if err := a.SetDeadlineDone(ctx, actor, id, dl, !undo); err != nil {
			return err
		}
		if undo {
			fmt.Fprintf(m.Stdout, "Deadline %d is open again.\n", dl)
		} else {
			fmt.Fprintf(m.Stdout, "Deadline %d is done.\n", dl)
		}
		return nil
	}
	v, err := a.WorkOf(ctx, actor, id)
	if err != nil {
		return err
	}
	if v.DeadlinesClosed != "" {
		fmt.Fprintln(m.Stdout, v.DeadlinesClosed)
	}
	if len(v.Deadlines) == 0 {
		fmt.Fprintln(m.Stdout, "No deadlines.")
	}
	for _, d := range v.Deadlines {
		flag := "open"
		switch {
		case d.Done():
			flag = "done"
		case d.Overdue(v.Today):
			flag = "OVERDUE"
		case d.DueToday(v.Today):
			flag = "due today"
		}
		who := d.OwnerName
		if d.FromWorkItem {
			who = "work item"
		}
		fmt.Fprintf(m.Stdout, "[%d] %s %-9s %s (%s)\n", d.ID, d.DueOn, flag, d.Title, who)
	}
	return nil
}
