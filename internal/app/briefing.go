package app

import (
	"context"

	"github.com/probity/probity/internal/store"
)

// briefingAcknowledged returns nil when userID has acknowledged the current
// briefing version of engagement engagementID, else an EGateClosed error
// saying which version waits for them.
func (a *App) briefingAcknowledged(ctx context.Context, tx *store.Tx, engagementID, userID int64) error {
	return nil // contract stub: the briefing work replaces this
}
