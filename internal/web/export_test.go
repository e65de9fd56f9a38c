package web

import "io/fs"

// What the external tests in web_test.go need to see of the package.
var (
	SafeNext  = safeNext
	PageNames = pageNames
)

// TemplateFiles lists the embedded page templates.
func TemplateFiles() ([]string, error) { return fs.Glob(templateFS, "templates/*.html") }

// HasPage reports whether New parsed a template for page with a content block.
func (h *Handler) HasPage(page string) bool {
	t := h.pages[page]
	return t != nil && t.Lookup("content") != nil
}
