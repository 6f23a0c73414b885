// Package storetest is the contract every core.Store must meet. The sqlstore
// tests run it on SQLite and PostgreSQL; a store is done when it passes on
// both. It also opens test stores for other packages' tests (open.go).
package storetest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// Run runs the contract. open returns a new, empty store; every subtest gets
// its own, so they share nothing.
func Run(t *testing.T, open func(t *testing.T) core.Store) {
	t.Run("orders", func(t *testing.T) { testOrders(t, open) })
	t.Run("conflicts", func(t *testing.T) { testConflicts(t, open) })
	t.Run("queries", func(t *testing.T) { testQueries(t, open) })
	t.Run("health", func(t *testing.T) { testHealth(t, open) })
	t.Run("stock", func(t *testing.T) { testStock(t, open) })
	t.Run("returns", func(t *testing.T) { testReturns(t, open) })
	t.Run("shipments", func(t *testing.T) { testShipments(t, open) })
	t.Run("audit", func(t *testing.T) { testAudit(t, open) })
	t.Run("outbox", func(t *testing.T) { testOutbox(t, open) })
	t.Run("outbox_order_under_concurrency", func(t *testing.T) { testOutboxOrder(t, open) })
	t.Run("sink_state", func(t *testing.T) { testSinkState(t, open) })
	t.Run("sink_state_concurrency", func(t *testing.T) { testSinkStateConcurrency(t, open) })
	t.Run("first_seen", func(t *testing.T) { testFirstSeen(t, open) })
	t.Run("verify_failures", func(t *testing.T) { testVerifyFailures(t, open) })
	t.Run("buyer_sessions", func(t *testing.T) { testBuyerSessions(t, open) })
	t.Run("chat_refs", func(t *testing.T) { testChatRefs(t, open) })
	t.Run("concurrency", func(t *testing.T) { testConcurrency(t, open) })
	t.Run("order_read_after_lock_wait", func(t *testing.T) { testOrderAfterLockWait(t, open) })
	t.Run("conversations", func(t *testing.T) { testConversations(t, open) })
	t.Run("conversation_conflicts", func(t *testing.T) { testConversationConflicts(t, open) })
	t.Run("conversation_queries", func(t *testing.T) { testConversationQueries(t, open) })
	t.Run("response_counts", func(t *testing.T) { testResponseCounts(t, open) })
	t.Run("conversation_outbox", func(t *testing.T) { testConversationOutbox(t, open) })
	t.Run("conversation_concurrency", func(t *testing.T) { testConversationConcurrency(t, open) })
	t.Run("mail", func(t *testing.T) { testMail(t, open) })
	t.Run("rate_buckets", func(t *testing.T) { testRateBuckets(t, open) })
	t.Run("review_requests", func(t *testing.T) { testReviewRequests(t, open) })
	t.Run("amazon_cancels", func(t *testing.T) { testAmazonCancels(t, open) })
	t.Run("direct_recipient", func(t *testing.T) { testDirectRecipient(t, open) })
	t.Run("late_responses", func(t *testing.T) { testLateResponses(t, open) })
	t.Run("view_one", func(t *testing.T) { testViewOne(t, open) })
	t.Run("draft_with_its_message", func(t *testing.T) { testDraftWithItsMessage(t, open) })
	t.Run("list_pages", func(t *testing.T) { testListPages(t, open) })
	t.Run("health_counters", func(t *testing.T) { testHealthCounters(t, open) })
	t.Run("response_counters", func(t *testing.T) { testResponseCounters(t, open) })
}

var (
	day = 24 * time.Hour
	// t0 has microseconds, the precision both databases keep.
	t0 = time.Date(2025, 3, 3, 9, 30, 15, 123456000, time.UTC)
)

func at(t time.Time) *time.Time { return &t }

