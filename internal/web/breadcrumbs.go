package web

import (
	"fmt"
	"strings"
)

// crumb is one step of a page's breadcrumb trail.
type crumb struct {
	Label, Href string
	Current     bool // the page itself: the last step
}

// crumbs builds a breadcrumb trail from label, href pairs for the
// "breadcrumbs" partial: a pair with an empty label is left out (a step
// the viewer's role does not have), and the last step is the current page.
func crumbs(pairs ...string) []crumb {
	var out []crumb
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i] == "" {
			continue
		}
		out = append(out, crumb{Label: pairs[i], Href: pairs[i+1]})
	}
	if len(out) > 0 {
		out[len(out)-1].Current = true
	}
	return out
}

// engagementTabs names an engagement page by the end of its path, for the
// last breadcrumb step of the engagement tabs.
var engagementTabs = map[string]string{
	"communication": "Communication", "briefing": "Briefing", "sow": "Statement of work", "messages": "Messages",
	"work": "Deadlines and time", "documents": "Documents", "deliverables": "Deliverables", "audits": "Quality audits",
	"invoices": "Invoices", "close": "Close",
}

// engagementDeeper names the page below a tab ("audits/7": an audit).
var engagementDeeper = map[string]string{
	"audits": "Audit", "messages": "Conversation", "documents": "Document", "deliverables": "Version under review", "invoices": "Invoice",
}

// engagementTrail is the breadcrumb trail of an engagement page at path:
// the engagement list, the engagement, its tab, and the page below the tab
// when there is one. client is whether the viewer is a client contact.
func engagementTrail(path string, id int64, name string, client bool) []crumb {
	list := "Engagements"
	if client {
		list = "Outsourcing"
	}
	base := fmt.Sprintf("/engagements/%d", id)
	pairs := []string{list, "/engagements", name, base}
	rest := strings.Trim(strings.TrimPrefix(path, base), "/")
	tab, below, _ := strings.Cut(rest, "/")
	if label := engagementTabs[tab]; label != "" {
		if tab == "deliverables" && client {
			label = "Released work"
		}
		pairs = append(pairs, label, base+"/"+tab)
		if below != "" && engagementDeeper[tab] != "" {
			pairs = append(pairs, engagementDeeper[tab], "")
		}
	}
	return crumbs(pairs...)
}

// when is s if c holds and "" otherwise: a breadcrumb step only some roles have.
func when(c bool, s string) string {
	if c {
		return s
	}
	return ""
}
