package main

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/testenv"
)

// TestEngagementLifecycle is issue 6's state-machine quality bar: it walks
// every transition and every gate of an engagement after opening through
// the web UI handlers, the JSON API and the CLI, and proves that no order
// of calls skips a gate: communication before tasks, acknowledgement before
// documents, the SOW before time and deliverables, approval before release,
// and a closed engagement means no access.
//
// Each step is described once (lcSteps: who does it, and how each surface
// does it); the same walk (lcWalk) runs on three fresh Lexora engagements
// for Greenfield's matter 2026-0203, one per surface. At each stage the walk
// first tries every action whose gate is still closed and requires a
// refusal that changes nothing (no row in any engagement-work table, no
// audit event, the same stage), then performs the transition and checks the
// stage. Every surface has every step; a step a surface lacked would not
// be tried there as a refusal and, as a transition, would be done through
// the API so the walk could go on (the test logs any such fallback).
func TestEngagementLifecycle(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		start := time.Now()
		r := startServer(t, e, "--demo")
		x := &lcEnv{r: r, s: openTestStore(t, r.DB, r.Data), web: map[string]*http.Client{}, tokens: map[string]string{}, ids: map[string]int64{},
			api: bearerClient(t), dir: t.TempDir()}
		for _, who := range []string{lcPriya, lcAnika, lcRohan} {
			c := httpClient(t)
			formSignInOK(t, c, r.URL, who)
			x.web[who] = c
			x.tokens[who] = r.createToken(t, who, "lifecycle test", "write")
			x.ids[who] = x.int(t, `SELECT id FROM users WHERE email = $1`, who)
		}
		for _, surface := range []string{"web", "api", "cli"} {
			t.Run(surface, func(t *testing.T) {
				run := &lcRun{lcEnv: x, surface: surface}
				run.id = lcSetup(t, x, surface)
				lcWalk(t, run)
				if len(run.fallbacks) > 0 {
					t.Errorf("the %s lacks steps the walk needed, done through the API: %s", surface, strings.Join(run.fallbacks, ", "))
				}
				t.Logf("%s: %d refusals proved, %d transitions done (%d through the API: %s)", surface, run.refusals, run.done, len(run.fallbacks), strings.Join(run.fallbacks, ", "))
			})
		}
		t.Logf("%s: %s", e.Name, time.Since(start).Round(time.Millisecond))
	})
}

// lcRun is one surface's walk of one engagement.
type lcRun struct {
	*lcEnv
	surface   string
	id        int64 // the engagement
	item      int64 // its SOW work item
	doc       int64 // the engagement document shared by the firm
	version   int64 // the deliverable version submitted
	refusals  int
	done      int
	fallbacks []string
}

func (x *lcRun) path(tail string) string { return fmt.Sprintf("/engagements/%d%s", x.id, tail) }
func (x *lcRun) eid() string             { return i64(x.id) }

type lcAct func(t *testing.T, x *lcRun) lcOutcome

// lcStep is one action of the walk, described once for every surface.
type lcStep struct {
	who           string
	web, api, cli lcAct // nil when the surface has no way to do it
}

func lcToday() string       { return time.Now().UTC().Format(time.DateOnly) }
func lcInDays(n int) string { return time.Now().UTC().AddDate(0, 0, n).Format(time.DateOnly) }

var lcBriefing = `{"jurisdiction_rules":"Illinois law; NCUA rules.","local_rules":"N.D. Ill. local rules.","client_guidelines":"Greenfield's outside counsel guidelines.",` +
	`"formatting":"Bluebook.","privilege_handling":"Flag counsel's emails.","strategy_fit":"Answers the examiner's findings.","confidentiality":"No exports."}`

func lcBriefingForm() url.Values {
	return url.Values{"jurisdiction_rules": {"Illinois law; NCUA rules."}, "local_rules": {"N.D. Ill. local rules."}, "client_guidelines": {"Greenfield's outside counsel guidelines."},
		"formatting": {"Bluebook."}, "privilege_handling": {"Flag counsel's emails."}, "strategy_fit": {"Answers the examiner's findings."}, "confidentiality": {"No exports."}}
}

// lcPlan is each side's part of the communication plan.
type lcPlan struct{ who, zone, start, end, escalation string }

var lcPlans = map[string]lcPlan{
	lcPriya: {lcPriya, "America/Chicago", "08:00", "17:00", "Priya Raman|24"},
	lcAnika: {lcAnika, "Asia/Kolkata", "09:00", "18:00", "Anika Deshmukh|4"},
}

