package app

import (
	"context"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// resumeVendorEngagements returns the vendor's paused engagements to the
// stage they were paused from, once the vendor is approved again. Called by
// the assessment decision in the same transaction.
func (a *App) resumeVendorEngagements(ctx context.Context, tx *store.Tx, actor domain.User, vendorID int64) error {
	return nil // filled in by the opening gates
}

// pauseVendorEngagements pauses the vendor's open engagements (no new work,
// no document access) because its approval lapsed or was rejected. Called by
// the assessment decision in the same transaction.
func (a *App) pauseVendorEngagements(ctx context.Context, tx *store.Tx, actor domain.User, vendorID int64, why string) error {
	return nil // filled in by the opening gates
}
