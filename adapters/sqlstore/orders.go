package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// orderSet is every orders column but id and version, in orderArgs' order.
const orderSet = `status, fulfillment, sales_channel, purchase_date, payments_date, ship_by,
	ship_service_level, currency, buyer_name, buyer_email, buyer_phone,
	ship_name, ship_line1, ship_line2, ship_line3, ship_city, ship_state, ship_postal_code, ship_country, ship_phone,
	cancel_reason, canceled_at, delivered_at, ship_warned_at, report_updated, created_at, updated_at,
	review_state, review_requested_at, review_requested_by, review_reason, review_answered_at,
		cancel_request, amazon_cancel, amazon_cancel_state`

const orderCols = `id, ` + orderSet + `, version`

// orderTypes are orderCols' PostgreSQL types, for the column arrays of
// multi-row saves.
var orderTypes = []string{"text", "text", "text", "text", "timestamptz", "timestamptz", "timestamptz",
	"text", "text", "text", "text", "text",
	"text", "text", "text", "text", "text", "text", "text", "text", "text",
	"text", "timestamptz", "timestamptz", "timestamptz", "timestamptz", "timestamptz", "timestamptz",
	"text", "timestamptz", "text", "text", "timestamptz",
	"text", "text", "text", "bigint"}

var (
	// Order: the order and all its children in one statement.
	sqlOrderFull      = preparedPG(orderWithChildren(postgresDialect, false))
	sqlOrderFullLock  = preparedPG(orderWithChildren(postgresDialect, true))
	sqlOrderFullLite  = preparedSQLite(orderWithChildren(sqliteDialect, false))
	sqlOrdersByID     = prepared(`SELECT ` + orderCols + ` FROM orders WHERE id = ANY(?)`)
	sqlOrdersByIDLock = prepared(`SELECT ` + orderCols + ` FROM orders WHERE id = ANY(?) ORDER BY id FOR UPDATE`)

	// An insert that meets an existing id returns nothing: that is the
	// duplicate, reported as a Conflict naming the order.
	insertOrders = newBulk(`INSERT INTO orders (`+orderCols+`)`, orderTypes, ` ON CONFLICT (id) DO NOTHING RETURNING id`)
	// The version check is the optimistic lock: a save based on a stale
	// read updates nothing and returns nothing.
	sqlUpdateOrder = prepared(`UPDATE orders SET ` + assignParams(orderSet) + `, version = version + 1
		WHERE id = ? AND version = ? RETURNING id`)
	// PostgreSQL: the same for many orders, one array per column (see bulk).
	sqlUpdateOrders = preparedPG(`UPDATE orders AS o SET ` + assign(orderSet, "v") + `, version = o.version + 1
		FROM unnest(` + arrayParams(orderTypes) + `) AS v (` + orderCols + `)
		WHERE o.id = v.id AND o.version = v.version RETURNING o.id`)

	sqlItems   = prepared(`SELECT ` + itemCols + ` FROM order_items WHERE order_id = ? ORDER BY line_no, order_item_id`)
	sqlItemsOf = prepared(`SELECT ` + itemCols + ` FROM order_items WHERE order_id = ANY(?) ORDER BY order_id, line_no, order_item_id`)
	saveItems  = newBulk(`INSERT INTO order_items (order_id, order_item_id, line_no, sku, title, quantity, shipped, price, tax, shipping, discount, canceled)`,
		[]string{"text", "text", "integer", "text", "text", "integer", "integer", "bigint", "bigint", "bigint", "bigint", "integer"},
		` ON CONFLICT (order_id, order_item_id) DO UPDATE SET `+assign("line_no, sku, title, quantity, shipped, price, tax, shipping, discount, canceled", "excluded"))

	sqlShipments   = prepared(`SELECT ` + shipmentCols + ` FROM shipments WHERE order_id = ? ORDER BY ship_date, created_at, id`)
	sqlShipmentsOf = prepared(`SELECT ` + shipmentCols + ` FROM shipments WHERE order_id = ANY(?) ORDER BY ship_date, created_at, id`)
	saveShipments  = newBulk(`INSERT INTO shipments (`+shipmentCols+`)`,
		[]string{"text", "text", "text", "text", "text", "timestamptz", "text", "boolean", "boolean", "timestamptz", "text", "text", "text", "text", "timestamptz"},
		` ON CONFLICT (id) DO UPDATE SET `+assign("carrier, carrier_name, tracking, ship_date, method, late, valid_tracking, created_at, created_by, lines, amazon, amazon_error, amazon_at", "excluded"))

	sqlReturns   = prepared(`SELECT ` + returnCols + ` FROM returns WHERE order_id = ? ORDER BY requested_at, id`)
	sqlReturnsOf = prepared(`SELECT ` + returnCols + ` FROM returns WHERE order_id = ANY(?) ORDER BY requested_at, id`)
	saveReturns  = newBulk(`INSERT INTO returns (`+returnCols+`)`,
		[]string{"text", "text", "text", "text", "text", "text", "timestamptz", "timestamptz", "timestamptz", "timestamptz"},
		` ON CONFLICT (id) DO UPDATE SET `+assign("status, items, reason, reject_reason, requested_at, decided_at, received_at, refund_by", "excluded"))

	sqlRefunds   = prepared(`SELECT ` + refundCols + ` FROM refunds WHERE order_id = ? ORDER BY created_at, id`)
	sqlRefundsOf = prepared(`SELECT ` + refundCols + ` FROM refunds WHERE order_id = ANY(?) ORDER BY created_at, id`)
	saveRefunds  = newBulk(`INSERT INTO refunds (`+refundCols+`)`,
		[]string{"text", "text", "text", "bigint", "text", "timestamptz", "text", "text"},
		` ON CONFLICT (id) DO UPDATE SET `+assign("return_id, amount, reason, created_at, created_by, created_role", "excluded"))
)

