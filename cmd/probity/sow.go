package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
)

const sowUsage = `Usage:
  probity sow show ID --as EMAIL
      print engagement ID's statement of work: the version in force, the draft
      being agreed with both sides' approvals, and the totals
  probity sow approve ID --as EMAIL [--version N]
      approve the draft for your side (the supervising attorney or a firm
      administrator for the firm, the vendor manager for the vendor); with
      both approvals the version is frozen and, for the first, the engagement
      becomes active
  probity sow change-order ID --as EMAIL --reason TEXT
      start a change order: a new draft copied from the approved statement
  probity sow item add --engagement ID --as EMAIL --title T --type SERVICE --due YYYY-MM-DD
        --estimate N [--unit hours|UNIT] --pricing hourly|fixed|unit --price AMOUNT
        [--description D] [--deliverable D] [--acceptance A]
        [--baseline-hours N] [--baseline-rate AMOUNT] [--task L110] [--activity A104]
      add a work item to the draft statement of work (the supervising attorney
      or a firm administrator), starting the first draft if there is none;
      amounts are decimals, the price in the vendor's currency and the
      in-house baseline rate in the firm's; --task and --activity are UTBMS codes

Each acts as the user given by --as, through the same rules as the web UI and
the API; a refusal prints why and exits 1, changing nothing.
`

// engagementArg reads the engagement id given first on the command line
// ("sow show 7 --as …"), returning the remaining flags.
func engagementArg(args []string) (int64, []string) {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		if id, err := strconv.ParseInt(args[0], 10, 64); err == nil && id > 0 {
			return id, args[1:]
		}
		return -1, args[1:]
	}
	return 0, args
}

func (m *Main) sow(ctx context.Context, args []string) error {
	subs := map[string]string{
		"show":         "sow show ID --as EMAIL [flags]",
		"approve":      "sow approve ID --as EMAIL [--version N] [flags]",
		"change-order": "sow change-order ID --as EMAIL --reason TEXT [flags]",
		"item add":     "sow item add --engagement ID --as EMAIL --title T --type SERVICE --due YYYY-MM-DD --estimate N --pricing P --price AMOUNT [flags]",
	}
	if len(args) > 0 && args[0] == "item" {
		if len(args) < 2 || args[1] != "add" {
			fmt.Fprint(m.Stderr, sowUsage)
			return usageError("sow item needs a subcommand: add")
		}
		args = append([]string{"item add"}, args[2:]...)
	}
	if len(args) == 0 || subs[args[0]] == "" {
		fmt.Fprint(m.Stderr, sowUsage)
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
			return nil
		}
		return usageError("sow needs a subcommand: show, approve, change-order or item add")
	}
	sub := args[0]
	id, rest := engagementArg(args[1:])
	var as, reason string
	var version int
	var in app.WorkItemInput
	c, fs, err := m.parse("sow "+sub, subs[sub], rest, func(fs *flag.FlagSet) {
		fs.StringVar(&as, "as", "", "email of the user to act as")
		switch sub {
		case "item add":
			fs.Int64Var(&id, "engagement", id, "id of the engagement")
			fs.StringVar(&in.Title, "title", "", "the work item's title")
			fs.StringVar(&in.Type, "type", "", "the service: "+serviceNames())
			fs.StringVar(&in.Description, "description", "", "what the work is")
			fs.StringVar(&in.Deliverable, "deliverable", "", "what the vendor delivers")
			fs.StringVar(&in.Acceptance, "acceptance", "", "the acceptance criteria")
			fs.StringVar(&in.DueOn, "due", "", "the due date, YYYY-MM-DD")
			fs.StringVar(&in.Estimate, "estimate", "", "the estimate (a number, one decimal at most)")
			fs.StringVar(&in.EstimateUnit, "unit", string(domain.UnitHours), "the estimate's unit: hours, or a unit name (documents, pages, ...)")
			fs.StringVar(&in.BaselineHours, "baseline-hours", "", "the in-house hours the work would take (the saving's baseline)")
			fs.StringVar(&in.BaselineRate, "baseline-rate", "", "the in-house hourly rate, in the firm's currency")
			fs.StringVar(&in.Pricing, "pricing", string(domain.PricingHourly), "hourly, fixed or unit")
			fs.StringVar(&in.Price, "price", "", "the vendor's price (hourly rate, fixed fee or unit price), in the vendor's currency")
			fs.StringVar(&in.TaskCode, "task", "", "the UTBMS task code (L110, ...)")
			fs.StringVar(&in.ActivityCode, "activity", "", "the UTBMS activity code (A104, ...)")
		case "approve":
			fs.IntVar(&version, "version", 0, "the version number to approve (default: the draft)")
		case "change-order":
			fs.StringVar(&reason, "reason", "", "why the statement of work changes")
		}
	})
	if err != nil {
		return err
	}
	if id == 0 && fs.NArg() > 0 {
		id, _ = engagementArg(fs.Args())
	}
	switch {
	case strings.TrimSpace(as) == "":
		return usageError("sow " + sub + " needs --as EMAIL: the user to act as")
	case id <= 0:
		return usageError("sow " + sub + " needs the engagement's id: probity " + subs[sub])
	}
	a, actor, done, ctx, err := m.cliActor(ctx, c, as)
	if err != nil {
		return err
	}
	defer done()
	switch sub {
	case "item add":
		w, err := a.AddWorkItem(ctx, actor, id, in)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "Added work item %d %q to the draft statement of work.\n", w.ID, w.Title)
	case "approve":
		v, err := a.SOWOf(ctx, actor, id)
		if err != nil {
			return err
		}
		target := v.Draft
		for i := range v.Versions {
			if version != 0 && v.Versions[i].Version == version {
				target = &v.Versions[i]
			}
		}
		if target == nil {
			return domain.Errorf(domain.EConflict, "there is no draft statement of work to approve")
		}
		out, err := a.ApproveSOW(ctx, actor, id, target.ID, target.Revision)
		if err != nil {
			return err
		}
		switch {
		case out.Activated:
			fmt.Fprintf(m.Stdout, "Approved version %d: both sides have approved, it is in force (SHA-256 %s) and the engagement is now active.\n", out.Version.Version, out.Version.SHA256)
		case out.Frozen:
			fmt.Fprintf(m.Stdout, "Approved version %d: both sides have approved and it is in force (SHA-256 %s).\n", out.Version.Version, out.Version.SHA256)
		default:
			fmt.Fprintf(m.Stdout, "Approved version %d for your side; it waits for the other side's approval.\n", out.Version.Version)
		}
	case "change-order":
		v, err := a.ProposeChangeOrder(ctx, actor, id, reason)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "Change order started: draft version %d, copied from the approved statement.\n", v.Version)
	}
	v, err := a.SOWOf(ctx, actor, id)
	if err != nil {
		return err
	}
	printSOW(m, v)
	return nil
}

