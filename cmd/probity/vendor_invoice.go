package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// Vendor invoices from the command line, through the same use cases as the
// engagement's Invoices tab, /vendor-invoices and the API
// (internal/app/vendor_invoices.go), acting as the user given by --as.

const vendorInvoiceUsage = `Usage:
  probity vendor-invoice submit --engagement N --number X --period 2026-10-01..2026-10-31
        [--date YYYY-MM-DD] [--note TEXT] [--rate CLASS=AMOUNT ...] [--classification EMAIL=CLASS ...] --as EMAIL
      (the vendor's manager) invoice the engagement's approved time in the
      period that is on no other invoice, one hourly line per entry, in the
      vendor's currency; each person's classification and each
      classification's hourly rate default to the rate card in force on the
      entry's day
  probity vendor-invoice list [--state submitted|disputed|approved|rejected] --as EMAIL
  probity vendor-invoice show --id N --as EMAIL
      the invoice's lines, review flags, dispute threads and totals
  probity vendor-invoice dispute --id N --line P --message TEXT --as EMAIL
  probity vendor-invoice reply --id N --line P --message TEXT --as EMAIL
  probity vendor-invoice resolve --id N --line P --action accept|adjust|remove [--amount X] [--message TEXT] --as EMAIL
  probity vendor-invoice approve --id N [--fx-rate 0.012 --fx-date YYYY-MM-DD] --as EMAIL
  probity vendor-invoice reject --id N --reason TEXT --as EMAIL
      the firm's review (firm users; the vendor's manager answers); --line is
      the line's number on the invoice (1, 2, ...)

Each acts as the user given by --as, through the same rules as the web UI and
the API; a refusal prints why and exits 1, changing nothing.
`

