package domain

import (
	"sort"
	"strings"
)

// UTBMS code sets (ABA litigation code set and the LOC e-discovery set), as
// the code sets publish them. Time entries and work items carry a task
// code and an activity code; expenses (issue 8) carry an E-code.

// UTBMSCode is one code of a code set with its name.
type UTBMSCode struct {
	Code string
	Name string
}

// LitigationTasks is the ABA litigation task code set (phases L100–L500).
var LitigationTasks = map[string]string{
	"L110": "Fact Investigation/Development", "L120": "Analysis/Strategy", "L130": "Experts/Consultants",
	"L140": "Document/File Management", "L150": "Budgeting", "L160": "Settlement/Non-Binding ADR", "L190": "Other Case Assessment, Development and Administration",
	"L210": "Pleadings", "L220": "Preliminary Injunctions/Provisional Remedies", "L230": "Court Mandated Conferences",
	"L240": "Dispositive Motions", "L250": "Other Written Motions and Submissions", "L260": "Class Action Certification and Notice",
	"L310": "Written Discovery", "L320": "Document Production", "L330": "Depositions", "L340": "Expert Discovery",
	"L350": "Discovery Motions", "L390": "Other Discovery",
	"L410": "Fact Witnesses", "L420": "Expert Witnesses", "L430": "Written Motions and Submissions", "L440": "Other Trial Preparation and Support",
	"L450": "Trial and Hearing Attendance", "L460": "Post-Trial Motions and Submissions", "L470": "Enforcement",
	"L510": "Appellate Motions and Submissions", "L520": "Appellate Briefs", "L530": "Oral Argument",
}

// EDiscoveryTasks is the part of the LOC e-discovery code set (2011) that
// DOMAIN.md records; extend it from the published set, never by guessing.
var EDiscoveryTasks = map[string]string{
	"L601": "Discovery Planning", "L609": "Quality Assurance and Control",
}

// Activities is the ABA activity code set.
var Activities = map[string]string{
	"A101": "Plan and prepare for", "A102": "Research", "A103": "Draft/revise", "A104": "Review/analyze",
	"A105": "Communicate (in firm)", "A106": "Communicate (with client)", "A107": "Communicate (other outside counsel)",
	"A108": "Communicate (other external)", "A109": "Appear for/attend", "A110": "Manage data/files", "A111": "Other",
}

// Expenses is the ABA expense code set.
var Expenses = map[string]string{
	"E101": "Copying", "E102": "Outside printing", "E103": "Word processing", "E104": "Facsimile", "E105": "Telephone",
	"E106": "Online research", "E107": "Delivery services/messengers", "E108": "Postage", "E109": "Local travel",
	"E110": "Out-of-town travel", "E111": "Meals", "E112": "Court fees", "E113": "Subpoena fees", "E114": "Witness fees",
	"E115": "Deposition transcripts", "E116": "Trial transcripts", "E117": "Trial exhibits", "E118": "Litigation support vendors",
	"E119": "Experts", "E120": "Private investigators", "E121": "Arbitrators/mediators", "E122": "Local counsel",
	"E123": "Other professionals", "E124": "Other",
}

// normCode upper-cases and trims a code as typed.
func normCode(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

// ParseTaskCode validates a UTBMS task code (litigation or e-discovery set).
func ParseTaskCode(field, s string) (string, error) {
	c := normCode(s)
	if c == "" {
		return "", Invalid(field, "give a UTBMS task code, such as L110 or L320")
	}
	if _, ok := LitigationTasks[c]; ok {
		return c, nil
	}
	if _, ok := EDiscoveryTasks[c]; ok {
		return c, nil
	}
	return "", Invalid(field, "%q is not a UTBMS task code (litigation L110–L530 or e-discovery L6xx)", s)
}

// ParseActivityCode validates a UTBMS activity code (A101–A111).
func ParseActivityCode(field, s string) (string, error) {
	c := normCode(s)
	if c == "" {
		return "", Invalid(field, "give a UTBMS activity code, such as A104")
	}
	if _, ok := Activities[c]; !ok {
		return "", Invalid(field, "%q is not a UTBMS activity code (A101–A111)", s)
	}
	return c, nil
}

// ParseExpenseCode validates a UTBMS expense code (E101–E124).
func ParseExpenseCode(field, s string) (string, error) {
	c := normCode(s)
	if _, ok := Expenses[c]; !ok {
		return "", Invalid(field, "%q is not a UTBMS expense code (E101–E124)", s)
	}
	return c, nil
}

// TaskCodes lists every task code, sorted, for forms.
func TaskCodes() []UTBMSCode { return sortedCodes(LitigationTasks, EDiscoveryTasks) }

// ActivityCodes lists the activity codes, sorted, for forms.
func ActivityCodes() []UTBMSCode { return sortedCodes(Activities) }

// CodeName names a task, activity or expense code ("" when unknown).
func CodeName(code string) string {
	for _, m := range []map[string]string{LitigationTasks, EDiscoveryTasks, Activities, Expenses} {
		if n, ok := m[code]; ok {
			return n
		}
	}
	return ""
}

func sortedCodes(sets ...map[string]string) []UTBMSCode {
	var out []UTBMSCode
	for _, m := range sets {
		for c, n := range m {
			out = append(out, UTBMSCode{Code: c, Name: n})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}
