package web

import (
	"fmt"
	"html/template"
	"math"
	"strings"
)

// A small server-rendered chart: one series of labelled values, each with
// an interval (a confidence interval, a range), drawn as a line through
// the points with a shaded band and error bars, on labelled axes. The SVG
// is an image with a title and a description for screen readers, and the
// same numbers follow as a table, so nothing is only in the picture. No
// script, no external assets: presentation attributes only.

// ChartPoint is one point of a chart's series: its label on the x axis, its
// value and its interval (Low ≤ Value ≤ High; equal when there is none).
// Note, when set, is shown in the table beside the numbers ("7 of 150").
type ChartPoint struct {
	Label            string
	Value, Low, High float64
	Note             string
}

// Chart describes a chart. ID must be unique in the page (it prefixes the
// ids of the title and description); Format writes values on the y axis
// and in the table (default: three significant digits).
type Chart struct {
	ID, Title, Desc string
	XLabel, YLabel  string
	IntervalLabel   string // the table's heading for the interval, e.g. "95% interval"
	NoteLabel       string // the table's heading for the notes
	Points          []ChartPoint
	Format          func(float64) string
	// Tick, when set, shortens a point's label for the x axis ("2026-W37"
	// → "W37") where the full labels would run into each other; the
	// table keeps the full label.
	Tick             func(string) string
	Width, Height    int // the viewBox; 640 × 280 when zero
	EmptyExplanation string
}

// Chart geometry: margins around the plot area.
const (
	chartLeft, chartRight, chartTop, chartBottom = 64, 16, 16, 52
	chartTicks                                   = 4
)

