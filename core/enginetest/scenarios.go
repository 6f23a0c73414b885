package enginetest

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

const uspsOK = "9400111201080805483016"

func (f *Fixture) setStock(lines ...string) {
	for _, l := range lines {
		f.MustRun(f.Owner, "stock "+l)
	}
}

func testShip(f *Fixture) {
	f.setStock("MUG set 10", "TEE set 10")
	f.importOrders(order("111-0000001-0000001", time.Hour))
	if s := f.stock("MUG"); s.Available != 8 || s.Reserved != 2 {
		f.T.Fatalf("after the order MUG is %+v, want 8 available 2 reserved", s)
	}
	res := f.MustRun(f.Agent, "ship 111-0000001-0000001 UPS 1z999aa10123456784")
	o := res.Order
	if o.Status != core.Shipped || len(o.Shipments) != 1 || o.Shipments[0].Tracking != upsOK || o.Shipments[0].Late {
		f.T.Fatalf("after ship: %+v", o)
	}
	if got := f.order(o.ID); got.Status != core.Shipped || got.Items[0].Shipped != 2 || got.Items[1].Shipped != 1 {
		f.T.Fatalf("stored order after ship: %+v", got)
	}
	if s := f.stock("MUG"); s.Available != 8 || s.Reserved != 0 {
		f.T.Fatalf("after shipping MUG is %+v, want 8 available 0 reserved", s)
	}
	audit := f.MustRun(f.Owner, "audit "+o.ID).Audit
	if len(audit) != 1 || audit[0].ActorID != "test:alex" || audit[0].Role != core.Agent || audit[0].Source != "test" ||
		!strings.HasPrefix(audit[0].Command, "ship 111-0000001-0000001 ups "+upsOK) || !audit[0].At.Equal(f.Clock.Now()) {
		f.T.Fatalf("audit: %+v", audit)
	}
}

func testPartialShip(f *Fixture) {
	id := "111-0000001-0000002"
	f.importOrders(order(id, time.Hour))
	o := f.MustRun(f.Agent, "ship "+id+" ups "+upsOK+" mug:1").Order
	if o.Status != core.PartiallyShipped || o.Items[0].Shipped != 1 || o.Items[1].Shipped != 0 {
		f.T.Fatalf("after partial ship: %+v", o)
	}
	f.refused(f.Agent, "ship "+id+" usps "+uspsOK+" MUG:2", core.Invalid, "Only 1 unit")
	o = f.MustRun(f.Agent, "ship "+id+" usps "+uspsOK).Order
	if o.Status != core.Shipped || len(o.Shipments) != 2 || o.Shipments[1].Lines[0].Quantity != 1 || len(o.Shipments[1].Lines) != 2 {
		f.T.Fatalf("after the rest: %+v", o)
	}
}

func testShipRefusals(f *Fixture) {
	a := order("111-0000002-0000001", 72*time.Hour)
	pending := order("111-0000002-0000002", 10*time.Minute)
	pending.PaymentsDate = nil
	fba := order("111-0000002-0000003", time.Hour)
	fba.Fulfillment, fba.Status = core.Marketplace, core.Unshipped
	shipped := order("111-0000002-0000004", time.Hour)
	f.importOrders(a, pending, fba, shipped)
	f.MustRun(f.Agent, "ship "+shipped.ID+" ups "+upsOK)
	day := func(d time.Duration) string { return f.Clock.Now().Add(d).Format(time.DateOnly) }
	for _, tc := range []struct {
		line string
		code core.Code
		msg  string
	}{
		{"ship " + pending.ID + " ups " + upsOK, core.Conflict, "pending"},
		{"ship " + fba.ID + " ups " + upsOK, core.Conflict, "marketplace"},
		{"ship " + a.ID + " ups " + upsBad, core.Invalid, "check digit"},
		{"ship " + a.ID + " ups 1Z999", core.Invalid, "UPS"},
		{"ship " + a.ID + " ups " + upsOK + " date " + day(24*time.Hour), core.Invalid, "future"},
		{"ship " + a.ID + " ups " + upsOK + " date " + day(-5*24*time.Hour), core.Invalid, "before the order"},
		{"ship " + a.ID + " ups " + upsOK + " MUG:3", core.Invalid, "Only 2"},
		{"ship " + a.ID + " ups " + upsOK + " SOCK:1", core.Invalid, "SOCK"},
		{"ship " + a.ID + " other AB12345", core.Invalid, "carrier"},
		{"ship " + a.ID + " upss " + upsOK, core.Invalid, `did you mean "ups"`},
		{"ship 111-9999999-9999999 ups " + upsOK, core.NotFound, "111-9999999-9999999"},
		{"ship " + shipped.ID + " ups " + upsOK, core.Conflict, "already shipped"},
	} {
		f.refused(f.Agent, tc.line, tc.code, tc.msg)
	}
	// A late ship is allowed and marked.
	o := f.MustRun(f.Agent, "ship "+a.ID+" other:\"Royal Mail\" AB123456789GB").Order
	if !o.Shipments[0].Late || o.Shipments[0].CarrierName != "Royal Mail" {
		f.T.Fatalf("late ship with other carrier: %+v", o.Shipments[0])
	}
}

