package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/sellerdesk/sellerdesk/core"
)

// stmtDef is a statement the store runs often. Every one is prepared when
// the store opens: a transaction then only binds it to its own connection,
// and never has to borrow a second connection to prepare it (which could
// wait forever on a pool whose connections are all in transactions).
type stmtDef struct {
	text   string
	idx    int
	pgOnly bool // PostgreSQL syntax (arrays): not prepared on SQLite
	// liteOnly: SQLite syntax (JSON1 functions): not prepared on PostgreSQL
	liteOnly bool
}

var registry []*stmtDef

func prepared(text string) *stmtDef {
	s := &stmtDef{text: text, idx: len(registry)}
	registry = append(registry, s)
	return s
}

func preparedPG(text string) *stmtDef {
	s := prepared(text)
	s.pgOnly = true
	return s
}

func preparedSQLite(text string) *stmtDef {
	s := prepared(text)
	s.liteOnly = true
	return s
}

// prepare prepares the registry on each pool.
func (db *DB) prepare(ctx context.Context) error {
	prep := func(p *sqlx.DB) ([]*sqlx.Stmt, error) {
		out := make([]*sqlx.Stmt, len(registry))
		for i, s := range registry {
			if (s.pgOnly && db.dialect != postgresDialect) || (s.liteOnly && db.dialect != sqliteDialect) {
				continue
			}
			st, err := p.PreparexContext(ctx, db.dialect.adapt(s.text))
			if err != nil {
				return out, db.fail(err, "prepare the store's statements")
			}
			out[i] = st
		}
		return out, nil
	}
	var err error
	db.wstmts, err = prep(db.write)
	if err != nil {
		return err
	}
	if db.read == db.write {
		db.rstmts = db.wstmts
		return nil
	}
	db.rstmts, err = prep(db.read)
	return err
}

// Tx is one View or Update transaction. It is not safe for concurrent use.
type Tx struct {
	db    *DB
	tx    *sqlx.Tx     // nil in ViewOne and UpdateOptimistic: statements run on a pool
	ran   int          // statements ViewOne's fn has run
	stmts []*sqlx.Stmt // the pool's prepared statements
	bound []*sqlx.Stmt // the same, bound to this transaction on first use
	write bool
	// optimistic: an UpdateOptimistic, whose reads lock nothing and whose
	// one conversation save waits in pending for its one statement.
	optimistic bool
	pending    *pendingSave
	// failed is the first database error of an Update: the transaction can
	// no longer commit (PostgreSQL has aborted it, or a save stopped halfway).
	failed error
	// loaded holds copies of the orders read (and locked) in this Update, so
	// SaveOrders writes only the children that changed; convs does the same
	// for conversations and SaveConversation's messages.
	loaded map[string]*core.Order
	convs  map[string]*core.Conversation
	// outbox holds what Enqueue was given until it is written, just
	// before commit (see flushOutbox).
	outbox []core.Event
	// health and responses hold what this transaction's saves change in
	// health_minutes (and so health_hours) and response_slots until it is
	// written, just before commit (see flushCounters).
	health, responses map[counterKey]int64
}

var _ core.Tx = (*Tx)(nil)

func (t *Tx) stmt(ctx context.Context, s *stmtDef) *sqlx.Stmt {
	if t.tx == nil {
		t.one()
		return t.stmts[s.idx]
	}
	if t.bound == nil {
		t.bound = make([]*sqlx.Stmt, len(registry))
	}
	if b := t.bound[s.idx]; b != nil {
		return b
	}
	b := t.tx.StmtxContext(ctx, t.stmts[s.idx])
	t.bound[s.idx] = b
	return b
}

func (t *Tx) query(ctx context.Context, s *stmtDef, args ...any) (*sql.Rows, error) {
	return t.stmt(ctx, s).QueryContext(ctx, args...)
}

func (t *Tx) exec(ctx context.Context, s *stmtDef, args ...any) (sql.Result, error) {
	return t.stmt(ctx, s).ExecContext(ctx, args...)
}

// queryText runs a statement built for one call (a list filter): its
// text is made of fixed fragments, never of input.
func (t *Tx) queryText(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if t.tx == nil {
		t.one()
		return t.db.read.QueryContext(ctx, t.db.dialect.adapt(q), args...)
	}
	return t.tx.QueryContext(ctx, t.db.dialect.adapt(q), args...)
}

