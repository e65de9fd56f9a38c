package store

import (
	"context"
	"time"

	"github.com/probity/probity/internal/domain"
)

// Setting reads a firm-wide setting; ok is false when it was never set.
func (tx *Tx) Setting(ctx context.Context, name string) (value string, ok bool, err error) {
	err = tx.queryRow(ctx, `SELECT value FROM settings WHERE name = $1`, name).Scan(&value)
	if err = one(err, "setting"); domain.ErrorCode(err) == domain.ENotFound {
		return "", false, nil
	}
	return value, err == nil, err
}

// SetSetting writes a firm-wide setting.
func (tx *Tx) SetSetting(ctx context.Context, name, value string, at time.Time) error {
	_, err := tx.exec(ctx, `INSERT INTO settings (name, value, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, name, value, us(at))
	return err
}
