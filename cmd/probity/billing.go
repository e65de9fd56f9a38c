package main

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"strings"

	"github.com/probity/probity/internal/domain"
)

// Billing from the command line: the firm's billing policy for outsourced
// work (ABA Formal Op. 08-451), through the same use cases as the settings
// page and the API (internal/app/billing_policy.go).

const billingUsage = `Usage:
  probity billing policy show --as EMAIL
      print the firm's billing policy for outsourced work
  probity billing policy set --as EMAIL [--overhead-cap 10] [--markup-cap 25] [--min-saving-shared 50] [--day-hours 10]
      (firm administrators) set the overhead cap on disbursements and the
      markup cap on fees, in percent of the vendor's cost, the least share
      of the saving passed to the client, in percent, and the hours a vendor
      timekeeper may bill in one day before an invoice line is flagged (1 to
      24); flags not given keep their value

Each acts as the user given by --as, through the same rules as the web UI and
the API; a refusal prints why and exits 1, changing nothing.
`

// billing runs `probity billing policy show|set`.
func (m *Main) billing(ctx context.Context, args []string) error {
	subs := map[string]string{
		"policy show": "billing policy show --as EMAIL [flags]",
		"policy set":  "billing policy set --as EMAIL [--overhead-cap PERCENT] [--markup-cap PERCENT] [--min-saving-shared PERCENT] [--day-hours HOURS] [flags]",
	}
	sub := ""
	if len(args) >= 2 {
		sub = args[0] + " " + args[1]
	}
	if subs[sub] == "" {
		fmt.Fprint(m.Stderr, billingUsage)
		if slices.ContainsFunc(args, func(a string) bool { return a == "--help" || a == "-h" || a == "help" }) {
			return nil
		}
		return usageError("billing needs a subcommand: policy show or policy set")
	}
	args = args[2:]
	var as, dayHours string
	figures := []struct {
		flag, usage string
		value       string
		bp          func(*domain.BillingPolicy) *int
	}{
		{"overhead-cap", "the most a disbursement may add to the vendor's cost as disclosed overhead, in percent of that cost", "",
			func(p *domain.BillingPolicy) *int { return &p.OverheadCapBP }},
		{"markup-cap", "the most a fee may mark up the vendor's cost, in percent of that cost", "",
			func(p *domain.BillingPolicy) *int { return &p.MarkupCapBP }},
		{"min-saving-shared", "the least share of the firm's saving passed to the client, in percent", "",
			func(p *domain.BillingPolicy) *int { return &p.MinSavingSharedBP }},
	}
	c, fs, err := m.parse(sub, subs[sub], args, func(fs *flag.FlagSet) {
		fs.StringVar(&as, "as", "", "email of the user to act as")
		if sub == "policy set" {
			for i := range figures {
				fs.StringVar(&figures[i].value, figures[i].flag, "", figures[i].usage)
			}
			fs.StringVar(&dayHours, "day-hours", "", "the hours a vendor timekeeper may bill in one day before the invoice line is flagged (1 to 24)")
		}
	})
	if err != nil {
		return err
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	switch {
	case strings.TrimSpace(as) == "":
		return usageError(sub + " needs --as EMAIL: the user to act as")
	case fs.NArg() > 0:
		return usageError(fmt.Sprintf("unexpected argument %q", fs.Arg(0)))
	case sub == "policy set" && !given["overhead-cap"] && !given["markup-cap"] && !given["min-saving-shared"] && !given["day-hours"]:
		return usageError("billing policy set needs at least one of --overhead-cap, --markup-cap, --min-saving-shared, --day-hours")
	}
	a, actor, done, ctx, err := m.cliActor(ctx, c, as)
	if err != nil {
		return err
	}
	defer done()
	p, err := a.BillingPolicy(ctx, actor)
	if err != nil {
		return err
	}
	if sub == "policy set" {
		for _, f := range figures {
			if !given[f.flag] {
				continue
			}
			bp, err := domain.ParsePercentBP(strings.ReplaceAll(f.flag, "-", "_"), f.value)
			if err != nil {
				return err
			}
			*f.bp(&p) = bp
		}
		if given["day-hours"] {
			if p.DayHoursFlag, err = domain.ParseTenths("day_hours", dayHours); err != nil {
				return err
			}
		}
		if err := a.SetBillingPolicy(ctx, actor, p); err != nil {
			return err
		}
		fmt.Fprintln(m.Stdout, "Saved.")
	}
	printBillingPolicy(m, p)
	return nil
}

// printBillingPolicy states the policy in words.
func printBillingPolicy(m *Main, p domain.BillingPolicy) {
	fmt.Fprintf(m.Stdout, "Billing policy for outsourced work (ABA Formal Op. 08-451):\n")
	fmt.Fprintf(m.Stdout, "  overhead cap on disbursements:  %s of the vendor's cost (disbursements are charged at cost, never marked up)\n", domain.FormatBP(p.OverheadCapBP))
	fmt.Fprintf(m.Stdout, "  markup cap on fees:             %s of the vendor's cost (a fee above the in-house equivalent is flagged)\n", domain.FormatBP(p.MarkupCapBP))
	fmt.Fprintf(m.Stdout, "  least share of saving passed:   %s of what outsourcing saves against the in-house cost\n", domain.FormatBP(p.MinSavingSharedBP))
	fmt.Fprintf(m.Stdout, "  vendor hours flagged past:      %s hours a day per timekeeper, across the vendor's invoices\n", p.DayHoursFlag)
}