func lcPlanStep(who string) lcStep {
	p := lcPlans[who]
	return lcStep{who: who,
		web: func(t *testing.T, x *lcRun) lcOutcome {
			who, esc, _ := strings.Cut(p.escalation, "|")
			return x.webPost(t, p.who, x.path("/communication"), url.Values{"contacts": {i64(x.ids[p.who])}, "time_zone": {p.zone}, "hours_start": {p.start},
				"hours_end": {p.end}, "channels": {"probity", "email"}, "cadence": {"weekly"}, "escalation": {who + " | " + esc}, "language": {"English"}})
		},
		api: func(t *testing.T, x *lcRun) lcOutcome {
			who, esc, _ := strings.Cut(p.escalation, "|")
			return x.apiJSON(t, p.who, http.MethodPut, x.path("/communication"), fmt.Sprintf(`{"contacts":[%d],"hours":{"time_zone":%q,"start":%q,"end":%q},`+
				`"channels":["probity","email"],"cadence":"weekly","escalation":[{"who":%q,"response_hours":%s}],"language":"English"}`, x.ids[p.who], p.zone, p.start, p.end, who, esc))
		},
		cli: func(t *testing.T, x *lcRun) lcOutcome {
			return x.cli(t, "engagement", "plan", x.eid(), "--as", p.who, "--contacts", p.who, "--time-zone", p.zone, "--hours", p.start+"-"+p.end,
				"--channels", "probity,email", "--cadence", "weekly", "--escalation", p.escalation, "--language", "English")
		}}
}

func lcConfirmStep(who string) lcStep {
	return lcStep{who: who,
		web: func(t *testing.T, x *lcRun) lcOutcome {
			return x.webPost(t, who, x.path("/kickoff/confirm"), url.Values{"confirm": {"yes"}})
		},
		api: func(t *testing.T, x *lcRun) lcOutcome {
			return x.apiJSON(t, who, http.MethodPost, x.path("/kickoff/confirm"), `{"confirm":true}`)
		},
		cli: func(t *testing.T, x *lcRun) lcOutcome {
			return x.cli(t, "engagement", "kickoff-confirm", x.eid(), "--as", who)
		}}
}

func lcAckStep(who, name string) lcStep {
	return lcStep{who: who,
		web: func(t *testing.T, x *lcRun) lcOutcome {
			return x.webPost(t, who, x.path("/briefing/acknowledge"), url.Values{"typed_name": {name}})
		},
		api: func(t *testing.T, x *lcRun) lcOutcome {
			return x.apiJSON(t, who, http.MethodPost, x.path("/briefing/acknowledge"), fmt.Sprintf(`{"typed_name":%q}`, name))
		},
		cli: func(t *testing.T, x *lcRun) lcOutcome {
			return x.cli(t, "briefing", "acknowledge", x.eid(), "--as", who)
		}}
}

func lcDocOpenStep(who string) lcStep {
	return lcStep{who: who,
		web: func(t *testing.T, x *lcRun) lcOutcome {
			return x.webGet(t, who, x.path(fmt.Sprintf("/documents/%d/content", x.doc)))
		},
		api: func(t *testing.T, x *lcRun) lcOutcome {
			return x.apiDo(t, who, http.MethodGet, x.path(fmt.Sprintf("/documents/%d/content", x.doc)), "", nil)
		},
		cli: func(t *testing.T, x *lcRun) lcOutcome {
			// The content goes to a file (the CLI logs on standard error);
			// the outcome's text is what was written there.
			out := filepath.Join(x.dir, fmt.Sprintf("download-%d-%s", x.doc, strings.SplitN(who, "@", 2)[0]))
			_ = os.Remove(out)
			o := x.cli(t, "document", "download", "--engagement", x.eid(), "--document", i64(x.doc), "--out", out, "--as", who)
			b, err := os.ReadFile(out)
			if o.ok {
				if err != nil {
					t.Fatalf("document download succeeded but wrote no file: %v", err)
				}
				o.text = string(b)
			} else if err == nil {
				t.Errorf("the refused download by %s left %s (%d bytes)", who, out, len(b))
			}
			return o
		}}
}

func lcSOWApproveStep(who string) lcStep {
	sv := func(t *testing.T, x *lcRun) int64 {
		if n := x.int(t, `SELECT MAX(id) FROM sow_versions WHERE engagement_id = $1`, x.id); n != 0 {
			return n
		}
		return x.int(t, `SELECT MIN(id) FROM sow_versions WHERE engagement_id <> $1`, x.id) // before there is one: another's
	}
	return lcStep{who: who,
		web: func(t *testing.T, x *lcRun) lcOutcome {
			return x.webPost(t, who, x.path(fmt.Sprintf("/sow/versions/%d/approve", sv(t, x))), url.Values{"revision": {i64(x.int(t, `SELECT COALESCE(MAX(revision), 0) FROM sow_versions WHERE engagement_id = $1`, x.id))}})
		},
		api: func(t *testing.T, x *lcRun) lcOutcome {
			return x.apiJSON(t, who, http.MethodPost, x.path(fmt.Sprintf("/sow/versions/%d/approve", sv(t, x))), `{}`)
		},
		cli: func(t *testing.T, x *lcRun) lcOutcome { return x.cli(t, "sow", "approve", x.eid(), "--as", who) }}
}

