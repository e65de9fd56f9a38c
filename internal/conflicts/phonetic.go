package conflicts

import "strings"

// translitFolds are spelling variants that sound alike, applied left to right
// before vowels are dropped (romanisation and transliteration variants).
var translitFolds = []struct{ from, to string }{
	{"sch", "s"}, {"tch", "c"}, {"dzh", "j"}, {"zh", "j"}, {"kh", "k"}, {"gh", "g"},
	{"ph", "f"}, {"ck", "k"}, {"th", "t"}, {"dh", "d"}, {"sh", "s"}, {"ch", "c"},
	{"ci", "si"}, {"ce", "se"}, {"cy", "sy"}, {"q", "k"}, {"x", "ks"}, {"z", "s"}, {"w", "v"}, {"v", "f"}, {"c", "k"}, {"j", "g"},
}

// Phonetic returns a consonant skeleton of one lower-case word: transliteration
// folds (ph→f, ck→k, zh→j, …), a plural "s" dropped, then vowels and "h"
// dropped and doubled letters collapsed. A word starting with a vowel keeps "a" as its first letter, so
// "Mohammed", "Muhammad" and "Mohamed" share the key "mmd".
func Phonetic(word string) string {
	w := word
	for _, f := range translitFolds {
		if strings.Contains(w, f.from) {
			w = strings.ReplaceAll(w, f.from, f.to)
		}
	}
	if len(w) > 4 && w[len(w)-1] == 's' && w[len(w)-2] != 's' {
		w = w[:len(w)-1] // plural or possessive: "Barclays" / "Barclay"
	}
	var b strings.Builder
	var last byte
	for i := 0; i < len(w); i++ {
		c := w[i]
		vowel := c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y'
		if vowel {
			if i == 0 {
				b.WriteByte('a')
				last = 'a'
				continue
			}
			last = 0
			continue
		}
		if c == 'h' {
			continue
		}
		if c == last {
			continue
		}
		b.WriteByte(c)
		last = c
	}
	return b.String()
}
