package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// Personnel records: the vendor manager keeps their own people's records
// (firm administrators may too); the firm verifies bar admissions; a vendor
// professional sees their own. An NDA or training that has lapsed blocks the
// person from engagement work until renewed (personnelClear).

// PersonnelView is one person's record as its page shows it.
type PersonnelView struct {
	Vendor    domain.Vendor
	User      domain.User
	Personnel domain.Personnel
	Recorded  bool // false until someone records it
	Status    domain.PersonnelStatus
	Verifiers map[int64]string // names of the firm users who verified bar admissions
	Managers  []string         // the vendor's active managers, who keep the record
	CanEdit   bool
	CanVerify bool
	Today     domain.Date
}

// personTarget loads a vendor and one of its users for personnel work:
// the vendor in the actor's scope, the user one of its people, and for a
// vendor professional only themselves (anything else is not found).
// Client contacts may not see personnel at all.
func personTarget(ctx context.Context, tx *store.Tx, actor domain.User, vendorID, userID int64) (domain.Vendor, domain.User, error) {
	if err := require(actor, ViewVendors); err != nil {
		return domain.Vendor{}, domain.User{}, err
	}
	v, err := tx.Vendor(ctx, ScopeFor(actor), vendorID)
	if err != nil {
		return v, domain.User{}, err
	}
	u, err := tx.User(ctx, userID)
	if err != nil || u.VendorID != vendorID || !u.Role.IsVendor() ||
		(actor.Role == domain.RoleVendorProfessional && actor.ID != u.ID) {
		return v, u, domain.NotFound("personnel record")
	}
	return v, u, nil
}

// loadPersonnel reads a person's record; a missing one is an empty record.
func loadPersonnel(ctx context.Context, tx *store.Tx, userID int64) (domain.Personnel, bool, error) {
	p, err := tx.Personnel(ctx, userID)
	switch domain.ErrorCode(err) {
	case "":
		return p, true, nil
	case domain.ENotFound:
		bars, err := tx.VerifiedBarAdmissions(ctx, userID)
		return domain.Personnel{UserID: userID, BarAdmissions: bars}, false, err
	}
	return p, false, err
}

// managerNames lists the vendor's active managers other than except.
func managerNames(ctx context.Context, tx *store.Tx, vendorID, except int64) ([]string, error) {
	us, err := tx.ListUsers(ctx, store.UserFilter{Role: domain.RoleVendorManager, VendorID: vendorID, Page: store.Page{Limit: store.MaxPageSize}})
	var out []string
	for _, u := range us {
		if !u.Disabled && u.ID != except {
			out = append(out, u.Name)
		}
	}
	return out, err
}

// Personnel returns one person's record.
func (a *App) Personnel(ctx context.Context, actor domain.User, vendorID, userID int64) (PersonnelView, error) {
	var v PersonnelView
	v.Today = domain.DateOf(a.Now())
	err := a.Store.Read(ctx, func(tx *store.Tx) error {
		var err error
		if v.Vendor, v.User, err = personTarget(ctx, tx, actor, vendorID, userID); err != nil {
			return err
		}
		if v.Personnel, v.Recorded, err = loadPersonnel(ctx, tx, userID); err != nil {
			return err
		}
		v.Status = v.Personnel.PersonnelStatus(v.Today)
		v.Verifiers = map[int64]string{}
		for _, b := range v.Personnel.BarAdmissions {
			if b.VerifiedBy != 0 {
				if u, err := tx.User(ctx, b.VerifiedBy); err == nil {
					v.Verifiers[b.VerifiedBy] = u.Name
				}
			}
		}
		v.Managers, err = managerNames(ctx, tx, vendorID, 0)
		return err
	})
	v.CanEdit = Can(actor, MaintainVendor)
	v.CanVerify = Can(actor, ReviewVendorChanges)
	return v, err
}

// VendorPersonnel lists a vendor's people with their standing today: every
// one for firm users and the vendor's manager, only themselves for a vendor
// professional. Client contacts may not.
func (a *App) VendorPersonnel(ctx context.Context, actor domain.User, vendorID int64) ([]PersonStatus, error) {
	if err := require(actor, ViewVendors); err != nil {
		return nil, err
	}
	var out []PersonStatus
	err := a.Store.Read(ctx, func(tx *store.Tx) error {
		if _, err := tx.Vendor(ctx, ScopeFor(actor), vendorID); err != nil {
			return err
		}
		var err error
		out, err = a.personnelOf(ctx, tx, actor, vendorID)
		return err
	})
	return out, err
}

func (a *App) personnelOf(ctx context.Context, tx *store.Tx, actor domain.User, vendorID int64) ([]PersonStatus, error) {
	today := domain.DateOf(a.Now())
	list, err := tx.VendorPersonnel(ctx, vendorID)
	if err != nil {
		return nil, err
	}
	out := []PersonStatus{}
	for _, e := range list {
		if actor.Role == domain.RoleVendorProfessional && e.User.ID != actor.ID {
			continue
		}
		out = append(out, PersonStatus{PersonnelEntry: e, Status: e.Personnel.PersonnelStatus(today)})
	}
	return out, nil
}

