package app

import (
	"context"

	"github.com/probity/probity/internal/store"
)

// subcontractorFacts names the vendor's subcontractors (fourth parties) the
// firm has not approved. The opening gates read it.
func (a *App) subcontractorFacts(ctx context.Context, tx *store.Tx, vendorID int64) ([]string, error) {
	return nil, nil // filled in by the vendor registry
}

// personnelClear returns nil when a vendor user may do engagement work
// today, or an error saying what has lapsed (NDA, training).
func (a *App) personnelClear(ctx context.Context, tx *store.Tx, userID int64) error {
	return nil // filled in by the personnel records
}