const (
	itemCols     = `order_id, order_item_id, sku, title, quantity, shipped, price, tax, shipping, discount, canceled`
	shipmentCols = `id, order_id, carrier, carrier_name, tracking, ship_date, method, late, valid_tracking, created_at, created_by, lines, amazon, amazon_error, amazon_at`
	returnCols   = `id, order_id, status, items, reason, reject_reason, requested_at, decided_at, received_at, refund_by`
	refundCols   = `id, order_id, return_id, amount, reason, created_at, created_by, created_role`
)

func (db *DB) orderArgs(a []any, o *core.Order, version int64) []any {
	var r core.ReviewRequest // none: state '' and NULL times
	var requested *time.Time
	if o.Review != nil {
		r, requested = *o.Review, &o.Review.RequestedAt
	}
	return append(a, o.ID, string(o.Status), string(o.Fulfillment), o.SalesChannel,
		db.tv(o.PurchaseDate), db.ntv(o.PaymentsDate), db.tv(o.ShipBy),
		o.ShipServiceLevel, o.Currency, o.Buyer.Name, o.Buyer.Email, o.Buyer.Phone,
		o.ShipTo.Name, o.ShipTo.Line1, o.ShipTo.Line2, o.ShipTo.Line3, o.ShipTo.City, o.ShipTo.State,
		o.ShipTo.PostalCode, o.ShipTo.Country, o.ShipTo.Phone,
		string(o.CancelReason), db.ntv(o.CanceledAt), db.ntv(o.DeliveredAt), db.ntv(o.ShipWarnedAt),
		db.tv(o.ReportUpdated), db.tv(o.CreatedAt), db.tv(o.UpdatedAt),
		string(r.State), db.ntv(requested), r.RequestedBy, r.Reason, db.ntv(r.AnsweredAt),
		jsonText(o.CancelRequest), jsonText(o.AmazonCancel), amazonCancelState(o), version)
}

// jsonText is a JSON column's value: "" for nil.
func jsonText[T any](v *T) string {
	if v == nil {
		return ""
	}
	b, _ := json.Marshal(v) // plain structs: cannot fail
	return string(b)
}

// amazonCancelState is the amazon_cancel_state column: the state alone,
// for the feed check's query.
func amazonCancelState(o *core.Order) string {
	if o.AmazonCancel == nil {
		return ""
	}
	return string(o.AmazonCancel.State)
}

// jsonDest scans a JSON text column into *p, nil when empty.
type jsonDest[T any] struct{ p **T }

func (d jsonDest[T]) Scan(v any) error {
	var b []byte
	switch x := v.(type) {
	case nil:
	case string:
		b = []byte(x)
	case []byte:
		b = x
	default:
		return fmt.Errorf("a JSON column holds %T", v)
	}
	*d.p = nil
	if len(b) == 0 {
		return nil
	}
	var t T
	if err := json.Unmarshal(b, &t); err != nil {
		return err
	}
	*d.p = &t
	return nil
}

// orderDest is where a row of orderCols goes; call settleOrder on o after
// the scan.
func orderDest(o *core.Order) []any {
	r := &core.ReviewRequest{}
	o.Review = r
	return []any{&o.ID, (*string)(&o.Status), (*string)(&o.Fulfillment), &o.SalesChannel,
		timeDest{&o.PurchaseDate}, nullTimeDest{&o.PaymentsDate}, timeDest{&o.ShipBy},
		&o.ShipServiceLevel, &o.Currency, &o.Buyer.Name, &o.Buyer.Email, &o.Buyer.Phone,
		&o.ShipTo.Name, &o.ShipTo.Line1, &o.ShipTo.Line2, &o.ShipTo.Line3, &o.ShipTo.City, &o.ShipTo.State,
		&o.ShipTo.PostalCode, &o.ShipTo.Country, &o.ShipTo.Phone,
		(*string)(&o.CancelReason), nullTimeDest{&o.CanceledAt}, nullTimeDest{&o.DeliveredAt}, nullTimeDest{&o.ShipWarnedAt},
		timeDest{&o.ReportUpdated}, timeDest{&o.CreatedAt}, timeDest{&o.UpdatedAt},
		(*string)(&r.State), timeDest{&r.RequestedAt}, &r.RequestedBy, &r.Reason, nullTimeDest{&r.AnsweredAt},
		jsonDest[core.CancelRequest]{&o.CancelRequest}, jsonDest[core.AmazonCancel]{&o.AmazonCancel}, new(string), &o.Version}
}

// settleOrder finishes an order orderDest scanned: no review state is no
// review request.
func settleOrder(o *core.Order) {
	if o.Review != nil && o.Review.State == "" {
		o.Review = nil
	}
}

func scanOrders(rows *sql.Rows) ([]core.Order, error) {
	defer rows.Close()
	var out []core.Order
	for rows.Next() {
		out = append(out, core.Order{})
		if err := rows.Scan(orderDest(&out[len(out)-1])...); err != nil {
			return nil, err
		}
		settleOrder(&out[len(out)-1])
	}
	return out, rows.Err()
}

// Order returns one order with its children; inside Update its row stays
// locked until the transaction ends.
//
// It is one statement (see orderWithChildren): the order row and its
// children as JSON, so a lookup costs one round trip and reads one
// consistent snapshot whatever the isolation level.
func (t *Tx) Order(ctx context.Context, id string) (*core.Order, error) {
	if !t.write {
		// A read: the cache, if the stored version is the cached one.
		o, err := t.cachedOrder(ctx, id)
		if err != nil {
			return nil, t.fail(err, "read an order")
		}
		if o != nil {
			return o, nil
		}
	}
	s := t.db.dialect.pick(sqlOrderFull, sqlOrderFullLite)
	if t.locks() {
		s = t.db.dialect.pick(sqlOrderFullLock, sqlOrderFullLite)
	}
	o, seen, err := t.orderFull(ctx, s, id)
	if err == nil && o != nil && seen != o.Version {
		// PostgreSQL, Update: FOR UPDATE waited for another transaction
		// that changed this order, and returned the row it committed, but
		// the children were read in the statement's older snapshot. The
		// lock is ours now: read again, in a new snapshot.
		o, _, err = t.orderFull(ctx, s, id)
	}
	if err != nil {
		return nil, t.fail(err, "read an order")
	}
	if o == nil {
		return nil, core.FieldErrorf(core.NotFound, "order_id", "No order %s — check the order id", id)
	}
	if !t.write {
		t.db.orders.put(o) // a write's read may yet be rolled back
	}
	t.remember(o)
	return o, nil
}

