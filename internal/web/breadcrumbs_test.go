package web

import (
	"reflect"
	"testing"
)

func TestCrumbs(t *testing.T) {
	got := crumbs("Vendors", "/vendors", "", "/skipped", "Lexora", "/vendors/1", "People", "")
	want := []crumb{{Label: "Vendors", Href: "/vendors"}, {Label: "Lexora", Href: "/vendors/1"}, {Label: "People", Current: true}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("crumbs: %+v", got)
	}
}

func TestEngagementTrail(t *testing.T) {
	cases := []struct {
		path   string
		client bool
		want   []string // labels; the last is current
	}{
		{"/engagements/7/work", false, []string{"Engagements", "HC · Lexora", "Deadlines and time"}},
		{"/engagements/7/audits/3", false, []string{"Engagements", "HC · Lexora", "Quality audits", "Audit"}},
		{"/engagements/7/deliverables", true, []string{"Outsourcing", "HC · Lexora", "Released work"}},
		{"/engagements/7/messages/12", false, []string{"Engagements", "HC · Lexora", "Messages", "Conversation"}},
	}
	for _, c := range cases {
		got := engagementTrail(c.path, 7, "HC · Lexora", c.client)
		var labels []string
		for i, g := range got {
			labels = append(labels, g.Label)
			if g.Current != (i == len(got)-1) {
				t.Errorf("%s: step %d current = %v", c.path, i, g.Current)
			}
		}
		if !reflect.DeepEqual(labels, c.want) {
			t.Errorf("%s: %v, want %v", c.path, labels, c.want)
		}
	}
}
