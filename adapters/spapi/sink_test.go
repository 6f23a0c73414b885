package spapi_test

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/adapters/spapi"
	"github.com/sellerdesk/sellerdesk/adapters/spapi/spapitest"
	"github.com/sellerdesk/sellerdesk/adapters/sqlstore/storetest"
	"github.com/sellerdesk/sellerdesk/core"
	"github.com/sellerdesk/sellerdesk/core/enginetest"
)

// shipHarness is the fake SP-API, an engine with Amazon confirmations on
// (on the store given) and the amazon sink, registered with the outbox.
type shipHarness struct {
	*harness
	engine *core.Engine
	store  core.Store
	sink   *spapi.Sink
	clock  *enginetest.Clock
	agent  core.Actor
}

// shipStart is the harness's now; its orders were bought an hour before.
var shipStart = time.Date(2026, 11, 18, 15, 0, 0, 0, time.UTC)

func newShipHarness(t *testing.T, store core.Store) *shipHarness {
	t.Helper()
	clock := enginetest.NewClock(shipStart)
	p := core.DefaultPolicy()
	engine := core.NewEngine(store, core.Options{Clock: clock, IDs: &enginetest.SeqIDs{}, Policy: &p, AmazonConnected: true})
	h := &shipHarness{harness: newHarness(t, func(c *spapi.Config) { c.Engine = engine }), engine: engine, store: store, clock: clock,
		agent: core.Actor{ID: "slack:UAGENT", Name: "alex", Role: core.Agent, Source: "slack"}}
	h.sink = spapi.NewSink(h.client, nil)
	if err := engine.StartSink(context.Background(), h.sink.Name()); err != nil {
		t.Fatal(err)
	}
	return h
}

// eachStore runs a store-backed test on SQLite and PostgreSQL.
func eachStore(t *testing.T, test func(t *testing.T, h *shipHarness)) {
	t.Run("sqlite", func(t *testing.T) { test(t, newShipHarness(t, storetest.OpenSQLite(t))) })
	t.Run("postgres", func(t *testing.T) {
		storetest.PostgresURL(t) // skips without TEST_DATABASE_URL
		test(t, newShipHarness(t, storetest.OpenPostgres(t)))
	})
}

// amazonOrder puts order n on Amazon and in the desk; edit changes the
// desk's copy.
func (h *shipHarness) amazonOrder(n int, edit ...func(*core.Order)) core.Order {
	h.t.Helper()
	a := order(n, shipStart.Add(-time.Hour))
	h.fake.AddOrders(a)
	o, err := spapi.ToCoreOrder(a)
	if err != nil {
		h.t.Fatal(err)
	}
	for _, f := range edit {
		f(&o)
	}
	if _, err := h.engine.Import(context.Background(), []core.Order{o}); err != nil {
		h.t.Fatal(err)
	}
	return o
}

func (h *shipHarness) run(line string) *core.Result {
	h.t.Helper()
	res, err := h.engine.RunLine(context.Background(), h.agent, line, false)
	if err != nil {
		h.t.Fatalf("%s: %v", line, err)
	}
	return res
}

func (h *shipHarness) deliver(ctx context.Context) core.Round {
	h.t.Helper()
	r, err := h.engine.DeliverRound(ctx, h.sink)
	if err != nil {
		h.t.Fatalf("deliver: %v", err)
	}
	return r
}

func (h *shipHarness) shipment(orderID string, i int) core.Shipment {
	h.t.Helper()
	res := h.run("order " + orderID)
	return res.Order.Shipments[i]
}

// confirms decodes the bodies of the confirmShipment calls Amazon accepted
// (or all of them), by order id.
func (h *shipHarness) confirms(all bool) (orders []string, bodies []spapi.ConfirmShipmentRequest) {
	h.t.Helper()
	for _, c := range h.fake.Calls(spapi.OpConfirmShipment) {
		if !all && c.Status != 204 {
			continue
		}
		var b spapi.ConfirmShipmentRequest
		if err := json.Unmarshal(c.Body, &b); err != nil {
			h.t.Fatal(err)
		}
		orders = append(orders, strings.Split(c.Path, "/")[4])
		bodies = append(bodies, b)
	}
	return orders, bodies
}

