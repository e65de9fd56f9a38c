package loadgen

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"sort"
	"sync"
	"time"
)

// Kind is one kind of request in a mixed workload: a page, an API poll, a
// write. Weight is its share of the person's requests, relative to the
// other kinds' weights; Build makes one request (it may pick among the
// person's engagements with rng); OK says which status codes count as
// success (nil: 2xx and 3xx).
type Kind struct {
	Name   string
	Weight int
	Build  func(rng *rand.Rand) (*http.Request, error)
	OK     func(status int) bool
}

// Person is one signed-in user of the workload, with the kinds of request
// that person's role makes. Each worker of a Mix acts as one person, with
// that person's session cookie or token built into the requests.
type Person struct {
	Name  string
	Kinds []Kind
}

// Mix is a workload of several people, each making a weighted mix of
// requests. Worker w acts as People[w % len(People)], so with at least as
// many workers as people every person is busy at once.
type Mix struct {
	People  []Person
	Workers int
	Seed    uint64 // makes each worker's choices reproducible
	// Client is the HTTP client to use; nil means keep-alive connections
	// for Workers, no redirects followed, a 30 s timeout.
	Client *http.Client
}

// KindResult is what a run measured for one kind of request, over everyone
// who made it.
type KindResult struct {
	Name       string
	Requests   int
	Errors     int
	P50, P99   time.Duration
	FirstError string
}

// MixResult is what a mixed run measured: the totals and each kind.
type MixResult struct {
	Result
	Kinds []KindResult // by name
}

type sample struct {
	kind string
	lat  time.Duration
	err  string
}

// Run sends requests until n have been sent (n > 0) or ctx ends (n <= 0:
// until ctx ends). A request already sent when ctx ends is finished and
// counted, not cut short, so ending a timed run is never an error.
// Transport errors and unexpected statuses are counted as errors, per kind.
func (m Mix) Run(ctx context.Context, n int) MixResult {
	workers := max(1, m.Workers)
	client := m.Client
	if client == nil {
		tr := &http.Transport{MaxIdleConnsPerHost: workers, MaxConnsPerHost: workers, DisableCompression: true}
		defer tr.CloseIdleConnections()
		client = &http.Client{Transport: tr, Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	var mu sync.Mutex
	sent := 0
	take := func() bool {
		mu.Lock()
		defer mu.Unlock()
		if ctx.Err() != nil || (n > 0 && sent >= n) {
			return false
		}
		sent++
		return true
	}
	perWorker := make([][]sample, workers)
	var wg sync.WaitGroup
	start := time.Now()
	for w := range workers {
		if len(m.People) == 0 {
			break
		}
		p := m.People[w%len(m.People)]
		total := 0
		for _, k := range p.Kinds {
			total += max(0, k.Weight)
		}
		if total == 0 {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(m.Seed, uint64(w)))
			for take() {
				k := pick(p.Kinds, total, rng)
				s := sample{kind: k.Name}
				req, err := k.Build(rng)
				if err != nil {
					s.err = fmt.Sprintf("%s: build: %v", k.Name, err)
					perWorker[w] = append(perWorker[w], s)
					continue
				}
				t0 := time.Now()
				resp, err := client.Do(req)
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					_ = resp.Body.Close()
					ok := k.OK
					if ok == nil {
						ok = func(c int) bool { return c >= 200 && c < 400 }
					}
					if err == nil && !ok(resp.StatusCode) {
						err = fmt.Errorf("status %d", resp.StatusCode)
					}
				}
				s.lat = time.Since(t0)
				if err != nil {
					s.err = fmt.Sprintf("%s: %s %s: %v", k.Name, req.Method, req.URL.Path, err)
				}
				perWorker[w] = append(perWorker[w], s)
			}
		}()
	}
	wg.Wait()
	return summarise(perWorker, time.Since(start))
}

func pick(kinds []Kind, total int, rng *rand.Rand) Kind {
	r := rng.IntN(total)
	for _, k := range kinds {
		if r < k.Weight {
			return k
		}
		r -= max(0, k.Weight)
	}
	return kinds[len(kinds)-1]
}

func summarise(perWorker [][]sample, elapsed time.Duration) MixResult {
	var all []time.Duration
	byKind := map[string]*KindResult{}
	lats := map[string][]time.Duration{}
	res := MixResult{Result: Result{Elapsed: elapsed}}
	for _, ss := range perWorker {
		for _, s := range ss {
			k := byKind[s.kind]
			if k == nil {
				k = &KindResult{Name: s.kind}
				byKind[s.kind] = k
			}
			k.Requests++
			res.Requests++
			if s.err != "" {
				k.Errors++
				res.Errors++
				if k.FirstError == "" {
					k.FirstError = s.err
				}
				if res.FirstError == "" {
					res.FirstError = s.err
				}
			}
			if s.lat > 0 {
				all = append(all, s.lat)
				lats[s.kind] = append(lats[s.kind], s.lat)
			}
		}
	}
	slices.Sort(all)
	res.P50, res.P99 = Percentile(all, 0.50), Percentile(all, 0.99)
	if elapsed > 0 {
		res.RPS = float64(res.Requests) / elapsed.Seconds()
	}
	for name, k := range byKind {
		l := lats[name]
		slices.Sort(l)
		k.P50, k.P99 = Percentile(l, 0.50), Percentile(l, 0.99)
		res.Kinds = append(res.Kinds, *k)
	}
	sort.Slice(res.Kinds, func(i, j int) bool { return res.Kinds[i].Name < res.Kinds[j].Name })
	return res
}
