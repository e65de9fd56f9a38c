package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
)

// `probity engagement close|pause|resume|certify|evaluate ID --as EMAIL`:
// the same use cases as the engagement's close page and the API.

const closingUsage = `  probity engagement pause ID --as EMAIL --reason TEXT
  probity engagement resume ID --as EMAIL --reason TEXT
      pause an engagement by hand, or resume one paused by hand (the
      supervising attorney or a firm administrator); the reason is recorded
  probity engagement close ID --as EMAIL [--confirm]
      close it: vendor access ends at once, a final audit is due and the
      vendor is asked to certify; --confirm when deliverables await review
  probity engagement certify ID --as EMAIL --method returned|destroyed|both
        --statement TEXT [--date YYYY-MM-DD]
      after close, the vendor manager certifies return or destruction
  probity engagement evaluate ID --as EMAIL --quality N --timeliness N
        --communication N --compliance N [--comments TEXT]
      after close, evaluate the vendor's work (1 to 5 each)
`

// closingSubs are the engagement subcommands of this file.
var closingSubs = map[string]string{
	"pause":    "engagement pause ID --as EMAIL --reason TEXT [flags]",
	"resume":   "engagement resume ID --as EMAIL --reason TEXT [flags]",
	"close":    "engagement close ID --as EMAIL [--confirm] [flags]",
	"certify":  "engagement certify ID --as EMAIL --method returned|destroyed|both --statement TEXT [--date YYYY-MM-DD] [flags]",
	"evaluate": "engagement evaluate ID --as EMAIL --quality N --timeliness N --communication N --compliance N [--comments TEXT] [flags]",
}

// splitID takes the engagement id given before or after the flags.
func splitID(args []string) (int64, []string, error) {
	var rest []string
	var id string
	for i, a := range args {
		if id == "" && a != "" && a[0] != '-' && (i == 0 || !strings.HasPrefix(args[i-1], "-") || strings.Contains(args[i-1], "=") || args[i-1] == "--confirm") {
			id = a
			continue
		}
		rest = append(rest, a)
	}
	if id == "" {
		return 0, rest, usageError("give the engagement's id, e.g. probity engagement close 12 --as EMAIL")
	}
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		return 0, rest, usageError(fmt.Sprintf("%q is not an engagement id", id))
	}
	return n, rest, nil
}

func (m *Main) engagementClosing(ctx context.Context, args []string) error {
	sub := args[0]
	id, rest, err := splitID(args[1:])
	if err != nil {
		return err
	}
	var as, reason, method, statement, date, comments string
	var confirm bool
	var q, t, cm, co int
	c, _, err := m.parse("engagement "+sub, closingSubs[sub], rest, func(fs *flag.FlagSet) {
		fs.StringVar(&as, "as", "", "email of the user to act as")
		switch sub {
		case "pause", "resume":
			fs.StringVar(&reason, "reason", "", "why (recorded and shown to both sides)")
		case "close":
			fs.BoolVar(&confirm, "confirm", false, "close even though deliverable versions await review")
		case "certify":
			fs.StringVar(&method, "method", "", "returned, destroyed or both")
			fs.StringVar(&statement, "statement", "", "what was returned or destroyed, and how")
			fs.StringVar(&date, "date", "", "the day it was done (default today)")
		case "evaluate":
			fs.IntVar(&q, "quality", 0, "quality, 1 to 5")
			fs.IntVar(&t, "timeliness", 0, "timeliness, 1 to 5")
			fs.IntVar(&cm, "communication", 0, "communication, 1 to 5")
			fs.IntVar(&co, "compliance", 0, "compliance, 1 to 5")
			fs.StringVar(&comments, "comments", "", "comments")
		}
	})
	if err != nil {
		return err
	}
	if strings.TrimSpace(as) == "" {
		return usageError("engagement " + sub + " needs --as EMAIL: the user to act as")
	}
	a, actor, done, ctx, err := m.cliActor(ctx, c, as)
	if err != nil {
		return err
	}
	defer done()
	switch sub {
	case "pause":
		err = a.PauseEngagement(ctx, actor, id, reason)
	case "resume":
		err = a.ResumeEngagement(ctx, actor, id, reason)
	case "close":
		err = a.CloseEngagement(ctx, actor, id, app.CloseInput{Confirm: confirm})
	case "certify":
		_, err = a.CertifyReturn(ctx, actor, id, domain.Certificate{Method: domain.CertificateMethod(method), CertifiedOn: domain.Date(date), Statement: statement})
	case "evaluate":
		_, err = a.EvaluateVendor(ctx, actor, id, domain.Evaluation{Quality: q, Timeliness: t, Communication: cm, Compliance: co, Comments: comments})
	}
	if err != nil {
		return err
	}
	v, err := a.ClosingOf(ctx, actor, id)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "Engagement %d on %s: %s.\n", id, v.Header.MatterNumber, v.Header.Stage.Label())
	if v.Header.PausedReason != "" {
		fmt.Fprintf(m.Stdout, "Paused: %s\n", v.Header.PausedReason)
	}
	if v.Closed() {
		fmt.Fprintf(m.Stdout, "Closed on %s; vendor access revoked.\n", v.Header.ClosedOn)
		if v.FinalAudit != nil {
			fmt.Fprintf(m.Stdout, "Final audit due by %s.\n", v.FinalAudit.DueOn)
		}
		if v.Certificate != nil {
			fmt.Fprintf(m.Stdout, "Certified: %s on %s by %s.\n", v.Certificate.Method.Label(), v.Certificate.CertifiedOn, v.Certificate.CertifierName)
		} else {
			fmt.Fprintln(m.Stdout, "Return or destruction not certified yet.")
		}
		if v.Evaluation != nil {
			fmt.Fprintf(m.Stdout, "Evaluated: average %.1f of 5.\n", v.Evaluation.Average())
		}
	}
	return nil
}
