package draftcheck_test

import (
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

const (
	ownID    = "113-1234567-7654321"
	otherID  = "114-7654321-1234567"
	tracking = "1Z999AA10123456784"
)

var now = time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC) // a Monday

// unshippedOrder is a merchant order of two red mugs: 24.00 + 2.00 tax +
// 5.97 shipping = 31.97 USD.
func unshippedOrder() *core.Order {
	purchased := now.Add(-2 * 24 * time.Hour)
	return &core.Order{
		ID: ownID, Status: core.Unshipped, Fulfillment: core.Merchant, Currency: "USD",
		PurchaseDate: purchased, ShipBy: now.Add(48 * time.Hour),
		Buyer: core.Buyer{Name: "Jane Doe", Email: "jane.doe@example.com"},
		Items: []core.Item{{OrderItemID: "1", SKU: "MUG-RED", Title: "Red mug", Quantity: 2, Price: 2400, Tax: 200, Shipping: 597}},
	}
}