// fullOrder sets every field, with the children in the order a store lists
// them (items as given, others by time, then id).
func fullOrder(id string) *core.Order {
	return &core.Order{
		ID:               id,
		Status:           core.Canceled,
		Fulfillment:      core.Merchant,
		SalesChannel:     "Amazon.com",
		PurchaseDate:     t0,
		PaymentsDate:     at(t0.Add(time.Hour)),
		ShipBy:           t0.Add(2 * day),
		ShipServiceLevel: "Standard",
		Currency:         "USD",
		Buyer:            core.Buyer{Name: "Jane Buyer", Email: "jane@marketplace.example", Phone: "+1 555 0100"},
		ShipTo: core.Address{Name: "Jane Buyer", Line1: "1 Main St", Line2: "Apt 2", Line3: "NULL", // a word, not a missing value
			City: "Springfield", State: "IL", PostalCode: "62701", Country: "US", Phone: "+1 555 0101"},
		Items: []core.Item{
			// Not in order-item-id order: the order given is the order kept.
			{OrderItemID: "11111111111111", SKU: "MUG-RED", Title: "Red mug", Quantity: 2, Shipped: 1, Price: 2598, Tax: 208, Shipping: 499, Discount: 250},
			{OrderItemID: "00000000000002", SKU: "MUG-BLUE", Title: `Blue mug — « ünïcödé » "14oz" {set}, C:\\mugs\`, Quantity: 1, Price: 1299, Tax: 104},
			// A line the marketplace cancelled: no units left, none paid.
			{OrderItemID: "22222222222222", SKU: "MUG-GREEN", Title: "Green mug", Canceled: 2},
		},
		Shipments: []core.Shipment{
			// Same ship date: the earlier created comes first, though its id sorts last.
			{ID: id + "-S2", Carrier: core.UPS, Tracking: "1Z999AA10123456784", ShipDate: t0.Add(day), Method: "Ground",
				Lines: []core.ShipmentLine{{OrderItemID: "11111111111111", SKU: "MUG-RED", Quantity: 1}},
				Late:  true, ValidTracking: true, CreatedAt: t0.Add(day + time.Minute), CreatedBy: "slack:U024BE7LH",
				Amazon: core.AmazonRefused, AmazonError: `Invalid "carrierCode" — « ünïcödé »`, AmazonAt: t0.Add(day + 3*time.Minute)},
			{ID: id + "-S1", Carrier: core.Other, CarrierName: "Local Post", Tracking: "LP-123", ShipDate: t0.Add(day),
				Lines:     []core.ShipmentLine{{OrderItemID: "00000000000002", SKU: "MUG-BLUE", Quantity: 1}, {OrderItemID: "11111111111111", SKU: "MUG-RED", Quantity: 1}},
				CreatedAt: t0.Add(day + 2*time.Minute)},
		},
		Returns: []core.Return{
			{ID: id + "-R2", OrderID: id, Status: core.ReturnReceived, Items: []core.ItemQty{{SKU: "MUG-RED", Quantity: 1}},
				Reason: "arrived broken", RequestedAt: t0.Add(5 * day), DecidedAt: at(t0.Add(5*day + time.Hour)),
				ReceivedAt: at(t0.Add(8 * day)), RefundBy: at(t0.Add(10 * day))},
			{ID: id + "-R1", OrderID: id, Status: core.ReturnRejected, Items: []core.ItemQty{{SKU: "MUG-BLUE", Quantity: 1}},
				Reason: "changed my mind", RejectReason: "outside the return window", RequestedAt: t0.Add(6 * day),
				DecidedAt: at(t0.Add(6*day + time.Minute))},
		},
		Refunds: []core.Refund{
			{ID: id + "-F1", OrderID: id, ReturnID: id + "-R2", Amount: 1500, Reason: "broken mug", CreatedAt: t0.Add(9 * day), CreatedBy: "discord:42", Role: core.Owner},
			{ID: id + "-F2", OrderID: id, Amount: 499, Reason: "shipping refund", CreatedAt: t0.Add(9*day + time.Second)},
		},
		CancelReason:  core.NoInventory,
		CanceledAt:    at(t0.Add(3 * day)),
		DeliveredAt:   at(t0.Add(4 * day)),
		ShipWarnedAt:  at(t0.Add(23 * day)),
		CancelRequest: &core.CancelRequest{Key: "9f2c01", Lines: []string{"22222222222222"}, Reason: `Bought twice — « sorry » "x"`, SeenAt: t0.Add(2 * day)},
		AmazonCancel: &core.AmazonCancel{State: core.AmazonCancelFailed, Reason: core.NoInventory,
			Lines:    []core.CancelLine{{OrderItemID: "00000000000002", SKU: "MUG-BLUE", Quantity: 1}},
			QueuedAt: t0.Add(3 * day), FeedDocumentID: "amzn1.tortuga.4.na.DOC", DocumentAt: t0.Add(3*day + time.Second),
			FeedID: "50001", SentAt: at(t0.Add(3*day + 2*time.Second)), DoneAt: at(t0.Add(3*day + time.Hour)), Error: "Order already shipped"},
		Review: &core.ReviewRequest{RequestedAt: t0.Add(10 * day), RequestedBy: "sellerdesk (auto_review)", State: core.ReviewRefused,
			Reason: `Amazon: "not eligible" — ünïcödé`, AnsweredAt: at(t0.Add(10*day + time.Second))},
		ReportUpdated: t0.Add(30 * time.Minute),
		CreatedAt:     t0.Add(time.Minute),
		UpdatedAt:     t0.Add(9 * day),
	}
}

// newOrder is an unshipped merchant order with two items.
func newOrder(id string, purchased time.Time) *core.Order {
	return &core.Order{
		ID: id, Status: core.Unshipped, Fulfillment: core.Merchant, PurchaseDate: purchased,
		ShipBy: purchased.Add(2 * day), Currency: "EUR", ReportUpdated: purchased, CreatedAt: purchased, UpdatedAt: purchased,
		Items: []core.Item{
			{OrderItemID: id + "-1", SKU: "SKU-A", Quantity: 1, Price: 1000},
			{OrderItemID: id + "-2", SKU: "SKU-B", Quantity: 3, Price: 3000, Tax: 300},
		},
	}
}

type env struct {
	t   *testing.T
	s   core.Store
	ctx context.Context
}

func newEnv(t *testing.T, open func(t *testing.T) core.Store) env {
	return env{t: t, s: open(t), ctx: context.Background()}
}

func (e env) update(fn func(core.Tx) error) error { return e.s.Update(e.ctx, fn) }

func (e env) view(fn func(core.Tx) error) {
	e.t.Helper()
	if err := e.s.View(e.ctx, fn); err != nil {
		e.t.Fatalf("View: %v", err)
	}
}

func (e env) save(orders ...*core.Order) {
	e.t.Helper()
	if err := e.update(func(tx core.Tx) error { return tx.SaveOrders(e.ctx, orders) }); err != nil {
		e.t.Fatalf("SaveOrders: %v", err)
	}
}

func (e env) order(id string) *core.Order {
	e.t.Helper()
	var o *core.Order
	e.view(func(tx core.Tx) (err error) {
		o, err = tx.Order(e.ctx, id)
		return err
	})
	return o
}

func (e env) mustEqual(what string, want, got any) {
	e.t.Helper()
	if d := diff(want, got); d != "" {
		e.t.Fatalf("%s differs (want / got):\n%s", what, d)
	}
}

func wantCode(t *testing.T, err error, code core.Code) {
	t.Helper()
	if got := core.ErrorCode(err); got != code {
		t.Fatalf("got error %v (code %q), want code %q", err, got, code)
	}
}

func testOrders(t *testing.T, open func(t *testing.T) core.Store) {
	t.Run("full_order_round_trips", func(t *testing.T) {
		e := newEnv(t, open)
		o := fullOrder("902-0000001-0000001")
		e.save(o)
		if o.Version != 1 {
			t.Fatalf("Version after insert = %d, want 1", o.Version)
		}
		e.mustEqual("order", o, e.order(o.ID))
	})

	t.Run("changed_order_round_trips", func(t *testing.T) {
		e := newEnv(t, open)
		e.save(newOrder("A", t0))
		var o *core.Order
		err := e.update(func(tx core.Tx) (err error) {
			if o, err = tx.Order(e.ctx, "A"); err != nil {
				return err
			}
			full := fullOrder("A")
			full.Version = o.Version
			full.Items = append(o.Items, full.Items...) // items are never deleted
			full.Items[0].Shipped = 1
			o = full
			return tx.SaveOrders(e.ctx, []*core.Order{o})
		})
		if err != nil {
			t.Fatal(err)
		}
		if o.Version != 2 {
			t.Fatalf("Version after update = %d, want 2", o.Version)
		}
		e.mustEqual("order", o, e.order("A"))
	})

	t.Run("two_saves_in_one_update", func(t *testing.T) {
		e := newEnv(t, open)
		e.save(newOrder("A", t0))
		var o *core.Order
		err := e.update(func(tx core.Tx) (err error) {
			if o, err = tx.Order(e.ctx, "A"); err != nil {
				return err
			}
			o.Items[0].Shipped = 1
			o.Status = core.PartiallyShipped
			if err := tx.SaveOrders(e.ctx, []*core.Order{o}); err != nil {
				return err
			}
			o.Items[1].Shipped = 3
			o.Items[0].Shipped = 0 // back to what was first read
			o.Status = core.Shipped
			o.Shipments = append(o.Shipments, core.Shipment{ID: "S", Carrier: core.DHL, Tracking: "1234567890", ShipDate: t0, CreatedAt: t0})
			return tx.SaveOrders(e.ctx, []*core.Order{o})
		})
		if err != nil {
			t.Fatal(err)
		}
		if o.Version != 3 {
			t.Fatalf("Version = %d, want 3", o.Version)
		}
		e.mustEqual("order", o, e.order("A"))
	})

	t.Run("times_come_back_utc_to_the_microsecond", func(t *testing.T) {
		e := newEnv(t, open)
		pst := time.FixedZone("PST", -8*3600)
		o := newOrder("A", time.Date(2024, 12, 31, 23, 59, 59, 999999999, pst))
		e.save(o)
		got := e.order("A").PurchaseDate
		want := time.Date(2025, 1, 1, 7, 59, 59, 999999000, time.UTC)
		if !got.Equal(want) || got.Location() != time.UTC {
			t.Fatalf("PurchaseDate = %v, want %v", got, want)
		}
	})

	t.Run("order_without_children_or_optional_times", func(t *testing.T) {
		e := newEnv(t, open)
		o := &core.Order{ID: "bare", Status: core.Pending, Fulfillment: core.Marketplace}
		e.save(o)
		e.mustEqual("order", o, e.order("bare"))
	})

	t.Run("missing_order_is_not_found", func(t *testing.T) {
		e := newEnv(t, open)
		e.save(newOrder("A", t0))
		e.view(func(tx core.Tx) error {
			_, err := tx.Order(e.ctx, "902-missing")
			wantCode(t, err, core.NotFound)
			if !strings.Contains(core.ErrorMessage(err), "902-missing") {
				t.Errorf("message %q does not name the order", core.ErrorMessage(err))
			}
			m, err := tx.OrdersByID(e.ctx, []string{"A", "902-missing"})
			if err != nil {
				return err
			}
			if len(m) != 1 || m["A"] == nil || len(m["A"].Items) != 2 {
				t.Errorf("OrdersByID = %v, want only A with its 2 items", m)
			}
			_, err = tx.ReturnOrderID(e.ctx, "R-NOPE")
			wantCode(t, err, core.NotFound)
			return nil
		})
	})

	t.Run("orders_by_id_loads_children", func(t *testing.T) {
		e := newEnv(t, open)
		a, b := fullOrder("A"), fullOrder("B")
		b.Items = b.Items[:1]
		e.save(a, b, newOrder("C", t0))
		var m map[string]*core.Order
		err := e.update(func(tx core.Tx) (err error) {
			m, err = tx.OrdersByID(e.ctx, []string{"B", "A", "Z", "A"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(m) != 2 {
			t.Fatalf("got %d orders, want A and B", len(m))
		}
		e.mustEqual("A", a, m["A"])
		e.mustEqual("B", b, m["B"])
	})

	t.Run("large_batch_round_trips", func(t *testing.T) {
		// More rows than one multi-row statement carries on PostgreSQL.
		e := newEnv(t, open)
		var orders []*core.Order
		var ids []string
		for i := range 1100 {
			o := newOrder(fmt.Sprintf("B-%04d", i), t0.Add(time.Duration(i)*time.Minute))
			orders = append(orders, o)
			ids = append(ids, o.ID)
		}
		e.save(orders...)
		err := e.update(func(tx core.Tx) error {
			m, err := tx.OrdersByID(e.ctx, ids)
			if err != nil {
				return err
			}
			if len(m) != len(ids) {
				return fmt.Errorf("OrdersByID found %d of %d", len(m), len(ids))
			}
			var changed []*core.Order
			for i, id := range ids {
				o := m[id]
				o.Status = core.Shipped
				o.Items[i%2].Shipped = o.Items[i%2].Quantity
				o.Shipments = []core.Shipment{{ID: "S-" + id, Carrier: core.USPS, Tracking: "9400100000000000000000", ShipDate: t0, CreatedAt: t0}}
				changed = append(changed, o)
			}
			if err := tx.SaveOrders(e.ctx, changed); err != nil {
				return err
			}
			orders = changed
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, i := range []int{0, 1, 1033, 1034, 1099} {
			if orders[i].Version != 2 {
				t.Fatalf("order %d Version = %d, want 2", i, orders[i].Version)
			}
			e.mustEqual(orders[i].ID, orders[i], e.order(orders[i].ID))
		}
	})
}

func testConflicts(t *testing.T, open func(t *testing.T) core.Store) {
	errBoom := errors.New("boom")
	cases := []struct {
		name string
		// run gets a store holding order "A" (version 1) and does the thing
		// that must be refused; want is the code Update must return.
		run  func(e env) error
		want core.Code
	}{
		{"stale_version_conflicts", func(e env) error {
			return e.update(func(tx core.Tx) error {
				o, err := tx.Order(e.ctx, "A")
				if err != nil {
					return err
				}
				o.Version = 7 // someone saved six times since this copy was read
				o.Status = core.Shipped
				return tx.SaveOrders(e.ctx, []*core.Order{o})
			})
		}, core.Conflict},
		{"duplicate_insert_conflicts", func(e env) error {
			dup := newOrder("A", t0.Add(time.Hour))
			dup.Status = core.Shipped
			err := e.update(func(tx core.Tx) error { return tx.SaveOrders(e.ctx, []*core.Order{dup}) })
			if !strings.Contains(core.ErrorMessage(err), "Order A ") {
				e.t.Errorf("message %q does not name the order", core.ErrorMessage(err))
			}
			return err
		}, core.Conflict},
		{"one_conflict_in_a_batch_saves_none", func(e env) error {
			stale := e.order("A")
			stale.Version = 9
			stale.Status = core.Shipped
			return e.update(func(tx core.Tx) error {
				return tx.SaveOrders(e.ctx, []*core.Order{newOrder("NEW", t0), stale, newOrder("NEW2", t0)})
			})
		}, core.Conflict},
		{"ignored_conflict_still_rolls_back", func(e env) error {
			stale := e.order("A")
			stale.Version = 9
			return e.update(func(tx core.Tx) error {
				_ = tx.SaveOrders(e.ctx, []*core.Order{newOrder("NEW", t0), stale})
				return nil
			})
		}, core.Conflict},
		{"failed_update_rolls_back_everything", func(e env) error {
			err := e.update(func(tx core.Tx) error {
				o, err := tx.Order(e.ctx, "A")
				if err != nil {
					return err
				}
				o.Status = core.Shipped
				o.Items[0].Shipped = 1
				o.Shipments = append(o.Shipments, core.Shipment{ID: "S", Carrier: core.UPS, Tracking: "1Z", ShipDate: t0, CreatedAt: t0})
				if err := tx.SaveOrders(e.ctx, []*core.Order{o, newOrder("NEW", t0)}); err != nil {
					return err
				}
				if err := tx.SaveStocks(e.ctx, []core.Stock{{SKU: "SKU-A", Available: 5}}); err != nil {
					return err
				}
				if err := tx.AddAudit(e.ctx, core.AuditEntry{At: t0, ActorID: "x", Command: "ship A", OrderID: "A"}); err != nil {
					return err
				}
				if err := tx.Enqueue(e.ctx, core.Event{Kind: core.EventLowStock, Text: "low", At: t0}); err != nil {
					return err
				}
				return errBoom
			})
			if err != errBoom {
				e.t.Errorf("Update returned %v, want fn's error unchanged", err)
			}
			return core.Errorf(core.Invalid, "refused by fn")
		}, core.Invalid},
		{"taken_shipment_id_conflicts", func(e env) error {
			other := newOrder("OTHER", t0)
			other.Shipments = []core.Shipment{{ID: "S-TAKEN", Carrier: core.UPS, Tracking: "1Z", ShipDate: t0, CreatedAt: t0}}
			e.save(other)
			o := newOrder("NEW", t0)
			o.Shipments = []core.Shipment{{ID: "S-TAKEN", Carrier: core.DHL, Tracking: "123", ShipDate: t0, CreatedAt: t0}}
			err := e.update(func(tx core.Tx) error { return tx.SaveOrders(e.ctx, []*core.Order{o}) })
			if got := e.order("OTHER"); got.Shipments[0].Carrier != core.UPS {
				e.t.Errorf("another order's shipment was overwritten: %+v", got.Shipments[0])
			}
			return err
		}, core.Conflict},
		{"item_without_id_invalid", func(e env) error {
			o := newOrder("NEW", t0)
			o.Items[1].OrderItemID = ""
			return e.update(func(tx core.Tx) error { return tx.SaveOrders(e.ctx, []*core.Order{o}) })
		}, core.Invalid},
		{"item_id_twice_invalid", func(e env) error {
			o := newOrder("NEW", t0)
			o.Items[1].OrderItemID = o.Items[0].OrderItemID
			return e.update(func(tx core.Tx) error { return tx.SaveOrders(e.ctx, []*core.Order{o}) })
		}, core.Invalid},
		{"order_twice_in_one_save_invalid", func(e env) error {
			return e.update(func(tx core.Tx) error {
				return tx.SaveOrders(e.ctx, []*core.Order{newOrder("NEW", t0), newOrder("NEW", t0)})
			})
		}, core.Invalid},
		{"write_in_view_refused", func(e env) error {
			return e.s.View(e.ctx, func(tx core.Tx) error {
				return tx.SaveOrders(e.ctx, []*core.Order{newOrder("NEW", t0)})
			})
		}, core.Internal},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, open)
			e.save(newOrder("A", t0))
			before := e.order("A")
			err := c.run(e)
			wantCode(t, err, c.want)
			if c.want == core.Conflict && strings.Contains(c.name, "version") && !strings.Contains(core.ErrorMessage(err), "Order A ") {
				t.Errorf("conflict message %q does not name the order", core.ErrorMessage(err))
			}
			// Nothing changed.
			e.mustEqual("order A", before, e.order("A"))
			e.view(func(tx core.Tx) error {
				m, err := tx.OrdersByID(e.ctx, []string{"NEW", "NEW2"})
				if err == nil && len(m) != 0 {
					t.Errorf("refused save left orders behind: %v", slices.Collect(maps.Keys(m)))
				}
				st, err := tx.Stocks(e.ctx, nil)
				if err == nil && len(st) != 0 {
					t.Errorf("refused update left stock behind: %v", st)
				}
				au, err := tx.Audit(e.ctx, core.AuditQuery{})
				if err == nil && len(au) != 0 {
					t.Errorf("refused update left audit entries behind: %v", au)
				}
				ob, err := tx.Outbox(e.ctx, 0, 0)
				if err == nil && len(ob) != 0 {
					t.Errorf("refused update left outbox messages behind: %v", ob)
				}
				return err
			})
		})
	}
}

func testQueries(t *testing.T, open func(t *testing.T) core.Store) {
	e := newEnv(t, open)
	mk := func(id string, st core.Status, f core.Fulfillment, purchased, shipBy time.Duration) *core.Order {
		o := newOrder(id, t0.Add(purchased))
		o.Status, o.Fulfillment, o.ShipBy = st, f, t0.Add(shipBy)
		return o
	}
	// Purchased one hour apart: P1 oldest … P8 newest.
	e.save(
		mk("P1", core.Unshipped, core.Merchant, 1*time.Hour, 10*time.Hour),
		mk("P2", core.Unshipped, core.Merchant, 2*time.Hour, 5*time.Hour),
		mk("P3", core.PartiallyShipped, core.Merchant, 3*time.Hour, 20*time.Hour),
		mk("P4", core.Pending, core.Merchant, 4*time.Hour, 30*time.Hour),
		mk("P5", core.Shipped, core.Merchant, 5*time.Hour, 8*time.Hour),
		mk("P6", core.Unshipped, core.Marketplace, 6*time.Hour, 15*time.Hour),
		mk("P7", core.Canceled, core.Merchant, 7*time.Hour, 25*time.Hour),
		mk("P8", core.Unshipped, core.Merchant, 8*time.Hour, 40*time.Hour),
	)
	// P5 has a return requested, P3 one refunded.
	e.update(func(tx core.Tx) error {
		got, err := tx.OrdersByID(e.ctx, []string{"P3", "P5"})
		if err != nil {
			return err
		}
		for id, st := range map[string]core.ReturnStatus{"P3": core.ReturnRefunded, "P5": core.ReturnRequested} {
			got[id].Returns = []core.Return{{ID: "R-" + id, Status: st, Items: []core.ItemQty{{SKU: "SKU-A", Quantity: 1}}, RequestedAt: t0}}
		}
		return tx.SaveOrders(e.ctx, []*core.Order{got["P3"], got["P5"]})
	})
	cases := []struct {
		name string
		q    core.OrderQuery
		want []string
	}{
		{"all_newest_first", core.OrderQuery{}, []string{"P8", "P7", "P6", "P5", "P4", "P3", "P2", "P1"}},
		{"by_statuses", core.OrderQuery{Statuses: []core.Status{core.Unshipped, core.PartiallyShipped}}, []string{"P8", "P6", "P3", "P2", "P1"}},
		{"by_one_status", core.OrderQuery{Statuses: []core.Status{core.Canceled}}, []string{"P7"}},
		{"by_fulfillment", core.OrderQuery{Fulfillment: core.Marketplace}, []string{"P6"}},
		{"ship_by_before", core.OrderQuery{ShipByBefore: t0.Add(10 * time.Hour)}, []string{"P5", "P2"}},
		{"ship_by_after_inclusive", core.OrderQuery{ShipByAfter: t0.Add(25 * time.Hour)}, []string{"P8", "P7", "P4"}},
		{"ship_by_range", core.OrderQuery{ShipByAfter: t0.Add(10 * time.Hour), ShipByBefore: t0.Add(20 * time.Hour)}, []string{"P6", "P1"}},
		{"purchased_before", core.OrderQuery{PurchasedBefore: t0.Add(3 * time.Hour)}, []string{"P2", "P1"}},
		{"purchased_after_inclusive", core.OrderQuery{PurchasedAfter: t0.Add(7 * time.Hour)}, []string{"P8", "P7"}},
		{"no_return_in", core.OrderQuery{NoReturnIn: []core.ReturnStatus{core.ReturnRequested, core.ReturnApproved}, PurchasedAfter: t0.Add(3 * time.Hour)},
			[]string{"P8", "P7", "P6", "P4", "P3"}},
		{"undelivered", core.OrderQuery{Undelivered: true, Statuses: []core.Status{core.Shipped}}, []string{"P5"}},
		{"sorted_by_ship_by", core.OrderQuery{Sort: core.ShipByFirst, Statuses: []core.Status{core.Unshipped}}, []string{"P2", "P1", "P6", "P8"}},
		{"limit", core.OrderQuery{Limit: 3}, []string{"P8", "P7", "P6"}},
		{"seek_after_a_key", core.OrderQuery{Limit: 2, Seek: &core.OrderKey{At: t0.Add(7 * time.Hour), ID: "P7"}}, []string{"P6", "P5"}},
		{"seek_before_a_key_nearest_first", core.OrderQuery{Limit: 2, Seek: &core.OrderKey{At: t0.Add(5 * time.Hour), ID: "P5"}, Backward: true}, []string{"P6", "P7"}},
		{"seek_without_limit", core.OrderQuery{Seek: &core.OrderKey{At: t0.Add(3 * time.Hour), ID: "P3"}}, []string{"P2", "P1"}},
		{"seek_tie_broken_by_id", core.OrderQuery{Seek: &core.OrderKey{At: t0.Add(3 * time.Hour), ID: "P4"}}, []string{"P3", "P2", "P1"}},
		{"seek_by_ship_by_over_two_statuses", core.OrderQuery{Statuses: []core.Status{core.Unshipped, core.PartiallyShipped}, Sort: core.ShipByFirst,
			Limit: 2, Seek: &core.OrderKey{At: t0.Add(10 * time.Hour), ID: "P1"}}, []string{"P6", "P3"}},
		{"seek_back_by_ship_by_over_two_statuses", core.OrderQuery{Statuses: []core.Status{core.Unshipped, core.PartiallyShipped}, Sort: core.ShipByFirst,
			Limit: 3, Seek: &core.OrderKey{At: t0.Add(40 * time.Hour), ID: "P8"}, Backward: true}, []string{"P3", "P6", "P1"}},
		{"everything_at_once", core.OrderQuery{Statuses: []core.Status{core.Unshipped}, Fulfillment: core.Merchant,
			ShipByAfter: t0.Add(5 * time.Hour), ShipByBefore: t0.Add(41 * time.Hour), PurchasedBefore: t0.Add(8 * time.Hour),
			Sort: core.ShipByFirst, Limit: 5, Seek: &core.OrderKey{At: t0.Add(5 * time.Hour), ID: "P2"}}, []string{"P1"}},
		{"nothing_matches", core.OrderQuery{Statuses: []core.Status{core.Delivered}}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e.view(func(tx core.Tx) error {
				got, err := tx.Orders(e.ctx, c.q)
				if err != nil {
					return err
				}
				var ids []string
				for _, o := range got {
					ids = append(ids, o.ID)
					if len(o.Items) != 2 {
						t.Errorf("%s came with %d items, want 2", o.ID, len(o.Items))
					}
				}
				if !slices.Equal(ids, c.want) {
					t.Errorf("got %v, want %v", ids, c.want)
				}
				return nil
			})
		})
	}
	t.Run("unknown_sort_invalid", func(t *testing.T) {
		e.view(func(tx core.Tx) error {
			_, err := tx.Orders(e.ctx, core.OrderQuery{Sort: "price"})
			wantCode(t, err, core.Invalid)
			return nil
		})
	})
}

func testHealth(t *testing.T, open func(t *testing.T) core.Store) {
	e := newEnv(t, open)
	since := t0.Add(10 * day)
	ship := func(o *core.Order, id string, date time.Time, late, valid bool) {
		o.Shipments = append(o.Shipments, core.Shipment{ID: id, Carrier: core.UPS, Tracking: "1Z" + id, ShipDate: date, Late: late, ValidTracking: valid, CreatedAt: date})
	}
	cancel := func(o *core.Order, r core.CancelReason) { o.Status, o.CancelReason = core.Canceled, r }

	old := newOrder("OLD", t0) // purchased and shipped before every window
	ship(old, "S-OLD", t0.Add(day), true, false)
	a := newOrder("A", since.Add(time.Hour)) // two shipments in the window, one late
	ship(a, "S-A1", since.Add(day), false, true)
	ship(a, "S-A2", since.Add(2*day), true, true)
	b := newOrder("B", since.Add(2*time.Hour)) // on time, tracking not valid
	ship(b, "S-B", since.Add(day), false, false)
	c := newOrder("C", since.Add(3*time.Hour))
	cancel(c, core.NoInventory)
	d := newOrder("D", since.Add(4*time.Hour))
	cancel(d, core.BuyerCanceled)
	f := newOrder("F", since.Add(5*time.Hour))
	cancel(f, core.NoInventory)
	g := newOrder("G", since.Add(6*time.Hour)) // cancelled without a reason: an order, under no reason
	g.Status = core.Canceled
	oldCancel := newOrder("OLDC", t0)
	cancel(oldCancel, core.PricingError)
	fba := newOrder("FBA", since.Add(time.Hour)) // the marketplace's: never counted
	fba.Fulfillment = core.Marketplace
	ship(fba, "S-FBA", since.Add(day), true, false)
	fba2 := newOrder("FBA2", since.Add(time.Hour))
	fba2.Fulfillment = core.Marketplace
	cancel(fba2, core.NoInventory)
	e.save(old, a, b, c, d, f, g, oldCancel, fba, fba2)

	cases := []struct {
		name string
		w    core.HealthWindows
		want core.HealthCounts
	}{
		{"windows_from_since", core.HealthWindows{LateSince: since, CancelSince: since, TrackingSince: since},
			core.HealthCounts{ShippedOrders: 2, LateOrders: 1, Orders: 6, Canceled: map[core.CancelReason]int{core.NoInventory: 2, core.BuyerCanceled: 1},
				Shipments: 3, ValidTracking: 2}},
		{"everything", core.HealthWindows{},
			core.HealthCounts{ShippedOrders: 3, LateOrders: 2, Orders: 8, Canceled: map[core.CancelReason]int{core.NoInventory: 2, core.BuyerCanceled: 1, core.PricingError: 1},
				Shipments: 4, ValidTracking: 2}},
		{"windows_differ", core.HealthWindows{LateSince: since.Add(day + time.Hour), CancelSince: since.Add(4 * time.Hour), TrackingSince: t0},
			core.HealthCounts{ShippedOrders: 1, LateOrders: 1, Orders: 3, Canceled: map[core.CancelReason]int{core.NoInventory: 1, core.BuyerCanceled: 1},
				Shipments: 4, ValidTracking: 2}},
		{"nothing_yet", core.HealthWindows{LateSince: t0.Add(100 * day), CancelSince: t0.Add(100 * day), TrackingSince: t0.Add(100 * day)},
			core.HealthCounts{Canceled: map[core.CancelReason]int{}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e.view(func(tx core.Tx) error {
				got, err := tx.HealthCounts(e.ctx, c.w)
				if err != nil {
					return err
				}
				if !reflect.DeepEqual(got, c.want) {
					t.Errorf("got %+v\nwant %+v", got, c.want)
				}
				return nil
			})
		})
	}
}

func testStock(t *testing.T, open func(t *testing.T) core.Store) {
	e := newEnv(t, open)
	save := func(s ...core.Stock) {
		t.Helper()
		if err := e.update(func(tx core.Tx) error { return tx.SaveStocks(e.ctx, s) }); err != nil {
			t.Fatal(err)
		}
	}
	save(core.Stock{SKU: "A", Available: 10, Reserved: 2, Threshold: 5},
		core.Stock{SKU: "B", Available: 3, Threshold: 5},
		core.Stock{SKU: "C", Available: -2, Reserved: 4, Threshold: 1})
	save(core.Stock{SKU: "A", Available: 4, Reserved: 1, Threshold: 5}) // replaces A

	t.Run("all_tracked", func(t *testing.T) {
		e.view(func(tx core.Tx) error {
			got, err := tx.Stocks(e.ctx, nil)
			want := map[string]core.Stock{
				"A": {SKU: "A", Available: 4, Reserved: 1, Threshold: 5},
				"B": {SKU: "B", Available: 3, Threshold: 5},
				"C": {SKU: "C", Available: -2, Reserved: 4, Threshold: 1},
			}
			if err == nil && !reflect.DeepEqual(got, want) {
				t.Errorf("got %v, want %v", got, want)
			}
			return err
		})
	})
	t.Run("some_untracked_absent", func(t *testing.T) {
		e.view(func(tx core.Tx) error {
			got, err := tx.Stocks(e.ctx, []string{"B", "NOPE"})
			if err == nil && (len(got) != 1 || got["B"].Available != 3) {
				t.Errorf("got %v, want only B", got)
			}
			return err
		})
	})
	t.Run("low_stock_by_sku", func(t *testing.T) {
		e.view(func(tx core.Tx) error {
			got, err := tx.LowStock(e.ctx)
			var skus []string
			for _, s := range got {
				skus = append(skus, s.SKU)
			}
			if err == nil && !slices.Equal(skus, []string{"A", "B", "C"}) {
				t.Errorf("got %v, want A B C", skus)
			}
			return err
		})
		save(core.Stock{SKU: "A", Available: 5, Threshold: 5})
		e.view(func(tx core.Tx) error {
			got, err := tx.LowStock(e.ctx)
			if err == nil && (len(got) != 2 || got[0].SKU != "B") {
				t.Errorf("at threshold is not low: got %v", got)
			}
			return err
		})
	})
	t.Run("sku_required", func(t *testing.T) {
		err := e.update(func(tx core.Tx) error { return tx.SaveStocks(e.ctx, []core.Stock{{Available: 1}}) })
		wantCode(t, err, core.Invalid)
	})
}

func testReturns(t *testing.T, open func(t *testing.T) core.Store) {
	e := newEnv(t, open)
	ret := func(id, order string, st core.ReturnStatus, requested time.Duration) core.Return {
		return core.Return{ID: id, OrderID: order, Status: st, Items: []core.ItemQty{{SKU: "SKU-A", Quantity: 1}}, Reason: "r " + id, RequestedAt: t0.Add(requested)}
	}
	a, b := newOrder("A", t0), newOrder("B", t0)
	a.Returns = []core.Return{ret("R-1", "A", core.ReturnRequested, 1*time.Hour), ret("R-3", "A", core.ReturnApproved, 3*time.Hour)}
	b.Returns = []core.Return{ret("R-2", "B", core.ReturnRequested, 2*time.Hour), ret("R-4", "B", core.ReturnRefunded, 4*time.Hour)}
	e.save(a, b)
	cases := []struct {
		name string
		q    core.ReturnQuery
		want []string
	}{
		{"all_newest_first", core.ReturnQuery{}, []string{"R-4", "R-3", "R-2", "R-1"}},
		{"by_status", core.ReturnQuery{Statuses: []core.ReturnStatus{core.ReturnRequested}}, []string{"R-2", "R-1"}},
		{"by_statuses", core.ReturnQuery{Statuses: []core.ReturnStatus{core.ReturnApproved, core.ReturnRefunded}}, []string{"R-4", "R-3"}},
		{"by_order", core.ReturnQuery{OrderID: "B"}, []string{"R-4", "R-2"}},
		{"limit", core.ReturnQuery{Limit: 1, Statuses: []core.ReturnStatus{core.ReturnRequested}}, []string{"R-2"}},
		{"none", core.ReturnQuery{Statuses: []core.ReturnStatus{core.ReturnReceived}}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e.view(func(tx core.Tx) error {
				got, err := tx.Returns(e.ctx, c.q)
				var ids []string
				for _, r := range got {
					ids = append(ids, r.ID)
				}
				if err == nil && !slices.Equal(ids, c.want) {
					t.Errorf("got %v, want %v", ids, c.want)
				}
				return err
			})
		})
	}
	t.Run("return_comes_back_whole", func(t *testing.T) {
		e.view(func(tx core.Tx) error {
			got, err := tx.Returns(e.ctx, core.ReturnQuery{OrderID: "A", Statuses: []core.ReturnStatus{core.ReturnApproved}})
			if err == nil {
				e.mustEqual("return", []core.Return{a.Returns[1]}, got)
			}
			return err
		})
	})
	t.Run("return_order_id", func(t *testing.T) {
		e.view(func(tx core.Tx) error {
			id, err := tx.ReturnOrderID(e.ctx, "R-4")
			if err == nil && id != "B" {
				t.Errorf("R-4 belongs to %q, want B", id)
			}
			_, nf := tx.ReturnOrderID(e.ctx, "R-404")
			wantCode(t, nf, core.NotFound)
			if !strings.Contains(core.ErrorMessage(nf), "R-404") {
				t.Errorf("message %q does not name the return", core.ErrorMessage(nf))
			}
			return err
		})
	})
}

func testShipments(t *testing.T, open func(t *testing.T) core.Store) {
	e := newEnv(t, open)
	a, b := newOrder("A", t0), newOrder("B", t0)
	lines := []core.ShipmentLine{{OrderItemID: "A-1", SKU: "SKU-A", Quantity: 1}}
	sh := func(id string, d time.Duration) core.Shipment {
		return core.Shipment{ID: id, Carrier: core.FedEx, Tracking: "T" + id, ShipDate: t0.Add(d), Lines: lines, ValidTracking: true, CreatedAt: t0.Add(d)}
	}
	a.Shipments = []core.Shipment{sh("S-1", day), sh("S-3", 3*day)}
	a.Shipments[0].Amazon = core.AmazonWaiting
	b.Shipments = []core.Shipment{sh("S-2", 2*day), sh("S-4", 4*day)}
	a.SalesChannel, b.SalesChannel = "Amazon.com", "Amazon.co.jp" // the upload template follows it
	e.save(a, b)
	cases := []struct {
		name         string
		since, until time.Time
		want         []string
	}{
		{"range_oldest_first", t0.Add(day), t0.Add(4 * day), []string{"S-1", "S-2", "S-3"}},
		{"until_exclusive", t0, t0.Add(2 * day), []string{"S-1"}},
		{"zero_until_is_open", t0.Add(3 * day), time.Time{}, []string{"S-3", "S-4"}},
		{"empty_range", t0.Add(5 * day), t0.Add(6 * day), nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e.view(func(tx core.Tx) error {
				got, err := tx.Shipments(e.ctx, core.ShipmentQuery{Since: c.since, Until: c.until})
				var ids []string
				for _, s := range got {
					ids = append(ids, s.Shipment.ID)
					if wantOrder := map[string]string{"S-1": "A", "S-3": "A", "S-2": "B", "S-4": "B"}[s.Shipment.ID]; s.OrderID != wantOrder {
						t.Errorf("%s belongs to %s, want %s", s.Shipment.ID, s.OrderID, wantOrder)
					}
					if want := map[string]string{"A": "Amazon.com", "B": "Amazon.co.jp"}[s.OrderID]; s.SalesChannel != want {
						t.Errorf("%s: sales channel %q, want %q", s.Shipment.ID, s.SalesChannel, want)
					}
				}
				if err == nil && !slices.Equal(ids, c.want) {
					t.Errorf("got %v, want %v", ids, c.want)
				}
				if err == nil && len(got) > 0 && c.name == "range_oldest_first" {
					e.mustEqual("shipment", a.Shipments[0], got[0].Shipment)
				}
				return err
			})
		})
	}
	// The amazon sink records Amazon's answer on a shipment: only that
	// changes, and it reads back as written (and back to none).
	t.Run("amazon_state_updates", func(t *testing.T) {
		for _, step := range []core.Shipment{
			{Amazon: core.AmazonConfirmed, AmazonAt: t0.Add(5 * day)},
			{Amazon: core.AmazonRefused, AmazonError: "The tracking number is already used.", AmazonAt: t0.Add(6 * day)},
			{Amazon: core.AmazonWaiting},
		} {
			var want core.Shipment
			err := e.update(func(tx core.Tx) error {
				o, err := tx.Order(e.ctx, "A")
				if err != nil {
					return err
				}
				s := &o.Shipments[0]
				s.Amazon, s.AmazonError, s.AmazonAt = step.Amazon, step.AmazonError, step.AmazonAt
				want = *s
				return tx.SaveOrders(e.ctx, []*core.Order{o})
			})
			if err != nil {
				t.Fatal(err)
			}
			got := e.order("A")
			e.mustEqual("shipment after "+string(step.Amazon), want, got.Shipments[0])
			e.mustEqual("the other shipment", a.Shipments[1], got.Shipments[1])
		}
	})
}

func testAudit(t *testing.T, open func(t *testing.T) core.Store) {
	e := newEnv(t, open)
	entry := func(i int, order string) core.AuditEntry {
		return core.AuditEntry{At: t0.Add(time.Duration(i) * time.Minute), ActorID: "slack:U1", Actor: "Ann", Role: core.Agent,
			Source: "slack", Command: fmt.Sprintf("cmd %d", i), OrderID: order, Detail: "detail"}
	}
	all := []core.AuditEntry{entry(1, "A"), entry(2, "B"), entry(3, ""), entry(4, "A")}
	for _, a := range all {
		if err := e.update(func(tx core.Tx) error { return tx.AddAudit(e.ctx, a) }); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name string
		q    core.AuditQuery
		want []string // commands
	}{
		{"all_newest_first", core.AuditQuery{}, []string{"cmd 4", "cmd 3", "cmd 2", "cmd 1"}},
		{"by_order", core.AuditQuery{OrderID: "A"}, []string{"cmd 4", "cmd 1"}},
		{"limit", core.AuditQuery{Limit: 2}, []string{"cmd 4", "cmd 3"}},
		{"by_order_limit", core.AuditQuery{OrderID: "A", Limit: 1}, []string{"cmd 4"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e.view(func(tx core.Tx) error {
				got, err := tx.Audit(e.ctx, c.q)
				var cmds []string
				for _, a := range got {
					cmds = append(cmds, a.Command)
				}
				if err == nil && !slices.Equal(cmds, c.want) {
					t.Errorf("got %v, want %v", cmds, c.want)
				}
				return err
			})
		})
	}
	t.Run("entry_comes_back_whole", func(t *testing.T) {
		e.view(func(tx core.Tx) error {
			got, err := tx.Audit(e.ctx, core.AuditQuery{OrderID: "B"})
			if err != nil {
				return err
			}
			if len(got) != 1 || got[0].ID == 0 {
				t.Fatalf("got %v, want one entry with an id", got)
			}
			want := all[1]
			want.ID = got[0].ID
			e.mustEqual("entry", want, got[0])
			return nil
		})
	})
}

// testConcurrency has two agents ship the same order at the same moment:
// exactly one may win, the other must get Conflict, never an error of
// another kind (SQLITE_BUSY, a deadlock) and never a second shipment.
func testConcurrency(t *testing.T, open func(t *testing.T) core.Store) {
	const rounds = 20
	ship := func(e env, tx core.Tx, o *core.Order, who int) error {
		if o.Status != core.Unshipped {
			return core.Errorf(core.Conflict, "Order %s is already %s", o.ID, o.Status)
		}
		for i := range o.Items {
			o.Items[i].Shipped = o.Items[i].Quantity
		}
		o.Status = core.Shipped
		o.Shipments = append(o.Shipments, core.Shipment{ID: fmt.Sprintf("S-%s-%d", o.ID, who), Carrier: core.UPS,
			Tracking: "1Z999AA10123456784", ShipDate: t0, CreatedAt: t0, CreatedBy: fmt.Sprint(who)})
		if err := tx.SaveOrders(e.ctx, []*core.Order{o}); err != nil {
			return err
		}
		return tx.AddAudit(e.ctx, core.AuditEntry{At: t0, ActorID: fmt.Sprint(who), Command: "ship", OrderID: o.ID})
	}
	cases := []struct {
		name string
		// race runs one agent's attempt; start is closed when both may go.
		race func(e env, id string, who int, start <-chan struct{}) error
	}{
		{"read_and_ship_in_one_update", func(e env, id string, who int, start <-chan struct{}) error {
			<-start
			return e.update(func(tx core.Tx) error {
				o, err := tx.Order(e.ctx, id)
				if err != nil {
					return err
				}
				return ship(e, tx, o, who)
			})
		}},
		{"read_first_then_save", func(e env, id string, who int, start <-chan struct{}) error {
			// Both read the same version before either saves: the version
			// check must refuse the second save.
			var o *core.Order
			err := e.s.View(e.ctx, func(tx core.Tx) (err error) {
				o, err = tx.Order(e.ctx, id)
				return err
			})
			if err != nil {
				return err
			}
			<-start
			return e.update(func(tx core.Tx) error { return ship(e, tx, o, who) })
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, open)
			for r := range rounds {
				id := fmt.Sprintf("RACE-%02d", r)
				e.save(newOrder(id, t0))
				start := make(chan struct{})
				var ready, wg sync.WaitGroup
				errs := make([]error, 2)
				for who := range 2 {
					wg.Add(1)
					ready.Add(1)
					go func() {
						defer wg.Done()
						ready.Done()
						errs[who] = c.race(e, id, who, start)
					}()
				}
				ready.Wait()
				close(start)
				wg.Wait()
				wins, conflicts := 0, 0
				for _, err := range errs {
					switch core.ErrorCode(err) {
					case "":
						wins++
					case core.Conflict:
						conflicts++
					default:
						t.Fatalf("round %d: unexpected error %v", r, err)
					}
				}
				if wins != 1 || conflicts != 1 {
					t.Fatalf("round %d: %d won and %d got Conflict (%v), want one each", r, wins, conflicts, errs)
				}
				o := e.order(id)
				if o.Status != core.Shipped || len(o.Shipments) != 1 || o.Version != 2 {
					t.Fatalf("round %d: order is %s with %d shipments, version %d; want shipped once, version 2", r, o.Status, len(o.Shipments), o.Version)
				}
				var audit []core.AuditEntry
				e.view(func(tx core.Tx) (err error) {
					audit, err = tx.Audit(e.ctx, core.AuditQuery{OrderID: id})
					return err
				})
				if len(audit) != 1 || audit[0].ActorID != o.Shipments[0].CreatedBy {
					t.Fatalf("round %d: audit %v does not record the one winner", r, audit)
				}
			}
		})
	}
}

// diff describes how got differs from want, or returns "". Times compare
// with Equal but must be in UTC; nil and empty slices are the same.
func diff(want, got any) string {
	var out []string
	walk("", reflect.ValueOf(want), reflect.ValueOf(got), &out)
	return strings.Join(out, "\n")
}

var timeType = reflect.TypeOf(time.Time{})

func walk(path string, a, b reflect.Value, out *[]string) {
	if len(*out) >= 20 {
		return
	}
	report := func(x, y any) { *out = append(*out, fmt.Sprintf("  %s: %v / %v", path, x, y)) }
	if a.Type() == timeType {
		ta, tb := a.Interface().(time.Time), b.Interface().(time.Time)
		if !ta.Equal(tb) || tb.Location() != time.UTC {
			report(ta, tb)
		}
		return
	}
	switch a.Kind() {
	case reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			if a.IsNil() != b.IsNil() {
				report(a.Interface(), b.Interface())
			}
			return
		}
		walk(path, a.Elem(), b.Elem(), out)
	case reflect.Struct:
		for i := range a.NumField() {
			walk(path+"."+a.Type().Field(i).Name, a.Field(i), b.Field(i), out)
		}
	case reflect.Slice:
		if a.Len() != b.Len() {
			report(fmt.Sprintf("%d elements %v", a.Len(), a.Interface()), fmt.Sprintf("%d elements %v", b.Len(), b.Interface()))
			return
		}
		for i := range a.Len() {
			walk(fmt.Sprintf("%s[%d]", path, i), a.Index(i), b.Index(i), out)
		}
	default:
		if !reflect.DeepEqual(a.Interface(), b.Interface()) {
			report(a.Interface(), b.Interface())
		}
	}
}

// testOrderAfterLockWait: an Update that waits for another to release an
// order reads that order as the other committed it, children included
// (PostgreSQL's FOR UPDATE returns the new row; the children must not come
// from the older snapshot the statement started with).
func testOrderAfterLockWait(t *testing.T, open func(t *testing.T) core.Store) {
	e := newEnv(t, open)
	e.save(newOrder("W-1", t0))
	locked := make(chan struct{})
	release := make(chan struct{})
	first := make(chan error, 1)
	go func() {
		first <- e.update(func(tx core.Tx) error {
			o, err := tx.Order(e.ctx, "W-1")
			if err != nil {
				close(locked)
				return err
			}
			close(locked)
			<-release
			o.Items[0].Shipped = 1
			o.Shipments = append(o.Shipments, core.Shipment{ID: "W-1-S1", Carrier: core.UPS, Tracking: "1Z999AA10123456784",
				ShipDate: t0, Lines: []core.ShipmentLine{{OrderItemID: "W-1-1", SKU: "SKU-A", Quantity: 1}}, CreatedAt: t0})
			return tx.SaveOrders(e.ctx, []*core.Order{o})
		})
	}()
	<-locked
	type read struct {
		o   *core.Order
		err error
	}
	second := make(chan read, 1)
	go func() {
		var r read
		r.err = e.update(func(tx core.Tx) error {
			var err error
			r.o, err = tx.Order(e.ctx, "W-1")
			return err
		})
		second <- r
	}()
	time.Sleep(200 * time.Millisecond) // let the second Update wait for the lock
	close(release)
	if err := <-first; err != nil {
		t.Fatalf("first Update: %v", err)
	}
	r := <-second
	if r.err != nil {
		if core.ErrorCode(r.err) == core.Conflict {
			return // a store may refuse instead; it must not read half of each
		}
		t.Fatalf("second Update: %v", r.err)
	}
	want := e.order("W-1")
	e.mustEqual("order read after waiting for its lock", want, r.o)
	if len(r.o.Shipments) != 1 || r.o.Items[0].Shipped != 1 {
		t.Fatalf("read the order without the committed shipment: %+v", r.o)
	}
}
