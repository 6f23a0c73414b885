package draftcheck_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
	"github.com/sellerdesk/sellerdesk/core/draftcheck"
	"github.com/sellerdesk/sellerdesk/core/drafter"
)

// The offline drafter writes only what the order shows, so every reply it
// writes, for every kind of request and every stage of an order, must pass
// the check: a check that rejects these would reject good model answers too.
func TestCheck_offline_drafts_pass(t *testing.T) {
	shop := drafter.Shop{Name: "Acme Goods", Policy: core.DefaultPolicy(), StaffLanguage: "en"}
	d := drafter.New(shop)
	messages := []string{
		"where is my package?", "when will my order arrive?", "please cancel my order", "I need to change my shipping address",
		"I want to return this item", "where is my refund?", "the mug arrived broken", "can I get an invoice?",
		"my payment failed", "this is terrible service", "I want to talk to a person", "do you sell gift cards?",
		"我的包裹在哪里？", "什么时候到？", "请取消我的订单", "我想改地址", "我要退货", "我的退款呢？", "商品坏了", "我需要发票", "付款失败了",
	}
	for name, o := range orderStages() {
		for _, msg := range messages {
			got := d.Draft(msg, drafter.Facts{Order: o, Now: now})
			if !got.NeedsResponse {
				continue
			}
			req := core.DraftRequest{Conversation: conversationFor(o), Order: o, Now: now}
			if ps := draftcheck.Check(got.Text, req, draftcheck.Policy{}); ps != nil {
				t.Errorf("%s / %q: offline draft fails the check: %s\n%s", name, msg, draftcheck.Reasons(ps), got.Text)
			}
		}
		// Every template in every language the drafter writes, the
		// order's amounts in the locale's format included.
		for _, in := range drafter.Intents() {
			for _, lang := range drafter.Languages() {
				text := d.Reply(in, lang, drafter.Facts{Order: o, Now: now})
				if text == "" {
					continue
				}
				req := core.DraftRequest{Conversation: conversationFor(o), Order: o, Now: now}
				if ps := draftcheck.Check(text, req, draftcheck.Policy{}); ps != nil {
					t.Errorf("%s / %s / %s: offline draft fails the check: %s\n%s", name, in, lang, draftcheck.Reasons(ps), text)
				}
			}
		}
	}
}

func conversationFor(o *core.Order) *core.Conversation {
	c := &core.Conversation{ID: "c-1"}
	if o != nil {
		c.OrderID = o.ID
	}
	return c
}

// orderStages is one order at every stage a reply speaks to.
func orderStages() map[string]*core.Order {
	ptr := func(t time.Time) *time.Time { return &t }
	stages := map[string]*core.Order{"no_order": nil}
	add := func(name string, edit func(o *core.Order)) {
		o := unshippedOrder()
		edit(o)
		stages[name] = o
	}
	add("unshipped", func(o *core.Order) {})
	add("pending", func(o *core.Order) { o.Status = core.Pending })
	add("unshipped_late", func(o *core.Order) { o.ShipBy = now.Add(-48 * time.Hour) })
	add("unshipped_marketplace", func(o *core.Order) { o.Fulfillment = core.Marketplace })
	add("partially_shipped", func(o *core.Order) { ship(o, 1); o.Status = core.PartiallyShipped })
	add("partially_shipped_marketplace", func(o *core.Order) { ship(o, 1); o.Status = core.PartiallyShipped; o.Fulfillment = core.Marketplace })
	add("shipped", func(o *core.Order) { ship(o, 2) })
	add("delivered", func(o *core.Order) {
		ship(o, 2)
		o.Status = core.Delivered
		o.DeliveredAt = ptr(now.Add(-48 * time.Hour))
	})
	add("delivered_long_ago", func(o *core.Order) {
		ship(o, 2)
		o.Status = core.Delivered
		o.DeliveredAt = ptr(now.Add(-60 * 24 * time.Hour))
	})
	for _, st := range []core.ReturnStatus{core.ReturnRequested, core.ReturnApproved, core.ReturnRejected, core.ReturnReceived, core.ReturnRefunded} {
		for _, refunds := range []int{0, 1, 2} {
			add(fmt.Sprintf("return_%s_%d_refunds", st, refunds), func(o *core.Order) {
				ship(o, 2)
				o.Status = core.Delivered
				o.DeliveredAt = ptr(now.Add(-5 * 24 * time.Hour))
				o.Returns = []core.Return{{ID: "R1", OrderID: o.ID, Status: st, Items: []core.ItemQty{{SKU: "MUG-RED", Quantity: 1}},
					RequestedAt: now.Add(-3 * 24 * time.Hour), ReceivedAt: ptr(now.Add(-24 * time.Hour)), RefundBy: ptr(now.Add(24 * time.Hour))}}
				refund(o, refunds)
			})
		}
	}
	add("canceled", func(o *core.Order) { o.Status = core.Canceled; o.CanceledAt = ptr(now.Add(-24 * time.Hour)) })
	add("canceled_refunded", func(o *core.Order) {
		o.Status = core.Canceled
		o.CanceledAt = ptr(now.Add(-24 * time.Hour))
		refund(o, 1)
	})
	add("canceled_unpaid", func(o *core.Order) {
		o.Status = core.Canceled
		o.CancelReason = core.PaymentUnverified
		o.CanceledAt = ptr(now.Add(-24 * time.Hour))
	})
	add("shipped_partly_refunded", func(o *core.Order) { ship(o, 2); refund(o, 1) })
	add("yen_partly_refunded", func(o *core.Order) {
		o.Currency = "JPY"
		o.Items[0].Price, o.Items[0].Tax, o.Items[0].Shipping = 3000, 300, 0
		ship(o, 2)
		refund(o, 2)
	})
	return stages
}

func ship(o *core.Order, units int) {
	o.Status = core.Shipped
	o.Items[0].Shipped = units
	o.Shipments = []core.Shipment{{ID: "s1", Carrier: core.UPS, Tracking: tracking, ShipDate: now.Add(-4 * 24 * time.Hour),
		Lines: []core.ShipmentLine{{OrderItemID: "1", SKU: "MUG-RED", Quantity: units}}, ValidTracking: true}}
}

func refund(o *core.Order, n int) {
	for i := range n {
		o.Refunds = append(o.Refunds, core.Refund{ID: fmt.Sprintf("F%d", i+1), OrderID: o.ID, Amount: 1000, CreatedAt: now.Add(-time.Duration(i+1) * time.Hour)})
	}
}
