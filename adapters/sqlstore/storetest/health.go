package storetest

import (
	"context"
	"fmt"
	mrand "math/rand/v2"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// recounter is a store that keeps account health in counters and can
// count it again from every row, to check them.
type recounter interface {
	RecountHealth(ctx context.Context, w core.HealthWindows) (core.HealthCounts, error)
}

// mix is what random mixes of transactions share: the store, a random
// source writers racing can share, the time and the ids they change.
type mix struct {
	e   env
	now time.Time
	ids []string
	mu  sync.Mutex // r, seq
	r   *mrand.Rand
	seq int
}

func newMix(e env, seed1, seed2 uint64) mix {
	return mix{e: e, now: t0, r: mrand.New(mrand.NewPCG(seed1, seed2))}
}

func (m *mix) intn(n int) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.r.IntN(n)
}

// next is a number no other call returns, for ids.
func (m *mix) next() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.seq++
	return m.seq
}

// around is a time within days of now, at any microsecond.
func (m *mix) around(days int) time.Time {
	return m.now.Add(time.Duration(m.intn(2*days*24*3600)-days*24*3600) * time.Second).Add(time.Duration(m.intn(1e6)) * time.Microsecond)
}

// counterMix is a random mix of transactions that move counters a store
// keeps, and a check of the counters against a count of every row.
type counterMix interface {
	step(who, n int) error
	check(t *testing.T, what string)
}

