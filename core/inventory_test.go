package core

import (
	"reflect"
	"testing"
	"time"
)

func TestStockChanges(t *testing.T) {
	with := func(o *Order, f func(*Order)) *Order { f(o); return o }
	shippedAll := func(st Status) *Order { return fxShippedOrder(st, fxDay(2026, 3, 5), time.Time{}) }
	tests := []struct {
		name          string
		before, after *Order
		want          map[string]stockDelta
	}{
		{"place_unshipped_reserves_units", nil, fxOrder(Unshipped),
			map[string]stockDelta{"MUG-01": {reserved: 2, available: -2}, "TEE-M": {reserved: 1, available: -1}}},
		{"place_pending_reserves_units", nil, fxOrder(Pending),
			map[string]stockDelta{"MUG-01": {reserved: 2, available: -2}, "TEE-M": {reserved: 1, available: -1}}},
		{"place_partially_shipped_reserves_only_the_rest", nil, fxPartial(),
			map[string]stockDelta{"MUG-01": {reserved: 1, available: -1}, "TEE-M": {reserved: 1, available: -1}}},
		{"place_shipped_ignores_shipped_units", nil, shippedAll(Shipped), map[string]stockDelta{}},
		{"place_delivered_ignores_shipped_units", nil, shippedAll(Delivered), map[string]stockDelta{}},
		{"place_canceled_nothing", nil, fxOrder(Canceled), map[string]stockDelta{}},
		{"place_marketplace_untouched", nil, fxMarketplace(Unshipped), map[string]stockDelta{}},
		{"place_same_sku_on_two_lines_adds_up", nil, with(fxOrder(Unshipped), func(o *Order) {
			o.Items = append(o.Items, Item{OrderItemID: "13", SKU: "MUG-01", Quantity: 3})
		}), map[string]stockDelta{"MUG-01": {reserved: 5, available: -5}, "TEE-M": {reserved: 1, available: -1}}},
		{"payment_clears_nothing_moves", fxOrder(Pending), fxOrder(Unshipped), map[string]stockDelta{}},
		{"ship_all_turns_reserved_into_shipped", fxOrder(Unshipped), shippedAll(Shipped),
			map[string]stockDelta{"MUG-01": {reserved: -2}, "TEE-M": {reserved: -1}}},
		{"ship_partial_moves_shipped_units_only", fxOrder(Unshipped), fxPartial(),
			map[string]stockDelta{"MUG-01": {reserved: -1}}},
		{"ship_rest_of_partial", fxPartial(), shippedAll(Shipped),
			map[string]stockDelta{"MUG-01": {reserved: -1}, "TEE-M": {reserved: -1}}},
		{"cancel_unshipped_releases", fxOrder(Unshipped), fxOrder(Canceled),
			map[string]stockDelta{"MUG-01": {reserved: -2, available: 2}, "TEE-M": {reserved: -1, available: 1}}},
		{"cancel_pending_releases", fxOrder(Pending), fxOrder(Canceled),
			map[string]stockDelta{"MUG-01": {reserved: -2, available: 2}, "TEE-M": {reserved: -1, available: 1}}},
		{"cancel_partially_shipped_releases_unshipped_only", fxPartial(), with(fxPartial(), func(o *Order) { o.Status = Canceled }),
			map[string]stockDelta{"MUG-01": {reserved: -1, available: 1}, "TEE-M": {reserved: -1, available: 1}}},
		{"deliver_nothing_moves", shippedAll(Shipped), shippedAll(Delivered), map[string]stockDelta{}},
		{"marketplace_ship_untouched", fxMarketplace(Unshipped), with(fxMarketplace(Shipped), func(o *Order) {
			o.Items[0].Shipped, o.Items[1].Shipped = 2, 1
		}), map[string]stockDelta{}},
		{"marketplace_cancel_untouched", fxMarketplace(Unshipped), fxMarketplace(Canceled), map[string]stockDelta{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := stockChanges(tt.before, tt.after)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("stockChanges = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// The rules and the stock movement agree: what Ship and Cancel do to an
// order is what moves stock.
func TestStockChangesFollowRules(t *testing.T) {
	p := DefaultPolicy()
	now := time.Date(2026, 3, 5, 10, 0, 0, 0, time.UTC)
	t.Run("partial_ship_then_cancel_restocks_the_rest", func(t *testing.T) {
		o := fxOrder(Unshipped)
		placed := stockChanges(nil, o)
		before := o.Clone()
		if _, err := p.Ship(o, ShipOrder{OrderID: fxID, Carrier: UPS, Tracking: fxUPS, Items: []ItemQty{{"mug-01", 1}}}, now, "S-1", "ann"); err != nil {
			t.Fatalf("Ship: %v", err)
		}
		shipped := stockChanges(before, o)
		before = o.Clone()
		if err := p.Cancel(o, NoInventory, now); err != nil {
			t.Fatalf("Cancel: %v", err)
		}
		canceled := stockChanges(before, o)
		// Over the order's life one mug left the shelf; nothing stays reserved.
		total := map[string]stockDelta{}
		for _, m := range []map[string]stockDelta{placed, shipped, canceled} {
			for sku, d := range m {
				x := total[sku]
				total[sku] = stockDelta{reserved: x.reserved + d.reserved, available: x.available + d.available}
			}
		}
		want := map[string]stockDelta{"MUG-01": {reserved: 0, available: -1}, "TEE-M": {}}
		if !reflect.DeepEqual(total, want) {
			t.Errorf("net movement = %+v, want %+v (place %+v, ship %+v, cancel %+v)", total, want, placed, shipped, canceled)
		}
	})
}

func TestApplyStock(t *testing.T) {
	tests := []struct {
		name        string
		stock       Stock
		delta       stockDelta
		wantAfter   Stock
		wantEvent   EventKind // "" for none
		wantEventTx string
	}{
		{"reserve_above_threshold_no_alert", Stock{SKU: "MUG-01", Available: 20, Threshold: 5}, stockDelta{2, -2},
			Stock{SKU: "MUG-01", Available: 18, Reserved: 2, Threshold: 5}, "", ""},
		{"reserve_down_to_threshold_no_alert", Stock{SKU: "MUG-01", Available: 7, Threshold: 5}, stockDelta{2, -2},
			Stock{SKU: "MUG-01", Available: 5, Reserved: 2, Threshold: 5}, "", ""},
		{"reserve_below_threshold_alerts_low", Stock{SKU: "MUG-01", Available: 6, Threshold: 5}, stockDelta{2, -2},
			Stock{SKU: "MUG-01", Available: 4, Reserved: 2, Threshold: 5}, EventLowStock, "Low stock: MUG-01 has 4 available, under its threshold of 5."},
		{"already_low_no_second_alert", Stock{SKU: "MUG-01", Available: 4, Reserved: 2, Threshold: 5}, stockDelta{1, -1},
			Stock{SKU: "MUG-01", Available: 3, Reserved: 3, Threshold: 5}, "", ""},
		{"low_to_zero_alerts_out", Stock{SKU: "MUG-01", Available: 2, Threshold: 5}, stockDelta{2, -2},
			Stock{SKU: "MUG-01", Available: 0, Reserved: 2, Threshold: 5}, EventOutOfStock, "Out of stock: MUG-01 has 0 available (2 reserved for open orders)."},
		{"plenty_to_oversold_alerts_out_only", Stock{SKU: "MUG-01", Available: 10, Threshold: 5}, stockDelta{11, -11},
			Stock{SKU: "MUG-01", Available: -1, Reserved: 11, Threshold: 5}, EventOutOfStock, "Out of stock: MUG-01 has -1 available (11 reserved for open orders)."},
		{"already_out_no_second_alert", Stock{SKU: "MUG-01", Available: 0, Reserved: 2, Threshold: 5}, stockDelta{2, -2},
			Stock{SKU: "MUG-01", Available: -2, Reserved: 4, Threshold: 5}, "", ""},
		{"restock_from_out_no_alert", Stock{SKU: "MUG-01", Available: 0, Reserved: 2, Threshold: 5}, stockDelta{-2, 2},
			Stock{SKU: "MUG-01", Available: 2, Reserved: 0, Threshold: 5}, "", ""},
		{"ship_moves_reserved_only_no_alert", Stock{SKU: "MUG-01", Available: 3, Reserved: 2, Threshold: 5}, stockDelta{-2, 0},
			Stock{SKU: "MUG-01", Available: 3, Reserved: 0, Threshold: 5}, "", ""},
		{"zero_threshold_alerts_out_not_low", Stock{SKU: "MUG-01", Available: 1}, stockDelta{1, -1},
			Stock{SKU: "MUG-01", Available: 0, Reserved: 1}, EventOutOfStock, "Out of stock: MUG-01 has 0 available (1 reserved for open orders)."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stocks := map[string]Stock{tt.stock.SKU: tt.stock}
			changed, events := applyStock(stocks, map[string]stockDelta{tt.stock.SKU: tt.delta})
			if len(changed) != 1 || changed[0] != tt.wantAfter || stocks[tt.stock.SKU] != tt.wantAfter {
				t.Errorf("changed = %+v, map %+v; want %+v", changed, stocks[tt.stock.SKU], tt.wantAfter)
			}
			if tt.wantEvent == "" {
				if len(events) != 0 {
					t.Errorf("events = %+v, want none", events)
				}
				return
			}
			want := []Event{{Kind: tt.wantEvent, SKU: tt.stock.SKU, Text: tt.wantEventTx}}
			if !reflect.DeepEqual(events, want) {
				t.Errorf("events = %+v, want %+v", events, want)
			}
		})
	}
}

func TestApplyStockUntrackedAndOrder(t *testing.T) {
	t.Run("untracked_sku_untouched", func(t *testing.T) {
		stocks := map[string]Stock{"MUG-01": {SKU: "MUG-01", Available: 10, Threshold: 5}}
		changed, events := applyStock(stocks, map[string]stockDelta{"MUG-01": {1, -1}, "TEE-M": {1, -1}})
		if len(changed) != 1 || changed[0].SKU != "MUG-01" || len(events) != 0 {
			t.Errorf("changed %+v, events %+v; want MUG-01 only", changed, events)
		}
		if _, ok := stocks["TEE-M"]; ok || len(stocks) != 1 {
			t.Errorf("an untracked SKU was added: %+v", stocks)
		}
	})
	t.Run("nothing_tracked_nothing_changed", func(t *testing.T) {
		changed, events := applyStock(map[string]Stock{}, map[string]stockDelta{"MUG-01": {1, -1}})
		if changed != nil || events != nil {
			t.Errorf("changed %+v, events %+v", changed, events)
		}
	})
	t.Run("changes_and_alerts_in_sku_order", func(t *testing.T) {
		stocks := map[string]Stock{
			"C": {SKU: "C", Available: 1, Threshold: 1},
			"A": {SKU: "A", Available: 1, Threshold: 1},
			"B": {SKU: "B", Available: 1, Threshold: 1},
		}
		d := stockDelta{1, -1}
		changed, events := applyStock(stocks, map[string]stockDelta{"C": d, "B": d, "A": d})
		var skus, evs []string
		for _, s := range changed {
			skus = append(skus, s.SKU)
		}
		for _, e := range events {
			evs = append(evs, e.SKU)
		}
		if !reflect.DeepEqual(skus, []string{"A", "B", "C"}) || !reflect.DeepEqual(evs, []string{"A", "B", "C"}) {
			t.Errorf("changed %v, events %v; want A, B, C", skus, evs)
		}
	})
}

func TestStockLowOut(t *testing.T) {
	tests := []struct {
		name     string
		s        Stock
		low, out bool
	}{
		{"above_threshold", Stock{Available: 6, Threshold: 5}, false, false},
		{"at_threshold_not_low", Stock{Available: 5, Threshold: 5}, false, false},
		{"under_threshold_low", Stock{Available: 4, Threshold: 5}, true, false},
		{"zero_is_out_and_low", Stock{Available: 0, Threshold: 5}, true, true},
		{"oversold_is_out", Stock{Available: -3, Threshold: 5}, true, true},
		{"zero_threshold_zero_out_not_low", Stock{Available: 0}, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.s.Low() != tt.low || tt.s.Out() != tt.out {
				t.Errorf("Low, Out = %v, %v; want %v, %v", tt.s.Low(), tt.s.Out(), tt.low, tt.out)
			}
		})
	}
}

func TestSkusOf(t *testing.T) {
	a := fxOrder(Unshipped)
	b := fxOrder(Unshipped)
	b.Items = append(b.Items, Item{OrderItemID: "13", SKU: "HAT-01", Quantity: 1})
	if got, want := skusOf(nil, a, b), []string{"MUG-01", "TEE-M", "HAT-01"}; !reflect.DeepEqual(got, want) {
		t.Errorf("skusOf = %q, want %q", got, want)
	}
}