// orderFull runs an orderWithChildren statement. seen is the order's
// version in the statement's snapshot (its Version but for the case Order
// retries); o is nil when there is no such order.
func (t *Tx) orderFull(ctx context.Context, s *stmtDef, id string) (o *core.Order, seen int64, err error) {
	rows, err := t.query(ctx, s, id)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	if !rows.Next() {
		return nil, 0, rows.Err()
	}
	o = &core.Order{}
	var items, ships, rets, refs sql.RawBytes
	dest := append(orderDest(o), &seen, &items, &ships, &rets, &refs)
	if err := rows.Scan(dest...); err != nil {
		return nil, 0, err
	}
	settleOrder(o)
	if err := decodeChildren(o, items, ships, rets, refs); err != nil {
		return nil, 0, err
	}
	return o, seen, rows.Close()
}

// orderWithChildren is the text of Order's statement: the orders columns,
// the order's version as the statement's snapshot has it, then one JSON
// array of objects per child table, ordered as children() orders them
// (NULL, or [] on SQLite, when there are none). Times inside the JSON are
// microseconds since 1970 on both databases, so they keep their precision.
func orderWithChildren(d dialect, lock bool) string {
	var agg, obj, us, lockClause string
	if d == postgresDialect {
		agg, obj = "json_agg", "json_build_object"
		// extract returns numeric on PostgreSQL 14 and later: exact.
		us = "(extract(epoch from %s) * 1000000)::bigint"
		if lock {
			lockClause = " FOR UPDATE OF o"
		}
	} else {
		agg, obj, us = "json_group_array", "json_object", "%s" // already microseconds
	}
	// The version as the statement's snapshot has it differs from the
	// row's only when FOR UPDATE waited for a newer one (see Order);
	// without the lock the row's own saves an index probe.
	seen := "o.version"
	if lock {
		seen = "(SELECT v.version FROM orders v WHERE v.id = o.id)"
	}
	t := func(col string) string { return fmt.Sprintf(us, col) }
	child := func(table, order string, fields ...string) string {
		return `(SELECT ` + agg + `(` + obj + `(` + strings.Join(fields, ", ") + `) ORDER BY ` + order +
			`) FROM ` + table + ` WHERE order_id = o.id)`
	}
	return `SELECT ` + orderCols + `,
	` + seen + `,
	` + child("order_items", "line_no, order_item_id",
		`'i', order_item_id`, `'s', sku`, `'t', title`, `'q', quantity`, `'sh', shipped`,
		`'p', price`, `'tx', tax`, `'sp', shipping`, `'d', discount`, `'c', canceled`) + `,
	` + child("shipments", "ship_date, created_at, id",
		`'i', id`, `'c', carrier`, `'cn', carrier_name`, `'tr', tracking`, `'sd', `+t("ship_date"), `'m', method`,
		`'l', late`, `'v', valid_tracking`, `'ca', `+t("created_at"), `'cb', created_by`, `'ln', lines`,
		`'az', amazon`, `'ae', amazon_error`, `'aa', `+t("amazon_at")) + `,
	` + child("returns", "requested_at, id",
		`'i', id`, `'s', status`, `'it', items`, `'r', reason`, `'rr', reject_reason`, `'ra', `+t("requested_at"),
		`'da', `+t("decided_at"), `'rc', `+t("received_at"), `'rb', `+t("refund_by")) + `,
	` + child("refunds", "created_at, id",
		`'i', id`, `'rt', return_id`, `'a', amount`, `'r', reason`, `'ca', `+t("created_at"), `'cb', created_by`, `'cr', created_role`) + `
	FROM orders o WHERE o.id = ?` + lockClause
}

// pick is the PostgreSQL or SQLite statement of a pair.
func (d dialect) pick(pg, lite *stmtDef) *stmtDef {
	if d == postgresDialect {
		return pg
	}
	return lite
}

// The children as orderWithChildren spells them.
type (
	itemJSON struct {
		ID       string `json:"i"`
		SKU      string `json:"s"`
		Title    string `json:"t"`
		Quantity int    `json:"q"`
		Shipped  int    `json:"sh"`
		Price    int64  `json:"p"`
		Tax      int64  `json:"tx"`
		Shipping int64  `json:"sp"`
		Discount int64  `json:"d"`
		Canceled int    `json:"c"`
	}
	shipmentJSON struct {
		ID            string   `json:"i"`
		Carrier       string   `json:"c"`
		CarrierName   string   `json:"cn"`
		Tracking      string   `json:"tr"`
		ShipDate      int64    `json:"sd"`
		Method        string   `json:"m"`
		Late          jsonBool `json:"l"`
		ValidTracking jsonBool `json:"v"`
		CreatedAt     int64    `json:"ca"`
		CreatedBy     string   `json:"cb"`
		Lines         string   `json:"ln"`
		Amazon        string   `json:"az"`
		AmazonError   string   `json:"ae"`
		AmazonAt      *int64   `json:"aa"`
	}
	returnJSON struct {
		ID           string `json:"i"`
		Status       string `json:"s"`
		Items        string `json:"it"`
		Reason       string `json:"r"`
		RejectReason string `json:"rr"`
		RequestedAt  int64  `json:"ra"`
		DecidedAt    *int64 `json:"da"`
		ReceivedAt   *int64 `json:"rc"`
		RefundBy     *int64 `json:"rb"`
	}
	refundJSON struct {
		ID        string `json:"i"`
		ReturnID  string `json:"rt"`
		Amount    int64  `json:"a"`
		Reason    string `json:"r"`
		CreatedAt int64  `json:"ca"`
		CreatedBy string `json:"cb"`
		Role      string `json:"cr"`
	}
)

