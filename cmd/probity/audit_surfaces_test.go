package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/testenv"
)

// TestQualityAuditSurfaces is issue 7's "gates live once" bar for quality
// audits: on the demo's Calloway/Lexora document review (Marcus Oyelaran
// supervises), the same walk runs through the web UI, the JSON API and the
// CLI in turn, each surface alone. Every refusal (a vendor importing,
// starting or scoring; a CSV with a repeated item id, or empty; a plan
// with confidence 1.5; scoring an item of another audit; completing with
// items unscored; a vendor professional answering a corrective action; an
// attorney who does not supervise verifying one; the client reading the
// items) must change nothing in any quality-audit table or the audit trail,
// and must mean the same on each surface: the same class (HTTP 403, 404,
// 409 or 422; the CLI's exit 1 with the same domain code) and the same key
// phrase. Every transition (plan, import, a seeded stratified draw equal to
// the one domain.DrawStratified reproduces from the file, scoring by staff,
// completion, a corrective action raised, answered and closed) must happen
// and leave the expected rows.
func TestQualityAuditSurfaces(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		start := time.Now()
		r := startServer(t, e, "--demo")
		x := &lcEnv{r: r, s: openTestStore(t, r.DB, r.Data), web: map[string]*http.Client{}, tokens: map[string]string{}, ids: map[string]int64{},
			api: bearerClient(t), dir: t.TempDir()}
		for _, who := range []string{qaMarcus, qaDaniel, qaHelen, lcPriya, lcAnika, lcRohan} {
			c := httpClient(t)
			formSignInOK(t, c, r.URL, who)
			x.web[who] = c
			x.tokens[who] = r.createToken(t, who, "audit surfaces test", "write")
			x.ids[who] = x.int(t, `SELECT id FROM users WHERE email = $1`, who)
		}
		id := x.int(t, `SELECT id FROM engagements WHERE description = $1`, qaEngagement)
		if id == 0 {
			t.Fatalf("the demo has no engagement %q", qaEngagement)
		}
		if st := x.stage(t, id); st != "active" {
			t.Fatalf("the Calloway/Lexora engagement is %s, want active", st)
		}
		seen := map[string]map[string]qaSeen{}
		for _, surface := range []string{"web", "api", "cli"} {
			t.Run(surface, func(t *testing.T) {
				began := time.Now()
				run := &qaRun{lcEnv: x, surface: surface, id: id, seen: seen}
				qaWalk(t, run)
				t.Logf("%s: %d refusals proved, %d transitions done, in %s", surface, run.refusals, run.done, time.Since(began).Round(time.Millisecond))
			})
		}
		qaCompare(t, seen)
		t.Logf("%s: %s", e.Name, time.Since(start).Round(time.Millisecond))
	})
}

const (
	qaMarcus     = "marcus.oyelaran@hartwellcrane.example"  // supervises Calloway/Lexora, audits it
	qaDaniel     = "daniel.brooks@hartwellcrane.example"    // staff: may conduct audits
	qaHelen      = "helen.calloway@callowayfreight.example" // the client's contact
	qaEngagement = "First-level responsiveness and privilege review of 48,000 documents"
	qaItems      = 60
)

// qaSpec is the plan each surface sets: ISO 2859-1 / Z1.4 at general
// inspection level II accepting one error, drawn per reviewer, so that the
// sample is small and one error still passes (the demo's proportion plan
// would fail every small batch and pause the engagement on the third).
var qaSpec = domain.SampleSpec{Method: domain.MethodZ14, Confidence: 0.95, Level: "II", Accept: 1, Reject: 2}

// qaRun is one surface's walk.
type qaRun struct {
	*lcEnv
	surface   string
	id        int64 // the engagement
	batch     int64 // the batch the surface imported
	audit     int64 // the audit it started
	samples   []int64
	keys      []string
	action    int64 // the corrective action it raised
	refusals  int
	done      int
	seen      map[string]map[string]qaSeen
	firstSeq  int64 // the audit trail before the walk
	qaPrefix  string
	seed      string
	batchName string
}

