package storetest

import (
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// testAmazonCancels: an order's buyer cancellation request and its cancel
// on the way to Amazon are kept (migration 00012), cleared when set to
// nil, and the feed check finds the orders in a state.
func testAmazonCancels(t *testing.T, open func(t *testing.T) core.Store) {
	e := newEnv(t, open)
	sent := func(id string, state core.AmazonCancelState, queued time.Time) *core.Order {
		o := newOrder(id, t0)
		o.Status, o.CancelReason, o.CanceledAt = core.Canceled, core.BuyerCanceled, at(queued)
		o.AmazonCancel = &core.AmazonCancel{State: state, Reason: core.BuyerCanceled, QueuedAt: queued,
			Lines: []core.CancelLine{{OrderItemID: id + "-1", SKU: "SKU-A", Quantity: 1}}}
		if state != core.AmazonCancelQueued {
			o.AmazonCancel.FeedID, o.AmazonCancel.SentAt = "F-"+id, at(queued.Add(time.Second))
		}
		return o
	}
	a, b, c := sent("A", core.AmazonCancelSent, t0), sent("B", core.AmazonCancelQueued, t0), sent("C", core.AmazonCancelSent, t0.Add(time.Hour))
	plain := newOrder("D", t0)
	plain.CancelRequest = &core.CancelRequest{Key: "k1", Lines: []string{"D-2"}, Reason: "wrong size", SeenAt: t0}
	e.save(a, b, c, plain)
	e.mustEqual("order with a cancel for Amazon", a, e.order("A"))
	e.mustEqual("order with a buyer's request", plain, e.order("D"))

	var got []core.Order
	e.view(func(tx core.Tx) (err error) {
		got, err = tx.Orders(e.ctx, core.OrderQuery{AmazonCancel: core.AmazonCancelSent, Sort: core.ShipByFirst})
		return err
	})
	if len(got) != 2 || got[0].ID != "A" || got[1].ID != "C" {
		t.Fatalf("orders with a cancel sent: %+v, want A and C", ids(got))
	}

	// Answered: no longer waiting. Cleared: gone.
	o := e.order("A")
	o.AmazonCancel.State, o.AmazonCancel.Error = core.AmazonCancelFailed, "Order already shipped"
	d := e.order("D")
	d.CancelRequest = nil
	e.save(o, d)
	e.mustEqual("answered cancel", o, e.order("A"))
	if got := e.order("D"); got.CancelRequest != nil {
		t.Fatalf("cleared request read back as %+v", got.CancelRequest)
	}
	e.view(func(tx core.Tx) (err error) {
		got, err = tx.Orders(e.ctx, core.OrderQuery{AmazonCancel: core.AmazonCancelSent})
		return err
	})
	if len(got) != 1 || got[0].ID != "C" {
		t.Fatalf("orders with a cancel sent after A's answer: %+v, want C", ids(got))
	}
}

func ids(orders []core.Order) []string {
	out := make([]string, len(orders))
	for i, o := range orders {
		out[i] = o.ID
	}
	return out
}
