package sqlstore

import (
	"net/url"
	"strings"
)

// Redact returns a database URL or connection string fit to show in an
// error or a log: every password in it becomes xxxxx, wherever it is
// written. PostgreSQL takes a password in three places: the URL's user info
// (postgres://bob:pw@host/db), a URL query parameter (?password=pw, also
// sslpassword), and a key=value string (host=h password=pw, or
// password='a b' with spaces, quotes escaped by a backslash).
func Redact(dsn string) string {
	spans := passwordSpans(dsn)
	if len(spans) == 0 {
		return dsn
	}
	var b strings.Builder
	last := 0
	for _, s := range spans {
		b.WriteString(dsn[last:s[0]])
		b.WriteString("xxxxx")
		last = s[1]
	}
	b.WriteString(dsn[last:])
	return b.String()
}

// passwords are the password values written in dsn, as they appear and
// decoded, so that error text quoting either form can be scrubbed.
func passwords(dsn string) []string {
	var out []string
	for _, s := range passwordSpans(dsn) {
		raw := dsn[s[0]:s[1]]
		if raw == "" {
			continue
		}
		out = append(out, raw)
		if q := raw[0]; q == '\'' || q == '"' {
			v := strings.TrimSuffix(raw[1:], string(q)) // unterminated: the rest
			out = append(out, v, strings.ReplaceAll(v, `\`+string(q), string(q)))
		}
		if dec, err := url.PathUnescape(raw); err == nil && dec != raw {
			out = append(out, dec)
		}
		if dec, err := url.QueryUnescape(raw); err == nil && dec != raw {
			out = append(out, dec)
		}
	}
	return out
}

// passwordSpans finds where each password value sits in dsn, in order.
func passwordSpans(dsn string) [][2]int {
	var spans [][2]int
	isURL := false
	if i := strings.Index(dsn, "://"); i >= 0 {
		isURL = true
		// The authority runs to the first /, ? or #; its user info ends at
		// the last @ (a password may itself hold an @ when unescaped).
		start := i + 3
		end := len(dsn)
		if j := strings.IndexAny(dsn[start:], "/?#"); j >= 0 {
			end = start + j
		}
		if at := strings.LastIndex(dsn[start:end], "@"); at >= 0 {
			if c := strings.Index(dsn[start:start+at], ":"); c >= 0 {
				spans = append(spans, [2]int{start + c + 1, start + at})
			}
		}
	}
	lower := strings.ToLower(dsn)
	for _, key := range []string{"password", "sslpassword"} {
		from := 0
		for {
			i := strings.Index(lower[from:], key)
			if i < 0 {
				break
			}
			i += from
			from = i + len(key)
			if i > 0 && !strings.ContainsRune(" \t\n?&;", rune(dsn[i-1])) {
				continue // part of a longer word (sslpassword when looking for password)
			}
			j := i + len(key)
			for j < len(dsn) && !isURL && (dsn[j] == ' ' || dsn[j] == '\t') {
				j++
			}
			if j >= len(dsn) || dsn[j] != '=' {
				continue
			}
			j++
			for j < len(dsn) && !isURL && (dsn[j] == ' ' || dsn[j] == '\t') {
				j++
			}
			end := valueEnd(dsn, j, isURL)
			spans = append(spans, [2]int{j, end})
			from = end
		}
	}
	// In order, and without overlaps, for Redact.
	for i := 1; i < len(spans); i++ {
		for k := i; k > 0 && spans[k][0] < spans[k-1][0]; k-- {
			spans[k], spans[k-1] = spans[k-1], spans[k]
		}
	}
	out := spans[:0]
	for _, s := range spans {
		if len(out) > 0 && s[0] < out[len(out)-1][1] {
			continue
		}
		out = append(out, s)
	}
	return out
}

// valueEnd is where a value starting at j ends: a URL query value at & or
// #; a key=value value at white space, or at its closing quote when quoted.
func valueEnd(s string, j int, isURL bool) int {
	if isURL {
		for k := j; k < len(s); k++ {
			if s[k] == '&' || s[k] == '#' {
				return k
			}
		}
		return len(s)
	}
	if j < len(s) && (s[j] == '\'' || s[j] == '"') {
		q := s[j]
		for k := j + 1; k < len(s); k++ {
			switch s[k] {
			case '\\':
				k++
			case q:
				return k + 1
			}
		}
		return len(s) // unterminated: everything after is the password
	}
	for k := j; k < len(s); k++ {
		if s[k] == ' ' || s[k] == '\t' || s[k] == '\n' {
			return k
		}
	}
	return len(s)
}
