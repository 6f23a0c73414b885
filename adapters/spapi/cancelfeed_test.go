package spapi_test

import (
	"context"
	"encoding/xml"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/adapters/spapi"
	"github.com/sellerdesk/sellerdesk/adapters/spapi/spapitest"
	"github.com/sellerdesk/sellerdesk/core"
)

var staff = core.Actor{ID: "slack:U1", Name: "ana", Role: core.Owner, Source: "slack"}

// cancelEnv is a fake SP-API with one order, a client on store and an
// engine with the Amazon connection on, and the cancel feed the amazon
// sink would hold.
type cancelEnv struct {
	*syncEnv
	feed *spapi.CancelFeed
	id   string
}

func newCancelEnv(t *testing.T, store core.Store) *cancelEnv {
	t.Helper()
	e := &syncEnv{store: store, engine: core.NewEngine(store, core.Options{AmazonConnected: true})}
	e.harness = newHarness(t, func(c *spapi.Config) { c.Engine = e.engine })
	e.orders = []spapi.Order{order(1, time.Now().UTC().Add(-time.Hour).Truncate(time.Second))}
	e.fake.AddOrders(e.orders...)
	ce := &cancelEnv{syncEnv: e, feed: &spapi.CancelFeed{Client: e.client, MarketplaceIDs: []string{"ATVPDKIKX0DER", "A2EUQ1WTGCTBG2"}}, id: e.orders[0].OrderID}
	for _, line := range []string{"stock MUG-RED set 10", "stock TEA-1 set 10"} {
		ce.run(line)
	}
	if err := e.engine.StartSink(context.Background(), "amazon"); err != nil {
		t.Fatal(err)
	}
	ce.syncOnce()
	return ce
}

func (e *cancelEnv) run(line string) *core.Result {
	e.t.Helper()
	res, err := e.engine.RunLine(context.Background(), staff, line, false)
	if err != nil {
		e.t.Fatalf("%s: %v", line, err)
	}
	return res
}

func (e *cancelEnv) syncOnce() spapi.SyncStats {
	e.t.Helper()
	s, err := e.client.Sync(context.Background(), spapi.SyncOptions{Since: time.Now().AddDate(0, 0, -1)})
	if err != nil {
		e.t.Fatal(err)
	}
	return s
}

// change makes Amazon update the order a minute later than it last did.
func (e *cancelEnv) change(edit func(*spapi.Order)) {
	o := e.orders[0]
	t, _ := time.Parse(time.RFC3339, o.LastUpdatedTime)
	o.LastUpdatedTime = t.Add(time.Minute).Format(time.RFC3339)
	o.OrderItems = slices.Clone(o.OrderItems)
	edit(&o)
	e.orders[0] = o
	e.fake.ChangeOrder(o)
}

func (e *cancelEnv) order() *core.Order {
	e.t.Helper()
	return e.stored()[e.id]
}

