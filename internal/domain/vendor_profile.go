package domain

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// The vendor registry: what the firm knows of a vendor beyond its name and
// due-diligence state — where its people work and where it keeps data, what
// it offers, whom it subcontracts to, how it is insured and whom to call.

// VendorState is whether a vendor is in active use in the firm's registry.
type VendorState string

// Registry states.
const (
	VendorActive   VendorState = "active"
	VendorInactive VendorState = "inactive"
)

// Label says the state in plain words.
func (s VendorState) Label() string {
	if s == VendorInactive {
		return "Inactive"
	}
	return "Active"
}

// Services lists every service in display order.
var Services = []Service{ServiceDocumentReview, ServiceLegalResearch, ServiceDrafting, ServiceContractManagement,
	ServiceEDiscovery, ServiceBillingSupport, ServiceDocumentManagement}

// ParseService validates a service name.
func ParseService(field, s string) (Service, error) {
	for _, x := range Services {
		if string(x) == s {
			return x, nil
		}
	}
	return "", Invalid(field, "%q is not a service (one of document_review, legal_research, drafting, contract_management, ediscovery, billing_support, document_management)", s)
}

// Country kinds: where a vendor's people do the work, and where client data
// is stored (hosting, backups).
const (
	CountryPerformance = "performance"
	CountryStorage     = "storage"
)

// Approval is the firm's decision on a subcontractor (fourth party).
type Approval string

// Subcontractor decisions.
const (
	ApprovalPending  Approval = "pending"
	ApprovalApproved Approval = "approved"
	ApprovalRefused  Approval = "refused"
)

// Label says the decision in plain words.
func (a Approval) Label() string {
	switch a {
	case ApprovalApproved:
		return "Approved by the firm"
	case ApprovalRefused:
		return "Refused by the firm"
	}
	return "Waiting for the firm to approve"
}

// Subcontractor is a fourth party: someone the vendor passes work or data to.
type Subcontractor struct {
	ID        int64
	VendorID  int64
	Name      string
	Country   string // ISO 3166-1 alpha-2
	Work      string // what they do for the vendor
	Approval  Approval
	DecidedBy int64 // the firm user who approved or refused; 0 while pending
	DecidedAt time.Time
	Note      string // the firm's reason, if any
}

// InsuranceKind is a kind of insurance policy the firm asks vendors for.
type InsuranceKind string

// Insurance kinds.
const (
	InsuranceCyber        InsuranceKind = "cyber"
	InsuranceProfessional InsuranceKind = "professional" // professional indemnity, errors and omissions
)

// Label names the kind.
func (k InsuranceKind) Label() string {
	if k == InsuranceProfessional {
		return "Professional liability (E&O)"
	}
	return "Cyber liability"
}

// InsurancePolicy is one of the vendor's policies.
type InsurancePolicy struct {
	ID        int64
	Kind      InsuranceKind
	Carrier   string
	Limit     Money // per claim, in the policy's currency
	ExpiresOn Date
}

// VendorContact is a key person to call at the vendor.
type VendorContact struct {
	ID    int64
	Name  string
	Role  string // "Delivery manager", "Security officer", …
	Email string
	Phone string
}

// VendorProfile is a vendor's entry in the registry. LegalName and Country
// (the head office) are stored on the vendor itself.
type VendorProfile struct {
	VendorID             int64
	LegalName            string
	Country              string // head office, ISO 3166-1 alpha-2
	City                 string // head office
	RegistrationNumber   string // company registration (CIN, SEC number, …)
	Website              string
	Description          string
	State                VendorState
	PerformanceCountries []string // where the work is performed
	StorageCountries     []string // where client data is stored
	Services             []Service
	Subcontractors       []Subcontractor
	Insurance            []InsurancePolicy
	Contacts             []VendorContact
	UpdatedAt            time.Time
}

// Limits on a profile's lists and texts.
const (
	maxCountries      = 60
	maxProfileRows    = 25
	maxDescription    = 2000
	maxShortText      = 200
	ExpiryWarningDays = 30 // a date this close is shown as "expiring soon"
)

func text(field, s string, required bool, max int, what string) (string, error) {
	s = strings.TrimSpace(s)
	if required && s == "" {
		return "", Invalid(field, "%s is required", what)
	}
	if utf8.RuneCountInString(s) > max {
		return "", Invalid(field, "%s must be at most %d characters", what, max)
	}
	if strings.ContainsAny(s, "\x00") {
		return "", Invalid(field, "%s contains a character that cannot be stored", what)
	}
	return s, nil
}

