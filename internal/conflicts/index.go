package conflicts

import (
	"slices"
	"sort"
	"strings"
)

// Party is one name to index: a party of a matter, an alias, or a disclosure.
type Party struct {
	ID   int64
	Name string
}

// Match is one hit: the two names, their ids, the score in [0,1] and why
// they matched, in plain words.
type Match struct {
	AID, BID int64
	A, B     string
	Score    float64
	Reasons  []string
}

// Index holds party names in memory for fuzzy lookup. It is read-only after
// NewIndex and safe for concurrent use.
type Index struct {
	ids      []int64
	names    []string
	tokStart []uint32 // name i's words are words[tokIDs[tokStart[i]:tokStart[i+1]]]
	tokIDs   []int32
	distinct []uint8 // number of distinctive words per name (capped at 255)

	dict     map[string]int32
	words    []string
	wordPhon []string

	keys     map[string]int32
	postings [][]int32

	free chan *scratch // per-query working memory; a channel, since a sync.Pool is emptied by every GC
}

// Candidate keys: a word's sound key, a word's first four letters, and the
// initials of the whole name (for abbreviations and run-together initials).
const (
	keyPhon    = "p:"
	keyPrefix  = "x:"
	keyAcronym = "a:"
	keyCluster = "c:"
	keySuffix  = "s:"
	keyTail    = "t:"
)

func prefix4(w string) string {
	if len(w) > 4 {
		return w[:4]
	}
	return w
}

// distinctive reports whether a word selects candidates: not an initial,
// not run-together initials, not a generic industry word.
func distinctive(w string) bool {
	return len(w) > 1 && !isInitialCluster(w) && !genericWords[w]
}

// NewIndex builds an index over parties.
func NewIndex(parties []Party) *Index {
	ix := &Index{
		ids:      make([]int64, 0, len(parties)),
		names:    make([]string, 0, len(parties)),
		tokStart: make([]uint32, 1, len(parties)+1),
		distinct: make([]uint8, 0, len(parties)),
		dict:     map[string]int32{},
		keys:     map[string]int32{},
	}
	var keys []string
	for n, p := range parties {
		k := Normalize(p.Name)
		ix.ids = append(ix.ids, p.ID)
		ix.names = append(ix.names, p.Name)
		nd := 0
		keys = keys[:0]
		for _, t := range k.Tokens {
			ix.tokIDs = append(ix.tokIDs, ix.word(t))
			if distinctive(t) {
				nd++
			}
		}
		for i, t := range k.Tokens {
			if distinctive(t) || (nd == 0 && len(t) > 1 && !isInitialCluster(t)) {
				keys = append(keys, keyPhon+k.Phonetic[i], keyPrefix+prefix4(t))
				if len(t) >= 5 {
					keys = append(keys, keySuffix+t[len(t)-4:])
				}
				if p := k.Phonetic[i]; len(p) >= 3 {
					keys = append(keys, keyTail+p[1:])
				}
			}
			if isInitialCluster(t) {
				keys = append(keys, keyCluster+t)
			}
			if i+1 < len(k.Tokens) { // "Al Farsi" is found by "Alfarsi"
				keys = append(keys, keyPhon+Phonetic(t+k.Tokens[i+1]))
			}
		}
		if len(k.Tokens) >= 2 && len(k.Tokens) <= 6 {
			keys = append(keys, keyAcronym+initialsOf(k.Tokens))
		}
		if len(k.Tokens) == 1 && len(k.Tokens[0]) >= 2 && len(k.Tokens[0]) <= 6 {
			keys = append(keys, keyAcronym+k.Tokens[0])
		}
		slices.Sort(keys)
		keys = slices.Compact(keys)
		for _, key := range keys {
			id, ok := ix.keys[key]
			if !ok {
				id = int32(len(ix.postings))
				ix.keys[strings.Clone(key)] = id
				ix.postings = append(ix.postings, nil)
			}
			ix.postings[id] = append(ix.postings[id], int32(n))
		}
		ix.tokStart = append(ix.tokStart, uint32(len(ix.tokIDs)))
		ix.distinct = append(ix.distinct, uint8(min(nd, 255)))
	}
	for i, p := range ix.postings { // trim spare capacity
		ix.postings[i] = slices.Clip(p)
	}
	ix.tokIDs = slices.Clip(ix.tokIDs)
	ix.free = make(chan *scratch, 16)
	return ix
}

func (ix *Index) word(t string) int32 {
	if id, ok := ix.dict[t]; ok {
		return id
	}
	id := int32(len(ix.words))
	t = strings.Clone(t)
	ix.dict[t] = id
	ix.words = append(ix.words, t)
	ix.wordPhon = append(ix.wordPhon, Phonetic(t))
	return id
}

// Len is the number of indexed names.
func (ix *Index) Len() int { return len(ix.ids) }

// weighted is one postings list and how much a hit in it counts towards a
// word being found (2 = enough on its own).
type weighted struct {
	ids []int32
	w   uint8
}

// scratch is per-query working memory, reused through a pool.
type scratch struct {
	count   []uint8
	stamp   []uint8
	points  []uint8
	touched []int32
	side    side
}

// Check compares every name of a matter (parties and aliases) against the
// index and returns every pair scoring at least threshold, best first. A
// Match's AID is the position of the name in names.
func (ix *Index) Check(names []string, threshold float64) []Match {
	var out []Match
	for i, n := range names {
		for _, m := range ix.lookup(n, threshold) {
			m.AID = int64(i)
			out = append(out, m)
		}
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Score > out[b].Score })
	return out
}