// HTML renders the chart and its table as a figure.
func (c Chart) HTML() template.HTML {
	esc := template.HTMLEscapeString
	format := c.Format
	if format == nil {
		format = func(v float64) string { return fmt.Sprintf("%.3g", v) }
	}
	tick := c.Tick
	if tick == nil {
		tick = func(l string) string { return l }
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<figure class="chart" id="%s">`, esc(c.ID))
	if len(c.Points) == 0 {
		msg := c.EmptyExplanation
		if msg == "" {
			msg = "Nothing to chart yet."
		}
		fmt.Fprintf(&b, `<figcaption>%s</figcaption><p class="empty">%s</p></figure>`, esc(c.Title), esc(msg))
		return template.HTML(b.String())
	}
	w, h := c.Width, c.Height
	if w == 0 || h == 0 {
		w, h = 640, 280
	}
	plotW, plotH := float64(w-chartLeft-chartRight), float64(h-chartTop-chartBottom)
	top := 0.0
	for _, p := range c.Points {
		top = math.Max(top, math.Max(p.Value, p.High))
	}
	step := niceStep(top / chartTicks)
	ymax := step * math.Max(1, math.Ceil(top/step-1e-9))
	// Each point sits in the middle of its own slot, so the first and last
	// labels stay inside the chart.
	x := func(i int) float64 { return chartLeft + plotW*(float64(i)+0.5)/float64(len(c.Points)) }
	y := func(v float64) float64 { return chartTop + plotH*(1-math.Max(0, v)/ymax) }

	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="100%%" role="img" aria-label="%s" aria-describedby="%s-desc" class="chart-svg">`,
		w, h, esc(c.Title), esc(c.ID))
	fmt.Fprintf(&b, `<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`, esc(c.ID), esc(c.Title), esc(c.ID), esc(c.Desc))

	// Grid, y ticks and axes.
	b.WriteString(`<g class="chart-axes" font-size="11" fill="#5b6473">`)
	// Ticks at whole multiples of the step (0, 2.5%, 5%, ...), never a
	// fraction of it.
	for k := 0; k <= int(math.Round(ymax/step)); k++ {
		v := step * float64(k)
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#e3e7ee"/>`, chartLeft, w-chartRight, y(v), y(v))
		fmt.Fprintf(&b, `<text class="chart-ytick" x="%d" y="%.1f" text-anchor="end" dominant-baseline="middle">%s</text>`, chartLeft-6, y(v), esc(format(v)))
	}
	fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="#5b6473"/>`, chartLeft, chartLeft, chartTop, h-chartBottom)
	fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="#5b6473"/>`, chartLeft, w-chartRight, h-chartBottom, h-chartBottom)
	for i, p := range c.Points {
		fmt.Fprintf(&b, `<text class="chart-xtick" x="%.1f" y="%d" text-anchor="middle">%s</text>`, x(i), h-chartBottom+16, esc(tick(p.Label)))
	}
	fmt.Fprintf(&b, `<text class="chart-xlabel" x="%.1f" y="%d" text-anchor="middle" font-size="12">%s</text>`, chartLeft+plotW/2, h-8, esc(c.XLabel))
	fmt.Fprintf(&b, `<text class="chart-ylabel" x="14" y="%.1f" text-anchor="middle" font-size="12" transform="rotate(-90 14 %.1f)">%s</text>`,
		chartTop+plotH/2, chartTop+plotH/2, esc(c.YLabel))
	b.WriteString(`</g>`)

	// The interval band (two or more points), then error bars, line and points.
	if len(c.Points) > 1 {
		var band []string
		for i, p := range c.Points {
			band = append(band, fmt.Sprintf("%.1f,%.1f", x(i), y(p.High)))
		}
		for i := len(c.Points) - 1; i >= 0; i-- {
			band = append(band, fmt.Sprintf("%.1f,%.1f", x(i), y(c.Points[i].Low)))
		}
		fmt.Fprintf(&b, `<polygon class="chart-band" points="%s" fill="#1f3a5f" fill-opacity="0.12"/>`, strings.Join(band, " "))
	}
	b.WriteString(`<g class="chart-bars" stroke="#1f3a5f" stroke-width="1.5">`)
	for i, p := range c.Points {
		fmt.Fprintf(&b, `<path class="chart-bar" d="M%.1f %.1fV%.1fM%.1f %.1fH%.1fM%.1f %.1fH%.1f"/>`,
			x(i), y(p.Low), y(p.High), x(i)-5, y(p.Low), x(i)+5, x(i)-5, y(p.High), x(i)+5)
	}
	b.WriteString(`</g>`)
	var line []string
	for i, p := range c.Points {
		line = append(line, fmt.Sprintf("%.1f,%.1f", x(i), y(p.Value)))
	}
	fmt.Fprintf(&b, `<polyline class="chart-line" points="%s" fill="none" stroke="#1f3a5f" stroke-width="2"/>`, strings.Join(line, " "))
	for i, p := range c.Points {
		fmt.Fprintf(&b, `<circle class="chart-point" cx="%.1f" cy="%.1f" r="4" fill="#1f3a5f"><title>%s: %s (%s–%s)</title></circle>`,
			x(i), y(p.Value), esc(p.Label), esc(format(p.Value)), esc(format(p.Low)), esc(format(p.High)))
	}
	b.WriteString(`</svg>`)

	// The same numbers as a table.
	interval := c.IntervalLabel
	if interval == "" {
		interval = "Interval"
	}
	fmt.Fprintf(&b, `<table class="chart-data"><caption>%s</caption><thead><tr><th scope="col">%s</th><th scope="col">%s</th><th scope="col">%s</th>`,
		esc(c.Title), esc(c.XLabel), esc(c.YLabel), esc(interval))
	if c.NoteLabel != "" {
		fmt.Fprintf(&b, `<th scope="col">%s</th>`, esc(c.NoteLabel))
	}
	b.WriteString(`</tr></thead><tbody>`)
	for _, p := range c.Points {
		fmt.Fprintf(&b, `<tr><th scope="row">%s</th><td>%s</td><td>%s – %s</td>`, esc(p.Label), esc(format(p.Value)), esc(format(p.Low)), esc(format(p.High)))
		if c.NoteLabel != "" {
			fmt.Fprintf(&b, `<td>%s</td>`, esc(p.Note))
		}
		b.WriteString(`</tr>`)
	}
	b.WriteString(`</tbody></table></figure>`)
	return template.HTML(b.String())
}

// niceStep rounds a tick step up to 1, 2, 2.5 or 5 times a power of ten
// (a positive step for zero or negative input, so an all-zero series
// still has an axis).
func niceStep(raw float64) float64 {
	if raw <= 0 || math.IsNaN(raw) || math.IsInf(raw, 0) {
		return 0.25
	}
	pow := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if raw <= m*pow*(1+1e-9) {
			return m * pow
		}
	}
	return 10 * pow
}