func (e *cancelEnv) outbox(kind core.EventKind) []core.Event {
	e.t.Helper()
	var out []core.Event
	err := e.store.View(context.Background(), func(tx core.Tx) error {
		all, err := tx.Outbox(context.Background(), 0, 0)
		for _, ev := range all {
			if ev.Kind == kind {
				out = append(out, ev)
			}
		}
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return out
}

func (e *cancelEnv) audit() []core.AuditEntry {
	e.t.Helper()
	var out []core.AuditEntry
	err := e.store.View(context.Background(), func(tx core.Tx) (err error) {
		out, err = tx.Audit(context.Background(), core.AuditQuery{OrderID: e.id})
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return out
}

func (e *cancelEnv) stock(sku string) core.Stock {
	e.t.Helper()
	var s map[string]core.Stock
	err := e.store.View(context.Background(), func(tx core.Tx) (err error) {
		s, err = tx.Stocks(context.Background(), []string{sku})
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return s[sku]
}

// amazonSink delivers the amazon outbox messages through the cancel feed,
// as the amazon sink's case for them does.
type amazonSink struct{ feed *spapi.CancelFeed }

func (amazonSink) Name() string                                       { return "amazon" }
func (amazonSink) Wants(ev core.Event) bool                           { return ev.Kind == core.EventAmazonCancel }
func (s amazonSink) Deliver(ctx context.Context, ev core.Event) error { return s.feed.Deliver(ctx, ev) }

// deliver runs one delivery round of the amazon sink.
func (e *cancelEnv) deliver() (core.Round, error) {
	return e.engine.DeliverRound(context.Background(), amazonSink{e.feed})
}

func TestAmazonCancelAfterPartialShipKeepsWhatShipped(t *testing.T) {
	for _, st := range syncStores {
		for _, tc := range []struct {
			name   string
			status string // Amazon's order status after its cancel
			mugAt  int    // the mug units Amazon knows shipped
		}{
			// Staff's shipment has not reached Amazon: it cancels the order.
			{"amazon_says_cancelled", spapi.FulfillmentCancelled, 0},
			// Amazon has the shipment and cancels the rest.
			{"amazon_says_shipped", spapi.FulfillmentShipped, 2},
		} {
			t.Run(st.name+"/"+tc.name, func(t *testing.T) {
				e := newCancelEnv(t, st.open(t))
				if s := e.stock("TEA-1"); s.Reserved != 1 {
					t.Fatalf("TEA-1 %+v after the sync, want 1 reserved", s)
				}
				e.run("ship " + e.id + " ups 1Z999AA10123456784 MUG-RED:2")
				if o := e.order(); o.Status != core.PartiallyShipped {
					t.Fatalf("status %s after the partial ship", o.Status)
				}
				e.change(func(o *spapi.Order) {
					o.Fulfillment = &spapi.OrderFulfillment{FulfillmentStatus: tc.status, FulfilledBy: "MERCHANT"}
					mug := &o.OrderItems[0]
					mug.Fulfillment = &spapi.ItemFulfillment{QuantityFulfilled: tc.mugAt}
					if tc.mugAt == 0 {
						mug.Cancellation = &spapi.ItemCancellation{CancellationExecution: &spapi.ItemCancellationExecution{CancelledBy: "AMAZON", CancelReason: "Item no longer available"}}
					}
					o.OrderItems[1].Cancellation = &spapi.ItemCancellation{CancellationExecution: &spapi.ItemCancellationExecution{CancelledBy: "AMAZON", CancelReason: "Item no longer available"}}
				})
				if s := e.syncOnce(); s.Updated != 1 {
					t.Fatalf("sync %+v, want the order updated", s)
				}
				o := e.order()
				if o.Status != core.Shipped {
					t.Errorf("status %s, want shipped (what shipped stays, the rest is cancelled)", o.Status)
				}
				mug, tea := o.Items[0], o.Items[1]
				if mug.Quantity != 2 || mug.Shipped != 2 || mug.Canceled != 0 {
					t.Errorf("shipped line %+v, want 2 shipped and none cancelled", mug)
				}
				if tea.Quantity != 0 || tea.Shipped != 0 || tea.Canceled != 1 {
					t.Errorf("unshipped line %+v, want its unit cancelled", tea)
				}
				if len(o.Shipments) != 1 {
					t.Errorf("shipments %+v, want staff's one kept", o.Shipments)
				}
				if s := e.stock("TEA-1"); s.Reserved != 0 || s.Available != 10 {
					t.Errorf("TEA-1 %+v, want its unit released (0 reserved, 10 available)", s)
				}
				if s := e.stock("MUG-RED"); s.Reserved != 0 || s.Available != 8 {
					t.Errorf("MUG-RED %+v, want the 2 shipped gone from stock", s)
				}
				var byAmazon []core.AuditEntry
				for _, a := range e.audit() {
					if a.Actor == "Amazon" {
						byAmazon = append(byAmazon, a)
					}
				}
				if len(byAmazon) != 1 || byAmazon[0].Source != "amazon" || !strings.Contains(byAmazon[0].Detail, "Item no longer available") ||
					!strings.Contains(byAmazon[0].Detail, "cancelled 1 unshipped unit") {
					t.Fatalf("audit by Amazon %+v, want one entry with Amazon's reason", byAmazon)
				}
				// The same answer read again changes nothing and writes no audit.
				if s := e.syncOnce(); s.Updated != 0 || s.Unchanged != 1 {
					t.Errorf("second sync %+v, want unchanged", s)
				}
				if n := len(e.audit()); n != 2 {
					t.Errorf("%d audit entries after a second sync, want 2 (ship, Amazon's cancel)", n)
				}
			})
		}
	}
}

func TestAmazonCancelsAndPendingMapOntoSellerdesk(t *testing.T) {
	st := syncStores[0]
	for _, tc := range []struct {
		status, want string
		by           string
	}{
		{spapi.FulfillmentPendingAvailability, string(core.Pending), ""},
		{spapi.FulfillmentPending, string(core.Pending), ""},
		{spapi.FulfillmentUnfulfillable, string(core.Canceled), "Amazon"},
		{spapi.FulfillmentCancelled, string(core.Canceled), "Amazon"},
	} {
		t.Run(tc.status, func(t *testing.T) {
			e := newSyncEnv(t, st.open(t), 1)
			e.orders[0].Fulfillment.FulfillmentStatus = tc.status
			e.fake.ChangeOrder(e.orders[0])
			if _, err := e.sync(spapi.SyncOptions{}); err != nil {
				t.Fatal(err)
			}
			o := e.stored()[e.orders[0].OrderID]
			if string(o.Status) != tc.want {
				t.Fatalf("status %s, want %s", o.Status, tc.want)
			}
			var audit []core.AuditEntry
			e.store.View(context.Background(), func(tx core.Tx) (err error) {
				audit, err = tx.Audit(context.Background(), core.AuditQuery{OrderID: o.ID})
				return err
			})
			if tc.by == "" && len(audit) != 0 || tc.by != "" && (len(audit) != 1 || audit[0].Actor != tc.by) {
				t.Fatalf("audit %+v, want by %q", audit, tc.by)
			}
		})
	}
}

func TestBuyerCancelRequestAlertsOnceAcrossSyncs(t *testing.T) {
	for _, st := range syncStores {
		t.Run(st.name, func(t *testing.T) {
			e := newCancelEnv(t, st.open(t))
			reason := "Ordered twice by mistake, call me on +1 206 555 0100 or jo.smith@example.com, see https://evil.example/x"
			e.change(func(o *spapi.Order) {
				o.OrderItems[0].Cancellation = &spapi.ItemCancellation{CancellationRequest: &spapi.ItemCancellationRequest{Requester: "BUYER", CancelReason: reason}}
			})
			e.syncOnce()
			// Amazon updates the order again for something else: the same
			// request comes back with it.
			e.change(func(o *spapi.Order) { o.OrderItems[1].Product.Title = "Green tea" })
			if s := e.syncOnce(); s.Updated != 1 {
				t.Fatalf("second sync %+v, want the order updated", s)
			}
			alerts := e.outbox(core.EventCancelRequested)
			if len(alerts) != 1 {
				t.Fatalf("%d cancellation-request alerts after two syncs, want 1: %+v", len(alerts), alerts)
			}
			text := alerts[0].Text
			if !strings.Contains(text, "cancel "+e.id+" buyer_canceled") || !strings.Contains(text, "Ordered twice by mistake") || !strings.Contains(text, "MUG-RED") {
				t.Errorf("alert %q, want the reason, the line and the one-step cancel", text)
			}
			for _, leak := range []string{"555 0100", "jo.smith@example.com", "evil.example"} {
				if strings.Contains(text, leak) {
					t.Errorf("alert %q carries %q", text, leak)
				}
			}
			if !core.EventCancelRequested.IsAlert() {
				t.Error("cancel_requested is not an alert")
			}
			// The one-step cancel from the alert.
			e.run("cancel " + e.id + " buyer_canceled")
			if o := e.order(); o.Status != core.Canceled || o.CancelReason != core.BuyerCanceled {
				t.Fatalf("order %s %s after the cancel", o.Status, o.CancelReason)
			}
		})
	}
}

func TestBuyerCancelRequestAfterShippingSaysTooLate(t *testing.T) {
	e := newCancelEnv(t, syncStores[0].open(t))
	e.run("ship " + e.id + " ups 1Z999AA10123456784")
	e.change(func(o *spapi.Order) {
		o.OrderItems[1].Cancellation = &spapi.ItemCancellation{CancellationRequest: &spapi.ItemCancellationRequest{Requester: "BUYER", CancelReason: "Found it cheaper"}}
	})
	e.syncOnce()
	alerts := e.outbox(core.EventCancelRequested)
	if len(alerts) != 1 || !strings.Contains(alerts[0].Text, "too late") || strings.Contains(alerts[0].Text, "cancel "+e.id+" buyer_canceled") {
		t.Fatalf("alerts %+v, want one saying the request came too late, without the cancel command", alerts)
	}
}

func TestCancelReachesAmazonOnceWithTheRightFeed(t *testing.T) {
	for _, st := range syncStores {
		t.Run(st.name, func(t *testing.T) {
			e := newCancelEnv(t, st.open(t))
			res := e.run("cancel " + e.id + " no_inventory")
			if len(res.Events) == 0 || !slices.ContainsFunc(res.Events, func(ev core.Event) bool { return ev.Kind == core.EventAmazonCancel }) {
				t.Fatalf("cancel queued %+v, want an amazon_cancel message in its transaction", res.Events)
			}
			if ac := e.order().AmazonCancel; ac == nil || ac.State != core.AmazonCancelQueued || len(ac.Lines) != 2 {
				t.Fatalf("amazon cancel %+v, want queued with both lines", ac)
			}
			// The answer to createFeed is lost once: the next round finds
			// the feed instead of filing a second one.
			e.fake.LoseAnswers(spapi.OpCreateFeed, 1)
			if r, err := e.deliver(); err != nil || r.Left != core.Failed {
				t.Fatalf("a round whose createFeed answer was lost ended %v %v, want failed", r.Left, err)
			}
			if ac := e.order().AmazonCancel; ac.FeedDocumentID == "" || ac.FeedID != "" {
				t.Fatalf("after the lost answer %+v, want the document recorded and no feed", ac)
			}
			e.deliverAll()
			if n := len(e.fake.Calls(spapi.OpCreateFeed)); n != 1 {
				t.Fatalf("%d createFeed calls, want 1", n)
			}
			if n := len(e.fake.Calls(spapi.OpGetFeeds)); n != 1 {
				t.Errorf("%d getFeeds calls, want 1 (the look for the lost feed)", n)
			}
			feeds := e.fake.Feeds()
			if len(feeds) != 1 || feeds[0].Feed.FeedType != spapi.FeedTypeOrderAcknowledgement || !slices.Equal(feeds[0].Feed.MarketplaceIDs, []string{"ATVPDKIKX0DER"}) {
				t.Fatalf("feeds %+v, want one order acknowledgement for Amazon.com", feeds)
			}
			doc := e.fake.Document(feeds[0].Document)
			var env struct {
				MerchantIdentifier string `xml:"Header>MerchantIdentifier"`
				MessageType        string `xml:"MessageType"`
				Ack                struct {
					OrderID string `xml:"AmazonOrderID"`
					Status  string `xml:"StatusCode"`
					Items   []struct {
						Code   string `xml:"AmazonOrderItemCode"`
						Reason string `xml:"CancelReason"`
					} `xml:"Item"`
				} `xml:"Message>OrderAcknowledgement"`
			}
			if err := xml.Unmarshal(doc.Body, &env); err != nil {
				t.Fatal(err)
			}
			if env.MessageType != "OrderAcknowledgement" || env.MerchantIdentifier != "A1SELLER" || env.Ack.OrderID != e.id || env.Ack.Status != "Failure" ||
				len(env.Ack.Items) != 2 || env.Ack.Items[0].Code != e.id+"-1" || env.Ack.Items[1].Code != e.id+"-2" ||
				env.Ack.Items[0].Reason != "NoInventory" || env.Ack.Items[1].Reason != "NoInventory" {
				t.Fatalf("feed document %s", doc.Body)
			}
			if doc.ContentType != "text/xml; charset=UTF-8" {
				t.Errorf("content type %q", doc.ContentType)
			}
			for _, c := range e.fake.Calls("upload") {
				if c.Token != "" {
					t.Error("the upload to the presigned URL carried an access token")
				}
			}
			ac := e.order().AmazonCancel
			if ac.State != core.AmazonCancelSent || ac.FeedID != feeds[0].Feed.FeedID {
				t.Fatalf("amazon cancel %+v, want sent with feed %s", ac, feeds[0].Feed.FeedID)
			}
			// Delivered again (a replayed message): nothing more is filed.
			if err := e.feed.Deliver(context.Background(), core.Event{Kind: core.EventAmazonCancel, OrderID: e.id, MaybeSent: true}); err != nil {
				t.Fatal(err)
			}
			if n := len(e.fake.Calls(spapi.OpCreateFeed)); n != 1 {
				t.Fatalf("%d createFeed calls after a replay, want 1", n)
			}
			// Amazon processes it.
			if s, err := e.feed.Check(context.Background()); err != nil || s.Waiting != 1 {
				t.Fatalf("check before processing %+v %v, want it waiting", s, err)
			}
			e.fake.ProcessFeeds()
			if s, err := e.feed.Check(context.Background()); err != nil || s.Processed != 1 {
				t.Fatalf("check %+v %v, want it processed", s, err)
			}
			if ac := e.order().AmazonCancel; ac.State != core.AmazonCancelProcessed || ac.DoneAt == nil || ac.Describe() != "cancel processed by Amazon" {
				t.Fatalf("amazon cancel %+v, want processed", ac)
			}
			if len(e.outbox(core.EventAmazonCancelFailed)) != 0 {
				t.Error("a processed cancel alerted staff")
			}
		})
	}
}

// deliverAll runs delivery rounds until the amazon sink is caught up.
func (e *cancelEnv) deliverAll() {
	e.t.Helper()
	for range 10 {
		// A failed round waits out its backoff: move the sink's next try
		// to now, as the clock would.
		e.store.Update(context.Background(), func(tx core.Tx) error {
			s, err := tx.SinkState(context.Background(), "amazon")
			if err != nil {
				return err
			}
			s.NextAttempt = time.Time{}
			return tx.SaveSinkState(context.Background(), s)
		})
		r, err := e.deliver()
		if err != nil {
			e.t.Fatalf("delivery: %v", err)
		}
		if r.Left == core.CaughtUp {
			return
		}
	}
	e.t.Fatal("the amazon sink never caught up")
}

func TestBuyerOwnCancelReachesAmazon(t *testing.T) {
	store := syncStores[0].open(t)
	e := &syncEnv{store: store}
	// The order was placed a minute ago: within the buyer's 30 minutes.
	e.engine = core.NewEngine(store, core.Options{AmazonConnected: true})
	e.harness = newHarness(t, func(c *spapi.Config) { c.Engine = e.engine })
	o := order(7, time.Now().UTC().Add(-3*time.Minute).Truncate(time.Second))
	o.CreatedTime = time.Now().UTC().Add(-time.Minute).Format(time.RFC3339)
	e.fake.AddOrders(o)
	if _, err := e.client.Sync(context.Background(), spapi.SyncOptions{Since: time.Now().AddDate(0, 0, -1)}); err != nil {
		t.Fatal(err)
	}
	res, err := e.engine.BuyerCancel(context.Background(), core.BuyerActor("web", o.OrderID), o.OrderID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(res.Events, func(ev core.Event) bool { return ev.Kind == core.EventAmazonCancel }) {
		t.Fatalf("buyer cancel events %+v, want one for Amazon", res.Events)
	}
	feed := &spapi.CancelFeed{Client: e.client, MarketplaceIDs: []string{"ATVPDKIKX0DER"}}
	if err := feed.Deliver(context.Background(), core.Event{Kind: core.EventAmazonCancel, OrderID: o.OrderID}); err != nil {
		t.Fatal(err)
	}
	feeds := e.fake.Feeds()
	if len(feeds) != 1 {
		t.Fatalf("feeds %+v", feeds)
	}
	if body := e.fake.Document(feeds[0].Document).Body; !strings.Contains(string(body), "<CancelReason>BuyerCanceled</CancelReason>") {
		t.Fatalf("feed %s, want BuyerCanceled", body)
	}
}

func TestNoAmazonCancelWithoutTheConnection(t *testing.T) {
	e := newSyncEnv(t, syncStores[0].open(t), 1) // core.Options{}: no Amazon connection
	if _, err := e.sync(spapi.SyncOptions{}); err != nil {
		t.Fatal(err)
	}
	id := e.orders[0].OrderID
	res, err := e.engine.RunLine(context.Background(), staff, "cancel "+id+" no_inventory", false)
	if err != nil {
		t.Fatal(err)
	}
	if slices.ContainsFunc(res.Events, func(ev core.Event) bool { return ev.Kind == core.EventAmazonCancel }) || res.Order.AmazonCancel != nil {
		t.Fatalf("without the Amazon connection the cancel was queued for Amazon: %+v", res.Events)
	}
}

func TestRefusedCancelFeedIsRecordedAndShown(t *testing.T) {
	for _, st := range syncStores {
		t.Run(st.name+"/processing_error", func(t *testing.T) {
			e := newCancelEnv(t, st.open(t))
			e.run("cancel " + e.id + " address_undeliverable")
			e.deliverAll()
			e.fake.RefuseCancel(e.id, "The order has already shipped & cannot be cancelled.")
			e.fake.ProcessFeeds()
			if s, err := e.feed.Check(context.Background()); err != nil || s.Failed != 1 {
				t.Fatalf("check %+v %v, want one failed", s, err)
			}
			o := e.order()
			if o.AmazonCancel.State != core.AmazonCancelFailed || !strings.Contains(o.AmazonCancel.Error, "already shipped & cannot be cancelled") {
				t.Fatalf("amazon cancel %+v, want failed with Amazon's reason", o.AmazonCancel)
			}
			if d := o.AmazonCancel.Describe(); !strings.HasPrefix(d, "cancel failed at Amazon: The order has already shipped") {
				t.Errorf("shown as %q", d)
			}
			alerts := e.outbox(core.EventAmazonCancelFailed)
			if len(alerts) != 1 || !strings.Contains(alerts[0].Text, "Seller Central") || !core.EventAmazonCancelFailed.IsAlert() {
				t.Fatalf("alerts %+v, want one telling staff to cancel in Seller Central", alerts)
			}
			// Checked again: nothing more (it is no longer waiting).
			if s, err := e.feed.Check(context.Background()); err != nil || s.Checked != 0 {
				t.Fatalf("second check %+v %v", s, err)
			}
			res := e.run("order " + e.id)
			if res.Order.AmazonCancel == nil || res.Order.AmazonCancel.State != core.AmazonCancelFailed {
				t.Fatalf("the order command shows %+v", res.Order.AmazonCancel)
			}
		})
		t.Run(st.name+"/create_feed_refused", func(t *testing.T) {
			e := newCancelEnv(t, st.open(t))
			e.run("cancel " + e.id + " pricing_error")
			e.fake.Fail(spapi.OpCreateFeed, spapitest.Fault{Status: 400, Body: spapitest.ErrorBody("InvalidInput", "Invalid feed type for this seller.", "")})
			e.deliverAll()
			ac := e.order().AmazonCancel
			if ac.State != core.AmazonCancelFailed || !strings.Contains(ac.Error, "Invalid feed type for this seller.") || ac.FeedID != "" {
				t.Fatalf("amazon cancel %+v, want failed with Amazon's message", ac)
			}
			if n := len(e.fake.Calls(spapi.OpCreateFeed)); n != 1 {
				t.Errorf("%d createFeed calls, want 1: a refusal is not retried", n)
			}
			if len(e.outbox(core.EventAmazonCancelFailed)) != 1 {
				t.Error("a refused feed did not alert staff")
			}
		})
	}
}

func TestFakeRefusesAFeedOffAmazonsSchema(t *testing.T) {
	good := `<?xml version="1.0"?><AmazonEnvelope><Header><DocumentVersion>1.01</DocumentVersion><MerchantIdentifier>A1</MerchantIdentifier></Header>` +
		`<MessageType>OrderAcknowledgement</MessageType><Message><MessageID>1</MessageID><OrderAcknowledgement><AmazonOrderID>113-0000000-0000001</AmazonOrderID>` +
		`<StatusCode>Failure</StatusCode><Item><AmazonOrderItemCode>1</AmazonOrderItemCode><CancelReason>NoInventory</CancelReason></Item></OrderAcknowledgement></Message></AmazonEnvelope>`
	if _, errs := spapitest.CheckOrderAcknowledgement([]byte(good), "text/xml"); len(errs) != 0 {
		t.Fatalf("a good feed refused: %v", errs)
	}
	for name, bad := range map[string]string{
		"message_type":    strings.Replace(good, ">OrderAcknowledgement</MessageType>", ">OrderFulfillment</MessageType>", 1),
		"cancel_reason":   strings.Replace(good, "NoInventory", "OutOfStock", 1),
		"status_code":     strings.Replace(good, "Failure", "Cancelled", 1),
		"order_id":        strings.Replace(good, "113-0000000-0000001", "113-1", 1),
		"no_header":       strings.Replace(good, "<Header><DocumentVersion>1.01</DocumentVersion><MerchantIdentifier>A1</MerchantIdentifier></Header>", "", 1),
		"item_order":      strings.Replace(good, "<AmazonOrderItemCode>1</AmazonOrderItemCode><CancelReason>NoInventory</CancelReason>", "<CancelReason>NoInventory</CancelReason><AmazonOrderItemCode>1</AmazonOrderItemCode>", 1),
		"unknown_element": strings.Replace(good, "<StatusCode>", "<Note>x</Note><StatusCode>", 1),
	} {
		if _, errs := spapitest.CheckOrderAcknowledgement([]byte(bad), "text/xml"); len(errs) == 0 {
			t.Errorf("%s: the fake took a feed off Amazon's schema", name)
		}
	}
	if _, errs := spapitest.CheckOrderAcknowledgement([]byte(good), "application/json"); len(errs) == 0 {
		t.Error("the fake took an XML feed uploaded as JSON")
	}
}
