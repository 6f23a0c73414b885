package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// Account health is read from health_hours (migration 00015): per hour,
// what the hour adds to each count. A window is the sum of its whole hours
// plus an exact, indexed count of the part of its first hour it covers, so
// health reads about as much at ten million orders as at ten thousand: a
// few thousand counters a month, and an hour's rows. (Whole days would
// leave up to a day's orders and shipments to count one by one.)

const usPerHour = int64(time.Hour / time.Microsecond)

// counterKey is one counter of a table kept like health_hours (also
// response_slots): a period and what is counted in it.
type counterKey struct {
	period int64 // periods (hours, slots) since 1970-01-01 UTC, floored
	metric string
}

const (
	hOrders    = "orders"
	hCanceled  = "canceled:" // + the cancel reason
	hShipments = "shipments"
	hValid     = "valid"
	hShipped   = "shipped" // by the hour of the order's newest shipment
	hLate      = "late"    // by the hour of its newest late shipment
)

// periodOf is t's period of us microseconds as the counters count it: the
// database's microseconds (times are stored truncated to them), floored.
func periodOf(t time.Time, us int64) int64 {
	v := t.UnixMicro()
	d := v / us
	if v%us < 0 {
		d--
	}
	return d
}

// firstWhole is the first period of us microseconds that lies wholly at or
// after since; the part of the period before it that since still covers is
// counted exactly.
func firstWhole(since time.Time, us int64) (period int64, partial bool) {
	d := periodOf(since, us)
	if since.UnixMicro() == d*us {
		return d, false
	}
	return d + 1, true
}

func periodStart(period, us int64) time.Time { return time.UnixMicro(period * us).UTC() }

func hourOf(t time.Time) int64 { return periodOf(t, usPerHour) }

// periodSQL is periodOf in SQL, for a time column.
func (db *DB) periodSQL(col string, us int64) string {
	if db.dialect == sqliteDialect {
		n := strconv.FormatInt(us, 10)
		return "((" + col + ") - ((" + col + ") < 0) * " + strconv.FormatInt(us-1, 10) + ") / " + n
	}
	return "floor(extract(epoch FROM " + col + ") / " + strconv.FormatInt(us/1e6, 10) + ")::bigint"
}

