package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/probity/probity/internal/domain"
)

// The communication plan, its points of contact, the kickoff and its
// confirmations, the responsibility allocation, and the engagement stage
// moves they cause.

// CommunicationPlan loads the engagement's plan (the zero plan with its
// EngagementID when none was saved).
func (tx *Tx) CommunicationPlan(ctx context.Context, engagementID int64) (domain.CommunicationPlan, error) {
	p := domain.CommunicationPlan{EngagementID: engagementID}
	var channels, escalation string
	var updated int64
	err := tx.queryRow(ctx, `SELECT channels, cadence, firm_time_zone, firm_hours_start, firm_hours_end, vendor_time_zone, vendor_hours_start,
		vendor_hours_end, escalation, language, COALESCE(updated_by, 0), updated_at FROM communication_plans WHERE engagement_id = $1`, engagementID).
		Scan(&channels, &p.Cadence, &p.Firm.TimeZone, &p.Firm.Start, &p.Firm.End, &p.Vendor.TimeZone, &p.Vendor.Start, &p.Vendor.End,
			&escalation, &p.Language, &p.UpdatedBy, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return p, nil
	}
	if err != nil {
		return p, err
	}
	p.UpdatedAt = fromUS(updated)
	for _, c := range strings.Split(channels, ",") {
		if c != "" {
			p.Channels = append(p.Channels, domain.Channel(c))
		}
	}
	if err := json.Unmarshal([]byte(escalation), &p.Escalation); err != nil {
		return p, err
	}
	rows, err := tx.query(ctx, `SELECT user_id, side FROM communication_contacts WHERE engagement_id = $1 ORDER BY user_id`, engagementID)
	if err != nil {
		return p, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var side string
		if err := rows.Scan(&id, &side); err != nil {
			return p, err
		}
		if side == "firm" {
			p.FirmContacts = append(p.FirmContacts, id)
		} else {
			p.VendorContacts = append(p.VendorContacts, id)
		}
	}
	return p, rows.Err()
}

// SaveCommunicationPlan writes the engagement's plan and its contacts.
func (tx *Tx) SaveCommunicationPlan(ctx context.Context, p domain.CommunicationPlan) error {
	cs := make([]string, len(p.Channels))
	for i, c := range p.Channels {
		cs[i] = string(c)
	}
	esc := p.Escalation
	if esc == nil {
		esc = []domain.EscalationStep{}
	}
	escJSON, err := json.Marshal(esc)
	if err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `DELETE FROM communication_plans WHERE engagement_id = $1`, p.EngagementID); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `INSERT INTO communication_plans (engagement_id, channels, cadence, firm_time_zone, firm_hours_start, firm_hours_end,
		vendor_time_zone, vendor_hours_start, vendor_hours_end, escalation, language, updated_by, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		p.EngagementID, strings.Join(cs, ","), string(p.Cadence), p.Firm.TimeZone, p.Firm.Start, p.Firm.End, p.Vendor.TimeZone, p.Vendor.Start, p.Vendor.End,
		string(escJSON), p.Language, nullID(p.UpdatedBy), us(p.UpdatedAt)); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `DELETE FROM communication_contacts WHERE engagement_id = $1`, p.EngagementID); err != nil {
		return err
	}
	for side, ids := range map[string][]int64{"firm": p.FirmContacts, "vendor": p.VendorContacts} {
		for _, id := range ids {
			if _, err := tx.exec(ctx, `INSERT INTO communication_contacts (engagement_id, user_id, side) VALUES ($1, $2, $3)`, p.EngagementID, id, side); err != nil {
				return err
			}
		}
	}
	return nil
}

// Kickoff loads the engagement's kickoff (ENotFound when none was recorded).
func (tx *Tx) Kickoff(ctx context.Context, engagementID int64) (domain.Kickoff, error) {
	k := domain.Kickoff{EngagementID: engagementID}
	var held, rec, fa, va int64
	err := tx.queryRow(ctx, `SELECT k.held_at, k.attendees, k.notes, k.recorded_by, r.name, k.recorded_at,
		COALESCE(k.firm_confirmed_by, 0), COALESCE(f.name, ''), k.firm_confirmed_at, COALESCE(k.vendor_confirmed_by, 0), COALESCE(v.name, ''), k.vendor_confirmed_at
		FROM kickoffs k JOIN users r ON r.id = k.recorded_by LEFT JOIN users f ON f.id = k.firm_confirmed_by LEFT JOIN users v ON v.id = k.vendor_confirmed_by
		WHERE k.engagement_id = $1`, engagementID).
		Scan(&held, &k.Attendees, &k.Notes, &k.RecordedBy, &k.RecordedByName, &rec, &k.FirmConfirmedBy, &k.FirmConfirmedName, &fa,
			&k.VendorConfirmedBy, &k.VendorConfirmedName, &va)
	if err != nil {
		return k, one(err, "kickoff")
	}
	k.HeldAt, k.RecordedAt = fromUS(held), fromUS(rec)
	if fa != 0 {
		k.FirmConfirmedAt = fromUS(fa)
	}
	if va != 0 {
		k.VendorConfirmedAt = fromUS(va)
	}
	return k, nil
}

// SaveKickoff writes the engagement's kickoff with its confirmations.
func (tx *Tx) SaveKickoff(ctx context.Context, k domain.Kickoff) error {
	at := func(t time.Time) int64 {
		if t.IsZero() {
			return 0
		}
		return us(t)
	}
	if _, err := tx.exec(ctx, `DELETE FROM kickoffs WHERE engagement_id = $1`, k.EngagementID); err != nil {
		return err
	}
	_, err := tx.exec(ctx, `INSERT INTO kickoffs (engagement_id, held_at, attendees, notes, recorded_by, recorded_at, firm_confirmed_by, firm_confirmed_at,
		vendor_confirmed_by, vendor_confirmed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		k.EngagementID, us(k.HeldAt), k.Attendees, k.Notes, k.RecordedBy, us(k.RecordedAt), nullID(k.FirmConfirmedBy), at(k.FirmConfirmedAt),
		nullID(k.VendorConfirmedBy), at(k.VendorConfirmedAt))
	return err
}

