package discordapp

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// /desk review builds core's command; the order card says where the
// request stands.
func TestReviewCommandAndCard(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.importOrders(order(orderA, 20*24*time.Hour))
	// This desk has no Amazon connection: core refuses, naming it.
	got := h.slash(agent, "review", "order_id", orderA)
	if !ephemeral(got) || !strings.Contains(content(got), "Amazon connection") {
		t.Fatalf("answer %s, want an ephemeral refusal naming the Amazon connection", dump(got))
	}
	amazon := core.NewEngine(h.store, core.Options{Clock: h.clock, AmazonConnected: true})
	olivia := core.Actor{ID: "test:olivia", Name: "olivia", Role: core.Owner, Source: "test"}
	for _, line := range []string{"ship " + orderA + " ups " + upsOK + " date 2026-11-01", "delivered " + orderA + " date 2026-11-02", "review " + orderA} {
		if _, err := amazon.RunLine(ctx, olivia, line, false); err != nil {
			t.Fatalf("%s: %v", line, err)
		}
	}
	card := dump(h.slash(agent, "order", "order_id", orderA))
	if !strings.Contains(card, "Review requested") || !strings.Contains(card, "waiting") {
		t.Fatalf("card %s does not show the waiting review request", card)
	}
}
