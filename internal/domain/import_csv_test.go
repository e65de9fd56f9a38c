package domain

import (
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
