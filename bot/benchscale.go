package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/lib/pq"

	"github.com/sellerdesk/sellerdesk/adapters/sqlstore"
	"github.com/sellerdesk/sellerdesk/core"
)

// bot bench --scale N: how the desk's reads hold up as the shop grows. It
// loads N orders straight into the tables (COPY on PostgreSQL, batched
// inserts in large transactions on SQLite) with two years of history —
// statuses by age, shipments, returns, buyer conversations — fills account
// health's counters from them (per hour, and the response rate's per
// quarter hour: sqlstore's RebuildHealth), then times the desk's reads
// through the engine, and the 30-day sweep.

// scaleResult is --scale's --json output.
type scaleResult struct {
	Store         string       `json:"store"`
	Orders        int          `json:"orders"`
	Conversations int          `json:"conversations"`
	LoadSeconds   float64      `json:"load_s"`
	Reused        string       `json:"reused,omitempty"` // the kept schema measured (--reuse): nothing loaded
	StoreMB       float64      `json:"store_mb"`
	Reads         []scaleRead  `json:"reads"`
	Sweeps        []scaleSweep `json:"sweeps"`
}

type scaleRead struct {
	Command string  `json:"command"`
	N       int     `json:"n"`
	P50     float64 `json:"p50_ms"`
	P99     float64 `json:"p99_ms"`
	// Page is the page a "page 50" read reached by following Next: less
	// than 50 when the list ends sooner (its last page is timed then).
	Page int `json:"page,omitempty"`
}

type scaleSweep struct {
	Run     int     `json:"run"`
	Ms      float64 `json:"ms"`
	Changed int     `json:"changed"`
}

// scaleSpan is how far back the loaded orders go.
const scaleSpan = 730 * 24 * time.Hour