const lcDocText = "Greenfield loan file 17: servicing notes, privileged.\n"

// lcSteps are every action of the walk.
var lcSteps = map[string]lcStep{
	"plan (firm)":   lcPlanStep(lcPriya),
	"plan (vendor)": lcPlanStep(lcAnika),
	"kickoff record": {who: lcPriya,
		web: func(t *testing.T, x *lcRun) lcOutcome {
			loc, _ := time.LoadLocation("America/Chicago")
			held := time.Now().In(loc).Add(-26 * time.Hour).Format("2006-01-02T15:04")
			return x.webPost(t, lcPriya, x.path("/kickoff"), url.Values{"held_at": {held}, "attendees": {"Priya Raman; Anika Deshmukh; Rohan Kulkarni"}, "notes": {"Scope walked through."}})
		},
		api: func(t *testing.T, x *lcRun) lcOutcome {
			return x.apiJSON(t, lcPriya, http.MethodPost, x.path("/kickoff"), fmt.Sprintf(`{"held_at":%q,"attendees":"Priya Raman; Anika Deshmukh","notes":"Scope."}`,
				time.Now().UTC().Add(-26*time.Hour).Format(time.RFC3339)))
		},
		cli: func(t *testing.T, x *lcRun) lcOutcome {
			return x.cli(t, "engagement", "kickoff", x.eid(), "--as", lcPriya, "--held-at", time.Now().UTC().Add(-26*time.Hour).Format(time.RFC3339),
				"--attendees", "Priya Raman; Anika Deshmukh", "--notes", "Scope.")
		}},
	"confirm (firm)":   lcConfirmStep(lcPriya),
	"confirm (vendor)": lcConfirmStep(lcAnika),
	"deadline add": {who: lcPriya,
		web: func(t *testing.T, x *lcRun) lcOutcome {
			return x.webPost(t, lcPriya, x.path("/deadlines"), url.Values{"title": {"First batch to Priya"}, "due_on": {lcInDays(5)}})
		},
		api: func(t *testing.T, x *lcRun) lcOutcome {
			return x.apiJSON(t, lcPriya, http.MethodPost, x.path("/deadlines"), fmt.Sprintf(`{"title":"First batch to Priya","due_on":%q}`, lcInDays(5)))
		},
		cli: func(t *testing.T, x *lcRun) lcOutcome {
			return x.cli(t, "deadline", "add", "--engagement", x.eid(), "--title", "First batch to Priya", "--due", lcInDays(5), "--as", lcPriya)
		}},
	"time entry": {who: lcRohan,
		web: func(t *testing.T, x *lcRun) lcOutcome {
			return x.webPost(t, lcRohan, x.path("/time-entries"), url.Values{"item": {i64(x.workItem(t))}, "date": {lcToday()}, "hours": {"1.5"},
				"task_code": {"L110"}, "activity_code": {"A104"}, "narrative": {"Reviewed loan files"}})
		},
		api: func(t *testing.T, x *lcRun) lcOutcome {
			return x.apiJSON(t, lcRohan, http.MethodPost, x.path("/time-entries"), fmt.Sprintf(`{"work_item_id":%d,"date":%q,"hours":"1.5","task_code":"L110","activity_code":"A104","narrative":"Reviewed loan files"}`,
				x.workItem(t), lcToday()))
		},
		cli: func(t *testing.T, x *lcRun) lcOutcome {
			return x.cli(t, "time", "add", "--engagement", x.eid(), "--item", i64(x.workItem(t)), "--date", lcToday(), "--hours", "1.5", "--task", "L110", "--activity", "A104",
				"--narrative", "Reviewed loan files", "--as", lcRohan)
		}},
	"document upload": {who: lcPriya,
		web: func(t *testing.T, x *lcRun) lcOutcome {
			return x.webUpload(t, lcPriya, x.path("/documents"), [][2]string{{"folder", "Loan files"}, {"description", "File 17"}}, "loan-file-17.txt", lcDocText)
		},
		api: func(t *testing.T, x *lcRun) lcOutcome {
			return x.apiDo(t, lcPriya, http.MethodPut, x.path("/documents?filename=loan-file-17.txt&folder=Loan+files"), lcDocText, http.Header{"Content-Type": {"text/plain"}})
		},
		cli: func(t *testing.T, x *lcRun) lcOutcome {
			return x.cli(t, "document", "upload", "--engagement", x.eid(), "--file", x.file(t, "loan-file-17.txt", lcDocText), "--folder", "Loan files",
				"--description", "File 17", "--as", lcPriya)
		}},
	"document open (Rohan)": lcDocOpenStep(lcRohan),
	"document open (Anika)": lcDocOpenStep(lcAnika),
	"briefing draft": {who: lcPriya,
		web: func(t *testing.T, x *lcRun) lcOutcome {
			return x.webPost(t, lcPriya, x.path("/briefing"), lcBriefingForm())
		},
		api: func(t *testing.T, x *lcRun) lcOutcome {
			return x.apiJSON(t, lcPriya, http.MethodPut, x.path("/briefing"), lcBriefing)
		},
		cli: func(t *testing.T, x *lcRun) lcOutcome {
			return x.cli(t, "briefing", "draft", x.eid(), "--as", lcPriya, "--from", x.file(t, "briefing.json", lcBriefing))
		}},
	"briefing publish": {who: lcPriya,
		web: func(t *testing.T, x *lcRun) lcOutcome { return x.webPost(t, lcPriya, x.path("/briefing/publish"), nil) },
		api: func(t *testing.T, x *lcRun) lcOutcome {
			return x.apiJSON(t, lcPriya, http.MethodPost, x.path("/briefing/publish"), nil)
		},
		cli: func(t *testing.T, x *lcRun) lcOutcome {
			return x.cli(t, "briefing", "publish", x.eid(), "--as", lcPriya)
		}},
	"acknowledge (Anika)": lcAckStep(lcAnika, "Anika Deshmukh"),
	"acknowledge (Rohan)": lcAckStep(lcRohan, "Rohan Kulkarni"),
	"SOW work item": {who: lcPriya,
		web: func(t *testing.T, x *lcRun) lcOutcome {
			return x.webPost(t, lcPriya, x.path("/sow/items"), url.Values{"type": {"document_review"}, "title": {"Loan-file review"}, "description": {"Review 400 loan files"},
				"deliverable": {"Review memo"}, "acceptance": {"Every file coded"}, "due_on": {lcInDays(20)}, "estimate": {"40"}, "estimate_unit": {"hours"},
				"baseline_hours": {"120"}, "baseline_rate": {"300.00"}, "pricing": {"hourly"}, "price": {"2500.00"}, "task_code": {"L110"}, "activity_code": {"A104"}})
		},
		api: func(t *testing.T, x *lcRun) lcOutcome {
			return x.apiJSON(t, lcPriya, http.MethodPost, x.path("/sow/items"), fmt.Sprintf(`{"type":"document_review","title":"Loan-file review","description":"Review 400 loan files",`+
				`"deliverable":"Review memo","acceptance":"Every file coded","due_on":%q,"estimate":"40","estimate_unit":"hours","baseline_hours":"120","baseline_rate":"300.00",`+
				`"pricing":"hourly","price":"2500.00","task_code":"L110","activity_code":"A104"}`, lcInDays(20)))
		},
		cli: func(t *testing.T, x *lcRun) lcOutcome {
			return x.cli(t, "sow", "item", "add", "--engagement", x.eid(), "--as", lcPriya, "--type", "document_review", "--title", "Loan-file review",
				"--description", "Review 400 loan files", "--deliverable", "Review memo", "--acceptance", "Every file coded", "--due", lcInDays(20),
				"--estimate", "40", "--unit", "hours", "--baseline-hours", "120", "--baseline-rate", "300.00", "--pricing", "hourly", "--price", "2500.00",
				"--task", "L110", "--activity", "A104")
		}},
	"SOW approve (firm)":   lcSOWApproveStep(lcPriya),
	"SOW approve (vendor)": lcSOWApproveStep(lcAnika),
	"deliverable submit": {who: lcRohan,
		web: func(t *testing.T, x *lcRun) lcOutcome {
			return x.webUpload(t, lcRohan, x.path("/deliverables"), [][2]string{{"item", i64(x.workItem(t))}, {"title", "Review memo"}, {"note", "First batch"}}, "memo.txt", "Review memo, first batch.\n")
		},
		api: func(t *testing.T, x *lcRun) lcOutcome {
			return x.apiDo(t, lcRohan, http.MethodPost, x.path(fmt.Sprintf("/deliverables?filename=memo.txt&item=%d&title=Review+memo", x.workItem(t))), "Review memo, first batch.\n",
				http.Header{"Content-Type": {"text/plain"}})
		},
		cli: func(t *testing.T, x *lcRun) lcOutcome {
			return x.cli(t, "deliverable", "submit", "--engagement", x.eid(), "--item", i64(x.workItem(t)), "--file", x.file(t, "memo.txt", "Review memo, first batch.\n"),
				"--title", "Review memo", "--as", lcRohan)
		}},
	"review (uploader)": lcReviewStep(lcRohan),
	"review (attorney)": lcReviewStep(lcPriya),
	"release": {who: lcPriya,
		web: func(t *testing.T, x *lcRun) lcOutcome {
			return x.webPost(t, lcPriya, x.path(fmt.Sprintf("/deliverables/versions/%d/release", x.deliverableVersion(t))), url.Values{"kind": {"client"}})
		},
		api: func(t *testing.T, x *lcRun) lcOutcome {
			return x.apiJSON(t, lcPriya, http.MethodPost, x.path(fmt.Sprintf("/deliverables/versions/%d/release", x.deliverableVersion(t))), `{"kind":"client"}`)
		},
		cli: func(t *testing.T, x *lcRun) lcOutcome {
			return x.cli(t, "deliverable", "release", "--engagement", x.eid(), "--version", i64(x.deliverableVersion(t)), "--kind", "client", "--as", lcPriya)
		}},
	"message (vendor)": {who: lcRohan,
		web: func(t *testing.T, x *lcRun) lcOutcome {
			return x.webPost(t, lcRohan, x.path("/messages"), url.Values{"subject": {"Batch question"}, "body": {"Which custodian first?"}})
		},
		api: func(t *testing.T, x *lcRun) lcOutcome {
			return x.apiJSON(t, lcRohan, http.MethodPost, x.path("/messages"), `{"subject":"Batch question","body":"Which custodian first?"}`)
		},
		cli: func(t *testing.T, x *lcRun) lcOutcome {
			return x.cli(t, "message", "post", "--engagement", x.eid(), "--subject", "Batch question", "--body", "Which custodian first?", "--as", lcRohan)
		}},
	"documents list (Rohan)": {who: lcRohan,
		web: func(t *testing.T, x *lcRun) lcOutcome { return x.webGet(t, lcRohan, x.path("/documents")) },
		api: func(t *testing.T, x *lcRun) lcOutcome {
			return x.apiDo(t, lcRohan, http.MethodGet, x.path("/documents"), "", nil)
		},
		cli: func(t *testing.T, x *lcRun) lcOutcome {
			return x.cli(t, "document", "list", "--engagement", x.eid(), "--as", lcRohan)
		}},
	"deliverables list (Rohan)": {who: lcRohan,
		web: func(t *testing.T, x *lcRun) lcOutcome { return x.webGet(t, lcRohan, x.path("/deliverables")) },
		api: func(t *testing.T, x *lcRun) lcOutcome {
			return x.apiDo(t, lcRohan, http.MethodGet, x.path("/deliverables"), "", nil)
		},
		cli: func(t *testing.T, x *lcRun) lcOutcome {
			return x.cli(t, "deliverable", "list", "--engagement", x.eid(), "--as", lcRohan)
		}},
	"pause":  lcReasonStep("pause", "Client hold on the review"),
	"resume": lcReasonStep("resume", "Hold lifted"),
	"close": {who: lcPriya,
		web: func(t *testing.T, x *lcRun) lcOutcome {
			return x.webPost(t, lcPriya, x.path("/close"), url.Values{"confirm": {"yes"}})
		},
		api: func(t *testing.T, x *lcRun) lcOutcome {
			return x.apiJSON(t, lcPriya, http.MethodPost, x.path("/close"), `{"confirm":true}`)
		},
		cli: func(t *testing.T, x *lcRun) lcOutcome {
			return x.cli(t, "engagement", "close", x.eid(), "--as", lcPriya, "--confirm")
		}},
	"certify": {who: lcAnika,
		web: func(t *testing.T, x *lcRun) lcOutcome {
			return x.webPost(t, lcAnika, x.path("/certificate"), url.Values{"method": {"destroyed"}, "statement": {"All copies wiped."}})
		},
		api: func(t *testing.T, x *lcRun) lcOutcome {
			return x.apiJSON(t, lcAnika, http.MethodPost, x.path("/certificate"), `{"method":"destroyed","statement":"All copies wiped."}`)
		},
		cli: func(t *testing.T, x *lcRun) lcOutcome {
			return x.cli(t, "engagement", "certify", x.eid(), "--as", lcAnika, "--method", "destroyed", "--statement", "All copies wiped.")
		}},
}

