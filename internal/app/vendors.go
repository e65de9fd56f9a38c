package app

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/probity/probity/internal/conflicts"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// The vendor registry: firm administrators add vendors; vendor managers keep
// their own organisation's profile (and firm administrators any vendor's);
// changes to countries or subcontractors are flagged to the firm, which
// acknowledges them and approves or refuses each subcontractor.

// NewVendor is the input of CreateVendor.
type NewVendor struct {
	Name        string
	LegalName   string
	Country     string // head office, ISO 3166-1 alpha-2
	Currency    string // ISO 4217: what the vendor bills in
	City        string
	Website     string
	Description string
}

// CreateVendor adds a vendor to the registry, pending due diligence. Only
// firm administrators (and the operator) may. A name equal to an existing
// vendor's (case aside), or one that normalises to the same words (legal
// form, punctuation, diacritics and word order aside), is refused.
func (a *App) CreateVendor(ctx context.Context, actor domain.User, in NewVendor) (domain.Vendor, error) {
	if err := require(actor, ManageVendors); err != nil {
		return domain.Vendor{}, err
	}
	country, err := domain.ParseCountry("country", in.Country)
	if err != nil {
		return domain.Vendor{}, err
	}
	v := domain.Vendor{Name: in.Name, LegalName: strings.TrimSpace(in.LegalName), Country: country, Currency: domain.Currency(in.Currency), Diligence: domain.DiligencePending}
	if err := v.Validate(); err != nil {
		return domain.Vendor{}, err
	}
	p := domain.VendorProfile{LegalName: v.LegalName, Country: v.Country, City: in.City, Website: in.Website, Description: in.Description}
	if err := p.Validate(); err != nil {
		return domain.Vendor{}, err
	}
	err = a.Store.Write(ctx, func(tx *store.Tx) error {
		existing, err := tx.VendorNames(ctx)
		if err != nil {
			return err
		}
		if err := duplicateVendor(existing, v.Name, v.LegalName); err != nil {
			return err
		}
		if err := tx.CreateVendor(ctx, &v, a.Now()); err != nil {
			if domain.ErrorCode(err) == domain.EConflict {
				return &domain.Error{Code: domain.EConflict, Field: "name", Message: fmt.Sprintf("a vendor named %q already exists", v.Name)}
			}
			return err
		}
		p.VendorID = v.ID
		if err := tx.SaveVendorProfile(ctx, p, a.Now()); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, Record{Action: "vendor.create", ObjectType: "vendor", ObjectID: v.ID,
			Summary: fmt.Sprintf("added %s (%s, bills in %s) to the vendor registry, pending due diligence", v.Name, domain.CountryName(v.Country), v.Currency)})
	})
	return v, err
}

// duplicateVendor refuses a name (or legal name) that an existing vendor
// already has, exactly or once normalised.
func duplicateVendor(existing []domain.Vendor, name, legal string) error {
	for _, e := range existing {
		if strings.EqualFold(strings.TrimSpace(e.Name), name) {
			return &domain.Error{Code: domain.EConflict, Field: "name", Message: fmt.Sprintf("a vendor named %q already exists", e.Name)}
		}
	}
	keyOf := func(s string) string {
		if strings.TrimSpace(s) == "" {
			return ""
		}
		return conflicts.Normalize(s).Sorted()
	}
	for _, in := range []struct{ field, name string }{{"name", name}, {"legal_name", legal}} {
		k := keyOf(in.name)
		if k == "" {
			continue
		}
		for _, e := range existing {
			if k == keyOf(e.Name) || k == keyOf(e.LegalName) {
				return &domain.Error{Code: domain.EConflict, Field: in.field, Message: fmt.Sprintf(
					"%q looks like the existing vendor %q (the names match once case, punctuation, legal form and word order are set aside); if it is the same organisation, use that one", in.name, e.Name)}
			}
		}
	}
	return nil
}

// VendorPage is a vendor's page: its profile and the frame of its
// scorecard. What a viewer may not see is left empty: client contacts see
// the profile's countries, services and subcontractors only; a vendor
// professional sees only their own personnel record.
type VendorPage struct {
	VendorView
	Diligence domain.Diligence
	Profile   domain.VendorProfile
	Changes   []domain.VendorChange // unacknowledged, newest first
	Personnel []PersonStatus
	Full      bool // insurance, contacts, changes and people are shown
	CanEdit   bool // may edit the profile and personnel records
	CanReview bool // may acknowledge changes, decide on subcontractors, verify bar admissions
	Today     domain.Date
}

