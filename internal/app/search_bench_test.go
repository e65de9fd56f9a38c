package app_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/testenv"
)

// BenchmarkSearch runs the general search on the demo firm grown by
// benchSearchRows matters, each with a party, an engagement (Lexora's, with
// Anika on its team), a conversation of two messages and a shared file,
// all holding the common word "review": every group has thousands of
// matches, and documents and messages pass a gate per engagement.
func BenchmarkSearch(b *testing.B) {
	const benchSearchRows = 3000
	for _, e := range testenv.Engines(b) {
		b.Run(e.Name, func(b *testing.B) {
			a, p, m := demoApp(b, e)
			db := a.Store.DB()
			marcus, anika := p[emMarcus], p[emAnika]
			var client, eng int64
			if err := db.QueryRow(`SELECT client_id FROM matters WHERE id = $1`, m[callNo]).Scan(&client); err != nil {
				b.Fatal(err)
			}
			if err := db.QueryRow(`SELECT MIN(id) FROM engagements WHERE vendor_id = $1 AND stage = 'active'`, anika.VendorID).Scan(&eng); err != nil {
				b.Fatal(err)
			}
			gen := func(q string, args ...any) {
				b.Helper()
				if _, err := db.Exec(q, args...); err != nil {
					b.Fatalf("%v\n%s", err, q)
				}
			}
			seq := fmt.Sprintf(`WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < %d) `, benchSearchRows)
			gen(`INSERT INTO matters (client_id, number, title, practice_area, sensitivity, responsible_attorney_id, status, opened_on, created_at) `+seq+
				`SELECT $1, 'BM-' || i, 'Bench matter ' || i || ': review of supply contracts', '', 'standard', $2, 'open', '2026-01-01', 0 FROM seq`, client, marcus.ID)
			gen(`INSERT INTO parties (matter_id, name, role) SELECT id, 'Reviewco Holdings ' || id, 'adverse' FROM matters WHERE number LIKE 'BM-%'`)
			gen(`INSERT INTO engagements (matter_id, vendor_id, supervising_attorney_id, service, description, stage, billing_mode, estimated_cost_currency, inhouse_estimate_currency, opened_on, created_at)
				SELECT m.id, $1, $2, e.service, 'Second-level review ' || m.id, 'active', 'fee', 'USD', 'USD', '2026-01-02', 0 FROM matters m, engagements e WHERE m.number LIKE 'BM-%' AND e.id = $3`,
				anika.VendorID, marcus.ID, eng)
			gen(`INSERT INTO engagement_members (engagement_id, user_id, role) SELECT e.id, $1, 'reviewer' FROM engagements e JOIN matters m ON m.id = e.matter_id WHERE m.number LIKE 'BM-%'`, anika.ID)
			gen(`INSERT INTO message_threads (engagement_id, subject, created_by, created_at, last_post_at)
				SELECT e.id, 'Weekly review call', $1, 0, 0 FROM engagements e JOIN matters m ON m.id = e.matter_id WHERE m.number LIKE 'BM-%'`, marcus.ID)
			for _, body := range []string{"Batch ready for review, see the log.", "Second-pass review done; two privilege calls to check."} {
				gen(`INSERT INTO messages (thread_id, engagement_id, author_id, body, created_at) SELECT t.id, t.engagement_id, $1, $2, 0 FROM message_threads t WHERE t.subject = 'Weekly review call'`, marcus.ID, body)
			}
			gen(`INSERT INTO documents (kind, filename, content_type, size, sha256, storage_key, wrapped_key, kek_id, uploaded_by, created_at)
				SELECT 'matter', 'review-batch-' || e.id || '.pdf', 'application/pdf', 1, $1, 'bench-' || e.id, $2, 'k', $3, 0
				FROM engagements e JOIN matters m ON m.id = e.matter_id WHERE m.number LIKE 'BM-%'`, fmt.Sprintf("%064d", 0), []byte{1}, marcus.ID)
			gen(`INSERT INTO engagement_documents (engagement_id, document_id, side, folder, description, version, created_at)
				SELECT CAST(substr(d.storage_key, 7) AS BIGINT), d.id, 'firm', 'Logs', '', 1, 0 FROM documents d WHERE d.storage_key LIKE 'bench-%'`)
			if err := a.Store.RefreshStatistics(context.Background()); err != nil { // as serve keeps them
				b.Fatal(err)
			}
			ctx := app.WithMeta(context.Background(), app.Meta{MFA: true})
			for _, c := range []struct {
				name string
				who  string
				term string
				kind app.SearchKind
			}{{"attorney", emMarcus, "review", ""}, {"vendor", emAnika, "review", ""}, {"attorney-documents", emMarcus, "review", app.SearchDocuments},
				{"client", emHelen, "review", ""}, {"attorney-rare-term", emMarcus, "Tidewater", ""}, {"vendor-rare-term", emAnika, "privilege log", ""}} {
				b.Run(c.name, func(b *testing.B) {
					var r app.SearchResults
					for b.Loop() {
						var err error
						if r, err = a.Search(ctx, p[c.who], c.term, c.kind); err != nil {
							b.Fatal(err)
						}
					}
					b.ReportMetric(float64(r.Total), "results")
				})
			}
		})
	}
}
