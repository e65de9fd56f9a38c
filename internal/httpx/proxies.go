package httpx

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Proxies are the reverse proxies whose X-Forwarded-For Probity believes.
type Proxies []netip.Prefix

// ParseProxies reads a comma-separated list of addresses or CIDR prefixes
// ("10.0.0.0/8, 127.0.0.1"); the empty string trusts no proxy.
func ParseProxies(s string) (Proxies, error) {
	var ps Proxies
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !strings.Contains(f, "/") {
			a, err := netip.ParseAddr(f)
			if err != nil {
				return nil, fmt.Errorf("%q is not an address or CIDR prefix", f)
			}
			ps = append(ps, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, fmt.Errorf("%q is not an address or CIDR prefix", f)
		}
		ps = append(ps, p.Masked())
	}
	return ps, nil
}

func (ps Proxies) trusts(a netip.Addr) bool {
	for _, p := range ps {
		if p.Contains(a.Unmap()) {
			return true
		}
	}
	return false
}

// RealClient makes r.RemoteAddr the client's address when the request came
// through trusted proxies: walking X-Forwarded-For from the right, the first
// address that is not a trusted proxy. Requests from anywhere else keep their
// own address and their X-Forwarded-For is ignored, so it cannot be forged.
// Sign-in throttles, rate limits and the audit trail all read RemoteAddr.
func RealClient(ps Proxies) Middleware {
	return func(next http.Handler) http.Handler {
		if len(ps) == 0 {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			host, _, err := net.SplitHostPort(r.RemoteAddr)
			peer, perr := netip.ParseAddr(host)
			if err == nil && perr == nil && ps.trusts(peer) {
				hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
				for i := len(hops) - 1; i >= 0; i-- {
					a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
					if err != nil {
						break // a garbled hop: stop believing the header here
					}
					if !ps.trusts(a) {
						r2 := r.Clone(r.Context())
						r2.RemoteAddr = net.JoinHostPort(a.Unmap().String(), "0")
						r = r2
						break
					}
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}
