package sqlstore

import (
	"context"
	"fmt"
	"strings"

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

// HealthRows reads health_hours' counters that are not zero, keyed
// "hour metric".
func (db *DB) HealthRows(ctx context.Context) (map[string]int64, error) {
	out := map[string]int64{}
	rows, err := db.write.QueryContext(ctx, `SELECT hour, metric, n FROM health_hours WHERE n <> 0`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			h      int64
			metric string
			n      int64
		)
		if err := rows.Scan(&h, &metric, &n); err != nil {
			return nil, err
		}
		out[fmt.Sprint(h, " ", metric)] = n
	}
	return out, rows.Err()
}

// RefillHealthAsMigrated empties health_hours and runs migration 00015's
// own statement that first filled it.
func (db *DB) RefillHealthAsMigrated(ctx context.Context) error {
	b, err := migrations.ReadFile("migrations/" + db.dialect.String() + "/00015_health_hours.sql")
	if err != nil {
		return err
	}
	up := string(b)
	start := strings.Index(up, "INSERT INTO health_hours")
	end := strings.Index(up[start:], ";")
	if _, err := db.write.ExecContext(ctx, `DELETE FROM health_hours`); err != nil {
		return err
	}
	_, err = db.write.ExecContext(ctx, up[start:start+end])
	return err
}
