package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// Client invoices and credit notes from the command line, through the same
// use cases as /invoices and the API (internal/app/client_invoices.go),
// acting as the user given by --as.

const invoiceUsage = `Usage:
  probity invoice draft --matter NUMBER --from YYYY-MM-DD --to YYYY-MM-DD [--date YYYY-MM-DD]
        [--overhead 5] [--markup 10] [--description TEXT] --as EMAIL
      draft an invoice of the matter's unbilled firm time of the period and the
      approved vendor invoices not yet billed (firm users)
  probity invoice list [--state STATE] [--matter NUMBER] --as EMAIL
      invoices and credit notes, newest first
  probity invoice show --invoice NUMBER --as EMAIL
      one invoice: its lines, totals, transparency block and policy flags
  probity invoice recompute|discard|approve|send --invoice NUMBER --as EMAIL
      recompute or discard a draft; approve a draft (attorneys and firm
      administrators); send an approved invoice (refused while a policy flag
      holds it)
  probity invoice override --invoice NUMBER --reason TEXT --as EMAIL
      release an invoice held by policy flags (a billing partner: a firm
      administrator or a PARTNR attorney; a reason of at least 20 characters)
  probity invoice paid --invoice NUMBER --on YYYY-MM-DD --as EMAIL
  probity invoice write-off --invoice NUMBER --reason TEXT --as EMAIL
  probity invoice credit --invoice NUMBER --reason TEXT [--lines 1,3] --as EMAIL
      draft a credit note crediting the chosen lines (all when none) in full

States: draft, approved, sent, paid, written_off. Each acts as the user given
by --as, through the same rules as the web UI and the API; a refusal prints
why and exits 1, changing nothing.
`

func (m *Main) invoice(ctx context.Context, args []string) error {
	subs := map[string]string{
		"draft":     "invoice draft --matter NUMBER --from YYYY-MM-DD --to YYYY-MM-DD --as EMAIL [flags]",
		"list":      "invoice list --as EMAIL [flags]",
		"show":      "invoice show --invoice NUMBER --as EMAIL [flags]",
		"recompute": "invoice recompute --invoice NUMBER --as EMAIL [flags]",
		"discard":   "invoice discard --invoice NUMBER --as EMAIL [flags]",
		"approve":   "invoice approve --invoice NUMBER --as EMAIL [flags]",
		"send":      "invoice send --invoice NUMBER --as EMAIL [flags]",
		"override":  "invoice override --invoice NUMBER --reason TEXT --as EMAIL [flags]",
		"paid":      "invoice paid --invoice NUMBER --on YYYY-MM-DD --as EMAIL [flags]",
		"write-off": "invoice write-off --invoice NUMBER --reason TEXT --as EMAIL [flags]",
		"credit":    "invoice credit --invoice NUMBER --reason TEXT [--lines 1,3] --as EMAIL [flags]",
	}
	sub, err := subcommand(m, "invoice", invoiceUsage, args, subs)
	if sub == "" {
		return err
	}
	var as, number, matter, state, reason, on, lines string
	var in app.ClientInvoiceInput
	c, fs, err := m.parse("invoice "+sub, subs[sub], args[1:], func(fs *flag.FlagSet) {
		fs.StringVar(&as, "as", "", "email of the user to act as")
		switch sub {
		case "draft":
			fs.StringVar(&matter, "matter", "", "the matter's number")
			fs.StringVar(&in.Start, "from", "", "the first day of the period, YYYY-MM-DD")
			fs.StringVar(&in.End, "to", "", "the last day of the period, YYYY-MM-DD")
			fs.StringVar(&in.Date, "date", "", "the invoice date (default today)")
			fs.StringVar(&in.OverheadPercent, "overhead", "", "overhead added to disbursements, in percent")
			fs.StringVar(&in.MarkupPercent, "markup", "", "markup on outsourced work, in percent")
			fs.StringVar(&in.Description, "description", "", "the invoice's description")
		case "list":
			fs.StringVar(&state, "state", "", "only invoices in this state")
			fs.StringVar(&matter, "matter", "", "only this matter's invoices")
		default:
			fs.StringVar(&number, "invoice", "", "the invoice's number, e.g. INV-2026-0001")
		}
		switch sub {
		case "override", "write-off", "credit":
			fs.StringVar(&reason, "reason", "", "why, in words")
		case "paid":
			fs.StringVar(&on, "on", "", "the day the payment was received, YYYY-MM-DD")
		}
		if sub == "credit" {
			fs.StringVar(&lines, "lines", "", "line numbers to credit, e.g. 1,3 (default every line)")
		}
	})
	if err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return usageError(fmt.Sprintf("unexpected argument %q", fs.Arg(0)))
	case strings.TrimSpace(as) == "":
		return usageError("invoice " + sub + " needs --as EMAIL: the user to act as")
	case sub == "draft" && strings.TrimSpace(matter) == "":
		return usageError("invoice draft needs --matter NUMBER")
	case sub != "draft" && sub != "list" && strings.TrimSpace(number) == "":
		return usageError("invoice " + sub + " needs --invoice NUMBER")
	}
	a, actor, done, ctx, err := m.cliActor(ctx, c, as)
	if err != nil {
		return err
	}
	defer done()
	var id int64
	if number != "" {
		if id, err = a.ClientInvoiceID(ctx, actor, number); err != nil {
			return err
		}
	}
	var inv domain.ClientInvoice
	switch sub {
	case "draft":
		mt, err := cliMatter(ctx, a, actor, matter)
		if err != nil {
			return err
		}
		in.MatterID = mt.ID
		if inv, err = a.DraftClientInvoice(ctx, actor, in); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "Drafted %s for %s: %d lines, %s.\n", inv.Number, inv.MatterNumber, inv.LineCount, inv.Total)
		m.printFlags(inv)
		return nil
	case "list":
		f := app.ClientInvoiceFilter{State: state, Page: store.Page{Limit: store.MaxPageSize}}
		if matter != "" {
			mt, err := cliMatter(ctx, a, actor, matter)
			if err != nil {
				return err
			}
			f.MatterID = mt.ID
		}
		list, err := a.ClientInvoices(ctx, actor, f)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			fmt.Fprintln(m.Stdout, "No invoices.")
		}
		for _, inv := range list {
			held := ""
			if !actor.Role.IsClient() && inv.Held() {
				held = "  held by policy"
			}
			fmt.Fprintf(m.Stdout, "%-14s %-11s %-10s %s %16s%s\n", inv.Number, inv.State, inv.MatterNumber, inv.Date, inv.Total, held)
		}
		return nil
	case "show":
		v, err := a.ClientInvoice(ctx, actor, id)
		if err != nil {
			return err
		}
		m.printInvoice(v)
		return nil
	case "recompute":
		inv, err = a.RecomputeClientInvoice(ctx, actor, id)
	case "discard":
		if err := a.DiscardClientInvoice(ctx, actor, id); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "Discarded draft %s; its work can be billed again.\n", number)
		return nil
	case "approve":
		inv, err = a.ApproveClientInvoice(ctx, actor, id)
	case "send":
		inv, err = a.SendClientInvoice(ctx, actor, id)
	case "override":
		inv, err = a.OverrideClientInvoice(ctx, actor, id, reason)
	case "paid":
		inv, err = a.MarkClientInvoicePaid(ctx, actor, id, on)
	case "write-off":
		inv, err = a.WriteOffClientInvoice(ctx, actor, id, reason)
	case "credit":
		var positions []int64
		for _, s := range strings.FieldsFunc(lines, func(r rune) bool { return r == ',' || r == ' ' }) {
			n, perr := strconv.ParseInt(s, 10, 64)
			if perr != nil || n < 1 {
				return domain.Invalid("lines", "%q is not a line number", s)
			}
			positions = append(positions, n)
		}
		inv, err = a.CreditNote(ctx, actor, id, reason, positions)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "%s is %s: %d lines, %s.\n", inv.Number, strings.ReplaceAll(string(inv.State), "_", " "), inv.LineCount, inv.Total)
	if sub == "recompute" {
		m.printFlags(inv)
	}
	return nil
}

