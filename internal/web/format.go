package web

import (
	"fmt"
	"html/template"
	"io/fs"
	"maps"
	"strings"
	"sync"

	"github.com/probity/probity/internal/domain"
)

// Dates and money on screen follow the viewer's locale; times are shown in
// the zone a template passes (the viewer's). Each locale has its own parsed
// template set whose money, date, datetime and deadline functions write in
// that locale, so templates stay as they are ({{money .Total}}) and nothing
// is cloned per request. The default locale's set is parsed at start (a
// broken template fails there); another locale's on its first request.
// CSV, LEDES, PDF and the API keep their machine formats.

// localizedPages holds the template sets of the locales other than the default.
type localizedPages struct {
	mu   sync.Mutex
	sets map[domain.Locale]map[string]*template.Template
}

// funcsFor is the template function map writing in locale l.
func funcsFor(l domain.Locale) template.FuncMap {
	m := maps.Clone(funcs)
	m["money"] = l.FormatMoney
	m["date"] = l.FormatDate
	m["datetime"] = l.FormatDateTime
	// deadline: when a deadline's firm day ends, in the viewer's zone.
	m["deadline"] = l.FormatDeadline
	return m
}

// parsePages parses every page template with the layout and partials,
// writing in locale l.
func parsePages(l domain.Locale) (map[string]*template.Template, error) {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	fm := funcsFor(l)
	pages := map[string]*template.Template{}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if base == "layout" {
			continue
		}
		t, err := template.New("layout.html").Funcs(fm).ParseFS(templateFS, "templates/layout.html", "templates/partials.tmpl", n)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", n, err)
		}
		pages[base] = t
	}
	return pages, nil
}

// pagesFor is the template set for locale l (the default's for an unknown one).
func (h *Handler) pagesFor(l domain.Locale) map[string]*template.Template {
	if l == "" || l == domain.DefaultLocale {
		return h.pages
	}
	if _, err := domain.ParseLocale(string(l)); err != nil {
		return h.pages
	}
	h.localized.mu.Lock()
	defer h.localized.mu.Unlock()
	if p, ok := h.localized.sets[l]; ok {
		return p
	}
	p, err := parsePages(l)
	if err != nil { // the same files parsed at start: cannot happen
		return h.pages
	}
	if h.localized.sets == nil {
		h.localized.sets = map[domain.Locale]map[string]*template.Template{}
	}
	h.localized.sets[l] = p
	return p
}