// qaSeen is what a surface answered to a refusal: its class as a domain
// code, and whether the message carried the key phrase.
type qaSeen struct {
	code   string
	phrase bool
	brief  string
}

// qaStep is one action, described once for every surface.
type qaStep struct {
	web, api, cli func(t *testing.T, x *qaRun) lcOutcome
}

func (x *qaRun) eid() string             { return i64(x.id) }
func (x *qaRun) path(tail string) string { return fmt.Sprintf("/engagements/%d%s", x.id, tail) }
func (x *qaRun) act(s qaStep) func(*testing.T, *qaRun) lcOutcome {
	switch x.surface {
	case "web":
		return s.web
	case "api":
		return s.api
	}
	return s.cli
}

// qaStatusCode is the domain code an HTTP status stands for (httpx.Status).
var qaStatusCode = map[int]string{http.StatusForbidden: domain.EForbidden, http.StatusNotFound: domain.ENotFound,
	http.StatusConflict: domain.EConflict, http.StatusUnprocessableEntity: domain.EInvalid}

// code is the class of a refusal: the HTTP status's code, or for the CLI
// (always exit 1) the code of the error it returned, which ends its text.
func (x *qaRun) code(o lcOutcome) string {
	if x.surface != "cli" {
		return qaStatusCode[o.status]
	}
	best, at := "", -1
	for _, c := range []string{domain.EForbidden, domain.ENotFound, domain.EConflict, domain.EInvalid, domain.EGateClosed} {
		if i := strings.LastIndex(o.text, c+": "); i > at {
			best, at = c, i
		}
	}
	return best
}

