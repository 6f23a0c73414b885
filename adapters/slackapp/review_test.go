package slackapp

import (
	"context"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// The order card says where the order's review request stands; a desk
// without the Amazon connection refuses review with core's reason.
func TestOrderCardShowsTheReviewRequest(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.importOrders(order(orderID, 20*24*time.Hour))
	// Another replica, with the Amazon connection on, asks for the review.
	amazon := core.NewEngine(h.store, core.Options{Clock: h.clock, AmazonConnected: true})
	olivia := core.Actor{ID: "test:olivia", Name: "olivia", Role: core.Owner, Source: "test"}
	for _, line := range []string{"ship " + orderID + " ups " + upsOK + " date 2026-11-01", "delivered " + orderID + " date 2026-11-02", "review " + orderID} {
		if _, err := amazon.RunLine(ctx, olivia, line, false); err != nil {
			t.Fatalf("%s: %v", line, err)
		}
	}
	_, text := h.inline(h.slash(agent, "order "+orderID))
	contains(t, "card", text, "Review requested: waiting")

	if err := amazon.ReviewAnswered(ctx, orderID, false, "refused by Amazon: not eligible"); err != nil {
		t.Fatal(err)
	}
	_, text = h.inline(h.slash(agent, "order "+orderID))
	contains(t, "card", text, "Review requested: refused by Amazon: not eligible")

	_, resp := h.slash(agent, "review "+orderID)
	h.settle()
	_, text = h.lastResponse(resp)
	contains(t, "review refused", text, "Amazon connection")
}
