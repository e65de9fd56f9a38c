package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/probity/probity/internal/domain"
)

// runSampling runs one command line through Main, without a data directory.
func runSampling(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	m, out, errb := testMain(nil)
	err = m.Run(context.Background(), args)
	return out.String(), errb.String(), err
}

func TestSampleSizeCLI(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"sample-size", "--population", "1000", "--confidence", "0.95", "--margin", "0.05"}, "278\n"}, // Krejcie & Morgan
		{[]string{"sample-size", "--population", "10000"}, "370\n"},
		{[]string{"sample-size", "--method", "zero-defect", "--max-error-rate", "0.05"}, "59\n"},
		{[]string{"sample-size", "--method", "zero-defect", "--max-error-rate", "0.02", "--confidence", "0.95"}, "149\n"},
		{[]string{"sample-size", "--method", "zero_defect", "--max-error-rate", "0.02", "--population", "100"}, "100\n"},
		{[]string{"sample-size", "--method", "z14", "--level", "II", "--population", "1000"}, "80\n"},
		{[]string{"sample-size", "--method", "z14", "--level", "I", "--population", "60"}, "5\n"},
		{[]string{"sample-size", "--method", "z14", "--level", "III", "--population", "3"}, "3\n"},
	} {
		out, errs, err := runSampling(t, c.args...)
		if err != nil || out != c.want {
			t.Errorf("%v: %q, %v (%s); want %q", c.args, out, err, errs, c.want)
		}
	}
	out, _, err := runSampling(t, "sample-size", "--method", "z14", "--level", "II", "--population", "1000", "--accept", "2", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var res domain.SampleSizeResult
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("--json printed %q: %v", out, err)
	}
	if res.Size != 80 || res.CodeLetter != "J" || res.Spec.Reject != 3 || res.Spec.Population != 1000 || !strings.Contains(res.Formula, "code letter J") {
		t.Errorf("--json: %+v", res)
	}
	for _, field := range []string{`"size": 80`, `"code_letter": "J"`, `"inspect_all": false`, `"formula"`, `"spec"`} {
		if !strings.Contains(out, field) {
			t.Errorf("--json lacks %s:\n%s", field, out)
		}
	}
	out, _, _ = runSampling(t, "sample-size", "--population", "1000", "--json")
	if !strings.Contains(out, `"chi_square": 3.841`) || !strings.Contains(out, `"size": 278`) {
		t.Errorf("--json proportion:\n%s", out)
	}
}

func TestSampleSizeCLIRefusals(t *testing.T) {
	for _, c := range []struct {
		args  []string
		usage bool
		msg   string
	}{
		{[]string{"sample-size", "--population", "1000", "--confidence", "1.5"}, false, "the confidence must be between 0 and 1"},
		{[]string{"sample-size", "--population", "0"}, false, "the population must have at least 1 item"},
		{[]string{"sample-size"}, false, "the population must have at least 1 item"},
		{[]string{"sample-size", "--population", "100", "--margin", "2"}, false, "the margin of error must be between 0 and 1"},
		{[]string{"sample-size", "--method", "zero-defect"}, false, "the error rate to exclude must be between 0 and 1"},
		{[]string{"sample-size", "--method", "z14", "--level", "IV", "--population", "100"}, false, `"IV" is not a general inspection level`},
		{[]string{"sample-size", "--method", "hunch", "--population", "100"}, true, "--method must be proportion, zero-defect or z14"},
		{[]string{"sample-size", "--population", "many"}, true, "invalid value"},
		{[]string{"sample-size", "--population", "10", "extra"}, true, "takes no arguments"},
	} {
		out, _, err := runSampling(t, c.args...)
		if err == nil || out != "" || !strings.Contains(describe(err), c.msg) || (exitCode(err) == 2) != c.usage {
			t.Errorf("%v: stdout %q, err %v (exit %d); want %q", c.args, out, err, exitCode(err), c.msg)
		}
	}
}

