package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/probity/probity/internal/domain"
)

// The vendor registry: a vendor's profile, countries, services,
// subcontractors, insurance, contacts and flagged changes. Callers check
// scope first (Tx.Vendor); these look vendors up by id alone.

// VendorNames lists every vendor's id, name and legal name, for the
// duplicate check when a vendor is created.
func (tx *Tx) VendorNames(ctx context.Context) ([]domain.Vendor, error) {
	rows, err := tx.query(ctx, `SELECT id, name, legal_name FROM vendors ORDER BY id`)
	return collect(rows, err, func(r *sql.Rows) (v domain.Vendor, err error) {
		err = r.Scan(&v.ID, &v.Name, &v.LegalName)
		return v, err
	})
}

// VendorProfile loads a vendor's registry entry with every list.
func (tx *Tx) VendorProfile(ctx context.Context, vendorID int64) (domain.VendorProfile, error) {
	p := domain.VendorProfile{VendorID: vendorID}
	var updated int64
	var state string
	err := tx.queryRow(ctx, `SELECT legal_name, country, city, registration_number, website, description, status, updated_at FROM vendors WHERE id = $1`, vendorID).
		Scan(&p.LegalName, &p.Country, &p.City, &p.RegistrationNumber, &p.Website, &p.Description, &state, &updated)
	if err != nil {
		return p, one(err, "vendor")
	}
	p.State = domain.VendorState(state)
	if updated != 0 {
		p.UpdatedAt = fromUS(updated)
	}
	p.PerformanceCountries, p.StorageCountries = []string{}, []string{}
	rows, err := tx.query(ctx, `SELECT kind, country FROM vendor_countries WHERE vendor_id = $1 ORDER BY kind, country`, vendorID)
	type kc struct{ kind, country string }
	cs, err := collect(rows, err, func(r *sql.Rows) (x kc, err error) { err = r.Scan(&x.kind, &x.country); return x, err })
	if err != nil {
		return p, err
	}
	for _, c := range cs {
		if c.kind == domain.CountryStorage {
			p.StorageCountries = append(p.StorageCountries, c.country)
		} else {
			p.PerformanceCountries = append(p.PerformanceCountries, c.country)
		}
	}
	rows, err = tx.query(ctx, `SELECT service FROM vendor_services WHERE vendor_id = $1`, vendorID)
	svc, err := collect(rows, err, func(r *sql.Rows) (s domain.Service, err error) { err = r.Scan(&s); return s, err })
	if err != nil {
		return p, err
	}
	for _, s := range domain.Services { // display order
		for _, x := range svc {
			if x == s {
				p.Services = append(p.Services, s)
			}
		}
	}
	if p.Subcontractors, err = tx.Subcontractors(ctx, vendorID); err != nil {
		return p, err
	}
	rows, err = tx.query(ctx, `SELECT id, kind, carrier, limit_minor, limit_currency, expires_on FROM vendor_insurance WHERE vendor_id = $1 ORDER BY position`, vendorID)
	if p.Insurance, err = collect(rows, err, func(r *sql.Rows) (i domain.InsurancePolicy, err error) {
		err = r.Scan(&i.ID, &i.Kind, &i.Carrier, &i.Limit.Minor, &i.Limit.Currency, &i.ExpiresOn)
		return i, err
	}); err != nil {
		return p, err
	}
	rows, err = tx.query(ctx, `SELECT id, name, role, email, phone FROM vendor_contacts WHERE vendor_id = $1 ORDER BY position`, vendorID)
	p.Contacts, err = collect(rows, err, func(r *sql.Rows) (c domain.VendorContact, err error) {
		err = r.Scan(&c.ID, &c.Name, &c.Role, &c.Email, &c.Phone)
		return c, err
	})
	return p, err
}

