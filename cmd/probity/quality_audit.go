package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
)

// Quality audits from the command line: the same use cases as the
// engagement's Quality audits tab and the API, acting as the user given by
// --as (internal/app/audits.go).

// qualityAuditCommands are the `probity audit` subcommands of quality audits.
var qualityAuditCommands = map[string]bool{"plan": true, "batch": true, "list": true, "start": true, "show": true, "score": true, "complete": true}

const (
	qualityAuditList  = "plan, batch, list, start, show, score, complete"
	qualityAuditUsage = `  probity audit plan show --engagement N --as EMAIL
  probity audit plan set --engagement N --as EMAIL [--cadence C] [--every-n N] [--population P]
        [--method proportion|zero_defect|z14] [--confidence 0.95] [--margin 0.05] [--expected 0.5]
        [--max-error-rate 0.02] [--level I|II|III] [--accept AC] [--reject RE] [--stratify]
        [--positive-label L] [--pause-after N] [--allow-relax] [--auditor EMAIL] [--criteria FILE.json]
      show or set the engagement's audit plan (flags not given keep their value)
  probity audit batch import FILE --name NAME --engagement N --as EMAIL
  probity audit batch list --engagement N --as EMAIL
      import a CSV of items (item id, decision, person, ...) to audit; list the batches
  probity audit list --engagement N --as EMAIL
  probity audit start --engagement N --as EMAIL [--audit ID] [--batch ID] [--seed S]
      draw the sample of a due audit (--audit) or of a manual one now
  probity audit show ID --engagement N --as EMAIL
      the audit's results (error rate, intervals, verdict, statement) and its items
  probity audit score ID --item SID --engagement N --as EMAIL [--fail k1,k2] [--correct D] [--note TEXT]
  probity audit complete ID --engagement N --as EMAIL
`
	correctiveUsage = `Usage:
  probity corrective list --engagement N --as EMAIL
  probity corrective raise --engagement N --audit ID --description TEXT --due YYYY-MM-DD [--finding F] --as EMAIL
  probity corrective respond ID --engagement N --response TEXT --as EMAIL
  probity corrective verify ID --engagement N (--accept | --reopen --note TEXT) --as EMAIL

Each acts as the user given by --as, through the same rules as the web UI and
the API; a refusal prints why and exits 1, changing nothing.
`
)

// auditBoolFlags and correctiveBoolFlags are the flags of these commands
// that take no value (audit plan set's --accept takes the acceptance
// number; corrective verify's --accept takes none).
var (
	auditBoolFlags      = map[string]bool{"stratify": true, "allow-relax": true, "h": true, "help": true}
	correctiveBoolFlags = map[string]bool{"accept": true, "reopen": true, "h": true, "help": true}
)

// positional takes one argument given before, between or after the flags
// (Go's flag package stops at the first non-flag): it returns the
// argument, if any, and the flags to parse. bools are the flags that take
// no value.
func positional(args []string, bools map[string]bool) (string, []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			break
		}
		if strings.HasPrefix(a, "-") && len(a) > 1 {
			name := strings.TrimLeft(a, "-")
			if !strings.Contains(name, "=") && !bools[name] {
				i++ // the flag's value
			}
			continue
		}
		return a, append(slices.Clone(args[:i]), args[i+1:]...)
	}
	return "", args
}

// afterFlags returns the one positional argument, taken before or after
// the flags, or a usage error naming what is wanted.
func afterFlags(before string, fs *flag.FlagSet, want string) (string, error) {
	rest := fs.Args()
	if before != "" {
		rest = append([]string{before}, rest...)
	}
	switch {
	case len(rest) == 0 && want != "":
		return "", usageError("give " + want)
	case len(rest) > 1 || len(rest) == 1 && want == "":
		return "", usageError(fmt.Sprintf("unexpected argument %q", rest[len(rest)-1]))
	case len(rest) == 0:
		return "", nil
	}
	return rest[0], nil
}

