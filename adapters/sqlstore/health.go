package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// Account health is read from health_days (migration 00015): per UTC day,
// what the day adds to each count. A window is the sum of its whole days
// plus an exact, indexed count of the part of its first day it covers, so
// health reads about as much at ten million orders as at ten thousand.

const usPerDay = int64(24 * time.Hour / time.Microsecond)

// healthKey is one counter of health_days.
type healthKey struct {
	day    int64 // days since 1970-01-01 UTC, floored
	metric string
}

const (
	hOrders    = "orders"
	hCanceled  = "canceled:" // + the cancel reason
	hShipments = "shipments"
	hValid     = "valid"
	hShipped   = "shipped" // by the day of the order's newest shipment
	hLate      = "late"    // by the day of its newest late shipment
)

// dayOf is t's day as health_days counts it: the database's microseconds
// (times are stored truncated to them), floored to whole UTC days.
func dayOf(t time.Time) int64 {
	us := t.UnixMicro()
	d := us / usPerDay
	if us%usPerDay < 0 {
		d--
	}
	return d
}

// firstWholeDay is the first day that lies wholly at or after since; the
// part of the day before it that since still covers is counted exactly.
func firstWholeDay(since time.Time) (day int64, partial bool) {
	d := dayOf(since)
	if since.UnixMicro() == d*usPerDay {
		return d, false
	}
	return d + 1, true
}

func dayStart(day int64) time.Time { return time.UnixMicro(day * usPerDay).UTC() }

// addHealth adds sign times what o, with the shipments ships, counts for
// in health_days: nothing unless o is the seller's to ship.
func addHealth(into map[healthKey]int64, o *core.Order, ships []core.Shipment, sign int64) {
	if o == nil || o.Fulfillment != core.Merchant {
		return
	}
	d := dayOf(o.PurchaseDate)
	into[healthKey{d, hOrders}] += sign
	if o.CancelReason != "" {
		into[healthKey{d, hCanceled + string(o.CancelReason)}] += sign
	}
	var last, lastLate *core.Shipment
	for i := range ships {
		s := &ships[i]
		sd := dayOf(s.ShipDate)
		into[healthKey{sd, hShipments}] += sign
		if s.ValidTracking {
			into[healthKey{sd, hValid}] += sign
		}
		if last == nil || s.ShipDate.After(last.ShipDate) {
			last = s
		}
		if s.Late && (lastLate == nil || s.ShipDate.After(lastLate.ShipDate)) {
			lastLate = s
		}
	}
	if last != nil {
		into[healthKey{dayOf(last.ShipDate), hShipped}] += sign
	}
	if lastLate != nil {
		into[healthKey{dayOf(lastLate.ShipDate), hLate}] += sign
	}
}

// storedShipments is what the shipments table holds for an order once a
// save of o has written its shipments over those of prev (nil for a new
// order): the save upserts, it never deletes.
func storedShipments(prev, o *core.Order) []core.Shipment {
	if prev == nil {
		return o.Shipments
	}
	out := slices.Clone(prev.Shipments)
	for _, s := range o.Shipments {
		if i := slices.IndexFunc(out, func(p core.Shipment) bool { return p.ID == s.ID }); i >= 0 {
			out[i] = s
		} else {
			out = append(out, s)
		}
	}
	return out
}

// healthBefore returns, for the orders of a save that update a stored
// one, the stored order as this transaction read it (and locked it), reading
// those it has not. An order whose stored version is not the one it was
// read at fails the save anyway (lostRace), so its entry does not matter.
func (t *Tx) healthBefore(ctx context.Context, orders []*core.Order) (map[string]*core.Order, error) {
	out := make(map[string]*core.Order, len(orders))
	var unread []string
	for _, o := range orders {
		if o.Version == 0 {
			continue
		}
		if prev := t.loaded[o.ID]; prev != nil && prev.Version == o.Version {
			out[o.ID] = prev
		} else {
			unread = append(unread, o.ID)
		}
	}
	if len(unread) == 0 {
		return out, nil
	}
	read, err := t.OrdersByID(ctx, unread)
	for id, o := range read {
		out[id] = o
	}
	return out, err
}

