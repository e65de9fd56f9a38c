package domain

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"
)

// The CSV file of a batch of items to audit (the population).

// MaxPopulationLine is the longest line of a population CSV file, in bytes.
const MaxPopulationLine = 64 << 10

// maxItemField is the longest item id, decision or person, in characters.
const maxItemField = 200

// ParsePopulationCSV reads a batch of items to audit from a CSV file: a
// header row naming the columns (case-insensitive): item_id or id (required),
// decision or output, person or reviewer; every other column goes into the
// item's Metadata as a JSON object with sorted keys ("" when there are no
// other columns). Positions are 1..n in file order; blank lines are
// skipped. The file is refused whole, with a message naming the line, when
// it has no rows, no id column, an empty, over-long or repeated id ("line
// 7: item id DOC-0003 already on line 4"), more rows than limit (limit < 1:
// no limit), a line longer than MaxPopulationLine bytes, text that is not
// UTF-8 (a UTF-8 byte-order mark is accepted), or malformed CSV. It reads
// the file as a stream, one row at a time.
func ParsePopulationCSV(r io.Reader, limit int64) ([]PopulationItem, error) {
	guard := &lineGuard{r: bufio.NewReaderSize(r, 64<<10), line: 1}
	cr := csv.NewReader(guard)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	fail := func(err error) error {
		var long *lineTooLong
		if errors.As(err, &long) {
			return Invalid("file", "line %d is longer than %d KiB: is this a CSV file?", long.line, MaxPopulationLine>>10)
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return Invalid("file", "line %d is not valid CSV: %s", pe.StartLine, csvReason(err))
		}
		return fmt.Errorf("read the population file: %w", err)
	}
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, Invalid("file", "the file is empty: the first line must name the columns (item_id, decision, person, …)")
	}
	if err != nil {
		return nil, fail(err)
	}
	cols, err := populationColumns(header)
	if err != nil {
		return nil, err
	}
	var items []PopulationItem
	firstLine := map[string]int{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fail(err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(header) {
			return nil, Invalid("file", "line %d has %d fields; the header has %d", line, len(rec), len(header))
		}
		for _, f := range rec {
			if !utf8.ValidString(f) {
				return nil, Invalid("file", "line %d is not valid UTF-8 text: save the file as UTF-8", line)
			}
		}
		if limit > 0 && int64(len(items)) >= limit {
			return nil, Invalid("file", "the file has more than %d items: split it", limit)
		}
		it := PopulationItem{Position: int64(len(items)) + 1, Key: strings.TrimSpace(rec[cols.id])}
		switch {
		case it.Key == "":
			return nil, Invalid("file", "line %d: the item id is empty", line)
		case utf8.RuneCountInString(it.Key) > maxItemField:
			return nil, Invalid("file", "line %d: the item id is longer than %d characters", line, maxItemField)
		}
		if first, dup := firstLine[it.Key]; dup {
			return nil, Invalid("file", "line %d: item id %s already on line %d", line, it.Key, first)
		}
		firstLine[it.Key] = line
		if cols.decision >= 0 {
			it.Decision = strings.TrimSpace(rec[cols.decision])
		}
		if cols.person >= 0 {
			it.Person = strings.TrimSpace(rec[cols.person])
		}
		if utf8.RuneCountInString(it.Decision) > maxItemField || utf8.RuneCountInString(it.Person) > maxItemField {
			return nil, Invalid("file", "line %d: the decision and the person must be at most %d characters", line, maxItemField)
		}
		if len(cols.extra) > 0 {
			it.Metadata = cols.metadata(rec)
		}
		items = append(items, it)
	}
	if len(items) == 0 {
		return nil, Invalid("file", "the file has a header but no items")
	}
	return items, nil
}

// populationCols are the indexes of a population file's columns (-1: absent).
type populationCols struct {
	id, decision, person int
	extra                []int    // other columns, sorted by name
	keys                 []string // their names, JSON-encoded
}

func populationColumns(header []string) (populationCols, error) {
	c := populationCols{id: -1, decision: -1, person: -1}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	seen := map[string]int{}
	var names []string
	for i, h := range header {
		if !utf8.ValidString(h) {
			return c, Invalid("file", "line 1 is not valid UTF-8 text: save the file as UTF-8")
		}
		h = strings.TrimSpace(h)
		low := strings.ToLower(h)
		if h == "" {
			return c, Invalid("file", "line 1: column %d has no name", i+1)
		}
		if _, dup := seen[low]; dup {
			return c, Invalid("file", "line 1: the column %q is named twice", h)
		}
		seen[low] = i
		names = append(names, h)
	}
	pick := func(field string, alts ...string) (int, error) {
		at := -1
		for _, a := range alts {
			if i, ok := seen[a]; ok {
				if at >= 0 {
					return 0, Invalid("file", "line 1: the columns %s both give the %s: keep one", strings.Join(alts, " and "), field)
				}
				at = i
			}
		}
		return at, nil
	}
	var err error
	if c.id, err = pick("item id", "item_id", "id"); err != nil {
		return c, err
	}
	if c.id < 0 {
		return c, Invalid("file", "line 1: an item_id (or id) column is required; the columns are %s", strings.Join(names, ", "))
	}
	if c.decision, err = pick("decision", "decision", "output"); err != nil {
		return c, err
	}
	if c.person, err = pick("person", "person", "reviewer"); err != nil {
		return c, err
	}
	for i := range header {
		if i != c.id && i != c.decision && i != c.person {
			c.extra = append(c.extra, i)
		}
	}
	slices.SortFunc(c.extra, func(a, b int) int { return strings.Compare(names[a], names[b]) })
	for _, i := range c.extra {
		k, _ := json.Marshal(names[i])
		c.keys = append(c.keys, string(k))
	}
	return c, nil
}

// metadata renders the other columns of a row as a JSON object.
func (c populationCols) metadata(rec []string) string {
	var b strings.Builder
	b.WriteByte('{')
	for j, i := range c.extra {
		if j > 0 {
			b.WriteByte(',')
		}
		v, _ := json.Marshal(strings.TrimSpace(rec[i]))
		b.WriteString(c.keys[j])
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.String()
}

// lineGuard passes a reader through, failing at the first line longer than
// MaxPopulationLine bytes.
type lineGuard struct {
	r    io.Reader
	line int // current line, 1-based
	run  int // bytes of the current line so far
	err  error
}

type lineTooLong struct{ line int }

func (e *lineTooLong) Error() string { return fmt.Sprintf("line %d is too long", e.line) }

func (g *lineGuard) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	n, err := g.r.Read(p)
	for i, b := range p[:n] {
		if b == '\n' {
			g.line++
			g.run = 0
			continue
		}
		if b != '\r' {
			g.run++
		}
		if g.run > MaxPopulationLine {
			g.err = &lineTooLong{line: g.line}
			return i, g.err
		}
	}
	return n, err
}
