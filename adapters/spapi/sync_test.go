package spapi_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/adapters/spapi"
	"github.com/sellerdesk/sellerdesk/adapters/spapi/spapitest"
	"github.com/sellerdesk/sellerdesk/adapters/sqlstore/storetest"
	"github.com/sellerdesk/sellerdesk/core"
)

var syncStores = []struct {
	name string
	open func(testing.TB) core.Store
}{
	{"sqlite", func(t testing.TB) core.Store { return storetest.OpenSQLite(t) }},
	{"postgres", func(t testing.TB) core.Store { return storetest.OpenPostgres(t) }},
}

// syncEnv is a fake SP-API with n orders updated a minute apart (the
// newest an hour ago, all within the sync's overlap of each other) and a
// client on store.
type syncEnv struct {
	*harness
	store  core.Store
	engine *core.Engine
	orders []spapi.Order
}

func newSyncEnv(t *testing.T, store core.Store, n int, edit ...func(*spapi.Config)) *syncEnv {
	t.Helper()
	e := &syncEnv{store: store, engine: core.NewEngine(store, core.Options{})}
	e.harness = newHarness(t, append([]func(*spapi.Config){func(c *spapi.Config) { c.Engine = e.engine }}, edit...)...)
	base := time.Now().UTC().Add(-time.Hour).Truncate(time.Second)
	for i := range n {
		e.orders = append(e.orders, order(i+1, base.Add(time.Duration(i-n)*time.Minute)))
	}
	e.fake.AddOrders(e.orders...)
	return e
}

func (e *syncEnv) sync(opt spapi.SyncOptions) (spapi.SyncStats, error) {
	if opt.PageSize == 0 {
		opt.PageSize = 2
	}
	return e.client.Sync(context.Background(), opt)
}

func (e *syncEnv) stored() map[string]*core.Order {
	e.t.Helper()
	ids := make([]string, len(e.orders))
	for i, o := range e.orders {
		ids[i] = o.OrderID
	}
	var got map[string]*core.Order
	if err := e.store.View(context.Background(), func(tx core.Tx) error {
		var err error
		got, err = tx.OrdersByID(context.Background(), ids)
		return err
	}); err != nil {
		e.t.Fatal(err)
	}
	return got
}

func (e *syncEnv) allOrders() []core.Order {
	e.t.Helper()
	var got []core.Order
	if err := e.store.View(context.Background(), func(tx core.Tx) error {
		var err error
		got, err = tx.Orders(context.Background(), core.OrderQuery{})
		return err
	}); err != nil {
		e.t.Fatal(err)
	}
	return got
}