// countHealth keeps, until the commit, what a save changes in
// health_days.
func (t *Tx) countHealth(before map[string]*core.Order, orders []*core.Order) {
	if t.health == nil {
		t.health = make(map[healthKey]int64)
	}
	for _, o := range orders {
		prev := before[o.ID]
		if prev != nil {
			addHealth(t.health, prev, prev.Shipments, -1)
		}
		addHealth(t.health, o, storedShipments(prev, o), 1)
	}
}

var saveHealth = newBulk(`INSERT INTO health_days (day, metric, n)`, []string{"bigint", "text", "bigint"},
	` ON CONFLICT (day, metric) DO UPDATE SET n = health_days.n + excluded.n`)

// flushHealth adds the transaction's health changes to health_days. It
// runs last before the commit, so concurrent writers hold a day's row only
// for the commit, and in (day, metric) order, so two of them never wait
// for each other's rows.
func (t *Tx) flushHealth(ctx context.Context) error {
	keys := make([]healthKey, 0, len(t.health))
	for k, n := range t.health {
		if n != 0 {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		t.health = nil
		return nil
	}
	slices.SortFunc(keys, func(a, b healthKey) int {
		return cmp.Or(cmp.Compare(a.day, b.day), strings.Compare(a.metric, b.metric))
	})
	args := make([]any, 0, 3*len(keys))
	for _, k := range keys {
		args = append(args, k.day, k.metric, t.health[k])
	}
	if err := t.writeRows(ctx, saveHealth, args, nil); err != nil {
		return t.fail(err, "count account health")
	}
	t.health = nil
	return nil
}

var (
	sqlHealthDays = prepared(`SELECT day, metric, n FROM health_days WHERE day >= ? AND n <> 0`)
	// The exact counts of a window's partial first day, [since, midnight).
	sqlHealthOrdersPart = prepared(`SELECT cancel_reason, COUNT(*) FROM orders
		WHERE fulfillment = 'merchant' AND purchase_date >= ? AND purchase_date < ? GROUP BY cancel_reason`)
	sqlHealthShipmentsPart = prepared(`SELECT COUNT(*), COUNT(CASE WHEN s.valid_tracking THEN 1 END)
		FROM shipments s JOIN orders o ON o.id = s.order_id
		WHERE o.fulfillment = 'merchant' AND s.ship_date >= ? AND s.ship_date < ?`)
	// An order counts on the day of its newest (late) shipment: here if
	// that is in [since, midnight), so if it has none after midnight.
	sqlHealthShippedPart = prepared(`SELECT
		COUNT(DISTINCT CASE WHEN NOT EXISTS (SELECT 1 FROM shipments x
			WHERE x.order_id = s.order_id AND x.ship_date >= ?) THEN s.order_id END),
		COUNT(DISTINCT CASE WHEN s.late AND NOT EXISTS (SELECT 1 FROM shipments x
			WHERE x.order_id = s.order_id AND x.late AND x.ship_date >= ?) THEN s.order_id END)
		FROM shipments s JOIN orders o ON o.id = s.order_id
		WHERE o.fulfillment = 'merchant' AND s.ship_date >= ? AND s.ship_date < ?`)
)

// HealthCounts counts what account health is computed from, merchant
// orders only: the windows' whole days from health_days, their partial
// first days from the rows.
func (t *Tx) HealthCounts(ctx context.Context, w core.HealthWindows) (core.HealthCounts, error) {
	h := core.HealthCounts{Canceled: map[core.CancelReason]int{}}
	if t.write { // this transaction's own saves count too
		if err := t.flushHealth(ctx); err != nil {
			return h, err
		}
	}
	db := t.db
	late, latePart := firstWholeDay(w.LateSince)
	cancel, cancelPart := firstWholeDay(w.CancelSince)
	tracking, trackingPart := firstWholeDay(w.TrackingSince)
	rows, err := t.query(ctx, sqlHealthDays, min(late, cancel, tracking))
	if err != nil {
		return h, t.fail(err, "count account health")
	}
	err = eachRow(rows, func() error {
		var k healthKey
		var n int
		if err := rows.Scan(&k.day, &k.metric, &n); err != nil {
			return err
		}
		switch {
		case k.metric == hOrders && k.day >= cancel:
			h.Orders += n
		case strings.HasPrefix(k.metric, hCanceled) && k.day >= cancel:
			h.Canceled[core.CancelReason(strings.TrimPrefix(k.metric, hCanceled))] += n
		case k.metric == hShipments && k.day >= tracking:
			h.Shipments += n
		case k.metric == hValid && k.day >= tracking:
			h.ValidTracking += n
		case k.metric == hShipped && k.day >= late:
			h.ShippedOrders += n
		case k.metric == hLate && k.day >= late:
			h.LateOrders += n
		}
		return nil
	})
	if err != nil {
		return h, t.fail(err, "count account health")
	}
	if cancelPart {
		rows, err := t.query(ctx, sqlHealthOrdersPart, db.tv(w.CancelSince), db.tv(dayStart(cancel)))
		if err != nil {
			return h, t.fail(err, "count orders")
		}
		if err := addCancelRows(rows, &h); err != nil {
			return h, t.fail(err, "count orders")
		}
	}
	if trackingPart {
		var n, valid int
		err := t.stmt(ctx, sqlHealthShipmentsPart).QueryRowContext(ctx, db.tv(w.TrackingSince), db.tv(dayStart(tracking))).Scan(&n, &valid)
		if err != nil {
			return h, t.fail(err, "count shipments")
		}
		h.Shipments, h.ValidTracking = h.Shipments+n, h.ValidTracking+valid
	}
	if latePart {
		var shipped, lateOrders int
		end := db.tv(dayStart(late))
		err := t.stmt(ctx, sqlHealthShippedPart).QueryRowContext(ctx, end, end, db.tv(w.LateSince), end).Scan(&shipped, &lateOrders)
		if err != nil {
			return h, t.fail(err, "count shipments")
		}
		h.ShippedOrders, h.LateOrders = h.ShippedOrders+shipped, h.LateOrders+lateOrders
	}
	maps.DeleteFunc(h.Canceled, func(_ core.CancelReason, n int) bool { return n == 0 })
	return h, nil
}

// addCancelRows adds rows of (cancel reason, orders) to h.
func addCancelRows(rows *sql.Rows, h *core.HealthCounts) error {
	return eachRow(rows, func() error {
		var (
			reason string
			n      int
		)
		if err := rows.Scan(&reason, &n); err != nil {
			return err
		}
		h.Orders += n
		if reason != "" {
			h.Canceled[core.CancelReason(reason)] += n
		}
		return nil
	})
}

// The full counts health_days stands for, over every row of the windows:
// what health read before the counters, kept to check them.
const (
	recountShipments = `SELECT
		COUNT(DISTINCT CASE WHEN s.ship_date >= ? THEN s.order_id END),
		COUNT(DISTINCT CASE WHEN s.ship_date >= ? AND s.late THEN s.order_id END),
		COUNT(CASE WHEN s.ship_date >= ? THEN 1 END),
		COUNT(CASE WHEN s.ship_date >= ? AND s.valid_tracking THEN 1 END)
		FROM shipments s JOIN orders o ON o.id = s.order_id
		WHERE o.fulfillment = 'merchant' AND s.ship_date >= ?`
	recountOrders = `SELECT cancel_reason, COUNT(*) FROM orders
		WHERE fulfillment = 'merchant' AND purchase_date >= ? GROUP BY cancel_reason`
)

// RecountHealth counts what HealthCounts does from every order and
// shipment of the windows, without health_days: a check of the counters
// (tests, a repair), which reads the windows whole.
func (db *DB) RecountHealth(ctx context.Context, w core.HealthWindows) (core.HealthCounts, error) {
	h := core.HealthCounts{Canceled: map[core.CancelReason]int{}}
	err := db.View(ctx, func(ctx2 core.Tx) error {
		t := ctx2.(*Tx)
		since := w.LateSince
		if w.TrackingSince.Before(since) {
			since = w.TrackingSince
		}
		rows, err := t.queryText(ctx, recountShipments, db.tv(w.LateSince), db.tv(w.LateSince), db.tv(w.TrackingSince), db.tv(w.TrackingSince), db.tv(since))
		if err != nil {
			return t.fail(err, "count shipments")
		}
		err = eachRow(rows, func() error { return rows.Scan(&h.ShippedOrders, &h.LateOrders, &h.Shipments, &h.ValidTracking) })
		if err != nil {
			return t.fail(err, "count shipments")
		}
		if rows, err = t.queryText(ctx, recountOrders, db.tv(w.CancelSince)); err != nil {
			return t.fail(err, "count orders")
		}
		if err := addCancelRows(rows, &h); err != nil {
			return t.fail(err, "count orders")
		}
		return nil
	})
	return h, err
}

// RebuildHealth recounts health_days from the orders and shipments, as
// migration 00015 first filled it: for a store loaded around the store
// (bot bench --scale), or written by a replica older than the counters.
func (db *DB) RebuildHealth(ctx context.Context) error {
	return db.Update(ctx, func(ctx2 core.Tx) error {
		t := ctx2.(*Tx)
		day := func(col string) string {
			if db.dialect == sqliteDialect {
				return "((" + col + ") - ((" + col + ") < 0) * 86399999999) / 86400000000"
			}
			return "floor(extract(epoch FROM " + col + ") / 86400)::bigint"
		}
		// PostgreSQL: a writer adding its change before its commit waits
		// for the rebuild, whose count then leaves that change out.
		lock := `LOCK TABLE health_days IN EXCLUSIVE MODE`
		if db.dialect == sqliteDialect {
			lock = `SELECT 1` // one writer at a time already
		}
		for _, q := range []string{lock, `DELETE FROM health_days`, `INSERT INTO health_days (day, metric, n)
			SELECT day, metric, COUNT(*) FROM (
			SELECT ` + day("purchase_date") + ` AS day, 'orders' AS metric FROM orders WHERE fulfillment = 'merchant'
			UNION ALL SELECT ` + day("purchase_date") + `, 'canceled:' || cancel_reason
				FROM orders WHERE fulfillment = 'merchant' AND cancel_reason <> ''
			UNION ALL SELECT ` + day("s.ship_date") + `, 'shipments'
				FROM shipments s JOIN orders o ON o.id = s.order_id WHERE o.fulfillment = 'merchant'
			UNION ALL SELECT ` + day("s.ship_date") + `, 'valid'
				FROM shipments s JOIN orders o ON o.id = s.order_id WHERE o.fulfillment = 'merchant' AND s.valid_tracking
			UNION ALL SELECT ` + day("MAX(s.ship_date)") + `, 'shipped'
				FROM shipments s JOIN orders o ON o.id = s.order_id WHERE o.fulfillment = 'merchant' GROUP BY s.order_id
			UNION ALL SELECT ` + day("MAX(s.ship_date)") + `, 'late'
				FROM shipments s JOIN orders o ON o.id = s.order_id WHERE o.fulfillment = 'merchant' AND s.late GROUP BY s.order_id
			) f GROUP BY day, metric`} {
			if _, err := t.tx.ExecContext(ctx, q); err != nil {
				return t.fail(err, "rebuild the account health counters")
			}
		}
		return nil
	})
}
