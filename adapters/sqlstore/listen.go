package sqlstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"net"
	"strconv"
	"time"

	"github.com/lib/pq"

	"github.com/sellerdesk/sellerdesk/core"
)

// Replicas on one PostgreSQL learn of each other's outbox messages through
// LISTEN/NOTIFY: the insert that writes a message also calls pg_notify (see
// sqlEnqueueNotify), so the announcement goes out when, and only if, its
// transaction commits. The outbox stays the record: a notification missed
// while a listener reconnects is found by whatever polls the outbox.
//
// The channel is per schema, like the migration lock, so that several
// deployments (or test schemas) in one database do not hear each other.
const notifyBase = "sellerdesk_outbox"

// notifyChannel is the notification channel of a schema's outbox:
// sellerdesk_outbox for the default schema, a hashed suffix otherwise (a
// channel name must stay under 64 bytes).
func notifyChannel(schema string) string {
	if schema == "public" {
		return notifyBase
	}
	h := fnv.New64a()
	h.Write([]byte(schema))
	return notifyBase + "_" + strconv.FormatUint(h.Sum64(), 36)
}

// notice is a notification's payload: the message as JSON, or only its id
// and kind (Truncated) when it was too long to send.
type notice struct {
	core.Event
	Truncated bool `json:"truncated"`
}

// Listen calls fn with every outbox message committed to this database,
// by this process or any other, until ctx ends; it then returns nil. On
// SQLite it returns nil at once: one process owns the file, and the
// engine's own Notify already tells it everything.
//
// fn is called from one goroutine, in commit order, and must not block for
// long. Messages committed by this process arrive here too (as well as
// through core.Options.Notify, where their ID is 0): what fn wakes must be
// idempotent, as the drafting loop and the help page's live updates are.
//
// The connection is lib/pq's Listener on the store's own URL: it reconnects
// by itself when PostgreSQL restarts. Messages committed while it was away
// are not replayed (that is logged); readers of the outbox catch up with
// them on their next poll.
func (db *DB) Listen(ctx context.Context, fn func(core.Event)) error {
	if db.dialect != postgresDialect {
		return nil
	}
	l := pq.NewListener(db.dsn, 100*time.Millisecond, 10*time.Second, func(ev pq.ListenerEventType, err error) {
		switch ev {
		case pq.ListenerEventDisconnected:
			if ctx.Err() == nil {
				db.log.Warn("outbox notifications: connection lost; reconnecting", "err", db.scrub(errText(err)))
			}
		case pq.ListenerEventConnectionAttemptFailed:
			if ctx.Err() == nil {
				db.log.Warn("outbox notifications: reconnect failed; trying again", "err", db.scrub(errText(err)))
			}
		case pq.ListenerEventReconnected:
			db.log.Info("outbox notifications: reconnected; messages committed meanwhile are read from the outbox, not announced")
		}
	})
	defer l.Close()
	// Close also ends a Listen still waiting for the first connection.
	stop := context.AfterFunc(ctx, func() { l.Close() })
	defer stop()
	if err := l.Listen(db.channel); err != nil {
		if ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
			return nil
		}
		return db.fail(err, "listen for outbox messages")
	}
	// A quiet connection may have died without a word: ping it now and
	// then, so the Listener notices and reconnects.
	ping := time.NewTicker(90 * time.Second)
	defer ping.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-ping.C:
			go l.Ping() // an error makes the Listener reconnect; nothing to do here
		case n, ok := <-l.Notify:
			if !ok {
				return nil // closed
			}
			if n == nil {
				continue // reconnected (logged by the callback)
			}
			ev, err := db.decodeNotice(ctx, n.Extra)
			if err != nil {
				if ctx.Err() == nil {
					db.log.Warn("outbox notifications: a notification could not be read", "err", err)
				}
				continue
			}
			fn(ev)
		}
	}
}

// decodeNotice turns a payload into the message; a truncated one is read
// from the outbox.
func (db *DB) decodeNotice(ctx context.Context, payload string) (core.Event, error) {
	var n notice
	if err := json.Unmarshal([]byte(payload), &n); err != nil {
		return core.Event{}, fmt.Errorf("payload %.80q: %w", payload, err)
	}
	if n.ID <= 0 {
		return core.Event{}, fmt.Errorf("payload %.80q has no message id", payload)
	}
	if !n.Truncated {
		n.At = n.At.UTC()
		return n.Event, nil
	}
	var ev core.Event
	err := db.View(ctx, func(tx core.Tx) error {
		evs, err := tx.Outbox(ctx, n.ID-1, 1)
		if err != nil {
			return err
		}
		if len(evs) == 0 || evs[0].ID != n.ID {
			return fmt.Errorf("outbox message %d is gone", n.ID)
		}
		ev = evs[0]
		return nil
	})
	return ev, err
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
