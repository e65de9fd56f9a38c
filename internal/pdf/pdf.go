// Package pdf writes small, plain PDF 1.7 documents — letters, records and
// invoices — without any external module.
//
// The writer knows two of the standard 14 fonts, Helvetica and
// Helvetica-Bold, which every PDF reader carries, so nothing is embedded.
// Text is encoded as WinAnsiEncoding (Windows-1252); a character outside it
// is written as '?'. Lines are wrapped to the available width using the
// Adobe AFM advance widths of those fonts (widths.go), pages break
// automatically, and every page carries the document title and "Page n of m"
// in its footer.
//
// Usage:
//
//	d := pdf.New(pdf.A4, "Compliance record — M-2026-0001")
//	d.SetCreationDate(clock.Now())           // optional; no date when unset
//	d.Heading("Compliance record")
//	d.Paragraph("Prepared for the client.")
//	d.Styled("Not recorded", pdf.Style{Bold: true, Color: pdf.Red})
//	d.Table([]string{"Vendor", "Decision"}, []float64{2, 1}, [][]pdf.Cell{
//		{pdf.Text("Lexora"), pdf.Text("Approved")},
//		{pdf.Text("Meridian"), pdf.Cell{Text: "Not recorded", Color: pdf.Red}},
//	})
//	b, err := d.Bytes()
//
// Table widths are relative weights, shared out over the text width.
// Output is deterministic: the same calls and creation date give the same
// bytes (there is no random file identifier), so documents can be compared
// and cached. Content streams are left uncompressed.
package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf16"
)

// PageSize is a page's width and height in points (1/72 inch).
type PageSize struct{ W, H float64 }

// Page sizes.
var (
	A4     = PageSize{W: 595.28, H: 841.89}
	Letter = PageSize{W: 612, H: 792}
)

// Color is an RGB colour, each component in [0,1].
type Color struct{ R, G, B float64 }

// Colours used by Probity documents.
var (
	Black = Color{}
	Red   = Color{R: 0.75, G: 0.05, B: 0.05}
	Grey  = Color{R: 0.4, G: 0.4, B: 0.4}
	Green = Color{R: 0.05, G: 0.45, B: 0.15}
)

// Style is how a run of text is set.
type Style struct {
	Bold  bool
	Size  float64 // points; 0 means the body size (10pt)
	Color Color
}

// Cell is one table cell.
type Cell struct {
	Text  string
	Bold  bool
	Color Color
}

// Text returns a plain cell.
func Text(s string) Cell { return Cell{Text: s} }

// Layout constants, in points.
const (
	margin     = 56.0
	footerGap  = 28.0
	bodySize   = 10.0
	leading    = 1.3
	cellPadX   = 4.0
	cellPadY   = 3.0
	footerSize = 8.0
)

// Document is a PDF being built. Its methods lay content out top to bottom.
type Document struct {
	size    PageSize
	title   string
	created time.Time
	pages   []*bytes.Buffer
	y       float64 // baseline cursor on the current page, from the bottom
	err     error
}

// New starts a document with one empty page.
func New(size PageSize, title string) *Document {
	d := &Document{size: size, title: title}
	d.newPage()
	return d
}

// SetCreationDate sets the document's CreationDate (from the caller's clock).
func (d *Document) SetCreationDate(t time.Time) { d.created = t }

// PageCount is the number of pages laid out so far.
func (d *Document) PageCount() int { return len(d.pages) }

func (d *Document) textWidth() float64 { return d.size.W - 2*margin }
func (d *Document) bottom() float64    { return margin + footerGap }

func (d *Document) newPage() {
	d.pages = append(d.pages, &bytes.Buffer{})
	d.y = d.size.H - margin
}

// ensure starts a new page unless h points fit above the bottom margin.
func (d *Document) ensure(h float64) {
	if d.y-h < d.bottom() && d.y < d.size.H-margin {
		d.newPage()
	}
}

// Space adds vertical space of h points.
func (d *Document) Space(h float64) {
	d.y -= h
	if d.y < d.bottom() {
		d.newPage()
	}
}

// Heading sets a bold 16pt heading.
func (d *Document) Heading(text string) {
	d.block(text, Style{Bold: true, Size: 16}, 8, 4)
}

// Subheading sets a bold 12pt heading.
func (d *Document) Subheading(text string) {
	d.block(text, Style{Bold: true, Size: 12}, 6, 2)
}

// Paragraph sets wrapped body text. Newlines in text start new lines.
func (d *Document) Paragraph(text string) { d.block(text, Style{}, 0, 6) }

// Styled sets wrapped text in the given style.
func (d *Document) Styled(text string, st Style) { d.block(text, st, 0, 6) }

func (d *Document) block(text string, st Style, before, after float64) {
	size := st.Size
	if size == 0 {
		size = bodySize
	}
	lh := size * leading
	lines := wrap(toWinAnsi(text), st.Bold, size, d.textWidth())
	if d.y < d.size.H-margin {
		d.y -= before
	}
	// Keep a heading with at least one following line.
	if before > 0 {
		d.ensure(lh + bodySize*leading*2)
	}
	for _, ln := range lines {
		d.ensure(lh)
		d.y -= lh
		d.text(margin, d.y+size*0.25, ln, st.Bold, size, st.Color)
	}
	d.y -= after
}