func lcReviewStep(who string) lcStep {
	return lcStep{who: who,
		web: func(t *testing.T, x *lcRun) lcOutcome {
			return x.webPost(t, who, x.path(fmt.Sprintf("/deliverables/versions/%d/review", x.deliverableVersion(t))), url.Values{"decision": {"approved"}, "minutes": {"12"}})
		},
		api: func(t *testing.T, x *lcRun) lcOutcome {
			return x.apiJSON(t, who, http.MethodPost, x.path(fmt.Sprintf("/deliverables/versions/%d/review", x.deliverableVersion(t))), `{"decision":"approved","minutes":12}`)
		},
		cli: func(t *testing.T, x *lcRun) lcOutcome {
			return x.cli(t, "deliverable", "review", "--engagement", x.eid(), "--version", i64(x.deliverableVersion(t)), "--decision", "approved", "--minutes", "12", "--as", who)
		}}
}

func lcReasonStep(verb, reason string) lcStep {
	return lcStep{who: lcPriya,
		web: func(t *testing.T, x *lcRun) lcOutcome {
			return x.webPost(t, lcPriya, x.path("/"+verb), url.Values{"reason": {reason}})
		},
		api: func(t *testing.T, x *lcRun) lcOutcome {
			return x.apiJSON(t, lcPriya, http.MethodPost, x.path("/"+verb), fmt.Sprintf(`{"reason":%q}`, reason))
		},
		cli: func(t *testing.T, x *lcRun) lcOutcome {
			return x.cli(t, "engagement", verb, x.eid(), "--as", lcPriya, "--reason", reason)
		}}
}