// Search returns the indexed names that match name with a score of at least
// threshold, best first (the firm-wide party search).
func (ix *Index) Search(name string, threshold float64) []Match {
	m := ix.lookup(name, threshold)
	sort.SliceStable(m, func(a, b int) bool { return m[a].Score > m[b].Score })
	return m
}

func (ix *Index) list(key string) []int32 {
	if id, ok := ix.keys[key]; ok {
		return ix.postings[id]
	}
	return nil
}

// lookup generates candidates from the inverted index and scores them. A
// candidate must share keys with at least min(2, query words, its own
// distinctive words) of the query's distinctive words, or be an abbreviation
// or initials match.
func (ix *Index) lookup(name string, threshold float64) []Match {
	k := Normalize(name)
	if len(k.Tokens) == 0 {
		return nil
	}
	q := side{tok: k.Tokens, phon: k.Phonetic}
	s := ix.getScratch()
	defer ix.putScratch(s)
	s.touched = s.touched[:0]

	var groups [][]weighted // per query word, its postings lists
	nd := 0
	for _, t := range k.Tokens {
		if distinctive(t) {
			nd++
		}
	}
	for i, t := range k.Tokens {
		if distinctive(t) || (nd == 0 && len(t) > 1 && !isInitialCluster(t)) {
			g := []weighted{{ix.list(keyPhon + k.Phonetic[i]), 2}, {ix.list(keyPrefix + prefix4(t)), 1}}
			if len(t) >= 5 {
				g = append(g, weighted{ix.list(keySuffix + t[len(t)-4:]), 1})
			}
			if p := k.Phonetic[i]; len(p) >= 3 {
				g = append(g, weighted{ix.list(keyTail + p[1:]), 1})
			}
			if i+1 < len(k.Tokens) {
				g = append(g, weighted{ix.list(keyPhon + Phonetic(t+k.Tokens[i+1])), 2})
				if len(t) < 4 { // "Van der Berg" finds "Vandenberg"
					g = append(g, weighted{ix.list(keyPrefix + prefix4(t+k.Tokens[i+1])), 2})
				}
			}
			groups = append(groups, g)
		}
	}
	m := len(groups)
	// Run-together initials in indexed names ("JP Morgan") for runs of this name's initials.
	if len(k.Tokens) >= 2 {
		var cl []weighted
		ini := initialsOf(k.Tokens)
		for a := 0; a < len(ini); a++ {
			for b := a + 2; b <= len(ini) && b-a <= 5; b++ {
				cl = append(cl, weighted{ix.list(keyCluster + ini[a:b]), 2})
			}
		}
		groups = append(groups, cl)
	}
	if len(groups) > 250 {
		groups = groups[:250]
	}
	need := min(2, m)
	for g, lists := range groups {
		st := uint8(g + 1)
		for _, l := range lists {
			for _, id := range l.ids {
				if s.stamp[id] != st {
					if s.stamp[id] == 0 {
						s.touched = append(s.touched, id)
					}
					s.stamp[id] = st
					s.points[id] = 0
				}
				before := s.points[id]
				s.points[id] += l.w
				if before < 2 && s.points[id] >= 2 && s.count[id] < 255 {
					s.count[id]++
				}
			}
		}
	}
	var cands []int32
	for _, id := range s.touched {
		if int(s.count[id]) >= min(need, max(int(ix.distinct[id]), 1)) {
			cands = append(cands, id)
		}
		s.count[id], s.stamp[id], s.points[id] = 0, 0, 0
	}
	// Abbreviations: "IBM" ~ "International Business Machines", both ways.
	if len(k.Tokens) == 1 {
		cands = append(cands, ix.list(keyAcronym+k.Tokens[0])...)
	} else if len(k.Tokens) <= 6 {
		cands = append(cands, ix.list(keyAcronym+initialsOf(k.Tokens))...)
	}
	if m == 0 && len(k.Tokens) == 1 { // a lone initial or cluster: exact words only
		cands = append(cands, ix.list(keyCluster+k.Tokens[0])...)
	}
	slices.Sort(cands)
	cands = slices.Compact(cands)

	var out []Match
	for _, id := range cands {
		c := ix.side(id, &s.side)
		sc := quickScore(q, c, threshold)
		if sc+1e-9 < threshold {
			continue
		}
		mm := explain(name, ix.names[id], k, Normalize(ix.names[id]))
		mm.BID = ix.ids[id]
		out = append(out, mm)
	}
	return out
}

func (ix *Index) getScratch() *scratch {
	select {
	case s := <-ix.free:
		return s
	default:
		n := len(ix.ids)
		return &scratch{count: make([]uint8, n), stamp: make([]uint8, n), points: make([]uint8, n)}
	}
}

func (ix *Index) putScratch(s *scratch) {
	select {
	case ix.free <- s:
	default:
	}
}

// side loads an indexed name's words into buf.
func (ix *Index) side(id int32, buf *side) side {
	buf.tok, buf.phon = buf.tok[:0], buf.phon[:0]
	for _, w := range ix.tokIDs[ix.tokStart[id]:ix.tokStart[id+1]] {
		buf.tok = append(buf.tok, ix.words[w])
		buf.phon = append(buf.phon, ix.wordPhon[w])
	}
	return *buf
}
