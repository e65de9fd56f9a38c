package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/probity/probity/internal/testenv"
)

// TestNotificationsCommand: `probity notifications` lists the demo's
// notifications of the --as user (their own only), marks one and then all
// read, refuses an unknown email mode and kind (nothing saved) and sets the
// preference.
func TestNotificationsCommand(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		dbURL, dir := e.URL(t)
		db := engineArgs(dbURL, dir)
		if _, errOut, err := runCLI(t, nil, "", append([]string{"demo"}, db...)...); err != nil {
			t.Fatalf("demo: %v\n%s", err, errOut)
		}
		const marcus, helen = "marcus.oyelaran@hartwellcrane.example", "helen.calloway@callowayfreight.example"
		run := func(args ...string) (string, error) {
			out, errOut, err := runCLI(t, nil, "", append(args, db...)...)
			if err != nil {
				errOut += err.Error()
			}
			return out + errOut, err
		}
		out, err := run("notifications", "list", "--as", marcus)
		if err != nil || !strings.Contains(out, "3 unread.") || !strings.Contains(out, "review_requested") || strings.Contains(out, "New work on") {
			t.Fatalf("list: %v\n%s", err, out)
		}
		id := regexp.MustCompile(`(?m)^(\d+)\s+no\s`).FindStringSubmatch(out)
		if id == nil {
			t.Fatalf("no unread notification listed:\n%s", out)
		}
		if out, err := run("notifications", "read", "--id", id[1], "--as", helen); exitStatus(err) != 1 || !strings.Contains(out, "not found") {
			t.Fatalf("Helen reading Marcus's notification: %v\n%s", err, out)
		}
		if out, err := run("notifications", "read", "--id", id[1], "--as", marcus); err != nil || !strings.Contains(out, "marked read") {
			t.Fatalf("read: %v\n%s", err, out)
		}
		if out, err := run("notifications", "read", "--all", "--as", marcus); err != nil || !strings.Contains(out, "Marked 2 notification(s) read.") {
			t.Fatalf("read --all: %v\n%s", err, out)
		}
		if out, err := run("notifications", "prefs", "--email", "weekly", "--as", marcus); exitStatus(err) != 1 || !strings.Contains(out, "immediate, digest or off") {
			t.Fatalf("an unknown mode: %v\n%s", err, out)
		}
		if out, err := run("notifications", "prefs", "--email", "digest", "--mute", "audit_due,gossip", "--as", marcus); exitStatus(err) != 1 || !strings.Contains(out, "gossip") {
			t.Fatalf("an unknown kind: %v\n%s", err, out)
		}
		if out, err := run("notifications", "prefs", "--as", marcus); err != nil || !strings.Contains(out, "Email: immediate") {
			t.Fatalf("refused changes were saved: %v\n%s", err, out)
		}
		if out, err := run("notifications", "prefs", "--email", "digest", "--mute", "audit_due", "--as", marcus); err != nil ||
			!strings.Contains(out, "Email: digest") || !strings.Contains(out, "Muted: audit_due") {
			t.Fatalf("prefs: %v\n%s", err, out)
		}
	})
}
