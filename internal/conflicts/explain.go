package conflicts

import (
	"fmt"
	"strings"
	"unicode"
)

// Compare scores two names against each other and explains the result; it is
// what Check and Search do for every candidate.
func Compare(a, b string) Match {
	return explain(a, b, Normalize(a), Normalize(b))
}

func explain(a, b string, ka, kb Key) Match {
	sc, reasons := score(side{ka.Tokens, ka.Phonetic}, side{kb.Tokens, kb.Phonetic})
	m := Match{A: a, B: b, Score: sc}
	if sc == 0 {
		return m
	}
	fa, fb := strings.Join(ka.FormText, ", "), strings.Join(kb.FormText, ", ")
	switch {
	case strings.Join(ka.Forms, " ") != strings.Join(kb.Forms, " "):
		m.Reasons = append(m.Reasons, fmt.Sprintf("legal form differs (%s / %s)", formLabel(fa), formLabel(fb)))
	case strings.ReplaceAll(fa, " ", "") != strings.ReplaceAll(fb, " ", ""):
		m.Reasons = append(m.Reasons, fmt.Sprintf("legal form written differently (%s / %s)", formLabel(fa), formLabel(fb)))
	}
	if len(ka.Dropped) > 0 || len(kb.Dropped) > 0 {
		if strings.Join(ka.Dropped, " ") != strings.Join(kb.Dropped, " ") {
			m.Reasons = append(m.Reasons, "ignoring words like 'the', 'and', 'of'")
		}
	}
	if hasAccent(a) != hasAccent(b) {
		m.Reasons = append(m.Reasons, "accents ignored")
	}
	m.Reasons = append(m.Reasons, reasons...)
	if len(m.Reasons) == 0 {
		if a == b {
			m.Reasons = []string{"same name"}
		} else {
			m.Reasons = []string{"same name apart from case and punctuation"}
		}
	}
	return m
}

func formLabel(f string) string {
	if f == "" {
		return "none"
	}
	return title(f)
}

func hasAccent(s string) bool {
	for _, r := range s {
		if r > unicode.MaxASCII && unicode.IsLetter(r) {
			return true
		}
	}
	return false
}
