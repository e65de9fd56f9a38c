package conflicts

import (
	"fmt"
	"sort"
	"strings"
)

// genericWords are industry and structure words that tell entities apart less
// than a distinctive word does; they count half in a score.
var genericWords = map[string]bool{
	"holdings": true, "holding": true, "group": true, "international": true, "global": true,
	"services": true, "service": true, "solutions": true, "systems": true, "technologies": true,
	"technology": true, "partners": true, "capital": true, "logistics": true, "trading": true,
	"industries": true, "enterprises": true, "consulting": true, "management": true,
	"pharmaceuticals": true, "bank": true, "financial": true, "investments": true,
	"associates": true, "ventures": true, "properties": true, "resources": true, "energy": true,
	"foods": true, "airlines": true, "express": true, "insurance": true, "trust": true,
	"media": true, "labs": true, "health": true, "healthcare": true, "software": true,
	"realty": true, "wealth": true, "advisors": true, "advisory": true, "construction": true, "shipping": true,
	"motors": true, "manufacturing": true, "retail": true, "development": true, "legal": true,
}

func tokenWeight(t string) float64 {
	if genericWords[t] {
		return 0.5
	}
	return 1
}

// side is one name prepared for scoring.
type side struct {
	tok  []string
	phon []string
}

// tokenPair is how two words matched: similarity and the reason.
type tokenPair struct {
	i, j   int
	sim    float64
	reason string
}

// osa is the optimal-string-alignment (restricted Damerau–Levenshtein)
// distance between two ASCII words, and whether a transposition was used.
func osa(a, b string) (int, bool) { return osaWithin(a, b, 64) }

// osaWithin is osa that gives up, returning more than limit, once the
// distance is sure to exceed limit.
func osaWithin(a, b string, limit int) (int, bool) {
	if a == b {
		return 0, false
	}
	la, lb := len(a), len(b)
	if la == 0 || lb == 0 {
		return la + lb, false
	}
	var buf [3][32]int
	if lb >= 31 {
		return lb + la, false // words this long do not get typo matches
	}
	prev2, prev, cur := buf[0][:lb+1], buf[1][:lb+1], buf[2][:lb+1]
	for j := 0; j <= lb; j++ {
		prev[j] = j
	}
	swapped := false
	for i := 1; i <= la; i++ {
		cur[0] = i
		for j := 1; j <= lb; j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] && prev2[j-2]+1 < v {
				v = prev2[j-2] + 1
				swapped = true
			}
			cur[j] = v
		}
		if rowMin := slicesMin(cur); rowMin > limit {
			return limit + 1, false
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[lb], swapped
}

// Kinds of word match, for the explanation.
const (
	simNone = iota
	simSame
	simInitial
	simSound
	simSwap
	simTypo
)

// tokenSim scores two words in [0,1] with a plain reason; 0 means unrelated.
func tokenSim(a, b, pa, pb string) (float64, string) {
	sim, kind, d := tokenScore(a, b, pa, pb)
	return sim, tokenReason(a, b, kind, d)
}

// tokenScore scores two words in [0,1] without allocating: the kind of
// match and the edit distance say why.
func tokenScore(a, b, pa, pb string) (float64, int, int) {
	if a == b {
		return 1, simSame, 0
	}
	la, lb := len(a), len(b)
	if la == 1 || lb == 1 {
		if a[0] == b[0] {
			return 0.9, simInitial, 0
		}
		return 0, simNone, 0
	}
	maxl := max(la, lb)
	if abs(la-lb) > (maxl+2)/3 {
		return 0, simNone, 0
	}
	allowed := 0
	switch {
	case min(la, lb) >= 9:
		allowed = 2
	case min(la, lb) >= 4:
		allowed = 1
	}
	if pa != pb {
		// Only a typo can match: at most allowed edits, and one when the
		// first letters differ. Most pairs of unrelated words stop here,
		// before (or early in) the edit distance.
		limit := allowed
		if a[0] != b[0] {
			limit = min(limit, 1)
		}
		if limit == 0 || abs(la-lb) > limit || genericWords[a] && genericWords[b] {
			return 0, simNone, 0
		}
		if d, swapped := osaWithin(a, b, limit); d <= limit {
			return typoSim(d, maxl, swapped)
		}
		return 0, simNone, 0
	}
	d, swapped := osaWithin(a, b, (maxl+2)/3)
	if genericWords[a] && genericWords[b] {
		allowed = 0 // "Health" and "Wealth" are different words, not a typo
	}
	if d == 2 && a[0] != b[0] {
		allowed = 1 // two edits including the first letter: "Henderson" / "Anderson"
	}
	if d <= allowed {
		return typoSim(d, maxl, swapped)
	}
	if pa == pb && pa != "" && d <= (maxl+2)/3 && endsInVowel(a) == endsInVowel(b) && (d < 3 || shape(a) == shape(b)) {
		return 0.92, simSound, d
	}
	return 0, simNone, 0
}

