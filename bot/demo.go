package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// The demo shop: a small homewares seller on Amazon.com. The seed is fixed so
// every fresh demo has the same order ids; dates follow today's date.

type demoProduct struct {
	sku, title string
	price      int64 // cents per unit
	stock      int
}

func demoProducts() []demoProduct {
	return []demoProduct{
		{"MUG-CERAMIC-12OZ", "Ceramic Coffee Mug 12oz, Speckled White", 1499, 120},
		{"MUG-TRAVEL-16OZ", "Insulated Travel Mug 16oz, Matte Black", 2499, 60},
		{"TEA-TOWEL-LINEN-2", "Linen Tea Towels, Set of 2, Natural", 1899, 80},
		{"CANDLE-SOY-CEDAR", "Soy Candle, Cedar & Sage, 8oz", 2200, 45},
		{"COASTER-CORK-6", "Cork Coasters, Set of 6", 1150, 200},
		{"VASE-STONE-SM", "Stoneware Bud Vase, Small, Sand", 2899, 7}, // the low-stock SKU
		{"BOARD-OLIVE-LG", "Olive Wood Serving Board, Large", 4999, 25},
	}
}

type demoBuyer struct{ name, email, city, state, zip, country string }

func demoBuyers() []demoBuyer {
	return []demoBuyer{
		{"Emma Johnson", "emma.johnson@example.com", "Portland", "OR", "97201", "US"},
		{"Liam Garcia", "liam.garcia@example.com", "Austin", "TX", "73301", "US"},
		{"Olivia Smith", "olivia.smith@example.net", "Brooklyn", "NY", "11201", "US"},
		{"Jürgen Müller", "j.mueller@example.de", "Springfield", "IL", "62701", "US"},
		{"山田 太郎", "taro.yamada@example.jp", "Seattle", "WA", "98101", "US"},
		{"Sofía Hernández", "sofia.h@example.com", "Miami", "FL", "33101", "US"},
		{"Noah Williams", "noah.w@example.org", "Denver", "CO", "80202", "US"},
		{"Ava Brown", "ava.brown@example.com", "Chicago", "IL", "60601", "US"},
		{"Wei Chen", "wei.chen@example.com", "San Jose", "CA", "95113", "US"},
		{"Chloé Dubois", "chloe.dubois@example.fr", "Boston", "MA", "02108", "US"},
	}
}

// DemoInfo tells a new user what to try.
type DemoInfo struct {
	ShipOrderID, ShipCommand string
	BuyerEmail, BuyerOrderID string
	Orders                   int
}

// StaffTries are the commands the demo banner suggests to staff, in order.
// Each shows something on any day (TestDemoSuggestionsShowRowsEveryDay).
func (info DemoInfo) StaffTries() []string {
	if info.ShipCommand == "" {
		return []string{"orders unshipped", "health", "help ship"}
	}
	return []string{"orders due", "order " + info.ShipOrderID, info.ShipCommand}
}

// upsTracking makes a UPS 1Z number with a correct check digit.
func upsTracking(r *rand.Rand) string {
	const alnum = "0123456789ABCDEFGHJKLMNPRSTVWXY"
	var b strings.Builder
	b.WriteString("1Z")
	for range 6 {
		b.WriteByte(alnum[r.IntN(len(alnum))])
	}
	b.WriteString("03")
	for range 7 {
		b.WriteByte(byte('0' + r.IntN(10)))
	}
	body := b.String()[2:]
	sum := 0
	for i, c := range body {
		v := int(c - '0')
		if c >= 'A' && c <= 'Z' {
			v = int(c-'A'+2) % 10 // UPS reads letters as A=2, B=3, …
		}
		if i%2 == 1 {
			v *= 2
		}
		sum += v
	}
	return b.String() + string(rune('0'+(10-sum%10)%10))
}

// uspsTracking makes a 22-digit USPS IMpb number with a correct check digit.
func uspsTracking(r *rand.Rand) string {
	digits := []byte("940011120")
	for range 12 {
		digits = append(digits, byte('0'+r.IntN(10)))
	}
	sum := 0
	for i := len(digits) - 1; i >= 0; i-- {
		w := 1
		if (len(digits)-1-i)%2 == 0 {
			w = 3
		}
		sum += int(digits[i]-'0') * w
	}
	return string(digits) + string(rune('0'+(10-sum%10)%10))
}

