package app

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/probity/probity/internal/conflicts"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// ConflictThreshold is the score (0–1) at which a party name and a vendor's
// disclosure are reported as a possible conflict (domain.ConflictThreshold).
const ConflictThreshold = domain.ConflictThreshold

// checkResult says what one check of a vendor against a matter found.
type checkResult struct {
	MatterID, VendorID int64
	Names              int // party names and aliases compared
	Disclosures        int
	New                int // pairs found for the first time (or found again after they had stopped matching)
	Obsolete           int // pairs that no longer match
}

func (r checkResult) changed() bool { return r.New > 0 || r.Obsolete > 0 }

// checkConflicts compares every party name and alias of a matter with every
// standing disclosure of a vendor, in tx. New pairs become open hits; a pair
// found before keeps its status and resolution (its score and reasons are
// refreshed); standing hits whose pair no longer matches are marked obsolete.
func (a *App) checkConflicts(ctx context.Context, tx *store.Tx, matterID, vendorID int64) (checkResult, error) {
	in, err := tx.ConflictInputs(ctx, matterID, vendorID)
	if err != nil {
		return checkResult{}, err
	}
	return a.runCheck(ctx, tx, matterID, vendorID, in)
}

func (a *App) runCheck(ctx context.Context, tx *store.Tx, matterID, vendorID int64, in store.ConflictInputs) (checkResult, error) {
	res := checkResult{MatterID: matterID, VendorID: vendorID, Disclosures: len(in.Disclosures)}
	type partyName struct {
		party domain.Party
		name  string
	}
	var names []partyName
	for _, p := range in.Parties {
		names = append(names, partyName{p, p.Name})
		for _, al := range p.Aliases {
			names = append(names, partyName{p, al})
		}
	}
	res.Names = len(names)
	found := map[string]domain.ConflictHit{}
	var order []string
	if len(names) > 0 && len(in.Disclosures) > 0 {
		byID := make(map[int64]domain.Disclosure, len(in.Disclosures))
		ds := make([]conflicts.Party, 0, len(in.Disclosures))
		for _, d := range in.Disclosures {
			byID[d.ID] = d
			ds = append(ds, conflicts.Party{ID: d.ID, Name: d.Name})
		}
		qs := make([]string, len(names))
		for i, n := range names {
			qs[i] = n.name
		}
		for _, m := range conflicts.NewIndex(ds).Check(qs, ConflictThreshold) {
			if m.AID < 0 || int(m.AID) >= len(names) {
				continue
			}
			n, d := names[m.AID], byID[m.BID]
			if d.ID == 0 {
				continue
			}
			key := hitKey(n.name, d.ID)
			if _, dup := found[key]; dup {
				continue // the same name on two parties: the first (best) stands for both
			}
			found[key] = domain.ConflictHit{MatterID: matterID, VendorID: vendorID, PartyID: n.party.ID, PartyName: n.name, PartyLabel: n.party.Name,
				PartyRole: n.party.Role, DisclosureID: d.ID, DisclosedName: d.Name, DisclosureKind: d.Kind, Score: m.Score, Reasons: m.Reasons}
			order = append(order, key)
		}
	}
	known, err := tx.ConflictHits(ctx, matterID, vendorID, true)
	if err != nil {
		return res, err
	}
	now := a.Now()
	seen := map[string]bool{}
	for _, h := range known {
		key := hitKey(h.PartyName, h.DisclosureID)
		f, ok := found[key]
		switch {
		case ok:
			seen[key] = true
			f.ID = h.ID
			if err := tx.RefreshConflictHit(ctx, f); err != nil {
				return res, err
			}
			if !h.Current() {
				res.New++
			}
		case h.Current():
			if err := tx.ObsoleteConflictHit(ctx, h.ID, now); err != nil {
				return res, err
			}
			res.Obsolete++
		}
	}
	for _, key := range order {
		if seen[key] {
			continue
		}
		h := found[key]
		if err := tx.InsertConflictHit(ctx, &h, now); err != nil {
			return res, err
		}
		res.New++
	}
	return res, tx.SetConflictCheck(ctx, matterID, vendorID, now, in.Digest)
}

