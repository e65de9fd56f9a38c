package domain

import (
	"bytes"
	"strings"
	"testing"
)

func TestParseImportCSVLines(t *testing.T) {
	file := "\xef\xbb\xbfmatter_number,name,role,aliases\r\n" +
		"2026-0142,\"Harbor, Cranes\",adverse,HCI; HC\r\n" +
		"\r\n" +
		"2026-0142,\"two\nlines\",witness,\r\n" + // a quoted field over two lines: the row starts on line 4
		"2026-0142,Bad\xff,witness,\r\n" +
		"2026-0142,short\r\n"
	rows, problems := ParseImportCSV(ImportParties, []byte(file))
	if len(rows) != 2 || rows[0].Line != 2 || rows[0].Fields["name"] != "Harbor, Cranes" || rows[1].Line != 4 {
		t.Errorf("rows = %+v", rows)
	}
	if got := SplitList(rows[0].Fields["aliases"]); len(got) != 2 || got[1] != "HC" {
		t.Errorf("aliases = %q", got)
	}
	if len(problems) != 2 || problems[0].Line != 6 || !strings.Contains(problems[0].Message, "UTF-8") ||
		problems[1].Line != 7 || !strings.Contains(problems[1].Message, "2 fields") {
		t.Errorf("problems = %+v", problems)
	}
}

// FuzzParseImportCSV: any input is parsed without panic, and every row and
// problem names a line of the file.
func FuzzParseImportCSV(f *testing.F) {
	f.Add([]byte("number,client_number,title,responsible_attorney_email\n1,C,T,a@b\n"))
	f.Add([]byte("number,title\n\"unterminated\n"))
	f.Add([]byte("\xef\xbb\xbfmatter_number,name,role\nx,\"a\"\"b\",adverse\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, kind := range []ImportKind{ImportMatters, ImportParties} {
			rows, problems := ParseImportCSV(kind, data)
			lines := bytes.Count(data, []byte("\n")) + 1
			for _, r := range rows {
				if r.Line < 2 || r.Line > lines {
					t.Fatalf("row on line %d of %d", r.Line, lines)
				}
			}
			for _, p := range problems {
				if p.Line < 0 || p.Line > lines {
					t.Fatalf("problem on line %d of %d: %+v", p.Line, lines, p)
				}
			}
		}
	})
}