// printFlags prints an invoice's policy flags and whether they hold it.
func (m *Main) printFlags(inv domain.ClientInvoice) {
	for _, f := range inv.Flags {
		fmt.Fprintf(m.Stdout, "  policy flag %s: %s\n", f.Code, f.Message)
	}
	if inv.Held() {
		fmt.Fprintln(m.Stdout, "Held: a billing partner must override the flags with a written reason before it is sent.")
	} else if inv.OverrideBy != 0 {
		fmt.Fprintf(m.Stdout, "Overridden by %s: %s\n", inv.OverrideByName, inv.OverrideReason)
	}
}

// printInvoice prints one invoice as the viewer sees it.
func (m *Main) printInvoice(v app.ClientInvoiceView) {
	inv := v.Invoice
	fmt.Fprintf(m.Stdout, "%s %s (%s), %s %s for %s, %s to %s, dated %s.\n", strings.ReplaceAll(string(inv.Kind), "_", " "), inv.Number,
		strings.ReplaceAll(string(inv.State), "_", " "), inv.MatterNumber, inv.MatterTitle, inv.ClientName, inv.Start, inv.End, inv.Date)
	for _, l := range v.Lines {
		who := l.TimekeeperName
		if who != "" {
			who += " (" + string(l.Classification) + ") "
		}
		fmt.Fprintf(m.Stdout, "  %3d %-2s %s %s%s  %s × %s = %s\n", l.Position, l.Type, l.Date, who, l.Description, domain.FormatUnits(l.Units), l.UnitCost, l.Total)
	}
	fmt.Fprintf(m.Stdout, "Fees %s, expenses %s, total %s.\n", inv.Fees, inv.Expenses, inv.Total)
	if t := inv.Transparency; t.InHouse.Minor != 0 {
		fmt.Fprintf(m.Stdout, "Outsourced work: vendor cost %s, charged %s, in-house equivalent %s; the client saves %s (%s).\n",
			t.VendorCost, t.Charged, t.InHouse, t.ClientSaving, domain.FormatBP(t.SavingPercentBP))
	}
	fmt.Fprintln(m.Stdout, "Time saved by outsourcing is never billed.")
	if v.Internal {
		m.printFlags(inv)
	}
}
