package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/probity/probity/internal/domain"
)

const userCols = `id, email, name, role, COALESCE(vendor_id, 0), COALESCE(client_id, 0), title, time_zone, locale, disabled, created_at`

// scanUser scans userCols followed by any extra columns.
func scanUser(r interface{ Scan(...any) error }, extra ...any) (domain.User, error) {
	var u domain.User
	var created int64
	err := r.Scan(append(userDest(&u, &created), extra...)...)
	u.CreatedAt = fromUS(created)
	return u, err
}

// userDest is where userCols scan to: u's fields, and created for the
// creation time (microseconds) the caller converts.
func userDest(u *domain.User, created *int64) []any {
	return []any{&u.ID, &u.Email, &u.Name, &u.Role, &u.VendorID, &u.ClientID, &u.Title, &u.TimeZone, &u.Locale, &u.Disabled, created}
}

// CreateUser stores a validated user with its password hash ("" for none yet).
func (tx *Tx) CreateUser(ctx context.Context, u *domain.User, passwordHash string, now time.Time) error {
	id, err := tx.insert(ctx, `INSERT INTO users (email, name, role, vendor_id, client_id, title, time_zone, locale, password_hash, disabled, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)`,
		u.Email, u.Name, u.Role, nullID(u.VendorID), nullID(u.ClientID), u.Title, u.TimeZone, localeOrDefault(u.Locale), passwordHash, u.Disabled, us(now))
	if err != nil {
		return err
	}
	u.ID, u.CreatedAt = id, now
	return nil
}

func localeOrDefault(l domain.Locale) string {
	if l == "" {
		return string(domain.DefaultLocale)
	}
	return string(l)
}

// UpdateProfile replaces what a person says about themselves: their name,
// time zone and locale (validated by the caller).
func (tx *Tx) UpdateProfile(ctx context.Context, userID int64, name, timeZone string, locale domain.Locale, now time.Time) error {
	r, err := tx.exec(ctx, `UPDATE users SET name = $1, time_zone = $2, locale = $3, updated_at = $4 WHERE id = $5`,
		name, timeZone, localeOrDefault(locale), us(now), userID)
	return affected(r, err, "user")
}

// User loads a user by id.
func (tx *Tx) User(ctx context.Context, id int64) (domain.User, error) {
	u, err := scanUser(tx.queryRow(ctx, `SELECT `+userCols+` FROM users WHERE id = $1`, id))
	return u, one(err, "user")
}

// UserByEmail loads a user and the password hash by (normalised) email.
func (tx *Tx) UserByEmail(ctx context.Context, email string) (domain.User, string, error) {
	var hash string
	u, err := scanUser(tx.queryRow(ctx, `SELECT `+userCols+`, password_hash FROM users WHERE email = $1`, email), &hash)
	return u, hash, one(err, "user")
}

// SetPassword replaces a user's password hash.
func (tx *Tx) SetPassword(ctx context.Context, userID int64, hash string, now time.Time) error {
	r, err := tx.exec(ctx, `UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3`, hash, us(now), userID)
	return affected(r, err, "user")
}

// UserFilter narrows ListUsers.
type UserFilter struct {
	Role     domain.Role
	VendorID int64
	ClientID int64
	Page
}

// ListUsers lists users by id.
func (tx *Tx) ListUsers(ctx context.Context, f UserFilter) ([]domain.User, error) {
	rows, err := tx.query(ctx, `SELECT `+userCols+` FROM users
		WHERE id > $1 AND ($2 = '' OR role = $2) AND ($3 = 0 OR vendor_id = $3) AND ($4 = 0 OR client_id = $4)
		ORDER BY id LIMIT $5`, f.AfterID, string(f.Role), f.VendorID, f.ClientID, f.limit())
	return collect(rows, err, func(r *sql.Rows) (domain.User, error) { return scanUser(r) })
}

// AddBarAdmission records an attorney's admission.
func (tx *Tx) AddBarAdmission(ctx context.Context, b *domain.BarAdmission) error {
	id, err := tx.insert(ctx, `INSERT INTO bar_admissions (user_id, jurisdiction, number, status, admitted_on) VALUES ($1, $2, $3, $4, $5)`,
		b.UserID, b.Jurisdiction, b.Number, b.Status, string(b.AdmittedOn))
	b.ID = id
	return err
}

// BarAdmissions lists a user's admissions.
func (tx *Tx) BarAdmissions(ctx context.Context, userID int64) ([]domain.BarAdmission, error) {
	rows, err := tx.query(ctx, `SELECT id, user_id, jurisdiction, number, status, admitted_on FROM bar_admissions WHERE user_id = $1 ORDER BY jurisdiction`, userID)
	return collect(rows, err, func(r *sql.Rows) (b domain.BarAdmission, err error) {
		err = r.Scan(&b.ID, &b.UserID, &b.Jurisdiction, &b.Number, &b.Status, &b.AdmittedOn)
		return b, err
	})
}

func affected(r sql.Result, err error, kind string) error {
	if err != nil {
		return err
	}
	n, err := r.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return domain.NotFound(kind)
	}
	return nil
}

// SetUserDisabled disables or enables a user; it reports whether that changed anything.
func (tx *Tx) SetUserDisabled(ctx context.Context, userID int64, disabled bool, now time.Time) (bool, error) {
	r, err := tx.exec(ctx, `UPDATE users SET disabled = $1, updated_at = $2 WHERE id = $3 AND disabled <> $1`, disabled, us(now), userID)
	if err != nil {
		return false, err
	}
	n, err := r.RowsAffected()
	return n == 1, err
}
