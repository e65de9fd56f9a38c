package domain

// Fuzz targets for the domain's parsers of outside input: the matters and
// parties import, the audit population file, questionnaire answers and pass
// rules, and the iCalendar TEXT escaping. Seed inputs live in
// testdata/fuzz/<FuzzName>/; scripts/test fuzzes each target briefly under
// CI (docs/OPERATIONS.md: how to fuzz longer).

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzParseImportCSV: any input is parsed without panic; every row and
// problem names a line of the file, rows come in file order with exactly
// the header's (known, lower-case) columns and trimmed UTF-8 values; and a
// file without problems, written back as CSV, parses to the same rows.
func FuzzParseImportCSV(f *testing.F) {
	f.Add([]byte("number,client_number,title,responsible_attorney_email\n1,C,T,a@b\n"))
	f.Add([]byte("number,title\n\"unterminated\n"))
	f.Add([]byte("\xef\xbb\xbfmatter_number,name,role\nx,\"a\"\"b\",adverse\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, kind := range []ImportKind{ImportMatters, ImportParties} {
			rows, problems := ParseImportCSV(kind, data)
			lines := bytes.Count(data, []byte("\n")) + 1
			checkImportRows(t, kind, rows, lines)
			for _, p := range problems {
				if p.Line < 0 || p.Line > lines || p.Message == "" {
					t.Fatalf("problem on line %d of %d: %+v", p.Line, lines, p)
				}
			}
			if len(problems) > 0 || len(rows) == 0 {
				continue
			}
			// Round trip: the rows written back parse to the same rows.
			var cols []string
			for c := range rows[0].Fields {
				cols = append(cols, c)
			}
			slices.Sort(cols)
			var buf bytes.Buffer
			w := csv.NewWriter(&buf)
			_ = w.Write(cols)
			for _, r := range rows {
				rec := make([]string, len(cols))
				for i, c := range cols {
					rec[i] = r.Fields[c]
				}
				_ = w.Write(rec)
			}
			w.Flush()
			again, problems := ParseImportCSV(kind, buf.Bytes())
			if len(problems) > 0 || len(again) != len(rows) {
				t.Fatalf("written back: %d rows, problems %+v\n%q", len(again), problems, buf.String())
			}
			for i := range rows {
				if !reflect.DeepEqual(again[i].Fields, rows[i].Fields) {
					t.Fatalf("row %d: %q, written back %q", i, rows[i].Fields, again[i].Fields)
				}
			}
		}
	})
}

func checkImportRows(t *testing.T, kind ImportKind, rows []CSVRecord, lines int) {
	t.Helper()
	prev := 1
	for _, r := range rows {
		if r.Line <= prev || r.Line > lines {
			t.Fatalf("row on line %d (after line %d) of %d", r.Line, prev, lines)
		}
		prev = r.Line
		if len(r.Fields) != len(rows[0].Fields) {
			t.Fatalf("rows with different columns: %q / %q", rows[0].Fields, r.Fields)
		}
		for _, c := range requiredColumns[kind] {
			if _, ok := r.Fields[c]; !ok {
				t.Fatalf("row without the required column %s: %q", c, r.Fields)
			}
		}
		for c, v := range r.Fields {
			if !slices.Contains(ImportColumns[kind], c) {
				t.Fatalf("unknown column %q in a row", c)
			}
			if strings.TrimSpace(v) != v || !utf8.ValidString(v) {
				t.Fatalf("column %s: untrimmed or invalid value %q", c, v)
			}
		}
	}
}

