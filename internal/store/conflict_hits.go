package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/probity/probity/internal/domain"
)

const hitCols = `h.id, h.matter_id, h.vendor_id, h.party_id, h.party_name, h.party_label, h.party_role, h.disclosure_id, h.disclosed_name, d.kind,
	h.score, h.reasons, h.status, h.resolution, h.consent_by, h.consent_on, h.consent_evidence, COALESCE(h.resolved_by, 0), COALESCE(u.name, ''),
	h.resolved_at, h.found_at, h.obsolete_at`

const hitFrom = ` FROM conflict_hits h JOIN vendor_disclosures d ON d.id = h.disclosure_id LEFT JOIN users u ON u.id = h.resolved_by`

func scanHit(r interface{ Scan(...any) error }) (domain.ConflictHit, error) {
	var h domain.ConflictHit
	var score int
	var reasons, consentOn string
	var resolved, found, obsolete int64
	err := r.Scan(&h.ID, &h.MatterID, &h.VendorID, &h.PartyID, &h.PartyName, &h.PartyLabel, &h.PartyRole, &h.DisclosureID, &h.DisclosedName, &h.DisclosureKind,
		&score, &reasons, &h.Status, &h.Resolution, &h.Consent.By, &consentOn, &h.Consent.Evidence, &h.ResolvedBy, &h.ResolvedByName,
		&resolved, &found, &obsolete)
	h.Score = float64(score) / 1000
	if reasons != "" {
		h.Reasons = strings.Split(reasons, "\n")
	}
	h.Consent.On = domain.Date(consentOn)
	h.FoundAt = fromUS(found)
	if resolved != 0 {
		h.ResolvedAt = fromUS(resolved)
	}
	if obsolete != 0 {
		h.ObsoleteAt = fromUS(obsolete)
	}
	return h, err
}

// scoreMilli stores a score in [0,1] as thousandths.
func scoreMilli(s float64) int { return int(math.Round(min(max(s, 0), 1) * 1000)) }

// joinReasons stores reasons one per line.
func joinReasons(rs []string) string {
	clean := make([]string, 0, len(rs))
	for _, r := range rs {
		if r = strings.Join(strings.Fields(r), " "); r != "" {
			clean = append(clean, r)
		}
	}
	return strings.Join(clean, "\n")
}

// ConflictHit loads one hit.
func (tx *Tx) ConflictHit(ctx context.Context, id int64) (domain.ConflictHit, error) {
	h, err := scanHit(tx.queryRow(ctx, `SELECT `+hitCols+hitFrom+` WHERE h.id = $1`, id))
	return h, one(err, "conflict hit")
}

// ConflictHits lists the hits of a vendor on a matter, standing ones first
// (open, blocked, waived, cleared), then by score; obsolete ones only when
// asked, last.
func (tx *Tx) ConflictHits(ctx context.Context, matterID, vendorID int64, withObsolete bool) ([]domain.ConflictHit, error) {
	rows, err := tx.query(ctx, `SELECT `+hitCols+hitFrom+` WHERE h.matter_id = $1 AND h.vendor_id = $2 AND ($3 = 1 OR h.obsolete_at = 0)
		ORDER BY CASE WHEN h.obsolete_at = 0 THEN 0 ELSE 1 END,
			CASE h.status WHEN 'open' THEN 0 WHEN 'blocked' THEN 1 WHEN 'waived' THEN 2 ELSE 3 END, h.score DESC, h.id`,
		matterID, vendorID, obsoleteToo(withObsolete))
	return collect(rows, err, func(r *sql.Rows) (domain.ConflictHit, error) { return scanHit(r) })
}

func obsoleteToo(b bool) int {
	if b {
		return 1
	}
	return 0
}

// InsertConflictHit stores a new open hit.
func (tx *Tx) InsertConflictHit(ctx context.Context, h *domain.ConflictHit, now time.Time) error {
	id, err := tx.insert(ctx, `INSERT INTO conflict_hits (matter_id, vendor_id, party_id, party_name, party_label, party_role, disclosure_id, disclosed_name,
		score, reasons, status, found_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'open', $11)`,
		h.MatterID, h.VendorID, h.PartyID, h.PartyName, h.PartyLabel, string(h.PartyRole), h.DisclosureID, h.DisclosedName,
		scoreMilli(h.Score), joinReasons(h.Reasons), us(now))
	if err != nil {
		return err
	}
	h.ID, h.Status, h.FoundAt = id, domain.HitOpen, now
	return nil
}

// RefreshConflictHit records that a known pair matched again: the party it
// belongs to now, the score and reasons of this check. It stands again if it
// was obsolete; its status and resolution are kept.
func (tx *Tx) RefreshConflictHit(ctx context.Context, h domain.ConflictHit) error {
	r, err := tx.exec(ctx, `UPDATE conflict_hits SET party_id = $1, party_label = $2, party_role = $3, disclosed_name = $4, score = $5, reasons = $6,
		obsolete_at = 0 WHERE id = $7`, h.PartyID, h.PartyLabel, string(h.PartyRole), h.DisclosedName, scoreMilli(h.Score), joinReasons(h.Reasons), h.ID)
	return affected(r, err, "conflict hit")
}

