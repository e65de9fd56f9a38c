package conflicts

import "strings"

// This file scores an index's candidates against one query quickly. It
// gives exactly the result of quickScore(query, candidate) (a test checks
// that on every candidate of many lookups), but
//
//   - every query word is scored against each distinct indexed word once per
//     lookup (the memo in scratch), not once per candidate;
//   - the rules of score beyond the plain word alignment (an abbreviation,
//     the same letters spaced differently, two words run together) are only
//     run when a cheap necessary condition holds. Most candidates that fail
//     the plain alignment differ from the query in their number of words, and
//     for almost all of them these tests show no other rule can apply.

// maxFast is the most words a name may have for the memoised path; longer
// names (rare) are scored the plain way.
const maxFast = 16

// maxInsertion is how many word pairs sort.Slice sorts by insertion, which
// keeps pairs that compare equal in their original order; align's order is
// reproduced exactly up to that many pairs.
const maxInsertion = 12

// query is a looked-up name prepared for scoring against many candidates.
type query struct {
	side
	weight     []float64 // each word's weight (tokenWeight)
	info       []wordInfo
	total      float64  // the words' weights, summed
	cluster    bool     // has run-together initials
	joins      []string // each pair of adjacent words run together ("al"+"farsi")
	joinPhon   []string
	initials   string // the words' first letters
	joined     string // every word run together, for "spaced differently"
	joinedPhon string
	letters    letterCount   // the letters of joined
	tokLetters []letterCount // the letters of each word
}

// letterCount counts the bytes of a word, for a lower bound on the edit
// distance to another word (see apart).
type letterCount [256]int16

func newQuery(k Key) *query {
	q := &query{side: side{k.Tokens, k.Phonetic}}
	for i, t := range k.Tokens {
		q.weight = append(q.weight, tokenWeight(t))
		q.info = append(q.info, infoOf(t, k.Phonetic[i]))
		q.total += q.weight[i]
		q.cluster = q.cluster || isInitialCluster(t)
		if i+1 < len(k.Tokens) {
			j := t + k.Tokens[i+1]
			q.joins = append(q.joins, j)
			q.joinPhon = append(q.joinPhon, Phonetic(j))
		}
	}
	q.initials = initialsOf(k.Tokens)
	q.joined = strings.Join(k.Tokens, "")
	q.joinedPhon = Phonetic(q.joined)
	q.letters.add(q.joined)
	q.tokLetters = make([]letterCount, len(q.tok))
	for i, t := range q.tok {
		q.tokLetters[i].add(t)
	}
	return q
}

func (c *letterCount) add(w string) {
	for i := 0; i < len(w); i++ {
		c[w[i]]++
	}
}

// apart returns a lower bound on the edit distance between a word of n
// letters counted in c and the word made of parts run together: an edit
// (insertion, deletion, substitution, swap) changes at most one letter on
// each side, so at least as many edits are needed as letters one word has
// and the other lacks.
func (c *letterCount) apart(n int, parts ...string) int {
	h := *c
	m, extra := 0, 0
	for _, p := range parts {
		m += len(p)
		for i := 0; i < len(p); i++ {
			if h[p[i]] > 0 {
				h[p[i]]--
			} else {
				extra++
			}
		}
	}
	return max(extra, n-(m-extra))
}

// mayMatch reports whether tokenScore(a, b) can be above 0 for words of
// lengths la and lb at least apart edits apart: only an initial against a
// word starting with it (not decided here), or a typo or a sound-alike
// within (longer+2)/3 edits.
func mayMatch(la, lb, apart int) bool {
	return la == 1 || lb == 1 || abs(la-lb) <= (max(la, lb)+2)/3 && apart <= (max(la, lb)+2)/3
}