// one counts a statement of ViewOne and fails it at the second (see
// ViewOne); an optimistic Update's reads are as many as it needs.
func (t *Tx) one() {
	if t.optimistic {
		return
	}
	t.ran++
	if t.ran == 2 && t.failed == nil {
		t.failed = core.WrapInternal(fmt.Errorf("sqlstore: a second statement inside ViewOne"), "read in one statement")
	}
}

// fail maps err and, in an Update, dooms the transaction.
func (t *Tx) fail(err error, what string) error {
	err = t.db.fail(err, what)
	if t.write && t.failed == nil {
		t.failed = err
	}
	return err
}

// locks reports whether this transaction's reads lock what they read: an
// Update's do, a View's and an optimistic Update's do not.
func (t *Tx) locks() bool { return t.write && !t.optimistic }

func (t *Tx) writable(what string) error {
	if !t.write {
		return core.WrapInternal(fmt.Errorf("sqlstore: %s inside View", what), what)
	}
	if t.optimistic && what != "SaveConversation" && what != "Enqueue" {
		return t.needsTx()
	}
	return t.failed
}

// list passes a list of strings as one parameter (see dialect.adapt).
func (db *DB) list(ss []string) any {
	if db.dialect == postgresDialect {
		return pq.StringArray(ss)
	}
	b, _ := json.Marshal(ss) // strings always marshal
	return string(b)
}

// bulk is a hand-written INSERT of many rows. SQLite runs its single-row
// form once per row: it is in process, there is no round trip to save.
// PostgreSQL gets all rows in one statement as one array per column
// (unnest), which keeps the statement's text fixed, so it is prepared, and
// its parameters few: a batch of 500 orders as 14,500 separate parameters
// costs the server several times what the insert itself does.
type bulk struct {
	cols int
	one  *stmtDef // INSERT … VALUES (?, …) tail
	many *stmtDef // INSERT … SELECT * FROM unnest(?::type[], …) tail
	// The same without tail, for rows that cannot exist yet (the children
	// of a new order): a plain insert is cheaper than ON CONFLICT, and an id
	// that is taken fails instead of overwriting another order's row.
	plain *bulk
}

// newBulk takes "INSERT INTO t (a, b)", the columns' PostgreSQL types and
// what follows the rows (ON CONFLICT …, RETURNING …).
func newBulk(insert string, types []string, tail string) *bulk {
	b := &bulk{
		cols: len(types),
		one:  prepared(insert + " VALUES " + placeholders(len(types)) + tail),
		many: preparedPG(insert + " SELECT * FROM unnest(" + arrayParams(types) + ")" + tail),
	}
	if tail != "" {
		b.plain = newBulk(insert, types, "")
	}
	return b
}

// maxArrayRows bounds the size of one statement's arrays.
const maxArrayRows = 5000

// writeRows inserts the rows in args (cols values each). If the statement
// has a RETURNING clause, got receives the first column of every row.
func (t *Tx) writeRows(ctx context.Context, b *bulk, args []any, got func(string)) error {
	n := len(args) / b.cols
	if n == 0 {
		return nil
	}
	if n == 1 || t.db.dialect == sqliteDialect {
		st := t.stmt(ctx, b.one)
		for i := range n {
			if err := run(ctx, st, args[i*b.cols:(i+1)*b.cols], got); err != nil {
				return err
			}
		}
		return nil
	}
	st := t.stmt(ctx, b.many)
	for start := 0; start < n; start += maxArrayRows {
		arrays, err := pgArrays(args[start*b.cols:min(n, start+maxArrayRows)*b.cols], b.cols)
		if err != nil {
			return err
		}
		if err := run(ctx, st, arrays, got); err != nil {
			return err
		}
	}
	return nil
}

// run executes st, collecting RETURNING values when got is not nil.
func run(ctx context.Context, st *sqlx.Stmt, args []any, got func(string)) error {
	if got == nil {
		_, err := st.ExecContext(ctx, args...)
		return err
	}
	rows, err := st.QueryContext(ctx, args...)
	if err != nil {
		return err
	}
	return returned(rows, got)
}

func returned(rows *sql.Rows, got func(string)) error {
	defer rows.Close()
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return err
		}
		got(s)
	}
	return rows.Err()
}

// arrayParams returns "?::t1[], ?::t2[], …".
func arrayParams(types []string) string {
	var b strings.Builder
	for i, t := range types {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("?::" + t + "[]")
	}
	return b.String()
}

