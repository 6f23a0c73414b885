package sqlstore_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/adapters/sqlstore"
	"github.com/sellerdesk/sellerdesk/adapters/sqlstore/storetest"
	"github.com/sellerdesk/sellerdesk/core"
)

const day = 24 * time.Hour

// bigTables are the tables that grow with the shop: no desk query may read
// one of them whole.
var bigTables = map[string]bool{"orders": true, "conversations": true, "messages": true, "order_items": true,
	"shipments": true, "returns": true, "refunds": true, "audit": true}

// TestEveryQueryUsesAnIndex runs EXPLAIN, on PostgreSQL, for every
// statement the store prepares (as a generic plan, which holds whatever
// the parameters) and for the desk's lists as it builds them (orders by
// each filter, first page and page 50; the sweep's steps; the inbox by
// each filter), on a
// schema seeded with 24,000 orders and conversations and analysed, and
// fails on a sequential scan of a table that grows with the shop.
func TestEveryQueryUsesAnIndex(t *testing.T) {
	ctx := context.Background()
	u := storetest.PostgresURL(t)
	store, err := sqlstore.Open(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	raw, err := sql.Open("postgres", u)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	raw.SetMaxOpenConns(1) // one session: PREPARE and SET stay on it
	seedForExplain(t, ctx, store, raw)

	type query struct {
		name, text string
		args       []any
	}
	var qs []query
	now := time.Now()
	// Statements over a time window: a generic plan guesses a third of the
	// table for "at >= $1", so they are explained at the windows the desk
	// uses (account health: the part of the first hour of the last 30 days
	// that the window covers).
	start := now.Add(-30 * day)
	end := start.Truncate(time.Hour).Add(time.Hour)
	windows := map[string][]any{
		"SELECT cancel_reason, COUNT(*) FROM orders":               {start, end},
		"COUNT(*), COUNT(CASE WHEN s.valid_tracking":               {start, end},
		"COUNT(DISTINCT CASE WHEN NOT EXISTS (SELECT 1 FROM shipm": {end, end, start, end},
	}
	for i, text := range store.PreparedSQL() {
		verb := strings.ToUpper(strings.Fields(text)[0])
		if verb == "INSERT" || verb == "LOCK" {
			continue // a single-row insert reads nothing
		}
		q := query{name: fmt.Sprintf("prepared #%d", i), text: text}
		for k, args := range windows {
			if strings.Contains(text, k) {
				q.args = args
			}
		}
		qs = append(qs, q)
	}
	e := core.NewEngine(store, core.Options{})
	for _, f := range []core.ListFilter{core.ListAll, core.ListPending, core.ListUnshipped, core.ListLate, core.ListDue, core.ListShipped, core.ListCanceled} {
		for _, page := range []int{1, 50} {
			q := e.OrderQueryFor(f, now)
			q.Limit, q.Offset = 21, (page-1)*20
			text, args, err := store.OrdersSQL(q)
			if err != nil {
				t.Fatal(err)
			}
			qs = append(qs, query{name: fmt.Sprintf("orders %q page %d", f, page), text: text, args: args})
		}
	}
	for i, q := range e.SweepQueries(now) {
		text, args, err := store.OrdersSQL(q)
		if err != nil {
			t.Fatal(err)
		}
		qs = append(qs, query{name: fmt.Sprintf("sweep step %d", i+1), text: text, args: args})
	}
	for _, f := range []core.ConversationFilter{core.InboxWaiting, core.InboxOverdue, core.InboxDue} {
		text, args := store.ConversationsSQL(e.InboxQuery(f, now))
		qs = append(qs, query{name: fmt.Sprintf("inbox %q", f), text: text, args: args})
	}

	param := regexp.MustCompile(`\$(\d+)`)
	for _, q := range qs {
		var plan string
		if q.args == nil {
			// A generic plan: the one a prepared statement ends up with,
			// whatever its parameters.
			n := 0
			for _, m := range param.FindAllStringSubmatch(q.text, -1) {
				var k int
				fmt.Sscan(m[1], &k)
				n = max(n, k)
			}
			if _, err := raw.ExecContext(ctx, "SET plan_cache_mode = force_generic_plan"); err != nil {
				t.Fatal(err)
			}
			if _, err := raw.ExecContext(ctx, "PREPARE q AS "+q.text); err != nil {
				t.Fatalf("%s: prepare: %v\n%s", q.name, err, q.text)
			}
			nulls := strings.TrimSuffix(strings.Repeat("NULL, ", n), ", ")
			exec := "EXPLAIN (FORMAT JSON) EXECUTE q"
			if n > 0 {
				exec += "(" + nulls + ")"
			}
			err := raw.QueryRowContext(ctx, exec).Scan(&plan)
			if _, derr := raw.ExecContext(ctx, "DEALLOCATE q"); derr != nil {
				t.Fatal(derr)
			}
			if err != nil {
				t.Fatalf("%s: explain: %v\n%s", q.name, err, q.text)
			}
		} else {
			if _, err := raw.ExecContext(ctx, "SET plan_cache_mode = auto"); err != nil {
				t.Fatal(err)
			}
			if err := raw.QueryRowContext(ctx, "EXPLAIN (FORMAT JSON) "+q.text, q.args...).Scan(&plan); err != nil {
				t.Fatalf("%s: explain: %v\n%s", q.name, err, q.text)
			}
		}
		if gap := knownGap(q.text); gap != "" {
			if len(seqScans(t, plan)) == 0 {
				t.Errorf("%s no longer scans a whole table: take it off knownGaps (%s)", q.name, gap)
			}
			continue
		}
		if seq := seqScans(t, plan); len(seq) > 0 {
			t.Errorf("%s reads %s whole (Seq Scan):\n%s", q.name, strings.Join(seq, ", "), q.text)
			t.Logf("its plan: %s", plan)
		}
	}
}

// knownGaps are statements still reading a whole table, each with why.
// The test fails once one is fixed, so the list only shrinks.
var knownGaps = map[string]string{}

func knownGap(text string) string {
	for k, why := range knownGaps {
		if strings.Contains(text, k) {
			return why
		}
	}
	return ""
}

// seqScans lists the big tables a JSON plan scans sequentially.
func seqScans(t *testing.T, plan string) []string {
	var doc []struct{ Plan map[string]any }
	if err := json.Unmarshal([]byte(plan), &doc); err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(n map[string]any)
	walk = func(n map[string]any) {
		if n["Node Type"] == "Seq Scan" {
			if rel, _ := n["Relation Name"].(string); bigTables[rel] {
				out = append(out, rel)
			}
		}
		kids, _ := n["Plans"].([]any)
		for _, k := range kids {
			if m, ok := k.(map[string]any); ok {
				walk(m)
			}
		}
	}
	for _, d := range doc {
		walk(d.Plan)
	}
	return out
}

// seedForExplain saves 300 varied orders and conversations through the
// store, copies each 80 times in SQL (new ids, same shape) and analyses
// the tables, so the planner sees a shop of 24,000 orders.
func seedForExplain(t *testing.T, ctx context.Context, store *sqlstore.DB, raw *sql.DB) {
	t.Helper()
	statuses := []core.Status{core.Pending, core.Unshipped, core.PartiallyShipped, core.Shipped, core.Shipped, core.Shipped, core.Canceled}
	base := time.Now().Add(-400 * 24 * time.Hour).Truncate(time.Second)
	var orders []*core.Order
	for i := range 300 {
		at := base.Add(time.Duration(i) * 32 * time.Hour)
		o := &core.Order{ID: fmt.Sprintf("111-%07d-0000001", i), Status: statuses[i%len(statuses)], Fulfillment: core.Merchant,
			SalesChannel: "Amazon.com", PurchaseDate: at, ShipBy: at.Add(48 * time.Hour), Currency: "USD",
			Buyer: core.Buyer{Name: "Jane Buyer"}, ReportUpdated: at, CreatedAt: at, UpdatedAt: at,
			Items: []core.Item{{OrderItemID: fmt.Sprintf("%d-1", i), SKU: "MUG", Quantity: 1, Price: 1000}}}
		if i%5 == 0 { // every fifth shipped order comes back, refunded
			o.Status = core.Shipped
			rat := at.Add(200 * time.Hour)
			o.Returns = []core.Return{{ID: fmt.Sprintf("R-%d", i), Status: core.ReturnRequested, Reason: "chipped", RequestedAt: rat,
				Items: []core.ItemQty{{SKU: "MUG", Quantity: 1}}}}
			o.Refunds = []core.Refund{{ID: fmt.Sprintf("F-%d", i), Amount: 500, Reason: "chipped", CreatedAt: rat, CreatedBy: "owner", Role: core.Owner}}
		}
		if o.Status == core.Shipped {
			o.Items[0].Shipped = 1
			o.Shipments = []core.Shipment{{ID: fmt.Sprintf("S-%d", i), Carrier: core.UPS, Tracking: "1Z999AA10123456784", ShipDate: at.Add(24 * time.Hour),
				CreatedAt: at.Add(24 * time.Hour), Lines: []core.ShipmentLine{{OrderItemID: o.Items[0].OrderItemID, SKU: "MUG", Quantity: 1}}}}
			d := at.Add(96 * time.Hour)
			o.DeliveredAt = &d
		}
		orders = append(orders, o)
	}
	err := store.Update(ctx, func(tx core.Tx) error {
		if err := tx.SaveOrders(ctx, orders); err != nil {
			return err
		}
		for i := range 300 {
			opened := base.Add(time.Duration(i) * 32 * time.Hour)
			c := &core.Conversation{ID: fmt.Sprintf("C-%d", i), Channel: "web", BuyerKey: fmt.Sprintf("buyer-%d", i), OrderID: orders[i].ID,
				CreatedAt: opened, UpdatedAt: opened, Messages: []core.Message{{From: core.FromBuyer, Text: "Where is my order?", At: opened}}}
			if i%10 == 0 {
				d := opened.Add(core.ResponseWindow)
				c.Deadline = &d
			}
			if err := tx.SaveConversation(ctx, c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("seed: %v", err)
	}
	// Copies with new ids: jsonb_populate_record keeps every other column
	// as it is, whatever columns later migrations add.
	copies := []string{
		`INSERT INTO orders SELECT (jsonb_populate_record(o, jsonb_build_object('id', o.id || '-' || g))).* FROM orders o, generate_series(1, 80) g`,
		`INSERT INTO order_items SELECT (jsonb_populate_record(x, jsonb_build_object('order_id', x.order_id || '-' || g))).* FROM order_items x, generate_series(1, 80) g`,
		`INSERT INTO shipments SELECT (jsonb_populate_record(x, jsonb_build_object('id', x.id || '-' || g, 'order_id', x.order_id || '-' || g))).* FROM shipments x, generate_series(1, 80) g`,
		`INSERT INTO conversations SELECT (jsonb_populate_record(x, jsonb_build_object('id', x.id || '-' || g, 'buyer_key', x.buyer_key || '-' || g, 'order_id', x.order_id || '-' || g))).* FROM conversations x, generate_series(1, 80) g`,
		`INSERT INTO messages OVERRIDING SYSTEM VALUE SELECT (jsonb_populate_record(x, jsonb_build_object('id', nextval(pg_get_serial_sequence('messages', 'id')), 'conversation_id', x.conversation_id || '-' || g))).* FROM messages x, generate_series(1, 80) g`,
		`INSERT INTO returns SELECT (jsonb_populate_record(x, jsonb_build_object('id', x.id || '-' || g, 'order_id', x.order_id || '-' || g))).* FROM returns x, generate_series(1, 80) g`,
		`INSERT INTO refunds SELECT (jsonb_populate_record(x, jsonb_build_object('id', x.id || '-' || g, 'order_id', x.order_id || '-' || g, 'return_id', x.return_id || '-' || g))).* FROM refunds x, generate_series(1, 80) g`,
		`INSERT INTO audit (at, actor_id, actor, role, source, command, order_id)
			SELECT o.created_at, 'slack:U1', 'Ann', 'owner', 'slack', 'ship ' || o.id, o.id FROM orders o`,
		`ANALYZE`,
	}
	for _, q := range copies {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatalf("seed: %v\n%s", err, q)
		}
	}
}