func testCancel(f *Fixture) {
	f.setStock("MUG set 10", "TEE set 10")
	a := order("111-0000003-0000001", time.Hour)
	pending := order("111-0000003-0000002", 10*time.Minute)
	pending.PaymentsDate = nil
	shipped := order("111-0000003-0000003", time.Hour)
	f.importOrders(a, pending, shipped)
	f.MustRun(f.Agent, "ship "+shipped.ID+" ups "+upsOK)
	f.refused(f.Agent, "cancel "+a.ID+" buyer_cancelled", core.Invalid, `did you mean "buyer_canceled"`)
	f.refused(f.Agent, "cancel "+a.ID, core.Invalid, "reason")
	f.refused(f.Agent, "cancel "+pending.ID+" no_inventory", core.Conflict, "pending")
	f.refused(f.Agent, "cancel "+shipped.ID+" no_inventory", core.Conflict, "already shipped")
	res := f.MustRun(f.Agent, "cancel "+a.ID+" no_inventory out of mugs")
	if res.Order.Status != core.Canceled || res.Order.CancelReason != core.NoInventory || res.Order.CanceledAt == nil {
		f.T.Fatalf("after cancel: %+v", res.Order)
	}
	// Placed: MUG 2+2+2 reserved; the shipped order took 2; the cancel gave 2 back.
	if s := f.stock("MUG"); s.Available != 6 || s.Reserved != 2 {
		f.T.Fatalf("MUG after cancel %+v, want 6 available 2 reserved (the pending order)", s)
	}
	f.refused(f.Agent, "cancel "+a.ID+" no_inventory", core.Conflict, "already cancelled")
}

