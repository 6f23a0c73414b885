package sqlstore_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/adapters/sqlstore"
	"github.com/sellerdesk/sellerdesk/adapters/sqlstore/storetest"
	"github.com/sellerdesk/sellerdesk/core"
)

// The benchmarks compare the store with the same reads and writes done in
// plain database/sql (prepared statements, no abstraction) on the same
// database in the same run: the store should keep at least half the raw
// throughput.

const benchOrders = 4000

var benchT0 = time.Date(2025, 3, 3, 9, 30, 0, 0, time.UTC)

type benchDB struct {
	store *sqlstore.DB
	raw   *sql.DB
	pg    bool
	ids   []string
}

func openBench(b *testing.B, dialect string) *benchDB {
	b.Helper()
	db := &benchDB{pg: dialect == "postgres"}
	var err error
	if db.pg {
		u := storetest.PostgresURL(b)
		if db.store, err = sqlstore.Open(context.Background(), u); err != nil {
			b.Fatal(err)
		}
		if db.raw, err = sql.Open("postgres", u); err != nil {
			b.Fatal(err)
		}
	} else {
		path := filepath.Join(b.TempDir(), "bench.db")
		if db.store, err = sqlstore.Open(context.Background(), "sqlite:"+path); err != nil {
			b.Fatal(err)
		}
		// The store's own settings, so that only the code differs.
		if db.raw, err = sql.Open("sqlite", path+"?_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_txlock=immediate"); err != nil {
			b.Fatal(err)
		}
		db.raw.SetMaxOpenConns(1)
	}
	b.Cleanup(func() { db.raw.Close(); db.store.Close() })

	ctx := context.Background()
	var batch []*core.Order
	for i := range benchOrders {
		o := benchOrder(fmt.Sprintf("902-%07d-%07d", i, i))
		db.ids = append(db.ids, o.ID)
		batch = append(batch, o)
		if len(batch) == 500 || i == benchOrders-1 {
			if err := db.store.Update(ctx, func(tx core.Tx) error { return tx.SaveOrders(ctx, batch) }); err != nil {
				b.Fatal(err)
			}
			batch = nil
		}
	}
	return db
}

func benchOrder(id string) *core.Order {
	return &core.Order{
		ID: id, Status: core.Unshipped, Fulfillment: core.Merchant, SalesChannel: "Amazon.com",
		PurchaseDate: benchT0, ShipBy: benchT0.Add(48 * time.Hour), ShipServiceLevel: "Standard", Currency: "USD",
		Buyer:  core.Buyer{Name: "Jane Buyer", Email: "jane@marketplace.example"},
		ShipTo: core.Address{Name: "Jane Buyer", Line1: "1 Main St", City: "Springfield", State: "IL", PostalCode: "62701", Country: "US"},
		Items: []core.Item{
			{OrderItemID: id + "-1", SKU: "MUG-RED", Title: "Red mug", Quantity: 2, Price: 2598, Tax: 208, Shipping: 499},
			{OrderItemID: id + "-2", SKU: "MUG-BLUE", Title: "Blue mug", Quantity: 1, Price: 1299, Tax: 104},
		},
		ReportUpdated: benchT0, CreatedAt: benchT0, UpdatedAt: benchT0,
	}
}

func dialects(b *testing.B, fn func(b *testing.B, db *benchDB)) {
	for _, d := range []string{"sqlite", "postgres"} {
		b.Run(d, func(b *testing.B) { fn(b, openBench(b, d)) })
	}
}