func hitKey(name string, disclosureID int64) string {
	return strconv.FormatInt(disclosureID, 10) + "\x00" + name
}

// checkIfDue runs the check of a vendor against a matter when the matter's
// parties or the vendor's disclosures changed since the last one (or there
// has been none). ran reports whether it did.
func (a *App) checkIfDue(ctx context.Context, tx *store.Tx, matterID, vendorID int64) (res checkResult, ran bool, err error) {
	in, err := tx.ConflictInputs(ctx, matterID, vendorID)
	if err != nil {
		return res, false, err
	}
	last, err := tx.LastConflictCheck(ctx, matterID, vendorID)
	if err != nil || last.Inputs == in.Digest {
		return res, false, err
	}
	res, err = a.runCheck(ctx, tx, matterID, vendorID, in)
	return res, err == nil, err
}

// recheckMatter checks every vendor with an engagement on the matter that is
// not closed, after the matter's parties changed.
func (a *App) recheckMatter(ctx context.Context, tx *store.Tx, matterID int64) ([]checkResult, error) {
	vendors, err := tx.OpenEngagementVendors(ctx, matterID)
	if err != nil {
		return nil, err
	}
	out := make([]checkResult, 0, len(vendors))
	for _, v := range vendors {
		r, err := a.checkConflicts(ctx, tx, matterID, v)
		if err != nil {
			return nil, fmt.Errorf("conflict check of vendor %d on matter %d: %w", v, matterID, err)
		}
		out = append(out, r)
	}
	return out, nil
}

// recheckVendor checks the vendor against every matter where it has an
// engagement that is not closed, after its disclosures changed.
func (a *App) recheckVendor(ctx context.Context, tx *store.Tx, vendorID int64) ([]checkResult, error) {
	matters, err := tx.OpenEngagementMatters(ctx, vendorID)
	if err != nil {
		return nil, err
	}
	out := make([]checkResult, 0, len(matters))
	for _, m := range matters {
		r, err := a.checkConflicts(ctx, tx, m, vendorID)
		if err != nil {
			return nil, fmt.Errorf("conflict check of vendor %d on matter %d: %w", vendorID, m, err)
		}
		out = append(out, r)
	}
	return out, nil
}

