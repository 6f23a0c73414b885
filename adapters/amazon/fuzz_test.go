package amazon

import (
	"bytes"
	"context"
	"testing"

	"github.com/sellerdesk/sellerdesk/core"
)

// FuzzReadOrders feeds arbitrary bytes to the reader. Whatever the input, it
// must not panic, must point every line error at a data line (line 2 or
// later, never past the end), and must only hand over orders that stand
// (a valid order id, a purchase date, items with units or cancelled).
// Seeds are in testdata/fuzz/FuzzReadOrders.
func FuzzReadOrders(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		physical := bytes.Count(data, []byte("\n")) + 1
		rep, err := ReadOrders(context.Background(), bytes.NewReader(data), Options{BatchSize: 3},
			func(orders []core.Order) error {
				for _, o := range orders {
					if !validOrderID(o.ID) || o.PurchaseDate.IsZero() {
						t.Fatalf("order without id or purchase date: %+v", o)
					}
					for _, it := range o.Items {
						// A live line has units; a cancelled one has none
						// left and nothing paid.
						live := it.Quantity >= 1 && it.Canceled == 0
						canceled := it.Quantity == 0 && it.Canceled >= 1 && it.Paid() == 0
						if it.SKU == "" || it.OrderItemID == "" || !live && !canceled {
							t.Fatalf("bad item in order %q: %+v", o.ID, it)
						}
					}
				}
				return nil
			})
		if err != nil && core.ErrorCode(err) != core.Invalid {
			t.Fatalf("reading from memory failed with %v", err)
		}
		for _, b := range rep.Bad {
			if b.Line < 2 || b.Line > physical {
				t.Fatalf("line error at line %d of %d: %+v", b.Line, physical, b)
			}
			if b.Reason == "" {
				t.Fatalf("line error without reason: %+v", b)
			}
		}
		// Each good line gives at most one item.
		if rep.Items > rep.Lines-rep.BadLines {
			t.Fatalf("%d items from %d lines of which %d bad", rep.Items, rep.Lines, rep.BadLines)
		}
	})
}