func testReturnsRefunds(f *Fixture) {
	a := order("111-0000004-0000001", 48*time.Hour)
	big := order("111-0000004-0000002", 48*time.Hour)
	big.Items[0].Price = 40000
	f.importOrders(a, big)
	f.refused(f.Agent, "return "+a.ID+" broken", core.Conflict, "only shipped units")
	f.MustRun(f.Agent, "ship "+a.ID+" ups "+upsOK)
	f.MustRun(f.Agent, "delivered "+a.ID)
	f.refused(f.Agent, "return "+a.ID+" MUG:3 broken", core.Invalid, "Only 2")
	f.refused(f.Agent, "return "+a.ID+" MUG:1", core.Invalid, "reason")
	ret := f.MustRun(f.Agent, "return "+a.ID+" MUG:1 arrived broken").Return
	if ret == nil || ret.Status != core.ReturnRequested || ret.Items[0] != (core.ItemQty{SKU: "MUG", Quantity: 1}) {
		f.T.Fatalf("return: %+v", ret)
	}
	f.refused(f.Agent, "received "+ret.ID, core.Conflict, "not approved")
	f.refused(f.Agent, "refund "+ret.ID+" full x", core.Conflict, "requested")
	f.refused(f.Agent, "reject "+ret.ID, core.Invalid, "reason")
	f.refused(f.Agent, "approve R-404", core.NotFound, "R-404")
	f.MustRun(f.Agent, "approve "+ret.ID)
	f.refused(f.Agent, "approve "+ret.ID, core.Conflict, "approved")
	got := f.MustRun(f.Agent, "received "+ret.ID).Return
	if got.Status != core.ReturnReceived || got.RefundBy == nil || !got.RefundBy.After(f.Clock.Now()) {
		f.T.Fatalf("received: %+v", got)
	}
	ref := f.MustRun(f.Agent, "refund "+ret.ID+" full return received").Refund
	if want := int64((3000 + 240 + 499) / 2); ref.Amount != want || ref.ReturnID != ret.ID {
		f.T.Fatalf("refund of one of two mugs = %d, want %d", ref.Amount, want)
	}
	paid := int64(3000 + 240 + 499 + 2000 + 160)
	left := paid - ref.Amount
	f.refused(f.Agent, fmt.Sprintf("refund %s %s goodwill", a.ID, core.FormatAmount(left+1, "")), core.Invalid, "more than can be refunded")
	f.refused(f.Agent, "refund "+a.ID+" 0 goodwill", core.Invalid, "more than zero")
	f.refused(f.Agent, "refund "+a.ID+" 1.234 goodwill", core.Invalid, "decimals")
	f.MustRun(f.Agent, fmt.Sprintf("refund %s %s goodwill", a.ID, core.FormatAmount(left, "")))
	f.refused(f.Agent, "refund "+a.ID+" 0.01 more", core.Conflict, "already refunded in full")
	// Large refunds need an owner.
	f.MustRun(f.Agent, "ship "+big.ID+" ups "+upsOK)
	f.refused(f.Agent, "refund "+big.ID+" 150.00 damaged", core.Forbidden, "owner")
	f.MustRun(f.Owner, "refund "+big.ID+" 150.00 damaged")
	// The limit is on what non-owners refunded in total: the owner's 150.00
	// does not count, 100.00 by an agent is within it, and 12.96 more is not.
	f.MustRun(f.Agent, "refund "+big.ID+" 100.00 goodwill")
	f.refused(f.Agent, "refund "+big.ID+" 12.96 goodwill", core.Forbidden, "makes 112.96 USD")
	f.MustRun(f.Owner, "refund "+big.ID+" 12.96 goodwill")
	var roles []core.Role
	for _, r := range f.order(big.ID).Refunds {
		roles = append(roles, r.Role)
	}
	if want := []core.Role{core.Owner, core.Agent, core.Owner}; !reflect.DeepEqual(roles, want) {
		f.T.Fatalf("refund roles read back = %v, want %v", roles, want)
	}
	// The return window closes 30 days after delivery.
	f.Clock.Advance(32 * 24 * time.Hour)
	f.refused(f.Agent, "return "+a.ID+" TEE:1 late", core.Conflict, "return window")
}

func testPermissions(f *Fixture) {
	a := order("111-0000005-0000001", time.Hour)
	f.importOrders(a)
	nobody := core.Actor{ID: "slack:U999", Name: "mallory", Source: "slack"}
	f.refused(nobody, "order "+a.ID, core.Forbidden, "slack:U999")
	f.refused(nobody, "ship "+a.ID+" ups "+upsOK, core.Forbidden, "staff list")
	f.refused(f.Viewer, "ship "+a.ID+" ups "+upsOK, core.Forbidden, "viewer")
	f.refused(f.Viewer, "cancel "+a.ID+" no_inventory", core.Forbidden, "viewer")
	f.refused(f.Viewer, "stock MUG set 3", core.Forbidden, "viewer")
	if res := f.MustRun(f.Viewer, "order "+a.ID); res.Order.ID != a.ID || len(res.Actions) != 0 {
		f.T.Fatalf("viewer sees %+v actions %v", res.Order, res.Actions)
	}
	if res := f.MustRun(f.Agent, "order "+a.ID); !strings.Contains(strings.Join(res.Actions, ","), "ship") {
		f.T.Fatalf("agent actions %v", res.Actions)
	}
	// Buyer contact details: agents see them, viewers only the name, in a
	// card and in a list alike.
	if o := f.MustRun(f.Agent, "order "+a.ID).Order; o.Buyer != a.Buyer || o.ShipTo != a.ShipTo {
		f.T.Fatalf("agent sees buyer %+v ship to %+v", o.Buyer, o.ShipTo)
	}
	hidden := func(o core.Order) bool {
		return o.Buyer == core.Buyer{Name: a.Buyer.Name} && o.ShipTo == core.Address{}
	}
	if o := f.MustRun(f.Viewer, "order "+a.ID).Order; !hidden(*o) {
		f.T.Fatalf("viewer sees buyer %+v ship to %+v", o.Buyer, o.ShipTo)
	}
	if l := f.MustRun(f.Viewer, "orders").Orders; len(l) != 1 || !hidden(l[0]) {
		f.T.Fatalf("viewer's list shows %+v", l)
	}
}

