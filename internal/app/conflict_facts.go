package app

import (
	"context"
	"fmt"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// conflictFacts checks the matter's parties against the vendor's disclosures
// (when not already checked since either last changed) and counts the hits
// still standing in the way. It runs inside the caller's write transaction;
// when the check finds new hits or retires old ones it records that in the
// audit trail too, so the compliance record shows every hit's origin.
func (a *App) conflictFacts(ctx context.Context, tx *store.Tx, actor domain.User, matterID, vendorID int64) (domain.ConflictFacts, error) {
	var f domain.ConflictFacts
	r, ran, err := a.checkIfDue(ctx, tx, matterID, vendorID)
	if err != nil {
		return f, fmt.Errorf("conflict check of vendor %d on matter %d: %w", vendorID, matterID, err)
	}
	if ran && r.changed() {
		err := a.audit(ctx, tx, actor, Record{Action: "conflict.check", ObjectType: "vendor", ObjectID: vendorID, MatterID: matterID,
			Summary: fmt.Sprintf("checked %s against %s: %s, %s no longer matching", plural(r.Disclosures, "disclosure", "disclosures"),
				plural(r.Names, "party name", "party names"), plural(r.New, "new hit", "new hits"), plural(r.Obsolete, "hit", "hits"))})
		if err != nil {
			return f, err
		}
	}
	f.Open, f.Blocked, err = tx.StandingHits(ctx, matterID, vendorID)
	return f, err
}