// Table sets a table: a bold header row, then rows whose cells wrap within
// their columns. widths are relative weights, one per header. A row split by
// a page break continues on the next page under a repeated header.
func (d *Document) Table(headers []string, widths []float64, rows [][]Cell) {
	if len(widths) != len(headers) {
		d.setErr(fmt.Errorf("pdf: table has %d headers but %d widths", len(headers), len(widths)))
		return
	}
	var total float64
	for _, w := range widths {
		if w <= 0 {
			d.setErr(errors.New("pdf: table widths must be positive"))
			return
		}
		total += w
	}
	cols := make([]float64, len(widths))
	for i, w := range widths {
		cols[i] = d.textWidth() * w / total
	}
	for i, r := range rows {
		if len(r) != len(headers) {
			d.setErr(fmt.Errorf("pdf: table row %d has %d cells, want %d", i, len(r), len(headers)))
			return
		}
	}
	lh := bodySize * leading
	hdr := make([]Cell, len(headers))
	for i, h := range headers {
		hdr[i] = Cell{Text: h, Bold: true}
	}
	wrapRow := func(r []Cell) ([][][]byte, int) {
		out := make([][][]byte, len(r))
		n := 0
		for i, c := range r {
			out[i] = wrap(toWinAnsi(c.Text), c.Bold, bodySize, cols[i]-2*cellPadX)
			n = max(n, len(out[i]))
		}
		return out, n
	}
	hdrLines, hdrN := wrapRow(hdr)
	drawLines := func(r []Cell, lines [][][]byte, from, to int) {
		x := margin
		for i := range r {
			for j := from; j < to && j < len(lines[i]); j++ {
				y := d.y - float64(j-from+1)*lh + bodySize*0.25
				d.text(x+cellPadX, y, lines[i][j], r[i].Bold, bodySize, r[i].Color)
			}
			x += cols[i]
		}
		d.y -= float64(to-from) * lh
	}
	drawHeader := func() {
		d.y -= cellPadY
		drawLines(hdr, hdrLines, 0, hdrN)
		d.y -= cellPadY
		d.rule(d.y, 0.8)
	}
	d.ensure(float64(hdrN+1)*lh + 4*cellPadY)
	drawHeader()
	for _, r := range rows {
		lines, n := wrapRow(r)
		n = max(n, 1)
		capacity := func() int { return int((d.y - cellPadY - d.bottom()) / lh) }
		if capacity() < n {
			// Start the row on a fresh page when it would fit there whole.
			fresh := int((d.size.H - margin - d.bottom() - float64(hdrN)*lh - 4*cellPadY) / lh)
			if n <= fresh || capacity() < 1 {
				d.newPage()
				drawHeader()
			}
		}
		d.y -= cellPadY
		for from := 0; from < n; {
			fit := int((d.y - d.bottom()) / lh)
			if fit < 1 {
				d.newPage()
				drawHeader()
				continue
			}
			to := min(n, from+fit)
			drawLines(r, lines, from, to)
			from = to
		}
		d.y -= cellPadY
		d.rule(d.y, 0.3)
	}
	d.y -= 6
}

func (d *Document) setErr(err error) {
	if d.err == nil {
		d.err = err
	}
}

func (d *Document) page() *bytes.Buffer { return d.pages[len(d.pages)-1] }

func (d *Document) rule(y, width float64) {
	fmt.Fprintf(d.page(), "%s w 0.6 0.6 0.6 RG %s %s m %s %s l S\n",
		num(width), num(margin), num(y), num(d.size.W-margin), num(y))
}

func (d *Document) text(x, y float64, s []byte, bold bool, size float64, c Color) {
	if len(s) == 0 {
		return
	}
	writeText(d.page(), x, y, s, bold, size, c)
}

func writeText(b *bytes.Buffer, x, y float64, s []byte, bold bool, size float64, c Color) {
	font := "F1"
	if bold {
		font = "F2"
	}
	fmt.Fprintf(b, "BT %s %s %s rg /%s %s Tf %s %s Td <%X> Tj ET\n",
		num(c.R), num(c.G), num(c.B), font, num(size), num(x), num(y), s)
}

// num formats a number compactly with at most two decimals.
func num(f float64) string {
	s := fmt.Sprintf("%.2f", f)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" || s == "" {
		s = "0"
	}
	return s
}

// Width returns the width in points of s set in Helvetica (or
// Helvetica-Bold) at size points, after WinAnsi encoding.
func Width(s string, bold bool, size float64) float64 {
	return width(toWinAnsi(s), bold, size)
}

func width(b []byte, bold bool, size float64) float64 {
	tbl := &helveticaWidths
	if bold {
		tbl = &helveticaBoldWidths
	}
	var w int
	for _, c := range b {
		w += int(tbl[c])
	}
	return float64(w) * size / 1000
}