// typoSim scores a word pair d edits apart.
func typoSim(d, maxl int, swapped bool) (float64, int, int) {
	sim := 1 - 0.5*float64(d)/float64(maxl)
	if d == 1 && swapped {
		return sim, simSwap, d
	}
	return sim, simTypo, d
}

func slicesMin(r []int) int {
	m := r[0]
	for _, v := range r[1:] {
		m = min(m, v)
	}
	return m
}

// tokenReason words a word match for people.
func tokenReason(a, b string, kind, d int) string {
	odd := b
	if len(a) < len(b) || (len(a) == len(b) && a > b) {
		odd = a
	}
	switch kind {
	case simInitial:
		long, short := b, a
		if len(b) == 1 {
			long, short = a, b
		}
		return fmt.Sprintf("initial %s matches %s", strings.ToUpper(short), title(long))
	case simSound:
		return fmt.Sprintf("sounds alike (%s / %s)", title(a), title(b))
	case simSwap:
		return fmt.Sprintf("two letters swapped in '%s'", title(odd))
	case simTypo:
		if d == 1 {
			return fmt.Sprintf("one letter differs in '%s'", title(odd))
		}
		return fmt.Sprintf("%d letters differ in '%s'", d, title(odd))
	}
	return ""
}

// quickScore is score without explanations, for ranking candidates: the
// plain word alignment first, and the rarer rules (abbreviations, spacing,
// run-together initials) only when they could apply.
func quickScore(a, b side, threshold float64) float64 {
	if s := alignFast(a, b); s >= threshold || !(len(a.tok) != len(b.tok) || hasCluster(a) || hasCluster(b)) {
		return s
	}
	s, _ := score(a, b)
	return s
}

func hasCluster(s side) bool {
	for _, t := range s.tok {
		if isInitialCluster(t) {
			return true
		}
	}
	return false
}

// alignFast is align without reasons and without allocating.
func alignFast(a, b side) float64 {
	var stack [64]struct {
		i, j int
		sim  float64
	}
	n := 0
	for i := range a.tok {
		for j := range b.tok {
			if n == len(stack) {
				break
			}
			if s, _, _ := tokenScore(a.tok[i], b.tok[j], a.phon[i], b.phon[j]); s > 0 {
				stack[n].i, stack[n].j, stack[n].sim = i, j, s
				n++
			}
		}
	}
	for x := 1; x < n; x++ { // insertion sort, best first
		for y := x; y > 0 && stack[y].sim > stack[y-1].sim; y-- {
			stack[y], stack[y-1] = stack[y-1], stack[y]
		}
	}
	var usedA, usedB uint64
	var total, matched float64
	for _, t := range a.tok {
		total += tokenWeight(t)
	}
	for _, t := range b.tok {
		total += tokenWeight(t)
	}
	for _, p := range stack[:n] {
		if p.i >= 64 || p.j >= 64 || usedA&(1<<p.i) != 0 || usedB&(1<<p.j) != 0 {
			continue
		}
		usedA |= 1 << p.i
		usedB |= 1 << p.j
		matched += p.sim * (tokenWeight(a.tok[p.i]) + tokenWeight(b.tok[p.j]))
	}
	return matched / total
}

// endsInVowel reports whether a word ends in a vowel sound, ignoring a
// silent final "e" ("Gate" / "Gait"); a different ending ("Stephen" /
// "Stephanie") usually marks a different name.
func endsInVowel(w string) bool {
	w = silentE(w)
	return strings.IndexByte("aeiouy", w[len(w)-1]) >= 0
}

