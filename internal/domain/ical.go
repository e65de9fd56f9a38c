package domain

import (
	"strings"
	"time"
	"unicode/utf8"
)

// iCalendar (RFC 5545) output for the deadline feed: CRLF line endings,
// content lines folded at 75 octets (never inside a UTF-8 character), TEXT
// values escaped, all-day events.

// CalendarEvent is one all-day event of a feed.
type CalendarEvent struct {
	UID         string // stable across feeds: the same deadline keeps its UID
	Summary     string
	Description string
	Day         Date
	URL         string
	Done        bool
}

// EscapeText escapes an RFC 5545 TEXT value: backslash, semicolon, comma and
// newlines (CRLF, CR or LF become \n). Other control characters, which TEXT
// does not allow, are dropped.
func EscapeText(s string) string {
	var b strings.Builder
	s = strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\r\n", "\n")
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == ';':
			b.WriteString(`\;`)
		case r == ',':
			b.WriteString(`\,`)
		case r == '\n' || r == '\r':
			b.WriteString(`\n`)
		case r < 0x20 && r != '\t', r == 0x7f:
			// dropped: not allowed in TEXT
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// UnescapeText reverses EscapeText (for tests and readers).
func UnescapeText(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
			switch s[i] {
			case 'n', 'N':
				b.WriteByte('\n')
			default:
				b.WriteByte(s[i])
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// FoldLine folds one content line into lines of at most 75 octets, each
// continuation starting with a space, each line ending in CRLF. It never
// splits a UTF-8 character.
func FoldLine(line string) string {
	var b strings.Builder
	limit := 75
	for len(line) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(line[cut]) {
			cut--
		}
		b.WriteString(line[:cut])
		b.WriteString("\r\n ")
		line = line[cut:]
		limit = 74 // the leading space counts
	}
	b.WriteString(line)
	b.WriteString("\r\n")
	return b.String()
}

// UnfoldLines splits an iCalendar text into unfolded content lines.
func UnfoldLines(s string) []string {
	s = strings.ReplaceAll(s, "\r\n ", "")
	s = strings.ReplaceAll(s, "\r\n\t", "")
	lines := strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n")
	return lines
}

// RenderCalendar writes a VCALENDAR with one all-day VEVENT per event,
// stamped at stamp.
func RenderCalendar(name string, events []CalendarEvent, stamp time.Time) string {
	var b strings.Builder
	line := func(s string) { b.WriteString(FoldLine(s)) }
	line("BEGIN:VCALENDAR")
	line("VERSION:2.0")
	line("PRODID:-//Probity//Deadlines//EN")
	line("CALSCALE:GREGORIAN")
	line("METHOD:PUBLISH")
	line("X-WR-CALNAME:" + EscapeText(name))
	ts := stamp.UTC().Format("20060102T150405Z")
	for _, e := range events {
		start := e.Day.Time()
		if start.IsZero() {
			continue
		}
		line("BEGIN:VEVENT")
		line("UID:" + EscapeText(e.UID))
		line("DTSTAMP:" + ts)
		line("DTSTART;VALUE=DATE:" + start.Format("20060102"))
		line("DTEND;VALUE=DATE:" + start.AddDate(0, 0, 1).Format("20060102"))
		line("SUMMARY:" + EscapeText(e.Summary))
		if e.Description != "" {
			line("DESCRIPTION:" + EscapeText(e.Description))
		}
		if e.URL != "" {
			line("URL:" + e.URL)
		}
		line("TRANSP:TRANSPARENT")
		if e.Done {
			line("STATUS:CANCELLED")
		} else {
			line("STATUS:CONFIRMED")
		}
		line("END:VEVENT")
	}
	line("END:VCALENDAR")
	return b.String()
}
