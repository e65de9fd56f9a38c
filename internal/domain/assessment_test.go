package domain

import (
	"strings"
	"testing"
)

func yesNo(key string, weight int, critical bool) Control {
	return Control{Key: key, Area: "A", Question: key + "?", Type: AnswerYesNo, Weight: weight, Critical: critical, Rule: PassRule{Op: "yes"}}
}

func TestScoreAnswers(t *testing.T) {
	const today = Date("2026-03-17")
	controls := []Control{
		yesNo("mfa", 5, true),
		yesNo("logs", 3, false),
		{Key: "breach_hours", Area: "A", Question: "q", Type: AnswerNumber, Weight: 2, Rule: PassRule{Op: "max", Arg: 72}},
		{Key: "soc2_end", Area: "A", Question: "q", Type: AnswerDate, Weight: 2, Rule: PassRule{Op: "within_months", Arg: 12}},
		{Key: "remote", Area: "A", Question: "q", Type: AnswerChoice, Options: []string{"VPN+MFA", "VPN", "None"}, Weight: 1, Rule: PassRule{Op: "in", Options: []string{"VPN+MFA", "None"}}},
		{Key: "notes", Area: "A", Question: "q", Type: AnswerText, Weight: 9}, // not scored
	}
	all := map[string]string{"mfa": "yes", "logs": "yes", "breach_hours": "72", "soc2_end": "2025-06-30", "remote": "None", "notes": "x"}
	with := func(k, v string) map[string]string {
		m := map[string]string{}
		for kk, vv := range all {
			m[kk] = vv
		}
		if v == "" {
			delete(m, k)
		} else {
			m[k] = v
		}
		return m
	}
	cases := []struct {
		name            string
		answers         map[string]string
		value, passing  int
		failingCritical []string
	}{
		{"everything passes", all, 100, 13, nil},
		{"nothing answered", map[string]string{}, 0, 0, []string{"mfa"}},
		{"critical MFA fails", with("mfa", "no"), 62, 8, []string{"mfa"}}, // 8/13 = 61.5 → 62
		{"unanswered critical fails", with("mfa", ""), 62, 8, []string{"mfa"}},
		{"breach notice at the limit passes", with("breach_hours", "72"), 100, 13, nil},
		{"breach notice over the limit fails", with("breach_hours", "96"), 85, 11, nil},
		{"SOC 2 period ended over a year ago", with("soc2_end", "2025-03-16"), 85, 11, nil},
		{"SOC 2 period ending exactly a year ago passes", with("soc2_end", "2025-03-17"), 100, 13, nil},
		{"a date in the future fails", with("soc2_end", "2026-04-01"), 85, 11, nil},
		{"choice outside the passing set", with("remote", "VPN"), 92, 12, nil}, // 12/13 = 92.3
		{"the unscored question does not count", with("notes", ""), 100, 13, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := ScoreAnswers(controls, c.answers, today)
			var crit []string
			for _, x := range s.FailingCritical {
				crit = append(crit, x.Key)
			}
			if s.Value != c.value || s.Passing != c.passing || s.Total != 13 || strings.Join(crit, ",") != strings.Join(c.failingCritical, ",") {
				t.Errorf("score = %d (%d of %d), failing critical %v; want %d (%d of 13), %v", s.Value, s.Passing, s.Total, crit, c.value, c.passing, c.failingCritical)
			}
		})
	}
}

func TestParseAnswer(t *testing.T) {
	choice := Control{Key: "remote", Type: AnswerChoice, Options: []string{"VPN with MFA", "No remote access"}}
	cases := []struct {
		c         Control
		raw, want string
		ok        bool
	}{
		{yesNo("mfa", 1, false), "Yes", "yes", true},
		{yesNo("mfa", 1, false), "maybe", "", false},
		{Control{Key: "h", Type: AnswerNumber}, "72", "72", true},
		{Control{Key: "h", Type: AnswerNumber}, " 24.50 ", "24.5", true},
		{Control{Key: "h", Type: AnswerNumber}, "seventy-two", "", false},
		{Control{Key: "h", Type: AnswerNumber}, "-1", "", false},
		{Control{Key: "h", Type: AnswerNumber}, "0x48", "", false},
		{Control{Key: "h", Type: AnswerNumber}, "NaN", "", false},
		{choice, "vpn with mfa", "VPN with MFA", true},
		{choice, "Carrier pigeon", "", false},
		{Control{Key: "d", Type: AnswerDate}, "2025-12-31", "2025-12-31", true},
		{Control{Key: "d", Type: AnswerDate}, "2025-02-30", "", false},
		{Control{Key: "d", Type: AnswerDate}, "31/12/2025", "", false},
		{Control{Key: "t", Type: AnswerText}, "  India  ", "India", true},
	}
	for _, c := range cases {
		got, err := c.c.ParseAnswer(c.raw)
		if c.ok && (err != nil || got != c.want) {
			t.Errorf("%s(%q) = %q, %v; want %q", c.c.Type, c.raw, got, err, c.want)
		}
		if !c.ok && (err == nil || ErrorField(err) != "answers."+c.c.Key || ErrorCode(err) != EInvalid) {
			t.Errorf("%s(%q) = %q, %v; want an invalid error on answers.%s", c.c.Type, c.raw, got, err, c.c.Key)
		}
	}
}

