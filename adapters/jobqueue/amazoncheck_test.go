package jobqueue_test

import (
	"context"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/adapters/jobqueue"
	"github.com/sellerdesk/sellerdesk/adapters/sqlstore"
	"github.com/sellerdesk/sellerdesk/adapters/sqlstore/storetest"
	"github.com/sellerdesk/sellerdesk/core"
)

// The Amazon check (reading the cancel feeds' processing) is a periodic
// job: it runs at start and again each period, a failed one included.
func TestAmazonCheckJobRunsEachPeriod(t *testing.T) {
	db := storetest.OpenSQLite(t)
	var runs atomic.Int32
	check := func(context.Context) error {
		if runs.Add(1) == 1 {
			return core.Errorf(core.Unavailable, "Amazon's getFeed answered 503")
		}
		return nil
	}
	startQueue(t, db, core.NewEngine(db, core.Options{}), jobqueue.Config{AmazonCheck: check, AmazonCheckInterval: time.Second, Log: slog.New(slog.DiscardHandler)})
	eventually(t, "the check ran again after a failure", func() bool { return runs.Load() >= 2 })
}

// startQueue migrates db's queue tables and starts a queue on them,
// stopped when the test ends.
func startQueue(t *testing.T, db *sqlstore.DB, e *core.Engine, cfg jobqueue.Config) *jobqueue.Queue {
	t.Helper()
	ctx := context.Background()
	qdb, pg := db.QueueDB()
	d := jobqueue.Database{DB: qdb, Postgres: pg}
	if _, err := jobqueue.Migrate(ctx, d); err != nil {
		t.Fatal(err)
	}
	q, err := jobqueue.New(d, e, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		q.Stop(sctx)
	})
	return q
}
