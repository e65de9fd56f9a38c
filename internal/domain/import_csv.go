package domain

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf8"
)

// MaxImportBytes is the largest CSV file the matters and parties import reads.
const MaxImportBytes = 5 << 20

// ImportKind says what a CSV import holds.
type ImportKind string

// The kinds of CSV import: one file holds one kind.
const (
	ImportMatters ImportKind = "matters"
	ImportParties ImportKind = "parties"
)

// ImportColumns are the columns each kind of import recognises, in order.
var ImportColumns = map[ImportKind][]string{
	ImportMatters: {"number", "client_number", "title", "practice_area", "sensitivity", "responsible_attorney_email", "court", "governing_law", "performance"},
	ImportParties: {"matter_number", "name", "role", "aliases"},
}

// requiredColumns must be in the header of each kind.
var requiredColumns = map[ImportKind][]string{
	ImportMatters: {"number", "client_number", "title", "responsible_attorney_email"},
	ImportParties: {"matter_number", "name", "role"},
}

// CSVRecord is one data row of an import file: its first line in the file
// (1-based; the header is line 1) and its values by column name.
type CSVRecord struct {
	Line   int
	Fields map[string]string
}

// CSVProblem is what is wrong with one line of an import file (line 0: the
// whole file).
type CSVProblem struct {
	Line    int
	Column  string
	Message string
}

// ParseImportCSV reads an import file of the given kind. It is pure (no
// store, no clock) so it can be fuzzed: it returns the well-formed rows and
// every problem of form — not valid UTF-8 (a UTF-8 byte-order mark is
// accepted), malformed CSV (bad quoting, wrong field count), unknown or
// missing or repeated header columns, a file too large or empty — each with
// its line number. Rows with a problem are not returned. Checks needing the
// database (duplicates, unknown clients) are the caller's.
func ParseImportCSV(kind ImportKind, data []byte) ([]CSVRecord, []CSVProblem) {
	known, ok := ImportColumns[kind]
	if !ok {
		return nil, []CSVProblem{{Line: 0, Column: "kind", Message: fmt.Sprintf("%q is not a kind of import (matters or parties)", kind)}}
	}
	if len(data) > MaxImportBytes {
		return nil, []CSVProblem{{Line: 0, Message: fmt.Sprintf("the file is larger than %d MiB: split it", MaxImportBytes>>20)}}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, []CSVProblem{{Line: 1, Message: "the file is empty: the first line must name the columns"}}
	}
	var problems []CSVProblem
	badLine := map[int]bool{}
	for i, line := range bytes.Split(data, []byte("\n")) {
		if !utf8.Valid(line) {
			badLine[i+1] = true
			problems = append(problems, CSVProblem{Line: i + 1, Message: "this line is not valid UTF-8 text: save the file as UTF-8"})
		}
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		if !badLine[1] {
			problems = append(problems, CSVProblem{Line: 1, Message: "the header line is not valid CSV: " + csvReason(err)})
		}
		return nil, problems
	}
	if badLine[1] {
		return nil, problems
	}
	var unknown, repeated []string
	seen := map[string]bool{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		header[i] = h
		switch {
		case !contains(known, h):
			unknown = append(unknown, fmt.Sprintf("%q", h))
		case seen[h]:
			repeated = append(repeated, h)
		}
		seen[h] = true
	}
	if len(unknown) > 0 {
		problems = append(problems, CSVProblem{Line: 1, Column: "header", Message: fmt.Sprintf("unknown column%s %s: the columns are %s",
			plural(len(unknown)), strings.Join(unknown, ", "), strings.Join(known, ", "))})
	}
	if len(repeated) > 0 {
		problems = append(problems, CSVProblem{Line: 1, Column: "header", Message: "column named twice: " + strings.Join(repeated, ", ")})
	}
	var missing []string
	for _, c := range requiredColumns[kind] {
		if !seen[c] {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		problems = append(problems, CSVProblem{Line: 1, Column: "header", Message: "missing column" + plural(len(missing)) + ": " + strings.Join(missing, ", ")})
	}
	if len(unknown)+len(repeated)+len(missing) > 0 {
		return nil, sortProblems(problems)
	}
	var rows []CSVRecord
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			line := 0 // FieldPos is only valid after a record was read
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.StartLine
			}
			if !badLine[line] {
				problems = append(problems, CSVProblem{Line: line, Message: "this row is not valid CSV: " + csvReason(err)})
			}
			continue
		}
		line, _ := r.FieldPos(0)
		if badLine[line] {
			continue
		}
		if len(rec) != len(header) {
			problems = append(problems, CSVProblem{Line: line, Message: fmt.Sprintf("this row has %d fields; the header has %d", len(rec), len(header))})
			continue
		}
		f := make(map[string]string, len(header))
		for i, h := range header {
			f[h] = strings.TrimSpace(rec[i])
		}
		rows = append(rows, CSVRecord{Line: line, Fields: f})
	}
	return rows, sortProblems(problems)
}

// SplitList splits a semicolon-separated cell ("India; Philippines") into its
// non-empty items.
func SplitList(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ";") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

func csvReason(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		switch {
		case errors.Is(pe.Err, csv.ErrQuote), errors.Is(pe.Err, csv.ErrBareQuote):
			return "a quote is out of place (quote a whole field, and double any quote inside it)"
		}
		return pe.Err.Error()
	}
	return err.Error()
}

func sortProblems(ps []CSVProblem) []CSVProblem {
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Line < ps[j].Line })
	return ps
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
