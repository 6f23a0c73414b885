package core

import (
	"fmt"
	"time"
	"unicode/utf8"
)

// Until says how long until t in plain words, "in 1d 4h" or "3h 10m ago",
// for deadlines and ship-by dates on every desk.
func Until(t, now time.Time) string {
	d := t.Sub(now)
	past := d < 0
	if past {
		d = -d
	}
	var s string
	switch {
	case d >= 48*time.Hour:
		s = fmt.Sprintf("%dd %dh", int(d.Hours())/24, int(d.Hours())%24)
	case d >= time.Hour:
		s = fmt.Sprintf("%dh %dm", int(d.Hours()), int(d.Minutes())%60)
	default:
		s = fmt.Sprintf("%dm", int(d.Minutes()))
	}
	if past {
		return s + " ago"
	}
	return "in " + s
}

// Clip shortens s to at most n characters (runes), marking the cut with "…".
func Clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// bidiControls are the Unicode embedding, override and isolate controls
// (U+202A–U+202E, U+2066–U+2069). In buyer text they can reverse what staff
// read ("txt.exe" shown as "exe.txt"), so StaffText makes them visible.
func isBidiControl(r rune) bool {
	return (r >= '\u202A' && r <= '\u202E') || (r >= '\u2066' && r <= '\u2069')
}

// StaffText prepares untrusted text (a buyer's words, a buyer's name) for a
// staff screen on any desk: bidirectional controls are replaced with U+FFFD,
// so the text reads in the order it was written and the tampering shows.
// Platform escaping (Slack mrkdwn, Discord Markdown, HTML) is the adapter's.
func StaffText(s string) string {
	clean := true
	for _, r := range s {
		if isBidiControl(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	out := []rune(s)
	for i, r := range out {
		if isBidiControl(r) {
			out[i] = utf8.RuneError
		}
	}
	return string(out)
}

// Chunks splits s into pieces of at most n characters (runes), so a long
// buyer message can be shown whole on a platform that caps each block or
// field. It cuts after a line break or a space where one falls in the
// second half of a piece, else mid-word. An empty s gives no pieces.
func Chunks(s string, n int) []string {
	if n < 1 {
		n = 1
	}
	var out []string
	r := []rune(s)
	for len(r) > n {
		cut := n
		for i := n; i > n/2; i-- {
			if r[i-1] == '\n' {
				cut = i
				break
			}
		}
		if cut == n {
			for i := n; i > n/2; i-- {
				if r[i-1] == ' ' {
					cut = i
					break
				}
			}
		}
		out = append(out, string(r[:cut]))
		r = r[cut:]
	}
	if len(r) > 0 {
		out = append(out, string(r))
	}
	return out
}
