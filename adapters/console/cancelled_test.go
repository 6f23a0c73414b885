package console

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// A line the marketplace cancelled shows as cancelled on the order card,
// not as a line with nothing in it.
func TestOrderCardShowsCancelledLines(t *testing.T) {
	now := time.Date(2024, 5, 3, 12, 0, 0, 0, time.UTC)
	r := Renderer{Policy: core.DefaultPolicy(), Now: func() time.Time { return now }}
	o := &core.Order{ID: "114-3941689-8772232", Status: core.Shipped, Fulfillment: core.Merchant, Currency: "USD",
		PurchaseDate: now.Add(-48 * time.Hour), ShipBy: now,
		Items: []core.Item{{OrderItemID: "1", SKU: "MUG", Quantity: 2, Shipped: 2, Price: 2598}, {OrderItemID: "2", SKU: "TEE", Canceled: 1}}}
	var b bytes.Buffer
	r.Order(&b, o, nil)
	var tee string
	for _, l := range strings.Split(b.String(), "\n") {
		if strings.Contains(l, "TEE") {
			tee = l
		}
	}
	if !strings.Contains(tee, "0 (1 cancelled)") || !strings.Contains(tee, "0.00 USD") {
		t.Fatalf("cancelled line shows as %q in\n%s", tee, b.String())
	}
}
