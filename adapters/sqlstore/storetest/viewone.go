package storetest

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/sellerdesk/sellerdesk/core"
)

// oneStatementReader is a store whose reads of one statement may skip the
// transaction (core's engine uses it for an order lookup).
type oneStatementReader interface {
	ViewOne(ctx context.Context, fn func(core.Tx) error) error
}

// testViewOne: a read without a transaction reads what View reads, refuses
// a second statement, and never returns an order torn between two saves
// while writers change it.
func testViewOne(t *testing.T, open func(t *testing.T) core.Store) {
	e := newEnv(t, open)
	one, ok := e.s.(oneStatementReader)
	if !ok {
		t.Skip("the store has no ViewOne")
	}
	full := fullOrder("V-1")
	e.save(full)
	var got *core.Order
	if err := one.ViewOne(e.ctx, func(tx core.Tx) (err error) { got, err = tx.Order(e.ctx, "V-1"); return err }); err != nil {
		t.Fatalf("ViewOne: %v", err)
	}
	e.mustEqual("order read by ViewOne", e.order("V-1"), got)

	err := one.ViewOne(e.ctx, func(tx core.Tx) error { _, err := tx.Order(e.ctx, "V-404"); return err })
	if core.ErrorCode(err) != core.NotFound {
		t.Fatalf("ViewOne of a missing order: %v; want NotFound", err)
	}
	// A list reads the orders, then their children: two statements.
	err = one.ViewOne(e.ctx, func(tx core.Tx) error {
		_, err := tx.Orders(e.ctx, core.OrderQuery{Limit: 10})
		return err
	})
	if core.ErrorCode(err) != core.Internal {
		t.Fatalf("two statements in ViewOne: %v; want Internal", err)
	}

	// Writers stamp the order row and every child with the same mark in
	// one transaction; readers must see one mark throughout.
	o := newOrder("V-2", t0)
	o.Items[0].Title, o.Items[1].Title, o.ShipServiceLevel = "mark 0", "mark 0", "mark 0"
	e.save(o)
	var writes atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Go(func() {
			for i := 1; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				mark := fmt.Sprintf("mark %d-%d", w, i)
				err := e.update(func(tx core.Tx) error {
					o, err := tx.Order(e.ctx, "V-2")
					if err != nil {
						return err
					}
					o.ShipServiceLevel = mark
					for i := range o.Items {
						o.Items[i].Title = mark
					}
					return tx.SaveOrders(e.ctx, []*core.Order{o})
				})
				if err != nil && core.ErrorCode(err) != core.Conflict {
					t.Errorf("save: %v", err)
					return
				}
				if err == nil {
					writes.Add(1)
				}
			}
		})
	}
	var reads int
	for reads = 0; reads < 300 || writes.Load() < 20 && reads < 20000; reads++ {
		var r *core.Order
		if err := one.ViewOne(e.ctx, func(tx core.Tx) (err error) { r, err = tx.Order(e.ctx, "V-2"); return err }); err != nil {
			t.Fatalf("ViewOne while saving: %v", err)
		}
		for _, it := range r.Items {
			if it.Title != r.ShipServiceLevel {
				t.Fatalf("torn read at version %d: the row says %q, item %s %q", r.Version, r.ShipServiceLevel, it.OrderItemID, it.Title)
			}
		}
	}
	close(stop)
	wg.Wait()
	if writes.Load() == 0 {
		t.Fatalf("no write raced the %d reads", reads)
	}
	// Once the writes are done, a read outside any write (which a store
	// may serve from a cache) is the order as stored.
	var locked, after *core.Order
	if err := e.update(func(tx core.Tx) (err error) { locked, err = tx.Order(e.ctx, "V-2"); return err }); err != nil {
		t.Fatal(err)
	}
	if err := one.ViewOne(e.ctx, func(tx core.Tx) (err error) { after, err = tx.Order(e.ctx, "V-2"); return err }); err != nil {
		t.Fatal(err)
	}
	e.mustEqual("ViewOne after the writes", locked, after)
	e.mustEqual("View after the writes", locked, e.order("V-2"))
}
