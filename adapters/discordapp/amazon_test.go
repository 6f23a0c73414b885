package discordapp

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// amazonShipments is an order shipped in three parts, one in each Amazon
// state.
func amazonShipments(o *core.Order, at time.Time) {
	line := func(sku string) []core.ShipmentLine {
		return []core.ShipmentLine{{OrderItemID: o.ID + "-1", SKU: sku, Quantity: 1}}
	}
	o.Status = core.Shipped
	o.Shipments = []core.Shipment{
		{ID: "S-1", Carrier: core.UPS, Tracking: "1Z999AA10123456784", ShipDate: at, Lines: line("MUG"), Amazon: core.AmazonConfirmed, AmazonAt: at},
		{ID: "S-2", Carrier: core.FedEx, Tracking: "123456789012", ShipDate: at, Lines: line("MUG"), Amazon: core.AmazonWaiting},
		{ID: "S-3", Carrier: core.Other, CarrierName: "Royal Mail", Tracking: "AB123456789GB", ShipDate: at, Lines: line("TEE"),
			Amazon: core.AmazonRefused, AmazonError: "The carrierName is not recognised.", AmazonAt: at},
	}
}

// The order card in Discord says where each shipment stands on Amazon,
// with Amazon's words for a refusal.
func TestOrderEmbedShowsAmazonStates(t *testing.T) {
	h := newHarness(t)
	o := order(orderA, 48*time.Hour)
	amazonShipments(&o, start.Add(-24*time.Hour))
	e := h.app.orderEmbed(&o)
	var ships string
	for _, f := range e.Fields {
		if f.Name == "Shipments" {
			ships = f.Value
		}
	}
	lines := strings.Split(ships, "\n")
	want := []string{"✅ confirmed on Amazon", "⏳ waiting for Amazon", "❌ refused by Amazon: The carrierName is not recognised."}
	if len(lines) != 3 {
		t.Fatalf("shipments field %q, want 3 lines", ships)
	}
	for i, w := range want {
		if !strings.HasSuffix(lines[i], w) {
			t.Errorf("shipment %d shows %q, want it to end %q", i+1, lines[i], w)
		}
	}
}

// Amazon's refusal is a staff alert in Discord, marked as one to act on.
func TestAmazonRefusalAlertPostedInDiscord(t *testing.T) {
	h := newHarness(t)
	ev := core.Event{ID: 9, Kind: core.EventAmazonRefused, OrderID: orderA,
		Text: "Amazon refused the shipment confirmation of order " + orderA + " (2× MUG, UPS 1Z999AA10123456784): Invalid tracking."}
	if !h.app.Wants(ev) {
		t.Fatal("the Discord sink does not want Amazon's refusal")
	}
	if err := h.app.Deliver(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
	posts := h.fake.calls("POST /channels/" + staff + "/messages")
	if len(posts) != 1 || !strings.Contains(string(posts[0].Body), "Invalid tracking.") || !strings.Contains(string(posts[0].Body), "🚨") {
		t.Fatalf("posts %+v, want the refusal with its alarm", posts)
	}
}
