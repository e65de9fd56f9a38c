package domain

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// checkCalendar asserts the RFC 5545 framing of a rendered calendar: every
// line ends in CRLF, no line is longer than 75 octets, no folding splits a
// UTF-8 character.
func checkCalendar(tb testing.TB, cal string) {
	tb.Helper()
	if !strings.HasSuffix(cal, "\r\n") {
		tb.Fatalf("calendar does not end in CRLF")
	}
	for i, l := range strings.Split(strings.TrimSuffix(cal, "\r\n"), "\r\n") {
		if len(l) > 75 {
			tb.Fatalf("line %d is %d octets: %q", i, len(l), l)
		}
		if strings.ContainsAny(l, "\r\n") {
			tb.Fatalf("line %d holds a bare CR or LF: %q", i, l)
		}
		if !utf8.ValidString(l) {
			tb.Fatalf("line %d splits a UTF-8 character: %q", i, l)
		}
	}
}

func TestEscapeText(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"plain", "plain"},
		{`a\b`, `a\\b`},
		{"a;b,c", `a\;b\,c`},
		{"line1\nline2\r\nline3", `line1\nline2\nline3`},
		{"bell\x07", "bell"},
	} {
		if got := EscapeText(c.in); got != c.want {
			t.Errorf("EscapeText(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestRenderCalendar(t *testing.T) {
	stamp := time.Date(2026, 3, 17, 9, 30, 0, 0, time.UTC)
	long := strings.Repeat("Privilege log; second pass, Übersicht — ", 6)
	cal := RenderCalendar("Probity: Marcus", []CalendarEvent{
		{UID: "deadline-7@probity", Summary: long, Description: "Line one\nLine two, with; specials\\", Day: "2026-03-20"},
		{UID: "item-3@probity", Summary: "Due: batch 2", Day: "2026-12-31", Done: true},
	}, stamp)
	checkCalendar(t, cal)
	lines := UnfoldLines(cal)
	want := map[string]bool{"DTSTART;VALUE=DATE:20260320": false, "DTEND;VALUE=DATE:20260321": false, "DTSTAMP:20260317T093000Z": false,
		"UID:deadline-7@probity": false, "DTEND;VALUE=DATE:20270101": false, "BEGIN:VCALENDAR": false, "END:VCALENDAR": false}
	var summary, desc string
	for _, l := range lines {
		if _, ok := want[l]; ok {
			want[l] = true
		}
		if v, ok := strings.CutPrefix(l, "SUMMARY:"); ok && summary == "" {
			summary = v
		}
		if v, ok := strings.CutPrefix(l, "DESCRIPTION:"); ok {
			desc = v
		}
	}
	for l, seen := range want {
		if !seen {
			t.Errorf("missing line %q in\n%s", l, cal)
		}
	}
	if UnescapeText(summary) != long || UnescapeText(desc) != "Line one\nLine two, with; specials\\" {
		t.Errorf("summary or description did not survive: %q / %q", summary, desc)
	}
	if !strings.Contains(cal, "\r\n ") {
		t.Errorf("a long summary was not folded")
	}
}

// FuzzCalendarText: whatever text goes into an event, the calendar keeps its
// framing (CRLF, ≤ 75 octets, whole UTF-8 characters) and the text reads back
// unchanged once escaped, folded, unfolded and unescaped (control characters
// other than tab and newlines, and invalid UTF-8, are not TEXT and are
// replaced or dropped first).
func FuzzCalendarText(f *testing.F) {
	f.Add("Review; privilege, log\\ done\nnext")
	f.Fuzz(func(t *testing.T, s string) {
		cal := RenderCalendar("x", []CalendarEvent{{UID: "u@probity", Summary: s, Description: s, Day: "2026-01-02"}}, time.Unix(0, 0))
		checkCalendar(t, cal)
		var got string
		for _, l := range UnfoldLines(cal) {
			if v, ok := strings.CutPrefix(l, "SUMMARY:"); ok {
				got = v
			}
		}
		want := strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\r\n", "\n")
		want = strings.ReplaceAll(want, "\r", "\n")
		want = strings.Map(func(r rune) rune {
			if (r < 0x20 && r != '\t' && r != '\n') || r == 0x7f {
				return -1
			}
			return r
		}, want)
		if UnescapeText(got) != want {
			t.Fatalf("round trip: got %q want %q", UnescapeText(got), want)
		}
	})
}
