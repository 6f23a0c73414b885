package jobqueue_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/adapters/jobqueue"
	"github.com/sellerdesk/sellerdesk/adapters/sqlstore"
	"github.com/sellerdesk/sellerdesk/core"
)

// spapi.auto_review: the daily job (run at start too) asks for the review
// of each order inside its window, once per order, whichever replicas run
// it; orders outside the window are left alone.
func testAutoReview(t *testing.T, db *sqlstore.DB, replicas int) {
	ctx := context.Background()
	clock := &stepClock{t: time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)}
	seed := core.NewEngine(db, core.Options{Clock: clock})
	var batch []core.Order
	for _, days := range []int{4, 5, 30, 31} {
		d := clock.Now().Truncate(24*time.Hour).AddDate(0, 0, -days)
		batch = append(batch, core.Order{ID: fmt.Sprintf("113-0000000-%07d", days),
			Status: core.Delivered, Fulfillment: core.Merchant, SalesChannel: "Amazon.com", Currency: "USD",
			PurchaseDate: d.AddDate(0, 0, -3), ReportUpdated: d, DeliveredAt: &d,
			Items: []core.Item{{OrderItemID: "1", SKU: "MUG", Quantity: 1, Price: 900}}})
	}
	if _, err := seed.Import(ctx, batch); err != nil {
		t.Fatal(err)
	}
	start(t, db, replicas, clock, nil, nil, func(o *core.Options, c *jobqueue.Config) {
		o.AmazonConnected, c.AutoReview = true, true
	})
	requested := func() map[string]int {
		n := map[string]int{}
		if err := db.View(ctx, func(tx core.Tx) error {
			evs, err := tx.Outbox(ctx, 0, 0)
			for _, ev := range evs {
				if ev.Kind == core.EventReviewRequest {
					n[ev.OrderID]++
				}
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return n
	}
	eventually(t, "the orders 5 and 30 days past delivery requested", func() bool { return len(requested()) == 2 })
	got := requested()
	if got["113-0000000-0000005"] != 1 || got["113-0000000-0000030"] != 1 {
		t.Fatalf("review requests per order: %v, want one each for the 5- and 30-day orders", got)
	}
	a, err := seed.Do(ctx, core.Request{Actor: core.SystemActor(), Command: core.ShowAudit{OrderID: "113-0000000-0000005"}})
	if err != nil || len(a.Audit) == 0 || a.Audit[0].Actor != "sellerdesk (auto_review)" {
		t.Fatalf("audit %+v %v", a, err)
	}
}