// addHealth adds sign times what o, with the shipments ships, counts for
// in health_hours: nothing unless o is the seller's to ship.
func addHealth(into map[counterKey]int64, o *core.Order, ships []core.Shipment, sign int64) {
	if o == nil || o.Fulfillment != core.Merchant {
		return
	}
	d := hourOf(o.PurchaseDate)
	into[counterKey{d, hOrders}] += sign
	if o.CancelReason != "" {
		into[counterKey{d, hCanceled + string(o.CancelReason)}] += sign
	}
	var last, lastLate *core.Shipment
	for i := range ships {
		s := &ships[i]
		sd := hourOf(s.ShipDate)
		into[counterKey{sd, hShipments}] += sign
		if s.ValidTracking {
			into[counterKey{sd, hValid}] += sign
		}
		if last == nil || s.ShipDate.After(last.ShipDate) {
			last = s
		}
		if s.Late && (lastLate == nil || s.ShipDate.After(lastLate.ShipDate)) {
			lastLate = s
		}
	}
	if last != nil {
		into[counterKey{hourOf(last.ShipDate), hShipped}] += sign
	}
	if lastLate != nil {
		into[counterKey{hourOf(lastLate.ShipDate), hLate}] += sign
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
// health_hours.
func (t *Tx) countHealth(before map[string]*core.Order, orders []*core.Order) {
	if t.health == nil {
		t.health = make(map[counterKey]int64)
	}
	for _, o := range orders {
		prev := before[o.ID]
		if prev != nil {
			addHealth(t.health, prev, prev.Shipments, -1)
		}
		addHealth(t.health, o, storedShipments(prev, o), 1)
	}
}

var saveHealth = newBulk(`INSERT INTO health_hours (hour, metric, n)`, []string{"bigint", "text", "bigint"},
	` ON CONFLICT (hour, metric) DO UPDATE SET n = health_hours.n + excluded.n`)

// flushCounters adds the transaction's changes to the counters: health_hours,
// then response_slots. It runs last before the commit, so concurrent
// writers hold a period's row only for the commit, and in (table, period,
// metric) order, so two of them never wait for each other's rows.
func (t *Tx) flushCounters(ctx context.Context) error {
	if err := t.writeRows(ctx, saveHealth, counterRows(t.health), nil); err != nil {
		return t.fail(err, "count account health")
	}
	t.health = nil
	if err := t.writeRows(ctx, saveResponses, counterRows(t.responses), nil); err != nil {
		return t.fail(err, "count answered buyer messages")
	}
	t.responses = nil
	return nil
}

// counterRows are the counts that are not zero as rows of (period,
// metric, n), in key order.
func counterRows(counts map[counterKey]int64) []any {
	keys := make([]counterKey, 0, len(counts))
	for k, n := range counts {
		if n != 0 {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b counterKey) int {
		return cmp.Or(cmp.Compare(a.period, b.period), strings.Compare(a.metric, b.metric))
	})
	args := make([]any, 0, 3*len(keys))
	for _, k := range keys {
		args = append(args, k.period, k.metric, counts[k])
	}
	return args
}

// noCounters are counterCTEs' arguments when there is nothing to count.
func noCounters() []any { return []any{"{}", "{}", "{}", "{}", "{}", "{}"} }

// counterArrays are counterCTEs' arguments for the transaction's counts.
func (t *Tx) counterArrays() ([]any, error) {
	h, err := pgArrays(counterRows(t.health), 3)
	if err != nil {
		return nil, err
	}
	r, err := pgArrays(counterRows(t.responses), 3)
	return append(h, r...), err
}

var (
	// Each count over its own window's whole hours.
	sqlHealthHours = prepared(`SELECT metric, SUM(n) FROM health_hours WHERE hour >= ? AND (
		(metric = 'orders' OR metric LIKE 'canceled:%') AND hour >= ?
		OR metric IN ('shipments', 'valid') AND hour >= ?
		OR metric IN ('shipped', 'late') AND hour >= ?) GROUP BY metric`)
	// The exact counts of a window's partial first hour, [since, the hour).
	sqlHealthOrdersPart = prepared(`SELECT cancel_reason, COUNT(*) FROM orders
		WHERE fulfillment = 'merchant' AND purchase_date >= ? AND purchase_date < ? GROUP BY cancel_reason`)
	sqlHealthShipmentsPart = prepared(`SELECT COUNT(*), COUNT(CASE WHEN s.valid_tracking THEN 1 END)
		FROM shipments s JOIN orders o ON o.id = s.order_id
		WHERE o.fulfillment = 'merchant' AND s.ship_date >= ? AND s.ship_date < ?`)
	// An order counts in the hour of its newest (late) shipment: here if
	// that is in [since, the hour), so if it has none from the hour on.
	sqlHealthShippedPart = prepared(`SELECT
		COUNT(DISTINCT CASE WHEN NOT EXISTS (SELECT 1 FROM shipments x
			WHERE x.order_id = s.order_id AND x.ship_date >= ?) THEN s.order_id END),
		COUNT(DISTINCT CASE WHEN s.late AND NOT EXISTS (SELECT 1 FROM shipments x
			WHERE x.order_id = s.order_id AND x.late AND x.ship_date >= ?) THEN s.order_id END)
		FROM shipments s JOIN orders o ON o.id = s.order_id
		WHERE o.fulfillment = 'merchant' AND s.ship_date >= ? AND s.ship_date < ?`)
)

// HealthCounts counts what account health is computed from, merchant
// orders only: the windows' whole hours from health_hours, their partial
// first hours from the rows.
func (t *Tx) HealthCounts(ctx context.Context, w core.HealthWindows) (core.HealthCounts, error) {
	h := core.HealthCounts{Canceled: map[core.CancelReason]int{}}
	if t.write { // this transaction's own saves count too
		if err := t.flushCounters(ctx); err != nil {
			return h, err
		}
	}
	db := t.db
	late, latePart := firstWhole(w.LateSince, usPerHour)
	cancel, cancelPart := firstWhole(w.CancelSince, usPerHour)
	tracking, trackingPart := firstWhole(w.TrackingSince, usPerHour)
	rows, err := t.query(ctx, sqlHealthHours, min(late, cancel, tracking), cancel, tracking, late)
	if err != nil {
		return h, t.fail(err, "count account health")
	}
	err = eachRow(rows, func() error {
		var metric string
		var n int
		if err := rows.Scan(&metric, &n); err != nil {
			return err
		}
		switch {
		case metric == hOrders:
			h.Orders += n
		case strings.HasPrefix(metric, hCanceled):
			h.Canceled[core.CancelReason(strings.TrimPrefix(metric, hCanceled))] += n
		case metric == hShipments:
			h.Shipments += n
		case metric == hValid:
			h.ValidTracking += n
		case metric == hShipped:
			h.ShippedOrders += n
		case metric == hLate:
			h.LateOrders += n
		}
		return nil
	})
	if err != nil {
		return h, t.fail(err, "count account health")
	}
	if cancelPart {
		rows, err := t.query(ctx, sqlHealthOrdersPart, db.tv(w.CancelSince), db.tv(periodStart(cancel, usPerHour)))
		if err != nil {
			return h, t.fail(err, "count orders")
		}
		if err := addCancelRows(rows, &h); err != nil {
			return h, t.fail(err, "count orders")
		}
	}
	if trackingPart {
		var n, valid int
		err := t.stmt(ctx, sqlHealthShipmentsPart).QueryRowContext(ctx, db.tv(w.TrackingSince), db.tv(periodStart(tracking, usPerHour))).Scan(&n, &valid)
		if err != nil {
			return h, t.fail(err, "count shipments")
		}
		h.Shipments, h.ValidTracking = h.Shipments+n, h.ValidTracking+valid
	}
	if latePart {
		var shipped, lateOrders int
		end := db.tv(periodStart(late, usPerHour))
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

// The full counts health_hours stands for, over every row of the windows:
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
// shipment of the windows, without health_hours: a check of the counters
// (tests, a repair), which reads the windows whole.
func (db *DB) RecountHealth(ctx context.Context, w core.HealthWindows) (core.HealthCounts, error) {
	h := core.HealthCounts{Canceled: map[core.CancelReason]int{}}
	err := db.View(ctx, func(tx core.Tx) error {
		t := tx.(*Tx)
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

// RebuildHealth recounts the counters health reads, health_hours from the
// orders and shipments and response_slots from the buyer messages, as
// migrations 00015 and 00018 first filled them: for a store loaded around
// the store (bot bench --scale), or written by a replica older than the
// counters.
func (db *DB) RebuildHealth(ctx context.Context) error {
	return db.Update(ctx, func(tx core.Tx) error {
		t := tx.(*Tx)
		hour := func(col string) string { return db.periodSQL(col, usPerHour) }
		// PostgreSQL: a writer adding its change before its commit waits
		// for the rebuild, whose count then leaves that change out. The
		// tables are locked in the order writers add to them.
		lock := []string{`LOCK TABLE health_hours IN EXCLUSIVE MODE`, `LOCK TABLE response_slots IN EXCLUSIVE MODE`}
		if db.dialect == sqliteDialect {
			lock = nil // one writer at a time already
		}
		qs := append(lock, `DELETE FROM health_hours`, `INSERT INTO health_hours (hour, metric, n)
			SELECT hour, metric, COUNT(*) FROM (
			SELECT `+hour("purchase_date")+` AS hour, 'orders' AS metric FROM orders WHERE fulfillment = 'merchant'
			UNION ALL SELECT `+hour("purchase_date")+`, 'canceled:' || cancel_reason
				FROM orders WHERE fulfillment = 'merchant' AND cancel_reason <> ''
			UNION ALL SELECT `+hour("s.ship_date")+`, 'shipments'
				FROM shipments s JOIN orders o ON o.id = s.order_id WHERE o.fulfillment = 'merchant'
			UNION ALL SELECT `+hour("s.ship_date")+`, 'valid'
				FROM shipments s JOIN orders o ON o.id = s.order_id WHERE o.fulfillment = 'merchant' AND s.valid_tracking
			UNION ALL SELECT `+hour("MAX(s.ship_date)")+`, 'shipped'
				FROM shipments s JOIN orders o ON o.id = s.order_id WHERE o.fulfillment = 'merchant' GROUP BY s.order_id
			UNION ALL SELECT `+hour("MAX(s.ship_date)")+`, 'late'
				FROM shipments s JOIN orders o ON o.id = s.order_id WHERE o.fulfillment = 'merchant' AND s.late GROUP BY s.order_id
			) f GROUP BY hour, metric`)
		for _, q := range append(qs, db.rebuildResponses()...) {
			if _, err := t.tx.ExecContext(ctx, q); err != nil {
				return t.fail(err, "rebuild the account health counters")
			}
		}
		return nil
	})
}
