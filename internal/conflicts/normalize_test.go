package conflicts

import (
	"slices"
	"strings"
	"testing"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		rule, name, tokens, forms string
	}{
		{"case and punctuation", "ACME, Widgets!", "acme widgets", ""},
		{"diacritics", "Société Générale", "societe generale", ""},
		{"letters without decomposition", "Straße Øresund Łódź", "strasse oresund lodz", ""},
		{"ampersand is a stop word", "Procter & Gamble", "procter gamble", ""},
		{"the and of", "The Bank of America", "bank america", ""},
		{"apostrophe joins", "O'Brien Construction", "obrien construction", ""},
		{"possessive s", "McDonald's Corporation", "mcdonald", "corp"},
		{"inc long form", "Harbor Crest Incorporated", "harbor crest", "inc"},
		{"llc dotted", "Tidewater Logistics, L.L.C.", "tidewater logistics", "llc"},
		{"llc long form", "Tidewater Logistics Limited Liability Company", "tidewater logistics", "llc"},
		{"pvt ltd", "Tata Consultancy Services Pvt. Ltd.", "tata consultancy services", "pvt ltd"},
		{"private limited", "Tata Consultancy Services Private Limited", "tata consultancy services", "pvt ltd"},
		{"s.a.", "Nestlé S.A.", "nestle", "sa"},
		{"gmbh long form", "Müller Gesellschaft mit beschränkter Haftung", "muller", "gmbh"},
		{"co and ltd", "Samsung Electronics Co., Ltd.", "samsung electronics", "co ltd"},
		{"form first before two words", "Co Morgan Stanley", "morgan stanley", "co"},
		{"form first kept before one word", "AB Foods", "ab foods", ""},
		{"abbreviation written out", "Philip Morris Intl", "philip morris international", ""},
		{"only a form keeps its words", "The Company", "the company", ""},
	}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			k := Normalize(tt.name)
			if got := strings.Join(k.Tokens, " "); got != tt.tokens {
				t.Errorf("Normalize(%q) tokens = %q, want %q", tt.name, got, tt.tokens)
			}
			if got := strings.Join(k.Forms, " "); got != tt.forms {
				t.Errorf("Normalize(%q) forms = %q, want %q", tt.name, got, tt.forms)
			}
		})
	}
}

func TestSortedIgnoresWordOrder(t *testing.T) {
	if a, b := Normalize("Morgan Stanley & Co").Sorted(), Normalize("Co Stanley Morgan").Sorted(); a != b {
		t.Errorf("Sorted keys differ: %q / %q", a, b)
	}
}

func TestPhonetic(t *testing.T) {
	same := [][2]string{
		{"mohammed", "muhammad"}, {"mohammed", "mohamed"}, {"rashid", "rasheed"},
		{"philips", "fillips"}, {"jackson", "jakson"}, {"stephen", "steven"},
		{"kowalski", "kovalski"}, {"consilio", "concilio"}, {"barclays", "barclay"},
	}
	for _, p := range same {
		if a, b := Phonetic(p[0]), Phonetic(p[1]); a != b {
			t.Errorf("Phonetic(%q) = %q, Phonetic(%q) = %q; want equal", p[0], a, p[1], b)
		}
	}
	differ := [][2]string{{"solace", "solis"}, {"smith", "jones"}, {"tidewater", "tidewell"}}
	for _, p := range differ {
		if a, b := Phonetic(p[0]), Phonetic(p[1]); a == b {
			t.Errorf("Phonetic(%q) = Phonetic(%q) = %q; want different", p[0], p[1], a)
		}
	}
}

func TestOSA(t *testing.T) {
	tests := []struct {
		a, b    string
		d       int
		swapped bool
	}{
		{"tidewater", "tidewatr", 1, false},
		{"blackwood", "blakcwood", 1, true},
		{"kitten", "sitting", 3, false},
		{"", "abc", 3, false},
	}
	for _, tt := range tests {
		if d, sw := osa(tt.a, tt.b); d != tt.d || sw != tt.swapped {
			t.Errorf("osa(%q, %q) = %d, %v; want %d, %v", tt.a, tt.b, d, sw, tt.d, tt.swapped)
		}
	}
	if d, _ := osaWithin("tidewater", "blackwood", 2); d <= 2 {
		t.Errorf("osaWithin gave %d for unrelated words, want more than 2", d)
	}
}

func TestReasons(t *testing.T) {
	tests := []struct {
		a, b, reason string
	}{
		{"Morgan Stanley", "Stanley Morgan", "same words in a different order"},
		{"Tidewater Logistics Inc.", "Tidewater Logistics Incorporated", "legal form written differently (Inc / Incorporated)"},
		{"Tidewater Logistics Inc.", "Tidewater Logistics LLC", "legal form differs (Inc / Llc)"},
		{"Tidewater Logistics", "Tidewatr Logistics", "one letter differs in 'Tidewatr'"},
		{"Blackwood Industries", "Blakcwood Industries", "two letters swapped in 'Blakcwood'"},
		{"J. P. Morgan", "John Pierpont Morgan", "initial J matches John"},
		{"JP Morgan", "John Pierpont Morgan", "initials J P match John Pierpont"},
		{"Mohammed Al Farsi", "Muhammad Al Farsi", "sounds alike (Mohammed / Muhammad)"},
		{"IBM", "International Business Machines", "'IBM' is the initials of International Business Machines"},
		{"Société Générale", "Societe Generale", "accents ignored"},
		{"Ironclad Security", "Iron Clad Security", "same letters, spaced differently"},
		{"ACME Widgets", "acme widgets", "same name apart from case and punctuation"},
	}
	for _, tt := range tests {
		m := Compare(tt.a, tt.b)
		if m.Score < threshold {
			t.Errorf("Compare(%q, %q) = %.3f, want at least %.2f", tt.a, tt.b, m.Score, threshold)
		}
		if !slices.Contains(m.Reasons, tt.reason) {
			t.Errorf("Compare(%q, %q) reasons = %q, want %q among them", tt.a, tt.b, m.Reasons, tt.reason)
		}
	}
}

func TestIndexCheckAndSearch(t *testing.T) {
	ix := NewIndex([]Party{
		{ID: 10, Name: "Tidewater Logistics LLC"},
		{ID: 11, Name: "Tidewater Holdings LLC"},
		{ID: 12, Name: "Muhammad Al Farsi"},
		{ID: 13, Name: "International Business Machines Corp."},
	})
	got := ix.Check([]string{"Tidewatr Logistics Inc", "Mohammed Al-Farsi", "IBM", "Unrelated Name Ltd"}, threshold)
	want := map[[2]int64]bool{{0, 10}: true, {1, 12}: true, {2, 13}: true}
	if len(got) != len(want) {
		t.Fatalf("Check found %d matches, want %d: %+v", len(got), len(want), got)
	}
	for i, m := range got {
		if !want[[2]int64{m.AID, m.BID}] {
			t.Errorf("unexpected match %+v", m)
		}
		if len(m.Reasons) == 0 {
			t.Errorf("match %+v has no reasons", m)
		}
		if i > 0 && got[i-1].Score < m.Score {
			t.Errorf("matches not sorted by score: %v before %v", got[i-1].Score, m.Score)
		}
	}
	if s := ix.Search("tidewater", 0.5); len(s) != 2 || s[0].Score < s[1].Score {
		t.Errorf("Search(tidewater, 0.5) = %+v, want both Tidewater names, best first", s)
	}
	if s := ix.Search("", threshold); len(s) != 0 {
		t.Errorf("Search of an empty name = %+v, want nothing", s)
	}
}
