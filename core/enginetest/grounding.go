package enginetest

import (
	"context"
	"strings"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
	"github.com/sellerdesk/sellerdesk/core/drafter"
)

// An order id written in a message grounds the draft only where the
// channel vouches for the buyer (DESIGN "Languages"): Amazon relay mail
// from the order's own relay address, or a verified help-page session for
// that order. A plain email, an unverified web buyer, another relay
// address or a buyer verified for another order get none of its facts.
func testDraftGroundedByNamedOrder(f *Fixture) {
	ctx := context.Background()
	mine := order("111-0000031-0000001", time.Hour)
	mine.Buyer.Email = relayAddr // Amazon's order report gives the buyer's relay address
	theirs := order("111-0000032-0000001", time.Hour)
	f.importOrders(mine, theirs)
	e := f.mailEngine()
	grounded := func(c *core.Conversation, o core.Order) bool {
		f.T.Helper()
		if c.Draft == nil {
			f.T.Fatalf("conversation %s has no draft", c.ID)
		}
		return strings.Contains(c.Draft.Text, o.ID)
	}

	// Relay mail about no order, naming the buyer's own order: grounded,
	// and the conversation is not re-keyed to the order.
	c := f.mail(e, core.MailIn{MessageID: "<g1@amazon.com>", From: "X7K2M9ABC3@Marketplace.Amazon.com", Relay: true,
		Text: "Hello, where is my order " + mine.ID + "? It has not arrived."})
	if !grounded(c, mine) || strings.Contains(c.Draft.Note, "No verified order") || c.OrderID != "" {
		f.T.Fatalf("relay mail naming its own order: order %q, draft %+v", c.OrderID, c.Draft)
	}

	// Another relay address naming the same order: not theirs.
	c = f.mail(e, core.MailIn{MessageID: "<g2@amazon.com>", From: "zz9other00@marketplace.amazon.com", Relay: true,
		Text: "Where is order " + mine.ID + "?"})
	if grounded(c, mine) || !strings.Contains(c.Draft.Note, "No verified order") {
		f.T.Fatalf("another relay address got the order's facts: %+v", c.Draft)
	}

	// A plain email, even from the address on the order: only the sender's word.
	c = f.mail(e, core.MailIn{MessageID: "<g3@x>", From: "emma@example.com", Text: "Where is my order " + theirs.ID + "?"})
	if grounded(c, theirs) || c.Channel != core.ChannelEmail {
		f.T.Fatalf("a plain email got the order's facts: %+v", c.Draft)
	}

	// An unverified web buyer.
	c, err := e.BuyerMessage(ctx, core.BuyerMessageIn{Channel: "web", BuyerKey: "anon-session", Text: "Where is my order " + theirs.ID + "?"})
	if err != nil {
		f.T.Fatal(err)
	}
	if grounded(c, theirs) {
		f.T.Fatalf("an unverified web buyer got the order's facts: %+v", c.Draft)
	}

	// A web buyer verified for one order naming another: their own only,
	// and staff are told.
	c, err = e.BuyerMessage(ctx, core.BuyerMessageIn{Channel: "web", BuyerKey: "verified-session", OrderID: mine.ID,
		Text: "Where is my order " + theirs.ID + "?"})
	if err != nil {
		f.T.Fatal(err)
	}
	if !grounded(c, mine) || grounded(c, theirs) || !strings.Contains(c.Draft.Note, theirs.ID) {
		f.T.Fatalf("a buyer verified for %s naming %s: %+v", mine.ID, theirs.ID, c.Draft)
	}

	// A drafter that drafts after the message (a model) is grounded the same way.
	p := core.DefaultPolicy()
	slow := core.NewEngine(f.Store, core.Options{Clock: f.Clock, IDs: &SeqIDs{}, Policy: &p,
		Drafter: Later(drafter.Offline{D: drafter.New(drafter.Shop{Name: "Acme Mugs", Policy: p})})})
	c, _, err = slow.MailMessage(ctx, core.MailIn{MessageID: "<g4@amazon.com>", From: relayAddr, Relay: true,
		Text: "Any news on " + mine.ID + "?"})
	if err != nil || !c.NeedsDraft() {
		f.T.Fatalf("slow drafter: %v, draft %+v; want the new message waiting for one", err, c.Draft)
	}
	if did, err := slow.Draft(ctx, c.ID); !did || err != nil {
		f.T.Fatalf("Draft = %v, %v", did, err)
	}
	c = f.MustRun(f.Viewer, "show "+c.ID).Conversation
	if c.NeedsDraft() || !grounded(c, mine) {
		f.T.Fatalf("a later draft of relay mail naming its own order is not grounded: %+v", c.Draft)
	}
}
