package discordapp

import (
	"strings"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// A buyer's cancellation request is one staff alert with the reason
// (without the buyer's phone) and the one-step command, however often
// Amazon reports it; the order keeps the request.
func TestCancelRequestAlertInStaffChannel(t *testing.T) {
	h := newHarness(t)
	h.deliver()
	o := core.Order{ID: "113-0000000-0000042", Fulfillment: core.Merchant, PurchaseDate: time.Now().Add(-time.Hour), Currency: "USD",
		SalesChannel: "Amazon.com", PaymentsDate: new(time.Now().Add(-time.Hour)), ReportUpdated: time.Now().Add(-time.Hour),
		Items:         []core.Item{{OrderItemID: "L1", SKU: "MUG", Quantity: 1, Price: 900}},
		CancelRequest: &core.CancelRequest{Lines: []string{"L1"}, Reason: "Bought by mistake, ring +1 206 555 0100"}}
	h.importOrders(o)
	h.importOrders(o)
	h.deliver()
	posts := h.fake.calls("POST /channels/" + staff + "/messages")
	if len(posts) != 1 {
		t.Fatalf("%d staff posts, want one alert", len(posts))
	}
	content, _ := posts[0].JSON()["content"].(string)
	for _, want := range []string{"🙋", "Bought by mistake", "cancel 113-0000000-0000042 buyer_canceled"} {
		if !strings.Contains(content, want) {
			t.Errorf("alert %q lacks %q", content, want)
		}
	}
	if strings.Contains(content, "555 0100") {
		t.Errorf("alert %q carries the buyer's phone", content)
	}
	card := h.order(o.ID)
	if card.CancelRequest == nil {
		t.Fatal("the order does not record the request")
	}
}
