package sqlstore_test

import (
	"context"
	"database/sql"
	"slices"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/adapters/sqlstore"
	"github.com/sellerdesk/sellerdesk/adapters/sqlstore/storetest"
	"github.com/sellerdesk/sellerdesk/core"
)

// Replicas from before migration 00017 lock the outbox table before they
// write to it; newer ones take outbox_lock() in the insert. During a
// rolling upgrade both kinds write one outbox, and each must wait for the
// other's commit, so that ids still commit in order (see delivery.go).
func TestOutboxLockHoldsOlderReplicasBack(t *testing.T) {
	u := storetest.PostgresURL(t)
	db, err := sqlstore.Open(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	raw, err := sql.Open("postgres", u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	ctx := context.Background()
	ev := func(text string) core.Event { return core.Event{Kind: core.EventLowStock, Text: text, At: time.Now()} }

	// older writes as a replica before 00017 does, up to its commit.
	older := func(text string) (*sql.Tx, error) {
		tx, err := raw.BeginTx(ctx, nil)
		if err != nil {
			return nil, err
		}
		if _, err := tx.Exec(`LOCK TABLE outbox IN SHARE ROW EXCLUSIVE MODE`); err != nil {
			tx.Rollback()
			return nil, err
		}
		_, err = tx.Exec(`INSERT INTO outbox (kind, text, at) VALUES ('low_stock', $1, now())`, text)
		if err != nil {
			tx.Rollback()
			return nil, err
		}
		return tx, nil
	}
	// waiting is called while a writer is expected to wait for the
	// other's lock; it returns once one does (a state, not a duration).
	waiting := func(finished <-chan error) {
		t.Helper()
		for {
			var n int
			if err := raw.QueryRow(`SELECT COUNT(*) FROM pg_locks WHERE NOT granted AND relation = 'outbox'::regclass`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n > 0 {
				return
			}
			select {
			case err := <-finished:
				t.Fatalf("a writer went ahead without waiting for the other's lock (%v)", err)
			case <-time.After(10 * time.Millisecond):
			}
		}
	}
	texts := func() []string {
		var out []string
		err := db.View(ctx, func(tx core.Tx) error {
			all, err := tx.Outbox(ctx, 0, 0)
			for _, e := range all {
				out = append(out, e.Text)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}

	// An older replica holds the lock: the newer one's insert waits.
	tx, err := older("older 1")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- db.Update(ctx, func(tx core.Tx) error { return tx.Enqueue(ctx, ev("newer 1")) }) }()
	waiting(done)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	// A newer replica has written (and holds the lock): the older one waits.
	written, release := make(chan struct{}), make(chan struct{})
	go func() {
		done <- db.Update(ctx, func(tx core.Tx) error {
			if err := tx.Enqueue(ctx, ev("newer 2")); err != nil {
				return err
			}
			if _, err := tx.Outbox(ctx, 0, 1); err != nil { // writes this transaction's messages now
				return err
			}
			close(written)
			<-release
			return nil
		})
	}()
	<-written
	olderDone := make(chan error, 1)
	go func() {
		tx, err := older("older 2")
		if err == nil {
			err = tx.Commit()
		}
		olderDone <- err
	}()
	waiting(olderDone)
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := <-olderDone; err != nil {
		t.Fatal(err)
	}

	want := []string{"older 1", "newer 1", "newer 2", "older 2"}
	if got := texts(); !slices.Equal(got, want) {
		t.Fatalf("outbox in id order %q, want %q", got, want)
	}
}
