package sqlstore

import (
	"database/sql"
	"sync"
)

// queuePool is the PostgreSQL pool a job queue shares the database with.
type queuePool struct {
	once sync.Once
	db   *sql.DB
}

// QueueDB returns the database handle a job queue (riverqueue/river) should
// work through, and whether it is PostgreSQL.
//
// On SQLite it is the store's one write connection: the queue's writes then
// queue behind the desk's in Go instead of meeting them as SQLITE_BUSY.
// On PostgreSQL it is a small pool of its own in lib/pq's text mode: the
// store's pool sends binary parameters, and river's jsonb arguments must go
// as text. Close closes it with the store.
func (db *DB) QueueDB() (*sql.DB, bool) {
	if db.dialect != postgresDialect {
		return db.write.DB, false
	}
	db.queue.once.Do(func() {
		// sql.Open only fails for an unknown driver name; lib/pq is linked in.
		p, _ := sql.Open("postgres", db.dsn)
		p.SetMaxOpenConns(6)
		p.SetMaxIdleConns(6)
		db.queue.db = p
	})
	return db.queue.db, true
}
