package app

import (
	"context"
	"errors"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// The general search (issue 9): one box, one term, across what the searcher
// may see — matters, parties, vendors, engagements, documents' names and
// messages. Every group is read in the searcher's scope (ScopeFor), so a
// screened matter, another vendor's engagement or another client's matter
// is never returned nor counted. Documents, deliverables and messages pass,
// per engagement, the same gate their own pages apply (workEngagement, or
// the deliverables page's access), so a search never shows a file name or a
// message the searcher could not open. Highly confidential matters, behind a
// second factor the session has not given, are counted apart (Gated), as the
// party search does.

// SearchKind is a group of the general search's results.
type SearchKind string

// The groups of the general search, in the order they are shown.
const (
	SearchMatters     SearchKind = "matters"
	SearchPartyNames  SearchKind = "parties"
	SearchVendorNames SearchKind = "vendors"
	SearchEngagements SearchKind = "engagements"
	SearchDocuments   SearchKind = "documents"
	SearchMessages    SearchKind = "messages"
)

// SearchKinds lists the groups in display order.
var SearchKinds = []SearchKind{SearchMatters, SearchPartyNames, SearchVendorNames, SearchEngagements, SearchDocuments, SearchMessages}

var searchKindLabels = map[SearchKind]string{
	SearchMatters: "Matters", SearchPartyNames: "Parties", SearchVendorNames: "Vendors",
	SearchEngagements: "Engagements", SearchDocuments: "Documents", SearchMessages: "Messages",
}

// Label names a group for people.
func (k SearchKind) Label() string { return searchKindLabels[k] }

// Limits of the general search.
const (
	MinSearchLength = 2   // characters of a term, at least
	MaxSearchLength = 200 // characters of a term, at most
	SearchGroupHits = 5   // rows per group when every group is shown
	SearchKindHits  = 50  // rows of one group asked for alone ("more")
	// SearchGateLimit is how many engagements' document gates one search
	// evaluates, newest engagements first.
	SearchGateLimit = 50
)

// Snippet is the text around a match: Match is the matched text as it is
// written, Before and After what surrounds it (with "…" where cut). All
// three are plain text; the surfaces escape them.
type Snippet struct {
	Before, Match, After string
}

// SearchHit is one result. Which ids are set depends on the kind: a matter
// (MatterID), a party (ID, MatterID), a vendor (ID), an engagement
// (EngagementID, MatterID), a document (ID: the engagement document, or the
// deliverable when Deliverable is set; EngagementID), a message (ID,
// ThreadID, EngagementID).
type SearchHit struct {
	Kind         SearchKind
	ID           int64
	MatterID     int64
	EngagementID int64
	ThreadID     int64
	Deliverable  bool
	Name         string
	Where        string
	Snippet      Snippet
}

// SearchGroup is one kind's results: the first hits and how many there are
// in all (More when not all are shown).
type SearchGroup struct {
	Kind  SearchKind
	Label string
	Hits  []SearchHit
	Total int
	More  bool
	// AtLeast: Total is a lower bound. Each source counts at most
	// store.SearchCountCap matching rows, the newest; and matter documents
	// pass a gate per engagement (consent, briefing acknowledgement): past
	// SearchGateLimit engagements with matches, the rest are not counted.
	AtLeast bool
}

// SearchResults is what the general search found for the searcher.
type SearchResults struct {
	Query  string
	Kind   SearchKind // the one group asked for, or "" for all
	Groups []SearchGroup
	Total  int
	// AtLeast: Total is a lower bound (a group's AtLeast).
	AtLeast bool
	// Gated counts matches on highly confidential matters, withheld until
	// the session passes a second factor.
	Gated int
	// PartySearch is whether the searcher may use the conflict party search.
	PartySearch bool
}

// SearchTerm checks and tidies a search term: trimmed, at least
// MinSearchLength and at most MaxSearchLength characters.
func SearchTerm(q string) (string, error) {
	q = strings.TrimSpace(q)
	switch n := utf8.RuneCountInString(q); {
	case n == 0:
		return q, domain.Invalid("q", "type what to search for: at least 2 characters")
	case n < MinSearchLength:
		return q, domain.Invalid("q", "type at least 2 characters to search")
	case n > MaxSearchLength:
		return q, domain.Invalid("q", "a search is at most 200 characters")
	}
	return q, nil
}

// Search runs the general search for actor: every group the actor's role
// may see (kind ""), SearchGroupHits each, or one group, SearchKindHits.
func (a *App) Search(ctx context.Context, actor domain.User, query string, kind SearchKind) (SearchResults, error) {
	out := SearchResults{Query: strings.TrimSpace(query), Kind: kind, PartySearch: Can(actor, SearchParties)}
	if actor.Disabled || actor.ID == 0 {
		return out, domain.NotFound("search")
	}
	term, err := SearchTerm(query)
	if err != nil {
		return out, err
	}
	out.Query = term
	kinds := searchKindsFor(actor)
	limit := SearchGroupHits
	if kind != "" {
		if !slices.Contains(kinds, kind) {
			return out, domain.Invalid("kind", "choose one of the result groups shown")
		}
		kinds, limit = []SearchKind{kind}, SearchKindHits
	}
	err = a.Store.Read(ctx, func(tx *store.Tx) error {
		hide := false
		if gerr := a.confidentialGate(ctx, tx, actor, domain.Matter{Sensitivity: domain.SensitivityHighlyConfidential}); gerr != nil {
			if !errors.Is(gerr, ErrSecondFactorRequired) {
				return gerr
			}
			hide = true
		}
		s := searcher{a: a, tx: tx, actor: actor, term: term, docGates: map[int64]bool{},
			q: store.SearchQuery{Scope: ScopeFor(actor), Term: term, Limit: limit, HideHighlyConfidential: hide}}
		for _, k := range kinds {
			g, gated, err := s.group(ctx, k)
			if err != nil {
				return err
			}
			out.Gated += gated
			out.Total += g.Total
			out.AtLeast = out.AtLeast || g.AtLeast
			out.Groups = append(out.Groups, g)
		}
		return nil
	})
	return out, err
}

// searchKindsFor is the groups a role searches: parties are for the firm's
// people (only they see a matter's parties); vendors for those who may see
// the registry; documents and messages for those who work on engagements
// (a client contact's documents are the deliverables released to them).
func searchKindsFor(u domain.User) []SearchKind {
	var ks []SearchKind
	for _, k := range SearchKinds {
		switch k {
		case SearchPartyNames:
			if !Can(u, SearchParties) {
				continue
			}
		case SearchVendorNames:
			if !Can(u, ViewVendors) {
				continue
			}
		case SearchMessages:
			if !Can(u, WorkOnEngagements) {
				continue
			}
		}
		ks = append(ks, k)
	}
	return ks
}

// searcher runs one search's groups in one read transaction.
type searcher struct {
	a     *App
	tx    *store.Tx
	actor domain.User
	term  string
	q     store.SearchQuery
	// docGates caches, per engagement, whether its matter documents may be opened.
	docGates map[int64]bool
}

func (s *searcher) group(ctx context.Context, k SearchKind) (SearchGroup, int, error) {
	g := SearchGroup{Kind: k, Label: k.Label()}
	var rows []store.SearchRow
	var c store.SearchCount
	var err error
	switch k {
	case SearchMatters:
		rows, c, err = s.tx.SearchMatters(ctx, s.q)
	case SearchPartyNames:
		rows, c, err = s.tx.SearchParties(ctx, s.q)
	case SearchVendorNames:
		rows, c, err = s.tx.SearchVendors(ctx, s.q)
	case SearchEngagements:
		rows, c, err = s.tx.SearchEngagements(ctx, s.q)
	case SearchDocuments:
		return s.engagementGroup(ctx, g, s.documentSources()...)
	case SearchMessages:
		return s.engagementGroup(ctx, g, store.SourceMessages)
	}
	if err != nil {
		return g, 0, err
	}
	gated := 0
	g.Total, g.AtLeast = c.Total, c.Capped
	if s.q.HideHighlyConfidential {
		gated, g.Total = c.HighlyConfidential, c.Total-c.HighlyConfidential
	}
	for _, r := range rows {
		g.Hits = append(g.Hits, s.hit(k, r))
	}
	g.More = g.Total > len(g.Hits)
	return g, gated, nil
}

// documentSources: firm and vendor users search the files shared on
// engagements and the deliverables; a client contact the deliverables
// released to the client.
func (s *searcher) documentSources() []store.SearchSource {
	if s.actor.Role.IsClient() {
		return []store.SearchSource{store.SourceReleased}
	}
	if Can(s.actor, WorkOnEngagements) {
		return []store.SearchSource{store.SourceDocuments, store.SourceDeliverables}
	}
	return []store.SearchSource{store.SourceDeliverables}
}

func (s *searcher) hit(k SearchKind, r store.SearchRow) SearchHit {
	h := SearchHit{Kind: k, ID: r.ID, MatterID: r.MatterID, EngagementID: r.EngagementID, ThreadID: r.ThreadID, Name: r.Name, Where: r.Where}
	h.Snippet = snippetOf(r.Texts, s.term)
	return h
}

// engagementGroup reads the engagement-level sources of a group. The
// gates their pages apply (workEngagement, or the deliverables page's
// access) are applied here, for every engagement at once where they do not
// depend on the engagement: the scope, the client's exclusion, the stage
// (as SQL), the second factor (highly confidential engagements are counted
// apart) and the searcher's own personnel status. Matter documents also
// need, per engagement, the client's consent and the vendor member's
// briefing acknowledgement: workEngagement decides those, engagement by
// engagement.
func (s *searcher) engagementGroup(ctx context.Context, g SearchGroup, srcs ...store.SearchSource) (SearchGroup, int, error) {
	gated := 0
	for _, src := range srcs {
		act := domain.ActivityDocument
		switch src {
		case store.SourceMessages:
			act = domain.ActivityMessage
		case store.SourceDeliverables, store.SourceReleased:
			act = domain.ActivityDeliverable
		}
		q := s.q
		if src == store.SourceDocuments || src == store.SourceMessages || s.actor.Role.IsVendor() {
			q.Stages = stagesAllowing(act)
			if s.actor.Role.IsVendor() { // a lapsed NDA or training: no engagement work at all
				if err := s.a.personnelClear(ctx, s.tx, s.actor.ID); err != nil {
					if domain.ErrorCode(err) == domain.EInternal {
						return g, 0, err
					}
					continue
				}
			}
		}
		per, capped, err := s.tx.SearchPerEngagement(ctx, src, q)
		if err != nil {
			return g, 0, err
		}
		g.AtLeast = g.AtLeast || capped
		open := map[int64]bool{}
		total, checked := 0, 0
		slices.Reverse(per) // newest engagements first
		for _, x := range per {
			if x.HighlyConfidential && s.q.HideHighlyConfidential {
				gated += x.Rows
				continue
			}
			if src == store.SourceDocuments {
				if checked == SearchGateLimit {
					g.AtLeast = true
					break
				}
				checked++
				ok, err := s.documentsOpen(ctx, x.EngagementID)
				if err != nil {
					return g, 0, err
				}
				if !ok {
					continue
				}
			}
			open[x.EngagementID] = true
			total += x.Rows
		}
		if capped {
			total = min(total, store.SearchCountCap)
		}
		g.Total += total
		want := min(s.q.Limit-len(g.Hits), total)
		var before int64
		for want > 0 {
			page := q
			page.Limit = max(4*want, 50)
			rows, err := s.tx.SearchSourceRows(ctx, src, page, before)
			if err != nil {
				return g, 0, err
			}
			for _, r := range rows {
				if open[r.EngagementID] && want > 0 {
					h := s.hit(g.Kind, r)
					h.Deliverable = src == store.SourceDeliverables || src == store.SourceReleased
					g.Hits = append(g.Hits, h)
					want--
				}
			}
			if len(rows) < page.Limit {
				break
			}
			before = rows[len(rows)-1].ID
		}
	}
	g.More = g.Total > len(g.Hits)
	return g, gated, nil
}

// stagesAllowing lists the stages at which act may happen, as the store's
// SearchQuery.Stages wants them.
func stagesAllowing(act domain.Activity) string {
	out := ","
	for _, st := range domain.Stages {
		if domain.StageAllows(st, act) == nil {
			out += string(st) + ","
		}
	}
	return out
}

// documentsOpen is whether the searcher may open the matter documents of
// an engagement, by the documents page's own gate.
func (s *searcher) documentsOpen(ctx context.Context, engagementID int64) (bool, error) {
	if ok, seen := s.docGates[engagementID]; seen {
		return ok, nil
	}
	_, err := s.a.workEngagement(ctx, s.tx, s.actor, engagementID, domain.ActivityDocument)
	if err == nil {
		err = require(s.actor, WorkOnEngagements)
	}
	if domain.ErrorCode(err) == domain.EInternal {
		return false, err
	}
	s.docGates[engagementID] = err == nil
	return err == nil, nil
}

// snippetOf finds term in the first text holding it (case-insensitively)
// and cuts a window around it; with no match it shows the first text.
func snippetOf(texts []string, term string) Snippet {
	for _, t := range texts {
		if sn, ok := snip(t, term); ok {
			return sn
		}
	}
	for _, t := range texts {
		if t = strings.Join(strings.Fields(t), " "); t != "" {
			r := []rune(t)
			if len(r) > snippetAfter {
				return Snippet{Before: string(r[:snippetAfter]) + "…"}
			}
			return Snippet{Before: t}
		}
	}
	return Snippet{}
}

// The window a snippet shows around a match, in characters.
const (
	snippetBefore = 50
	snippetAfter  = 90
)

func snip(text, term string) (Snippet, bool) {
	t := []rune(strings.Join(strings.Fields(text), " "))
	q := []rune(term)
	if len(q) == 0 || len(t) < len(q) {
		return Snippet{}, false
	}
	lt, lq := lowerRunes(t), lowerRunes(q)
	at := -1
	for i := 0; i+len(lq) <= len(lt) && at < 0; i++ {
		if lt[i] != lq[0] {
			continue
		}
		j := 1
		for j < len(lq) && lt[i+j] == lq[j] {
			j++
		}
		if j == len(lq) {
			at = i
		}
	}
	if at < 0 {
		return Snippet{}, false
	}
	end := at + len(q)
	from, to := max(0, at-snippetBefore), min(len(t), end+snippetAfter)
	sn := Snippet{Before: string(t[from:at]), Match: string(t[at:end]), After: string(t[end:to])}
	if from > 0 {
		sn.Before = "…" + sn.Before
	}
	if to < len(t) {
		sn.After += "…"
	}
	return sn, true
}

func lowerRunes(rs []rune) []rune {
	out := make([]rune, len(rs))
	for i, r := range rs {
		out[i] = unicode.ToLower(r)
	}
	return out
}