func testDryRun(f *Fixture) {
	var orders []core.Order
	for i := range 40 {
		orders = append(orders, order(fmt.Sprintf("111-0000006-%07d", i), time.Duration(i+1)*time.Hour))
	}
	late := order("111-0000006-9999999", 5*24*time.Hour)
	f.importOrders(append(orders, late)...)
	f.MustRun(f.Agent, "cancel "+orders[0].ID+" no_inventory") // 1 of 41: 2.4%
	before := f.snapshot()
	res, err := f.Engine.RunLine(context.Background(), f.Agent, "cancel "+orders[1].ID+" pricing_error", true)
	if err != nil {
		f.T.Fatal(err)
	}
	if !res.DryRun || res.Preview == nil || len(res.Preview.Health) != 1 {
		f.T.Fatalf("preview: %+v", res.Preview)
	}
	h := res.Preview.Health[0]
	if h.Metric != "cancel_rate" || h.OK || !strings.Contains(h.Text, "Pre-fulfilment cancel rate over the last 7 days becomes 4.9% (now 2.4%)") || !strings.Contains(h.Text, "the limit is 2.5%") {
		f.T.Fatalf("cancel preview: %+v", h)
	}
	// buyer_canceled does not count.
	res, _ = f.Engine.RunLine(context.Background(), f.Agent, "cancel "+orders[1].ID+" buyer_canceled", true)
	if len(res.Preview.Health) != 0 {
		f.T.Fatalf("buyer cancel moves health: %+v", res.Preview.Health)
	}
	res, _ = f.Engine.RunLine(context.Background(), f.Agent, "ship "+late.ID+" ups "+upsOK, true)
	var lateText string
	for _, h := range res.Preview.Health {
		if h.Metric == "late_shipment_rate" {
			lateText = h.Text
		}
	}
	if !strings.Contains(lateText, "Late shipment rate over the last 10 days becomes 100.0%") {
		f.T.Fatalf("late ship preview: %+v", res.Preview)
	}
	if after := f.snapshot(); !equalSnapshots(before, after) {
		f.T.Fatal("a dry run changed the store")
	}
}

func equalSnapshots(a, b snapshot) bool { return fmt.Sprint(a) == fmt.Sprint(b) }

// race runs two commands at the same moment and returns their errors.
func (f *Fixture) race(l1, l2 string) (error, error) {
	var wg sync.WaitGroup
	var e1, e2 error
	gate := make(chan struct{})
	wg.Go(func() { <-gate; _, e1 = f.Run(f.Agent, l1) })
	wg.Go(func() { <-gate; _, e2 = f.Run(f.Owner, l2) })
	close(gate)
	wg.Wait()
	return e1, e2
}

func (f *Fixture) oneWins(e1, e2 error, what string) {
	f.T.Helper()
	if (e1 == nil) == (e2 == nil) {
		f.T.Fatalf("%s: want exactly one winner, got %v and %v", what, e1, e2)
	}
	loser := e1
	if loser == nil {
		loser = e2
	}
	if core.ErrorCode(loser) != core.Conflict {
		f.T.Fatalf("%s: the loser got %s (%v), want conflict", what, core.ErrorCode(loser), loser)
	}
}

