package conflicts

import (
	"hash/maphash"
	"runtime"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
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
//
// A lookup has two steps. Candidate generation walks the postings lists of
// the query's word keys (sound key, first and last letters) and keeps the
// names that share keys with enough of the query's words. Scoring then
// compares each candidate with the query; since the candidates of one query
// share most of their words ("Smith", "Holdings"), every query word is scored
// against each distinct indexed word once and remembered (see memo), so a
// candidate costs a few array reads instead of a string comparison per pair
// of words. The rarer rules (abbreviations, spacing, run-together initials)
// are only tried when a cheap test shows they could apply. See build.go for
// the layout.
type Index struct {
	ids      []int64
	names    string   // every name as given, back to back
	nameAt   []uint32 // name i is names[nameAt[i]:nameAt[i+1]]
	toks     [][4]int32
	more     []int32  // words of names with more than four (see setWords)
	moreAt   []uint32 // overflow o is more[moreAt[o]:moreAt[o+1]]
	distinct []uint8  // number of distinctive words per name (capped at 255)

	words    []string // every distinct word, numbered
	wordPhon []string
	wordInfo []wordInfo

	keys   keyTable
	post   []int32  // postings lists end to end, each in name order
	postAt []uint32 // key k's list is post[postAt[k]:postAt[k+1]]

	free chan *scratch // per-query working memory; a channel, since a sync.Pool is emptied by every GC
}

// wordInfo is what scoring needs to know of a word before reading it:
// most pairs of words are told apart by these alone.
type wordInfo struct {
	phon  uint64 // hash of the sound key
	n     uint8  // length in bytes, 255 for 255 or more
	first byte
	flag  uint8 // wordGeneric, wordCluster
}

// Word flags.
const (
	wordGeneric = 1 << iota // a generic industry word: weight 0.5
	wordCluster             // run-together initials ("jp", "hsbc")
)

// phonSeed hashes sound keys for wordInfo.
var phonSeed = maphash.MakeSeed()

func infoOf(w, phon string) wordInfo {
	i := wordInfo{phon: maphash.String(phonSeed, phon), n: uint8(min(len(w), 255))}
	if w != "" {
		i.first = w[0]
	}
	if genericWords[w] {
		i.flag |= wordGeneric
	}
	if isInitialCluster(w) {
		i.flag |= wordCluster
	}
	return i
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
	cells []uint8 // one per indexed name (see found)
	twice []int32
	bits  []uint64 // one bit per indexed name, clear between uses
	next  uint8    // the last number handed out (see found)

	lists  []weighted // postings lists of the query's words, grouped
	groups []int      // end of each group in lists
	cands  []int32
	span   []uint32 // candidate n's words are toks[span[n]:span[n+1]]
	toks   []int32

	// memo remembers, for the current lookup (numbered mgen), how every
	// query word scores against an indexed word w: the scores are at
	// memoSims[memo[w].off:][:len(query words)] when memo[w].gen == mgen.
	memo     []memoEntry
	memoSims []float64
	mgen     uint32
	joinMemo []joinEntry
	pairs    [64]wordPair

	side side
	buf  []byte
}

// Check compares every name of a matter (parties and aliases) against the
// index and returns every pair scoring at least threshold, best first. A
// Match's AID is the position of the name in names. On a large index the
// names are looked up in parallel, one at a time per processor.
func (ix *Index) Check(names []string, threshold float64) []Match {
	workers := runtime.GOMAXPROCS(0)
	if ix.Len() < parallelFrom {
		workers = 1 // a lookup takes microseconds: not worth a goroutine
	}
	return ix.check(names, threshold, workers)
}

// parallelFrom is the size from which Check looks names up in parallel.
const parallelFrom = 50_000

// check is Check with at most workers lookups at a time.
func (ix *Index) check(names []string, threshold float64, workers int) []Match {
	found := make([][]Match, len(names))
	if workers = min(workers, len(names)); workers <= 1 {
		for i, n := range names {
			found[i] = ix.lookup(n, threshold)
		}
	} else {
		var next atomic.Int64
		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				for i := int(next.Add(1) - 1); i < len(names); i = int(next.Add(1) - 1) {
					found[i] = ix.lookup(names[i], threshold)
				}
			})
		}
		wg.Wait()
	}
	var out []Match
	for i, ms := range found {
		for _, m := range ms {
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
	if k, ok := ix.keys.find(key); ok {
		return ix.post[ix.postAt[k]:ix.postAt[k+1]]
	}
	return nil
}

// lookup generates candidates from the inverted index and keeps those
// scoring at least threshold.
func (ix *Index) lookup(name string, threshold float64) []Match {
	k := Normalize(name)
	if len(k.Tokens) == 0 {
		return nil
	}
	s := ix.getScratch()
	defer ix.putScratch(s)
	q := newQuery(k)
	s.startMemo()
	cands := ix.candidates(k, s)
	ix.gather(cands, s)
	var hits []int32
	for n, id := range cands {
		if ix.quickScore(q, id, s.toks[s.span[n]:s.span[n+1]], threshold, s)+1e-9 >= threshold {
			hits = append(hits, id)
		}
	}
	slices.Sort(hits) // index order, which equal scores keep
	out := make([]Match, 0, len(hits))
	for _, id := range hits {
		b := ix.name(id)
		mm := explain(name, b, k, Normalize(b))
		mm.BID = ix.ids[id]
		out = append(out, mm)
	}
	return out
}

// candidates returns, once each and in no particular order, the names that
// share keys with at least min(2, query words, their own distinctive words)
// of the query's distinctive words, and the abbreviation or initials
// matches.
func (ix *Index) candidates(k Key, s *scratch) []int32 {
	s.lists, s.groups, s.cands = s.lists[:0], s.groups[:0], s.cands[:0]
	nd := 0
	for _, t := range k.Tokens {
		if distinctive(t) {
			nd++
		}
	}
	for i, t := range k.Tokens {
		if distinctive(t) || (nd == 0 && len(t) > 1 && !isInitialCluster(t)) {
			s.lists = append(s.lists, weighted{ix.list(keyPhon + k.Phonetic[i]), 2}, weighted{ix.list(keyPrefix + prefix4(t)), 1})
			if len(t) >= 5 {
				s.lists = append(s.lists, weighted{ix.list(keySuffix + t[len(t)-4:]), 1})
			}
			if p := k.Phonetic[i]; len(p) >= 3 {
				s.lists = append(s.lists, weighted{ix.list(keyTail + p[1:]), 1})
			}
			if i+1 < len(k.Tokens) {
				s.lists = append(s.lists, weighted{ix.list(keyPhon + Phonetic(t+k.Tokens[i+1])), 2})
				if len(t) < 4 { // "Van der Berg" finds "Vandenberg"
					s.lists = append(s.lists, weighted{ix.list(keyPrefix + prefix4(t+k.Tokens[i+1])), 2})
				}
			}
			s.groups = append(s.groups, len(s.lists))
		}
	}
	m := len(s.groups)
	// Run-together initials in indexed names ("JP Morgan") for runs of this name's initials.
	if len(k.Tokens) >= 2 {
		ini := initialsOf(k.Tokens)
		for a := 0; a < len(ini); a++ {
			for b := a + 2; b <= len(ini) && b-a <= 5; b++ {
				s.lists = append(s.lists, weighted{ix.list(keyCluster + ini[a:b]), 2})
			}
		}
		s.groups = append(s.groups, len(s.lists))
	}
	if len(s.groups) > 250 {
		s.groups = s.groups[:250]
	}

	// A name is found by a query word when it collects 2 points from that
	// word's lists: it is in a list of weight 2, or in two lists of weight
	// 1. It is a candidate once found by min(need, its own distinctive
	// words) query words, and is added the moment it gets there. The lists
	// of weight 1 (first letters, last letters, sound key's tail) are long
	// and each alone finds nothing, so they are intersected first, reading
	// them in order, and only names in two of them touch the cells.
	need := min(2, m)
	if int(s.next)+len(s.groups)+1 > 255 { // out of numbers: forget every earlier lookup
		clear(s.cells)
		s.next = 0
	}
	base, from := s.next, 0
	done := base + uint8(len(s.groups)) + 1
	s.next = done
	for g, end := range s.groups {
		st := base + uint8(g) + 1
		var ones [3][]int32
		n1 := 0
		for _, l := range s.lists[from:end] {
			if l.w == 1 {
				ones[n1] = l.ids
				n1++
				continue
			}
			s.found(ix, l.ids, st, base, done, need)
		}
		if n1 >= 2 {
			s.twice = s.inTwo(s.twice[:0], ones[0], ones[1], ones[2])
			s.found(ix, s.twice, st, base, done, need)
		}
		from = end
	}
	// Abbreviations: "IBM" ~ "International Business Machines", both ways.
	if len(k.Tokens) == 1 {
		s.add(ix.list(keyAcronym+k.Tokens[0]), done)
	} else if len(k.Tokens) <= 6 {
		s.add(ix.list(keyAcronym+initialsOf(k.Tokens)), done)
	}
	if m == 0 && len(k.Tokens) == 1 { // a lone initial or cluster: exact words only
		s.add(ix.list(keyCluster+k.Tokens[0]), done)
	}
	return s.cands
}

// add makes the names of ids candidates, unless they already are.
func (s *scratch) add(ids []int32, done uint8) {
	for _, id := range ids {
		if s.cells[id] != done {
			s.cells[id] = done
			s.cands = append(s.cands, id)
		}
	}
}

// Candidate generation keeps one byte per indexed name (s.cells, a
// megabyte for a million names, small enough to stay in the processor's
// caches), numbered across lookups so that it never needs clearing between
// them: a lookup takes the numbers after s.next, one per query word, and one
// more, done. A name's byte is at most base (the lookup's first number) if
// no query word has found it yet, a query word's number if that word alone
// has, and done once it is a candidate.

// found marks the names of ids as found by the query word numbered st,
// and adds to the candidates those that are now found by enough words:
// min(need, their own distinctive words), at least one.
func (s *scratch) found(ix *Index, ids []int32, st, base, done uint8, need int) {
	for _, id := range ids {
		switch v := s.cells[id]; {
		case v == st || v == done:
			// found by this word already, or a candidate already
		case v > base: // found by another word: that makes two
			s.cells[id] = done
			s.cands = append(s.cands, id)
		case need <= 1 || ix.distinct[id] <= 1: // one word is enough
			s.cells[id] = done
			s.cands = append(s.cands, id)
		default:
			s.cells[id] = st
		}
	}
}

// inTwo appends to dst the ids present in at least two of the lists a, b
// and c (c may be empty; an id may be appended twice). It marks ids in
// s.bits, one bit per indexed name, small enough to stay in the processor's
// fastest caches, and leaves s.bits clear.
func (s *scratch) inTwo(dst, a, b, c []int32) []int32 {
	bits := s.bits
	for _, id := range a {
		bits[id>>6] |= 1 << (id & 63)
	}
	// Without branches (whether an id is in a is unpredictable): every id
	// is written to dst, and n moves past it only if it is marked.
	dst = slices.Grow(dst[:0], len(b)+len(c))[:len(b)+len(c)]
	n := 0
	for _, id := range b {
		w := &bits[id>>6]
		dst[n] = id
		n += int(*w >> (id & 63) & 1)
		*w |= 1 << (id & 63)
	}
	for _, id := range c {
		dst[n] = id
		n += int(bits[id>>6] >> (id & 63) & 1)
	}
	if len(a)+len(b) > len(bits)/4 {
		clear(bits) // long lists: clearing everything in order is faster
	} else {
		for _, l := range [2][]int32{a, b} {
			for _, id := range l {
				bits[id>>6] = 0
			}
		}
	}
	return dst[:n]
}

func (ix *Index) getScratch() *scratch {
	select {
	case s := <-ix.free:
		return s
	default:
		return &scratch{
			cells:    make([]uint8, len(ix.ids)),
			bits:     make([]uint64, len(ix.ids)/64+1),
			memo:     make([]memoEntry, len(ix.words)),
			joinMemo: make([]joinEntry, len(ix.words)),
		}
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
	for _, w := range ix.wordsOf(id) {
		buf.tok = append(buf.tok, ix.words[w])
		buf.phon = append(buf.phon, ix.wordPhon[w])
	}
	return *buf
}