func positiveID(s, what string) (int64, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, usageError(fmt.Sprintf("%q is not %s", s, what))
	}
	return n, nil
}

// qualityAudit runs `probity audit plan|batch|list|start|show|score|complete`.
func (m *Main) qualityAudit(ctx context.Context, args []string) error {
	sub := args[0]
	args = args[1:]
	if sub == "plan" || sub == "batch" {
		if len(args) == 0 || strings.HasPrefix(args[0], "-") {
			fmt.Fprint(m.Stderr, "Usage:\n"+qualityAuditUsage)
			return usageError("audit " + sub + " needs a subcommand: " + map[string]string{"plan": "show or set", "batch": "import or list"}[sub])
		}
		sub, args = sub+" "+args[0], args[1:]
	}
	subs := map[string]string{
		"plan show":    "audit plan show --engagement N --as EMAIL [flags]",
		"plan set":     "audit plan set --engagement N --as EMAIL [plan flags] [flags]",
		"batch import": "audit batch import FILE --name NAME --engagement N --as EMAIL [flags]",
		"batch list":   "audit batch list --engagement N --as EMAIL [flags]",
		"list":         "audit list --engagement N --as EMAIL [flags]",
		"start":        "audit start --engagement N --as EMAIL [--audit ID] [--batch ID] [--seed S] [flags]",
		"show":         "audit show ID --engagement N --as EMAIL [flags]",
		"score":        "audit score ID --item SID --engagement N --as EMAIL [--fail k1,k2] [--correct DECISION] [--note TEXT] [flags]",
		"complete":     "audit complete ID --engagement N --as EMAIL [flags]",
	}
	if subs[sub] == "" {
		fmt.Fprint(m.Stderr, "Usage:\n"+qualityAuditUsage)
		return usageError("unknown subcommand audit " + sub)
	}
	pos, args := positional(args, auditBoolFlags)
	var as, name, seed, fail, correct, note string
	var eid, auditID, batchID, item int64
	pf := planFlags{}
	c, fset, err := m.parse("audit "+sub, subs[sub], args, func(fs *flag.FlagSet) {
		fs.StringVar(&as, "as", "", "email of the user to act as")
		fs.Int64Var(&eid, "engagement", 0, "id of the engagement")
		switch sub {
		case "plan set":
			pf.define(fs)
		case "batch import":
			fs.StringVar(&name, "name", "", "the batch's name (unique in the engagement)")
		case "start":
			fs.Int64Var(&auditID, "audit", 0, "id of a due audit (default: a manual audit now)")
			fs.Int64Var(&batchID, "batch", 0, "id of the batch to sample (batch_items plans)")
			fs.StringVar(&seed, "seed", "", "the seed to record (default: a fresh one)")
		case "score":
			fs.Int64Var(&item, "item", 0, "id of the sampled item (see audit show)")
			fs.StringVar(&fail, "fail", "", "keys of the rubric criteria the item fails, comma-separated")
			fs.StringVar(&correct, "correct", "", "the correct decision (batch items)")
			fs.StringVar(&note, "note", "", "a note on the item")
		}
	})
	if err != nil {
		return err
	}
	want := map[string]string{"batch import": "the CSV file, e.g. probity audit batch import items.csv --name N", "show": "the audit's id",
		"score": "the audit's id", "complete": "the audit's id"}[sub]
	arg, err := afterFlags(pos, fset, want)
	if err != nil {
		return err
	}
	switch {
	case strings.TrimSpace(as) == "":
		return usageError("audit " + sub + " needs --as EMAIL: the user to act as")
	case eid <= 0:
		return usageError("audit " + sub + " needs --engagement N")
	case sub == "score" && item <= 0:
		return usageError("audit score needs --item SID: the sampled item's id (audit show lists them)")
	}
	var aid int64
	if sub == "show" || sub == "score" || sub == "complete" {
		if aid, err = positiveID(arg, "an audit id"); err != nil {
			return err
		}
	}
	a, actor, done, ctx, err := m.cliActor(ctx, c, as)
	if err != nil {
		return err
	}
	defer done()
	out := m.Stdout
	switch sub {
	case "plan show":
		v, err := a.QualityAudits(ctx, actor, eid)
		if err != nil {
			return err
		}
		if v.Plan == nil {
			fmt.Fprintln(out, "No audit plan yet.")
			return nil
		}
		printPlan(out, *v.Plan, v.Rules)
	case "plan set":
		v, err := a.QualityAudits(ctx, actor, eid)
		if err != nil {
			return err
		}
		p := domain.AuditPlan{Cadence: domain.AuditMonthly, Population: domain.PopulationDeliverables,
			Sampling: domain.SampleSpec{Method: domain.MethodProportion, Confidence: 0.95, Margin: 0.05, Expected: 0.5}, MaxErrorRate: 0.05,
			PositiveLabel: "responsive", Criteria: slices.Clone(domain.DefaultRubric)}
		if v.Plan != nil {
			p = *v.Plan
		}
		if err := pf.apply(fset, &p, func(email string) (int64, error) {
			u, err := a.UserByEmail(ctx, app.Operator, email)
			return u.ID, err
		}); err != nil {
			return err
		}
		saved, err := a.SetAuditPlan(ctx, actor, eid, p)
		if err != nil {
			return err
		}
		fmt.Fprintln(out, "Audit plan saved.")
		printPlan(out, saved, domain.SwitchRules(saved))
	case "batch import":
		if strings.TrimSpace(name) == "" {
			return usageError("audit batch import needs --name NAME")
		}
		f, err := os.Open(arg)
		if errors.Is(err, fs.ErrNotExist) {
			return usageError(arg + " does not exist")
		} else if err != nil {
			return err
		}
		defer f.Close()
		b, err := a.ImportAuditBatch(ctx, actor, eid, name, f)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "Imported batch %d %q: %d items by %d people.\n", b.ID, b.Name, b.Items, b.People)
	case "batch list":
		v, err := a.QualityAudits(ctx, actor, eid)
		if err != nil {
			return err
		}
		if len(v.Batches) == 0 {
			fmt.Fprintln(out, "No batches.")
		}
		for _, b := range v.Batches {
			fmt.Fprintf(out, "%d\t%s\t%d items\t%d people\t%s\n", b.ID, b.Name, b.Items, b.People, b.ImportedAt.Format("2006-01-02"))
		}
	case "list":
		v, err := a.QualityAudits(ctx, actor, eid)
		if err != nil {
			return err
		}
		if len(v.Audits) == 0 {
			fmt.Fprintln(out, "No audits.")
		}
		for _, x := range v.Audits {
			printAuditLine(out, x)
		}
	case "start":
		x, err := a.StartAudit(ctx, actor, eid, app.StartAuditInput{AuditID: auditID, BatchID: batchID, Seed: seed})
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "Audit %d (%s): drew %d of %d items with seed %s.\n", x.ID, x.Period, x.SampleSize, x.Population, x.Seed)
		fmt.Fprintf(out, "Reproduce the draw: %s\n", reproduce(x))
	case "show":
		d, err := a.AuditDetail(ctx, actor, eid, aid)
		if err != nil {
			return err
		}
		printAuditDetail(out, d)
	case "score":
		sc := domain.ItemScore{SampleID: item, CorrectDecision: correct, Note: note}
		for _, k := range strings.Split(fail, ",") {
			if k = strings.TrimSpace(k); k != "" {
				sc.Failed = append(sc.Failed, k)
			}
		}
		if err := a.ScoreAuditItem(ctx, actor, eid, aid, sc); err != nil {
			return err
		}
		failed := "no criterion failed"
		if len(sc.Failed) > 0 {
			failed = "failed " + strings.Join(sc.Failed, ", ")
		}
		fmt.Fprintf(out, "Scored item %d of audit %d: %s.\n", item, aid, failed)
	case "complete":
		d, err := a.CompleteAudit(ctx, actor, eid, aid)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "Audit %d completed: %s, %d errors in %d items.\n", aid, verdictWord(d.Results.Verdict), d.Results.Errors, d.Results.Scored)
		if d.Results.Statement != "" {
			fmt.Fprintln(out, d.Results.Statement)
		}
	}
	return nil
}

