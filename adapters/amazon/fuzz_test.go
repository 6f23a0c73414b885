package amazon

import (
	"bytes"
	"context"
	"testing"

	"github.com/sellerdesk/sellerdesk/core"
)

// FuzzReadOrders feeds arbitrary bytes to the reader. Whatever the input, it
// must not panic, must point every line error at a data line (line 2 or
// later, never past the end), and must only hand over orders that stand.
// Seeds are in testdata/fuzz/FuzzReadOrders.
func FuzzReadOrders(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		physical := bytes.Count(data, []byte("\n")) + 1
		rep, err := ReadOrders(context.Background(), bytes.NewReader(data), Options{BatchSize: 3},
			func(orders []core.Order) error {
				for _, o := range orders {
					if o.ID == "" || o.PurchaseDate.IsZero() {
						t.Fatalf("order without id or purchase date: %+v", o)
					}
					for _, it := range o.Items {
						if it.SKU == "" || it.OrderItemID == "" || it.Quantity < 1 {
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
