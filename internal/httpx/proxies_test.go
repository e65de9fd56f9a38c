package httpx

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestRealClient(t *testing.T) {
	ps, err := ParseProxies("10.0.0.0/8, 127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, remote string
		xff          []string
		want         string
	}{
		{"through the proxy", "127.0.0.1:5000", []string{"203.0.113.9"}, "203.0.113.9"},
		{"two trusted hops", "127.0.0.1:5000", []string{"198.51.100.7, 10.1.2.3"}, "198.51.100.7"},
		{"a forged hop left of the client is ignored", "127.0.0.1:5000", []string{"1.2.3.4, 198.51.100.7"}, "198.51.100.7"},
		{"several headers", "10.9.9.9:80", []string{"192.0.2.1", "10.0.0.5"}, "192.0.2.1"},
		{"not from a proxy: the header is ignored", "192.0.2.50:4000", []string{"203.0.113.9"}, "192.0.2.50"},
		{"no header", "127.0.0.1:5000", nil, "127.0.0.1"},
		{"garbled header", "127.0.0.1:5000", []string{"not-an-ip"}, "127.0.0.1"},
		{"IPv6 client", "127.0.0.1:5000", []string{"2001:db8::1"}, "2001:db8::1"},
	}
	for _, c := range cases {
		var got string
		h := RealClient(ps)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = ClientAddress(r) }))
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.remote
		for _, v := range c.xff {
			r.Header.Add("X-Forwarded-For", v)
		}
		h.ServeHTTP(httptest.NewRecorder(), r)
		if got != c.want {
			t.Errorf("%s: client %q, want %q", c.name, got, c.want)
		}
	}
	for _, bad := range []string{"10.0.0.0/33", "example.com", "10.0.0.1/x"} {
		if _, err := ParseProxies(bad); err == nil {
			t.Errorf("ParseProxies(%q) accepted", bad)
		}
	}
	if ps, err := ParseProxies(""); err != nil || len(ps) != 0 {
		t.Errorf("empty list: %v %v", ps, err)
	}
}