// PersonStatus is a vendor user with their personnel record and standing today.
type PersonStatus struct {
	store.PersonnelEntry
	Status domain.PersonnelStatus
}

// VendorPageOf gathers a vendor's page for the actor; not found outside scope.
func (a *App) VendorPageOf(ctx context.Context, actor domain.User, id int64) (VendorPage, error) {
	var p VendorPage
	var err error
	if p.VendorView, err = a.Vendor(ctx, actor, id); err != nil {
		return p, err
	}
	p.Today = domain.DateOf(a.Now())
	p.Diligence = p.Vendor.DiligenceOn(p.Today)
	p.Full = actor.Role.IsFirm() || (actor.Role.IsVendor() && actor.VendorID == id)
	p.CanEdit = Can(actor, MaintainVendor)
	p.CanReview = Can(actor, ReviewVendorChanges)
	err = a.Store.Read(ctx, func(tx *store.Tx) error {
		if p.Profile, err = tx.VendorProfile(ctx, id); err != nil {
			return err
		}
		if !p.Full {
			p.Profile.Insurance, p.Profile.Contacts, p.Profile.RegistrationNumber = nil, nil, ""
			return nil
		}
		if p.Changes, err = tx.VendorChanges(ctx, id, true); err != nil {
			return err
		}
		p.Personnel, err = a.personnelOf(ctx, tx, actor, id)
		return err
	})
	return p, err
}

// VendorProfile returns a vendor's profile as VendorPageOf shapes it.
func (a *App) VendorProfile(ctx context.Context, actor domain.User, id int64) (VendorPage, error) {
	return a.VendorPageOf(ctx, actor, id)
}

// RegistryEntry is a vendor in the registry list.
type RegistryEntry struct {
	VendorStatus
	store.RegistrySummary
}

// Registry lists vendors with their registry summary (status, countries,
// services, unacknowledged changes).
func (a *App) Registry(ctx context.Context, actor domain.User, p store.Page) ([]RegistryEntry, error) {
	vs, err := a.Vendors(ctx, actor, p)
	if err != nil {
		return nil, err
	}
	var sums map[int64]store.RegistrySummary
	if err := a.Store.Read(ctx, func(tx *store.Tx) (err error) {
		sums, err = tx.RegistrySummaries(ctx)
		return err
	}); err != nil {
		return nil, err
	}
	out := make([]RegistryEntry, 0, len(vs))
	for _, s := range a.VendorStatuses(vs) {
		e := RegistryEntry{VendorStatus: s, RegistrySummary: sums[s.Vendor.ID]}
		if !actor.Role.IsFirm() {
			e.OpenChanges = 0
		}
		out = append(out, e)
	}
	return out, nil
}

// maintainedVendor loads a vendor the actor may maintain: in scope (else
// not found) and with the capability (else forbidden).
func maintainedVendor(ctx context.Context, tx *store.Tx, actor domain.User, id int64) (domain.Vendor, error) {
	v, err := tx.Vendor(ctx, ScopeFor(actor), id)
	if err != nil {
		return v, err
	}
	if err := require(actor, MaintainVendor); err != nil {
		return v, err
	}
	if actor.Role.IsVendor() && actor.VendorID != id {
		return v, domain.NotFound("vendor")
	}
	return v, nil
}

