package spapi_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/adapters/spapi"
	"github.com/sellerdesk/sellerdesk/adapters/spapi/spapitest"
	"github.com/sellerdesk/sellerdesk/adapters/sqlstore"
	"github.com/sellerdesk/sellerdesk/adapters/sqlstore/storetest"
	"github.com/sellerdesk/sellerdesk/core"
)

// simClock is simulated time shared by the replicas' clients and engines
// and the fake: a sleep moves it on to when the sleeper would wake (never
// back), so a day of rate waits takes no real time, and every bucket, the
// store's and the fake's, sees the same time pass.
type simClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *simClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *simClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(max(d, 0))
	return nil
}

// backlog is a fake SP-API holding n orders updated in the month before
// the simulated clock's start, and the replicas' stores.
type backlog struct {
	clock  *simClock
	fake   *spapitest.Server
	stores []core.Store
	n      int
}

func newBacklog(t testing.TB, n int, stores ...core.Store) *backlog {
	clock := &simClock{t: t0}
	fake := spapitest.New(t, modelsDir)
	fake.Clock = clock
	orders := make([]spapi.Order, n)
	for i := range orders {
		// Spread over the 25 days before t0, oldest first.
		orders[i] = order(i+1, t0.Add(-25*24*time.Hour+time.Duration(i)*(25*24*time.Hour/time.Duration(n))))
	}
	fake.AddOrders(orders...)
	return &backlog{clock: clock, fake: fake, stores: stores, n: n}
}