// jsonBool is a boolean column in JSON: true/false on PostgreSQL, 1/0 on SQLite.
type jsonBool bool

func (b *jsonBool) UnmarshalJSON(v []byte) error {
	switch string(v) {
	case "true", "1":
		*b = true
	case "false", "0", "null":
		*b = false
	default:
		return fmt.Errorf("sqlstore: %q is not a boolean", v)
	}
	return nil
}

func usTime(us int64) time.Time { return time.UnixMicro(us).UTC() }

func usTimePtr(us *int64) *time.Time {
	if us == nil {
		return nil
	}
	t := usTime(*us)
	return &t
}

// decodeChildren fills o's children from orderWithChildren's JSON columns.
// A child list stays nil when there are none, as children() leaves it.
func decodeChildren(o *core.Order, items, ships, rets, refs []byte) error {
	decode := func(what string, b []byte, v any) error {
		if len(b) == 0 {
			return nil // NULL: no rows (PostgreSQL)
		}
		if err := json.Unmarshal(b, v); err != nil {
			return fmt.Errorf("order %s: %s: %w", o.ID, what, err)
		}
		return nil
	}
	var (
		is  []itemJSON
		ss  []shipmentJSON
		rs  []returnJSON
		fs  []refundJSON
		err error
	)
	err = errors.Join(decode("items", items, &is), decode("shipments", ships, &ss),
		decode("returns", rets, &rs), decode("refunds", refs, &fs))
	if err != nil {
		return err
	}
	if len(is) > 0 {
		o.Items = make([]core.Item, len(is))
		for i, x := range is {
			o.Items[i] = core.Item{OrderItemID: x.ID, SKU: x.SKU, Title: x.Title, Quantity: x.Quantity, Shipped: x.Shipped,
				Price: x.Price, Tax: x.Tax, Shipping: x.Shipping, Discount: x.Discount, Canceled: x.Canceled}
		}
	}
	if len(ss) > 0 {
		o.Shipments = make([]core.Shipment, len(ss))
		for i, x := range ss {
			s := core.Shipment{ID: x.ID, Carrier: core.Carrier(x.Carrier), CarrierName: x.CarrierName, Tracking: x.Tracking,
				ShipDate: usTime(x.ShipDate), Method: x.Method, Late: bool(x.Late), ValidTracking: bool(x.ValidTracking),
				CreatedAt: usTime(x.CreatedAt), CreatedBy: x.CreatedBy, Amazon: core.AmazonState(x.Amazon), AmazonError: x.AmazonError}
			if x.AmazonAt != nil {
				s.AmazonAt = usTime(*x.AmazonAt)
			}
			if err := json.Unmarshal([]byte(x.Lines), &s.Lines); err != nil {
				return fmt.Errorf("shipment %s: lines: %w", s.ID, err)
			}
			if len(s.Lines) == 0 {
				s.Lines = nil
			}
			o.Shipments[i] = s
		}
	}
	if len(rs) > 0 {
		o.Returns = make([]core.Return, len(rs))
		for i, x := range rs {
			r := core.Return{ID: x.ID, OrderID: o.ID, Status: core.ReturnStatus(x.Status), Reason: x.Reason,
				RejectReason: x.RejectReason, RequestedAt: usTime(x.RequestedAt), DecidedAt: usTimePtr(x.DecidedAt),
				ReceivedAt: usTimePtr(x.ReceivedAt), RefundBy: usTimePtr(x.RefundBy)}
			if err := json.Unmarshal([]byte(x.Items), &r.Items); err != nil {
				return fmt.Errorf("return %s: items: %w", r.ID, err)
			}
			if len(r.Items) == 0 {
				r.Items = nil
			}
			o.Returns[i] = r
		}
	}
	if len(fs) > 0 {
		o.Refunds = make([]core.Refund, len(fs))
		for i, x := range fs {
			o.Refunds[i] = core.Refund{ID: x.ID, OrderID: o.ID, ReturnID: x.ReturnID, Amount: x.Amount, Reason: x.Reason,
				CreatedAt: usTime(x.CreatedAt), CreatedBy: x.CreatedBy, Role: core.Role(x.Role)}
		}
	}
	return nil
}

