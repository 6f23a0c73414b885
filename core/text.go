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