// MoveEngagementStage moves an engagement from one stage to the next,
// compare-and-set: EConflict when it is no longer at from.
func (tx *Tx) MoveEngagementStage(ctx context.Context, id int64, from, to domain.Stage) error {
	r, err := tx.exec(ctx, `UPDATE engagements SET stage = $1 WHERE id = $2 AND stage = $3`, string(to), id, string(from))
	if err != nil {
		return err
	}
	if n, err := r.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return domain.Errorf(domain.EConflict, "the engagement changed meanwhile; reload it")
	}
	return nil
}

// Responsibilities lists the engagement's responsibility allocation.
func (tx *Tx) Responsibilities(ctx context.Context, engagementID int64) ([]domain.Responsibility, error) {
	rows, err := tx.query(ctx, `SELECT r.id, r.engagement_id, r.work_area, r.attorney_id, a.name, r.vendor_person_id, v.name
		FROM responsibilities r JOIN users a ON a.id = r.attorney_id JOIN users v ON v.id = r.vendor_person_id
		WHERE r.engagement_id = $1 ORDER BY r.id`, engagementID)
	return collect(rows, err, func(r *sql.Rows) (x domain.Responsibility, err error) {
		err = r.Scan(&x.ID, &x.EngagementID, &x.WorkArea, &x.AttorneyID, &x.AttorneyName, &x.VendorPersonID, &x.VendorName)
		return x, err
	})
}

// SetResponsibilities replaces the engagement's responsibility allocation.
func (tx *Tx) SetResponsibilities(ctx context.Context, engagementID int64, rs []domain.Responsibility) error {
	if _, err := tx.exec(ctx, `DELETE FROM responsibilities WHERE engagement_id = $1`, engagementID); err != nil {
		return err
	}
	for _, r := range rs {
		if _, err := tx.insert(ctx, `INSERT INTO responsibilities (engagement_id, work_area, attorney_id, vendor_person_id) VALUES ($1, $2, $3, $4)`,
			engagementID, r.WorkArea, r.AttorneyID, r.VendorPersonID); err != nil {
			return err
		}
	}
	return nil
}

// RemoveEngagementMember takes a person off an engagement.
func (tx *Tx) RemoveEngagementMember(ctx context.Context, engagementID, userID int64) error {
	_, err := tx.exec(ctx, `DELETE FROM engagement_members WHERE engagement_id = $1 AND user_id = $2`, engagementID, userID)
	return err
}

// SetEngagementMemberRole changes a member's role.
func (tx *Tx) SetEngagementMemberRole(ctx context.Context, engagementID, userID int64, role string) error {
	_, err := tx.exec(ctx, `UPDATE engagement_members SET role = $1 WHERE engagement_id = $2 AND user_id = $3`, role, engagementID, userID)
	return err
}

// RemoveContact takes a person off the engagement's points of contact and
// responsibility rows that name them as the vendor's person.
func (tx *Tx) RemoveContact(ctx context.Context, engagementID, userID int64) error {
	_, err := tx.exec(ctx, `DELETE FROM communication_contacts WHERE engagement_id = $1 AND user_id = $2`, engagementID, userID)
	return err
}
