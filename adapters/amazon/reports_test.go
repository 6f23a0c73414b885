package amazon

import (
	"strings"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// allOrdersCols is the All Orders report's header (testdata/flatfiles).
func allOrdersCols(t *testing.T) []string {
	return strings.Split(strings.TrimSpace(string(sample(t, "all_orders_header.tsv"))), "\t")
}

// A line whose item-status is Cancelled inside a shipped order is that
// line cancelled: no units to ship, nothing paid, whatever price it shows.
func TestReadOrders_cancelledLineInsideAShippedOrder(t *testing.T) {
	row := func(sku, itemStatus, qty, price string) map[string]string {
		return map[string]string{"amazon-order-id": "114-3941689-8772232", "purchase-date": "2024-05-02T09:12:00+00:00",
			"last-updated-date": "2024-05-03T18:20:05+00:00", "order-status": "Shipped", "fulfillment-channel": "Merchant",
			"sku": sku, "item-status": itemStatus, "quantity": qty, "currency": "USD", "item-price": price, "item-tax": "0.80"}
	}
	res := mustRead(t, report(allOrdersCols(t),
		row("MUG", "Shipped", "2", "25.98"),
		row("TEE", "Cancelled", "1", "19.99"),
		row("CAP", "Canceled", "3", ""),
	), Options{})
	if len(res.rep.Bad) != 0 || len(res.orders) != 1 {
		t.Fatalf("bad %v, %d orders", res.rep.Bad, len(res.orders))
	}
	o := res.orders[0]
	if o.Status != core.Shipped || len(o.Items) != 3 {
		t.Fatalf("order %+v", o)
	}
	mug, tee, cap := o.Items[0], o.Items[1], o.Items[2]
	if mug.Quantity != 2 || mug.Canceled != 0 || mug.Price != 2598 {
		t.Errorf("live line %+v", mug)
	}
	for _, it := range []core.Item{tee, cap} {
		if it.Quantity != 0 || it.Paid() != 0 || it.OrderItemID == "" {
			t.Errorf("cancelled line %+v: has units or counts as paid", it)
		}
	}
	if tee.Canceled != 1 || cap.Canceled != 3 || tee.SKU != "TEE" {
		t.Errorf("cancelled units: %+v %+v", tee, cap)
	}
	if o.Paid() != mug.Paid() {
		t.Errorf("order paid %d, want only the live line's %d", o.Paid(), mug.Paid())
	}
}

// An order id that is not Amazon's 3-7-7 digits is a bad line, named by its
// line number; the file's good lines are still read.
func TestReadOrders_orderIDMustBeAmazons(t *testing.T) {
	bad := []string{"A", "111-1", "058-3563777-551806", "058-3563777-55180688", "058 3563777 5518068",
		"0583563777551806", "5.83564E+16", "D01-3563777-5518068", "058-3563777-551806x", "０５８-3563777-5518068"}
	rows := []map[string]string{goodRow("order-id", "058-3563777-5518068")}
	for _, id := range bad {
		rows = append(rows, goodRow("order-id", id))
	}
	res := mustRead(t, report(orderCols, rows...), Options{})
	if len(res.orders) != 1 || res.orders[0].ID != "058-3563777-5518068" {
		t.Fatalf("orders = %s", shape(res.orders))
	}
	if len(res.rep.Bad) != len(bad) {
		t.Fatalf("bad = %v, want %d", res.rep.Bad, len(bad))
	}
	for i, b := range res.rep.Bad {
		if b.Line != i+3 || !strings.Contains(b.Reason, "is not an Amazon order id (3-7-7 digits") || !strings.Contains(b.Reason, "order-id") {
			t.Errorf("line %d: %+v", i+3, b)
		}
	}
}

// The Unshipped Orders report has no prices and says when each order must
// ship (promise-date, or latest-ship-date): the ship-by is taken as the
// report gives it, and the report says it has no prices.
func TestReadOrders_unshippedOrdersReport(t *testing.T) {
	cols := strings.Split("order-id\torder-item-id\tpurchase-date\tpayments-date\treporting-date\tpromise-date\tdays-past-promise\t"+
		"buyer-email\tbuyer-name\tbuyer-phone-number\tsku\tproduct-name\tquantity-purchased\tquantity-shipped\tquantity-to-ship\t"+
		"ship-service-level\trecipient-name\tship-address-1\tship-address-2\tship-address-3\tship-city\tship-state\t"+
		"ship-postal-code\tship-country", "\t")
	row := func(id, promise string) map[string]string {
		r := goodRow("order-id", id, "promise-date", promise, "quantity-shipped", "0", "quantity-to-ship", "1")
		return r
	}
	res := mustRead(t, report(cols,
		row("113-0000001-0000001", "2024-05-03T06:59:59+00:00"),
		row("113-0000001-0000002", "2024-05-06T07:00:00+00:00 - 2024-05-07T06:59:59+00:00"),
		row("113-0000001-0000003", ""),
		row("113-0000001-0000004", "soon"),
	), Options{})
	if !res.rep.NoPrices {
		t.Error("NoPrices = false for a report without price columns")
	}
	if len(res.orders) != 3 || len(res.rep.Bad) != 1 || res.rep.Bad[0].Line != 5 || !strings.Contains(res.rep.Bad[0].Reason, `promise-date "soon"`) {
		t.Fatalf("orders %s, bad %v", shape(res.orders), res.rep.Bad)
	}
	want := []time.Time{time.Date(2024, 5, 3, 6, 59, 59, 0, time.UTC), time.Date(2024, 5, 7, 6, 59, 59, 0, time.UTC), {}}
	for i, o := range res.orders {
		if !o.ShipBy.Equal(want[i]) {
			t.Errorf("%s ship-by %s, want %s", o.ID, o.ShipBy, want[i])
		}
		if o.Currency != "" || o.Paid() != 0 {
			t.Errorf("%s has amounts: %s %d", o.ID, o.Currency, o.Paid())
		}
	}
	// latest-ship-date is read the same way; a priced report has prices.
	cols2 := append(append([]string{}, orderCols...), "latest-ship-date")
	res = mustRead(t, report(cols2, goodRow("latest-ship-date", "2024-05-03T06:59:59Z")), Options{})
	if res.rep.NoPrices || !res.orders[0].ShipBy.Equal(want[0]) {
		t.Fatalf("order report: NoPrices %v, ship-by %s", res.rep.NoPrices, res.orders[0].ShipBy)
	}
}
