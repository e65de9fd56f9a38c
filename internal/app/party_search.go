package app

import (
	"context"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/probity/probity/internal/conflicts"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// partyIndex is the firm-wide name index behind party search: every party
// name and alias of every matter and every standing disclosure, in one
// in-memory conflicts.Index. It is built on first use and rebuilt when the
// generation stored in the database (bumped in the transaction of every
// name change, by any app server) differs from the one it was built from,
// so no app server serves a stale index. The zero value is ready to use.
type partyIndex struct {
	mu  sync.Mutex
	cur *builtIndex
}

// builtIndex is one immutable build: the index, and for each indexed
// position what the name belongs to.
type builtIndex struct {
	generation int64
	ix         *conflicts.Index
	names      []store.IndexedName
}

// current returns an index no older than the stored generation.
func (p *partyIndex) current(ctx context.Context, s *store.Store) (*builtIndex, error) {
	var gen int64
	if err := s.Read(ctx, func(tx *store.Tx) (err error) { gen, err = tx.ConflictGeneration(ctx); return err }); err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cur != nil && p.cur.generation == gen {
		return p.cur, nil
	}
	b := &builtIndex{}
	// The generation is read before the names, in the same transaction: on
	// an engine whose statements each see the latest commit, the names are
	// then at least as new as the generation, never older (an index labelled
	// newer than its names would never be rebuilt).
	err := s.Read(ctx, func(tx *store.Tx) (err error) {
		if b.generation, err = tx.ConflictGeneration(ctx); err != nil {
			return err
		}
		b.names, err = tx.IndexedNames(ctx)
		return err
	})
	if err != nil {
		return nil, err
	}
	ps := make([]conflicts.Party, len(b.names))
	for i, n := range b.names {
		ps[i] = conflicts.Party{ID: int64(i), Name: n.Name}
	}
	b.ix = conflicts.NewIndex(ps)
	p.cur = b
	return b, nil
}

// PartyMatch is one answer of the party search: the name searched for, the
// indexed name it matched, the score and why, and what that name belongs
// to — a party on a matter (MatterID set) or a vendor's disclosure
// (VendorID set).
type PartyMatch struct {
	Query   string
	Name    string
	Score   float64
	Reasons []string
	// A party's name or alias on a matter:
	MatterID     int64
	MatterNumber string
	MatterTitle  string
	PartyLabel   string // the party's own name, when Name is an alias
	PartyRole    domain.PartyRole
	// A vendor's disclosure:
	VendorID       int64
	VendorName     string
	DisclosureKind domain.DisclosureKind
}

// PartySearch is what a party search found within the searcher's scope.
type PartySearch struct {
	Query   string
	Matches []PartyMatch
	// Gated counts matches on highly confidential matters, withheld until
	// the session passes a second factor.
	Gated int
	// Names is how many names the firm-wide index holds.
	Names int
}

// MaxPartyMatches bounds one party search's answer.
const MaxPartyMatches = 100

// SearchParties answers "who is this name related to across all matters?"
// for firm users: it matches the name against every party and alias of
// every matter and every vendor's disclosures, then keeps only what the
// searcher may see (screened matters never appear), best first.
func (a *App) SearchParties(ctx context.Context, actor domain.User, query string) (PartySearch, error) {
	out := PartySearch{Query: strings.TrimSpace(query)}
	if err := require(actor, SearchParties); err != nil {
		return out, err
	}
	if out.Query == "" || utf8.RuneCountInString(out.Query) > 300 {
		return out, domain.Invalid("q", "type a name to search for (at most 300 characters)")
	}
	b, err := a.partyIndex.current(ctx, a.Store)
	if err != nil {
		return out, err
	}
	out.Names = b.ix.Len()
	found := b.ix.Search(out.Query, ConflictThreshold)
	s := ScopeFor(actor)
	type seen struct {
		m     domain.Matter
		ok    bool
		gated bool
	}
	matters := map[int64]seen{}
	vendors := map[int64]string{}
	err = a.Store.Read(ctx, func(tx *store.Tx) error {
		for _, m := range found {
			if len(out.Matches) == MaxPartyMatches {
				break
			}
			if m.BID < 0 || int(m.BID) >= len(b.names) {
				continue
			}
			n := b.names[m.BID]
			pm := PartyMatch{Query: out.Query, Name: n.Name, Score: m.Score, Reasons: m.Reasons}
			if n.MatterID != 0 {
				sm, known := matters[n.MatterID]
				if !known {
					mt, err := tx.Matter(ctx, s, n.MatterID)
					switch {
					case domain.ErrorCode(err) == domain.ENotFound:
					case err != nil:
						return err
					default:
						sm.m, sm.ok = mt, true
						if gerr := a.confidentialGate(ctx, tx, actor, mt); gerr != nil {
							if domain.ErrorCode(gerr) != domain.EForbidden {
								return gerr
							}
							sm.gated = true
						}
					}
					matters[n.MatterID] = sm
				}
				switch {
				case !sm.ok:
					continue // outside the searcher's scope: never shown, never counted
				case sm.gated:
					out.Gated++
					continue
				}
				pm.MatterID, pm.MatterNumber, pm.MatterTitle = sm.m.ID, sm.m.Number, sm.m.Title
				pm.PartyLabel, pm.PartyRole = n.PartyLabel, n.PartyRole
			} else {
				name, known := vendors[n.VendorID]
				if !known {
					v, err := tx.Vendor(ctx, s, n.VendorID)
					if err != nil && domain.ErrorCode(err) != domain.ENotFound {
						return err
					}
					name = v.Name
					vendors[n.VendorID] = name
				}
				if name == "" {
					continue
				}
				pm.VendorID, pm.VendorName, pm.DisclosureKind = n.VendorID, name, n.DisclosureKind
			}
			out.Matches = append(out.Matches, pm)
		}
		return nil
	})
	return out, err
}