func (h *shipHarness) events(kind core.EventKind) []core.Event {
	h.t.Helper()
	var out []core.Event
	err := h.store.View(context.Background(), func(tx core.Tx) error {
		evs, err := tx.Outbox(context.Background(), 0, 0)
		for _, ev := range evs {
			if ev.Kind == kind {
				out = append(out, ev)
			}
		}
		return err
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return out
}

const upsOK = "1Z999AA10123456784"

// laterRounds runs delivery rounds an hour apart and checks that they
// send what was sent (one confirmShipment) no more.
func (h *shipHarness) laterRounds(what string) {
	h.t.Helper()
	for range 3 {
		h.clock.Advance(time.Hour)
		h.deliver(context.Background())
	}
	if n := len(h.fake.Calls(spapi.OpConfirmShipment)); n != 1 {
		h.t.Fatalf("%s was sent %d times after later rounds, want once", what, n)
	}
}

// A ship reaches Amazon's confirmShipment once, with the model's body
// built from the shipment, and the shipment reads "confirmed on Amazon";
// later rounds send nothing more.
func TestShipmentReachesAmazonOnce(t *testing.T) {
	eachStore(t, func(t *testing.T, h *shipHarness) {
		o := h.amazonOrder(1)
		res := h.run("ship " + o.ID + " ups " + upsOK)
		if s := res.Order.Shipments[0]; s.AmazonText() != "waiting for Amazon" {
			t.Fatalf("right after the ship: %q", s.AmazonText())
		}
		if r := h.deliver(context.Background()); r.Sent != 1 {
			t.Fatalf("round: %+v, want one sent", r)
		}
		ids, bodies := h.confirms(true)
		if len(bodies) != 1 {
			t.Fatalf("%d confirmShipment calls, want 1", len(bodies))
		}
		sh := h.shipment(o.ID, 0)
		want := spapi.ConfirmShipmentRequest{MarketplaceID: "ATVPDKIKX0DER", PackageDetail: spapi.PackageDetail{
			PackageReferenceID: bodies[0].PackageDetail.PackageReferenceID, CarrierCode: "UPS", TrackingNumber: upsOK,
			ShipDate:   "2026-11-18T00:00:00Z",
			OrderItems: []spapi.ConfirmShipmentOrderItem{{OrderItemID: o.ID + "-1", Quantity: 2}, {OrderItemID: o.ID + "-2", Quantity: 1}}}}
		if len(bodies) != 1 || ids[0] != o.ID || !reflect.DeepEqual(bodies[0], want) {
			t.Fatalf("confirmShipment calls %v %+v, want one for %s: %+v", ids, bodies, o.ID, want)
		}
		if ref := want.PackageDetail.PackageReferenceID; strings.Trim(ref, "0123456789") != "" || ref == "0" || ref == "" {
			t.Errorf("packageReferenceId %q is not a positive number", ref)
		}
		if sh.Amazon != core.AmazonConfirmed || sh.AmazonText() != "confirmed on Amazon" || !sh.AmazonAt.Equal(shipStart) {
			t.Fatalf("shipment after delivery: %+v", sh)
		}
		h.laterRounds("a confirmed shipment")
		if n := len(h.fake.Calls(spapi.OpGetOrder)); n != 0 {
			t.Errorf("%d getOrder calls for a clean delivery, want none", n)
		}
	})
}

// A partial shipment confirms only its own lines and units; the rest
// goes with the next shipment.
func TestPartialShipmentSendsOnlyItsItems(t *testing.T) {
	eachStore(t, func(t *testing.T, h *shipHarness) {
		o := h.amazonOrder(2)
		h.run("ship " + o.ID + " ups " + upsOK + " MUG-RED:1")
		h.deliver(context.Background())
		h.run("ship " + o.ID + " fedex 123456789012")
		h.deliver(context.Background())
		_, bodies := h.confirms(true)
		if len(bodies) != 2 {
			t.Fatalf("%d confirmations, want 2", len(bodies))
		}
		first, second := bodies[0].PackageDetail, bodies[1].PackageDetail
		if !reflect.DeepEqual(first.OrderItems, []spapi.ConfirmShipmentOrderItem{{OrderItemID: o.ID + "-1", Quantity: 1}}) || first.CarrierCode != "UPS" {
			t.Errorf("partial shipment sent %+v", first)
		}
		if !reflect.DeepEqual(second.OrderItems, []spapi.ConfirmShipmentOrderItem{{OrderItemID: o.ID + "-1", Quantity: 1}, {OrderItemID: o.ID + "-2", Quantity: 1}}) ||
			second.CarrierCode != "FedEx" || second.TrackingNumber != "123456789012" {
			t.Errorf("the rest sent %+v", second)
		}
		if first.PackageReferenceID == second.PackageReferenceID {
			t.Errorf("two packages of one order share packageReferenceId %s", first.PackageReferenceID)
		}
		if ps := h.fake.Packages(o.ID); len(ps) != 2 {
			t.Errorf("Amazon has %d packages, want 2", len(ps))
		}
	})
}

// Amazon's refusal (its 400 error body) is recorded on the shipment with
// Amazon's message, alerts staff once and is not sent again by later
// rounds; staff's correction (the same items, another carrier) goes out.
func TestRefusalIsRecordedAlertedAndRetriedOnlyAfterCorrection(t *testing.T) {
	eachStore(t, func(t *testing.T, h *shipHarness) {
		o := h.amazonOrder(3)
		const reason = "The trackingNumber is not valid for carrierCode UPS."
		h.fake.Fail(spapi.OpConfirmShipment, spapitest.Fault{Status: 400, Body: spapitest.ErrorBody("InvalidInput", reason, "")})
		h.run("ship " + o.ID + " ups " + upsOK)
		if r := h.deliver(context.Background()); r.Sent != 1 || r.Left != core.CaughtUp {
			t.Fatalf("round with the refusal: %+v, want it done", r)
		}
		sh := h.shipment(o.ID, 0)
		if sh.Amazon != core.AmazonRefused || sh.AmazonText() != "refused by Amazon: "+reason {
			t.Fatalf("after the refusal: %q (%+v)", sh.AmazonText(), sh)
		}
		alerts := h.events(core.EventAmazonRefused)
		if len(alerts) != 1 || !strings.Contains(alerts[0].Text, reason) || !strings.Contains(alerts[0].Text, "ship "+o.ID+" <carrier> <tracking>") {
			t.Fatalf("alerts: %+v, want one with Amazon's reason and the correction", alerts)
		}
		h.laterRounds("a refused shipment, until corrected,")
		h.run("ship " + o.ID + " fedex 123456789012")
		h.deliver(context.Background())
		_, bodies := h.confirms(false)
		if len(bodies) != 1 || bodies[0].PackageDetail.CarrierCode != "FedEx" || bodies[0].PackageDetail.TrackingNumber != "123456789012" {
			t.Fatalf("after the correction Amazon accepted %+v, want the FedEx shipment", bodies)
		}
		if sh := h.shipment(o.ID, 0); sh.Amazon != core.AmazonConfirmed || sh.AmazonError != "" {
			t.Fatalf("corrected shipment: %+v", sh)
		}
		if n := len(h.events(core.EventAmazonRefused)); n != 1 {
			t.Errorf("%d refusal alerts, want 1", n)
		}
	})
}

// A round that takes over from a call cut off after Amazon took the
// shipment (MaybeSent) finds the tracking number among the order's
// packages and does not confirm again; when Amazon does not have it (the
// earlier tries failed), it confirms.
func TestMaybeSentLooksOnAmazonFirst(t *testing.T) {
	eachStore(t, func(t *testing.T, h *shipHarness) {
		o := h.amazonOrder(4)
		h.run("ship " + o.ID + " ups " + upsOK)
		hold := h.fake.HoldNextConfirm()
		ctx, cancel := context.WithCancel(context.Background())
		go func() { <-hold.Arrived(); cancel() }() // the replica stops mid-call
		h.deliver(ctx)
		if sh := h.shipment(o.ID, 0); sh.Amazon != core.AmazonWaiting {
			t.Fatalf("after the cut-off call: %+v, want still waiting", sh)
		}
		h.deliver(context.Background())
		if n := len(h.fake.Calls(spapi.OpConfirmShipment)); n != 1 {
			t.Fatalf("%d confirmShipment calls, want the one cut off only", n)
		}
		gets := h.fake.Calls(spapi.OpGetOrder)
		if len(gets) != 1 || gets[0].Query.Get("includedData") != spapi.IncludePackages {
			t.Fatalf("getOrder calls %+v, want one for the packages", gets)
		}
		if sh := h.shipment(o.ID, 0); sh.Amazon != core.AmazonConfirmed {
			t.Fatalf("the shipment found on Amazon: %+v, want confirmed", sh)
		}
		if !strings.Contains(h.log.String(), "on Amazon already; not confirming it again") {
			t.Errorf("the takeover did not say it found the shipment")
		}

		// Amazon answered 500 to every try: nothing there, so it is sent.
		p := h.amazonOrder(5)
		h.run("ship " + p.ID + " ups " + upsOK)
		h.fake.Fail(spapi.OpConfirmShipment, spapitest.Fault{Status: 500}, spapitest.Fault{Status: 500}, spapitest.Fault{Status: 500},
			spapitest.Fault{Status: 500}, spapitest.Fault{Status: 500})
		if r, err := h.engine.DeliverRound(context.Background(), h.sink); err != nil || r.Left != core.Failed {
			t.Fatalf("round with Amazon failing: %+v %v, want failed, to retry", r, err)
		}
		if sh := h.shipment(p.ID, 0); sh.Amazon != core.AmazonWaiting {
			t.Fatalf("after temporary failures: %+v, want waiting", sh)
		}
		h.clock.Advance(time.Minute)
		h.deliver(context.Background())
		if sh := h.shipment(p.ID, 0); sh.Amazon != core.AmazonConfirmed || len(h.fake.Packages(p.ID)) != 1 {
			t.Fatalf("after the retry: %+v, packages %v", sh, h.fake.Packages(p.ID))
		}
	})
}

// An order of a marketplace sellerdesk does not know is refused on the
// shipment, clearly, without calling Amazon; other orders go on.
func TestUnknownSalesChannelIsARefusalNotACrash(t *testing.T) {
	eachStore(t, func(t *testing.T, h *shipHarness) {
		o := h.amazonOrder(6, func(o *core.Order) { o.SalesChannel = "Amazon.xy" })
		h.run("ship " + o.ID + " ups " + upsOK)
		if r := h.deliver(context.Background()); r.Sent != 1 {
			t.Fatalf("round: %+v", r)
		}
		sh := h.shipment(o.ID, 0)
		if sh.Amazon != core.AmazonRefused || !strings.Contains(sh.AmazonError, `sales channel "Amazon.xy"`) {
			t.Fatalf("shipment: %+v, want refused naming the channel", sh)
		}
		if n := len(h.fake.Calls(spapi.OpConfirmShipment)); n != 0 {
			t.Fatalf("%d calls to Amazon for an unknown marketplace", n)
		}
		if n := len(h.events(core.EventAmazonRefused)); n != 1 {
			t.Fatalf("%d alerts, want 1", n)
		}
	})
}

func TestMarketplaceIDsAndCarriers(t *testing.T) {
	for channel, want := range map[string]string{"Amazon.com": "ATVPDKIKX0DER", "amazon.co.uk": "A1F83G8C2ARO7P", "Amazon.de": "A1PA6795UKMFR9",
		"Amazon.fr": "A13V1IB3VIYZZH", "Amazon.it": "APJ6JRA9NG5V4", "Amazon.es": "A1RKKUPIHCS9HS", "Amazon.co.jp": "A1VC38T7YXB528",
		"Amazon.ca": "A2EUQ1WTGCTBG2", "Amazon.com.mx": "A1AM78C64UM0Y8", " Amazon.com.br ": "A2Q3Y263D00KWC"} {
		if got, ok := spapi.MarketplaceID(channel); !ok || got != want {
			t.Errorf("MarketplaceID(%q) = %q %v, want %s", channel, got, ok, want)
		}
	}
	for _, bad := range []string{"", "Non-Amazon", "AMAZON", "Amazon.xy"} {
		if id, ok := spapi.MarketplaceID(bad); ok {
			t.Errorf("MarketplaceID(%q) = %q, want unknown", bad, id)
		}
	}
	other := spapi.ConfirmShipmentFor(core.Shipment{ID: "S-9", Carrier: core.Other, CarrierName: "Royal Mail", Tracking: "AB123456789GB",
		ShipDate: shipStart, Lines: []core.ShipmentLine{{OrderItemID: "1", SKU: "A", Quantity: 3}}}, "A1F83G8C2ARO7P")
	if d := other.PackageDetail; d.CarrierCode != "Other" || d.CarrierName != "Royal Mail" || d.OrderItems[0].Quantity != 3 {
		t.Errorf("another carrier: %+v", d)
	}
	for c, code := range map[core.Carrier]string{core.UPS: "UPS", core.USPS: "USPS", core.FedEx: "FedEx", core.DHL: "DHL"} {
		if d := spapi.ConfirmShipmentFor(core.Shipment{ID: "S-1", Carrier: c, CarrierName: "ignored"}, "X").PackageDetail; d.CarrierCode != code || d.CarrierName != "" {
			t.Errorf("%s: carrierCode %q name %q, want %q", c, d.CarrierCode, d.CarrierName, code)
		}
	}
	// The Orders API names the channel AMAZON: the marketplace is the sales channel.
	a := order(7, shipStart)
	a.SalesChannel = spapi.SalesChannel{ChannelName: "AMAZON", MarketplaceID: "A1PA6795UKMFR9"}
	if o, err := spapi.ToCoreOrder(a); err != nil || o.SalesChannel != "Amazon.de" {
		t.Errorf("ToCoreOrder of channel AMAZON on A1PA6795UKMFR9: %q %v, want Amazon.de", o.SalesChannel, err)
	}
	a.SalesChannel.MarketplaceName = "Amazon.co.uk"
	if o, _ := spapi.ToCoreOrder(a); o.SalesChannel != "Amazon.co.uk" {
		t.Errorf("with marketplaceName: %q", o.SalesChannel)
	}
}
