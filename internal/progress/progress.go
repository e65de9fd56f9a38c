// Package progress shows how far long work has got: a bar on a terminal
// ("Importing matters  [#######.....]  58%  5,800/10,000  12s") redrawn in
// place, a plain line every tenth of the way when the output is a file or a
// pipe, nothing when quiet. Jobs report through a Func carried by the
// context (WithFunc, Report), so a use case reports progress without a
// parameter only the command line needs, as net/http/httptrace carries its
// hooks.
package progress

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Func receives how far a job has got: stage names the phase ("Checking
// matters", "Importing matters"), done of total units (total 0 when it is
// not known). A job calls it from any goroutine.
type Func func(stage string, done, total int64)

type funcKey struct{}

// WithFunc returns ctx carrying f, which jobs run with ctx report to. A Func
// already on ctx keeps receiving reports too (as httptrace composes hooks),
// so a test can watch a job a command also draws a bar for.
func WithFunc(ctx context.Context, f Func) context.Context {
	if outer, _ := ctx.Value(funcKey{}).(Func); outer != nil {
		inner := f
		f = func(stage string, done, total int64) {
			inner(stage, done, total)
			outer(stage, done, total)
		}
	}
	return context.WithValue(ctx, funcKey{}, f)
}

// Report tells ctx's Func, if any, how far the job has got.
func Report(ctx context.Context, stage string, done, total int64) {
	if f, _ := ctx.Value(funcKey{}).(Func); f != nil {
		f(stage, done, total)
	}
}

// Options configure a Bar.
type Options struct {
	TTY   bool             // redraw one line with \r; otherwise print a line per tenth
	Quiet bool             // print nothing
	Now   func() time.Time // the clock (time.Now when nil)
	Width int              // cells in the bar (30 when 0)
}

// minRedraw is the shortest time between two redraws on a terminal.
const minRedraw = 100 * time.Millisecond

// Bar draws one job's progress on w. It is safe for concurrent use.
type Bar struct {
	mu      sync.Mutex
	w       io.Writer
	o       Options
	label   string
	total   int64
	done    int64
	start   time.Time
	drawn   time.Time // last redraw (terminal)
	tenth   int64     // last tenth printed (plain)
	printed int64     // done when the last plain line was printed
	active  bool
	lineLen int
}

// New returns a bar writing to w.
func New(w io.Writer, o Options) *Bar {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Width <= 0 {
		o.Width = 30
	}
	return &Bar{w: w, o: o}
}

// ForFile returns a bar on f (standard error, usually) that redraws in place
// when f is a terminal.
func ForFile(f *os.File, quiet bool) *Bar {
	return New(f, Options{TTY: IsTerminal(f), Quiet: quiet})
}

// IsTerminal reports whether f is a character device (a terminal).
func IsTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// Start begins a stage named label of total units (0: unknown), finishing
// the stage before it.
func (b *Bar) Start(label string, total int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.startLocked(label, total)
}

func (b *Bar) startLocked(label string, total int64) {
	b.finishLocked()
	b.label, b.total, b.done, b.tenth, b.printed, b.active = label, total, 0, 0, -1, true
	b.start = b.o.Now()
	b.drawn = time.Time{}
	b.drawLocked(true)
}

// Add counts n more units done.
func (b *Bar) Add(n int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.setLocked(b.done + n)
}

// Set records that done units are done.
func (b *Bar) Set(done int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.setLocked(done)
}

func (b *Bar) setLocked(done int64) {
	if !b.active {
		return
	}
	b.done = done
	if b.total > 0 && b.done > b.total {
		b.total = b.done
	}
	b.drawLocked(false)
}

// Finish draws the stage's last state and ends its line.
func (b *Bar) Finish() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.finishLocked()
}

func (b *Bar) finishLocked() {
	if !b.active {
		return
	}
	b.active = false
	if b.o.Quiet {
		return
	}
	if b.o.TTY {
		b.writeLine(b.lineLocked())
		io.WriteString(b.w, "\n")
		return
	}
	if b.printed != b.done {
		b.printLocked()
	}
}

func (b *Bar) printLocked() {
	b.printed = b.done
	io.WriteString(b.w, b.lineLocked()+"\n")
}

// Func adapts the bar to a job's reports: a new stage name starts a new
// line.
func (b *Bar) Func() Func {
	return func(stage string, done, total int64) {
		b.mu.Lock()
		if !b.active || stage != b.label {
			b.startLocked(stage, total)
		}
		if total > 0 {
			b.total = total
		}
		b.setLocked(done)
		b.mu.Unlock()
	}
}

// drawLocked redraws on a terminal at most every minRedraw (always when
// force), and prints a plain line each time another tenth is done.
func (b *Bar) drawLocked(force bool) {
	if b.o.Quiet {
		return
	}
	now := b.o.Now()
	if b.o.TTY {
		if !force && now.Sub(b.drawn) < minRedraw {
			return
		}
		b.drawn = now
		b.writeLine(b.lineLocked())
		return
	}
	switch {
	case force:
		b.printLocked()
	case b.total > 0:
		if t := b.done * 10 / b.total; t > b.tenth {
			b.tenth = t
			b.printLocked()
		}
	}
}

// writeLine redraws the terminal line, blanking what a longer line left.
func (b *Bar) writeLine(s string) {
	pad := ""
	if n := b.lineLen - len(s); n > 0 {
		pad = strings.Repeat(" ", n)
	}
	b.lineLen = len(s)
	io.WriteString(b.w, "\r"+s+pad)
}

// lineLocked renders the current state.
func (b *Bar) lineLocked() string {
	el := b.o.Now().Sub(b.start).Round(time.Second)
	if b.total <= 0 {
		return fmt.Sprintf("%s  %s  %s", b.label, Thousands(b.done), el)
	}
	filled := int(int64(b.o.Width) * b.done / b.total)
	bar := strings.Repeat("#", filled) + strings.Repeat(".", b.o.Width-filled)
	return fmt.Sprintf("%s  [%s]  %3d%%  %s/%s  %s", b.label, bar, b.done*100/b.total, Thousands(b.done), Thousands(b.total), el)
}

// Thousands formats n with commas between groups of three digits.
func Thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var out []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	if neg {
		return "-" + string(out)
	}
	return string(out)
}
