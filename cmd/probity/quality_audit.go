package main

import "context"

// qualityAuditCommands are the `probity audit` subcommands of quality audits.
var qualityAuditCommands = map[string]bool{"plan": true, "batch": true, "list": true, "start": true, "show": true, "score": true, "complete": true}

const (
	qualityAuditList  = "plan, batch, list, start, show, score, complete"
	qualityAuditUsage = ""
)

// qualityAudit runs `probity audit plan|batch|list|start|show|score|complete`.
func (m *Main) qualityAudit(ctx context.Context, args []string) error {
	return usageError("audit " + args[0] + ": not implemented yet")
}

// corrective runs `probity corrective raise|respond|verify|list`.
func (m *Main) corrective(ctx context.Context, args []string) error {
	return usageError("corrective: not implemented yet")
}
