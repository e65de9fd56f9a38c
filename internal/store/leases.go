package store

import (
	"context"
	"time"
)

// Lease is a named, time-limited claim held by one process: the leader lease
// lets only one of several servers run the periodic jobs.
type Lease struct {
	Name      string
	Holder    string
	ExpiresAt time.Time
}

// AcquireLease takes the lease `name` for `holder` until now+ttl, or renews it
// if holder already has it. It succeeds only when nobody holds the lease, the
// holder is the same, or the current holder's lease expired at or before now;
// one conditional upsert decides, so two holders racing cannot both win.
func (tx *Tx) AcquireLease(ctx context.Context, name, holder string, now time.Time, ttl time.Duration) (bool, error) {
	r, err := tx.exec(ctx, `INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, $3)
		ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
		WHERE leases.holder = excluded.holder OR leases.expires_at <= $4`,
		name, holder, us(now.Add(ttl)), us(now))
	if err != nil {
		return false, err
	}
	n, err := r.RowsAffected()
	return n == 1, err
}

// ReleaseLease gives the lease up if holder has it, so another process can
// take it at once; it is a no-op when someone else holds it.
func (tx *Tx) ReleaseLease(ctx context.Context, name, holder string) error {
	_, err := tx.exec(ctx, `DELETE FROM leases WHERE name = $1 AND holder = $2`, name, holder)
	return err
}

// LeaseByName reads a lease as stored, expired or not; not-found when nobody
// has taken it (or the last holder released it).
func (tx *Tx) LeaseByName(ctx context.Context, name string) (Lease, error) {
	l := Lease{Name: name}
	var expires int64
	err := tx.queryRow(ctx, `SELECT holder, expires_at FROM leases WHERE name = $1`, name).Scan(&l.Holder, &expires)
	l.ExpiresAt = fromUS(expires)
	return l, one(err, "lease")
}
