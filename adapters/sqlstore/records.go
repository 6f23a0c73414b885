package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// noLimit stands for "no limit" where a statement always has a LIMIT, so
// that it keeps one text and can be prepared.
const noLimit = 1<<63 - 1

func limitOrAll(n int) int64 {
	if n <= 0 {
		return noLimit
	}
	return int64(n)
}

var sqlReturnOrderID = prepared(`SELECT order_id FROM returns WHERE id = ?`)

// ReturnOrderID returns the id of the order a return belongs to.
func (t *Tx) ReturnOrderID(ctx context.Context, returnID string) (string, error) {
	var id string
	err := t.stmt(ctx, sqlReturnOrderID).QueryRowContext(ctx, returnID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", core.FieldErrorf(core.NotFound, "return_id", "No return %s — check the return id", returnID)
	}
	if err != nil {
		return "", t.fail(err, "find a return")
	}
	return id, nil
}

// Returns lists returns matching q, newest first.
func (t *Tx) Returns(ctx context.Context, q core.ReturnQuery) ([]core.Return, error) {
	var b strings.Builder
	var args []any
	b.WriteString(`SELECT ` + returnCols + ` FROM returns WHERE TRUE`)
	if len(q.Statuses) > 0 {
		b.WriteString(` AND status = ANY(?)`)
		args = append(args, t.db.list(strs(q.Statuses)))
	}
	if q.OrderID != "" {
		b.WriteString(` AND order_id = ?`)
		args = append(args, q.OrderID)
	}
	b.WriteString(` ORDER BY requested_at DESC, id DESC LIMIT ?`)
	args = append(args, limitOrAll(q.Limit))
	rows, err := t.queryText(ctx, b.String(), args...)
	if err != nil {
		return nil, t.fail(err, "list returns")
	}
	var out []core.Return
	err = eachRow(rows, func() error {
		r, err := scanReturn(rows)
		out = append(out, r)
		return err
	})
	if err != nil {
		return nil, t.fail(err, "list returns")
	}
	return out, nil
}

var sqlShipmentsBetween = prepared(`SELECT ` + qualified("s", shipmentCols) + `, o.sales_channel
	FROM shipments s JOIN orders o ON o.id = s.order_id
	WHERE s.ship_date >= ? AND s.ship_date < ? ORDER BY s.ship_date, s.created_at, s.id`)

// qualified prefixes each of a column list's names with a table alias.
func qualified(alias, cols string) string {
	names := strings.Split(cols, ",")
	for i, n := range names {
		names[i] = alias + "." + strings.TrimSpace(n)
	}
	return strings.Join(names, ", ")
}

// farFuture stands in for a zero ShipmentQuery.Until: no upper bound.
var farFuture = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)

// Shipments lists shipments whose ship date is in [Since, Until), oldest
// first; a zero Until means no upper bound.
func (t *Tx) Shipments(ctx context.Context, q core.ShipmentQuery) ([]core.OrderShipment, error) {
	until := q.Until
	if until.IsZero() {
		until = farFuture
	}
	rows, err := t.query(ctx, sqlShipmentsBetween, t.db.tv(q.Since), t.db.tv(until))
	if err != nil {
		return nil, t.fail(err, "list shipments")
	}
	var out []core.OrderShipment
	err = eachRow(rows, func() error {
		var channel string
		oid, s, err := scanShipment(rows, &channel)
		out = append(out, core.OrderShipment{OrderID: oid, Shipment: s, SalesChannel: channel})
		return err
	})
	if err != nil {
		return nil, t.fail(err, "list shipments")
	}
	return out, nil
}

var (
	sqlStocksAll = prepared(`SELECT sku, available, reserved, threshold FROM stock ORDER BY sku`)
	sqlStocksOf  = prepared(`SELECT sku, available, reserved, threshold FROM stock WHERE sku = ANY(?)`)
	sqlLowStock  = prepared(`SELECT sku, available, reserved, threshold FROM stock WHERE available < threshold ORDER BY sku`)
	saveStock    = newBulk(`INSERT INTO stock (sku, available, reserved, threshold)`, []string{"text", "integer", "integer", "integer"},
		` ON CONFLICT (sku) DO UPDATE SET `+assign("available, reserved, threshold", "excluded"))
)