func benchScale(ctx context.Context, o benchOptions, n int, stderr io.Writer) (*scaleResult, error) {
	res := &scaleResult{Orders: n}
	var storeURL, rawDSN, driver, file string
	if o.database != "" {
		u, drop, err := scaleSchema(ctx, o, n, stderr)
		if err != nil {
			return nil, err
		}
		defer drop()
		storeURL, rawDSN, driver, res.Store = u, u, "postgres", "postgres"
	} else {
		dir, err := os.MkdirTemp("", "sellerdesk-scale-")
		if err != nil {
			return nil, fmt.Errorf("make a temporary folder: %w", err)
		}
		defer os.RemoveAll(dir)
		file = filepath.Join(dir, "scale.db")
		storeURL, driver, res.Store = "sqlite:"+file, "sqlite", "sqlite"
		rawDSN = file + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(OFF)"
	}
	store, err := sqlstore.Open(ctx, storeURL) // creates the schema
	if err != nil {
		return nil, err
	}
	defer store.Close()
	raw, err := sql.Open(driver, rawDSN)
	if err != nil {
		return nil, fmt.Errorf("open the raw connection: %w", err)
	}
	defer raw.Close()
	raw.SetMaxOpenConns(1)

	now := time.Now().Truncate(time.Second)
	var ids []string
	if o.reuse != "" {
		res.Reused = o.reuse
		if ids, res.Conversations, err = scaleSample(ctx, raw, n); err != nil {
			return nil, err
		}
	} else {
		start := time.Now()
		fmt.Fprintf(stderr, "bot bench: loading %d orders…\n", n)
		ids, res.Conversations, err = scaleLoad(ctx, raw, driver == "postgres", n, now)
		if err != nil {
			return nil, fmt.Errorf("load: %w", err)
		}
		// The rows went in around the store: count them into account health's
		// counters (per hour and per minute, and per quarter hour for the
		// response rate) as
		// the migrations that added them did.
		if err := store.RebuildHealth(ctx); err != nil {
			return nil, fmt.Errorf("count account health: %s", core.ErrorMessage(err))
		}
		if _, err := raw.ExecContext(ctx, "ANALYZE"); err != nil {
			return nil, fmt.Errorf("analyze: %w", err)
		}
		res.LoadSeconds = time.Since(start).Seconds()
	}
	if err := checkHealth(ctx, store, now); err != nil {
		return nil, err
	}

	if driver == "postgres" {
		var b int64
		err = raw.QueryRowContext(ctx, `SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0)::bigint FROM pg_class c
			JOIN pg_namespace s ON s.oid = c.relnamespace WHERE s.nspname = current_schema() AND c.relkind = 'r'`).Scan(&b)
		res.StoreMB = float64(b) / (1 << 20)
	} else {
		for _, f := range []string{file, file + "-wal"} {
			if st, err := os.Stat(f); err == nil {
				res.StoreMB += float64(st.Size()) / (1 << 20)
			}
		}
	}
	if err != nil {
		return nil, fmt.Errorf("store size: %w", err)
	}

	e := core.NewEngine(store, core.Options{})
	r := mrand.New(mrand.NewPCG(1, 2))
	actor := core.Actor{ID: "bench:owner", Name: "bench", Role: core.Owner, Source: "bench"}
	// Page 50 is reached as a person reaches it, by Next from page 1;
	// only the read of that page, its cursor in hand, is timed.
	dueDeep, duePage, err := followNext(ctx, e, actor, core.ListOrders{Filter: core.ListDue}, 50)
	if err != nil {
		return nil, err
	}
	lateDeep, latePage, err := followNext(ctx, e, actor, core.ListOrders{Filter: core.ListLate}, 50)
	if err != nil {
		return nil, err
	}
	reads := []struct {
		text func() string
		name string
		reps int
		page int
	}{
		{func() string { return "order " + ids[r.IntN(len(ids))] }, "order <id>", 500, 0},
		{func() string { return "orders due" }, "orders due", 30, 0},
		{func() string { return dueDeep }, "orders due page 50", 30, duePage},
		{func() string { return "orders late" }, "orders late", 30, 0},
		{func() string { return lateDeep }, "orders late page 50", 30, latePage},
		{func() string { return "inbox overdue" }, "inbox overdue", 30, 0},
		{func() string { return "health" }, "health", 10, 0},
	}
	for _, rd := range reads {
		var lat []time.Duration
		for range rd.reps {
			cmd, err := core.Parse(rd.text())
			if err != nil {
				return nil, fmt.Errorf("%s: %w", rd.name, err)
			}
			t := time.Now()
			if _, err := e.Do(ctx, core.Request{Actor: actor, Command: cmd}); err != nil {
				return nil, fmt.Errorf("%s: %s", rd.name, core.ErrorMessage(err))
			}
			lat = append(lat, time.Since(t))
		}
		res.Reads = append(res.Reads, scaleRead{Command: rd.name, N: len(lat), P50: pct(lat, 50), P99: pct(lat, 99), Page: rd.page})
	}
	for run := 1; run <= 2; run++ {
		t := time.Now()
		sr, err := e.Sweep(ctx)
		if err != nil {
			return nil, fmt.Errorf("sweep: %s", core.ErrorMessage(err))
		}
		res.Sweeps = append(res.Sweeps, scaleSweep{Run: run, Ms: float64(time.Since(t).Microseconds()) / 1000, Changed: sr.Changed()})
	}
	return res, nil
}

