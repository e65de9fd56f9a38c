package main

import (
	"context"
	"strings"
	"testing"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/testenv"
)

// TestBillingPolicyCommands: `probity billing policy` shows the policy to
// an administrator, sets the figures given (in percent) keeping the rest,
// and refuses an attorney, a bad percentage and an out-of-range cap,
// changing nothing.
func TestBillingPolicyCommands(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		dbURL, dir := e.URL(t)
		db := engineArgs(dbURL, dir)
		if _, errOut, err := runCLI(t, nil, "", append([]string{"demo"}, db...)...); err != nil {
			t.Fatalf("demo: %v\n%s", err, errOut)
		}
		s := openTestStore(t, dbURL, dir)
		const marcus, eleanor = "marcus.oyelaran@hartwellcrane.example", "eleanor.hartwell@hartwellcrane.example"
		run := func(args ...string) (string, error) {
			out, errOut, err := runCLI(t, nil, "", append(args, db...)...)
			if err != nil {
				errOut += err.Error()
			}
			return out + errOut, err
		}
		stored := func() domain.BillingPolicy {
			a := app.New(s, app.DefaultConfig(), nil)
			p, err := a.BillingPolicy(context.Background(), app.Operator)
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		before := stored()
		out, err := run("billing", "policy", "show", "--as", eleanor)
		if err != nil || !strings.Contains(out, "overhead cap on disbursements:  "+domain.FormatBP(before.OverheadCapBP)) ||
			!strings.Contains(out, "markup cap on fees:             "+domain.FormatBP(before.MarkupCapBP)) {
			t.Fatalf("show: %v\n%s", err, out)
		}
		if out, err := run("billing", "policy", "show", "--as", marcus); exitStatus(err) != 1 {
			t.Errorf("an attorney reading the policy: exit %d\n%s", exitStatus(err), out)
		}
		audits := countTableRows(t, s, "audit_events")
		for _, c := range []struct {
			args []string
			exit int
			says string
		}{
			{[]string{"--as", marcus, "--markup-cap", "20"}, 1, "not allow"},
			{[]string{"--as", eleanor, "--markup-cap", "twenty"}, 1, "not a percentage"},
			{[]string{"--as", eleanor, "--overhead-cap", "5", "--markup-cap", "150"}, 1, "markup cap"},
			{[]string{"--as", eleanor}, 2, "at least one"},
			{[]string{"--as", eleanor, "--day-hours", "30"}, 1, "between 1 and 24"},
			{[]string{"--markup-cap", "20"}, 2, "--as"},
		} {
			out, err := run(append([]string{"billing", "policy", "set"}, c.args...)...)
			if exitStatus(err) != c.exit || !strings.Contains(out, c.says) {
				t.Errorf("set %v: exit %d, want %d saying %q\n%s", c.args, exitStatus(err), c.exit, c.says, out)
			}
		}
		if p, n := stored(), countTableRows(t, s, "audit_events"); p != before || n != audits {
			t.Fatalf("refused changes wrote: %+v → %+v, audit events %d → %d", before, p, audits, n)
		}

		out, err = run("billing", "policy", "set", "--as", eleanor, "--markup-cap", "20", "--min-saving-shared", "62.5", "--day-hours", "9.5")
		if err != nil || !strings.Contains(out, "Saved.") || !strings.Contains(out, "markup cap on fees:             20%") || !strings.Contains(out, "flagged past:      9.5 hours") {
			t.Fatalf("set: %v\n%s", err, out)
		}
		want := before
		want.MarkupCapBP, want.MinSavingSharedBP, want.DayHoursFlag = 2000, 6250, 95
		if p := stored(); p != want {
			t.Errorf("stored %+v, want %+v (the overhead cap kept)", p, want)
		}
		if n := countTableRows(t, s, "audit_events"); n != audits+1 {
			t.Errorf("audit events %d → %d, want one more", audits, n)
		}
		if _, err := run("billing", "frobnicate"); exitStatus(err) != 2 {
			t.Errorf("billing frobnicate: exit %d, want 2", exitStatus(err))
		}
	})
}