func TestControlValidate(t *testing.T) {
	good := Control{Key: "breach_hours", Area: "Incidents", Question: "Within how many hours?", Type: AnswerNumber, Weight: 5, Rule: PassRule{Op: "max", Arg: 72}}
	if err := good.Validate(); err != nil {
		t.Fatalf("a good control: %v", err)
	}
	for name, mut := range map[string]func(*Control){
		"bad key":               func(c *Control) { c.Key = "Breach Hours" },
		"weight 0":              func(c *Control) { c.Weight = 0 },
		"weight 11":             func(c *Control) { c.Weight = 11 },
		"rule for another type": func(c *Control) { c.Rule = PassRule{Op: "yes"} },
		"options on a number":   func(c *Control) { c.Options = []string{"a", "b"} },
		"unknown evidence":      func(c *Control) { c.Evidence = "diploma" },
		"unknown type":          func(c *Control) { c.Type = "essay" },
		"choice with one option": func(c *Control) {
			c.Type, c.Options, c.Rule = AnswerChoice, []string{"a"}, PassRule{}
		},
		"passing option not offered": func(c *Control) {
			c.Type, c.Options, c.Rule = AnswerChoice, []string{"a", "b"}, PassRule{Op: "in", Options: []string{"c"}}
		},
	} {
		c := good
		mut(&c)
		if err := c.Validate(); ErrorCode(err) != EInvalid {
			t.Errorf("%s: Validate = %v, want invalid", name, err)
		}
	}
	for _, s := range []string{"", "yes", "no", "max:72", "min:1", "within_months:12", "in:A|B", "given"} {
		r, err := ParsePassRule(s)
		if err != nil || r.String() != s {
			t.Errorf("ParsePassRule(%q) = %q, %v", s, r.String(), err)
		}
	}
	for _, s := range []string{"maybe", "max:", "max:lots", "in:", "yes:1"} {
		if _, err := ParsePassRule(s); err == nil {
			t.Errorf("ParsePassRule(%q) accepted a bad rule", s)
		}
	}
}

func TestCheckDecision(t *testing.T) {
	const today = Date("2026-03-17")
	mfa := yesNo("mfa", 5, true)
	failing := Score{FailingCritical: []Control{mfa}}
	item := func(key string, due Date) RemediationItem {
		return RemediationItem{ControlKey: key, Text: "Enforce MFA on remote access", DueOn: due}
	}
	cases := []struct {
		name  string
		in    DecisionInput
		score Score
		field string // "" when allowed
		until Date
	}{
		{"approve a clean assessment: twelve months by default", DecisionInput{Decision: DecisionApproved}, Score{}, "", "2027-03-17"},
		{"approve with a chosen expiry", DecisionInput{Decision: DecisionApproved, ApprovedUntil: "2026-09-30"}, Score{}, "", "2026-09-30"},
		{"a critical failure blocks unconditional approval", DecisionInput{Decision: DecisionApproved}, failing, "decision", ""},
		{"conditional needs remediation", DecisionInput{Decision: DecisionConditional}, Score{}, "remediation", ""},
		{"conditional must remedy the failing critical control", DecisionInput{Decision: DecisionConditional, Remediation: []RemediationItem{item("logs", "2026-04-16")}}, failing, "remediation", ""},
		{"conditional with an item for it is allowed", DecisionInput{Decision: DecisionConditional, Remediation: []RemediationItem{item("mfa", "2026-04-16")}}, failing, "", "2027-03-17"},
		{"a remediation deadline in the past", DecisionInput{Decision: DecisionConditional, Remediation: []RemediationItem{item("mfa", "2026-03-16")}}, failing, "remediation", ""},
		{"a remediation item without text", DecisionInput{Decision: DecisionConditional, Remediation: []RemediationItem{{ControlKey: "mfa", DueOn: "2026-04-16"}}}, failing, "remediation", ""},
		{"rejection needs a reason", DecisionInput{Decision: DecisionRejected}, failing, "note", ""},
		{"rejection with a reason", DecisionInput{Decision: DecisionRejected, Note: "No MFA, no SOC 2.", ApprovedUntil: "2027-01-01"}, failing, "", ""},
		{"expiry today", DecisionInput{Decision: DecisionApproved, ApprovedUntil: today}, Score{}, "approved_until", ""},
		{"expiry beyond three years", DecisionInput{Decision: DecisionApproved, ApprovedUntil: "2029-03-18"}, Score{}, "approved_until", ""},
		{"a malformed expiry", DecisionInput{Decision: DecisionApproved, ApprovedUntil: "next year"}, Score{}, "approved_until", ""},
		{"remediation with an unconditional approval", DecisionInput{Decision: DecisionApproved, Remediation: []RemediationItem{item("mfa", "2026-04-16")}}, Score{}, "remediation", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := c.in
			err := CheckDecision(&in, c.score, today)
			if c.field == "" {
				if err != nil || in.ApprovedUntil != c.until {
					t.Fatalf("CheckDecision = %v, until %q; want allowed until %q", err, in.ApprovedUntil, c.until)
				}
				return
			}
			if ErrorCode(err) != EInvalid || ErrorField(err) != c.field {
				t.Fatalf("CheckDecision = %v; want invalid %s", err, c.field)
			}
		})
	}
}

func TestDueReminders(t *testing.T) {
	names := func(ts []ReminderThreshold) string {
		var out []string
		for _, x := range ts {
			out = append(out, x.Name)
		}
		return strings.Join(out, ",")
	}
	const until = Date("2026-06-30")
	for _, c := range []struct {
		today Date
		want  string
	}{
		{"2026-04-30", ""},
		{"2026-05-01", "60d"},
		{"2026-05-31", "60d,30d"},
		{"2026-06-23", "60d,30d,7d"},
		{"2026-06-30", "60d,30d,7d"},
		{"2026-07-01", "60d,30d,7d,lapsed"},
	} {
		if got := names(DueReminders(until, c.today)); got != c.want {
			t.Errorf("DueReminders(%s, %s) = %q, want %q", until, c.today, got, c.want)
		}
	}
	if DueReminders("", "2026-01-01") != nil {
		t.Error("an approval without an end date has reminders")
	}
}