// planFlags are `audit plan set`'s flags; only those given change the plan.
type planFlags struct {
	cadence, population, method, level, positive, auditor, criteria string
	everyN, accept, reject, pauseAfter                              int
	confidence, margin, expected, maxError                          float64
	stratify, allowRelax                                            bool
}

func (pf *planFlags) define(fs *flag.FlagSet) {
	fs.StringVar(&pf.cadence, "cadence", "", "weekly, fortnightly, monthly, every_n_deliverables or every_batch")
	fs.IntVar(&pf.everyN, "every-n", 0, "N, for every_n_deliverables")
	fs.StringVar(&pf.population, "population", "", "deliverables or batch_items")
	fs.StringVar(&pf.method, "method", "", "proportion, zero_defect or z14")
	fs.Float64Var(&pf.confidence, "confidence", 0, "confidence, a fraction (0.95)")
	fs.Float64Var(&pf.margin, "margin", 0, "margin of error, a fraction (proportion method)")
	fs.Float64Var(&pf.expected, "expected", 0, "expected error proportion (proportion method; 0.5 when unknown)")
	fs.Float64Var(&pf.maxError, "max-error-rate", 0, "the pass threshold, and the rate zero-defect sampling excludes (a fraction)")
	fs.StringVar(&pf.level, "level", "", "Z1.4 general inspection level: I, II or III")
	fs.IntVar(&pf.accept, "accept", 0, "Z1.4 acceptance number Ac")
	fs.IntVar(&pf.reject, "reject", 0, "Z1.4 rejection number Re")
	fs.BoolVar(&pf.stratify, "stratify", false, "draw per person (stratified)")
	fs.StringVar(&pf.positive, "positive-label", "", "the decision counted as positive in a document review")
	fs.IntVar(&pf.pauseAfter, "pause-after", 0, "pause the engagement after this many consecutive failed audits (0: never)")
	fs.BoolVar(&pf.allowRelax, "allow-relax", false, "consecutive passes may reduce the sample")
	fs.StringVar(&pf.auditor, "auditor", "", "email of the auditor (default: the supervising attorney)")
	fs.StringVar(&pf.criteria, "criteria", "", "a JSON file of the rubric: [{\"key\":…,\"name\":…,\"weight\":\"critical|major|minor\",\"description\":…}]")
}

