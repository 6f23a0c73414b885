package spapi_test

import (
	"context"
	"encoding/json"
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

// cursor is the stored sync cursor, decoded.
type cursor struct {
	Done, After, Before time.Time
	Next                string
}

func (e *syncEnv) cursor() cursor {
	e.t.Helper()
	v, err := e.engine.Cursor(context.Background(), spapi.CursorName("A1SELLER"))
	if err != nil {
		e.t.Fatal(err)
	}
	var c cursor
	if err := json.Unmarshal([]byte(v), &c); err != nil {
		e.t.Fatalf("cursor %q: %v", v, err)
	}
	return c
}

// checkDone checks that a finished pass's cursor covers every order.
func (e *syncEnv) checkDone(newest string) {
	e.t.Helper()
	c := e.cursor()
	t, _ := time.Parse(time.RFC3339, newest)
	if c.Next != "" || c.Done.Before(t) || c.Done.After(time.Now()) {
		e.t.Fatalf("cursor %+v after a full pass, want done at or after %s", c, newest)
	}
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
			e.checkDone(e.orders[4].LastUpdatedTime)
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
			changed.LastUpdatedTime = time.Now().UTC().Add(-5 * time.Minute).Truncate(time.Second).Format(time.RFC3339)
			changed.Fulfillment = &spapi.OrderFulfillment{FulfillmentStatus: spapi.FulfillmentShipped, FulfilledBy: "MERCHANT"}
			e.fake.ChangeOrder(changed)

			s, err := e.sync(spapi.SyncOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if s.New != 0 || s.Updated != 1 || s.Failed != 0 {
				t.Fatalf("stats %+v, want the changed order updated", s)
			}
			// Read again from the start: all five, none rewritten.
			s, err = e.sync(spapi.SyncOptions{Since: time.Now().AddDate(0, 0, -2)})
			if err != nil {
				t.Fatal(err)
			}
			if s.New != 0 || s.Updated != 0 || s.Unchanged != 5 {
				t.Fatalf("re-read stats %+v, want 5 unchanged", s)
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
			e.checkDone(changed.LastUpdatedTime)
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
			if c := e.cursor(); c.Next != "page-2" || c.After.IsZero() || c.Before.IsZero() {
				t.Fatalf("cursor %+v, want the pass's window and page 2's token", c)
			}

			s, err = e.sync(spapi.SyncOptions{})
			if err != nil {
				t.Fatal(err)
			}
			// The re-run starts at page 2: nothing read twice.
			if s.New != 3 || s.Unchanged != 0 || s.Updated != 0 || s.Pages != 2 {
				t.Fatalf("re-run stats %+v, want pages 2 and 3's 3 new orders", s)
			}
			calls := e.fake.Calls(spapi.OpSearchOrders)
			if q := calls[len(calls)-2].Query; q.Get("paginationToken") != "page-2" || q.Get("lastUpdatedBefore") == "" {
				t.Fatalf("re-run's first search %v, want it to resume at page 2 of the same window", q)
			}
			e.checkDone(e.orders[4].LastUpdatedTime)
			if n := len(e.allOrders()); n != 5 {
				t.Fatalf("%d orders stored, want 5", n)
			}
		})
	}
}

// A saved page token Amazon no longer takes (they last a day): the
// stopped pass's window is read again from its start.
func TestSyncWithARefusedPageTokenReadsTheWindowAgain(t *testing.T) {
	e := newSyncEnv(t, storetest.OpenSQLite(t), 3)
	stale := fmt.Sprintf(`{"after":%q,"before":%q,"next":"expired-token"}`,
		time.Now().UTC().Add(-24*time.Hour).Format(time.RFC3339), time.Now().UTC().Add(-10*time.Minute).Format(time.RFC3339))
	if err := e.engine.SaveCursor(context.Background(), spapi.CursorName("A1SELLER"), func(string) string { return stale }); err != nil {
		t.Fatal(err)
	}
	s, err := e.sync(spapi.SyncOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if s.New != 3 {
		t.Fatalf("stats %+v, want the 3 orders of the window", s)
	}
	e.checkDone(e.orders[2].LastUpdatedTime)
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
