package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

const vendorUsage = `Usage:
  probity vendor create --name NAME --country CC --currency CUR [--legal-name L] [--city C] [--website URL] [--description D]
  probity vendor list [--json]
  probity vendor show --id N [--json]
`

// vendor adds, lists and shows vendors in the registry, acting on the
// database directly as the firm (like user create).
func (m *Main) vendor(ctx context.Context, args []string) error {
	if len(args) == 0 || (args[0] != "create" && args[0] != "list" && args[0] != "show") {
		fmt.Fprint(m.Stderr, vendorUsage)
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
			return nil
		}
		return usageError("vendor needs a subcommand: create, list or show")
	}
	sub := args[0]
	var in app.NewVendor
	var id int64
	var asJSON bool
	synopsis := map[string]string{
		"create": "vendor create --name NAME --country CC --currency CUR [flags]",
		"list":   "vendor list [--json] [flags]",
		"show":   "vendor show --id N [--json] [flags]",
	}[sub]
	c, _, err := m.parse("vendor "+sub, synopsis, args[1:], func(fs *flag.FlagSet) {
		switch sub {
		case "create":
			fs.StringVar(&in.Name, "name", "", "the vendor's name, as the firm knows it")
			fs.StringVar(&in.LegalName, "legal-name", "", "the registered legal name")
			fs.StringVar(&in.Country, "country", "", "head office country, ISO 3166-1 alpha-2 (IN, PH, US, GB…)")
			fs.StringVar(&in.Currency, "currency", "", "what the vendor bills in, ISO 4217 (INR, PHP, USD…)")
			fs.StringVar(&in.City, "city", "", "head office city")
			fs.StringVar(&in.Website, "website", "", "website, https://…")
			fs.StringVar(&in.Description, "description", "", "what the vendor does")
		case "show":
			fs.Int64Var(&id, "id", 0, "the vendor's id (see vendor list)")
			fs.BoolVar(&asJSON, "json", false, "print JSON instead of text")
		case "list":
			fs.BoolVar(&asJSON, "json", false, "print JSON instead of a table")
		}
	})
	if err != nil {
		return err
	}
	switch {
	case sub == "create" && (strings.TrimSpace(in.Name) == "" || in.Country == "" || in.Currency == ""):
		return usageError("vendor create needs --name, --country and --currency")
	case sub == "show" && id <= 0:
		return usageError("vendor show needs --id N (see probity vendor list)")
	}
	s, err := m.openCurrent(ctx, c)
	if err != nil {
		return err
	}
	defer s.Close()
	if empty, err := isEmpty(ctx, s); err != nil {
		return err
	} else if empty {
		return errNoFirm
	}
	a := m.newApp(s, c)
	switch sub {
	case "create":
		v, err := a.CreateVendor(ctx, app.Operator, in)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "Added %s (%s), id %d. Its due diligence is pending: it cannot be engaged until it is assessed and approved.\n", v.Name, v.Country, v.ID)
		return nil
	case "list":
		es, err := a.Registry(ctx, app.Operator, store.Page{Limit: store.MaxPageSize})
		if err != nil {
			return err
		}
		return m.printRegistry(es, asJSON)
	default:
		p, err := a.VendorPageOf(ctx, app.Operator, id)
		if err != nil {
			return err
		}
		return m.printVendor(p, asJSON)
	}
}

type vendorLine struct {
	ID                   int64    `json:"id"`
	Name                 string   `json:"name"`
	Country              string   `json:"country"`
	City                 string   `json:"city"`
	Status               string   `json:"status"`
	Diligence            string   `json:"diligence"`
	ApprovedUntil        string   `json:"approved_until"`
	PerformanceCountries []string `json:"performance_countries"`
	StorageCountries     []string `json:"storage_countries"`
	Services             []string `json:"services"`
	OpenChanges          int      `json:"open_changes"`
}

func registryLine(e app.RegistryEntry) vendorLine {
	l := vendorLine{ID: e.Vendor.ID, Name: e.Vendor.Name, Country: e.Vendor.Country, City: e.City, Status: string(e.State),
		Diligence: string(e.Diligence), ApprovedUntil: string(e.Vendor.ApprovedUntil), OpenChanges: e.OpenChanges,
		PerformanceCountries: append([]string{}, e.PerformanceCountries...), StorageCountries: append([]string{}, e.StorageCountries...), Services: []string{}}
	for _, s := range e.Services {
		l.Services = append(l.Services, string(s))
	}
	return l
}

