package core

import (
	"strings"
	"testing"
	"time"
)

func TestStaffReasonKeepsPersonalDataOut(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Ordered the wrong size", "Ordered the wrong size"},
		{"mail me at jo.smith@example.com  please", "mail me at [email removed] please"},
		{"call +49 30 1234567 today", "call [phone removed] today"},
		{"cheaper at https://shop.example/item?id=1 and www.other.example", "cheaper at [link removed] and [link removed]"},
		// An order id and a date are not phone numbers.
		{"order 113-0000000-0000001 placed 2026-12-01", "order 113-0000000-0000001 placed 2026-12-01"},
		{"evil\u202Etxt.exe", "evil\uFFFDtxt.exe"},
	} {
		if got := StaffReason(tc.in); got != tc.want {
			t.Errorf("StaffReason(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := StaffReason(strings.Repeat("long ", 200)); len([]rune(got)) > maxReason {
		t.Errorf("a long reason kept %d characters, want at most %d", len([]rune(got)), maxReason)
	}
}

func TestCancelRequestTextSaysWhatToDo(t *testing.T) {
	e := NewEngine(nil, Options{})
	now := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	base := func(status Status, shipped int) *Order {
		return &Order{ID: "113-0000000-0000001", Status: status, Items: []Item{
			{OrderItemID: "i1", SKU: "MUG", Quantity: 2, Shipped: shipped}, {OrderItemID: "i2", SKU: "TEA", Quantity: 1}}}
	}
	in := &Order{CancelRequest: &CancelRequest{Lines: []string{"i2", "i1"}, Reason: "mistake"}}
	for _, tc := range []struct {
		name  string
		o     *Order
		wants []string
		not   string
	}{
		{"unshipped", base(Unshipped, 0), []string{"Don't ship it", "cancel 113-0000000-0000001 buyer_canceled", "“mistake”", "MUG, TEA"}, "too late"},
		{"partially_shipped", base(PartiallyShipped, 1), []string{"stays shipped", "cancel 113-0000000-0000001 buyer_canceled"}, "too late"},
		{"pending", base(Pending, 0), []string{"pending payment", "cancel 113-0000000-0000001 buyer_canceled"}, "too late"},
		{"shipped", base(Shipped, 2), []string{"too late", "refuse the delivery or return it"}, "cancel 113-0000000-0000001 buyer_canceled"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			evs := e.noteCancelRequest(tc.o, in, now)
			if len(evs) != 1 || evs[0].Kind != EventCancelRequested || evs[0].OrderID != tc.o.ID {
				t.Fatalf("events %+v, want one cancel_requested alert", evs)
			}
			for _, w := range tc.wants {
				if !strings.Contains(evs[0].Text, w) {
					t.Errorf("alert %q lacks %q", evs[0].Text, w)
				}
			}
			if strings.Contains(evs[0].Text, tc.not) {
				t.Errorf("alert %q has %q", evs[0].Text, tc.not)
			}
			// The same request again: noted already, no second alert.
			if again := e.noteCancelRequest(tc.o, in, now.Add(time.Hour)); len(again) != 0 || !tc.o.CancelRequest.SeenAt.Equal(now) {
				t.Fatalf("the same request again gave %+v (seen %s)", again, tc.o.CancelRequest.SeenAt)
			}
		})
	}
	// Another request (another reason) on the same order alerts again;
	// none on a cancelled order.
	o := base(Unshipped, 0)
	e.noteCancelRequest(o, in, now)
	if evs := e.noteCancelRequest(o, &Order{CancelRequest: &CancelRequest{Lines: []string{"i1"}, Reason: "too slow"}}, now); len(evs) != 1 {
		t.Fatalf("a new request gave %d alerts, want 1", len(evs))
	}
	if evs := e.noteCancelRequest(base(Canceled, 0), in, now); len(evs) != 0 {
		t.Fatalf("a request on a cancelled order alerted: %+v", evs)
	}
}

func TestAmazonCancelQueuedOnlyForMerchantAmazonOrders(t *testing.T) {
	now := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name    string
		amazon  bool
		channel string
		f       Fulfillment
		want    bool
	}{
		{"amazon_merchant", true, "Amazon.de", Merchant, true},
		{"connection_off", false, "Amazon.de", Merchant, false},
		{"fba", true, "Amazon.de", Marketplace, false},
		{"other_channel", true, "Non-Amazon", Merchant, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := NewEngine(nil, Options{AmazonConnected: tc.amazon})
			before := &Order{ID: "302-0000000-0000001", SalesChannel: tc.channel, Fulfillment: tc.f, Status: PartiallyShipped,
				Items: []Item{{OrderItemID: "a", SKU: "A", Quantity: 2, Shipped: 2}, {OrderItemID: "b", SKU: "B", Quantity: 3, Shipped: 1}}}
			o := before.Clone()
			o.Status, o.CancelReason = Canceled, NoInventory
			evs := e.queueAmazonCancel(before, o, now)
			if (len(evs) == 1) != tc.want || (o.AmazonCancel != nil) != tc.want {
				t.Fatalf("events %+v cancel %+v, want queued: %v", evs, o.AmazonCancel, tc.want)
			}
			if tc.want {
				if got := o.AmazonCancel.Lines; len(got) != 1 || got[0] != (CancelLine{OrderItemID: "b", SKU: "B", Quantity: 2}) {
					t.Errorf("lines %+v, want only the 2 unshipped units of b", got)
				}
				if o.AmazonCancel.State != AmazonCancelQueued || evs[0].Kind != EventAmazonCancel || evs[0].Kind.IsAlert() {
					t.Errorf("cancel %+v event %+v", o.AmazonCancel, evs[0])
				}
			}
		})
	}
}
