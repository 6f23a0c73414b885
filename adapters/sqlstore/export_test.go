package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// Statement texts for the EXPLAIN test (explain_test.go), as this store
// runs them.

func (db *DB) OrdersSQL(q core.OrderQuery) (string, []any, error) {
	text, args, err := db.ordersSQL(q)
	return db.dialect.adapt(text), args, err
}

func (db *DB) ConversationsSQL(q core.ConversationQuery) (string, []any) {
	text, args := db.conversationsSQL(q)
	return db.dialect.adapt(text), args
}

// ResponseArgs are the arguments ResponseCounts and LateResponses pass
// for [since, now].
func (db *DB) ResponseArgs(since, now time.Time) (counts, late []any) {
	return db.responseArgs(since, now)
}

// PreparedSQL lists the store's prepared statements for this dialect.
func (db *DB) PreparedSQL() []string {
	var out []string
	for _, s := range registry {
		if (s.pgOnly && db.dialect != postgresDialect) || (s.liteOnly && db.dialect != sqliteDialect) {
			continue
		}
		out = append(out, db.dialect.adapt(s.text))
	}
	return out
}

// CounterRows reads the counters of health_hours, health_minutes and
// response_slots that
// are not zero, keyed "table period metric".
func (db *DB) CounterRows(ctx context.Context) (map[string]int64, error) {
	out := map[string]int64{}
	for _, q := range []string{`SELECT 'health_hours', hour, metric, n FROM health_hours WHERE n <> 0`,
		`SELECT 'health_minutes', minute, metric, n FROM health_minutes WHERE n <> 0`,
		`SELECT 'response_slots', slot, metric, n FROM response_slots WHERE n <> 0`} {
		rows, err := db.write.QueryContext(ctx, q)
		if err != nil {
			return nil, err
		}
		err = eachRow(rows, func() error {
			var (
				table, metric string
				p, n          int64
			)
			if err := rows.Scan(&table, &p, &metric, &n); err != nil {
				return err
			}
			out[fmt.Sprint(table, " ", p, " ", metric)] = n
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// RefillCountersAsMigrated empties health_hours, health_minutes and
// response_slots and runs the statements of migrations 00015, 00020 and
// 00018 that first filled them.
func (db *DB) RefillCountersAsMigrated(ctx context.Context) error {
	for _, m := range []struct{ file, table string }{{"00015_health_hours.sql", "health_hours"},
		{"00020_health_minutes.sql", "health_minutes"}, {"00018_response_slots.sql", "response_slots"}} {
		b, err := migrations.ReadFile("migrations/" + db.dialect.String() + "/" + m.file)
		if err != nil {
			return err
		}
		up := string(b)
		start := strings.Index(up, "INSERT INTO "+m.table)
		end := strings.Index(up[start:], ";")
		if _, err := db.write.ExecContext(ctx, `DELETE FROM `+m.table); err != nil {
			return err
		}
		if _, err = db.write.ExecContext(ctx, up[start:start+end]); err != nil {
			return err
		}
	}
	return nil
}
