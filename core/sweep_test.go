package core

import (
	"fmt"
	mrand "math/rand/v2"
	"slices"
	"testing"
	"time"
)

// matches is what a store's Orders selects for the OrderQuery fields the
// sweep uses.
func matches(q OrderQuery, o *Order) bool {
	return (len(q.Statuses) == 0 || slices.Contains(q.Statuses, o.Status)) &&
		(q.Fulfillment == "" || o.Fulfillment == q.Fulfillment) &&
		(q.PurchasedBefore.IsZero() || o.PurchaseDate.Before(q.PurchasedBefore)) &&
		(q.PurchasedAfter.IsZero() || !o.PurchaseDate.Before(q.PurchasedAfter)) &&
		(q.DeliveredBefore.IsZero() || o.DeliveredAt != nil && o.DeliveredAt.Before(q.DeliveredBefore)) &&
		(!q.Undelivered || o.DeliveredAt == nil) &&
		!slices.ContainsFunc(o.Returns, func(r Return) bool { return slices.Contains(q.NoReturnIn, r.Status) })
}

// TestSweepQueriesListEveryDueOrder: the bounds the sweep's lists gained
// (the warning's oldest purchase date, completion's delivery date and open
// returns) only narrow what it reads; every order the step's rule finds due
// is on that step's list, in time zones with daylight saving and odd offsets, around
// the bounds, with and without a delivery date; and completion lists no
// delivered order that is not due.
func TestSweepQueriesListEveryDueOrder(t *testing.T) {
	zones := []string{"UTC", "America/Los_Angeles", "Europe/Berlin", "Asia/Kathmandu", "Australia/Lord_Howe", "Pacific/Chatham", "America/St_Johns"}
	r := mrand.New(mrand.NewPCG(1, 16))
	statuses := []Status{Pending, Unshipped, PartiallyShipped, Delivered, Shipped}
	for _, z := range zones {
		loc, err := time.LoadLocation(z)
		if err != nil {
			t.Skipf("no time zone data: %v", err)
		}
		p := DefaultPolicy()
		p.Location = loc
		e := NewEngine(nil, Options{Policy: &p})
		// Around both daylight-saving changes of the year.
		for _, now := range []time.Time{time.Date(2026, 3, 29, 1, 30, 0, 0, time.UTC), time.Date(2026, 10, 25, 0, 59, 0, 0, time.UTC),
			time.Date(2026, 4, 5, 15, 0, 0, 0, time.UTC), time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)} {
			qs := e.SweepQueries(now)
			steps := []struct {
				due func(*Order, time.Time) bool
				qs  []OrderQuery
			}{{p.ShipWarningDue, qs[1:2]}, {p.CompleteDue, qs[3:5]}}
			// The bound to the microsecond: delivered just before it, due;
			// at it, not yet.
			for d, want := range map[time.Duration]bool{-time.Microsecond: true, 0: false} {
				at := qs[3].DeliveredBefore.Add(d)
				if got := p.CompleteDue(&Order{Status: Delivered, DeliveredAt: &at}, now); got != want {
					t.Fatalf("%s, now %s: delivered at %s (bound %+v), complete due %v, want %v", z, now, at, d, got, want)
				}
			}
			for i := range 20000 {
				// Times within 40 days of now, half of them within a few
				// hours of a bound.
				span := time.Duration(r.IntN(40*24*3600)) * time.Second
				if i%2 == 0 {
					span = time.Duration(p.ReturnWindowDays+[]int{-1, 0, 1}[r.IntN(3)])*24*time.Hour + time.Duration(r.IntN(6*3600)-3*3600)*time.Second
				}
				if i%4 == 1 {
					span = time.Duration(p.AutoCancelDays+[]int{-p.WarnDaysBefore, 0, 1}[r.IntN(3)])*24*time.Hour + time.Duration(r.IntN(6*3600)-3*3600)*time.Second
				}
				at := now.Add(-span)
				o := &Order{ID: fmt.Sprint(i), Status: statuses[r.IntN(len(statuses))], Fulfillment: Merchant, PurchaseDate: at.In([]*time.Location{time.UTC, loc}[r.IntN(2)])}
				if r.IntN(2) == 0 {
					o.DeliveredAt = &at
				} else if r.IntN(2) == 0 {
					o.Shipments = []Shipment{{ID: "S", ShipDate: at}}
				}
				if r.IntN(3) == 0 {
					o.Returns = []Return{{ID: "R", Status: []ReturnStatus{ReturnRequested, ReturnApproved, ReturnReceived, ReturnRefunded, ReturnRejected}[r.IntN(5)]}}
				}
				// Completion's delivery date bound is the rule's own: nothing
				// it lists is left alone.
				if matches(qs[3], o) && !p.CompleteDue(o, now) {
					t.Fatalf("%s, now %s: order %+v is listed by %+v but not due", z, now, o, qs[3])
				}
				for _, st := range steps {
					if !st.due(o, now) {
						continue
					}
					// The warning's newest purchase date is the bound it always had
					// (an order exactly at it waits for the next sweep): not checked.
					if !slices.ContainsFunc(st.qs, func(q OrderQuery) bool { q.PurchasedBefore = time.Time{}; return matches(q, o) }) {
						t.Fatalf("%s, now %s: order %+v is due but not listed by %+v", z, now, o, st.qs)
					}
				}
			}
		}
	}
}
