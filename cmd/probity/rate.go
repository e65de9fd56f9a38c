package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
)

// Rates from the command line: the firm's timekeepers and their dated
// rates, and engagements' vendor rate cards, through the same use cases as
// /admin/timekeepers, the Statement of work tab and the API
// (internal/app/rates.go), acting as the user given by --as.

const rateUsage = `Usage:
  probity rate timekeeper set --user EMAIL [--ledes-id ID] [--classification PARTNR]
        [--rate 950.00 --from YYYY-MM-DD] [--currency USD] --as EMAIL
      make a firm user a timekeeper (LEDES id and classification) or change
      them, and add an hourly rate in the firm's currency in force from a day;
      a rate never changes in place: a new dated rate takes over (firm
      administrators)
  probity rate timekeeper list --as EMAIL
      the timekeepers, the rate in force today and every dated rate
  probity rate card show --engagement N --as EMAIL
      the engagement's vendor rate card: the lines in force today and history
  probity rate card add --engagement N --kind hourly|fixed|per_unit --amount AMOUNT --from YYYY-MM-DD
        [--classification ASSOC] [--item WORK_ITEM_ID] [--unit document] [--description TEXT]
        [--currency CUR] --as EMAIL
      add a dated line in the vendor's currency (the supervising attorney or
      a firm administrator); another currency is refused

Classifications: PARTNR, OFCOUN, ASSOC, PARLGL, LEGAST, SECRET, CLERK, LIBRAR, OTHER.
Each acts as the user given by --as, through the same rules as the web UI and
the API; a refusal prints why and exits 1, changing nothing.
`

