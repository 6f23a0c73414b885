package core

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// BreachHour is an hour of the week (in the shop's time zone) and how many
// buyer messages missed their 24 hours there.
type BreachHour struct {
	Weekday time.Weekday `json:"weekday"`
	Hour    int          `json:"hour"`
	Count   int          `json:"count"`
}

func (b BreachHour) String() string {
	return fmt.Sprintf("%s %02d:00 (%d)", b.Weekday.String()[:3], b.Hour, b.Count)
}

// maxBreachHours is how many of the worst hours health names.
const maxBreachHours = 3

// LateCount is N buyer messages that missed their 24 hours, sent at At or
// less than LateSlot after it (LateResponses).
type LateCount struct {
	At time.Time
	N  int
}

// LateSlot is the most a LateCount's messages may have been sent after its
// At: a store may count misses per quarter hour instead of listing each.
// Every time zone in use is a whole number of quarter hours off UTC, and
// changes its offset on a quarter hour, so a quarter hour starting on one
// (UTC) lies within one local hour everywhere.
const LateSlot = 15 * time.Minute

// BreachHours groups missed deadlines by the hour of the week they fell in
// and returns the busiest, most first (ties: earlier in the week first,
// Monday first). Where the misses fall says which hours need cover.
func (p Policy) BreachHours(late []LateCount) []BreachHour {
	by := map[[2]int]int{}
	for _, c := range late {
		l := c.At.Add(ResponseWindow).In(p.loc())
		by[[2]int{int(l.Weekday()), l.Hour()}] += c.N
	}
	maps.DeleteFunc(by, func(_ [2]int, n int) bool { return n <= 0 })
	var out []BreachHour
	for k, n := range by {
		out = append(out, BreachHour{Weekday: time.Weekday(k[0]), Hour: k[1], Count: n})
	}
	monFirst := func(d time.Weekday) int { return (int(d) + 6) % 7 }
	slices.SortFunc(out, func(a, b BreachHour) int {
		return cmp.Or(b.Count-a.Count, monFirst(a.Weekday)-monFirst(b.Weekday), a.Hour-b.Hour)
	})
	return out[:min(len(out), maxBreachHours)]
}

// addBreachHours puts where the response-time misses of the window cluster
// into health, and into the response rate's line.
func (e *Engine) addBreachHours(ctx context.Context, tx Tx, now time.Time, h *Health) error {
	late, err := tx.LateResponses(ctx, now.AddDate(0, 0, -e.policy.ResponseDays), now)
	if err != nil {
		return err
	}
	if h.BreachHours = e.policy.BreachHours(late); len(h.BreachHours) == 0 {
		return nil
	}
	var parts []string
	for _, b := range h.BreachHours {
		parts = append(parts, b.String())
	}
	for i := range h.Metrics {
		if h.Metrics[i].Name == "response_rate" {
			h.Metrics[i].Detail = "Missed deadlines cluster at " + strings.Join(parts, ", ") + " (" + e.policy.loc().String() + ")."
		}
	}
	return nil
}