// apply sets the fields of p whose flags were given.
func (pf *planFlags) apply(set *flag.FlagSet, p *domain.AuditPlan, userID func(email string) (int64, error)) error {
	var err error
	set.Visit(func(f *flag.Flag) {
		if err != nil {
			return
		}
		switch f.Name {
		case "cadence":
			p.Cadence = domain.AuditCadence(pf.cadence)
		case "every-n":
			p.EveryN = pf.everyN
		case "population":
			p.Population = domain.Population(pf.population)
		case "method":
			p.Sampling.Method = domain.SamplingMethod(pf.method)
		case "confidence":
			p.Sampling.Confidence = pf.confidence
		case "margin":
			p.Sampling.Margin = pf.margin
		case "expected":
			p.Sampling.Expected = pf.expected
		case "max-error-rate":
			p.MaxErrorRate = pf.maxError
		case "level":
			p.Sampling.Level = pf.level
		case "accept":
			p.Sampling.Accept = pf.accept
		case "reject":
			p.Sampling.Reject = pf.reject
		case "stratify":
			p.Stratify = pf.stratify
		case "positive-label":
			p.PositiveLabel = pf.positive
		case "pause-after":
			p.PauseAfter = pf.pauseAfter
		case "allow-relax":
			p.AllowRelax = pf.allowRelax
		case "auditor":
			p.AuditorID, err = userID(pf.auditor)
		case "criteria":
			var b []byte
			if b, err = os.ReadFile(pf.criteria); errors.Is(err, fs.ErrNotExist) {
				err = usageError("--criteria " + pf.criteria + " does not exist")
			} else if err == nil {
				p.Criteria = nil
				if json.Unmarshal(b, &p.Criteria) != nil {
					err = usageError("--criteria " + pf.criteria + " is not a JSON list of criteria")
				}
			}
		}
	})
	if p.Sampling.Method == domain.MethodZeroDefect {
		p.Sampling.MaxErrorRate = p.MaxErrorRate
	}
	return err
}

