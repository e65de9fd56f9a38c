package store

import (
	"context"
	"database/sql"

	"github.com/probity/probity/internal/domain"
)

// Party loads one party with its aliases. It does not check scope: callers
// load the party's matter within scope next.
func (tx *Tx) Party(ctx context.Context, id int64) (domain.Party, error) {
	var p domain.Party
	err := tx.queryRow(ctx, `SELECT id, matter_id, name, role FROM parties WHERE id = $1`, id).Scan(&p.ID, &p.MatterID, &p.Name, &p.Role)
	if err != nil {
		return p, one(err, "party")
	}
	rows, err := tx.query(ctx, `SELECT alias FROM party_aliases WHERE party_id = $1 ORDER BY alias`, id)
	p.Aliases, err = collect(rows, err, func(r *sql.Rows) (a string, err error) { err = r.Scan(&a); return a, err })
	return p, err
}

// DeleteParty removes a party and its aliases. Conflict hits keep the names
// they matched; the next check marks them obsolete.
func (tx *Tx) DeleteParty(ctx context.Context, id int64) error {
	if _, err := tx.exec(ctx, `DELETE FROM party_aliases WHERE party_id = $1`, id); err != nil {
		return err
	}
	r, err := tx.exec(ctx, `DELETE FROM parties WHERE id = $1`, id)
	return affected(r, err, "party")
}

// AddAlias gives a party another name (EConflict when it already has it).
func (tx *Tx) AddAlias(ctx context.Context, partyID int64, alias string) error {
	_, err := tx.exec(ctx, `INSERT INTO party_aliases (party_id, alias) VALUES ($1, $2)`, partyID, alias)
	return err
}

// RemoveAlias takes an alias off a party.
func (tx *Tx) RemoveAlias(ctx context.Context, partyID int64, alias string) error {
	r, err := tx.exec(ctx, `DELETE FROM party_aliases WHERE party_id = $1 AND alias = $2`, partyID, alias)
	return affected(r, err, "alias")
}

// IndexedName is one name of the firm-wide party-search index: a party's
// name or alias on a matter, or a vendor's standing disclosure.
type IndexedName struct {
	Name string
	// For a party's name or alias:
	MatterID   int64
	PartyID    int64
	PartyLabel string // the party's own name
	PartyRole  domain.PartyRole
	// For a disclosure:
	DisclosureID   int64
	VendorID       int64
	DisclosureKind domain.DisclosureKind
}

// IndexedNames returns every party name and alias of every matter and
// every standing disclosure, for the party-search index.
func (tx *Tx) IndexedNames(ctx context.Context) ([]IndexedName, error) {
	rows, err := tx.query(ctx, `SELECT p.name, p.matter_id, p.id, p.name, p.role FROM parties p
		UNION ALL SELECT a.alias, p.matter_id, p.id, p.name, p.role FROM party_aliases a JOIN parties p ON p.id = a.party_id`)
	out, err := collect(rows, err, func(r *sql.Rows) (n IndexedName, err error) {
		err = r.Scan(&n.Name, &n.MatterID, &n.PartyID, &n.PartyLabel, &n.PartyRole)
		return n, err
	})
	if err != nil {
		return nil, err
	}
	rows, err = tx.query(ctx, `SELECT name, id, vendor_id, kind FROM vendor_disclosures WHERE removed_at = 0`)
	ds, err := collect(rows, err, func(r *sql.Rows) (n IndexedName, err error) {
		err = r.Scan(&n.Name, &n.DisclosureID, &n.VendorID, &n.DisclosureKind)
		return n, err
	})
	return append(out, ds...), err
}
