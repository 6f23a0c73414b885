package core

import (
	"context"
	"fmt"
	"time"
)

// SystemActor is who the engine's own timed work is recorded as.
func SystemActor() Actor {
	return Actor{ID: "system", Name: "sellerdesk", Role: Owner, Source: "system"}
}

// SweepResult says what one run of the timed order rules did.
type SweepResult struct {
	Warned       []string `json:"warned"`        // 7-days-left warnings sent
	AutoCanceled []string `json:"auto_canceled"` // cancelled by the 30-day rule
	Expired      []string `json:"expired"`       // pending past the verification limit
	Completed    []string `json:"completed"`     // delivered, return window over
	Reminded     int      `json:"reminded"`      // conversations reminded before their deadline
	Breached     int      `json:"breached"`      // conversations past their deadline
}

// Changed is how many orders the sweep changed.
func (r SweepResult) Changed() int {
	return len(r.Warned) + len(r.AutoCanceled) + len(r.Expired) + len(r.Completed)
}

// Sweep applies the timed order rules: the 30-day rule's warning and
// auto-cancel, the pending-verification limit and completion after the
// return window. Each order is changed in its own transaction, so one
// failure does not hold back the rest, and running it twice does nothing
// the second time.
func (e *Engine) Sweep(ctx context.Context) (SweepResult, error) {
	now := e.now()
	p := e.policy
	var out SweepResult
	qs := e.SweepQueries(now)
	complete := func(o *Order) (string, []Event) {
		o.Status = Completed
		return "complete " + o.ID, nil
	}
	steps := []struct {
		q    OrderQuery
		due  func(*Order, time.Time) bool
		do   func(*Order) (string, []Event)
		into *[]string
	}{
		{qs[0], p.AutoCancelDue,
			func(o *Order) (string, []Event) {
				_ = cancelOrder(o, NotShippedInTime, now)
				return "cancel " + o.ID + " not_shipped_in_time", []Event{{Kind: EventAutoCanceled, OrderID: o.ID,
					Text: fmt.Sprintf("Order %s was cancelled automatically: not confirmed shipped within %d days of purchase.", o.ID, p.AutoCancelDays)}}
			}, &out.AutoCanceled},
		{qs[1], p.ShipWarningDue,
			func(o *Order) (string, []Event) {
				t := now
				o.ShipWarnedAt = &t
				at := p.AutoCancelAt(o)
				return "warn " + o.ID, []Event{{Kind: EventShipWarning, OrderID: o.ID,
					Text: fmt.Sprintf("Order %s is not shipped yet and will be cancelled automatically on %s (%d days after purchase). Ship or cancel it.", o.ID, at.In(p.loc()).Format("Mon 2 Jan 2006 15:04 MST"), p.AutoCancelDays)}}
			}, &out.Warned},
		{qs[2], p.PendingExpired,
			func(o *Order) (string, []Event) {
				_ = cancelOrder(o, PaymentUnverified, now)
				return "cancel " + o.ID + " payment_unverified", nil
			}, &out.Expired},
		{qs[3], p.CompleteDue, complete, &out.Completed},
		// (qs[4]: without a delivery date the window runs from the last shipment.)
		{qs[4], p.CompleteDue, complete, &out.Completed},
	}
	for _, st := range steps {
		ids, err := e.eachDue(ctx, st.q, func(o *Order) bool { return st.due(o, now) }, func(tx Tx, o *Order) error {
			ch := &change{before: o.Clone(), after: o}
			line, evs := st.do(o)
			ch.events = evs
			return e.commit(ctx, tx, Request{Actor: SystemActor(), Command: sweepCommand(line)}, []*change{ch}, &Result{}, now)
		})
		*st.into = append(*st.into, ids...)
		if err != nil {
			return out, err
		}
	}
	var err error
	out.Reminded, out.Breached, err = e.sweepConversations(ctx, now)
	return out, err
}

