package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/probity/probity/internal/domain"
)

// Rates (migration 0017): the firm's timekeepers and their dated rates,
// and engagements' vendor rate cards. Rates and rate card lines are only
// ever inserted: a new dated row supersedes an older one.

const timekeeperCols = `t.user_id, u.name, u.email, t.ledes_id, t.classification, t.updated_at`

const timekeeperFrom = ` FROM timekeepers t JOIN users u ON u.id = t.user_id`

func scanTimekeeper(r interface{ Scan(...any) error }) (domain.Timekeeper, error) {
	var t domain.Timekeeper
	var at int64
	err := r.Scan(&t.UserID, &t.Name, &t.Email, &t.LEDESID, &t.Classification, &at)
	t.UpdatedAt = fromUS(at)
	return t, err
}

// SaveTimekeeper inserts or updates the user's timekeeper record (LEDES id
// and classification). A LEDES id another timekeeper has is EConflict.
func (tx *Tx) SaveTimekeeper(ctx context.Context, t domain.Timekeeper, by int64, at time.Time) error {
	_, err := tx.exec(ctx, `INSERT INTO timekeepers (user_id, ledes_id, classification, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (user_id) DO UPDATE SET ledes_id = excluded.ledes_id, classification = excluded.classification,
		updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		t.UserID, t.LEDESID, string(t.Classification), by, us(at))
	return err
}

// Timekeeper loads a user's timekeeper record with its rates, newest
// effective day first (ENotFound when the user is no timekeeper).
func (tx *Tx) Timekeeper(ctx context.Context, userID int64) (domain.Timekeeper, error) {
	t, err := scanTimekeeper(tx.queryRow(ctx, `SELECT `+timekeeperCols+timekeeperFrom+` WHERE t.user_id = $1`, userID))
	if err != nil {
		return t, one(err, "timekeeper")
	}
	rates, err := tx.timekeeperRates(ctx, `WHERE r.user_id = $1`, userID)
	t.Rates = rates[userID]
	return t, err
}

// TimekeeperByLEDESID finds the timekeeper with a LEDES id, any case
// (ENotFound when none).
func (tx *Tx) TimekeeperByLEDESID(ctx context.Context, ledesID string) (domain.Timekeeper, error) {
	t, err := scanTimekeeper(tx.queryRow(ctx, `SELECT `+timekeeperCols+timekeeperFrom+` WHERE lower(t.ledes_id) = lower($1)`, ledesID))
	return t, one(err, "timekeeper")
}

// Timekeepers lists every timekeeper by name, each with its rates, newest
// effective day first.
func (tx *Tx) Timekeepers(ctx context.Context) ([]domain.Timekeeper, error) {
	rows, err := tx.query(ctx, `SELECT `+timekeeperCols+timekeeperFrom+` ORDER BY u.name, t.user_id`)
	list, err := collect(rows, err, func(r *sql.Rows) (domain.Timekeeper, error) { return scanTimekeeper(r) })
	if err != nil {
		return nil, err
	}
	rates, err := tx.timekeeperRates(ctx, ``)
	if err != nil {
		return nil, err
	}
	for i := range list {
		list[i].Rates = rates[list[i].UserID]
	}
	return list, nil
}

// timekeeperRates reads rates by timekeeper, newest effective day first.
func (tx *Tx) timekeeperRates(ctx context.Context, where string, args ...any) (map[int64][]domain.Rate, error) {
	rows, err := tx.query(ctx, `SELECT r.user_id, r.id, r.effective_on, r.amount_minor, r.currency, r.set_by, u.name, r.set_at
		FROM timekeeper_rates r JOIN users u ON u.id = r.set_by `+where+` ORDER BY r.user_id, r.effective_on DESC`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]domain.Rate{}
	for rows.Next() {
		var uid, at int64
		var r domain.Rate
		if err := rows.Scan(&uid, &r.ID, &r.Effective, &r.Amount.Minor, &r.Amount.Currency, &r.SetBy, &r.SetByName, &at); err != nil {
			return nil, err
		}
		r.SetAt = fromUS(at)
		out[uid] = append(out[uid], r)
	}
	return out, rows.Err()
}

// AddTimekeeperRate records a dated rate for a timekeeper (r.ID set). The
// same effective day twice is EConflict.
func (tx *Tx) AddTimekeeperRate(ctx context.Context, userID int64, r *domain.Rate) error {
	id, err := tx.insert(ctx, `INSERT INTO timekeeper_rates (user_id, effective_on, amount_minor, currency, set_by, set_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		userID, string(r.Effective), r.Amount.Minor, string(r.Amount.Currency), r.SetBy, us(r.SetAt))
	if err != nil {
		return err
	}
	r.ID = id
	return nil
}

const cardCols = `l.id, l.engagement_id, l.kind, l.classification, COALESCE(l.work_item_id, 0), COALESCE(w.title, ''), l.unit, l.description,
	l.amount_minor, l.currency, l.effective_on, l.set_by, u.name, l.set_at`

const cardFrom = ` FROM rate_card_lines l JOIN users u ON u.id = l.set_by LEFT JOIN sow_items w ON w.id = l.work_item_id`

func scanCardLine(r interface{ Scan(...any) error }) (domain.RateCardLine, error) {
	var l domain.RateCardLine
	var at int64
	err := r.Scan(&l.ID, &l.EngagementID, &l.Kind, &l.Classification, &l.WorkItemID, &l.WorkItemTitle, &l.Unit, &l.Description,
		&l.Amount.Minor, &l.Amount.Currency, &l.Effective, &l.SetBy, &l.SetByName, &at)
	l.SetAt = fromUS(at)
	return l, err
}

// AddRateCardLine records a line of an engagement's rate card (l.ID set).
// The same thing priced twice from the same day is EConflict.
func (tx *Tx) AddRateCardLine(ctx context.Context, l *domain.RateCardLine) error {
	id, err := tx.insert(ctx, `INSERT INTO rate_card_lines (engagement_id, kind, classification, work_item_id, unit, description, amount_minor,
		currency, effective_on, set_by, set_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		l.EngagementID, string(l.Kind), string(l.Classification), nullID(l.WorkItemID), l.Unit, l.Description, l.Amount.Minor,
		string(l.Amount.Currency), string(l.Effective), l.SetBy, us(l.SetAt))
	if err != nil {
		return err
	}
	l.ID = id
	return nil
}

// RateCard lists an engagement's rate card lines, every dated line kept:
// by kind, then what they price, newest effective day first.
func (tx *Tx) RateCard(ctx context.Context, engagementID int64) ([]domain.RateCardLine, error) {
	rows, err := tx.query(ctx, `SELECT `+cardCols+cardFrom+` WHERE l.engagement_id = $1
		ORDER BY l.kind, l.classification, COALESCE(l.work_item_id, 0), lower(l.unit), l.effective_on DESC, l.id`, engagementID)
	return collect(rows, err, func(r *sql.Rows) (domain.RateCardLine, error) { return scanCardLine(r) })
}