func (m *Main) printRegistry(es []app.RegistryEntry, asJSON bool) error {
	lines := make([]vendorLine, 0, len(es))
	for _, e := range es {
		lines = append(lines, registryLine(e))
	}
	if asJSON {
		enc := json.NewEncoder(m.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(lines)
	}
	tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tSTATUS\tDUE DILIGENCE\tWORK IN\tDATA IN\tSERVICES\tCHANGES TO REVIEW")
	for _, l := range lines {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%d\n", l.ID, l.Name, l.Status, l.Diligence, dash(strings.Join(l.PerformanceCountries, ",")),
			dash(strings.Join(l.StorageCountries, ",")), dash(strings.Join(l.Services, ",")), l.OpenChanges)
	}
	return tw.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func (m *Main) printVendor(p app.VendorPage, asJSON bool) error {
	pr := p.Profile
	if asJSON {
		type out struct {
			vendorLine
			LegalName      string                   `json:"legal_name"`
			Website        string                   `json:"website"`
			Description    string                   `json:"description"`
			Subcontractors []domain.Subcontractor   `json:"subcontractors"`
			Insurance      []domain.InsurancePolicy `json:"insurance"`
			Contacts       []domain.VendorContact   `json:"contacts"`
			People         []map[string]any         `json:"people"`
		}
		o := out{vendorLine: vendorLine{ID: p.Vendor.ID, Name: p.Vendor.Name, Country: pr.Country, City: pr.City, Status: string(pr.State),
			Diligence: string(p.Diligence), ApprovedUntil: string(p.Vendor.ApprovedUntil), PerformanceCountries: pr.PerformanceCountries,
			StorageCountries: pr.StorageCountries, OpenChanges: len(p.Changes), Services: []string{}},
			LegalName: pr.LegalName, Website: pr.Website, Description: pr.Description, Subcontractors: pr.Subcontractors, Insurance: pr.Insurance, Contacts: pr.Contacts}
		for _, s := range pr.Services {
			o.Services = append(o.Services, string(s))
		}
		for _, x := range p.Personnel {
			o.People = append(o.People, map[string]any{"user_id": x.User.ID, "name": x.User.Name, "state": x.Status.State, "reason": x.Status.Reason()})
		}
		enc := json.NewEncoder(m.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(o)
	}
	w := m.Stdout
	fmt.Fprintf(w, "%s (id %d)\n", p.Vendor.Name, p.Vendor.ID)
	if pr.LegalName != "" {
		fmt.Fprintf(w, "  Legal name:        %s\n", pr.LegalName)
	}
	fmt.Fprintf(w, "  Head office:       %s%s\n", strings.TrimPrefix(pr.City+", ", ", "), domain.CountryName(pr.Country))
	fmt.Fprintf(w, "  Status:            %s\n", pr.State.Label())
	fmt.Fprintf(w, "  Due diligence:     %s%s\n", p.Diligence.Label(), map[bool]string{true: " until " + string(p.Vendor.ApprovedUntil), false: ""}[p.Vendor.ApprovedUntil != ""])
	fmt.Fprintf(w, "  Work performed in: %s\n", dash(strings.Join(pr.PerformanceCountries, ", ")))
	fmt.Fprintf(w, "  Data stored in:    %s\n", dash(strings.Join(pr.StorageCountries, ", ")))
	var svc []string
	for _, s := range pr.Services {
		svc = append(svc, s.Label())
	}
	fmt.Fprintf(w, "  Services:          %s\n", dash(strings.Join(svc, ", ")))
	for _, s := range pr.Subcontractors {
		fmt.Fprintf(w, "  Subcontractor:     %s (%s): %s — %s\n", s.Name, s.Country, s.Work, s.Approval.Label())
	}
	for _, in := range pr.Insurance {
		fmt.Fprintf(w, "  Insurance:         %s, %s, %s, expires %s (%s)\n", in.Kind.Label(), in.Carrier, in.Limit, in.ExpiresOn, domain.ExpiryOn(in.ExpiresOn, p.Today).Label())
	}
	for _, c := range pr.Contacts {
		fmt.Fprintf(w, "  Contact:           %s, %s, %s %s\n", c.Name, c.Role, c.Email, c.Phone)
	}
	for _, c := range p.Changes {
		fmt.Fprintf(w, "  Change to review:  %s: %s → %s\n", c.Kind.Label(), c.Before, c.After)
	}
	for _, x := range p.Personnel {
		line := fmt.Sprintf("  Person:            %s — %s", x.User.Name, x.Status.State.Label())
		if r := x.Status.Reason(); r != "" {
			line += " (" + r + ")"
		}
		fmt.Fprintln(w, line)
	}
	return nil
}
