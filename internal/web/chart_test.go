package web_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/probity/probity/internal/web"
)

func parseChart(t *testing.T, c web.Chart) *html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader("<!doctype html><html><body>" + string(c.HTML()) + "</body></html>"))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func floatAttr(t *testing.T, n *html.Node, key string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(attrOf(n, key), 64)
	if err != nil {
		t.Fatalf("<%s %s=%q>: %v", n.Data, key, attrOf(n, key), err)
	}
	return v
}

func TestChartRendersSeriesWithIntervalsAndTable(t *testing.T) {
	pct := func(v float64) string { return fmt.Sprintf("%.1f%%", 100*v) }
	c := web.Chart{ID: "errors-by-month", Title: "Error rate by month <Lexora & co>", Desc: "Pooled error rate with its 95% Wilson interval.",
		XLabel: "Month", YLabel: "Error rate", IntervalLabel: "95% interval", NoteLabel: "Errors / items", Format: pct,
		Points: []web.ChartPoint{
			{Label: "2026-01", Value: 0.05, Low: 0.02, High: 0.09, Note: "5 of 100"},
			{Label: "2026-02", Value: 0.01, Low: 0.002, High: 0.04, Note: "1 of 100"},
			{Label: "2026-03", Value: 0.12, Low: 0.08, High: 0.17, Note: "12 of 100"},
		}}
	doc := parseChart(t, c)
	svgs := elements(doc, func(n *html.Node) bool { return n.Data == "svg" })
	if len(svgs) != 1 {
		t.Fatalf("%d svg elements, want 1", len(svgs))
	}
	svg := svgs[0]
	if attrOf(svg, "role") != "img" || attrOf(svg, "aria-label") != c.Title || attrOf(svg, "aria-describedby") != "errors-by-month-desc" {
		t.Errorf("svg accessibility attributes: role %q label %q describedby %q", attrOf(svg, "role"), attrOf(svg, "aria-label"), attrOf(svg, "aria-describedby"))
	}
	titles := elements(svg, func(n *html.Node) bool { return n.Data == "title" && attrOf(n, "id") == "errors-by-month-title" })
	descs := elements(svg, func(n *html.Node) bool { return n.Data == "desc" && attrOf(n, "id") == "errors-by-month-desc" })
	if len(titles) != 1 || text(titles[0]) != c.Title || len(descs) != 1 || text(descs[0]) != c.Desc {
		t.Errorf("title/desc missing or wrong (the title must be escaped, not markup)")
	}
	if n := len(elements(doc, func(n *html.Node) bool { return n.Data == "script" })); n != 0 {
		t.Errorf("%d script elements", n)
	}

	points := elements(svg, func(n *html.Node) bool { return n.Data == "circle" && hasClass(n, "chart-point") })
	bars := elements(svg, func(n *html.Node) bool { return n.Data == "path" && hasClass(n, "chart-bar") })
	bands := elements(svg, func(n *html.Node) bool { return n.Data == "polygon" && hasClass(n, "chart-band") })
	if len(points) != 3 || len(bars) != 3 || len(bands) != 1 {
		t.Fatalf("%d points, %d error bars, %d bands; want 3, 3, 1", len(points), len(bars), len(bands))
	}
	// Left to right in order; a higher value sits higher (smaller y); all inside the view box.
	var xs, ys []float64
	for _, p := range points {
		xs, ys = append(xs, floatAttr(t, p, "cx")), append(ys, floatAttr(t, p, "cy"))
	}
	if !(xs[0] < xs[1] && xs[1] < xs[2]) {
		t.Errorf("points not left to right: %v", xs)
	}
	if !(ys[2] < ys[0] && ys[0] < ys[1]) {
		t.Errorf("y positions %v do not order 12%% above 5%% above 1%%", ys)
	}
	for i := range xs {
		if xs[i] < 0 || xs[i] > 640 || ys[i] < 0 || ys[i] > 280 {
			t.Errorf("point %d at (%v, %v) outside the 640×280 view box", i, xs[i], ys[i])
		}
	}
	// The axis reaches past the highest interval end, and its labels use the format.
	var ticks []string
	for _, n := range elements(svg, func(n *html.Node) bool { return hasClass(n, "chart-ytick") }) {
		ticks = append(ticks, text(n))
	}
	if len(ticks) != 5 || ticks[0] != "0.0%" || ticks[4] != "20.0%" {
		t.Errorf("y ticks %v, want 0.0%% … 20.0%%", ticks)
	}
	xticks := elements(svg, func(n *html.Node) bool { return hasClass(n, "chart-xtick") })
	if len(xticks) != 3 || text(xticks[1]) != "2026-02" {
		t.Errorf("x ticks wrong")
	}
	for _, cls := range []string{"chart-xlabel", "chart-ylabel"} {
		if l := elements(svg, func(n *html.Node) bool { return hasClass(n, cls) }); len(l) != 1 || text(l[0]) == "" {
			t.Errorf("no %s", cls)
		}
	}

	// The numbers as a table under it.
	tables := elements(doc, func(n *html.Node) bool { return n.Data == "table" && hasClass(n, "chart-data") })
	if len(tables) != 1 {
		t.Fatalf("%d data tables, want 1", len(tables))
	}
	head := elements(tables[0], func(n *html.Node) bool { return n.Data == "th" && attrOf(n, "scope") == "col" })
	if len(head) != 4 || text(head[2]) != "95% interval" || text(head[3]) != "Errors / items" {
		t.Errorf("table head wrong")
	}
	rows := elements(tables[0], func(n *html.Node) bool { return n.Data == "tr" && n.Parent.Data == "tbody" })
	if len(rows) != 3 {
		t.Fatalf("%d table rows, want 3", len(rows))
	}
	if got := text(rows[2]); got != "2026-03 12.0% 8.0% – 17.0% 12 of 100" {
		t.Errorf("row 3 = %q", got)
	}
}

func TestChartEdgeCases(t *testing.T) {
	// No points: no picture, an explanation.
	doc := parseChart(t, web.Chart{ID: "e", Title: "Error rate by month", EmptyExplanation: "No completed audits yet."})
	if n := len(elements(doc, func(n *html.Node) bool { return n.Data == "svg" })); n != 0 {
		t.Errorf("an empty chart draws %d svg", n)
	}
	if p := elements(doc, func(n *html.Node) bool { return hasClass(n, "empty") }); len(p) != 1 || text(p[0]) != "No completed audits yet." {
		t.Errorf("an empty chart does not explain itself")
	}
	// One point, all zero: centred, on the axis, no band, a positive scale.
	doc = parseChart(t, web.Chart{ID: "z", Title: "Zero", Points: []web.ChartPoint{{Label: "2026-01"}}})
	pts := elements(doc, func(n *html.Node) bool { return hasClass(n, "chart-point") })
	if len(pts) != 1 || floatAttr(t, pts[0], "cx") != 64+(640-64-16)/2.0 || floatAttr(t, pts[0], "cy") != 280-52 {
		t.Errorf("a single zero point is not centred on the x axis")
	}
	if n := len(elements(doc, func(n *html.Node) bool { return hasClass(n, "chart-band") })); n != 0 {
		t.Errorf("a single point draws a band")
	}
	for _, n := range elements(doc, func(n *html.Node) bool { return n.Data == "line" }) {
		for _, k := range []string{"y1", "y2"} {
			if v := attrOf(n, k); strings.Contains(v, "NaN") || strings.Contains(v, "Inf") {
				t.Errorf("line %s=%s", k, v)
			}
		}
	}
}
