package app

import (
	"context"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// conflictFacts checks the matter's parties against the vendor's disclosures
// (when not already checked since either last changed) and counts the hits
// still standing in the way. It runs inside the caller's write transaction.
func (a *App) conflictFacts(ctx context.Context, tx *store.Tx, actor domain.User, matterID, vendorID int64) (domain.ConflictFacts, error) {
	return domain.ConflictFacts{}, nil // filled in by conflict checks
}
