package main

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/probity/probity/internal/demo"
	"github.com/probity/probity/internal/testenv"
)

// BenchmarkLoadScale shows what a second app server adds on PostgreSQL when
// each server has CPU of its own, as servers on separate hosts do. On one
// two-core machine the servers, PostgreSQL and the load generator share the
// same cores, and under the mixed workload PostgreSQL alone takes about half
// of them, so LoadMixed's two-servers row cannot rise above one-server's.
// Here each `probity serve` process runs in a CPU cgroup of its own with a
// budget of PROBITY_LOAD_SERVER_CPU cores (default 0.25), small enough that
// two budgets, PostgreSQL and the load generator fit in the machine: then
// the servers, not the machine, bound the throughput, and the second server's
// ratio to one (x-one-server, over the median of the one-server runs) is what
// the second host would add. PROBITY_LOAD_WORKERS clients (default 32).
//
// Both servers are the real binary against one PostgreSQL database and one
// data directory (its key-encryption key and documents), started before the
// runs; one-server sends every request to the first, two-servers round-robin
// to both, with the same people, sessions and clients. It needs root and a
// writable cgroup CPU controller (v1 or v2) and is skipped without them; it is
// a benchmark, not part of the test suite.
func BenchmarkLoadScale(b *testing.B) {
	dbURL := testenv.PostgresURL(b)
	budget := 0.25
	if v := os.Getenv("PROBITY_LOAD_SERVER_CPU"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f <= 0 {
			b.Fatalf("PROBITY_LOAD_SERVER_CPU=%q: want a positive number of cores", v)
		}
		budget = f
	}
	data := b.TempDir()
	shared := []string{"--database", dbURL, "--data", data, "--log-level", "warn", "--api-token-rate", "0", "--api-address-rate", "0"}
	first := startAppServer(b, "first", append([]string{"--demo"}, shared...)...)
	second := startAppServer(b, "second", shared...)
	for _, s := range []*appServer{first, second} {
		cpuBudget(b, s.name, s.cmd.Process.Pid, budget)
	}
	// More clients than LoadMixed's 8: with 8, a client waits on whichever
	// server is between two periods of its budget while the other has
	// nothing to do, and two servers reached only 1.67× one (median of 3).
	workers := envInt(b, "PROBITY_LOAD_WORKERS", 4*benchWorkers)
	people := loadPeople(b, first.url, dbURL, data, demoLoadEmails, demo.Password, demoSecrets())
	name := strconv.FormatFloat(budget, 'f', -1, 64) + "-cpu-each"
	var ones serverRuns
	b.Run("postgres-demo/one-server/"+name, func(b *testing.B) {
		ones.add(b, runMix(b, mixFor(people, &loadTarget{bases: []string{first.url}}, workers), 0))
	})
	b.Run("postgres-demo/two-servers/"+name, func(b *testing.B) {
		ones.report(b, runMix(b, mixFor(people, &loadTarget{bases: []string{first.url, second.url}}, workers), 0))
	})
}

// cpuBudget moves process pid into a CPU cgroup of its own limited to cores
// (a CFS quota over a 10 ms period), removed at cleanup; it skips the
// benchmark when no cgroup CPU controller can be written.
func cpuBudget(b *testing.B, name string, pid int, cores float64) {
	b.Helper()
	const period = 10000 // µs: a short period spreads the budget evenly over time
	quota := int(math.Round(cores * period))
	dir := fmt.Sprintf("probity-bench-%d-%s", os.Getpid(), name)
	var limit, procs string
	var limitValue string
	switch {
	case writable("/sys/fs/cgroup/cgroup.subtree_control") && hasController("/sys/fs/cgroup/cgroup.subtree_control", "cpu"):
		dir = filepath.Join("/sys/fs/cgroup", dir) // cgroup v2, the cpu controller enabled for children
		limit, limitValue = "cpu.max", fmt.Sprintf("%d %d", quota, period)
	case writable("/sys/fs/cgroup/cpu/cgroup.procs"):
		dir = filepath.Join("/sys/fs/cgroup/cpu", dir) // cgroup v1
		limit, limitValue = "cpu.cfs_quota_us", strconv.Itoa(quota)
	default:
		b.Skip("no writable cgroup CPU controller (run as root on a host with /sys/fs/cgroup/cpu or cgroup v2's cpu controller)")
	}
	procs = filepath.Join(dir, "cgroup.procs")
	if err := os.Mkdir(dir, 0o755); err != nil {
		b.Skipf("cannot create a CPU cgroup: %v", err)
	}
	b.Cleanup(func() {
		// The servers stop in their own cleanups, registered earlier and so
		// run later: move this one out first, then remove the group.
		parent := filepath.Join(filepath.Dir(dir), "cgroup.procs")
		_ = os.WriteFile(parent, []byte(strconv.Itoa(pid)), 0o644)
		if err := os.Remove(dir); err != nil {
			b.Logf("remove cgroup %s: %v", dir, err)
		}
	})
	if limit == "cpu.cfs_quota_us" {
		if err := os.WriteFile(filepath.Join(dir, "cpu.cfs_period_us"), []byte(strconv.Itoa(period)), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, limit), []byte(limitValue), 0o644); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(procs, []byte(strconv.Itoa(pid)), 0o644); err != nil {
		b.Fatal(err)
	}
	got, err := os.ReadFile(procs)
	if err != nil || !strings.Contains("\n"+string(got), "\n"+strconv.Itoa(pid)+"\n") {
		b.Fatalf("server %s (pid %d) is not in %s: %v %q", name, pid, dir, err, got)
	}
	b.Logf("server %s (pid %d): %.2f of a core (%s = %s)", name, pid, cores, limit, limitValue)
}

func writable(path string) bool {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return false
	}
	_ = f.Close()
	return true
}

func hasController(path, c string) bool {
	b, err := os.ReadFile(path)
	return err == nil && strings.Contains(" "+strings.TrimSpace(string(b))+" ", " "+c+" ")
}