func TestAuditSampleCLI(t *testing.T) {
	out, _, err := runSampling(t, "audit", "sample", "--seed", "a1b2", "--population", "10000000", "--size", "25")
	if err != nil {
		t.Fatal(err)
	}
	want, _ := domain.DrawSample("a1b2", 10000000, 25)
	if got := lines(out); !slices.Equal(got, positions(want)) {
		t.Errorf("printed %v, DrawSample %v", got, want)
	}
	// Without --size: the method flags give it (K&M: 278 of 1000).
	out, _, err = runSampling(t, "audit", "sample", "--seed", "s", "--population", "1000")
	want, _ = domain.DrawSample("s", 1000, 278)
	if err != nil || !slices.Equal(lines(out), positions(want)) {
		t.Errorf("default size: %d lines, %v", len(lines(out)), err)
	}
	out, _, _ = runSampling(t, "audit", "sample", "--seed", "s", "--population", "1000", "--method", "zero-defect", "--max-error-rate", "0.05")
	if len(lines(out)) != 59 {
		t.Errorf("zero-defect: %d lines, want 59", len(lines(out)))
	}

	// A CSV population prints item ids.
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "batch.csv")
	var b strings.Builder
	b.WriteString("item_id,decision,reviewer\n")
	people := []string{"Priya", "Arjun", "Lena"}
	for i := 1; i <= 60; i++ {
		b.WriteString("DOC-" + strconv.Itoa(1000+i) + ",responsive," + people[i%3] + "\n")
	}
	if err := os.WriteFile(csvPath, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	out, _, err = runSampling(t, "audit", "sample", "--seed", "s", "--population", csvPath, "--size", "5")
	want, _ = domain.DrawSample("s", 60, 5)
	var ids []string
	for _, p := range want {
		ids = append(ids, "DOC-"+strconv.FormatInt(1000+p, 10))
	}
	if err != nil || !slices.Equal(lines(out), ids) {
		t.Errorf("CSV: %v %v; want %v", lines(out), err, ids)
	}

	// --stratify: person<TAB>item, stratum by stratum in name order.
	out, _, err = runSampling(t, "audit", "sample", "--seed", "s", "--population", csvPath, "--size", "3", "--stratify")
	if err != nil {
		t.Fatal(err)
	}
	var wantStrat []string
	for _, name := range []string{"Arjun", "Lena", "Priya"} {
		var theirs []string
		for i := 1; i <= 60; i++ {
			if people[i%3] == name {
				theirs = append(theirs, "DOC-"+strconv.Itoa(1000+i))
			}
		}
		drawn, _ := domain.DrawSample("s/"+name, int64(len(theirs)), 3)
		for _, p := range drawn {
			wantStrat = append(wantStrat, name+"\t"+theirs[p-1])
		}
	}
	if !slices.Equal(lines(out), wantStrat) {
		t.Errorf("--stratify printed\n%s\nwant\n%s", out, strings.Join(wantStrat, "\n"))
	}
}

func TestAuditSampleCLIRefusals(t *testing.T) {
	dir := t.TempDir()
	dup := filepath.Join(dir, "dup.csv")
	if err := os.WriteFile(dup, []byte("id\nA\nB\nA\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"audit", "sample", "--seed", "s", "--population", "10", "--size", "11"}, "a sample of 11 cannot be drawn without replacement from a population of 10"},
		{[]string{"audit", "sample", "--seed", "s", "--population", "0", "--size", "1"}, "there is nothing to sample"},
		{[]string{"audit", "sample", "--seed", "s", "--population", "10", "--size", "0"}, "at least 1 item"},
		{[]string{"audit", "sample", "--seed", "s", "--population", "100", "--confidence", "1.5"}, "the confidence must be between 0 and 1"},
		{[]string{"audit", "sample", "--population", "10", "--size", "1"}, "needs --seed"},
		{[]string{"audit", "sample", "--seed", "s", "--size", "1"}, "needs --population"},
		{[]string{"audit", "sample", "--seed", "s", "--population", dup, "--size", "1"}, "line 4: item id A already on line 2"},
		{[]string{"audit", "sample", "--seed", "s", "--population", filepath.Join(dir, "missing.csv")}, "neither a number of items nor a readable CSV file"},
		{[]string{"audit", "sample", "--seed", "s", "--population", "100", "--stratify"}, "--stratify needs --population FILE.csv"},
	} {
		out, _, err := runSampling(t, c.args...)
		if err == nil || out != "" || !strings.Contains(describe(err), c.msg) {
			t.Errorf("%v: stdout %q, err %v; want %q", c.args, out, err, c.msg)
		}
	}
}

// lines splits output into its lines (none for empty output).
func lines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

func positions(ps []int64) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = strconv.FormatInt(p, 10)
	}
	return out
}