// wrap splits WinAnsi text into lines no wider than max points. Newlines
// force breaks; a word wider than a line is broken between characters.
func wrap(b []byte, bold bool, size, maxW float64) [][]byte {
	var lines [][]byte
	for _, para := range bytes.Split(b, []byte{'\n'}) {
		words := bytes.Fields(para)
		if len(words) == 0 {
			lines = append(lines, nil)
			continue
		}
		var cur []byte
		for _, w := range words {
			cand := w
			if len(cur) > 0 {
				cand = append(append(append([]byte{}, cur...), ' '), w...)
			}
			if width(cand, bold, size) <= maxW {
				cur = cand
				continue
			}
			if len(cur) > 0 {
				lines = append(lines, cur)
				cur = nil
			}
			for width(w, bold, size) > maxW && len(w) > 1 {
				n := 1
				for n < len(w) && width(w[:n+1], bold, size) <= maxW {
					n++
				}
				lines = append(lines, w[:n])
				w = w[n:]
			}
			cur = append([]byte{}, w...)
		}
		lines = append(lines, cur)
	}
	return lines
}

// winAnsiHigh maps the Unicode characters of WinAnsiEncoding's 0x80–0x9F row.
var winAnsiHigh = map[rune]byte{
	'€': 0x80, '‚': 0x82, 'ƒ': 0x83, '„': 0x84, '…': 0x85, '†': 0x86, '‡': 0x87,
	'ˆ': 0x88, '‰': 0x89, 'Š': 0x8A, '‹': 0x8B, 'Œ': 0x8C, 'Ž': 0x8E,
	'‘': 0x91, '’': 0x92, '“': 0x93, '”': 0x94, '•': 0x95, '–': 0x96, '—': 0x97,
	'˜': 0x98, '™': 0x99, 'š': 0x9A, '›': 0x9B, 'œ': 0x9C, 'ž': 0x9E, 'Ÿ': 0x9F,
}

// toWinAnsi encodes s as WinAnsiEncoding. Tabs become spaces, newlines are
// kept, other control characters are dropped, and characters outside the
// encoding become '?'.
func toWinAnsi(s string) []byte {
	out := make([]byte, 0, len(s))
	for _, r := range s {
		switch {
		case r == '\n':
			out = append(out, '\n')
		case r == '\t':
			out = append(out, ' ')
		case r < 0x20 || r == 0x7F || (r >= 0x80 && r < 0xA0):
			// control characters carry nothing printable
		case r < 0x7F:
			out = append(out, byte(r))
		case r <= 0xFF:
			out = append(out, byte(r))
		default:
			if c, ok := winAnsiHigh[r]; ok {
				out = append(out, c)
			} else {
				out = append(out, '?')
			}
		}
	}
	return out
}

// Bytes writes the finished document.
func (d *Document) Bytes() ([]byte, error) {
	if d.err != nil {
		return nil, d.err
	}
	// Footers: title on the left, "Page n of m" on the right.
	n := len(d.pages)
	title := toWinAnsi(strings.ReplaceAll(d.title, "\n", " "))
	for i, p := range d.pages {
		y := margin - footerSize
		tl := wrap(title, false, footerSize, d.textWidth()*0.7)
		if len(tl) > 0 && len(tl[0]) > 0 {
			writeText(p, margin, y, tl[0], false, footerSize, Grey)
		}
		pg := toWinAnsi(fmt.Sprintf("Page %d of %d", i+1, n))
		writeText(p, d.size.W-margin-width(pg, false, footerSize), y, pg, false, footerSize, Grey)
	}

	var out bytes.Buffer
	var offsets []int
	obj := func(body string) {
		offsets = append(offsets, out.Len())
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", len(offsets), body)
	}
	out.WriteString("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n")
	// 1 catalog, 2 pages, 3–4 fonts, 5 info, then a page and its content per page.
	const firstPage = 6
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	kids := make([]string, n)
	for i := range d.pages {
		kids[i] = fmt.Sprintf("%d 0 R", firstPage+2*i)
	}
	obj(fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), n))
	obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
	info := fmt.Sprintf("<< /Title %s /Producer (Probity)", textString(d.title))
	if !d.created.IsZero() {
		info += " /CreationDate (D:" + d.created.UTC().Format("20060102150405") + "Z)"
	}
	obj(info + " >>")
	for i, p := range d.pages {
		obj(fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %s %s] "+
			"/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents %d 0 R >>",
			num(d.size.W), num(d.size.H), firstPage+2*i+1))
		obj(fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", p.Len(), p.Bytes()))
	}
	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, off := range offsets {
		fmt.Fprintf(&out, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&out, "trailer\n<< /Size %d /Root 1 0 R /Info 5 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offsets)+1, xref)
	return out.Bytes(), nil
}

// textString encodes s as a PDF text string: UTF-16BE with a byte-order mark.
func textString(s string) string {
	var b strings.Builder
	b.WriteString("<FEFF")
	for _, u := range utf16.Encode([]rune(s)) {
		fmt.Fprintf(&b, "%04X", u)
	}
	b.WriteString(">")
	return b.String()
}
