package conflicts

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/probity/probity/internal/conflicts/synthnames"
)

// referenceCandidates is candidate generation written plainly (one pass per
// query word over its lists, three counters per name cleared after each
// lookup): what Index.candidates must return.
func referenceCandidates(ix *Index, k Key) []int32 {
	n := ix.Len()
	count, stamp, points := make([]uint8, n), make([]uint8, n), make([]uint8, n)
	var touched []int32
	var groups [][]weighted
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
				if len(t) < 4 {
					g = append(g, weighted{ix.list(keyPrefix + prefix4(t+k.Tokens[i+1])), 2})
				}
			}
			groups = append(groups, g)
		}
	}
	m := len(groups)
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
	need := min(2, m)
	for g, lists := range groups {
		st := uint8(g + 1)
		for _, l := range lists {
			for _, id := range l.ids {
				if stamp[id] != st {
					if stamp[id] == 0 {
						touched = append(touched, id)
					}
					stamp[id] = st
					points[id] = 0
				}
				before := points[id]
				points[id] += l.w
				if before < 2 && points[id] >= 2 && count[id] < 255 {
					count[id]++
				}
			}
		}
	}
	var cands []int32
	for _, id := range touched {
		if int(count[id]) >= min(need, max(int(ix.distinct[id]), 1)) {
			cands = append(cands, id)
		}
	}
	if len(k.Tokens) == 1 {
		cands = append(cands, ix.list(keyAcronym+k.Tokens[0])...)
	} else if len(k.Tokens) <= 6 {
		cands = append(cands, ix.list(keyAcronym+initialsOf(k.Tokens))...)
	}
	if m == 0 && len(k.Tokens) == 1 {
		cands = append(cands, ix.list(keyCluster+k.Tokens[0])...)
	}
	slices.Sort(cands)
	return slices.Compact(cands)
}

// TestFastPathIsExact checks, on every candidate of many lookups, that the
// index's candidate generation and memoised scoring give exactly what the
// plain algorithm gives: the same candidates and the same score, so the
// speed-ups cannot change a conflict check's result.
func TestFastPathIsExact(t *testing.T) {
	pairs := readPairs(t)
	r := rand.New(rand.NewPCG(4, 2))
	var parties []Party
	add := func(n string) { parties = append(parties, Party{ID: int64(len(parties) + 1), Name: n}) }
	for _, p := range pairs {
		add(p.a)
		add(p.b)
	}
	for _, n := range []string{"IBM", "I B M Corp", "JP Morgan Chase", "J P Morgan", "Al Farsi Trading", "Alfarsi Trading",
		"Van der Berg", "Vandenberg Holdings", "Tide Water Logistics", "TideWater", "HSBC", "H.S.B.C. Holdings", "The Company", "!!!", "A"} {
		add(n)
	}
	for len(parties) < 60_000 {
		add(synthnames.Name(r))
	}
	ix := NewIndex(parties)

	var queries []string
	for _, p := range pairs {
		queries = append(queries, p.a, p.b)
	}
	queries = append(queries, "IBM", "JPM", "Alfarsi", "Al Farsi", "Vander Berg", "Tidewater", "Tide water", "H S B C", "A", "the")
	for range 1500 {
		if r.IntN(2) == 0 {
			queries = append(queries, synthnames.Typo(r, parties[r.IntN(len(parties))].Name))
		} else {
			queries = append(queries, synthnames.Name(r)+" "+synthnames.Pick(r, synthnames.Stems1))
		}
	}

	s := ix.getScratch()
	var cands, slow int
	for _, name := range queries {
		k := Normalize(name)
		if len(k.Tokens) == 0 {
			continue
		}
		want := referenceCandidates(ix, k)
		got := ix.candidates(k, s)
		if sorted := slices.Sorted(slices.Values(got)); !slices.Equal(sorted, want) {
			t.Fatalf("%q: candidates differ: %d from the index, %d from the reference", name, len(got), len(want))
		}
		q := newQuery(k)
		s.startMemo()
		var buf side
		ix.gather(got, s)
		for n, id := range got {
			if w := ix.side(id, &buf).tok; len(w) != int(s.span[n+1]-s.span[n]) {
				t.Fatalf("gathered %d words of %q, want %d", s.span[n+1]-s.span[n], ix.name(id), len(w))
			}
			fast := ix.quickScore(q, id, s.toks[s.span[n]:s.span[n+1]], threshold, s)
			plain := quickScore(q.side, ix.side(id, &buf), threshold)
			if fast != plain {
				t.Errorf("%q / %q: memoised score %v, plain score %v", name, ix.name(id), fast, plain)
			}
			cands++
			if plain >= threshold-1e-9 {
				slow++
			}
		}
	}
	// Looking the names of a matter up in parallel changes nothing either.
	one, par := ix.check(queries[:300], threshold, 1), ix.check(queries[:300], threshold, 4)
	if !reflect.DeepEqual(one, par) || len(one) < 100 {
		t.Fatalf("checked one at a time: %d matches; in parallel: %d, or different", len(one), len(par))
	}
	if cands < 100_000 || slow < 500 {
		t.Fatalf("only %d candidates (%d hits) compared: the test data no longer exercises the index", cands, slow)
	}
	t.Logf("%d queries, %d candidates compared, %d at or above the threshold", len(queries), cands, slow)
}