// percent shows a proportion as a percentage with up to two decimals.
func percent(x float64) string {
	s := strconv.FormatFloat(x*100, 'f', 2, 64)
	return strings.TrimSuffix(strings.TrimRight(s, "0"), ".") + "%"
}

func verdictWord(v string) string {
	switch v {
	case "pass":
		return "PASSED"
	case "fail":
		return "FAILED"
	}
	return "no verdict yet"
}

func printPlan(out io.Writer, p domain.AuditPlan, rules []string) {
	cadence := string(p.Cadence)
	if p.Cadence == domain.AuditEveryN {
		cadence += fmt.Sprintf(" (N = %d)", p.EveryN)
	}
	fmt.Fprintf(out, "Cadence:     %s\nPopulation:  %s", cadence, p.Population)
	if p.Stratify {
		fmt.Fprint(out, ", stratified by person")
	}
	fmt.Fprintf(out, "\nMethod:      %s, confidence %s", p.Sampling.Method, percent(p.Sampling.Confidence))
	switch p.Sampling.Method {
	case domain.MethodProportion:
		fmt.Fprintf(out, ", margin %s, expected %s", percent(p.Sampling.Margin), percent(p.Sampling.Expected))
	case domain.MethodZ14:
		fmt.Fprintf(out, ", level %s, Ac %d, Re %d", p.Sampling.Level, p.Sampling.Accept, p.Sampling.Reject)
	}
	fmt.Fprintf(out, "\nThreshold:   error rate at most %s\n", percent(p.MaxErrorRate))
	auditor := p.AuditorName
	if auditor == "" {
		auditor = "the supervising attorney"
	}
	fmt.Fprintf(out, "Auditor:     %s\nSampling:    %s (pause after %d consecutive failures; relax allowed: %t)\n", auditor, p.Switch, p.PauseAfter, p.AllowRelax)
	fmt.Fprintln(out, "Rubric:")
	for _, c := range p.Criteria {
		fmt.Fprintf(out, "  %s\t%s\t%s\n", c.Key, c.Weight, c.Name)
	}
	if len(rules) > 0 {
		fmt.Fprintln(out, "Switching rules:")
		for _, r := range rules {
			fmt.Fprintf(out, "  - %s\n", r)
		}
	}
}

// reproduce is the command line that draws an audit's sample again
// (a stratified draw needs the batch's CSV, which names each item's person).
func reproduce(x domain.Audit) string {
	if x.Stratified {
		return fmt.Sprintf("probity audit sample --seed %s --population BATCH.csv --size %d --stratify   (BATCH.csv: the batch as imported)", shellWord(x.Seed), x.SampleSize)
	}
	return fmt.Sprintf("probity audit sample --seed %s --population %d --size %d", shellWord(x.Seed), x.Population, x.SampleSize)
}

// shellWord quotes s for a POSIX shell when it needs quoting.
func shellWord(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\n'\"\\$`;&|<>*?()[]{}~#!") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func printAuditLine(out io.Writer, x domain.Audit) {
	flag := ""
	if x.Overdue {
		flag = " OVERDUE"
	}
	sample := "-"
	if x.SampleSize > 0 {
		sample = fmt.Sprintf("%d of %d", x.SampleSize, x.Population)
	}
	verdict := x.Verdict
	if verdict == "" {
		verdict = "-"
	}
	fmt.Fprintf(out, "%d\t%s\t%s\tdue %s\t%s\tsample %s\terrors %d\t%s%s\n", x.ID, x.Period, x.Kind, x.DueOn, x.State, sample, x.Errors, verdict, flag)
}

