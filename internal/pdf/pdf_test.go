package pdf

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/testenv"
)

var created = time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)

func sample(t *testing.T) []byte {
	t.Helper()
	d := New(A4, "Compliance record M-2026-0001")
	d.SetCreationDate(created)
	d.Heading("Compliance record")
	d.Paragraph("Matter M-2026-0001 for Calloway Holdings — prepared for the client.")
	d.Styled("Billing treatment: Not recorded", Style{Bold: true, Color: Red})
	d.Table([]string{"Vendor", "Decision", "Notes"}, []float64{2, 1, 3}, [][]Cell{
		{Text("Lexora Legal Process"), Text("Approved"), Text("Score 82, expires 2027-01-31")},
		{Text("Meridian Review"), {Text: "Not recorded", Color: Red}, Text("Two conflict hits, one cleared")},
	})
	b, err := d.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestStructure checks the header, that every xref entry points at the
// object it names, that startxref points at the xref table, and the trailer.
func TestStructure(t *testing.T) {
	b := sample(t)
	if !bytes.HasPrefix(b, []byte("%PDF-1.7\n")) {
		t.Fatalf("header: %q", b[:12])
	}
	if !bytes.HasSuffix(b, []byte("%%EOF\n")) {
		t.Fatal("no EOF marker at the end")
	}
	m := regexp.MustCompile(`startxref\n(\d+)\n%%EOF\n$`).FindSubmatch(b)
	if m == nil {
		t.Fatal("no startxref")
	}
	xref, _ := strconv.Atoi(string(m[1]))
	if !bytes.HasPrefix(b[xref:], []byte("xref\n0 ")) {
		t.Fatalf("startxref %d does not point at the xref table: %q", xref, b[xref:xref+10])
	}
	var size int
	rest := b[xref+len("xref\n"):]
	if _, err := fmt.Sscanf(string(rest), "0 %d\n", &size); err != nil {
		t.Fatal(err)
	}
	entries := rest[bytes.IndexByte(rest, '\n')+1:]
	if !bytes.HasPrefix(entries, []byte("0000000000 65535 f \n")) {
		t.Fatalf("first xref entry: %q", entries[:20])
	}
	for i := 1; i < size; i++ {
		e := string(entries[20*i : 20*i+20])
		if !strings.HasSuffix(e, " 00000 n \n") {
			t.Fatalf("entry %d is not 20 bytes in form: %q", i, e)
		}
		off, _ := strconv.Atoi(e[:10])
		want := fmt.Sprintf("%d 0 obj\n", i)
		if !bytes.HasPrefix(b[off:], []byte(want)) {
			t.Fatalf("xref entry %d (offset %d) points at %q", i, off, b[off:off+12])
		}
	}
	trailer := string(entries[20*size:])
	if !strings.Contains(trailer, fmt.Sprintf("/Size %d /Root 1 0 R /Info 5 0 R", size)) {
		t.Fatalf("trailer: %s", trailer)
	}
	for _, want := range []string{"/Producer (Probity)", "/CreationDate (D:20260314092653Z)",
		"/BaseFont /Helvetica ", "/BaseFont /Helvetica-Bold ", "/Encoding /WinAnsiEncoding"} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("missing %q", want)
		}
	}
	// Stream lengths match.
	for _, sm := range regexp.MustCompile(`(?s)<< /Length (\d+) >>\nstream\n`).FindAllSubmatchIndex(b, -1) {
		n, _ := strconv.Atoi(string(b[sm[2]:sm[3]]))
		if !bytes.HasPrefix(b[sm[1]+n:], []byte("endstream")) {
			t.Fatalf("stream at %d: /Length %d does not end at endstream", sm[0], n)
		}
	}
}

func TestDeterministic(t *testing.T) {
	if !bytes.Equal(sample(t), sample(t)) {
		t.Fatal("the same document gave different bytes")
	}
	d := New(A4, "x")
	b, _ := d.Bytes()
	if bytes.Contains(b, []byte("/CreationDate")) {
		t.Fatal("CreationDate written without a clock")
	}
}

