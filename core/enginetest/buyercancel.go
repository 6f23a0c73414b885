package enginetest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// The buyer's own cancel: offered within BuyerCancelMinutes of purchase
// (30 by default) while nothing has shipped, only to the order's buyer.

// buyerCancelRefused runs a buyer cancel expected to fail with code and
// checks that nothing changed.
func (f *Fixture) buyerCancelRefused(a core.Actor, orderID string, code core.Code, wantInMsg string) {
	f.T.Helper()
	before := f.snapshot()
	_, err := f.Engine.BuyerCancel(context.Background(), a, orderID)
	if core.ErrorCode(err) != code || !strings.Contains(core.ErrorMessage(err), wantInMsg) {
		f.T.Fatalf("buyer cancel of %s as %s: %v (code %s), want %s saying %q", orderID, a.ID, err, core.ErrorCode(err), code, wantInMsg)
	}
	if !equalSnapshots(before, f.snapshot()) {
		f.T.Fatalf("buyer cancel of %s refused but the store changed", orderID)
	}
}

func (f *Fixture) buyerOffer(orderID string) core.BuyerCancelOffer {
	f.T.Helper()
	o, err := f.Engine.BuyerCancelOffer(context.Background(), orderID)
	if err != nil {
		f.T.Fatalf("offer for %s: %v", orderID, err)
	}
	return o
}

func (f *Fixture) buyerCanceledEvents() []core.Event {
	f.T.Helper()
	return f.outboxOf(core.EventBuyerCanceled)
}

