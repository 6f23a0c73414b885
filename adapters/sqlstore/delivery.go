package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// The outbox is read by position: a sink keeps the id of the last message
// it has had (sink_state.after_id) and asks for the ones after it. That only
// works if a message never becomes visible after one with a higher id.
//
// On SQLite that cannot happen: one writer at a time, so ids commit in order. On
// PostgreSQL ids come from a sequence when the row is inserted, and two
// transactions may commit in the other order: a sink that had already read
// message 11 would never see message 10. So an Update writes its messages
// only just before it commits (Enqueue keeps them until then), under a
// lock that writers of the outbox take in turn and readers ignore: ids
// then commit in the order they are handed out. The cost: transactions
// that produce messages commit one after another, each holding the lock
// for the insert of its messages and its commit. Being the last lock they
// take, it cannot deadlock with order or conversation row locks. (An
// Update that reads the outbox after Enqueue writes its messages, and takes
// the lock, at that point instead.)
//
// The insert takes the lock itself, which saves a LOCK TABLE round trip:
// outbox_lock() (migration 00017: an advisory lock of the schema, held to
// the transaction's end) is the insert's filter, and a row is numbered only
// once it has passed the filter. Taking it again is a no-op. Replicas from
// before 00017 lock the table instead, which their inserts and these
// exclude each other by just as well (see the migration).
var (
	sqlEnqueue = prepared(`INSERT INTO outbox (kind, order_id, sku, conversation_id, channel, text, at, message_id, recipient)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	// On PostgreSQL the insert also announces the message to other
	// replicas (see listen.go): a notification is sent when its
	// transaction commits, and dropped with it when it rolls back.
	// PostgreSQL refuses payloads of 8000 bytes or more; a longer message
	// is announced by id and kind, and the listener reads the row.
	// The transaction's counters (flushCounters) ride in the same
	// statement, which saves their round trip (a buyer's message counts in
	// response_slots): the outbox lock first (each insert's filter takes it
	// before its first row), then the counters' rows in their order.
	sqlEnqueueNotify = preparedPG(`WITH ` + counterCTEs("outbox_lock()") + `, ins AS (
		INSERT INTO outbox (kind, order_id, sku, conversation_id, channel, text, at, message_id, recipient)
		SELECT ?::text, ?::text, ?::text, ?::text, ?::text, ?::text, ?::timestamptz, ?::bigint, ?::text
		WHERE outbox_lock()
		RETURNING id, kind, order_id, sku, conversation_id, channel, text, at, message_id, recipient` + notifyTail)
	// The same for many messages in one statement, one array per column:
	// the rows are inserted, so numbered, in the order given (ORDER BY the
	// ordinality), and the outbox lock keeps their ids consecutive.
	sqlEnqueueNotifyMany = preparedPG(`WITH ` + counterCTEs("outbox_lock()") + `, ` + outboxInsertMany("outbox_lock()") + notifyTail + ` ORDER BY id`)
	sqlOutbox            = prepared(`SELECT id, kind, order_id, sku, conversation_id, channel, text, at, message_id, recipient FROM outbox
		WHERE id > ? ORDER BY id LIMIT ?`)
	sqlOutboxMaxID = prepared(`SELECT COALESCE(MAX(id), 0) FROM outbox`)
)

// outboxInsertMany is the CTE ins of sqlEnqueueNotifyMany, inserting the
// rows given as arrays where filter holds (the outbox lock first); a
// notify tail follows it.
func outboxInsertMany(filter string) string {
	return `ins AS (
		INSERT INTO outbox (kind, order_id, sku, conversation_id, channel, text, at, message_id, recipient)
		SELECT kind, order_id, sku, conversation_id, channel, text, at, message_id, recipient
		FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::timestamptz[], ?::bigint[], ?::text[])
			WITH ORDINALITY AS v (kind, order_id, sku, conversation_id, channel, text, at, message_id, recipient, n)
		WHERE ` + filter + `
		ORDER BY n
		RETURNING id, kind, order_id, sku, conversation_id, channel, text, at, message_id, recipient`
}

// outboxCols is the number of values outboxArgs gives a message.
const outboxCols = 9

// outboxArgs are an outbox message's column values, in the insert's order.
func (db *DB) outboxArgs(ev core.Event) []any {
	return []any{string(ev.Kind), ev.OrderID, ev.SKU, ev.ConversationID, ev.Channel, ev.Text, db.tv(ev.At), ev.MessageID, ev.To}
}

// outboxArrays are the arrays outboxInsertMany reads for evs.
func (db *DB) outboxArrays(evs []core.Event) ([]any, error) {
	rows := make([]any, 0, outboxCols*len(evs))
	for _, ev := range evs {
		rows = append(rows, db.outboxArgs(ev)...)
	}
	return pgArrays(rows, outboxCols)
}

// notifyTail follows an outbox insert's CTE ins: it announces each row
// inserted (see sqlEnqueueNotify).
const notifyTail = notifyMsg + `
	SELECT ` + notifyCall + `
	FROM msg`

// notifyMsg closes the CTE ins and makes each inserted row's payload;
// notifyCall announces one (a statement may count the calls instead of
// returning them).
const (
	notifyMsg = `
	), msg AS (
		SELECT id, kind, json_build_object('id', id, 'kind', kind, 'order_id', order_id, 'sku', sku,
			'conversation_id', conversation_id, 'channel', channel, 'text', text, 'at', at,
			'message_id', message_id, 'to', recipient)::text AS payload
		FROM ins
	)`
	notifyCall = `pg_notify(?::text, CASE WHEN octet_length(payload) < 8000 THEN payload
		ELSE json_build_object('id', id, 'kind', kind, 'truncated', true)::text END)`
)

// Enqueue puts a message in the outbox. It is written when the Update
// commits, or earlier if this transaction reads the outbox.
func (t *Tx) Enqueue(ctx context.Context, ev core.Event) error {
	if err := t.writable("Enqueue"); err != nil {
		return err
	}
	t.outbox = append(t.outbox, ev)
	return nil
}

// flushOutbox writes the messages Enqueue kept, in the order given, and on
// PostgreSQL the transaction's counters with them (see counterCTEs).
func (t *Tx) flushOutbox(ctx context.Context) error {
	if len(t.outbox) == 0 {
		return nil
	}
	var counters []any // PostgreSQL: written with the first messages
	if t.db.dialect == postgresDialect {
		var err error
		if counters, err = counterArrays(t.counterRowSets()); err != nil {
			return t.fail(err, "write to the outbox")
		}
	}
	// PostgreSQL: several messages in one statement, a round trip each
	// saved (a buyer's message and its draft make two).
	if t.db.dialect == postgresDialect && len(t.outbox) > 1 {
		for start := 0; start < len(t.outbox); start += maxArrayRows {
			arrays, err := t.db.outboxArrays(t.outbox[start:min(len(t.outbox), start+maxArrayRows)])
			if err == nil {
				_, err = t.exec(ctx, sqlEnqueueNotifyMany, slices.Concat(counters, arrays, []any{t.db.channel})...)
			}
			if err != nil {
				return t.fail(err, "write to the outbox")
			}
			counters = noCounters()
		}
		t.outbox = nil
		t.countersWritten()
		return nil
	}
	for _, ev := range t.outbox {
		var err error
		if t.db.dialect == postgresDialect {
			_, err = t.exec(ctx, sqlEnqueueNotify, slices.Concat(counters, t.db.outboxArgs(ev), []any{t.db.channel})...)
			counters = noCounters()
		} else {
			_, err = t.exec(ctx, sqlEnqueue, t.db.outboxArgs(ev)...)
		}
		if err != nil {
			return t.fail(err, "write to the outbox")
		}
	}
	t.outbox = nil
	if counters != nil {
		t.countersWritten()
	}
	return nil
}

// Outbox lists the messages with ID > afterID, oldest first; a limit of 0
// or less means all of them.
func (t *Tx) Outbox(ctx context.Context, afterID int64, limit int) ([]core.Event, error) {
	if err := t.flushOutbox(ctx); err != nil { // this transaction's own messages too
		return nil, err
	}
	rows, err := t.query(ctx, sqlOutbox, afterID, limitOrAll(limit))
	if err != nil {
		return nil, t.fail(err, "read the outbox")
	}
	var out []core.Event
	err = eachRow(rows, func() error {
		var e core.Event
		err := rows.Scan(&e.ID, (*string)(&e.Kind), &e.OrderID, &e.SKU, &e.ConversationID, &e.Channel, &e.Text, timeDest{&e.At}, &e.MessageID, &e.To)
		out = append(out, e)
		return err
	})
	if err != nil {
		return nil, t.fail(err, "read the outbox")
	}
	return out, nil
}

const sinkCols = `sink, after_id, attempts, next_attempt, last_error, group_to`

var (
	sqlSinkState     = prepared(`SELECT ` + sinkCols + ` FROM sink_state WHERE sink = ?`)
	sqlSinkStateLock = prepared(`SELECT ` + sinkCols + ` FROM sink_state WHERE sink = ? FOR UPDATE`)
	// A new sink starts after the newest message: it does not replay
	// history. DO NOTHING: another replica added it first, and its row is
	// the one to use (on PostgreSQL this insert waits for that replica's
	// transaction to end, then finds its row). WHERE TRUE keeps SQLite from
	// reading ON CONFLICT as a join's ON.
	sqlAddSink = prepared(`INSERT INTO sink_state (sink, after_id, attempts, last_error)
		SELECT ?, COALESCE(MAX(id), 0), 0, '' FROM outbox WHERE TRUE ON CONFLICT (sink) DO NOTHING`)
	sqlSaveSinkState = prepared(`INSERT INTO sink_state (` + sinkCols + `) VALUES ` + placeholders(6) +
		` ON CONFLICT (sink) DO UPDATE SET ` + assign("after_id, attempts, next_attempt, last_error, group_to", "excluded"))
)

// SinkState returns where a sink's delivery stands. Inside Update its row
// is locked until the transaction ends (made first if the sink is new), so
// replicas take turns delivering for one sink. In View a new sink's state is
// only computed: nothing is written.
func (t *Tx) SinkState(ctx context.Context, sink string) (core.SinkState, error) {
	if err := checkSink(sink); err != nil {
		return core.SinkState{}, err
	}
	if !t.write {
		st, found, err := t.sinkState(ctx, sqlSinkState, sink)
		if err != nil || found {
			return st, err
		}
		st = core.SinkState{Sink: sink}
		if err := t.stmt(ctx, sqlOutboxMaxID).QueryRowContext(ctx).Scan(&st.AfterID); err != nil {
			return st, t.fail(err, "read the outbox")
		}
		return st, nil
	}
	if err := t.writable("SinkState"); err != nil {
		return core.SinkState{}, err
	}
	// Most calls find the row: one statement. A new sink takes three.
	st, found, err := t.sinkState(ctx, sqlSinkStateLock, sink)
	if err != nil || found {
		return st, err
	}
	if err := t.flushOutbox(ctx); err != nil { // "the newest message" includes this transaction's
		return st, err
	}
	if _, err := t.exec(ctx, sqlAddSink, sink); err != nil {
		return st, t.fail(err, "start delivering to "+sink)
	}
	st, found, err = t.sinkState(ctx, sqlSinkStateLock, sink)
	if err == nil && !found {
		err = core.WrapInternal(errors.New("sqlstore: sink_state row missing after insert"), "start delivering to "+sink)
		t.failed = err
	}
	return st, err
}

func (t *Tx) sinkState(ctx context.Context, s *stmtDef, sink string) (st core.SinkState, found bool, err error) {
	err = t.stmt(ctx, s).QueryRowContext(ctx, sink).
		Scan(&st.Sink, &st.AfterID, &st.Attempts, timeDest{&st.NextAttempt}, &st.LastError, &st.GroupTo)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return core.SinkState{}, false, nil
	case err != nil:
		return core.SinkState{}, false, t.fail(err, "read delivery state")
	}
	return st, true, nil
}

// SaveSinkState inserts or replaces a sink's state. A zero NextAttempt is
// stored as NULL (no retry pending).
func (t *Tx) SaveSinkState(ctx context.Context, s core.SinkState) error {
	if err := t.writable("SaveSinkState"); err != nil {
		return err
	}
	if err := checkSink(s.Sink); err != nil {
		return err
	}
	if s.AfterID < 0 || s.Attempts < 0 || s.GroupTo < 0 {
		return core.Errorf(core.Invalid, "Delivery state of %s has a negative message id or attempt count", s.Sink)
	}
	var next any // NULL
	if !s.NextAttempt.IsZero() {
		next = t.db.tv(s.NextAttempt)
	}
	_, err := t.exec(ctx, sqlSaveSinkState, s.Sink, s.AfterID, int64(s.Attempts), next, storableText(s.LastError), s.GroupTo)
	if err != nil {
		return t.fail(err, "save delivery state")
	}
	return nil
}

func checkSink(sink string) error {
	if sink == "" || !storable(sink) {
		return core.FieldErrorf(core.Invalid, "sink", "A delivery sink needs a name of plain text (got %q)", sink)
	}
	return nil
}

// storableText makes text PostgreSQL can keep: an error message quoting a
// platform's answer may hold anything, and failing to save it would stop
// delivery for good.
func storableText(s string) string {
	return strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", ""), "\uFFFD")
}

var sqlFirstSeen = prepared(`INSERT INTO inbound_events (platform, id, at) VALUES (?, ?, ?)
	ON CONFLICT (platform, id) DO NOTHING`)

// FirstSeen records an inbound event id and reports whether it is new.
// A repeat is not an error: the insert does nothing and affects no row. On
// PostgreSQL a second replica inserting the same id waits for the first's
// transaction, then finds the row (or, if that one rolled back, inserts it).
//
// Rows older than core.InboundRetention are deleted by a daily job
// (ForgetInbound; inbound_events_at is there for that), since platforms
// retry within minutes.
func (t *Tx) FirstSeen(ctx context.Context, platform, id string, at time.Time) (bool, error) {
	if err := t.writable("FirstSeen"); err != nil {
		return false, err
	}
	if err := checkRef("platform", platform); err != nil {
		return false, err
	}
	if err := checkRef("event_id", id); err != nil {
		return false, err
	}
	res, err := t.exec(ctx, sqlFirstSeen, platform, id, t.db.tv(at))
	if err != nil {
		return false, t.fail(err, "record an inbound event")
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, t.fail(err, "record an inbound event")
	}
	return n == 1, nil
}

var sqlForgetInbound = prepared(`DELETE FROM inbound_events WHERE at < ?`)

// ForgetInbound deletes inbound event ids recorded before a time.
func (t *Tx) ForgetInbound(ctx context.Context, before time.Time) (int, error) {
	return t.deleteBefore(ctx, "ForgetInbound", sqlForgetInbound, before, "forget old inbound events")
}

// deleteBefore runs a DELETE … WHERE at < ? and counts the rows it took.
func (t *Tx) deleteBefore(ctx context.Context, method string, q *stmtDef, before time.Time, doing string) (int, error) {
	if err := t.writable(method); err != nil {
		return 0, err
	}
	res, err := t.exec(ctx, q, t.db.tv(before))
	if err != nil {
		return 0, t.fail(err, doing)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, t.fail(err, doing)
	}
	return int(n), nil
}

var (
	sqlChatRef     = prepared(`SELECT platform, key, channel, message_id, at FROM chat_refs WHERE platform = ? AND key = ?`)
	sqlSaveChatRef = prepared(`INSERT INTO chat_refs (platform, key, channel, message_id, at) VALUES ` + placeholders(5) +
		` ON CONFLICT (platform, key) DO UPDATE SET ` + assign("channel, message_id, at", "excluded"))
)

// ChatRef returns where the platform message about key lives; NotFound
// when none was saved.
func (t *Tx) ChatRef(ctx context.Context, platform, key string) (core.ChatRef, error) {
	var r core.ChatRef
	err := t.stmt(ctx, sqlChatRef).QueryRowContext(ctx, platform, key).
		Scan(&r.Platform, &r.Key, &r.Channel, &r.MessageID, timeDest{&r.At})
	if errors.Is(err, sql.ErrNoRows) {
		return core.ChatRef{}, core.Errorf(core.NotFound, "No %s message is recorded for %s", platform, key)
	}
	if err != nil {
		return core.ChatRef{}, t.fail(err, "read a chat reference")
	}
	return r, nil
}

// SaveChatRef inserts a ChatRef or replaces the one with its platform and key.
func (t *Tx) SaveChatRef(ctx context.Context, r core.ChatRef) error {
	if err := t.writable("SaveChatRef"); err != nil {
		return err
	}
	for _, f := range []struct{ name, s string }{{"platform", r.Platform}, {"key", r.Key}, {"channel", r.Channel}, {"message_id", r.MessageID}} {
		if err := checkRef(f.name, f.s); err != nil {
			return err
		}
	}
	_, err := t.exec(ctx, sqlSaveChatRef, r.Platform, r.Key, r.Channel, r.MessageID, t.db.tv(r.At))
	if err != nil {
		return t.fail(err, "save a chat reference")
	}
	return nil
}

// Several refs could name one message only by mistake; the newest wins.
var sqlChatRefAt = prepared(`SELECT platform, key, channel, message_id, at FROM chat_refs
	WHERE platform = ? AND channel = ? AND message_id = ? ORDER BY at DESC, key LIMIT 1`)

// ChatRefAt returns the ref that points at a platform message; NotFound
// when none does. chat_refs_message (migration 00007) keeps it a lookup.
func (t *Tx) ChatRefAt(ctx context.Context, platform, channel, messageID string) (core.ChatRef, error) {
	var r core.ChatRef
	err := t.stmt(ctx, sqlChatRefAt).QueryRowContext(ctx, platform, channel, messageID).
		Scan(&r.Platform, &r.Key, &r.Channel, &r.MessageID, timeDest{&r.At})
	if errors.Is(err, sql.ErrNoRows) {
		return core.ChatRef{}, core.Errorf(core.NotFound, "No %s reference points at message %s in %s", platform, messageID, channel)
	}
	if err != nil {
		return core.ChatRef{}, t.fail(err, "read a chat reference")
	}
	return r, nil
}

// checkRef refuses an empty platform identifier, or one the database would
// refuse less clearly (see storable).
func checkRef(field, s string) error {
	if s == "" || !storable(s) {
		return core.FieldErrorf(core.Invalid, field, "The chat %s must be plain, non-empty text (got %q)", strings.ReplaceAll(field, "_", " "), s)
	}
	return nil
}

var (
	sqlCursor = prepared(`SELECT value FROM cursors WHERE name = ?`)
	// Inside an Update on PostgreSQL the row is locked until commit, so two
	// writers moving one cursor at once (core.Engine.SaveCursor reads,
	// then saves) take turns and the second sees the first's value; read
	// committed alone would let it overwrite that with a step behind.
	// SQLite's writes are one at a time anyway.
	sqlCursorLock = preparedPG(`SELECT value FROM cursors WHERE name = ? FOR UPDATE`)
	sqlSaveCursor = prepared(`INSERT INTO cursors (name, value) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value`)
)

// Cursor returns where a message source has read up to, NotFound when it
// has saved nothing yet.
func (t *Tx) Cursor(ctx context.Context, name string) (string, error) {
	var v string
	q := sqlCursor
	if t.write && t.db.dialect == postgresDialect {
		q = sqlCursorLock
	}
	err := t.stmt(ctx, q).QueryRowContext(ctx, name).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", core.Errorf(core.NotFound, "No cursor %q saved yet.", name)
	}
	if err != nil {
		return "", t.fail(err, "read a source's cursor")
	}
	return v, nil
}

// SaveCursor inserts or replaces a source's cursor.
func (t *Tx) SaveCursor(ctx context.Context, name, value string) error {
	if err := t.writable("SaveCursor"); err != nil {
		return err
	}
	if name == "" || !storable(name) || !storable(value) {
		return core.FieldErrorf(core.Invalid, "cursor", "A cursor needs a name and plain text (got %q = %q)", name, value)
	}
	if _, err := t.exec(ctx, sqlSaveCursor, name, value); err != nil {
		return t.fail(err, "save a source's cursor")
	}
	return nil
}