// FuzzParsePopulationCSV: any file is either refused with a clear error on
// the "file" field, or gives items numbered 1..n with unique, trimmed,
// non-empty ids of at most 200 characters, at most the limit, and metadata
// that is a JSON object of strings with the same keys on every item; the
// items written back as CSV parse to the same items.
func FuzzParsePopulationCSV(f *testing.F) {
	f.Add([]byte("item_id,decision,person\nDOC-1,privileged,Priya\nDOC-2,not privileged,Sam\n"), int64(0))
	f.Add([]byte("\ufeffID,Output,Reviewer,Custodian\r\nA,yes,R1,\"Smith, J\"\r\n\r\nB,no,R2,Lee\r\n"), int64(0))
	f.Add([]byte("id\nx\ny\nz\n"), int64(2))
	f.Add([]byte("id,id\nx,y\n"), int64(0))
	f.Fuzz(func(t *testing.T, data []byte, limit int64) {
		items, err := ParsePopulationCSV(bytes.NewReader(data), limit)
		if err != nil {
			if ErrorCode(err) != EInvalid || ErrorField(err) != "file" || ErrorMessage(err) == "" {
				t.Fatalf("not a clear refusal: %v", err)
			}
			return
		}
		if len(items) == 0 || (limit > 0 && int64(len(items)) > limit) {
			t.Fatalf("%d items with limit %d", len(items), limit)
		}
		seen := map[string]bool{}
		var keys []string
		for i, it := range items {
			if it.Position != int64(i)+1 {
				t.Fatalf("item %d at position %d", i, it.Position)
			}
			if it.Key == "" || strings.TrimSpace(it.Key) != it.Key || utf8.RuneCountInString(it.Key) > maxItemField || seen[it.Key] {
				t.Fatalf("item id %q (seen: %v)", it.Key, seen[it.Key])
			}
			seen[it.Key] = true
			for _, v := range []string{it.Key, it.Decision, it.Person} {
				if !utf8.ValidString(v) || strings.TrimSpace(v) != v {
					t.Fatalf("value %q", v)
				}
			}
			var meta map[string]string
			if it.Metadata != "" {
				if err := json.Unmarshal([]byte(it.Metadata), &meta); err != nil {
					t.Fatalf("metadata %q: %v", it.Metadata, err)
				}
			}
			k := sortedKeys(meta)
			if i == 0 {
				keys = k
			} else if !slices.Equal(k, keys) {
				t.Fatalf("metadata keys %q, first item %q", k, keys)
			}
		}
		// Round trip through a CSV file with the canonical column names.
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		_ = w.Write(append([]string{"item_id", "decision", "person"}, keys...))
		for _, it := range items {
			var meta map[string]string
			if it.Metadata != "" {
				_ = json.Unmarshal([]byte(it.Metadata), &meta)
			}
			rec := []string{it.Key, it.Decision, it.Person}
			for _, k := range keys {
				rec = append(rec, meta[k])
			}
			_ = w.Write(rec)
		}
		w.Flush()
		again, err := ParsePopulationCSV(bytes.NewReader(buf.Bytes()), limit)
		if err != nil || !reflect.DeepEqual(again, items) {
			t.Fatalf("written back: %v\n%+v\nwant %+v\n%q", err, again, items, buf.String())
		}
	})
}

func sortedKeys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// FuzzEscapeText: an escaped TEXT value never holds a raw line break, a
// control character other than tab, or an unescaped ; , or \; folding it
// keeps lines within 75 octets of whole UTF-8 characters; unfolding and
// unescaping gives the text back (after the documented clean-up: invalid
// UTF-8 replaced, CR and CRLF read as LF, other controls dropped).
func FuzzEscapeText(f *testing.F) {
	f.Add("Review; privilege, log\\ done\nnext")
	f.Add("Calloway v. Port Authority — filing due\r\nbring exhibits A,B;C")
	f.Add("\\n is not a newline; \\, neither")
	f.Fuzz(func(t *testing.T, s string) {
		e := EscapeText(s)
		for i := 0; i < len(e); i++ {
			switch c := e[i]; {
			case c == '\\':
				if i+1 == len(e) || !strings.ContainsRune(`\;,n`, rune(e[i+1])) {
					t.Fatalf("bad escape at %d in %q", i, e)
				}
				i++
			case c == ';' || c == ',':
				t.Fatalf("unescaped %q at %d in %q", c, i, e)
			case (c < 0x20 && c != '\t') || c == 0x7f:
				t.Fatalf("control character %#x in %q", c, e)
			}
		}
		if !utf8.ValidString(e) {
			t.Fatalf("escaped text is not UTF-8: %q", e)
		}
		want := strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\r\n", "\n")
		want = strings.Map(func(r rune) rune {
			switch {
			case r == '\r':
				return '\n'
			case (r < 0x20 && r != '\t' && r != '\n') || r == 0x7f:
				return -1
			}
			return r
		}, want)
		if got := UnescapeText(e); got != want {
			t.Fatalf("unescape(escape(%q)) = %q, want %q", s, got, want)
		}
		folded := FoldLine("DESCRIPTION:" + e)
		for _, l := range strings.SplitAfter(folded, "\r\n") {
			if l == "" {
				continue
			}
			if len(l)-2 > 75 || !strings.HasSuffix(l, "\r\n") || !utf8.ValidString(l) {
				t.Fatalf("folded line %q", l)
			}
		}
		if u := UnfoldLines(folded); len(u) != 1 || u[0] != "DESCRIPTION:"+e {
			t.Fatalf("unfolded %q, want one line %q", u, "DESCRIPTION:"+e)
		}
	})
}