func BenchmarkOrderLookup(b *testing.B) {
	ctx := context.Background()
	dialects(b, func(b *testing.B, db *benchDB) {
		b.Run("store", func(b *testing.B) {
			i := 0
			for b.Loop() {
				id := db.ids[i%len(db.ids)]
				i++
				err := db.store.View(ctx, func(tx core.Tx) error {
					o, err := tx.Order(ctx, id)
					if err == nil && len(o.Items) != 2 {
						err = fmt.Errorf("%s has %d items", id, len(o.Items))
					}
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("rawsql", func(b *testing.B) {
			r := prepareRaw(b, db)
			i := 0
			for b.Loop() {
				id := db.ids[i%len(db.ids)]
				i++
				o, err := r.read(ctx, nil, id, false)
				if err == nil && len(o.Items) != 2 {
					err = fmt.Errorf("%s has %d items", id, len(o.Items))
				}
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	})
}

var shipSeq int

// shipIt makes the change "ship <order> ups <tracking>" makes.
func shipIt(o *core.Order, now time.Time) core.Shipment {
	shipSeq++
	s := core.Shipment{ID: fmt.Sprintf("S-%08d", shipSeq), Carrier: core.UPS, Tracking: "1Z999AA10123456784",
		ShipDate: now, ValidTracking: true, CreatedAt: now, CreatedBy: "slack:U024BE7LH"}
	for i := range o.Items {
		it := &o.Items[i]
		s.Lines = append(s.Lines, core.ShipmentLine{OrderItemID: it.OrderItemID, SKU: it.SKU, Quantity: it.Quantity - it.Shipped})
		it.Shipped = it.Quantity
	}
	o.Shipments = append(o.Shipments, s)
	o.Status = core.Shipped
	o.UpdatedAt = now
	return s
}

func BenchmarkShip(b *testing.B) {
	ctx := context.Background()
	dialects(b, func(b *testing.B, db *benchDB) {
		// Each side ships its own half of the orders, so both read orders
		// with as many earlier shipments.
		half := len(db.ids) / 2
		b.Run("store", func(b *testing.B) {
			i := 0
			for b.Loop() {
				id := db.ids[i%half]
				i++
				err := db.store.Update(ctx, func(tx core.Tx) error {
					o, err := tx.Order(ctx, id)
					if err != nil {
						return err
					}
					now := time.Now()
					shipIt(o, now)
					if err := tx.SaveOrders(ctx, []*core.Order{o}); err != nil {
						return err
					}
					return tx.AddAudit(ctx, core.AuditEntry{At: now, ActorID: "slack:U024BE7LH", Actor: "Ann", Role: core.Agent,
						Source: "slack", Command: "ship " + id + " ups 1Z999AA10123456784", OrderID: id})
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("rawsql", func(b *testing.B) {
			r := prepareRaw(b, db)
			i := 0
			for b.Loop() {
				id := db.ids[half+i%half]
				i++
				if err := r.ship(ctx, id); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
}

// BenchmarkImportBatch is the importer's transaction: look up a batch of
// 500 orders and save them (new ones, or every one changed). ns/line is
// per order line, the unit of the 1,000,000-line import budget.
func BenchmarkImportBatch(b *testing.B) {
	ctx := context.Background()
	dialects(b, func(b *testing.B, db *benchDB) {
		n := 0
		run := func(b *testing.B, batch func() []*core.Order) {
			lines := 0
			start := time.Now()
			for b.Loop() {
				orders := batch()
				ids := make([]string, len(orders))
				for i, o := range orders {
					ids[i] = o.ID
				}
				err := db.store.Update(ctx, func(tx core.Tx) error {
					old, err := tx.OrdersByID(ctx, ids)
					if err != nil {
						return err
					}
					for i, o := range orders {
						if p := old[o.ID]; p != nil {
							orders[i] = p
							p.Status = core.Shipped
							p.Items[0].Shipped = p.Items[0].Quantity
							p.ReportUpdated = p.ReportUpdated.Add(time.Hour)
						}
					}
					for _, o := range orders {
						lines += len(o.Items)
					}
					return tx.SaveOrders(ctx, orders)
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(time.Since(start).Nanoseconds())/float64(lines), "ns/line")
		}
		b.Run("insert", func(b *testing.B) {
			run(b, func() []*core.Order {
				var out []*core.Order
				for range 500 {
					n++
					out = append(out, benchOrder(fmt.Sprintf("IMP-%09d", n)))
				}
				return out
			})
		})
		b.Run("update", func(b *testing.B) {
			i := 0
			run(b, func() []*core.Order {
				var out []*core.Order
				for range 500 {
					out = append(out, &core.Order{ID: db.ids[i%len(db.ids)]})
					i++
				}
				return out
			})
		})
	})
}

// raw is the baseline: the same statements through database/sql alone.
type raw struct {
	db                                         *benchDB
	order, orderLock, items, ships, rets, refs *sql.Stmt
	updOrder, updItem, insShipment, insAudit   *sql.Stmt
}

func prepareRaw(b *testing.B, db *benchDB) *raw {
	r := &raw{db: db}
	ph := func(q string) string {
		if !db.pg {
			return q
		}
		n := 0
		out := []byte{}
		for i := range len(q) {
			if q[i] == '?' {
				n++
				out = fmt.Appendf(out, "$%d", n)
				continue
			}
			out = append(out, q[i])
		}
		return string(out)
	}
	prep := func(q string) *sql.Stmt {
		s, err := db.raw.Prepare(ph(q))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		return s
	}
	const cols = `id, status, fulfillment, sales_channel, purchase_date, payments_date, ship_by, ship_service_level, currency,
		buyer_name, buyer_email, buyer_phone, ship_name, ship_line1, ship_line2, ship_line3, ship_city, ship_state,
		ship_postal_code, ship_country, ship_phone, cancel_reason, canceled_at, delivered_at, ship_warned_at,
		report_updated, created_at, updated_at, version`
	r.order = prep(`SELECT ` + cols + ` FROM orders WHERE id = ?`)
	lock := ""
	if db.pg {
		lock = " FOR UPDATE"
	}
	r.orderLock = prep(`SELECT ` + cols + ` FROM orders WHERE id = ?` + lock)
	r.items = prep(`SELECT order_item_id, sku, title, quantity, shipped, price, tax, shipping FROM order_items WHERE order_id = ? ORDER BY line_no`)
	r.ships = prep(`SELECT id, carrier, carrier_name, tracking, ship_date, method, late, valid_tracking, created_at, created_by, lines
		FROM shipments WHERE order_id = ? ORDER BY ship_date, created_at, id`)
	r.rets = prep(`SELECT id, status, items, reason, reject_reason, requested_at, decided_at, received_at, refund_by
		FROM returns WHERE order_id = ? ORDER BY requested_at, id`)
	r.refs = prep(`SELECT id, return_id, amount, reason, created_at, created_by FROM refunds WHERE order_id = ? ORDER BY created_at, id`)
	r.updOrder = prep(`UPDATE orders SET status = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`)
	r.updItem = prep(`UPDATE order_items SET shipped = ? WHERE order_id = ? AND order_item_id = ?`)
	r.insShipment = prep(`INSERT INTO shipments (id, order_id, carrier, carrier_name, tracking, ship_date, method, late,
		valid_tracking, created_at, created_by, lines) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	r.insAudit = prep(`INSERT INTO audit (at, actor_id, actor, role, source, command, order_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
	return r
}

// rawTime reads either database's time column.
type rawTime struct{ t *time.Time }

func (d rawTime) Scan(v any) error {
	switch x := v.(type) {
	case int64:
		*d.t = time.UnixMicro(x).UTC()
	case time.Time:
		*d.t = x.UTC()
	}
	return nil
}

type rawNullTime struct{ t **time.Time }

func (d rawNullTime) Scan(v any) error {
	if v == nil {
		*d.t = nil
		return nil
	}
	var t time.Time
	rawTime{&t}.Scan(v)
	*d.t = &t
	return nil
}

func (r *raw) arg(t time.Time) any {
	if r.db.pg {
		return t.UTC().Truncate(time.Microsecond)
	}
	return t.UnixMicro()
}

// read reads an order and its children, in tx (locking it) or not.
func (r *raw) read(ctx context.Context, tx *sql.Tx, id string, lock bool) (*core.Order, error) {
	st := func(s *sql.Stmt) *sql.Stmt {
		if tx != nil {
			return tx.StmtContext(ctx, s)
		}
		return s
	}
	q := r.order
	if lock {
		q = r.orderLock
	}
	o := &core.Order{}
	var status, ful, reason string
	err := st(q).QueryRowContext(ctx, id).Scan(&o.ID, &status, &ful, &o.SalesChannel, rawTime{&o.PurchaseDate},
		rawNullTime{&o.PaymentsDate}, rawTime{&o.ShipBy}, &o.ShipServiceLevel, &o.Currency,
		&o.Buyer.Name, &o.Buyer.Email, &o.Buyer.Phone, &o.ShipTo.Name, &o.ShipTo.Line1, &o.ShipTo.Line2, &o.ShipTo.Line3,
		&o.ShipTo.City, &o.ShipTo.State, &o.ShipTo.PostalCode, &o.ShipTo.Country, &o.ShipTo.Phone, &reason,
		rawNullTime{&o.CanceledAt}, rawNullTime{&o.DeliveredAt}, rawNullTime{&o.ShipWarnedAt},
		rawTime{&o.ReportUpdated}, rawTime{&o.CreatedAt}, rawTime{&o.UpdatedAt}, &o.Version)
	if err != nil {
		return nil, err
	}
	o.Status, o.Fulfillment, o.CancelReason = core.Status(status), core.Fulfillment(ful), core.CancelReason(reason)

	rows, err := st(r.items).QueryContext(ctx, id)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var it core.Item
		if err := rows.Scan(&it.OrderItemID, &it.SKU, &it.Title, &it.Quantity, &it.Shipped, &it.Price, &it.Tax, &it.Shipping); err != nil {
			return nil, err
		}
		o.Items = append(o.Items, it)
	}
	rows.Close()

	rows, err = st(r.ships).QueryContext(ctx, id)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var s core.Shipment
		var carrier string
		var lines []byte
		if err := rows.Scan(&s.ID, &carrier, &s.CarrierName, &s.Tracking, rawTime{&s.ShipDate}, &s.Method, &s.Late,
			&s.ValidTracking, rawTime{&s.CreatedAt}, &s.CreatedBy, &lines); err != nil {
			return nil, err
		}
		s.Carrier = core.Carrier(carrier)
		if err := json.Unmarshal(lines, &s.Lines); err != nil {
			return nil, err
		}
		o.Shipments = append(o.Shipments, s)
	}
	rows.Close()

	rows, err = st(r.rets).QueryContext(ctx, id)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var x core.Return
		var status string
		var items []byte
		if err := rows.Scan(&x.ID, &status, &items, &x.Reason, &x.RejectReason, rawTime{&x.RequestedAt},
			rawNullTime{&x.DecidedAt}, rawNullTime{&x.ReceivedAt}, rawNullTime{&x.RefundBy}); err != nil {
			return nil, err
		}
		x.Status = core.ReturnStatus(status)
		if err := json.Unmarshal(items, &x.Items); err != nil {
			return nil, err
		}
		o.Returns = append(o.Returns, x)
	}
	rows.Close()

	rows, err = st(r.refs).QueryContext(ctx, id)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var x core.Refund
		if err := rows.Scan(&x.ID, &x.ReturnID, &x.Amount, &x.Reason, rawTime{&x.CreatedAt}, &x.CreatedBy); err != nil {
			return nil, err
		}
		o.Refunds = append(o.Refunds, x)
	}
	rows.Close()
	return o, rows.Err()
}

func (r *raw) ship(ctx context.Context, id string) error {
	tx, err := r.db.raw.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	o, err := r.read(ctx, tx, id, true)
	if err != nil {
		return err
	}
	now := time.Now()
	s := shipIt(o, now)
	res, err := tx.StmtContext(ctx, r.updOrder).ExecContext(ctx, string(o.Status), r.arg(now), id, o.Version)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("order %s changed", id)
	}
	for _, it := range o.Items {
		if _, err := tx.StmtContext(ctx, r.updItem).ExecContext(ctx, it.Shipped, id, it.OrderItemID); err != nil {
			return err
		}
	}
	lines, _ := json.Marshal(s.Lines)
	if _, err := tx.StmtContext(ctx, r.insShipment).ExecContext(ctx, s.ID, id, string(s.Carrier), s.CarrierName, s.Tracking,
		r.arg(s.ShipDate), s.Method, s.Late, s.ValidTracking, r.arg(s.CreatedAt), s.CreatedBy, string(lines)); err != nil {
		return err
	}
	if _, err := tx.StmtContext(ctx, r.insAudit).ExecContext(ctx, r.arg(now), "slack:U024BE7LH", "Ann", string(core.Agent), "slack",
		"ship "+id+" ups 1Z999AA10123456784", id, ""); err != nil {
		return err
	}
	return tx.Commit()
}