// printSOW prints the statement of work.
func printSOW(m *Main, v app.SOWView) {
	fmt.Fprintf(m.Stdout, "Engagement %d: %s %s with %s (%s)\n", v.Header.ID, v.Header.MatterNumber, v.Header.MatterTitle, v.Header.VendorName, v.Header.Stage.Label())
	if v.Closed != "" {
		fmt.Fprintln(m.Stdout, v.Closed)
	}
	if v.Current == nil && v.Draft == nil {
		fmt.Fprintln(m.Stdout, "No statement of work yet: the supervising attorney drafts it in the web UI, the API or with `probity sow item add`.")
		return
	}
	for _, x := range []*domain.SOWVersion{v.Current, v.Draft} {
		if x == nil {
			continue
		}
		if x.Draft() {
			fmt.Fprintf(m.Stdout, "\nDraft version %d (revision %d)", x.Version, x.Revision)
		} else {
			fmt.Fprintf(m.Stdout, "\nIn force: version %d, approved %s, SHA-256 %s", x.Version, x.ApprovedOn, x.SHA256)
		}
		if x.Reason != "" {
			fmt.Fprintf(m.Stdout, " — change order: %s", x.Reason)
		}
		fmt.Fprintln(m.Stdout)
		firm, vendor := "waiting", "waiting"
		if x.FirmApprovedBy != 0 {
			firm = "approved by " + x.FirmApproverName
		}
		if x.VendorApprovedBy != 0 {
			vendor = "approved by " + x.VendorApprover
		}
		fmt.Fprintf(m.Stdout, "  Firm: %s. Vendor: %s.\n", firm, vendor)
		for _, w := range x.Items {
			cost, _ := w.VendorCost()
			base, _ := w.BaselineCost()
			due := ""
			if w.DueOn != "" {
				due = ", due " + string(w.DueOn)
			}
			fmt.Fprintf(m.Stdout, "  [%d] %s (%s%s): %s %s, %s; in-house %s; %s/%s\n", w.ID, w.Title, w.Service.Label(), due, w.Estimate, w.EstimateUnit,
				cost, base, w.TaskCode, w.ActivityCode)
		}
		if t, ok := v.Totals[x.ID]; ok {
			fmt.Fprintf(m.Stdout, "  Vendor cost %s; in-house baseline %s; ", moneyList(t.VendorCost), moneyList(t.BaselineCost))
			if t.SavingKnown {
				fmt.Fprintf(m.Stdout, "expected saving %s\n", t.Saving)
			} else {
				fmt.Fprintln(m.Stdout, "no saving computed: the amounts are in different currencies")
			}
		}
	}
}

func moneyList(ms []domain.Money) string {
	if len(ms) == 0 {
		return "none"
	}
	var s []string
	for _, x := range ms {
		s = append(s, x.String())
	}
	return strings.Join(s, " + ")
}

// serviceNames lists the services a work item can be, for the flag's help.
func serviceNames() string {
	var s []string
	for _, x := range domain.Services {
		s = append(s, string(x))
	}
	return strings.Join(s, ", ")
}
