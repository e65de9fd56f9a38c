package domain

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
)

func TestPopulationCSV(t *testing.T) {
	file := "\xef\xbb\xbfItem_ID,Output,Reviewer,custodian,Pages\r\n" +
		"DOC-0001,Responsive,Priya,\"Smith, J\",3\r\n" +
		"\r\n" +
		"DOC-0002,not_responsive,Arjun,\"two\nlines\",<5>\r\n" +
		" DOC-0003 , ,,,\r\n"
	items, err := ParsePopulationCSV(strings.NewReader(file), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 3 {
		t.Fatalf("items %+v", items)
	}
	want := []PopulationItem{
		{Position: 1, Key: "DOC-0001", Decision: "Responsive", Person: "Priya", Metadata: `{"Pages":"3","custodian":"Smith, J"}`},
		{Position: 2, Key: "DOC-0002", Decision: "not_responsive", Person: "Arjun", Metadata: `{"Pages":"\u003c5\u003e","custodian":"two\nlines"}`},
		{Position: 3, Key: "DOC-0003", Metadata: `{"Pages":"","custodian":""}`},
	}
	for i := range want {
		if items[i] != want[i] {
			t.Errorf("item %d: %+v, want %+v", i, items[i], want[i])
		}
	}
	// Only the id: no metadata.
	items, err = ParsePopulationCSV(strings.NewReader("id\nA\nB\n"), 2)
	if err != nil || len(items) != 2 || items[1] != (PopulationItem{Position: 2, Key: "B"}) {
		t.Errorf("ids only: %+v %v", items, err)
	}
}

func TestPopulationCSVRefusals(t *testing.T) {
	long := "id\nA\n" + strings.Repeat("x", MaxPopulationLine+1) + "\n"
	for _, c := range []struct {
		name, file string
		limit      int64
		msg        string
	}{
		{"empty", "", 0, "the file is empty"},
		{"header only", "item_id,decision\n", 0, "the file has a header but no items"},
		{"no id column", "decision,person\nyes,Ann\n", 0, "line 1: an item_id (or id) column is required"},
		{"both id columns", "id,item_id\n1,2\n", 0, "line 1: the columns item_id and id both give the item id"},
		{"repeated column", "id,Person,person\n1,a,b\n", 0, `line 1: the column "person" is named twice`},
		{"unnamed column", "id,,x\n1,2,3\n", 0, "line 1: column 2 has no name"},
		{"empty id", "id,decision\nA,yes\n ,no\n", 0, "line 3: the item id is empty"},
		{"duplicate id", "item_id\nDOC-0001\nDOC-0002\nDOC-0003\nDOC-0004\nDOC-0005\nDOC-0003\n", 0, "line 7: item id DOC-0003 already on line 4"},
		{"too many", "id\n1\n2\n3\n", 2, "the file has more than 2 items"},
		{"line too long", long, 0, "line 3 is longer than 64 KiB"},
		{"not UTF-8", "id,decision\nA,ok\nB,caf\xe9\n", 0, "line 3 is not valid UTF-8"},
		{"header not UTF-8", "id,d\xe9cision\nA,ok\n", 0, "line 1 is not valid UTF-8"},
		{"field count", "id,decision\nA,yes,extra\n", 0, "line 2 has 3 fields; the header has 2"},
		{"bad quote", "id,decision\nA,\"yes\nB,no\n", 0, "is not valid CSV"},
	} {
		items, err := ParsePopulationCSV(strings.NewReader(c.file), c.limit)
		if items != nil || ErrorCode(err) != EInvalid || ErrorField(err) != "file" || !strings.Contains(ErrorMessage(err), c.msg) {
			t.Errorf("%s: %v items, %v; want %q", c.name, len(items), err, c.msg)
		}
	}
	// A line of exactly the limit is fine.
	ok := "id,note\nA," + strings.Repeat("x", MaxPopulationLine-2) + "\n"
	if _, err := ParsePopulationCSV(strings.NewReader(ok), 0); err != nil {
		t.Errorf("a line of %d bytes: %v", MaxPopulationLine, err)
	}
	// A failing reader is not the file's fault: not EInvalid.
	if _, err := ParsePopulationCSV(io.MultiReader(strings.NewReader("id\nA\n"), errReader{}), 0); err == nil || ErrorCode(err) == EInvalid {
		t.Errorf("reader error: %v", err)
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, fmt.Errorf("disk on fire") }

func BenchmarkPopulationCSV(b *testing.B) {
	var buf bytes.Buffer
	buf.WriteString("item_id,decision,person,custodian\n")
	for i := range 1_000_000 {
		fmt.Fprintf(&buf, "DOC-%07d,%s,person-%d,custodian-%d\n", i, []string{"responsive", "not_responsive"}[i%2], i%40, i%7)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		items, err := ParsePopulationCSV(bytes.NewReader(data), 10_000_000)
		if err != nil || len(items) != 1_000_000 {
			b.Fatal(len(items), err)
		}
	}
}
