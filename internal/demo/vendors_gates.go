package demo

import (
	"fmt"
	"time"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// gates makes the demo's opening gates and pauses tell one story with the
// vendors' due diligence: Keystone's approval expired a month ago, so its
// Greenfield review, which was active, is paused exactly as the periodic
// check pauses it — remembering the stage it resumes at and why — the day
// after the approval lapsed. (Bayanihan's proposal on the highly
// confidential Ardent matter and Meridian's on Calloway wait in "proposed":
// their gates, computed from the assessments and the conflict hits, say
// what blocks them.)
func (l *loader) gates() {
	if l.err != nil {
		return
	}
	keystone := l.vendors["keystone"]
	v, err := l.tx.Vendor(l.ctx, store.Scope{All: true}, keystone)
	l.do(err)
	es, err := l.tx.ListEngagements(l.ctx, store.Scope{All: true}, store.EngagementFilter{VendorID: keystone, Page: store.Page{Limit: store.MaxPageSize}})
	l.do(err)
	if l.err != nil {
		return
	}
	lapsed := v.ApprovedUntil.Time().AddDate(0, 0, 1).Add(6 * time.Hour) // the first check after the last approved day
	why := fmt.Sprintf("%s's approval expired on %s; work resumes when the firm approves it again", v.Name, v.ApprovedUntil)
	for _, e := range es {
		if domain.Pausable(e.Stage) {
			ok, err := l.tx.PauseEngagement(l.ctx, e.ID, e.Stage, domain.PauseVendorLapsed, why, lapsed)
			l.do(err)
			if err == nil && !ok {
				l.do(fmt.Errorf("demo: pause engagement %d: it moved meanwhile", e.ID))
			}
		}
	}
}