// countries normalises a list of country codes: upper case, each once, sorted.
func countries(field string, in []string) ([]string, error) {
	out := []string{}
	for _, c := range in {
		if strings.TrimSpace(c) == "" {
			continue
		}
		code, err := ParseCountry(field, c)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(out, code) {
			out = append(out, code)
		}
	}
	if len(out) > maxCountries {
		return nil, Invalid(field, "at most %d countries", maxCountries)
	}
	slices.Sort(out)
	return out, nil
}

// Validate checks and normalises a profile before it is stored: country
// codes, services, dates, money limits, required names and lengths. Row
// fields are named like "subcontractors.2.name" (counting from 1).
func (p *VendorProfile) Validate() error {
	var err error
	if p.LegalName, err = text("legal_name", p.LegalName, false, maxShortText, "the legal name"); err != nil {
		return err
	}
	if p.Country, err = ParseCountry("country", p.Country); err != nil {
		return err
	}
	if p.City, err = text("city", p.City, false, 100, "the head-office city"); err != nil {
		return err
	}
	if p.RegistrationNumber, err = text("registration_number", p.RegistrationNumber, false, 100, "the registration number"); err != nil {
		return err
	}
	if p.Description, err = text("description", p.Description, false, maxDescription, "the description"); err != nil {
		return err
	}
	if p.Website, err = text("website", p.Website, false, maxShortText, "the website"); err != nil {
		return err
	}
	if p.Website != "" {
		u, perr := url.Parse(p.Website)
		if perr != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return Invalid("website", "the website must be an address starting with https:// (got %q)", p.Website)
		}
	}
	switch p.State {
	case VendorActive, VendorInactive:
	case "":
		p.State = VendorActive
	default:
		return Invalid("status", "%q is not a status (active or inactive)", p.State)
	}
	if p.PerformanceCountries, err = countries("performance_countries", p.PerformanceCountries); err != nil {
		return err
	}
	if p.StorageCountries, err = countries("storage_countries", p.StorageCountries); err != nil {
		return err
	}
	services := []Service{}
	for _, s := range p.Services {
		sv, err := ParseService("services", string(s))
		if err != nil {
			return err
		}
		if !slices.Contains(services, sv) {
			services = append(services, sv)
		}
	}
	slices.SortFunc(services, func(a, b Service) int { return slices.Index(Services, a) - slices.Index(Services, b) })
	p.Services = services
	if len(p.Subcontractors) > maxProfileRows || len(p.Insurance) > maxProfileRows || len(p.Contacts) > maxProfileRows {
		return Invalid("body", "at most %d subcontractors, insurance policies and contacts each", maxProfileRows)
	}
	seen := map[string]bool{}
	for i := range p.Subcontractors {
		s := &p.Subcontractors[i]
		f := fmt.Sprintf("subcontractors.%d.", i+1)
		if s.Name, err = text(f+"name", s.Name, true, maxShortText, "the subcontractor's name"); err != nil {
			return err
		}
		if s.Country, err = ParseCountry(f+"country", s.Country); err != nil {
			return err
		}
		if s.Work, err = text(f+"work", s.Work, true, 500, "what "+s.Name+" does"); err != nil {
			return err
		}
		key := strings.ToLower(s.Name)
		if seen[key] {
			return Invalid(f+"name", "%s is listed twice", s.Name)
		}
		seen[key] = true
		if s.Approval == "" {
			s.Approval = ApprovalPending
		}
	}
	for i := range p.Insurance {
		in := &p.Insurance[i]
		f := fmt.Sprintf("insurance.%d.", i+1)
		switch in.Kind {
		case InsuranceCyber, InsuranceProfessional:
		default:
			return Invalid(f+"kind", "%q is not a kind of insurance (cyber or professional)", in.Kind)
		}
		if in.Carrier, err = text(f+"carrier", in.Carrier, true, maxShortText, "the insurer"); err != nil {
			return err
		}
		c, cerr := ParseCurrency(string(in.Limit.Currency))
		if cerr != nil {
			return Invalid(f+"limit", "the limit's currency %q is not a supported ISO 4217 code", in.Limit.Currency)
		}
		in.Limit.Currency = c
		if in.Limit.Minor <= 0 {
			return Invalid(f+"limit", "the limit must be more than zero")
		}
		if in.Limit.Minor > 1_000_000_000_000_00 {
			return Invalid(f+"limit", "the limit is too large")
		}
		if in.ExpiresOn == "" {
			return Invalid(f+"expires_on", "say when the policy expires (YYYY-MM-DD)")
		}
		if _, err := ParseDate(f+"expires_on", string(in.ExpiresOn)); err != nil {
			return err
		}
	}
	for i := range p.Contacts {
		c := &p.Contacts[i]
		f := fmt.Sprintf("contacts.%d.", i+1)
		if c.Name, err = text(f+"name", c.Name, true, maxShortText, "the contact's name"); err != nil {
			return err
		}
		if c.Role, err = text(f+"role", c.Role, false, 100, "the contact's role"); err != nil {
			return err
		}
		if strings.TrimSpace(c.Email) != "" {
			e, err := NormalizeEmail(c.Email)
			if err != nil {
				return Invalid(f+"email", "%q is not an email address", c.Email)
			}
			c.Email = e
		} else {
			c.Email = ""
		}
		if c.Phone, err = text(f+"phone", c.Phone, false, 40, "the phone number"); err != nil {
			return err
		}
		if strings.Trim(c.Phone, "0123456789 +-().") != "" {
			return Invalid(f+"phone", "a phone number has digits, spaces and + - ( ) . only")
		}
		if c.Email == "" && c.Phone == "" {
			return Invalid(f+"email", "give an email or a phone number for %s", c.Name)
		}
	}
	return nil
}