func (x *lcRun) act(name string) lcAct {
	st, ok := lcSteps[name]
	if !ok {
		panic("no step " + name)
	}
	switch x.surface {
	case "web":
		return st.web
	case "api":
		return st.api
	}
	return st.cli
}

// refuse tries a premature step on the run's surface and requires a refusal
// that changes nothing; want, when given, is a phrase of the gate the
// refusal must name.
func (x *lcRun) refuse(t *testing.T, name string, want ...string) {
	t.Helper()
	act := x.act(name)
	if act == nil {
		return // the surface cannot even try
	}
	before, stage := x.counts(t), x.stage(t, x.id)
	o := act(t, x)
	x.refusals++
	if testing.Verbose() {
		t.Logf("%s %s at %s: %s", x.surface, name, stage, o.brief())
	}
	if !o.refused(x.surface == "cli") {
		t.Errorf("%s at stage %s: %s — want a refusal", name, stage, o)
	} else if len(want) > 0 && !lcContains(o.text, want...) {
		t.Errorf("%s at stage %s was refused without naming the gate %q: %s", name, stage, want, o)
	}
	if after := x.counts(t); fmt.Sprint(after) != fmt.Sprint(before) {
		for k, v := range before {
			if after[k] != v {
				t.Errorf("the refused %s changed %s: %d rows before, %d after", name, k, v, after[k])
			}
		}
	}
	if got := x.stage(t, x.id); got != stage {
		t.Errorf("the refused %s moved the engagement from %s to %s", name, stage, got)
	}
}