func silentE(w string) string {
	if len(w) > 3 && w[len(w)-1] == 'e' && strings.IndexByte("aeiouy", w[len(w)-2]) < 0 {
		return w[:len(w)-1]
	}
	return w
}

// shape is the consonant/vowel pattern of a word after transliteration
// folds, with runs collapsed: "Youssef" and "Yusuf" are both CVCVC, while
// "Granite" (CCVCVC) and "Garnet" (CVCCVC) differ.
func shape(w string) string {
	w = silentE(w)
	for _, f := range translitFolds[:12] {
		w = strings.ReplaceAll(w, f.from, f.to)
	}
	var b []byte
	var prev, last byte
	for i := 0; i < len(w); i++ {
		c := byte('C')
		if strings.IndexByte("aeiouy", w[i]) >= 0 {
			c = 'V'
		}
		if c == last && (c == 'V' || w[i] == prev) {
			prev = w[i]
			continue
		}
		b = append(b, c)
		last, prev = c, w[i]
	}
	return string(b)
}

func title(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// initialsOf returns the first letters of tokens.
func initialsOf(t []string) string {
	var b strings.Builder
	for _, w := range t {
		b.WriteByte(w[0])
	}
	return b.String()
}

// isInitialCluster reports whether a word looks like run-together initials
// ("jp", "ibm", "hsbc"): two to five letters with no vowel.
func isInitialCluster(w string) bool {
	if len(w) < 2 || len(w) > 5 {
		return false
	}
	return !strings.ContainsAny(w, "aeiouy0123456789")
}

// expandCluster splits the run-together initials of one side into single
// letters when the other side has words starting with them in that order.
func expandCluster(s side, other side) (side, string) {
	for i, w := range s.tok {
		if !isInitialCluster(w) || i+1 > len(s.tok) {
			continue
		}
		ini := initialsOf(other.tok)
		k := strings.Index(ini, w)
		if k < 0 {
			continue
		}
		var out side
		out.tok = append(out.tok, s.tok[:i]...)
		out.phon = append(out.phon, s.phon[:i]...)
		for _, c := range []byte(w) {
			out.tok = append(out.tok, string(c))
			out.phon = append(out.phon, string(c))
		}
		out.tok = append(out.tok, s.tok[i+1:]...)
		out.phon = append(out.phon, s.phon[i+1:]...)
		full := make([]string, 0, len(w))
		for _, t := range other.tok[k : k+len(w)] {
			full = append(full, title(t))
		}
		return out, fmt.Sprintf("initials %s match %s", strings.ToUpper(strings.Join(strings.Split(w, ""), " ")), strings.Join(full, " "))
	}
	return s, ""
}

// score compares two prepared names and returns a score in [0,1] and the reasons.
func score(a, b side) (float64, []string) {
	if len(a.tok) == 0 || len(b.tok) == 0 {
		return 0, nil
	}
	// An abbreviation of the whole name: "IBM" ~ "International Business Machines".
	if len(a.tok) == 1 && len(b.tok) >= 2 && len(a.tok[0]) == len(b.tok) && initialsOf(b.tok) == a.tok[0] {
		return 0.9, []string{fmt.Sprintf("'%s' is the initials of %s", strings.ToUpper(a.tok[0]), titleAll(b.tok))}
	}
	if len(b.tok) == 1 && len(a.tok) >= 2 && len(b.tok[0]) == len(a.tok) && initialsOf(a.tok) == b.tok[0] {
		return 0.9, []string{fmt.Sprintf("'%s' is the initials of %s", strings.ToUpper(b.tok[0]), titleAll(a.tok))}
	}
	if len(a.tok) != len(b.tok) {
		ja, jb := strings.Join(a.tok, ""), strings.Join(b.tok, "")
		if ja == jb {
			return 0.95, []string{"same letters, spaced differently"}
		}
		if s, r := tokenSim(ja, jb, Phonetic(ja), Phonetic(jb)); s > 0 {
			return s * 0.95, []string{"same letters, spaced differently", r}
		}
	}
	best, reasons := align(a, b)
	if x, r := mergeAdjacent(a, b); r != "" {
		if s, rs := align(x, b); s > best {
			best, reasons = s, append([]string{r}, rs...)
		}
	}
	if y, r := mergeAdjacent(b, a); r != "" {
		if s, rs := align(a, y); s > best {
			best, reasons = s, append([]string{r}, rs...)
		}
	}
	if ea, r := expandCluster(a, b); r != "" {
		if s, rs := align(ea, b); s > best {
			best, reasons = s, append([]string{r}, dropInitialReasons(rs)...)
		}
	}
	if eb, r := expandCluster(b, a); r != "" {
		if s, rs := align(a, eb); s > best {
			best, reasons = s, append([]string{r}, dropInitialReasons(rs)...)
		}
	}
	return best, reasons
}

// mergeAdjacent joins two neighbouring words of s (up to twice) when the
// joined word matches a word of other: "Al Farsi" ~ "Alfarsi".
func mergeAdjacent(s, other side) (side, string) {
	var reason string
	for round := 0; round < 2 && len(s.tok) >= 2; round++ {
		merged := false
		for i := 0; i+1 < len(s.tok) && !merged; i++ {
			j := s.tok[i] + s.tok[i+1]
			pj := Phonetic(j)
			for k := range other.tok {
				if sim, _ := tokenSim(j, other.tok[k], pj, other.phon[k]); sim > 0 {
					tok := append(append(append([]string(nil), s.tok[:i]...), j), s.tok[i+2:]...)
					phon := append(append(append([]string(nil), s.phon[:i]...), pj), s.phon[i+2:]...)
					reason = fmt.Sprintf("'%s %s' written as one word", title(s.tok[i]), s.tok[i+1])
					s = side{tok, phon}
					merged = true
					break
				}
			}
		}
		if !merged {
			break
		}
	}
	return s, reason
}

func dropInitialReasons(rs []string) []string {
	out := rs[:0:0]
	for _, r := range rs {
		if !strings.HasPrefix(r, "initial ") {
			out = append(out, r)
		}
	}
	return out
}

func titleAll(t []string) string {
	o := make([]string, len(t))
	for i, w := range t {
		o[i] = title(w)
	}
	return strings.Join(o, " ")
}

// align pairs the words of two names greedily, best pair first, each word
// used once, and returns a weighted Dice score: twice the matched weight over
// the total weight of both names.
func align(a, b side) (float64, []string) {
	var pairs []tokenPair
	var stack [64]tokenPair
	pairs = stack[:0]
	for i := range a.tok {
		for j := range b.tok {
			if s, r := tokenSim(a.tok[i], b.tok[j], a.phon[i], b.phon[j]); s > 0 {
				pairs = append(pairs, tokenPair{i, j, s, r})
			}
		}
	}
	sort.Slice(pairs, func(x, y int) bool {
		if pairs[x].sim != pairs[y].sim {
			return pairs[x].sim > pairs[y].sim
		}
		dx, dy := abs(pairs[x].i-pairs[x].j), abs(pairs[y].i-pairs[y].j)
		if dx != dy {
			return dx < dy
		}
		return pairs[x].i < pairs[y].i
	})
	var usedA, usedB uint64
	var total, matched float64
	for _, t := range a.tok {
		total += tokenWeight(t)
	}
	for _, t := range b.tok {
		total += tokenWeight(t)
	}
	var reasons []string
	var order []int // b index per matched a, in a order, to detect reordering
	orderOf := make([]int, len(a.tok))
	for i := range orderOf {
		orderOf[i] = -1
	}
	for _, p := range pairs {
		if p.i >= 64 || p.j >= 64 || usedA&(1<<p.i) != 0 || usedB&(1<<p.j) != 0 {
			continue
		}
		usedA |= 1 << p.i
		usedB |= 1 << p.j
		matched += p.sim * (tokenWeight(a.tok[p.i]) + tokenWeight(b.tok[p.j]))
		orderOf[p.i] = p.j
		if p.reason != "" {
			reasons = append(reasons, p.reason)
		}
	}
	for _, j := range orderOf {
		if j >= 0 {
			order = append(order, j)
		}
	}
	if !sort.IntsAreSorted(order) {
		reasons = append([]string{"same words in a different order"}, reasons...)
	}
	return matched / total, reasons
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
