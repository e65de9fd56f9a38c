package server_test

import (
	"github.com/probity/probity/internal/api"
	"github.com/probity/probity/internal/domain"
)

// Vendor scorecards. A vendor's scorecard is hidden, as its page is, from
// whoever does not see the vendor; of those who see it, firm users and the
// vendor's own manager read it, and the vendor's professionals and client
// contacts are refused. The comparison of every vendor is the firm's.

func (m *matrix) scorecardsRules() map[string]rule {
	reader := vendorCapable(func(r domain.Role) bool { return isFirm(r) || r == domain.RoleVendorManager })
	firm := roleIs(isFirm)
	p := api.Prefix
	return map[string]rule{
		"GET /vendors/scorecards":     {access: firm},
		"GET /vendors/scorecards.csv": {access: firm},

		"GET " + p + "/vendors/{id}/scorecard": {access: reader},
		"GET " + p + "/scorecards":             {access: firm},
	}
}