// memo returns where the scores of indexed word w against every query word
// are in s.memoSims, computing them on first use in this lookup. Most pairs
// of words are told apart by their wordInfo (sound keys differ, and lengths
// or first letters rule out a typo) without reading the words.
func (ix *Index) memo(q *query, s *scratch, w int32) int32 {
	if m := s.memo[w]; m.gen == s.mgen {
		return m.off
	}
	off := int32(len(s.memoSims))
	wi := ix.wordInfo[w]
	for i, t := range q.tok {
		qi := q.info[i]
		bothGeneric := qi.flag&wi.flag&wordGeneric != 0
		sim := 0.0
		if qi.phon == wi.phon || qi.n == 1 || wi.n == 1 || qi.n == 255 || wi.n == 255 || mayBeTypo(qi, wi, bothGeneric) {
			sim = wordSim(t, ix.words[w], q.phon[i], ix.wordPhon[w], bothGeneric)
		}
		s.memoSims = append(s.memoSims, sim)
	}
	s.memo[w] = memoEntry{s.mgen, off}
	return off
}

// wordSim is tokenScore's score alone, faster for the common case of two
// words that do not sound alike: only a typo can match them then, and most
// typos allowed are one edit, which oneEdit tells without the edit
// distance's table. bothGeneric says whether both words are generic.
func wordSim(a, b, pa, pb string, bothGeneric bool) float64 {
	if pa == pb || len(a) == 1 || len(b) == 1 {
		sim, _, _ := tokenScore(a, b, pa, pb)
		return sim
	}
	la, lb := len(a), len(b)
	maxl := max(la, lb)
	limit := 0 // as in tokenScore
	switch {
	case min(la, lb) >= 9:
		limit = 2
	case min(la, lb) >= 4:
		limit = 1
	}
	if a[0] != b[0] {
		limit = min(limit, 1)
	}
	if limit == 0 || abs(la-lb) > limit || bothGeneric {
		return 0
	}
	if limit == 1 {
		if oneEdit(a, b) {
			return 1 - 0.5/float64(maxl)
		}
		return 0
	}
	if d, _ := osaWithin(a, b, limit); d <= limit {
		return 1 - 0.5*float64(d)/float64(maxl)
	}
	return 0
}

// mayBeTypo reports whether two words whose sound keys differ, of lengths
// 2 to 254, may be a typo apart, as far as wordSim's tests on their lengths
// and first letters tell.
func mayBeTypo(a, b wordInfo, bothGeneric bool) bool {
	limit := uint8(0)
	switch {
	case min(a.n, b.n) >= 9:
		limit = 2
	case min(a.n, b.n) >= 4:
		limit = 1
	}
	if a.first != b.first {
		limit = min(limit, 1)
	}
	return limit > 0 && max(a.n, b.n)-min(a.n, b.n) <= limit && !bothGeneric
}

// oneEdit reports whether two different words are one insertion, deletion,
// substitution or swap of neighbouring letters apart.
func oneEdit(a, b string) bool {
	if len(a) < len(b) {
		a, b = b, a
	}
	p := 0
	for p < len(b) && a[p] == b[p] {
		p++
	}
	switch len(a) - len(b) {
	case 0:
		if p == len(a) {
			return false // the same word
		}
		return a[p+1:] == b[p+1:] || p+1 < len(a) && a[p] == b[p+1] && a[p+1] == b[p] && a[p+2:] == b[p+2:]
	case 1:
		return a[p+1:] == b[p:]
	}
	return false
}

// joinMatches reports whether two adjacent query words run together match
// indexed word w, remembered for the rest of the lookup.
func (ix *Index) joinMatches(q *query, s *scratch, w int32) bool {
	if m := s.joinMemo[w]; m.gen == s.mgen {
		return m.hit
	}
	hit := false
	for i, t := range q.joins {
		if sim, _, _ := tokenScore(t, ix.words[w], q.joinPhon[i], ix.wordPhon[w]); sim > 0 {
			hit = true
			break
		}
	}
	s.joinMemo[w] = joinEntry{s.mgen, hit}
	return hit
}

// startMemo forgets the previous lookup's word scores.
func (s *scratch) startMemo() {
	s.memoSims = s.memoSims[:0]
	s.mgen++
	if s.mgen == 0 {
		clear(s.memo)
		clear(s.joinMemo)
		s.mgen = 1
	}
}

// memoEntry says where indexed word's scores are in memoSims, if gen is the
// current lookup's.
type memoEntry struct {
	gen uint32
	off int32
}

// joinEntry says whether two adjacent query words run together match an
// indexed word, if gen is the current lookup's.
type joinEntry struct {
	gen uint32
	hit bool
}

