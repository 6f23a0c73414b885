package enginetest

import (
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// testImportCancelledLines: a line the marketplace cancelled inside a
// shipped order is recorded as cancelled, not as shipped and paid; a later
// report cancelling a live line releases its reserved units; units shipped
// here are never undone by a report.
func testImportCancelledLines(f *Fixture) {
	f.setStock("MUG set 10", "TEE set 10")
	shipped := order("111-0000008-0000001", 48*time.Hour)
	shipped.Status = core.Shipped
	shipped.Items[1] = core.Item{OrderItemID: shipped.ID + "-2", SKU: "TEE", Title: "Tee", Canceled: 1}
	f.importOrders(shipped)
	o := f.order(shipped.ID)
	mug, tee := o.Items[0], o.Items[1]
	if mug.Shipped != 2 || tee.Shipped != 0 || tee.Quantity != 0 || tee.Canceled != 1 {
		f.T.Fatalf("items after import: %+v", o.Items)
	}
	if o.Paid() != mug.Paid() || o.Paid() != 3739 {
		f.T.Fatalf("paid %d: the cancelled line counts as paid", o.Paid())
	}
	if s := f.stock("TEE"); s.Available != 10 || s.Reserved != 0 {
		f.T.Fatalf("TEE stock %+v: a cancelled line moved stock", s)
	}

	// Live at first, cancelled by a newer report: its unit is released.
	open := order("111-0000008-0000002", time.Hour)
	f.importOrders(open)
	if s := f.stock("TEE"); s.Reserved != 1 {
		f.T.Fatalf("TEE reserved %d after a live line", s.Reserved)
	}
	later := order(open.ID, time.Hour)
	later.ReportUpdated = later.ReportUpdated.Add(time.Hour)
	later.Items[1] = core.Item{OrderItemID: open.ID + "-2", SKU: "TEE", Title: "Tee", Canceled: 1}
	f.importOrders(later)
	if o := f.order(open.ID); o.Items[1].Canceled != 1 || o.Items[1].Quantity != 0 || o.Paid() != 3739 || o.Status != core.Unshipped {
		f.T.Fatalf("after the line was cancelled: %+v", o)
	}
	if s := f.stock("TEE"); s.Reserved != 0 || s.Available != 10 {
		f.T.Fatalf("TEE stock %+v: the cancelled unit is still held", s)
	}
	// Shipping the order ships what is left, nothing of the cancelled line.
	res := f.MustRun(f.Owner, "ship "+open.ID+" usps "+uspsOK)
	if o := res.Order; o.Status != core.Shipped || o.Items[1].Shipped != 0 {
		f.T.Fatalf("after ship: %s %+v", o.Status, o.Items)
	}

	// A report cancelling a line already shipped here changes nothing of it.
	third := order("111-0000008-0000003", time.Hour)
	f.importOrders(third)
	f.MustRun(f.Owner, "ship "+third.ID+" usps "+uspsOK)
	before := f.order(third.ID)
	stale := order(third.ID, time.Hour)
	stale.ReportUpdated = stale.ReportUpdated.Add(time.Hour)
	stale.Items[1] = core.Item{OrderItemID: third.ID + "-2", SKU: "TEE", Canceled: 1}
	f.importOrders(stale)
	if after := f.order(third.ID); after.Items[1] != before.Items[1] {
		f.T.Fatalf("a report undid a shipped line: %+v, was %+v", after.Items[1], before.Items[1])
	}
}

// testImportReportShipBy: a report's own ship-by (the Unshipped Orders
// report's promise-date) is kept instead of being recomputed, and a report
// without prices never erases the prices another report gave.
func testImportReportShipBy(f *Fixture) {
	given := order("111-0000007-0000001", time.Hour)
	given.ShipBy = startTime().Add(5 * time.Hour).Truncate(time.Second)
	computed := order("111-0000007-0000002", time.Hour)
	f.importOrders(given, computed)
	if o := f.order(given.ID); !o.ShipBy.Equal(given.ShipBy) {
		f.T.Fatalf("ship-by %s, want the report's %s", o.ShipBy, given.ShipBy)
	}
	if o := f.order(computed.ID); !o.ShipBy.Equal(core.DefaultPolicy().ShipBy(computed.PurchaseDate)) {
		f.T.Fatalf("ship-by %s, want it computed", o.ShipBy)
	}
	// The Unshipped Orders report: no currency, no amounts, a later ship-by.
	unpriced := order(computed.ID, time.Hour)
	unpriced.ReportUpdated = unpriced.ReportUpdated.Add(time.Minute)
	unpriced.Currency = ""
	unpriced.ShipBy = startTime().Add(30 * time.Hour).Truncate(time.Second)
	for i := range unpriced.Items {
		it := &unpriced.Items[i]
		it.Price, it.Tax, it.Shipping = 0, 0, 0
	}
	f.importOrders(unpriced)
	o := f.order(computed.ID)
	if o.Paid() != 5899 || o.Currency != "USD" {
		f.T.Fatalf("paid %d %s after a report without prices, want 5899 USD", o.Paid(), o.Currency)
	}
	if !o.ShipBy.Equal(unpriced.ShipBy) {
		f.T.Fatalf("ship-by %s, want the newer report's %s", o.ShipBy, unpriced.ShipBy)
	}
}
