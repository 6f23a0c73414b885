package draftcheck

import (
	"slices"
	"strings"
	"unicode"
)

// orderIDDigits is how many digits a marketplace order id has (Amazon's
// 3-7-7).
const orderIDDigits = 17

// maxSeparator is the longest run of non-alphanumeric characters that may
// join two digit groups of one id ("113 -- 1234567", a line break).
const maxSeparator = 5

// checkOrderIDs finds order-id shapes however they are written — dashes,
// dots, spaces, slashes or nothing between the groups, full-width digits
// (already folded) — and refuses any that is not the conversation's own.
// A shape is a run of digit groups, joined by short separators, whose
// digits add up to an order id's 17. Letters break a run, so a tracking
// number (letters and digits, or another length) is not taken for one; the
// order's own tracking numbers are taken out before looking.
func checkOrderIDs(t string, own, tracking []string) []Problem {
	for _, tr := range tracking {
		if tr = normalize(strings.TrimSpace(tr)); len(tr) >= 8 {
			t = strings.ReplaceAll(t, tr, " ")
		}
	}
	var ownDigits []string
	for _, id := range own {
		ownDigits = append(ownDigits, digitsOf(id))
	}
	var out []Problem
	for _, id := range orderIDShapes(t, ownDigits) {
		shown := id[:3] + "-" + id[3:10] + "-" + id[10:]
		if len(own) == 0 {
			out = append(out, problemf(OrderID, "names order %s, but the buyer has not verified an order", shown))
		} else {
			out = append(out, problemf(OrderID, "names order %s, not this conversation's", shown))
		}
	}
	return out
}

// digitGroup is a run of digits and whether a short separator joins it to
// the group before.
type digitGroup struct {
	digits string
	joined bool
}

// orderIDShapes returns the digits of every order-id shape in t that is not
// one of own. Groups that spell an own id are set aside first, so a number
// written next to the buyer's own id is not read as part of another.
func orderIDShapes(t string, own []string) []string {
	groups := digitGroups(t)
	used := make([]bool, len(groups))
	// spans calls f for each run of joined, unused groups i..j-1 that holds
	// exactly 17 digits.
	spans := func(f func(i, j int, id string)) {
		for i := range groups {
			n := 0
			var id strings.Builder
			for j := i; j < len(groups) && n < orderIDDigits; j++ {
				if used[j] || (j > i && !groups[j].joined) {
					break
				}
				n += len(groups[j].digits)
				id.WriteString(groups[j].digits)
				if n == orderIDDigits {
					f(i, j+1, id.String())
				}
			}
		}
	}
	spans(func(i, j int, id string) {
		if slices.Contains(own, id) {
			for k := i; k < j; k++ {
				used[k] = true
			}
		}
	})
	var out []string
	spans(func(_, _ int, id string) {
		if !slices.Contains(own, id) && !slices.Contains(out, id) {
			out = append(out, id)
		}
	})
	return out
}

// digitGroups splits t into runs of ASCII digits. A run is joined to the
// one before when at most maxSeparator characters, none a letter, lie
// between them.
func digitGroups(t string) []digitGroup {
	var groups []digitGroup
	var cur strings.Builder
	gap := -1 // characters since the last group; -1 after a letter or at the start
	for _, r := range t + " " {
		if r >= '0' && r <= '9' {
			if cur.Len() == 0 {
				groups = append(groups, digitGroup{joined: gap >= 0 && gap <= maxSeparator})
			}
			cur.WriteRune(r)
			continue
		}
		if cur.Len() > 0 {
			groups[len(groups)-1].digits = cur.String()
			cur.Reset()
			gap = 0
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			gap = -1
		} else if gap >= 0 {
			gap++
		}
	}
	return groups
}

func digitsOf(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, normalize(s))
}
