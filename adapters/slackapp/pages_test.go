package slackapp

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// blocksOf returns a message's blocks as Slack receives them.
func blocksOf(msg map[string]any) []map[string]any {
	raw, _ := msg["blocks"].([]any)
	var out []map[string]any
	for _, b := range raw {
		if m, ok := b.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// buttonValues lists the values of a message's buttons with actionID.
func buttonValues(msg map[string]any, actionID string) []string {
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if x["type"] == "button" && x["action_id"] == actionID {
				s, _ := x["value"].(string)
				out = append(out, s)
				return
			}
			for _, y := range x {
				walk(y)
			}
		case []any:
			for _, y := range x {
				walk(y)
			}
		}
	}
	walk(msg["blocks"])
	return out
}

// /desk orders limit 500 asks for more than one Slack message holds: each
// page fits Slack's 50 blocks, and following Next from the first page
// shows every order exactly once.
func TestOrdersLimit500PagesFitAndNextShowsEveryOrderOnce(t *testing.T) {
	h := newHarness(t)
	const n = 503
	var orders []core.Order
	for i := range n {
		orders = append(orders, order(fmt.Sprintf("111-%07d-0000001", i+1), time.Duration(i+1)*time.Minute))
	}
	h.importOrders(orders...)

	seen := map[string]int{}
	msg, _ := h.inline(h.slash(agent, "orders limit 500"))
	resp := h.fake.URL() + "/response/list"
	for pages := 1; ; pages++ {
		if b := blocksOf(msg); len(b) > maxBlocks {
			t.Fatalf("page %d has %d blocks; Slack takes at most %d", pages, len(b), maxBlocks)
		}
		for _, id := range buttonValues(msg, actOrderOpen) {
			seen[id]++
		}
		next := buttonValues(msg, actListPage)
		if len(next) == 0 || !strings.Contains(next[len(next)-1], " after ") {
			break
		}
		if pages > n {
			t.Fatal("Next never ends")
		}
		h.click(agent, actListPage, next[len(next)-1], resp)
		msg, _ = h.lastResponse(resp)
	}
	if len(seen) != n {
		t.Errorf("following Next showed %d different orders, want all %d", len(seen), n)
	}
	for id, k := range seen {
		if k != 1 {
			t.Errorf("order %s shown %d times, want once", id, k)
		}
	}
}
