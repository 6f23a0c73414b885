package draftcheck

import (
	"strings"
	"unicode"

	"github.com/sellerdesk/sellerdesk/core/textscan"
)

// checkLinks refuses every link whose host is not on the allowed list: a
// URL with any scheme, a "www." host, a bare host with a path or a known
// top-level domain, and an IP address. A link that hides its host behind
// user info ("https://ups.com@evil.example") is refused whatever it names,
// and so is one written with anything but ASCII: the checks read look-alike
// letters as Latin, but "ups.cоm" with a Cyrillic о is another site.
func checkLinks(n normalized, allowed []string) []Problem {
	// ascii reports whether the link at t[a:b] was written in ASCII.
	ascii := func(a, b int) bool {
		for _, r := range n.orig[n.from[a]:n.from[b]] {
			if r > unicode.MaxASCII {
				return false
			}
		}
		return true
	}
	var out []Problem
	for _, host := range textscan.BadLinks(n.text, allowed, ascii) {
		out = append(out, problemf(Link, "links to %s, which is not an allowed link", defang(host)))
	}
	return out
}

// defang writes a host so chat clients do not turn it back into a link in
// the note staff read.
func defang(host string) string {
	host = clip(quotable(host), 80)
	return strings.ReplaceAll(host, ".", "[.]")
}