// UpdatePersonnel replaces a person's record and bar admissions. The
// vendor's manager keeps their own people's records; firm administrators
// may too. A bar admission whose number, status or admission date changed
// must be verified by the firm again.
func (a *App) UpdatePersonnel(ctx context.Context, actor domain.User, vendorID, userID int64, in domain.Personnel) error {
	today := domain.DateOf(a.Now())
	return a.Store.Write(ctx, func(tx *store.Tx) error {
		_, u, err := personTarget(ctx, tx, actor, vendorID, userID)
		if err != nil {
			return err
		}
		if err := require(actor, MaintainVendor); err != nil {
			return err
		}
		in.UserID = userID
		if err := in.Validate(today); err != nil {
			return err
		}
		old, recorded, err := loadPersonnel(ctx, tx, userID)
		if err != nil {
			return err
		}
		in.BarAdmissions = mergeBarAdmissions(old.BarAdmissions, in.BarAdmissions)
		changed := personnelChanges(old, in)
		if recorded && len(changed) == 0 {
			return nil
		}
		if err := tx.SavePersonnel(ctx, in, actor.ID, a.Now()); err != nil {
			return err
		}
		if err := tx.SyncBarAdmissions(ctx, userID, in.BarAdmissions); err != nil {
			return err
		}
		st := in.PersonnelStatus(today)
		summary := fmt.Sprintf("updated the personnel record of %s", u.Name)
		if len(changed) > 0 {
			summary += ": " + strings.Join(changed, "; ")
		}
		summary += "; now " + strings.ToLower(st.State.Label())
		if st.State == domain.PersonnelBlocked {
			summary += " (" + st.Reason() + ")"
		}
		return a.audit(ctx, tx, actor, Record{Action: "personnel.update", ObjectType: "user", ObjectID: userID, Summary: clip(summary, 2000)})
	})
}

// mergeBarAdmissions matches admissions by jurisdiction (case aside) and
// keeps the firm's verification only where nothing it vouched for changed.
func mergeBarAdmissions(old, in []domain.BarAdmission) []domain.BarAdmission {
	out := make([]domain.BarAdmission, 0, len(in))
	for _, b := range in {
		n := domain.BarAdmission{Jurisdiction: b.Jurisdiction, Number: b.Number, Status: b.Status, AdmittedOn: b.AdmittedOn}
		for _, o := range old {
			if strings.EqualFold(o.Jurisdiction, b.Jurisdiction) {
				n.ID, n.UserID = o.ID, o.UserID
				if o.Jurisdiction == b.Jurisdiction && o.Number == b.Number && o.Status == b.Status && o.AdmittedOn == b.AdmittedOn {
					n.VerifiedOn, n.VerifiedBy = o.VerifiedOn, o.VerifiedBy
				}
			}
		}
		out = append(out, n)
	}
	return out
}

// personnelChanges says what differs between two records.
func personnelChanges(old, in domain.Personnel) []string {
	var out []string
	field := func(what, before, after string) {
		if before != after {
			if after == "" {
				after = "—"
			}
			out = append(out, fmt.Sprintf("%s %s", what, clip(after, 80)))
		}
	}
	field("position", old.Position, in.Position)
	field("education", old.Education, in.Education)
	field("experience (years)", fmt.Sprint(old.ExperienceYears), fmt.Sprint(in.ExperienceYears))
	field("background check", string(old.BackgroundCheck), string(in.BackgroundCheck))
	field("NDA signed", string(old.NDASigned), string(in.NDASigned))
	field("NDA expires", string(old.NDAExpires), string(in.NDAExpires))
	field("confidentiality training completed", string(old.ConfidentialityDone), string(in.ConfidentialityDone))
	field("confidentiality training expires", string(old.ConfidentialityExpires), string(in.ConfidentialityExpires))
	field("ethics training completed", string(old.EthicsDone), string(in.EthicsDone))
	field("ethics training expires", string(old.EthicsExpires), string(in.EthicsExpires))
	bars := func(bs []domain.BarAdmission) string {
		var n []string
		for _, b := range bs {
			n = append(n, fmt.Sprintf("%s %s (%s)", b.Jurisdiction, b.Number, b.Status))
		}
		return strings.Join(n, ", ")
	}
	field("bar admissions", bars(old.BarAdmissions), bars(in.BarAdmissions))
	return out
}

// VerifyBarAdmission records that the firm checked a person's admission in
// a jurisdiction with the admitting authority, on a day (today when none is
// given). Firm administrators and attorneys verify.
func (a *App) VerifyBarAdmission(ctx context.Context, actor domain.User, vendorID, userID int64, jurisdiction string, on domain.Date) error {
	today := domain.DateOf(a.Now())
	jurisdiction = strings.TrimSpace(jurisdiction)
	if jurisdiction == "" {
		return domain.Invalid("jurisdiction", "choose the bar admission to verify")
	}
	d, err := domain.ParseDate("verified_on", strings.TrimSpace(string(on)))
	if err != nil {
		return err
	}
	if d == "" {
		d = today
	}
	if d > today {
		return domain.Invalid("verified_on", "%s is in the future", d)
	}
	return a.Store.Write(ctx, func(tx *store.Tx) error {
		_, u, err := personTarget(ctx, tx, actor, vendorID, userID)
		if err != nil {
			return err
		}
		if err := require(actor, ReviewVendorChanges); err != nil {
			return err
		}
		b, err := tx.VerifyBarAdmission(ctx, userID, jurisdiction, d, actor.ID)
		if err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, Record{Action: "personnel.bar_verify", ObjectType: "user", ObjectID: userID,
			Summary: fmt.Sprintf("verified the bar admission of %s in %s (number %s, %s) on %s", u.Name, b.Jurisdiction, b.Number, b.Status, d)})
	})
}
