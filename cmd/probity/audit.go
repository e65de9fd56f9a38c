package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"sync/atomic"

	"github.com/probity/probity/internal/auditlog"
	"github.com/probity/probity/internal/progress"
)

// errChainBroken makes `audit verify` exit non-zero after printing the break.
var errChainBroken = errors.New("the audit trail does not verify")

// audit is the audit trail's verification and the quality audits
// (sampling.go: audit sample; quality_audit.go: the rest).
func (m *Main) audit(ctx context.Context, args []string) error {
	if len(args) > 0 && args[0] == "sample" {
		return m.auditSample(ctx, args[1:])
	}
	if len(args) > 0 && qualityAuditCommands[args[0]] {
		return m.qualityAudit(ctx, args)
	}
	if len(args) == 0 || args[0] != "verify" {
		fmt.Fprint(m.Stderr, "Usage:\n  probity audit verify [--head] [flags]   check every link of the audit trail; print the head hash\n"+
			"  probity audit sample --seed S --population N|FILE [--size n | method flags]   print the items a seeded draw selects\n"+qualityAuditUsage)
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
			return nil
		}
		return usageError("audit needs a subcommand: verify, sample, " + qualityAuditList)
	}
	var headOnly, quiet bool
	c, _, err := m.parse("audit verify", "audit verify [--head] [--quiet] [flags]", args[1:], func(fs *flag.FlagSet) {
		fs.BoolVar(&headOnly, "head", false, "print only the head hash (hex) when the chain verifies, for recording elsewhere")
		quietFlag(fs, &quiet)
	})
	if err != nil {
		return err
	}
	s, err := m.openCurrent(ctx, c)
	if err != nil {
		return err
	}
	defer s.Close()
	ctx, finish := m.withBar(ctx, quiet)
	progress.Report(ctx, "Verifying the audit trail", 0, 0)
	var checked atomic.Int64
	res, err := m.newApp(s, c).VerifyAudit(ctx, func(done, total int64) {
		checked.Store(done)
		progress.Report(ctx, "Verifying the audit trail", done, total)
	})
	finish()
	if err != nil {
		return interrupted(ctx, err, fmt.Sprintf("verification stopped after about %d events, with no break found so far; it changes nothing, run it again to check the whole trail", checked.Load()))
	}
	if res.Break != nil {
		fmt.Fprintf(m.Stdout, "BROKEN: audit event %d: %s\n", res.Break.Seq, res.Break.Reason)
		fmt.Fprintf(m.Stdout, "The %d events before it verify; their head is %s.\n", res.Events, auditlog.Hex(res.Head))
		return errChainBroken
	}
	if headOnly {
		fmt.Fprintln(m.Stdout, auditlog.Hex(res.Head))
		return nil
	}
	fmt.Fprintf(m.Stdout, "The audit trail verifies: %d events, every link intact.\nHead: %s (event %d)\n", res.Events, auditlog.Hex(res.Head), res.Seq)
	fmt.Fprintln(m.Stdout, "Record the head elsewhere; a later verify that still passes through it proves nothing before it changed.")
	return nil
}
