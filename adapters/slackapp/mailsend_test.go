package slackapp

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/adapters/mailapp"
	"github.com/sellerdesk/sellerdesk/adapters/mailapp/mailtest"
	"github.com/sellerdesk/sellerdesk/core"
)

// Slack Send on an Amazon relay conversation: the draft, with the order's
// tracking number, reaches the buyer's relay address by SMTP once, as
// plain text threaded on the buyer's mail, with a copy in Sent (real
// Dovecot and Postfix, scripts/mailservers.sh).
func TestSlackSendReachesAmazonBuyerByMail(t *testing.T) {
	mail := mailtest.Open(t)
	h := newHarness(t)
	ctx := context.Background()
	h.importOrders(order(orderID, time.Hour))
	ownerActor := core.Actor{ID: "test:o", Role: core.Owner, Source: "test"}
	if _, err := h.engine.RunLine(ctx, ownerActor, "ship "+orderID+" ups 1Z999AA10123456784", false); err != nil {
		t.Fatal(err)
	}
	h.prime()
	sink, sent := mail.Sink(t, h.engine)
	relay := mailtest.RelayAddress("slacksend")
	buyerID := "buyer-" + mailtest.Token() + "@marketplace.amazon.com"
	conv, _, err := h.engine.MailMessage(ctx, core.MailIn{MessageID: "<" + buyerID + ">", From: relay, Relay: true, OrderID: orderID,
		Subject: "Where is my order?", Text: "Hello, where is my package?"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.engine.Draft(ctx, conv.ID); err != nil {
		t.Fatal(err)
	}
	h.deliver()
	h.click(agent, actConvSend, conv.ID, h.fake.URL()+"/respond/send")
	got, _, err := h.engine.Conversation(ctx, conv.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Deadline != nil || len(got.Messages) != 2 {
		t.Fatalf("after Send: deadline %v, %d messages", got.Deadline, len(got.Messages))
	}
	if sent, err := deliverMail(ctx, h.engine, sink); err != nil || sent != 1 {
		t.Fatalf("mail sink sent %d: %v", sent, err)
	}
	mails := mail.AwaitTo(t, relay)
	if len(mails) != 1 {
		t.Fatalf("%d mails reached %s, want 1", len(mails), relay)
	}
	m := mails[0]
	replyID := mailapp.ReplyID(conv.ID, got.Messages[1].ID, "shop.test")
	if m.Header.Get("Message-Id") != "<"+replyID+">" || m.Header.Get("In-Reply-To") != "<"+buyerID+">" ||
		m.Header.Get("References") != "<"+buyerID+">" || !strings.HasPrefix(m.Header.Get("Content-Type"), "text/plain") {
		t.Errorf("headers %v", m.Header)
	}
	contains(t, "mail", m.Body, "1Z999AA10123456784")
	if n := len(mail.InFolder(t, sent, replyID)); n != 1 {
		t.Errorf("%d copies in Sent, want 1", n)
	}
}

// deliverMail runs the mail sink's delivery rounds until it is caught up.
func deliverMail(ctx context.Context, e *core.Engine, s core.Sink) (int, error) {
	total := 0
	for {
		r, err := e.DeliverRound(ctx, s)
		total += r.Sent
		if err != nil || r.Left != core.More {
			return total, err
		}
	}
}
