package enginetest

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// Another valid FedEx tracking number (12 digits, check digit 1).
const fedexOK = "123456789012"

// amazonOn makes the fixture's engine one with Amazon confirmations on
// (the Amazon connection is configured), on the same store.
func (f *Fixture) amazonOn() {
	p := core.DefaultPolicy()
	f.Engine = core.NewEngine(f.Store, core.Options{Clock: f.Clock, IDs: &SeqIDs{}, Policy: &p, AmazonConnected: true})
}

func (f *Fixture) eventsOf(kind core.EventKind) []core.Event {
	var out []core.Event
	for _, ev := range f.snapshot().Outbox {
		if ev.Kind == kind {
			out = append(out, ev)
		}
	}
	return out
}

func (f *Fixture) recordAmazon(out core.AmazonOutcome) {
	f.T.Helper()
	if err := f.Engine.RecordAmazon(context.Background(), out); err != nil {
		f.T.Fatalf("RecordAmazon %+v: %v", out, err)
	}
}

// A ship queues Amazon's confirmation in its own transaction, only for
// merchant-fulfilled Amazon orders and only with Amazon confirmations on.
func testAmazonShipQueues(f *Fixture) {
	amazon := order("111-0000009-0000001", time.Hour)
	shop := order("111-0000009-0000002", time.Hour)
	shop.SalesChannel = "Non-Amazon"
	off := order("111-0000009-0000003", time.Hour)
	f.importOrders(amazon, shop, off)

	// Off (no Amazon connection): nothing changes from before.
	o := f.MustRun(f.Agent, "ship "+off.ID+" ups "+upsOK).Order
	if s := o.Shipments[0]; s.Amazon != "" || s.AmazonText() != "" || len(f.eventsOf(core.EventAmazonShipment)) != 0 {
		f.T.Fatalf("without Amazon confirmations: shipment %+v, events %v", s, f.outboxKinds())
	}

	f.amazonOn()
	dry, err := f.Engine.RunLine(context.Background(), f.Agent, "ship "+amazon.ID+" ups "+upsOK+" MUG:1", true)
	if err != nil || !slices.ContainsFunc(dry.Preview.Changes, func(c string) bool {
		return strings.HasPrefix(c, "Confirm shipment ") && strings.Contains(c, "on Amazon")
	}) {
		f.T.Fatalf("the preview does not say the shipment goes to Amazon: %v %+v", err, dry)
	}
	res := f.MustRun(f.Agent, "ship "+amazon.ID+" ups "+upsOK+" MUG:1")
	s := res.Order.Shipments[0]
	if s.Amazon != core.AmazonWaiting || s.AmazonText() != "waiting for Amazon" || !strings.Contains(res.Message, "Waiting for Amazon") {
		f.T.Fatalf("shipment %+v, message %q: want waiting for Amazon", s, res.Message)
	}
	evs := f.eventsOf(core.EventAmazonShipment)
	if len(evs) != 1 || evs[0].OrderID != amazon.ID || !strings.Contains(evs[0].Text, s.ID) || evs[0].Kind.IsAlert() {
		f.T.Fatalf("outbox: %+v, want one confirmation of %s", evs, s.ID)
	}
	if got := f.order(amazon.ID).Shipments[0]; got.Amazon != core.AmazonWaiting {
		f.T.Fatalf("stored shipment %+v, want waiting", got)
	}
	// Not Amazon's order: shipped as ever, nothing for Amazon.
	if o := f.MustRun(f.Agent, "ship "+shop.ID+" ups "+upsOK).Order; o.Shipments[0].Amazon != "" || len(f.eventsOf(core.EventAmazonShipment)) != 1 {
		f.T.Fatalf("a Non-Amazon order went to Amazon: %+v", o.Shipments[0])
	}
	// Confirmed: recorded once, with the time; a late answer changes nothing.
	f.Clock.Advance(time.Minute)
	f.recordAmazon(core.AmazonOutcome{OrderID: amazon.ID, ShipmentID: s.ID, Tracking: s.Tracking, Confirmed: true})
	got := f.order(amazon.ID).Shipments[0]
	if got.Amazon != core.AmazonConfirmed || !got.AmazonAt.Equal(f.Clock.Now()) || got.AmazonText() != "confirmed on Amazon" {
		f.T.Fatalf("after Amazon confirmed: %+v", got)
	}
	before := f.snapshot()
	f.recordAmazon(core.AmazonOutcome{OrderID: amazon.ID, ShipmentID: s.ID, Tracking: s.Tracking, Refusal: "too late"})
	if after := f.snapshot(); len(after.Audit) != len(before.Audit) || after.Orders[0].Version != before.Orders[0].Version || len(after.Outbox) != len(before.Outbox) {
		f.T.Fatalf("an answer for a shipment no longer waiting changed the store")
	}
}