// rows is every row of q as text, to compare before and after.
func (x *qaRun) rows(t *testing.T, q string, args ...any) string {
	t.Helper()
	rs, err := x.s.DB().Query(q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rs.Close()
	cols, err := rs.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for rs.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rs.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for i, v := range vals {
			if bs, ok := v.([]byte); ok {
				vals[i] = string(bs)
			}
		}
		fmt.Fprintln(&b, vals...)
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// qaTables are the tables quality audits write, and the audit trail.
var qaTables = []string{"audit_plans", "audit_batches", "audit_population_items", "audits", "audit_samples", "audit_scores",
	"audit_findings", "corrective_actions", "audit_events"}

// snapshot is the row counts, the engagement's plan, audits and corrective
// actions, and its stage: a refusal changes none of them.
func (x *qaRun) snapshot(t *testing.T) map[string]string {
	t.Helper()
	m := map[string]string{}
	for _, tb := range qaTables {
		m[tb] = i64(x.int(t, `SELECT COUNT(*) FROM `+tb))
	}
	m["plan"] = x.rows(t, `SELECT method, confidence_ppm, accept_number, stratify, switch_state, updated_at FROM audit_plans WHERE engagement_id = $1`, x.id)
	m["audits"] = x.rows(t, `SELECT id, state, sample_size, errors, verdict, started_at FROM audits WHERE engagement_id = $1 ORDER BY id`, x.id)
	m["corrective"] = x.rows(t, `SELECT id, state, response, verify_note, closed_at FROM corrective_actions WHERE engagement_id = $1 ORDER BY id`, x.id)
	m["stage"] = x.stage(t, x.id)
	return m
}

// refuse requires the step to be refused with the domain code's class and
// every key phrase (alternatives with |), changing nothing.
func (x *qaRun) refuse(t *testing.T, name string, s qaStep, code string, want ...string) {
	t.Helper()
	before := x.snapshot(t)
	o := x.act(s)(t, x)
	x.refusals++
	got := qaSeen{code: x.code(o), phrase: lcContains(o.text, want...), brief: o.brief()}
	if x.seen[name] == nil {
		x.seen[name] = map[string]qaSeen{}
	}
	x.seen[name][x.surface] = got
	if testing.Verbose() {
		t.Logf("%s %s: %s (class %s)", x.surface, name, o.brief(), got.code)
	}
	switch {
	case !o.refused(x.surface == "cli"):
		t.Errorf("%s: %s — want a refusal (%s)", name, o, code)
	case got.code != code:
		t.Errorf("%s was refused as %q, want %q: %s", name, got.code, code, o)
	case !got.phrase:
		t.Errorf("%s was refused without the key phrase %q: %s", name, want, o)
	}
	if after := x.snapshot(t); fmt.Sprint(after) != fmt.Sprint(before) {
		for k, v := range before {
			if after[k] != v {
				t.Errorf("the refused %s changed %s:\nbefore: %s\nafter:  %s", name, k, v, after[k])
			}
		}
	}
}

// do requires the step to happen.
func (x *qaRun) do(t *testing.T, name string, s qaStep) lcOutcome {
	t.Helper()
	o := x.act(s)(t, x)
	x.done++
	if !o.ok {
		t.Fatalf("%s: %s", name, o)
	}
	return o
}

// ---- the steps

// qaCSV is a batch of n items: ids with the prefix, every third item
// responsive, and three reviewers with 12, 24 and 24 items.
func qaCSV(prefix string, n int) string {
	var b strings.Builder
	b.WriteString("item_id,decision,person\n")
	for i := 1; i <= n; i++ {
		d := "not responsive"
		if i%3 == 0 {
			d = "responsive"
		}
		fmt.Fprintf(&b, "%s-%04d,%s,%s\n", prefix, i, d, qaPerson(i))
	}
	return b.String()
}

func qaPerson(i int) string {
	return []string{"Rohan Kulkarni", "Rohan Kulkarni", "Meera Iyer", "Meera Iyer", "Anika Deshmukh"}[i%5]
}

// qaDuplicate repeats line 3's item id on line 5.
const qaDuplicate = "item_id,decision,person\nDUP-1,responsive,Meera Iyer\nDUP-2,not responsive,Meera Iyer\nDUP-3,responsive,Rohan Kulkarni\nDUP-2,responsive,Rohan Kulkarni\n"

func qaImport(who, name string, csv func(x *qaRun) string) qaStep {
	return qaStep{
		web: func(t *testing.T, x *qaRun) lcOutcome {
			return x.webUpload(t, who, x.path("/audit-batches"), [][2]string{{"name", name}}, "batch.csv", csv(x))
		},
		api: func(t *testing.T, x *qaRun) lcOutcome {
			return x.apiDo(t, who, http.MethodPost, x.path("/audit-batches?name="+url.QueryEscape(name)), csv(x), http.Header{"Content-Type": {"text/csv"}})
		},
		cli: func(t *testing.T, x *qaRun) lcOutcome {
			return x.cli(t, "audit", "batch", "import", x.file(t, "batch.csv", csv(x)), "--name", name, "--engagement", x.eid(), "--as", who)
		}}
}

// qaPlan sets the plan of qaSpec with the given confidence; the CLI gives
// the acceptance and rejection numbers as its usage documents them
// (--accept AC), or, with joined, as --accept=AC.
func qaPlan(who string, confidence float64, joined bool) qaStep {
	return qaStep{
		web: func(t *testing.T, x *qaRun) lcOutcome {
			f := url.Values{"cadence": {"weekly"}, "population": {"batch_items"}, "method": {string(qaSpec.Method)},
				"confidence": {strconv.FormatFloat(confidence*100, 'f', -1, 64)}, "level": {qaSpec.Level}, "accept": {strconv.Itoa(qaSpec.Accept)},
				"reject": {strconv.Itoa(qaSpec.Reject)}, "stratify": {"on"}, "positive_label": {"responsive"}, "pause_after": {"3"},
				"auditor": {i64(x.ids[qaMarcus])}}
			for _, c := range domain.DefaultRubric {
				f.Add("criterion_key", c.Key)
				f.Add("criterion_name", c.Name)
				f.Add("criterion_weight", string(c.Weight))
				f.Add("criterion_description", c.Description)
			}
			return x.webPost(t, who, x.path("/audit-plan"), f)
		},
		api: func(t *testing.T, x *qaRun) lcOutcome {
			rubric, err := json.Marshal(domain.DefaultRubric)
			if err != nil {
				t.Fatal(err)
			}
			return x.apiJSON(t, who, http.MethodPut, x.path("/audit-plan"), fmt.Sprintf(`{"cadence":"weekly","population":"batch_items","method":%q,`+
				`"confidence":%v,"level":%q,"accept":%d,"reject":%d,"stratify":true,"positive_label":"responsive","criteria":%s,"auditor_id":%d,"pause_after":3}`,
				qaSpec.Method, confidence, qaSpec.Level, qaSpec.Accept, qaSpec.Reject, rubric, x.ids[qaMarcus]))
		},
		cli: func(t *testing.T, x *qaRun) lcOutcome {
			numbers := []string{"--accept", strconv.Itoa(qaSpec.Accept), "--reject", strconv.Itoa(qaSpec.Reject)}
			if joined {
				numbers = []string{"--accept=" + strconv.Itoa(qaSpec.Accept), "--reject=" + strconv.Itoa(qaSpec.Reject)}
			}
			return x.cli(t, append([]string{"audit", "plan", "set", "--engagement", x.eid(), "--as", who, "--cadence", "weekly", "--population", "batch_items",
				"--method", string(qaSpec.Method), "--confidence", strconv.FormatFloat(confidence, 'f', -1, 64), "--level", qaSpec.Level,
				"--stratify", "--positive-label", "responsive", "--pause-after", "3", "--auditor", qaMarcus}, numbers...)...)
		}}
}

func qaStart(who string) qaStep {
	return qaStep{
		web: func(t *testing.T, x *qaRun) lcOutcome {
			return x.webPost(t, who, x.path("/audits"), url.Values{"batch": {i64(x.batch)}, "seed": {x.seed}})
		},
		api: func(t *testing.T, x *qaRun) lcOutcome {
			return x.apiJSON(t, who, http.MethodPost, x.path("/audits"), fmt.Sprintf(`{"batch_id":%d,"seed":%q}`, x.batch, x.seed))
		},
		cli: func(t *testing.T, x *qaRun) lcOutcome {
			return x.cli(t, "audit", "start", "--engagement", x.eid(), "--batch", i64(x.batch), "--seed", x.seed, "--as", who)
		}}
}

// qaScore scores sampled item sid (of the run's audit) failing the criteria.
func qaScore(who string, sid func(x *qaRun) int64, failed ...string) qaStep {
	return qaStep{
		web: func(t *testing.T, x *qaRun) lcOutcome {
			return x.webPost(t, who, x.path(fmt.Sprintf("/audits/%d/items/%d/score", x.audit, sid(x))), url.Values{"fail": failed, "note": {"checked"}})
		},
		api: func(t *testing.T, x *qaRun) lcOutcome {
			f, _ := json.Marshal(append([]string{}, failed...))
			return x.apiJSON(t, who, http.MethodPost, x.path(fmt.Sprintf("/audits/%d/scores", x.audit)), fmt.Sprintf(`{"sample_id":%d,"failed":%s,"note":"checked"}`, sid(x), f))
		},
		cli: func(t *testing.T, x *qaRun) lcOutcome {
			return x.cli(t, "audit", "score", i64(x.audit), "--item", i64(sid(x)), "--fail", strings.Join(failed, ","), "--note", "checked",
				"--engagement", x.eid(), "--as", who)
		}}
}

func qaComplete(who string) qaStep {
	return qaStep{
		web: func(t *testing.T, x *qaRun) lcOutcome {
			return x.webPost(t, who, x.path(fmt.Sprintf("/audits/%d/complete", x.audit)), nil)
		},
		api: func(t *testing.T, x *qaRun) lcOutcome {
			return x.apiJSON(t, who, http.MethodPost, x.path(fmt.Sprintf("/audits/%d/complete", x.audit)), nil)
		},
		cli: func(t *testing.T, x *qaRun) lcOutcome {
			return x.cli(t, "audit", "complete", i64(x.audit), "--engagement", x.eid(), "--as", who)
		}}
}

// qaRead reads the run's audit with its items.
func qaRead(who string) qaStep {
	return qaStep{
		web: func(t *testing.T, x *qaRun) lcOutcome {
			return x.webGet(t, who, x.path(fmt.Sprintf("/audits/%d", x.audit)))
		},
		api: func(t *testing.T, x *qaRun) lcOutcome {
			return x.apiDo(t, who, http.MethodGet, x.path(fmt.Sprintf("/audits/%d", x.audit)), "", nil)
		},
		cli: func(t *testing.T, x *qaRun) lcOutcome {
			return x.cli(t, "audit", "show", i64(x.audit), "--engagement", x.eid(), "--as", who)
		}}
}

func qaRaise(who string) qaStep {
	const desc = "Re-check the reviewer's privilege calls in this batch and re-code the document in error."
	return qaStep{
		web: func(t *testing.T, x *qaRun) lcOutcome {
			return x.webPost(t, who, x.path(fmt.Sprintf("/audits/%d/corrective-actions", x.audit)), url.Values{"description": {desc}, "due_on": {lcInDays(14)}})
		},
		api: func(t *testing.T, x *qaRun) lcOutcome {
			return x.apiJSON(t, who, http.MethodPost, x.path(fmt.Sprintf("/audits/%d/corrective-actions", x.audit)), fmt.Sprintf(`{"description":%q,"due_on":%q}`, desc, lcInDays(14)))
		},
		cli: func(t *testing.T, x *qaRun) lcOutcome {
			return x.cli(t, "corrective", "raise", "--engagement", x.eid(), "--audit", i64(x.audit), "--description", desc, "--due", lcInDays(14), "--as", who)
		}}
}

func qaRespond(who string) qaStep {
	const response = "The reviewer re-coded the document and the batch's privilege calls were re-checked."
	return qaStep{
		web: func(t *testing.T, x *qaRun) lcOutcome {
			return x.webPost(t, who, x.path(fmt.Sprintf("/corrective-actions/%d/respond", x.action)), url.Values{"response": {response}})
		},
		api: func(t *testing.T, x *qaRun) lcOutcome {
			return x.apiJSON(t, who, http.MethodPost, x.path(fmt.Sprintf("/corrective-actions/%d/respond", x.action)), fmt.Sprintf(`{"response":%q}`, response))
		},
		cli: func(t *testing.T, x *qaRun) lcOutcome {
			return x.cli(t, "corrective", "respond", i64(x.action), "--engagement", x.eid(), "--response", response, "--as", who)
		}}
}

func qaVerify(who string) qaStep {
	return qaStep{
		web: func(t *testing.T, x *qaRun) lcOutcome {
			return x.webPost(t, who, x.path(fmt.Sprintf("/corrective-actions/%d/verify", x.action)), url.Values{"decision": {"accept"}, "note": {"Re-check sampled."}})
		},
		api: func(t *testing.T, x *qaRun) lcOutcome {
			return x.apiJSON(t, who, http.MethodPost, x.path(fmt.Sprintf("/corrective-actions/%d/verify", x.action)), `{"accept":true,"note":"Re-check sampled."}`)
		},
		cli: func(t *testing.T, x *qaRun) lcOutcome {
			return x.cli(t, "corrective", "verify", i64(x.action), "--engagement", x.eid(), "--accept", "--note", "Re-check sampled.", "--as", who)
		}}
}

// ---- the walk

// qaPhraseRole is require's refusal (app.require).
const qaPhraseRole = "does not allow this"

// qaWalk is the walk, the same for every surface.
func qaWalk(t *testing.T, x *qaRun) {
	x.qaPrefix = "QA-" + strings.ToUpper(x.surface)
	x.seed = "surfaces-" + x.surface
	x.batchName = "Surface batch (" + x.surface + ")"
	x.firstSeq = x.int(t, `SELECT MAX(seq) FROM audit_events`)
	good := func(x *qaRun) string { return qaCSV(x.qaPrefix, qaItems) }

	// Bad input and the vendor, before anything of the surface exists.
	x.refuse(t, "vendor imports a batch", qaImport(lcAnika, x.batchName, good), domain.EForbidden, qaPhraseRole)
	x.refuse(t, "batch with a repeated item id", qaImport(qaDaniel, x.batchName, func(*qaRun) string { return qaDuplicate }), domain.EInvalid,
		"line 5", "DUP-2 already on line 3")
	x.refuse(t, "empty batch file", qaImport(qaDaniel, x.batchName, func(*qaRun) string { return "" }), domain.EInvalid, "the file is empty")
	// (The CLI's --accept=AC form, so that only the confidence is wrong.)
	x.refuse(t, "plan with confidence 1.5", qaPlan(qaMarcus, 1.5, true), domain.EInvalid, "confidence", "between 0 and 1")

	// The plan, as each surface documents it, and the batch. The CLI's
	// usage says --accept AC; should that form fail, the walk goes on with
	// --accept=AC and the test fails naming it.
	if o := x.act(qaPlan(qaMarcus, qaSpec.Confidence, false))(t, x); !o.ok && x.surface == "cli" {
		t.Errorf("`probity audit plan set … --accept %d --reject %d` (the documented usage) was refused: %s", qaSpec.Accept, qaSpec.Reject, o.brief())
		x.do(t, "plan set (--accept=AC)", qaPlan(qaMarcus, qaSpec.Confidence, true))
	} else if x.done++; !o.ok {
		t.Fatalf("plan set: %s", o)
	}
	if got := x.rows(t, `SELECT method, confidence_ppm, z14_level, accept_number, stratify FROM audit_plans WHERE engagement_id = $1`, x.id); !strings.HasPrefix(got, "z14 950000 II 1 ") {
		t.Errorf("the plan saved is %q, want z14 at 95%% level II Ac 1", got)
	}
	x.do(t, "batch import", qaImport(qaDaniel, x.batchName, good))
	x.batch = x.int(t, `SELECT id FROM audit_batches WHERE engagement_id = $1 AND name = $2`, x.id, x.batchName)
	if n := x.int(t, `SELECT COUNT(*) FROM audit_population_items WHERE batch_id = $1`, x.batch); n != qaItems {
		t.Fatalf("the batch holds %d items, want %d", n, qaItems)
	}

	// A seeded, stratified draw.
	x.refuse(t, "vendor starts an audit", qaStart(lcAnika), domain.EForbidden, qaPhraseRole)
	x.do(t, "audit start", qaStart(qaMarcus))
	x.audit = x.int(t, `SELECT id FROM audits WHERE engagement_id = $1 AND seed = $2`, x.id, x.seed)
	x.checkDraw(t)

	// Scoring: only the firm; only this audit's items; every item before
	// completing. The client never sees the items.
	x.refuse(t, "client reads the audit's items", qaRead(qaHelen), domain.ENotFound, "not found|could not find")
	nth := func(i int) func(*qaRun) int64 { return func(x *qaRun) int64 { return x.samples[i] } }
	x.refuse(t, "vendor scores an item", qaScore(lcAnika, nth(0)), domain.EForbidden, qaPhraseRole)
	other := func(x *qaRun) int64 {
		return x.int(t, `SELECT MIN(s.id) FROM audit_samples s JOIN audits a ON a.id = s.audit_id WHERE a.engagement_id = $1 AND a.id <> $2`, x.id, x.audit)
	}
	x.refuse(t, "score an item of another audit", qaScore(qaDaniel, other), domain.EInvalid, "is not in this audit")
	for i := range x.samples {
		switch i {
		case len(x.samples) - 1:
			x.refuse(t, "complete with an item unscored", qaComplete(qaMarcus), domain.EInvalid, "1 of the", "not scored yet")
			x.do(t, "score", qaScore(qaDaniel, nth(i)))
		case 0:
			x.do(t, "score", qaScore(qaDaniel, nth(i), "accuracy")) // critical: an error
		case 1:
			x.do(t, "score", qaScore(qaDaniel, nth(i), "format")) // minor: not an error
		default:
			x.do(t, "score", qaScore(qaDaniel, nth(i)))
		}
	}
	x.do(t, "complete", qaComplete(qaMarcus))
	// Completed, the auditor sees the items, the client the result but
	// still no item.
	if o := x.act(qaRead(qaMarcus))(t, x); !o.ok || !strings.Contains(o.text, x.keys[0]) {
		t.Errorf("the auditor reading the completed audit: want its items (%s): %s", x.keys[0], o)
	}
	if o := x.act(qaRead(qaHelen))(t, x); !o.ok || lcContains(o.text, x.qaPrefix) {
		t.Errorf("the client reading the completed audit: want its result without items: %s", o)
	} else {
		x.refusals++
		x.seen["client sees no item of a completed audit"] = mergeSeen(x.seen["client sees no item of a completed audit"], x.surface, qaSeen{code: "ok", phrase: true})
	}

	// The corrective action: raised by the auditor, answered by a vendor
	// manager only, verified by the supervising attorney only.
	x.do(t, "corrective raise", qaRaise(qaMarcus))
	x.action = x.int(t, `SELECT MAX(id) FROM corrective_actions WHERE audit_id = $1`, x.audit)
	x.refuse(t, "vendor professional responds", qaRespond(lcRohan), domain.EForbidden, qaPhraseRole)
	x.do(t, "corrective respond", qaRespond(lcAnika))
	x.refuse(t, "attorney not supervising verifies", qaVerify(lcPriya), domain.EForbidden, "supervising attorney verifies")
	x.do(t, "corrective verify", qaVerify(qaMarcus))
	x.checkEnd(t)
}

func mergeSeen(m map[string]qaSeen, surface string, s qaSeen) map[string]qaSeen {
	if m == nil {
		m = map[string]qaSeen{}
	}
	m[surface] = s
	return m
}

// checkDraw requires the audit's sample to be the stratified draw the
// seed gives on the imported file: each reviewer's items in file order,
// reviewers in name order, each drawn with domain.DrawStratified at the
// Z1.4 size of the reviewer's count (store.DrawFromBatch's procedure).
func (x *qaRun) checkDraw(t *testing.T) {
	t.Helper()
	byPerson := map[string][]int64{}
	for i := 1; i <= qaItems; i++ {
		byPerson[qaPerson(i)] = append(byPerson[qaPerson(i)], int64(i))
	}
	var names []string
	for p := range byPerson {
		names = append(names, p)
	}
	slices.Sort(names)
	strata := make([]domain.Stratum, len(names))
	for i, p := range names {
		strata[i] = domain.Stratum{Name: p, Size: int64(len(byPerson[p]))}
	}
	var sw string
	if err := x.s.DB().QueryRow(`SELECT switch_state FROM audit_plans WHERE engagement_id = $1`, x.id).Scan(&sw); err != nil {
		t.Fatal(err)
	}
	plan := domain.AuditPlan{Sampling: qaSpec, Stratify: true, Switch: domain.SwitchState(sw)}
	sizes := map[int64]int{}
	drawn, err := domain.DrawStratified(x.seed, strata, func(n int64) int {
		k, err := plan.SampleSizeFor(n)
		if err != nil {
			t.Fatalf("size for %d: %v", n, err)
		}
		sizes[n] = k
		return k
	})
	if err != nil {
		t.Fatal(err)
	}
	// Z1.4, level II, normal inspection: lots of 9–15 are letter B (3
	// items), 16–25 letter C (5).
	if sw == string(domain.SwitchNormal) && (sizes[12] != 3 || sizes[24] != 5) {
		t.Errorf("Z1.4 level II sizes for strata of 12 and 24: %v, want 3 and 5", sizes)
	}
	var want []string
	for _, s := range drawn {
		for _, k := range s.Drawn {
			want = append(want, fmt.Sprintf("%s-%04d %s", x.qaPrefix, byPerson[s.Name][k-1], s.Name))
		}
	}
	rs, err := x.s.DB().Query(`SELECT id, position, item_key, person FROM audit_samples WHERE audit_id = $1 ORDER BY draw`, x.audit)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	var got []string
	for rs.Next() {
		var sid, pos int64
		var key, person string
		if err := rs.Scan(&sid, &pos, &key, &person); err != nil {
			t.Fatal(err)
		}
		if key != fmt.Sprintf("%s-%04d", x.qaPrefix, pos) {
			t.Errorf("sampled position %d is item %s", pos, key)
		}
		x.samples, x.keys = append(x.samples, sid), append(x.keys, key)
		got = append(got, key+" "+person)
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("the %s drew, in order:\n%v\nthe seed %q gives:\n%v", x.surface, got, x.seed, want)
	}
	meta := x.rows(t, `SELECT state, population_size, sample_size, stratified, method FROM audits WHERE id = $1`, x.audit)
	if wantMeta := fmt.Sprintf("scoring %d %d ", qaItems, len(want)); !strings.HasPrefix(meta, wantMeta) || !strings.HasSuffix(strings.TrimSpace(meta), "z14") {
		t.Errorf("the started audit is %q, want %q… z14", meta, wantMeta)
	}
}

// checkEnd requires the end state: the audit completed with one error
// (the critical failure; the minor one is not an error) and passed (Z1.4
// accepts one), two findings, every item scored by Daniel, the corrective
// action closed by Marcus after Anika's response, and each change in the
// audit trail.
func (x *qaRun) checkEnd(t *testing.T) {
	t.Helper()
	n := len(x.samples)
	if got, want := x.rows(t, `SELECT state, errors, verdict, sample_size FROM audits WHERE id = $1`, x.audit), fmt.Sprintf("completed 1 pass %d\n", n); got != want {
		t.Errorf("the audit ended %q, want %q", got, want)
	}
	if got, want := x.rows(t, `SELECT criterion, weight FROM audit_findings WHERE audit_id = $1 ORDER BY criterion`, x.audit), "accuracy critical\nformat minor\n"; got != want {
		t.Errorf("findings %q, want %q", got, want)
	}
	if got := x.int(t, `SELECT COUNT(*) FROM audit_scores WHERE audit_id = $1 AND scored_by = $2`, x.audit, x.ids[qaDaniel]); got != int64(n) {
		t.Errorf("%d items scored by Daniel, want %d", got, n)
	}
	if got, want := x.rows(t, `SELECT state, responded_by, closed_by FROM corrective_actions WHERE audit_id = $1`, x.audit),
		fmt.Sprintf("closed %d %d\n", x.ids[lcAnika], x.ids[qaMarcus]); got != want {
		t.Errorf("the corrective action ended %q, want %q", got, want)
	}
	got := x.rows(t, `SELECT action, COUNT(*) FROM audit_events WHERE seq > $1 GROUP BY action ORDER BY action`, x.firstSeq)
	want := fmt.Sprintf("audit.batch_import 1\naudit.complete 1\naudit.corrective_raise 1\naudit.corrective_respond 1\naudit.corrective_verify 1\n"+
		"audit.plan 1\naudit.score %d\naudit.start 1\n", n)
	if got != want {
		t.Errorf("the %s's audit trail:\n%s\nwant:\n%s", x.surface, got, want)
	}
	if st := x.stage(t, x.id); st != "active" {
		t.Errorf("the engagement is %s after a passed audit, want active", st)
	}
}

// qaCompare requires each refusal to mean the same on every surface.
func qaCompare(t *testing.T, seen map[string]map[string]qaSeen) {
	t.Helper()
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		by := seen[n]
		web, api, cli := by["web"], by["api"], by["cli"]
		if len(by) != 3 || web.code != api.code || api.code != cli.code || !web.phrase || !api.phrase || !cli.phrase {
			t.Errorf("%q differs between the surfaces:\n  web: %s %v %s\n  api: %s %v %s\n  cli: %s %v %s", n,
				web.code, web.phrase, web.brief, api.code, api.phrase, api.brief, cli.code, cli.phrase, cli.brief)
		}
	}
}