// describeChecks says in a few words what rechecks found, for an audit
// summary ("" when nothing was rechecked).
func describeChecks(rs []checkResult) string {
	if len(rs) == 0 {
		return ""
	}
	var n, o int
	for _, r := range rs {
		n += r.New
		o += r.Obsolete
	}
	what := "conflict check of 1 engagement"
	if len(rs) > 1 {
		what = fmt.Sprintf("conflict check of %d engagements", len(rs))
	}
	return fmt.Sprintf("; %s: %s, %s no longer matching", what, plural(n, "new hit", "new hits"), plural(o, "hit", "hits"))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// percent writes a score as a whole percentage.
func percent(s float64) string { return fmt.Sprintf("%.0f%%", s*100) }

// ConflictsView is a vendor's conflict hits on an engagement's matter, as
// the firm sees them.
type ConflictsView struct {
	EngagementID int64
	MatterID     int64
	VendorID     int64
	VendorName   string
	Hits         []domain.ConflictHit // standing hits, open first
	Obsolete     []domain.ConflictHit // pairs that no longer match, kept for the record
	CheckedAt    time.Time            // zero when never checked
	// Due: the matter's parties or the vendor's disclosures changed since
	// the last check (or there has been none).
	Due        bool
	Open       int
	Blocked    int
	CanResolve bool // the viewer may run a check and resolve hits
}

// hitEngagement loads an engagement for conflict work: within the actor's
// scope, for firm users only (a vendor never sees a matter's party names;
// clients never see hits), and behind the second-factor gate of its matter.
func (a *App) hitEngagement(ctx context.Context, tx *store.Tx, actor domain.User, engagementID int64) (domain.Engagement, domain.Matter, error) {
	e, err := tx.Engagement(ctx, ScopeFor(actor), engagementID)
	if err != nil {
		return e, domain.Matter{}, err
	}
	if !actor.Role.IsFirm() {
		return e, domain.Matter{}, domain.NotFound("conflict hits")
	}
	m, err := tx.Matter(ctx, store.Scope{All: true}, e.MatterID)
	if err != nil {
		return e, m, err
	}
	return e, m, a.confidentialGate(ctx, tx, actor, m)
}

// EngagementConflicts lists the conflict hits of an engagement's vendor on
// its matter. Firm users who can see the engagement may read them.
func (a *App) EngagementConflicts(ctx context.Context, actor domain.User, engagementID int64) (ConflictsView, error) {
	var v ConflictsView
	err := a.Store.Read(ctx, func(tx *store.Tx) error {
		e, _, err := a.hitEngagement(ctx, tx, actor, engagementID)
		if err != nil {
			return err
		}
		v, err = a.conflictsView(ctx, tx, actor, e)
		return err
	})
	return v, err
}

// conflictsView reads the hits of e's vendor on e's matter, for a firm user
// already allowed to see them.
func (a *App) conflictsView(ctx context.Context, tx *store.Tx, actor domain.User, e domain.Engagement) (ConflictsView, error) {
	v := ConflictsView{EngagementID: e.ID, MatterID: e.MatterID, VendorID: e.VendorID, CanResolve: Can(actor, ResolveConflicts)}
	vendor, err := tx.Vendor(ctx, store.Scope{All: true}, e.VendorID)
	if err != nil {
		return v, err
	}
	v.VendorName = vendor.Name
	hits, err := tx.ConflictHits(ctx, e.MatterID, e.VendorID, true)
	if err != nil {
		return v, err
	}
	for _, h := range hits {
		if !h.Current() {
			v.Obsolete = append(v.Obsolete, h)
			continue
		}
		v.Hits = append(v.Hits, h)
		switch h.Status {
		case domain.HitOpen:
			v.Open++
		case domain.HitBlocked:
			v.Blocked++
		}
	}
	in, err := tx.ConflictInputs(ctx, e.MatterID, e.VendorID)
	if err != nil {
		return v, err
	}
	last, err := tx.LastConflictCheck(ctx, e.MatterID, e.VendorID)
	v.CheckedAt, v.Due = last.CheckedAt, last.Inputs != in.Digest
	return v, err
}

// CheckEngagementConflicts runs the conflict check of an engagement's vendor
// against its matter now ("Check now"), for an attorney or administrator.
func (a *App) CheckEngagementConflicts(ctx context.Context, actor domain.User, engagementID int64) (ConflictsView, error) {
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		e, m, err := a.hitEngagement(ctx, tx, actor, engagementID)
		if err != nil {
			return err
		}
		if err := require(actor, ResolveConflicts); err != nil {
			return err
		}
		vendor, err := tx.Vendor(ctx, store.Scope{All: true}, e.VendorID)
		if err != nil {
			return err
		}
		r, err := a.checkConflicts(ctx, tx, e.MatterID, e.VendorID)
		if err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, Record{Action: "conflict.check", ObjectType: "engagement", ObjectID: e.ID, MatterID: e.MatterID,
			Summary: fmt.Sprintf("checked %s's %s against %s on %s: %s, %s no longer matching", vendor.Name,
				plural(r.Disclosures, "disclosure", "disclosures"), plural(r.Names, "party name", "party names"), m.Number,
				plural(r.New, "new hit", "new hits"), plural(r.Obsolete, "hit", "hits"))})
	})
	if err != nil {
		return ConflictsView{}, err
	}
	return a.EngagementConflicts(ctx, actor, engagementID)
}

