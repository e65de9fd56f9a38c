package loadgen

import (
	"context"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

func TestMixWeighsKindsAndCountsErrorsPerKind(t *testing.T) {
	var pages, polls, broken atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/page":
			pages.Add(1)
			w.Header().Set("Location", "/elsewhere")
			w.WriteHeader(http.StatusSeeOther)
		case "/poll":
			polls.Add(1)
			_, _ = w.Write([]byte(`{"unread":0}`))
		default:
			broken.Add(1)
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	defer srv.Close()
	get := func(path string) func(*rand.Rand) (*http.Request, error) {
		return func(*rand.Rand) (*http.Request, error) { return http.NewRequest(http.MethodGet, srv.URL+path, nil) }
	}
	mix := Mix{Workers: 4, Seed: 1, People: []Person{
		{Name: "attorney", Kinds: []Kind{{Name: "page", Weight: 3, Build: get("/page")}, {Name: "poll", Weight: 1, Build: get("/poll")}}},
		{Name: "client", Kinds: []Kind{{Name: "broken", Weight: 1, Build: get("/missing")}, {Name: "never", Weight: 0, Build: get("/page")}}},
	}}
	res := mix.Run(context.Background(), 2000)
	if res.Requests != 2000 || pages.Load()+polls.Load()+broken.Load() != 2000 {
		t.Fatalf("requests = %d; server saw %d pages, %d polls, %d broken; want 2000 in all", res.Requests, pages.Load(), polls.Load(), broken.Load())
	}
	kinds := map[string]KindResult{}
	for _, k := range res.Kinds {
		kinds[k.Name] = k
	}
	if _, ok := kinds["never"]; ok {
		t.Errorf("a kind of weight 0 was requested")
	}
	if k := kinds["broken"]; k.Errors != k.Requests || k.Requests == 0 || k.FirstError == "" {
		t.Errorf("broken: %+v, want every request an error", k)
	}
	if kinds["page"].Errors != 0 || kinds["poll"].Errors != 0 {
		t.Errorf("a 303 or 200 counted as an error: %+v", res.Kinds)
	}
	if res.Errors != kinds["broken"].Errors {
		t.Errorf("total errors %d, want %d", res.Errors, kinds["broken"].Errors)
	}
	// Two workers act as the attorney: pages are about 3 in 4 of theirs.
	share := float64(kinds["page"].Requests) / float64(kinds["page"].Requests+kinds["poll"].Requests)
	if share < 0.65 || share > 0.85 {
		t.Errorf("page share %.2f of the attorney's requests, want about 0.75", share)
	}
	if res.P50 <= 0 || res.P99 < res.P50 || res.RPS <= 0 {
		t.Errorf("implausible totals %+v", res.Result)
	}
}

func TestMixTimedRunEndsWithoutErrors(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("ok")) }))
	defer srv.Close()
	mix := Mix{Workers: 3, People: []Person{{Name: "p", Kinds: []Kind{{Name: "ok", Weight: 1,
		Build: func(*rand.Rand) (*http.Request, error) { return http.NewRequest(http.MethodGet, srv.URL, nil) }}}}}}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	res := mix.Run(ctx, 0)
	if res.Requests == 0 || res.Errors != 0 {
		t.Fatalf("timed run: %d requests, %d errors (%s)", res.Requests, res.Errors, res.FirstError)
	}
	if res.Elapsed < 250*time.Millisecond {
		t.Errorf("elapsed %s, want about the whole 300ms", res.Elapsed)
	}
}
