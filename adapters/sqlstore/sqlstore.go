// Package sqlstore keeps sellerdesk's orders, stock, audit log and outbox in
// SQLite (one file: the embedded default) or PostgreSQL (any number of bot
// replicas on one database), behind core.Store.
//
// SQL is written by hand next to the method that runs it, with ? placeholders
// rebound per driver. The few spellings that differ between the two databases
// are adapted in one place (dialect.adapt); PostgreSQL alone also gets
// multi-row saves as column arrays (see bulk).
package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"hash/fnv"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	_ "modernc.org/sqlite" // registers the "sqlite" driver (pure Go, no cgo)

	"github.com/sellerdesk/sellerdesk/core"
)

//go:embed migrations
var migrations embed.FS

// DB is a sellerdesk store on SQLite or PostgreSQL. It is safe for concurrent use.
type DB struct {
	dialect dialect
	// write runs Update. On SQLite it is one connection whose transactions
	// begin IMMEDIATE, so writers queue for the write lock at BEGIN instead of
	// failing with SQLITE_BUSY halfway through. On PostgreSQL it is the pool.
	write *sqlx.DB
	// read runs View: a pool of query-only connections on SQLite (WAL lets
	// them read while a write is in progress), the same pool on PostgreSQL.
	read *sqlx.DB
	// Statements of the registry, prepared once per pool (see stmt.go).
	wstmts, rstmts []*sqlx.Stmt
	viewOpts       *sql.TxOptions
	secrets        []string // the URL's passwords (see passwords), scrubbed from any error text
	log            *slog.Logger
	// PostgreSQL: the URL Listen connects with, and the notification
	// channel of this schema's outbox (see listen.go).
	dsn, channel string
	queue        queuePool  // see QueueDB
	orders       orderCache // orders read, by version (see orderCache)
}

// Option changes how Open sets up the store.
type Option func(*options)

type options struct {
	maxConns int
	log      *slog.Logger
}

// WithMaxConns caps the PostgreSQL connection pool (default 10), or the
// SQLite read pool. SQLite always writes through one connection.
func WithMaxConns(n int) Option { return func(o *options) { o.maxConns = n } }

// WithLogger logs the migrations Open and Migrate apply.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.log = l } }