func printAuditDetail(out io.Writer, d app.AuditDetail) {
	x, r := d.Audit, d.Results
	fmt.Fprintf(out, "Audit %d (%s, %s): %s, due %s\n", x.ID, x.Period, x.Kind, x.State, x.DueOn)
	if x.SampleSize == 0 {
		fmt.Fprintln(out, "The sample has not been drawn yet.")
		return
	}
	fmt.Fprintf(out, "Method:      %s at %s confidence; sampling %s\n", x.Spec.Method, percent(x.Spec.Confidence), x.Switch)
	fmt.Fprintf(out, "Sample:      %d of %d items, seed %s\n", x.SampleSize, x.Population, x.Seed)
	fmt.Fprintf(out, "Reproduce:   %s\n", reproduce(x))
	fmt.Fprintf(out, "Scored:      %d, errors %d\n", r.Scored, r.Errors)
	if r.Scored > 0 {
		fmt.Fprintf(out, "Error rate:  %s\n", percent(r.Wilson.Rate))
		fmt.Fprintf(out, "Wilson:      %s to %s\n", percent(r.Wilson.Low), percent(r.Wilson.High))
		fmt.Fprintf(out, "Clopper–Pearson: %s to %s\n", percent(r.Exact.Low), percent(r.Exact.High))
		fmt.Fprintf(out, "Upper bound: %s\n", percent(r.UpperBound))
	}
	fmt.Fprintf(out, "Verdict:     %s\n", verdictWord(r.Verdict))
	if r.Statement != "" {
		fmt.Fprintln(out, r.Statement)
	}
	for _, c := range r.Criteria {
		fmt.Fprintf(out, "  %s (%s): %d failed, %s\n", c.Name, c.Weight, c.Failed, percent(c.Rate))
	}
	for _, p := range r.People {
		fmt.Fprintf(out, "  %s: %d of %d in error, %s\n", p.Person, p.Rate.X, p.Rate.N, percent(p.Rate.Rate))
	}
	if rv := r.Review; rv != nil {
		fmt.Fprintf(out, "Review:      accuracy %s, precision %s, recall %s, elusion %s\n", percent(rv.Accuracy), percent(rv.Precision), percent(rv.Recall), percent(rv.Elusion))
	}
	if len(d.Items) > 0 {
		fmt.Fprintln(out, "Items (id, draw, position, key, person, decision, score):")
	}
	for _, it := range d.Items {
		score := "not scored"
		if s := it.Score; s != nil {
			score = "ok"
			if len(s.Failed) > 0 {
				score = "failed " + strings.Join(s.Failed, ",")
			}
			if s.CorrectDecision != "" {
				score += "; correct " + s.CorrectDecision
			}
		}
		fmt.Fprintf(out, "  %d\t%d\t%d\t%s\t%s\t%s\t%s\n", it.ID, it.Draw, it.Position, it.Key, it.Person, it.Decision, score)
	}
	for _, c := range d.Corrective {
		fmt.Fprintf(out, "Corrective action %d: %s (due %s, %s)\n", c.ID, c.Description, c.DueOn, c.State)
	}
}

