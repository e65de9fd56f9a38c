package server_test

import (
	"net/url"

	"github.com/probity/probity/internal/api"
)

// billingPolicyRules are the rules of the firm's billing policy for
// outsourced work: only firm administrators read or change it, on the
// settings page and through the API. Safe bodies are refused as invalid;
// probes would tighten every figure.
func (m *matrix) billingPolicyRules() map[string]rule {
	admin := roleIs(isAdmin)
	form := func(overhead, markup, shared string) body {
		return body{form: url.Values{"overhead_cap": {overhead}, "markup_cap": {markup}, "min_saving_shared": {shared}}}
	}
	p := api.Prefix
	return map[string]rule{
		"POST /admin/settings/billing":          {access: admin, safe: form("ten", "25", "50"), probe: form("0", "0", "100")},
		"GET " + p + "/settings/billing-policy": {access: admin},
		"PUT " + p + "/settings/billing-policy": {access: admin,
			safe:  body{json: `{"overhead_cap_bp":99999,"markup_cap_bp":2500,"min_saving_shared_bp":5000}`},
			probe: body{json: `{"overhead_cap_bp":0,"markup_cap_bp":0,"min_saving_shared_bp":10000}`}},
	}
}
