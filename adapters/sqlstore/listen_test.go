package sqlstore_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/adapters/sqlstore"
	"github.com/sellerdesk/sellerdesk/adapters/sqlstore/storetest"
	"github.com/sellerdesk/sellerdesk/core"
)

func TestListenSQLiteReturnsAtOnce(t *testing.T) {
	db := storetest.OpenSQLite(t)
	done := make(chan error, 1)
	go func() {
		done <- db.Listen(context.Background(), func(core.Event) { t.Error("SQLite Listen called fn") })
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Listen on SQLite: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Listen on SQLite did not return")
	}
}

// Two handles on one schema stand for two replicas: what one commits to
// the outbox, the other hears; what one rolls back, nobody does.
func TestListenPostgres(t *testing.T) {
	u := storetest.PostgresURL(t)
	open := func() *sqlstore.DB {
		db, err := sqlstore.Open(context.Background(), u)
		if err != nil {
			t.Fatalf("open PostgreSQL store: %v", err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	a, b := open(), open()

	ctx, cancel := context.WithCancel(context.Background())
	got := make(chan core.Event, 256)
	done := make(chan error, 1)
	go func() {
		done <- b.Listen(ctx, func(ev core.Event) {
			select {
			case got <- ev:
			default:
				t.Error("test listener fell behind")
			}
		})
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Listen returned %v after its context ended; want nil", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("Listen did not return after its context ended")
		}
	})

	errRollback := errors.New("roll back")
	enqueue := func(ev core.Event, commit bool) {
		t.Helper()
		err := a.Update(ctx, func(tx core.Tx) error {
			if err := tx.Enqueue(ctx, ev); err != nil {
				return err
			}
			if !commit {
				return errRollback
			}
			return nil
		})
		if commit && err != nil || !commit && !errors.Is(err, errRollback) {
			t.Fatalf("enqueue %q (commit %v): %v", ev.Text, commit, err)
		}
	}
	// wait returns the first message with text want, failing on any
	// message whose text is in never.
	wait := func(want string, never ...string) core.Event {
		t.Helper()
		timeout := time.After(10 * time.Second)
		for {
			select {
			case ev := <-got:
				for _, n := range never {
					if ev.Text == n {
						t.Fatalf("heard %q, which was rolled back", n)
					}
				}
				if ev.Text == want {
					return ev
				}
			case <-timeout:
				t.Fatalf("no notification with text %q within 10s", want)
			}
		}
	}
	at := time.Date(2026, 3, 1, 12, 30, 15, 123456000, time.UTC)

	// LISTEN is in place once a message committed now is heard.
	ready := false
	for i := 0; i < 100 && !ready; i++ {
		enqueue(core.Event{Kind: core.EventLowStock, SKU: "SKU-1", Text: "ready", At: at}, true)
		select {
		case <-got:
			ready = true
		case <-time.After(100 * time.Millisecond):
		}
	}
	if !ready {
		t.Fatal("the listener never heard a committed message")
	}

	enqueue(core.Event{Kind: core.EventReply, ConversationID: "C-1", Channel: "web", Text: "rolled back", At: at}, false)
	enqueue(core.Event{Kind: core.EventReply, ConversationID: "C-1", Channel: "web", MessageID: 41, OrderID: "111-2222222-3333333", Text: "committed", At: at}, true)
	ev := wait("committed", "rolled back")
	want := core.Event{ID: ev.ID, Kind: core.EventReply, ConversationID: "C-1", Channel: "web", MessageID: 41, OrderID: "111-2222222-3333333", Text: "committed", At: at}
	if ev.ID <= 0 || ev != want {
		t.Errorf("heard %+v\nwant %+v", ev, want)
	}
	// The id is the outbox row's.
	var stored []core.Event
	if err := a.View(ctx, func(tx core.Tx) error {
		var err error
		stored, err = tx.Outbox(ctx, ev.ID-1, 1)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if len(stored) != 1 || stored[0] != ev {
		t.Errorf("outbox row %d is %+v; heard %+v", ev.ID, stored, ev)
	}

	// Too long for a notification: announced by id, read from the row.
	long := strings.Repeat("é", 5000) // 10,000 bytes
	enqueue(core.Event{Kind: core.EventDraftReady, ConversationID: "C-2", Text: long, At: at}, true)
	if ev := wait(long); ev.ID <= 0 || ev.Kind != core.EventDraftReady || ev.ConversationID != "C-2" || !ev.At.Equal(at) {
		t.Errorf("long message heard as %+v", ev)
	}
}
