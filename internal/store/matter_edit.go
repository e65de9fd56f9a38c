package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/probity/probity/internal/domain"
)

// UpdateMatter replaces a matter's editable facts and its jurisdictions.
func (tx *Tx) UpdateMatter(ctx context.Context, m domain.Matter, now time.Time) error {
	r, err := tx.exec(ctx, `UPDATE matters SET client_id = $1, number = $2, title = $3, practice_area = $4, sensitivity = $5,
		responsible_attorney_id = $6, status = $7, updated_at = $8 WHERE id = $9`,
		m.ClientID, m.Number, m.Title, m.PracticeArea, m.Sensitivity, m.ResponsibleAttorneyID, m.Status, us(now), m.ID)
	if err := affected(r, err, "matter"); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `DELETE FROM matter_jurisdictions WHERE matter_id = $1`, m.ID); err != nil {
		return err
	}
	for i, j := range m.Jurisdictions {
		if _, err := tx.exec(ctx, `INSERT INTO matter_jurisdictions (matter_id, position, kind, name) VALUES ($1, $2, $3, $4)`, m.ID, i, j.Kind, j.Name); err != nil {
			return err
		}
	}
	return nil
}

// MatterIDByNumber returns the id of the matter with a number, whoever may
// see it (0 when there is none): for refusing duplicate numbers.
func (tx *Tx) MatterIDByNumber(ctx context.Context, number string) (int64, error) {
	var id int64
	err := tx.queryRow(ctx, `SELECT id FROM matters WHERE lower(number) = lower($1)`, number).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

// ClientByNumber loads a client by its number (not found when there is none).
func (tx *Tx) ClientByNumber(ctx context.Context, number string) (domain.Client, error) {
	c, err := scanClient(tx.queryRow(ctx, `SELECT `+clientCols+` FROM clients c WHERE c.number = $1`, number))
	return c, one(err, "client")
}

// Strategy is a matter's case strategy notes (firm-only).
type Strategy struct {
	Notes         string
	UpdatedBy     int64
	UpdatedByName string
	UpdatedAt     time.Time
}

// MatterStrategy loads a matter's strategy notes (the zero Strategy when none
// were written). Callers must only call it for firm users.
func (tx *Tx) MatterStrategy(ctx context.Context, matterID int64) (Strategy, error) {
	var s Strategy
	var at int64
	err := tx.queryRow(ctx, `SELECT s.notes, s.updated_by, u.name, s.updated_at FROM matter_strategy s JOIN users u ON u.id = s.updated_by
		WHERE s.matter_id = $1`, matterID).Scan(&s.Notes, &s.UpdatedBy, &s.UpdatedByName, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return Strategy{}, nil
	}
	s.UpdatedAt = fromUS(at)
	return s, err
}

// SetMatterStrategy writes a matter's strategy notes.
func (tx *Tx) SetMatterStrategy(ctx context.Context, matterID int64, notes string, by int64, now time.Time) error {
	r, err := tx.exec(ctx, `UPDATE matter_strategy SET notes = $1, updated_by = $2, updated_at = $3 WHERE matter_id = $4`, notes, by, us(now), matterID)
	if err != nil {
		return err
	}
	if n, err := r.RowsAffected(); err != nil || n > 0 {
		return err
	}
	_, err = tx.exec(ctx, `INSERT INTO matter_strategy (matter_id, notes, updated_by, updated_at) VALUES ($1, $2, $3, $4)`, matterID, notes, by, us(now))
	return err
}