// A refusal is recorded with Amazon's words and alerts staff once; it is
// not sent again until staff correct the shipment by shipping its items
// again, which replaces it and queues a new confirmation.
func testAmazonRefusalAndCorrection(f *Fixture) {
	f.amazonOn()
	id := "111-0000009-0000011"
	f.importOrders(order(id, 48*time.Hour))
	first := f.MustRun(f.Agent, "ship "+id+" ups "+upsOK+" MUG:2").Order.Shipments[0]
	f.Clock.Advance(time.Minute)
	reason := "The tracking number 1Z999AA10123456784 is already in use."
	f.recordAmazon(core.AmazonOutcome{OrderID: id, ShipmentID: first.ID, Tracking: first.Tracking, Refusal: reason})
	o := f.order(id)
	s := o.Shipments[0]
	if s.Amazon != core.AmazonRefused || s.AmazonError != reason || !s.AmazonAt.Equal(f.Clock.Now()) || s.AmazonText() != "refused by Amazon: "+reason {
		f.T.Fatalf("after the refusal: %+v", s)
	}
	alerts := f.eventsOf(core.EventAmazonRefused)
	if len(alerts) != 1 || !alerts[0].Kind.IsAlert() || alerts[0].OrderID != id ||
		!strings.Contains(alerts[0].Text, reason) || !strings.Contains(alerts[0].Text, "ship "+id+" <carrier> <tracking> MUG:2") {
		f.T.Fatalf("alerts %+v, want one naming Amazon's reason and the correction", alerts)
	}
	for _, a := range f.MustRun(f.Owner, "audit "+id).Audit {
		if a.Actor == "Amazon" && !strings.Contains(a.Detail, reason) {
			f.T.Errorf("audit of the refusal: %+v", a)
		}
	}

	// The same details again: Amazon would refuse them again.
	f.refused(f.Agent, "ship "+id+" ups "+upsOK+" MUG:2", core.Conflict, "as Amazon refused it")
	// Items that are not the refused shipment's, with nothing of them left.
	f.refused(f.Agent, "ship "+id+" fedex "+fedexOK+" MUG:1", core.Invalid, "MUG:2")
	// Units are left (the tee): a ship without items ships them, as ever.
	rest := f.MustRun(f.Agent, "ship "+id+" usps "+uspsOK).Order
	if len(rest.Shipments) != 2 || rest.Status != core.Shipped || rest.Shipments[0].Amazon != core.AmazonRefused {
		f.T.Fatalf("shipping the rest: %+v", rest.Shipments)
	}
	waitingBefore := len(f.eventsOf(core.EventAmazonShipment))

	// The correction: the refused shipment's items with another carrier.
	res := f.MustRun(f.Agent, "ship "+id+" fedex "+fedexOK+" MUG:2")
	c := res.Order.Shipments
	if len(c) != 2 || res.Order.Status != core.Shipped || res.Order.Items[0].Shipped != 2 || res.Order.Items[1].Shipped != 1 {
		f.T.Fatalf("the correction changed what shipped: %+v", res.Order)
	}
	var fixed core.Shipment
	for _, x := range c {
		if x.ID == first.ID {
			fixed = x
		}
	}
	if fixed.Carrier != core.FedEx || fixed.Tracking != fedexOK || fixed.Amazon != core.AmazonWaiting || fixed.AmazonError != "" || !fixed.AmazonAt.IsZero() {
		f.T.Fatalf("corrected shipment %+v, want FedEx %s waiting for Amazon", fixed, fedexOK)
	}
	if n := len(f.eventsOf(core.EventAmazonShipment)); n != waitingBefore+1 {
		f.T.Fatalf("%d confirmations queued by the correction, want 1", n-waitingBefore)
	}
	if !slices.ContainsFunc(res.Preview.Changes, func(s string) bool { return strings.Contains(s, "which Amazon refused") }) {
		f.T.Errorf("the preview does not say what the correction replaces: %v", res.Preview.Changes)
	}
	// An answer about the refused details (sent before the correction)
	// does not touch the corrected shipment.
	f.recordAmazon(core.AmazonOutcome{OrderID: id, ShipmentID: first.ID, Tracking: upsOK, Refusal: reason})
	if got := f.order(id); got.Shipments[0].Amazon != core.AmazonWaiting && got.Shipments[1].Amazon != core.AmazonWaiting {
		f.T.Fatalf("a stale answer changed the corrected shipment: %+v", got.Shipments)
	}
	if n := len(f.eventsOf(core.EventAmazonRefused)); n != 1 {
		f.T.Fatalf("%d refusal alerts, want still 1", n)
	}
}

// With two refused shipments and nothing left to ship, a ship without
// items must say which to correct.
func testAmazonTwoRefusedNeedItems(f *Fixture) {
	f.amazonOn()
	id := "111-0000009-0000021"
	f.importOrders(order(id, 48*time.Hour))
	a := f.MustRun(f.Agent, "ship "+id+" ups "+upsOK+" MUG:2").Order.Shipments[0]
	o := f.MustRun(f.Agent, "ship "+id+" usps "+uspsOK).Order
	b := o.Shipments[1]
	for _, s := range []core.Shipment{a, b} {
		f.recordAmazon(core.AmazonOutcome{OrderID: id, ShipmentID: s.ID, Tracking: s.Tracking, Refusal: "Invalid carrier"})
	}
	f.refused(f.Agent, "ship "+id+" fedex "+fedexOK, core.Invalid, "name the items")
	got := f.MustRun(f.Agent, "ship "+id+" fedex "+fedexOK+" TEE:1").Order
	for _, s := range got.Shipments {
		if want := map[string]core.AmazonState{a.ID: core.AmazonRefused, b.ID: core.AmazonWaiting}[s.ID]; s.Amazon != want {
			f.T.Errorf("shipment %s (%s) is %q, want %q", s.ID, core.DescribeItems(core.LineItems(s.Lines)), s.Amazon, want)
		}
	}
}
