package conflicts

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"testing"
)

// threshold is the score at which a pair is reported as a possible conflict.
const threshold = 0.85

type labelledPair struct {
	a, b string
	same bool
	note string
	line int
}

func readPairs(tb testing.TB) []labelledPair {
	tb.Helper()
	f, err := os.Open("testdata/pairs.tsv")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []labelledPair
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fs := strings.Split(line, "\t")
		if len(fs) != 4 || (fs[2] != "0" && fs[2] != "1") {
			tb.Fatalf("pairs.tsv:%d: want nameA<TAB>nameB<TAB>0|1<TAB>note, got %q", n, line)
		}
		out = append(out, labelledPair{fs[0], fs[1], fs[2] == "1", fs[3], n})
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// TestLabelledPairs measures recall and precision on the labelled set, both
// through Compare and through an Index (so candidate generation is covered).
func TestLabelledPairs(t *testing.T) {
	pairs := readPairs(t)
	if len(pairs) < 300 {
		t.Fatalf("labelled set has %d pairs, want at least 300", len(pairs))
	}
	var tp, fp, fn, tn int
	for _, p := range pairs {
		m := Compare(p.a, p.b)
		// The index must find the pair too: index B, look up A.
		ix := NewIndex([]Party{{ID: 1, Name: p.b}})
		found := len(ix.Search(p.a, threshold)) > 0
		hit := m.Score >= threshold
		if hit != found {
			t.Errorf("pairs.tsv:%d: Compare says %v (%.3f) but the index says %v for %q / %q", p.line, hit, m.Score, found, p.a, p.b)
		}
		switch {
		case hit && p.same:
			tp++
		case hit && !p.same:
			fp++
			t.Logf("false positive pairs.tsv:%d %.3f %q / %q (%s) %v", p.line, m.Score, p.a, p.b, p.note, m.Reasons)
		case !hit && p.same:
			fn++
			t.Logf("false negative pairs.tsv:%d %.3f %q / %q (%s) %v", p.line, m.Score, p.a, p.b, p.note, m.Reasons)
		default:
			tn++
		}
	}
	recall := float64(tp) / float64(tp+fn)
	precision := float64(tp) / float64(tp+fp)
	summary := fmt.Sprintf("conflicts: %d labelled pairs (%d same, %d different) at threshold %.2f: recall %.3f, precision %.3f (tp %d, fp %d, fn %d, tn %d)",
		len(pairs), tp+fn, fp+tn, threshold, recall, precision, tp, fp, fn, tn)
	t.Log(summary)
	fmt.Println(summary)
	if recall < 0.98 {
		t.Errorf("recall %.3f, want at least 0.98", recall)
	}
	if precision < 0.95 {
		t.Errorf("precision %.3f, want at least 0.95", precision)
	}
}