// do performs a step, through the API when the surface lacks it, and
// requires it to happen; then the engagement must be at stage want.
func (x *lcRun) do(t *testing.T, name, want string) lcOutcome {
	t.Helper()
	act := x.act(name)
	if act == nil {
		act = lcSteps[name].api
		x.fallbacks = append(x.fallbacks, name)
	}
	o := act(t, x)
	x.done++
	if !o.ok {
		t.Fatalf("%s (stage %s): %s", name, x.stage(t, x.id), o)
	}
	if got := x.stage(t, x.id); got != want {
		t.Fatalf("after %s the engagement is %s, want %s", name, got, want)
	}
	return o
}

// lcSetup proposes Lexora for Greenfield's 2026-0203 with Priya Raman
// supervising, issues the disclosure and records the client's consent,
// opens the engagement and puts Anika (lead) and Rohan on the team, all
// through the CLI; it returns the engagement, at "communication".
func lcSetup(t *testing.T, x *lcEnv, surface string) int64 {
	t.Helper()
	must := func(o lcOutcome, what string) lcOutcome {
		t.Helper()
		if !o.ok {
			t.Fatalf("setup, %s: %s", what, o)
		}
		return o
	}
	o := must(x.cli(t, "engagement", "propose", "--as", lcPriya, "--matter", "2026-0203", "--vendor", "Lexora", "--service", "document_review",
		"--supervisor", lcPriya, "--description", "Lifecycle walk through the "+surface, "--billing", "disbursement"), "propose")
	id := proposedLine(o.text)
	if id == 0 {
		t.Fatalf("setup: propose printed no engagement id:\n%s", o.text)
	}
	must(x.cli(t, "consent", "issue", "--engagement", i64(id), "--as", lcPriya), "consent issue")
	must(x.cli(t, "consent", "record", "--engagement", i64(id), "--as", lcPriya, "--answer", "given", "--evidence", "Signed letter from Greenfield, DMS 2026-0203/44"), "consent record")
	must(x.cli(t, "engagement", "open", "--as", lcPriya, "--id", i64(id)), "open")
	if st := x.stage(t, id); st != "communication" {
		t.Fatalf("setup: the opened engagement is %s", st)
	}
	onTeam := func(email string) bool {
		return x.int(t, `SELECT COUNT(*) FROM engagement_members m JOIN users u ON u.id = m.user_id WHERE m.engagement_id = $1 AND u.email = $2`, id, email) == 1
	}
	for _, m := range [][2]string{{lcAnika, "vendor_lead"}, {lcRohan, "reviewer"}} {
		if !onTeam(m[0]) {
			must(x.cli(t, "engagement", "members", i64(id), "--as", lcPriya, "--add", m[0], "--role", m[1]), "add "+m[0])
		}
	}
	return id
}

