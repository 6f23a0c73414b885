package sqlstore_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/adapters/sqlstore"
	"github.com/sellerdesk/sellerdesk/adapters/sqlstore/storetest"
	"github.com/sellerdesk/sellerdesk/core"
)

// TestHealthCountersRefilled: the counters saves keep (health_hours,
// health_minutes, response_slots) equal those that migrations 00015, 00020
// and 00018 fill from existing rows and those RebuildHealth counts, on
// both stores.
func TestHealthCountersRefilled(t *testing.T) {
	stores := map[string]func(t *testing.T) *sqlstore.DB{
		"sqlite":   func(t *testing.T) *sqlstore.DB { return storetest.OpenSQLite(t) },
		"postgres": func(t *testing.T) *sqlstore.DB { return storetest.OpenPostgres(t) },
	}
	for name, open := range stores {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			db := open(t)
			base := time.Date(2026, 3, 1, 10, 20, 30, 0, time.UTC)
			var orders []*core.Order
			for i := range 60 {
				at := base.Add(time.Duration(i)*7*time.Hour + time.Duration(i)*83*time.Second)
				if i == 1 { // before 1970: a negative hour and minute
					at = time.Date(1969, 12, 31, 23, 59, 30, 5000, time.UTC)
				}
				o := &core.Order{ID: fmt.Sprintf("R-%02d", i), Status: core.Unshipped, Fulfillment: core.Merchant, PurchaseDate: at,
					ShipBy: at.Add(48 * time.Hour), CreatedAt: at, UpdatedAt: at, ReportUpdated: at}
				if i%7 == 0 {
					o.Fulfillment = core.Marketplace
				}
				if i%5 == 0 {
					o.Status, o.CancelReason = core.Canceled, core.NoInventory
				}
				for k := range i % 3 {
					o.Shipments = append(o.Shipments, core.Shipment{ID: fmt.Sprintf("S-%02d-%d", i, k), Carrier: core.UPS, Tracking: "1Z999AA10123456784",
						ShipDate: at.Add(time.Duration(20+k*30)*time.Hour + time.Duration(k*7)*time.Minute), Late: (i+k)%4 == 0, ValidTracking: (i+k)%3 != 0, CreatedAt: at})
				}
				orders = append(orders, o)
			}
			err := db.Update(ctx, func(tx core.Tx) error { return tx.SaveOrders(ctx, orders) })
			if err != nil {
				t.Fatal(err)
			}
			err = db.Update(ctx, func(tx core.Tx) error { // some change: a shipment moved, a cancel, a fulfilment
				got, err := tx.OrdersByID(ctx, []string{"R-02", "R-03", "R-04"})
				if err != nil {
					return err
				}
				got["R-02"].Shipments[0].ShipDate = base.Add(-200 * time.Hour)
				got["R-03"].Status, got["R-03"].CancelReason = core.Canceled, core.BuyerCanceled
				got["R-04"].Fulfillment = core.Marketplace
				return tx.SaveOrders(ctx, []*core.Order{got["R-02"], got["R-03"], got["R-04"]})
			})
			if err != nil {
				t.Fatal(err)
			}
			saveResponses(t, db, base)
			kept, err := db.CounterRows(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(kept) == 0 {
				t.Fatal("no counters kept")
			}
			if err := db.RebuildHealth(ctx); err != nil {
				t.Fatal(err)
			}
			rebuilt, err := db.CounterRows(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(kept, rebuilt) {
				t.Errorf("kept by saves %v\nrebuilt %v", kept, rebuilt)
			}
			if err := db.RefillCountersAsMigrated(ctx); err != nil {
				t.Fatal(err)
			}
			migrated, err := db.CounterRows(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(kept, migrated) {
				t.Errorf("kept by saves %v\nfilled by the migration %v", kept, migrated)
			}
		})
	}
}

// saveResponses saves buyer and staff messages, answered in and after 24
// hours or not, some on a quarter hour and before 1970 (a negative slot),
// then answers some, moves an answer past 24 hours and takes one back.
func saveResponses(t *testing.T, db *sqlstore.DB, base time.Time) {
	t.Helper()
	ctx := context.Background()
	var convs []*core.Conversation
	for i := range 20 {
		at := base.Add(time.Duration(i)*97*time.Minute + time.Duration(i)*time.Microsecond)
		if i%6 == 0 {
			at = at.Truncate(core.LateSlot)
		}
		if i == 5 {
			at = time.Date(1969, 12, 31, 23, 50, 0, 1000, time.UTC)
		}
		c := &core.Conversation{ID: fmt.Sprintf("C-%02d", i), Channel: "web", BuyerKey: fmt.Sprintf("b-%d", i), CreatedAt: at, UpdatedAt: at}
		for k := range 1 + i%3 {
			m := core.Message{From: core.FromBuyer, Text: "m", At: at.Add(time.Duration(k) * time.Hour)}
			if k == 1 {
				m.From = core.FromStaff
			}
			switch (i + k) % 4 {
			case 1:
				m.AnsweredAt = new(time.Time)
				*m.AnsweredAt = m.At.Add(core.ResponseWindow)
			case 2:
				m.AnsweredAt = new(time.Time)
				*m.AnsweredAt = m.At.Add(core.ResponseWindow + time.Microsecond)
			}
			c.Messages = append(c.Messages, m)
		}
		convs = append(convs, c)
	}
	err := db.Update(ctx, func(tx core.Tx) error {
		for _, c := range convs {
			if err := tx.SaveConversation(ctx, c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(ctx, func(tx core.Tx) error { // answers given, moved late, taken back
		for _, id := range []string{"C-00", "C-01", "C-02", "C-03"} {
			c, err := tx.Conversation(ctx, id)
			if err != nil {
				return err
			}
			m := &c.Messages[0]
			if m.AnsweredAt == nil {
				m.AnsweredAt = new(time.Time)
				*m.AnsweredAt = m.At.Add(time.Hour)
			} else if id == "C-02" {
				*m.AnsweredAt = m.At.Add(2 * core.ResponseWindow)
			} else {
				m.AnsweredAt = nil
			}
			if err := tx.SaveConversation(ctx, c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
