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
// what the hour adds to each count, and health_minutes (00020), the same
// per minute. A window is the sum of its whole hours, the whole minutes of
// its partial first hour, and an exact, indexed count of the part of its
// first minute it covers, so health reads about as much at ten million
// orders as at ten thousand: a few thousand counters a month, at most 59
// minutes' counters and a minute's rows. (Hours alone left up to an
// hour's orders and shipments to count one by one: 18.7 ms at 570 orders
// an hour.) Only a window's first hour reads minutes, so minute rows
// older than the longest window (30 days) are never read; they are kept,
// a few per minute something happened, as the hours are.

const (
	usPerHour   = int64(time.Hour / time.Microsecond)
	usPerMinute = int64(time.Minute / time.Microsecond)
)

// counterKey is one counter of a table kept like health_hours (also
// health_minutes, response_slots): a period and what is counted in it.
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
func periodOf(t time.Time, us int64) int64 { return floorDiv(t.UnixMicro(), us) }

func floorDiv(a, b int64) int64 {
	d := a / b
	if a%b < 0 {
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

func minuteOf(t time.Time) int64 { return periodOf(t, usPerMinute) }

// periodSQL is periodOf in SQL, for a time column.
func (db *DB) periodSQL(col string, us int64) string {
	if db.dialect == sqliteDialect {
		n := strconv.FormatInt(us, 10)
		return "((" + col + ") - ((" + col + ") < 0) * " + strconv.FormatInt(us-1, 10) + ") / " + n
	}
	return "floor(extract(epoch FROM " + col + ") / " + strconv.FormatInt(us/1e6, 10) + ")::bigint"
}

// addHealth adds sign times what o, with the shipments ships, counts for
// in health_minutes (health_hours is their sum, see hourRows): nothing
// unless o is the seller's to ship.
func addHealth(into map[counterKey]int64, o *core.Order, ships []core.Shipment, sign int64) {
	if o == nil || o.Fulfillment != core.Merchant {
		return
	}
	d := minuteOf(o.PurchaseDate)
	into[counterKey{d, hOrders}] += sign
	if o.CancelReason != "" {
		into[counterKey{d, hCanceled + string(o.CancelReason)}] += sign
	}
	var last, lastLate *core.Shipment
	for i := range ships {
		s := &ships[i]
		sd := minuteOf(s.ShipDate)
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
		into[counterKey{minuteOf(last.ShipDate), hShipped}] += sign
	}
	if lastLate != nil {
		into[counterKey{minuteOf(lastLate.ShipDate), hLate}] += sign
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
// health_minutes and so in health_hours.
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

// The counter tables, in the order every transaction adds to them.
var counterTables = []struct{ table, period string }{
	{"health_hours", "hour"}, {"health_minutes", "minute"}, {"response_slots", "slot"},
}

var (
	// SQLite: each counter by itself (no round trips to save).
	saveCounter = func() (out []*stmtDef) {
		for _, c := range counterTables {
			out = append(out, preparedSQLite(`INSERT INTO `+c.table+` (`+c.period+`, metric, n) VALUES (?, ?, ?)`+
				` ON CONFLICT (`+c.period+`, metric) DO UPDATE SET n = `+c.table+`.n + excluded.n`))
		}
		return out
	}()
	// PostgreSQL: every counter of the transaction in one statement.
	sqlSaveCounters = preparedPG(`WITH ` + counterCTEs("true") + ` SELECT 1`)
)

// counterCTEs add the transaction's counters, an array each of periods,
// metrics and counts per table of counterTables, in a statement's WITH
// (see also sqlEnqueueNotify); filter is every insert's condition. Each
// insert waits for the one before it (the COUNT of its rows), so the rows
// are locked in (table, period, metric) order, as every transaction locks
// them.
func counterCTEs(filter string) string {
	var b strings.Builder
	for i, c := range counterTables {
		after := ""
		if i > 0 {
			b.WriteString(", ")
			after = " AND (SELECT COUNT(*) FROM c" + strconv.Itoa(i-1) + ") >= 0"
		}
		b.WriteString("c" + strconv.Itoa(i) + ` AS (INSERT INTO ` + c.table + ` (` + c.period + `, metric, n)
		SELECT * FROM unnest(?::bigint[], ?::text[], ?::bigint[]) WHERE ` + filter + after + `
		ON CONFLICT (` + c.period + `, metric) DO UPDATE SET n = ` + c.table + `.n + excluded.n RETURNING 1)`)
	}
	return b.String()
}

// counterRowSets are the transaction's counts as rows of counterRows, one
// set per table of counterTables. The hours are the sums of the minutes,
// so the two levels never disagree.
func (t *Tx) counterRowSets() [][]any {
	hours := make(map[counterKey]int64, len(t.health))
	for k, n := range t.health {
		hours[counterKey{floorDiv(k.period, usPerHour/usPerMinute), k.metric}] += n
	}
	return [][]any{counterRows(hours), counterRows(t.health), counterRows(t.responses)}
}

// flushCounters adds the transaction's changes to the counters, in the
// order of counterTables. It runs last before the commit, so concurrent
// writers hold a period's row only for the commit, and in (table, period,
// metric) order, so two of them never wait for each other's rows.
func (t *Tx) flushCounters(ctx context.Context) error {
	sets := t.counterRowSets()
	if t.db.dialect == postgresDialect {
		if slices.ContainsFunc(sets, func(rows []any) bool { return len(rows) > 0 }) {
			args, err := counterArrays(sets)
			if err == nil {
				_, err = t.exec(ctx, sqlSaveCounters, args...)
			}
			if err != nil {
				return t.fail(err, "count account health and answered buyer messages")
			}
		}
	} else {
		for i, rows := range sets {
			st := t.stmt(ctx, saveCounter[i])
			for r := 0; r < len(rows); r += 3 {
				if _, err := st.ExecContext(ctx, rows[r:r+3]...); err != nil {
					return t.fail(err, "count account health and answered buyer messages")
				}
			}
		}
	}
	t.countersWritten()
	return nil
}

// countersWritten forgets the counts flushCounters (or the outbox insert
// they rode in) has written.
func (t *Tx) countersWritten() { t.health, t.responses = nil, nil }

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
func noCounters() []any {
	out := make([]any, 3*len(counterTables))
	for i := range out {
		out[i] = "{}"
	}
	return out
}

// counterArrays are counterCTEs' arguments for sets, counterRowSets' rows.
func counterArrays(sets [][]any) ([]any, error) {
	var out []any
	for _, rows := range sets {
		a, err := pgArrays(rows, 3)
		if err != nil {
			return nil, err
		}
		out = append(out, a...)
	}
	return out, nil
}

var (
	// Each count over its own window's whole hours, and the whole minutes
	// of its partial first hour, [minute, hour), a range each.
	sqlHealthCounters = prepared(`SELECT metric, SUM(n) FROM (
		SELECT metric, n FROM health_hours WHERE hour >= ? AND (
			(metric = 'orders' OR metric LIKE 'canceled:%') AND hour >= ?
			OR metric IN ('shipments', 'valid') AND hour >= ?
			OR metric IN ('shipped', 'late') AND hour >= ?)
		UNION ALL SELECT metric, n FROM health_minutes WHERE minute >= ? AND minute < ?
			AND (metric = 'orders' OR metric LIKE 'canceled:%')
		UNION ALL SELECT metric, n FROM health_minutes WHERE minute >= ? AND minute < ? AND metric IN ('shipments', 'valid')
		UNION ALL SELECT metric, n FROM health_minutes WHERE minute >= ? AND minute < ? AND metric IN ('shipped', 'late')
		) c GROUP BY metric`)
	// The exact counts of a window's partial first minute, [since, the
	// minute).
	sqlHealthOrdersPart = prepared(`SELECT cancel_reason, COUNT(*) FROM orders
		WHERE fulfillment = 'merchant' AND purchase_date >= ? AND purchase_date < ? GROUP BY cancel_reason`)
	sqlHealthShipmentsPart = prepared(`SELECT COUNT(*), COUNT(CASE WHEN s.valid_tracking THEN 1 END)
		FROM shipments s JOIN orders o ON o.id = s.order_id
		WHERE o.fulfillment = 'merchant' AND s.ship_date >= ? AND s.ship_date < ?`)
	// An order counts in the minute of its newest (late) shipment: here if
	// that is in [since, the minute), so if it has none from the minute on.
	sqlHealthShippedPart = prepared(`SELECT
		COUNT(DISTINCT CASE WHEN NOT EXISTS (SELECT 1 FROM shipments x
			WHERE x.order_id = s.order_id AND x.ship_date >= ?) THEN s.order_id END),
		COUNT(DISTINCT CASE WHEN s.late AND NOT EXISTS (SELECT 1 FROM shipments x
			WHERE x.order_id = s.order_id AND x.late AND x.ship_date >= ?) THEN s.order_id END)
		FROM shipments s JOIN orders o ON o.id = s.order_id
		WHERE o.fulfillment = 'merchant' AND s.ship_date >= ? AND s.ship_date < ?`)
)

// healthSplit splits a window starting at since into what HealthCounts
// reads: the hours from hour on (health_hours), the minutes [minute, end
// of minutes) (health_minutes), and [since, exact) from the rows, empty
// when since is on a minute.
type healthSplit struct {
	hour, minute, minutesEnd int64
	exact                    time.Time
	partial                  bool
}

func splitWindow(since time.Time) healthSplit {
	hour, _ := firstWhole(since, usPerHour)
	minute, partial := firstWhole(since, usPerMinute)
	return healthSplit{hour: hour, minute: minute, minutesEnd: hour * (usPerHour / usPerMinute),
		exact: periodStart(minute, usPerMinute), partial: partial}
}

// HealthCounts counts what account health is computed from, merchant
// orders only: the windows' whole hours from health_hours, the whole
// minutes of their partial first hours from health_minutes, and their
// partial first minutes from the rows.
func (t *Tx) HealthCounts(ctx context.Context, w core.HealthWindows) (core.HealthCounts, error) {
	h := core.HealthCounts{Canceled: map[core.CancelReason]int{}}
	if t.write { // this transaction's own saves count too
		if err := t.flushCounters(ctx); err != nil {
			return h, err
		}
	}
	db := t.db
	late, cancel, tracking := splitWindow(w.LateSince), splitWindow(w.CancelSince), splitWindow(w.TrackingSince)
	rows, err := t.query(ctx, sqlHealthCounters, min(late.hour, cancel.hour, tracking.hour), cancel.hour, tracking.hour, late.hour,
		cancel.minute, cancel.minutesEnd, tracking.minute, tracking.minutesEnd, late.minute, late.minutesEnd)
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
	if cancel.partial {
		rows, err := t.query(ctx, sqlHealthOrdersPart, db.tv(w.CancelSince), db.tv(cancel.exact))
		if err != nil {
			return h, t.fail(err, "count orders")
		}
		if err := addCancelRows(rows, &h); err != nil {
			return h, t.fail(err, "count orders")
		}
	}
	if tracking.partial {
		var n, valid int
		err := t.stmt(ctx, sqlHealthShipmentsPart).QueryRowContext(ctx, db.tv(w.TrackingSince), db.tv(tracking.exact)).Scan(&n, &valid)
		if err != nil {
			return h, t.fail(err, "count shipments")
		}
		h.Shipments, h.ValidTracking = h.Shipments+n, h.ValidTracking+valid
	}
	if late.partial {
		var shipped, lateOrders int
		end := db.tv(late.exact)
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

// RebuildHealth recounts the counters health reads, health_hours and
// health_minutes from the orders and shipments and response_slots from the
// buyer messages, as migrations 00015, 00020 and 00018 first filled them:
// for a store loaded around the store (bot bench --scale), or written by a
// replica older than the counters.
func (db *DB) RebuildHealth(ctx context.Context) error {
	return db.Update(ctx, func(tx core.Tx) error {
		t := tx.(*Tx)
		var qs []string
		// PostgreSQL: a writer adding its change before its commit waits
		// for the rebuild, whose count then leaves that change out. The
		// tables are locked in the order writers add to them.
		if db.dialect == postgresDialect { // SQLite: one writer at a time already
			for _, c := range counterTables {
				qs = append(qs, `LOCK TABLE `+c.table+` IN EXCLUSIVE MODE`)
			}
		}
		qs = append(qs, db.rebuildHealth("health_hours", "hour", usPerHour)...)
		qs = append(qs, db.rebuildHealth("health_minutes", "minute", usPerMinute)...)
		for _, q := range append(qs, db.rebuildResponses()...) {
			if _, err := t.tx.ExecContext(ctx, q); err != nil {
				return t.fail(err, "rebuild the account health counters")
			}
		}
		return nil
	})
}

// rebuildHealth are the statements that refill a table of health's
// counters per period of us microseconds from the orders and shipments.
func (db *DB) rebuildHealth(table, col string, us int64) []string {
	p := func(c string) string { return db.periodSQL(c, us) }
	return []string{`DELETE FROM ` + table, `INSERT INTO ` + table + ` (` + col + `, metric, n)
		SELECT p, metric, COUNT(*) FROM (
		SELECT ` + p("purchase_date") + ` AS p, 'orders' AS metric FROM orders WHERE fulfillment = 'merchant'
		UNION ALL SELECT ` + p("purchase_date") + `, 'canceled:' || cancel_reason
			FROM orders WHERE fulfillment = 'merchant' AND cancel_reason <> ''
		UNION ALL SELECT ` + p("s.ship_date") + `, 'shipments'
			FROM shipments s JOIN orders o ON o.id = s.order_id WHERE o.fulfillment = 'merchant'
		UNION ALL SELECT ` + p("s.ship_date") + `, 'valid'
			FROM shipments s JOIN orders o ON o.id = s.order_id WHERE o.fulfillment = 'merchant' AND s.valid_tracking
		UNION ALL SELECT ` + p("MAX(s.ship_date)") + `, 'shipped'
			FROM shipments s JOIN orders o ON o.id = s.order_id WHERE o.fulfillment = 'merchant' GROUP BY s.order_id
		UNION ALL SELECT ` + p("MAX(s.ship_date)") + `, 'late'
			FROM shipments s JOIN orders o ON o.id = s.order_id WHERE o.fulfillment = 'merchant' AND s.late GROUP BY s.order_id
		) f GROUP BY p, metric`}
}
