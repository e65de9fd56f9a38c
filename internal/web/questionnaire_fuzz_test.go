package web

import (
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/probity/probity/internal/domain"
)

// FuzzControlsFrom: any posted questionnaire edit form (as a URL-encoded
// body) is read without panic into at most MaxControls+2 rows; a refusal is
// domain.EInvalid naming a field; each control's options are trimmed,
// non-empty and free of "|"; and when the form is accepted every pass rule
// encodes to a rule that decodes to itself (what the store saves reads
// back the same).
func FuzzControlsFrom(f *testing.F) {
	for _, s := range []string{
		"key_0=encryption&area_0=Security&question_0=Is+data+encrypted+at+rest%3F&type_0=yes_no&weight_0=5&rule_0=yes&evidence_0=soc2_type2&critical_0=on",
		"key_0=cert&area_0=Security&question_0=Which+certification%3F&type_0=choice&options_0=None|SOC+2+Type+II|ISO+27001&rule_0=in%3ASOC+2+Type+II|ISO+27001&weight_0=3" +
			"&key_1=staff&area_1=People&question_1=Staff&type_1=number&rule_1=min%3A10&weight_1=x&remove_1=on",
		"key_0=&new_0=1&question_0=+&key_1=a&weight_1=11&rule_1=max",
		"key_0=x&key_0=y&rule_0=within_months%3A12&type_0=date",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		form, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		out, rows, err := controlsFrom(form)
		if len(rows) > domain.MaxControls+2 || len(out) > len(rows) {
			t.Fatalf("%d controls, %d rows", len(out), len(rows))
		}
		if err != nil && (domain.ErrorCode(err) != domain.EInvalid || domain.ErrorField(err) == "") {
			t.Fatalf("not a clear refusal: %v", err)
		}
		for _, c := range out {
			for _, o := range c.Options {
				if o == "" || strings.TrimSpace(o) != o || strings.Contains(o, "|") {
					t.Fatalf("option %q", o)
				}
			}
			if err != nil {
				continue
			}
			again, perr := domain.ParsePassRule(c.Rule.String())
			if perr != nil || !reflect.DeepEqual(again, c.Rule) {
				t.Fatalf("rule %+v encodes as %q, decodes to %+v, %v", c.Rule, c.Rule.String(), again, perr)
			}
		}
	})
}