func testConcurrentShip(f *Fixture) {
	f.setStock("MUG set 1000", "TEE set 1000")
	for i := range 10 {
		id := fmt.Sprintf("111-0000007-%07d", i)
		f.importOrders(order(id, time.Hour))
		e1, e2 := f.race("ship "+id+" ups "+upsOK, "ship "+id+" usps "+uspsOK)
		f.oneWins(e1, e2, "two ships of "+id)
		if o := f.order(id); len(o.Shipments) != 1 || o.Items[0].Shipped != 2 {
			f.T.Fatalf("%s after the race: %d shipments, %d shipped", id, len(o.Shipments), o.Items[0].Shipped)
		}
	}
	if s := f.stock("MUG"); s.Reserved != 0 || s.Available != 1000-20 {
		f.T.Fatalf("stock after racing ships: %+v", s)
	}
}

func testConcurrentCancel(f *Fixture) {
	f.setStock("MUG set 1000")
	for i := range 10 {
		id := fmt.Sprintf("111-0000008-%07d", i)
		f.importOrders(order(id, time.Hour))
		l2 := "cancel " + id + " buyer_canceled"
		if i%2 == 1 {
			l2 = "ship " + id + " ups " + upsOK
		}
		e1, e2 := f.race("cancel "+id+" no_inventory", l2)
		f.oneWins(e1, e2, "cancel against "+l2)
	}
	// Every cancel released its two mugs exactly once.
	canceled := len(f.MustRun(f.Viewer, "orders canceled").Orders)
	if s := f.stock("MUG"); s.Reserved != 0 || s.Available != 1000-2*(10-canceled) {
		f.T.Fatalf("stock after racing cancels: %+v with %d cancelled", s, canceled)
	}
}

func testImport(f *Fixture) {
	ctx := context.Background()
	f.setStock("MUG set 10")
	a := order("111-0000009-0000001", time.Hour)
	first, second := a, a
	first.Items, second.Items = a.Items[:1], a.Items[1:]
	b := order("111-0000009-0000002", 2*time.Hour)
	st, err := f.Engine.Import(ctx, []core.Order{first, b, second}) // rows of a split by b
	if err != nil || st.New != 2 {
		f.T.Fatalf("first import: %+v %v", st, err)
	}
	if o := f.order(a.ID); len(o.Items) != 2 || o.Status != core.Unshipped || !o.ShipBy.Equal(core.DefaultPolicy().ShipBy(a.PurchaseDate)) {
		f.T.Fatalf("imported: %+v", o)
	}
	before := f.snapshot()
	st, err = f.Engine.Import(ctx, []core.Order{order(a.ID, time.Hour), order(b.ID, 2*time.Hour)})
	if err != nil || st.Unchanged != 2 || st.New+st.Updated != 0 {
		f.T.Fatalf("same report again: %+v %v", st, err)
	}
	if after := f.snapshot(); !equalSnapshots(before, after) {
		f.T.Fatal("importing the same report twice changed the store")
	}
	// An older report is ignored; a newer one updates and moves forward.
	old := order(a.ID, time.Hour)
	old.ReportUpdated = old.ReportUpdated.Add(-time.Hour)
	old.Buyer.Name = "Old Name"
	if st, _ = f.Engine.Import(ctx, []core.Order{old}); st.Unchanged != 1 {
		f.T.Fatalf("older report: %+v", st)
	}
	newer := order(a.ID, time.Hour)
	newer.ReportUpdated = newer.ReportUpdated.Add(time.Hour)
	newer.Status = core.Shipped
	newer.Buyer.Name = "Emma J. Johnson"
	if st, _ = f.Engine.Import(ctx, []core.Order{newer}); st.Updated != 1 {
		f.T.Fatalf("newer report: %+v", st)
	}
	o := f.order(a.ID)
	if o.Status != core.Shipped || o.Buyer.Name != "Emma J. Johnson" || o.Items[0].Shipped != 2 {
		f.T.Fatalf("after newer report: %+v", o)
	}
	if s := f.stock("MUG"); s.Reserved != 2 || s.Available != 6 {
		f.T.Fatalf("MUG after a shipped-in-Seller-Central report: %+v, want 6 available, 2 reserved (order b)", s)
	}
	// A report never moves an order back.
	back := order(a.ID, time.Hour)
	back.ReportUpdated = newer.ReportUpdated.Add(time.Hour)
	back.Status = core.Unshipped
	back.Buyer.Name = "Emma J. Johnson"
	f.Engine.Import(ctx, []core.Order{back})
	if o := f.order(a.ID); o.Status != core.Shipped {
		f.T.Fatalf("report moved the order back to %s", o.Status)
	}
}

