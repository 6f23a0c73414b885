package discordapp

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// The limit per order is the engine's, so it holds on Discord too: many
// Discord users guessing one order's postal code share its tries, and past
// them even the right email waits, told until when.
func TestBuyerVerifyLimitPerOrder(t *testing.T) {
	h := newHarness(t)
	h.importOrders(order(orderA, 26*time.Hour))
	for i := range 10 {
		user := fmt.Sprintf("70000000000000000%d", i/2) // five users, two tries each
		if wrong := h.submit(user, verifyModalID, false, map[string]string{"order_id": orderA, "secret": "10001"}); !strings.Contains(content(wrong), "No order matches") {
			t.Fatalf("try %d answered %s, want the miss", i+1, dump(wrong))
		}
	}
	right := h.submit(buyer, verifyModalID, false, map[string]string{"order_id": orderA, "secret": buyerEm})
	if !ephemeral(right) || !strings.Contains(content(right), "Order "+orderA+" has had too many wrong tries") || !strings.Contains(content(right), "Please try again in 60 minutes.") {
		t.Fatalf("the buyer's right email answered %s, want the order's wait, privately", dump(right))
	}
	h.clock.Advance(time.Hour)
	if right := h.submit(buyer, verifyModalID, false, map[string]string{"order_id": orderA, "secret": buyerEm}); !strings.Contains(content(right), orderA+" is verified") {
		t.Fatalf("after the hour answered %s, want verified", dump(right))
	}
}

// The limit on buyer messages is the engine's too: the 11th message in a
// minute is not stored, and the buyer is told why and how long to wait.
func TestBuyerMessageLimit(t *testing.T) {
	h := newHarness(t)
	for i := range 11 {
		h.buyerSays(help, fmt.Sprintf("BM%d", i), fmt.Sprintf("message %d", i))
	}
	convs, err := h.engine.BuyerConversations(context.Background(), "discord", "discord:"+buyer)
	if err != nil || len(convs) != 1 || len(convs[0].Messages) != 10 {
		t.Fatalf("conversations %+v, %v: want one with 10 messages", convs, err)
	}
	acks := h.fake.calls("POST /channels/" + help + "/messages")
	last := acks[len(acks)-1].JSON()
	ref, _ := last["message_reference"].(map[string]any)
	if ref["message_id"] != "BM10" || !strings.Contains(fmt.Sprint(last["content"]), "You have sent 10 messages in the last minute") {
		t.Fatalf("answer to the 11th message %v, want the limit explained under it", last)
	}
}