// runCounterMix runs 150 of m's transactions one after another, checking
// every tenth, then ownSaves, then eight writers racing on the same rows,
// and checks after them.
func runCounterMix(t *testing.T, m counterMix, ownSaves func(t *testing.T)) {
	t.Run("random_mix", func(t *testing.T) {
		for n := range 150 {
			if err := m.step(0, n); err != nil && core.ErrorCode(err) != core.Invalid {
				t.Fatalf("step %d: %v", n, err)
			}
			if n%10 == 9 {
				m.check(t, fmt.Sprintf("after step %d", n))
			}
		}
	})
	t.Run("own_saves_in_the_transaction", ownSaves)
	t.Run("concurrent_writers", func(t *testing.T) {
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for who := 1; who <= 8; who++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for n := range 25 {
					// Conflicts (two writers on one row) are expected: the
					// loser changes nothing.
					if err := m.step(who, n); err != nil && core.ErrorCode(err) != core.Invalid && core.ErrorCode(err) != core.Conflict {
						errs <- fmt.Errorf("writer %d step %d: %v", who, n, err)
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		m.check(t, "after the race")
	})
}

// healthMix changes orders at random in the ways that move account health.
type healthMix struct {
	mix
	rc recounter
}

// when is a time within 40 days of now, at any microsecond, now and then
// exactly at a UTC midnight, an hour or a minute, and often within two
// hours or 90 seconds of hot, where check's windows start.
func (m *healthMix) when() time.Time {
	switch m.intn(8) {
	case 0:
		return m.around(40).Truncate([]time.Duration{day, time.Hour, time.Minute}[m.intn(3)])
	case 1, 2:
		within := []int{2 * 3600, 90}[m.intn(2)] // seconds: the hot hours, or its minutes
		t := m.hot().Add(time.Duration(m.intn(2*within)-within) * time.Second).Add(time.Duration(m.intn(1e6)) * time.Microsecond)
		if m.intn(4) == 0 {
			t = t.Truncate(time.Minute)
		}
		return t
	}
	return m.around(40)
}

// hot is an instant in the middle of a minute, in the middle of an hour,
// three days before now.
func (m *healthMix) hot() time.Time {
	return m.now.Add(-3 * day).Truncate(time.Hour).Add(37*time.Minute + 20*time.Second + 250*time.Millisecond)
}

func (m *healthMix) newOrder(id string) *core.Order {
	o := newOrder(id, m.when())
	if m.intn(5) == 0 {
		o.Fulfillment = core.Marketplace
	}
	for range m.intn(3) {
		m.change(o, 0)
	}
	return o
}

// change makes one random change to o.
func (m *healthMix) change(o *core.Order, who int) {
	reasons := []core.CancelReason{"", core.NoInventory, core.BuyerCanceled, core.PaymentUnverified}
	switch k := m.intn(10); {
	case k < 4 || len(o.Shipments) == 0: // ship (again)
		o.Shipments = append(o.Shipments, core.Shipment{ID: fmt.Sprintf("S-%s-%d-%d", o.ID, who, m.next()), Carrier: core.UPS,
			Tracking: "1Z999AA10123456784", ShipDate: m.when(), Late: m.intn(3) == 0, ValidTracking: m.intn(4) != 0, CreatedAt: m.now})
	case k < 6: // a shipment replaced: new date, lateness, tracking
		s := &o.Shipments[m.intn(len(o.Shipments))]
		s.ShipDate, s.Late, s.ValidTracking = m.when(), m.intn(2) == 0, m.intn(2) == 0
	case k < 8:
		o.Status, o.CancelReason = core.Canceled, reasons[m.intn(len(reasons))]
	case k < 9:
		o.PurchaseDate = m.when()
	default:
		o.Fulfillment = []core.Fulfillment{core.Merchant, core.Marketplace}[m.intn(2)]
	}
}

// step runs one random transaction: new orders, or changes to some,
// read in the transaction or before it, saved once or twice, or dropped.
func (m *healthMix) step(who, n int) error {
	if m.intn(6) == 0 {
		var orders []*core.Order
		for i := range 1 + m.intn(4) {
			orders = append(orders, m.newOrder(fmt.Sprintf("N-%d-%d-%d", who, n, i)))
		}
		return m.e.update(func(tx core.Tx) error { return tx.SaveOrders(m.e.ctx, orders) })
	}
	ids := []string{m.ids[m.intn(len(m.ids))], m.ids[m.intn(len(m.ids))]}
	if ids[0] == ids[1] {
		ids = ids[:1]
	}
	var stale map[string]*core.Order
	if m.intn(4) == 0 { // read outside the transaction: the store reads it again
		if err := m.e.s.View(m.e.ctx, func(tx core.Tx) (err error) {
			stale, err = tx.OrdersByID(m.e.ctx, ids)
			return err
		}); err != nil {
			return err
		}
	}
	twice, drop, shrink := m.intn(4) == 0, m.intn(10) == 0, m.intn(10) == 0
	return m.e.update(func(tx core.Tx) error {
		got := stale
		if got == nil {
			var err error
			if got, err = tx.OrdersByID(m.e.ctx, ids); err != nil {
				return err
			}
		}
		var orders []*core.Order
		for _, id := range ids {
			o := got[id]
			m.change(o, who)
			if shrink && len(o.Shipments) > 1 { // a shipment left out of the save stays stored
				o.Shipments = o.Shipments[1:]
			}
			orders = append(orders, o)
		}
		if err := tx.SaveOrders(m.e.ctx, orders); err != nil {
			return err
		}
		if twice {
			for _, o := range orders {
				m.change(o, who)
			}
			if err := tx.SaveOrders(m.e.ctx, orders); err != nil {
				return err
			}
		}
		if drop {
			return core.Errorf(core.Invalid, "dropped on purpose")
		}
		return nil
	})
}

// check compares HealthCounts with a count of every row, over windows
// starting mid-day, at midnight, before everything and after it, and
// mid-minute, on a minute, mid-hour and on the hour where many rows are
// (around hot), and at random.
func (m *healthMix) check(t *testing.T, what string) {
	t.Helper()
	mid := m.now.Add(-7*time.Hour - 123*time.Microsecond)
	hot := m.hot()
	minute, hour := hot.Truncate(time.Minute), hot.Truncate(time.Hour)
	for _, w := range []core.HealthWindows{
		{LateSince: hot, CancelSince: minute, TrackingSince: hour},
		{LateSince: minute, CancelSince: hour, TrackingSince: hot},
		{LateSince: hour, CancelSince: hot, TrackingSince: minute},
		{LateSince: hot.Add(-20*time.Minute - 7*time.Second), CancelSince: hot.Add(50*time.Second + time.Microsecond), TrackingSince: hot.Add(-3 * time.Hour)},
		{LateSince: m.when(), CancelSince: m.when(), TrackingSince: m.when()},
		{LateSince: mid.AddDate(0, 0, -10), CancelSince: mid.AddDate(0, 0, -30), TrackingSince: mid.AddDate(0, 0, -20)},
		{LateSince: m.now.Truncate(day).AddDate(0, 0, -5), CancelSince: m.now.Truncate(day), TrackingSince: mid},
		{},
		{LateSince: m.now.AddDate(0, 0, 50), CancelSince: m.now.AddDate(0, 0, 50), TrackingSince: m.now.AddDate(0, 0, 50)},
	} {
		var got core.HealthCounts
		m.e.view(func(tx core.Tx) (err error) {
			got, err = tx.HealthCounts(m.e.ctx, w)
			return err
		})
		want, err := m.rc.RecountHealth(m.e.ctx, w)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s, windows %+v: counters give %+v, the rows %+v", what, w, got, want)
		}
	}
}

// testHealthCounters: account health read from counters the store keeps
// equals a count of every row, after a random mix of new orders, ships,
// shipments replaced, cancels, purchase dates and fulfilment changed,
// saves twice in one transaction, saves of orders read outside it, and
// transactions dropped; then with writers racing on the same orders.
func testHealthCounters(t *testing.T, open func(t *testing.T) core.Store) {
	e := newEnv(t, open)
	rc, ok := e.s.(recounter)
	if !ok {
		t.Skip("the store keeps no health counters")
	}
	m := &healthMix{mix: newMix(e, 16, 15), rc: rc}
	var orders []*core.Order
	for i := range 40 {
		o := m.newOrder(fmt.Sprintf("H-%02d", i))
		orders = append(orders, o)
		m.ids = append(m.ids, o.ID)
	}
	e.save(orders...)
	m.check(t, "after the first save")

	runCounterMix(t, m, func(t *testing.T) {
		var inside core.HealthCounts
		w := core.HealthWindows{LateSince: t0.AddDate(0, 0, -10), CancelSince: t0.AddDate(0, 0, -30), TrackingSince: t0.AddDate(0, 0, -30)}
		err := e.update(func(tx core.Tx) error {
			o, err := tx.Order(e.ctx, m.ids[0])
			if err != nil {
				return err
			}
			o.Fulfillment, o.PurchaseDate = core.Merchant, t0
			o.Shipments = append(o.Shipments, core.Shipment{ID: "S-OWN", Carrier: core.UPS, Tracking: "1Z999AA10123456784",
				ShipDate: t0, Late: true, ValidTracking: true, CreatedAt: t0})
			if err := tx.SaveOrders(e.ctx, []*core.Order{o}); err != nil {
				return err
			}
			inside, err = tx.HealthCounts(e.ctx, w)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		want, err := rc.RecountHealth(e.ctx, w)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(inside, want) {
			t.Fatalf("inside the saving transaction %+v, after it the rows give %+v", inside, want)
		}
	})
}
