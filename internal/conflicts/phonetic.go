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
	// The folds are applied one after the other to the whole word, each
	// replacing every occurrence (as strings.ReplaceAll would), in two
	// buffers on the stack. Only "x" → "ks" lengthens a word, at most
	// doubling it.
	const maxLen = 32
	if len(word) > maxLen {
		return phoneticLong(word)
	}
	var bufA, bufB [2 * maxLen]byte
	w, spare := append(bufA[:0], word...), bufB[:0]
	have := letterMask(w)
	for k, f := range translitFolds {
		if have&foldMasks[k] != foldMasks[k] || !containsBytes(w, f.from) {
			continue // a letter of the fold is missing: nothing to replace
		}
		out := spare[:0]
		for i := 0; i < len(w); {
			if hasPrefixBytes(w[i:], f.from) {
				out = append(out, f.to...)
				i += len(f.from)
			} else {
				out = append(out, w[i])
				i++
			}
		}
		w, spare = out, w[:0]
		have = letterMask(w)
	}
	return string(skeleton(spare[:0], w))
}

// foldMasks are the letters of each fold's pattern, as letterMask gives them.
var foldMasks = func() []uint32 {
	m := make([]uint32, len(translitFolds))
	for k, f := range translitFolds {
		m[k] = letterMask([]byte(f.from))
	}
	return m
}()

// letterMask has bit c-'a' set for each letter a to z in w.
func letterMask(w []byte) uint32 {
	var m uint32
	for _, c := range w {
		if c >= 'a' && c <= 'z' {
			m |= 1 << (c - 'a')
		}
	}
	return m
}

func containsBytes(w []byte, s string) bool {
	for i := 0; i+len(s) <= len(w); i++ {
		if w[i] == s[0] && hasPrefixBytes(w[i:], s) {
			return true
		}
	}
	return false
}

func hasPrefixBytes(w []byte, s string) bool {
	return len(w) >= len(s) && string(w[:len(s)]) == s
}

// phoneticLong is Phonetic for long words, with strings.ReplaceAll.
func phoneticLong(word string) string {
	w := word
	for _, f := range translitFolds {
		if strings.Contains(w, f.from) {
			w = strings.ReplaceAll(w, f.from, f.to)
		}
	}
	return string(skeleton(nil, []byte(w)))
}

// skeleton appends to dst the consonants of a folded word: a plural "s"
// dropped, then vowels and "h" dropped and doubled letters collapsed, with
// "a" for a first vowel.
func skeleton(dst, w []byte) []byte {
	if len(w) > 4 && w[len(w)-1] == 's' && w[len(w)-2] != 's' {
		w = w[:len(w)-1] // plural or possessive: "Barclays" / "Barclay"
	}
	var last byte
	for i := 0; i < len(w); i++ {
		c := w[i]
		vowel := c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y'
		if vowel {
			if i == 0 {
				dst = append(dst, 'a')
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
		dst = append(dst, c)
		last = c
	}
	return dst
}
