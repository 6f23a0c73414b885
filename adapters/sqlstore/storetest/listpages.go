package storetest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

type clockAt time.Time

func (c clockAt) Now() time.Time { return time.Time(c) }

// testListPages walks every order list page by page through the engine,
// following the cursors (Next, then Previous back), and checks the pages
// add up to the whole list in order with nothing twice; then walks again
// while orders are added before and after the cursor and orders already
// shown leave the list, which an OFFSET would turn into a repeated or a
// skipped row.
func testListPages(t *testing.T, open func(t *testing.T) core.Store) {
	now := t0.Add(100 * day).Truncate(24 * time.Hour).Add(10 * time.Hour)
	statuses := []core.Status{core.Pending, core.Unshipped, core.PartiallyShipped, core.Shipped, core.Delivered, core.Canceled, core.Unshipped}
	seed := func(e env) {
		var orders []*core.Order
		for i := range 84 {
			// Purchases in threes at one instant and ship-by dates in
			// fours, so pages break inside ties and the id decides.
			o := newOrder(fmt.Sprintf("L-%03d", (i*37)%84), now.Add(-time.Duration(i/3)*time.Hour))
			o.Status = statuses[i%len(statuses)]
			o.ShipBy = now.Add(-48*time.Hour + time.Duration(i%19)*4*time.Hour)
			if i%11 == 0 {
				o.Fulfillment = core.Marketplace
			}
			orders = append(orders, o)
		}
		e.save(orders...)
	}
	actor := core.Actor{ID: "test:owner", Name: "owner", Role: core.Owner, Source: "test"}
	list := func(t *testing.T, eng *core.Engine, c core.ListOrders) *core.Result {
		t.Helper()
		res, err := eng.Do(t.Context(), core.Request{Actor: actor, Command: c})
		if err != nil {
			t.Fatalf("%s: %v", c, err)
		}
		if again, err := core.Parse(c.String()); err != nil || again != c {
			t.Fatalf("%q reads back as %+v, %v", c.String(), again, err)
		}
		return res
	}
	idsOf := func(os []core.Order) []string {
		var out []string
		for _, o := range os {
			out = append(out, o.ID)
		}
		return out
	}
	filters := []core.ListFilter{core.ListAll, core.ListPending, core.ListUnshipped, core.ListLate, core.ListDue, core.ListShipped, core.ListCanceled}
	const limit = 3

	t.Run("pages_add_up_to_the_list", func(t *testing.T) {
		e := newEnv(t, open)
		seed(e)
		eng := core.NewEngine(e.s, core.Options{Clock: clockAt(now)})
		for _, f := range filters {
			t.Run(string(f)+"_list", func(t *testing.T) {
				full := idsOf(list(t, eng, core.ListOrders{Filter: f, Limit: 500}).Orders)
				if len(full) <= 2*limit {
					t.Fatalf("only %d orders in %s: too few to page", len(full), f)
				}
				var walked [][]string
				c := core.ListOrders{Filter: f, Limit: limit}
				for {
					res := list(t, eng, c)
					walked = append(walked, idsOf(res.Orders))
					if len(walked) > 1 && res.Page.Prev.IsZero() {
						t.Errorf("page %d has no Previous", len(walked))
					}
					if res.Page.Next.IsZero() {
						break
					}
					if len(walked) > len(full) {
						t.Fatalf("more pages than orders: %v", walked)
					}
					c.After = res.Page.Next
				}
				if got := slices.Concat(walked...); !slices.Equal(got, full) {
					t.Fatalf("pages %v\nadd up to %v\nwant       %v", walked, got, full)
				}
				// And back: Previous from the last page gives the same pages.
				last := list(t, eng, c)
				back := [][]string{idsOf(last.Orders)}
				for p := last.Page.Prev; !p.IsZero(); {
					res := list(t, eng, core.ListOrders{Filter: f, Limit: limit, Before: p})
					back = append([][]string{idsOf(res.Orders)}, back...)
					if res.Page.Next.IsZero() {
						t.Errorf("a page read back has no Next")
					}
					p = res.Page.Prev
				}
				if !slices.EqualFunc(back, walked, slices.Equal) {
					t.Errorf("Previous gave pages %v, Next gave %v", back, walked)
				}
			})
		}
	})

	t.Run("changes_between_pages_neither_repeat_nor_skip", func(t *testing.T) {
		for _, f := range filters {
			t.Run(string(f)+"_list", func(t *testing.T) {
				e := newEnv(t, open)
				seed(e)
				eng := core.NewEngine(e.s, core.Options{Clock: clockAt(now)})
				sortBy := eng.OrderQueryFor(f, now).Sort
				first := list(t, eng, core.ListOrders{Filter: f, Limit: 500}).Orders
				want := slices.Clone(first)
				var walked []string
				c := core.ListOrders{Filter: f, Limit: limit}
				for page := 1; ; page++ {
					res := list(t, eng, c)
					walked = append(walked, idsOf(res.Orders)...)
					if res.Page.Next.IsZero() {
						break
					}
					c.After = res.Page.Next
					if page > 2 {
						continue
					}
					// Before the cursor: a twin of the list's first order
					// (same sort key, the id next to it), never to be shown
					// now; after it: a twin of the last, to be shown.
					before, after := first[0].Clone(), first[len(first)-1].Clone()
					before.ID, after.ID = fmt.Sprintf("%s-b%d", before.ID, page), fmt.Sprintf("%s-a%d", after.ID, page)
					before.Version, after.Version = 0, 0
					e.save(before, after)
					want = append(want, *after)
					// An order already shown leaves the list (or, in the
					// list of every order, changes in place).
					gone := e.order(res.Orders[1].ID)
					gone.Status = core.Canceled
					if f == core.ListCanceled {
						gone.Status = core.Completed
					}
					e.save(gone)
				}
				slices.SortFunc(want, func(a, b core.Order) int { return compareKeys(core.KeyOf(&a, sortBy), core.KeyOf(&b, sortBy), sortBy) })
				if w := idsOf(want); !slices.Equal(walked, w) {
					t.Errorf("walked %v\nwant   %v", walked, w)
				}
			})
		}
	})

	t.Run("cursor_of_another_list_refused", func(t *testing.T) {
		e := newEnv(t, open)
		seed(e)
		eng := core.NewEngine(e.s, core.Options{Clock: clockAt(now)})
		late := list(t, eng, core.ListOrders{Filter: core.ListLate, Limit: limit})
		_, err := eng.Do(t.Context(), core.Request{Actor: actor, Command: core.ListOrders{Filter: core.ListDue, After: late.Page.Next}})
		wantCode(t, err, core.Invalid)
		if !strings.Contains(core.ErrorMessage(err), "orders late after") {
			t.Errorf("refusal %q does not say how to use the cursor", core.ErrorMessage(err))
		}
	})
}

// compareKeys orders two keys as the list sorted by s does.
func compareKeys(a, b core.OrderKey, s core.OrderSort) int {
	c := a.At.Compare(b.At)
	if c == 0 {
		c = strings.Compare(a.ID, b.ID)
	}
	if s != core.ShipByFirst {
		c = -c // newest first
	}
	return c
}