func testBuyerCancel(f *Fixture) {
	ctx := context.Background()
	f.setStock("MUG set 10", "TEE set 10")
	fresh := order("111-0000030-0000001", 10*time.Minute)
	pending := order("111-0000030-0000002", 5*time.Minute)
	pending.PaymentsDate = nil
	old := order("111-0000030-0000003", time.Hour)
	shipped := order("111-0000030-0000004", 5*time.Minute)
	fba := order("111-0000030-0000005", 5*time.Minute)
	fba.Fulfillment = core.Marketplace
	f.importOrders(fresh, pending, old, shipped, fba)
	f.MustRun(f.Agent, "ship "+shipped.ID+" ups "+upsOK)
	web := func(id string) core.Actor { return core.BuyerActor("web", id) }

	// Offered within the window, with its end; not outside it.
	of := f.buyerOffer(fresh.ID)
	if !of.Open || !of.Until.Equal(fresh.PurchaseDate.Add(30*time.Minute)) || of.Why != "" || of.Status != core.Unshipped {
		f.T.Fatalf("offer within the window: %+v", of)
	}
	if of := f.buyerOffer(pending.ID); !of.Open {
		f.T.Fatalf("pending order within the window not offered: %+v", of)
	}
	for id, want := range map[string]string{old.ID: "30 minutes", shipped.ID: "already shipped", fba.ID: "marketplace account"} {
		if of := f.buyerOffer(id); of.Open || !strings.Contains(of.Why, want) {
			f.T.Fatalf("offer for %s: %+v, want closed saying %q", id, of, want)
		}
		f.buyerCancelRefused(web(id), id, core.Conflict, want)
	}

	// Only the order's own buyer: not another order's, not staff here.
	f.buyerCancelRefused(web(pending.ID), fresh.ID, core.Forbidden, "Only the buyer")
	f.buyerCancelRefused(f.Agent, fresh.ID, core.Forbidden, "Only the buyer")
	f.buyerCancelRefused(core.Actor{ID: web(fresh.ID).ID, Name: "buyer", Source: "web", Role: core.Owner}, fresh.ID, core.Forbidden, "Only the buyer")
	f.buyerCancelRefused(web("111-0000030-0000404"), "111-0000030-0000404", core.NotFound, "111-0000030-0000404")

	res, err := f.Engine.BuyerCancel(ctx, web(fresh.ID), fresh.ID)
	if err != nil || res.Already || res.Offer.Status != core.Canceled || res.Offer.Open {
		f.T.Fatalf("buyer cancel: %+v %v", res, err)
	}
	o := f.order(fresh.ID)
	if o.Status != core.Canceled || o.CancelReason != core.BuyerCanceled || o.CanceledAt == nil || !o.CanceledAt.Equal(f.Clock.Now()) {
		f.T.Fatalf("after buyer cancel: %s %s %v", o.Status, o.CancelReason, o.CanceledAt)
	}
	// Its two mugs are released: pending and old still hold theirs, the
	// shipped order took its own, the marketplace order holds none.
	if s := f.stock("MUG"); s.Reserved != 4 || s.Available != 4 {
		f.T.Fatalf("MUG after the buyer's cancel: %+v, want 4 reserved 4 available", s)
	}
	audit := f.MustRun(f.Owner, "audit "+fresh.ID).Audit
	if len(audit) != 1 || audit[0].ActorID != "web:buyer:"+fresh.ID || audit[0].Actor != "buyer" || audit[0].Source != "web" ||
		audit[0].Role != "" || audit[0].Command != "cancel "+fresh.ID+" buyer_canceled" {
		f.T.Fatalf("audit after the buyer's cancel: %+v", audit)
	}
	evs := f.buyerCanceledEvents()
	if len(evs) != 1 || evs[0].OrderID != fresh.ID || !strings.Contains(evs[0].Text, "cancelled by the buyer") {
		f.T.Fatalf("buyer_canceled outbox messages: %+v", evs)
	}
	ev := evs[0]
	for _, pii := range []string{fresh.Buyer.Name, fresh.Buyer.Email, fresh.ShipTo.PostalCode, fresh.ShipTo.Line1} {
		if strings.Contains(ev.Text, pii) || strings.Contains(audit[0].Command+audit[0].Detail, pii) {
			f.T.Fatalf("buyer data %q reaches staff: %q / %+v", pii, ev.Text, audit[0])
		}
	}
	if len(res.Events) == 0 || res.Events[len(res.Events)-1].Kind != core.EventBuyerCanceled {
		f.T.Fatalf("result events: %+v", res.Events)
	}

	// A repeat (double click, retry) changes nothing and says so.
	before := f.snapshot()
	again, err := f.Engine.BuyerCancel(ctx, web(fresh.ID), fresh.ID)
	if err != nil || !again.Already || again.Offer.Status != core.Canceled || !strings.Contains(again.Message, "already cancelled") {
		f.T.Fatalf("second buyer cancel: %+v %v", again, err)
	}
	if !equalSnapshots(before, f.snapshot()) {
		f.T.Fatal("second buyer cancel changed the store")
	}

	// The window closes: at exactly 30 minutes still open, a second later not.
	f.Clock.Advance(pending.PurchaseDate.Add(30 * time.Minute).Sub(f.Clock.Now()))
	if of := f.buyerOffer(pending.ID); !of.Open {
		f.T.Fatalf("offer at the window's last moment: %+v", of)
	}
	f.Clock.Advance(time.Second)
	of = f.buyerOffer(pending.ID)
	if of.Open || !strings.Contains(of.Why, "30 minutes") || strings.Contains(of.Why, "seller can still") {
		f.T.Fatalf("offer after the window: %+v", of)
	}
	f.buyerCancelRefused(web(pending.ID), pending.ID, core.Conflict, "30 minutes")
}

// Two submissions at once (a double click reaching two replicas): one
// cancels, the other finds it done; one audit entry, one outbox message.
func testBuyerCancelConcurrent(f *Fixture) {
	ctx := context.Background()
	f.setStock("MUG set 100")
	for i := range 5 {
		o := order(fmt.Sprintf("111-0000031-%07d", i), time.Minute)
		f.importOrders(o)
		var wg sync.WaitGroup
		var res [2]core.BuyerCancelResult
		var errs [2]error
		gate := make(chan struct{})
		for j := range 2 {
			wg.Go(func() { <-gate; res[j], errs[j] = f.Engine.BuyerCancel(ctx, core.BuyerActor("web", o.ID), o.ID) })
		}
		close(gate)
		wg.Wait()
		if errs[0] != nil || errs[1] != nil || res[0].Already == res[1].Already {
			f.T.Fatalf("%s: two submissions: %+v %v / %+v %v, want one cancel and one already", o.ID, res[0], errs[0], res[1], errs[1])
		}
		if audit := f.MustRun(f.Owner, "audit "+o.ID).Audit; len(audit) != 1 {
			f.T.Fatalf("%s: %d audit entries", o.ID, len(audit))
		}
	}
	n := len(f.buyerCanceledEvents())
	if s := f.stock("MUG"); n != 5 || s.Reserved != 0 || s.Available != 100 {
		f.T.Fatalf("%d buyer_canceled events, MUG %+v; want 5, all units back", n, s)
	}
}
