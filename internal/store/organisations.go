package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/probity/probity/internal/domain"
)

// CreateFirm stores the deployment's one firm.
func (tx *Tx) CreateFirm(ctx context.Context, f *domain.Firm, now time.Time) error {
	f.ID = 1
	_, err := tx.exec(ctx, `INSERT INTO firm (id, name, tax_id, currency, created_at) VALUES (1, $1, $2, $3, $4)`, f.Name, f.TaxID, f.Currency, us(now))
	return err
}

// Firm loads the firm; not-found means the database holds no data yet.
func (tx *Tx) Firm(ctx context.Context) (domain.Firm, error) {
	var f domain.Firm
	err := tx.queryRow(ctx, `SELECT id, name, tax_id, currency FROM firm WHERE id = 1`).Scan(&f.ID, &f.Name, &f.TaxID, &f.Currency)
	return f, one(err, "firm")
}

const vendorCols = `v.id, v.name, v.legal_name, v.country, v.currency, v.diligence, v.approved_until, v.created_at`

func scanVendor(r interface{ Scan(...any) error }) (domain.Vendor, error) {
	var v domain.Vendor
	var created int64
	err := r.Scan(&v.ID, &v.Name, &v.LegalName, &v.Country, &v.Currency, &v.Diligence, &v.ApprovedUntil, &created)
	v.CreatedAt = fromUS(created)
	return v, err
}

// CreateVendor stores a validated vendor.
func (tx *Tx) CreateVendor(ctx context.Context, v *domain.Vendor, now time.Time) error {
	id, err := tx.insert(ctx, `INSERT INTO vendors (name, legal_name, country, currency, diligence, approved_until, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, v.Name, v.LegalName, v.Country, v.Currency, v.Diligence, string(v.ApprovedUntil), us(now))
	v.ID, v.CreatedAt = id, now
	return err
}

// vendorVisible: firm users see every vendor; vendor users their own; client
// contacts the vendors engaged on their matters.
const vendorVisible = `(($1 = 1) OR ($2 = 0 AND $3 = 0) OR ($2 <> 0 AND v.id = $2) OR
	($3 <> 0 AND EXISTS (SELECT 1 FROM engagements ce JOIN matters cm ON cm.id = ce.matter_id WHERE ce.vendor_id = v.id AND cm.client_id = $3)))`

func vendorArgs(s Scope) []any { return scopeArgs(s)[:3] }

// Vendor loads a vendor within scope.
func (tx *Tx) Vendor(ctx context.Context, s Scope, id int64) (domain.Vendor, error) {
	v, err := scanVendor(tx.queryRow(ctx, `SELECT `+vendorCols+` FROM vendors v WHERE `+vendorVisible+` AND v.id = $4`, append(vendorArgs(s), id)...))
	return v, one(err, "vendor")
}

// ListVendors lists vendors within scope, by id.
func (tx *Tx) ListVendors(ctx context.Context, s Scope, p Page) ([]domain.Vendor, error) {
	rows, err := tx.query(ctx, `SELECT `+vendorCols+` FROM vendors v WHERE `+vendorVisible+` AND v.id > $4 ORDER BY v.id LIMIT $5`,
		append(vendorArgs(s), p.AfterID, p.limit())...)
	return collect(rows, err, func(r *sql.Rows) (domain.Vendor, error) { return scanVendor(r) })
}

const clientCols = `c.id, c.number, c.name, c.country, c.created_at`

func scanClient(r interface{ Scan(...any) error }) (domain.Client, error) {
	var c domain.Client
	var created int64
	err := r.Scan(&c.ID, &c.Number, &c.Name, &c.Country, &created)
	c.CreatedAt = fromUS(created)
	return c, err
}

// CreateClient stores a validated client.
func (tx *Tx) CreateClient(ctx context.Context, c *domain.Client, now time.Time) error {
	id, err := tx.insert(ctx, `INSERT INTO clients (number, name, country, created_at) VALUES ($1, $2, $3, $4)`, c.Number, c.Name, c.Country, us(now))
	c.ID, c.CreatedAt = id, now
	return err
}

// clientVisible: firm users see every client; client contacts their own;
// vendor users none (vendors have no route to clients).
const clientVisible = `(($1 = 1) OR ($2 = 0 AND $3 = 0) OR ($3 <> 0 AND c.id = $3))`

// Client loads a client within scope.
func (tx *Tx) Client(ctx context.Context, s Scope, id int64) (domain.Client, error) {
	c, err := scanClient(tx.queryRow(ctx, `SELECT `+clientCols+` FROM clients c WHERE `+clientVisible+` AND c.id = $4`, append(vendorArgs(s), id)...))
	return c, one(err, "client")
}

// ListClients lists clients within scope.
func (tx *Tx) ListClients(ctx context.Context, s Scope, p Page) ([]domain.Client, error) {
	rows, err := tx.query(ctx, `SELECT `+clientCols+` FROM clients c WHERE `+clientVisible+` AND c.id > $4 ORDER BY c.id LIMIT $5`,
		append(vendorArgs(s), p.AfterID, p.limit())...)
	return collect(rows, err, func(r *sql.Rows) (domain.Client, error) { return scanClient(r) })
}
