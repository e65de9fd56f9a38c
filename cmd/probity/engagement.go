package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

const engagementUsage = `Usage:
  probity engagement check --as EMAIL --matter NUMBER --vendor NAME-or-ID
      print the opening gates of a vendor on a matter; exit 1 when one is unmet
  probity engagement propose --as EMAIL --matter NUMBER --vendor NAME-or-ID --service SERVICE
        --supervisor EMAIL --description TEXT [--billing fee|disbursement]
        [--estimate 1200.00 --inhouse 4800.00 --currency USD] [--open]
      record the proposal (it waits in "proposed") and print its gates; with
      --open, also open it, exiting 1 and naming every unmet gate when one is
  probity engagement open --as EMAIL --id N
      open a proposed engagement; exit 1, naming every unmet gate, when one is

Each acts as the user given by --as, with that user's permissions and
screens, through the same rules as the web UI and the API. Services:
  document_review, legal_research, drafting, contract_management,
  ediscovery, billing_support, document_management
`

func (m *Main) engagement(ctx context.Context, args []string) error {
	if len(args) > 0 && closingSubs[args[0]] != "" { // closing.go
		return m.engagementClosing(ctx, args)
	}
	if len(args) > 0 && communicationSubs[args[0]] != "" { // communication.go
		return m.engagementCommunication(ctx, args)
	}
	if len(args) == 0 || (args[0] != "check" && args[0] != "propose" && args[0] != "open") {
		fmt.Fprint(m.Stderr, engagementUsage+"\n"+closingUsage+communicationUsage)
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
			return nil
		}
		return usageError("engagement needs a subcommand: check, propose or open")
	}
	sub := args[0]
	var as, matter, vendor, service, supervisor, description, billing, estimate, inhouse, currency string
	var id int64
	var open bool
	synopsis := map[string]string{
		"check":   "engagement check --as EMAIL --matter NUMBER --vendor NAME-or-ID [flags]",
		"propose": "engagement propose --as EMAIL --matter NUMBER --vendor NAME-or-ID --service SERVICE --supervisor EMAIL --description TEXT [--billing fee|disbursement] [--estimate AMOUNT --inhouse AMOUNT --currency CODE] [--open] [flags]",
		"open":    "engagement open --as EMAIL --id N [flags]",
	}[sub]
	c, _, err := m.parse("engagement "+sub, synopsis, args[1:], func(fs *flag.FlagSet) {
		fs.StringVar(&as, "as", "", "email of the attorney or firm administrator to act as")
		switch sub {
		case "open":
			fs.Int64Var(&id, "id", 0, "id of the proposed engagement")
			return
		case "propose":
			fs.StringVar(&service, "service", "", "the work: document_review, legal_research, drafting, contract_management, ediscovery, billing_support or document_management")
			fs.StringVar(&supervisor, "supervisor", "", "email of the supervising attorney (a firm attorney not screened from the matter)")
			fs.StringVar(&description, "description", "", "what the vendor would do")
			fs.StringVar(&billing, "billing", "disbursement", "how the work reaches the client's bill: fee (disclosed, capped markup) or disbursement (at cost)")
			fs.StringVar(&estimate, "estimate", "", "the vendor's estimate, e.g. 1200.00 (in --currency)")
			fs.StringVar(&inhouse, "inhouse", "", "what the work would cost in-house, e.g. 4800.00 (in the firm's currency)")
			fs.StringVar(&currency, "currency", "", "currency of --estimate (default: the vendor's)")
			fs.BoolVar(&open, "open", false, "open the engagement at once if every gate is met")
		}
		fs.StringVar(&matter, "matter", "", "the matter's number, e.g. 2026-0142")
		fs.StringVar(&vendor, "vendor", "", "the vendor's id, or its name (or a unique part of it)")
	})
	if err != nil {
		return err
	}
	switch {
	case strings.TrimSpace(as) == "":
		return usageError("engagement " + sub + " needs --as EMAIL: the attorney or firm administrator to act as")
	case sub == "open" && id <= 0:
		return usageError("engagement open needs --id N, the proposed engagement")
	case sub != "open" && (strings.TrimSpace(matter) == "" || strings.TrimSpace(vendor) == ""):
		return usageError("engagement " + sub + " needs --matter NUMBER and --vendor NAME-or-ID")
	case sub == "propose" && (service == "" || supervisor == "" || strings.TrimSpace(description) == ""):
		return usageError("engagement propose needs --service, --supervisor EMAIL and --description")
	}
	a, actor, done, ctx, err := m.cliActor(ctx, c, as)
	if err != nil {
		return err
	}
	defer done()
	if sub == "open" {
		return m.openEngagement(ctx, a, actor, id)
	}
	mt, err := cliMatter(ctx, a, actor, matter)
	if err != nil {
		return err
	}
	v, err := cliVendor(ctx, a, actor, vendor)
	if err != nil {
		return err
	}
	if sub == "check" {
		ch, err := a.OpeningCheck(ctx, actor, mt.ID, v.ID)
		if err != nil {
			return err
		}
		printGates(m.Stdout, ch)
		if !ch.Met() {
			return domain.GatesError(ch.Gates)
		}
		return nil
	}
	sup, err := a.UserByEmail(ctx, app.Operator, supervisor)
	if err != nil {
		return err
	}
	firm, err := a.Firm(ctx)
	if err != nil {
		return err
	}
	if currency == "" {
		currency = string(v.Currency)
	}
	est, err := cliMoney("--estimate", estimate, currency)
	if err != nil {
		return err
	}
	inh, err := cliMoney("--inhouse", inhouse, string(firm.Currency))
	if err != nil {
		return err
	}
	p, err := a.ProposeEngagement(ctx, actor, app.EngagementProposal{MatterID: mt.ID, VendorID: v.ID, Service: domain.Service(service),
		Description: description, SupervisorID: sup.ID, BillingMode: domain.BillingMode(billing), EstimatedCost: est, InHouseEstimate: inh})
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "Proposed %s for %s on %s: engagement %d.\n", v.Name, strings.ToLower(p.Engagement.Service.Label()), mt.Number, p.Engagement.ID)
	printGates(m.Stdout, p.Check)
	if open {
		return m.openEngagement(ctx, a, actor, p.Engagement.ID)
	}
	if p.Check.Met() {
		fmt.Fprintf(m.Stdout, "Every gate is met: open it with `probity engagement open --as %s --id %d`.\n", actor.Email, p.Engagement.ID)
	}
	return nil
}

