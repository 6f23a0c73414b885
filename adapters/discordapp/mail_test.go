package discordapp

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// A reply Amazon could not deliver is an alert on the conversation's
// message, and the message is drawn again showing it.
func TestUndeliveredReplyAlerts(t *testing.T) {
	h := newHarness(t)
	h.importOrders(order(orderA, 26*time.Hour))
	h.deliver()
	ctx := context.Background()
	conv, _, err := h.engine.MailMessage(ctx, core.MailIn{MessageID: "<m1@amazon.com>", From: "abc@marketplace.amazon.com", Relay: true, OrderID: orderA,
		Text: "Where is my order?"})
	if err != nil {
		t.Fatal(err)
	}
	h.deliver()
	res, err := h.engine.RunLine(ctx, core.Actor{ID: "t", Name: "t", Role: core.Agent, Source: "test"}, "reply "+conv.ID+" It ships today.", false)
	if err != nil {
		t.Fatal(err)
	}
	h.deliver()
	edits := len(h.fake.calls("PATCH"))
	if err := h.engine.MailBounced(ctx, core.BounceIn{NoticeID: "<n1@amazon.com>", ConversationID: conv.ID, MessageID: res.Conversation.Messages[1].ID,
		Reason: "Buyer opted out of messages"}); err != nil {
		t.Fatal(err)
	}
	h.deliver()
	posts := h.fake.calls("POST /channels/" + staff + "/messages")
	alert := string(posts[len(posts)-1].Body)
	if !strings.Contains(alert, "🚨") || !strings.Contains(alert, "was not delivered") || !strings.Contains(alert, "Buyer opted out of messages") {
		t.Fatalf("alert %s", alert)
	}
	redrawn := h.fake.calls("PATCH")
	if len(redrawn) <= edits || !strings.Contains(string(redrawn[len(redrawn)-1].Body), "Where is my order") {
		t.Fatalf("the conversation's message was not drawn again with the buyer waiting (%d edits before, %d after)", edits, len(redrawn))
	}
}