// The gates' phrases (domain.StageAllows).
const (
	lcGateComm     = "kickoff confirmed by both sides"
	lcGateBriefing = "acknowledged by every vendor team member"
	lcGateSOW      = "approved by the supervising attorney and the vendor manager"
	lcGateClosed   = "closed"
)

// lcWalk is the walk, the same for every surface.
func lcWalk(t *testing.T, x *lcRun) {
	// Communication: no tasks, deadlines, documents, briefing, SOW, time
	// or deliverables until both sides confirmed the kickoff.
	for _, s := range []string{"deadline add", "document upload", "briefing draft", "briefing publish", "SOW work item", "time entry", "deliverable submit"} {
		x.refuse(t, s, lcGateComm)
	}
	// No version can exist before the engagement is active: reviewing or
	// releasing another engagement's version through this one is not found.
	x.refuse(t, "review (attorney)", "not found|could not find")
	x.refuse(t, "release", "not found|could not find")
	x.refuse(t, "SOW approve (firm)") // no draft exists yet
	x.refuse(t, "certify", "cannot be certified before the engagement is closed")
	x.refuse(t, "confirm (firm)", "plan is not complete")
	x.do(t, "plan (firm)", "communication")
	x.do(t, "plan (vendor)", "communication")
	x.refuse(t, "confirm (vendor)", "Record the kickoff meeting")
	x.do(t, "kickoff record", "communication")
	x.do(t, "confirm (firm)", "communication")
	x.refuse(t, "deadline add", lcGateComm) // one side's confirmation is not enough
	x.do(t, "confirm (vendor)", "briefing")

	// Briefing: deadlines and documents open; the SOW, time and
	// deliverables wait on every member's acknowledgement; a vendor member
	// opens no document before acknowledging the current version.
	for _, s := range []string{"SOW work item", "time entry", "deliverable submit"} {
		x.refuse(t, s, lcGateBriefing)
	}
	x.refuse(t, "review (attorney)", "not found|could not find")
	x.refuse(t, "release", "not found|could not find")
	x.refuse(t, "SOW approve (firm)")
	x.refuse(t, "acknowledge (Rohan)", "no published briefing")
	x.do(t, "deadline add", "briefing")
	if x.act("document upload") != nil {
		x.do(t, "document upload", "briefing")
		x.doc = x.int(t, `SELECT MAX(id) FROM engagement_documents WHERE engagement_id = $1`, x.id)
		x.refuse(t, "document open (Rohan)", "no briefing is published")
	}
	x.do(t, "briefing draft", "briefing")
	x.do(t, "briefing publish", "briefing")
	x.do(t, "acknowledge (Anika)", "briefing")
	x.refuse(t, "SOW work item", lcGateBriefing) // Rohan has not acknowledged
	if x.doc != 0 {
		x.refuse(t, "document open (Rohan)", "acknowledge briefing version 1")
		if o := x.do(t, "document open (Anika)", "briefing"); o.text != lcDocText {
			t.Errorf("Anika opened %q, want the shared file's content", o.text)
		}
	}
	x.do(t, "acknowledge (Rohan)", "sow")
	if x.doc != 0 {
		if o := x.do(t, "document open (Rohan)", "sow"); o.text != lcDocText {
			t.Errorf("Rohan opened %q, want the shared file's content", o.text)
		}
		// A new version closes documents again until acknowledged.
		x.do(t, "briefing draft", "sow")
		x.do(t, "briefing publish", "sow")
		x.refuse(t, "document open (Rohan)", "acknowledge briefing version 2")
		x.refuse(t, "document open (Anika)", "acknowledge briefing version 2")
		x.do(t, "acknowledge (Rohan)", "sow")
		x.do(t, "document open (Rohan)", "sow")
		x.refuse(t, "document open (Anika)", "acknowledge briefing version 2")
		x.do(t, "acknowledge (Anika)", "sow")
	}

	// SOW: no time, deliverables, reviews or releases before both sides
	// approved it.
	for _, s := range []string{"time entry", "deliverable submit"} {
		x.refuse(t, s, lcGateSOW)
	}
	x.refuse(t, "review (attorney)", "not found|could not find")
	x.refuse(t, "release", "not found|could not find")
	x.do(t, "SOW work item", "sow")
	x.item = x.int(t, `SELECT MAX(i.id) FROM sow_items i WHERE i.engagement_id = $1`, x.id)
	for _, s := range []string{"time entry", "deliverable submit"} {
		x.refuse(t, s, lcGateSOW)
	}
	x.do(t, "SOW approve (firm)", "sow")
	x.refuse(t, "time entry", lcGateSOW) // the firm's approval alone
	x.refuse(t, "deliverable submit", lcGateSOW)
	x.do(t, "SOW approve (vendor)", "active")

	// Active: time and deliverables; only the supervising attorney reviews
	// (never the uploader) and only an approved version is released.
	x.do(t, "time entry", "active")
	x.do(t, "deliverable submit", "active")
	x.version = x.int(t, `SELECT MAX(id) FROM deliverable_versions WHERE engagement_id = $1`, x.id)
	x.refuse(t, "release", "not been approved")
	x.refuse(t, "review (uploader)")
	x.refuse(t, "release", "not been approved")
	x.do(t, "review (attorney)", "active")
	x.do(t, "release", "active")
	x.do(t, "message (vendor)", "active")
	x.sees(t, "documents list (Rohan)", "loan-file-17")
	x.sees(t, "deliverables list (Rohan)", "memo")

	// Paused: no new work, no documents; messages still flow.
	x.do(t, "pause", "paused")
	x.refuse(t, "time entry", "the engagement is paused")
	x.refuse(t, "deliverable submit", "the engagement is paused")
	x.refuse(t, "deadline add", "the engagement is paused")
	if x.doc != 0 {
		x.refuse(t, "document open (Rohan)", "the engagement is paused")
	}
	x.do(t, "message (vendor)", "paused")
	x.do(t, "resume", "active")

	// Closed: the vendor's access ends; only certification remains.
	x.do(t, "close", "closed")
	if x.doc != 0 {
		x.refuse(t, "document open (Rohan)", "the engagement is closed")
		x.refuse(t, "document open (Anika)", "the engagement is closed")
	}
	for _, s := range []string{"time entry", "deliverable submit", "message (vendor)", "deadline add", "SOW work item", "briefing publish", "release"} {
		x.refuse(t, s, "the engagement is closed")
	}
	// The vendor's lists show nothing of the matter's work any more (the
	// surfaces differ in how: a page with the closed notice, a refusal, or
	// an empty list), where before the close they showed it.
	x.seesNot(t, "documents list (Rohan)", "loan-file-17")
	x.seesNot(t, "deliverables list (Rohan)", "memo")
	x.do(t, "certify", "closed")
	if n := x.int(t, `SELECT COUNT(*) FROM destruction_certificates WHERE engagement_id = $1`, x.id); n != 1 {
		t.Errorf("%d certificates recorded, want 1", n)
	}
}