// referenceTokenScore is tokenScore as first written (the edit distance
// always computed, with a limit of 2 or the sound-alike limit).
func referenceTokenScore(a, b, pa, pb string) (float64, int, int) {
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
	limit := 2
	if pa == pb {
		limit = (maxl + 2) / 3
	}
	d, swapped := osaWithin(a, b, limit)
	allowed := 0
	switch {
	case min(la, lb) >= 9:
		allowed = 2
	case min(la, lb) >= 4:
		allowed = 1
	}
	if genericWords[a] && genericWords[b] {
		allowed = 0
	}
	if d == 2 && a[0] != b[0] {
		allowed = 1
	}
	if d <= allowed {
		sim := 1 - 0.5*float64(d)/float64(maxl)
		if d == 1 && swapped {
			return sim, simSwap, d
		}
		return sim, simTypo, d
	}
	if pa == pb && pa != "" && d <= (maxl+2)/3 && endsInVowel(a) == endsInVowel(b) && (d < 3 || shape(a) == shape(b)) {
		return 0.92, simSound, d
	}
	return 0, simNone, 0
}

// TestTokenScoreShortcuts checks that tokenScore's early exits (and
// wordSim's) give exactly what computing the full edit distance gives, on every pair of a word list
// with typos (one and two letters) and the labelled set's words.
func TestTokenScoreShortcuts(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	seen := map[string]bool{}
	var words []string
	add := func(w string) {
		if w != "" && !seen[w] {
			seen[w] = true
			words = append(words, w)
		}
	}
	for _, p := range readPairs(t) {
		for _, n := range []string{p.a, p.b} {
			for _, w := range Normalize(n).Tokens {
				add(w)
			}
		}
	}
	for _, l := range [][]string{synthnames.FirstNames, synthnames.LastNames, synthnames.Industries, synthnames.Stems1} {
		for _, w := range l[:min(len(l), 30)] {
			add(Normalize(w).Tokens[0])
		}
	}
	for range 100 {
		add(Normalize(synthnames.Pick(r, synthnames.Stems1) + synthnames.Pick(r, synthnames.Stems2)).Tokens[0])
	}
	for i, w := range words[:len(words):len(words)] {
		if len(w) >= 3 && i%2 == 0 {
			w1 := synthnames.Typo(r, w)
			add(w1)
			if len(w1) >= 3 {
				add(synthnames.Typo(r, w1))
			}
		}
	}
	// The memo (which tells most pairs apart by length, first letter and a
	// hash of the sound key before reading them) against tokenScore.
	ix := &Index{}
	for _, w := range words {
		ix.addWord(w, Phonetic(w))
	}
	s := &scratch{memo: make([]memoEntry, len(words))}
	for _, a := range words {
		q := newQuery(Key{Tokens: []string{a}, Phonetic: []string{Phonetic(a)}})
		s.startMemo()
		for w, b := range words {
			want, _, _ := tokenScore(a, b, Phonetic(a), Phonetic(b))
			if got := s.memoSims[ix.memo(q, s, int32(w))]; got != want {
				t.Fatalf("memo(%q, %q) = %v, tokenScore says %v", a, b, got, want)
			}
		}
	}
	kinds := map[int]int{}
	for _, a := range words {
		pa := Phonetic(a)
		for _, b := range words {
			pb := Phonetic(b)
			s1, k1, d1 := tokenScore(a, b, pa, pb)
			if ws := wordSim(a, b, pa, pb, genericWords[a] && genericWords[b]); ws != s1 {
				t.Fatalf("wordSim(%q, %q) = %v, tokenScore says %v", a, b, ws, s1)
			}
			s2, k2, d2 := referenceTokenScore(a, b, pa, pb)
			if s1 != s2 || k1 != k2 || d1 != d2 {
				t.Fatalf("tokenScore(%q, %q) = %v %d %d, reference %v %d %d", a, b, s1, k1, d1, s2, k2, d2)
			}
			kinds[k1]++
		}
	}
	for _, k := range []int{simSame, simInitial, simSound, simSwap, simTypo} {
		if kinds[k] == 0 {
			t.Errorf("no word pair of kind %d: the word list no longer exercises tokenScore", k)
		}
	}
	t.Logf("%d words, %d pairs, by kind %v", len(words), len(words)*len(words), kinds)
}
