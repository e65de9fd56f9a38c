package app_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// Quality-audit benchmarks on SQLite in a temporary directory, each beside
// a reference measured in the same run on the same rows: drawing 2,000
// items from a batch of 10,000,000 (the seeded draw, reading the drawn items
// by position and recording the sample, in one transaction) against 2,000
// bare primary-key reads of those rows; and evaluating an audit of 10,000
// scored items (loading the sample with its scores and computing the
// results) against a bare scan of the same rows.

// benchAuditStore opens a SQLite store with one active engagement and an
// attorney, returning the store, the engagement and the attorney's ids.
func benchAuditStore(b *testing.B) (*store.Store, int64, int64) {
	b.Helper()
	s := testenv.OpenStore(b, testenv.Engine{Name: "sqlite", URL: func(tb testing.TB) (string, string) { return "", tb.TempDir() }})
	ctx := context.Background()
	var eid, uid int64
	err := s.Write(ctx, func(tx *store.Tx) error {
		u := domain.User{Email: "auditor@firm.example", Name: "Auditor", Role: domain.RoleAttorney}
		if err := u.Validate(); err != nil {
			return err
		}
		if err := tx.CreateUser(ctx, &u, "x", t0); err != nil {
			return err
		}
		c := domain.Client{Number: "C-1", Name: "Client", Country: "US"}
		if err := c.Validate(); err != nil {
			return err
		}
		if err := tx.CreateClient(ctx, &c, t0); err != nil {
			return err
		}
		v := domain.Vendor{Name: "Vendor", LegalName: "Vendor Ltd", Country: "IN", Currency: "INR", Diligence: domain.DiligenceApproved, ApprovedUntil: "2026-12-31"}
		if err := v.Validate(); err != nil {
			return err
		}
		if err := tx.CreateVendor(ctx, &v, t0); err != nil {
			return err
		}
		m := domain.Matter{ClientID: c.ID, Number: "2026-0001", Title: "Matter", ResponsibleAttorneyID: u.ID}
		if err := m.Validate(); err != nil {
			return err
		}
		if err := tx.CreateMatter(ctx, &m, t0); err != nil {
			return err
		}
		e := domain.Engagement{MatterID: m.ID, VendorID: v.ID, SupervisingAttorneyID: u.ID, Service: domain.ServiceDocumentReview,
			Description: "review", Stage: domain.StageActive, BillingMode: domain.BillingDisbursement,
			EstimatedCost: domain.NewMoney(100, "INR"), InHouseEstimate: domain.NewMoney(200, "USD"), OpenedOn: "2026-03-01"}
		if err := tx.CreateEngagement(ctx, &e, t0); err != nil {
			return err
		}
		eid, uid = e.ID, u.ID
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return s, eid, uid
}

// generate inserts 1..n into table from a recursive CTE, in one statement.
func generate(b *testing.B, s *store.Store, n int64, insert, selectFrom string, args ...any) {
	b.Helper()
	q := `INSERT INTO ` + insert + ` WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ` + fmt.Sprint(n) + `) ` + selectFrom
	if _, err := s.DB().Exec(q, args...); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkAuditDraw draws and records a sample of 2,000 from a batch of
// 10,000,000 items per iteration; the reference reads the 2,000 rows of one
// draw by primary key with a prepared statement, nothing else.
func BenchmarkAuditDraw(b *testing.B) {
	const population, n = 10_000_000, 2000
	s, eid, uid := benchAuditStore(b)
	ctx := context.Background()
	var batchID int64
	if err := s.DB().QueryRow(`INSERT INTO audit_batches (engagement_id, name, items, people, imported_by, imported_at) VALUES ($1, 'big', $2, 3, $3, 0) RETURNING id`,
		eid, population, uid).Scan(&batchID); err != nil {
		b.Fatal(err)
	}
	generate(b, s, population, `audit_population_items (batch_id, position, item_key, decision, person)`,
		`SELECT $1, i, printf('DOC-%08d', i), CASE WHEN i % 2 = 0 THEN 'responsive' ELSE 'not responsive' END, 'P' || (i % 3) FROM seq`, batchID)
	b.Run("reference-sqlite-2000-point-reads", func(b *testing.B) {
		pos, err := domain.DrawSample("reference", population, n)
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			tx, err := s.DB().Begin()
			if err != nil {
				b.Fatal(err)
			}
			st, err := tx.Prepare(`SELECT item_key, decision, person FROM audit_population_items WHERE batch_id = $1 AND position = $2`)
			if err != nil {
				b.Fatal(err)
			}
			var key, decision, person string
			for _, p := range pos {
				if err := st.QueryRow(batchID, p).Scan(&key, &decision, &person); err != nil {
					b.Fatal(err)
				}
			}
			st.Close()
			if err := tx.Rollback(); err != nil {
				b.Fatal(err)
			}
		}
	})
	draws := 0
	b.Run("draw-2000-of-10M", func(b *testing.B) {
		spec := domain.SampleSpec{Method: domain.MethodProportion, Confidence: 0.95, Margin: 0.05}
		b.ReportAllocs()
		for b.Loop() {
			draws++ // across runs of this sub-benchmark on the one store (-count)
			seed := fmt.Sprintf("bench-%d", draws)
			err := s.Write(ctx, func(tx *store.Tx) error {
				au := domain.Audit{EngagementID: eid, Kind: domain.AuditManual, Period: "bench:" + seed, DueOn: "2026-03-20", AuditorID: uid, CreatedAt: t0}
				if created, err := tx.CreateAudit(ctx, &au); err != nil || !created {
					return fmt.Errorf("audit %s not created: %v", au.Period, err)
				}
				pos, err := domain.DrawSample(seed, population, n)
				if err != nil {
					return err
				}
				found, err := tx.PopulationItems(ctx, batchID, pos)
				if err != nil {
					return err
				}
				items := make([]domain.SampleItem, len(found))
				for j, it := range found {
					items[j] = domain.SampleItem{Draw: j + 1, Position: it.Position, Key: it.Key, Decision: it.Decision, Person: it.Person}
				}
				au.BatchID, au.Population, au.Seed, au.Spec, au.MaxErrorRate, au.Criteria = batchID, population, seed, spec, 0.05, domain.DefaultRubric
				return tx.DrawAudit(ctx, au, items, t0)
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkAuditEvaluate loads an audit of 10,000 scored items (one in
// fifty failing a critical criterion) and evaluates it per iteration; the
// reference scans the same rows with a bare query.
func BenchmarkAuditEvaluate(b *testing.B) {
	const n = 10_000
	s, eid, uid := benchAuditStore(b)
	ctx := context.Background()
	spec := domain.SampleSpec{Method: domain.MethodProportion, Confidence: 0.95, Margin: 0.05, Population: 1_000_000}
	au := domain.Audit{EngagementID: eid, Kind: domain.AuditManual, Period: "bench", DueOn: "2026-03-20", AuditorID: uid, CreatedAt: t0}
	err := s.Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.CreateAudit(ctx, &au); err != nil {
			return err
		}
		au.Population, au.Seed, au.Spec, au.MaxErrorRate, au.Criteria = spec.Population, "bench", spec, 0.05, domain.DefaultRubric
		return tx.DrawAudit(ctx, au, nil, t0)
	})
	if err != nil {
		b.Fatal(err)
	}
	generate(b, s, n, `audit_samples (audit_id, draw, position, item_key, decision, person)`,
		`SELECT $1, i, i * 97, 'DOC-' || i, CASE WHEN i % 2 = 0 THEN 'responsive' ELSE 'not responsive' END, 'P' || (i % 3) FROM seq`, au.ID)
	if _, err := s.DB().Exec(`INSERT INTO audit_scores (sample_id, audit_id, failed, correct_decision, scored_by, scored_at)
		SELECT id, audit_id, CASE WHEN draw % 50 = 0 THEN '["accuracy"]' ELSE '[]' END, decision, $2, 1 FROM audit_samples WHERE audit_id = $1`, au.ID, uid); err != nil {
		b.Fatal(err)
	}
	if _, err := s.DB().Exec(`UPDATE audits SET sample_size = $1 WHERE id = $2`, n, au.ID); err != nil {
		b.Fatal(err)
	}
	b.Run("reference-sqlite-scan-10k-rows", func(b *testing.B) {
		for b.Loop() {
			rows, err := s.DB().Query(`SELECT s.id, s.draw, s.position, s.item_key, s.decision, s.person, c.failed, c.correct_decision
				FROM audit_samples s JOIN audit_scores c ON c.sample_id = s.id WHERE s.audit_id = $1 ORDER BY s.draw`, au.ID)
			if err != nil {
				b.Fatal(err)
			}
			var id, draw, pos int64
			var key, decision, person, failed, correct string
			got := 0
			for rows.Next() {
				if err := rows.Scan(&id, &draw, &pos, &key, &decision, &person, &failed, &correct); err != nil {
					b.Fatal(err)
				}
				got++
			}
			if err := rows.Close(); err != nil || got != n {
				b.Fatalf("%d rows, %v", got, err)
			}
		}
	})
	b.Run("load-and-evaluate-10k-scored", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var res domain.AuditResults
			err := s.Read(ctx, func(tx *store.Tx) error {
				a, err := tx.Audit(ctx, eid, au.ID)
				if err != nil {
					return err
				}
				items, err := tx.AuditSamples(ctx, au.ID)
				if err != nil {
					return err
				}
				if len(items) != n {
					return fmt.Errorf("%d items", len(items))
				}
				res, err = domain.Evaluate(a, items, "responsive")
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
			if res.Scored != n || res.Errors != n/50 || res.Verdict == "" {
				b.Fatalf("results: %d scored, %d errors, verdict %q", res.Scored, res.Errors, res.Verdict)
			}
		}
	})
}