// replica is one replica's client: its own engine on its store, the
// simulated clock for its waits.
func (b *backlog) replica(t testing.TB, store core.Store) *spapi.Client {
	t.Helper()
	c, err := spapi.New(spapi.Config{
		Endpoint: b.fake.URL, TokenURL: b.fake.TokenURL(),
		ClientID: spapitest.ClientID, ClientSecret: spapitest.ClientSecret, RefreshToken: spapitest.RefreshToken,
		Seller: "A1SELLER", Engine: core.NewEngine(store, core.Options{Clock: b.clock}),
		Clock: b.clock, Sleep: b.clock.Sleep,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// syncAll runs one sync pass on every store at once and returns the
// simulated time it took.
func (b *backlog) syncAll(t testing.TB) time.Duration {
	t.Helper()
	start := b.clock.Now()
	var wg sync.WaitGroup
	for _, st := range b.stores {
		c := b.replica(t, st)
		wg.Go(func() {
			if _, err := c.Sync(context.Background(), spapi.SyncOptions{MarketplaceIDs: []string{"ATVPDKIKX0DER"}}); err != nil {
				t.Errorf("sync: %v", err)
			}
		})
	}
	wg.Wait()
	return b.clock.Now().Sub(start)
}

// twoReplicaStores opens two stores on one database, as two replicas do:
// one PostgreSQL schema, or one SQLite file.
func twoReplicaStores(t *testing.T, postgres bool) []core.Store {
	url := "sqlite:" + filepath.Join(t.TempDir(), "shop.db")
	if postgres {
		url = storetest.PostgresURL(t)
	}
	var out []core.Store
	for range 2 {
		db, err := sqlstore.Open(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		out = append(out, db)
	}
	return out
}

// Two replicas syncing a large backlog at once share each operation's
// bucket through the store: Amazon (the fake, on the same simulated
// clock) sees no call over the usage plan, though together they make
// several times searchOrders' burst of calls over simulated hours, and
// their access tokens and RDTs expire and are renewed on the way.
func TestTwoReplicasSyncingABacklogStayWithinThePlan(t *testing.T) {
	for _, st := range []struct {
		name     string
		postgres bool
	}{{"sqlite", false}, {"postgres", true}} {
		t.Run(st.name, func(t *testing.T) {
			const n = 3000
			b := newBacklog(t, n, twoReplicaStores(t, st.postgres)...)
			took := b.syncAll(t)

			if over := b.fake.OverPlan(""); over != 0 {
				t.Errorf("%d calls over the usage plan", over)
			}
			searches := len(b.fake.Calls(spapi.OpSearchOrders))
			if searches < 2*n/100 {
				t.Fatalf("%d searchOrders calls, want both replicas to read all %d pages", searches, n/100)
			}
			// The plan, not the test, set the pace: the calls past the
			// burst took at least 1/rate each.
			plan := spapi.DefaultPlans()[spapi.OpSearchOrders]
			if least := time.Duration(float64(searches-plan.Burst) / plan.Rate * float64(time.Second)); took < least {
				t.Errorf("%d searches took %s of simulated time, under the plan's %s", searches, took, least)
			}
			if tokens, rdts := len(b.fake.Calls("token")), len(b.fake.Calls(spapi.OpCreateRestrictedDataToken)); tokens < 4 || rdts < 4 {
				t.Errorf("%d token and %d RDT calls over %s: want each replica's renewed", tokens, rdts, took)
			}
			for _, c := range b.fake.Calls("") {
				if c.Status != 200 {
					t.Fatalf("a %s call answered %d: an expired token was used", c.Op, c.Status)
				}
			}
			var got []core.Order
			if err := b.stores[0].View(context.Background(), func(tx core.Tx) (err error) {
				got, err = tx.Orders(context.Background(), core.OrderQuery{Limit: 2 * n})
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if len(got) != n {
				t.Fatalf("%d orders stored, want %d", len(got), n)
			}
			t.Logf("%d searchOrders calls in %s of simulated time, none over the plan", searches, took.Round(time.Second))
		})
	}
}

// The fake does count: a client that believes in twice getOrder's burst
// sends thirty calls Amazon would refuse, and after ten seconds (five
// tokens back at 0.5/s) six calls make one more.
func TestFakeCountsCallsOverThePlan(t *testing.T) {
	h := newHarness(t, func(c *spapi.Config) {
		// A burst of 60 and no wait to speak of after it.
		c.Plans = map[string]spapi.Plan{spapi.OpGetOrder: {Rate: 1000, Burst: 60}}
	})
	clock := &simClock{t: t0}
	h.fake.Clock = clock
	h.fake.AddOrders(order(1, t0))
	for range 60 {
		if _, err := h.client.GetOrder(context.Background(), order(1, t0).OrderID, nil); err != nil {
			t.Fatal(err)
		}
	}
	if over := h.fake.OverPlan(spapi.OpGetOrder); over != 30 {
		t.Fatalf("%d calls over getOrder's burst of 30, want 30", over)
	}
	clock.Sleep(context.Background(), 10*time.Second) // five tokens back at 0.5/s
	for range 6 {
		if _, err := h.client.GetOrder(context.Background(), order(1, t0).OrderID, nil); err != nil {
			t.Fatal(err)
		}
	}
	if over := h.fake.OverPlan(""); over != 31 {
		t.Fatalf("%d calls over the plan after 6 more in 10s, want 31", over)
	}
}

// BenchmarkSyncBacklog measures a first sync of a 50,000-order backlog
// under the real usage plan, on simulated time: orders synced per minute
// of Amazon's time and API calls per order (docs/speed.md). Run it with
//
//	go test -run '^$' -bench SyncBacklog -benchtime 1x ./adapters/spapi
func BenchmarkSyncBacklog(b *testing.B) {
	for _, size := range []int{50000} {
		b.Run(fmt.Sprint(size, "_orders"), func(b *testing.B) {
			for range b.N {
				bl := newBacklog(b, size, storetest.OpenSQLite(b))
				took := bl.syncAll(b)
				if over := bl.fake.OverPlan(""); over != 0 {
					b.Fatalf("%d calls over the plan", over)
				}
				search, rdt, token := len(bl.fake.Calls(spapi.OpSearchOrders)), len(bl.fake.Calls(spapi.OpCreateRestrictedDataToken)), len(bl.fake.Calls("token"))
				b.ReportMetric(float64(size)/took.Minutes(), "orders/sim-min")
				b.ReportMetric(float64(search+rdt+token)/float64(size), "calls/order")
				b.ReportMetric(took.Hours(), "sim-hours")
				b.Logf("%d orders in %s simulated: %d searchOrders, %d createRestrictedDataToken, %d token calls",
					size, took.Round(time.Second), search, rdt, token)
			}
		})
	}
}