// SeedDemo fills an empty store with about fifty orders covering every
// status, merchant and FBA, a low-stock SKU and an open return.
func SeedDemo(ctx context.Context, e *core.Engine) (DemoInfo, error) {
	r := rand.New(rand.NewPCG(2026, 11))
	now := e.Now()
	owner := core.Actor{ID: "console:demo", Name: "demo", Role: core.Owner, Source: "console"}
	do := func(line string) error {
		_, err := e.RunLine(ctx, owner, line, false)
		if err != nil {
			return fmt.Errorf("demo seed %q: %w", line, err)
		}
		return nil
	}
	products := demoProducts()
	for _, p := range products {
		if err := do(fmt.Sprintf("stock %s set %d", p.sku, p.stock)); err != nil {
			return DemoInfo{}, err
		}
	}
	buyers := demoBuyers()
	type plan struct {
		ageHours float64
		fba      bool
		pending  bool
	}
	var plans []plan
	// Six orders from the last day (two still pending payment), the rest
	// spread over five weeks, and every ninth fulfilled by the marketplace.
	for i := range 50 {
		p := plan{ageHours: float64(i)*4 + r.Float64()*3 + 0.2}
		if i >= 6 {
			p.ageHours = 24 + float64(i-6)*21 + r.Float64()*8
		}
		p.pending = i == 0 || i == 2
		p.fba = i%9 == 4
		plans = append(plans, p)
	}
	orders := make([]core.Order, 0, len(plans))
	policy := e.Policy()
	dueSet := false
	for i, p := range plans {
		b := buyers[i%len(buyers)]
		id := fmt.Sprintf("113-%07d-%07d", 1000000+r.IntN(8999999), 1000000+r.IntN(8999999))
		purchased := now.Add(-time.Duration(p.ageHours * float64(time.Hour))).Truncate(time.Second)
		o := core.Order{
			ID: id, Fulfillment: core.Merchant, SalesChannel: "Amazon.com", PurchaseDate: purchased, Currency: "USD",
			ShipServiceLevel: []string{"Standard", "Standard", "Expedited", "SecondDay"}[r.IntN(4)],
			Buyer:            core.Buyer{Name: b.name, Email: b.email},
			ShipTo: core.Address{Name: b.name, Line1: fmt.Sprintf("%d %s", 100+r.IntN(9000), []string{"Oak St", "Maple Ave", "Pine Rd", "Cedar Ln", "Elm St"}[r.IntN(5)]),
				City: b.city, State: b.state, PostalCode: b.zip, Country: b.country},
			ReportUpdated: purchased,
		}
		if p.fba {
			o.Fulfillment, o.Status = core.Marketplace, core.Shipped
			if p.ageHours < 30 {
				o.Status = core.Unshipped
			}
		}
		if !p.pending {
			paid := purchased.Add(10 * time.Minute)
			o.PaymentsDate = &paid
		}
		if !dueSet && !p.pending && !p.fba {
			// "orders due" is the banner's first suggestion, so one fresh
			// order must be due whatever the day: computed ship-bys skip
			// weekends, and on a Saturday none falls in the next 24 hours.
			// This one carries the marketplace's own ship-by, as a report's
			// latest-ship-date does for a seller who ships on weekends: the
			// end of today.
			dueSet = true
			if sb := policy.ShipBy(purchased); sb.Before(policy.Day(now)) || !sb.Before(now.Add(24*time.Hour)) {
				o.ShipBy = policy.Day(now).AddDate(0, 0, 1).Add(-time.Second)
			}
		}
		n := 1 + r.IntN(3)/2 // mostly one line, sometimes two
		for j := range n {
			pr := products[(i*3+j*5)%len(products)]
			q := 1 + r.IntN(4)/3
			o.Items = append(o.Items, core.Item{OrderItemID: fmt.Sprintf("%014d", 10000000000000+int64(i*10+j)), SKU: pr.sku, Title: pr.title,
				Quantity: q, Price: pr.price * int64(q), Tax: pr.price * int64(q) * 8 / 100, Shipping: int64(499 * (1 - j))})
		}
		orders = append(orders, o)
	}
	if _, err := e.Import(ctx, orders); err != nil {
		return DemoInfo{}, fmt.Errorf("demo seed import: %w", err)
	}
	info := DemoInfo{Orders: len(orders)}
	p := policy
	// Work the older merchant orders as a busy week would have.
	partial := false
	for i, o := range orders {
		if o.Fulfillment != core.Merchant || o.PaymentsDate == nil {
			continue
		}
		age := now.Sub(o.PurchaseDate)
		shipBy := p.ShipBy(o.PurchaseDate)
		carrier, tracking := "ups", upsTracking(r)
		if i%3 == 0 {
			carrier, tracking = "usps", uspsTracking(r)
		}
		shipDay := o.PurchaseDate.Add(20 * time.Hour)
		if i%11 == 7 { // a few late ones
			shipDay = shipBy.Add(30 * time.Hour)
		}
		if shipDay.After(now) {
			shipDay = now
		}
		var cmds []string
		switch {
		case age < 30*time.Hour:
			// Fresh: left for the user to ship; the first is the due one.
			if info.ShipOrderID == "" {
				info.ShipOrderID = o.ID
				info.ShipCommand = fmt.Sprintf("ship %s ups %s", o.ID, upsTracking(r))
			}
			continue
		case i == 27 || i == 35:
			continue // left unshipped: late now; i=35 also near the 30-day limit
		case i%13 == 6:
			cmds = append(cmds, fmt.Sprintf("cancel %s no_inventory", o.ID))
		case i%10 == 5:
			cmds = append(cmds, fmt.Sprintf("cancel %s buyer_canceled changed their mind", o.ID))
		case len(o.Items) > 1 && age < 10*24*time.Hour && !partial:
			// One order waits for its second item: a partial shipment.
			partial = true
			cmds = append(cmds, fmt.Sprintf("ship %s %s %s %s:%d date %s", o.ID, carrier, tracking, o.Items[0].SKU, o.Items[0].Quantity, shipDay.In(p.Location).Format(time.DateOnly)))
		default:
			cmds = append(cmds, fmt.Sprintf("ship %s %s %s date %s", o.ID, carrier, tracking, shipDay.In(p.Location).Format(time.DateOnly)))
			if age > 6*24*time.Hour {
				del := shipDay.Add(72 * time.Hour)
				if del.After(now) {
					del = now
				}
				cmds = append(cmds, fmt.Sprintf("delivered %s date %s", o.ID, del.In(p.Location).Format(time.DateOnly)))
			}
		}
		for _, c := range cmds {
			if err := do(c); err != nil {
				return info, err
			}
		}
		if info.BuyerOrderID == "" && age > 6*24*time.Hour && strings.HasPrefix(cmds[0], "ship") {
			info.BuyerOrderID, info.BuyerEmail = o.ID, o.Buyer.Email
		}
	}
	// Returns: one open, one approved and received awaiting refund, one refunded.
	var delivered []string
	for _, o := range orders {
		got, err := e.RunLine(ctx, owner, "order "+o.ID, false)
		if err == nil && got.Order.Status == core.Delivered {
			delivered = append(delivered, o.ID)
		}
	}
	if len(delivered) >= 3 {
		steps := [][]string{
			{"return " + delivered[0] + " arrived with a chipped rim"},
			{"return " + delivered[1] + " wrong colour", "approve %s", "received %s"},
			{"return " + delivered[2] + " no longer needed", "approve %s", "received %s", "refund %s full return received"},
		}
		for _, s := range steps {
			res, err := e.RunLine(ctx, owner, s[0], false)
			if err != nil {
				return info, fmt.Errorf("demo seed %q: %w", s[0], err)
			}
			for _, f := range s[1:] {
				if err := do(fmt.Sprintf(f, res.Return.ID)); err != nil {
					return info, err
				}
			}
		}
	}
	return info, nil
}
