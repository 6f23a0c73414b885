package core

import (
	"fmt"
	"maps"
	"slices"
)

// unitsBySKU counts an order's merchant units per SKU: held (reserved for
// an order not yet shipped) and shipped (gone from the shelf). Marketplace
// orders ship from the marketplace's stock, never the seller's.
func unitsBySKU(o *Order) (held, shipped map[string]int) {
	held, shipped = map[string]int{}, map[string]int{}
	if o == nil || o.Fulfillment != Merchant {
		return held, shipped
	}
	for _, it := range o.Items {
		shipped[it.SKU] += it.Shipped
		if o.Status == Pending || o.Open() {
			held[it.SKU] += it.Unshipped()
		}
	}
	return held, shipped
}

// stockDelta is how an order change moves one SKU's stock.
type stockDelta struct{ reserved, available int }

// stockChanges derives the stock movement of an order change from the
// order before and after, so every path (ship, cancel, import, the 30-day
// rule) reserves and releases units the same way: placing reserves,
// cancelling releases, shipping turns reserved units into shipped ones.
// before is nil for a new order; a new order's already-shipped units are
// history the seller's stock count already reflects.
func stockChanges(before, after *Order) map[string]stockDelta {
	hb, sb := unitsBySKU(before)
	ha, sa := unitsBySKU(after)
	if before == nil {
		sa = map[string]int{}
	}
	out := map[string]stockDelta{}
	for _, m := range []map[string]int{hb, sb, ha, sa} {
		for sku := range m {
			dHeld := ha[sku] - hb[sku]
			dShipped := sa[sku] - sb[sku]
			if dHeld != 0 || dShipped != 0 {
				out[sku] = stockDelta{reserved: dHeld, available: -(dHeld + dShipped)}
			}
		}
	}
	return out
}

// applyStock moves tracked SKUs' stock and returns the alerts that crossing
// a threshold raises. SKUs the seller doesn't track are left alone.
func applyStock(stocks map[string]Stock, deltas map[string]stockDelta) (changed []Stock, events []Event) {
	for _, sku := range slices.Sorted(maps.Keys(deltas)) {
		s, ok := stocks[sku]
		if !ok {
			continue
		}
		d := deltas[sku]
		before := s
		s.Reserved += d.reserved
		s.Available += d.available
		stocks[sku] = s
		changed = append(changed, s)
		events = append(events, stockEvents(before, s)...)
	}
	return changed, events
}

// stockEvents raises low-stock and out-of-stock alerts when a SKU crosses
// the line, not on every change below it, so staff are not flooded.
func stockEvents(before, after Stock) []Event {
	switch {
	case after.Out() && !before.Out():
		return []Event{{Kind: EventOutOfStock, SKU: after.SKU, Text: fmt.Sprintf("Out of stock: %s has %d available (%d reserved for open orders).", after.SKU, after.Available, after.Reserved)}}
	case after.Low() && !before.Low() && !after.Out():
		return []Event{{Kind: EventLowStock, SKU: after.SKU, Text: fmt.Sprintf("Low stock: %s has %d available, under its threshold of %d.", after.SKU, after.Available, after.Threshold)}}
	}
	return nil
}

// skusOf lists the SKUs an order change touches.
func skusOf(orders ...*Order) []string {
	seen := map[string]bool{}
	var out []string
	for _, o := range orders {
		if o == nil {
			continue
		}
		for _, it := range o.Items {
			if !seen[it.SKU] {
				seen[it.SKU] = true
				out = append(out, it.SKU)
			}
		}
	}
	return out
}
