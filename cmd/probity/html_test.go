package main

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// htmlDoc parses a page; a page that does not parse fails the test.
func htmlDoc(tb testing.TB, body []byte) *html.Node {
	tb.Helper()
	n, err := html.Parse(bytes.NewReader(body))
	if err != nil {
		tb.Fatalf("parse HTML: %v", err)
	}
	return n
}

// htmlCompound is one step of a selector: tag#id.class[attr=value]...
type htmlCompound struct {
	tag, id string
	classes []string
	attrs   [][2]string // [name, value]; value "\x00" means "present"
}

// parseHTMLSelector reads a tiny CSS subset: compounds of tag, #id, .class,
// [attr] and [attr=value] (value without spaces or quotes), joined by the
// descendant combinator (whitespace).
func parseHTMLSelector(tb testing.TB, sel string) []htmlCompound {
	tb.Helper()
	var out []htmlCompound
	for _, part := range strings.Fields(sel) {
		var c htmlCompound
		i := 0
		readName := func() string {
			j := i
			for j < len(part) && !strings.ContainsRune("#.[", rune(part[j])) {
				j++
			}
			s := part[i:j]
			i = j
			return s
		}
		c.tag = readName()
		for i < len(part) {
			switch part[i] {
			case '#':
				i++
				c.id = readName()
			case '.':
				i++
				c.classes = append(c.classes, readName())
			case '[':
				end := strings.IndexByte(part[i:], ']')
				if end < 0 {
					tb.Fatalf("selector %q: unclosed [", sel)
				}
				body := part[i+1 : i+end]
				i += end + 1
				name, value, ok := strings.Cut(body, "=")
				if !ok {
					value = "\x00"
				}
				c.attrs = append(c.attrs, [2]string{name, strings.Trim(value, `"'`)})
			default:
				tb.Fatalf("selector %q: unexpected %q", sel, part[i])
			}
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		tb.Fatalf("empty selector")
	}
	return out
}

func (c htmlCompound) matches(n *html.Node) bool {
	if n.Type != html.ElementNode || (c.tag != "" && n.Data != c.tag) {
		return false
	}
	if c.id != "" && htmlAttr(n, "id") != c.id {
		return false
	}
	classes := strings.Fields(htmlAttr(n, "class"))
	for _, want := range c.classes {
		found := false
		for _, have := range classes {
			found = found || have == want
		}
		if !found {
			return false
		}
	}
	for _, a := range c.attrs {
		v, ok := htmlLookupAttr(n, a[0])
		if !ok || (a[1] != "\x00" && v != a[1]) {
			return false
		}
	}
	return true
}

// htmlQueryAll returns the elements under root matching sel, in document order.
func htmlQueryAll(tb testing.TB, root *html.Node, sel string) []*html.Node {
	tb.Helper()
	steps := parseHTMLSelector(tb, sel)
	scope := []*html.Node{root}
	for _, step := range steps {
		seen := map[*html.Node]bool{}
		var next []*html.Node
		for _, s := range scope {
			htmlWalk(s, func(n *html.Node) {
				if n != s && !seen[n] && step.matches(n) {
					seen[n] = true
					next = append(next, n)
				}
			})
		}
		scope = next
	}
	return scope
}

// htmlQueryOne returns the only element matching sel, failing unless there is exactly one.
func htmlQueryOne(tb testing.TB, root *html.Node, sel string) *html.Node {
	tb.Helper()
	ns := htmlQueryAll(tb, root, sel)
	if len(ns) != 1 {
		tb.Fatalf("selector %q matched %d elements, want 1", sel, len(ns))
	}
	return ns[0]
}

func htmlWalk(n *html.Node, fn func(*html.Node)) {
	fn(n)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		htmlWalk(c, fn)
	}
}

func htmlLookupAttr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// attr returns an attribute's value, or "".
func htmlAttr(n *html.Node, key string) string {
	v, _ := htmlLookupAttr(n, key)
	return v
}

// htmlText is an element's text with whitespace collapsed.
func htmlText(n *html.Node) string {
	var b strings.Builder
	htmlWalk(n, func(x *html.Node) {
		if x.Type == html.TextNode {
			b.WriteString(x.Data)
			b.WriteByte(' ')
		}
	})
	return strings.Join(strings.Fields(b.String()), " ")
}

func TestSelectorHelper(t *testing.T) {
	doc := htmlDoc(t, []byte(`<html><body><nav id="n"><ul><li><a class="x y" href="/a">A</a></li><li><a href="/b">B</a></li></ul></nav>
<form action="/f"><input type="hidden" name="t" value="v"></form><p class="y">P</p></body></html>`))
	if got := len(htmlQueryAll(t, doc, "nav#n a")); got != 2 {
		t.Errorf("nav#n a: %d, want 2", got)
	}
	if got := htmlAttr(htmlQueryOne(t, doc, "a.x.y"), "href"); got != "/a" {
		t.Errorf("a.x.y href = %q", got)
	}
	if got := htmlAttr(htmlQueryOne(t, doc, "form[action=/f] input[name=t]"), "value"); got != "v" {
		t.Errorf("input value = %q", got)
	}
	if got := len(htmlQueryAll(t, doc, ".y")); got != 2 {
		t.Errorf(".y: %d, want 2", got)
	}
	if got := len(htmlQueryAll(t, doc, "form[action=/g] input")); got != 0 {
		t.Errorf("form[action=/g] input: %d, want 0", got)
	}
	if got := htmlText(htmlQueryOne(t, doc, "nav")); got != "A B" {
		t.Errorf("text = %q", got)
	}
}
