package app

import (
	"context"
	"strings"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// subcontractorFacts names the vendor's subcontractors (fourth parties) the
// firm has not approved. The opening gates read it.
func (a *App) subcontractorFacts(ctx context.Context, tx *store.Tx, vendorID int64) ([]string, error) {
	return tx.UnapprovedSubcontractors(ctx, vendorID)
}

// personnelClear returns nil when a vendor user may do engagement work
// today, or an error saying what has lapsed (NDA, training).
func (a *App) personnelClear(ctx context.Context, tx *store.Tx, userID int64) error {
	u, err := tx.User(ctx, userID)
	if err != nil {
		return err
	}
	if !u.Role.IsVendor() {
		return nil
	}
	p, _, err := loadPersonnel(ctx, tx, userID)
	if err != nil {
		return err
	}
	st := p.PersonnelStatus(domain.DateOf(a.Now()))
	if st.State != domain.PersonnelBlocked {
		return nil
	}
	renewer := "A firm administrator"
	if names, err := managerNames(ctx, tx, u.VendorID, u.ID); err != nil {
		return err
	} else if len(names) > 0 {
		renewer = "Their vendor manager (" + strings.Join(names, " or ") + ")"
	}
	return domain.Errorf(domain.EGateClosed, "%s cannot do engagement work until this is renewed: %s. %s records the renewal on %s's personnel record in Probity.",
		u.Name, st.Reason(), renewer, u.Name)
}