// wordPair is one query word i and one candidate word j that match.
type wordPair struct {
	i, j int
	sim  float64
}

// gather copies the word numbers of every candidate into s.toks
// (candidate n's are s.toks[s.span[n]:s.span[n+1]]) before any is scored.
// The candidates are spread over the index, so each read is a cache miss;
// done in one simple loop, the processor has many of them in flight at
// once instead of waiting for each in turn while scoring.
func (ix *Index) gather(cands []int32, s *scratch) {
	s.span, s.toks = append(s.span[:0], 0), s.toks[:0]
	for _, id := range cands {
		s.toks = append(s.toks, ix.wordsOf(id)...)
		s.span = append(s.span, uint32(len(s.toks)))
	}
}

// quickScore is quickScore(q, candidate id) through the memo; ctok are the
// candidate's word ids.
func (ix *Index) quickScore(q *query, id int32, ctok []int32, threshold float64, s *scratch) float64 {
	if len(q.tok) > maxFast || len(ctok) > maxFast || len(ctok) == 0 {
		return quickScore(q.side, ix.side(id, &s.side), threshold)
	}
	var off [maxFast]int32
	var wc [maxFast]float64
	total, cluster := q.total, q.cluster
	for j, w := range ctok {
		off[j] = ix.memo(q, s, w)
		wc[j] = 1
		if ix.wordInfo[w].flag&wordGeneric != 0 {
			wc[j] = 0.5
		}
		total += wc[j]
		cluster = cluster || ix.wordInfo[w].flag&wordCluster != 0
	}

	// alignFast: matching pairs in (i, j) order, at most 64, sorted best
	// first keeping that order among equals, taken greedily.
	stack := &s.pairs
	n := 0
	for i := range q.tok {
		for j := range ctok {
			if n == len(stack) {
				break
			}
			if sim := s.memoSims[off[j]+int32(i)]; sim > 0 {
				stack[n] = wordPair{i, j, sim}
				n++
			}
		}
	}
	for x := 1; x < n; x++ {
		for y := x; y > 0 && stack[y].sim > stack[y-1].sim; y-- {
			stack[y], stack[y-1] = stack[y-1], stack[y]
		}
	}
	fast := greedy(stack[:n], q, wc[:], total)
	if fast >= threshold || (len(q.tok) == len(ctok) && !cluster) {
		return fast
	}
	if cluster && ix.clusterMayExpand(q, ctok) || ix.otherRuleMayApply(q, ctok, s) {
		sc, _ := score(q.side, ix.side(id, &s.side))
		return sc
	}

	// Only align can score: the same pairs, sorted as align sorts them.
	n = 0
	for i := range q.tok {
		for j := range ctok {
			if sim := s.memoSims[off[j]+int32(i)]; sim > 0 {
				if n == maxInsertion {
					sc, _ := score(q.side, ix.side(id, &s.side))
					return sc
				}
				stack[n] = wordPair{i, j, sim}
				n++
			}
		}
	}
	for x := 1; x < n; x++ {
		for y := x; y > 0 && alignBefore(stack[y], stack[y-1]); y-- {
			stack[y], stack[y-1] = stack[y-1], stack[y]
		}
	}
	return greedy(stack[:n], q, wc[:], total)
}

// alignBefore is align's order: best first, then words at nearer
// positions, then by query word.
func alignBefore(x, y wordPair) bool {
	if x.sim != y.sim {
		return x.sim > y.sim
	}
	dx, dy := abs(x.i-x.j), abs(y.i-y.j)
	if dx != dy {
		return dx < dy
	}
	return x.i < y.i
}

// greedy takes sorted pairs, each word used once, and returns the weighted
// Dice score, summing in the same order as align and alignFast.
func greedy(pairs []wordPair, q *query, wc []float64, total float64) float64 {
	var usedA, usedB uint64
	var matched float64
	for _, p := range pairs {
		if usedA&(1<<p.i) != 0 || usedB&(1<<p.j) != 0 {
			continue
		}
		usedA |= 1 << p.i
		usedB |= 1 << p.j
		matched += p.sim * (q.weight[p.i] + wc[p.j])
	}
	return matched / total
}

