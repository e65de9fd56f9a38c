// Package conflicts is the name-matching engine behind vendor conflict checks
// and the firm-wide party search: it normalises party names, indexes them in
// memory and scores fuzzy matches with plain-language reasons.
package conflicts

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Key is a normalised party name: its distinctive words in their original
// order, the legal forms and stop words that were removed, and a phonetic key
// per word.
type Key struct {
	// Tokens are the words used for matching, lower-case ASCII, in name order.
	Tokens []string
	// Phonetic holds one sound key per token (same order as Tokens).
	Phonetic []string
	// Forms are the canonical legal forms found in the name (e.g. "inc", "pvt ltd").
	Forms []string
	// FormText is how the legal forms were written, lower-case without punctuation.
	FormText []string
	// Dropped are the stop words removed from the name.
	Dropped []string
}

// Sorted returns the tokens sorted and joined by one space: equal for two
// names that differ only in case, punctuation, diacritics, legal form,
// stop words or word order.
func (k Key) Sorted() string {
	t := append([]string(nil), k.Tokens...)
	sort.Strings(t)
	return strings.Join(t, " ")
}

// foldLetters maps letters that Unicode decomposition leaves alone to ASCII.
var foldLetters = map[rune]string{
	'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'ł': "l", 'đ': "d", 'ð': "d",
	'þ': "th", 'ı': "i", 'ħ': "h", 'ŧ': "t", 'ŋ': "n",
}

// legalForms maps a word sequence (already lower-cased, punctuation removed)
// to its canonical legal form. Longer sequences are tried first.
var legalForms = map[string]string{
	"incorporated": "inc", "inc": "inc", "incorporation": "inc",
	"limited": "ltd", "ltd": "ltd",
	"private limited": "pvt ltd", "pvt ltd": "pvt ltd", "pvt": "pvt ltd", "private ltd": "pvt ltd",
	"public limited company": "plc", "plc": "plc",
	"limited liability company": "llc", "llc": "llc", "l l c": "llc",
	"limited liability partnership": "llp", "llp": "llp", "l l p": "llp",
	"limited partnership": "lp", "lp": "lp", "l p": "lp",
	"corporation": "corp", "corp": "corp",
	"company": "co", "co": "co", "cie": "co", "compagnie": "co",
	"gmbh": "gmbh", "gesellschaft mit beschrankter haftung": "gmbh",
	"ag": "ag", "aktiengesellschaft": "ag", "kg": "kg", "kgaa": "kgaa",
	"sa": "sa", "s a": "sa", "societe anonyme": "sa", "sociedad anonima": "sa",
	"sarl": "sarl", "s a r l": "sarl", "sas": "sas", "s a s": "sas",
	"srl": "srl", "s r l": "srl", "spa": "spa", "s p a": "spa",
	"bv": "bv", "b v": "bv", "nv": "nv", "n v": "nv",
	"pte": "pte", "pte ltd": "pte ltd", "pty": "pty", "pty ltd": "pty ltd", "proprietary limited": "pty ltd",
	"oy": "oy", "ab": "ab", "as": "as", "a s": "as", "aps": "aps",
	"sl": "sl", "s l": "sl", "sde rl": "sde rl", "de cv": "de cv", "sa de cv": "sa de cv",
	"kk": "kk", "kabushiki kaisha": "kk", "ooo": "ooo", "zao": "zao", "oao": "oao", "pjsc": "pjsc",
	"bhd": "bhd", "sdn bhd": "sdn bhd", "berhad": "bhd", "sendirian berhad": "sdn bhd",
	"oyj": "oyj", "sab": "sab", "s a b": "sab", "sab de cv": "sab de cv", "s a b de c v": "sab de cv", "s a de c v": "sa de cv",
	"fsb": "fsb", "n a": "na",
	"lllp": "lllp", "pllc": "pllc", "pc": "pc", "professional corporation": "pc",
}

// wordSynonyms are abbreviations written out, applied to single words.
var wordSynonyms = map[string]string{
	"intl": "international", "int'l": "international", "mgmt": "management", "mgt": "management",
	"bros": "brothers", "mfg": "manufacturing", "svcs": "services", "svc": "services",
	"assoc": "associates", "assocs": "associates", "natl": "national",
	"saint": "st", "ste": "st", "mt": "mount", "ctr": "center", "centre": "center", "grp": "group",
	"hldgs": "holdings", "invts": "investments", "dev": "development",
}

// maxFormWords is the longest legal-form sequence in legalForms.
const maxFormWords = 4

// stopWords are removed before matching.
var stopWords = map[string]bool{"the": true, "and": true, "of": true, "et": true, "und": true, "y": true, "de": true, "du": true, "des": true, "la": true, "le": true, "les": true}

// Normalize turns a party name into its matching key: Unicode compatibility
// decomposition with diacritics removed, lower case, punctuation as spaces,
// legal forms recognised (long and short forms) and removed, stop words
// removed. A name made only of legal forms and stop words keeps its words.
func Normalize(name string) Key {
	words := splitWords(name)
	var k Key
	for i := 0; i < len(words); {
		if n, form := legalFormAt(words, i); n > 0 {
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
		k.Phonetic[i] = Phonetic(t)
	}
	return k
}

// formStarts maps the first word of each legal form to the most words of a
// form starting with it.
var formStarts = func() map[string]int {
	m := map[string]int{}
	for f := range legalForms {
		w := strings.Fields(f)
		m[w[0]] = max(m[w[0]], min(len(w), maxFormWords))
	}
	return m
}()

// legalFormAt reports how many words starting at i form a legal form, and
// which. A legal form in first place is only recognised before two or more
// words ("Co Morgan Stanley"), so that "AB Foods" keeps its first word.
func legalFormAt(words []string, i int) (int, string) {
	if i == 0 && len(words) < 3 {
		return 0, ""
	}
	longest, ok := formStarts[words[i]]
	if !ok {
		return 0, "" // most words start no legal form
	}
	for n := longest; n >= 1; n-- {
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
func splitWords(name string) []string {
	if isASCII(name) {
		return splitASCII(name)
	}
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
	return synonyms(strings.Fields(b.String()))
}

func synonyms(words []string) []string {
	for i, w := range words {
		if r, ok := wordSynonyms[w]; ok {
			words[i] = r
		}
	}
	return words
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// splitASCII is splitWords for a name in ASCII, which decomposition leaves
// as it is: the same rules, byte by byte.
func splitASCII(name string) []string {
	letter := func(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
	b := make([]byte, 0, len(name)+8)
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '\'' && i+1 < len(name) && (name[i+1] == 's' || name[i+1] == 'S') && (i+2 == len(name) || !letter(name[i+2])):
			i++ // possessive "'s": McDonald's → mcdonald
		case c == '\'' || c == '`':
			// apostrophe: join
		case c == '&' || c == '+':
			b = append(b, " and "...)
		case letter(c):
			b = append(b, c|0x20)
		case '0' <= c && c <= '9':
			b = append(b, c)
		default:
			b = append(b, ' ')
		}
	}
	return synonyms(strings.Fields(string(b)))
}