func (m *Main) vendorInvoice(ctx context.Context, args []string) error {
	subs := map[string]string{
		"submit":  "vendor-invoice submit --engagement N --number X --period FROM..TO [--rate CLASS=AMOUNT ...] [--classification EMAIL=CLASS ...] --as EMAIL [flags]",
		"list":    "vendor-invoice list [--state S] --as EMAIL [flags]",
		"show":    "vendor-invoice show --id N --as EMAIL [flags]",
		"dispute": "vendor-invoice dispute --id N --line P --message TEXT --as EMAIL [flags]",
		"reply":   "vendor-invoice reply --id N --line P --message TEXT --as EMAIL [flags]",
		"resolve": "vendor-invoice resolve --id N --line P --action accept|adjust|remove [--amount X] --as EMAIL [flags]",
		"approve": "vendor-invoice approve --id N [--fx-rate R --fx-date YYYY-MM-DD] --as EMAIL [flags]",
		"reject":  "vendor-invoice reject --id N --reason TEXT --as EMAIL [flags]",
	}
	sub, err := subcommand(m, "vendor-invoice", vendorInvoiceUsage, args, subs)
	if sub == "" {
		return err
	}
	var as, number, period, date, note, state, message, action, amount, fxRate, fxDate, reason string
	var engagement, id int64
	var line int
	var rates, classes pathList
	c, fs, err := m.parse(sub, subs[sub], args[1:], func(fs *flag.FlagSet) {
		fs.StringVar(&as, "as", "", "email of the user to act as")
		switch sub {
		case "submit":
			fs.Int64Var(&engagement, "engagement", 0, "id of the engagement")
			fs.StringVar(&number, "number", "", "the vendor's own invoice number")
			fs.StringVar(&period, "period", "", "the period invoiced, FROM..TO (YYYY-MM-DD..YYYY-MM-DD)")
			fs.StringVar(&date, "date", "", "the invoice date (default today)")
			fs.StringVar(&note, "note", "", "a note to the firm")
			fs.Var(&rates, "rate", "CLASS=AMOUNT: the hourly rate billed for a classification (repeatable)")
			fs.Var(&classes, "classification", "EMAIL=CLASS: the classification a person is billed at (repeatable)")
		case "list":
			fs.StringVar(&state, "state", "", "only invoices in this state")
		default:
			fs.Int64Var(&id, "id", 0, "id of the invoice")
		}
		switch sub {
		case "dispute", "reply", "resolve":
			fs.IntVar(&line, "line", 0, "the line's number on the invoice")
			fs.StringVar(&message, "message", "", "the message")
		}
		switch sub {
		case "resolve":
			fs.StringVar(&action, "action", "", "accept, adjust or remove")
			fs.StringVar(&amount, "amount", "", "adjust: the amount accepted, in the invoice's currency")
		case "approve":
			fs.StringVar(&fxRate, "fx-rate", "", "firm currency per one unit of the vendor's (when they differ)")
			fs.StringVar(&fxDate, "fx-date", "", "the day of the exchange rate, YYYY-MM-DD")
		case "reject":
			fs.StringVar(&reason, "reason", "", "why the invoice is rejected")
		}
	})
	if err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return usageError(fmt.Sprintf("unexpected argument %q", fs.Arg(0)))
	case strings.TrimSpace(as) == "":
		return usageError("vendor-invoice " + sub + " needs --as EMAIL: the user to act as")
	case sub == "submit" && engagement <= 0:
		return usageError("vendor-invoice submit needs --engagement N")
	case sub != "submit" && sub != "list" && id <= 0:
		return usageError("vendor-invoice " + sub + " needs --id N")
	case (sub == "dispute" || sub == "reply" || sub == "resolve") && line <= 0:
		return usageError("vendor-invoice " + sub + " needs --line P: the line's number on the invoice")
	}
	a, actor, done, ctx, err := m.cliActor(ctx, c, as)
	if err != nil {
		return err
	}
	defer done()
	lineID := func() (int64, error) {
		v, err := a.VendorInvoice(ctx, actor, id)
		if err != nil {
			return 0, err
		}
		for _, l := range v.Invoice.Lines {
			if l.Position == line {
				return l.ID, nil
			}
		}
		return 0, domain.NotFound(fmt.Sprintf("line %d of invoice %s", line, v.Invoice.Number))
	}
	switch sub {
	case "submit":
		in, err := m.hourlyInvoice(ctx, a, actor, engagement, period, rates, classes)
		if err != nil {
			return err
		}
		in.Number, in.Date, in.Note = number, date, note
		v, err := a.SubmitVendorInvoice(ctx, actor, engagement, in)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "Submitted invoice %s (id %d): %d lines, %s, %d review flags.\n", v.Number, v.ID, len(v.Lines), v.Total, v.FlagCount())
	case "list":
		list, err := a.VendorInvoices(ctx, actor, store.VendorInvoiceFilter{State: domain.VendorInvoiceState(state)})
		if err != nil {
			return err
		}
		if len(list) == 0 {
			fmt.Fprintln(m.Stdout, "No vendor invoices.")
		}
		for _, v := range list {
			fmt.Fprintf(m.Stdout, "%-6d %-16s %-28s %-10s %-10s %s  flags %d, disputed %d\n", v.ID, v.Number, v.VendorName, v.MatterNumber, v.State, v.Total,
				v.Flags, v.Disputed)
		}
	case "show":
		v, err := a.VendorInvoice(ctx, actor, id)
		if err != nil {
			return err
		}
		m.printVendorInvoice(v)
	case "dispute", "reply", "resolve":
		lid, err := lineID()
		if err != nil {
			return err
		}
		switch sub {
		case "dispute":
			err = a.DisputeVendorLine(ctx, actor, id, lid, message)
		case "reply":
			err = a.ReplyVendorLine(ctx, actor, id, lid, message)
		default:
			err = a.ResolveVendorLine(ctx, actor, id, lid, action, amount, message)
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "Done: line %d %s.\n", line, map[string]string{"dispute": "disputed", "reply": "answered", "resolve": "resolved"}[sub])
	case "approve":
		v, err := a.ApproveVendorInvoice(ctx, actor, id, fxRate, fxDate)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "Approved invoice %s: %s of %s", v.Number, v.ApprovedTotal, v.Total)
		if v.FXRate != "" {
			fmt.Fprintf(m.Stdout, ", %s at %s on %s", v.FirmCost, v.FXRate, v.FXOn)
		}
		fmt.Fprintln(m.Stdout, ".")
	case "reject":
		if err := a.RejectVendorInvoice(ctx, actor, id, reason); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "Rejected invoice %d.\n", id)
	}
	return nil
}

