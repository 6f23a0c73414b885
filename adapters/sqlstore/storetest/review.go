package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// An order's review request: stored with the order, each state reading
// back as saved, and the auto_review pass's query (delivered in a range,
// none requested yet).
func testReviewRequests(t *testing.T, open func(t *testing.T) core.Store) {
	e := newEnv(t, open)
	delivered := func(id string, ago time.Duration, r *core.ReviewRequest) *core.Order {
		o := newOrder(id, t0.Add(-40*day))
		o.Status, o.DeliveredAt, o.Review = core.Delivered, at(t0.Add(-ago)), r
		return o
	}
	waiting := &core.ReviewRequest{RequestedAt: t0, RequestedBy: "olivia", State: core.ReviewWaiting}
	e.save(
		delivered("D3", 3*day, nil),
		delivered("D5", 5*day, nil),
		delivered("D5R", 5*day, waiting),
		delivered("D30", 30*day, nil),
		delivered("D31", 31*day, nil),
		newOrder("U", t0), // not delivered: no delivered_at
	)
	if got := e.order("D5R").Review; got == nil || *got != *waiting {
		t.Fatalf("waiting request read back as %+v", got)
	}
	if got := e.order("D5").Review; got != nil {
		t.Fatalf("an order without a request reads back with %+v", got)
	}
	ids := func(q core.OrderQuery) []string {
		var out []string
		e.view(func(tx core.Tx) error {
			os, err := tx.Orders(e.ctx, q)
			for _, o := range os {
				out = append(out, o.ID)
			}
			return err
		})
		slices.Sort(out)
		return out
	}
	for _, c := range []struct {
		name string
		q    core.OrderQuery
		want []string
	}{
		{"unrequested", core.OrderQuery{ReviewUnrequested: true}, []string{"D3", "D30", "D31", "D5", "U"}},
		{"delivered_range_inclusive_exclusive", core.OrderQuery{DeliveredAfter: t0.Add(-30 * day), DeliveredBefore: t0.Add(-5 * day)}, []string{"D30"}},
		{"delivered_after", core.OrderQuery{DeliveredAfter: t0.Add(-5 * day)}, []string{"D3", "D5", "D5R"}},
		{"due_for_auto_review", core.OrderQuery{Statuses: []core.Status{core.Delivered}, ReviewUnrequested: true,
			DeliveredAfter: t0.Add(-30 * day), DeliveredBefore: t0.Add(-5*day + time.Second)}, []string{"D30", "D5"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := ids(c.q); !slices.Equal(got, c.want) {
				t.Fatalf("got %v, want %v", got, c.want)
			}
		})
	}

	// Answered, several orders in one save (PostgreSQL's multi-row update).
	t.Run("answers_saved_together", func(t *testing.T) {
		answered := at(t0.Add(time.Hour))
		err := e.update(func(tx core.Tx) error {
			a, err := tx.Order(e.ctx, "D5R")
			if err != nil {
				return err
			}
			b, err := tx.Order(e.ctx, "D30")
			if err != nil {
				return err
			}
			a.Review.State, a.Review.AnsweredAt = core.ReviewSent, answered
			b.Review = &core.ReviewRequest{RequestedAt: t0, RequestedBy: "sellerdesk (auto_review)", State: core.ReviewRefused,
				Reason: "This order is not eligible.", AnsweredAt: answered}
			return tx.SaveOrders(e.ctx, []*core.Order{a, b})
		})
		if err != nil {
			t.Fatal(err)
		}
		sent := e.order("D5R").Review
		if sent.State != core.ReviewSent || !sent.AnsweredAt.Equal(*answered) || sent.RequestedBy != "olivia" {
			t.Fatalf("sent request read back as %+v", sent)
		}
		if r := e.order("D30").Review; r == nil || r.State != core.ReviewRefused || r.Reason != "This order is not eligible." {
			t.Fatalf("refused request read back as %+v", r)
		}
		if got := ids(core.OrderQuery{ReviewUnrequested: true}); !slices.Equal(got, []string{"D3", "D31", "D5", "U"}) {
			t.Fatalf("unrequested after the answers: %v", got)
		}
	})
}
