package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/testenv"
)

// TestQualityAuditCommands drives a quality audit through the CLI: the
// plan is set (a bad value refused, changing nothing) and shown with its
// switching rules, a batch is imported from a CSV file, an audit drawn
// from a given seed (the draw is the one domain.DrawSample reproduces),
// every item scored, the audit completed with its verdict and intervals,
// and a corrective action raised, answered by the vendor manager and
// closed by the supervising attorney. The vendor cannot act for the firm;
// every refusal exits 1 and changes nothing; usage errors exit 2.
func TestQualityAuditCommands(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		dbURL, dir := e.URL(t)
		db := engineArgs(dbURL, dir)
		if _, errOut, err := runCLI(t, nil, "", append([]string{"demo"}, db...)...); err != nil {
			t.Fatalf("demo: %v\n%s", err, errOut)
		}
		s := openTestStore(t, dbURL, dir)
		eid, _ := approvedWork(t, s)
		for _, q := range []string{`DELETE FROM corrective_actions WHERE engagement_id = $1`, `DELETE FROM audits WHERE engagement_id = $1`,
			`DELETE FROM audit_batches WHERE engagement_id = $1`, `DELETE FROM audit_plans WHERE engagement_id = $1`} {
			if _, err := s.DB().Exec(q, eid); err != nil {
				t.Fatal(err)
			}
		}
		id := strconv.FormatInt(eid, 10)
		const marcus, daniel, anika = "marcus.oyelaran@hartwellcrane.example", "daniel.brooks@hartwellcrane.example", "anika.deshmukh@lexora.example"
		run := func(args ...string) (string, error) {
			out, errOut, err := runCLI(t, nil, "", append(args, db...)...)
			if err != nil {
				errOut += err.Error()
			}
			return out + errOut, err
		}
		count := func(from string, args ...any) int {
			var n int
			if err := s.DB().QueryRow(`SELECT COUNT(*) FROM `+from, args...).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}

		// The plan.
		set := []string{"audit", "plan", "set", "--engagement", id, "--population", "batch_items", "--method", "zero_defect", "--max-error-rate", "0.2", "--cadence", "weekly"}
		if out, err := run(append(set, "--confidence", "1.5", "--as", marcus)...); exitStatus(err) != 1 {
			t.Errorf("a confidence of 1.5: exit %d\n%s", exitStatus(err), out)
		}
		if out, err := run(append(set, "--confidence", "0.8", "--as", anika)...); exitStatus(err) != 1 {
			t.Errorf("the vendor manager setting the plan: exit %d\n%s", exitStatus(err), out)
		}
		if count("audit_plans WHERE engagement_id = $1", eid) != 0 {
			t.Fatal("a refused plan was saved")
		}
		if out, err := run(append(set, "--confidence", "0.8", "--as", marcus)...); err != nil || !strings.Contains(out, "Audit plan saved") || !strings.Contains(out, "zero_defect, confidence 80%") {
			t.Fatalf("plan set: %v\n%s", err, out)
		}
		if out, err := run("audit", "plan", "show", "--engagement", id, "--as", anika); err != nil || !strings.Contains(out, "Switching rules:") || !strings.Contains(out, "accuracy") {
			t.Errorf("plan show: %v\n%s", err, out)
		}

		// A batch from a file.
		var csv strings.Builder
		csv.WriteString("item_id,decision,person\n")
		for i := 1; i <= 12; i++ {
			fmt.Fprintf(&csv, "DOC-%03d,%s,%s\n", i, []string{"responsive", "not responsive"}[i%2], []string{"Rohan", "Meera"}[i%2])
		}
		file := filepath.Join(t.TempDir(), "week1.csv")
		if err := os.WriteFile(file, []byte(csv.String()), 0o600); err != nil {
			t.Fatal(err)
		}
		if out, err := run("audit", "batch", "import", file, "--name", "Week 1", "--engagement", id, "--as", anika); exitStatus(err) != 1 {
			t.Errorf("the vendor importing: exit %d\n%s", exitStatus(err), out)
		}
		if out, err := run("audit", "batch", "import", "--name", "Week 1", "--engagement", id, "--as", marcus); exitStatus(err) != 2 {
			t.Errorf("import without a file: exit %d\n%s", exitStatus(err), out)
		}
		out, err := run("audit", "batch", "import", file, "--name", "Week 1", "--engagement", id, "--as", marcus)
		if err != nil || !strings.Contains(out, "12 items by 2 people") {
			t.Fatalf("import: %v\n%s", err, out)
		}
		var batch int64
		if err := s.DB().QueryRow(`SELECT id FROM audit_batches WHERE engagement_id = $1`, eid).Scan(&batch); err != nil {
			t.Fatal(err)
		}
		if out, err := run("audit", "batch", "list", "--engagement", id, "--as", daniel); err != nil || !strings.Contains(out, "Week 1\t12 items") {
			t.Errorf("batch list: %v\n%s", err, out)
		}

		// An audit from a seed; the draw is reproducible.
		if out, err := run("audit", "start", "--engagement", id, "--batch", strconv.FormatInt(batch, 10), "--seed", "cli-seed", "--as", anika); exitStatus(err) != 1 {
			t.Errorf("the vendor starting an audit: exit %d\n%s", exitStatus(err), out)
		}
		out, err = run("audit", "start", "--engagement", id, "--batch", strconv.FormatInt(batch, 10), "--seed", "cli-seed", "--as", daniel)
		if err != nil || !strings.Contains(out, "drew 8 of 12 items with seed cli-seed") || !strings.Contains(out, "probity audit sample --seed cli-seed --population 12 --size 8") {
			t.Fatalf("start: %v\n%s", err, out)
		}
		var aid int64
		if err := s.DB().QueryRow(`SELECT id FROM audits WHERE engagement_id = $1`, eid).Scan(&aid); err != nil {
			t.Fatal(err)
		}
		a := strconv.FormatInt(aid, 10)
		want, err := domain.DrawSample("cli-seed", 12, 8)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := s.DB().Query(`SELECT id, position, item_key FROM audit_samples WHERE audit_id = $1 ORDER BY draw`, aid)
		if err != nil {
			t.Fatal(err)
		}
		var sids []string
		var keys []string
		for i := 0; rows.Next(); i++ {
			var sid, pos int64
			var key string
			if err := rows.Scan(&sid, &pos, &key); err != nil {
				t.Fatal(err)
			}
			if i >= len(want) || pos != want[i] {
				t.Errorf("draw %d is position %d; the seed gives %v", i+1, pos, want)
			}
			sids, keys = append(sids, strconv.FormatInt(sid, 10)), append(keys, key)
		}
		rows.Close()
		if len(sids) != 8 {
			t.Fatalf("%d sampled items, want 8", len(sids))
		}
		out, err = run("audit", "show", a, "--engagement", id, "--as", marcus)
		if err != nil || !strings.Contains(out, "8 of 12 items, seed cli-seed") {
			t.Fatalf("show: %v\n%s", err, out)
		}
		for _, k := range keys {
			if !strings.Contains(out, k) {
				t.Errorf("show does not list item %s\n%s", k, out)
			}
		}

		// Scoring: refusals change nothing; then every item.
		if out, err := run("audit", "score", a, "--engagement", id, "--as", marcus); exitStatus(err) != 2 {
			t.Errorf("score without --item: exit %d\n%s", exitStatus(err), out)
		}
		if out, err := run("audit", "score", a, "--item", sids[0], "--fail", "elegance", "--engagement", id, "--as", marcus); exitStatus(err) != 1 {
			t.Errorf("a criterion not in the rubric: exit %d\n%s", exitStatus(err), out)
		}
		if out, err := run("audit", "score", a, "--item", sids[0], "--engagement", id, "--as", anika); exitStatus(err) != 1 {
			t.Errorf("the vendor scoring: exit %d\n%s", exitStatus(err), out)
		}
		if out, err := run("audit", "complete", a, "--engagement", id, "--as", marcus); exitStatus(err) != 1 {
			t.Errorf("completing with items unscored: exit %d\n%s", exitStatus(err), out)
		}
		if count("audit_scores WHERE audit_id = $1", aid) != 0 {
			t.Fatal("a refused score was saved")
		}
		for i, sid := range sids {
			args := []string{"audit", "score", a, "--item", sid, "--note", "checked", "--engagement", id, "--as", marcus}
			if i == 0 {
				args = append(args, "--fail", "accuracy,format")
			}
			if out, err := run(args...); err != nil || !strings.Contains(out, "Scored item "+sid) {
				t.Fatalf("score %s: %v\n%s", sid, err, out)
			}
		}
		if out, err := run("audit", "complete", "--engagement", id, "--as", marcus, a); err != nil || !strings.Contains(out, "FAILED, 1 errors in 8 items") {
			t.Fatalf("complete: %v\n%s", err, out)
		}
		out, err = run("audit", "show", a, "--engagement", id, "--as", marcus)
		if err != nil || !strings.Contains(out, "Verdict:     FAILED") || !strings.Contains(out, "Error rate:  12.5%") || !strings.Contains(out, "Wilson:") ||
			!strings.Contains(out, "Clopper–Pearson:") || !strings.Contains(out, "With 80% confidence") {
			t.Errorf("show after completion: %v\n%s", err, out)
		}
		if out, err := run("audit", "list", "--engagement", id, "--as", anika); err != nil || !strings.Contains(out, "completed") || !strings.Contains(out, "fail") {
			t.Errorf("list: %v\n%s", err, out)
		}

		// A corrective action.
		raise := []string{"corrective", "raise", "--engagement", id, "--audit", a, "--description", "Recode the privileged documents"}
		if out, err := run(append(raise, "--due", "2099-13-40", "--as", marcus)...); exitStatus(err) != 1 {
			t.Errorf("a bad due date: exit %d\n%s", exitStatus(err), out)
		}
		if out, err := run(append(raise, "--due", "2099-03-01", "--as", anika)...); exitStatus(err) != 1 {
			t.Errorf("the vendor raising: exit %d\n%s", exitStatus(err), out)
		}
		if count("corrective_actions WHERE engagement_id = $1", eid) != 0 {
			t.Fatal("a refused corrective action was saved")
		}
		if out, err := run(append(raise, "--due", "2099-03-01", "--as", marcus)...); err != nil || !strings.Contains(out, "due 2099-03-01") {
			t.Fatalf("raise: %v\n%s", err, out)
		}
		var cid int64
		if err := s.DB().QueryRow(`SELECT id FROM corrective_actions WHERE engagement_id = $1`, eid).Scan(&cid); err != nil {
			t.Fatal(err)
		}
		c := strconv.FormatInt(cid, 10)
		if out, err := run("corrective", "list", "--engagement", id, "--as", anika); err != nil || !strings.Contains(out, c+"\taudit "+a+"\topen") {
			t.Errorf("the vendor's list: %v\n%s", err, out)
		}
		if out, err := run("corrective", "verify", c, "--engagement", id, "--as", marcus); exitStatus(err) != 2 {
			t.Errorf("verify without --accept or --reopen: exit %d\n%s", exitStatus(err), out)
		}
		if out, err := run("corrective", "respond", c, "--engagement", id, "--response", "Recoded; reviewer retrained", "--as", anika); err != nil || !strings.Contains(out, "Responded") {
			t.Fatalf("respond: %v\n%s", err, out)
		}
		if out, err := run("corrective", "verify", c, "--accept", "--engagement", id, "--as", daniel); exitStatus(err) != 1 {
			t.Errorf("staff verifying: exit %d\n%s", exitStatus(err), out)
		}
		if out, err := run("corrective", "verify", c, "--accept", "--note", "Checked", "--engagement", id, "--as", marcus); err != nil || !strings.Contains(out, "accepted and closed") {
			t.Fatalf("verify: %v\n%s", err, out)
		}
		if out, err := run("corrective", "list", "--engagement", id, "--as", marcus); err != nil || !strings.Contains(out, c+"\taudit "+a+"\tclosed") {
			t.Errorf("after verification: %v\n%s", err, out)
		}
	})
}