// hourlyInvoice builds the hourly lines of an invoice from the engagement's
// approved, uninvoiced entries in period, with the classifications and
// rates given (CLASS=AMOUNT, EMAIL=CLASS); what is not given is left to the
// rate card.
func (m *Main) hourlyInvoice(ctx context.Context, a *app.App, actor domain.User, engagement int64, period string, rates, classes []string) (app.VendorInvoiceInput, error) {
	var in app.VendorInvoiceInput
	from, to, ok := strings.Cut(period, "..")
	if !ok {
		return in, domain.Invalid("period", "give the period as FROM..TO, such as 2026-10-01..2026-10-31")
	}
	in.Start, in.End = strings.TrimSpace(from), strings.TrimSpace(to)
	rate := map[domain.Classification]string{}
	for _, r := range rates {
		c, amt, ok := strings.Cut(r, "=")
		cl, err := domain.ParseClassification("rate", c)
		if !ok || err != nil {
			return in, domain.Invalid("rate", "give --rate as CLASS=AMOUNT, such as ASSOC=1650 (got %q)", r)
		}
		rate[cl] = strings.TrimSpace(amt)
	}
	class := map[int64]domain.Classification{}
	for _, x := range classes {
		email, c, ok := strings.Cut(x, "=")
		cl, err := domain.ParseClassification("classification", c)
		if !ok || err != nil {
			return in, domain.Invalid("classification", "give --classification as EMAIL=CLASS, such as rohan@lexora.example=ASSOC (got %q)", x)
		}
		u, err := a.UserByEmail(ctx, app.Operator, strings.TrimSpace(email))
		if err != nil {
			return in, domain.Invalid("classification", "no user %s", email)
		}
		class[u.ID] = cl
	}
	v, err := a.EngagementInvoices(ctx, actor, engagement)
	if err != nil {
		return in, err
	}
	for _, e := range v.Entries {
		if string(e.WorkedOn) < in.Start || string(e.WorkedOn) > in.End {
			continue
		}
		cl := e.Classification
		if c, ok := class[e.UserID]; ok {
			cl = c
		}
		in.Lines = append(in.Lines, app.VendorLineInput{Kind: "hourly", TimeEntryID: e.ID, Classification: string(cl), Rate: rate[cl]})
	}
	return in, nil
}

// printVendorInvoice shows an invoice in words.
func (m *Main) printVendorInvoice(v app.VendorInvoiceView) {
	i := v.Invoice
	fmt.Fprintf(m.Stdout, "Invoice %s from %s on %s, dated %s, for %s to %s: %s\n", i.Number, i.VendorName, i.MatterNumber, i.Date, i.Start, i.End, i.State)
	fmt.Fprintf(m.Stdout, "Total %s; %d review flags; in-house equivalent %s\n", i.Total, v.Flags, v.InHouse)
	for _, l := range i.Lines {
		what := l.WorkItem
		switch l.Kind {
		case domain.RateHourly:
			what = fmt.Sprintf("%s (%s), %s", l.UserName, l.Classification, l.WorkItem)
		case domain.RatePerUnit:
			what = l.Unit + ", " + l.WorkItem
		}
		fmt.Fprintf(m.Stdout, "  %d. %s  %s  %s × %s = %s  [%s]\n", l.Position, l.WorkedOn, what, domain.FormatUnits(l.Quantity), l.Rate, l.Amount, l.State)
		for _, f := range l.Flags {
			fmt.Fprintf(m.Stdout, "     flag %s: %s\n", f.Code, f.Message)
		}
		for _, g := range l.Messages {
			res := ""
			if g.Resolution != "" {
				res = " [" + string(g.Resolution) + "]"
			}
			fmt.Fprintf(m.Stdout, "     %s%s: %s\n", g.AuthorName, res, g.Body)
		}
	}
	if i.State == domain.VendorInvoiceApproved {
		fmt.Fprintf(m.Stdout, "Approved %s", i.ApprovedTotal)
		if i.FXRate != "" {
			fmt.Fprintf(m.Stdout, "; firm's cost %s at %s on %s", i.FirmCost, i.FXRate, i.FXOn)
		}
		fmt.Fprintln(m.Stdout)
	}
	if i.State == domain.VendorInvoiceRejected {
		fmt.Fprintf(m.Stdout, "Rejected: %s\n", i.DecisionReason)
	}
}