// Open connects to the database named by url, brings its schema up to date
// and prepares the store's statements. url is sqlite:PATH (sqlite::memory:
// for a throwaway database) or postgres://… (postgresql://… too).
func Open(ctx context.Context, url string, opts ...Option) (*DB, error) {
	o := options{log: slog.New(slog.DiscardHandler)}
	for _, opt := range opts {
		opt(&o)
	}
	var (
		db  *DB
		err error
	)
	switch {
	case strings.HasPrefix(url, "sqlite:"):
		db, err = openSQLite(strings.TrimPrefix(url, "sqlite:"), o)
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		db, err = openPostgres(url, o)
	default:
		return nil, core.FieldErrorf(core.Invalid, "database.url",
			"database.url must be sqlite:PATH (a file, e.g. sqlite:sellerdesk.db) or postgres://USER:PASSWORD@HOST:PORT/DB")
	}
	if err != nil {
		return nil, err
	}
	if err := db.write.PingContext(ctx); err != nil {
		db.Close()
		return nil, db.fail(err, "connect to the database")
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.prepare(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if db.dialect == postgresDialect {
		var schema string
		if err := db.write.GetContext(ctx, &schema, "SELECT current_schema()"); err != nil {
			db.Close()
			return nil, db.fail(err, "find the database schema")
		}
		db.channel = notifyChannel(schema)
	}
	return db, nil
}

func openSQLite(path string, o options) (*DB, error) {
	path = strings.TrimPrefix(path, "//") // sqlite:///abs/path.db
	if path == "" || strings.ContainsAny(path, "?#") {
		return nil, core.FieldErrorf(core.Invalid, "database.url",
			"database.url sqlite:PATH needs a file path without ? or #, e.g. sqlite:sellerdesk.db")
	}
	// busy_timeout only matters when another process (bot migrate, a backup)
	// holds the file: this process queues its writers on one connection.
	const common = "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)"
	db := &DB{dialect: sqliteDialect, log: o.log, viewOpts: &sql.TxOptions{ReadOnly: true}}
	if path == ":memory:" || strings.HasPrefix(path, "file::memory:") {
		// Every connection to :memory: is a database of its own, so one
		// connection does everything.
		w, err := openWriter(":memory:?" + common + "&_txlock=immediate")
		if err != nil {
			return nil, err
		}
		db.write, db.read = w, w
		return db, nil
	}
	if err := createPrivate(path); err != nil {
		return nil, err
	}
	// synchronous=FULL: WAL with NORMAL may lose the last commits on power
	// loss, and a confirmed shipment or refund must not be lost.
	// The writer's larger page cache and rarer checkpoints (every 32 MB of
	// WAL rather than 4) matter for imports: order ids are random, so each
	// batch touches pages all over the indexes. Measured on a 1,000,000-line
	// report, whole import: 79 s with SQLite's defaults, 63 s with these.
	w, err := openWriter(path + "?" + common + "&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=cache_size(-16000)&_pragma=wal_autocheckpoint(8000)&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	r, err := sqlx.Open("sqlite", path+"?"+common+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, core.WrapInternal(err, "open the SQLite database")
	}
	n := o.maxConns
	if n <= 0 {
		n = max(4, runtime.GOMAXPROCS(0))
	}
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	db.write, db.read = w, r
	return db, nil
}

func openPostgres(dsn string, o options) (*DB, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		// url.Parse quotes the whole URL, password included: say less.
		return nil, core.FieldErrorf(core.Invalid, "database.url",
			"database.url is not a valid postgres:// URL — check its host, port and special characters (escape them with %%XX)")
	}
	db := &DB{dialect: postgresDialect, log: o.log, dsn: dsn,
		// A consistent snapshot: an order and its items read in one View
		// belong together even while someone saves that order.
		viewOpts: &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}}
	db.secrets = passwords(dsn)
	if p, ok := u.User.Password(); ok {
		db.secrets = append(db.secrets, p)
	}
	cfg, err := pq.NewConfig(dsn)
	if err != nil {
		return nil, core.FieldErrorf(core.Invalid, "database.url", "database.url is not a usable PostgreSQL URL: %s", db.scrub(err.Error()))
	}
	// Binary-parameter mode sends parse, bind and execute in one round trip
	// for statements that are not prepared (multi-row saves, list filters).
	cfg.BinaryParameters = true
	conn, err := pq.NewConnectorConfig(cfg)
	if err != nil {
		return nil, core.FieldErrorf(core.Invalid, "database.url", "database.url is not a usable PostgreSQL URL: %s", db.scrub(err.Error()))
	}
	n := o.maxConns
	if n <= 0 {
		n = 10
	}
	p := sqlx.NewDb(sql.OpenDB(conn), "postgres")
	p.SetMaxOpenConns(n)
	// Idle connections keep their prepared statements; closing them early
	// would only mean preparing again.
	p.SetMaxIdleConns(n)
	p.SetConnMaxIdleTime(10 * time.Minute)
	db.write, db.read = p, p
	return db, nil
}

// Close closes the database.
func (db *DB) Close() error {
	for _, s := range append(db.wstmts, db.rstmts...) {
		if s != nil {
			s.Close() // idempotent: the pools share them on PostgreSQL
		}
	}
	err := db.write.Close()
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	if q := db.queue.db; q != nil && q != db.write.DB {
		err = errors.Join(err, q.Close())
	}
	return err
}

// Migrate applies the embedded migrations that the database has not seen.
// Open calls it; `bot migrate` may too. Replicas starting together on one
// PostgreSQL schema take turns through an advisory lock.
func (db *DB) Migrate(ctx context.Context) error {
	fsys, err := fs.Sub(migrations, "migrations/"+db.dialect.String())
	if err != nil {
		return core.WrapInternal(err, "read the embedded migrations")
	}
	gd := goose.DialectSQLite3
	popts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true)}
	if db.dialect == postgresDialect {
		gd = goose.DialectPostgres
		// One lock per schema, so that test schemas (or several
		// deployments in one database) do not wait for each other.
		var schema string
		if err := db.write.GetContext(ctx, &schema, "SELECT current_schema()"); err != nil {
			return db.fail(err, "find the database schema")
		}
		h := fnv.New64a()
		h.Write([]byte("sellerdesk migrations " + schema))
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(int64(h.Sum64()>>1)), lock.WithLockTimeout(1, 300))
		if err != nil {
			return core.WrapInternal(err, "set up the migration lock")
		}
		popts = append(popts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(gd, db.write.DB, fsys, popts...)
	if err != nil {
		return core.WrapInternal(err, "load the migrations")
	}
	res, err := p.Up(ctx)
	for _, r := range res {
		db.log.Info("database migration applied", "migration", r.Source.Path, "took", r.Duration)
	}
	if err != nil {
		return db.fail(err, "migrate the database schema")
	}
	return nil
}

