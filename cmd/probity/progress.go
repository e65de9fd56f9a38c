package main

import (
	"context"
	"errors"
	"flag"
	"os"
	"time"

	"github.com/probity/probity/internal/progress"
)

// Long commands (import, ledes export, keys rotate and verify, audit verify,
// demo) draw a progress bar on standard error, redrawn in place on a
// terminal and a line every tenth otherwise; --quiet turns it off. Ctrl-C
// and SIGTERM cancel the command's context (main's signal.NotifyContext):
// each job stops at its next check and says what it left behind
// (interrupted).

// quietFlag adds --quiet to a long command's flags.
func quietFlag(fs *flag.FlagSet, quiet *bool) {
	fs.BoolVar(quiet, "quiet", false, "show no progress on standard error")
}

// bar returns a progress bar on the command's standard error.
func (m *Main) bar(quiet bool) *progress.Bar {
	tty := false
	if f, ok := m.Stderr.(*os.File); ok {
		tty = progress.IsTerminal(f)
	}
	return progress.New(m.Stderr, progress.Options{TTY: tty, Quiet: quiet, Now: time.Now})
}

// withBar returns ctx reporting to a new bar, and the function that ends
// the bar's last line.
func (m *Main) withBar(ctx context.Context, quiet bool) (context.Context, func()) {
	b := m.bar(quiet)
	return progress.WithFunc(ctx, b.Func()), b.Finish
}

// interruptedError is a command stopped by Ctrl-C or SIGTERM; its message
// says what the stop left behind. Exit status 130, as a shell reports an
// interrupted command.
type interruptedError struct{ left string }

func (e interruptedError) Error() string { return "interrupted: " + e.left }

func (e interruptedError) Unwrap() error { return context.Canceled }

// interrupted turns err into an interruptedError saying left when ctx was
// cancelled; other errors pass unchanged.
func interrupted(ctx context.Context, err error, left string) error {
	if err != nil && ctx.Err() != nil && errors.Is(err, context.Canceled) {
		return interruptedError{left}
	}
	return err
}
