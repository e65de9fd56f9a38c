package conflicts

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/probity/probity/internal/conflicts/synthnames"
)

// referenceKeys is the candidate keys of one name, as first written.
func referenceKeys(k Key) []string {
	var keys []string
	nd := 0
	for _, t := range k.Tokens {
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
		if i+1 < len(k.Tokens) {
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
	return slices.Compact(keys)
}

// TestBuild checks the built index against a plain one (maps of slices):
// every name, its words and its distinctive count, and every postings list,
// for sizes around the chunk size (names are prepared in parallel chunks).
func TestBuild(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	extra := []string{"", "!!!", "A", "IBM", "J P Morgan Chase & Co", "The Company", "Al Farsi Trading",
		"One Two Three Four Five Six Seven", "Société Générale S.A.", "北京 Trading"}
	for _, size := range []int{0, 1, 9, chunkSize - 1, chunkSize, 3*chunkSize + 17} {
		var parties []Party
		for i := range size {
			n := synthnames.Name(r)
			if i < len(extra) {
				n = extra[i]
			}
			parties = append(parties, Party{ID: int64(1000 + i), Name: n})
		}
		ix := NewIndex(parties)
		if ix.Len() != size {
			t.Fatalf("size %d: Len() = %d", size, ix.Len())
		}
		want := map[string][]int32{}
		for i, p := range parties {
			k := Normalize(p.Name)
			if ix.ids[i] != p.ID || ix.name(int32(i)) != p.Name {
				t.Fatalf("size %d: name %d = %d %q, want %d %q", size, i, ix.ids[i], ix.name(int32(i)), p.ID, p.Name)
			}
			var words []string
			for _, w := range ix.wordsOf(int32(i)) {
				words = append(words, ix.words[w])
				if ix.wordPhon[w] != Phonetic(ix.words[w]) {
					t.Fatalf("word %q has sound key %q", ix.words[w], ix.wordPhon[w])
				}
			}
			if !slices.Equal(words, k.Tokens) {
				t.Fatalf("size %d: words of %q = %q, want %q", size, p.Name, words, k.Tokens)
			}
			nd := 0
			for _, w := range k.Tokens {
				if distinctive(w) {
					nd++
				}
			}
			if int(ix.distinct[i]) != nd {
				t.Fatalf("size %d: %q has %d distinctive words, want %d", size, p.Name, ix.distinct[i], nd)
			}
			for _, key := range referenceKeys(k) {
				want[key] = append(want[key], int32(i))
			}
		}
		if ix.keys.n != len(want) {
			t.Fatalf("size %d: %d keys, want %d", size, ix.keys.n, len(want))
		}
		for key, ids := range want {
			if got := ix.list(key); !slices.Equal(got, ids) {
				t.Fatalf("size %d: list %q = %v, want %v", size, key, got, ids)
			}
		}
		if ix.list("p:no such key") != nil {
			t.Fatalf("size %d: a missing key has a list", size)
		}
	}
}

// TestNormalizeShortcuts checks that Normalize and Phonetic (with their
// ASCII, legal-form and allocation-free shortcuts) give exactly what they
// gave as first written, on the labelled set, synthetic names, names with
// accents and punctuation, and random strings of tricky characters.
func TestNormalizeShortcuts(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	var names []string
	for _, p := range readPairs(t) {
		names = append(names, p.a, p.b)
	}
	names = append(names, "McDonald's", "O'Brien & Sons", "ACME's", "Jack's's", "it's", "'s", "S", "a'S b", "x`y", "A+B",
		"Müller GmbH", "Straße", "北京 Trading", "Ærø ApS", "Ltd", "The Company", "Co Morgan Stanley", "AB Foods",
		"Pvt. Ltd. Pvt Ltd", "S.A. de C.V.", "sociedad anonima", "Xerxes Xylophone", "Schtchedrin", "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
		"Axxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "THOMPSON-SMYTHE\tLLC", "  ", "", "123 456", "Café Noir S.à r.l.")
	for range 3000 {
		names = append(names, synthnames.Name(r))
	}
	const tricky = "aAsSeExX'`&+.-, 0123scHhkKzZwWvVcCjJqQtT’éßø"
	runes := []rune(tricky)
	for range 3000 {
		b := make([]rune, 1+r.IntN(24))
		for i := range b {
			b[i] = runes[r.IntN(len(runes))]
		}
		names = append(names, string(b))
	}
	for _, n := range names {
		got, want := Normalize(n), referenceNormalize(n)
		if !slices.Equal(got.Tokens, want.Tokens) || !slices.Equal(got.Phonetic, want.Phonetic) || !slices.Equal(got.Forms, want.Forms) ||
			!slices.Equal(got.FormText, want.FormText) || !slices.Equal(got.Dropped, want.Dropped) {
			t.Fatalf("Normalize(%q) = %+v, want %+v", n, got, want)
		}
		for _, w := range append(want.Tokens, n, n+n) {
			if got, want := Phonetic(w), referencePhonetic(w); got != want {
				t.Fatalf("Phonetic(%q) = %q, want %q", w, got, want)
			}
		}
	}
}