// Stocks returns the tracked SKUs among skus, or all of them.
func (t *Tx) Stocks(ctx context.Context, skus []string) (map[string]core.Stock, error) {
	var (
		rows *sql.Rows
		err  error
	)
	if len(skus) == 0 {
		rows, err = t.query(ctx, sqlStocksAll)
	} else {
		rows, err = t.query(ctx, sqlStocksOf, t.db.list(skus))
	}
	if err != nil {
		return nil, t.fail(err, "read stock")
	}
	out := make(map[string]core.Stock)
	err = eachRow(rows, func() error {
		var s core.Stock
		err := rows.Scan(&s.SKU, &s.Available, &s.Reserved, &s.Threshold)
		out[s.SKU] = s
		return err
	})
	if err != nil {
		return nil, t.fail(err, "read stock")
	}
	return out, nil
}

// LowStock lists tracked SKUs below their threshold, by SKU.
func (t *Tx) LowStock(ctx context.Context) ([]core.Stock, error) {
	rows, err := t.query(ctx, sqlLowStock)
	if err != nil {
		return nil, t.fail(err, "read stock")
	}
	var out []core.Stock
	err = eachRow(rows, func() error {
		var s core.Stock
		err := rows.Scan(&s.SKU, &s.Available, &s.Reserved, &s.Threshold)
		out = append(out, s)
		return err
	})
	if err != nil {
		return nil, t.fail(err, "read stock")
	}
	return out, nil
}

// SaveStocks inserts or replaces stock rows.
func (t *Tx) SaveStocks(ctx context.Context, stocks []core.Stock) error {
	if err := t.writable("SaveStocks"); err != nil {
		return err
	}
	seen := make(map[string]bool, len(stocks))
	args := make([]any, 0, 4*len(stocks))
	for _, s := range stocks {
		if s.SKU == "" {
			return core.FieldErrorf(core.Invalid, "sku", "A stock row needs a SKU")
		}
		if seen[s.SKU] {
			return core.FieldErrorf(core.Invalid, "sku", "SKU %s is in one stock save twice", s.SKU)
		}
		seen[s.SKU] = true
		args = append(args, s.SKU, int64(s.Available), int64(s.Reserved), int64(s.Threshold))
	}
	if err := t.writeRows(ctx, saveStock, args, nil); err != nil {
		return t.fail(err, "save stock")
	}
	return nil
}

var (
	sqlAddAudit = prepared(`INSERT INTO audit (at, actor_id, actor, role, source, command, order_id, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
	sqlAudit = prepared(`SELECT id, at, actor_id, actor, role, source, command, order_id, detail
		FROM audit ORDER BY id DESC LIMIT ?`)
	sqlAuditOf = prepared(`SELECT id, at, actor_id, actor, role, source, command, order_id, detail
		FROM audit WHERE order_id = ? ORDER BY id DESC LIMIT ?`)
)

// AddAudit appends to the audit log.
func (t *Tx) AddAudit(ctx context.Context, e core.AuditEntry) error {
	if err := t.writable("AddAudit"); err != nil {
		return err
	}
	_, err := t.exec(ctx, sqlAddAudit, t.db.tv(e.At), e.ActorID, e.Actor, string(e.Role), e.Source, e.Command, e.OrderID, e.Detail)
	if err != nil {
		return t.fail(err, "write the audit log")
	}
	return nil
}

// Audit lists audit entries, newest first.
func (t *Tx) Audit(ctx context.Context, q core.AuditQuery) ([]core.AuditEntry, error) {
	var (
		rows *sql.Rows
		err  error
	)
	if q.OrderID == "" {
		rows, err = t.query(ctx, sqlAudit, limitOrAll(q.Limit))
	} else {
		rows, err = t.query(ctx, sqlAuditOf, q.OrderID, limitOrAll(q.Limit))
	}
	if err != nil {
		return nil, t.fail(err, "read the audit log")
	}
	var out []core.AuditEntry
	err = eachRow(rows, func() error {
		var e core.AuditEntry
		err := rows.Scan(&e.ID, timeDest{&e.At}, &e.ActorID, &e.Actor, (*string)(&e.Role), &e.Source, &e.Command, &e.OrderID, &e.Detail)
		out = append(out, e)
		return err
	})
	if err != nil {
		return nil, t.fail(err, "read the audit log")
	}
	return out, nil
}

// strs turns a list of named string types (statuses) into plain strings.
func strs[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}
