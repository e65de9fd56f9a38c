package httpx

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

func TestLimiterBurstThenRefill(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 3, 17, 9, 0, 0, 0, time.UTC)}
	l := NewLimiter(Rate{PerSecond: 2, Burst: 4}, clock.now)
	for i := range 4 {
		if ok, _ := l.Allow("a"); !ok {
			t.Fatalf("request %d of the burst refused", i+1)
		}
	}
	ok, wait := l.Allow("a")
	if ok {
		t.Fatal("the request after the burst was allowed")
	}
	if wait <= 0 || wait > 500*time.Millisecond {
		t.Errorf("wait %v, want (0, 500ms] at 2 a second", wait)
	}
	if ok, _ := l.Allow("b"); !ok {
		t.Error("another key shares a's bucket")
	}
	clock.t = clock.t.Add(wait)
	if ok, _ := l.Allow("a"); !ok {
		t.Error("refused after waiting as long as told")
	}
	if ok, _ := l.Allow("a"); ok {
		t.Error("allowed twice after one token's worth of time")
	}
	clock.t = clock.t.Add(time.Hour)
	for i := range 4 {
		if ok, _ := l.Allow("a"); !ok {
			t.Fatalf("after an idle hour, request %d of a full burst refused", i+1)
		}
	}
	if ok, _ := l.Allow("a"); ok {
		t.Error("an idle hour refilled beyond the burst")
	}
}

func TestLimiterForgetsRefilledBuckets(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 3, 17, 9, 0, 0, 0, time.UTC)}
	l := NewLimiter(Rate{PerSecond: 10, Burst: 10}, clock.now)
	for i := range 1000 {
		l.Allow(string(rune('a'+i%26)) + time.Duration(i).String())
	}
	if l.Len() != 1000 {
		t.Fatalf("tracking %d keys, want 1000", l.Len())
	}
	clock.t = clock.t.Add(2 * sweepEvery)
	l.Allow("x")
	if l.Len() != 1 {
		t.Errorf("tracking %d keys after they all refilled, want 1", l.Len())
	}
}

func TestNilLimiterAllows(t *testing.T) {
	l := NewLimiter(Rate{}, time.Now)
	if l != nil {
		t.Fatal("a zero rate made a limiter")
	}
	if ok, _ := l.Allow("a"); !ok {
		t.Error("the nil limiter refused")
	}
}

func TestParseRate(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Rate
		bad  bool
	}{
		{"20,40", Rate{20, 40}, false},
		{" 0.5 , 3 ", Rate{0.5, 3}, false},
		{"10", Rate{10, 20}, false},
		{"0", Rate{}, false},
		{"0,5", Rate{}, false},
		{"", Rate{}, true},
		{"x", Rate{}, true},
		{"-1,4", Rate{}, true},
		{"5,0", Rate{}, true},
		{"5,x", Rate{}, true},
		{"Inf,3", Rate{}, true},
		{"NaN", Rate{}, true},
	} {
		got, err := ParseRate(tc.in)
		if (err != nil) != tc.bad || got != tc.want {
			t.Errorf("ParseRate(%q) = %v, %v; want %v, error %v", tc.in, got, err, tc.want, tc.bad)
		}
		if err == nil {
			if back, _ := ParseRate(got.String()); back != got {
				t.Errorf("ParseRate(%q).String() = %q does not read back", tc.in, got.String())
			}
		}
	}
}

func TestAddressKey(t *testing.T) {
	for in, want := range map[string]string{
		"192.0.2.7":                  "192.0.2.7",
		"::ffff:192.0.2.7":           "192.0.2.7",
		"2001:db8:1:2:3:4:5:6":       "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff:ffff:0:1": "2001:db8:1:2::/64",
		"not-an-address":             "not-an-address",
	} {
		if got := AddressKey(in); got != want {
			t.Errorf("AddressKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLimitAddresses(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 3, 17, 9, 0, 0, 0, time.UTC)}
	h := LimitAddresses("/api/v1/", NewLimiter(Rate{PerSecond: 1, Burst: 2}, clock.now))(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	}))
	do := func(path, addr string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodGet, path, nil)
		r.RemoteAddr = addr + ":1234"
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	for range 2 {
		if w := do("/api/v1/me", "192.0.2.1"); w.Code != http.StatusNoContent {
			t.Fatalf("within the burst: %d", w.Code)
		}
	}
	w := do("/api/v1/me", "192.0.2.1")
	if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") != "1" {
		t.Fatalf("after the burst: %d, Retry-After %q; want 429, 1", w.Code, w.Header().Get("Retry-After"))
	}
	var body ErrorBody
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || body.Error.Code != "too_many" || body.Error.Message == "" {
		t.Errorf("429 body %s (%v)", w.Body, err)
	}
	if w := do("/home", "192.0.2.1"); w.Code != http.StatusNoContent {
		t.Errorf("a page outside the API was limited: %d", w.Code)
	}
	if w := do("/api/v1/me", "192.0.2.2"); w.Code != http.StatusNoContent {
		t.Errorf("another address was limited: %d", w.Code)
	}
	clock.t = clock.t.Add(time.Second)
	if w := do("/api/v1/me", "192.0.2.1"); w.Code != http.StatusNoContent {
		t.Errorf("not recovered after a second: %d", w.Code)
	}
}
