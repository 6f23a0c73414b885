package web

import (
	"net/http"
	"net/netip"
	"testing"
)

// Tries are counted per IPv4 address and per IPv6 /64, which one client
// usually holds whole.
func TestClientAddr(t *testing.T) {
	for remote, want := range map[string]string{
		"203.0.113.7:51234":                   "203.0.113.7",
		"[2001:db8:1:2:aaaa::1]:443":          "2001:db8:1:2::/64",
		"[2001:db8:1:2:ffff:ffff:ffff:1]:443": "2001:db8:1:2::/64",
		"[::ffff:203.0.113.7]:80":             "203.0.113.7", // the same IPv4 client, the same count
		"no-port":                             "no-port",
	} {
		if got := clientAddr(&http.Request{RemoteAddr: remote}, nil); got != want {
			t.Errorf("clientAddr(%q) = %q, want %q", remote, got, want)
		}
	}
}

// Only a trusted proxy may name the client in X-Forwarded-For, and only the
// hops our proxies wrote count: the right-most address that is not a
// trusted proxy is the client. Anything further left is the client's own
// writing.
func TestClientAddrBehindProxies(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("2001:db8:ffff::/48")}
	tests := []struct {
		name    string
		remote  string
		xff     []string
		proxies []netip.Prefix
		want    string
	}{
		{"no_trusted_proxies_header_ignored", "10.0.0.5:80", []string{"198.51.100.1"}, nil, "10.0.0.5"},
		{"untrusted_peer_header_ignored", "203.0.113.7:5000", []string{"198.51.100.1"}, trusted, "203.0.113.7"},
		{"trusted_proxy_names_client", "10.0.0.5:80", []string{"198.51.100.1"}, trusted, "198.51.100.1"},
		{"client_written_hops_ignored", "10.0.0.5:80", []string{"1.2.3.4, 5.6.7.8, 198.51.100.1"}, trusted, "198.51.100.1"},
		{"chain_of_trusted_proxies", "10.0.0.5:80", []string{"6.6.6.6, 198.51.100.1, 10.1.1.1", "10.2.2.2"}, trusted, "198.51.100.1"},
		{"client_with_port", "10.0.0.5:80", []string{"198.51.100.1:4711"}, trusted, "198.51.100.1"},
		{"ipv6_client_counted_by_network", "[2001:db8:ffff::1]:443", []string{"[2001:db8:1:2::9]:5000"}, trusted, "2001:db8:1:2::/64"},
		{"mapped_proxy_address_trusted", "[::ffff:10.0.0.5]:80", []string{"198.51.100.1"}, trusted, "198.51.100.1"},
		{"no_header_is_the_proxy", "10.0.0.5:80", nil, trusted, "10.0.0.5"},
		{"garbage_hop_stops_at_last_proxy", "10.0.0.5:80", []string{"198.51.100.1, not-an-address, 10.1.1.1"}, trusted, "10.1.1.1"},
		{"all_hops_trusted_is_the_first_proxy", "10.0.0.5:80", []string{"10.9.9.9, 10.1.1.1"}, trusted, "10.9.9.9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &http.Request{RemoteAddr: tt.remote, Header: http.Header{}}
			for _, v := range tt.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := clientAddr(r, tt.proxies); got != tt.want {
				t.Errorf("clientAddr = %q, want %q", got, tt.want)
			}
		})
	}
}