// testSweepCompletes: delivered orders whose return window is over are
// completed, read over several pages (the fixture's pages hold two), the
// oldest first; one with a return open, and those still in the window, are
// left; a second sweep changes nothing.
func testSweepCompletes(f *Fixture) {
	ctx := context.Background()
	window := f.Engine.Policy().ReturnWindowDays
	const later = 3 // days from the deliveries to the sweep
	var due []string
	for i, days := range []int{window + 9, window - 2, window + 5, window - 3, window - 6, window + 2, 2, window + 12} {
		id := fmt.Sprintf("111-0000070-%07d", i)
		f.deliveredOrder(id, days)
		if days+later > window {
			due = append(due, id)
		}
	}
	held := "111-0000070-0000099" // its return asked for on the window's last day
	f.deliveredOrder(held, window)
	f.MustRun(f.Agent, "return "+held+" MUG:1 chipped")
	f.Clock.Advance(later * 24 * time.Hour)

	res, err := f.Engine.Sweep(ctx)
	got := slices.Clone(res.Completed)
	slices.Sort(got)
	slices.Sort(due)
	if err != nil || !slices.Equal(got, due) {
		f.T.Fatalf("completed %v (%v), want %v", res.Completed, err, due)
	}
	for _, id := range due {
		if o := f.order(id); o.Status != core.Completed {
			f.T.Fatalf("%s is %s after the sweep", id, o.Status)
		}
	}
	if o := f.order(held); o.Status != core.Delivered {
		f.T.Fatalf("%s, with a return open, is %s", held, o.Status)
	}
	before := f.snapshot()
	if res, err := f.Engine.Sweep(ctx); err != nil || len(res.Completed) != 0 {
		f.T.Fatalf("second sweep: %+v %v", res, err)
	}
	if !reflect.DeepEqual(before, f.snapshot()) {
		f.T.Fatal("a second sweep changed the store")
	}
}

func testThirtyDayRule(f *Fixture) {
	ctx := context.Background()
	f.setStock("MUG set 10")
	a := order("111-0000010-0000001", 22*24*time.Hour+time.Hour) // warned at day 23
	pending := order("111-0000010-0000002", 20*24*time.Hour)
	pending.PaymentsDate = nil
	f.importOrders(a, pending)
	res, err := f.Engine.Sweep(ctx)
	if err != nil || len(res.Warned)+len(res.AutoCanceled)+len(res.Expired) != 0 {
		f.T.Fatalf("day 22: %+v %v", res, err)
	}
	f.Clock.Advance(24 * time.Hour)
	res, err = f.Engine.Sweep(ctx)
	if err != nil || len(res.Warned) != 1 || res.Warned[0] != a.ID {
		f.T.Fatalf("day 23: %+v %v", res, err)
	}
	if res, _ = f.Engine.Sweep(ctx); len(res.Warned) != 0 {
		f.T.Fatalf("warned twice: %+v", res)
	}
	f.Clock.Advance(7 * 24 * time.Hour)
	res, err = f.Engine.Sweep(ctx)
	if err != nil || len(res.AutoCanceled) != 1 || len(res.Expired) != 1 {
		f.T.Fatalf("day 30: %+v %v", res, err)
	}
	o := f.order(a.ID)
	if o.Status != core.Canceled || o.CancelReason != core.NotShippedInTime {
		f.T.Fatalf("after the 30-day rule: %s %s", o.Status, o.CancelReason)
	}
	if p := f.order(pending.ID); p.Status != core.Canceled || p.CancelReason != core.PaymentUnverified {
		f.T.Fatalf("pending after 21 days: %s %s", p.Status, p.CancelReason)
	}
	if s := f.stock("MUG"); s.Available != 10 || s.Reserved != 0 {
		f.T.Fatalf("stock after auto-cancels: %+v", s)
	}
	kinds := map[core.EventKind]int{}
	for _, ev := range f.snapshot().Outbox {
		kinds[ev.Kind]++
		if strings.Contains(ev.Text, "emma@example.com") || strings.Contains(ev.Text, "Oak St") {
			f.T.Fatalf("outbox text carries buyer data: %q", ev.Text)
		}
	}
	if kinds[core.EventShipWarning] != 1 || kinds[core.EventAutoCanceled] != 1 {
		f.T.Fatalf("outbox: %v", kinds)
	}
}

