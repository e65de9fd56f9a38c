package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/store"
)

// The firm's own time from the command line, through the same use cases as
// the /time page and the API (internal/app/firm_time.go).

const firmTimeUsage = `Usage:
  probity firm-time add --as EMAIL --matter NUMBER --date YYYY-MM-DD --hours 1.5 --purpose matter|supervision|rework
      [--engagement ID] --task L110 --activity A104 --narrative TEXT
      record your own time on a matter (firm timekeepers); supervision and
      rework name an engagement of the matter; rework is never billed
  probity firm-time list --as EMAIL [--matter NUMBER] [--from D] [--to D]
      list your time (this month unless --from/--to say otherwise)

Each acts as the user given by --as, through the same rules as the web UI and
the API; a refusal prints why and exits 1, changing nothing.
`

// firmTime runs `probity firm-time add|list`.
func (m *Main) firmTime(ctx context.Context, args []string) error {
	subs := map[string]string{
		"add":  "firm-time add --as EMAIL --matter NUMBER --date D --hours H --purpose P [--engagement ID] --task CODE --activity CODE --narrative TEXT [flags]",
		"list": "firm-time list --as EMAIL [--matter NUMBER] [--from D] [--to D] [flags]",
	}
	sub, err := subcommand(m, "firm-time", firmTimeUsage, args, subs)
	if sub == "" {
		return err
	}
	var as, matter, from, to string
	var in app.FirmTimeInput
	c, fs, err := m.parse("firm-time "+sub, subs[sub], args[1:], func(fs *flag.FlagSet) {
		fs.StringVar(&as, "as", "", "email of the user to act as")
		fs.StringVar(&matter, "matter", "", "the matter's number")
		if sub == "add" {
			fs.StringVar(&in.Date, "date", "", "the day worked (YYYY-MM-DD)")
			fs.StringVar(&in.Hours, "hours", "", "hours, in tenths (1.5)")
			fs.StringVar(&in.Purpose, "purpose", "matter", "matter, supervision or rework")
			fs.Int64Var(&in.EngagementID, "engagement", 0, "supervision and rework: the engagement's id")
			fs.StringVar(&in.TaskCode, "task", "", "UTBMS task code (L110)")
			fs.StringVar(&in.ActivityCode, "activity", "", "UTBMS activity code (A104)")
			fs.StringVar(&in.Narrative, "narrative", "", "what was done")
		} else {
			fs.StringVar(&from, "from", "", "first day (YYYY-MM-DD)")
			fs.StringVar(&to, "to", "", "last day (YYYY-MM-DD)")
		}
	})
	if err != nil {
		return err
	}
	switch {
	case strings.TrimSpace(as) == "":
		return usageError("firm-time " + sub + " needs --as EMAIL: the user to act as")
	case fs.NArg() > 0:
		return usageError(fmt.Sprintf("unexpected argument %q", fs.Arg(0)))
	case sub == "add" && strings.TrimSpace(matter) == "":
		return usageError("firm-time add needs --matter NUMBER")
	}
	a, actor, done, ctx, err := m.cliActor(ctx, c, as)
	if err != nil {
		return err
	}
	defer done()
	if sub == "add" {
		in.MatterNumber = matter
		t, err := a.RecordFirmTimeEntry(ctx, actor, in)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "Recorded entry %d: %s hours of %s time on %s, matter %s.\n", t.ID, t.Hours, t.Purpose, t.WorkedOn, t.MatterNumber)
		return nil
	}
	q := app.FirmTimeQuery{From: from, To: to}
	if strings.TrimSpace(matter) != "" {
		if q.MatterID, err = matterIDOfNumber(ctx, a, matter); err != nil {
			return err
		}
	}
	v, err := a.FirmTime(ctx, actor, q)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "Time from %s to %s: %s hours\n", v.From, v.To, v.Total)
	for _, e := range v.Entries {
		billed := "unbilled"
		if e.Billed() {
			billed = fmt.Sprintf("billed on invoice %d", e.ClientInvoiceID)
		}
		eng := ""
		if e.EngagementID != 0 {
			eng = fmt.Sprintf(" engagement %d", e.EngagementID)
		}
		fmt.Fprintf(m.Stdout, "%6d  %s  %-20s %5s h  %-11s %s/%s%s  %s  (%s)\n", e.ID, e.WorkedOn, e.MatterNumber, e.Hours, e.Purpose, e.TaskCode, e.ActivityCode, eng, e.Narrative, billed)
	}
	return nil
}

// matterIDOfNumber resolves a matter's number (not found when none).
func matterIDOfNumber(ctx context.Context, a *app.App, number string) (int64, error) {
	var id int64
	err := a.Store.Read(ctx, func(tx *store.Tx) (err error) {
		id, err = tx.MatterIDByNumber(ctx, strings.TrimSpace(number))
		return err
	})
	if err == nil && id == 0 {
		return 0, fmt.Errorf("no matter numbered %q", number)
	}
	return id, err
}
