package server_test

import "github.com/probity/probity/internal/api"

// The account's profile page (issue 9 part 5): every signed-in person reads
// and changes their own name, time zone and locale, nobody else's; the
// route has no object, so there is nothing to scope. The safe body has no
// name and is refused as invalid, so the matrix changes nobody's profile.

func (m *matrix) profileRules() map[string]rule {
	form, js := formBody, jsonBody
	return map[string]rule{
		"GET /account/profile":              {access: anyone},
		"POST /account/profile":             {access: anyone, safe: form("name", "", "time_zone", "UTC", "locale", "en-US")},
		"PUT " + api.Prefix + "/me/profile": {access: anyone, safe: js(`{"name":"","time_zone":"UTC","locale":"en-US"}`)},
	}
}