// openEngagement opens a proposal and says so, or returns the refusal.
func (m *Main) openEngagement(ctx context.Context, a *app.App, actor domain.User, id int64) error {
	e, ch, err := a.OpenEngagement(ctx, actor, id)
	if domain.ErrorCode(err) == domain.EGateClosed && len(ch.Gates) > 0 {
		printGates(m.Stdout, ch)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "Opened engagement %d (%s on %s): it now waits for its communication plan and kickoff.\n", e.ID, ch.Vendor.Name, ch.Matter.Number)
	return nil
}

// printGates prints one line per gate: its state, name and reason.
func printGates(w io.Writer, c app.OpeningCheck) {
	fmt.Fprintf(w, "Opening gates for %s on %s (%s):\n", c.Vendor.Name, c.Matter.Number, strings.ToLower(c.Matter.Sensitivity.Label()))
	for _, g := range c.Gates {
		line := fmt.Sprintf("  %-8s %s", strings.ToUpper(g.State()), g.Name)
		if g.Why != "" {
			line += ": " + g.Why
		}
		fmt.Fprintln(w, line)
	}
}

// cliMatter finds a matter the actor can see by its number.
func cliMatter(ctx context.Context, a *app.App, actor domain.User, number string) (domain.Matter, error) {
	number = strings.TrimSpace(number)
	ms, err := a.Matters(ctx, actor, store.MatterFilter{Query: number, Page: store.Page{Limit: store.MaxPageSize}})
	if err != nil {
		return domain.Matter{}, err
	}
	for _, x := range ms {
		if strings.EqualFold(x.Number, number) {
			return x.Matter, nil
		}
	}
	return domain.Matter{}, domain.Errorf(domain.ENotFound, "no matter numbered %s that %s can see", number, actor.Email)
}

// cliVendor finds a vendor by id, by exact name, or by a part of its name
// that only one vendor has.
func cliVendor(ctx context.Context, a *app.App, actor domain.User, ref string) (domain.Vendor, error) {
	ref = strings.TrimSpace(ref)
	var all []domain.Vendor
	p := store.Page{Limit: store.MaxPageSize}
	for {
		vs, err := a.Vendors(ctx, actor, p)
		if err != nil {
			return domain.Vendor{}, err
		}
		all = append(all, vs...)
		if len(vs) < p.Limit {
			break
		}
		p.AfterID = vs[len(vs)-1].ID
	}
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
		for _, v := range all {
			if v.ID == id {
				return v, nil
			}
		}
		return domain.Vendor{}, domain.Errorf(domain.ENotFound, "no vendor with id %d", id)
	}
	var partial []domain.Vendor
	for _, v := range all {
		if strings.EqualFold(v.Name, ref) {
			return v, nil
		}
		if strings.Contains(strings.ToLower(v.Name), strings.ToLower(ref)) {
			partial = append(partial, v)
		}
	}
	switch len(partial) {
	case 1:
		return partial[0], nil
	case 0:
		return domain.Vendor{}, domain.Errorf(domain.ENotFound, "no vendor named %q", ref)
	}
	names := make([]string, len(partial))
	for i, v := range partial {
		names[i] = fmt.Sprintf("%s (id %d)", v.Name, v.ID)
	}
	return domain.Vendor{}, usageError(fmt.Sprintf("--vendor %q matches %s: give more of the name, or the id", ref, strings.Join(names, ", ")))
}

// cliMoney reads an optional amount ("" is zero) in currency.
func cliMoney(flagName, amount, currency string) (domain.Money, error) {
	c, err := domain.ParseCurrency(currency)
	if err != nil {
		return domain.Money{}, usageError(fmt.Sprintf("%s: %s", flagName, domain.ErrorMessage(err)))
	}
	if strings.TrimSpace(amount) == "" {
		return domain.NewMoney(0, c), nil
	}
	mo, err := domain.ParseMoney(amount, c)
	if err != nil {
		return mo, usageError(fmt.Sprintf("%s: %s", flagName, domain.ErrorMessage(err)))
	}
	return mo, nil
}