// workItem is the engagement's SOW work item; before it has one, a work
// item of another engagement (the demo's), so that a premature time entry
// or deliverable names a real item and only the gate can refuse it first.
func (x *lcRun) workItem(t *testing.T) int64 {
	if x.item != 0 {
		return x.item
	}
	return x.int(t, `SELECT MIN(id) FROM sow_items WHERE engagement_id <> $1`, x.id)
}

// deliverableVersion is the version the engagement's deliverable got; before
// there is one, a version of another engagement, so that a premature review
// or release names a real version and only the gate can refuse it first.
func (x *lcRun) deliverableVersion(t *testing.T) int64 {
	if x.version != 0 {
		return x.version
	}
	return x.int(t, `SELECT MIN(id) FROM deliverable_versions WHERE engagement_id <> $1`, x.id)
}

// sees requires the vendor's list to show needle (where the surface has it).
func (x *lcRun) sees(t *testing.T, name, needle string) {
	t.Helper()
	if act := x.act(name); act != nil {
		if o := act(t, x); !o.ok || !strings.Contains(o.text, needle) {
			t.Errorf("%s at stage %s does not show %q: %s", name, x.stage(t, x.id), needle, o)
		}
	}
}

// seesNot requires the vendor's list to be refused or not to show needle,
// changing nothing.
func (x *lcRun) seesNot(t *testing.T, name, needle string) {
	t.Helper()
	act := x.act(name)
	if act == nil {
		return
	}
	before := x.counts(t)
	o := act(t, x)
	x.refusals++
	if o.ok && strings.Contains(o.text, needle) || !o.ok && !o.refused(x.surface == "cli") {
		t.Errorf("%s at stage %s: %s — want a refusal or nothing of %q", name, x.stage(t, x.id), o, needle)
	}
	if after := x.counts(t); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("%s changed the database: %v -> %v", name, before, after)
	}
}