// OrdersByID returns the orders among ids that exist, locked inside Update.
func (t *Tx) OrdersByID(ctx context.Context, ids []string) (map[string]*core.Order, error) {
	out := make(map[string]*core.Order, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	// Locking in id order keeps two batches sharing orders from deadlocking.
	s := sqlOrdersByID
	if t.write {
		s = sqlOrdersByIDLock
	}
	rows, err := t.query(ctx, s, t.db.list(ids))
	if err != nil {
		return nil, t.fail(err, "read orders")
	}
	orders, err := scanOrders(rows)
	if err != nil {
		return nil, t.fail(err, "read orders")
	}
	ptrs := make([]*core.Order, len(orders))
	for i := range orders {
		ptrs[i] = &orders[i]
		out[orders[i].ID] = &orders[i]
	}
	if err := t.children(ctx, ptrs); err != nil {
		return nil, err
	}
	for _, o := range ptrs {
		t.remember(o)
	}
	return out, nil
}

// Orders lists orders matching q with their children.
func (t *Tx) Orders(ctx context.Context, q core.OrderQuery) ([]core.Order, error) {
	text, args, err := t.db.ordersSQL(q)
	if err != nil {
		return nil, err
	}
	rows, err := t.queryText(ctx, text, args...)
	if err != nil {
		return nil, t.fail(err, "list orders")
	}
	orders, err := scanOrders(rows)
	if err != nil {
		return nil, t.fail(err, "list orders")
	}
	ptrs := make([]*core.Order, len(orders))
	for i := range orders {
		ptrs[i] = &orders[i]
	}
	if err := t.children(ctx, ptrs); err != nil {
		return nil, err
	}
	return orders, nil
}

// ordersSQL is Orders' statement for q and its arguments: fixed fragments
// only, every value a parameter. Each sort has an index ending in its
// column and id (orders_purchase_date_id, orders_status_purchase_date_id,
// orders_status_ship_by_id, migration 00016), so a page — first or after a
// cursor (q.Seek) — is one index range read of the page's rows.
func (db *DB) ordersSQL(q core.OrderQuery) (string, []any, error) {
	if q.Limit < 0 {
		return "", nil, core.FieldErrorf(core.Invalid, "limit", "A list limit must be a positive number")
	}
	col, desc := "", false
	switch q.Sort {
	case core.ShipByFirst:
		col = "ship_by"
	case core.NewestFirst, "":
		col, desc = "purchase_date", true
	case core.DeliveredFirst:
		col = "delivered_at" // orders_status_delivered_id (migration 00019)
	default:
		return "", nil, core.FieldErrorf(core.Invalid, "sort", "Orders can be sorted by %q, %q or %q, not %q", core.NewestFirst, core.ShipByFirst, core.DeliveredFirst, q.Sort)
	}
	if q.Backward {
		desc = !desc
	}
	dir, past := " ASC", " > "
	if desc {
		dir, past = " DESC", " < "
	}
	order := ` ORDER BY ` + col + dir + `, id` + dir
	var b strings.Builder
	var args []any
	if len(q.Statuses) > 1 && q.Limit > 0 {
		// A page of several statuses reads each status's index range and
		// merges them, stopping at the page's length. One range over
		// "status IN (…)" cannot come out in sort order, so it would be
		// read whole and sorted, however far along the page is.
		// PostgreSQL merges (Merge Append) only branches that are
		// subqueries with their own ORDER BY and LIMIT; SQLite merges a
		// plain compound SELECT lazily, and would sort each such subquery's
		// rows again.
		pg := db.dialect == postgresDialect
		for i, st := range q.Statuses {
			if i > 0 {
				b.WriteString(` UNION ALL `)
			}
			if pg {
				b.WriteString(`SELECT ` + orderCols + ` FROM (`)
			}
			b.WriteString(`SELECT ` + orderCols + ` FROM orders WHERE status = ?`)
			args = append(args, string(st))
			args = db.orderWhere(&b, args, q, col, past)
			if pg {
				fmt.Fprintf(&b, `%s LIMIT ?) s%d`, order, i)
				args = append(args, int64(q.Limit))
			}
		}
		b.WriteString(order + ` LIMIT ?`)
		return b.String(), append(args, int64(q.Limit)), nil
	}
	b.WriteString(`SELECT ` + orderCols + ` FROM orders WHERE TRUE`)
	switch {
	case len(q.Statuses) == 1:
		b.WriteString(` AND status = ?`)
		args = append(args, string(q.Statuses[0]))
	case len(q.Statuses) > 0 && db.dialect == sqliteDialect:
		// SQLite plans a json_each list as a table it knows nothing of
		// and, once ANALYZE has run, prefers reading every order to the
		// (status, ship_by) index (orders late: 30 ms at 100,000 orders).
		// A list of placeholders it searches the index for, status by status.
		b.WriteString(` AND status IN ` + placeholders(len(q.Statuses)))
		for _, st := range q.Statuses {
			args = append(args, string(st))
		}
	case len(q.Statuses) > 0:
		b.WriteString(` AND status = ANY(?)`)
		args = append(args, db.list(strs(q.Statuses)))
	}
	args = db.orderWhere(&b, args, q, col, past)
	b.WriteString(order)
	if q.Limit > 0 {
		b.WriteString(` LIMIT ?`)
		args = append(args, int64(q.Limit))
	}
	return b.String(), args, nil
}

// orderWhere writes q's conditions but its statuses, the cursor's last:
// "(col, id) > (?, ?)", a row-value comparison both stores turn into the
// start of an index range (PostgreSQL; SQLite since 3.15).
func (db *DB) orderWhere(b *strings.Builder, args []any, q core.OrderQuery, col, past string) []any {
	// A bound the cursor already implies is left out: SQLite uses one
	// bound per side of an index range, and would take the list's window
	// edge and read from there to the cursor, filtering.
	if k := q.Seek; k != nil && col == "ship_by" {
		if past == " > " && !k.At.Before(q.ShipByAfter) {
			q.ShipByAfter = time.Time{}
		}
		if past == " < " && !q.ShipByBefore.IsZero() && k.At.Before(q.ShipByBefore) {
			q.ShipByBefore = time.Time{}
		}
	}
	if k := q.Seek; k != nil && col == "purchase_date" && past == " < " && !q.PurchasedBefore.IsZero() && k.At.Before(q.PurchasedBefore) {
		q.PurchasedBefore = time.Time{}
	}
	if col == "delivered_at" { // core.DeliveredFirst lists only delivered orders
		b.WriteString(` AND delivered_at IS NOT NULL`)
	}
	if q.AmazonCancel != "" {
		b.WriteString(` AND amazon_cancel_state = ?`)
		args = append(args, string(q.AmazonCancel))
	}
	if q.Fulfillment != "" {
		b.WriteString(` AND fulfillment = ?`)
		args = append(args, string(q.Fulfillment))
	}
	if !q.ShipByBefore.IsZero() {
		b.WriteString(` AND ship_by < ?`)
		args = append(args, db.tv(q.ShipByBefore))
	}
	if !q.ShipByAfter.IsZero() {
		b.WriteString(` AND ship_by >= ?`)
		args = append(args, db.tv(q.ShipByAfter))
	}
	if !q.PurchasedBefore.IsZero() {
		b.WriteString(` AND purchase_date < ?`)
		args = append(args, db.tv(q.PurchasedBefore))
	}
	if !q.DeliveredAfter.IsZero() {
		b.WriteString(` AND delivered_at >= ?`)
		args = append(args, db.tv(q.DeliveredAfter))
	}
	if !q.DeliveredBefore.IsZero() {
		b.WriteString(` AND delivered_at < ?`)
		args = append(args, db.tv(q.DeliveredBefore))
	}
	if !q.PurchasedAfter.IsZero() {
		b.WriteString(` AND purchase_date >= ?`)
		args = append(args, db.tv(q.PurchasedAfter))
	}
	if q.Undelivered {
		b.WriteString(` AND delivered_at IS NULL`)
	}
	if len(q.NoReturnIn) > 0 {
		b.WriteString(` AND NOT EXISTS (SELECT 1 FROM returns r WHERE r.order_id = orders.id AND r.status = ANY(?))`)
		args = append(args, db.list(strs(q.NoReturnIn)))
	}
	if q.ReviewUnrequested {
		b.WriteString(` AND review_state = ''`)
	}
	if q.Seek != nil {
		b.WriteString(` AND (` + col + `, id)` + past + `(?, ?)`)
		args = append(args, db.tv(q.Seek.At), q.Seek.ID)
	}
	return args
}

// children loads the items, shipments, returns and refunds of orders: one
// query per table for the lot.
func (t *Tx) children(ctx context.Context, orders []*core.Order) error {
	if len(orders) == 0 {
		return nil
	}
	var (
		arg  any
		find func(string) *core.Order
		one  = len(orders) == 1
	)
	pick := func(single, many *stmtDef) *stmtDef {
		if one {
			return single
		}
		return many
	}
	if one {
		arg = orders[0].ID
		find = func(string) *core.Order { return orders[0] }
	} else {
		byID := make(map[string]*core.Order, len(orders))
		ids := make([]string, len(orders))
		for i, o := range orders {
			byID[o.ID] = o
			ids[i] = o.ID
		}
		arg = t.db.list(ids)
		find = func(id string) *core.Order { return byID[id] }
	}

	rows, err := t.query(ctx, pick(sqlItems, sqlItemsOf), arg)
	if err != nil {
		return t.fail(err, "read order items")
	}
	err = eachRow(rows, func() error {
		var oid string
		var it core.Item
		if err := rows.Scan(&oid, &it.OrderItemID, &it.SKU, &it.Title, &it.Quantity, &it.Shipped, &it.Price, &it.Tax, &it.Shipping, &it.Discount, &it.Canceled); err != nil {
			return err
		}
		if o := find(oid); o != nil {
			o.Items = append(o.Items, it)
		}
		return nil
	})
	if err != nil {
		return t.fail(err, "read order items")
	}

	rows, err = t.query(ctx, pick(sqlShipments, sqlShipmentsOf), arg)
	if err != nil {
		return t.fail(err, "read shipments")
	}
	err = eachRow(rows, func() error {
		oid, s, err := scanShipment(rows)
		if err != nil {
			return err
		}
		if o := find(oid); o != nil {
			o.Shipments = append(o.Shipments, s)
		}
		return nil
	})
	if err != nil {
		return t.fail(err, "read shipments")
	}

	rows, err = t.query(ctx, pick(sqlReturns, sqlReturnsOf), arg)
	if err != nil {
		return t.fail(err, "read returns")
	}
	err = eachRow(rows, func() error {
		r, err := scanReturn(rows)
		if err != nil {
			return err
		}
		if o := find(r.OrderID); o != nil {
			o.Returns = append(o.Returns, r)
		}
		return nil
	})
	if err != nil {
		return t.fail(err, "read returns")
	}

	rows, err = t.query(ctx, pick(sqlRefunds, sqlRefundsOf), arg)
	if err != nil {
		return t.fail(err, "read refunds")
	}
	err = eachRow(rows, func() error {
		var r core.Refund
		if err := rows.Scan(&r.ID, &r.OrderID, &r.ReturnID, &r.Amount, &r.Reason, timeDest{&r.CreatedAt}, &r.CreatedBy, (*string)(&r.Role)); err != nil {
			return err
		}
		if o := find(r.OrderID); o != nil {
			o.Refunds = append(o.Refunds, r)
		}
		return nil
	})
	if err != nil {
		return t.fail(err, "read refunds")
	}
	return nil
}

func eachRow(rows *sql.Rows, fn func() error) error {
	defer rows.Close()
	for rows.Next() {
		if err := fn(); err != nil {
			return err
		}
	}
	return rows.Err()
}

// scanShipment reads a row of shipmentCols, then any extra columns into extra.
func scanShipment(rows *sql.Rows, extra ...any) (string, core.Shipment, error) {
	var (
		oid   string
		s     core.Shipment
		lines sql.RawBytes
	)
	err := rows.Scan(append([]any{&s.ID, &oid, (*string)(&s.Carrier), &s.CarrierName, &s.Tracking, timeDest{&s.ShipDate}, &s.Method,
		&s.Late, &s.ValidTracking, timeDest{&s.CreatedAt}, &s.CreatedBy, &lines, (*string)(&s.Amazon), &s.AmazonError, timeDest{&s.AmazonAt}}, extra...)...)
	if err != nil {
		return "", s, err
	}
	if err := json.Unmarshal(lines, &s.Lines); err != nil {
		return "", s, fmt.Errorf("shipment %s: lines: %w", s.ID, err)
	}
	if len(s.Lines) == 0 {
		s.Lines = nil
	}
	return oid, s, nil
}

func scanReturn(rows *sql.Rows) (core.Return, error) {
	var (
		r     core.Return
		items sql.RawBytes
	)
	err := rows.Scan(&r.ID, &r.OrderID, (*string)(&r.Status), &items, &r.Reason, &r.RejectReason,
		timeDest{&r.RequestedAt}, nullTimeDest{&r.DecidedAt}, nullTimeDest{&r.ReceivedAt}, nullTimeDest{&r.RefundBy})
	if err != nil {
		return r, err
	}
	if err := json.Unmarshal(items, &r.Items); err != nil {
		return r, fmt.Errorf("return %s: items: %w", r.ID, err)
	}
	if len(r.Items) == 0 {
		r.Items = nil
	}
	return r, nil
}

// maxRemembered bounds the copies an Update keeps for SaveOrders' diff:
// an importer running one huge transaction must not hold every order.
const maxRemembered = 5000

func (t *Tx) remember(o *core.Order) {
	if !t.write {
		return
	}
	if t.loaded == nil {
		t.loaded = make(map[string]*core.Order)
	}
	if len(t.loaded) >= maxRemembered {
		if _, ok := t.loaded[o.ID]; !ok {
			return
		}
	}
	t.loaded[o.ID] = o.Clone()
}

// SaveOrders inserts orders with Version 0 and updates the others if their
// Version is still the stored one; see core.Tx.
func (t *Tx) SaveOrders(ctx context.Context, orders []*core.Order) error {
	if err := t.writable("SaveOrders"); err != nil {
		return err
	}
	if len(orders) == 0 {
		return nil
	}
	if err := checkOrders(orders); err != nil {
		return err
	}
	db := t.db
	before, err := t.healthBefore(ctx, orders)
	if err != nil {
		return err
	}

	// Orders first: once this transaction has written (so locked) an order's
	// row, nobody else can be writing its children.
	var ins, upd []any
	var updated []*core.Order
	for _, o := range orders {
		if o.Version == 0 {
			ins = db.orderArgs(ins, o, 1)
		} else {
			updated = append(updated, o)
		}
	}
	saved := make(map[string]bool, len(orders))
	got := func(id string) { saved[id] = true }
	if len(ins) > 0 {
		if err := t.writeRows(ctx, insertOrders, ins, got); err != nil {
			return t.fail(err, "save orders")
		}
	}
	if len(updated) == 1 || (len(updated) > 0 && db.dialect == sqliteDialect) {
		st := t.stmt(ctx, sqlUpdateOrder)
		for _, o := range updated {
			a := db.orderArgs(upd[:0], o, o.Version) // id, the SET values, version
			n := len(orderTypes) - 1                 // the SET values end before the version
			upd = append(a[1:n:n], o.ID, o.Version)
			if err := run(ctx, st, upd, got); err != nil {
				return t.fail(err, "save orders")
			}
		}
	} else if len(updated) > 1 {
		for start := 0; start < len(updated); start += maxArrayRows {
			upd = upd[:0]
			for _, o := range updated[start:min(start+maxArrayRows, len(updated))] {
				upd = db.orderArgs(upd, o, o.Version)
			}
			arrays, err := pgArrays(upd, len(orderTypes))
			if err == nil {
				err = run(ctx, t.stmt(ctx, sqlUpdateOrders), arrays, got)
			}
			if err != nil {
				return t.fail(err, "save orders")
			}
		}
	}
	if err := t.lostRace(orders, saved); err != nil {
		return err
	}
	t.countHealth(before, orders)

	// Children: only rows that differ from what this transaction read. A
	// new order's children are new rows ([0]), the others upserts ([1]).
	var items, ships, rets, refs [2][]any
	for _, o := range orders {
		prev := t.loaded[o.ID]
		if prev != nil && prev.Version != o.Version {
			prev = nil
		}
		k := 0
		if o.Version != 0 {
			k = 1
		}
		for i, it := range o.Items {
			if prev != nil && i < len(prev.Items) && prev.Items[i] == it {
				continue
			}
			items[k] = append(items[k], o.ID, it.OrderItemID, int64(i), it.SKU, it.Title, int64(it.Quantity), int64(it.Shipped),
				it.Price, it.Tax, it.Shipping, it.Discount, int64(it.Canceled))
		}
		for i := range o.Shipments {
			s := &o.Shipments[i]
			if prev != nil && slices.ContainsFunc(prev.Shipments, func(p core.Shipment) bool { return sameShipment(&p, s) }) {
				continue
			}
			lines, _ := json.Marshal(nonNil(s.Lines)) // plain structs always marshal
			ships[k] = append(ships[k], s.ID, o.ID, string(s.Carrier), s.CarrierName, s.Tracking, db.tv(s.ShipDate), s.Method,
				s.Late, s.ValidTracking, db.tv(s.CreatedAt), s.CreatedBy, string(lines), string(s.Amazon), s.AmazonError, db.zv(s.AmazonAt))
		}
		for i := range o.Returns {
			r := &o.Returns[i]
			if prev != nil && slices.ContainsFunc(prev.Returns, func(p core.Return) bool { return sameReturn(&p, r) }) {
				continue
			}
			ri, _ := json.Marshal(nonNil(r.Items))
			rets[k] = append(rets[k], r.ID, o.ID, string(r.Status), string(ri), r.Reason, r.RejectReason,
				db.tv(r.RequestedAt), db.ntv(r.DecidedAt), db.ntv(r.ReceivedAt), db.ntv(r.RefundBy))
		}
		for i := range o.Refunds {
			r := &o.Refunds[i]
			if prev != nil && slices.ContainsFunc(prev.Refunds, func(p core.Refund) bool { return sameRefund(&p, r) }) {
				continue
			}
			refs[k] = append(refs[k], r.ID, o.ID, r.ReturnID, r.Amount, r.Reason, db.tv(r.CreatedAt), r.CreatedBy, string(r.Role))
		}
	}
	for _, w := range []struct {
		b    *bulk
		args [2][]any
		what string
	}{{saveItems, items, "save order items"}, {saveShipments, ships, "save shipments"},
		{saveReturns, rets, "save returns"}, {saveRefunds, refs, "save refunds"}} {
		if err := t.writeRows(ctx, w.b.plain, w.args[0], nil); err != nil {
			return t.fail(err, w.what)
		}
		if err := t.writeRows(ctx, w.b, w.args[1], nil); err != nil {
			return t.fail(err, w.what)
		}
	}

	for _, o := range orders {
		o.Version++
		if _, ok := t.loaded[o.ID]; ok {
			c := o.Clone()
			c.Shipments = storedShipments(before[o.ID], c) // as stored, for the next save's health change
			t.loaded[o.ID] = c
		}
	}
	return nil
}

// lostRace reports the orders whose insert or update did not happen.
func (t *Tx) lostRace(orders []*core.Order, saved map[string]bool) error {
	var lost []*core.Order
	for _, o := range orders {
		if !saved[o.ID] {
			lost = append(lost, o)
		}
	}
	if len(lost) == 0 {
		return nil
	}
	more := ""
	if len(lost) > 1 {
		more = fmt.Sprintf(" (and %d more)", len(lost)-1)
	}
	var err error
	if o := lost[0]; o.Version == 0 {
		err = core.Errorf(core.Conflict, "Order %s%s was added by someone else at the same moment — look at it again and retry", o.ID, more)
	} else {
		err = core.Errorf(core.Conflict, "Order %s%s was changed by someone else at the same moment — look at it again and retry", o.ID, more)
	}
	// Other orders of the batch may be written already: never commit half.
	t.failed = err
	return err
}

// checkOrders refuses what the database would refuse less clearly, or
// (PostgreSQL, one id twice in one statement) not at all on SQLite.
func checkOrders(orders []*core.Order) error {
	seen := make(map[string]bool, len(orders))
	child := make(map[string]bool)
	for _, o := range orders {
		if o == nil {
			return core.WrapInternal(fmt.Errorf("sqlstore: nil order"), "save orders")
		}
		if o.ID == "" {
			return core.FieldErrorf(core.Invalid, "order_id", "An order without an order id cannot be saved")
		}
		if seen[o.ID] {
			return core.Errorf(core.Invalid, "Order %s is in one save twice", o.ID)
		}
		seen[o.ID] = true
		if o.Version < 0 {
			return core.Errorf(core.Invalid, "Order %s has a negative version", o.ID)
		}
		lines := make(map[string]bool, len(o.Items))
		for _, it := range o.Items {
			if it.OrderItemID == "" {
				return core.Errorf(core.Invalid, "Order %s has an item (%s) without an order-item-id", o.ID, it.SKU)
			}
			if lines[it.OrderItemID] {
				return core.Errorf(core.Invalid, "Order %s lists order-item-id %s twice", o.ID, it.OrderItemID)
			}
			lines[it.OrderItemID] = true
		}
		ids := func(kind, id, orderID string) error {
			switch {
			case id == "":
				return core.Errorf(core.Invalid, "Order %s has a %s without an id", o.ID, kind)
			case orderID != "" && orderID != o.ID:
				return core.Errorf(core.Invalid, "%s %s belongs to order %s, not %s", kind, id, orderID, o.ID)
			case child[kind+"\x00"+id]:
				return core.Errorf(core.Invalid, "%s %s is in one save twice", kind, id)
			}
			child[kind+"\x00"+id] = true
			return nil
		}
		for _, s := range o.Shipments {
			if err := ids("Shipment", s.ID, ""); err != nil {
				return err
			}
		}
		for _, r := range o.Returns {
			if err := ids("Return", r.ID, r.OrderID); err != nil {
				return err
			}
		}
		for _, r := range o.Refunds {
			if err := ids("Refund", r.ID, r.OrderID); err != nil {
				return err
			}
		}
	}
	return nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func cloneTime(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	c := *t
	return &c
}

func sameTime(a, b *time.Time) bool {
	return a == nil && b == nil || a != nil && b != nil && a.Equal(*b)
}

func sameShipment(a, b *core.Shipment) bool {
	return a.ID == b.ID && a.Carrier == b.Carrier && a.CarrierName == b.CarrierName && a.Tracking == b.Tracking &&
		a.ShipDate.Equal(b.ShipDate) && a.Method == b.Method && slices.Equal(a.Lines, b.Lines) && a.Late == b.Late &&
		a.ValidTracking == b.ValidTracking && a.CreatedAt.Equal(b.CreatedAt) && a.CreatedBy == b.CreatedBy &&
		a.Amazon == b.Amazon && a.AmazonError == b.AmazonError && a.AmazonAt.Equal(b.AmazonAt)
}

// sameReturn and sameRefund leave out OrderID: checkOrders made sure it is
// the order's (or empty, which means the same).
func sameReturn(a, b *core.Return) bool {
	return a.ID == b.ID && a.Status == b.Status && slices.Equal(a.Items, b.Items) &&
		a.Reason == b.Reason && a.RejectReason == b.RejectReason && a.RequestedAt.Equal(b.RequestedAt) &&
		sameTime(a.DecidedAt, b.DecidedAt) && sameTime(a.ReceivedAt, b.ReceivedAt) && sameTime(a.RefundBy, b.RefundBy)
}

func sameRefund(a, b *core.Refund) bool {
	return a.ID == b.ID && a.ReturnID == b.ReturnID && a.Amount == b.Amount &&
		a.Reason == b.Reason && a.CreatedAt.Equal(b.CreatedAt) && a.CreatedBy == b.CreatedBy && a.Role == b.Role
}