// ResolveConflictHit records an attorney's decision on a standing hit:
// cleared with a reason, waived with the client's consent recorded, or
// blocked. Only attorneys and administrators who can see the matter may
// decide; vendor users and client contacts never see hits at all. Each
// decision is audited with both names, the score and the decision.
func (a *App) ResolveConflictHit(ctx context.Context, actor domain.User, hitID int64, res domain.Resolution) (domain.ConflictHit, error) {
	var out domain.ConflictHit
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		h, m, err := a.hitInScope(ctx, tx, actor, hitID)
		if err != nil {
			return err
		}
		if err := require(actor, ResolveConflicts); err != nil {
			return err
		}
		if !h.Current() {
			return domain.Errorf(domain.EConflict, "this pair of names no longer matches (a party, alias or disclosure changed); there is nothing to resolve")
		}
		if err := res.Validate(domain.DateOf(a.Now())); err != nil {
			return err
		}
		vendor, err := tx.Vendor(ctx, store.Scope{All: true}, h.VendorID)
		if err != nil {
			return err
		}
		if err := tx.ResolveConflictHit(ctx, h.ID, res, actor.ID, a.Now()); err != nil {
			return err
		}
		summary := fmt.Sprintf("%s the conflict hit on %s: party %q (%s) and %s's disclosure %q (%s), score %s: %s",
			strings.ToLower(res.Status.Label()), m.Number, h.PartyName, h.PartyRole.Label(), vendor.Name, h.DisclosedName,
			strings.ToLower(h.DisclosureKind.Label()), percent(h.Score), res.Reason)
		if h.Status != domain.HitOpen && h.Status != res.Status {
			summary += fmt.Sprintf(" (was %s)", strings.ToLower(h.Status.Label()))
		}
		if res.Status == domain.HitWaived {
			summary += fmt.Sprintf("; client consent: %s on %s (%s)", res.Consent.By, res.Consent.On, res.Consent.Evidence)
		}
		if err := a.audit(ctx, tx, actor, Record{Action: "conflict.resolve", ObjectType: "conflict_hit", ObjectID: h.ID, MatterID: h.MatterID, Summary: summary}); err != nil {
			return err
		}
		out, err = tx.ConflictHit(ctx, h.ID)
		return err
	})
	return out, err
}

// HitView is one conflict hit with its matter, its vendor and the
// engagement a page returns to.
type HitView struct {
	Hit          domain.ConflictHit
	Matter       domain.Matter
	Vendor       domain.Vendor
	EngagementID int64 // the vendor's engagement on the matter the viewer can see (the newest not closed, else the newest)
	CanResolve   bool
}

// hitInScope loads a hit for a firm user who can see its matter (anyone
// else: not found), behind the matter's second-factor gate.
func (a *App) hitInScope(ctx context.Context, tx *store.Tx, actor domain.User, hitID int64) (domain.ConflictHit, domain.Matter, error) {
	if !actor.Role.IsFirm() {
		return domain.ConflictHit{}, domain.Matter{}, domain.NotFound("conflict hit")
	}
	h, err := tx.ConflictHit(ctx, hitID)
	if err != nil {
		return h, domain.Matter{}, err
	}
	m, err := tx.Matter(ctx, ScopeFor(actor), h.MatterID)
	if domain.ErrorCode(err) == domain.ENotFound {
		return h, m, domain.NotFound("conflict hit")
	} else if err != nil {
		return h, m, err
	}
	return h, m, a.confidentialGate(ctx, tx, actor, m)
}

// ConflictHit returns one hit for a firm user who can see its matter.
func (a *App) ConflictHit(ctx context.Context, actor domain.User, hitID int64) (HitView, error) {
	var v HitView
	err := a.Store.Read(ctx, func(tx *store.Tx) (err error) {
		if v.Hit, v.Matter, err = a.hitInScope(ctx, tx, actor, hitID); err != nil {
			return err
		}
		if v.Vendor, err = tx.Vendor(ctx, store.Scope{All: true}, v.Hit.VendorID); err != nil {
			return err
		}
		es, err := tx.ListEngagements(ctx, ScopeFor(actor), store.EngagementFilter{MatterID: v.Hit.MatterID, VendorID: v.Hit.VendorID, Page: store.Page{Limit: store.MaxPageSize}})
		if err != nil {
			return err
		}
		var open, last int64
		for _, e := range es {
			if e.Stage != domain.StageClosed {
				open = e.ID
			}
			last = e.ID
		}
		if v.EngagementID = open; open == 0 {
			v.EngagementID = last
		}
		v.CanResolve = Can(actor, ResolveConflicts)
		return nil
	})
	return v, err
}