// FuzzParseAnswer: a questionnaire answer as typed in a form is refused
// with an error on answers.<key>, or stored in a form that is trimmed,
// fits the control's type and parses to itself (so a saved answer reads
// back unchanged); Passes never panics on it. The controls are those
// Control.Validate accepts.
func FuzzParseAnswer(f *testing.F) {
	f.Add(uint8(0), " YES ", "", "yes")
	f.Add(uint8(1), "72.50", "", "max:72")
	f.Add(uint8(1), "1e3", "", "min:1")
	f.Add(uint8(2), "iso 27001", "None|SOC 2 Type II|ISO 27001", "in:SOC 2 Type II|ISO 27001")
	f.Add(uint8(3), "  Encrypted at rest with AES-256  ", "", "given")
	f.Add(uint8(4), "2026-02-30", "", "within_months:12")
	f.Add(uint8(4), "2025-11-01", "", "within_months:12")
	types := []AnswerType{AnswerYesNo, AnswerNumber, AnswerChoice, AnswerText, AnswerDate}
	today := Date("2026-03-01")
	f.Fuzz(func(t *testing.T, typ uint8, raw, options, rule string) {
		c := Control{Key: "q1", Area: "Security", Question: "Is data encrypted at rest?", Weight: 1, Type: types[int(typ)%len(types)]}
		if c.Type == AnswerChoice {
			c.Options = strings.Split(options, "|")
		}
		if r, err := ParsePassRule(rule); err == nil {
			c.Rule = r
		}
		if c.Validate() != nil {
			c.Rule = PassRule{}
			if c.Validate() != nil {
				return // not a control a questionnaire can hold
			}
		}
		v, err := c.ParseAnswer(raw)
		if err != nil {
			if ErrorCode(err) != EInvalid || ErrorField(err) != "answers.q1" || ErrorMessage(err) == "" {
				t.Fatalf("not a clear refusal: %v", err)
			}
			return
		}
		if v == "" && (c.Type != AnswerText || strings.TrimSpace(raw) != "") {
			t.Fatalf("%s %q stored as empty", c.Type, raw)
		}
		if strings.TrimSpace(v) != v || !utf8.ValidString(v) {
			t.Fatalf("%s %q stored as %q", c.Type, raw, v)
		}
		switch c.Type {
		case AnswerYesNo:
			if v != "yes" && v != "no" {
				t.Fatalf("yes/no stored as %q", v)
			}
		case AnswerNumber:
			n, err := strconv.ParseFloat(v, 64)
			if err != nil || n < 0 || n > 1e12 || math.IsNaN(n) {
				t.Fatalf("number %q stored as %q", raw, v)
			}
		case AnswerChoice:
			if !slices.Contains(c.Options, v) {
				t.Fatalf("choice %q stored as %q, not an option of %q", raw, v, c.Options)
			}
		case AnswerDate:
			if _, err := time.Parse(time.DateOnly, v); err != nil {
				t.Fatalf("date %q stored as %q", raw, v)
			}
		}
		again, err := c.ParseAnswer(v)
		if err != nil || again != v {
			t.Fatalf("stored %q parses to %q, %v", v, again, err)
		}
		_ = c.Passes(v, today)
	})
}

// FuzzParsePassRule: a stored pass rule is refused with an error on
// pass_rule, or decodes to a rule whose encoding decodes to the same rule.
func FuzzParsePassRule(f *testing.F) {
	for _, s := range []string{"", "yes", "no", "given", "max:72", "min:0.5", "within_months:12", "in:SOC 2 Type II|ISO 27001", " in: A | | B ", "max:", "in:", "maybe", "max:1e400", "max:NaN"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParsePassRule(s)
		if err != nil {
			if ErrorCode(err) != EInvalid || ErrorField(err) != "pass_rule" || ErrorMessage(err) == "" {
				t.Fatalf("not a clear refusal: %v", err)
			}
			return
		}
		if math.IsNaN(r.Arg) || math.IsInf(r.Arg, 0) {
			t.Fatalf("rule %q has argument %v", s, r.Arg)
		}
		again, err := ParsePassRule(r.String())
		if err != nil || !reflect.DeepEqual(again, r) {
			t.Fatalf("%q → %+v → %q → %+v, %v", s, r, r.String(), again, err)
		}
		_ = r.Describe()
	})
}

// TestChoiceAnswerNotUTF8 is what FuzzParseAnswer found: strings.EqualFold
// reads every invalid byte as U+FFFD, so the answer "\xad" was stored as
// the option "\xe2". Options must be UTF-8, and so must a choice answer.
func TestChoiceAnswerNotUTF8(t *testing.T) {
	c := Control{Key: "q1", Area: "Security", Question: "Which?", Weight: 1, Type: AnswerChoice, Options: []string{"\xe2", "B"}}
	if err := c.Validate(); ErrorField(err) != "options" {
		t.Errorf("an option that is not UTF-8: %v", err)
	}
	for _, raw := range []string{"\xad", "\uFFFD"} {
		if v, err := c.ParseAnswer(raw); err == nil && v != raw {
			t.Errorf("ParseAnswer(%q) = %q", raw, v)
		}
	}
	if v, err := (Control{Key: "q1", Type: AnswerChoice, Options: []string{"SOC 2", "None"}}).ParseAnswer(" soc 2 "); err != nil || v != "SOC 2" {
		t.Errorf("a UTF-8 answer = %q, %v", v, err)
	}
}