// UpdateVendorProfile replaces a vendor's profile. Vendor managers may
// update their own organisation's, firm administrators any. A change to the
// countries or the subcontractors raises a flag for the firm (one per kind);
// a new subcontractor, or one whose country changed, waits for the firm's
// approval. Only the firm changes a vendor's registry status.
func (a *App) UpdateVendorProfile(ctx context.Context, actor domain.User, id int64, in domain.VendorProfile) error {
	return a.Store.Write(ctx, func(tx *store.Tx) error {
		v, err := maintainedVendor(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		old, err := tx.VendorProfile(ctx, id)
		if err != nil {
			return err
		}
		in.VendorID = id
		if in.State == "" {
			in.State = old.State
		}
		if in.State != old.State && !Can(actor, ManageVendors) {
			return domain.Errorf(domain.EForbidden, "only the firm changes a vendor's status in the registry")
		}
		if err := in.Validate(); err != nil {
			return err
		}
		in.Subcontractors = mergeSubcontractors(old.Subcontractors, in.Subcontractors)
		changed := profileChanges(old, in)
		if len(changed) == 0 {
			return nil
		}
		now := a.Now()
		if err := tx.SaveVendorProfile(ctx, in, now); err != nil {
			return err
		}
		if err := tx.SyncSubcontractors(ctx, id, in.Subcontractors, now); err != nil {
			return err
		}
		var flags []string
		if before, after := old.CountrySummary(), in.CountrySummary(); before != after {
			if err := tx.RaiseVendorChange(ctx, &domain.VendorChange{VendorID: id, Kind: domain.ChangeCountries, Before: before, After: after, RaisedBy: actor.ID, RaisedAt: now}); err != nil {
				return err
			}
			flags = append(flags, "countries")
		}
		if before, after := old.SubcontractorSummary(), in.SubcontractorSummary(); before != after {
			if err := tx.RaiseVendorChange(ctx, &domain.VendorChange{VendorID: id, Kind: domain.ChangeSubcontractors, Before: before, After: after, RaisedBy: actor.ID, RaisedAt: now}); err != nil {
				return err
			}
			flags = append(flags, "subcontractors")
		}
		if len(flags) > 0 {
			if err := a.staleConsentsOnProfileChange(ctx, tx, actor, v, old, in); err != nil {
				return err
			}
		}
		summary := fmt.Sprintf("updated the profile of %s: %s", v.Name, strings.Join(changed, "; "))
		if len(flags) > 0 {
			summary += fmt.Sprintf(" (change to %s flagged to the firm)", strings.Join(flags, " and "))
		}
		return a.audit(ctx, tx, actor, Record{Action: "vendor.profile_update", ObjectType: "vendor", ObjectID: id, Summary: clip(summary, 2000)})
	})
}

// mergeSubcontractors carries the firm's decision over to the new list: a
// subcontractor is the same one when its name matches (case aside); it keeps
// its approval unless its country changed. The input's own approval fields
// are ignored: only the firm decides.
func mergeSubcontractors(old, in []domain.Subcontractor) []domain.Subcontractor {
	out := make([]domain.Subcontractor, 0, len(in))
	for _, s := range in {
		n := domain.Subcontractor{Name: s.Name, Country: s.Country, Work: s.Work, Approval: domain.ApprovalPending}
		for _, o := range old {
			if strings.EqualFold(o.Name, s.Name) {
				n.ID, n.VendorID = o.ID, o.VendorID
				if o.Country == s.Country {
					n.Approval, n.DecidedBy, n.DecidedAt, n.Note = o.Approval, o.DecidedBy, o.DecidedAt, o.Note
				}
			}
		}
		out = append(out, n)
	}
	slices.SortFunc(out, func(a, b domain.Subcontractor) int {
		return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
	})
	return out
}

// profileChanges says, field by field, what differs between two profiles.
func profileChanges(old, in domain.VendorProfile) []string {
	var out []string
	field := func(what, before, after string) {
		if before != after {
			if before == "" {
				before = "—"
			}
			if after == "" {
				after = "—"
			}
			out = append(out, fmt.Sprintf("%s %s → %s", what, clip(before, 80), clip(after, 80)))
		}
	}
	field("legal name", old.LegalName, in.LegalName)
	field("head office", old.Country, in.Country)
	field("city", old.City, in.City)
	field("registration number", old.RegistrationNumber, in.RegistrationNumber)
	field("website", old.Website, in.Website)
	if old.Description != in.Description {
		out = append(out, "description")
	}
	field("status", string(old.State), string(in.State))
	field("work performed in", strings.Join(old.PerformanceCountries, ", "), strings.Join(in.PerformanceCountries, ", "))
	field("data stored in", strings.Join(old.StorageCountries, ", "), strings.Join(in.StorageCountries, ", "))
	svc := func(ss []domain.Service) string {
		var n []string
		for _, s := range ss {
			n = append(n, s.Label())
		}
		return strings.Join(n, ", ")
	}
	field("services", svc(old.Services), svc(in.Services))
	if old.SubcontractorSummary() != in.SubcontractorSummary() {
		out = append(out, "subcontractors: "+clip(in.SubcontractorSummary(), 300))
	}
	ins := func(ps []domain.InsurancePolicy) string {
		var n []string
		for _, p := range ps {
			n = append(n, fmt.Sprintf("%s with %s, %s, expires %s", p.Kind.Label(), p.Carrier, p.Limit, p.ExpiresOn))
		}
		return strings.Join(n, "; ")
	}
	if ins(old.Insurance) != ins(in.Insurance) {
		out = append(out, fmt.Sprintf("insurance: %d polic%s", len(in.Insurance), map[bool]string{true: "y", false: "ies"}[len(in.Insurance) == 1]))
	}
	con := func(cs []domain.VendorContact) string {
		var n []string
		for _, c := range cs {
			n = append(n, c.Name+"|"+c.Role+"|"+c.Email+"|"+c.Phone)
		}
		return strings.Join(n, ";")
	}
	if con(old.Contacts) != con(in.Contacts) {
		out = append(out, fmt.Sprintf("contacts: %d", len(in.Contacts)))
	}
	return out
}

// clip shortens s to at most n characters.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// reviewedVendor loads a vendor for the firm's review: in scope (else not
// found), by an administrator or attorney (else forbidden).
func reviewedVendor(ctx context.Context, tx *store.Tx, actor domain.User, id int64) (domain.Vendor, error) {
	v, err := tx.Vendor(ctx, ScopeFor(actor), id)
	if err != nil {
		return v, err
	}
	return v, require(actor, ReviewVendorChanges)
}

// DecideSubcontractor records the firm's approval or refusal of one of a
// vendor's subcontractors; a refusal needs a reason. Firm administrators and
// attorneys decide.
func (a *App) DecideSubcontractor(ctx context.Context, actor domain.User, vendorID, subID int64, decision domain.Approval, note string) error {
	note = strings.TrimSpace(note)
	switch {
	case decision != domain.ApprovalApproved && decision != domain.ApprovalRefused:
		return domain.Invalid("decision", "the decision must be approved or refused")
	case subID <= 0:
		return domain.Invalid("subcontractor_id", "choose a subcontractor")
	case utf8.RuneCountInString(note) > 1000:
		return domain.Invalid("note", "the note must be at most 1000 characters")
	case decision == domain.ApprovalRefused && note == "":
		return domain.Invalid("note", "say why the subcontractor is refused; the vendor sees it")
	}
	return a.Store.Write(ctx, func(tx *store.Tx) error {
		v, err := reviewedVendor(ctx, tx, actor, vendorID)
		if err != nil {
			return err
		}
		s, err := tx.Subcontractor(ctx, vendorID, subID)
		if err != nil {
			return err
		}
		if s.Approval == decision {
			return domain.Errorf(domain.EConflict, "%s is already %s", s.Name, decision)
		}
		if err := tx.DecideSubcontractor(ctx, vendorID, subID, decision, actor.ID, note, a.Now()); err != nil {
			return err
		}
		verb := "approved"
		if decision == domain.ApprovalRefused {
			verb = "refused"
		}
		summary := fmt.Sprintf("%s %s (%s: %s) as a subcontractor of %s", verb, s.Name, s.Country, clip(s.Work, 100), v.Name)
		if note != "" {
			summary += ": " + note
		}
		return a.audit(ctx, tx, actor, Record{Action: "vendor.subcontractor_" + verb, ObjectType: "vendor", ObjectID: vendorID, Summary: summary})
	})
}

// AcknowledgeVendorChange records that the firm has seen a flagged change
// to a vendor's countries or subcontractors. Firm administrators and
// attorneys acknowledge.
func (a *App) AcknowledgeVendorChange(ctx context.Context, actor domain.User, vendorID, changeID int64) error {
	if changeID <= 0 {
		return domain.Invalid("change_id", "choose a change to acknowledge")
	}
	return a.Store.Write(ctx, func(tx *store.Tx) error {
		v, err := reviewedVendor(ctx, tx, actor, vendorID)
		if err != nil {
			return err
		}
		changes, err := tx.VendorChanges(ctx, vendorID, false)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(changes, func(c domain.VendorChange) bool { return c.ID == changeID })
		if i < 0 {
			return domain.NotFound("change")
		}
		if err := tx.AcknowledgeVendorChange(ctx, vendorID, changeID, actor.ID, a.Now()); err != nil {
			return err
		}
		c := changes[i]
		return a.audit(ctx, tx, actor, Record{Action: "vendor.change_acknowledge", ObjectType: "vendor", ObjectID: vendorID,
			Summary: clip(fmt.Sprintf("acknowledged the change to %s's %s: %s → %s", v.Name, c.Kind, c.Before, c.After), 2000)})
	})
}

// OpenVendorChanges lists a vendor's unacknowledged changes (for the firm's
// later client re-consent). Firm users only.
func (a *App) OpenVendorChanges(ctx context.Context, actor domain.User, vendorID int64) ([]domain.VendorChange, error) {
	if !actor.Role.IsFirm() || actor.Disabled {
		return nil, domain.Errorf(domain.EForbidden, "your role (%s) does not allow this", actor.Role.Label())
	}
	var out []domain.VendorChange
	err := a.Store.Read(ctx, func(tx *store.Tx) error {
		if _, err := tx.Vendor(ctx, ScopeFor(actor), vendorID); err != nil {
			return err
		}
		var err error
		out, err = tx.VendorChanges(ctx, vendorID, true)
		return err
	})
	return out, err
}
