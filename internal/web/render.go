package web

import (
	"bytes"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"strings"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
)

// layout is what every page's frame needs: who is signed in, the navigation
// for their role, and the CSRF token for forms.
type layout struct {
	Title     string
	User      domain.User
	SignedIn  bool
	Nav       []navItem
	CSRF      string
	AssetHash string
	Version   string
	Path      string
	Firm      string
	Unread    int // the signed-in person's unread notifications (the bell)
	Data      any
}

type navItem struct {
	Label, Href string
	Current     bool
}

// navFor is the navigation a role sees; what a link leads to is still
// checked by the policy, this only avoids offering dead ends.
func navFor(u domain.User, path string) []navItem {
	items := []navItem{{Label: "Home", Href: "/home"}}
	switch {
	case u.Role.IsFirm():
		items = append(items, navItem{Label: "Matters", Href: "/matters"}, navItem{Label: "Engagements", Href: "/engagements"},
			navItem{Label: "Vendors", Href: "/vendors"}, navItem{Label: "Clients", Href: "/clients"})
		if app.Can(u, app.ReviewDeliverables) {
			items = append(items, navItem{Label: "Reviews", Href: "/reviews"})
		}
		if app.Can(u, app.ConductAudits) {
			items = append(items, navItem{Label: "Quality audits", Href: "/audits"})
		}
		items = append(items, navItem{Label: "Billing", Href: "/billing"})
		if app.Can(u, app.ManageUsers) {
			items = append(items, navItem{Label: "Users", Href: "/admin/users"})
		}
		if app.Can(u, app.ViewAudit) {
			items = append(items, navItem{Label: "Audit trail", Href: "/admin/audit"})
		}
		if app.Can(u, app.ManageQuestionnaires) {
			items = append(items, navItem{Label: "Questionnaires", Href: "/admin/questionnaires"})
		}
		if app.Can(u, app.ManageRates) {
			items = append(items, navItem{Label: "Timekeepers", Href: "/admin/timekeepers"})
		}
		if app.Can(u, app.ManageSettings) {
			items = append(items, navItem{Label: "Settings", Href: "/admin/settings"})
		}
	case u.Role.IsVendor():
		items = append(items, navItem{Label: "Engagements", Href: "/engagements"}, navItem{Label: "Our organisation", Href: fmt.Sprintf("/vendors/%d", u.VendorID)})
		if app.Can(u, app.ManageDisclosures) {
			items = append(items, navItem{Label: "Conflict disclosures", Href: fmt.Sprintf("/vendors/%d/disclosures", u.VendorID)})
		}
		if app.Can(u, app.ViewVendorInvoices) {
			items = append(items, navItem{Label: "Invoices", Href: "/vendor-invoices"})
		}
	case u.Role.IsClient():
		items = append(items, navItem{Label: "Matters", Href: "/matters"}, navItem{Label: "Outsourcing", Href: "/engagements"},
			navItem{Label: "Invoices", Href: "/invoices"}, navItem{Label: "Savings", Href: "/savings"})
	}
	for i := range items {
		items[i].Current = path == items[i].Href || (items[i].Href != "/home" && len(path) > len(items[i].Href) && path[:len(items[i].Href)+1] == items[i].Href+"/")
		if items[i].Href == "/billing" {
			items[i].Current = billingPath(path)
		}
	}
	return items
}

// billingPath reports whether path is one of the firm's billing pages,
// which share the "Billing" navigation entry and the billing tabs.
func billingPath(path string) bool {
	for _, p := range []string{"/billing", "/invoices", "/vendor-invoices", "/time", "/budgets", "/savings"} {
		if path == p || strings.HasPrefix(path, p+"/") || strings.HasPrefix(path, p+".") {
			return true
		}
	}
	return false
}

// render writes a page with status 200.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, page, title string, data any) {
	h.renderStatus(w, r, http.StatusOK, page, title, data)
}