// SaveVendorProfile writes a validated profile: the vendor's own columns,
// and its countries, services, insurance and contacts replaced whole. The
// subcontractors are synchronised by SyncSubcontractors.
func (tx *Tx) SaveVendorProfile(ctx context.Context, p domain.VendorProfile, now time.Time) error {
	r, err := tx.exec(ctx, `UPDATE vendors SET legal_name = $1, country = $2, city = $3, registration_number = $4, website = $5, description = $6, status = $7, updated_at = $8 WHERE id = $9`,
		p.LegalName, p.Country, p.City, p.RegistrationNumber, p.Website, p.Description, string(p.State), us(now), p.VendorID)
	if err := affected(r, err, "vendor"); err != nil {
		return err
	}
	for _, q := range []string{`DELETE FROM vendor_countries WHERE vendor_id = $1`, `DELETE FROM vendor_services WHERE vendor_id = $1`,
		`DELETE FROM vendor_insurance WHERE vendor_id = $1`, `DELETE FROM vendor_contacts WHERE vendor_id = $1`} {
		if _, err := tx.exec(ctx, q, p.VendorID); err != nil {
			return err
		}
	}
	for kind, list := range map[string][]string{domain.CountryPerformance: p.PerformanceCountries, domain.CountryStorage: p.StorageCountries} {
		for _, c := range list {
			if _, err := tx.exec(ctx, `INSERT INTO vendor_countries (vendor_id, kind, country) VALUES ($1, $2, $3)`, p.VendorID, kind, c); err != nil {
				return err
			}
		}
	}
	for _, s := range p.Services {
		if _, err := tx.exec(ctx, `INSERT INTO vendor_services (vendor_id, service) VALUES ($1, $2)`, p.VendorID, string(s)); err != nil {
			return err
		}
	}
	for i, in := range p.Insurance {
		if _, err := tx.exec(ctx, `INSERT INTO vendor_insurance (vendor_id, position, kind, carrier, limit_minor, limit_currency, expires_on) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			p.VendorID, i, string(in.Kind), in.Carrier, in.Limit.Minor, string(in.Limit.Currency), string(in.ExpiresOn)); err != nil {
			return err
		}
	}
	for i, c := range p.Contacts {
		if _, err := tx.exec(ctx, `INSERT INTO vendor_contacts (vendor_id, position, name, role, email, phone) VALUES ($1, $2, $3, $4, $5, $6)`,
			p.VendorID, i, c.Name, c.Role, c.Email, c.Phone); err != nil {
			return err
		}
	}
	return nil
}

const subcontractorCols = `id, vendor_id, name, country, work, decision, COALESCE(decided_by, 0), decided_at, decision_note`

func scanSubcontractor(r interface{ Scan(...any) error }) (domain.Subcontractor, error) {
	var s domain.Subcontractor
	var decided int64
	err := r.Scan(&s.ID, &s.VendorID, &s.Name, &s.Country, &s.Work, &s.Approval, &s.DecidedBy, &decided, &s.Note)
	if decided != 0 {
		s.DecidedAt = fromUS(decided)
	}
	return s, err
}

// Subcontractors lists a vendor's subcontractors by name.
func (tx *Tx) Subcontractors(ctx context.Context, vendorID int64) ([]domain.Subcontractor, error) {
	rows, err := tx.query(ctx, `SELECT `+subcontractorCols+` FROM vendor_subcontractors WHERE vendor_id = $1 ORDER BY lower(name)`, vendorID)
	return collect(rows, err, func(r *sql.Rows) (domain.Subcontractor, error) { return scanSubcontractor(r) })
}

// Subcontractor loads one subcontractor of a vendor.
func (tx *Tx) Subcontractor(ctx context.Context, vendorID, id int64) (domain.Subcontractor, error) {
	s, err := scanSubcontractor(tx.queryRow(ctx, `SELECT `+subcontractorCols+` FROM vendor_subcontractors WHERE vendor_id = $1 AND id = $2`, vendorID, id))
	return s, one(err, "subcontractor")
}

// SyncSubcontractors makes the vendor's subcontractors exactly subs: rows
// with an id are updated (decision included), rows without one inserted,
// and the vendor's other rows deleted.
func (tx *Tx) SyncSubcontractors(ctx context.Context, vendorID int64, subs []domain.Subcontractor, now time.Time) error {
	old, err := tx.Subcontractors(ctx, vendorID)
	if err != nil {
		return err
	}
	keep := map[int64]bool{}
	for _, s := range subs {
		keep[s.ID] = true
	}
	for _, o := range old {
		if !keep[o.ID] {
			if _, err := tx.exec(ctx, `DELETE FROM vendor_subcontractors WHERE id = $1`, o.ID); err != nil {
				return err
			}
		}
	}
	for _, s := range subs {
		var decided int64
		if !s.DecidedAt.IsZero() {
			decided = us(s.DecidedAt)
		}
		if s.ID != 0 {
			r, err := tx.exec(ctx, `UPDATE vendor_subcontractors SET name = $1, country = $2, work = $3, decision = $4, decided_by = $5, decided_at = $6, decision_note = $7 WHERE id = $8 AND vendor_id = $9`,
				s.Name, s.Country, s.Work, string(s.Approval), nullID(s.DecidedBy), decided, s.Note, s.ID, vendorID)
			if err := affected(r, err, "subcontractor"); err != nil {
				return err
			}
			continue
		}
		if _, err := tx.insert(ctx, `INSERT INTO vendor_subcontractors (vendor_id, name, country, work, decision, decided_by, decided_at, decision_note, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			vendorID, s.Name, s.Country, s.Work, string(s.Approval), nullID(s.DecidedBy), decided, s.Note, us(now)); err != nil {
			return err
		}
	}
	return nil
}

// DecideSubcontractor records the firm's decision on a subcontractor.
func (tx *Tx) DecideSubcontractor(ctx context.Context, vendorID, id int64, decision domain.Approval, by int64, note string, now time.Time) error {
	r, err := tx.exec(ctx, `UPDATE vendor_subcontractors SET decision = $1, decided_by = $2, decided_at = $3, decision_note = $4 WHERE vendor_id = $5 AND id = $6`,
		string(decision), nullID(by), us(now), note, vendorID, id)
	return affected(r, err, "subcontractor")
}

// UnapprovedSubcontractors names the vendor's subcontractors the firm has
// not approved (pending or refused).
func (tx *Tx) UnapprovedSubcontractors(ctx context.Context, vendorID int64) ([]string, error) {
	rows, err := tx.query(ctx, `SELECT name FROM vendor_subcontractors WHERE vendor_id = $1 AND decision <> 'approved' ORDER BY lower(name)`, vendorID)
	return collect(rows, err, func(r *sql.Rows) (s string, err error) { err = r.Scan(&s); return s, err })
}

// RaiseVendorChange flags a change to the firm.
func (tx *Tx) RaiseVendorChange(ctx context.Context, c *domain.VendorChange) error {
	id, err := tx.insert(ctx, `INSERT INTO vendor_changes (vendor_id, kind, before_summary, after_summary, raised_by, raised_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		c.VendorID, string(c.Kind), c.Before, c.After, nullID(c.RaisedBy), us(c.RaisedAt))
	c.ID = id
	return err
}

// VendorChanges lists a vendor's flagged changes, newest first; only the
// unacknowledged ones when open.
func (tx *Tx) VendorChanges(ctx context.Context, vendorID int64, open bool) ([]domain.VendorChange, error) {
	rows, err := tx.query(ctx, `SELECT c.id, c.vendor_id, c.kind, c.before_summary, c.after_summary, COALESCE(c.raised_by, 0), COALESCE(r.name, ''), c.raised_at,
			COALESCE(c.acknowledged_by, 0), COALESCE(k.name, ''), c.acknowledged_at
		FROM vendor_changes c LEFT JOIN users r ON r.id = c.raised_by LEFT JOIN users k ON k.id = c.acknowledged_by
		WHERE c.vendor_id = $1 AND ($2 = 0 OR c.acknowledged_at = 0) ORDER BY c.id DESC`, vendorID, boolInt(open))
	return collect(rows, err, func(r *sql.Rows) (c domain.VendorChange, err error) {
		var raised, acked int64
		err = r.Scan(&c.ID, &c.VendorID, &c.Kind, &c.Before, &c.After, &c.RaisedBy, &c.RaisedByName, &raised, &c.AcknowledgedBy, &c.AcknowledgedName, &acked)
		c.RaisedAt = fromUS(raised)
		if acked != 0 {
			c.AcknowledgedAt = fromUS(acked)
		}
		return c, err
	})
}

// OpenVendorChangeCounts counts each vendor's unacknowledged changes.
func (tx *Tx) OpenVendorChangeCounts(ctx context.Context) (map[int64]int, error) {
	rows, err := tx.query(ctx, `SELECT vendor_id, count(*) FROM vendor_changes WHERE acknowledged_at = 0 GROUP BY vendor_id`)
	type vc struct {
		id int64
		n  int
	}
	list, err := collect(rows, err, func(r *sql.Rows) (x vc, err error) { err = r.Scan(&x.id, &x.n); return x, err })
	out := map[int64]int{}
	for _, x := range list {
		out[x.id] = x.n
	}
	return out, err
}

// AcknowledgeVendorChange marks an unacknowledged change as seen by the
// firm; a change already acknowledged is a conflict.
func (tx *Tx) AcknowledgeVendorChange(ctx context.Context, vendorID, id, by int64, now time.Time) error {
	r, err := tx.exec(ctx, `UPDATE vendor_changes SET acknowledged_by = $1, acknowledged_at = $2 WHERE vendor_id = $3 AND id = $4 AND acknowledged_at = 0`,
		nullID(by), us(now), vendorID, id)
	if err := affected(r, err, "change"); err == nil || domain.ErrorCode(err) != domain.ENotFound {
		return err
	}
	var n int
	if err := tx.queryRow(ctx, `SELECT count(*) FROM vendor_changes WHERE vendor_id = $1 AND id = $2`, vendorID, id).Scan(&n); err != nil {
		return err
	}
	if n == 1 {
		return domain.Errorf(domain.EConflict, "that change has already been acknowledged")
	}
	return domain.NotFound("change")
}

// RegistrySummary is what the vendor list shows of each vendor's profile.
type RegistrySummary struct {
	State                domain.VendorState
	City                 string
	PerformanceCountries []string
	StorageCountries     []string
	Services             []domain.Service
	OpenChanges          int
}

// RegistrySummaries gathers the list columns of every vendor, by id.
func (tx *Tx) RegistrySummaries(ctx context.Context) (map[int64]RegistrySummary, error) {
	out := map[int64]RegistrySummary{}
	rows, err := tx.query(ctx, `SELECT id, status, city FROM vendors`)
	type st struct {
		id          int64
		state, city string
	}
	states, err := collect(rows, err, func(r *sql.Rows) (x st, err error) { err = r.Scan(&x.id, &x.state, &x.city); return x, err })
	if err != nil {
		return nil, err
	}
	for _, x := range states {
		out[x.id] = RegistrySummary{State: domain.VendorState(x.state), City: x.city}
	}
	rows, err = tx.query(ctx, `SELECT vendor_id, kind, country FROM vendor_countries ORDER BY vendor_id, kind, country`)
	type kc struct {
		id            int64
		kind, country string
	}
	cs, err := collect(rows, err, func(r *sql.Rows) (x kc, err error) { err = r.Scan(&x.id, &x.kind, &x.country); return x, err })
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		s := out[c.id]
		if c.kind == domain.CountryStorage {
			s.StorageCountries = append(s.StorageCountries, c.country)
		} else {
			s.PerformanceCountries = append(s.PerformanceCountries, c.country)
		}
		out[c.id] = s
	}
	rows, err = tx.query(ctx, `SELECT vendor_id, service FROM vendor_services`)
	type vs struct {
		id  int64
		svc domain.Service
	}
	ss, err := collect(rows, err, func(r *sql.Rows) (x vs, err error) { err = r.Scan(&x.id, &x.svc); return x, err })
	if err != nil {
		return nil, err
	}
	for _, svc := range domain.Services {
		for _, x := range ss {
			if x.svc == svc {
				s := out[x.id]
				s.Services = append(s.Services, svc)
				out[x.id] = s
			}
		}
	}
	open, err := tx.OpenVendorChangeCounts(ctx)
	for id, n := range open {
		s := out[id]
		s.OpenChanges = n
		out[id] = s
	}
	return out, err
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
