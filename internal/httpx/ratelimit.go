package httpx

import (
	"fmt"
	"math"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/probity/probity/internal/domain"
)

// Rate is a token-bucket rate: PerSecond requests a second on average, with
// bursts of up to Burst. A zero PerSecond means no limit.
type Rate struct {
	PerSecond float64
	Burst     int
}

// Off reports whether the rate imposes no limit.
func (r Rate) Off() bool { return r.PerSecond <= 0 }

// String renders the rate as ParseRate reads it.
func (r Rate) String() string {
	if r.Off() {
		return "0"
	}
	return strconv.FormatFloat(r.PerSecond, 'f', -1, 64) + "," + strconv.Itoa(r.Burst)
}

// ParseRate reads "R,B" (R requests a second, bursts of B), "R" (bursts of
// 2R), or "0" (no limit).
func ParseRate(s string) (Rate, error) {
	rs, bs, hasBurst := strings.Cut(strings.TrimSpace(s), ",")
	per, err := strconv.ParseFloat(strings.TrimSpace(rs), 64)
	if err != nil || per < 0 || math.IsInf(per, 0) || math.IsNaN(per) {
		return Rate{}, fmt.Errorf("%q is not a rate: give requests per second and a burst, e.g. 20,40 (or 0 for no limit)", s)
	}
	if per == 0 {
		return Rate{}, nil
	}
	burst := int(math.Ceil(2 * per))
	if hasBurst {
		if burst, err = strconv.Atoi(strings.TrimSpace(bs)); err != nil || burst < 1 {
			return Rate{}, fmt.Errorf("%q is not a rate: the burst must be a whole number of at least 1", s)
		}
	}
	return Rate{PerSecond: per, Burst: burst}, nil
}

// Limiter holds one token bucket per key (an API token, a client address),
// in memory: each app server counts only the requests it answers itself.
// Buckets that have refilled are forgotten, so memory stays bounded by the
// keys seen in the last minute or so. A nil Limiter allows everything.
type Limiter struct {
	rate Rate
	now  func() time.Time

	mu        sync.Mutex
	buckets   map[string]*bucket
	lastSweep time.Time
}

type bucket struct {
	tokens float64
	at     time.Time
}

// NewLimiter returns a limiter at rate on the clock now, or nil when the rate
// is off.
func NewLimiter(rate Rate, now func() time.Time) *Limiter {
	if rate.Off() {
		return nil
	}
	if rate.Burst < 1 {
		rate.Burst = 1
	}
	return &Limiter{rate: rate, now: now, buckets: map[string]*bucket{}, lastSweep: now()}
}

// sweepEvery is how often buckets that have refilled are dropped.
const sweepEvery = time.Minute

// Allow takes one request from key's bucket. When the bucket is empty it
// answers false and how long until a request would be allowed.
func (l *Limiter) Allow(key string) (bool, time.Duration) {
	if l == nil {
		return true, 0
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.lastSweep) >= sweepEvery {
		for k, b := range l.buckets {
			if l.refill(b, now) >= float64(l.rate.Burst) {
				delete(l.buckets, k)
			}
		}
		l.lastSweep = now
	}
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{tokens: float64(l.rate.Burst), at: now}
		l.buckets[key] = b
	}
	b.tokens, b.at = l.refill(b, now), now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / l.rate.PerSecond * float64(time.Second))
	return false, wait
}

// refill is how many tokens b holds at now.
func (l *Limiter) refill(b *bucket, now time.Time) float64 {
	elapsed := now.Sub(b.at).Seconds()
	if elapsed < 0 {
		elapsed = 0
	}
	return math.Min(float64(l.rate.Burst), b.tokens+elapsed*l.rate.PerSecond)
}

// Len is how many keys the limiter currently tracks.
func (l *Limiter) Len() int {
	if l == nil {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}

// TooMany answers 429 in the API's error shape, with Retry-After in whole
// seconds (at least 1).
func TooMany(w http.ResponseWriter, r *http.Request, wait time.Duration, what string) {
	secs := int(math.Ceil(wait.Seconds()))
	if secs < 1 {
		secs = 1
	}
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	WriteJSONError(w, r, domain.Errorf(domain.ETooMany, "Too many requests %s. Slow down and retry after %d second(s).", what, secs))
}

// AddressKey is the rate-limit key of a client address: the address itself
// for IPv4, its /64 network for IPv6 (one subscriber usually holds a whole
// /64, so limiting single IPv6 addresses would limit nothing).
func AddressKey(addr string) string {
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		return addr
	}
	ip = ip.Unmap()
	if ip.Is4() {
		return ip.String()
	}
	p, err := ip.Prefix(64)
	if err != nil {
		return ip.String()
	}
	return p.String()
}

// LimitAddresses limits requests under prefix per client address, before
// anything else is done for them (authentication included), so guessing
// tokens is as slow as any other request.
func LimitAddresses(prefix string, l *Limiter) Middleware {
	return func(next http.Handler) http.Handler {
		if l == nil {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, prefix) {
				if ok, wait := l.Allow(AddressKey(ClientAddress(r))); !ok {
					TooMany(w, r, wait, "from your address")
					return
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}
