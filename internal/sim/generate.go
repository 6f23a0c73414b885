package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// zones are where buyers are, with their share of messages: a US shop's
// buyers, and a few abroad.
var zones = []struct {
	name  string
	share float64
}{
	{"America/New_York", 0.42}, {"America/Chicago", 0.24}, {"America/Denver", 0.08},
	{"America/Los_Angeles", 0.20}, {"Pacific/Honolulu", 0.02}, {"Europe/London", 0.04},
}

// hourly is how buyers write over their own day (relative weights by
// local hour): quiet at night, busy at lunch and in the evening.
var hourly = [24]float64{1, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 2, 3, 4, 4.5, 4.5, 4.5, 4, 4, 4, 4, 4.5, 5, 6, 6, 5, 3.5, 2}

// texts are what buyers write; the last ones need no response.
var texts = []string{
	"Where is my order? It has not arrived yet.",
	"Can I change the delivery address for my order?",
	"The mug arrived broken, what can I do?",
	"Hello, when will my package ship?",
	"I would like to return this item, how do I do that?",
	"Does this come in a larger size?",
	"The tracking number does not work, can you check?",
}

var thanks = []string{"Thank you, got it!", "Thanks, all good now."}

// generate makes the month's orders and buyer messages, in time order.
func generate(rng *rand.Rand, cfg Config, shop *time.Location, end time.Time) ([]core.Order, []arrival) {
	var sum float64
	for _, w := range hourly {
		sum += w
	}
	var orders []core.Order
	var out []arrival
	buyer := 0
	for _, z := range zones {
		loc, err := time.LoadLocation(z.name)
		if err != nil {
			loc = shop
		}
		// Hour by hour of the buyer's own clock over the month (and a day
		// before, so the first morning has orders to ask about).
		from := cfg.Start.Add(-24 * time.Hour).In(loc).Truncate(time.Hour)
		for h := from; h.Before(end); h = h.Add(time.Hour) {
			l := h.In(loc)
			rate := cfg.MessagesPerDay * z.share * hourly[l.Hour()] / sum
			if wd := l.Weekday(); wd == time.Saturday || wd == time.Sunday {
				rate *= 1.1
			}
			for range poisson(rng, 5*rate) {
				at := h.Add(time.Duration(rng.IntN(3600)) * time.Second).Truncate(time.Second)
				id := fmt.Sprintf("113-%07d-%07d", len(orders)+1, rng.IntN(10_000_000))
				orders = append(orders, order(id, at))
			}
			if h.Before(cfg.Start) {
				continue
			}
			for range poisson(rng, rate) {
				at := h.Add(time.Duration(rng.IntN(3600)) * time.Second).Truncate(time.Second)
				if !at.Before(end) || len(orders) == 0 {
					continue
				}
				buyer++
				key := fmt.Sprintf("buyer-%d", buyer)
				// An order of the last days that exists by then.
				o := orders[len(orders)-1-rng.IntN(min(len(orders), 400))]
				for o.PurchaseDate.After(at) {
					o = orders[rng.IntN(len(orders))]
				}
				thank := rng.Float64() < 0.12
				text := texts[rng.IntN(len(texts))]
				if thank {
					text = thanks[rng.IntN(len(thanks))]
				}
				out = append(out, arrival{at: at, buyer: key, order: o.ID, text: text, thank: thank})
				if !thank && rng.Float64() < 0.125 { // writes again two hours later
					out = append(out, arrival{at: at.Add(2 * time.Hour), buyer: key, order: o.ID, text: "Any news? I am still waiting."})
				}
			}
		}
	}
	slices.SortStableFunc(orders, func(a, b core.Order) int { return a.PurchaseDate.Compare(b.PurchaseDate) })
	slices.SortStableFunc(out, func(a, b arrival) int { return a.at.Compare(b.at) })
	for len(out) > 0 && !out[len(out)-1].at.Before(end) {
		out = out[:len(out)-1]
	}
	return orders, out
}

// poisson draws a Poisson count with mean lambda (Knuth; lambda is small).
func poisson(rng *rand.Rand, lambda float64) int {
	l, k, p := math.Exp(-lambda), 0, 1.0
	for {
		p *= rng.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

// order is a merchant order with made-up buyer details (only in the
// simulation's throwaway store).
func order(id string, at time.Time) core.Order {
	paid := at.Add(5 * time.Minute)
	return core.Order{
		ID: id, Fulfillment: core.Merchant, PurchaseDate: at.UTC(), PaymentsDate: &paid, Currency: "USD",
		ShipServiceLevel: "Standard", SalesChannel: "Amazon.com", ReportUpdated: at.UTC(),
		Buyer:  core.Buyer{Name: "Sam Buyer", Email: "sam@example.com"},
		ShipTo: core.Address{Name: "Sam Buyer", Line1: "1 Oak St", City: "Portland", State: "OR", PostalCode: "97201", Country: "US"},
		Items:  []core.Item{{OrderItemID: id + "-1", SKU: "MUG", Title: "Mug", Quantity: 1, Price: 1500, Tax: 120, Shipping: 499}},
	}
}
