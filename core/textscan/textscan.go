// Package textscan finds what a message to a buyer may not carry: links to
// hosts not on an allowed list, and e-mail addresses. It is shared by the
// model-draft check (core/draftcheck) and Amazon's message rules in core,
// so both read a link the same way. It imports nothing of sellerdesk.
//
// The functions read text that is already normalized the way a buyer reads
// it (lower case, full-width forms as ASCII, invisible characters gone):
// draftcheck has its own normalization, core uses Fold.
package textscan

import (
	"net/url"
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/text/width"
)

var (
	// schemeLink is anything with a scheme: http, https, ftp, and
	// look-alikes a buyer's client may still open.
	schemeLink = regexp.MustCompile(`\b[a-z][a-z0-9+.-]{1,15}://[^\s<>"'，。、）)\]]+`)
	// bareLink is a host name without a scheme, "www.foo.de" or
	// "example.com/path": labels of letters, digits and hyphens, a
	// top-level domain of letters (or punycode), an optional port or path.
	bareLink = regexp.MustCompile(`\b(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+([a-z]{2,24}|xn--[a-z0-9-]{2,59})\b(:\d{1,5})?(/[^\s<>"'，。、）)\]]*)?`)
	// ipLink is a dotted IPv4 address with a port or path, a host a link
	// may use; a bare dotted number is left to the amount check.
	ipLink    = regexp.MustCompile(`\b(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5}|/)[^\s<>"']*`)
	emailLike = regexp.MustCompile(`[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(\.[\p{L}\p{N}-]+)*\.\p{L}{2,}`)
)

// knownTLDs are the top-level domains a bare host name is recognised by
// when it has neither "www." nor a path: the common generic ones, the
// countries the shop's marketplaces are in, and the ones phishing favours.
// A sentence run together ("shipped.thanks") ends in none of them.
const knownTLDs = ` com net org info biz io co me ly to app dev page site online shop store link click help
 support top xyz zip mov live life world pro club vip icu cc tv ws gl gd su ru cn jp kr tw hk sg in au nz ca us uk
 de fr es it nl be at ch pl se no dk fi ie pt br mx ar cl eu tk ml ga cf gq `

// Emails returns the e-mail addresses in t, as written there.
func Emails(t string) []string { return emailLike.FindAllString(t, -1) }

// BadLinks returns the hosts of every link in t whose host is not on the
// allowed list (or under one), each once, in order: a URL with any scheme,
// a "www." host, a bare host with a path or a known top-level domain, and
// an IP address. A link that hides its host behind user info
// ("https://ups.com@evil.example") is refused whatever it names, and so is
// one for which ascii(a, b) — was t[a:b] written in ASCII? — is false: the
// normalization reads look-alike letters as Latin, but "ups.cоm" with a
// Cyrillic о is another site. A nil ascii takes t as written. E-mail
// addresses are not links (see Emails).
func BadLinks(t string, allowed []string, ascii func(a, b int) bool) []string {
	if ascii == nil {
		ascii = func(int, int) bool { return true }
	}
	var out []string
	seen := map[string]bool{}
	report := func(host string) {
		if !seen[host] {
			seen[host] = true
			out = append(out, host)
		}
	}
	taken := make([]bool, len(t))
	mark := func(loc []int) bool {
		for i := loc[0]; i < loc[1]; i++ {
			if taken[i] {
				return false
			}
		}
		for i := loc[0]; i < loc[1]; i++ {
			taken[i] = true
		}
		return true
	}
	for _, loc := range emailLike.FindAllStringIndex(t, -1) {
		mark(loc)
	}
	for _, loc := range schemeLink.FindAllStringIndex(t, -1) {
		mark(loc)
		raw := t[loc[0]:loc[1]]
		u, err := url.Parse(raw)
		if err != nil || u.User != nil || strings.ContainsAny(raw, `\@`) || !HostAllowed(u.Hostname(), allowed) || !ascii(loc[0], loc[1]) {
			host := raw
			if err == nil && u.Hostname() != "" {
				host = u.Hostname()
			}
			report(host)
		}
	}
	for _, loc := range ipLink.FindAllStringIndex(t, -1) {
		if mark(loc) {
			report(strings.FieldsFunc(t[loc[0]:loc[1]], func(r rune) bool { return r == ':' || r == '/' })[0])
		}
	}
	for _, m := range bareLink.FindAllStringSubmatchIndex(t, -1) {
		if !mark(m[:2]) {
			continue
		}
		raw := t[m[0]:m[1]]
		host, _, _ := strings.Cut(raw, "/")
		host, _, _ = strings.Cut(host, ":")
		tld := t[m[2]:m[3]]
		linky := strings.HasPrefix(host, "www.") || m[6] >= 0 || m[4] >= 0 ||
			strings.Contains(knownTLDs, " "+tld+" ") || strings.HasPrefix(tld, "xn--")
		if linky && (!HostAllowed(host, allowed) || !ascii(m[0], m[1])) {
			report(host)
		}
	}
	return out
}

// HostAllowed reports whether host is an allowed host or under one.
func HostAllowed(host string, allowed []string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if host == "" {
		return false
	}
	for _, a := range allowed {
		a = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(a)), ".")
		if a != "" && (host == a || strings.HasSuffix(host, "."+a)) {
			return true
		}
	}
	return false
}

// Fold reads text the way a buyer does, for the checks above: full-width
// and half-width forms become their usual ones (ｈｔｔｐｓ, ０９０ → https, 090),
// an ideographic full stop between letters is a dot (browsers read
// "shop。com" as shop.com), every dash is "-", invisible characters go,
// and the text is lower-cased.
func Fold(s string) string {
	s = width.Fold.String(s)
	var b strings.Builder
	b.Grow(len(s))
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case r == '。' || r == '｡':
			if i > 0 && i+1 < len(rs) && isHostRune(rs[i-1]) && isHostRune(rs[i+1]) {
				r = '.'
			}
		case r == 0x200B || r == 0x200C || r == 0x200D || r == 0x2060 || r == 0xFEFF || r == 0x00AD ||
			r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069:
			continue
		case unicode.IsSpace(r) && r != '\n':
			r = ' '
		case r >= 0x2010 && r <= 0x2015, r == 0x2212, r == 0xFE58, r == 0xFE63:
			r = '-'
		case r == 'ー' && i > 0 && i+1 < len(rs) && unicode.IsDigit(rs[i-1]) && unicode.IsDigit(rs[i+1]):
			r = '-' // Japanese writes "03ー1234ー5678" with the long-vowel mark
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

func isHostRune(r rune) bool {
	return r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r))
}