func testStockAlerts(f *Fixture) {
	f.setStock("VASE set 6")
	o := order("111-0000011-0000001", time.Hour)
	o.Items = []core.Item{{OrderItemID: "v1", SKU: "VASE", Quantity: 2, Price: 2899}}
	f.importOrders(o)
	o2 := order("111-0000011-0000002", time.Hour)
	o2.Items = []core.Item{{OrderItemID: "v2", SKU: "VASE", Quantity: 4, Price: 2899}}
	f.importOrders(o2)
	var kinds []core.EventKind
	for _, ev := range f.snapshot().Outbox {
		kinds = append(kinds, ev.Kind)
	}
	if fmt.Sprint(kinds) != "[low_stock out_of_stock]" {
		f.T.Fatalf("alerts %v, want low then out", kinds)
	}
	if low := f.MustRun(f.Viewer, "lowstock").Stock; len(low) != 1 || low[0].SKU != "VASE" || !low[0].Out() {
		f.T.Fatalf("lowstock: %+v", low)
	}
	f.refused(f.Agent, "stock VASE remove 1", core.Invalid, "Only 0")
	f.refused(f.Agent, "stock SOCK add 1", core.NotFound, "not tracked")
}

func testLists(f *Fixture) {
	late := order("111-0000012-0000001", 4*24*time.Hour)
	due := order("111-0000012-0000002", 47*time.Hour) // ship-by Wed 16:00: due today
	fresh := order("111-0000012-0000003", time.Hour)
	pending := order("111-0000012-0000004", 10*time.Minute)
	pending.PaymentsDate = nil
	f.importOrders(late, due, fresh, pending)
	ids := func(line string) string {
		var out []string
		for _, o := range f.MustRun(f.Viewer, line).Orders {
			out = append(out, o.ID[len(o.ID)-1:])
		}
		return strings.Join(out, ",")
	}
	for line, want := range map[string]string{
		"orders late": "1", "orders due": "2", "orders pending": "4", "orders unshipped": "1,2,3", "orders": "4,3,2,1",
	} {
		if got := ids(line); got != want {
			f.T.Errorf("%s = %s, want %s", line, got, want)
		}
	}
	res := f.MustRun(f.Viewer, "orders limit 2")
	next, ok := core.ListOrders{Limit: 2}.NextPage(res.Page)
	if !ok || !res.Page.More {
		f.T.Fatalf("first page of 4 by 2 says no more")
	}
	if got := ids(next.String()); got != "2,1" {
		f.T.Errorf("%s = %s, want 2,1", next, got)
	}
	// Commands an adapter builds skip Parse: the engine checks the cursor.
	for _, bad := range []core.ListOrders{
		{Filter: core.ListLate, After: res.Page.Next},
		{After: res.Page.Next, Before: res.Page.Next},
	} {
		_, err := f.Engine.Do(context.Background(), core.Request{Actor: f.Viewer, Command: bad})
		if core.ErrorCode(err) != core.Invalid || !strings.Contains(core.ErrorMessage(err), "cursor") {
			f.T.Errorf("%+v: %v, want a refusal about the cursor", bad, err)
		}
	}
	h := f.MustRun(f.Viewer, "health").Health
	if len(h.Metrics) != 4 || h.Counts.Orders != 4 {
		f.T.Fatalf("health: %+v", h)
	}
}
