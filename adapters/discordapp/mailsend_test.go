package discordapp

import (
	"context"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/adapters/mailapp/mailtest"
	"github.com/sellerdesk/sellerdesk/core"
)

// Discord Send on an Amazon relay conversation: the draft, with the
// order's tracking number, reaches the buyer's relay address by SMTP once,
// plain text, threaded on the buyer's mail, with a copy in Sent (real
// Dovecot and Postfix, scripts/mailservers.sh).
func TestDiscordSendReachesAmazonBuyerByMail(t *testing.T) {
	mail := mailtest.Open(t)
	h := newHarness(t)
	ctx := context.Background()
	h.importOrders(order(orderA, 26*time.Hour))
	ownerActor := core.Actor{ID: "test:o", Role: core.Owner, Source: "test"}
	if _, err := h.engine.RunLine(ctx, ownerActor, "ship "+orderA+" ups 1Z999AA10123456784", false); err != nil {
		t.Fatal(err)
	}
	h.deliver()
	sink, sent := mail.Sink(t, h.engine)
	r := mailtest.OpenRelay(t, h.engine, "discordsend", orderA)
	h.deliver()
	h.click(agent, staff, "send:"+r.Conv.ID)
	if n := mailtest.DeliverAll(t, h.engine, sink); n != 1 {
		t.Fatalf("mail sink sent %d, want 1", n)
	}
	mail.CheckAnswered(t, h.engine, r, sent, "1Z999AA10123456784")
}
