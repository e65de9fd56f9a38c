package server_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"github.com/probity/probity/internal/api"
)

// matterRules are the rules of the matters-management routes: creating and
// editing matters, strategy notes and the CSV import (attorneys and firm
// administrators). Probes would open a matter numbered MATRIX-PROBE for
// Calloway with Marcus responsible, or write strategy notes.
func (m *matrix) matterRules() map[string]rule {
	form, js := formBody, jsonBody
	const probe = "authorisation matrix probe"
	var calloway, marcus int64
	for id, n := range m.w.clients {
		if strings.HasPrefix(n, "Calloway") {
			calloway = id
		}
	}
	for id, u := range m.w.users {
		if u.name == "Marcus Oyelaran" {
			marcus = id
		}
	}
	if calloway == 0 || marcus == 0 {
		m.t.Fatalf("the demo has no Calloway client (%d) or Marcus (%d) for the matter probes", calloway, marcus)
	}
	client, resp := strconv.FormatInt(calloway, 10), strconv.FormatInt(marcus, 10)
	newMatter := form("client_id", client, "number", "MATRIX-PROBE", "title", probe, "sensitivity", "standard", "responsible_attorney_id", resp)
	newMatterJSON := js(fmt.Sprintf(`{"client_id":%d,"number":"MATRIX-PROBE","title":%q,"sensitivity":"standard","responsible_attorney_id":%d}`, calloway, probe, marcus))
	csv := "number,client_number,title,responsible_attorney_email\nMATRIX-PROBE,CFS-0711,Matrix probe,marcus.oyelaran@hartwellcrane.example\n"
	sum := sha256.Sum256([]byte(csv))
	tooLong := strings.Repeat("x", 20001)
	canEdit := canScreen // attorneys and firm administrators
	p := api.Prefix
	return map[string]rule{
		"GET /matters/new":            {access: roleIs(canEdit)},
		"POST /matters":               {access: roleIs(canEdit), safe: form("number", ""), probe: newMatter},
		"GET /matters/{id}/edit":      {access: matterAccess(canEdit)},
		"POST /matters/{id}/edit":     {access: matterAccess(canEdit), safe: form("number", ""), probe: newMatter},
		"POST /matters/{id}/strategy": {access: matterAccess(canEdit), safe: form("notes", tooLong), probe: form("notes", probe)},
		"GET /matters/import":         {access: roleIs(canEdit)},
		"POST /matters/import": {access: roleIs(canEdit), safe: form("kind", "matters"),
			probe: form("kind", "matters", "content", csv, "sha256", hex.EncodeToString(sum[:]))},

		"POST " + p + "/matters":              {access: roleIs(canEdit), safe: js(`{"number":""}`), probe: newMatterJSON},
		"PUT " + p + "/matters/{id}":          {access: matterAccess(canEdit), safe: js(`{"number":""}`), probe: newMatterJSON},
		"PUT " + p + "/matters/{id}/strategy": {access: matterAccess(canEdit), safe: js(fmt.Sprintf(`{"notes":%q}`, tooLong)), probe: js(fmt.Sprintf(`{"notes":%q}`, probe))},
		"POST " + p + "/matters/import":       {access: roleIs(canEdit), safe: js(`{"not":"csv"}`), probe: js(csv)},
	}
}