func (e *syncEnv) cursor() string {
	e.t.Helper()
	c, err := e.engine.Cursor(context.Background(), spapi.CursorName("A1SELLER"))
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

func TestSyncBringsInEveryOrderOfEveryPage(t *testing.T) {
	for _, st := range syncStores {
		t.Run(st.name, func(t *testing.T) {
			e := newSyncEnv(t, st.open(t), 5)
			var progress []spapi.SyncStats
			s, err := e.sync(spapi.SyncOptions{MarketplaceIDs: []string{"ATVPDKIKX0DER"}, Progress: func(s spapi.SyncStats) { progress = append(progress, s) }})
			if err != nil {
				t.Fatal(err)
			}
			if want := (spapi.SyncStats{Pages: 3, New: 5}); s != want {
				t.Fatalf("stats %+v, want %+v", s, want)
			}
			if len(progress) != 3 || progress[0].New != 2 {
				t.Fatalf("progress %+v, want one report per page", progress)
			}
			if n := len(e.fake.Calls(spapi.OpSearchOrders)); n != 3 {
				t.Fatalf("%d searchOrders calls, want 3", n)
			}
			got := e.stored()
			for i, a := range e.orders {
				o := got[a.OrderID]
				if o == nil {
					t.Fatalf("order %s not stored", a.OrderID)
				}
				n := i + 1
				if o.Status != core.Unshipped || o.Fulfillment != core.Merchant || o.SalesChannel != "Amazon.com" {
					t.Errorf("%s: status %s fulfillment %s channel %q", o.ID, o.Status, o.Fulfillment, o.SalesChannel)
				}
				if want := (core.Buyer{Name: fmt.Sprintf("Buyer %d", n), Email: fmt.Sprintf("b%d@marketplace.amazon.com", n)}); o.Buyer != want {
					t.Errorf("%s: buyer %+v, want %+v", o.ID, o.Buyer, want)
				}
				if want := (core.Address{Name: fmt.Sprintf("Buyer %d", n), Line1: "1 Main St", City: "Seattle", State: "WA", PostalCode: "98101", Country: "US"}); o.ShipTo != want {
					t.Errorf("%s: ship-to %+v, want %+v", o.ID, o.ShipTo, want)
				}
				if len(o.Items) != 2 || o.Items[0].SKU != "MUG-RED" || o.Items[0].Quantity != 2 || o.Items[0].Price != 2500 ||
					o.Items[1].SKU != "TEA-1" || o.Items[1].Quantity != 1 || o.Currency != "USD" {
					t.Errorf("%s: items %+v currency %q", o.ID, o.Items, o.Currency)
				}
				created, _ := time.Parse(time.RFC3339, a.CreatedTime)
				if !o.PurchaseDate.Equal(created) {
					t.Errorf("%s: purchase date %s, want %s", o.ID, o.PurchaseDate, created)
				}
			}
			if want := e.orders[4].LastUpdatedTime; e.cursor() != want {
				t.Fatalf("cursor %q, want the newest order's %q", e.cursor(), want)
			}
		})
	}
}

func TestSyncAgainUpdatesOnlyTheChangedOrder(t *testing.T) {
	for _, st := range syncStores {
		t.Run(st.name, func(t *testing.T) {
			e := newSyncEnv(t, st.open(t), 5)
			if _, err := e.sync(spapi.SyncOptions{}); err != nil {
				t.Fatal(err)
			}
			before := e.stored()
			changed := e.orders[2]
			changed.LastUpdatedTime = time.Now().UTC().Add(-30 * time.Minute).Truncate(time.Second).Format(time.RFC3339)
			changed.Fulfillment = &spapi.OrderFulfillment{FulfillmentStatus: spapi.FulfillmentShipped, FulfilledBy: "MERCHANT"}
			e.fake.ChangeOrder(changed)

			s, err := e.sync(spapi.SyncOptions{})
			if err != nil {
				t.Fatal(err)
			}
			// The overlap reads the four others again: they stay as they were.
			if s.New != 0 || s.Updated != 1 || s.Unchanged != 4 || s.Failed != 0 {
				t.Fatalf("stats %+v, want 1 updated and 4 unchanged", s)
			}
			after := e.stored()
			for id, o := range after {
				if id == changed.OrderID {
					if o.Status != core.Shipped || o.Items[0].Shipped != 2 {
						t.Errorf("changed order: status %s items %+v, want shipped", o.Status, o.Items)
					}
					continue
				}
				if o.Version != before[id].Version || !o.UpdatedAt.Equal(before[id].UpdatedAt) {
					t.Errorf("%s rewritten (version %d → %d) though unchanged", id, before[id].Version, o.Version)
				}
			}
			if e.cursor() != changed.LastUpdatedTime {
				t.Fatalf("cursor %q, want %q", e.cursor(), changed.LastUpdatedTime)
			}
		})
	}
}

func TestSyncRenewsAnAccessTokenThatExpiresMidway(t *testing.T) {
	e := newSyncEnv(t, storetest.OpenSQLite(t), 5)
	expired := false
	s, err := e.sync(spapi.SyncOptions{Progress: func(spapi.SyncStats) {
		if !expired {
			e.fake.ExpireTokens()
			expired = true
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	if s.New != 5 || s.Pages != 3 {
		t.Fatalf("stats %+v, want all 5 orders in 3 pages", s)
	}
	if n := len(e.stored()); n != 5 {
		t.Fatalf("%d orders stored, want 5", n)
	}
	if n := len(e.fake.Calls("token")); n < 2 {
		t.Fatalf("%d token requests, want a renewal after the expiry", n)
	}
}

func TestSyncStoppedBetweenPagesResumesWithoutDuplicates(t *testing.T) {
	for _, st := range syncStores {
		t.Run(st.name, func(t *testing.T) {
			e := newSyncEnv(t, st.open(t), 5, func(c *spapi.Config) { c.MaxAttempts = 1 })
			failed := false
			s, err := e.sync(spapi.SyncOptions{Progress: func(spapi.SyncStats) {
				if !failed { // page 2's search fails: the pass stops after page 1
					e.fake.Fail(spapi.OpSearchOrders, spapitest.Fault{Status: 500})
					failed = true
				}
			}})
			if err == nil {
				t.Fatal("the sync went on past a failed page")
			}
			if s.New != 2 || s.Pages != 1 {
				t.Fatalf("stats %+v, want page 1's 2 orders", s)
			}
			if want := e.orders[1].LastUpdatedTime; e.cursor() != want {
				t.Fatalf("cursor %q, want page 1's newest %q", e.cursor(), want)
			}

			s, err = e.sync(spapi.SyncOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if s.New != 3 || s.Unchanged != 2 || s.Updated != 0 {
				t.Fatalf("re-run stats %+v, want 3 new and page 1's 2 unchanged", s)
			}
			if n := len(e.allOrders()); n != 5 {
				t.Fatalf("%d orders stored, want 5", n)
			}
		})
	}
}

func TestToCoreOrderMapsStatusesAndFulfillment(t *testing.T) {
	base := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for status, want := range map[string]core.Status{
		spapi.FulfillmentPendingAvailability: core.Pending, spapi.FulfillmentPending: core.Pending,
		spapi.FulfillmentUnshipped: core.Unshipped, spapi.FulfillmentPartiallyShipped: core.PartiallyShipped,
		spapi.FulfillmentShipped: core.Shipped, spapi.FulfillmentCancelled: core.Canceled, spapi.FulfillmentUnfulfillable: core.Canceled,
	} {
		a := order(1, base)
		a.Fulfillment.FulfillmentStatus = status
		o, err := spapi.ToCoreOrder(a)
		if err != nil || o.Status != want {
			t.Errorf("%s: status %q (%v), want %q", status, o.Status, err, want)
		}
	}
	a := order(1, base)
	a.Fulfillment = &spapi.OrderFulfillment{FulfillmentStatus: spapi.FulfillmentShipped, FulfilledBy: "AMAZON",
		ShipByWindow: &spapi.DateTimeRange{LatestDateTime: "2026-03-04T07:59:59Z"}}
	o, err := spapi.ToCoreOrder(a)
	if err != nil {
		t.Fatal(err)
	}
	if o.Fulfillment != core.Marketplace || !o.ShipBy.Equal(time.Date(2026, 3, 4, 7, 59, 59, 0, time.UTC)) {
		t.Errorf("AFN order: fulfillment %s ship-by %s", o.Fulfillment, o.ShipBy)
	}
	a.Fulfillment.FulfillmentStatus = "LOST"
	if _, err := spapi.ToCoreOrder(a); core.ErrorCode(err) != core.Invalid {
		t.Errorf("unknown status: %v, want invalid", err)
	}
}

func TestSyncSkipsAnUnreadableOrderAndCountsIt(t *testing.T) {
	e := newSyncEnv(t, storetest.OpenSQLite(t), 3)
	bad := e.orders[1]
	bad.Fulfillment = &spapi.OrderFulfillment{FulfillmentStatus: "LOST", FulfilledBy: "MERCHANT"}
	e.fake.ChangeOrder(bad)
	s, err := e.sync(spapi.SyncOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if s.New != 2 || s.Failed != 1 {
		t.Fatalf("stats %+v, want 2 new and 1 failed", s)
	}
	if _, ok := e.stored()[bad.OrderID]; ok {
		t.Fatal("the unreadable order was stored")
	}
}
