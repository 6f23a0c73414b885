package core

import (
	"cmp"
	"context"
	"fmt"
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

// BreachHours groups missed deadlines by the hour of the week they fell in
// and returns the busiest, most first (ties: earlier in the week first,
// Monday first). Where the misses fall says which hours need cover.
func (p Policy) BreachHours(sent []time.Time) []BreachHour {
	by := map[[2]int]int{}
	for _, t := range sent {
		l := t.Add(ResponseWindow).In(p.loc())
		by[[2]int{int(l.Weekday()), l.Hour()}]++
	}
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
	if err != nil || len(late) == 0 {
		return err
	}
	h.BreachHours = e.policy.BreachHours(late)
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