// initials returns the first letters of indexed words.
func (ix *Index) initials(ws []int32) string {
	b := make([]byte, len(ws))
	for i, w := range ws {
		b[i] = ix.words[w][0]
	}
	return string(b)
}

// clusterMayExpand reports whether run-together initials in either name
// ("JP") are a run of the other name's initials ("John Pierpont"), the
// condition for expandCluster to apply.
func (ix *Index) clusterMayExpand(q *query, ctok []int32) bool {
	var ci string
	for _, w := range ctok {
		if ix.wordInfo[w].flag&wordCluster != 0 && strings.Contains(q.initials, ix.words[w]) {
			return true
		}
	}
	for _, t := range q.tok {
		if isInitialCluster(t) {
			if ci == "" {
				ci = ix.initials(ctok)
			}
			if strings.Contains(ci, t) {
				return true
			}
		}
	}
	return false
}

// otherRuleMayApply reports whether score could use a rule other than
// aligning the words as they are or expanding initials: an abbreviation or
// the same letters spaced differently (both only between names with
// different numbers of words), or two adjacent words of either name written
// as one. Each test is a necessary condition of the rule in score (lengths
// first, the exact word comparison only when the lengths allow it).
func (ix *Index) otherRuleMayApply(q *query, ctok []int32, s *scratch) bool {
	if len(q.tok) != len(ctok) && ix.abbreviatedOrSpaced(q, ctok, s) {
		return true
	}
	// Two adjacent query words written as one word of the candidate.
	if len(q.joins) > 0 {
		for _, w := range ctok {
			if ix.joinMatches(q, s, w) {
				return true
			}
		}
	}
	// Two adjacent candidate words written as one word of the query.
	for j := 0; j+1 < len(ctok); j++ {
		a, b := ix.words[ctok[j]], ix.words[ctok[j+1]]
		l := len(a) + len(b)
		var joined, phon string
		for k, t := range q.tok {
			if len(t) == 1 && t[0] != a[0] || len(t) > 1 && !mayMatch(l, len(t), q.tokLetters[k].apart(len(t), a, b)) {
				continue // tokenScore is 0 on the letters alone
			}
			if joined == "" {
				joined = a + b
				phon = Phonetic(joined)
			}
			if sim, _, _ := tokenScore(joined, t, phon, q.phon[k]); sim > 0 {
				return true
			}
		}
	}
	return false
}

// lettersApart is letterCount.apart for the query run together and the
// candidate's words.
func (ix *Index) lettersApart(q *query, ctok []int32) int {
	h := q.letters
	m, extra := 0, 0
	for _, w := range ctok {
		p := ix.words[w]
		m += len(p)
		for i := 0; i < len(p); i++ {
			if h[p[i]] > 0 {
				h[p[i]]--
			} else {
				extra++
			}
		}
	}
	return max(extra, len(q.joined)-(m-extra))
}

// abbreviatedOrSpaced reports whether one name could be the other's
// initials ("IBM" / "International Business Machines", either way round) or
// the two could be the same letters spaced differently.
func (ix *Index) abbreviatedOrSpaced(q *query, ctok []int32, s *scratch) bool {
	if len(q.tok) == 1 && len(ctok) >= 2 && len(q.tok[0]) == len(ctok) && ix.initials(ctok) == q.tok[0] {
		return true
	}
	if len(ctok) == 1 && len(q.tok) >= 2 && ix.words[ctok[0]] == q.initials {
		return true
	}
	// Same letters spaced differently: the whole names run together match
	// as one word.
	la, lb := len(q.joined), 0
	for _, w := range ctok {
		lb += len(ix.words[w])
	}
	if la == 1 || lb == 1 || abs(la-lb) <= (max(la, lb)+2)/3 && ix.lettersApart(q, ctok) <= (max(la, lb)+2)/3 {
		s.buf = s.buf[:0]
		for _, w := range ctok {
			s.buf = append(s.buf, ix.words[w]...)
		}
		jb := string(s.buf)
		if sim, _, _ := tokenScore(q.joined, jb, q.joinedPhon, Phonetic(jb)); sim > 0 {
			return true
		}
	}
	return false
}