func TestWinAnsi(t *testing.T) {
	cases := map[string]string{
		"Plain ASCII ~":       "Plain ASCII ~",
		"café £5 ×":           "caf\xe9 \xa35 \xd7",
		"“quoted” – € • …":    "\x93quoted\x94 \x96 \x80 \x95 \x85",
		"日本 Ω":                "?? ?",
		"tab\there\x01":       "tab here",
		"line\nbreak":         "line\nbreak",
		"emoji 😀 Š ž Ÿ ™ ‰ †": "emoji ? \x8a \x9e \x9f \x99 \x89 \x86",
	}
	for in, want := range cases {
		if got := string(toWinAnsi(in)); got != want {
			t.Errorf("toWinAnsi(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWidths(t *testing.T) {
	// AFM values: Helvetica "A" 667, space 278; Helvetica-Bold "A" 722, "i" 278.
	if w := Width("A A", false, 1000); w != 667+278+667 {
		t.Errorf("Helvetica width = %v", w)
	}
	if w := Width("Ai", true, 10); w != (722+278)*10.0/1000 {
		t.Errorf("Helvetica-Bold width = %v", w)
	}
	if Width("WWW", false, 10) <= Width("iii", false, 10) {
		t.Error("widths are not proportional")
	}
}

func TestWrap(t *testing.T) {
	text := "the quick brown fox jumps over the lazy dog again and again"
	maxW := 100.0
	lines := wrap(toWinAnsi(text), false, 10, maxW)
	if len(lines) < 2 {
		t.Fatalf("expected several lines, got %q", lines)
	}
	var words []string
	for i, ln := range lines {
		if w := width(ln, false, 10); w > maxW {
			t.Errorf("line %d %q is %v wide, over %v", i, ln, w, maxW)
		}
		// Greedy: the next word would not have fitted.
		if i+1 < len(lines) {
			next := strings.Fields(string(lines[i+1]))[0]
			if width([]byte(string(ln)+" "+next), false, 10) <= maxW {
				t.Errorf("line %d %q could have taken %q", i, ln, next)
			}
		}
		words = append(words, strings.Fields(string(ln))...)
	}
	if strings.Join(words, " ") != text {
		t.Errorf("words lost or reordered: %q", words)
	}
	// A word longer than the line is broken, losing nothing.
	long := strings.Repeat("W", 40)
	parts := wrap([]byte(long), true, 10, 50)
	if len(parts) < 2 || string(bytes.Join(parts, nil)) != long {
		t.Errorf("long word: %q", parts)
	}
	// Newlines force breaks.
	if got := wrap([]byte("a\nb"), false, 10, 500); len(got) != 2 {
		t.Errorf("newline: %q", got)
	}
}

func TestPageBreaks(t *testing.T) {
	d := New(A4, "Long")
	if d.PageCount() != 1 {
		t.Fatal("a new document has one page")
	}
	for i := range 200 {
		d.Paragraph(fmt.Sprintf("Paragraph number %d.", i))
	}
	rows := make([][]Cell, 120)
	for i := range rows {
		rows[i] = []Cell{Text(fmt.Sprintf("row-%03d", i)), Text(strings.Repeat("wrapping text ", 8))}
	}
	d.Table([]string{"Key", "Value"}, []float64{1, 3}, rows)
	pages := d.PageCount()
	if pages < 5 {
		t.Fatalf("200 paragraphs and 120 wrapped rows fit on %d pages", pages)
	}
	b, err := d.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	if c := bytes.Count(b, []byte("/Type /Page ")); c != pages {
		t.Fatalf("%d page objects for %d pages", c, pages)
	}
	// Nothing is drawn below the bottom margin except the footer.
	for _, m := range regexp.MustCompile(` ([\d.]+) Td <`).FindAllSubmatch(b, -1) {
		if y, _ := strconv.ParseFloat(string(m[1]), 64); y < margin-footerSize-0.01 {
			t.Fatalf("text at y=%v, below the footer", y)
		}
	}
	text := testenv.PdfToText(t, b)
	if !strings.Contains(text, fmt.Sprintf("Page %d of %d", pages, pages)) {
		t.Errorf("no last-page footer in:\n%s", text)
	}
	for _, want := range []string{"Paragraph number 0.", "Paragraph number 199.", "row-000", "row-119"} {
		if !strings.Contains(text, want) {
			t.Errorf("%q missing from the text", want)
		}
	}
	// The table header repeats on continuation pages.
	if c := strings.Count(text, "Key"); c < 2 {
		t.Errorf("table header appears %d times", c)
	}
}

func TestTableErrors(t *testing.T) {
	d := New(A4, "x")
	d.Table([]string{"a", "b"}, []float64{1}, nil)
	if _, err := d.Bytes(); err == nil {
		t.Fatal("mismatched widths accepted")
	}
	d = New(A4, "x")
	d.Table([]string{"a"}, []float64{1}, [][]Cell{{Text("1"), Text("2")}})
	if _, err := d.Bytes(); err == nil {
		t.Fatal("row with too many cells accepted")
	}
}

func TestReadBack(t *testing.T) {
	text := testenv.PdfToText(t, sample(t))
	for _, want := range []string{"Compliance record", "M-2026-0001", "Calloway Holdings — prepared",
		"Lexora Legal Process", "Approved", "Not recorded", "Page 1 of 1"} {
		if !strings.Contains(text, want) {
			t.Errorf("%q missing from:\n%s", want, text)
		}
	}
}