// ObsoleteConflictHit marks a hit whose pair no longer matches.
func (tx *Tx) ObsoleteConflictHit(ctx context.Context, id int64, now time.Time) error {
	r, err := tx.exec(ctx, `UPDATE conflict_hits SET obsolete_at = $1 WHERE id = $2 AND obsolete_at = 0`, us(now), id)
	return affected(r, err, "conflict hit")
}

// ResolveConflictHit records an attorney's decision on a standing hit.
func (tx *Tx) ResolveConflictHit(ctx context.Context, id int64, res domain.Resolution, by int64, now time.Time) error {
	r, err := tx.exec(ctx, `UPDATE conflict_hits SET status = $1, resolution = $2, consent_by = $3, consent_on = $4, consent_evidence = $5,
		resolved_by = $6, resolved_at = $7 WHERE id = $8 AND obsolete_at = 0`,
		string(res.Status), res.Reason, res.Consent.By, string(res.Consent.On), res.Consent.Evidence, by, us(now), id)
	return affected(r, err, "conflict hit")
}

// StandingHits counts a vendor's standing hits on a matter that are open
// (awaiting a decision) and blocked.
func (tx *Tx) StandingHits(ctx context.Context, matterID, vendorID int64) (open, blocked int, err error) {
	err = tx.queryRow(ctx, `SELECT
		COALESCE(SUM(CASE WHEN status = 'open' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN status = 'blocked' THEN 1 ELSE 0 END), 0)
		FROM conflict_hits WHERE matter_id = $1 AND vendor_id = $2 AND obsolete_at = 0`, matterID, vendorID).Scan(&open, &blocked)
	return open, blocked, err
}

// ConflictCheck is when a vendor was last checked against a matter, and the
// digest of what was compared then.
type ConflictCheck struct {
	CheckedAt time.Time
	Inputs    string
}

// LastConflictCheck returns the last check of a vendor against a matter;
// the zero ConflictCheck when there has been none.
func (tx *Tx) LastConflictCheck(ctx context.Context, matterID, vendorID int64) (ConflictCheck, error) {
	var c ConflictCheck
	var at int64
	err := tx.queryRow(ctx, `SELECT checked_at, inputs FROM conflict_checks WHERE matter_id = $1 AND vendor_id = $2`, matterID, vendorID).Scan(&at, &c.Inputs)
	if errors.Is(err, sql.ErrNoRows) {
		return ConflictCheck{}, nil
	}
	c.CheckedAt = fromUS(at)
	return c, err
}

// SetConflictCheck records a check of a vendor against a matter.
func (tx *Tx) SetConflictCheck(ctx context.Context, matterID, vendorID int64, now time.Time, inputs string) error {
	_, err := tx.exec(ctx, `INSERT INTO conflict_checks (matter_id, vendor_id, checked_at, inputs) VALUES ($1, $2, $3, $4)
		ON CONFLICT (matter_id, vendor_id) DO UPDATE SET checked_at = excluded.checked_at, inputs = excluded.inputs`,
		matterID, vendorID, us(now), inputs)
	return err
}

// ConflictGeneration is the firm-wide generation of party, alias and
// disclosure names.
func (tx *Tx) ConflictGeneration(ctx context.Context) (int64, error) {
	var g int64
	err := tx.queryRow(ctx, `SELECT generation FROM conflict_generation WHERE id = 1`).Scan(&g)
	return g, one(err, "conflict generation")
}

// BumpConflictGeneration records, in the transaction of the change, that a
// party, alias or disclosure name changed.
func (tx *Tx) BumpConflictGeneration(ctx context.Context) error {
	r, err := tx.exec(ctx, `UPDATE conflict_generation SET generation = generation + 1 WHERE id = 1`)
	return affected(r, err, "conflict generation")
}

// ConflictInputs is what one conflict check of a vendor against a matter
// compares: the matter's parties with their aliases and the vendor's
// standing disclosures, with a digest of both (and of the threshold). A
// check is due when the digest differs from the last check's.
type ConflictInputs struct {
	Parties     []domain.Party
	Disclosures []domain.Disclosure
	Digest      string
}

// ConflictInputs loads what a check of a vendor against a matter compares.
func (tx *Tx) ConflictInputs(ctx context.Context, matterID, vendorID int64) (ConflictInputs, error) {
	var in ConflictInputs
	var err error
	if in.Parties, err = tx.Parties(ctx, matterID); err != nil {
		return in, err
	}
	if in.Disclosures, err = tx.Disclosures(ctx, vendorID); err != nil {
		return in, err
	}
	h := sha256.New()
	fmt.Fprintf(h, "threshold %s\n", strconv.FormatFloat(domain.ConflictThreshold, 'f', -1, 64))
	for _, p := range in.Parties {
		fmt.Fprintf(h, "p %d %s %q\n", p.ID, p.Role, p.Name)
		for _, al := range p.Aliases {
			fmt.Fprintf(h, "a %d %q\n", p.ID, al)
		}
	}
	for _, d := range in.Disclosures {
		fmt.Fprintf(h, "d %d %q\n", d.ID, d.Name)
	}
	in.Digest = hex.EncodeToString(h.Sum(nil))
	return in, nil
}