// scaleSchema is the PostgreSQL schema a scale run works in, and what to
// do with it after: a new one, dropped (or kept, --keep); or with --reuse a
// kept one, left as it is.
func scaleSchema(ctx context.Context, o benchOptions, n int, stderr io.Writer) (string, func(), error) {
	if o.reuse != "" {
		u, admin, err := schemaURL(o.database, o.reuse)
		if err != nil {
			return "", nil, err
		}
		defer admin.Close()
		var exists bool
		if err := admin.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)`, o.reuse).Scan(&exists); err != nil {
			return "", nil, fmt.Errorf("--reuse: %s", sqlstore.Redact(err.Error()))
		}
		if !exists {
			return "", nil, core.Errorf(core.NotFound, "--reuse: there is no schema %s in that database; load one with --scale %d --keep", o.reuse, n)
		}
		return u, func() {}, nil
	}
	u, schema, drop, err := benchSchema(ctx, o.database)
	if err != nil || !o.keep {
		return u, drop, err
	}
	return u, func() {
		fmt.Fprintf(stderr, "bot bench: kept schema %s; measure it again with --scale %d --reuse %s, drop it with DROP SCHEMA %s CASCADE\n", schema, n, schema, schema)
	}, nil
}

// scaleSample checks that a reused schema holds the n orders it is said
// to, and picks order ids to look up from them.
func scaleSample(ctx context.Context, db *sql.DB, n int) (ids []string, convs int, err error) {
	var have int
	if err := db.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM orders), (SELECT COUNT(*) FROM conversations)`).Scan(&have, &convs); err != nil {
		return nil, 0, fmt.Errorf("--reuse: count the orders: %w", err)
	}
	if have != n {
		return nil, 0, core.Errorf(core.Invalid, "--reuse: the schema holds %d orders, not the %d --scale says; give --scale %d", have, n, have)
	}
	rows, err := db.QueryContext(ctx, `SELECT id FROM orders WHERE random() < $1 LIMIT 5000`, min(1, 6000/float64(n)))
	if err != nil {
		return nil, 0, fmt.Errorf("--reuse: pick orders: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, 0, err
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	if len(ids) == 0 {
		return nil, 0, core.Errorf(core.Invalid, "--reuse: the schema has no orders to look up")
	}
	return ids, convs, nil
}

// followNext runs list and follows its Next cursor up to page n, and
// returns the command of the page it reached (n, or the list's last) and
// that page's number.
func followNext(ctx context.Context, e *core.Engine, actor core.Actor, list core.ListOrders, n int) (string, int, error) {
	page := 1
	for ; page < n; page++ {
		res, err := e.Do(ctx, core.Request{Actor: actor, Command: list})
		if err != nil {
			return "", 0, fmt.Errorf("%s: %s", list, core.ErrorMessage(err))
		}
		next, ok := list.NextPage(res.Page)
		if !ok {
			break
		}
		list = next
	}
	return list.String(), page, nil
}

// checkHealth compares account health from the counters with a count of
// the loaded rows, over windows starting mid-day.
func checkHealth(ctx context.Context, store *sqlstore.DB, now time.Time) error {
	w := core.HealthWindows{LateSince: now.AddDate(0, 0, -10), CancelSince: now.AddDate(0, 0, -30), TrackingSince: now.AddDate(0, 0, -30)}
	var got core.HealthCounts
	err := store.View(ctx, func(tx core.Tx) error {
		var err error
		got, err = tx.HealthCounts(ctx, w)
		return err
	})
	if err != nil {
		return fmt.Errorf("health: %s", core.ErrorMessage(err))
	}
	want, err := store.RecountHealth(ctx, w)
	if err != nil {
		return fmt.Errorf("recount health: %s", core.ErrorMessage(err))
	}
	if !reflect.DeepEqual(got, want) {
		return fmt.Errorf("account health from the counters %+v differs from a count of the rows %+v", got, want)
	}
	since := now.AddDate(0, 0, -30)
	var rate core.ResponseCounts
	var late []core.LateCount
	err = store.View(ctx, func(tx core.Tx) error {
		var err error
		if rate, err = tx.ResponseCounts(ctx, since, now); err != nil {
			return err
		}
		late, err = tx.LateResponses(ctx, since, now)
		return err
	})
	if err != nil {
		return fmt.Errorf("response rate: %s", core.ErrorMessage(err))
	}
	wantRate, wantLate, err := store.RecountResponses(ctx, since, now)
	if err != nil {
		return fmt.Errorf("recount the response rate: %s", core.ErrorMessage(err))
	}
	p := core.DefaultPolicy()
	if rate != wantRate || !reflect.DeepEqual(p.BreachHours(late), p.BreachHours(wantLate)) {
		return fmt.Errorf("the response rate from the counters %+v (misses at %v) differs from a count of the messages %+v (%v)",
			rate, p.BreachHours(late), wantRate, p.BreachHours(wantLate))
	}
	return nil
}

// scaleRows is what the loader writes, one table at a time.
type scaleRows struct {
	table string
	cols  []string
	rows  [][]any
}

// scaleLoad writes n orders with their children and conversations, and
// returns the order ids and the number of conversations.
func scaleLoad(ctx context.Context, db *sql.DB, pg bool, n int, now time.Time) ([]string, int, error) {
	tv := func(t time.Time) any {
		if pg {
			return t.UTC()
		}
		return t.UnixMicro()
	}
	ntv := func(t time.Time, ok bool) any {
		if !ok {
			return nil
		}
		return tv(t)
	}
	r := mrand.New(mrand.NewPCG(7, uint64(n)))
	ids := make([]string, 0, n)
	convs := 0
	const batch = 20000
	for lo := 0; lo < n; lo += batch {
		orders := scaleRows{table: "orders", cols: []string{"id", "status", "fulfillment", "sales_channel", "purchase_date", "payments_date", "ship_by",
			"ship_service_level", "currency", "buyer_name", "buyer_email", "ship_city", "ship_country", "cancel_reason", "canceled_at", "delivered_at",
			"report_updated", "created_at", "updated_at", "version"}}
		items := scaleRows{table: "order_items", cols: []string{"order_id", "order_item_id", "line_no", "sku", "title", "quantity", "shipped", "price", "tax", "shipping", "discount", "canceled"}}
		ships := scaleRows{table: "shipments", cols: []string{"id", "order_id", "carrier", "carrier_name", "tracking", "ship_date", "method", "late", "valid_tracking", "created_at", "created_by", "lines"}}
		rets := scaleRows{table: "returns", cols: []string{"id", "order_id", "status", "items", "reason", "reject_reason", "requested_at"}}
		cv := scaleRows{table: "conversations", cols: []string{"id", "channel", "buyer_key", "buyer_name", "order_id", "deadline", "created_at", "updated_at", "version"}}
		msgs := scaleRows{table: "messages", cols: []string{"conversation_id", "sender", "text", "at", "answered_at"}}
		for i := lo; i < min(lo+batch, n); i++ {
			id := fmt.Sprintf("%03d-%07d-%07d", 200+i%700, i/700, r.IntN(9999999))
			ids = append(ids, id)
			// Newest first, evenly over two years, with a little jitter.
			age := time.Duration(float64(scaleSpan) * (float64(i) + r.Float64()) / float64(n))
			bought := now.Add(-age).Truncate(time.Second)
			shipBy := bought.Add(48 * time.Hour)
			days := age.Hours() / 24
			roll := r.Float64()
			var st core.Status
			switch {
			case days < 3 && roll < 0.05:
				st = core.Pending
			case days < 3 && roll < 0.6 || days >= 3 && days < 10 && roll < 0.01: // a few left late
				st = core.Unshipped
			case roll > 0.97:
				st = core.Canceled
			case days < 8:
				st = core.Shipped
			case days < 40:
				st = core.Delivered
			default:
				st = core.Completed
			}
			reason, canceled := "", time.Time{}
			if st == core.Canceled {
				reason, canceled = string(core.NoInventory), bought.Add(6*time.Hour)
			}
			shipped := st == core.Shipped || st == core.Delivered || st == core.Completed
			delivered := bought.Add(5 * 24 * time.Hour)
			orders.rows = append(orders.rows, []any{id, string(st), string(core.Merchant), "Amazon.com", tv(bought), ntv(bought.Add(time.Minute), st != core.Pending), tv(shipBy),
				"Standard", "USD", "Jane Buyer", "buyer" + strconv.Itoa(i) + "@marketplace.example", "Springfield", "US", reason, ntv(canceled, st == core.Canceled),
				ntv(delivered, st == core.Delivered || st == core.Completed), tv(bought), tv(bought), tv(bought), int64(1)})
			lines := 1 + r.IntN(2)
			var shippedLines []string
			for l := range lines {
				qty, done := int64(1+r.IntN(2)), int64(0)
				if shipped {
					done = qty
					shippedLines = append(shippedLines, fmt.Sprintf(`{"order_item_id":"%s-%d","sku":"MUG-%d","quantity":%d}`, id, l, l, qty))
				}
				items.rows = append(items.rows, []any{id, id + "-" + strconv.Itoa(l), int64(l), "MUG-" + strconv.Itoa(l), "Mug", qty, done, 1299 * qty, 104 * qty, int64(499), int64(0), int64(0)})
			}
			if shipped {
				day := bought.Add(24 * time.Hour)
				ships.rows = append(ships.rows, []any{"S-" + id, id, string(core.UPS), "", "1Z999AA10123456784", tv(day), "Standard", false, true, tv(day), "seed",
					"[" + strings.Join(shippedLines, ",") + "]"})
			}
			if (st == core.Delivered || st == core.Completed) && r.Float64() < 0.02 {
				status := core.ReturnRefunded
				if st == core.Delivered {
					status = core.ReturnRequested
				}
				rets.rows = append(rets.rows, []any{"R-" + id, id, string(status), `[{"sku":"MUG-0","quantity":1}]`, "chipped", "", tv(delivered.Add(48 * time.Hour))})
			}
			if r.Float64() < 0.03 { // a buyer wrote
				cid := "C-" + id
				convs++
				at := bought.Add(time.Duration(r.IntN(72)) * time.Hour)
				var deadline any
				answered := ntv(at.Add(3*time.Hour), true)
				if at.After(now.Add(-48 * time.Hour)) { // recent ones wait, some past 24 hours
					deadline, answered = tv(at.Add(core.ResponseWindow)), nil
				}
				if at.After(now) {
					at = now.Add(-time.Minute)
				}
				cv.rows = append(cv.rows, []any{cid, "web", "buyer-" + id, "Jane Buyer", id, deadline, tv(at), tv(at), int64(1)})
				msgs.rows = append(msgs.rows, []any{cid, string(core.FromBuyer), "Where is my order?", tv(at), answered})
			}
		}
		for _, t := range []scaleRows{orders, items, ships, rets, cv, msgs} {
			if err := scaleWrite(ctx, db, pg, t); err != nil {
				return nil, 0, fmt.Errorf("%s: %w", t.table, err)
			}
		}
	}
	// The conversations' pointer to their newest buyer message, as the
	// store keeps it: one grouped pass over the messages, joined. A
	// subquery per conversation was planned, before the fresh tables had
	// statistics, as a scan of every buyer message per conversation.
	if _, err := db.ExecContext(ctx, `UPDATE conversations SET last_buyer_message_id = m.newest
		FROM (SELECT conversation_id, MAX(id) AS newest FROM messages WHERE sender = 'buyer' GROUP BY conversation_id) m
		WHERE m.conversation_id = conversations.id`); err != nil {
		return nil, 0, err
	}
	return ids, convs, nil
}

// scaleWrite writes rows: COPY on PostgreSQL, one prepared insert per row
// in one transaction on SQLite (in process: no round trip to save).
func scaleWrite(ctx context.Context, db *sql.DB, pg bool, t scaleRows) error {
	if len(t.rows) == 0 {
		return nil
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var st *sql.Stmt
	if pg {
		st, err = tx.PrepareContext(ctx, pq.CopyIn(t.table, t.cols...))
	} else {
		st, err = tx.PrepareContext(ctx, "INSERT INTO "+t.table+" ("+strings.Join(t.cols, ", ")+") VALUES ("+
			strings.TrimSuffix(strings.Repeat("?, ", len(t.cols)), ", ")+")")
	}
	if err != nil {
		return err
	}
	for _, row := range t.rows {
		if _, err := st.ExecContext(ctx, row...); err != nil {
			return err
		}
	}
	if pg {
		if _, err := st.ExecContext(ctx); err != nil { // ends the COPY
			return err
		}
	}
	if err := st.Close(); err != nil {
		return err
	}
	return tx.Commit()
}

func printScale(w io.Writer, r *scaleResult) {
	loaded := fmt.Sprintf("loaded in %.1f s", r.LoadSeconds)
	if r.Reused != "" {
		loaded = "schema " + r.Reused + " as loaded before"
	}
	fmt.Fprintf(w, "sellerdesk bench --scale: %s; %d orders, %d conversations; %s; store %.0f MB\n\n",
		r.Store, r.Orders, r.Conversations, loaded, r.StoreMB)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "read (through the engine)\truns\tp50 ms\tp99 ms\t")
	for _, rd := range r.Reads {
		note := ""
		if rd.Page > 0 && !strings.HasSuffix(rd.Command, fmt.Sprintf("page %d", rd.Page)) {
			note = fmt.Sprintf("(the list ends at page %d: its last page)", rd.Page)
		}
		fmt.Fprintf(tw, "%s\t%d\t%.2f\t%.2f\t%s\n", rd.Command, rd.N, rd.P50, rd.P99, note)
	}
	for _, s := range r.Sweeps {
		fmt.Fprintf(tw, "sweep, run %d\t1\t%.2f\t(%d orders changed)\t\n", s.Run, s.Ms, s.Changed)
	}
	tw.Flush()
}
