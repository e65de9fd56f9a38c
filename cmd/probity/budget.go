package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/probity/probity/internal/app"
)

// Budgets from the command line, through the same use cases as the
// /budgets page and the API (internal/app/budgets.go).

const budgetUsage = `Usage:
  probity budget set --as EMAIL --matter NUMBER [--engagement ID] --amount 250000 [--note TEXT]
      (attorneys and firm administrators) set the budget of a matter, or of
      one of its engagements, in the firm's currency
  probity budget list --as EMAIL [--matter NUMBER]
      list budgets with actual, accrued, remaining and percent used

Each acts as the user given by --as, through the same rules as the web UI and
the API; a refusal prints why and exits 1, changing nothing.
`

// budget runs `probity budget set|list`.
func (m *Main) budget(ctx context.Context, args []string) error {
	subs := map[string]string{
		"set":  "budget set --as EMAIL --matter NUMBER [--engagement ID] --amount AMOUNT [--note TEXT] [flags]",
		"list": "budget list --as EMAIL [--matter NUMBER] [flags]",
	}
	sub, err := subcommand(m, "budget", budgetUsage, args, subs)
	if sub == "" {
		return err
	}
	var as, matter string
	var in app.BudgetInput
	c, fs, err := m.parse("budget "+sub, subs[sub], args[1:], func(fs *flag.FlagSet) {
		fs.StringVar(&as, "as", "", "email of the user to act as")
		fs.StringVar(&matter, "matter", "", "the matter's number")
		if sub == "set" {
			fs.Int64Var(&in.EngagementID, "engagement", 0, "an engagement of the matter (none: the matter's own budget)")
			fs.StringVar(&in.Amount, "amount", "", "the budget, in the firm's currency")
			fs.StringVar(&in.Currency, "currency", "", "optional; must be the firm's currency")
			fs.StringVar(&in.Note, "note", "", "an optional note")
		}
	})
	if err != nil {
		return err
	}
	switch {
	case strings.TrimSpace(as) == "":
		return usageError("budget " + sub + " needs --as EMAIL: the user to act as")
	case fs.NArg() > 0:
		return usageError(fmt.Sprintf("unexpected argument %q", fs.Arg(0)))
	case sub == "set" && strings.TrimSpace(matter) == "":
		return usageError("budget set needs --matter NUMBER")
	}
	a, actor, done, ctx, err := m.cliActor(ctx, c, as)
	if err != nil {
		return err
	}
	defer done()
	var matterID int64
	if strings.TrimSpace(matter) != "" {
		if matterID, err = matterIDOfNumber(ctx, a, matter); err != nil {
			return err
		}
	}
	if sub == "set" {
		in.MatterID = matterID
		b, err := a.SetBudget(ctx, actor, in)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "Budget set: %s.\n", b.Amount)
	}
	v, err := a.Budgets(ctx, actor, matterID)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "%-20s %-36s %16s %16s %16s %16s %8s\n", "MATTER", "ENGAGEMENT", "BUDGET", "ACTUAL", "ACCRUED", "REMAINING", "USED")
	for _, b := range v.Budgets {
		eng := b.Engagement
		if b.EngagementID == 0 {
			eng = "(whole matter)"
		}
		accrued := b.Accrued.String()
		if !b.AccruedConverted {
			accrued = b.AccruedForeign.String() + "*"
		}
		over := ""
		if b.Over() {
			over = "  OVER BUDGET"
		}
		fmt.Fprintf(m.Stdout, "%-20s %-36s %16s %16s %16s %16s %8s%s\n", b.MatterNumber, eng, b.Amount, b.Actual, accrued, b.Remaining(), b.Used(), over)
		for _, n := range b.AccrualNotes {
			fmt.Fprintf(m.Stdout, "    %s\n", n)
		}
	}
	return nil
}
