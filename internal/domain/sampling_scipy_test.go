package domain_test

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/testenv"
)

// scipyGrid is the (n, x, confidence) grid the intervals are checked on.
func scipyGrid() [][3]float64 {
	var grid [][3]float64
	for _, n := range []int{1, 2, 5, 10, 30, 100, 370, 1000, 10000} {
		seen := map[int]bool{}
		for _, x := range []int{0, 1, 2, n / 10, n / 3, n / 2, n - 2, n - 1, n} {
			if x < 0 || x > n || seen[x] {
				continue
			}
			seen[x] = true
			for _, c := range []float64{0.8, 0.9, 0.95, 0.99, 0.999} {
				grid = append(grid, [3]float64{float64(n), float64(x), c})
			}
		}
	}
	return grid
}

// TestSamplingAgainstSciPy checks Wilson, Clopper–Pearson, the upper
// bound and the quantile functions against SciPy to 1e-9. It needs Python
// with SciPy at $PROBITY_TEST_SCIPY (scripts/test provides it); it is
// skipped without it, except under CI=true where it fails.
func TestSamplingAgainstSciPy(t *testing.T) {
	python := os.Getenv("PROBITY_TEST_SCIPY")
	if python == "" {
		testenv.Missing(t, "Python with SciPy ($PROBITY_TEST_SCIPY)")
	}
	grid := scipyGrid()
	normal := []float64{1e-12, 0.0005, 0.005, 0.025, 0.1, 0.3, 0.5, 0.7, 0.9, 0.975, 0.995, 0.9995, 1 - 1e-12}
	betas := [][3]float64{{0.025, 2, 9}, {0.5, 3.5, 7.25}, {0.0005, 5000, 5001}, {0.9995, 5001, 5000}, {0.001, 0.5, 0.5}, {0.999, 40, 2}, {0.3, 1, 7}, {0.3, 7, 1}}
	chi := [][2]float64{{0.999, 49}, {0.95, 1}, {0.99, 10}}
	req, _ := json.Marshal(map[string]any{"grid": grid, "normal": normal, "beta": betas, "chi2": chi})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, "testdata/scipy_reference.py")
	cmd.Stdin = bytes.NewReader(req)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s testdata/scipy_reference.py: %v\n%s", python, err, stderr.String())
	}
	var ref struct {
		SciPy  string       `json:"scipy"`
		Grid   [][5]float64 `json:"grid"`
		Normal []float64    `json:"normal"`
		Beta   []float64    `json:"beta"`
		Chi2   []float64    `json:"chi2"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &ref); err != nil {
		t.Fatalf("SciPy's output: %v\n%s", err, stdout.String())
	}
	if len(ref.Grid) != len(grid) || len(ref.Normal) != len(normal) || len(ref.Beta) != len(betas) || len(ref.Chi2) != len(chi) {
		t.Fatalf("SciPy answered %d/%d/%d/%d values", len(ref.Grid), len(ref.Normal), len(ref.Beta), len(ref.Chi2))
	}
	const tol = 1e-9
	worst := 0.0
	near := func(what string, got, want float64) {
		t.Helper()
		d := math.Abs(got - want)
		worst = max(worst, d)
		if !(d <= tol) {
			t.Errorf("%s = %.17g; SciPy %.17g (off by %.3g)", what, got, want, d)
		}
	}
	for i, g := range grid {
		n, x, c := int(g[0]), int(g[1]), g[2]
		w, err := domain.Wilson(x, n, c)
		if err != nil {
			t.Fatal(err)
		}
		cp, err := domain.ClopperPearson(x, n, c)
		if err != nil {
			t.Fatal(err)
		}
		ub, err := domain.UpperBound(x, n, c)
		if err != nil {
			t.Fatal(err)
		}
		r := ref.Grid[i]
		at := func(s string) string { return s + "(" + itoa(x) + "/" + itoa(n) + " at " + ftoa(c) + ")" }
		near(at("Wilson low"), w.Low, r[0])
		near(at("Wilson high"), w.High, r[1])
		near(at("Clopper-Pearson low"), cp.Low, r[2])
		near(at("Clopper-Pearson high"), cp.High, r[3])
		near(at("upper bound"), ub, r[4])
	}
	for i, p := range normal {
		near("NormalQuantile("+ftoa(p)+")", domain.NormalQuantile(p), ref.Normal[i])
	}
	for i, b := range betas {
		near("BetaQuantile("+ftoa(b[0])+", "+ftoa(b[1])+", "+ftoa(b[2])+")", domain.BetaQuantile(b[0], b[1], b[2]), ref.Beta[i])
	}
	for i, c := range chi {
		near("chiSquareQuantile("+ftoa(c[0])+", "+ftoa(c[1])+")", chiSquareQuantile(c[0], c[1]), ref.Chi2[i])
	}
	t.Logf("SciPy %s: %d grid points, largest difference %.3g", ref.SciPy, len(grid), worst)
}
