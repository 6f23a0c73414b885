package console

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// The console's order card says where each shipment stands on Amazon.
func TestOrderCardShowsAmazonStates(t *testing.T) {
	now := time.Date(2026, 11, 18, 15, 0, 0, 0, time.UTC)
	r := Renderer{Policy: core.DefaultPolicy(), Now: func() time.Time { return now }}
	line := []core.ShipmentLine{{OrderItemID: "1", SKU: "MUG", Quantity: 1}}
	o := &core.Order{ID: "114-3941689-8772232", Status: core.Shipped, Fulfillment: core.Merchant, Currency: "USD",
		PurchaseDate: now.Add(-48 * time.Hour), ShipBy: now,
		Items: []core.Item{{OrderItemID: "1", SKU: "MUG", Quantity: 3, Shipped: 3, Price: 2598}},
		Shipments: []core.Shipment{
			{ID: "S-1", Carrier: core.UPS, Tracking: "1Z999AA10123456784", ShipDate: now, Lines: line, Amazon: core.AmazonConfirmed, AmazonAt: now},
			{ID: "S-2", Carrier: core.FedEx, Tracking: "123456789012", ShipDate: now, Lines: line, Amazon: core.AmazonWaiting},
			{ID: "S-3", Carrier: core.USPS, Tracking: "9400111201080805483016", ShipDate: now, Lines: line, Amazon: core.AmazonRefused,
				AmazonError: "Invalid carrierCode."},
			{ID: "S-4", Carrier: core.DHL, Tracking: "1234567890", ShipDate: now, Lines: line}, // never sent to Amazon
		}}
	var b bytes.Buffer
	r.Order(&b, o, nil)
	want := map[string]string{"1Z999AA10123456784": "(confirmed on Amazon)", "123456789012": "(waiting for Amazon)",
		"9400111201080805483016": "(refused by Amazon: Invalid carrierCode.)", "1234567890:": ""}
	for _, l := range strings.Split(b.String(), "\n") {
		for tracking, state := range want {
			if !strings.Contains(l, tracking) {
				continue
			}
			if state == "" && strings.Contains(l, "Amazon") || state != "" && !strings.HasSuffix(l, state) {
				t.Errorf("shipment line %q, want it to end %q", l, state)
			}
			delete(want, tracking)
		}
	}
	if len(want) > 0 {
		t.Fatalf("shipments missing from the card: %v\n%s", want, b.String())
	}
}
