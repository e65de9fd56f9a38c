package conflicts

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// The functions below are Normalize and Phonetic as first written, kept to
// check that the faster versions give exactly the same keys.

// Normalize turns a party name into its matching key: Unicode compatibility
// decomposition with diacritics removed, lower case, punctuation as spaces,
// legal forms recognised (long and short forms) and removed, stop words
// removed. A name made only of legal forms and stop words keeps its words.
func referenceNormalize(name string) Key {
	words := referenceSplitWords(name)
	var k Key
	for i := 0; i < len(words); {
		if n, form := referenceLegalFormAt(words, i); n > 0 {
			k.Forms = append(k.Forms, form)
			k.FormText = append(k.FormText, strings.Join(words[i:i+n], " "))
			i += n
			continue
		}
		w := words[i]
		if stopWords[w] {
			k.Dropped = append(k.Dropped, w)
		} else {
			k.Tokens = append(k.Tokens, w)
		}
		i++
	}
	if len(k.Tokens) == 0 { // "The Company": keep what there is rather than nothing
		k.Tokens = words
		k.Forms, k.FormText, k.Dropped = nil, nil, nil
	}
	k.Phonetic = make([]string, len(k.Tokens))
	for i, t := range k.Tokens {
		k.Phonetic[i] = referencePhonetic(t)
	}
	return k
}

// legalFormAt reports how many words starting at i form a legal form, and
// which. A legal form in first place is only recognised before two or more
// words ("Co Morgan Stanley"), so that "AB Foods" keeps its first word.
func referenceLegalFormAt(words []string, i int) (int, string) {
	if i == 0 && len(words) < 3 {
		return 0, ""
	}
	for n := maxFormWords; n >= 1; n-- {
		if i+n > len(words) {
			continue
		}
		if f, ok := legalForms[strings.Join(words[i:i+n], " ")]; ok {
			return n, f
		}
	}
	return 0, ""
}

// splitWords decomposes, strips diacritics, lower-cases and splits on
// anything that is not a letter or digit. "&" becomes the word "and"; an
// apostrophe joins ("O'Brien" → "obrien").
func referenceSplitWords(name string) []string {
	var b strings.Builder
	rs := []rune(norm.NFKD.String(name))
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case (r == '\'' || r == '’') && i+1 < len(rs) && (rs[i+1] == 's' || rs[i+1] == 'S') && (i+2 == len(rs) || !unicode.IsLetter(rs[i+2])):
			i++ // possessive "'s": McDonald's → mcdonald
		case unicode.Is(unicode.Mn, r):
			// diacritic: drop
		case r == '\'' || r == '’' || r == '`':
			// apostrophe: join
		case r == '&' || r == '+':
			b.WriteString(" and ")
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(unicode.ToLower(r))
		case unicode.IsLetter(r):
			lr := unicode.ToLower(r)
			if s, ok := foldLetters[lr]; ok {
				b.WriteString(s)
			} else {
				b.WriteRune(lr)
			}
		case unicode.IsDigit(r):
			b.WriteRune(r)
		default:
			b.WriteByte(' ')
		}
	}
	words := strings.Fields(b.String())
	for i, w := range words {
		if r, ok := wordSynonyms[w]; ok {
			words[i] = r
		}
	}
	return words
}

// Phonetic returns a consonant skeleton of one lower-case word: transliteration
// folds (ph→f, ck→k, zh→j, …), a plural "s" dropped, then vowels and "h"
// dropped and doubled letters collapsed. A word starting with a vowel keeps "a" as its first letter, so
// "Mohammed", "Muhammad" and "Mohamed" share the key "mmd".
func referencePhonetic(word string) string {
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