// DateState is how a dated thing (a policy, a training) stands today.
type DateState string

// Date states.
const (
	DateCurrent  DateState = "current"
	DateExpiring DateState = "expiring" // within ExpiryWarningDays
	DateExpired  DateState = "expired"
)

// Label says the state in plain words.
func (s DateState) Label() string {
	switch s {
	case DateExpired:
		return "Expired"
	case DateExpiring:
		return "Expires soon"
	}
	return "Current"
}

// ExpiryOn says whether something that expires on d is current, expiring
// within ExpiryWarningDays, or expired on today. It is valid on its expiry
// day itself.
func ExpiryOn(d, today Date) DateState {
	switch {
	case d == "":
		return DateCurrent
	case d < today:
		return DateExpired
	case d <= DateOf(today.Time().AddDate(0, 0, ExpiryWarningDays)):
		return DateExpiring
	}
	return DateCurrent
}

// ChangeKind is what changed in a vendor's profile that the firm must see.
type ChangeKind string

// Flagged changes: they can call for the clients' consent again.
const (
	ChangeCountries      ChangeKind = "countries"
	ChangeSubcontractors ChangeKind = "subcontractors"
)

// Label names the change.
func (k ChangeKind) Label() string {
	if k == ChangeSubcontractors {
		return "Subcontractors changed"
	}
	return "Countries changed"
}

// VendorChange is a flagged change to a vendor's countries or subcontractors,
// waiting for the firm to acknowledge it.
type VendorChange struct {
	ID               int64
	VendorID         int64
	Kind             ChangeKind
	Before, After    string // plain summaries
	RaisedBy         int64
	RaisedByName     string
	RaisedAt         time.Time
	AcknowledgedBy   int64
	AcknowledgedName string
	AcknowledgedAt   time.Time // zero while unacknowledged
}

// Acknowledged reports whether the firm has acknowledged the change.
func (c VendorChange) Acknowledged() bool { return !c.AcknowledgedAt.IsZero() }

// CountrySummary describes where work is performed and data is stored.
func (p VendorProfile) CountrySummary() string {
	list := func(cs []string) string {
		if len(cs) == 0 {
			return "none recorded"
		}
		return strings.Join(cs, ", ")
	}
	return "work performed in " + list(p.PerformanceCountries) + "; data stored in " + list(p.StorageCountries)
}

// SubcontractorSummary lists the subcontractors and their countries.
func (p VendorProfile) SubcontractorSummary() string {
	if len(p.Subcontractors) == 0 {
		return "no subcontractors"
	}
	var parts []string
	for _, s := range p.Subcontractors {
		parts = append(parts, fmt.Sprintf("%s (%s: %s)", s.Name, s.Country, s.Work))
	}
	return strings.Join(parts, "; ")
}
