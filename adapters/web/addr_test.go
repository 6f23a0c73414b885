package web

import (
	"net/http"
	"testing"
)

// Tries are counted per IPv4 address and per IPv6 /64, which one client
// usually holds whole.
func TestClientAddr(t *testing.T) {
	for remote, want := range map[string]string{
		"203.0.113.7:51234":                   "203.0.113.7",
		"[2001:db8:1:2:aaaa::1]:443":          "2001:db8:1:2::/64",
		"[2001:db8:1:2:ffff:ffff:ffff:1]:443": "2001:db8:1:2::/64",
		"[::ffff:203.0.113.7]:80":             "::ffff:203.0.113.7",
		"no-port":                             "no-port",
	} {
		if got := clientAddr(&http.Request{RemoteAddr: remote}); got != want {
			t.Errorf("clientAddr(%q) = %q, want %q", remote, got, want)
		}
	}
}