// View runs fn in a read-only transaction.
func (db *DB) View(ctx context.Context, fn func(core.Tx) error) error {
	tx, err := db.read.BeginTxx(ctx, db.viewOpts)
	if err != nil {
		return db.fail(err, "start reading")
	}
	t := &Tx{db: db, tx: tx, stmts: db.rstmts}
	defer tx.Rollback()
	return fn(t)
}

// ViewOne runs fn, a read of exactly one statement, with no transaction
// around it. One statement reads one snapshot on its own (PostgreSQL takes
// a snapshot per statement, subqueries included; SQLite wraps it in an
// implicit read transaction), so BEGIN … ROLLBACK around it would add two
// round trips and nothing else. A second statement in fn would read a
// second snapshot: it makes ViewOne fail (Internal), so a reader that
// grows a second query fails its tests instead of reading torn data —
// use View for it.
func (db *DB) ViewOne(ctx context.Context, fn func(core.Tx) error) error {
	t := &Tx{db: db, stmts: db.rstmts}
	err := fn(t)
	if t.failed != nil {
		return t.failed
	}
	return err
}

// Update runs fn in a read-write transaction and commits it unless fn
// returns an error, which is then returned unchanged. A failed save
// (SaveOrders, SaveStocks…) dooms the transaction even if fn ignores the
// error: half a save is never committed. Outbox messages are written last,
// just before the commit (see flushOutbox).
//
// Do not call View or Update from inside fn: on SQLite the one write
// connection is taken, and on PostgreSQL the inner transaction would not see
// the outer one's changes.
func (db *DB) Update(ctx context.Context, fn func(core.Tx) error) (err error) {
	tx, err := db.write.BeginTxx(ctx, nil)
	if err != nil {
		return db.fail(err, "start a change")
	}
	t := &Tx{db: db, tx: tx, stmts: db.wstmts, write: true}
	done := false
	defer func() {
		if !done {
			tx.Rollback()
		}
	}()
	if err := fn(t); err != nil {
		return err
	}
	if t.failed != nil {
		return t.failed
	}
	if err := t.flushOutbox(ctx); err != nil {
		return err
	}
	// After the outbox: a transaction that took the outbox's lock earlier
	// (listing it) takes the counters' rows after it, like all others.
	// (On PostgreSQL a transaction with outbox messages has written its
	// counters with them.)
	if err := t.flushCounters(ctx); err != nil {
		return err
	}
	done = true
	if err := tx.Commit(); err != nil {
		return db.fail(err, "save the changes")
	}
	return nil
}

var _ core.Store = (*DB)(nil)

// dialect is which database a DB speaks to.
type dialect int

const (
	sqliteDialect dialect = iota
	postgresDialect
)

// String names the dialect's migrations folder.
func (d dialect) String() string {
	if d == postgresDialect {
		return "postgres"
	}
	return "sqlite"
}

// adapt turns a query written for both databases into this one's spelling:
// placeholders, list membership and row locks.
//
// Lists are one parameter on both (an array on PostgreSQL, a JSON array on
// SQLite), so a statement has one text whatever the list's length and can be
// prepared once.
func (d dialect) adapt(q string) string {
	if d == postgresDialect {
		return sqlx.Rebind(sqlx.DOLLAR, q)
	}
	q = strings.ReplaceAll(q, "= ANY(?)", "IN (SELECT value FROM json_each(?))")
	// SQLite has no row locks: an Update holds the whole database's write lock.
	return strings.ReplaceAll(q, " FOR UPDATE", "")
}

// openWriter opens SQLite's single write connection, kept open for good:
// writes queue on it instead of failing with SQLITE_BUSY.
func openWriter(dsn string) (*sqlx.DB, error) {
	w, err := sqlx.Open("sqlite", dsn)
	if err != nil {
		return nil, core.WrapInternal(err, "open the SQLite database")
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	return w, nil
}

// createPrivate creates a new database file readable by its owner only
// (0600, whatever the umask): it holds buyer names, emails and addresses.
// SQLite gives the -wal and -shm files it creates next to it the database
// file's mode, so they are private too. An existing file keeps the mode its
// owner gave it.
func createPrivate(path string) error {
	if strings.HasPrefix(path, "file:") {
		return nil // a URI names options of its own; SQLite creates it
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return core.FieldErrorf(core.Unavailable, "database.url", "The database file %s cannot be created: %v", path, errors.Unwrap(err))
	}
	// The umask may have taken bits from 0600 (never added any): set it exactly.
	err = errors.Join(f.Chmod(0o600), f.Close())
	if err != nil {
		return core.WrapInternal(err, "create the SQLite database file")
	}
	return nil
}
