package seed

import (
	"context"

	"github.com/probity/probity/internal/store"
)

var (
	educations = []string{"LL.B., University of Delhi", "LL.B., National Law School of India University", "J.D., University of the Philippines",
		"LL.B., University of Cape Town", "J.D., Georgetown University", "LL.M., King's College London", "B.A. (Hons) Law, University of Mumbai", "Paralegal certificate"}
	positions = map[string][]string{"vendor_manager": {"Team lead", "Review manager", "Delivery lead"},
		"vendor_professional": {"Senior reviewer", "Reviewer", "Legal analyst", "Contract analyst", "Paralegal"}}
)

// personnel writes a personnel record for every vendor person: background
// check, signed NDA, confidentiality and ethics training, current for about
// 97 of 100 and a few expiring within the month; about 3 in 100 lapsed (an
// expired NDA or training, which keeps them from engagement work), and the
// last vendor's second analyst always, so the lapsed paths have data. The
// first vendor's people (People) are always current.
func (g *gen) personnel(ctx context.Context, tx *store.Tx) error {
	var rows [][]any
	for vi := range g.size.Vendors {
		for k, u := range []int64{g.vendorMgr[vi], g.vendorPros[vi][0], g.vendorPros[vi][1]} {
			role := "vendor_professional"
			if k == 0 {
				role = "vendor_manager"
			}
			signed := g.days(-30 - g.rng.IntN(700))
			trained := g.days(-10 - g.rng.IntN(300))
			confDone, ethicsDone := trained, trained
			ndaEnd, confEnd, ethicsEnd := signed.AddDate(3, 0, 0), trained.AddDate(1, 0, 0), trained.AddDate(1, 0, 0)
			if !ndaEnd.After(g.days(45)) { // renewed
				ndaEnd = g.days(45 + g.rng.IntN(700))
			}
			chosen := vi == 0
			switch r := g.rng.IntN(100); {
			case chosen:
			case r < 3 || vi == g.size.Vendors-1 && k == 2: // lapsed: one of the three ran out
				past := g.days(-1 - g.rng.IntN(60))
				switch g.rng.IntN(3) {
				case 0:
					signed, ndaEnd = past.AddDate(-3, 0, 0), past
				case 1:
					confDone, confEnd = past.AddDate(-1, 0, 0), past
				default:
					ethicsDone, ethicsEnd = past.AddDate(-1, 0, 0), past
				}
			case r < 6: // running out within the month
				confEnd = g.days(1 + g.rng.IntN(29))
			}
			at := us(g.days(-g.rng.IntN(30)))
			rows = append(rows, []any{u, positions[role][g.rng.IntN(len(positions[role]))], educations[g.rng.IntN(len(educations))], 1 + g.rng.IntN(15),
				day(signed.AddDate(0, 0, -14)), day(signed), day(ndaEnd), day(confDone), day(confEnd), day(ethicsDone), day(ethicsEnd), g.admin, at})
		}
	}
	if err := tx.SeedRows(ctx, "personnel", []string{"user_id", "position", "education", "experience_years", "background_check_on", "nda_signed_on", "nda_expires_on",
		"confidentiality_completed_on", "confidentiality_expires_on", "ethics_completed_on", "ethics_expires_on", "updated_by", "updated_at"}, rows); err != nil {
		return err
	}
	g.step(len(rows), "personnel")
	return nil
}