// SweepQueries are the order lists Sweep reads, one per step, at now.
// Each reads only the orders that can be due (an index range, so a sweep
// with nothing due reads next to nothing however many orders there are);
// the step's due function, checked on each, stays the rule. The purchase
// date bounds of auto-cancel, warning and pending are as they always were
// (an order exactly at its limit waits for the next sweep); the warning's
// oldest purchase date holds a day's margin over the rule's, for time zones
// and daylight saving (30 days after a purchase dated in a zone that changes
// its clocks are not 30 × 24 hours): a warning is due only before the
// auto-cancel. Completion reads exactly the orders whose return window,
// counted in whole shop days from delivery, is over, with no return open.
func (e *Engine) SweepQueries(now time.Time) []OrderQuery {
	p := e.policy
	open := []Status{Unshipped, PartiallyShipped}
	return []OrderQuery{
		{Statuses: open, Fulfillment: Merchant, PurchasedBefore: now.AddDate(0, 0, -p.AutoCancelDays)},
		{Statuses: open, Fulfillment: Merchant, PurchasedBefore: now.AddDate(0, 0, p.WarnDaysBefore-p.AutoCancelDays),
			PurchasedAfter: now.AddDate(0, 0, -p.AutoCancelDays-1)},
		{Statuses: []Status{Pending}, PurchasedBefore: now.AddDate(0, 0, -p.PendingDays)},
		{Statuses: []Status{Delivered}, DeliveredBefore: p.completeCutoff(now), NoReturnIn: openReturns(), Sort: DeliveredFirst},
		{Statuses: []Status{Delivered}, Undelivered: true, NoReturnIn: openReturns()},
	}
}

// completeCutoff is the delivery time from which an order is not yet due
// for completion at now: exactly the rule's bound, found by bisecting the
// rule itself (ReturnWindowEnd, whole shop days), so the sweep reads no
// order that is not due — a day's margin was a day's deliveries read and
// left alone at every sweep, 20,000 orders in a shop of ten million.
func (p Policy) completeCutoff(now time.Time) time.Time {
	due := func(t time.Time) bool { return !now.Before(p.ReturnWindowEnd(&Order{DeliveredAt: &t})) }
	return firstNotDue(now.AddDate(0, 0, -p.ReturnWindowDays-3), now, due)
}

// firstNotDue is the earliest time in (lo, hi], to the microsecond the
// store keeps, at which due is false, for a due that holds up to some time
// and not from it on; lo when due(lo) is false already, and past hi when it
// holds throughout.
func firstNotDue(lo, hi time.Time, due func(time.Time) bool) time.Time {
	lo, hi = lo.Truncate(time.Microsecond), hi.Truncate(time.Microsecond).Add(time.Microsecond)
	if !due(lo) {
		return lo
	}
	for hi.Sub(lo) > time.Microsecond { // due(lo), and not due(hi) or hi past the range
		mid := lo.Add(hi.Sub(lo) / 2).Truncate(time.Microsecond)
		if due(mid) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return hi
}

// eachDue changes, each in its own transaction, the orders q lists for
// which due holds — checked again inside the transaction, since the order
// may have changed since the list was read — and returns the ids changed,
// so one failure does not hold back the orders before it and running it
// twice does nothing the second time.
func (e *Engine) eachDue(ctx context.Context, q OrderQuery, due func(*Order) bool, do func(Tx, *Order) error) (changed []string, err error) {
	// A list with a sort is read page by page (the key of a page's last
	// order starts the next), so that a backlog is never read into memory
	// whole, and each read is "the next page", which a planner serves from
	// the sort's index however many rows it guesses the range holds. The
	// lists that set none are short by nature (open, pending orders).
	q.Seek = nil
	if q.Sort != "" {
		q.Limit = e.sweepPage
	}
	for {
		var ids []string
		var n int
		err = e.store.View(ctx, func(tx Tx) error {
			orders, err := tx.Orders(ctx, q)
			n = len(orders)
			for _, o := range orders {
				if due(&o) {
					ids = append(ids, o.ID)
				}
			}
			if n > 0 {
				k := KeyOf(&orders[n-1], q.Sort)
				q.Seek = &k
			}
			return err
		})
		if err != nil {
			return changed, err
		}
		done, err := e.changeEach(ctx, ids, due, do)
		changed = append(changed, done...)
		if err != nil || q.Limit == 0 || n < q.Limit {
			return changed, err
		}
	}
}

// changeEach changes each of ids for which due still holds, each in its
// own transaction, and returns those changed.
func (e *Engine) changeEach(ctx context.Context, ids []string, due func(*Order) bool, do func(Tx, *Order) error) (changed []string, err error) {
	for _, id := range ids {
		did := false
		err := e.update(ctx, func(tx Tx) error {
			o, err := tx.Order(ctx, id)
			if err != nil || !due(o) {
				return err
			}
			did = true
			return do(tx, o)
		})
		if err != nil {
			return changed, err
		}
		if did {
			changed = append(changed, id)
		}
	}
	return changed, nil
}

// sweepCommand names a timed rule's action in the audit log.
type sweepCommand string

func (c sweepCommand) Name() string   { return "sweep" }
func (c sweepCommand) String() string { return string(c) }
