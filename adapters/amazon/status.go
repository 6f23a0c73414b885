package amazon

import (
	"strings"

	"github.com/sellerdesk/sellerdesk/core"
)

// squash lower-cases s and drops spaces, hyphens and underscores, so
// "Partially Shipped", "PartiallyShipped" and "partially_shipped" compare equal.
func squash(s string) string {
	plain := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' || c == ' ' || c == '-' || c == '_' {
			plain = false
			break
		}
	}
	if plain {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '-' || c == '_':
		case c >= 'A' && c <= 'Z':
			b.WriteByte(c + 'a' - 'A')
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// parseStatus maps a report's order-status onto the order flow. The report
// spells it "Cancelled", the Orders API "Canceled"; both are accepted. The
// choices for Amazon's statuses that sellerdesk has no word for are in the
// package comment.
func parseStatus(s string) (core.Status, bool) {
	switch squash(s) {
	case "pending", "pendingavailability":
		return core.Pending, true
	case "unshipped", "shipping":
		return core.Unshipped, true
	case "partiallyshipped":
		return core.PartiallyShipped, true
	case "shipped", "invoiceunconfirmed":
		return core.Shipped, true
	case "canceled", "cancelled", "unfulfillable":
		return core.Canceled, true
	case "delivered":
		return core.Delivered, true
	}
	return "", false
}

// canceledItem reports whether an item-status says the line was cancelled.
func canceledItem(s string) bool {
	switch squash(s) {
	case "canceled", "cancelled":
		return true
	}
	return false
}

// parseFulfillment maps fulfillment-channel: the report says Merchant or
// Amazon, the Orders API MFN or AFN.
func parseFulfillment(s string) (core.Fulfillment, bool) {
	switch squash(s) {
	case "", "merchant", "mfn", "sellerfulfilled":
		return core.Merchant, true
	case "amazon", "afn":
		return core.Marketplace, true
	}
	return "", false
}
