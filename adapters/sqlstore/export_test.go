package sqlstore

import "github.com/sellerdesk/sellerdesk/core"

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