func (h *Handler) renderStatus(w http.ResponseWriter, r *http.Request, status int, page, title string, data any) {
	u, signedIn := httpx.User(r)
	t := h.pagesFor(u.Locale)[page]
	l := layout{Title: title, User: u, SignedIn: signedIn, CSRF: httpx.CSRFToken(r), AssetHash: h.assetHash,
		Version: h.version, Path: r.URL.Path, Data: data}
	if signedIn {
		l.Nav = navFor(u, r.URL.Path)
		if n, err := h.app.UnreadNotifications(r.Context(), u); err == nil {
			l.Unread = n
		}
	}
	if f, err := h.app.Firm(r.Context()); err == nil {
		l.Firm = f.Name
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, l); err != nil {
		httpx.Log(r).Error("render", slog.String("page", page), slog.Any("err", err))
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

type errorView struct {
	Status  int
	Heading string
	Message string
	Request string
	// ActionHref and ActionLabel, when set, offer the way forward instead
	// of the home page.
	ActionHref  string
	ActionLabel string
}

// Error renders an error page with the status the error code maps to.
// Internal errors are logged in full and shown generically.
func (h *Handler) Error(w http.ResponseWriter, r *http.Request, err error) {
	httpx.LogIfInternal(r, err)
	if h.needsSecondFactor(w, r, err) {
		return
	}
	code := domain.ErrorCode(err)
	status := httpx.Status(code)
	v := errorView{Status: status, Message: domain.ErrorMessage(err), Request: httpx.RequestID(r)}
	switch code {
	case domain.ENotFound:
		v.Heading = "We could not find that page"
		v.Message = "It may have moved, or you may not have access to it. Check the address, or go back to your home page."
	case domain.EUnauthorized:
		http.Redirect(w, r, "/signin", http.StatusSeeOther)
		return
	case domain.EForbidden:
		v.Heading = "That is not allowed"
	case domain.EInternal:
		v.Heading = "Something went wrong on our side"
	default:
		v.Heading = "That did not work"
	}
	h.renderStatus(w, r, status, "error", v.Heading, v)
}

var funcs = template.FuncMap{
	"hasPrefix":       strings.HasPrefix,
	"crumbs":          crumbs,          // breadcrumbs.go: label, href pairs for the "breadcrumbs" partial
	"engagementTrail": engagementTrail, // breadcrumbs.go
	"when":            when,            // breadcrumbs.go: a label only when a condition holds
	// can: whether a user may do an app action, to offer the next step
	// in an empty state; the use case still decides.
	"can": func(u domain.User, a string) bool { return app.Can(u, app.Action(a)) },
	// money, date, datetime and deadline write in the viewer's locale:
	// each locale's template set replaces them (format.go).
	"money":    domain.DefaultLocale.FormatMoney,
	"date":     domain.DefaultLocale.FormatDate,
	"datetime": domain.DefaultLocale.FormatDateTime,
	"deadline": domain.DefaultLocale.FormatDeadline,
	"stageClass": func(s domain.Stage) string {
		switch s {
		case domain.StageActive:
			return "ok"
		case domain.StagePaused:
			return "bad"
		case domain.StageClosed:
			return "muted"
		}
		return "wait"
	},
	"diligenceClass": func(d domain.Diligence) string {
		switch d {
		case domain.DiligenceApproved:
			return "ok"
		case domain.DiligenceConditional, domain.DiligencePending:
			return "wait"
		}
		return "bad"
	},
	"sensitivityClass": func(s domain.Sensitivity) string {
		switch s {
		case domain.SensitivityHighlyConfidential:
			return "bad"
		case domain.SensitivityConfidential:
			return "wait"
		}
		return "muted"
	},
	"nextStep":   func(s domain.Stage) string { return s.NextStep() },
	"badge":      badgeClass,      // vendors.go
	"country":    countryLabel,    // vendors.go
	"expiry":     domain.ExpiryOn, // vendors.go: current, expiring or expired on a day
	"browser":    browserOf,
	"percent":    percentOf,          // conflicts.go: a score as a whole percentage
	"splitParas": splitParas,         // consent.go: a text's paragraphs
	"hitClass":   hitStatusClass,     // conflicts.go: a conflict hit's status badge
	"resolving":  resolving,          // conflicts.go: what the resolution form of a hit needs
	"pct":        auditPercent,       // audits.go: a proportion as a percentage, up to two decimals
	"verdict":    verdictClass,       // audits.go: an audit verdict's or state's badge
	"statement":  auditStatement,     // audits.go: a completed audit in one sentence
	"auditLabel": auditLabel,         // audits.go: an audit setting or state in words
	"units":      domain.FormatUnits, // savings.go: hundredths (of hours) as "2.50"
	"bp":         domain.FormatBP,    // invoices.go: basis points as a percentage ("12.5%")
}
