package drafter_test

import (
	"fmt"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
	"github.com/sellerdesk/sellerdesk/core/drafter"
)

func ExampleDrafter_Draft() {
	d := drafter.New(drafter.Shop{Name: "Acme Mugs", Policy: core.DefaultPolicy(), StaffLanguage: "en"})
	order := &core.Order{
		ID: "113-1234567-7654321", Status: core.Shipped, Fulfillment: core.Merchant, Currency: "USD",
		Buyer:     core.Buyer{Name: "Li Wei", Email: "li@example.com"},
		Items:     []core.Item{{SKU: "MUG-01", Quantity: 1, Shipped: 1, Price: 1500}},
		Shipments: []core.Shipment{{Carrier: core.UPS, Tracking: "1Z999AA10123456784", ShipDate: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)}},
	}
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)

	got := d.Draft("你好，我的包裹到哪里了？", drafter.Facts{Order: order, Now: now})
	fmt.Println(got.Language, got.Intent, got.NeedsResponse)
	fmt.Println(got.Summary)
	fmt.Println(got.Text)

	thanks := d.Draft("收到，谢谢！", drafter.Facts{Order: order, Now: now})
	fmt.Println(thanks.Intent, thanks.NeedsResponse)
	// Output:
	// zh track_order true
	// Buyer (zh) asks where order 113-1234567-7654321 is; it shipped 2026-11-20 with UPS 1Z999AA10123456784. (track_order)
	// Li Wei，您好！
	//
	// 您的订单 113-1234567-7654321 已于2026年11月20日通过 UPS 发货，物流单号为 1Z999AA10123456784。您可以用这个单号在 UPS 官网查询物流进度。
	//
	// 祝好！
	// Acme Mugs
	// no_response_needed false
}
