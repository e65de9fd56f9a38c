package conflicts

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

// FuzzNormalize: party names come from imports, forms and the API. For any
// name, normalising is idempotent (the words of the words are the same
// words, and the key of the normalised text is the same key), the key's
// tokens are non-empty lower-case words without spaces with one phonetic
// key each, and the fast ASCII path splits exactly as the Unicode path.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{
		"Harbor Crest Incorporated", "Tidewater Logistics, L.L.C.", "Tata Consultancy Services Pvt. Ltd.",
		"Müller Gesellschaft mit beschränkter Haftung", "McDonald’s Corporation", "O'Brien & Sons",
		"Q B Inc V", "The Company", "Straße Øresund Łódź", "ǅemal İnan", "Ｆｕｌｌｗｉｄｔｈ Ｃｏ",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		words := splitWords(name)
		for _, w := range words {
			if w == "" || strings.ContainsFunc(w, func(r rune) bool { return r == ' ' }) || strings.ToLower(w) != w {
				t.Fatalf("word %q of %q", w, name)
			}
		}
		text := strings.Join(words, " ")
		if again := splitWords(text); !slices.Equal(again, words) {
			t.Fatalf("words of %q: %q; of those words: %q", name, words, again)
		}
		k := Normalize(name)
		if !reflect.DeepEqual(Normalize(text), k) {
			t.Fatalf("Normalize(%q) = %+v, but Normalize(%q) = %+v", name, k, text, Normalize(text))
		}
		if len(k.Phonetic) != len(k.Tokens) || (len(k.Tokens) == 0) != (len(words) == 0) {
			t.Fatalf("key %+v of %q (words %q)", k, name, words)
		}
		for _, tok := range k.Tokens {
			if !slices.Contains(words, tok) {
				t.Fatalf("token %q is not a word of %q", tok, words)
			}
		}
		if isASCII(name) {
			// " é" sends the name down the Unicode path and adds the word "e".
			uni := splitWords(name + " é")
			if want := append(slices.Clone(words), "e"); !slices.Equal(uni, want) {
				t.Fatalf("ASCII path %q, Unicode path %q", words, uni)
			}
		}
	})
}