// pgArrays turns rows of values (cols each) into one PostgreSQL array
// literal per column, all cut from one buffer.
func pgArrays(args []any, cols int) ([]any, error) {
	n := len(args) / cols
	buf := make([]byte, 0, len(args)*16)
	ends := make([]int, cols)
	for c := range cols {
		buf = append(buf, '{')
		for r := range n {
			if r > 0 {
				buf = append(buf, ',')
			}
			switch v := args[r*cols+c].(type) {
			case nil:
				buf = append(buf, "NULL"...)
			case string:
				buf = append(buf, '"')
				for i := 0; i < len(v); i++ {
					if v[i] == '"' || v[i] == '\\' {
						buf = append(buf, '\\')
					}
					buf = append(buf, v[i])
				}
				buf = append(buf, '"')
			case int64:
				buf = strconv.AppendInt(buf, v, 10)
			case bool:
				buf = strconv.AppendBool(buf, v)
			case time.Time:
				buf = append(buf, '"')
				buf = v.AppendFormat(buf, "2006-01-02 15:04:05.999999Z07:00")
				buf = append(buf, '"')
			default:
				return nil, fmt.Errorf("sqlstore: no array form for %T", v)
			}
		}
		buf = append(buf, '}')
		ends[c] = len(buf)
	}
	all := string(buf)
	out := make([]any, cols)
	start := 0
	for c, end := range ends {
		out[c] = all[start:end]
		start = end
	}
	return out, nil
}

// placeholders returns "(?, ?, …)" with n placeholders.
func placeholders(n int) string {
	return "(" + strings.TrimSuffix(strings.Repeat("?, ", n), ", ") + ")"
}

// assign returns "a = from.a, b = from.b" for the comma-separated columns,
// for an upsert's DO UPDATE SET or an UPDATE … FROM.
func assign(cols, from string) string {
	var b strings.Builder
	for i, c := range strings.Split(cols, ",") {
		c = strings.TrimSpace(c)
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(c + " = " + from + "." + c)
	}
	return b.String()
}

// assignExprs returns "a = x, b = y" for the comma-separated columns and
// their expressions.
func assignExprs(cols string, exprs []string) string {
	var b strings.Builder
	for i, c := range strings.Split(cols, ",") {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strings.TrimSpace(c) + " = " + exprs[i])
	}
	return b.String()
}

// assignParams returns "a = ?, b = ?" for the comma-separated columns.
func assignParams(cols string) string {
	var b strings.Builder
	for i, c := range strings.Split(cols, ",") {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strings.TrimSpace(c) + " = ?")
	}
	return b.String()
}

// Times are UTC with microsecond precision on both databases. On SQLite a
// time is an INTEGER of microseconds since 1970: it sorts and compares as a
// number, and keeps the microseconds PostgreSQL's timestamptz keeps.
func (db *DB) tv(t time.Time) any {
	if db.dialect == sqliteDialect {
		return t.UnixMicro()
	}
	return t.UTC().Truncate(time.Microsecond)
}

// dv is a duration as the database subtracts times: microseconds on SQLite
// (times are microsecond numbers there), an interval on PostgreSQL, where
// the difference of two timestamptz is one. A prepared statement's
// "a - b <= ?" makes PostgreSQL read the parameter as an interval.
func (db *DB) dv(d time.Duration) any {
	if db.dialect == sqliteDialect {
		return d.Microseconds()
	}
	return strconv.FormatInt(d.Microseconds(), 10) + " microseconds"
}

// ntv is tv for an optional time: nil is NULL.
func (db *DB) ntv(t *time.Time) any {
	if t == nil {
		return nil
	}
	return db.tv(*t)
}

// zv is a time that may be zero (none): NULL then.
func (db *DB) zv(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return db.tv(t)
}

// timeDest scans either database's time into a UTC time.Time.
type timeDest struct{ p *time.Time }

func (d timeDest) Scan(v any) error {
	switch x := v.(type) {
	case int64:
		*d.p = time.UnixMicro(x).UTC()
	case time.Time:
		*d.p = x.UTC()
	case nil:
		*d.p = time.Time{}
	default:
		return fmt.Errorf("sqlstore: cannot read %T as a time", v)
	}
	return nil
}

// nullTimeDest scans an optional time; NULL is nil.
type nullTimeDest struct{ p **time.Time }

func (d nullTimeDest) Scan(v any) error {
	if v == nil {
		*d.p = nil
		return nil
	}
	var t time.Time
	if err := (timeDest{&t}).Scan(v); err != nil {
		return err
	}
	*d.p = &t
	return nil
}