func (m *Main) rate(ctx context.Context, args []string) error {
	subs := map[string]string{
		"timekeeper set":  "rate timekeeper set --user EMAIL [--ledes-id ID] [--classification C] [--rate AMOUNT --from YYYY-MM-DD] --as EMAIL [flags]",
		"timekeeper list": "rate timekeeper list --as EMAIL [flags]",
		"card show":       "rate card show --engagement N --as EMAIL [flags]",
		"card add":        "rate card add --engagement N --kind K --amount AMOUNT --from YYYY-MM-DD --as EMAIL [flags]",
	}
	sub := ""
	if len(args) >= 2 {
		sub = args[0] + " " + args[1]
	}
	if subs[sub] == "" {
		fmt.Fprint(m.Stderr, rateUsage)
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
			return nil
		}
		return usageError("rate needs a subcommand: timekeeper set | list, card show | add")
	}
	var as, user string
	var id int64
	var tk app.TimekeeperInput
	var line app.RateCardLineInput
	c, fs, err := m.parse(sub, subs[sub], args[2:], func(fs *flag.FlagSet) {
		fs.StringVar(&as, "as", "", "email of the user to act as")
		switch sub {
		case "timekeeper set":
			fs.StringVar(&user, "user", "", "email of the firm user who is the timekeeper")
			fs.StringVar(&tk.LEDESID, "ledes-id", "", "the LEDES timekeeper id (1-20 letters, digits, - _ .)")
			fs.StringVar(&tk.Classification, "classification", "", "the LEDES timekeeper classification (PARTNR, ASSOC, ...)")
			fs.StringVar(&tk.Rate, "rate", "", "an hourly rate to add, in the firm's currency")
			fs.StringVar(&tk.Currency, "currency", "", "the rate's currency (must be the firm's; default the firm's)")
			fs.StringVar(&tk.From, "from", "", "the day the rate is in force from, YYYY-MM-DD")
		case "card show", "card add":
			fs.Int64Var(&id, "engagement", 0, "id of the engagement")
		}
		if sub == "card add" {
			fs.StringVar(&line.Kind, "kind", "", "hourly, fixed or per_unit")
			fs.StringVar(&line.Classification, "classification", "", "hourly: the vendor timekeeper's classification")
			fs.Int64Var(&line.WorkItemID, "item", 0, "fixed: a work item of the approved statement of work")
			fs.StringVar(&line.Unit, "unit", "", "per_unit: the unit priced (document, contract, ...)")
			fs.StringVar(&line.Description, "description", "", "a description (Reviewer, Team lead, ...)")
			fs.StringVar(&line.Amount, "amount", "", "the rate, in the vendor's currency")
			fs.StringVar(&line.Currency, "currency", "", "the rate's currency (must be the vendor's; default the vendor's)")
			fs.StringVar(&line.From, "from", "", "the day the rate is in force from, YYYY-MM-DD")
		}
	})
	if err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return usageError(fmt.Sprintf("unexpected argument %q", fs.Arg(0)))
	case strings.TrimSpace(as) == "":
		return usageError("rate " + sub + " needs --as EMAIL: the user to act as")
	case sub == "timekeeper set" && strings.TrimSpace(user) == "":
		return usageError("rate timekeeper set needs --user EMAIL: the timekeeper")
	case strings.HasPrefix(sub, "card") && id <= 0:
		return usageError("rate " + sub + " needs --engagement N")
	}
	a, actor, done, ctx, err := m.cliActor(ctx, c, as)
	if err != nil {
		return err
	}
	defer done()
	switch sub {
	case "timekeeper set":
		u, err := a.UserByEmail(ctx, app.Operator, user) // the operator names the user; SetTimekeeper decides
		if err != nil {
			return err
		}
		tk.UserID = u.ID
		t, err := a.SetTimekeeper(ctx, actor, tk)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "%s is timekeeper %s (%s).\n", t.Name, t.LEDESID, t.Classification)
		m.printRates(t, domain.DateOf(a.Now()))
	case "timekeeper list":
		list, err := a.Timekeepers(ctx, actor)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			fmt.Fprintln(m.Stdout, "No timekeepers.")
		}
		for _, t := range list {
			fmt.Fprintf(m.Stdout, "%-10s %-7s %s <%s>\n", t.LEDESID, t.Classification, t.Name, t.Email)
			m.printRates(t, domain.DateOf(a.Now()))
		}
	case "card show":
		v, err := a.RateCardOf(ctx, actor, id)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "Rate card of engagement %d (%s with %s), in %s.\n", id, v.Header.MatterNumber, v.Header.VendorName, v.Currency)
		if len(v.Current) == 0 {
			fmt.Fprintln(m.Stdout, "No rates in force today.")
		} else {
			fmt.Fprintf(m.Stdout, "In force on %s:\n", v.Today)
		}
		for _, l := range v.Current {
			fmt.Fprintf(m.Stdout, "  %-28s %16s  from %s%s\n", cardWhat(l), l.Amount, l.Effective, optional(l.Description))
		}
		if len(v.Lines) > len(v.Current) {
			fmt.Fprintln(m.Stdout, "Every dated rate:")
			for _, l := range v.Lines {
				fmt.Fprintf(m.Stdout, "  %-28s %16s  from %s (%s)\n", cardWhat(l), l.Amount, l.Effective, l.SetByName)
			}
		}
		if v.Closed != "" {
			fmt.Fprintln(m.Stdout, v.Closed)
		}
	case "card add":
		l, err := a.AddRateCardLine(ctx, actor, id, line)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "Added to the rate card: %s at %s from %s.\n", cardWhat(l), l.Amount, l.Effective)
	}
	return nil
}

// printRates lists a timekeeper's dated rates, marking the one in force today.
func (m *Main) printRates(t domain.Timekeeper, today domain.Date) {
	cur, _ := t.RateOn(today)
	for _, r := range t.Rates {
		mark := ""
		if r.ID == cur.ID {
			mark = "  (in force)"
		}
		fmt.Fprintf(m.Stdout, "    %16s an hour from %s%s\n", r.Amount, r.Effective, mark)
	}
}

// cardWhat names what a rate card line prices.
func cardWhat(l domain.RateCardLine) string {
	switch l.Kind {
	case domain.RateHourly:
		return "hourly " + string(l.Classification)
	case domain.RatePerUnit:
		return "per " + l.Unit
	}
	if l.WorkItemTitle != "" {
		return "fixed: " + l.WorkItemTitle
	}
	return "fixed: the engagement"
}

func optional(s string) string {
	if s == "" {
		return ""
	}
	return " — " + s
}
