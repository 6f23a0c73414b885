package slackapp

import (
	"context"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// A reply Amazon could not deliver is told in the conversation's thread,
// broadcast to the channel (the buyer waits again), and the message shows
// the deadline back and a mail's attachments.
func TestUndeliveredReplyInThread(t *testing.T) {
	h := newHarness(t)
	h.importOrders(order(orderID, time.Hour))
	h.prime()
	ctx := context.Background()
	conv, _, err := h.engine.MailMessage(ctx, core.MailIn{MessageID: "<m1@amazon.com>", From: "abc@marketplace.amazon.com", Relay: true, OrderID: orderID,
		Text: "Where is my order?", Attachments: []core.Attachment{{Name: "label.jpg", Size: 48_000}}})
	if err != nil {
		t.Fatal(err)
	}
	h.deliver()
	parentTS := h.mustRef(conv.ID).MessageID
	contains(t, "conversation message", h.fake.Calls("chat.postMessage")[0].Text, "Where is my order", "label.jpg (48 KB)")
	res, err := h.engine.RunLine(ctx, core.Actor{ID: "t", Name: "t", Role: core.Agent, Source: "test"}, "reply "+conv.ID+" It ships today.", false)
	if err != nil {
		t.Fatal(err)
	}
	h.deliver()
	staff := res.Conversation.Messages[1]
	if err := h.engine.MailBounced(ctx, core.BounceIn{NoticeID: "<n1@amazon.com>", ConversationID: conv.ID, MessageID: staff.ID, Reason: "Buyer opted out of messages"}); err != nil {
		t.Fatal(err)
	}
	h.deliver()
	posts := h.fake.Calls("chat.postMessage")
	last := posts[len(posts)-1]
	if last.Form.Get("thread_ts") != parentTS || last.Form.Get("reply_broadcast") != "true" {
		t.Fatalf("undelivered notice posted %+v, want a broadcast reply in the thread", last.Form)
	}
	contains(t, "undelivered notice", last.Text, "was not delivered", "Buyer opted out of messages", "answer by")
	contains(t, "redrawn message", h.lastUpdate(parentTS).Text, "Answer by")
}