// corrective runs `probity corrective raise|respond|verify|list`.
func (m *Main) corrective(ctx context.Context, args []string) error {
	subs := map[string]string{
		"list":    "corrective list --engagement N --as EMAIL [flags]",
		"raise":   "corrective raise --engagement N --audit ID --description TEXT --due YYYY-MM-DD [--finding F] --as EMAIL [flags]",
		"respond": "corrective respond ID --engagement N --response TEXT --as EMAIL [flags]",
		"verify":  "corrective verify ID --engagement N (--accept | --reopen --note TEXT) --as EMAIL [flags]",
	}
	if len(args) == 0 || subs[args[0]] == "" {
		fmt.Fprint(m.Stderr, correctiveUsage)
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
			return nil
		}
		return usageError("corrective needs a subcommand: list, raise, respond or verify")
	}
	sub := args[0]
	pos, rest := positional(args[1:], correctiveBoolFlags)
	var as, desc, due, response, note string
	var eid, auditID, finding int64
	var accept, reopen bool
	c, fset, err := m.parse("corrective "+sub, subs[sub], rest, func(fs *flag.FlagSet) {
		fs.StringVar(&as, "as", "", "email of the user to act as")
		fs.Int64Var(&eid, "engagement", 0, "id of the engagement")
		switch sub {
		case "raise":
			fs.Int64Var(&auditID, "audit", 0, "id of the audit")
			fs.Int64Var(&finding, "finding", 0, "id of the finding (default: the audit as a whole)")
			fs.StringVar(&desc, "description", "", "what the vendor must correct")
			fs.StringVar(&due, "due", "", "the due date, YYYY-MM-DD")
		case "respond":
			fs.StringVar(&response, "response", "", "the vendor's response")
		case "verify":
			fs.BoolVar(&accept, "accept", false, "accept the response and close the action")
			fs.BoolVar(&reopen, "reopen", false, "reopen the action (say why with --note)")
			fs.StringVar(&note, "note", "", "the attorney's note")
		}
	})
	if err != nil {
		return err
	}
	want := map[string]string{"respond": "the corrective action's id", "verify": "the corrective action's id"}[sub]
	arg, err := afterFlags(pos, fset, want)
	if err != nil {
		return err
	}
	switch {
	case strings.TrimSpace(as) == "":
		return usageError("corrective " + sub + " needs --as EMAIL: the user to act as")
	case eid <= 0:
		return usageError("corrective " + sub + " needs --engagement N")
	case sub == "raise" && auditID <= 0:
		return usageError("corrective raise needs --audit ID")
	case sub == "verify" && accept == reopen:
		return usageError("corrective verify needs exactly one of --accept or --reopen")
	}
	var cid int64
	if want != "" {
		if cid, err = positiveID(arg, "a corrective action id"); err != nil {
			return err
		}
	}
	dueOn, err := domain.ParseDate("due", due)
	if err != nil {
		return err
	}
	a, actor, done, ctx, err := m.cliActor(ctx, c, as)
	if err != nil {
		return err
	}
	defer done()
	out := m.Stdout
	switch sub {
	case "list":
		v, err := a.QualityAudits(ctx, actor, eid)
		if err != nil {
			return err
		}
		if len(v.Corrective) == 0 {
			fmt.Fprintln(out, "No corrective actions.")
		}
		for _, x := range v.Corrective {
			flag := ""
			if x.Overdue {
				flag = " OVERDUE"
			}
			fmt.Fprintf(out, "%d\taudit %d\t%s\tdue %s\t%s%s\n", x.ID, x.AuditID, x.State, x.DueOn, x.Description, flag)
		}
	case "raise":
		x, err := a.RaiseCorrectiveAction(ctx, actor, eid, auditID, domain.CorrectiveAction{FindingID: finding, Description: desc, DueOn: dueOn})
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "Raised corrective action %d to the vendor, due %s.\n", x.ID, x.DueOn)
	case "respond":
		if err := a.RespondCorrectiveAction(ctx, actor, eid, cid, response); err != nil {
			return err
		}
		fmt.Fprintf(out, "Responded to corrective action %d; the supervising attorney verifies it.\n", cid)
	case "verify":
		if err := a.VerifyCorrectiveAction(ctx, actor, eid, cid, accept, note); err != nil {
			return err
		}
		if accept {
			fmt.Fprintf(out, "Corrective action %d accepted and closed.\n", cid)
		} else {
			fmt.Fprintf(out, "Corrective action %d reopened.\n", cid)
		}
	}
	return nil
}
