package main

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/probity/probity/internal/testenv"
)

const ivRosa = "rosa.jimenez@hartwellcrane.example" // staff, the billing manager

// TestInvoicePolicyGateSurfaces is issue 8's "gates live once" bar for
// client invoices: on the demo's Calloway/Lexora review billed as a
// disbursement, each surface (web UI, JSON API, CLI) in turn drafts an
// invoice with a 10% markup on a disbursement, which the billing policy
// flags. Approved, it is refused alike when sent (HTTP 409 / exit 1,
// naming the billing partner) and when Priya (an ASSOC) overrides it
// (403 / exit 1), leaving it approved and the rows unchanged; Marcus (a
// PARTNR) then overrides it with a written reason, it is sent, and the
// audit trail holds the override with its reason.
func TestInvoicePolicyGateSurfaces(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		r := startServer(t, e, "--demo")
		x := &lcEnv{r: r, s: openTestStore(t, r.DB, r.Data), web: map[string]*http.Client{}, tokens: map[string]string{}, ids: map[string]int64{},
			api: bearerClient(t), dir: t.TempDir()}
		for _, who := range []string{qaMarcus, lcPriya, ivRosa, lcAnika} {
			c := httpClient(t)
			formSignInOK(t, c, r.URL, who)
			x.web[who] = c
			x.tokens[who] = r.createToken(t, who, "invoice surfaces test", "write")
			x.ids[who] = x.int(t, `SELECT id FROM users WHERE email = $1`, who)
		}
		eid := x.int(t, `SELECT id FROM engagements WHERE description = $1`, qaEngagement)
		mid := x.int(t, `SELECT matter_id FROM engagements WHERE id = $1`, eid)
		vid := x.int(t, `SELECT vendor_id FROM engagements WHERE id = $1`, eid)
		var matter string
		db := x.s.DB()
		if err := db.QueryRow(`SELECT number FROM matters WHERE id = $1`, mid).Scan(&matter); err != nil {
			t.Fatal(err)
		}
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := db.Exec(q, args...); err != nil {
				t.Fatal(q, err)
			}
		}
		exec(`UPDATE engagements SET billing_mode = 'disbursement' WHERE id = $1`, eid)
		rows := func() string {
			var inv, lines, billed, audit int64
			if err := db.QueryRow(`SELECT (SELECT COUNT(*) FROM client_invoices), (SELECT COUNT(*) FROM client_invoice_lines),
				(SELECT COUNT(*) FROM vendor_invoices WHERE client_invoice_id IS NOT NULL), (SELECT COUNT(*) FROM audit_events)`).Scan(&inv, &lines, &billed, &audit); err != nil {
				t.Fatal(err)
			}
			return fmt.Sprint(inv, lines, billed, audit)
		}
		for k, surface := range []string{"web", "api", "cli"} {
			t.Run(surface, func(t *testing.T) {
				// An approved vendor invoice, 1,000.00 standing for 3,000.00 in-house.
				var vi int64
				if err := db.QueryRow(`INSERT INTO vendor_invoices (engagement_id, vendor_id, number, invoice_date, period_start, period_end, currency, total_minor,
					approved_minor, state, firm_cost_minor, firm_currency, submitted_by, submitted_at, decided_by, decided_at)
					VALUES ($1, $2, $3, '2026-02-20', '2026-02-01', '2026-02-20', 'INR', 8000000, 8000000, 'approved', 100000, 'USD', $4, 1, $5, 2) RETURNING id`,
					eid, vid, fmt.Sprintf("SURF-%d", k), x.ids[lcAnika], x.ids[qaMarcus]).Scan(&vi); err != nil {
					t.Fatal(err)
				}
				exec(`INSERT INTO vendor_invoice_lines (invoice_id, position, kind, user_id, classification, worked_on, quantity, rate_minor, amount_minor,
					task_code, activity_code, state, approved_minor, inhouse_minor) VALUES ($1, 1, 'hourly', $2, 'PARLGL', '2026-02-10', 2000, 400000, 8000000,
					'L320', 'A104', 'accepted', 8000000, 300000)`, vi, x.ids[lcAnika])

				var number string
				id := func() int64 { return x.int(t, `SELECT id FROM client_invoices WHERE number = $1`, number) }
				act := func(who, action, reason string) lcOutcome {
					switch surface {
					case "web":
						return x.webPost(t, who, fmt.Sprintf("/invoices/%d/%s", id(), action), url.Values{"reason": {reason}})
					case "api":
						body := ""
						if reason != "" {
							body = fmt.Sprintf(`{"reason":%q}`, reason)
						}
						return x.apiJSON(t, who, http.MethodPost, fmt.Sprintf("/invoices/%d/%s", id(), action), body)
					}
					args := []string{"invoice", action, "--invoice", number, "--as", who}
					if reason != "" {
						args = append(args, "--reason", reason)
					}
					return x.cli(t, args...)
				}
				var o lcOutcome
				switch surface {
				case "web":
					o = x.webPost(t, ivRosa, "/invoices", url.Values{"matter_id": {fmt.Sprint(mid)}, "start": {"2026-02-01"}, "end": {"2026-02-28"},
						"date": {"2026-03-01"}, "markup_percent": {"10"}})
				case "api":
					o = x.apiJSON(t, ivRosa, http.MethodPost, "/invoices", fmt.Sprintf(`{"matter_id":%d,"start":"2026-02-01","end":"2026-02-28","date":"2026-03-01","markup_percent":"10"}`, mid))
				case "cli":
					o = x.cli(t, "invoice", "draft", "--matter", matter, "--from", "2026-02-01", "--to", "2026-02-28", "--date", "2026-03-01", "--markup", "10", "--as", ivRosa)
				}
				if !o.ok {
					t.Fatalf("draft: %s", o)
				}
				if err := db.QueryRow(`SELECT number FROM client_invoices ORDER BY id DESC LIMIT 1`).Scan(&number); err != nil {
					t.Fatal(err)
				}
				var flags string
				if err := db.QueryRow(`SELECT flags FROM client_invoices WHERE number = $1`, number).Scan(&flags); err != nil || !strings.Contains(flags, "disbursement_markup") {
					t.Fatalf("flags of %s: %s %v", number, flags, err)
				}
				if o := act(qaMarcus, "approve", ""); !o.ok {
					t.Fatalf("approve: %s", o)
				}
				before := rows()
				o = act(ivRosa, "send", "")
				if !o.refused(surface == "cli") || (surface != "cli" && o.status != http.StatusConflict) || !strings.Contains(o.text, "billing partner must override") {
					t.Fatalf("send held: %s", o)
				}
				o = act(lcPriya, "override", "The client agreed to the markup in writing.")
				if !o.refused(surface == "cli") || (surface != "cli" && o.status != http.StatusForbidden) || !strings.Contains(o.text, "billing partner") {
					t.Fatalf("priya overrides: %s", o)
				}
				var state string
				if err := db.QueryRow(`SELECT state FROM client_invoices WHERE number = $1`, number).Scan(&state); err != nil || state != "approved" || rows() != before {
					t.Fatalf("after the refusals: %s, rows %s (were %s), %v", state, rows(), before, err)
				}
				reason := fmt.Sprintf("The client agreed to the markup in writing (%s).", surface)
				if o := act(qaMarcus, "override", reason); !o.ok {
					t.Fatalf("override: %s", o)
				}
				if o := act(ivRosa, "send", ""); !o.ok {
					t.Fatalf("send: %s", o)
				}
				if err := db.QueryRow(`SELECT state FROM client_invoices WHERE number = $1`, number).Scan(&state); err != nil || state != "sent" {
					t.Fatalf("state: %s %v", state, err)
				}
				if n := x.int(t, `SELECT COUNT(*) FROM audit_events WHERE action = 'client_invoice.override' AND object_id = $1 AND summary LIKE $2`,
					id(), "%"+reason+"%"); n != 1 {
					t.Fatalf("the audit trail holds %d overrides with the reason", n)
				}
			})
		}
	})
}
